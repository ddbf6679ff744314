"""Both scenarios' đề án, built through the service functions, reach the states their articles describe."""

from __future__ import annotations

import datetime
from collections import Counter
from decimal import Decimal

import pytest

from khuyencong.accounts.services import system_user
from khuyencong.demo.loading import load_scenario, load_scenario_projects
from khuyencong.programs.models import Plan
from khuyencong.programs.selectors import plan_figures
from khuyencong.projects.models import Project, ProjectKind
from khuyencong.projects.selectors import projects_as_of
from khuyencong.projects.workflow import State

pytestmark = pytest.mark.django_db

M0 = Decimal(0)


def loaded(name: str) -> None:
    actor = system_user()
    load_scenario(name, actor=actor)
    load_scenario_projects(name, actor=actor)


def test_bac_kan_2018_h1() -> None:
    loaded("bac-kan-2018-h1.json")
    end = datetime.date(2018, 6, 30)
    national = Project.objects.filter(plan__code="KCQG-2018")
    states = {p.code: str(s.state) for p, s in ((p, projects_as_of(national, end)[p.pk]) for p in national)}
    # Tân Thành: contract signed, being implemented; Thành Ngân: assigned, no contract; Đinh Lâm: stop requested.
    assert sorted(states.values()) == [State.ASSIGNED, State.CONTRACTED, State.STOP_REQUESTED]
    assert sum(p.support_approved or M0 for p in national) == Decimal(600_000_000)

    local = Project.objects.filter(plan__code="KCDP-BK-2018")
    snapshots = projects_as_of(local, end)
    assert local.count() == 10
    assert sum(p.support_approved or M0 for p in local) == Decimal(529_000_000)
    completed = sum(1 for s in snapshots.values() if s.state == State.ACCEPTED)
    at_half = sum(1 for s in snapshots.values() if s.state == State.IN_PROGRESS and s.percent == 50)
    stop = sum(1 for s in snapshots.values() if s.state == State.STOP_REQUESTED)
    not_started = sum(1 for s in snapshots.values() if s.state in (State.ASSIGNED, State.CONTRACTED))
    assert (completed, at_half, stop, not_started) == (2, 4, 2, 2)

    pipeline = projects_as_of(Project.objects.filter(plan__code="KCQG-2019"), end)
    assert all(s.state == State.FAILED for s in pipeline.values())


def test_yen_bai_2022_h1() -> None:
    loaded("yen-bai-2022-h1.json")
    end = datetime.date(2022, 6, 30)
    national = Project.objects.filter(plan__code="KCQG-2022", province__name="Lào Cai", implementer__code="TTKC-YB")
    snapshots = projects_as_of(national, end)
    forwarded = [p for p in national if snapshots[p.pk].state == State.FORWARDED]
    assert len(forwarded) == 1
    assert forwarded[0].beneficiaries.count() == 4
    assert forwarded[0].kind == ProjectKind.GROUP

    local = Project.objects.filter(plan__code="KCDP-YB-2022")
    local_states = Counter(s.state for s in projects_as_of(local, end).values())
    proper = local.exclude(kind=ProjectKind.TASK)
    approved = [p for p in proper if p.support_approved is not None]
    assert len(approved) == 8
    assert sum(p.support_approved or M0 for p in approved) == Decimal(1_250_000_000)
    assert local_states[State.FAILED] == 2
    contracted = sum(
        1 for p in approved if projects_as_of(Project.objects.filter(pk=p.pk), end)[p.pk].support_contracted
    )
    assert contracted == 7

    plan = Plan.objects.get(code="KCDP-YB-2022")
    figures = plan_figures(plan, end)
    assert figures.budget == Decimal(1_580_000_000)
    assert figures.allocated_percent == Decimal("100.0")


def test_the_same_records_count_under_lao_cai_today() -> None:
    loaded("yen-bai-2022-h1.json")
    assert set(Project.objects.exclude(province=None).values_list("province__name", flat=True)) == {"Lào Cai"}
