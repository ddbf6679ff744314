"""Reference organisations of the KC system and the KC regions; loading twice changes nothing.

Codes are stable identifiers used by the exchange format: the Cục keeps the code CUC-CTDP of its former name (Cục Công
Thương địa phương), under which the scenarios' records refer to it. Provincial bodies of today's provinces are coded
by the province code (SCT-15 is the Sở Công Thương of Lào Cai); their official names vary by province (the KC
centre is "… và Xúc tiến thương mại" in some, "… và Tư vấn phát triển công nghiệp" in others) and can be corrected
in the admin.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from django.db import transaction

from khuyencong.core.data import csv_rows
from khuyencong.geography.models import LAST_DAY_BEFORE_REFORM, REFORM_DATE, AdminUnit, Era, Kind, Level

from .models import Organization, OrganizationKind, Region, RegionMembership
from .services import organization_territories_fill

DATA_DIR = Path(__file__).resolve().parent / "data"

# Region and body names are proper names stored in the records, not interface text.
REGIONS = {
    "north": "Miền Bắc",  # vi-only
    "central": "Miền Trung - Tây Nguyên",  # vi-only
    "south": "Miền Nam",  # vi-only
}
REGION_CENTRES = {"north": "TTKC1", "central": "TTKC2", "south": "TTKC3"}

PROVINCIAL_BODIES = [
    ("SCT", OrganizationKind.PROVINCIAL_DEPARTMENT, "Sở Công Thương {of}"),  # vi-only
    ("TTKC", OrganizationKind.PROVINCIAL_CENTRE, "Trung tâm Khuyến công {of}"),  # vi-only
    ("UBND", OrganizationKind.PROVINCIAL_COMMITTEE, "Ủy ban nhân dân {of}"),  # vi-only
]


def _rows(name: str) -> Iterator[dict[str, str]]:
    return csv_rows(DATA_DIR / name)


def province_phrase(province: AdminUnit) -> str:  # vi-only
    """ "tỉnh Lào Cai", "thành phố Hà Nội": how a body's name refers to its province."""
    return f"{'thành phố' if province.kind == Kind.CITY else 'tỉnh'} {province.name}"


@transaction.atomic
def load_regions() -> None:
    regions = {
        code: Region.objects.update_or_create(code=code, defaults={"name": name})[0] for code, name in REGIONS.items()
    }
    provinces = {(u.era, u.code): u for u in AdminUnit.objects.filter(level=Level.PROVINCE)}
    for row in _rows("regions.csv"):
        before = row["era"] == Era.BEFORE_2025
        RegionMembership.objects.update_or_create(
            region=regions[row["region"]],
            province=provinces[(row["era"], row["province_code"])],
            valid_from=None if before else REFORM_DATE,
            defaults={"valid_until": LAST_DAY_BEFORE_REFORM if before else None},
        )


@transaction.atomic
def load_organizations() -> None:
    regions = {r.code: r for r in Region.objects.all()}
    orgs: dict[str, Organization] = {}
    for row in _rows("national.csv"):
        orgs[row["code"]], _ = Organization.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "kind": row["kind"],
                "parent": orgs.get(row["parent"]),
                "region": regions.get(row["region"]),
            },
        )
    for region_code, centre_code in REGION_CENTRES.items():
        Region.objects.filter(code=region_code).update(centre=orgs[centre_code])

    for province in AdminUnit.objects.current().provinces():
        department = None
        for prefix, kind, pattern in PROVINCIAL_BODIES:
            org, _ = Organization.objects.update_or_create(
                code=f"{prefix}-{province.code}",
                defaults={
                    "name": pattern.format(of=province_phrase(province)),
                    "kind": kind,
                    "territory": province,
                    "parent": department if kind == OrganizationKind.PROVINCIAL_CENTRE else None,
                },
            )
            if kind == OrganizationKind.PROVINCIAL_DEPARTMENT:
                department = org
            # Dated: today's province from 01/07/2025 and, for the 11 provinces the reform left unchanged, the
            # pre-reform province before it. A body that already has dated territories keeps them as they are.
            organization_territories_fill(org)
