"""The periodic reporting regime as a Sở, its centre and the Cục live it: the calendar; a report drafted, sent,
returned, sent again and accepted; figures frozen when sent and the difference when records change; versions;
compilation; reminders; documents; and the boundary of who may do what."""

from __future__ import annotations

import datetime
import html
import io
import json
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from docx import Document as WordDocument
from pypdf import PdfReader

from conftest import chose_english, client_for, make_user
from khuyencong.accounts.models import Role, User
from khuyencong.accounts.services import system_user
from khuyencong.core.refusals import Refused
from khuyencong.exchange.importer import exchange_import
from khuyencong.facilities.models import Facility
from khuyencong.organizations.models import Organization
from khuyencong.projects.models import Project
from khuyencong.projects.services import payment_record
from khuyencong.reporting.documents import submission_file
from khuyencong.reporting.loading import load_duties
from khuyencong.reporting.models import Notification, ReportingDuty, Submission, SubmissionAction, SubmissionEvent
from khuyencong.reporting.notify import send_reminders
from khuyencong.reporting.rules import CalendarStatus, SubmissionState
from khuyencong.reporting.selectors import calendar, compilation, figure_changes, live_key_figures
from khuyencong.reporting.services import (
    submission_accept,
    submission_attach,
    submission_edit,
    submission_new_version,
    submission_open,
    submission_return,
    submission_submit,
)
from khuyencong.reports.periods import Period

pytestmark = pytest.mark.django_db

D = datetime.date
JULY_10 = datetime.datetime(2026, 7, 10, 3, 0, tzinfo=datetime.UTC)
PLACE = {"province": "Lào Cai", "as_of": "2026-01-01"}

LAO_CAI = {
    "format": "khuyencong-exchange",
    "version": 1,
    "facilities": [
        {"code": "LC-1", "name": "HTX Chè Bảo Thắng", "legal_form": "cooperative", "place": PLACE, "women_owned": True},
    ],
    "plans": [
        {"code": "KCDP-LC-2026", "year": 2026, "funding_source": "provincial", "owner": "UBND-15",
         "budget": [{"on": "2026-01-10", "kind": "original", "amount": 2_000_000_000}]},
    ],
    "projects": [
        # Consulting: its first advance (70%) comes after the contract (Circular 36/2013 Art. 13), as the tests pay it.
        {"code": "LC-2026-1", "title": "Tư vấn sản xuất chè", "plan": "KCDP-LC-2026", "content": "consulting",
         "kind": "facility", "round": 1, "implementer": "TTKC-15", "beneficiaries": ["LC-1"],
         "total_cost": 600_000_000, "support_requested": 200_000_000, "counterpart": 400_000_000,
         "events": [{"on": "2026-03-01", "action": "approved", "by": "UBND-15", "amount": 200_000_000},
                    {"on": "2026-03-05", "action": "assigned", "by": "UBND-15"},
                    {"on": "2026-03-20", "action": "contract_signed", "by": "TTKC-15", "amount": 200_000_000}]},
    ],
}  # fmt: skip


@pytest.fixture
def clock() -> Iterator[None]:
    with time_machine.travel(JULY_10, tick=False):
        yield


@pytest.fixture
def people(db: None) -> dict[str, User]:
    return {
        "sct": make_user("sct15", "SCT-15", Role.OFFICER),
        "centre": make_user("ttkc15", "TTKC-15", Role.OFFICER),
        "viewer": make_user("viewer15", "SCT-15", Role.VIEWER),
        "cuc": make_user("cuc", "CUC-CTDP", Role.OFFICER, Role.APPROVER),
        "other": make_user("sct19", "SCT-19", Role.OFFICER),
        "ministry": make_user("bct", "BCT", Role.OFFICER),
    }


@pytest.fixture
def records(clock: None, db: None) -> None:
    report = exchange_import(LAO_CAI, actor=system_user())
    assert report.ok, [str(e) for e in report.errors]


def half_year() -> ReportingDuty:
    return ReportingDuty.objects.get(code="sct_half_yearly")


def sct() -> Organization:
    return Organization.objects.get(code="SCT-15")


def opened(people: dict[str, User], *, by: str = "sct") -> Submission:
    return submission_open(actor=people[by], duty=half_year(), organization=sct(), year=2026, period_key="h1")


def written(people: dict[str, User]) -> Submission:
    return submission_edit(
        actor=people["sct"], submission=opened(people), number="125/BC-SCT", signer="Nguyễn Văn A",
        signer_title="Giám đốc", highlights="Hỗ trợ 1 đề án máy sao chè.\nHoàn thành ký hợp đồng.",
        next_period="Nghiệm thu đề án trong quý III.",
    )  # fmt: skip


class TestDuties:
    def test_the_national_duties_come_with_their_legal_basis(self) -> None:
        assert ReportingDuty.objects.count() >= 8
        assert not ReportingDuty.objects.filter(legal_basis="").exists()
        monthly = ReportingDuty.objects.get(code="ttkcqg_monthly")
        assert (monthly.due_day, monthly.due_months_after) == (25, 0)
        assert "Điều 22" in monthly.legal_basis

    def test_loading_twice_changes_nothing(self) -> None:
        before = list(ReportingDuty.objects.order_by("code").values())
        load_duties()
        assert list(ReportingDuty.objects.order_by("code").values()) == before


