"""The reporting regime in two languages: the calendar's words follow the reader's language; the refusals name the
move in a whole sentence."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import translation
from docx import Document as WordDocument

from conftest import chose_english, client_for, make_user
from khuyencong.accounts.models import Role
from khuyencong.organizations.models import Organization
from khuyencong.reporting.documents import submission_file
from khuyencong.reporting.models import ReportingDuty
from khuyencong.reporting.rules import Frequency, period_label
from khuyencong.reporting.services import submission_open
from khuyencong.reports.periods import Period


def test_the_period_labels_are_the_officials_words_in_vietnamese_and_english() -> None:
    with translation.override("vi"):
        assert period_label(Frequency.HALF_YEARLY, "h1", 2026) == Period.year(2026, months=6).label
        assert period_label(Frequency.NINE_MONTHS, "9m", 2026) == Period.year(2026, months=9).label
        assert period_label(Frequency.YEARLY, "y", 2026) == Period.year(2026).label
        assert period_label(Frequency.QUARTERLY, "q2", 2026) == "quý II năm 2026"
        assert period_label(Frequency.MONTHLY, "m03", 2026) == "tháng 3/2026"
    with translation.override("en"):
        assert period_label(Frequency.HALF_YEARLY, "h1", 2026) == "first six months of 2026"
        assert period_label(Frequency.QUARTERLY, "q2", 2026) == "quarter II of 2026"


@pytest.mark.django_db
def test_the_calendar_names_the_duties_in_the_readers_language(frozen_clock: None) -> None:
    # Given an officer of Lào Cai's Sở, who reads the calendar of 2026 in Vietnamese, then in English
    officer = make_user("sct15", "SCT-15", Role.OFFICER)
    url = reverse("reporting:calendar")
    in_vietnamese = client_for(officer).get(url, {"year": "2026"}).content.decode()
    chose_english(officer)
    in_english = client_for(officer).get(url, {"year": "2026"}).content.decode()

    # Then the half-yearly report is named in his language
    assert 'data-label="Báo cáo">Báo cáo 6 tháng tình hình thực hiện khuyến công<br>' in in_vietnamese
    assert 'data-label="Report">Half-yearly report on industrial promotion<br>' in in_english
    assert "Báo cáo 6 tháng tình hình thực hiện khuyến công" not in in_english
    # and so is its legal basis
    assert (
        "Circular 36/2013/TT-BCT Art. 21(5); Circular 46/2012/TT-BCT Art. 9 (the texts set no due date; the system "
        "applies a default)" in in_english
    )
    assert "Thông tư" not in in_english
    assert "Thông tư 36/2013/TT-BCT Điều 21 khoản 5" in in_vietnamese


@pytest.mark.django_db
def test_the_report_as_filed_names_its_duty_in_vietnamese_for_an_english_reader(frozen_clock: None) -> None:
    # Given the Sở's half-yearly report of 2026, drafted by an officer who reads English
    officer = chose_english(make_user("sct15", "SCT-15", Role.OFFICER))
    report = submission_open(
        actor=officer, duty=ReportingDuty.objects.get(code="sct_half_yearly"),
        organization=Organization.objects.get(code="SCT-15"), year=2026, period_key="h1",
    )  # fmt: skip

    # When he downloads it while reading English
    with translation.override("en"):
        word = WordDocument(io.BytesIO(submission_file(report, "docx")))
    text = "\n".join(p.text for p in word.paragraphs) + "\n".join(
        c.text for t in word.tables for r in t.rows for c in r.cells
    )

    # Then the administrative document names the duty as the Circular does
    assert "báo cáo 6 tháng tình hình thực hiện khuyến công" in text.lower()
    assert "half-yearly report" not in text.lower()
    # and the duty's recipients are the Circular's, in Vietnamese
    assert "Cục quản lý khuyến công (Bộ Công Thương)" in text


@pytest.mark.django_db
def test_the_report_page_cites_its_basis_and_recipients_in_the_readers_language(frozen_clock: None) -> None:
    # Given the Sở's half-yearly report of 2026
    officer = make_user("sct15", "SCT-15", Role.OFFICER)
    report = submission_open(
        actor=officer, duty=ReportingDuty.objects.get(code="sct_half_yearly"),
        organization=Organization.objects.get(code="SCT-15"), year=2026, period_key="h1",
    )  # fmt: skip
    url = reverse("reporting:submission", args=[report.pk])

    # When the officer opens its page in Vietnamese, then in English
    in_vietnamese = client_for(officer).get(url).content.decode()
    in_english = client_for(chose_english(officer)).get(url).content.decode()

    # Then the page says on what basis and to whom in his language
    assert "Legal basis: Circular 36/2013/TT-BCT Art. 21(5)" in in_english
    assert "Agency for Regional Industry Development (Ministry of Industry and Trade); Provincial People&#x27;s" in (
        in_english
    )
    assert "Cục quản lý khuyến công" not in in_english
    assert "Căn cứ: Thông tư 36/2013/TT-BCT Điều 21 khoản 5" in in_vietnamese
    assert "Nơi nhận: Cục quản lý khuyến công (Bộ Công Thương); UBND tỉnh" in in_vietnamese
