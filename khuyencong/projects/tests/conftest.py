"""The cast and the plans that the đề án tests share."""

from __future__ import annotations

import pytest

from conftest import make_user
from khuyencong.accounts.models import Role, User
from khuyencong.facilities.models import Facility
from khuyencong.organizations.models import Organization
from khuyencong.programs.models import Plan
from khuyencong.programs.services import plan_create


@pytest.fixture
def cast(db: None) -> dict[str, User]:
    return {
        "centre": make_user("ttkc15", "TTKC-15", Role.OFFICER),
        "department": make_user("sct15", "SCT-15", Role.OFFICER, Role.APPRAISER),
        "committee": make_user("ubnd15", "UBND-15", Role.APPROVER),
        "cuc": make_user("cuc", "CUC-CTDP", Role.OFFICER, Role.APPRAISER, Role.APPROVER),
        "other_centre": make_user("ttkc19", "TTKC-19", Role.OFFICER),
        "other_department": make_user("sct19", "SCT-19", Role.OFFICER, Role.APPRAISER, Role.APPROVER),
    }


@pytest.fixture
def local_plan(cast: dict[str, User]) -> Plan:
    return plan_create(actor=cast["committee"], code="KCDP-15-2026", year=2026, funding_source="provincial",
                       owner=Organization.objects.get(code="UBND-15"))  # fmt: skip


@pytest.fixture
def national_plan(db: None) -> Plan:
    return Plan.objects.create(code="KCQG-2026", year=2026, funding_source="national",
                               owner=Organization.objects.get(code="CUC-CTDP"))  # fmt: skip


@pytest.fixture
def beneficiary(make_facility) -> Facility:
    return make_facility("HTX Chè Bảo Thắng", province="Lào Cai", commune="Bảo Thắng")
