"""Turns what people write ("tp bac kan", "Xã Quang Phong", "15") into administrative units, on a given date.

Names match without diacritics, case, tone-mark placement or prefixes ("tỉnh", "huyện", "TP", "thị trấn" …). A prefix
is a hint, not a requirement: "Xà Phiên" is a commune whose name happens to start like "xã", so a name is tried both
with and without its prefix. A code is looked up in the generation of units in force on the date, because codes were
reused by the 2025 reform.
"""

from __future__ import annotations

import copy
import datetime
import difflib
from bisect import bisect_right
from dataclasses import dataclass, field, replace

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.core.text import compact_key, fold, marks_key
from khuyencong.core.validity import valid_on

from .models import AdminUnit, Era, FormerName, Kind, Level

# Folded prefixes and the kinds they announce, longest first so that "thanh pho" wins over a bare "t".
PREFIXES: list[tuple[str, frozenset[str]]] = [
    ("thanh pho", frozenset({Kind.CITY})),
    ("thi tran", frozenset({Kind.TOWNSHIP})),
    ("thi xa", frozenset({Kind.TOWN})),
    ("dac khu", frozenset({Kind.SPECIAL_ZONE})),
    ("phuong", frozenset({Kind.WARD})),
    ("huyen", frozenset({Kind.DISTRICT})),
    ("tinh", frozenset({Kind.PROVINCE})),
    ("quan", frozenset({Kind.URBAN_DISTRICT})),
    ("tp.", frozenset({Kind.CITY})),
    ("tp", frozenset({Kind.CITY})),
    ("tx.", frozenset({Kind.TOWN})),
    ("tx", frozenset({Kind.TOWN})),
    ("tt.", frozenset({Kind.TOWNSHIP})),
    ("tt", frozenset({Kind.TOWNSHIP})),
    ("xa", frozenset({Kind.COMMUNE})),
    ("p.", frozenset({Kind.WARD})),
]

CODE_LENGTH_LEVEL = {2: Level.PROVINCE, 3: Level.DISTRICT, 5: Level.COMMUNE}

