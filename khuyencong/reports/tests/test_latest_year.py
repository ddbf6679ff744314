"""The year a dashboard or report opens on: the latest plan year with approved đề án, else the latest with any, never
after this year; asked year by year so that the first year asked answers."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from khuyencong.accounts.models import User
from khuyencong.organizations.models import Organization
from khuyencong.programs.models import Plan
from khuyencong.projects.models import Project, ProjectContent
from khuyencong.projects.services import project_create, project_record_event
from khuyencong.reports.dashboard import latest_year

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 27)


def plan(year: int) -> Plan:
    return Plan.objects.create(code=f"KCDP-15-{year}", year=year, funding_source="provincial",
                               owner=Organization.objects.get(code="UBND-15"))  # fmt: skip


def registered(actor: User, year: int, code: str) -> Project:
    return project_create(
        actor=actor, code=code, title="Đào tạo nghề", plan=plan(year), kind="general",
        content=ProjectContent.objects.get(code="consulting"), implementer=Organization.objects.get(code="TTKC-15"),
    )  # fmt: skip


def test_the_latest_year_with_approved_đề_án_wins_over_later_registrations(system_actor: User) -> None:
    approved = registered(system_actor, 2024, "DA-2024")
    project_record_event(
        project=approved, actor=system_actor, action="approved", on=datetime.date(2024, 3, 1),
        organization=Organization.objects.get(code="UBND-15"), transcribed=True, amount=Decimal(1),
    )  # fmt: skip
    registered(system_actor, 2025, "DA-2025")
    registered(system_actor, 2027, "DA-2027")

    assert latest_year(Project.objects.all(), TODAY) == 2024


def test_without_approved_đề_án_the_latest_year_with_any_not_after_this_year(system_actor: User) -> None:
    registered(system_actor, 2023, "DA-2023")
    registered(system_actor, 2025, "DA-2025")
    registered(system_actor, 2027, "DA-2027")

    assert latest_year(Project.objects.all(), TODAY) == 2025
    assert latest_year(Project.objects.filter(code="DA-2023"), TODAY) == 2023


def test_nothing_to_see_opens_on_this_year(system_actor: User) -> None:
    plan(2025)

    assert latest_year(Project.objects.all(), TODAY) == 2026
