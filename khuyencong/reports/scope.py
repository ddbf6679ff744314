"""Which records a report covers: provinces (as recorded then, or as they are today), a region, or the nation."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from khuyencong.accounts import access
from khuyencong.accounts.models import User
from khuyencong.geography.models import AdminUnit, Era, Level
from khuyencong.geography.resolver import resolve_unit
from khuyencong.organizations.models import Region
from khuyencong.projects.models import Project


class Geography(StrEnum):
    RECORDED = "recorded"
    CURRENT = "current"


@dataclass(frozen=True)
class ReportScope:
    """Provinces of one generation: pre-2025 units "as recorded" (Yên Bái in 2022), today's units "current" (the same
    records under Lào Cai). No provinces means the whole country."""

    geography: Geography
    provinces: tuple[AdminUnit, ...] = ()
    region: Region | None = None

    @property
    def national(self) -> bool:
        return not self.provinces

    @property
    def name(self) -> str:
        if self.region is not None:
            return self.region.name
        if self.national:
            return _("Toàn quốc")
        return ", ".join(p.full_name for p in self.provinces)

    def projects(self, queryset: QuerySet[Project]) -> QuerySet[Project]:
        if self.national:
            return queryset
        field = "recorded_province" if self.geography == Geography.RECORDED else "province"
        return queryset.filter(**{f"{field}__in": [p.pk for p in self.provinces]})

    def province_of(self, recorded_id: int | None, current_id: int | None) -> int | None:
        return recorded_id if self.geography == Geography.RECORDED else current_id

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "geography": self.geography.value,
            "region": self.region.code if self.region else None,
            "provinces": [{"code": p.code, "name": p.name, "era": p.era} for p in self.provinces],
        }


def resolve_scope(
    *,
    provinces: list[str] | None = None,
    region: str | None = None,
    geography: Geography = Geography.RECORDED,
    on: datetime.date,
) -> ReportScope:
    """Provinces named as on `on` (a code or a name, diacritics ignored), then taken in the chosen generation:
    "Yên Bái" in a 2022 report is the pre-2025 unit as recorded, and Lào Cai today."""
    units: list[AdminUnit] = []
    found_region = None
    if region:
        found_region = Region.objects.filter(code__iexact=region).first()
        if found_region is None:
            names = ", ".join(Region.objects.order_by("code").values_list("code", flat=True))
            raise ValueError(
                _("Không có vùng «%(region)s». Các vùng: %(regions)s.") % {"region": region, "regions": names}
            )
        units.extend(found_region.provinces_on(on))
    for name in provinces or []:
        units.append(resolve_unit(name, on=on, level=Level.PROVINCE))
    return scope_from_units(units, geography=geography, on=on, region=found_region)


def scope_from_units(
    units: list[AdminUnit], *, geography: Geography, on: datetime.date, region: Region | None = None
) -> ReportScope:
    """Provinces of either generation, taken in the chosen one: today's unit of a pre-2025 province for "current"; a
    unit of today is refused for "recorded" in a report dated before the reform, where it did not exist."""
    chosen: dict[int, AdminUnit] = {}
    for unit in units:
        if geography == Geography.CURRENT and unit.era != Era.FROM_2025:
            assert unit.current_province is not None, "every pre-2025 unit has a current province"
            unit = unit.current_province
        elif geography == Geography.RECORDED and unit.era == Era.FROM_2025 and Era.on(on) != Era.FROM_2025:
            raise ValueError(
                _(
                    "%(unit)s là đơn vị từ 01/07/2025; báo cáo theo địa giới khi ghi nhận ngày %(day)s phải ghi tỉnh "
                    "cũ, hoặc dùng --geography current."
                )
                % {"unit": unit.full_name, "day": f"{on:%d/%m/%Y}"}
            )
        chosen[unit.pk] = unit
    return ReportScope(geography, tuple(sorted(chosen.values(), key=lambda u: u.code)), region)


def scope_allowed(user: User | AnonymousUser, scope: ReportScope) -> bool:
    """A report shows only what the user may see: a province's officials their province, national bodies all."""
    seen = access.scope_of(user)
    if seen.everything:
        return True
    if scope.national:
        return False
    return all(seen.covers_province(p.current_province_id or p.pk) for p in scope.provinces)
