"""Every write to a facility: permission-checked, validated, atomic and audited."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from khuyencong.accounts import access
from khuyencong.accounts.access import Action
from khuyencong.accounts.models import User
from khuyencong.audit.models import AuditAction
from khuyencong.audit.services import audit_entry_write, audit_snapshot
from khuyencong.core.codes import created_under_new_code, is_unique_violation, require_free_code
from khuyencong.core.refusals import refuse
from khuyencong.core.text import compact_key, fold
from khuyencong.geography.resolver import ResolvedPlace
from khuyencong.geography.selectors import unit_default_current_commune

from .models import Facility, Trade
from .validators import normalize_tax_code

AUDITED_FIELDS = [
    "code", "name", "legal_form", "tax_code", "place_recorded_on", "province", "district", "commune",
    "commune_as_written", "address", "current_province", "current_commune", "trade", "trade_description",
    "craft_village", "women_owned", "ethnic_minority_owned", "representative", "phone", "email", "founded_year",
    "workers", "annual_revenue",
]  # fmt: skip

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}$")


class DuplicateFacilityWarning(Exception):
    """Facilities with the same name in the same commune exist; the caller must confirm to go on."""

    def __init__(self, similar: list[Facility]) -> None:
        super().__init__("Đã có cơ sở cùng tên trong cùng xã.")
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
    representative: str = ""
    phone: str = ""
    email: str = ""
    founded_year: int | None = None
    workers: int | None = None
    annual_revenue: Decimal | None = None


def _apply(facility: Facility, data: FacilityData) -> None:
    place = data.place
    facility.place_recorded_on = place.as_of
    facility.province = place.province
    facility.district = place.district
    facility.commune = place.commune
    assert place.unit.current_province is not None, "every unit is linked to a current province at load time"
    facility.current_province = place.unit.current_province
    facility.current_commune = unit_default_current_commune(place.commune) if place.commune else None
    for f in fields(FacilityData):
        if f.name != "place":
            setattr(facility, f.name, getattr(data, f.name))
    facility.name = " ".join(facility.name.split())
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
    today = timezone.localdate()
    if facility.place_recorded_on > today:
        raise refuse("place_recorded_on", "Ngày ghi nhận địa chỉ không thể ở tương lai.", "future_date")
    if facility.founded_year is not None and facility.founded_year > today.year:
        raise refuse("founded_year", f"Năm thành lập {facility.founded_year} ở tương lai.", "future_date")
    if facility.tax_code:
        holder = Facility.objects.filter(tax_code=facility.tax_code).exclude(pk=facility.pk).first()
        if holder is not None:
            who = (
                f"{holder.name} (mã {holder.code})"
                if access.can_on_facility(actor, Action.VIEW, holder)
                else "một cơ sở khác"
            )
            raise ValidationError({"tax_code": f"Mã số thuế {facility.tax_code} đã được đăng ký cho {who}."})
    if not confirm_duplicate:
        similar = facility_similar(facility)
        if similar:
            raise DuplicateFacilityWarning(similar)


def _next_code(facility: Facility) -> str:
    prefix = f"CS-{facility.current_province.code}-"
    codes = Facility.objects.filter(code__startswith=prefix).values_list("code", flat=True)
    numbers = [int(c[len(prefix) :]) for c in codes if c[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:06d}"


def facility_create(
    *, actor: User, data: FacilityData, code: str | None = None, confirm_duplicate: bool = False
) -> Facility:
    if not access.can_create_facility_in(actor, data.place.province, commune=data.place.commune):
        raise PermissionDenied("Bạn không có quyền đăng ký cơ sở tại địa bàn này.")
    if code is not None and not CODE_PATTERN.match(code):
        raise ValidationError({"code": "Mã cơ sở chỉ gồm chữ, số, dấu chấm, gạch ngang, gạch dưới (tối đa 40 ký tự)."})
    if code is not None:
        require_free_code(Facility, code, "cơ sở")
    facility = Facility()
    _apply(facility, data)
    facility.code = code or _next_code(facility)
    facility.search_text = _search_text(facility)
    _check(facility, actor=actor, confirm_duplicate=confirm_duplicate)
    try:
        with created_under_new_code(Facility, facility.code, "cơ sở"):
            facility.save()
            audit_entry_write(
                actor=actor,
                action=AuditAction.CREATE,
                instance=facility,
                before={},
                after=audit_snapshot(facility, AUDITED_FIELDS),
            )
    except IntegrityError as exc:
        if not is_unique_violation(exc):
            raise
        # The same tax code registered by someone else at the same moment, or a generated code taken meanwhile.
        raise ValidationError(
            "Mã cơ sở hoặc mã số thuế vừa được người khác đăng ký; hãy tải lại và thử lại.", code="duplicate_code"
        ) from exc
    return facility


def facility_update(
    *, facility: Facility, actor: User, data: FacilityData, confirm_duplicate: bool = False
) -> Facility:
    if not access.can_on_facility(actor, Action.CHANGE, facility):
        raise PermissionDenied("Bạn không có quyền sửa cơ sở này.")
    if not access.can_create_facility_in(actor, data.place.province, commune=data.place.commune):
        raise PermissionDenied("Bạn không thể chuyển cơ sở sang địa bàn ngoài phạm vi quản lý của mình.")
    with transaction.atomic():
        locked = Facility.objects.select_for_update().get(pk=facility.pk)
        before = audit_snapshot(locked, AUDITED_FIELDS)
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
            raise ValidationError("Mã số thuế vừa được người khác đăng ký; hãy tải lại và thử lại.") from exc
        audit_entry_write(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=locked,
            before=before,
            after=audit_snapshot(locked, AUDITED_FIELDS),
        )
    return locked
