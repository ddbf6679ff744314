"""Read-only questions about units: lineage both ways, and what a unit counts as today."""

from __future__ import annotations

from django.db.models import QuerySet

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
    return AdminUnit.objects.current().provinces().order_by("name")
