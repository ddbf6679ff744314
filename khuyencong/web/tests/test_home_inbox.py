"""Issue 15: the home page is the day's work of each persona — the steps waiting for them and their body (with the day
each waits since and its due date), the overdue đề án, the recent changes to their records, and their territory's
money this year with the way to the dashboard."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from conftest import client_for, make_user
from khuyencong.accounts.models import Role, User
from khuyencong.facilities.models import Facility
from khuyencong.organizations.models import Organization
from khuyencong.programs.models import Plan
from khuyencong.programs.services import plan_create
from khuyencong.projects.models import Project, ProjectContent
from khuyencong.projects.services import (
    project_approve,
    project_create,
    project_record_event,
    project_sign_contract,
    project_submit,
)

pytestmark = pytest.mark.django_db

D = datetime.date
M = Decimal


@pytest.fixture
def clock() -> Iterator[None]:
    with time_machine.travel(datetime.datetime(2026, 11, 27, 9, 0, tzinfo=datetime.UTC), tick=False):
        yield


def _project(plan: Plan, actor: User, beneficiary: Facility, code: str) -> Project:
    return project_create(
        actor=actor, code=code, title=f"Máy sấy chè {code}", plan=plan,
        content=ProjectContent.objects.get(code="machinery_application"), kind="facility",
        implementer=Organization.objects.get(code="TTKC-15"), beneficiaries=[beneficiary],
        total_cost=M(600_000_000), support_requested=M(300_000_000),
    )  # fmt: skip


@pytest.fixture
def lao_cai_work(clock: None, cast: dict[str, User], local_plan: Plan, beneficiary: Facility) -> dict[str, Project]:
    """In Lào Cai: DA-1 sent for appraisal on 01/02/2026; DA-2 contracted for 300 million on 20/03/2026; DA-OLD of
    the 2025 plan approved on 01/03/2025 and never assigned (its year's funds have lapsed)."""
    waiting = _project(local_plan, cast["centre"], beneficiary, "DA-1")
    project_submit(project=waiting, actor=cast["centre"], on=D(2026, 2, 1))
    contracted = _project(local_plan, cast["centre"], beneficiary, "DA-2")
    project_submit(project=contracted, actor=cast["centre"], on=D(2026, 2, 1))
    project_record_event(project=contracted, actor=cast["department"], action="appraisal_passed", on=D(2026, 2, 10),
                         amount=M(300_000_000))  # fmt: skip
    project_approve(project=contracted, actor=cast["committee"], on=D(2026, 3, 1), amount=M(300_000_000))
    project_record_event(project=contracted, actor=cast["department"], action="assigned", on=D(2026, 3, 5))
    project_sign_contract(project=contracted, actor=cast["centre"], on=D(2026, 3, 20), amount=M(300_000_000))
    old_plan = plan_create(actor=cast["committee"], code="KCDP-15-2025", year=2025, funding_source="provincial",
                           owner=Organization.objects.get(code="UBND-15"))  # fmt: skip
    old = _project(old_plan, cast["centre"], beneficiary, "DA-OLD")
    project_submit(project=old, actor=cast["centre"], on=D(2025, 2, 1))
    project_record_event(project=old, actor=cast["department"], action="appraisal_passed", on=D(2025, 2, 10),
                         amount=M(200_000_000))  # fmt: skip
    project_approve(project=old, actor=cast["committee"], on=D(2025, 3, 1), amount=M(200_000_000))
    return {"waiting": waiting, "contracted": contracted, "old": old}


def _home(user: User) -> dict:
    response = client_for(user).get(reverse("web:home"))
    assert response.status_code == 200
    return {"context": response.context, "html": response.content.decode()}


def _queues(page: dict) -> dict[str, list[tuple[str, datetime.date | None, datetime.date]]]:
    return {q.title: [(p.code, p.waiting_since, p.due_on) for p in q.projects] for q in page["context"]["inbox"].queues}


def test_the_sở_sees_what_waits_for_its_appraisal_and_assignment_with_dates(
    lao_cai_work: dict[str, Project], cast: dict[str, User]
) -> None:
    # Given Lào Cai's work, when the Sở's officer opens the home page
    page = _home(cast["department"])
    # Then DA-1 waits for its appraisal since 01/02/2026, due by the end of the budget year; DA-OLD for its assignment
    # since 01/03/2025, due by 31/12/2025 and so late
    queues = _queues(page)
    assert queues["Chờ thẩm định"] == [("DA-1", D(2026, 2, 1), D(2026, 12, 31))]
    assert queues["Chờ giao thực hiện"] == [("DA-OLD", D(2025, 3, 1), D(2025, 12, 31))]
    assert "31/12/2025 (quá hạn)" in page["html"]
    # And DA-OLD is among the overdue đề án
    assert [p.code for p in page["context"]["inbox"].overdue] == ["DA-OLD"]
    # And the latest changes of its records come first: DA-OLD's approval was recorded last
    changes = page["context"]["inbox"].changes
    assert changes[0].record.startswith("DA-OLD")
    assert changes[0].what == "Phê duyệt"
    # And the money of Lào Cai this year: what is contracted, with the way to the dashboard
    money = {row["key"]: row["amount"] for row in page["context"]["money"]["money"]}
    assert list(money) == ["plan", "allocated", "contracted", "disbursed"]
    assert money["contracted"] == 300_000_000
    assert page["context"]["money"]["year"] == 2026
    assert reverse("reports:dashboard") in page["html"]
    assert "300.000.000" in page["html"]


def test_the_people_s_committee_waits_for_nothing_the_sở_does(
    lao_cai_work: dict[str, Project], cast: dict[str, User]
) -> None:
    # When the UBND's approver opens the home page, then the Sở's appraisal is not offered to it
    queues = _queues(_home(cast["committee"]))
    assert "Chờ thẩm định" not in queues


def test_thai_nguyen_sees_nothing_of_lao_cai(lao_cai_work: dict[str, Project], cast: dict[str, User]) -> None:
    # When Thái Nguyên's Sở opens its home page
    page = _home(cast["other_department"])
    # Then no Lào Cai đề án is waiting, overdue or changed, and its money is Thái Nguyên's
    assert _queues(page) == {}
    assert page["context"]["inbox"].overdue_count == 0
    assert page["context"]["inbox"].changes == []
    assert "DA-1" not in page["html"]
    assert "DA-OLD" not in page["html"]
    assert page["context"]["money"]["scope"]["name"] == "Tỉnh Thái Nguyên"


def test_a_viewer_sees_the_changes_and_the_money_but_no_step_to_take(
    lao_cai_work: dict[str, Project], laocai_viewer: User
) -> None:
    page = _home(laocai_viewer)
    assert _queues(page) == {}
    assert page["context"]["inbox"].changes
    assert page["context"]["money"]["money"][2]["amount"] == 300_000_000
    assert not page["context"]["can_create_project"]
    assert "Lập đề án" not in page["html"]


def test_the_facility_representative_sees_its_own_đề_án_and_money_only(
    lao_cai_work: dict[str, Project], beneficiary: Facility
) -> None:
    rep = make_user("cosovh", None, Role.FACILITY_REPRESENTATIVE, facility=beneficiary)
    page = _home(rep)
    money = page["context"]["money"]
    # Its own figures under its own name, no plan or allocation of the province
    assert money["scope"]["name"] == beneficiary.name
    assert [row["key"] for row in money["money"]] == ["contracted", "disbursed"]
    changed = {c.record.split(" — ")[0] for c in page["context"]["inbox"].changes}
    assert changed
    assert changed <= {"DA-1", "DA-2", "DA-OLD", beneficiary.name}
    # And nothing it may not do is offered
    assert "Lập đề án" not in page["html"]
    assert "Đăng ký cơ sở mới" not in page["html"]


def test_the_cục_sees_the_nation_s_money(lao_cai_work: dict[str, Project], cuc_officer: User) -> None:
    page = _home(cuc_officer)
    assert page["context"]["money"]["scope"]["name"] == "Toàn quốc"
    assert page["context"]["can_create_project"]


def test_an_account_without_a_role_sees_an_empty_inbox_and_no_money(lao_cai_work: dict[str, Project]) -> None:
    nobody = make_user("khong.vai.tro", "SCT-15")
    page = _home(nobody)
    assert page["context"]["money"] is None
    assert _queues(page) == {}
    assert page["context"]["inbox"].changes == []


def test_a_representative_is_not_offered_the_list_of_bodies(facility_rep: User) -> None:
    # The list of bodies is a body's page: a facility's representative found it always empty
    home = client_for(facility_rep).get(reverse("web:home")).content.decode()

    assert reverse("organizations:list") not in home


def test_the_overdue_đề_án_are_a_filter_of_the_list(lao_cai_work: dict[str, Project], cast: dict[str, User]) -> None:
    # Given DA-OLD overdue (2025's funds lapsed, never assigned), DA-1 and DA-2 of this year's plan
    client = client_for(cast["department"])
    # When the list is asked for the overdue only, then it lists DA-OLD alone, counted
    listing = client.get(reverse("projects:list"), {"overdue": "on"})
    assert listing.status_code == 200
    assert [p.code for p in listing.context["page"].object_list] == ["DA-OLD"]
    assert listing.context["page"].paginator.count == 1
    # and with another filter it narrows further; without it, every đề án
    assert client.get(reverse("projects:list"), {"overdue": "on", "year": "2026"}).context["page"].paginator.count == 0
    assert client.get(reverse("projects:list")).context["page"].paginator.count == 3
    # Thái Nguyên's officer has none of Lào Cai's
    other = make_user("tn.overdue", "SCT-19", Role.OFFICER)
    assert client_for(other).get(reverse("projects:list"), {"overdue": "on"}).context["page"].paginator.count == 0


def test_the_queue_page_names_only_the_lists_of_steps_the_user_can_ever_take(
    lao_cai_work: dict[str, Project], cast: dict[str, User], laocai_viewer: User
) -> None:
    # When the viewer opens the work queue, then no list of steps is named, not even as empty: a viewer takes none
    response = client_for(laocai_viewer).get(reverse("projects:queue"))
    viewer = response.context
    assert viewer["queues"] == []
    assert "Bạn không thực hiện bước nào của đề án" in response.content.decode()
    assert not {"Chờ thẩm định", "Chờ phê duyệt", "Chờ ký hợp đồng"} & set(viewer["empty"])
    # And the People's Committee, which approves, is told its approvals are empty, never the Sở's appraisals
    committee = client_for(cast["committee"]).get(reverse("projects:queue")).context
    titles = [q.title for q in committee["queues"]] + list(committee["empty"])
    assert "Chờ phê duyệt" in titles
    assert "Chờ thẩm định" not in titles
