"""A report's sentences and tables write their figures in the reader's language — 20,7% in Vietnamese, 20.7% on a
page read in English — while the official files stay Vietnamese (they are built under `translation.override("vi")`)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from khuyencong.reports.layout import Col, cell_text
from khuyencong.reports.national import national_sections
from khuyencong.reports.periods import Period
from khuyencong.reports.scope import resolve_scope
from khuyencong.reports.selectors import report_build

pytestmark = pytest.mark.django_db

H1 = Period.year(2022, months=6)


def plan_sentence() -> str:
    report = report_build("national", resolve_scope(on=H1.as_of), H1).data
    sentences = [line for section in national_sections(report) for line in section.text if "%" in line]
    assert len(sentences) == 1
    return sentences[0]


def test_the_plan_sentence_writes_its_percent_the_vietnamese_way(south: None) -> None:
    with translation.override("vi"):
        sentence = plan_sentence()

    assert "đạt 20,7% kế hoạch năm" in sentence
    assert "20.7" not in sentence


def test_the_plan_sentence_writes_its_percent_the_english_way(south: None) -> None:
    with translation.override("en"):
        sentence = plan_sentence()

    assert "20.7%" in sentence
    assert "20,7" not in sentence


@pytest.mark.parametrize(
    ("language", "money", "count", "percent"),
    [("vi", "1.520.000.000", "1.234", "20,7%"), ("en", "1,520,000,000", "1,234", "20.7%")],
)
def test_a_tables_figures_follow_the_language_in_force(language: str, money: str, count: str, percent: str) -> None:
    with translation.override(language):
        assert cell_text(1_520_000_000, Col.MONEY) == money
        assert cell_text(1234, Col.COUNT) == count
        assert cell_text(Decimal("20.7"), Col.PERCENT) == percent
        assert cell_text(None, Col.PERCENT) == "—"
