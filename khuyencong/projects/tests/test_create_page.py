"""Entering đề án and plan money through the pages, with the same services and the same clear refusals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import client_for, make_user
from khuyencong.accounts.models import Role, User
from khuyencong.organizations.models import Organization
from khuyencong.programs.models import Allocation, BudgetDecision, Plan
from khuyencong.programs.services import plan_create
from khuyencong.projects.models import Project, ProjectContent

pytestmark = pytest.mark.django_db


@pytest.fixture
def committee() -> User:
    return make_user("ubnd15", "UBND-15", Role.APPROVER, Role.OFFICER)


@pytest.fixture
def plan(committee: User) -> Plan:
    return plan_create(
        actor=committee,
        code="KCDP-15-2026",
        year=2026,
        funding_source="provincial",
        owner=Organization.objects.get(code="UBND-15"),
    )


def form_data(plan: Plan, **kw: str) -> dict[str, str]:
    return {
        "title": "Hỗ trợ máy sấy chè",
        "plan": str(plan.pk),
        "content": str(ProjectContent.objects.get(code="machinery_application").pk),
        "kind": "group",
        "round": "1",
        "implementer": str(Organization.objects.get(code="TTKC-15").pk),
        "total_cost": "1.200.000.000",
        "support_requested": "600.000.000",
        **kw,
    }


def test_an_officer_enters_a_group_đề_án_through_the_page(plan: Plan, make_facility) -> None:
    a = make_facility("Cơ sở A", province="Lào Cai", commune="Bảo Thắng")
    b = make_facility("Cơ sở B", province="Lào Cai", commune="Bảo Thắng")
    officer = make_user("ttkc15", "TTKC-15", Role.OFFICER)
    response = client_for(officer).post(
        reverse("projects:create"), form_data(plan, beneficiaries=f"{a.code}, {b.code}")
    )
    project = Project.objects.get()
    assert response.status_code == 302
    assert project.code == "KCDP-15-2026-001"
    assert set(project.beneficiaries.all()) == {a, b}
    assert project.support_requested == Decimal(600_000_000)
    # And a code typed by hand whose number is in other digits («²»: isdigit() takes it, int() refuses it) is no
    # number of the plan's sequence, nor an error for the next đề án
    Project.objects.filter(pk=project.pk).update(code="KCDP-15-2026-²")
    client_for(officer).post(reverse("projects:create"), form_data(plan, beneficiaries=a.code))
    assert Project.objects.filter(code="KCDP-15-2026-001").exists()


def test_a_beneficiary_outside_the_scope_is_named_and_nothing_is_written(plan: Plan, make_facility) -> None:
    foreign = make_facility("Cơ sở Thái Nguyên", province="Thái Nguyên")
    officer = make_user("ttkc15", "TTKC-15", Role.OFFICER)
    response = client_for(officer).post(
        reverse("projects:create"), form_data(plan, beneficiaries=f"{foreign.code}, KHONG-CO")
    )
    assert response.status_code == 200
    assert f"{foreign.code}; KHONG-CO" in response.context["form"].errors["beneficiaries"][0]
    assert not Project.objects.exists()


def test_support_above_the_total_cost_is_refused_on_the_page(plan: Plan) -> None:
    officer = make_user("ttkc15", "TTKC-15", Role.OFFICER)
    response = client_for(officer).post(
        reverse("projects:create"), form_data(plan, kind="general", support_requested="2.000.000.000")
    )
    assert "lớn hơn tổng kinh phí" in response.context["form"].errors["support_requested"][0]


def test_a_viewer_cannot_open_the_create_page() -> None:
    assert client_for(make_user("xem", "SCT-15", Role.VIEWER)).get(reverse("projects:create")).status_code == 403


def test_budget_and_allocation_through_the_plan_page(plan: Plan, committee: User) -> None:
    client = client_for(committee)
    url = reverse("programs:budget", args=[plan.pk])
    assert client.post(url, {"on": "15/03/2026", "kind": "original", "amount": "1.580.000.000"}).status_code == 302
    allocate = reverse("programs:allocate", args=[plan.pk])
    centre = Organization.objects.get(code="TTKC-15")
    too_much = client.post(allocate, {"on": "20/03/2026", "to": str(centre.pk), "amount": "2.000.000.000"})
    assert too_much.status_code == 400
    assert "Vượt dự toán" in too_much.content.decode()
    assert (
        client.post(allocate, {"on": "20/03/2026", "to": str(centre.pk), "amount": "1.580.000.000"}).status_code == 302
    )
    assert BudgetDecision.objects.count() == 1
    assert Allocation.objects.get().amount == Decimal(1_580_000_000)
    page = client.get(reverse("programs:detail", args=[plan.pk])).content.decode()
    assert "100,0%" in page


def test_a_second_original_budget_is_refused(plan: Plan, committee: User) -> None:
    client = client_for(committee)
    url = reverse("programs:budget", args=[plan.pk])
    client.post(url, {"on": "15/03/2026", "kind": "original", "amount": "1.000"})
    again = client.post(url, {"on": "16/03/2026", "kind": "original", "amount": "2.000"})
    assert "hãy ghi quyết định điều chỉnh" in again.content.decode()


def test_others_cannot_manage_the_plan(plan: Plan) -> None:
    outsider = make_user("sct19", "SCT-19", Role.OFFICER, Role.APPROVER)
    viewer = make_user("xem15", "SCT-15", Role.VIEWER)
    url = reverse("programs:budget", args=[plan.pk])
    assert client_for(outsider).post(url, {}).status_code == 404
    assert client_for(viewer).post(url, {}).status_code == 403


def test_a_plan_and_a_programme_are_created_through_the_pages(committee: User) -> None:
    client = client_for(committee)
    owner = Organization.objects.get(code="UBND-15")
    programme = client.post(
        reverse("programs:programs"),
        {
            "code": "CT-LC-26-30",
            "name": "Chương trình khuyến công tỉnh Lào Cai 2026-2030",
            "owner": str(owner.pk),
            "start_year": "2026",
            "end_year": "2030",
            "targets": "Việc làm mới | 3.000 | người\nGiá trị sản xuất | 6.047,5 | tỷ đồng",
        },
    )
    assert programme.status_code == 302
    from khuyencong.programs.models import Program

    created = Program.objects.get(code="CT-LC-26-30")
    assert created.level == "provincial"
    assert sorted(t.value for t in created.targets.all()) == [Decimal("3000"), Decimal("6047.5")]
    plan = client.post(
        reverse("programs:list"),
        {
            "code": "KCDP-15-2027",
            "year": "2027",
            "funding_source": "provincial",
            "owner": str(owner.pk),
            "program": str(created.pk),
        },
    )
    assert plan.status_code == 302
    assert Plan.objects.get(code="KCDP-15-2027").program == created


def test_bad_programme_targets_say_which_line(committee: User) -> None:
    owner = Organization.objects.get(code="UBND-15")
    response = client_for(committee).post(
        reverse("programs:programs"),
        {
            "code": "X",
            "name": "X",
            "owner": str(owner.pk),
            "start_year": "2030",
            "end_year": "2026",
            "targets": "Việc làm | ba nghìn | người",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Dòng 1: giá trị «ba nghìn» không phải số" in page
    assert "Năm kết thúc phải sau năm bắt đầu." in page


def test_a_plan_cannot_be_created_for_another_provinces_body() -> None:
    officer = make_user("sct19", "SCT-19", Role.OFFICER)
    owner = Organization.objects.get(code="UBND-15")
    response = client_for(officer).post(
        reverse("programs:list"), {"code": "P", "year": "2027", "funding_source": "provincial", "owner": str(owner.pk)}
    )
    assert response.status_code == 400
    assert not Plan.objects.filter(code="P").exists()


def test_the_form_offers_the_centres_own_body_as_implementer_first(plan: Plan) -> None:
    # given the provincial centre's officer
    centre = make_user("ttkc15", "TTKC-15", Role.OFFICER)
    # when the officer opens the form
    form = client_for(centre).get(reverse("projects:create")).context["form"]
    # then the centre's own body is chosen already; the choice stays the officer's to change
    assert form["implementer"].value() == Organization.objects.get(code="TTKC-15").pk
    assert form.fields["implementer"].queryset.count() > 1
