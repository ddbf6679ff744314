"""Corrections and history on the đề án page: a void or a correction through the page goes through the same
services, refusals come back as a 400 with their reason and write nothing, and a new đề án opens at registration
or submission unless its past is entered in the "nhập lịch sử" mode."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import client_for, make_user
from khuyencong.accounts.models import Role
from khuyencong.organizations.models import Organization
from khuyencong.projects.models import Payment, Project, ProjectEvent
from khuyencong.projects.services import payment_record, project_report_progress
from khuyencong.projects.tests.test_services import ANY_CONTENT, new_project, to_contract

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

D = datetime.date
M = Decimal


@pytest.fixture
def contracted(local_plan, cast, beneficiary) -> Project:
    return to_contract(new_project(local_plan, cast["centre"], beneficiary, content=ANY_CONTENT), cast)


def void_url(project: Project, kind: str, pk: int) -> str:
    return reverse("projects:void", args=[project.pk, kind, pk])


def test_a_wrong_step_is_voided_on_the_page_and_shown_struck_out(contracted, cast) -> None:
    # Given a progress report typed wrong
    wrong = project_report_progress(project=contracted, actor=cast["centre"], on=D(2026, 6, 30), percent=M(80))
    client = client_for(cast["centre"])
    # When the implementer voids it through the page
    response = client.post(void_url(contracted, "event", wrong.pk), {"reason": "Gõ nhầm"})
    assert response.status_code == 302
    # Then the page shows it struck out, with the reason and who voided it
    page = client.get(reverse("projects:detail", args=[contracted.pk])).content.decode()
    assert "<del><strong>Báo cáo tiến độ</strong>" in page
    assert "Gõ nhầm" in page
    assert "Đã huỷ bỏ ngày 27/11/2026" in page


def test_a_refused_void_answers_400_with_its_reason_and_writes_nothing(contracted, cast) -> None:
    approval = contracted.events.get(action="approved")
    response = client_for(cast["committee"]).post(void_url(contracted, "event", approval.pk), {"reason": "Nhầm"})
    assert response.status_code == 400
    assert "Hãy huỷ các bước" in response.content.decode()
    assert not ProjectEvent.objects.voided().exists()
    # An empty reason is refused the same way
    response = client_for(cast["committee"]).post(void_url(contracted, "event", approval.pk), {"reason": ""})
    assert response.status_code == 400
    assert "Xin ghi lý do huỷ bỏ" in response.content.decode()


def test_only_those_who_may_record_an_entry_may_void_it(contracted, cast) -> None:
    paid = payment_record(project=contracted, actor=cast["centre"], on=D(2026, 4, 1), kind="advance", amount=M(10))
    viewer = make_user("xem15", "SCT-15", Role.VIEWER)
    assert client_for(viewer).post(void_url(contracted, "payment", paid.pk), {"reason": "x"}).status_code == 403
    # Another province's officer does not even see the đề án
    assert (
        client_for(cast["other_centre"]).post(void_url(contracted, "payment", paid.pk), {"reason": "x"}).status_code
        == 404
    )
    assert not Payment.objects.voided().exists()
    # The form is offered only to those who may use it
    page = client_for(viewer).get(reverse("projects:detail", args=[contracted.pk])).content.decode()
    assert "Lý do huỷ bỏ" not in page
    assert (
        client_for(cast["centre"]).post(void_url(contracted, "payment", paid.pk), {"reason": "Ghi trùng"}).status_code
        == 302
    )


def test_an_unknown_kind_or_entry_is_not_found(contracted, cast) -> None:
    client = client_for(cast["centre"])
    assert client.post(void_url(contracted, "plan", 1), {"reason": "x"}).status_code == 404
    assert client.post(void_url(contracted, "event", 999_999), {"reason": "x"}).status_code == 404


def test_a_step_is_corrected_on_the_page(contracted, cast) -> None:
    approval = contracted.events.get(action="approved")
    response = client_for(cast["committee"]).post(
        reverse("projects:correct", args=[contracted.pk, approval.pk]),
        {"reason": "Sai ngày", "on": "02/03/2026", "amount": "300.000.000", "document": "55/QĐ-UBND"},
    )
    assert response.status_code == 302
    corrected = contracted.events.get(action="approved", voided_at__isnull=True)
    assert corrected.on == D(2026, 3, 2)
    assert corrected.document == "55/QĐ-UBND"
    # A correction the timeline refuses comes back with its reason
    response = client_for(cast["committee"]).post(
        reverse("projects:correct", args=[contracted.pk, corrected.pk]),
        {"reason": "Giảm", "on": "02/03/2026", "amount": "1", "document": "55/QĐ-UBND"},
    )
    assert response.status_code == 400
    assert "vượt kinh phí hỗ trợ được duyệt" in response.content.decode()


def test_a_new_đề_án_opens_at_registration_or_submission(local_plan, cast, beneficiary) -> None:
    project = new_project(local_plan, cast["centre"], beneficiary)
    client = client_for(cast["department"])
    offered = client.get(reverse("projects:detail", args=[project.pk])).context["event_form"]
    assert {value for value, _ in offered.fields["action"].choices} == {"registered"}
    centre = client_for(cast["centre"]).get(reverse("projects:detail", args=[project.pk])).context["event_form"]
    assert {value for value, _ in centre.fields["action"].choices} == {"registered", "submitted_for_appraisal"}


def test_a_past_is_entered_in_history_mode_in_the_name_of_the_body_that_acted(local_plan, cast, beneficiary) -> None:
    project = new_project(local_plan, cast["centre"], beneficiary)
    client = client_for(cast["department"])
    # When the Sở enters the UBND's approval of last spring, with its decision number
    response = client.post(reverse("projects:history", args=[project.pk]), {
        "history-action": "approved", "history-organization": Organization.objects.get(code="UBND-15").pk,
        "history-on": "01/03/2026", "history-amount": "300.000.000", "history-document": "55/QĐ-UBND",
    })  # fmt: skip
    # Then it is recorded in the UBND's name, by the Sở officer who typed it
    assert response.status_code == 302
    event = project.events.get()
    assert event.organization.code == "UBND-15"
    assert event.actor == cast["department"]
    # But a body without the authority for the step is refused, and a decision needs its number
    refused = client.post(reverse("projects:history", args=[project.pk]), {
        "history-action": "assigned", "history-organization": Organization.objects.get(code="TTKC-15").pk,
        "history-on": "05/03/2026",
    })  # fmt: skip
    assert refused.status_code == 400
    assert "không có thẩm quyền" in refused.content.decode()
    no_number = client.post(reverse("projects:history", args=[project.pk]), {
        "history-action": "rejected", "history-organization": Organization.objects.get(code="UBND-15").pk,
        "history-on": "05/03/2026",
    })  # fmt: skip
    assert no_number.status_code == 400
    assert project.events.count() == 1


def test_history_mode_is_for_those_who_work_on_the_territory(local_plan, cast, beneficiary) -> None:
    project = new_project(local_plan, cast["centre"], beneficiary)
    viewer = make_user("xem15", "SCT-15", Role.VIEWER)
    assert client_for(viewer).get(reverse("projects:detail", args=[project.pk])).context["history_form"] is None
    data = {"history-action": "registered", "history-organization": project.implementer_id, "history-on": "01/02/2026"}
    assert client_for(viewer).post(reverse("projects:history", args=[project.pk]), data).status_code == 403
    assert not project.events.exists()