class TestCalendar:
    def test_a_sct_owes_quarterly_half_yearly_and_yearly_reports(self, clock: None) -> None:
        entries = [e for e in calendar(2026, today=D(2026, 7, 10)) if e.organization.code == "SCT-15"]
        assert sorted((e.duty.code, e.period_key) for e in entries) == sorted(
            [("sct_quarterly", q) for q in ("q1", "q2", "q3", "q4")] + [("sct_half_yearly", "h1"),
                                                                         ("sct_yearly", "y")]
        )  # fmt: skip
        h1 = next(e for e in entries if e.period_key == "h1")
        assert (h1.due_on, h1.status, h1.late) == (D(2026, 7, 20), CalendarStatus.NOT_STARTED, False)
        q1 = next(e for e in entries if e.period_key == "q1")
        assert (q1.due_on, q1.late) == (D(2026, 4, 20), True)

    def test_the_ubnd_and_the_national_centres_have_their_own(self) -> None:
        entries = calendar(2026, today=D(2026, 7, 10))
        assert {e.duty.code for e in entries if e.organization.code == "UBND-15"} == {"ubnd_quarterly"}
        monthly = [e for e in entries if e.organization.code == "TTKC1" and e.duty.code == "ttkcqg_monthly"]
        assert len(monthly) == 12
        assert monthly[0].due_on == D(2026, 1, 25)

    def test_a_body_of_a_merged_province_owes_nothing_before_the_reform(self) -> None:
        # Today's Sở of Lào Cai (Yên Bái + Lào Cai) exists from 01/07/2025; the old Sở reported before.
        entries = calendar(2024, today=D(2024, 12, 31))
        assert not [e for e in entries if e.organization.code == "SCT-15"]

    def test_kc_calendar_prints_the_year_as_text_and_json(self, clock: None) -> None:
        out = io.StringIO()
        call_command("kc_calendar", "--year", "2026", "--province", "Lào Cai", stdout=out)
        assert "20/07/2026  Sở Công Thương tỉnh Lào Cai: Báo cáo 6 tháng" in out.getvalue()
        # The first quarter is late, said once
        assert "(quý I năm 2026) — Chưa lập — quá hạn\n" in out.getvalue()
        out = io.StringIO()
        call_command("kc_calendar", "--year", "2026", "--province", "Lào Cai", "--format", "json", stdout=out)
        rows = json.loads(out.getvalue())
        assert {"duty": "sct_half_yearly", "period": "h1", "due_on": "2026-07-20", "status": "not_started",
                "late": False}.items() <= next(r for r in rows if r["period"] == "h1").items()  # fmt: skip

    def test_kc_calendar_in_english_names_the_duties_in_english(self, clock: None) -> None:
        # An operator whose shell runs the command in English (as a test or a wrapper activating it would)
        out = io.StringIO()
        with translation.override("en"):
            call_command("kc_calendar", "--year", "2026", "--province", "Lào Cai", stdout=out)
        assert "20/07/2026  Sở Công Thương tỉnh Lào Cai: Half-yearly report on industrial promotion" in out.getvalue()
        assert "Báo cáo 6 tháng" not in out.getvalue()

    def test_kc_calendar_names_an_unknown_province(self, clock: None) -> None:
        from django.core.management import CommandError

        with pytest.raises(CommandError, match="--province"):
            call_command("kc_calendar", "--province", "Không Có", stdout=io.StringIO())


