"""Reporting periods as the khuyến công reports name them: 6 months, 9 months, a year, a quarter, or any range."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, replace

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


@dataclass(frozen=True)
class Period:
    """Figures count what happened from `start` to `end`, as the records stood at the end of `as_of`."""

    start: datetime.date
    end: datetime.date
    as_of: datetime.date

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise ValueError(_("Kỳ báo cáo không hợp lệ: ngày bắt đầu %(start)s sau ngày kết thúc %(end)s.")
                             % {"start": f"{self.start:%d/%m/%Y}", "end": f"{self.end:%d/%m/%Y}"})  # fmt: skip

    @classmethod
    def of(cls, start: datetime.date, end: datetime.date, *, as_of: datetime.date | None = None) -> Period:
        return cls(start, end, as_of or end)

    @classmethod
    def year(cls, year: int, *, months: int = 12, as_of: datetime.date | None = None) -> Period:
        """The first `months` months of a year: 6 (sáu tháng đầu năm), 9 (chín tháng) or 12 (cả năm)."""
        if not 1 <= months <= 12:
            raise ValueError(_("Số tháng phải từ 1 đến 12, không phải %(months)s.") % {"months": months})
        end = datetime.date(year, months, calendar.monthrange(year, months)[1])
        return cls.of(datetime.date(year, 1, 1), end, as_of=as_of)

    @classmethod
    def quarter(cls, year: int, quarter: int, *, as_of: datetime.date | None = None) -> Period:
        if quarter not in ROMAN:
            raise ValueError(_("Quý phải từ 1 đến 4, không phải %(quarter)s.") % {"quarter": quarter})
        last = quarter * 3
        end = datetime.date(year, last, calendar.monthrange(year, last)[1])
        return cls.of(datetime.date(year, last - 2, 1), end, as_of=as_of)

    @property
    def until(self) -> datetime.date:
        """The last day whose events count: a report as of a day inside the period sees nothing after it."""
        return min(self.end, self.as_of)

    @property
    def plan_year(self) -> int:
        return self.end.year

    @property
    def label(self) -> str:
        start, end = self.start, self.end
        year = end.year
        if start.year == year and start.day == 1 and end == _month_end(end):
            first, last = start.month, end.month
            if first == 1 and last == 12:
                return pgettext("period", "năm %(year)s") % {"year": year}
            if first == 1 and last == 6:
                return _("6 tháng đầu năm %(year)s") % {"year": year}
            if first == 7 and last == 12:
                return _("6 tháng cuối năm %(year)s") % {"year": year}
            if first == 1:
                return _("%(months)s tháng năm %(year)s") % {"months": last, "year": year}
            if last - first == 2 and first % 3 == 1:
                return _("quý %(quarter)s năm %(year)s") % {"quarter": ROMAN[last // 3], "year": year}
        return _("từ ngày %(start)s đến ngày %(end)s") % {"start": f"{start:%d/%m/%Y}", "end": f"{end:%d/%m/%Y}"}

    def previous_year(self) -> Period:
        """The same period one year earlier (29/02 becomes 28/02)."""
        return replace(self, start=_year_back(self.start), end=_year_back(self.end), as_of=_year_back(self.as_of))


def _month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _year_back(day: datetime.date) -> datetime.date:
    if day.month == 2 and day.day == 29:
        return datetime.date(day.year - 1, 2, 28)
    if day == _month_end(day):
        return _month_end(datetime.date(day.year - 1, day.month, 1))
    return day.replace(year=day.year - 1)
