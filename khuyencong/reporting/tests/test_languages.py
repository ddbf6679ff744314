"""The reporting regime in two languages: the calendar's words follow the reader's language; the refusals name the
move in a whole sentence."""

from __future__ import annotations

from django.utils import translation

from khuyencong.reporting.rules import Frequency, period_label
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
