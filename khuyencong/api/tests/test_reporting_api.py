"""Periodic reports over the REST API (issue 11, item 7): the same scoping as the reporting pages and the same services,
each move by the persona whose act it is; the wrong persona gets a 404 (cannot see the report) or a 403 (sees it, may
not act) with nothing written; bad input is a 400 with its codes, never a 500; and the calendar as JSON."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from conftest import make_user
from khuyencong.accounts.models import Role, User
from khuyencong.audit.models import AuditEntry
from khuyencong.reporting.models import Submission, SubmissionEvent
from khuyencong.reporting.rules import SubmissionState

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

REPORTS = "/api/v1/reporting/submissions/"
CALENDAR = "/api/v1/reporting/calendar/"
HALF_YEAR = {"duty": "sct_half_yearly", "organization": "SCT-15", "year": 2026, "period": "h1"}
SIGNED = {"number": "125/BC-SCT", "signer": "Nguyễn Văn A", "signer_title": "Giám đốc"}


def api_for(user: User) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def people(db: None) -> dict[str, APIClient]:
    return {
        "sct": api_for(make_user("sct15", "SCT-15", Role.OFFICER)),
        "centre": api_for(make_user("ttkc15", "TTKC-15", Role.OFFICER)),
        "viewer": api_for(make_user("viewer15", "SCT-15", Role.VIEWER)),
        "cuc": api_for(make_user("cuc", "CUC-CTDP", Role.OFFICER, Role.APPROVER)),
        "other": api_for(make_user("sct19", "SCT-19", Role.OFFICER)),
    }


def url(report: dict[str, Any], move: str = "") -> str:
    return f"{REPORTS}{report['id']}/{move + '/' if move else ''}"


def opened(people: dict[str, APIClient], **text: str) -> dict[str, Any]:
    """The Sở's six-month report, opened by its centre and written with the signature block."""
    report = people["centre"].post(REPORTS, HALF_YEAR, format="json").json()
    return people["centre"].patch(url(report), {**SIGNED, **text}, format="json").json()


