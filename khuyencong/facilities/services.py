"""Every write to a facility: permission-checked, validated, atomic and audited."""

from __future__ import annotations

import re
import unicodedata
from bisect import insort
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from khuyencong.accounts import access
from khuyencong.accounts.access import Action
from khuyencong.accounts.models import User
from khuyencong.audit.models import AuditAction
from khuyencong.audit.services import (
    audit_entries_write,
    audit_entry_build,
    audit_entry_write,
    audit_snapshot,
    audit_snapshots,
)
from khuyencong.core.bulk import insert_all
from khuyencong.core.codes import (
    created_under_new_code,
    duplicate_code_error,
    is_unique_violation,
    require_free_code,
)
from khuyencong.core.refusals import refuse
from khuyencong.core.text import compact_key, fold
from khuyencong.geography.models import AdminUnit
from khuyencong.geography.resolver import ResolvedPlace
from khuyencong.geography.selectors import unit_default_current_commune

from .models import Facility, Trade
from .priority import PRIORITY_FIELDS
from .validators import normalize_tax_code

AUDITED_FIELDS = [
    "code", "name", "legal_form", "tax_code", "place_recorded_on", "province", "district", "commune",
    "commune_as_written", "address", "current_province", "current_commune", "trade", "trade_description",
    "craft_village", "women_owned", "ethnic_minority_owned", "disadvantaged_area", "representative", "phone", "email",
    "founded_year", "workers", "annual_revenue",
]  # fmt: skip

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}$")
CODE_FORM = gettext_noop("Mã cơ sở chỉ gồm chữ, số, dấu chấm, gạch ngang, gạch dưới (tối đa 40 ký tự).")


class DuplicateFacilityWarning(Exception):
    """Facilities with the same name in the same commune exist; the caller must confirm to go on."""

    def __init__(self, similar: list[Facility]) -> None:
        super().__init__(_("Đã có cơ sở cùng tên trong cùng xã."))
        self.similar = similar


@dataclass
class FacilityData:
    name: str
    legal_form: str
    place: ResolvedPlace
    tax_code: str | None = None
    commune_as_written: str = ""
    address: str = ""
    trade: Trade | None = None
    trade_description: str = ""
    craft_village: str = ""
    women_owned: bool = False
    ethnic_minority_owned: bool = False
    disadvantaged_area: bool = False
    representative: str = ""
    phone: str = ""
    email: str = ""
    founded_year: int | None = None
    workers: int | None = None
    annual_revenue: Decimal | None = None


def _apply(
    facility: Facility,
    data: FacilityData,
    current_commune: Callable[[AdminUnit], AdminUnit | None] = unit_default_current_commune,
) -> None:
    place = data.place
    facility.place_recorded_on = place.as_of
    facility.province = place.province
    facility.district = place.district
    facility.commune = place.commune
    assert place.unit.current_province is not None, "every unit is linked to a current province at load time"
    facility.current_province = place.unit.current_province
    facility.current_commune = current_commune(place.commune) if place.commune else None
    for f in fields(FacilityData):
        if f.name != "place":
            setattr(facility, f.name, getattr(data, f.name))
    # Composed (NFC), as typed on a keyboard: a name pasted decomposed reads the same but matches nothing typed.
    facility.name = unicodedata.normalize("NFC", " ".join(facility.name.split()))
    facility.tax_code = normalize_tax_code(facility.tax_code) if facility.tax_code else None
    facility.name_key = compact_key(facility.name)
    facility.search_text = _search_text(facility)


def _search_text(facility: Facility) -> str:
    units = [
        facility.commune,
        facility.district,
        facility.province,
        facility.current_commune,
        facility.current_province,
    ]
    words = [
        facility.name, facility.code, facility.tax_code, facility.trade_description, facility.craft_village,
        facility.representative, facility.address, facility.commune_as_written,
        *(unit.name for unit in units if unit is not None),
    ]  # fmt: skip
    return fold(" | ".join(w for w in words if w))


