"""Each action is one service call writing one event; the wrong party, the wrong date or the wrong amount is refused
with a message, and nothing is written."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import make_user
from khuyencong.accounts.models import Role, User
from khuyencong.facilities.models import Facility
from khuyencong.organizations.models import Organization
from khuyencong.programs.models import Plan
from khuyencong.projects.documents import document_attach
from khuyencong.projects.models import DocumentKind, Payment, Project, ProjectContent, ProjectEvent
from khuyencong.projects.selectors import project_list_for_user, projects_as_of
from khuyencong.projects.services import (
    payment_record,
    project_approve,
    project_create,
    project_record_event,
    project_report_progress,
    project_sign_contract,
    project_submit,
)
from khuyencong.projects.workflow import State

pytestmark = pytest.mark.django_db

D = datetime.date
M = Decimal
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# A content with no first-advance rule of its own (Circular 36/2013 Art. 13 lists none for it): for the tests of the
# voucher invariants that hold for every content (order, support, refunds), not of Art. 13 (`test_dossier_rules`).
ANY_CONTENT = "cleaner_production"


def new_project(plan: Plan, actor: User, beneficiary: Facility, **kw) -> Project:
    return project_create(
        actor=actor, code=kw.pop("code", "DA-1"), title="Ứng dụng máy sao chè", plan=plan,
        content=ProjectContent.objects.get(code=kw.pop("content", "machinery_application")), kind="facility",
        implementer=Organization.objects.get(code="TTKC-15"), beneficiaries=[beneficiary],
        total_cost=M(600_000_000), support_requested=M(300_000_000), **kw,
    )  # fmt: skip


SUPPORT = M(300_000_000)


def to_contract(project: Project, cast: dict[str, User], support: Decimal = SUPPORT) -> Project:
    project_submit(project=project, actor=cast["centre"], on=D(2026, 2, 1), amount=M(300_000_000))
    project_record_event(
        project=project, actor=cast["department"], action="appraisal_passed", on=D(2026, 2, 10), amount=support
    )
    project_approve(project=project, actor=cast["committee"], on=D(2026, 3, 1), amount=support)
    project_record_event(project=project, actor=cast["department"], action="assigned", on=D(2026, 3, 5))
    project_sign_contract(project=project, actor=cast["centre"], on=D(2026, 3, 20), amount=support)
    project.refresh_from_db()
    return project


def test_a_local_đề_án_goes_from_submission_to_settlement(local_plan, cast, beneficiary) -> None:
    project = to_contract(new_project(local_plan, cast["centre"], beneficiary), cast)
    assert project.state == State.CONTRACTED
    # A machinery đề án is advanced once more than 70% of the investment is done, on its invoices (TT 36 Art. 13).
    document_attach(project=project, actor=cast["centre"], upload=SimpleUploadedFile("hoa-don.pdf", PDF), title="",
                    kind=DocumentKind.INVESTMENT)  # fmt: skip
    project_report_progress(project=project, actor=cast["centre"], on=D(2026, 3, 24), percent=M(75))
    payment_record(project=project, actor=cast["centre"], on=D(2026, 3, 25), kind="advance", amount=M(100_000_000))
    project_report_progress(project=project, actor=cast["centre"], on=D(2026, 6, 30), percent=M(90))
    project_record_event(project=project, actor=cast["centre"], action="accepted", on=D(2026, 9, 1))
    payment_record(project=project, actor=cast["centre"], on=D(2026, 9, 10), kind="payment", amount=M(200_000_000))
    project_record_event(
        project=project, actor=cast["centre"], action="settled", on=D(2026, 10, 1), amount=M(300_000_000)
    )
    project.refresh_from_db()
    assert project.state == State.SETTLED
    assert [e.action for e in project.events.all()] == [
        "submitted_for_appraisal", "appraisal_passed", "approved", "assigned", "contract_signed", "progress",
        "progress", "accepted", "settled",
    ]  # fmt: skip
    assert {e.organization.code for e in project.events.all()} == {"TTKC-15", "SCT-15", "UBND-15"}


def test_state_and_amounts_can_be_asked_as_of_any_past_date(local_plan, cast, beneficiary) -> None:
    project = to_contract(new_project(local_plan, cast["centre"], beneficiary), cast)
    project_report_progress(project=project, actor=cast["centre"], on=D(2026, 6, 30), percent=M(50))
    one = Project.objects.filter(pk=project.pk)
    assert projects_as_of(one, D(2026, 1, 31))[project.pk].state is None
    assert projects_as_of(one, D(2026, 2, 15))[project.pk].state == State.APPRAISED
    assert projects_as_of(one, D(2026, 3, 1))[project.pk].support_approved == M(300_000_000)
    at_june = projects_as_of(one, D(2026, 6, 30))[project.pk]
    assert (at_june.state, at_june.percent) == (State.IN_PROGRESS, M(50))


def test_the_wrong_party_or_role_is_refused(local_plan, cast, beneficiary) -> None:
    project = new_project(local_plan, cast["centre"], beneficiary)
    with pytest.raises(PermissionDenied):
        project_submit(project=project, actor=cast["other_centre"], on=D(2026, 2, 1))
    project_submit(project=project, actor=cast["centre"], on=D(2026, 2, 1))
    with pytest.raises(PermissionDenied):  # another province's Sở
        project_record_event(
            project=project, actor=cast["other_department"], action="appraisal_passed", on=D(2026, 2, 2)
        )
    with pytest.raises(PermissionDenied):  # the implementer does not appraise its own đề án
        project_record_event(project=project, actor=cast["centre"], action="appraisal_passed", on=D(2026, 2, 2))
    project_record_event(project=project, actor=cast["department"], action="appraisal_passed", on=D(2026, 2, 2))
    with pytest.raises(PermissionDenied):  # another province's Sở cannot record this UBND's decision either
        project_approve(project=project, actor=cast["other_department"], on=D(2026, 3, 1), amount=M(1))
    # The UBND tỉnh approves KCĐP; the Sở may record its decision on its behalf, but only with the decision's number.
    with pytest.raises(ValidationError, match="số, ký hiệu quyết định"):
        project_approve(project=project, actor=cast["department"], on=D(2026, 3, 1), amount=M(1))
    assert ProjectEvent.objects.filter(project=project).count() == 2


def test_a_local_đề_án_is_not_forwarded_to_the_ministry(local_plan, cast, beneficiary) -> None:
    project = new_project(local_plan, cast["centre"], beneficiary)
    project_submit(project=project, actor=cast["centre"], on=D(2026, 2, 1))
    project_record_event(project=project, actor=cast["department"], action="appraisal_passed", on=D(2026, 2, 2))
    with pytest.raises(ValidationError, match="UBND tỉnh phê duyệt"):
        project_record_event(project=project, actor=cast["department"], action="forwarded", on=D(2026, 2, 3))


def test_a_national_đề_án_is_forwarded_and_approved_by_the_cục(national_plan, cast, beneficiary) -> None:
    project = new_project(national_plan, cast["centre"], beneficiary)
    project_submit(project=project, actor=cast["centre"], on=D(2026, 2, 1))
    project_record_event(project=project, actor=cast["department"], action="appraisal_passed", on=D(2026, 2, 2),
                         amount=M(300_000_000))  # fmt: skip
    project_record_event(project=project, actor=cast["department"], action="forwarded", on=D(2026, 2, 3))
    with pytest.raises(PermissionDenied):
        project_approve(project=project, actor=cast["committee"], on=D(2026, 3, 1), amount=M(300_000_000))
    project_approve(project=project, actor=cast["cuc"], on=D(2026, 3, 1), amount=M(300_000_000))
    project.refresh_from_db()
    assert project.state == State.APPROVED


def test_an_invalid_move_names_the_project_the_action_and_the_state(local_plan, cast, beneficiary) -> None:
    project = new_project(local_plan, cast["centre"], beneficiary)
    project_submit(project=project, actor=cast["centre"], on=D(2026, 2, 1))
    with pytest.raises(ValidationError) as refused:
        project_sign_contract(project=project, actor=cast["centre"], on=D(2026, 2, 2))
    message = str(refused.value)
    assert "DA-1" in message
    assert "«Ký hợp đồng»" in message
    assert "«Chờ thẩm định»" in message


def test_events_may_be_back_dated_but_never_before_the_previous_one_nor_in_the_future(
    local_plan, cast, beneficiary
) -> None:
    project = new_project(local_plan, cast["centre"], beneficiary)
    project_submit(project=project, actor=cast["centre"], on=D(2024, 2, 1))  # entered after the fact
    with pytest.raises(ValidationError, match="trước bước liền trước"):
        project_record_event(project=project, actor=cast["department"], action="appraisal_passed", on=D(2024, 1, 31))
    with pytest.raises(ValidationError, match="tương lai"):
        project_record_event(project=project, actor=cast["department"], action="appraisal_passed", on=D(2099, 1, 1))


def test_approval_cannot_exceed_the_appraised_support(local_plan, cast, beneficiary) -> None:
    project = new_project(local_plan, cast["centre"], beneficiary)
    project_submit(project=project, actor=cast["centre"], on=D(2026, 2, 1))
    project_record_event(project=project, actor=cast["department"], action="appraisal_passed", on=D(2026, 2, 2),
                         amount=M(250_000_000))  # fmt: skip
    with pytest.raises(ValidationError, match=r"lớn hơn kinh phí đã thẩm định 250\.000\.000 đồng"):
        project_approve(project=project, actor=cast["committee"], on=D(2026, 3, 1), amount=M(300_000_000))


def test_progress_needs_a_percent_that_does_not_go_down(local_plan, cast, beneficiary) -> None:
    project = to_contract(new_project(local_plan, cast["centre"], beneficiary), cast)
    with pytest.raises(ValidationError, match="tỷ lệ"):
        project_record_event(project=project, actor=cast["centre"], action="progress", on=D(2026, 4, 1))
    project_report_progress(project=project, actor=cast["centre"], on=D(2026, 4, 1), percent=M(60))
    with pytest.raises(ValidationError, match="không thể giảm"):
        project_report_progress(project=project, actor=cast["centre"], on=D(2026, 5, 1), percent=M(40))


def test_an_adjustment_keeps_the_previous_version(local_plan, cast, beneficiary) -> None:
    project = to_contract(new_project(local_plan, cast["centre"], beneficiary), cast)
    project_record_event(project=project, actor=cast["centre"], action="adjustment_requested", on=D(2026, 4, 1),
                         note="Giảm quy mô thiết bị")  # fmt: skip
    project_record_event(project=project, actor=cast["committee"], action="adjustment_approved", on=D(2026, 4, 15),
                         amount=M(240_000_000))  # fmt: skip
    project.refresh_from_db()
    assert (project.state, project.support_approved) == (State.CONTRACTED, M(240_000_000))
    before = projects_as_of(Project.objects.filter(pk=project.pk), D(2026, 4, 14))[project.pk]
    assert (before.state, before.support_approved) == (State.ADJUSTMENT_REQUESTED, M(300_000_000))


def test_a_beneficiary_may_ask_to_stop_and_the_committee_decides(local_plan, cast, beneficiary) -> None:
    project = to_contract(new_project(local_plan, cast["centre"], beneficiary), cast)
    representative = make_user("rep", None, Role.FACILITY_REPRESENTATIVE, facility=beneficiary)
    project_record_event(project=project, actor=representative, action="stop_requested", on=D(2026, 4, 1),
                         organization=Organization.objects.get(code="TTKC-15"))  # fmt: skip
    project_record_event(project=project, actor=cast["committee"], action="stopped", on=D(2026, 4, 20))
    project.refresh_from_db()
    assert project.state == State.STOPPED
    with pytest.raises(ValidationError):
        project_report_progress(project=project, actor=cast["centre"], on=D(2026, 5, 1), percent=M(10))


def test_no_payment_before_the_contract(local_plan, cast, beneficiary) -> None:
    project = new_project(local_plan, cast["centre"], beneficiary)
    project_submit(project=project, actor=cast["centre"], on=D(2026, 2, 1))
    with pytest.raises(ValidationError, match="phải có hợp đồng"):
        payment_record(project=project, actor=cast["centre"], on=D(2026, 2, 2), kind="advance", amount=M(1))
    project = to_contract(new_project(local_plan, cast["centre"], beneficiary, code="DA-2"), cast)
    with pytest.raises(ValidationError, match="trước ngày ký hợp đồng"):
        payment_record(project=project, actor=cast["centre"], on=D(2026, 3, 19), kind="advance", amount=M(1))
    assert not Payment.objects.exists()


def test_after_a_stop_only_refunds_and_after_settlement_nothing(local_plan, cast, beneficiary) -> None:
    project = to_contract(new_project(local_plan, cast["centre"], beneficiary, content=ANY_CONTENT), cast)
    payment_record(project=project, actor=cast["centre"], on=D(2026, 3, 25), kind="advance", amount=M(50_000_000))
    project_record_event(project=project, actor=cast["centre"], action="stop_requested", on=D(2026, 4, 1))
    project_record_event(project=project, actor=cast["committee"], action="stopped", on=D(2026, 4, 2))
    with pytest.raises(ValidationError):
        payment_record(project=project, actor=cast["centre"], on=D(2026, 4, 3), kind="payment", amount=M(1))
    payment_record(project=project, actor=cast["centre"], on=D(2026, 4, 3), kind="refund", amount=M(50_000_000))
    with pytest.raises(ValidationError, match="lớn hơn số đã chi"):
        payment_record(project=project, actor=cast["centre"], on=D(2026, 4, 4), kind="refund", amount=M(1))


def test_settlement_happens_once(local_plan, cast, beneficiary) -> None:
    project = to_contract(new_project(local_plan, cast["centre"], beneficiary, content=ANY_CONTENT), cast)
    project_record_event(project=project, actor=cast["centre"], action="accepted", on=D(2026, 9, 1))
    project_record_event(project=project, actor=cast["centre"], action="settled", on=D(2026, 9, 2), amount=M(0))
    with pytest.raises(ValidationError, match="Đã quyết toán"):
        project_record_event(project=project, actor=cast["centre"], action="settled", on=D(2026, 9, 3), amount=M(0))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["advance", "payment", "refund"]), st.integers(1, 200_000_000)), max_size=12))
def test_payments_never_exceed_the_support(local_plan, cast, beneficiary, operations) -> None:
    Project.objects.filter(code="DA-H").delete()
    project = to_contract(new_project(local_plan, cast["centre"], beneficiary, code="DA-H"), cast)
    net = M(0)
    for kind, amount in operations:
        try:
            payment_record(project=project, actor=cast["centre"], on=D(2026, 4, 1), kind=kind, amount=M(amount))
        except ValidationError:
            continue
        net += -amount if kind == "refund" else amount
        assert M(0) <= net <= M(300_000_000)
    recorded = sum((-p.amount if p.kind == "refund" else p.amount) for p in Payment.objects.filter(project=project))
    assert recorded == net


def test_đề_án_are_scoped_like_facilities(local_plan, cast, beneficiary, thainguyen_officer) -> None:
    project = new_project(local_plan, cast["centre"], beneficiary)
    assert project in project_list_for_user(cast["department"])
    assert project in project_list_for_user(cast["cuc"])
    assert project not in project_list_for_user(thainguyen_officer)