# Whole sentences for each level of the place sought, and whether it was sought inside a unit: (level, inside) -> text.
NOT_FOUND = {
    (None, False): gettext_lazy('Không tìm thấy "%(value)s" vào ngày %(day)s.'),
    (None, True): gettext_lazy('Không tìm thấy "%(value)s" thuộc %(within)s vào ngày %(day)s.'),
    (Level.PROVINCE, False): gettext_lazy('Không tìm thấy tỉnh "%(value)s" vào ngày %(day)s.'),
    (Level.PROVINCE, True): gettext_lazy('Không tìm thấy tỉnh "%(value)s" thuộc %(within)s vào ngày %(day)s.'),
    (Level.DISTRICT, False): gettext_lazy('Không tìm thấy huyện "%(value)s" vào ngày %(day)s.'),
    (Level.DISTRICT, True): gettext_lazy('Không tìm thấy huyện "%(value)s" thuộc %(within)s vào ngày %(day)s.'),
    (Level.COMMUNE, False): gettext_lazy('Không tìm thấy xã "%(value)s" vào ngày %(day)s.'),
    (Level.COMMUNE, True): gettext_lazy('Không tìm thấy xã "%(value)s" thuộc %(within)s vào ngày %(day)s.'),
}
AMBIGUOUS = {
    (None, False): gettext_lazy(
        'Địa danh "%(value)s" vào ngày %(day)s trùng tên %(count)d đơn vị: %(units)s. '
        "Hãy ghi rõ đơn vị cấp trên hoặc mã."
    ),
    (None, True): gettext_lazy(
        'Địa danh "%(value)s" thuộc %(within)s vào ngày %(day)s trùng tên %(count)d đơn vị: %(units)s. '
        "Hãy ghi rõ đơn vị cấp trên hoặc mã."
    ),
    (Level.PROVINCE, False): gettext_lazy(
        'Địa danh tỉnh "%(value)s" vào ngày %(day)s trùng tên %(count)d đơn vị: %(units)s. '
        "Hãy ghi rõ đơn vị cấp trên hoặc mã."
    ),
    (Level.PROVINCE, True): gettext_lazy(
        'Địa danh tỉnh "%(value)s" thuộc %(within)s vào ngày %(day)s trùng tên %(count)d đơn vị: %(units)s. '
        "Hãy ghi rõ đơn vị cấp trên hoặc mã."
    ),
    (Level.DISTRICT, False): gettext_lazy(
        'Địa danh huyện "%(value)s" vào ngày %(day)s trùng tên %(count)d đơn vị: %(units)s. '
        "Hãy ghi rõ đơn vị cấp trên hoặc mã."
    ),
    (Level.DISTRICT, True): gettext_lazy(
        'Địa danh huyện "%(value)s" thuộc %(within)s vào ngày %(day)s trùng tên %(count)d đơn vị: %(units)s. '
        "Hãy ghi rõ đơn vị cấp trên hoặc mã."
    ),
    (Level.COMMUNE, False): gettext_lazy(
        'Địa danh xã "%(value)s" vào ngày %(day)s trùng tên %(count)d đơn vị: %(units)s. '
        "Hãy ghi rõ đơn vị cấp trên hoặc mã."
    ),
    (Level.COMMUNE, True): gettext_lazy(
        'Địa danh xã "%(value)s" thuộc %(within)s vào ngày %(day)s trùng tên %(count)d đơn vị: %(units)s. '
        "Hãy ghi rõ đơn vị cấp trên hoặc mã."
    ),
}
NO_CODE = {
    (Level.PROVINCE, False): gettext_lazy("Không có tỉnh mã %(code)s vào ngày %(day)s."),
    (Level.PROVINCE, True): gettext_lazy("Không có tỉnh mã %(code)s thuộc %(within)s vào ngày %(day)s."),
    (Level.DISTRICT, False): gettext_lazy("Không có huyện mã %(code)s vào ngày %(day)s."),
    (Level.DISTRICT, True): gettext_lazy("Không có huyện mã %(code)s thuộc %(within)s vào ngày %(day)s."),
    (Level.COMMUNE, False): gettext_lazy("Không có xã mã %(code)s vào ngày %(day)s."),
    (Level.COMMUNE, True): gettext_lazy("Không có xã mã %(code)s thuộc %(within)s vào ngày %(day)s."),
}


