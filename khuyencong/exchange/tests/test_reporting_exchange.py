"""Periodic reports in the exchange format (issue 11, item 7): a province running its own instance sends its bodies'
reports to the national one. They travel with their text, their history and the figures frozen when they were sent;
an import goes through the reporting services as the person who uploads the file; the receiving level, not the
sender, takes a report in; export → import → export gives the same document; and every error is in one answer."""

from __future__ import annotations

import copy
import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction

from conftest import make_user
from khuyencong.accounts.models import Role, User
from khuyencong.accounts.services import system_user
from khuyencong.audit.models import AuditEntry
from khuyencong.exchange.exporter import exchange_export
from khuyencong.exchange.importer import ImportReport, exchange_import
from khuyencong.organizations.models import Organization
from khuyencong.projects.models import Project
from khuyencong.projects.services import payment_record
from khuyencong.reporting.models import ReportingDuty, Submission, SubmissionAction
from khuyencong.reporting.rules import SubmissionState
from khuyencong.reporting.services import (
    submission_accept,
    submission_edit,
    submission_new_version,
    submission_open,
    submission_return,
    submission_submit,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

D = datetime.date
PLACE = {"province": "Lào Cai", "as_of": "2026-01-01"}
RECORDS = {
    "format": "khuyencong-exchange",
    "version": 1,
    "facilities": [{"code": "LC-1", "name": "HTX Chè Bảo Thắng", "legal_form": "cooperative", "place": PLACE}],
    "plans": [
        {"code": "KCDP-LC-2026", "year": 2026, "funding_source": "provincial", "owner": "UBND-15",
         "budget": [{"on": "2026-01-10", "kind": "original", "amount": 2_000_000_000}]},
    ],
    "projects": [
        {"code": "LC-2026-1", "title": "Máy sao chè", "plan": "KCDP-LC-2026", "content": "machinery_application",
         "kind": "facility", "round": 1, "implementer": "TTKC-15", "beneficiaries": ["LC-1"],
         "total_cost": 600_000_000, "support_requested": 200_000_000, "counterpart": 400_000_000,
         "events": [{"on": "2026-03-01", "action": "approved", "by": "UBND-15", "amount": 200_000_000},
                    {"on": "2026-03-05", "action": "assigned", "by": "UBND-15"},
                    {"on": "2026-03-20", "action": "contract_signed", "by": "TTKC-15", "amount": 200_000_000}]},
    ],
}  # fmt: skip


class Rollback(Exception):
    pass


@pytest.fixture
def people(db: None) -> dict[str, User]:
    return {
        "sct": make_user("sct15", "SCT-15", Role.OFFICER),
        "other": make_user("sct19", "SCT-19", Role.OFFICER),
        "cuc": make_user("cuc", "CUC-CTDP", Role.OFFICER, Role.APPROVER),
        "centre1": make_user("ttkc1", "TTKC1", Role.OFFICER),
    }


@pytest.fixture
def records(db: None) -> None:
    report = exchange_import(RECORDS, actor=system_user())
    assert report.ok, [str(e) for e in report.errors]


def duty(code: str) -> ReportingDuty:
    return ReportingDuty.objects.get(code=code)


def org(code: str) -> Organization:
    return Organization.objects.get(code=code)


def written(actor: User, duty_code: str, body: str, period: str, **text: str) -> Submission:
    report = submission_open(actor=actor, duty=duty(duty_code), organization=org(body), year=2026, period_key=period)
    fields = {"number": "125/BC-SCT", "signer": "Nguyễn Văn A", "signer_title": "Giám đốc", **text}
    return submission_edit(actor=actor, submission=report, **fields)


def accepted_half_year(people: dict[str, User]) -> Submission:
    """The Sở's six-month report, sent on paper on 10/07 and entered after the fact, taken in by the Cục on 20/07."""
    report = written(people["sct"], "sct_half_yearly", "SCT-15", "h1", highlights="Hỗ trợ 1 đề án máy sao chè.")
    report = submission_submit(actor=people["sct"], submission=report, on=D(2026, 7, 10))
    return submission_accept(actor=people["cuc"], submission=report, comment="Đạt.", on=D(2026, 7, 20))


def second_version(people: dict[str, User], first: Submission) -> Submission:
    fresh = submission_new_version(actor=people["sct"], submission=first, reason="Đính chính số liệu giải ngân.")
    fresh = submission_edit(actor=people["sct"], submission=fresh, shortcomings="Giải ngân chậm.")
    return submission_submit(actor=people["sct"], submission=fresh, on=D(2026, 8, 1))


def exported_then_forgotten(build: Any) -> dict[str, Any]:
    """The document exported after `build()`, with everything `build` wrote rolled back: the receiving instance
    holds the same reference data and records, and none of the reports."""
    try:
        with transaction.atomic():
            build()
            document = exchange_export()
            raise Rollback
    except Rollback:
        pass
    assert not Submission.objects.exists()
    return document


def reports_only(document: dict[str, Any]) -> dict[str, Any]:
    return {"format": "khuyencong-exchange", "version": 1,
            "reporting_submissions": copy.deepcopy(document["reporting_submissions"])}  # fmt: skip


def found(report: ImportReport) -> set[tuple[str, str]]:
    return {(issue.path, issue.code) for issue in report.errors}


class TestRoundTrip:
    def test_export_import_into_an_empty_database_export_gives_the_same_document(
        self, records: None, people: dict[str, User]
    ) -> None:
        # given reports in every state: accepted and replaced by a second version, returned and corrected, a draft,
        # one taken in by an administrator (no body named), and a national centre's monthly report
        def build() -> None:
            second_version(people, accepted_half_year(people))
            quarter = written(people["sct"], "sct_quarterly", "SCT-15", "q2")
            quarter = submission_submit(actor=people["sct"], submission=quarter, on=D(2026, 7, 5))
            quarter = submission_return(actor=people["cuc"], submission=quarter, comment="Thiếu kiến nghị.",
                                        on=D(2026, 7, 8))  # fmt: skip
            submission_edit(actor=people["sct"], submission=quarter, recommendations="Bổ sung kinh phí.")
            written(people["sct"], "sct_quarterly", "SCT-15", "q1")
            third = written(people["sct"], "sct_quarterly", "SCT-15", "q3")
            third = submission_submit(actor=people["sct"], submission=third, on=D(2026, 10, 5))
            submission_accept(actor=system_user(), submission=third, on=D(2026, 10, 10))
            monthly = written(people["centre1"], "ttkcqg_monthly", "TTKC1", "m01", signer="Trần Thị B")
            monthly = submission_submit(actor=people["centre1"], submission=monthly, on=D(2026, 1, 26))
            submission_accept(actor=people["cuc"], submission=monthly, on=D(2026, 2, 2))

        exported = exported_then_forgotten(build)
        reports = exported["reporting_submissions"]
        assert [(r["organization"], r["duty"], r["period"], r["version"], r["state"]) for r in reports] == [
            ("SCT-15", "sct_half_yearly", "h1", 1, "accepted"),
            ("SCT-15", "sct_half_yearly", "h1", 2, "submitted"),
            ("SCT-15", "sct_quarterly", "q1", 1, "draft"),
            ("SCT-15", "sct_quarterly", "q2", 1, "returned"),
            ("SCT-15", "sct_quarterly", "q3", 1, "accepted"),
            ("TTKC1", "ttkcqg_monthly", "m01", 1, "accepted"),
        ]
        assert reports[0]["events"] == [
            {"on": "2026-07-10", "action": "submitted", "by": "SCT-15"},
            {"on": "2026-07-20", "action": "accepted", "by": "CUC-CTDP", "comment": "Đạt."},
        ]
        assert reports[1]["version_reason"] == "Đính chính số liệu giải ngân."
        assert reports[0]["figures"]["breakdown"]["total"]["support"] == 200_000_000
        assert reports[4]["events"][1] == {"on": "2026-10-10", "action": "accepted"}

        # when it is imported into the database without them, by the administrator, and exported again
        report = exchange_import(copy.deepcopy(exported), actor=system_user())

        # then nothing is lost
        assert report.ok, [str(e) for e in report.errors]
        assert report.created["reporting submissions"] == 6
        assert exchange_export() == exported
        # and importing it once more changes nothing
        again = exchange_import(copy.deepcopy(exported), actor=system_user())
        assert again.changed_nothing, [str(e) for e in again.errors]

    def test_a_provinces_export_holds_its_bodies_reports_only(self, records: None, people: dict[str, User]) -> None:
        # given reports of the Sở of Lào Cai and of a national centre
        accepted_half_year(people)
        written(people["centre1"], "ttkcqg_monthly", "TTKC1", "m01")

        # when Lào Cai's records are exported, by the province's officer and by the Cục
        by_officer = exchange_export(user=people["sct"])
        by_province = exchange_export(province=org("SCT-15").territory)

        # then only the Sở's report goes
        for document in (by_officer, by_province):
            assert [r["organization"] for r in document["reporting_submissions"]] == ["SCT-15"]
        assert "CUC-CTDP" in {o["code"] for o in by_officer["organizations"]}
        assert exchange_export(user=people["other"])["reporting_submissions"] == []


class TestReceivingLevel:
    def test_a_provinces_accepted_report_lands_as_sent_with_its_figures_as_sent(
        self, records: None, people: dict[str, User]
    ) -> None:
        # given the Sở's report, accepted at the sending instance, and its second version sent after
        document = reports_only(exported_then_forgotten(lambda: second_version(people, accepted_half_year(people))))
        sent = document["reporting_submissions"][0]["figures"]
        # and, here, a voucher of the period the sending instance did not have when the report was sent
        payment_record(project=Project.objects.get(code="LC-2026-1"), actor=system_user(), on=D(2026, 6, 15),
                       kind="advance", amount=Decimal(140_000_000), transcribed=True)  # fmt: skip

        # when the Sở's officer uploads it
        report = exchange_import(copy.deepcopy(document), actor=people["sct"])

        # then the report is in, sent and waiting for the Cục: the Sở cannot take in its own report
        assert report.ok, [str(e) for e in report.errors]
        first = Submission.objects.get()
        assert (first.version, first.state) == (1, SubmissionState.SUBMITTED)
        assert {(w.path, w.code) for w in report.warnings} == {
            ("$.reporting_submissions[0].events[1]", "review_not_transcribed"),
            ("$.reporting_submissions[1]", "version_waits"),
        }
        # with the figures as the Sở sent them, not recomputed from the records here
        assert first.figures == sent
        assert first.figures["breakdown"]["total"]["disbursed"] == 0
        assert first.figures_as_of == D(2026, 6, 30)
        moves = first.events.filter(action=SubmissionAction.SUBMITTED)
        assert [(e.on, e.organization, e.actor) for e in moves] == [(D(2026, 7, 10), org("SCT-15"), people["sct"])]
        assert first.highlights == "Hỗ trợ 1 đề án máy sao chè."

        # when it is uploaded again, nothing changes
        again = exchange_import(copy.deepcopy(document), actor=people["sct"])
        assert again.changed_nothing, [str(e) for e in again.errors]

        # when the Cục takes the first version in here, the second one comes in with the next upload
        submission_accept(actor=people["cuc"], submission=first, comment="Đạt.", on=D(2026, 7, 20))
        later = exchange_import(copy.deepcopy(document), actor=people["sct"])
        assert later.ok, [str(e) for e in later.errors]
        assert not later.warnings
        second = Submission.objects.get(version=2)
        assert (second.state, second.version_reason) == (SubmissionState.SUBMITTED, "Đính chính số liệu giải ngân.")
        assert second.figures == document["reporting_submissions"][1]["figures"]

    def test_the_receiving_level_transcribes_its_own_acceptance(self, records: None, people: dict[str, User]) -> None:
        # given the Sở's report sent here, and a file in which the Cục took it in
        document = reports_only(exported_then_forgotten(lambda: accepted_half_year(people)))
        lowered = copy.deepcopy(document)
        lowered["reporting_submissions"][0]["events"].pop()
        lowered["reporting_submissions"][0]["state"] = "submitted"
        assert exchange_import(lowered, actor=people["sct"]).ok

        # when a Cục officer uploads the file
        report = exchange_import(copy.deepcopy(document), actor=people["cuc"])

        # then the acceptance is recorded in the Cục's name, on its day
        assert report.ok, [str(e) for e in report.errors]
        assert report.updated["reporting submissions"] == 1
        accepted = Submission.objects.get()
        assert accepted.state == SubmissionState.ACCEPTED
        event = accepted.events.get(action=SubmissionAction.ACCEPTED)
        assert (event.on, event.organization, event.comment) == (D(2026, 7, 20), org("CUC-CTDP"), "Đạt.")

    def test_another_provinces_report_is_out_of_scope_and_nothing_is_written(
        self, records: None, people: dict[str, User]
    ) -> None:
        # given the Sở of Lào Cai's report
        document = reports_only(exported_then_forgotten(lambda: accepted_half_year(people)))
        audit = AuditEntry.objects.count()

        # when the Sở of Thái Nguyên's officer uploads it
        report = exchange_import(copy.deepcopy(document), actor=people["other"])

        # then it is refused, and nothing is written
        assert found(report) == {("$.reporting_submissions[0]", "out_of_scope")}
        assert not Submission.objects.exists()
        assert AuditEntry.objects.count() == audit

    def test_a_step_in_the_name_of_a_body_without_the_authority_is_refused(
        self, records: None, people: dict[str, User]
    ) -> None:
        # given a file in which the Sở of Thái Nguyên sent Lào Cai's report and a province took it in
        document = reports_only(exported_then_forgotten(lambda: accepted_half_year(people)))
        forged = copy.deepcopy(document)
        forged["reporting_submissions"][0]["events"][0]["by"] = "SCT-19"
        accepted_by_province = copy.deepcopy(document)
        accepted_by_province["reporting_submissions"][0]["events"][1]["by"] = "SCT-15"

        # when the administrator uploads them
        first = exchange_import(forged, actor=system_user())
        second = exchange_import(accepted_by_province, actor=system_user())

        # then each names the body that has no such authority
        assert found(first) == {("$.reporting_submissions[0].events[0].by", "authority_denied")}
        assert found(second) == {("$.reporting_submissions[0].events[1].by", "authority_denied")}
        assert not Submission.objects.exists()


class TestBadInput:
    def test_every_mistake_is_listed_in_one_answer_and_nothing_is_written(
        self, records: None, people: dict[str, User]
    ) -> None:
        # given a file with one mistake in each report
        document = reports_only(exported_then_forgotten(lambda: accepted_half_year(people)))
        good = document["reporting_submissions"][0]
        items = [copy.deepcopy(good) for _ in range(8)]
        items[0]["duty"] = "bao_cao_khong_co"  # a duty no instance has
        items[1]["period"] = "q9"  # a period the half-yearly duty does not have
        items[2]["year"] = "2026"  # a wrong type (the schema) ...
        items[2]["events"][0]["by"] = "SCT-KHONG-CO"  # ... whose readable reference is still checked
        items[3]["state"] = "returned"  # a state the history does not lead to
        items[3]["duty"] = "sct_quarterly"
        items[3]["period"] = "q2"
        del items[4]["figures"]  # a report sent without the figures it was sent with
        items[4]["duty"] = "sct_yearly"
        items[4]["period"] = "y"
        items[5]["figures"] = {"period": {"as_of": "2026-06-30"}, "title": "?"}  # figures no report has
        items[5]["duty"] = "sct_quarterly"
        items[5]["period"] = "q1"
        items[5]["figures_as_of"] = "2026-03-31"
        items[5]["figures"]["period"]["as_of"] = "2026-03-31"
        items[6]["events"][1]["on"] = "2026-07-01"  # taken in before it was sent
        items[6]["organization"] = "SCT-19"
        items[7] = copy.deepcopy(items[6])  # the same report twice
        document["reporting_submissions"] = items

        # when the administrator uploads it
        report = exchange_import(document, actor=system_user())

        # then one answer lists them all, each with its path and code
        assert found(report) == {
            ("$.reporting_submissions[0].duty", "reference_missing"),
            ("$.reporting_submissions[1].period", "unknown_period"),
            ("$.reporting_submissions[2].year", "schema_type"),
            ("$.reporting_submissions[2].events[0].by", "reference_missing"),
            ("$.reporting_submissions[3].state", "state_mismatch"),
            ("$.reporting_submissions[4].figures", "figures_required"),
            ("$.reporting_submissions[5].figures", "figures_invalid"),
            ("$.reporting_submissions[6].events[1].on", "out_of_order"),
            ("$.reporting_submissions[7]", "duplicate_record"),
        }, [str(e) for e in report.errors]
        # and nothing is written
        assert not Submission.objects.exists()

    def test_a_later_version_whose_first_is_refused_is_told_where(self, records: None, people: dict[str, User]) -> None:
        # given both versions, the first with an unknown signer's body on its acceptance
        document = reports_only(exported_then_forgotten(lambda: second_version(people, accepted_half_year(people))))
        document["reporting_submissions"][0]["events"][1]["by"] = "CUC-KHONG-CO"

        # when it is imported
        report = exchange_import(document, actor=system_user())

        # then the second version points at the first one's error
        assert found(report) == {
            ("$.reporting_submissions[0].events[1].by", "reference_missing"),
            ("$.reporting_submissions[1].version", "reference_missing"),
        }
        message = next(e.message for e in report.errors if e.path.endswith("[1].version"))
        assert "$.reporting_submissions[0]" in message
