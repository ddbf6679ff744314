"""Rebuild the committed geography data files from the vietnamadminunits package (MIT licence).

The package is not a runtime dependency: it drags in shapely, geopy and numpy, and its address converter calls a
geocoding web service for split wards. We only need its facts (codes, names, kinds, the 2025 old→new mapping), so
this script extracts them once into CSV files under khuyencong/geography/data/, which are committed with their source.

Usage (in a throwaway virtualenv):
    pip install vietnamadminunits==1.0.4
    python scripts/build_geography_data.py
"""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import vietnamadminunits  # type: ignore[import-not-found]

SOURCE_DIR = Path(vietnamadminunits.__file__).parent / "data"
OUT_DIR = Path(__file__).resolve().parent.parent / "khuyencong" / "geography" / "data"

ERA_BEFORE = "2025-pre"  # units in force on 30/06/2025
ERA_AFTER = "2025-07"  # units in force from 01/07/2025

KINDS = {
    "Tỉnh": "province",
    "Thành phố": "city",
    "Quận": "urban_district",
    "Huyện": "district",
    "Thị xã": "town",
    "Xã": "commune",
    "Phường": "ward",
    "Thị trấn": "township",
    "Đặc khu": "special_zone",
}


def province_kind(full_name: str) -> str:
    return "city" if full_name.startswith("Thành phố") else "province"


def main() -> None:
    db = sqlite3.connect(SOURCE_DIR / "dataset.db")
    converter = json.loads((SOURCE_DIR / "converter_2025.json").read_text(encoding="utf-8"))

    units: list[tuple[str, str, str, str, str, str]] = []  # era, level, code, name, kind, parent_code
    by_key_old: dict[tuple[str, str, str], tuple[str, str]] = {}  # (prov, dist, ward) key -> (level, code)
    by_key_new: dict[tuple[str, str], str] = {}  # (prov, ward) key -> code
    old_province_by_key: dict[str, str] = {}
    new_province_by_key: dict[str, str] = {}

    seen: set[tuple[str, str]] = set()
    rows = db.execute(
        "SELECT province, provinceShort, provinceCode, provinceKey, districtShort, districtType, districtCode,"
        " districtKey, wardShort, wardType, wardCode, wardKey FROM admin_units_legacy"
        " ORDER BY provinceCode, districtCode, wardCode"
    )
    for p_full, p_name, p_code, p_key, d_name, d_type, d_code, d_key, w_name, w_type, w_code, w_key in rows:
        if ("1", p_code) not in seen:
            seen.add(("1", p_code))
            units.append((ERA_BEFORE, "1", p_code, p_name, province_kind(p_full), ""))
            old_province_by_key[p_key] = p_code
        if ("2", d_code) not in seen:
            seen.add(("2", d_code))
            units.append((ERA_BEFORE, "2", d_code, d_name, KINDS[d_type], p_code))
            by_key_old[(p_key, d_key, "")] = ("2", d_code)
        if w_code:
            units.append((ERA_BEFORE, "3", w_code, w_name, KINDS[w_type], d_code))
            by_key_old[(p_key, d_key, w_key)] = ("3", w_code)

    rows = db.execute(
        "SELECT province, provinceShort, provinceCode, provinceKey, wardShort, wardType, wardCode, wardKey"
        " FROM admin_units ORDER BY provinceCode, wardCode"
    )
    for p_full, p_name, p_code, p_key, w_name, w_type, w_code, w_key in rows:
        if ("new1", p_code) not in seen:
            seen.add(("new1", p_code))
            units.append((ERA_AFTER, "1", p_code, p_name, province_kind(p_full), ""))
            new_province_by_key[p_key] = p_code
        units.append((ERA_AFTER, "3", w_code, w_name, KINDS[w_type], p_code))
        by_key_new[(p_key, w_key)] = w_code

    lineage: list[tuple[str, str, str, str, str]] = []  # old level, old code, new level, new code, is_default
    for new_key, old_keys in converter["DICT_PROVINCE"].items():
        for old_key in old_keys:
            lineage.append(("1", old_province_by_key[old_key], "1", new_province_by_key[new_key], "1"))

    def old_unit(old_key: str) -> tuple[str, str]:
        prov, dist, ward = old_key.split("_")
        return by_key_old[(prov, dist, ward)]

    for new_p, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_w, old_keys in wards.items():
            for old_key in old_keys:
                level, code = old_unit(old_key)
                lineage.append((level, code, "3", by_key_new[(new_p, new_w)], "1"))
    for new_p, olds in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, targets in olds.items():
            level, code = old_unit(old_key)
            for target in targets:
                new_code = by_key_new[(new_p, target["newWardKey"])]
                lineage.append((level, code, "3", new_code, "1" if target["isDefaultNewWard"] else "0"))

    OUT_DIR.mkdir(parents=True, exist_ok=True)
    with open(OUT_DIR / "units.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["era", "level", "code", "name", "kind", "parent_code"])
        writer.writerows(units)
    with open(OUT_DIR / "lineage.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["old_level", "old_code", "new_level", "new_code", "is_default"])
        writer.writerows(sorted(set(lineage)))
    print(f"{len(units)} units, {len(set(lineage))} lineage rows written to {OUT_DIR}")


if __name__ == "__main__":
    main()
