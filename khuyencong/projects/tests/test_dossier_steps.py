"""The dossier at each step (Circular 36/2013/TT-BCT Art. 13–16, Phụ lục 2 and 4): a step whose documents are missing
is refused with the list of what is missing and writes nothing; attached, it goes; the page shows the checklist; the
advance rules hold through the payment service; counterpart vouchers are declared, voided and summed."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import client_for
from khuyencong.accounts.models import User
from khuyencong.audit.models import AuditEntry
from khuyencong.core.refusals import codes_of
from khuyencong.facilities.models import Facility
from khuyencong.organizations.models import Organization
from khuyencong.programs.models import Plan
from khuyencong.projects.documents import document_attach, document_void
from khuyencong.projects.models import CounterpartVoucher, DocumentKind, Payment, Project, ProjectContent
from khuyencong.projects.selectors import counterpart_total, document_checklist
from khuyencong.projects.services import (
    counterpart_record,
    counterpart_void,
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
SUPPORT = M(100_000_000)


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture(autouse=True)
def clock() -> object:
    with time_machine.travel(datetime.datetime(2026, 11, 27, 9, 0, tzinfo=datetime.UTC), tick=False):
        yield


def contracted(plan: Plan, cast: dict[str, User], beneficiary: Facility, content: str) -> Project:
    project = project_create(
        actor=cast["centre"], code=f"DA-{content}", title="Đề án thử", plan=plan,
        content=ProjectContent.objects.get(code=content), kind="facility",
        implementer=Organization.objects.get(code="TTKC-15"), beneficiaries=[beneficiary],
        total_cost=M(300_000_000), support_requested=SUPPORT,
    )  # fmt: skip
    project_submit(project=project, actor=cast["centre"], on=D(2026, 2, 1), amount=SUPPORT)
    project_record_event(
        project=project, actor=cast["department"], action="appraisal_passed", on=D(2026, 2, 10), amount=SUPPORT
    )
    project_approve(project=project, actor=cast["committee"], on=D(2026, 3, 1), amount=SUPPORT)
    project_record_event(project=project, actor=cast["department"], action="assigned", on=D(2026, 3, 5))
    project_sign_contract(project=project, actor=cast["centre"], on=D(2026, 3, 20), amount=SUPPORT)
    project.refresh_from_db()
    return project


def attach(project: Project, actor: User, kind: str) -> None:
    document_attach(project=project, actor=actor, upload=SimpleUploadedFile("a.pdf", PDF), title="", kind=kind)


def test_a_training_acceptance_without_its_documents_is_refused_naming_each_one(local_plan, cast, beneficiary) -> None:
    project = contracted(local_plan, cast, beneficiary, "vocational_training")
    with pytest.raises(ValidationError) as refused:
        project_record_event(project=project, actor=cast["centre"], action="accepted", on=D(2026, 9, 1))
    assert codes_of(refused.value) == {"action": ["documents_missing"]}
    message = refused.value.messages[0]
    assert str(DocumentKind.TRAINEES.label) in message
    assert str(DocumentKind.EMPLOYMENT.label) in message
    assert "Điều 14" in message
    project.refresh_from_db()
    assert project.state == State.CONTRACTED
    assert project.events.count() == 5

    # Given the trainee list only, the employment confirmations are still missing.
    attach(project, cast["centre"], DocumentKind.TRAINEES)
    with pytest.raises(ValidationError) as still:
        project_record_event(project=project, actor=cast["centre"], action="accepted", on=D(2026, 9, 1))
    assert str(DocumentKind.EMPLOYMENT.label) in still.value.messages[0]
    assert str(DocumentKind.TRAINEES.label) not in still.value.messages[0]

    attach(project, cast["centre"], DocumentKind.EMPLOYMENT)
    project_record_event(project=project, actor=cast["centre"], action="accepted", on=D(2026, 9, 1))
    project.refresh_from_db()
    assert project.state == State.ACCEPTED


def test_a_voided_document_does_not_count(local_plan, cast, beneficiary) -> None:
    project = contracted(local_plan, cast, beneficiary, "management_training")
    attach(project, cast["centre"], DocumentKind.TRAINEES)
    document_void(project=project, document=project.documents.get(), actor=cast["centre"], reason="Nhầm tệp")
    with pytest.raises(ValidationError, match="Danh sách học viên"):
        project_record_event(project=project, actor=cast["centre"], action="accepted", on=D(2026, 9, 1))


def test_a_machinery_advance_needs_the_investment_invoices_and_more_than_70_percent(
    local_plan, cast, beneficiary
) -> None:
    project = contracted(local_plan, cast, beneficiary, "machinery_application")
    project_report_progress(project=project, actor=cast["centre"], on=D(2026, 5, 1), percent=M(71))
    with pytest.raises(ValidationError) as refused:
        payment_record(project=project, actor=cast["centre"], on=D(2026, 5, 2), kind="advance", amount=M(70_000_000))
    assert codes_of(refused.value) == {"kind": ["documents_missing"]}
    assert "Hoá đơn" in refused.value.messages[0]
    attach(project, cast["centre"], DocumentKind.INVESTMENT)
    payment_record(project=project, actor=cast["centre"], on=D(2026, 5, 2), kind="advance", amount=M(70_000_000))
    assert Payment.objects.filter(project=project).count() == 1


@pytest.mark.parametrize(("done", "code"), [(69, "advance_condition"), (70, "advance_condition"), (71, None)])
def test_the_payment_service_holds_the_70_percent_boundary(local_plan, cast, beneficiary, done, code) -> None:
    project = contracted(local_plan, cast, beneficiary, "demonstration_model")
    attach(project, cast["centre"], DocumentKind.INVESTMENT)
    project_report_progress(project=project, actor=cast["centre"], on=D(2026, 5, 1), percent=M(done))
    if code is None:
        payment_record(project=project, actor=cast["centre"], on=D(2026, 5, 2), kind="advance", amount=M(1))
        return
    with pytest.raises(ValidationError) as refused:
        payment_record(project=project, actor=cast["centre"], on=D(2026, 5, 2), kind="advance", amount=M(1))
    assert codes_of(refused.value) == {"kind": [code]}
    assert "Điều 13" in refused.value.messages[0]
    assert not Payment.objects.filter(project=project).exists()


def test_voiding_the_progress_an_advance_relied_on_is_refused(local_plan, cast, beneficiary) -> None:
    from khuyencong.projects.services import project_void_event

    project = contracted(local_plan, cast, beneficiary, "technology_line")
    attach(project, cast["centre"], DocumentKind.INVESTMENT)
    report = project_report_progress(project=project, actor=cast["centre"], on=D(2026, 5, 1), percent=M(80))
    payment_record(project=project, actor=cast["centre"], on=D(2026, 5, 2), kind="advance", amount=M(70_000_000))
    with pytest.raises(ValidationError) as refused:
        project_void_event(project=project, event=report, actor=cast["centre"], reason="Nhập nhầm tỷ lệ")
    assert codes_of(refused.value) == {"voided": ["correction_breaks_history"]}


def test_a_training_advance_above_70_percent_is_refused_in_the_service(local_plan, cast, beneficiary) -> None:
    project = contracted(local_plan, cast, beneficiary, "vocational_training")
    payment_record(project=project, actor=cast["centre"], on=D(2026, 3, 25), kind="advance", amount=M(70_000_000))
    with pytest.raises(ValidationError) as refused:
        payment_record(project=project, actor=cast["centre"], on=D(2026, 3, 26), kind="payment", amount=M(1))
    assert codes_of(refused.value) == {"amount": ["advance_above_rate"]}


def test_history_entered_after_the_fact_is_not_held_to_the_files(local_plan, cast, beneficiary, system_actor) -> None:
    """The paper dossier of a step taken before the đề án came into the system is not here; the checklist says so."""
    project = project_create(
        actor=cast["centre"], code="DA-HIST", title="Đào tạo nghề", plan=local_plan,
        content=ProjectContent.objects.get(code="vocational_training"), kind="facility",
        implementer=Organization.objects.get(code="TTKC-15"), beneficiaries=[beneficiary],
    )  # fmt: skip
    centre = Organization.objects.get(code="TTKC-15")
    project_record_event(project=project, actor=system_actor, action="contract_signed", on=D(2026, 3, 20),
                         organization=centre, transcribed=True)  # fmt: skip
    project_record_event(project=project, actor=system_actor, action="accepted", on=D(2026, 9, 1),
                         organization=centre, transcribed=True)  # fmt: skip
    rows = document_checklist(project)
    assert {(r.kind, r.attached, r.step_taken) for r in rows} == {
        (str(DocumentKind.TRAINEES.label), False, True), (str(DocumentKind.EMPLOYMENT.label), False, True)
    }  # fmt: skip


def test_the_page_shows_the_checklist_and_what_is_attached(local_plan, cast, beneficiary) -> None:
    project = contracted(local_plan, cast, beneficiary, "vocational_training")
    attach(project, cast["centre"], DocumentKind.TRAINEES)
    page = client_for(cast["centre"]).get(reverse("projects:detail", args=[project.pk])).content.decode()
    checklist = page[page.index('id="checklist"') :]
    checklist = checklist[: checklist.index("</section>")]
    assert "Danh sách học viên có chữ ký" in checklist
    assert "Đã đính kèm" in checklist
    assert "Xác nhận việc làm" in checklist
    assert "Còn thiếu" in checklist
    # On a phone each row stacks, every cell after the step saying what it is (a four-column table left the
    # document's name 50 px)
    assert '<table class="data responsive">' in checklist
    assert 'data-label="Tài liệu">Danh sách học viên có chữ ký' in checklist


def test_the_refusal_on_the_page_lists_what_is_missing(local_plan, cast, beneficiary) -> None:
    project = contracted(local_plan, cast, beneficiary, "trade_fair")
    response = client_for(cast["centre"]).post(
        reverse("projects:act", args=[project.pk]),
        {"event-action": "accepted", "event-on": "01/09/2026"},
    )
    assert response.status_code == 400
    assert "Hợp đồng thuê gian hàng có xác nhận của Sở Công Thương" in response.content.decode()


def test_the_step_list_says_which_steps_wait_for_documents_before_they_are_sent(local_plan, cast, beneficiary) -> None:
    # given a contracted trade-fair đề án whose acceptance waits for the booth contract
    project = contracted(local_plan, cast, beneficiary, "trade_fair")
    response = client_for(cast["centre"]).get(reverse("projects:detail", args=[project.pk]))
    # then acceptance is offered marked as waiting, and the form says for what, before anything is sent
    labels = dict(response.context["event_form"].fields["action"].choices)
    assert str(labels["accepted"]) == "Nghiệm thu (còn thiếu tài liệu)"
    assert str(labels["progress"]) == "Báo cáo tiến độ"
    hint = response.content.decode()
    hint = hint[hint.index('id="thieu-tai-lieu"') :]
    assert "Hợp đồng thuê gian hàng có xác nhận của Sở Công Thương" in hint[: hint.index("</div>")]
    # and once it is attached, nothing waits
    attach(project, cast["centre"], DocumentKind.BOOTH)
    response = client_for(cast["centre"]).get(reverse("projects:detail", args=[project.pk]))
    assert str(dict(response.context["event_form"].fields["action"].choices)["accepted"]) == "Nghiệm thu"
    assert 'id="thieu-tai-lieu"' not in response.content.decode()


# --- Counterpart funds ---------------------------------------------------------------------------------------------


def test_counterpart_vouchers_are_declared_summed_by_date_and_voided(local_plan, cast, beneficiary) -> None:
    project = contracted(local_plan, cast, beneficiary, "consulting")
    counterpart_record(project=project, actor=cast["centre"], on=D(2026, 4, 1), amount=M(20_000_000), document="PC-01")
    second = counterpart_record(project=project, actor=cast["centre"], on=D(2026, 6, 1), amount=M(5_000_000),
                                document="PC-02", description="Nhà xưởng")  # fmt: skip
    assert counterpart_total(project) == M(25_000_000)
    assert counterpart_total(project, on=D(2026, 5, 1)) == M(20_000_000)
    counterpart_void(project=project, voucher=second, actor=cast["centre"], reason="Trùng chứng từ")
    assert counterpart_total(project) == M(20_000_000)
    assert CounterpartVoucher.objects.filter(project=project).count() == 2
    assert AuditEntry.objects.filter(object_id=str(second.pk)).count() == 2


@pytest.mark.parametrize(
    ("amount", "document", "on", "code"),
    [(M(0), "PC", D(2026, 4, 1), "amount_not_positive"), (M(1), " ", D(2026, 4, 1), "document_required"),
     (M(1), "PC", D(2027, 1, 1), "future_date")],
)  # fmt: skip
def test_bad_counterpart_vouchers_are_refused(local_plan, cast, beneficiary, amount, document, on, code) -> None:
    project = contracted(local_plan, cast, beneficiary, "consulting")
    with pytest.raises(ValidationError) as refused:
        counterpart_record(project=project, actor=cast["centre"], on=on, amount=amount, document=document)
    assert code in [c for codes in codes_of(refused.value).values() for c in codes]
    assert not CounterpartVoucher.objects.exists()


def test_only_those_who_keep_the_vouchers_declare_counterpart(local_plan, cast, beneficiary) -> None:
    project = contracted(local_plan, cast, beneficiary, "consulting")
    with pytest.raises(PermissionDenied):
        counterpart_record(project=project, actor=cast["other_centre"], on=D(2026, 4, 1), amount=M(1), document="X")
    response = client_for(cast["other_centre"]).post(
        reverse("projects:counterpart", args=[project.pk]),
        {"counterpart-on": "01/04/2026", "counterpart-amount": "1", "counterpart-document": "X"},
    )
    assert response.status_code == 404
    assert not CounterpartVoucher.objects.exists()


def test_the_page_shows_counterpart_beside_the_support(local_plan, cast, beneficiary) -> None:
    project = contracted(local_plan, cast, beneficiary, "consulting")
    client = client_for(cast["centre"])
    response = client.post(
        reverse("projects:counterpart", args=[project.pk]),
        {"counterpart-on": "01/04/2026", "counterpart-amount": "12.500.000", "counterpart-document": "PC-07"},
    )
    assert response.status_code == 302
    page = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert '<dd id="counterpart-evidenced">12.500.000</dd>' in page
    assert "PC-07" in page
    bad = client.post(reverse("projects:counterpart", args=[project.pk]), {"counterpart-on": "hôm qua"})
    assert bad.status_code == 400


def test_an_advance_paid_on_paper_before_the_system_is_recorded_not_judged(local_plan, cast, beneficiary) -> None:
    # Given a machinery đề án whose advance was paid on paper, without its progress or invoices in the system
    project = contracted(local_plan, cast, beneficiary, "machinery_application")
    payment_record(project=project, actor=cast["centre"], on=D(2026, 4, 2), kind="advance", amount=M(30_000_000),
                   transcribed=True)  # fmt: skip
    # Then it is on record, and later live steps are not blocked by it
    project_report_progress(project=project, actor=cast["centre"], on=D(2026, 5, 1), percent=M(40))
    assert Payment.objects.get(project=project).transcribed
    # But an advance entered live is judged in full: 40% done is not above 70%
    attach(project, cast["centre"], DocumentKind.INVESTMENT)
    with pytest.raises(ValidationError) as refused:
        payment_record(project=project, actor=cast["centre"], on=D(2026, 5, 2), kind="advance", amount=M(1_000_000))
    assert codes_of(refused.value) == {"kind": ["advance_condition"]}
    # And the paper advance counts toward the 70% ceiling of what may be advanced before acceptance
    project_report_progress(project=project, actor=cast["centre"], on=D(2026, 6, 1), percent=M(75))
    with pytest.raises(ValidationError) as above:
        payment_record(project=project, actor=cast["centre"], on=D(2026, 6, 2), kind="advance", amount=M(45_000_000))
    assert codes_of(above.value) == {"amount": ["advance_above_rate"]}
    payment_record(project=project, actor=cast["centre"], on=D(2026, 6, 2), kind="advance", amount=M(40_000_000))