def facility_similar(facility: Facility) -> list[Facility]:
    """Same folded name in the same commune today (or the same recorded district when no commune is known)."""
    others = Facility.objects.filter(name_key=facility.name_key).exclude(pk=facility.pk)
    if facility.current_commune_id:
        others = others.filter(current_commune_id=facility.current_commune_id)
    elif facility.district_id:
        others = others.filter(district_id=facility.district_id, current_commune__isnull=True)
    else:
        others = others.filter(current_province_id=facility.current_province_id, current_commune__isnull=True)
    return list(others.select_related("current_province")[:10])


def _check(facility: Facility, *, actor: User, confirm_duplicate: bool) -> None:
    # Uniqueness is checked below with a message naming the holder; the database constraint remains the backstop.
    facility.full_clean(exclude=["current_province", "province"], validate_constraints=False)
    _check_dates(facility)
    if facility.tax_code:
        holder = Facility.objects.filter(tax_code=facility.tax_code).exclude(pk=facility.pk).first()
        if holder is not None:
            raise _tax_code_taken(facility, holder, actor)
    if not confirm_duplicate:
        similar = facility_similar(facility)
        if similar:
            raise DuplicateFacilityWarning(similar)


def _check_dates(facility: Facility) -> None:
    today = timezone.localdate()
    if facility.place_recorded_on > today:
        raise refuse("place_recorded_on", _("Ngày ghi nhận địa chỉ không thể ở tương lai."), "future_date")
    if facility.founded_year is not None and facility.founded_year > today.year:
        message = _("Năm thành lập %(year)s ở tương lai.") % {"year": facility.founded_year}
        raise refuse("founded_year", message, "future_date")


def _tax_code_taken(facility: Facility, holder: Facility, actor: User) -> ValidationError:
    """The holder is named only to someone who may see it."""
    visible = access.can_on_facility(actor, Action.VIEW, holder)
    if not visible:
        message = _("Mã số thuế %(tax_code)s đã được đăng ký cho một cơ sở khác.") % {"tax_code": facility.tax_code}
    else:
        message = _("Mã số thuế %(tax_code)s đã được đăng ký cho %(name)s (mã %(code)s).") % {
            "tax_code": facility.tax_code,
            "name": holder.name,
            "code": holder.code,
        }
    return ValidationError({"tax_code": message})


def _next_code(facility: Facility) -> str:
    prefix = f"CS-{facility.current_province.code}-"
    return f"{prefix}{_last_number(prefix) + 1:06d}"


def _last_number(prefix: str) -> int:
    return _last_number_in(prefix, Facility.objects.filter(code__startswith=prefix).values_list("code", flat=True))


def _last_number_in(prefix: str, codes: Iterable[str]) -> int:
    return max(
        (
            int(c[len(prefix) :])
            for c in codes
            if c.startswith(prefix) and c[len(prefix) :].isascii() and c[len(prefix) :].isdigit()
        ),
        default=0,
    )


def facility_create(
    *, actor: User, data: FacilityData, code: str | None = None, confirm_duplicate: bool = False
) -> Facility:
    if not access.can_create_facility_in(actor, data.place.province, commune=data.place.commune):
        raise PermissionDenied(_("Bạn không có quyền đăng ký cơ sở tại địa bàn này."))
    if code is not None and not CODE_PATTERN.match(code):
        raise ValidationError({"code": _(CODE_FORM)})
    if code is not None:
        require_free_code(Facility, code, _("cơ sở"))
    facility = Facility()
    _apply(facility, data)
    facility.code = code or _next_code(facility)
    facility.search_text = _search_text(facility)
    _check(facility, actor=actor, confirm_duplicate=confirm_duplicate)
    with _taken_meanwhile(), created_under_new_code(Facility, facility.code, _("cơ sở")):
        facility.save()
        audit_entry_write(
            actor=actor,
            action=AuditAction.CREATE,
            instance=facility,
            before={},
            after=audit_snapshot(facility, AUDITED_FIELDS),
        )
    return facility