def sent(people: dict[str, APIClient]) -> dict[str, Any]:
    response = people["sct"].post(url(opened(people)) + "submit/", {"on": "2026-07-10"}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def unchanged(before: tuple[int, int, int]) -> bool:
    return (Submission.objects.count(), SubmissionEvent.objects.count(), AuditEntry.objects.count()) == before


def counts() -> tuple[int, int, int]:
    return Submission.objects.count(), SubmissionEvent.objects.count(), AuditEntry.objects.count()


def test_the_schema_generates_without_warnings_and_names_the_reporting_endpoints(tmp_path: Any) -> None:
    # when the OpenAPI schema is generated, refusing any warning
    target = tmp_path / "schema.json"
    call_command("spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", "--file", str(target),
                 stderr=io.StringIO())  # fmt: skip

    # then it names every reporting endpoint
    text = target.read_text(encoding="utf-8")
    for path in ["/api/v1/reporting/submissions/", "/api/v1/reporting/submissions/{id}/",
                 "/api/v1/reporting/submissions/{id}/submit/", "/api/v1/reporting/submissions/{id}/return/",
                 "/api/v1/reporting/submissions/{id}/accept/", "/api/v1/reporting/submissions/{id}/new-version/",
                 "/api/v1/reporting/calendar/"]:  # fmt: skip
        assert f'"{path}"' in text


class TestMoves:
    def test_the_centre_drafts_the_sct_sends_the_cuc_returns_then_accepts(self, people: dict[str, APIClient]) -> None:
        # given the centre opens the Sở's report, and the Sở opens it again
        first = people["centre"].post(REPORTS, HALF_YEAR, format="json")
        again = people["sct"].post(REPORTS, HALF_YEAR, format="json")
        assert (first.status_code, again.status_code) == (201, 200)
        assert first.json()["id"] == again.json()["id"]
        assert first.json()["state"] == "draft"

        # when the centre writes it, it may edit but not send
        report = people["centre"].patch(url(first.json()), {**SIGNED, "highlights": "Hỗ trợ 1 đề án."}, format="json")
        assert report.status_code == 200, report.content
        report_body = report.json()
        assert (report_body["signer"], report_body["highlights"]) == ("Nguyễn Văn A", "Hỗ trợ 1 đề án.")
        assert people["centre"].get(url(report_body)).json()["allowed_actions"] == ["edit"]
        refused = people["centre"].post(url(report_body, "submit"), {}, format="json")
        assert (refused.status_code, refused.json()["code"]) == (403, "out_of_scope")

        # when the Sở sends it, sent on paper on 10/07
        sent_body = people["sct"].post(url(report_body, "submit"), {"on": "2026-07-10"}, format="json").json()
        assert sent_body["state"] == "submitted"
        assert sent_body["figures_as_of"] == "2026-06-30"
        assert sent_body["figures"]["period"]["as_of"] == "2026-06-30"
        move = next(e for e in sent_body["events"] if e["action"] == "submitted")
        assert (move["on"], move["by"]) == ("2026-07-10", "SCT-15")
        assert people["cuc"].get(url(sent_body)).json()["allowed_actions"] == ["return", "accept"]

        # then the Cục must say why it sends it back
        blank = people["cuc"].post(url(sent_body, "return"), {"comment": " "}, format="json")
        assert blank.status_code == 400
        assert blank.json()["codes"] == {"comment": ["required"]}
        returned = people["cuc"].post(url(sent_body, "return"), {"comment": "Bổ sung kiến nghị."}, format="json")
        assert returned.json()["state"] == "returned"

        # and the Sở corrects it, sends it again, and the Cục takes it in
        people["sct"].patch(url(sent_body), {"recommendations": "Bổ sung kinh phí."}, format="json")
        people["sct"].post(url(sent_body, "submit"), {}, format="json")
        accepted = people["cuc"].post(url(sent_body, "accept"), {"comment": "Đạt."}, format="json").json()
        assert accepted["state"] == "accepted"
        assert [e["action"] for e in accepted["events"]] == [
            "created", "edited", "submitted", "returned", "edited", "submitted", "accepted"
        ]  # fmt: skip
        assert people["sct"].get(url(accepted)).json()["allowed_actions"] == ["new_version"]

    def test_an_accepted_report_is_changed_only_by_a_new_version_with_its_reason(
        self, people: dict[str, APIClient]
    ) -> None:
        # given an accepted report
        report = sent(people)
        people["cuc"].post(url(report, "accept"), {}, format="json")
        before = counts()

        # when the Sở edits it, or asks for a new version without a reason
        edit = people["sct"].patch(url(report), {"highlights": "Sửa lén."}, format="json")
        bare = people["sct"].post(url(report, "new-version"), {}, format="json")

        # then both are refused with their codes, and nothing is written
        assert (edit.status_code, edit.json()["codes"]) == (400, {"state": ["not_editable"]})
        assert (bare.status_code, bare.json()["codes"]) == (400, {"reason": ["reason_required"]})
        assert unchanged(before)

        # when it gives the reason, a second version opens as a draft
        fresh = people["sct"].post(url(report, "new-version"), {"reason": "Đính chính số liệu."}, format="json")
        assert fresh.status_code == 201
        assert (fresh.json()["version"], fresh.json()["state"], fresh.json()["current"]) == (2, "draft", True)
        assert people["sct"].get(url(report)).json()["current"] is False


class TestWrongPersona:
    def test_another_province_does_not_see_the_report_and_nothing_is_written(
        self, people: dict[str, APIClient]
    ) -> None:
        # given the Sở of Lào Cai's report, sent
        report = sent(people)
        before = counts()

        # when the Sở of Thái Nguyên reads it or acts on it
        answers = [
            people["other"].get(url(report)),
            people["other"].patch(url(report), {"highlights": "x"}, format="json"),
            people["other"].post(url(report, "accept"), {}, format="json"),
            people["other"].post(url(report, "return"), {"comment": "x"}, format="json"),
        ]

        # then the report is not found, as if it did not exist, and nothing is written
        assert [a.status_code for a in answers] == [404, 404, 404, 404]
        assert people["other"].get(REPORTS).json()["count"] == 0
        assert unchanged(before)

    def test_who_sees_the_report_but_may_not_act_gets_a_403_with_its_code(self, people: dict[str, APIClient]) -> None:
        # given the Sở's report, sent
        report = sent(people)
        before = counts()

        # when the Sở tries to take in its own report, a viewer to write it, another province to open it
        accept = people["sct"].post(url(report, "accept"), {}, format="json")
        write = people["viewer"].post(REPORTS, {**HALF_YEAR, "period": "h1"}, format="json")
        foreign = people["other"].post(REPORTS, HALF_YEAR, format="json")

        # then each is refused for who asks, with its code, and nothing is written
        for answer in (accept, write, foreign):
            assert (answer.status_code, answer.json()["code"]) == (403, "out_of_scope")
        assert Submission.objects.get().state == SubmissionState.SUBMITTED
        assert unchanged(before)


class TestBadInput:
    @pytest.mark.parametrize(
        ("body", "field", "code"),
        [
            ({**HALF_YEAR, "duty": "khong_co"}, "duty", "does_not_exist"),
            ({**HALF_YEAR, "organization": "SCT-KHONG-CO"}, "organization", "does_not_exist"),
            ({**HALF_YEAR, "year": "abc"}, "year", "invalid"),
            ({**HALF_YEAR, "year": 99999}, "year", "max_value"),
            ({**HALF_YEAR, "period": "q9"}, "period", "unknown_period"),
            ({**HALF_YEAR, "year": 2027}, "period", "future_period"),
            ({**HALF_YEAR, "duty": "ubnd_quarterly", "period": "q1"}, "duty", "not_owed"),
            ({k: v for k, v in HALF_YEAR.items() if k != "period"}, "period", "required"),
        ],
    )
    def test_a_report_cannot_be_opened_with_bad_input(
        self, people: dict[str, APIClient], body: dict[str, Any], field: str, code: str
    ) -> None:
        # when the Sở opens a report with one bad value
        response = people["sct"].post(REPORTS, body, format="json")

        # then it is a 400 naming the field with its code, and nothing is written
        assert response.status_code == 400, response.content
        assert code in response.json()["codes"][field]
        assert not Submission.objects.exists()

    def test_bad_moves_and_addresses_are_refused_never_a_500(self, people: dict[str, APIClient]) -> None:
        # given a written draft
        report = opened(people)
        before = counts()

        # when a move is dated in the future or is not a date, a field that is not the officials' is written,
        # a report is sent before it is signed, or an address is not a report
        future = people["sct"].post(url(report, "submit"), {"on": "2030-01-01"}, format="json")
        not_a_date = people["sct"].post(url(report, "submit"), {"on": "30/06/2026"}, format="json")
        state = people["sct"].patch(url(report), {"state": "accepted", "figures": {}}, format="json")
        unsigned = people["sct"].patch(url(report), {"signer": ""}, format="json")
        unsigned_send = people["sct"].post(url(report, "submit"), {}, format="json")
        wrong_state = people["cuc"].post(url(report, "accept"), {}, format="json")
        addresses = [people["sct"].get(f"{REPORTS}{tail}") for tail in ("abc/", "9" * 30 + "/", "999999/")]

        # then each is a 4xx with its code
        assert (future.status_code, future.json()["codes"]) == (400, {"on": ["future_date"]})
        assert (not_a_date.status_code, not_a_date.json()["codes"]) == (400, {"on": ["invalid"]})
        assert state.status_code == 400
        assert state.json()["codes"] == {"state": ["unknown_field"], "figures": ["unknown_field"]}
        assert unsigned.status_code == 200
        assert (unsigned_send.status_code, unsigned_send.json()["codes"]) == (400, {"signer": ["required"]})
        assert (wrong_state.status_code, wrong_state.json()["codes"]) == (400, {"state": ["wrong_state"]})
        assert [a.status_code for a in addresses] == [404, 404, 404]
        # and only the signer's removal was written
        assert Submission.objects.get().state == SubmissionState.DRAFT
        assert Submission.objects.get().signer == ""
        assert counts()[0] == before[0]


class TestListAndCalendar:
    def test_the_list_is_scoped_and_filtered(self, people: dict[str, APIClient]) -> None:
        # given the Sở's six-month report sent, and its first-quarter report a draft
        sent(people)
        people["sct"].post(REPORTS, {**HALF_YEAR, "duty": "sct_quarterly", "period": "q1"}, format="json")

        # then the Sở, its centre, its viewer and the Cục see both; another province none
        for who in ("sct", "centre", "viewer", "cuc"):
            assert people[who].get(REPORTS).json()["count"] == 2, who
        assert people["other"].get(REPORTS).json()["count"] == 0
        # and the list is filtered as asked
        listed = people["cuc"].get(REPORTS, {"state": "submitted", "year": "2026", "organization": "SCT-15"}).json()
        assert [(r["duty"], r["period"]) for r in listed["results"]] == [("sct_half_yearly", "h1")]
        assert "figures" not in listed["results"][0]
        assert people["cuc"].get(REPORTS, {"state": "flying"}).status_code == 400

    def test_the_calendar_lists_what_each_body_owes_and_where_it_stands(self, people: dict[str, APIClient]) -> None:
        # given the Sở's six-month report sent on 10/07, before its due date (20/07)
        sent(people)

        # when the Sở reads its year's calendar, and the Cục reads Lào Cai's
        own = people["sct"].get(CALENDAR, {"year": "2026"})
        national = people["cuc"].get(CALENDAR, {"year": "2026", "province": "15"})

        # then each report owed is there with its due date, status and lateness
        assert own.status_code == 200, own.content
        entries = {(e["organization"], e["duty"], e["period"]): e for e in own.json()["entries"]}
        h1 = entries[("SCT-15", "sct_half_yearly", "h1")]
        assert (h1["due_on"], h1["status"], h1["late"], h1["version"]) == ("2026-07-20", "submitted", False, 1)
        assert (h1["period_start"], h1["period_end"]) == ("2026-01-01", "2026-06-30")
        q1 = entries[("SCT-15", "sct_quarterly", "q1")]
        assert (q1["status"], q1["late"]) == ("not_started", True)
        assert ("UBND-15", "ubnd_quarterly", "q1") in entries
        assert national.json()["province"] == "15"
        assert {e["organization"] for e in national.json()["entries"]} >= {"SCT-15", "UBND-15"}
        assert not {e["organization"] for e in national.json()["entries"]} & {"SCT-19", "TTKC1"}
        # and another province's officer does not see Lào Cai's
        foreign = people["other"].get(CALENDAR, {"year": "2026"}).json()["entries"]
        assert "SCT-15" not in {e["organization"] for e in foreign}

    @pytest.mark.parametrize(
        ("params", "field", "code"),
        [
            ({"year": "abc"}, "year", "invalid"),
            ({"year": "1900"}, "year", "min_value"),
            ({"province": "99"}, "province", "province_unknown"),
            ({"province": "\x00"}, "province", "null_characters_not_allowed"),
        ],
    )
    def test_bad_calendar_parameters_are_a_400_with_codes(
        self, people: dict[str, APIClient], params: dict[str, str], field: str, code: str
    ) -> None:
        response = people["cuc"].get(CALENDAR, params)
        assert response.status_code == 400
        assert response.json()["codes"][field] == [code]
