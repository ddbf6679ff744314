"""The reporting regime's rules, without the database: periods, due dates, moves and lateness."""

from __future__ import annotations

import datetime

import pytest

from khuyencong.reporting.rules import (
    CalendarStatus,
    DueRule,
    Frequency,
    Move,
    Side,
    SubmissionState,
    allowed_moves,
    is_late,
    period_label,
    period_of,
    periods_in,
)

D = datetime.date


class TestDueDates:
    def test_a_monthly_report_is_due_by_the_25th_of_its_month(self) -> None:
        # TT 36/2013/TT-BCT Art. 22.2 and 23.3: before the 25th of every month
        assert DueRule(day=25).due(D(2026, 2, 28)) == D(2026, 2, 25)

    def test_a_quarterly_report_is_due_in_the_month_after(self) -> None:
        assert DueRule(day=20, months_after=1).due(D(2026, 3, 31)) == D(2026, 4, 20)

    def test_the_year_end_report_is_due_in_january_of_the_next_year(self) -> None:
        assert DueRule(day=20, months_after=1).due(D(2026, 12, 31)) == D(2027, 1, 20)

    def test_a_day_the_month_lacks_is_its_last_day(self) -> None:
        assert DueRule(day=31, months_after=1).due(D(2026, 1, 31)) == D(2026, 2, 28)

    def test_days_after_the_period(self) -> None:
        assert DueRule(days_after=15).due(D(2026, 6, 30)) == D(2026, 7, 15)

    def test_the_rule_says_itself_in_vietnamese(self) -> None:
        # The due day itself is on time ("by the 25th"): a report sent on it is not late (see TestLateness)
        assert DueRule(day=25).describe() == "đến hết ngày 25 của tháng cuối kỳ"


class TestPeriods:
    def test_each_frequency_has_its_periods(self) -> None:
        assert [k for k, _ in periods_in(Frequency.MONTHLY, 2026)][:2] == ["m01", "m02"]
        assert len(periods_in(Frequency.MONTHLY, 2026)) == 12
        assert [k for k, _ in periods_in(Frequency.QUARTERLY, 2026)] == ["q1", "q2", "q3", "q4"]
        ((key, half),) = periods_in(Frequency.HALF_YEARLY, 2026)
        assert (key, half.start, half.end) == ("h1", D(2026, 1, 1), D(2026, 6, 30))

    def test_a_key_the_frequency_does_not_have_is_refused_with_those_it_has(self) -> None:
        with pytest.raises(ValueError, match="q1, q2, q3, q4"):
            period_of(Frequency.QUARTERLY, 2026, "h1")

    def test_labels_are_the_officials_words(self) -> None:
        assert period_label(Frequency.MONTHLY, "m03", 2026) == "tháng 3/2026"
        assert period_label(Frequency.HALF_YEARLY, "h1", 2026) == "6 tháng đầu năm 2026"
        assert period_label(Frequency.QUARTERLY, "q2", 2026) == "quý II năm 2026"
        # The first quarter is a quarter too, not "3 tháng" as a cumulative report says
        assert period_label(Frequency.QUARTERLY, "q1", 2026) == "quý I năm 2026"
        assert period_label(Frequency.NINE_MONTHS, "9m", 2026) == "9 tháng năm 2026"


class TestMoves:
    def test_the_body_sends_a_draft_or_a_returned_report(self) -> None:
        assert allowed_moves(SubmissionState.DRAFT, Side.BODY) == [Move.SUBMIT]
        assert allowed_moves(SubmissionState.RETURNED, Side.BODY) == [Move.SUBMIT]
        assert allowed_moves(SubmissionState.SUBMITTED, Side.BODY) == []

    def test_the_level_above_returns_or_accepts_what_was_sent(self) -> None:
        assert allowed_moves(SubmissionState.SUBMITTED, Side.REVIEWER) == [Move.RETURN, Move.ACCEPT]
        assert allowed_moves(SubmissionState.DRAFT, Side.REVIEWER) == []

    def test_an_accepted_report_has_no_move(self) -> None:
        assert allowed_moves(SubmissionState.ACCEPTED, Side.BODY) == []
        assert allowed_moves(SubmissionState.ACCEPTED, Side.REVIEWER) == []


class TestLateness:
    due = D(2026, 7, 20)

    def test_nothing_sent_after_the_due_date_is_late(self) -> None:
        assert is_late(CalendarStatus.NOT_STARTED, self.due, D(2026, 7, 21), None)
        assert is_late(CalendarStatus.DRAFT, self.due, D(2026, 7, 21), None)

    def test_on_the_due_date_itself_it_is_not(self) -> None:
        assert not is_late(CalendarStatus.NOT_STARTED, self.due, self.due, None)

    def test_a_report_sent_after_the_day_stays_marked_late(self) -> None:
        assert is_late(CalendarStatus.ACCEPTED, self.due, D(2026, 9, 1), D(2026, 7, 25))
        assert not is_late(CalendarStatus.RETURNED, self.due, D(2026, 9, 1), D(2026, 7, 19))