@contextmanager
def _taken_meanwhile() -> Iterator[None]:
    """A code or tax code registered by someone else since the look-ups (the same tax code at the same moment, or a
    generated code taken meanwhile): refused as such, never an error page."""
    try:
        yield
    except IntegrityError as exc:
        if not is_unique_violation(exc):
            raise
        raise ValidationError(
            _("Mã cơ sở hoặc mã số thuế vừa được người khác đăng ký; hãy tải lại và thử lại."), code="duplicate_code"
        ) from exc


# Values per IN list in the batch's look-ups: far under SQLite's 32,766 parameters, and a plan the database caches.
LOOKUP_CHUNK = 500
# Fields `full_clean` would check by one query each and that the batch checks otherwise: the units and the trade are
# instances just read from the database, and the code is looked up for the whole batch below.
_BATCH_CLEAN_EXCLUDE = ["current_province", "province", "district", "commune", "current_commune", "trade"]


@dataclass
class NewFacility:
    """One facility of a batch: what `facility_create` takes for one."""

    data: FacilityData
    code: str | None = None


@dataclass
class FacilityBatch:
    """What `facility_create_many` wrote: the facilities in the order given and, for each, the facilities of the same
    name in the same commune that already existed when it was added (what `DuplicateFacilityWarning` names)."""

    facilities: list[Facility]
    similar: list[list[Facility]] = field(default_factory=list)


class FacilityBatchRefused(Exception):
    """Rows of a batch refused, by their index in the batch; each error is the one `facility_create` raises for that
    row. Nothing was written."""

    def __init__(self, errors: dict[int, ValidationError | PermissionDenied]) -> None:
        super().__init__(_("%(count)s cơ sở không đăng ký được.") % {"count": len(errors)})
        self.errors = errors


def _chunks(values: Iterable[str], size: int = LOOKUP_CHUNK) -> Iterator[list[str]]:
    chunk: list[str] = []
    for value in values:
        chunk.append(value)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


SimilarKey = tuple[str, str, int]


def _similar_keys(facility: Facility) -> list[SimilarKey]:
    """The keys under which `facility_similar` finds this facility: its commune today, or, without one, its recorded
    district and its province (a facility without a commune is found from either)."""
    if facility.current_commune_id:
        return [(facility.name_key, "commune", facility.current_commune_id)]
    keys = [(facility.name_key, "province", facility.current_province_id)]
    if facility.district_id:
        keys.append((facility.name_key, "district", facility.district_id))
    return keys


def _similar_key(facility: Facility) -> SimilarKey:
    """The key `facility_similar` searches with for this facility (the same order of preference)."""
    if facility.current_commune_id:
        return (facility.name_key, "commune", facility.current_commune_id)
    if facility.district_id:
        return (facility.name_key, "district", facility.district_id)
    return (facility.name_key, "province", facility.current_province_id)


