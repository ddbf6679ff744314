"""Imports (the officers' Excel sheets go through the exchange importer as the uploader): what they may write."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import make_user
from khuyencong.accounts.models import Role
from khuyencong.exchange.importer import exchange_import
from khuyencong.facilities.models import Facility

pytestmark = pytest.mark.django_db


def _document(*facilities: dict[str, Any]) -> dict[str, Any]:
    return {"format": "khuyencong-exchange", "version": 1, "facilities": list(facilities)}


def _facility(code: str, province: str, name: str = "Cơ sở nhập thử") -> dict[str, Any]:
    return {"code": code, "name": name, "legal_form": "household_business", "place": {"province": province}}


def test_an_import_does_not_create_a_facility_in_another_province(make_facility: Any) -> None:
    """HOLDS: a Lào Cai officer's file cannot register a facility in Thái Nguyên."""
    officer = make_user("sec.import", "SCT-15", Role.OFFICER)
    report = exchange_import(_document(_facility("CS-NHAP-1", "Thái Nguyên")), actor=officer)
    assert not report.ok
    assert not Facility.objects.filter(code="CS-NHAP-1").exists()


def test_an_import_does_not_overwrite_another_provinces_facility(thai_nguyen_facility: Facility) -> None:
    """HOLDS: the same code as a Thái Nguyên facility, placed in Lào Cai: refused, the facility unchanged."""
    officer = make_user("sec.import", "SCT-15", Role.OFFICER)
    report = exchange_import(_document(_facility(thai_nguyen_facility.code, "Lào Cai", "Đổi tên")), actor=officer)
    assert not report.ok
    thai_nguyen_facility.refresh_from_db()
    assert thai_nguyen_facility.name == "HTX Thành Ngân"
    assert thai_nguyen_facility.current_province.code == "19"


@pytest.mark.xfail(
    strict=True,
    reason="not enforced yet: codes of the old provinces (CS-<old code>-…) stand in the merged provinces, so a rule "
    "tying a code's number to the facility's province needs the 2025 lineage of codes (noted for the next stop)",
)
def test_an_import_does_not_take_codes_of_another_provinces_numbering(thai_nguyen_facility: Facility) -> None:
    """QUESTIONABLE (integrity, not confidentiality). The system numbers a province's facilities CS-<province>-NNNNNN
    (`facilities.services._next_code`); a Lào Cai officer's Excel/JSON file may give a Lào Cai facility the code
    CS-19-900000, in Thái Nguyên's series: the code then says the wrong province, and Thái Nguyên's next facilities
    are numbered after it (CS-19-900001 …), by the other province's hand."""
    officer = make_user("sec.import", "SCT-15", Role.OFFICER)
    report = exchange_import(_document(_facility("CS-19-900000", "Lào Cai")), actor=officer)
    assert not report.ok or not Facility.objects.filter(code="CS-19-900000").exists(), (
        "a Lào Cai facility was created under Thái Nguyên's numbering CS-19-"
    )
