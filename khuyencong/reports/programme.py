"""Progress of a KC programme against its targets (seed 004): the đề án of the programme's plans approved so far in
the period, the support approved, by content, and each target beside what the results reached."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from khuyencong.core.numbers import active_locale, format_money_in
from khuyencong.programs.models import Program
from khuyencong.projects.models import Indicator, Project

from .figures import breakdown, breakdown_tables, breakdown_text
from .layout import Col, Column, Section, Table, plain, rate, say_money
from .periods import Period
from .provincial import period_json
from .regional import indicator_totals
from .scope import ReportScope, scope_from_units


def programme_report(scope: ReportScope, period: Period, *, program_code: str, codes: bool = True) -> dict[str, Any]:
    """Every đề án carried out in the programme's territory over its years, national and local alike (a province's
    programme is judged on the KCQG đề án implemented in the province too), split by funding source. Without
    `codes`, no figure lists its đề án (see `figures.breakdown`)."""
    program = Program.objects.filter(code=program_code).select_related("territory").prefetch_related("targets").first()
    if program is None:
        raise ValueError(_("Không có chương trình khuyến công mã «%(code)s».") % {"code": program_code})
    # Progress is cumulative: from the programme's first year, whatever the period's start.
    first_year = program.start_year
    last_year = min(period.plan_year, program.end_year)
    if first_year > last_year:
        raise ValueError(
            _("Kỳ báo cáo %(period)s nằm ngoài giai đoạn %(first)s–%(last)s của %(program)s.")
            % {"period": period.label, "first": program.start_year, "last": program.end_year, "program": program.name}
        )
    scope = programme_scope(program, scope, period.as_of)
    projects = scope.projects(Project.objects.filter(plan__year__gte=first_year, plan__year__lte=last_year))
    figures = breakdown(projects, period.as_of, codes=codes)
    achieved = indicator_totals(projects, datetime.date(first_year, 1, 1), period.as_of)
    # A target is matched by our indicator code or its Vietnamese label ("Cơ sở được hỗ trợ").
    with translation.override("vi"):
        achieved |= {str(Indicator(code).label): value for code, value in list(achieved.items())}
    achieved |= _money_indicators(figures)
    total = figures["total"]
    return {
        "kind": "programme",
        "title": _("Báo cáo tiến độ thực hiện %(program)s") % {"program": program.name},
        "scope": scope.as_json(),
        "period": period_json(period),
        "program": {
            "code": program.code,
            "name": program.name,
            "level": program.level,
            "territory": program.territory.code if program.territory else None,
            "start_year": program.start_year,
            "end_year": program.end_year,
        },
        "years": [first_year, last_year],
        "projects": total["projects"],
        "tasks": total["tasks"],
        "support": total["support"],
        "facilities": total["facilities"],
        "facility_times": total["facility_times"],
        **_codes_of(total),
        "by_content": [
            {
                "content": row["label"],
                "code": row["content"],
                "projects": row["projects"] + row["tasks"],
                "support": row["support"],
                **_codes_of(row),
            }
            for row in figures["by_content"]
        ],
        "breakdown": figures,
        "targets": [
            {
                "indicator": t.indicator,
                "unit": t.unit,
                "target": plain(t.value),
                "achieved": plain(achieved[t.indicator]) if t.indicator in achieved else None,
                "percent": rate(achieved[t.indicator], t.value) if t.indicator in achieved else None,
            }
            for t in program.targets.standing().order_by("pk")
        ],
    }


def _codes_of(figure: dict[str, Any]) -> dict[str, Any]:
    return {"codes": figure["codes"]} if "codes" in figure else {}


# What a programme's targets may name besides result indicators: the đề án, the support and the facilities reached,
# by code or by the words the programmes use ("Số đề án", "Kinh phí hỗ trợ").
MONEY_INDICATORS = {  # vi-only: matched against the Vietnamese words a target is stored with
    "projects": ("projects", "Số đề án", "Đề án"),
    "support": ("support", "Kinh phí hỗ trợ", "Kinh phí khuyến công"),
    "facility_times": ("facility_times", "Lượt cơ sở"),
    "facilities": ("facilities", "Số cơ sở"),
}


def _money_indicators(figures: dict[str, Any]) -> dict[str, Decimal]:
    total = figures["total"]
    return {name: Decimal(total[key]) for key, names in MONEY_INDICATORS.items() for name in names}


def programme_period(program: Program, *, as_of: datetime.date | None, today: datetime.date) -> Period:
    """A programme report needs no period ("after three years"): from the programme's first day to the as-of day,
    by default today, or the programme's last day once it has ended."""
    start, last = datetime.date(program.start_year, 1, 1), datetime.date(program.end_year, 12, 31)
    day = as_of or min(today, last)
    if day < start:
        raise ValueError(
            _("Ngày tính số liệu %(day)s trước khi %(program)s bắt đầu (%(start)s).")
            % {"day": f"{day:%d/%m/%Y}", "program": program.name, "start": f"{start:%d/%m/%Y}"}
        )
    return Period.of(start, min(day, last), as_of=day)