class TestWorkflow:
    def test_the_centre_drafts_the_sct_sends_the_cuc_returns_then_accepts(
        self, records: None, people: dict[str, User], django_capture_on_commit_callbacks: Any
    ) -> None:
        # Given the centre opens and writes the Sở's six-month report
        draft = submission_open(actor=people["centre"], duty=half_year(), organization=sct(), year=2026,
                                period_key="h1")  # fmt: skip
        submission_edit(actor=people["centre"], submission=draft, signer="Nguyễn Văn A", signer_title="Giám đốc",
                        highlights="Hỗ trợ 1 đề án.")  # fmt: skip
        # Then only the Sở itself may send it
        with pytest.raises(Refused):
            submission_submit(actor=people["centre"], submission=draft)
        with django_capture_on_commit_callbacks(execute=True):
            sent = submission_submit(actor=people["sct"], submission=draft)
        assert sent.state == SubmissionState.SUBMITTED
        assert sent.figures is not None
        assert sent.figures_as_of == D(2026, 6, 30)
        assert sent.figures["breakdown"]["total"]["support"] == 200_000_000
        # The PDF as sent is laid out by the worker once the sending has committed
        sent.refresh_from_db()
        assert sent.pdf
        # The Cục is told
        assert Notification.objects.filter(user=people["cuc"], kind="submitted").exists()
        # A province cannot review, and the Cục must say why it returns
        with pytest.raises(Refused):
            submission_accept(actor=people["other"], submission=sent)
        with pytest.raises(ValidationError) as refused:
            submission_return(actor=people["cuc"], submission=sent, comment="  ")
        assert refused.value.error_dict["comment"][0].code == "required"
        with django_capture_on_commit_callbacks(execute=True):
            returned = submission_return(actor=people["cuc"], submission=sent, comment="Bổ sung kiến nghị.")
        assert returned.state == SubmissionState.RETURNED
        assert Notification.objects.filter(user=people["sct"], kind="returned", message__contains="Bổ sung").exists()
        # The Sở corrects and sends again; the Cục accepts
        submission_edit(actor=people["sct"], submission=returned, recommendations="Đề nghị Cục bổ sung kinh phí.")
        again = submission_submit(actor=people["sct"], submission=returned)
        accepted = submission_accept(actor=people["cuc"], submission=again, comment="Đạt.")
        assert accepted.state == SubmissionState.ACCEPTED
        actions = list(accepted.events.values_list("action", flat=True))
        assert actions == [SubmissionAction.CREATED, SubmissionAction.EDITED, SubmissionAction.SUBMITTED,
                           SubmissionAction.RETURNED, SubmissionAction.EDITED, SubmissionAction.SUBMITTED,
                           SubmissionAction.ACCEPTED]  # fmt: skip
        # On time: first sent on 10/07, due 20/07
        entry = next(e for e in calendar(2026, today=D(2026, 8, 1)) if e.submission == accepted)
        assert (entry.status, entry.late) == (CalendarStatus.ACCEPTED, False)

    def test_an_accepted_report_is_locked_and_a_change_is_a_new_version(
        self, records: None, people: dict[str, User]
    ) -> None:
        sent = submission_submit(actor=people["sct"], submission=written(people))
        accepted = submission_accept(actor=people["cuc"], submission=sent)
        with pytest.raises(ValidationError) as refused:
            submission_edit(actor=people["sct"], submission=accepted, highlights="Sửa lén.")
        assert refused.value.error_dict["state"][0].code == "not_editable"
        with pytest.raises(ValidationError) as refused:
            submission_new_version(actor=people["sct"], submission=accepted, reason=" ")
        assert refused.value.error_dict["reason"][0].code == "reason_required"
        fresh = submission_new_version(actor=people["sct"], submission=accepted, reason="Đính chính số liệu giải ngân.")
        accepted.refresh_from_db()
        assert (fresh.version, fresh.state, fresh.supersedes) == (2, SubmissionState.DRAFT, accepted)
        assert fresh.highlights == accepted.highlights
        assert not accepted.current
        assert accepted.state == SubmissionState.ACCEPTED
        assert accepted.figures is not None
        # The calendar follows the version in force
        entry = next(e for e in calendar(2026, today=D(2026, 7, 10)) if e.period_key == "h1"
                     and e.organization.code == "SCT-15")  # fmt: skip
        assert entry.submission == fresh
        with pytest.raises(ValidationError):
            submission_new_version(actor=people["sct"], submission=accepted, reason="Lần nữa.")

    def test_the_figures_are_frozen_and_a_late_record_shows_as_a_difference(
        self, records: None, people: dict[str, User]
    ) -> None:
        sent = submission_submit(actor=people["sct"], submission=written(people))
        frozen = json.dumps(sent.figures, sort_keys=True)
        # When a voucher dated in the period is recorded after the report was sent
        payment_record(project=Project.objects.get(code="LC-2026-1"), actor=people["centre"], on=D(2026, 6, 15),
                       kind="advance", amount=Decimal(140_000_000))  # fmt: skip
        sent.refresh_from_db()
        # Then the report keeps what was sent, and shows what changed
        assert json.dumps(sent.figures, sort_keys=True) == frozen
        live = live_key_figures(sent.duty, sent.organization, Period.of(sent.period_start, sent.period_end))
        changes = figure_changes(sent.figures, live)
        assert changes == [{"figure": "breakdown.total.disbursed", "label": "Đã giải ngân (đồng)", "submitted": 0,
                            "now": 140_000_000}]  # fmt: skip
        page = client_for(people["cuc"]).get(reverse("reporting:submission", args=[sent.pk]))
        assert "Số liệu đã thay đổi sau khi nộp" in page.content.decode()

    def test_a_report_sent_on_paper_is_entered_after_the_fact(self, records: None, people: dict[str, User]) -> None:
        # Given the report is opened and written on 25/07, a fortnight after it was sent on paper
        with time_machine.travel(datetime.datetime(2026, 7, 25, 3, 0, tzinfo=datetime.UTC), tick=False):
            report = written(people)
            # When it is sent with the day it was sent, and taken in with the Cục's day
            sent = submission_submit(actor=people["sct"], submission=report, on=D(2026, 7, 10))
            # Then a move cannot go before the previous one, nor into the future
            with pytest.raises(ValidationError) as refused:
                submission_accept(actor=people["cuc"], submission=sent, on=D(2026, 7, 9))
            assert refused.value.error_dict["on"][0].code == "out_of_order"
            with pytest.raises(ValidationError) as refused:
                submission_accept(actor=people["cuc"], submission=sent, on=D(2026, 7, 26))
            assert refused.value.error_dict["on"][0].code == "future_date"
            accepted = submission_accept(actor=people["cuc"], submission=sent, on=D(2026, 7, 20))
        # The days are the acts', and the report was on time (due 20/07)
        assert [(e.action, e.on) for e in accepted.events.filter(action__in=["submitted", "accepted"])] == [
            (SubmissionAction.SUBMITTED, D(2026, 7, 10)),
            (SubmissionAction.ACCEPTED, D(2026, 7, 20)),
        ]
        assert accepted.first_submitted_on == D(2026, 7, 10)
        entry = next(e for e in calendar(2026, today=D(2026, 8, 1)) if e.submission == accepted)
        assert not entry.late

    def test_sending_needs_the_signer(self, records: None, people: dict[str, User]) -> None:
        with pytest.raises(ValidationError) as refused:
            submission_submit(actor=people["sct"], submission=opened(people))
        assert refused.value.error_dict["signer"][0].code == "required"
        assert Submission.objects.get().state == SubmissionState.DRAFT

    def test_a_signer_nothing_shows_is_no_signer(self, records: None, people: dict[str, User]) -> None:
        # Given a draft whose signer and title are a zero-width space and a byte-order mark
        draft = submission_edit(actor=people["sct"], submission=opened(people), signer="\u200b", signer_title="\ufeff ")
        # When it is sent, then it is refused as unsigned, and stays a draft
        with pytest.raises(ValidationError) as refused:
            submission_submit(actor=people["sct"], submission=draft)
        assert refused.value.error_dict["signer"][0].code == "required"
        assert Submission.objects.get().state == SubmissionState.DRAFT

    def test_the_page_says_what_a_blank_draft_lacks_instead_of_offering_a_refused_send(
        self, records: None, people: dict[str, User]
    ) -> None:
        # Given a draft without its signer, when the Sở opens it
        draft = opened(people)
        page = client_for(people["sct"]).get(reverse("reporting:submission", args=[draft.pk])).content.decode()
        # Then «Gửi báo cáo» is shown disabled, with what is missing and a link to the box to fill
        assert "Ghi người ký và chức vụ người ký trước khi gửi báo cáo." in page
        assert 'class="primary" disabled aria-describedby="chua-gui-duoc">Gửi báo cáo</button>' in page
        assert 'href="#id_signer"' in page
        assert 'id="id_signer"' in page
        # And once the signer and title are written, the button is live
        submission_edit(actor=people["sct"], submission=draft, signer="Nguyễn Văn A", signer_title="Giám đốc")
        page = client_for(people["sct"]).get(reverse("reporting:submission", args=[draft.pk])).content.decode()
        assert "chua-gui-duoc" not in page
        assert '<button type="submit" class="primary">Gửi báo cáo</button>' in page


