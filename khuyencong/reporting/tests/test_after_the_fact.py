"""A report sent or reviewed on paper, entered after the fact: by the body itself with the day it was sent, or in the
name of the body that acted, by someone allowed to write in others' names — and that body must be the one whose act
it is. What the body needs to correct a returned report is on its page."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import client_for, make_user
from khuyencong.accounts.models import Role, User
from khuyencong.accounts.services import system_user
from khuyencong.audit.models import AuditEntry
from khuyencong.core.refusals import Refused
from khuyencong.organizations.models import Organization
from khuyencong.reporting.models import Notification, ReportingDuty, Submission, SubmissionAction
from khuyencong.reporting.rules import SubmissionState
from khuyencong.reporting.services import (
    submission_accept,
    submission_edit,
    submission_open,
    submission_return,
    submission_submit,
)

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def clock() -> Iterator[None]:
    with time_machine.travel(datetime.datetime(2026, 7, 10, 3, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def people(clock: None) -> dict[str, User]:
    return {
        "sct": make_user("sct15", "SCT-15", Role.OFFICER),
        "cuc": make_user("cuc", "CUC-CTDP", Role.OFFICER, Role.APPROVER),
        "system": system_user(),
    }


def org(code: str) -> Organization:
    return Organization.objects.get(code=code)


def draft(
    people: dict[str, User],
    body: str = "SCT-15",
    year: int = 2026,
    by: str = "system",
    *,
    duty: str = "sct_half_yearly",
    period: str = "h1",
) -> Submission:
    """Opened and written in today (by the system account, as an import or a demo load does, unless said)."""
    report = submission_open(actor=people[by], duty=ReportingDuty.objects.get(code=duty),
                             organization=org(body), year=year, period_key=period)  # fmt: skip
    return submission_edit(actor=people[by], submission=report, signer="Nguyễn Văn A", signer_title="Giám đốc")


def code_of(error: pytest.ExceptionInfo[ValidationError], field: str) -> str | None:
    return error.value.error_dict[field][0].code


class TestTheBodyEntersItsOwnPaperReport:
    def test_opened_and_written_today_it_is_sent_on_the_day_it_was(self, people: dict[str, User]) -> None:
        # Given the Sở opens and writes in today (10/07) a report it sent on paper on 03/07
        report = draft(people, by="sct")
        # When it enters the sending with that day
        sent = submission_submit(actor=people["sct"], submission=report, on=D(2026, 7, 3))
        # Then the report was sent on 03/07, by the Sở, with the figures at the period's end
        assert (sent.state, sent.first_submitted_on, sent.figures_as_of) == (
            SubmissionState.SUBMITTED,
            D(2026, 7, 3),
            D(2026, 6, 30),
        )
        event = sent.events.get(action=SubmissionAction.SUBMITTED)
        assert (event.on, event.organization) == (D(2026, 7, 3), org("SCT-15"))

    def test_a_review_cannot_precede_the_sending_nor_lie_in_the_future(self, people: dict[str, User]) -> None:
        sent = submission_submit(actor=people["sct"], submission=draft(people, by="sct"), on=D(2026, 7, 3))
        with pytest.raises(ValidationError) as refused:
            submission_return(actor=people["cuc"], submission=sent, comment="Bổ sung.", on=D(2026, 7, 2))
        assert code_of(refused, "on") == "out_of_order"
        with pytest.raises(ValidationError) as refused:
            submission_accept(actor=people["cuc"], submission=sent, on=D(2026, 7, 11))
        assert code_of(refused, "on") == "future_date"
        assert submission_accept(actor=people["cuc"], submission=sent, on=D(2026, 7, 3)).state == "accepted"


class TestInAnotherBodysName:
    def test_the_system_account_enters_the_sending_and_the_acceptance_in_the_bodies_names(
        self, people: dict[str, User], django_capture_on_commit_callbacks: Any
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            sent = submission_submit(actor=people["system"], submission=draft(people), on=D(2026, 7, 6),
                                     by=org("SCT-15"))  # fmt: skip
            accepted = submission_accept(actor=people["system"], submission=sent, on=D(2026, 7, 8),
                                         by=org("CUC-CTDP"), comment="Đạt.")  # fmt: skip
        events = {e.action: e for e in accepted.events.all()}
        assert (events[SubmissionAction.SUBMITTED].organization, events[SubmissionAction.SUBMITTED].on) == (
            org("SCT-15"),
            D(2026, 7, 6),
        )
        assert (events[SubmissionAction.ACCEPTED].organization, events[SubmissionAction.ACCEPTED].on) == (
            org("CUC-CTDP"),
            D(2026, 7, 8),
        )
        assert events[SubmissionAction.ACCEPTED].actor == people["system"]
        # The audit log says who typed it and in whose name
        notes = set(AuditEntry.objects.filter(actor=people["system"]).values_list("note", flat=True))
        assert {"Thay mặt Sở Công Thương tỉnh Lào Cai, việc ngày 06/07/2026."} <= notes
        assert any(note.startswith("Thay mặt Cục") and note.endswith("việc ngày 08/07/2026.") for note in notes)
        # The paper reached the Cục then: nobody is told now
        assert not Notification.objects.exists()

    def test_the_body_named_must_be_the_one_whose_act_it_is(self, people: dict[str, User]) -> None:
        report = draft(people)
        with pytest.raises(ValidationError) as refused:
            submission_submit(actor=people["system"], submission=report, on=D(2026, 7, 6), by=org("SCT-19"))
        assert code_of(refused, "by") == "authority_denied"
        with pytest.raises(ValidationError) as refused:
            submission_submit(actor=people["system"], submission=report, by=org("SCT-15"))
        assert code_of(refused, "on") == "date_required"
        sent = submission_submit(actor=people["system"], submission=report, on=D(2026, 7, 6), by=org("SCT-15"))
        # Neither another province's Sở, nor a national centre, nor the Sở itself takes its own report in
        for body in ("SCT-19", "TTKC1", "SCT-15"):
            with pytest.raises(ValidationError) as refused:
                submission_accept(actor=people["system"], submission=sent, on=D(2026, 7, 8), by=org(body))
            assert code_of(refused, "by") == "authority_denied"
        assert Submission.objects.get().state == SubmissionState.SUBMITTED

    def test_only_someone_allowed_to_write_in_others_names_may_and_within_their_territory(
        self, people: dict[str, User]
    ) -> None:
        sent = submission_submit(actor=people["sct"], submission=draft(people, by="sct"), on=D(2026, 7, 6))
        # The Sở itself may not enter the Cục's acceptance of its own report
        with pytest.raises(Refused):
            submission_accept(actor=people["sct"], submission=sent, on=D(2026, 7, 8), by=org("CUC-CTDP"))
        # Someone holding the right to import in others' names, but in Thái Nguyên, may not either
        importer = make_user("sct19", "SCT-19", Role.OFFICER)
        importer.user_permissions.add(Permission.objects.get(codename="import_for_named_organizations"))
        importer = User.objects.get(pk=importer.pk)
        with pytest.raises(Refused):
            submission_accept(actor=importer, submission=sent, on=D(2026, 7, 8), by=org("CUC-CTDP"))
        assert Submission.objects.get().state == SubmissionState.SUBMITTED

    def test_a_body_that_no_longer_exists_sends_nothing_after_its_last_day(
        self, people: dict[str, User], yen_bai: None
    ) -> None:
        # Yên Bái's Sở owed its first quarter of 2025 (due 20/04) but was merged into Lào Cai's on 01/07/2025
        report = draft(people, body="SCT-YB", year=2025, duty="sct_quarterly", period="q1")
        with pytest.raises(ValidationError) as refused:
            submission_submit(actor=people["system"], submission=report, on=D(2025, 7, 15), by=org("SCT-YB"))
        assert code_of(refused, "by") == "organization_dissolved"
        sent = submission_submit(actor=people["system"], submission=report, on=D(2025, 4, 15), by=org("SCT-YB"))
        assert sent.first_submitted_on == D(2025, 4, 15)


class TestPagesAndMessages:
    def test_a_year_out_of_range_is_refused_in_vietnamese(self, people: dict[str, User]) -> None:
        response = client_for(people["sct"]).post(reverse("reporting:open"), {"duty": "sct_half_yearly",
                                                  "organization": "SCT-15", "year": "99999", "period": "h1"},
                                                  follow=True)  # fmt: skip
        assert response.status_code == 200
        assert "Năm 99999 không hợp lệ" in response.content.decode()
        assert not Submission.objects.exists()

    def test_the_overview_says_whose_report_and_which_period(self, people: dict[str, User]) -> None:
        # Two quarterly duties (the Sở's and the UBND tỉnh's) used to read alike: "Báo cáo quý …"
        page = client_for(people["cuc"]).get(reverse("reporting:calendar"))
        rounds = [(r.duty.get_body_kind_display(), r.label) for r in page.context["rounds"]]
        assert ("Sở Công Thương", "quý I năm 2026") in rounds
        assert ("UBND tỉnh", "quý I năm 2026") in rounds
        text = page.content.decode()
        assert '<span class="muted">Sở Công Thương</span>' in text
        assert '<span class="muted">UBND tỉnh</span>' in text
        # and so do the duties offered for the matrix
        offered = dict(page.context["form"].fields["duty"].choices)
        assert offered["ubnd_quarterly"].endswith("(UBND tỉnh)")

    def test_the_compilation_offers_the_duty_s_periods_by_name(self, people: dict[str, User]) -> None:
        client = client_for(people["cuc"])
        page = client.get(reverse("reporting:compilation"), {"duty": "sct_quarterly", "year": "2026", "period": "q2"})
        assert page.context["periods"][0] == ("q1", "quý I năm 2026")
        assert '<option value="q2" selected>quý II năm 2026</option>' in page.content.decode()
        # A period the duty does not have falls back to its first
        page = client.get(reverse("reporting:compilation"), {"duty": "sct_quarterly", "year": "2026", "period": "h1"})
        assert page.context["summary"]["period"] == "q1"

    def test_the_notification_names_the_period_in_words(
        self, people: dict[str, User], django_capture_on_commit_callbacks: Any
    ) -> None:
        sent = submission_submit(actor=people["sct"], submission=draft(people, by="sct"))
        with django_capture_on_commit_callbacks(execute=True):
            submission_return(actor=people["cuc"], submission=sent, comment="Bổ sung.")
        note = Notification.objects.get(user=people["sct"])
        assert note.message == (
            "«Báo cáo 6 tháng tình hình thực hiện khuyến công» 6 tháng đầu năm 2026 đã bị trả lại: Bổ sung."
        )


class TestTheReturnedReportPage:
    def test_the_body_sees_why_and_the_history_shows_the_days_acts_took_effect(self, people: dict[str, User]) -> None:
        sent = submission_submit(actor=people["sct"], submission=draft(people, by="sct"), on=D(2026, 7, 3))
        submission_return(actor=people["cuc"], submission=sent, comment="Bổ sung phần kiến nghị.")
        page = client_for(people["sct"]).get(reverse("reporting:submission", args=[sent.pk]))
        text = page.content.decode()
        assert "Báo cáo bị trả lại</strong> ngày 10/07/2026" in text
        assert "Ý kiến: Bổ sung phần kiến nghị." in text
        assert "Sửa nội dung theo ý kiến trên, lưu, rồi gửi lại." in text
        # The sending happened on 03/07 and was written in on 10/07
        assert "03/07/2026 · Gửi báo cáo" in text
        assert "ghi vào hệ thống lúc 10/07/2026" in text
        # The Cục sees the reason too, but not the invitation to correct
        text = client_for(people["cuc"]).get(reverse("reporting:submission", args=[sent.pk])).content.decode()
        assert "Ý kiến: Bổ sung phần kiến nghị." in text
        assert "rồi gửi lại" not in text
