"""Regressions found in review: history mode cannot forge a decision, a same-day revision is judged against the
budget actually in force, the final payment may share the settlement's date, nothing is recorded after settlement,
and correcting a decision keeps its number."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from conftest import client_for
from khuyencong.core.refusals import codes_of
from khuyencong.organizations.models import Organization
from khuyencong.programs.selectors import plan_allocated_on, plan_budget_on
from khuyencong.programs.services import plan_allocate, plan_budget_decide
from khuyencong.projects.models import Project
from khuyencong.projects.services import (
    payment_record,
    project_correct_event,
    project_record_event,
    project_submit,
)
from khuyencong.projects.tests.test_services import ANY_CONTENT, SUPPORT, new_project, to_contract

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

D = datetime.date
M = Decimal


def test_the_implementer_cannot_transcribe_its_own_approval(local_plan, cast, beneficiary) -> None:
    # Given a đề án appraised, whose implementer's officer has no approver role
    project = new_project(local_plan, cast["centre"], beneficiary)
    project_submit(project=project, actor=cast["centre"], on=D(2026, 2, 1))
    project_record_event(project=project, actor=cast["department"], action="appraisal_passed", on=D(2026, 2, 10),
                         amount=SUPPORT)  # fmt: skip
    # When it tries the history mode to record the UBND's approval: refused, through the page and the service
    response = client_for(cast["centre"]).post(reverse("projects:history", args=[project.pk]), {
        "history-action": "approved", "history-organization": Organization.objects.get(code="UBND-15").pk,
        "history-on": "27/11/2026", "history-amount": "300.000.000", "history-document": "1/QĐ",
    })  # fmt: skip
    assert response.status_code in (400, 403)
    with pytest.raises(PermissionDenied) as refused:
        project_record_event(project=project, actor=cast["centre"], action="approved", on=D(2026, 3, 1),
                             amount=SUPPORT, document="1/QĐ", transcribed=True,
                             organization=Organization.objects.get(code="UBND-15"))  # fmt: skip
    assert refused.value.code == "decision_not_yours"  # type: ignore[attr-defined]
    project.refresh_from_db()
    assert project.state == "appraised"


def test_history_mode_closes_once_a_step_is_taken_live(local_plan, cast, beneficiary) -> None:
    project = new_project(local_plan, cast["centre"], beneficiary)
    project_submit(project=project, actor=cast["centre"], on=D(2026, 2, 1))
    with pytest.raises(ValidationError) as refused:
        project_record_event(project=project, actor=cast["department"], action="appraisal_passed",
                             on=D(2026, 2, 10), amount=SUPPORT, transcribed=True,
                             organization=Organization.objects.get(code="SCT-15"))  # fmt: skip
    assert codes_of(refused.value) == {"action": ["history_closed"]}


def test_a_same_day_revision_is_judged_against_the_budget_in_force(local_plan, cast) -> None:
    committee, centre = cast["committee"], Organization.objects.get(code="TTKC-15")
    plan_budget_decide(plan=local_plan, actor=committee, on=D(2026, 1, 10), kind="original", amount=M(100))
    plan_budget_decide(plan=local_plan, actor=committee, on=D(2026, 3, 1), kind="revised", amount=M(200))
    plan_allocate(plan=local_plan, actor=committee, on=D(2026, 4, 1), to=centre, amount=M(150))
    # A second revision the same day is the one in force: 120 is below the 150 allocated
    with pytest.raises(ValidationError) as refused:
        plan_budget_decide(plan=local_plan, actor=committee, on=D(2026, 3, 1), kind="revised", amount=M(120))
    assert codes_of(refused.value) == {"amount": ["allocation_above_budget"]}
    assert plan_budget_on(local_plan, D(2026, 5, 1)) == M(200)
    assert plan_allocated_on(local_plan, D(2026, 5, 1)) == M(150)
    # And an original recorded after a same-day revision does not take its place
    plan_budget_decide(plan=local_plan, actor=committee, on=D(2026, 3, 1), kind="revised", amount=M(180))
    assert plan_budget_on(local_plan, D(2026, 3, 1)) == M(180)


def test_the_final_payment_may_be_dated_the_day_of_settlement(local_plan, cast, beneficiary) -> None:
    project = to_contract(new_project(local_plan, cast["centre"], beneficiary, content=ANY_CONTENT), cast)
    project_record_event(project=project, actor=cast["centre"], action="accepted", on=D(2026, 9, 1))
    project_record_event(project=project, actor=cast["centre"], action="settled", on=D(2026, 10, 1), amount=SUPPORT)
    # The voucher of the settlement day, entered after the settlement, is part of it
    payment_record(project=project, actor=cast["centre"], on=D(2026, 10, 1), kind="payment", amount=SUPPORT)
    # But nothing dated after the settlement, not even a refund
    for kind in ("payment", "refund"):
        with pytest.raises(ValidationError) as refused:
            payment_record(project=project, actor=cast["centre"], on=D(2026, 10, 2), kind=kind, amount=M(1))
        assert set(codes_of(refused.value)) <= {"kind", "on"}
    assert Project.objects.get(pk=project.pk).payments.count() == 1


def test_correcting_a_decision_keeps_its_number(local_plan, cast, beneficiary) -> None:
    project = to_contract(new_project(local_plan, cast["centre"], beneficiary), cast)
    approval = project.events.get(action="approved")
    approval.document = "55/QĐ-UBND"
    approval.save(update_fields=["document"])
    with pytest.raises(ValidationError) as refused:
        project_correct_event(project=project, event=approval, actor=cast["committee"], reason="Sai ngày",
                              on=D(2026, 3, 2), amount=SUPPORT, document="")  # fmt: skip
    assert codes_of(refused.value) == {"document": ["decision_required"]}
