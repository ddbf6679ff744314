"""Records for the national, regional and programme reports, written as one exchange document and imported through
the same importer as a province's file (so through the workflow services and the legal rules)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from khuyencong.accounts.services import system_user
from khuyencong.exchange.importer import exchange_import


def _place(province: str, on: str = "2022-01-01") -> dict[str, str]:
    return {"province": province, "as_of": on}


def _project(
    code: str,
    plan: str,
    implementer: str,
    facility: str,
    support: int,
    *,
    year: int,
    paid: Sequence[tuple[str, int]] = (),
    results: Sequence[dict[str, Any]] = (),
    content: str = "machinery_application",
    contract: bool = True,
) -> dict[str, Any]:
    approver = "CUC-CTDP" if plan.startswith("KCQG") else plan.replace("KCDP", "UBND").rsplit("-", 1)[0]
    events = [
        {"on": f"{year}-03-01", "action": "approved", "by": approver, "amount": support},
        {"on": f"{year}-03-05", "action": "assigned", "by": approver},
    ]
    if contract:
        events.append({"on": f"{year}-03-10", "action": "contract_signed", "by": implementer, "amount": support})
    return {
        "code": code, "title": f"Đề án {code}", "plan": plan, "content": content, "kind": "facility", "round": 1,
        "implementer": implementer, "beneficiaries": [facility], "support_requested": support, "events": events,
        "payments": [{"on": on, "kind": "payment", "amount": amount} for on, amount in paid],
        "results": list(results),
    }  # fmt: skip


def _local_plan(code: str, owner: str, year: int, budget: int, program: str | None = None) -> dict[str, Any]:
    return {"code": code, "year": year, "funding_source": "provincial", "owner": owner,
            "budget": [{"on": f"{year}-02-01", "kind": "original", "amount": budget}],
            **({"program": program} if program else {})}  # fmt: skip


SOUTH = {
    "format": "khuyencong-exchange",
    "version": 1,
    "organizations": [
        {"code": "UBND-LA", "name": "UBND tỉnh Long An", "kind": "provincial_committee", "place": _place("Long An")},
        {
            "code": "TTKC-LA",
            "name": "Trung tâm Khuyến công Long An",
            "kind": "provincial_centre",
            "place": _place("Long An"),
        },
        {"code": "UBND-BL", "name": "UBND tỉnh Bạc Liêu", "kind": "provincial_committee", "place": _place("Bạc Liêu")},
        {
            "code": "TTKC-BL",
            "name": "Trung tâm Khuyến công Bạc Liêu",
            "kind": "provincial_centre",
            "place": _place("Bạc Liêu"),
        },
        {
            "code": "TV-LA",
            "name": "Trung tâm Tư vấn phát triển công nghiệp Long An",
            "kind": "provincial_centre",
            "place": _place("Long An"),
        },
    ],
    "facilities": [
        {"code": f"F-{p}-{n}", "name": f"Cơ sở {p} số {n}", "legal_form": "household_business", "place": _place(name)}
        for p, name in (("LA", "Long An"), ("BL", "Bạc Liêu"), ("PT", "Phú Thọ"))
        for n in (1, 2, 3)
    ],
    "programs": [
        {
            "code": "CTKC-LA",
            "name": "Chương trình khuyến công tỉnh Long An giai đoạn 2021-2025",
            "level": "provincial",
            "place": _place("Long An", "2021-01-01"),
            "start_year": 2021,
            "end_year": 2025,
            "targets": [
                {"indicator": "facilities_supported", "value": 10, "unit": "cơ sở"},
                {"indicator": "Lao động được đào tạo nghề", "value": 200, "unit": "người"},
            ],
        },
    ],
    "plans": [
        {
            "code": "KCQG-2022",
            "year": 2022,
            "funding_source": "national",
            "owner": "CUC-CTDP",
            "budget": [{"on": "2022-01-10", "kind": "original", "amount": 140_000_000_000}],
            "allocations": [
                {"on": "2022-05-01", "to": "TTKC1", "amount": 20_000_000_000},
                {"on": "2022-06-01", "to": "TTKC3", "amount": 8_980_000_000},
                {"on": "2022-06-15", "to": "TTKC-LA", "amount": 20_000_000},
                {"on": "2022-07-15", "to": "TTKC3", "amount": 5_000_000_000},
            ],
        },
        _local_plan("KCDP-LA-2021", "UBND-LA", 2021, 1_000_000_000, "CTKC-LA"),
        _local_plan("KCDP-LA-2022", "UBND-LA", 2022, 1_500_000_000, "CTKC-LA"),
        _local_plan("KCDP-BL-2021", "UBND-BL", 2021, 1_000_000_000),
        _local_plan("KCDP-BL-2022", "UBND-BL", 2022, 1_500_000_000),
    ],
    "projects": [
        _project(
            "QG22-PT-1", "KCQG-2022", "TTKC1", "F-PT-1", 300_000_000, year=2022, paid=[("2022-06-20", 150_000_000)]
        ),
        _project("QG22-PT-2", "KCQG-2022", "TTKC1", "F-PT-2", 300_000_000, year=2022),
        _project("QG22-LA-1", "KCQG-2022", "TTKC3", "F-LA-1", 200_000_000, year=2022, contract=False),
        _project(
            "QG22-BL-1", "KCQG-2022", "TTKC3", "F-BL-1", 250_000_000, year=2022, paid=[("2022-08-01", 50_000_000)]
        ),
        _project(
            "DP21-LA-1",
            "KCDP-LA-2021",
            "TTKC-LA",
            "F-LA-2",
            100_000_000,
            year=2021,
            paid=[("2021-06-01", 40_000_000), ("2021-11-01", 60_000_000)],
            results=[{"indicator": "facilities_supported", "value": 1, "on": "2021-06-30"}],
        ),
        _project(
            "DP22-LA-1",
            "KCDP-LA-2022",
            "TTKC-LA",
            "F-LA-2",
            120_000_000,
            year=2022,
            paid=[("2022-06-01", 120_000_000)],
            results=[
                {"indicator": "facilities_supported", "value": 1, "on": "2022-06-30"},
                {"indicator": "trainees", "value": 40, "on": "2022-06-30"},
                {"indicator": "trainees_employed", "value": 34, "on": "2022-06-30"},
            ],
        ),
        _project(
            "DP22-LA-2",
            "KCDP-LA-2022",
            "TTKC-LA",
            "F-LA-3",
            80_000_000,
            year=2022,
            paid=[("2022-07-01", 30_000_000), ("2022-10-05", 50_000_000)],
            results=[
                {"indicator": "facilities_supported", "value": 1, "on": "2022-07-30"},
                {"indicator": "fair_participations", "value": 1, "on": "2022-08-30"},
            ],
        ),
        _project(
            "DP22-BL-1",
            "KCDP-BL-2022",
            "TTKC-BL",
            "F-BL-2",
            150_000_000,
            year=2022,
            paid=[("2022-05-01", 70_000_000)],
            results=[
                {"indicator": "facilities_supported", "value": 1, "on": "2022-05-30"},
                {"indicator": "fair_participations", "value": 1, "on": "2022-05-30"},
            ],
        ),
        _project(
            "DP22-BL-2",
            "KCDP-BL-2022",
            "TTKC-BL",
            "F-BL-2",
            50_000_000,
            year=2022,
            content="trade_fair",
            results=[
                {"indicator": "facilities_supported", "value": 1, "on": "2022-06-30"},
                {"indicator": "fair_participations", "value": 1, "on": "2022-06-30"},
            ],
        ),
    ],
    "consulting": [
        {
            "code": "TV-LA-2022-H1",
            "organization": "TV-LA",
            "year": 2022,
            "period_end": "2022-06-30",
            "projects": 100,
            "revenue": 1_000_000_000,
        },
        {
            "code": "TV-LA-2022-9M",
            "organization": "TV-LA",
            "year": 2022,
            "period_end": "2022-09-30",
            "projects": 160,
            "revenue": 1_850_000_000,
        },
        {
            "code": "TV-LA-2022-Y",
            "organization": "TV-LA",
            "year": 2022,
            "period_end": "2022-12-31",
            "projects": 200,
            "revenue": 2_000_000_000,
        },
    ],
}


@pytest.fixture
def south(db: None) -> None:
    """Long An and Bạc Liêu (southern provinces before 2025), a national plan with three centres, two years of local
    plans, payments, results and consulting figures."""
    report = exchange_import(SOUTH, actor=system_user())
    assert report.ok, [str(e) for e in report.errors]