class TestBoundary:
    def test_another_province_a_viewer_and_nobody_cannot_open_the_report(
        self, clock: None, people: dict[str, User]
    ) -> None:
        for who in ("other", "viewer", "cuc"):
            with pytest.raises(Refused):
                opened(people, by=who)
        assert not Submission.objects.exists()

    def test_a_duty_the_body_does_not_have_is_refused(self, clock: None, people: dict[str, User]) -> None:
        with pytest.raises(ValidationError) as refused:
            submission_open(actor=people["sct"], duty=ReportingDuty.objects.get(code="ubnd_quarterly"),
                            organization=sct(), year=2026, period_key="q1")  # fmt: skip
        assert refused.value.error_dict["duty"][0].code == "not_owed"

    def test_a_period_not_begun_or_unknown_is_refused(self, clock: None, people: dict[str, User]) -> None:
        with pytest.raises(ValidationError) as refused:
            submission_open(actor=people["sct"], duty=half_year(), organization=sct(), year=2027, period_key="h1")
        assert refused.value.error_dict["period"][0].code == "future_period"
        with pytest.raises(ValidationError) as refused:
            submission_open(actor=people["sct"], duty=half_year(), organization=sct(), year=2026, period_key="q9")
        assert refused.value.error_dict["period"][0].code == "unknown_period"

    def test_opening_twice_gives_the_same_report(self, clock: None, people: dict[str, User]) -> None:
        assert opened(people) == opened(people, by="centre")
        assert Submission.objects.count() == 1

    def test_the_ministry_reviews_the_ubnd_report_not_the_cuc(self, records: None, people: dict[str, User]) -> None:
        committee = make_user("ubnd15", "UBND-15", Role.OFFICER)
        duty = ReportingDuty.objects.get(code="ubnd_quarterly")
        committee_body = Organization.objects.get(code="UBND-15")
        report = submission_open(actor=committee, duty=duty, organization=committee_body, year=2026, period_key="q1")
        report = submission_edit(actor=committee, submission=report, signer="Chủ tịch", signer_title="Chủ tịch")
        sent = submission_submit(actor=committee, submission=report)
        with pytest.raises(Refused):
            submission_accept(actor=people["cuc"], submission=sent)
        assert submission_accept(actor=people["ministry"], submission=sent).state == SubmissionState.ACCEPTED

    def test_pages_outside_the_territory_are_not_found(self, records: None, people: dict[str, User]) -> None:
        report = written(people)
        assert client_for(people["other"]).get(reverse("reporting:submission", args=[report.pk])).status_code == 404
        assert client_for(people["cuc"]).get(reverse("reporting:submission", args=[report.pk])).status_code == 200
        # A move by someone who may not make it is a 403 with nothing written
        response = client_for(people["other"]).post(reverse("reporting:move", args=[report.pk, "submit"]))
        assert response.status_code == 404
        response = client_for(people["centre"]).post(reverse("reporting:move", args=[report.pk, "submit"]))
        assert response.status_code == 403
        assert Submission.objects.get().state == SubmissionState.DRAFT

    def test_an_account_of_the_sct_without_a_role_sees_none_of_its_reports(
        self, records: None, people: dict[str, User]
    ) -> None:
        report = written(people)
        waiting = client_for(make_user("moi.vao", "SCT-15"))  # its organisation set, its role not yet granted
        assert waiting.get(reverse("reporting:submission", args=[report.pk])).status_code == 404
        assert waiting.get(reverse("reporting:download", args=[report.pk, "json"])).status_code == 404
        calendar_page = waiting.get(reverse("reporting:calendar")).content.decode()
        assert reverse("reporting:submission", args=[report.pk]) not in calendar_page
        assert "Báo cáo của đơn vị" not in calendar_page

    def test_bad_input_on_the_pages_never_gives_a_500(self, records: None, people: dict[str, User]) -> None:
        client = client_for(people["sct"])
        report = written(people)
        assert client.post(reverse("reporting:open"), {"duty": "x", "organization": "SCT-15", "year": "2026"}
                           ).status_code == 404  # fmt: skip
        assert client.post(reverse("reporting:open"), {"duty": "sct_half_yearly", "organization": "SCT-15",
                                                       "year": "abc", "period": "h1"}).status_code == 404  # fmt: skip
        assert client.post(reverse("reporting:move", args=[report.pk, "fly"])).status_code == 404
        assert client.get(reverse("reporting:download", args=[report.pk, "exe"])).status_code == 404
        # A year that is no year is said on the form (400), over this year's calendar
        calendar_page = client.get(reverse("reporting:calendar"), {"year": "abc"})
        assert calendar_page.status_code == 400
        assert calendar_page.context["form"].errors["year"]
        assert calendar_page.context["year"] == 2026
        assert client_for(people["cuc"]).get(reverse("reporting:compilation"), {"year": "99999"}).status_code == 200
        upload = SimpleUploadedFile("virus.exe", b"MZ")
        response = client.post(reverse("reporting:attach", args=[report.pk]), {"title": "x", "file": upload})
        assert response.status_code == 400
        assert "chỉ nhận" in response.content.decode()