class PlaceError(ValueError):
    """A place that cannot be resolved; `code` is for machines, the message for people."""

    code = "place_invalid"

    def __init__(self, message: str, *, candidates: list[AdminUnit] | None = None, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.candidates = candidates or []
        # Which part of a place was wrong ("province", "district", "commune"), for forms and import reports.
        self.field = field


class UnknownPlace(PlaceError):
    code = "place_unknown"


class AmbiguousPlace(PlaceError):
    code = "place_ambiguous"


@dataclass(frozen=True)
class ResolvedPlace:
    as_of: datetime.date
    province: AdminUnit
    district: AdminUnit | None = None
    commune: AdminUnit | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def unit(self) -> AdminUnit:
        """The most precise unit known."""
        return self.commune or self.district or self.province


def split_prefix(text: str) -> tuple[str, frozenset[str]]:
    folded = fold(text)
    for prefix, kinds in PREFIXES:
        if folded.startswith(prefix + " ") or (prefix.endswith(".") and folded.startswith(prefix)):
            rest = folded[len(prefix) :].strip()
            if rest:
                return rest, kinds
    return folded, frozenset()


def _scope(level: Level | None, day: datetime.date, within: AdminUnit | None) -> Q:
    # Every unit of a generation shares that generation's validity, so the era is the in-force test.
    q = Q(era=Era.on(day))
    if level is not None:
        q &= Q(level=level)
    if within is not None:
        q &= Q(parent=within) | Q(parent__parent=within)
    return q


def name_part(text: str) -> str:
    """The written name without its prefix, keeping its diacritics: "Thành phố Bắc Kạn" -> "Bắc Kạn"."""
    folded_name, kinds = split_prefix(text)
    words = text.split()
    return " ".join(words[len(words) - len(folded_name.split()) :]) if kinds else text


def _spelled_as(unit: AdminUnit, written: str, day: datetime.date) -> bool:
    names = [unit.name, *(f.name for f in unit.former_names.all() if f.in_force_on(day))]
    return any(marks_key(name) == marks_key(written) for name in names)


def _sought(value: str, within: AdminUnit | None, day: datetime.date) -> dict[str, str]:
    """The placeholders of a refusal's sentence: what was written, inside which unit, on which day."""
    return {"value": value, "within": within.full_name if within else "", "day": f"{day:%d/%m/%Y}"}


def _candidates(key: str, scope: Q, day: datetime.date) -> list[AdminUnit]:
    units = AdminUnit.objects.filter(scope).select_related("parent__parent")
    by_name = units.filter(search_key=key)
    by_former = units.filter(valid_on(day, "former_names__"), former_names__search_key=key)
    return list({u.pk: u for u in [*by_name, *by_former]}.values())


def resolve_unit(
    value: str | int,
    *,
    on: datetime.date | None = None,
    level: Level | None = None,
    within: AdminUnit | None = None,
) -> AdminUnit:
    """The one unit that `value` (a name or an official code) names on date `on`, inside `within` if given."""
    day = on or timezone.localdate()
    text = str(value).strip()
    if not text:
        raise UnknownPlace(_("Chưa ghi tên hoặc mã địa danh."))
    if text.isdigit():
        return _resolve_code(text, day=day, level=level, within=within)

    scope = _scope(level, day, within)
    name, kinds = split_prefix(text)
    found = _candidates(compact_key(name), scope, day)
    if kinds:
        of_kind = [u for u in found if u.kind in kinds]
        whole = [] if of_kind else _candidates(compact_key(text), scope, day)
        found = of_kind or whole or found
    if len(found) > 1:
        # Candidates spelled exactly as written come first: "Quang Phong" is not "Quảng Phong".
        spelled = [u for u in found if _spelled_as(u, name_part(text), day)]
        found = spelled or found
    if len(found) == 1:
        return found[0]
    if found:
        listed = "; ".join(u.path for u in sorted(found, key=lambda u: u.path))
        raise AmbiguousPlace(
            AMBIGUOUS[level, within is not None] % {**_sought(text, within, day), "count": len(found), "units": listed},
            candidates=found,
        )
    not_found = NOT_FOUND[level, within is not None] % _sought(text, within, day)
    raise UnknownPlace(f"{not_found}{_suggest(compact_key(name), scope)}", candidates=[])


def _resolve_code(code: str, *, day: datetime.date, level: Level | None, within: AdminUnit | None) -> AdminUnit:
    level = level or CODE_LENGTH_LEVEL.get(len(code))
    if level is None:
        raise UnknownPlace(
            _('Mã địa danh "%(code)s" không đúng độ dài (tỉnh 2 chữ số, huyện 3, xã 5).') % {"code": code}
        )
    unit = AdminUnit.objects.filter(_scope(level, day, within), code=code).first()
    if unit is None:
        raise UnknownPlace(NO_CODE[level, within is not None] % {**_sought(code, within, day), "code": code})
    return unit


def _suggest(key: str, scope: Q) -> str:
    names = dict(AdminUnit.objects.filter(scope).values_list("search_key", "pk"))
    close = difflib.get_close_matches(key, list(names), n=5, cutoff=0.6)
    if not close:
        return ""
    units = AdminUnit.objects.filter(pk__in=[names[k] for k in close]).select_related("parent__parent")
    order = {names[k]: i for i, k in enumerate(close)}
    listed = "; ".join(u.path for u in sorted(units, key=lambda u: order[u.pk]))
    # A second sentence after the refusal's own.
    return " " + _("Có phải: %(units)s?") % {"units": listed}


def resolve_place(
    *,
    province: str | int | None = None,
    district: str | int | None = None,
    commune: str | int | None = None,
    on: datetime.date | None = None,
    allow_district_fallback: bool = False,
) -> ResolvedPlace:
    """Resolves a province / district / commune triple as written on a record dated `on`.

    With `allow_district_fallback`, a commune that the geography no longer holds (merged away before 2025) resolves to
    its district with a warning, as the exchange format asks; the name as written is the caller's to keep.
    """
    day = on or timezone.localdate()
    if not province:
        raise UnknownPlace(_("Chưa ghi tỉnh/thành phố."), field="province")
    if district and Era.on(day) == Era.FROM_2025:
        raise PlaceError(
            _('Từ 01/07/2025 không còn cấp huyện; không thể ghi huyện "%(district)s" cho ngày %(day)s.')
            % {"district": district, "day": f"{day:%d/%m/%Y}"},
            field="district",
        )
    province_unit = _resolve_part("province", province, on=day, level=Level.PROVINCE)
    district_unit = (
        _resolve_part("district", district, on=day, level=Level.DISTRICT, within=province_unit) if district else None
    )
    warnings: list[str] = []
    commune_unit = None
    if commune:
        try:
            commune_unit = _resolve_part(
                "commune", commune, on=day, level=Level.COMMUNE, within=district_unit or province_unit
            )
        except UnknownPlace:
            if not (allow_district_fallback and district_unit):
                raise
            warnings.append(
                _(
                    'Không tìm thấy xã "%(commune)s" thuộc %(district)s trong danh mục hiện có '
                    "(có thể đã sáp nhập trước năm 2025); ghi nhận theo %(district)s."
                )
                % {"commune": commune, "district": district_unit.full_name}
            )
    return ResolvedPlace(day, province_unit, district_unit, commune_unit, warnings)


def _resolve_part(
    part: str, value: str | int, *, on: datetime.date, level: Level, within: AdminUnit | None = None
) -> AdminUnit:
    try:
        return resolve_unit(value, on=on, level=level, within=within)
    except PlaceError as error:
        error.field = part
        raise


PlaceKey = tuple[str | int | None, str | int | None, str | int | None, bool, Era, int]


class PlaceResolver:
    """`resolve_place` for the many records of one import: each place as written is resolved once, not once per row.

    An answer depends on the day only through the era (which generation of units) and the former names in force, so
    the days between two consecutive former-name validity bounds share one answer; it is kept under that stretch and
    given back with the record's own day. A refusal names its day, so it is kept for that exact day only.
    """

    def __init__(self) -> None:
        bounds: set[datetime.date] = set()
        for start, end in FormerName.objects.values_list("valid_from", "valid_until"):
            if start is not None:
                bounds.add(start)
            bounds.add(end + datetime.timedelta(days=1))
        self._bounds = sorted(bounds)
        self._found: dict[PlaceKey, ResolvedPlace] = {}
        self._refused: dict[tuple[PlaceKey, datetime.date], PlaceError] = {}

    def resolve(
        self,
        *,
        province: str | int | None = None,
        district: str | int | None = None,
        commune: str | int | None = None,
        on: datetime.date | None = None,
        allow_district_fallback: bool = False,
    ) -> ResolvedPlace:
        day = on or timezone.localdate()
        key: PlaceKey = (
            province, district, commune, allow_district_fallback, Era.on(day), bisect_right(self._bounds, day)
        )  # fmt: skip
        found = self._found.get(key)
        if found is not None:
            return replace(found, as_of=day, warnings=list(found.warnings))
        refused = self._refused.get((key, day))
        if refused is not None:
            raise copy.copy(refused)
        try:
            place = resolve_place(
                province=province, district=district, commune=commune, on=day,
                allow_district_fallback=allow_district_fallback,
            )  # fmt: skip
        except PlaceError as error:
            self._refused[(key, day)] = copy.copy(error)
            raise
        self._found[key] = place
        return replace(place, warnings=list(place.warnings))