def facility_create_many(*, actor: User, rows: Sequence[NewFacility]) -> FacilityBatch:
    """`facility_create` for many facilities at once (an Excel or exchange import), all or nothing.

    Each row passes the same checks in the same order as `facility_create` — the capability check, the code, the
    fields, the dates, the tax code, the same-name search — against the database *and* the rows before it in the batch,
    as if they had been created one by one; but the database is read a few times per batch (places' successors, codes,
    tax codes, names: in chunks) instead of several times per row, and the facilities and their audit entries are
    inserted in bulk. The search index follows: the folded column is filled here, SQLite's FTS5 table by its triggers
    and PostgreSQL's trigram index by itself.

    Rows are created as if the same-name question had been confirmed; the same-name facilities are returned for the
    caller to warn about. If any row is refused, nothing is written and `FacilityBatchRefused` names every refused row.
    """
    successors: dict[int, AdminUnit | None] = {}

    def current_commune(unit: AdminUnit) -> AdminUnit | None:
        if unit.pk not in successors:
            successors[unit.pk] = unit_default_current_commune(unit)
        return successors[unit.pk]

    drafts: list[Facility] = []
    for row in rows:
        draft = Facility()
        _apply(draft, row.data, current_commune)
        drafts.append(draft)
    taken_codes: set[str] = set()
    for chunk in _chunks(row.code for row in rows if row.code is not None):
        taken_codes.update(Facility.objects.filter(code__in=chunk).values_list("code", flat=True))
    holders: dict[str, Facility] = {}
    for chunk in _chunks({d.tax_code for d in drafts if d.tax_code}):
        holders.update((f.tax_code, f) for f in Facility.objects.filter(tax_code__in=chunk) if f.tax_code)
    same_name: dict[SimilarKey, list[Facility]] = {}
    for chunk in _chunks({d.name_key for d in drafts}):
        known = Facility.objects.filter(name_key__in=chunk).only(
            "code", "name", "name_key", "current_commune", "district", "current_province"
        )
        for facility in known.order_by("name", "pk"):
            for key in _similar_keys(facility):
                same_name.setdefault(key, []).append(facility)
    next_numbers: dict[str, int] = {}
    allowed: dict[tuple[int, int | None], bool] = {}
    errors: dict[int, ValidationError | PermissionDenied] = {}
    accepted: list[Facility] = []
    similar: list[list[Facility]] = []
    for index, (row, facility) in enumerate(zip(rows, drafts, strict=True)):
        place = row.data.place
        where = (place.province.pk, place.commune.pk if place.commune else None)
        if where not in allowed:
            allowed[where] = access.can_create_facility_in(actor, place.province, commune=place.commune)
        try:
            if not allowed[where]:
                raise PermissionDenied(_("Bạn không có quyền đăng ký cơ sở tại địa bàn này."))
            if row.code is not None and not CODE_PATTERN.match(row.code):
                raise ValidationError({"code": _(CODE_FORM)})
            if row.code is not None and row.code in taken_codes:
                raise duplicate_code_error(_("cơ sở"), row.code)
            prefix = f"CS-{facility.current_province.code}-"
            if row.code is None and prefix not in next_numbers:
                # As _next_code would see it: the database's codes and those given to earlier rows of the batch.
                next_numbers[prefix] = max(_last_number(prefix), _last_number_in(prefix, taken_codes))
            facility.code = row.code or f"{prefix}{next_numbers[prefix] + 1:06d}"
            facility.search_text = _search_text(facility)
            facility.full_clean(exclude=_BATCH_CLEAN_EXCLUDE, validate_unique=False, validate_constraints=False)
            _check_dates(facility)
            holder = holders.get(facility.tax_code) if facility.tax_code else None
            if holder is not None:
                raise _tax_code_taken(facility, holder, actor)
        except (ValidationError, PermissionDenied) as error:
            errors[index] = error
            similar.append([])
            continue
        # Accepted: the rows after it see it as the database would have after its creation.
        found = same_name.get(_similar_key(facility), [])
        similar.append(found[:10])
        for key in _similar_keys(facility):
            # Kept in the order facility_similar reads (name, then creation); the new one was created last.
            insort(same_name.setdefault(key, []), facility, key=lambda f: f.name)
        taken_codes.add(facility.code)
        if facility.tax_code:
            holders[facility.tax_code] = facility
        for start, number in next_numbers.items():
            next_numbers[start] = max(number, _last_number_in(start, [facility.code]))
        accepted.append(facility)
    if errors:
        raise FacilityBatchRefused(errors)
    with _taken_meanwhile(), transaction.atomic():
        insert_all(accepted)
        entries = [
            audit_entry_build(actor=actor, action=AuditAction.CREATE, instance=facility, before={}, after=after)
            for facility, after in zip(accepted, audit_snapshots(list(accepted), AUDITED_FIELDS), strict=True)
        ]
        audit_entries_write([entry for entry in entries if entry is not None])
    return FacilityBatch(accepted, similar)