class TestCompilationAndReminders:
    def test_the_compilation_is_the_sum_of_the_accepted_reports_and_names_the_missing(
        self, records: None, people: dict[str, User]
    ) -> None:
        sent = submission_submit(actor=people["sct"], submission=written(people))
        submission_accept(actor=people["cuc"], submission=sent)
        summary = compilation(half_year(), 2026, "h1", today=D(2026, 7, 25),
                              bodies=Organization.objects.all())  # fmt: skip
        figures = {f["figure"]: f for f in summary["figures"]}
        assert figures["breakdown.total.support"]["accepted"] == 200_000_000
        assert summary["accepted"] == 1
        # Every one of the 34 provinces' Sở owes it
        assert summary["owed"] == 34
        missing = {m["organization"] for m in summary["missing"]}
        assert "SCT-15" not in missing
        assert "SCT-19" in missing
        assert all(m["late"] for m in summary["missing"])

    def test_the_compilation_shows_each_body_s_figures_and_as_excel_beside_the_records_now(
        self, records: None, people: dict[str, User]
    ) -> None:
        from openpyxl import load_workbook

        # Given Lào Cai's six-month report accepted, the 33 other Sở not reported
        sent = submission_submit(actor=people["sct"], submission=written(people))
        submission_accept(actor=people["cuc"], submission=sent)
        query = {"duty": "sct_half_yearly", "year": "2026", "period": "h1"}

        # When the Cục opens the compilation, then takes it as Excel
        with time_machine.travel(datetime.datetime(2026, 7, 25, 3, 0, tzinfo=datetime.UTC), tick=False):
            client = client_for(people["cuc"])
            opened = client.get(reverse("reporting:compilation"), query)
            response: Any = client.get(reverse("reporting:compilation_export"), query)
        assert opened.status_code == 200, opened
        page = opened.content.decode()

        # Then the page lists Lào Cai's figures as it reported them, and links to the Excel of the same period
        assert "Theo đơn vị đã được tiếp nhận báo cáo" in page
        assert re.search(r'<th scope="row">Sở Công Thương[^<]*Lào Cai</th><td class="num">1</td><td class="num">', page)
        assert "compile.xlsx?duty=sct_half_yearly&amp;year=2026&amp;period=h1" in page
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        # And the workbook has Lào Cai's row (each figure as reported and as the records stand), the total, and the
        # 33 bodies that have not reported, each with where its report stands
        headings = rows[0]
        support = headings.index("Kinh phí khuyến công (đồng) — theo báo cáo")
        assert headings[support + 1] == "Kinh phí khuyến công (đồng) — hiện nay"
        assert headings[2] == "Tình trạng"
        assert rows[1][:4] == ["SCT-15", Organization.objects.get(code="SCT-15").name, "Đã tiếp nhận", 1]
        assert rows[1][support] == 200_000_000
        assert rows[2][1] == "Cộng 1 báo cáo đã tiếp nhận"
        assert rows[2][support] == 200_000_000
        assert len(rows[3:]) == 33
        assert all("quá hạn" in str(r[2]) and r[3:] == [None] * len(r[3:]) for r in rows[3:])
        # And a department of a province may not take it
        refused = client_for(people["sct"]).get(reverse("reporting:compilation_export"), query)
        assert refused.status_code == 403

    def test_the_compilation_page_names_each_late_body_once_as_late(
        self, records: None, people: dict[str, User]
    ) -> None:
        # Given the six-month report due on 20/07/2026 and no Sở that has sent it
        with time_machine.travel(datetime.datetime(2026, 7, 25, 3, 0, tzinfo=datetime.UTC), tick=False):
            page = client_for(people["cuc"]).get(
                reverse("reporting:compilation"), {"duty": "sct_half_yearly", "year": "2026", "period": "h1"}
            )

        # Then each line says "quá hạn" once, and each choice of the form sits under its own label
        html = page.content.decode()
        lines = re.findall(r"<li>([^<]*) — <strong class=\"danger\">([^<]*)</strong></li>", html)
        assert len(lines) == 34
        assert all(status.count("quá hạn") == 1 for _name, status in lines)
        assert "Chưa báo cáo hoặc chưa được tiếp nhận (34)" in html
        for field in ("duty", "year", "period"):
            assert re.search(
                rf'<div class="field[^"]*"><label for="id_{field}">[^<]+</label>\s*<(select|input) id="id_{field}"',
                html,
            )

    def test_reminders_go_once_after_commit_and_not_for_reports_already_in(
        self, records: None, people: dict[str, User], django_capture_on_commit_callbacks: Any
    ) -> None:
        people["sct"].email = "sct15@example.vn"
        people["sct"].save()
        # Five days before the six-month report is due
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            sent = send_reminders(today=D(2026, 7, 15))
        assert sent
        assert callbacks
        note = Notification.objects.get(user=people["sct"], key__contains="sct_half_yearly:SCT-15:2026")
        assert "đến hạn ngày 20/07/2026" in note.message
        assert any("sct15@example.vn" in m.to for m in mail.outbox)
        # A second run sends nothing again
        with django_capture_on_commit_callbacks(execute=True):
            assert send_reminders(today=D(2026, 7, 15)) == 0
        # A report already sent is not reminded when late
        submission_submit(actor=people["sct"], submission=written(people))
        with django_capture_on_commit_callbacks(execute=True):
            send_reminders(today=D(2026, 7, 25))
        key = "sct_half_yearly:SCT-15:2026"
        assert not Notification.objects.filter(user=people["sct"], kind="overdue", key__contains=key)


