"""A plan's money in any order, corrected without silent edits: budget decisions and allocations are accepted late
and out of order as long as the allocations stay within the budget in force on every date; a wrong one is voided
(struck out, with who, when and why) or superseded, never edited."""

from __future__ import annotations

import datetime
from decimal import Decimal
from itertools import permutations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from conftest import client_for, make_user
from khuyencong.accounts.models import Role, User
from khuyencong.audit.models import AuditAction, AuditEntry
from khuyencong.core.refusals import codes_of
from khuyencong.organizations.models import Organization
from khuyencong.programs.models import Allocation, BudgetDecision, Plan, Program, ProgramTarget
from khuyencong.programs.selectors import plan_allocated_on, plan_budget_on
from khuyencong.programs.services import (
    plan_allocate,
    plan_budget_decide,
    plan_create,
    plan_entry_correct,
    plan_entry_void,
    program_create,
    program_target_void,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

D = datetime.date
M = Decimal


@pytest.fixture
def committee(db: None) -> User:
    return make_user("ubnd15", "UBND-15", Role.APPROVER)


@pytest.fixture
def plan(committee: User) -> Plan:
    return plan_create(actor=committee, code="KCDP-15-2026", year=2026, funding_source="provincial",
                       owner=Organization.objects.get(code="UBND-15"))  # fmt: skip


CENTRE = "TTKC-15"


def test_an_allocation_dated_before_one_already_recorded_is_accepted(plan: Plan, committee: User) -> None:
    # Given a budget and an allocation of July
    plan_budget_decide(plan=plan, actor=committee, on=D(2026, 1, 10), kind="original", amount=M(1000))
    centre = Organization.objects.get(code=CENTRE)
    plan_allocate(plan=plan, actor=committee, on=D(2026, 7, 1), to=centre, amount=M(600))
    # When an allocation of March arrives late
    plan_allocate(plan=plan, actor=committee, on=D(2026, 3, 1), to=centre, amount=M(300))
    # Then it is accepted, and the figures are those of the dates
    assert plan_allocated_on(plan, D(2026, 4, 1)) == M(300)
    assert plan_allocated_on(plan, D(2026, 12, 31)) == M(900)
    # But one that would exceed the budget from its own date on is refused, naming the date
    with pytest.raises(ValidationError) as refused:
        plan_allocate(plan=plan, actor=committee, on=D(2026, 2, 1), to=centre, amount=M(200))
    assert codes_of(refused.value) == {"amount": ["allocation_above_budget"]}
    assert "01/07/2026" in str(refused.value)


def test_a_revision_may_be_inserted_between_two_earlier_decisions(plan: Plan, committee: User) -> None:
    plan_budget_decide(plan=plan, actor=committee, on=D(2026, 1, 10), kind="original", amount=M(1000))
    plan_budget_decide(plan=plan, actor=committee, on=D(2026, 9, 1), kind="revised", amount=M(1500))
    plan_budget_decide(plan=plan, actor=committee, on=D(2026, 5, 1), kind="revised", amount=M(1200))
    assert [plan_budget_on(plan, d) for d in (D(2026, 2, 1), D(2026, 6, 1), D(2026, 10, 1))] == [1000, 1200, 1500]
    # A revision before the original, a second original, or a decision in the future are refused
    refused_cases = [
        ("revised", D(2026, 1, 5), "date_order"),
        ("original", D(2026, 2, 1), "budget_original_twice"),
        ("revised", D(2026, 12, 1), "future_date"),
    ]
    for kind, on, code in refused_cases:
        with pytest.raises(ValidationError) as refused:
            plan_budget_decide(plan=plan, actor=committee, on=on, kind=kind, amount=M(1))
        assert code in str(codes_of(refused.value))


def test_a_revision_below_what_is_already_allocated_is_refused(plan: Plan, committee: User) -> None:
    plan_budget_decide(plan=plan, actor=committee, on=D(2026, 1, 10), kind="original", amount=M(1000))
    plan_allocate(plan=plan, actor=committee, on=D(2026, 3, 1), to=Organization.objects.get(code=CENTRE), amount=M(800))
    with pytest.raises(ValidationError) as refused:
        plan_budget_decide(plan=plan, actor=committee, on=D(2026, 2, 1), kind="revised", amount=M(700))
    assert codes_of(refused.value) == {"amount": ["allocation_above_budget"]}


ENTRIES = [
    ("budget", D(2026, 1, 10), "original", M(1000)),
    ("budget", D(2026, 6, 1), "revised", M(1400)),
    ("allocation", D(2026, 2, 1), None, M(700)),
    ("allocation", D(2026, 7, 1), None, M(600)),
]


@pytest.mark.parametrize("order", list(permutations(range(len(ENTRIES))))[::3])
def test_a_lawful_set_offered_in_any_order_ends_with_the_same_figures(
    plan: Plan, committee: User, order: tuple[int, ...]
) -> None:
    centre = Organization.objects.get(code=CENTRE)
    pending = [ENTRIES[i] for i in order]
    # Offered in this order; an entry the timeline cannot take yet (an allocation before any budget) waits its turn
    for _ in range(len(pending)):
        for entry in list(pending):
            kind, on, budget_kind, amount = entry
            try:
                if kind == "budget":
                    plan_budget_decide(plan=plan, actor=committee, on=on, kind=str(budget_kind), amount=amount)
                else:
                    plan_allocate(plan=plan, actor=committee, on=on, to=centre, amount=amount)
                pending.remove(entry)
            except ValidationError:
                continue
    assert not pending
    assert [plan_allocated_on(plan, d) for d in (D(2026, 3, 1), D(2026, 12, 1))] == [700, 1300]
    assert [plan_budget_on(plan, d) for d in (D(2026, 3, 1), D(2026, 12, 1))] == [1000, 1400]


def test_a_wrong_allocation_is_voided_and_a_budget_it_needs_cannot_be(plan: Plan, committee: User) -> None:
    original = plan_budget_decide(plan=plan, actor=committee, on=D(2026, 1, 10), kind="original", amount=M(1000))
    wrong = plan_allocate(plan=plan, actor=committee, on=D(2026, 3, 1), to=Organization.objects.get(code=CENTRE),
                          amount=M(900))  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        plan_entry_void(entry=original, actor=committee, reason="Nhầm")
    assert codes_of(refused.value) == {"voided": ["correction_breaks_history"]}
    plan_entry_void(entry=wrong, actor=committee, reason="Nhầm đơn vị")
    assert plan_allocated_on(plan, D(2026, 12, 31)) == 0
    assert Allocation.objects.voided().get().voided_reason == "Nhầm đơn vị"
    assert AuditEntry.objects.filter(action=AuditAction.VOID, object_id=str(wrong.pk)).exists()
    # Superseding the budget keeps the old one, struck out
    corrected = plan_entry_correct(entry=original, actor=committee, reason="Sai số", on=D(2026, 1, 10), amount=M(2000))
    assert plan_budget_on(plan, D(2026, 2, 1)) == M(2000)
    assert BudgetDecision.objects.voided().get().pk == original.pk
    assert isinstance(corrected, BudgetDecision)
    assert corrected.kind == "original"


def test_another_province_cannot_void_the_plans_money(plan: Plan, committee: User) -> None:
    original = plan_budget_decide(plan=plan, actor=committee, on=D(2026, 1, 10), kind="original", amount=M(1000))
    stranger = make_user("sct19", "SCT-19", Role.OFFICER, Role.APPROVER)
    with pytest.raises(PermissionDenied):
        plan_entry_void(entry=original, actor=stranger, reason="x")
    response = client_for(stranger).post(
        reverse("programs:void", args=[plan.pk, "budget", original.pk]), {"reason": "x"}
    )
    assert response.status_code == 404
    assert not BudgetDecision.objects.voided().exists()


def test_the_plan_page_voids_an_entry_and_shows_it_struck_out(plan: Plan, committee: User) -> None:
    plan_budget_decide(plan=plan, actor=committee, on=D(2026, 1, 10), kind="original", amount=M(1000))
    wrong = plan_allocate(plan=plan, actor=committee, on=D(2026, 3, 1), to=Organization.objects.get(code=CENTRE),
                          amount=M(900))  # fmt: skip
    client = client_for(committee)
    url = reverse("programs:void", args=[plan.pk, "allocation", wrong.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Nhầm đơn vị"}).status_code == 302
    page = client.get(reverse("programs:detail", args=[plan.pk])).content.decode()
    assert "Nhầm đơn vị" in page
    assert "<del>01/03/2026</del>" in page
    assert client.post(reverse("programs:void", args=[plan.pk, "target", 1]), {"reason": "x"}).status_code == 404
    viewer = make_user("xem15", "UBND-15", Role.VIEWER)
    budget = BudgetDecision.objects.get()
    assert client_for(viewer).post(reverse("programs:void", args=[plan.pk, "budget", budget.pk]),
                                   {"reason": "x"}).status_code == 403  # fmt: skip


def test_a_programme_target_is_voided_not_edited(committee: User) -> None:
    program = program_create(
        actor=committee, owner=Organization.objects.get(code="UBND-15"),
        targets=[("Cơ sở được hỗ trợ", M(100), "cơ sở")],
        code="CT-15", name="Chương trình KC Lào Cai 2026–2030", level="provincial",
        territory=Organization.objects.get(code="UBND-15").territory, start_year=2026, end_year=2030,
    )  # fmt: skip
    target = ProgramTarget.objects.get(program=program)
    program_target_void(target=target, actor=committee, reason="Chỉ tiêu đã được điều chỉnh")
    assert not Program.objects.get().targets.standing().exists()
    assert ProgramTarget.objects.voided().count() == 1


def test_the_programme_page_voids_a_target(committee: User) -> None:
    program = program_create(
        actor=committee, owner=Organization.objects.get(code="UBND-15"), targets=[("Lao động", M(500), "người")],
        code="CT-15", name="Chương trình KC Lào Cai", level="provincial",
        territory=Organization.objects.get(code="UBND-15").territory, start_year=2026, end_year=2030,
    )  # fmt: skip
    target = program.targets.get()
    url = reverse("programs:target_void", args=[target.pk])
    stranger = make_user("sct19", "SCT-19", Role.OFFICER, Role.APPROVER)
    assert client_for(stranger).post(url, {"reason": "x"}).status_code in (403, 404)
    assert client_for(committee).post(url, {"reason": ""}).status_code == 400
    assert client_for(committee).post(url, {"reason": "Đã điều chỉnh"}).status_code == 302
    page = client_for(committee).get(reverse("programs:programs")).content.decode()
    assert "<del>Lao động</del>" in page
    assert "Đã điều chỉnh" in page
