"""Corrections: a recorded fact is voided or superseded with who, when and why, never edited; the rest of the
timeline must stay lawful; replays, reports and money rules ignore what was voided."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from khuyencong.audit.models import AuditAction, AuditEntry
from khuyencong.core.refusals import codes_of
from khuyencong.projects.models import Payment, Project, ProjectEvent, Result
from khuyencong.projects.selectors import projects_as_of
from khuyencong.projects.services import (
    payment_correct,
    payment_record,
    payment_void,
    project_correct_event,
    project_record_event,
    project_report_progress,
    project_void_event,
    result_record,
    result_void,
)
from khuyencong.projects.tests.test_services import ANY_CONTENT, SUPPORT, new_project, to_contract
from khuyencong.projects.workflow import Action, State
from khuyencong.reports.facts import project_facts

pytestmark = pytest.mark.django_db

D = datetime.date
M = Decimal
TODAY = datetime.datetime(2026, 11, 27, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def contracted(local_plan, cast, beneficiary) -> Project:
    return to_contract(new_project(local_plan, cast["centre"], beneficiary, content=ANY_CONTENT), cast)


def test_a_wrong_progress_report_is_voided_and_the_history_keeps_it(contracted, cast) -> None:
    # Given a progress report typed as 80% instead of 40%
    wrong = project_report_progress(project=contracted, actor=cast["centre"], on=D(2026, 6, 30), percent=M(80))
    # When the implementer voids it with a reason
    project_void_event(project=contracted, event=wrong, actor=cast["centre"], reason="Gõ nhầm 80% thay vì 40%")
    # Then it stays in the history, struck out with who, when and why, and the đề án is back where it was
    wrong.refresh_from_db()
    assert wrong.is_voided
    assert wrong.voided_actor == cast["centre"]
    assert wrong.voided_on == D(2026, 11, 27)
    assert wrong.voided_by is not None
    assert wrong.voided_by.code == "TTKC-15"
    assert "Gõ nhầm" in wrong.voided_reason
    contracted.refresh_from_db()
    assert contracted.state == State.CONTRACTED
    assert contracted.percent is None
    assert ProjectEvent.objects.filter(project=contracted).count() == 6
    assert AuditEntry.objects.filter(action=AuditAction.VOID, object_id=str(wrong.pk)).exists()
    # And a lower figure can now be reported, which the wrong one forbade
    project_report_progress(project=contracted, actor=cast["centre"], on=D(2026, 7, 1), percent=M(40))


def test_a_step_others_depend_on_cannot_be_voided_until_they_are(contracted, cast) -> None:
    approval = contracted.events.get(action=Action.APPROVED)
    contract = contracted.events.get(action=Action.CONTRACT_SIGNED)
    # When the approval is voided while the contract depends on it: refused, with the reason, and nothing written
    with pytest.raises(ValidationError) as refused:
        project_void_event(project=contracted, event=approval, actor=cast["committee"], reason="Nhầm đề án")
    assert codes_of(refused.value) == {"voided": ["correction_breaks_history"]}
    assert "Hãy huỷ các bước" in str(refused.value)
    approval.refresh_from_db()
    assert not approval.is_voided
    # Then voiding the later steps first (latest first) makes it possible
    project_void_event(project=contracted, event=contract, actor=cast["centre"], reason="Hợp đồng ký lại")
    assigned = contracted.events.get(action=Action.ASSIGNED)
    project_void_event(project=contracted, event=assigned, actor=cast["department"], reason="Giao lại")
    project_void_event(project=contracted, event=approval, actor=cast["committee"], reason="Nhầm đề án")
    contracted.refresh_from_db()
    assert contracted.state == State.APPRAISED
    assert contracted.support_approved is None


def test_a_payment_keeps_its_approval_alive(contracted, cast) -> None:
    payment_record(project=contracted, actor=cast["centre"], on=D(2026, 4, 1), kind="advance", amount=M(100_000_000))
    contract = contracted.events.get(action=Action.CONTRACT_SIGNED)
    with pytest.raises(ValidationError, match=r"trước ngày ký hợp đồng|chưa thể tạm ứng"):
        project_void_event(project=contracted, event=contract, actor=cast["centre"], reason="Ký lại")


def test_an_event_is_superseded_in_place_by_a_corrected_one(contracted, cast) -> None:
    # Given an approval recorded with the wrong date and without its decision number
    approval = contracted.events.get(action=Action.APPROVED)
    # When it is corrected: the same step, by the same body, with the right values
    corrected = project_correct_event(
        project=contracted, event=approval, actor=cast["committee"], reason="Sai ngày quyết định",
        on=D(2026, 3, 2), amount=SUPPORT, document="123/QĐ-UBND",
    )  # fmt: skip
    # Then the old one is voided and the corrected one takes its place in the sequence, before the assignment
    actions = [(e.action, e.is_voided) for e in contracted.events.order_by("seq")]
    assert actions[2:5] == [(Action.APPROVED, True), (Action.APPROVED, False), (Action.ASSIGNED, False)]
    assert corrected.organization.code == "UBND-15"
    assert corrected.document == "123/QĐ-UBND"
    contracted.refresh_from_db()
    assert contracted.state == State.CONTRACTED
    assert contracted.support_approved == SUPPORT
    one = Project.objects.filter(pk=contracted.pk)
    assert projects_as_of(one, D(2026, 3, 1))[contracted.pk].state == State.APPRAISED
    assert projects_as_of(one, D(2026, 3, 2))[contracted.pk].state == State.APPROVED


def test_a_correction_that_breaks_a_later_step_is_refused(contracted, cast) -> None:
    approval = contracted.events.get(action=Action.APPROVED)
    with pytest.raises(ValidationError) as refused:
        project_correct_event(
            project=contracted, event=approval, actor=cast["committee"], reason="Giảm kinh phí",
            on=D(2026, 3, 1), amount=M(250_000_000),
        )  # fmt: skip
    assert "amount_above_support" in str(codes_of(refused.value))
    assert not contracted.events.filter(voided_at__isnull=False).exists()


@pytest.mark.parametrize(
    ("amount", "percent", "field"), [(M(200_000_000), None, "amount"), (None, Decimal(35), "percent")]
)
def test_a_correction_states_no_more_than_its_step_may(
    contracted, cast, amount: Decimal | None, percent: Decimal | None, field: str
) -> None:
    # Given the assignment, a step that states no amount and no percent
    assignment = contracted.events.get(action=Action.ASSIGNED)
    # When it is corrected with an amount, or a percent
    with pytest.raises(ValidationError) as refused:
        project_correct_event(
            project=contracted, event=assignment, actor=cast["department"], reason="Ghi thêm", on=assignment.on,
            amount=amount, percent=percent,
        )  # fmt: skip
    # Then it is refused with its code, and nothing is voided
    assert codes_of(refused.value) == {field: [f"{field}_not_taken"]}
    assert not contracted.events.filter(voided_at__isnull=False).exists()


def test_only_those_who_may_take_a_step_correct_it(contracted, cast) -> None:
    approval = contracted.events.get(action=Action.APPROVED)
    for stranger in (cast["other_department"], cast["centre"]):
        with pytest.raises(PermissionDenied):
            project_void_event(project=contracted, event=approval, actor=stranger, reason="Không phải việc của tôi")
    assert not contracted.events.filter(voided_at__isnull=False).exists()


@pytest.mark.parametrize(
    ("reason", "on", "code"),
    [
        ("", None, "reason_required"),
        ("   ", None, "reason_required"),
        ("x" * 501, None, "too_long"),
        ("Nhầm", D(2026, 12, 1), "future_date"),
        ("Nhầm", D(2026, 3, 1), "date_order"),
    ],
)
def test_a_void_needs_a_reason_and_a_lawful_date(contracted, cast, reason, on, code) -> None:
    wrong = project_report_progress(project=contracted, actor=cast["centre"], on=D(2026, 6, 30), percent=M(80))
    with pytest.raises(ValidationError) as refused:
        project_void_event(project=contracted, event=wrong, actor=cast["centre"], reason=reason, on=on)
    assert code in str(codes_of(refused.value))
    wrong.refresh_from_db()
    assert not wrong.is_voided


def test_voided_entries_are_left_out_of_reports_and_as_of_figures(contracted, cast) -> None:
    wrong = payment_record(
        project=contracted, actor=cast["centre"], on=D(2026, 4, 1), kind="advance", amount=M(200_000_000)
    )
    one = Project.objects.filter(pk=contracted.pk)
    assert projects_as_of(one, D(2026, 5, 1))[contracted.pk].paid == M(200_000_000)
    assert project_facts(one, D(2026, 5, 1))[0].disbursed(D(2026, 1, 1), D(2026, 12, 31)) == M(200_000_000)
    payment_void(project=contracted, payment=wrong, actor=cast["centre"], reason="Chứng từ ghi trùng")
    assert projects_as_of(one, D(2026, 5, 1))[contracted.pk].paid == 0
    assert project_facts(one, D(2026, 5, 1))[0].disbursed(D(2026, 1, 1), D(2026, 12, 31)) == 0
    progress = project_report_progress(project=contracted, actor=cast["centre"], on=D(2026, 6, 30), percent=M(60))
    assert project_facts(one, D(2026, 7, 1))[0].percent_on(D(2026, 7, 1)) == M(60)
    project_void_event(project=contracted, event=progress, actor=cast["centre"], reason="Chưa kiểm tra")
    facts = project_facts(one, D(2026, 7, 1))[0]
    assert facts.percent_on(D(2026, 7, 1)) is None
    assert facts.state_on(D(2026, 7, 1)) == State.CONTRACTED


def test_a_payment_is_corrected_by_a_new_voucher(contracted, cast) -> None:
    wrong = payment_record(project=contracted, actor=cast["centre"], on=D(2026, 4, 1), kind="advance", amount=M(1))
    corrected = payment_correct(
        project=contracted, payment=wrong, actor=cast["centre"], reason="Thiếu ba số 0",
        on=D(2026, 4, 1), kind="advance", amount=M(100_000_000),
    )  # fmt: skip
    wrong.refresh_from_db()
    assert wrong.is_voided
    assert not corrected.is_voided
    assert AuditEntry.objects.filter(object_id=str(corrected.pk), action=AuditAction.CREATE).exists()
    with pytest.raises(ValidationError, match="Vượt kinh phí hỗ trợ"):
        payment_correct(
            project=contracted, payment=corrected, actor=cast["centre"], reason="Thêm",
            on=D(2026, 4, 1), kind="advance", amount=SUPPORT + 1,
        )  # fmt: skip
    corrected.refresh_from_db()
    assert not corrected.is_voided


def test_a_refund_keeps_the_voucher_it_returns(contracted, cast) -> None:
    paid = payment_record(project=contracted, actor=cast["centre"], on=D(2026, 4, 1), kind="advance", amount=M(50))
    payment_record(project=contracted, actor=cast["centre"], on=D(2026, 5, 1), kind="refund", amount=M(20))
    with pytest.raises(ValidationError) as refused:
        payment_void(project=contracted, payment=paid, actor=cast["centre"], reason="Nhầm")
    assert codes_of(refused.value) == {"voided": ["correction_breaks_history"]}


def test_results_are_recorded_with_their_author_and_voided(contracted, cast) -> None:
    result = result_record(project=contracted, actor=cast["centre"], indicator="machines", value=M(3), on=D(2026, 6, 1))
    assert result.actor == cast["centre"]
    assert AuditEntry.objects.filter(object_id=str(result.pk), action=AuditAction.CREATE).exists()
    with pytest.raises(PermissionDenied):
        result_void(project=contracted, result=result, actor=cast["other_centre"], reason="Nhầm")
    result_void(project=contracted, result=result, actor=cast["centre"], reason="Nhầm chỉ tiêu")
    assert Result.objects.standing().filter(project=contracted).count() == 0
    with pytest.raises(ValidationError, match="tương lai"):
        result_record(project=contracted, actor=cast["centre"], indicator="machines", value=M(3), on=D(2026, 12, 1))


# --- any order -------------------------------------------------------------------------------------------------

LAWFUL = [
    (D(2026, 3, 25), "advance", M(100_000_000)),
    (D(2026, 4, 10), "payment", M(50_000_000)),
    (D(2026, 5, 2), "refund", M(30_000_000)),
    (D(2026, 6, 15), "payment", M(120_000_000)),
    (D(2026, 7, 1), "refund", M(10_000_000)),
]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.permutations(range(len(LAWFUL))))
def test_payments_come_in_any_order_once_what_a_refund_returns_is_in(local_plan, cast, beneficiary, order) -> None:
    # Given a lawful set of vouchers, offered in any order: each is accepted as soon as the timeline it joins is lawful
    # on every date (so a refund waits for the voucher it returns; everything else goes in as it comes)
    Project.objects.filter(code__startswith="DA-P").delete()
    project = to_contract(
        new_project(local_plan, cast["centre"], beneficiary, code=f"DA-P{len(order)}", content=ANY_CONTENT), cast
    )
    pending = [LAWFUL[i] for i in order]
    recorded: list[Payment] = []
    # When each is offered; one the timeline does not accept yet is offered again after the others
    for _ in range(len(pending)):
        for entry in list(pending):
            try:
                recorded.append(
                    payment_record(project=project, actor=cast["centre"], on=entry[0], kind=entry[1], amount=entry[2])
                )
                pending.remove(entry)
            except ValidationError:
                continue
    # Then all are accepted and the figures are those of the date-ordered history
    assert not pending
    one = Project.objects.filter(pk=project.pk)
    assert projects_as_of(one, D(2026, 12, 31))[project.pk].paid == M(230_000_000)
    assert projects_as_of(one, D(2026, 5, 2))[project.pk].paid == M(120_000_000)


def test_a_late_voucher_dated_between_two_others_is_accepted(contracted, cast) -> None:
    payment_record(project=contracted, actor=cast["centre"], on=D(2026, 6, 1), kind="payment", amount=M(100))
    payment_record(project=contracted, actor=cast["centre"], on=D(2026, 4, 1), kind="advance", amount=M(100))
    payment_record(project=contracted, actor=cast["centre"], on=D(2026, 5, 1), kind="refund", amount=M(50))
    assert projects_as_of(Project.objects.filter(pk=contracted.pk), D(2026, 5, 1))[contracted.pk].paid == M(50)


def test_a_late_refund_that_exceeds_what_was_paid_on_its_date_is_refused(contracted, cast) -> None:
    payment_record(project=contracted, actor=cast["centre"], on=D(2026, 6, 1), kind="payment", amount=M(100))
    with pytest.raises(ValidationError) as refused:
        payment_record(project=contracted, actor=cast["centre"], on=D(2026, 5, 1), kind="refund", amount=M(50))
    assert codes_of(refused.value) == {"amount": ["refund_above_paid"]}


def test_a_late_voucher_above_the_support_in_force_on_its_date_is_refused(contracted, cast) -> None:
    payment_record(project=contracted, actor=cast["centre"], on=D(2026, 9, 1), kind="payment", amount=SUPPORT)
    with pytest.raises(ValidationError) as refused:
        payment_record(project=contracted, actor=cast["centre"], on=D(2026, 4, 1), kind="advance", amount=M(1))
    assert codes_of(refused.value) == {"amount": ["payment_above_support"]}


def test_acceptance_above_the_contract_is_refused(contracted, cast) -> None:
    with pytest.raises(ValidationError) as refused:
        project_record_event(
            project=contracted, actor=cast["centre"], action="accepted", on=D(2026, 9, 1), amount=SUPPORT + 1
        )
    assert codes_of(refused.value) == {"amount": ["amount_above_contract"]}


def test_no_step_in_the_future(contracted, cast) -> None:
    with pytest.raises(ValidationError) as refused:
        project_report_progress(project=contracted, actor=cast["centre"], on=D(2026, 11, 28), percent=M(10))
    assert codes_of(refused.value) == {"on": ["future_date"]}