class TestDocuments:
    def test_the_word_and_pdf_documents_carry_the_header_the_text_and_the_figures(
        self, records: None, people: dict[str, User]
    ) -> None:
        sent = submission_submit(actor=people["sct"], submission=written(people))
        word = WordDocument(io.BytesIO(submission_file(sent, "docx")))
        text = "\n".join(p.text for p in word.paragraphs)
        cells = "\n".join(c.text for t in word.tables for r in t.rows for c in r.cells)
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in cells
        assert "Số: 125/BC-SCT" in cells
        assert "Lào Cai, ngày 30 tháng 06 năm 2026" in cells
        assert "KẾT QUẢ NỔI BẬT" in text
        assert "Hoàn thành ký hợp đồng." in text
        assert "Nơi nhận:" in cells
        assert "Nguyễn Văn A" in cells
        assert "200.000.000" in cells
        pdf = PdfReader(io.BytesIO(submission_file(sent, "pdf")))
        words = " ".join(" ".join(page.extract_text() for page in pdf.pages).split())
        assert "KẾT QUẢ NỔI BẬT" in words
        assert "Hỗ trợ 1 đề án máy sao chè." in words
        assert "200.000.000" in words

    def test_an_attachment_is_kept_and_a_bad_one_refused(self, records: None, people: dict[str, User]) -> None:
        report = written(people)
        kept = submission_attach(actor=people["sct"], submission=report, title="Danh sách đề án",
                                 upload=SimpleUploadedFile("ds.pdf", b"%PDF-1.4 test"))  # fmt: skip
        assert kept.size == 13
        with pytest.raises(ValidationError) as refused:
            submission_attach(actor=people["sct"], submission=report, title="x",
                              upload=SimpleUploadedFile("x.exe", b"MZ"))  # fmt: skip
        assert refused.value.error_dict["file"][0].code == "file_type"


class TestProvincialDuty:
    fields: dict[str, Any] = {
        "code": "lc_monthly", "name": "Báo cáo tháng về khuyến công của Sở (quy định của tỉnh)",
        "body_kind": "provincial_department", "reviewer_kind": "provincial_committee", "recipients": "UBND tỉnh",
        "frequency": "monthly", "report_kind": "province", "due_day": 22, "due_months_after": 0,
        "legal_basis": "Quyết định của UBND tỉnh Lào Cai (thử)", "valid_from": D(2026, 1, 1),
    }  # fmt: skip

    def test_a_province_adds_its_own_duty_that_binds_only_its_bodies(self, people: dict[str, User]) -> None:
        from khuyencong.geography.models import AdminUnit
        from khuyencong.reporting.services import duty_add

        lao_cai = AdminUnit.objects.get(era="2025-07", level=1, code="15")
        duty = duty_add(actor=people["sct"], province=lao_cai, **self.fields)
        entries = [e for e in calendar(2026, today=D(2026, 7, 10)) if e.duty == duty]
        assert {e.organization.code for e in entries} == {"SCT-15"}
        assert entries[0].due_on == D(2026, 1, 22)

    def test_another_province_may_not_add_it_and_nothing_is_written(self, people: dict[str, User]) -> None:
        from khuyencong.geography.models import AdminUnit
        from khuyencong.reporting.services import duty_add

        lao_cai = AdminUnit.objects.get(era="2025-07", level=1, code="15")
        with pytest.raises(Refused):
            duty_add(actor=people["other"], province=lao_cai, **self.fields)
        with pytest.raises(ValidationError):
            duty_add(actor=people["sct"], province=lao_cai, **{**self.fields, "due_day": None})
        assert not ReportingDuty.objects.filter(code="lc_monthly").exists()

    def test_the_admin_adds_through_the_service_and_edits_nothing(self, people: dict[str, User]) -> None:
        from khuyencong.geography.models import AdminUnit

        admin_user = User.objects.create_superuser(username="root", password="x", email="")
        client = client_for(admin_user)
        lao_cai = AdminUnit.objects.get(era="2025-07", level=1, code="15")
        form = {**self.fields, "valid_from": "2026-01-01", "province": lao_cai.pk, "due_days_after": "",
                "valid_until": ""}  # fmt: skip
        response = client.post(reverse("admin:reporting_reportingduty_add"), form)
        assert response.status_code == 302, response.content.decode()[:2000]
        duty = ReportingDuty.objects.get(code="lc_monthly")
        assert duty.province == lao_cai
        change = client.get(reverse("admin:reporting_reportingduty_change", args=[duty.pk]))
        assert b'name="name"' not in change.content
        # A duty without a province is refused on the page: the national duties come from the reference data
        response = client.post(reverse("admin:reporting_reportingduty_add"), {**form, "code": "x", "province": ""})
        assert response.status_code == 200
        assert "chọn tỉnh" in response.content.decode()


class TestTheReform:
    def test_the_six_month_report_of_2025_is_sent_by_todays_body_not_the_dissolved_one(self, yen_bai: None) -> None:
        # Given the Sở of Yên Bái, dissolved on 30/06/2025, and today's Sở of Lào Cai, from 01/07/2025
        entries = calendar(2025, today=D(2025, 8, 1))
        owed = {(e.organization.code, e.duty.code, e.period_key) for e in entries}
        # The first quarter (due 20/04/2025) is the old body's; the second quarter and the half year (due 20/07/2025)
        # are today's body's, on today's province
        assert ("SCT-YB", "sct_quarterly", "q1") in owed
        assert ("SCT-YB", "sct_half_yearly", "h1") not in owed
        assert ("SCT-15", "sct_half_yearly", "h1") in owed
        assert ("SCT-15", "sct_quarterly", "q2") in owed
        assert ("SCT-15", "sct_quarterly", "q1") not in owed


def test_an_attachment_that_is_not_what_its_name_says_is_refused(records: None, people: dict[str, User]) -> None:
    report = written(people)
    with pytest.raises(ValidationError) as refused:
        submission_attach(actor=people["sct"], submission=report, title="Phụ lục",
                          upload=SimpleUploadedFile("phu-luc.pdf", b"MZ\x90\x00 not a pdf"))  # fmt: skip
    assert refused.value.error_dict["file"][0].code == "file_content"
    assert not report.attachments.exists()


