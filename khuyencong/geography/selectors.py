"""Read-only questions about units: lineage both ways, and what a unit counts as today."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from khuyencong.core.collation import by_name
from khuyencong.core.text import compact_key

from .models import AdminUnit, Era, Level, Succession


def unit_current_communes(unit: AdminUnit) -> list[AdminUnit]:
    """Today's communes that took over `unit`'s territory, the default first; empty for a whole province."""
    if unit.era == Era.FROM_2025:
        return [unit] if unit.level == Level.COMMUNE else []
    if unit.level == Level.PROVINCE:
        return []
    links = Succession.objects.filter(successor__level=Level.COMMUNE).select_related("successor")
    links = (
        links.filter(predecessor=unit)
        if unit.level == Level.COMMUNE
        else links.filter(predecessor__parent=unit) | links.filter(predecessor=unit)
    )
    ordered = sorted(links, key=lambda s: (not s.is_default, s.successor.code))
    return list({s.successor_id: s.successor for s in ordered}.values())


def unit_default_current_commune(unit: AdminUnit) -> AdminUnit | None:
    if unit.level != Level.COMMUNE:
        return None
    if unit.era == Era.FROM_2025:
        return unit
    link = Succession.objects.filter(predecessor=unit, is_default=True).select_related("successor").first()
    return link.successor if link else None


def unit_successions(unit: AdminUnit) -> QuerySet[Succession]:
    return unit.successions.select_related("successor__parent").order_by("-is_default", "successor__code")


def unit_predecessions(unit: AdminUnit) -> QuerySet[Succession]:
    return unit.predecessions.select_related("predecessor__parent__parent").order_by(
        "predecessor__level", "predecessor__code"
    )


def unit_list(
    *, era: str | None = None, parent: AdminUnit | None = None, level: int | None = None
) -> QuerySet[AdminUnit]:
    units = AdminUnit.objects.select_related("parent")
    if era:
        units = units.filter(era=era)
    if parent is not None:
        units = units.filter(parent=parent)
    elif level is not None:
        units = units.filter(level=level)
    return units.order_by("level", "code")


def unit_search(query: str, *, era: str | None = None, limit: int = 50) -> QuerySet[AdminUnit]:
    key = compact_key(query)
    units = AdminUnit.objects.filter(search_key__contains=key).select_related("parent__parent")
    if era:
        units = units.filter(era=era)
    return units.order_by("level", "era", "search_key")[:limit]


def current_provinces() -> QuerySet[AdminUnit]:
    return by_name(AdminUnit.objects.current().provinces(), folded="search_key")


# --- The province a place lay in on a day, across the 2025 reform ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class _UnitFacts:
    era: str
    level: int
    province_id: int  # the province of its own generation (the root of its parents)
    current_province_id: int | None


class PlaceLineage:
    """Which province, of the generation in force on a day, a unit lay in on that day (issue 13): reports "as
    recorded" count a đề án of 2024 under the province of 2024, whatever era its facility's or body's unit is of.

    - a unit in force on the day: its own province;
    - a unit of before the reform, for a day after it: the province it counts under today (`current_province`);
    - a unit of today, for a day before the reform: back through `Succession` — a commune's predecessor communes'
      province if they all lay in one, else its province's predecessor if there is exactly one (the 11 provinces the
      reform left unchanged: Sơn La, Thanh Hóa, …); else unknown (None: Lào Cai of today was two provinces in 2024).

    Works on ids, with caches: one đề án asks a few small queries; `preload()` answers a whole rebuild from memory.
    The models are parameters so that a data migration can run the same rule on its historical models."""

    def __init__(self, units: Any = AdminUnit, successions: Any = Succession) -> None:
        self._units, self._successions = units, successions
        self._facts: dict[int, _UnitFacts] = {}
        self._commune_before: dict[int, int | None] = {}
        self._province_before: dict[int, int | None] = {}
        self._complete = False

    def preload(self) -> PlaceLineage:
        rows = list(self._units.objects.values_list("pk", "era", "level", "parent_id", "current_province_id"))
        parents = {pk: parent for pk, _era, _level, parent, _current in rows}

        def root(pk: int) -> int:
            while parents[pk] is not None:
                pk = parents[pk]
            return pk

        self._facts = {pk: _UnitFacts(era, level, root(pk), current) for pk, era, level, _p, current in rows}
        communes: dict[int, set[int]] = {}
        provinces: dict[int, set[int]] = {}
        for successor, successor_level, predecessor in self._successions.objects.values_list(
            "successor_id", "successor__level", "predecessor_id"
        ):
            if successor_level == Level.COMMUNE:
                communes.setdefault(successor, set()).add(self._facts[predecessor].province_id)
            elif successor_level == Level.PROVINCE and self._facts[predecessor].level == Level.PROVINCE:
                provinces.setdefault(successor, set()).add(predecessor)
        self._commune_before = {pk: _sole(found) for pk, found in communes.items()}
        self._province_before = {pk: _sole(found) for pk, found in provinces.items()}
        self._complete = True
        return self

    def facts(self, pk: int) -> _UnitFacts:
        found = self._facts.get(pk)
        if found is None:
            if self._complete:
                raise KeyError(pk)
            era, level, parent, grandparent, current = self._units.objects.values_list(
                "era", "level", "parent_id", "parent__parent_id", "current_province_id"
            ).get(pk=pk)
            found = self._facts[pk] = _UnitFacts(era, level, grandparent or parent or pk, current)
        return found

    def current_province_id(self, pk: int) -> int:
        """Today's province of a unit of either generation (a unit of today is its own generation's)."""
        facts = self.facts(pk)
        if facts.era == Era.FROM_2025:
            return facts.province_id
        assert facts.current_province_id is not None, "every pre-2025 unit has a current province"
        return facts.current_province_id

    def province_on(self, pk: int, day: datetime.date) -> int | None:
        facts = self.facts(pk)
        if facts.era == Era.on(day):
            return facts.province_id
        if facts.era == Era.BEFORE_2025:
            return self.current_province_id(pk)
        if facts.level == Level.COMMUNE:
            province = self._before(self._commune_before, pk)
            if province is not None:
                return province
        return self._before(self._province_before, facts.province_id)

    def _before(self, known: dict[int, int | None], pk: int) -> int | None:
        if pk in known or self._complete:
            return known.get(pk)
        links = self._successions.objects.filter(successor_id=pk)
        if self.facts(pk).level == Level.COMMUNE:
            found = {
                grandparent or parent or predecessor
                for predecessor, parent, grandparent in links.values_list(
                    "predecessor_id", "predecessor__parent_id", "predecessor__parent__parent_id"
                )
            }
        else:
            found = set(links.filter(predecessor__level=Level.PROVINCE).values_list("predecessor_id", flat=True))
        known[pk] = _sole(found)
        return known[pk]


def _sole(found: set[int]) -> int | None:
    return next(iter(found)) if len(found) == 1 else None


def place_province_on(
    lineage: PlaceLineage,
    *,
    province_id: int,
    district_id: int | None = None,
    commune_id: int | None = None,
    day: datetime.date,
) -> int | None:
    """The province a place recorded as (province, district, commune) lay in on `day`, from its most precise unit: a
    facility recorded in 2025-08 in a Lào Cai commune that was in Yên Bái lay in Yên Bái in 2024."""
    return lineage.province_on(commune_id or district_id or province_id, day)


def unit_province_on(unit: AdminUnit, day: datetime.date) -> AdminUnit | None:
    """`PlaceLineage.province_on` for one unit, as a unit (pages, tests)."""
    found = PlaceLineage().province_on(unit.pk, day)
    return AdminUnit.objects.get(pk=found) if found is not None else None
