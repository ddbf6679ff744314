"""Loads the committed geography data files into the database; running it again changes nothing."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from khuyencong.core.data import csv_rows, iso_date
from khuyencong.core.text import compact_key

from .models import LAST_DAY_BEFORE_REFORM, REFORM_DATE, AdminUnit, Era, FormerName, Level, Succession

DATA_DIR = Path(__file__).resolve().parent / "data"

UnitKey = tuple[str, int, str]  # era, level, code


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    successions: int


def _rows(name: str) -> Iterator[dict[str, str]]:
    return csv_rows(DATA_DIR / name)


def _validity(era: str) -> tuple[datetime.date | None, datetime.date | None]:
    return (None, LAST_DAY_BEFORE_REFORM) if era == Era.BEFORE_2025 else (REFORM_DATE, None)


@transaction.atomic
def load_geography() -> LoadResult:
    existing: dict[UnitKey, AdminUnit] = {(u.era, u.level, u.code): u for u in AdminUnit.objects.all()}
    rows = sorted(_rows("units.csv"), key=lambda r: int(r["level"]))
    created = updated = 0
    for level in (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE):
        to_create: list[AdminUnit] = []
        to_update: list[AdminUnit] = []
        for row in (r for r in rows if int(r["level"]) == level):
            era = row["era"]
            parent_key: UnitKey | None = None
            if row["parent_code"]:
                parent_level = Level.PROVINCE if era == Era.FROM_2025 or level == Level.DISTRICT else Level.DISTRICT
                parent_key = (era, parent_level, row["parent_code"])
            parent = existing[parent_key] if parent_key else None
            valid_from, valid_until = _validity(era)
            fields = {
                "name": row["name"],
                "kind": row["kind"],
                "parent": parent,
                "valid_from": valid_from,
                "valid_until": valid_until,
                "search_key": compact_key(row["name"]),
            }
            key = (era, int(level), row["code"])
            unit = existing.get(key)
            if unit is None:
                unit = AdminUnit(era=era, level=level, code=row["code"], **fields)
                to_create.append(unit)
                existing[key] = unit
            elif any(getattr(unit, f) != v for f, v in fields.items()):
                for f, v in fields.items():
                    setattr(unit, f, v)
                to_update.append(unit)
        AdminUnit.objects.bulk_create(to_create, batch_size=2000)
        AdminUnit.objects.bulk_update(to_update, list(fields), batch_size=2000)
        created += len(to_create)
        updated += len(to_update)

    successions = _load_successions(existing)
    _load_former_names(existing)
    _set_current_provinces()
    return LoadResult(created=created, updated=updated, successions=successions)


def _load_successions(units: dict[UnitKey, AdminUnit]) -> int:
    have = set(Succession.objects.values_list("predecessor_id", "successor_id", "is_default"))
    wanted = {
        (
            units[(Era.BEFORE_2025, int(r["old_level"]), r["old_code"])].pk,
            units[(Era.FROM_2025, int(r["new_level"]), r["new_code"])].pk,
            r["is_default"] == "1",
        )
        for r in _rows("lineage.csv")
    }
    if have != wanted:
        Succession.objects.all().delete()
        Succession.objects.bulk_create(
            [Succession(predecessor_id=p, successor_id=s, is_default=d) for p, s, d in wanted], batch_size=5000
        )
    return len(wanted)


def _load_former_names(units: dict[UnitKey, AdminUnit]) -> None:
    for row in _rows("former_names.csv"):
        FormerName.objects.update_or_create(
            unit=units[(row["era"], int(row["level"]), row["code"])],
            name=row["name"],
            valid_until=datetime.date.fromisoformat(row["valid_until"]),
            defaults={
                "kind": row["kind"],
                "valid_from": iso_date(row["valid_from"]),
                "legal_basis": row["legal_basis"],
                "legal_basis_en": row["legal_basis_en"],
                "search_key": compact_key(row["name"]),
            },
        )


def _set_current_provinces() -> int:
    """Every unit, old or new, learns which of today's provinces it counts under."""
    new_province_of_old: dict[int, int] = dict(
        Succession.objects.filter(predecessor__level=Level.PROVINCE, is_default=True).values_list(
            "predecessor_id", "successor_id"
        )
    )
    units = list(AdminUnit.objects.only("id", "era", "level", "parent_id", "current_province_id"))
    by_id = {u.pk: u for u in units}

    def province_of(unit: AdminUnit) -> AdminUnit:
        while unit.parent_id is not None:
            unit = by_id[unit.parent_id]
        return unit

    changed: list[AdminUnit] = []
    for unit in units:
        province = province_of(unit)
        target = province.pk if unit.era == Era.FROM_2025 else new_province_of_old[province.pk]
        if unit.current_province_id != target:
            unit.current_province_id = target
            changed.append(unit)
    AdminUnit.objects.bulk_update(changed, ["current_province"], batch_size=5000)
    return len(changed)