def test_the_pdf_as_sent_is_laid_out_after_commit_and_not_for_a_report_sent_again(
    records: None, people: dict[str, User], django_capture_on_commit_callbacks: Any
) -> None:
    # Given a report sent, whose PDF the worker has not made yet
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sent = submission_submit(actor=people["sct"], submission=written(people))
    assert not sent.pdf
    # When the Cục returns it and the Sở sends it again before the first task runs
    returned = submission_return(actor=people["cuc"], submission=sent, comment="Bổ sung.")
    with django_capture_on_commit_callbacks(execute=True):
        submission_submit(actor=people["sct"], submission=returned)
    # Then the stale task stores nothing, and the second sending has its own PDF
    stored = Submission.objects.get(pk=sent.pk).pdf.name
    for callback in callbacks:
        callback()
    again = Submission.objects.get(pk=sent.pk)
    assert again.pdf.name == stored
    assert again.pdf.name


def test_what_happened_after_an_early_sending_is_not_a_difference(records: None, people: dict[str, User]) -> None:
    # Given the six-month report sent on 20/06, before its period ended
    with time_machine.travel(datetime.datetime(2026, 6, 20, 3, 0, tzinfo=datetime.UTC), tick=False):
        sent = submission_submit(actor=people["sct"], submission=written(people))
    assert sent.figures_as_of == D(2026, 6, 20)
    # When an advance is paid on 25/06, within the period but after the sending
    payment_record(project=Project.objects.get(code="LC-2026-1"), actor=people["centre"], on=D(2026, 6, 25),
                   kind="advance", amount=Decimal(50_000_000))  # fmt: skip
    # Then the report shows no change: its figures stood as of the day it was sent
    page = client_for(people["cuc"]).get(reverse("reporting:submission", args=[sent.pk]))
    assert "Số liệu đã thay đổi sau khi nộp" not in page.content.decode()


def test_a_report_returned_and_sent_again_keeps_what_was_first_sent(records: None, people: dict[str, User]) -> None:
    # Given a report sent, returned, corrected and sent again after a late voucher
    sent = submission_submit(actor=people["sct"], submission=written(people))
    first = json.dumps(sent.figures, sort_keys=True)
    returned = submission_return(actor=people["cuc"], submission=sent, comment="Bổ sung giải ngân.")
    payment_record(project=Project.objects.get(code="LC-2026-1"), actor=people["centre"], on=D(2026, 6, 15),
                   kind="advance", amount=Decimal(140_000_000))  # fmt: skip
    returned = submission_edit(actor=people["sct"], submission=returned, highlights="Đã bổ sung giải ngân.")
    again = submission_submit(actor=people["sct"], submission=returned)
    # Then each sending keeps its own figures and text: the first is still what the Cục first received
    sendings = list(again.events.filter(action=SubmissionAction.SUBMITTED).order_by("pk"))
    first_sent, second_sent = (event.figures for event in sendings)
    first_text, second_text = (event.text for event in sendings)
    assert first_sent is not None
    assert second_sent is not None
    assert first_text
    assert second_text
    assert json.dumps(first_sent, sort_keys=True) == first
    assert first_text["highlights"].startswith("Hỗ trợ 1 đề án máy sao chè.")
    assert second_sent["breakdown"]["total"]["disbursed"] == 140_000_000
    assert second_text["highlights"] == "Đã bổ sung giải ngân."


def test_attaching_and_removing_a_file_is_audited(records: None, people: dict[str, User]) -> None:
    from khuyencong.audit.models import AuditEntry
    from khuyencong.reporting.services import submission_detach

    report = written(people)
    kept = submission_attach(actor=people["sct"], submission=report, title="Danh sách",
                             upload=SimpleUploadedFile("ds.pdf", b"%PDF-1.4 test"))  # fmt: skip
    kept_pk = kept.pk
    submission_detach(actor=people["sct"], attachment=kept)
    from django.contrib.contenttypes.models import ContentType

    from khuyencong.reporting.models import SubmissionAttachment

    kind = ContentType.objects.get_for_model(SubmissionAttachment)
    entries = AuditEntry.objects.filter(content_type=kind, object_id=str(kept_pk))
    assert sorted(entries.values_list("action", flat=True)) == ["create", "delete"]
    assert entries.get(action="delete").changes["title"]["before"] == "Danh sách"


class TestReturnedAfterTheDay:
    """A report sent on time and returned after its due day is not late, but it is still owed until sent again."""

    def returned(self, people: dict[str, User]) -> Submission:
        # Given the six-month report sent on 10/07 (due 20/07) and returned by the Cục on 28/07
        sent = submission_submit(actor=people["sct"], submission=written(people))
        with time_machine.travel(datetime.datetime(2026, 7, 28, 3, 0, tzinfo=datetime.UTC), tick=False):
            return submission_return(actor=people["cuc"], submission=sent, comment="Bổ sung số liệu giải ngân.")

    def test_it_stays_on_the_home_list_until_sent_again(self, records: None, people: dict[str, User]) -> None:
        from khuyencong.reporting.selectors import reports_due

        report = self.returned(people)
        # When the Sở looks at its home page in September
        due = reports_due(people["sct"], today=D(2026, 9, 1))
        # Then the returned report is listed to act on, not marked late
        entry = next(e for e in due.upcoming if e.submission is not None and e.submission.pk == report.pk)
        assert entry.status == CalendarStatus.RETURNED
        assert not entry.late
        assert report.pk not in {e.submission.pk for e in due.late if e.submission is not None}

    def test_it_is_reminded_once_some_days_after_the_return(
        self, records: None, people: dict[str, User], django_capture_on_commit_callbacks: Any
    ) -> None:
        self.returned(people)
        key = "overdue:returned:"
        with django_capture_on_commit_callbacks(execute=True):
            # Not the day after (the return itself was notified)
            send_reminders(today=D(2026, 7, 29))
            assert not Notification.objects.filter(user=people["sct"], key__startswith=key).exists()
            # Five days after the return, once
            send_reminders(today=D(2026, 8, 2))
            send_reminders(today=D(2026, 8, 3))
        note = Notification.objects.get(user=people["sct"], key__startswith=key)
        assert "bị trả lại ngày 28/07/2026, chưa gửi lại" in note.message

    def test_a_report_under_way_keeps_the_due_day_it_was_opened_with(
        self, records: None, people: dict[str, User]
    ) -> None:
        # Given a report opened (due 20/07) and then the duty's rule amended to the 31st
        report = opened(people)
        duty = half_year()
        duty.due_day, duty.due_days_after, duty.due_months_after = 31, None, 1
        duty.save()
        entries = calendar(
            2026, today=D(2026, 7, 10), bodies=Organization.objects.filter(code__in=["SCT-15", "SCT-19"])
        )
        by_body = {e.organization.code: e for e in entries if e.duty.pk == duty.pk and e.period_key == "h1"}
        # Then the report under way keeps its day; the one not begun follows the rule in force
        assert by_body["SCT-15"].due_on == report.due_on == D(2026, 7, 20)
        assert by_body["SCT-19"].due_on == D(2026, 7, 31)


