"""The report pages' charts: the approved đề án by KC content, by where they stand, and the last five plan years.
Drawn on the server as SVG (no chart library in the browser, nothing to load), each with its title and the table of
its figures, so that a screen reader or a printout reads the same numbers. The figures are the report's own (its
`breakdown` and `status`) and, for the trend, the provincial report's aggregate of past years — one grouped query
over the five years."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from khuyencong.core.numbers import active_locale, format_money_compact, format_number
from khuyencong.projects.models import Project

from .periods import Period
from .provincial import STATUS_LABELS, past_years
from .scope import ReportScope

TREND_YEARS = 5
# The SVG's geometry, in its own units (it scales to the box it is shown in).
WIDTH = 640
LABEL = 230
# Room for the longest figure written beside a bar: "2 billion 150 million VND" on a page read in English.
VALUE = 170
BAR = 18
GAP = 8
LABEL_CHARS = 34
LABEL_LINES = 2
LINE = 14
# The narrow drawing (a phone): the label on its own lines above the bars, whole or nearly, at a readable size.
NARROW_WIDTH = 360
NARROW_LINE = 15
NARROW_CHARS = 50
NARROW_LINES = 2
COLOURS = ("#1f5fa8", "#e07b00", "#2e8b57")


@dataclass(frozen=True)
class Bar:
    value: Decimal
    text: str
    width: str
    y: int
    colour: str

    @property
    def text_x(self) -> str:
        return str(LABEL + Decimal(self.width) + 4)

    @property
    def baseline(self) -> int:
        return self.y + BAR - 5


@dataclass(frozen=True)
class Row:
    label: str
    bars: list[Bar]
    link: str | None
    y: int
    baseline: int

    @property
    def lines(self) -> list[tuple[str, int]]:
        """The label on up to two lines beside its bars, centred on them; cut only beyond that (the whole label is
        the text's title and in the chart's table)."""
        lines = textwrap.wrap(self.label, LABEL_CHARS, max_lines=LABEL_LINES, placeholder=" …") or [""]
        first = self.baseline - (len(lines) - 1) * LINE // 2
        return [(line, first + number * LINE) for number, line in enumerate(lines)]


@dataclass
class Chart:
    """A horizontal bar chart: one row per label, one bar per series, each series scaled to its own largest value
    (a count and an amount of money share no axis)."""

    key: str
    title: str
    note: str
    series: list[str]
    rows: list[Row] = field(default_factory=list)
    colours: tuple[str, ...] = COLOURS

    @property
    def height(self) -> int:
        return max(len(self.rows), 1) * self.row_height + GAP

    @property
    def row_height(self) -> int:
        return len(self.series) * BAR + GAP * 2

    @property
    def legend(self) -> list[tuple[str, str]]:
        return list(zip(self.series, self.colours, strict=False))

    @property
    def geometry(self) -> dict[str, int]:
        return {"width": WIDTH, "label": LABEL, "label_end": LABEL - 6, "bar": BAR - 2}

    @property
    def narrow(self) -> dict[str, Any]:
        """The same rows for a phone: at 640 units the wide drawing shrinks to unreadable type on a 390 px screen,
        so each label takes up to two lines above its bars, which start at the left edge."""
        wide_room = Decimal(WIDTH - LABEL - VALUE)
        room = Decimal(NARROW_WIDTH - VALUE)
        rows = []
        top = GAP
        for row in self.rows:
            lines = textwrap.wrap(row.label, NARROW_CHARS, max_lines=NARROW_LINES, placeholder=" …") or [""]
            texts = [(line, top + (number + 1) * NARROW_LINE - 3) for number, line in enumerate(lines)]
            top += len(lines) * NARROW_LINE + 2
            bars = []
            for bar in row.bars:
                width = (Decimal(bar.width) * room / wide_room).quantize(Decimal("0.1"))
                bars.append(
                    {"bar": bar, "y": top, "width": str(width), "text_x": str(width + 4), "baseline": top + BAR - 5}
                )
                top += BAR
            rows.append({"row": row, "lines": texts, "bars": bars})
            top += GAP
        return {"width": NARROW_WIDTH, "height": top, "bar": BAR - 2, "rows": rows}


def _chart(
    key: str,
    title: str,
    note: str,
    series: list[str],
    rows: list[tuple[str, list[Decimal], list[str], str | None]],
) -> Chart:
    chart = Chart(key, title, note, series)
    largest = [
        max((values[i] for _label, values, _texts, _link in rows), default=Decimal(0)) for i in range(len(series))
    ]
    room = WIDTH - LABEL - VALUE
    for index, (label, values, texts, link) in enumerate(rows):
        top = GAP + index * chart.row_height
        bars = [
            Bar(
                value,
                text,
                str((value * room / largest[i]).quantize(Decimal("0.1"))) if largest[i] > 0 and value > 0 else "0",
                top + i * BAR,
                chart.colours[i % len(chart.colours)],
            )
            for i, (value, text) in enumerate(zip(values, texts, strict=True))
        ]
        chart.rows.append(Row(label, bars, link, top, top + len(series) * BAR // 2 + 4))
    return chart


def _money(value: int | Decimal) -> str:
    return format_money_compact(int(value), locale=active_locale()) if value else _("0 đồng")


def content_chart(
    breakdown: dict[str, Any], path: str | None, link: Callable[[str], str | None], *, plan: str = ""
) -> Chart | None:
    """`plan`: the plan the breakdown is of, when the report has several."""
    rows = breakdown["by_content"]
    if not rows:
        return None
    return _chart(
        "content",
        _("Đề án được phê duyệt theo nội dung khuyến công — kế hoạch %(plan)s") % {"plan": plan}
        if plan
        else _("Đề án được phê duyệt theo nội dung khuyến công"),
        _("Đề án và nhiệm vụ được phê duyệt đến ngày %(day)s, với kinh phí khuyến công.")
        % {"day": _day(breakdown["as_of"])},
        [_("Số đề án, nhiệm vụ"), _("Kinh phí khuyến công")],
        [
            (
                row["label"],
                [Decimal(row["projects"] + row["tasks"]), Decimal(row["support"])],
                [format_number(row["projects"] + row["tasks"], locale=active_locale()), _money(row["support"])],
                link(f"figure:{path}.by_content.{index}") if path is not None else None,
            )
            for index, row in enumerate(rows)
        ],
    )


def status_chart(report: dict[str, Any], link: Callable[[str], str | None]) -> Chart | None:
    """The provincial report's approved đề án by where they stand, over every funding source."""
    sources = report.get("sources") or []
    counts = {key: sum(source["status"][key] for source in sources) for key in STATUS_LABELS}
    if not any(counts.values()):
        return None
    single = len(sources) == 1
    return _chart(
        "status",
        _("Đề án đã phê duyệt theo tình hình thực hiện"),
        _("Mọi nguồn kinh phí; tình hình đến ngày %(day)s.") % {"day": _day(report["period"]["as_of"])},
        [_("Số đề án")],
        [
            (
                str(label),
                [Decimal(counts[key])],
                [format_number(counts[key], locale=active_locale())],
                link(f"figure:sources.0.status.codes.{key}") if single else None,
            )
            for key, label in STATUS_LABELS.items()
            if counts[key]
        ],
    )


