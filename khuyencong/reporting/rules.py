"""The periodic reporting regime as rules: which periods a duty has in a year, when each report is due, and how a
submission moves (draft → submitted → accepted, or returned → resubmitted). Plain Python, testable without the
database; the duties themselves are dated reference data (`data/duties.csv`), each with its legal basis.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from enum import StrEnum

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from khuyencong.reports.periods import ROMAN, Period


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Hằng tháng")
    QUARTERLY = "quarterly", _("Hằng quý")
    HALF_YEARLY = "half_yearly", _("6 tháng")
    NINE_MONTHS = "nine_months", _("9 tháng")
    YEARLY = "yearly", _("Hằng năm")


class SubmissionState(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    SUBMITTED = "submitted", _("Đã gửi")
    RETURNED = "returned", _("Bị trả lại")
    ACCEPTED = "accepted", _("Đã tiếp nhận")


class CalendarStatus(StrEnum):
    """Where a due report stands, as the calendar shows it (the submission's state, or none yet)."""

    NOT_STARTED = "not_started"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    ACCEPTED = "accepted"


STATUS_LABELS = {
    CalendarStatus.NOT_STARTED: _("Chưa lập"),
    CalendarStatus.DRAFT: _("Đang soạn"),
    CalendarStatus.SUBMITTED: _("Đã gửi, chờ tiếp nhận"),
    CalendarStatus.RETURNED: _("Bị trả lại"),
    CalendarStatus.ACCEPTED: _("Đã tiếp nhận"),
}
# The same, as choices (the API's calendar names them in its schema).
CALENDAR_STATUS_CHOICES = [(status.value, label) for status, label in STATUS_LABELS.items()]


class Move(StrEnum):
    SUBMIT = "submit"
    RETURN = "return"
    ACCEPT = "accept"


class Side(StrEnum):
    """Who makes a move: the reporting body itself, or the level it reports to."""

    BODY = "body"
    REVIEWER = "reviewer"


@dataclass(frozen=True)
class Transition:
    source: frozenset[SubmissionState]
    target: SubmissionState
    side: Side


# A report is sent by its body and checked by the level above, which takes it in or sends it back with a comment
# (Decree 09/2019/NĐ-CP on the reporting regime of state administration, Art. 8 and 12: the receiving body checks and
# may ask for a report to be corrected).
TRANSITIONS: dict[Move, Transition] = {
    Move.SUBMIT: Transition(
        frozenset({SubmissionState.DRAFT, SubmissionState.RETURNED}), SubmissionState.SUBMITTED, Side.BODY
    ),
    Move.RETURN: Transition(frozenset({SubmissionState.SUBMITTED}), SubmissionState.RETURNED, Side.REVIEWER),
    Move.ACCEPT: Transition(frozenset({SubmissionState.SUBMITTED}), SubmissionState.ACCEPTED, Side.REVIEWER),
}

# What the body may still write in: a draft, or a report sent back to it. A submitted report waits for review; an
# accepted one is locked (a change is a new version, with its reason).
EDITABLE = frozenset({SubmissionState.DRAFT, SubmissionState.RETURNED})


def allowed_moves(state: SubmissionState, side: Side) -> list[Move]:
    return [move for move, t in TRANSITIONS.items() if state in t.source and t.side == side]


# The named parts officials write themselves (the headings of the seeds' reports and of Decree 09/2019 Phụ lục). The
# labels are the headings of the report as sent, an administrative document in Vietnamese whoever writes it (Decree
# 30/2020/NĐ-CP Art. 8); the form's fields are labelled by the model's own verbose names, which are translated.
SECTIONS: tuple[tuple[str, str], ...] = (  # vi-only: the headings of the sent report, an administrative document
    ("highlights", "Kết quả nổi bật"),
    ("shortcomings", "Tồn tại, hạn chế và nguyên nhân"),
    ("solutions", "Giải pháp"),
    ("recommendations", "Kiến nghị, đề xuất"),
    ("next_period", "Kế hoạch kỳ tới"),
)


@dataclass(frozen=True)
class DueRule:
    """When a report of a period is due: on `day` of the month `months_after` months after the period's last month
    (the 25th of the same month for a monthly report: `months_after=0`), or `days_after` days after the period."""

    day: int | None = None
    months_after: int = 0
    days_after: int | None = None

    def due(self, period_end: datetime.date) -> datetime.date:
        if self.days_after is not None:
            return period_end + datetime.timedelta(days=self.days_after)
        assert self.day is not None, "a due rule has a day of the month or a number of days"
        month_index = period_end.year * 12 + period_end.month - 1 + self.months_after
        year, month = divmod(month_index, 12)
        last = calendar.monthrange(year, month + 1)[1]
        return datetime.date(year, month + 1, min(self.day, last))

    def describe(self) -> str:
        if self.days_after is not None:
            return gettext("trong %(days)d ngày sau kỳ báo cáo") % {"days": self.days_after}
        if self.months_after == 0:
            return gettext("đến hết ngày %(day)d của tháng cuối kỳ") % {"day": self.day}
        return gettext("đến hết ngày %(day)d của tháng thứ %(months)d sau kỳ báo cáo") % {
            "day": self.day,
            "months": self.months_after,
        }


def periods_in(frequency: Frequency, year: int) -> list[tuple[str, Period]]:
    """The periods a duty of this frequency has in a year, with their keys (m01…m12, q1…q4, h1, 9m, y)."""
    if frequency == Frequency.MONTHLY:
        return [(f"m{month:02d}", _month(year, month)) for month in range(1, 13)]
    if frequency == Frequency.QUARTERLY:
        return [(f"q{q}", Period.quarter(year, q)) for q in range(1, 5)]
    if frequency == Frequency.HALF_YEARLY:
        return [("h1", Period.year(year, months=6))]
    if frequency == Frequency.NINE_MONTHS:
        return [("9m", Period.year(year, months=9))]
    return [("y", Period.year(year))]


def period_of(frequency: Frequency, year: int, key: str) -> Period:
    """The period named by its key; a key the frequency does not have is refused with the keys it has."""
    for found, period in periods_in(frequency, year):
        if found == key:
            return period
    keys = ", ".join(k for k, _ in periods_in(frequency, year))
    raise ValueError(
        gettext("Kỳ «%(key)s» không có trong chế độ báo cáo %(frequency)s; các kỳ: %(keys)s.")
        % {"key": key, "frequency": str(Frequency(frequency).label).lower(), "keys": keys}
    )


def period_label(frequency: Frequency, key: str, year: int) -> str:
    """The period in the officials' words ("6 tháng đầu năm 2026"), in the page's language."""
    if key.startswith("m"):
        return gettext("tháng %(month)d/%(year)d") % {"month": int(key[1:]), "year": year}
    period_of(frequency, year, key)  # a key the frequency does not have is refused
    if key.startswith("q"):
        # A quarterly report's first period is "quý I", not the "3 tháng" a cumulative report would say.
        return gettext("quý %(quarter)s năm %(year)d") % {"quarter": ROMAN[int(key[1:])], "year": year}
    # The cumulative periods, as reports.periods.Period.label names them.
    if key == "h1":
        return gettext("6 tháng đầu năm %(year)d") % {"year": year}
    if key == "9m":
        return gettext("9 tháng năm %(year)d") % {"year": year}
    return gettext("năm %(year)d") % {"year": year}


def _month(year: int, month: int) -> Period:
    return Period.of(datetime.date(year, month, 1), datetime.date(year, month, calendar.monthrange(year, month)[1]))


def is_late(
    status: CalendarStatus, due: datetime.date, today: datetime.date, submitted_on: datetime.date | None
) -> bool:
    """Late: the due date has passed and nothing was sent by it (a report sent after the day stays marked late)."""
    if submitted_on is not None:
        return submitted_on > due
    return status in (CalendarStatus.NOT_STARTED, CalendarStatus.DRAFT, CalendarStatus.RETURNED) and today > due