class TestNotifications:
    def test_following_a_notification_marks_it_read_and_goes_where_it_points(
        self, records: None, people: dict[str, User]
    ) -> None:
        note = Notification.objects.create(user=people["sct"], kind="returned", key="t:1", message="Trả lại",
                                           link="/reporting/")  # fmt: skip
        response = client_for(people["sct"]).get(reverse("reporting:notification_open", args=[note.pk]))
        assert response.status_code == 302
        assert response["Location"] == "/reporting/"
        note.refresh_from_db()
        assert note.read_at is not None

    def test_another_users_notification_is_not_found_and_stays_unread(
        self, records: None, people: dict[str, User]
    ) -> None:
        note = Notification.objects.create(user=people["sct"], kind="returned", key="t:2", message="Trả lại",
                                           link="/reporting/")  # fmt: skip
        for who in ("other", "cuc", "viewer"):
            assert (
                client_for(people[who]).get(reverse("reporting:notification_open", args=[note.pk])).status_code == 404
            )
        note.refresh_from_db()
        assert note.read_at is None

    def test_a_link_to_another_site_is_never_followed(self, records: None, people: dict[str, User]) -> None:
        note = Notification.objects.create(user=people["sct"], kind="returned", key="t:3", message="x",
                                           link="//evil.example/")  # fmt: skip
        response = client_for(people["sct"]).get(reverse("reporting:notification_open", args=[note.pk]))
        assert response["Location"] == reverse("reporting:notifications")

    def test_every_notification_is_reached_a_page_at_a_time_newest_first(
        self, records: None, people: dict[str, User]
    ) -> None:
        # Given 120 notifications of the Sở (the page once stopped at 200, the older ones unreachable)
        Notification.objects.bulk_create(
            [Notification(user=people["sct"], kind="returned", key=f"t:{i}", message=f"Thông báo số {i:03d}")
             for i in range(120)])  # fmt: skip
        client = client_for(people["sct"])

        # When it walks the pages
        seen = []
        for number in (1, 2, 3):
            page = client.get(reverse("reporting:notifications"), {"page": str(number)})
            seen += re.findall(r"Thông báo số (\d{3})", page.content.decode())

        # Then each is seen once, newest first, fifty a page
        assert seen == [f"{i:03d}" for i in reversed(range(120))]
        assert "Trang 1 / 3" in client.get(reverse("reporting:notifications")).content.decode()
        assert client.get(reverse("reporting:notifications"), {"page": "abc"}).status_code == 200


class TestTheHistoryInTheReadersLanguage:
    """The history names the fields an edit changed in its reader's language; the comment keeps them in Vietnamese."""

    def test_an_edit_keeps_its_fields_by_name_and_its_comment_in_vietnamese(
        self, records: None, people: dict[str, User]
    ) -> None:
        # Given the Sở's report, written with its number, signer and two sections
        report = written(people)

        # Then the edit's event names the fields, and its comment lists them in Vietnamese
        event = SubmissionEvent.objects.get(submission=report, action=SubmissionAction.EDITED)
        assert event.edited == ["number", "signer", "signer_title", "highlights", "next_period"]
        assert event.comment == "số, ký hiệu, người ký, chức vụ người ký, kết quả nổi bật, kế hoạch kỳ tới"

    def test_the_history_names_the_fields_in_the_readers_language(self, records: None, people: dict[str, User]) -> None:
        report = written(people)
        page = reverse("reporting:submission", args=[report.pk])

        vietnamese = client_for(people["sct"]).get(page).content.decode()
        english = html.unescape(client_for(chose_english(people["sct"])).get(page).content.decode())

        assert "số, ký hiệu, người ký, chức vụ người ký, kết quả nổi bật, kế hoạch kỳ tới" in vietnamese
        assert "number, signer, signer's title, highlights, plan for the next period" in english
        assert "kết quả nổi bật" not in english


class TestARepresentativeReadsNoBodysReport:
    def test_a_representative_registered_by_the_so_does_not_read_its_report(
        self, records: None, people: dict[str, User]
    ) -> None:
        # Given the Sở's report, and a facility's representative whose account the Sở created (its organisation is
        # the Sở), with no facility set and with one
        report = written(people)
        for username, facility in (("rep.nofacility", None), ("rep.facility", Facility.objects.order_by("pk").first())):
            rep = make_user(username, "SCT-15", Role.FACILITY_REPRESENTATIVE, facility=facility)
            client = client_for(rep)

            # Then the report is not found for them, nor offered on the calendar
            assert client.get(reverse("reporting:submission", args=[report.pk])).status_code == 404
            assert (
                reverse("reporting:submission", args=[report.pk])
                not in client.get(reverse("reporting:calendar")).content.decode()
            )