def programme_named(code: str) -> Program:
    program = Program.objects.filter(code=code).select_related("territory").first()
    if program is None:
        raise ValueError(_("Không có chương trình khuyến công mã «%(code)s».") % {"code": code})
    return program


def _outside(program: Program) -> ValueError:
    assert program.territory is not None
    return ValueError(
        _(
            "%(program)s là chương trình của %(territory)s; báo cáo chỉ tính trên địa bàn của chương trình: "
            "hãy chọn %(territory)s, hoặc bỏ chọn vùng và tỉnh."
        )
        % {"program": program.name, "territory": program.territory.full_name}
    )


def programme_scope(program: Program, scope: ReportScope, day: datetime.date) -> ReportScope:
    """A provincial programme covers its province: asked for the whole country or a region that includes it, the
    report is the province's; asked for provinces without it, it is refused (its targets are not theirs)."""
    if program.territory is None:
        return scope
    if not scope.national:
        home = program.territory.current_province_id or program.territory.pk
        provinces = {unit.current_province_id or unit.pk for unit in scope.provinces}
        if home not in provinces:
            raise _outside(program)
        if provinces == {home}:
            return scope
        if scope.region is None:
            # Provinces named one by one, the programme's among others: refused rather than silently narrowed.
            raise _outside(program)
    return scope_from_units([program.territory], geography=scope.geography, on=day)


# What the programme achieved, in one sentence: (one year, several funding sources) -> the sentence.
PROGRESS = {
    (True, False): gettext_lazy(
        "Năm %(first)s: đã thực hiện %(projects)d đề án khuyến công với tổng kinh phí hỗ trợ %(support)s "
        "(%(in_words)s)."
    ),
    (True, True): gettext_lazy(
        "Năm %(first)s: đã thực hiện %(projects)d đề án khuyến công với tổng kinh phí hỗ trợ %(support)s "
        "(%(in_words)s), trong đó %(sources)s."
    ),
    (False, False): gettext_lazy(
        "Giai đoạn %(first)s–%(last)s: đã thực hiện %(projects)d đề án khuyến công với tổng kinh phí hỗ trợ "
        "%(support)s (%(in_words)s)."
    ),
    (False, True): gettext_lazy(
        "Giai đoạn %(first)s–%(last)s: đã thực hiện %(projects)d đề án khuyến công với tổng kinh phí hỗ trợ "
        "%(support)s (%(in_words)s), trong đó %(sources)s."
    ),
}


def programme_sections(report: dict[str, Any]) -> list[Section]:
    summary = Table(
        pgettext("report", "Tổng hợp"), [Column(pgettext("report", "Chỉ tiêu")), Column(_("Giá trị"), Col.MONEY)]
    )
    summary.links = ["figure:", None, "figure:", None, None]
    summary.rows += [
        [_("Số đề án đã thực hiện"), report["projects"]],
        [_("Nhiệm vụ khuyến công khác"), report["tasks"]],
        [_("Tổng kinh phí hỗ trợ (đồng)"), report["support"]],
        [_("Số cơ sở được hỗ trợ"), report["facilities"]],
        [_("Lượt cơ sở được hỗ trợ"), report["facility_times"]],
    ]
    targets = Table(
        _("Mục tiêu của chương trình"),
        [
            Column(pgettext("report", "Chỉ tiêu")),
            Column(_("Đơn vị tính")),
            Column(_("Mục tiêu"), Col.NUMBER),
            Column(_("Đã đạt"), Col.NUMBER),
            Column(_("Tỷ lệ"), Col.PERCENT),
        ],
    )
    for row in report["targets"]:
        achieved = Decimal(row["achieved"]) if row["achieved"] is not None else _("chưa có số liệu kết quả")
        targets.rows.append([row["indicator"], row["unit"], Decimal(row["target"]), achieved, row["percent"]])
    first, last = report["years"]
    by_source = report["breakdown"]["by_source"]
    sources = "; ".join(
        ngettext("%(source)s: %(count)d đề án, %(amount)s", "%(source)s: %(count)d đề án, %(amount)s", row["projects"])
        % {"source": row["label"], "count": row["projects"], "amount": say_money(row["support"])}
        for row in by_source
    )
    said = {"first": first, "last": last, "projects": report["projects"], "support": say_money(report["support"]),
            "in_words": format_money_in(report["support"], locale=active_locale()), "sources": sources}  # fmt: skip
    text = [PROGRESS[first == last, len(by_source) > 1] % said, *breakdown_text(report["breakdown"])[1:]]
    tables = [summary, *breakdown_tables(report["breakdown"], "breakdown"), targets]
    return [Section(report["program"]["name"], [t for t in tables if t.rows], text)]