def facility_update(
    *, facility: Facility, actor: User, data: FacilityData, confirm_duplicate: bool = False, note: str = ""
) -> Facility:
    """`note` says why, in the audit entry (a representative's proposal applied names the proposal)."""
    if not access.can_on_facility(actor, Action.CHANGE, facility):
        raise PermissionDenied(_("Bạn không có quyền sửa cơ sở này."))
    if not access.can_create_facility_in(actor, data.place.province, commune=data.place.commune):
        raise PermissionDenied(_("Bạn không thể chuyển cơ sở sang địa bàn ngoài phạm vi quản lý của mình."))
    with transaction.atomic():
        stored = Facility.objects.filter(pk=facility.pk).values_list(*PLACE_FIELDS, *sorted(PRIORITY_FIELDS)).get()
        if stored != (*_place_of(data), *_priority_fields(data)):
            # A new place or new groups rewrite its đề án (their province as recorded, their reach): they are
            # locked before the facility, as a step recorded on one of them and then a new đề án naming the
            # facility (locking it shared) do within an import, which would otherwise wait for this edit while this
            # edit waits for it — a deadlock. Not a global order: an import that names the facility first and then
            # records a step on an older đề án of it, or a second edit changing the place or groups between this
            # read and the lock, can still meet this edit; PostgreSQL then refuses one side, which the pages, the
            # API and the imports answer as `write_conflict` (core.conflicts).
            lock_projects_of(facility)
        locked = Facility.objects.select_for_update().get(pk=facility.pk)
        before = audit_snapshot(locked, AUDITED_FIELDS)
        place_before = (locked.province_id, locked.district_id, locked.commune_id)
        groups_before = _priority_fields(locked)
        same_name_and_place = locked.name_key == compact_key(data.name) and locked.commune_id == (
            data.place.commune.pk if data.place.commune else None
        )
        _apply(locked, data)
        # An edit that keeps the name and commune does not re-ask about duplicates accepted at creation.
        _check(locked, actor=actor, confirm_duplicate=confirm_duplicate or same_name_and_place)
        try:
            with transaction.atomic():
                locked.save()
        except IntegrityError as exc:
            raise ValidationError(_("Mã số thuế vừa được người khác đăng ký; hãy tải lại và thử lại.")) from exc
        audit_entry_write(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=locked,
            before=before,
            after=audit_snapshot(locked, AUDITED_FIELDS),
            note=note,
        )
        if (locked.province_id, locked.district_id, locked.commune_id) != place_before:
            _place_projects_again(locked)
        if _priority_fields(locked) != groups_before:
            _count_projects_again(locked)
    return locked


PLACE_FIELDS = ("province_id", "district_id", "commune_id")


def _place_of(data: FacilityData) -> tuple[int | None, ...]:
    place = data.place
    return tuple(unit.pk if unit else None for unit in (place.province, place.district, place.commune))


def _priority_fields(facility: Facility | FacilityData) -> tuple[Any, ...]:
    return tuple(getattr(facility, name) for name in sorted(PRIORITY_FIELDS))


def lock_projects_of(facility: Facility | int) -> None:
    """Locks the đề án naming this facility, in key order: before the facility, when an edit will rewrite them."""
    from khuyencong.projects.models import Project

    list(Project.objects.filter(beneficiaries=facility).select_for_update(of=("self",)).order_by("pk").values("pk"))


def _count_projects_again(facility: Facility) -> None:
    """A beneficiary's priority groups are counted from its đề án's reach (`projects.reach`)."""
    from khuyencong.projects.models import Project
    from khuyencong.projects.reach import refresh_reach

    refresh_reach(Project.objects.filter(beneficiaries=facility))


def _place_projects_again(facility: Facility) -> None:
    """A beneficiary's place is an input of the province its đề án are reported under as recorded."""
    # projects sits above facilities (a đề án names its beneficiaries); the import is here, at the one call.
    from khuyencong.projects.models import Project
    from khuyencong.projects.recorded import refresh_recorded_provinces

    projects = Project.objects.filter(beneficiaries=facility)
    if projects.exists():
        refresh_recorded_provinces(projects)
