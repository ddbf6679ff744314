"""The đề án pages and refusals read in English for a user who chose it, and stay Vietnamese by default."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from conftest import chose_english, client_for, make_user
from khuyencong.accounts.models import Role, User
from khuyencong.projects import dossier_rules
from khuyencong.projects.authority import NO_CREATE_ROLE, creation_refused
from khuyencong.projects.models import Project
from khuyencong.projects.workflow import Action, State, TransitionNotAllowed

pytestmark = pytest.mark.django_db


def test_the_list_reads_in_english_for_a_user_who_chose_it() -> None:
    # Given two officers of the same department, one of whom chose English
    english = make_user("en", "SCT-19", Role.OFFICER)
    chose_english(english)
    vietnamese = make_user("vi", "SCT-19", Role.OFFICER)

    # When each opens the list of đề án
    in_english = client_for(english).get(reverse("projects:list")).content.decode()
    in_vietnamese = client_for(vietnamese).get(reverse("projects:list")).content.decode()

    # Then the heading and the filters are in each one's language
    assert "<h1>Industrial promotion projects</h1>" in in_english
    assert "Project code or title" in in_english
    assert "Đề án khuyến công" not in in_english
    assert "<h1>Đề án khuyến công</h1>" in in_vietnamese
    assert "Mã hoặc tên đề án" in in_vietnamese


def test_a_refusal_keeps_its_code_and_speaks_the_readers_language() -> None:
    # Given the refusal of a new đề án to someone without the officer's role
    # When it is raised for an English reader and for the default reader
    with translation.override("en"):
        english = creation_refused()
    with translation.override("vi"):
        vietnamese = creation_refused()

    # Then the machine code is the same and only the message differs
    assert english.code == vietnamese.code == NO_CREATE_ROLE
    assert (
        str(english) == "You are not allowed to create projects (this needs the officer role in a body with an area)."
    )
    assert str(vietnamese) == (
        "Bạn không có quyền lập đề án (cần vai trò cán bộ nghiệp vụ của một cơ quan có địa bàn)."
    )


def test_a_refused_step_names_the_state_in_english() -> None:
    # Given a contract signed on a đề án that is only registered
    # When the workflow refuses it for an English reader
    with translation.override("en"):
        refused = TransitionNotAllowed(Action.CONTRACT_SIGNED, State.REGISTERED)

    # Then the sentence is English, with no Vietnamese frame left
    assert str(refused).startswith("Cannot «")
    assert "while the project is «" in str(refused)
    assert "Không thể" not in str(refused)


def test_the_rules_csv_citations_follow_the_readers_language() -> None:
    # Given the deadlines of Circular 36/2013 read from their CSV
    rule = next(d for d in dossier_rules.deadlines() if d.kind == dossier_rules.DeadlineKind.SETTLEMENT_DOSSIER)

    # When they are cited for an English reader and for the default reader
    with translation.override("en"):
        english = rule.citation
    with translation.override("vi"):
        vietnamese = rule.citation

    # Then each reads its own column, the Vietnamese one unchanged
    assert english.startswith("Circular 36/2013/TT-BCT Art. 19")
    assert vietnamese.startswith("Thông tư 36/2013/TT-BCT Điều 19")


MACHINERY_VI = "Hỗ trợ ứng dụng máy móc thiết bị tiên tiến"
MACHINERY_EN = "Support for applying advanced machinery and equipment"


def test_the_content_of_a_project_is_named_in_the_readers_language(yen_bai: None, laocai_officer: User) -> None:
    # Given Yên Bái's machinery đề án, opened by an officer of Lào Cai (which Yên Bái joined)
    project = Project.objects.get(code="YB-KCDP22-01")
    assert project.content.code == "machinery_application"
    url = reverse("projects:detail", args=[project.pk])

    # When he reads it in Vietnamese, then in English
    in_vietnamese = client_for(laocai_officer).get(url).content.decode()
    chose_english(laocai_officer)
    in_english = client_for(laocai_officer).get(url).content.decode()

    # Then the content is the Decree's Vietnamese words, then their English
    assert f"<dd>{MACHINERY_VI}</dd>" in in_vietnamese
    assert f"<dd>{MACHINERY_EN}</dd>" in in_english
    assert MACHINERY_VI not in in_english
    # and its details are headed as such, not with a proposal table's «Field» (the same Vietnamese word elsewhere)
    assert "<h2>Details</h2>" in in_english


def test_the_lists_filter_and_its_workbook_name_the_contents_in_english(yen_bai: None, laocai_officer: User) -> None:
    chose_english(laocai_officer)
    client = client_for(laocai_officer)

    page = client.get(reverse("projects:list")).content.decode()
    export = client.get(reverse("projects:export"))
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active  # type: ignore[attr-defined]
    assert isinstance(sheet, Worksheet)
    cells = {str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None}

    # The filter's choices are the contents' English names; so is the list's workbook (a working list, not an
    # official document: its headings follow the reader too)
    assert f">{MACHINERY_EN}</option>" in page
    assert MACHINERY_VI not in page
    assert MACHINERY_EN in cells
    assert MACHINERY_VI not in cells


class TestAmountsInRefusals:
    """A refusal's amounts are written in its reader's language, like its words: 1,500,000 VND for an English
    reader, 1.500.000 đồng in Vietnamese (and so in an official file, built in Vietnamese)."""

    @staticmethod
    def _appraised_above_the_request() -> str:
        from dataclasses import dataclass
        from datetime import date
        from decimal import Decimal

        from khuyencong.projects.timeline import derive

        @dataclass
        class Event:
            on: date
            action: str
            amount: Decimal | None = None
            percent: Decimal | None = None

        events = [
            Event(date(2026, 3, 2), Action.REGISTERED),
            Event(date(2026, 3, 5), Action.DRAFTED),
            Event(date(2026, 3, 9), Action.SUBMITTED_FOR_APPRAISAL),
            Event(date(2026, 3, 20), Action.APPRAISAL_PASSED, Decimal(1_500_000)),
        ]
        _derived, breach = derive(events, support_requested=Decimal(1_200_000))
        assert breach is not None
        assert breach.code == "amount_above_requested"
        return breach.message

    def test_an_english_reader_reads_the_amounts_the_english_way(self) -> None:
        # Given an appraisal of 1.500.000 đồng against a request of 1.200.000 đồng
        # When the refusal is written for an English reader
        with translation.override("en"):
            message = self._appraised_above_the_request()

        # Then both amounts are in English figures and no Vietnamese amount is left
        assert "1,500,000 VND" in message
        assert "1,200,000 VND" in message
        assert "đồng" not in message

    def test_the_vietnamese_reader_keeps_the_vietnamese_amounts(self) -> None:
        with translation.override("vi"):
            message = self._appraised_above_the_request()

        assert "1.500.000 đồng" in message
        assert "1.200.000 đồng" in message


def test_in_english_a_step_is_named_as_a_deed_and_a_state_as_a_condition() -> None:
    # Given the Vietnamese a step shares with the state it leads to («Xin điều chỉnh» is asked, then waited in)
    shared = [a for a in Action if a.value in State.values and str(a.label) == str(State(a.value).label)]
    assert {a.value for a in shared} >= {"adjustment_requested", "stop_requested"}

    # When they are read in English
    with translation.override("en"):
        # Then the step is a deed and the state a condition, and no step reads as a state does
        assert (str(Action.ADJUSTMENT_REQUESTED.label), str(State.ADJUSTMENT_REQUESTED.label)) == (
            "Adjustment request", "Adjustment requested")  # fmt: skip
        assert (str(Action.REJECTED.label), str(State.REJECTED.label)) == ("Rejection", "Not approved")
        assert {str(a.label) for a in Action}.isdisjoint({str(s.label) for s in State})
    with translation.override("vi"):
        assert str(Action.ADJUSTMENT_REQUESTED.label) == str(State.ADJUSTMENT_REQUESTED.label) == "Xin điều chỉnh"