def trend_chart(scope: ReportScope, period: Period) -> Chart:
    """The last five plan years to the report's: đề án approved by the as-of day, their support and what was
    disbursed — the figures of the provincial report's "past years" table, in one grouped query."""
    last = period.plan_year
    first = last - TREND_YEARS + 1
    projects = scope.projects(Project.objects.all()).filter(plan__year__gte=first, plan__year__lte=last)
    years = {row["year"]: row for row in past_years(projects, period, reach=False)}
    rows: list[tuple[str, list[Decimal], list[str], str | None]] = []
    for year in range(first, last + 1):
        row = years.get(year, {"projects": 0, "amount": 0, "disbursed": 0})
        rows.append(
            (
                _("Năm %(year)s") % {"year": year},
                [Decimal(row["projects"]), Decimal(row["amount"]), Decimal(row["disbursed"])],
                [
                    format_number(row["projects"], locale=active_locale()),
                    _money(row["amount"]),
                    _money(row["disbursed"]),
                ],
                None,
            )
        )
    return _chart(
        "trend",
        _("5 năm kế hoạch gần nhất (%(first)s–%(last)s)") % {"first": first, "last": last},
        _("Đề án (không kể nhiệm vụ khác) được phê duyệt của từng năm kế hoạch, tính đến ngày %(day)s.")
        % {"day": _day(period.as_of)},
        [_("Số đề án"), _("Kinh phí được duyệt"), _("Đã giải ngân")],
        rows,
    )


def report_charts(
    report: dict[str, Any], scope: ReportScope, period: Period, link: Callable[[str], str | None]
) -> list[Chart]:
    """The charts a report's page shows: by content (every report that carries a breakdown), by status (the
    provincial report) and the five-year trend (every report on đề án)."""
    if report["kind"] == "products":
        return []
    charts: list[Chart | None] = []
    if "breakdown" in report:
        charts.append(content_chart(report["breakdown"], "breakdown", link))
    for number, plan in enumerate(report.get("plans") or []):
        named = plan["code"] if len(report["plans"]) > 1 else ""
        charts.append(content_chart(plan["breakdown"], f"plans.{number}.breakdown", link, plan=named))
    charts.append(status_chart(report, link))
    charts.append(trend_chart(scope, period))
    return [chart for chart in charts if chart is not None]


def _day(value: Any) -> str:
    text = str(value)
    return f"{text[8:10]}/{text[5:7]}/{text[:4]}"
