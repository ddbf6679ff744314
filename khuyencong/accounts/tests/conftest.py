"""The cast and the records of the read-gate tests: Lào Cai's records of every kind, an account without a role,
a facility's representative, and a clock that stands still."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from conftest import make_user
from khuyencong.accounts.models import Role, User
from khuyencong.accounts.services import system_user
from khuyencong.consulting.services import consulting_record
from khuyencong.facilities.models import Facility
from khuyencong.geography.models import AdminUnit, Era, Level
from khuyencong.organizations.models import Organization
from khuyencong.projects.models import Project

TODAY = datetime.date(2026, 1, 15)


@pytest.fixture
def frozen_today() -> Iterator[datetime.date]:
    """The clock stands on 15/01/2026."""
    with time_machine.travel(datetime.datetime(2026, 1, 15, 9, 0, tzinfo=datetime.UTC), tick=False):
        yield TODAY


@pytest.fixture
def laocai_records(yen_bai: None) -> dict[str, Any]:
    """Lào Cai's records of every kind: the Yên Bái 2022 scenario's facilities and đề án, and consulting figures."""
    consulting = consulting_record(
        actor=system_user(),
        code="TV-15-2022-9T",
        organization=Organization.objects.get(code="TTKC-15"),
        year=2022,
        period_end=datetime.date(2022, 9, 30),
        projects=12,
        revenue=Decimal(485_000_000),
    )
    facility = Facility.objects.filter(current_province__code="15", current_province__era=Era.FROM_2025).first()
    project = Project.objects.filter(province__code="15").first()
    assert facility is not None
    assert project is not None
    return {"facility": facility, "project": project, "consulting": consulting}


@pytest.fixture
def representative(laocai_records: dict[str, Any]) -> User:
    """The representative of one of the scenario's facilities: it may look at its facility, not export."""
    return make_user("rep", None, Role.FACILITY_REPRESENTATIVE, facility=laocai_records["facility"])


@pytest.fixture
def roleless(db: None) -> User:
    """Lào Cai's Sở Công Thương set as organisation, no role granted yet."""
    return make_user("laocai.norole", "SCT-15")


def api_for(user: User) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def lao_cai() -> AdminUnit:
    return AdminUnit.objects.get(era=Era.FROM_2025, level=Level.PROVINCE, code="15")


def page_count(client: Client, name: str) -> int:
    return int(client.get(reverse(name)).context["page"].paginator.count)


def report_query() -> dict[str, str]:
    return {"kind": "provincial", "provinces": str(lao_cai().pk), "year": "2022", "period": "6",
            "geography": "current"}  # fmt: skip
