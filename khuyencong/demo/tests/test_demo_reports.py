"""The demo's periodic reports: Yên Bái's six-month report 2022 and Bắc Kạn's 2018, as their Sở sent them in July and
the Cục took them in, entered after the fact through the reporting services; the other provinces of those years show
in the calendar as they stand."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse

from conftest import client_for, make_user
from khuyencong.accounts.models import Role, User
from khuyencong.accounts.services import system_user
from khuyencong.audit.models import AuditEntry
from khuyencong.demo.loading import load_demo_reports
from khuyencong.organizations.models import Organization
from khuyencong.reporting.documents import submission_file
from khuyencong.reporting.models import Notification, Submission, SubmissionAction, SubmissionEvent
from khuyencong.reporting.rules import CalendarStatus, SubmissionState
from khuyencong.reporting.selectors import calendar

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 11, 27)  # the frozen clock of `frozen_clock`


@pytest.fixture
def loaded(yen_bai: None, bac_kan: None, frozen_clock: None, django_capture_on_commit_callbacks: Any) -> int:
    # A Cục officer who would be told of a report sent today (see the first test)
    make_user("cuc", "CUC-CTDP", Role.OFFICER, Role.APPROVER)
    with django_capture_on_commit_callbacks(execute=True):
        return load_demo_reports(actor=system_user())


def report(code: str) -> Submission:
    return Submission.objects.get(organization__code=code, duty__code="sct_half_yearly", period_key="h1")


def test_both_reports_are_sent_and_accepted_on_time_in_july(loaded: int) -> None:
    assert loaded == 2
    yen_bai, bac_kan = report("SCT-YB"), report("SCT-BK")
    assert (yen_bai.year, yen_bai.state, yen_bai.version, yen_bai.current) == (2022, SubmissionState.ACCEPTED, 1, True)
    assert (yen_bai.first_submitted_on, yen_bai.due_on) == (D(2022, 7, 15), D(2022, 7, 20))
    assert (bac_kan.year, bac_kan.state, bac_kan.first_submitted_on) == (2018, SubmissionState.ACCEPTED, D(2018, 7, 12))
    # The sending is the Sở's act and the acceptance the Cục's, on their own days; writing it in is today's
    moves = {e.action: (e.on, e.organization_id) for e in yen_bai.events.all()}
    assert moves[SubmissionAction.SUBMITTED] == (D(2022, 7, 15), Organization.objects.get(code="SCT-YB").pk)
    assert moves[SubmissionAction.ACCEPTED] == (D(2022, 7, 26), Organization.objects.get(code="CUC-CTDP").pk)
    assert moves[SubmissionAction.CREATED][0] == TODAY
    # Entering paper reports of 2018 and 2022 tells nobody anything
    assert not Notification.objects.exists()


def test_the_reports_carry_the_officials_text_and_the_scenarios_figures(loaded: int) -> None:
    yen_bai, bac_kan = report("SCT-YB"), report("SCT-BK")
    assert (yen_bai.number, yen_bai.place, yen_bai.signer_title) == ("112/BC-SCT", "Yên Bái", "Phó Giám đốc")
    assert yen_bai.signer
    assert "7/8 đề án" in yen_bai.highlights
    assert "1.700 triệu đồng" in yen_bai.highlights
    for name in ("highlights", "shortcomings", "solutions", "recommendations", "next_period"):
        assert getattr(yen_bai, name).count("\n") >= 1, name
        assert getattr(bac_kan, name).strip(), name
    assert "Đinh Lâm" in bac_kan.shortcomings
    assert bac_kan.place == "Bắc Kạn"
    # Frozen as the records stood at the period's end: 8 local đề án + 3 with Centre 1 in Yên Bái; 3 + 10 in Bắc Kạn
    assert yen_bai.figures_as_of == D(2022, 6, 30)
    assert yen_bai.figures is not None
    assert yen_bai.figures["breakdown"]["total"]["projects"] == 11
    assert bac_kan.figures is not None
    assert bac_kan.figures["breakdown"]["total"]["support"] == 1_129_000_000
    # Their PDF as sent is laid out by the worker after the load commits; a download lays it out meanwhile
    assert submission_file(yen_bai, "pdf").startswith(b"%PDF")


def test_the_calendar_shows_them_on_time_and_the_other_provinces_late(loaded: int) -> None:
    h1_2022 = {e.organization.code: e for e in calendar(2022, today=TODAY) if e.duty.code == "sct_half_yearly"}
    assert (h1_2022["SCT-YB"].status, h1_2022["SCT-YB"].late) == (CalendarStatus.ACCEPTED, False)
    # Hà Nội's Sở kept its territory through the reform and owed the same report: nothing was entered for it
    assert (h1_2022["SCT-01"].status, h1_2022["SCT-01"].late) == (CalendarStatus.NOT_STARTED, True)
    assert "SCT-BK" in h1_2022  # Bắc Kạn's Sở still existed in 2022 and owed its own
    assert h1_2022["SCT-BK"].late
    h1_2018 = {e.organization.code: e for e in calendar(2018, today=TODAY) if e.duty.code == "sct_half_yearly"}
    assert (h1_2018["SCT-BK"].status, h1_2018["SCT-BK"].late) == (CalendarStatus.ACCEPTED, False)
    assert h1_2018["SCT-YB"].late


def test_loading_twice_adds_nothing(loaded: int) -> None:
    counts = (Submission.objects.count(), SubmissionEvent.objects.count(), AuditEntry.objects.count())
    assert load_demo_reports(actor=system_user()) == 0
    assert (Submission.objects.count(), SubmissionEvent.objects.count(), AuditEntry.objects.count()) == counts


def test_lao_cai_sees_yen_bai_s_report_with_the_days_it_was_sent_and_accepted(loaded: int) -> None:
    # Given Lào Cai's Sở, whose territory holds former Yên Bái
    officer: User = make_user("laocai", "SCT-15", Role.OFFICER)
    page = client_for(officer).get(reverse("reporting:submission", args=[report("SCT-YB").pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Đã tiếp nhận" in text
    assert "gửi ngày 15/07/2022" in text
    assert "26/07/2022" in text
    assert (page.context["may_submit"], page.context["text_form"]) == (False, None)  # locked: no sending, no writing
    # Bắc Kạn's is Thái Nguyên's business, not Lào Cai's
    assert client_for(officer).get(reverse("reporting:submission", args=[report("SCT-BK").pk])).status_code == 404
