"""Progress of a KC programme against its targets (seed 004): the đề án of the programme's plans approved so far in
the period, the support approved, by content, and each target beside what the results reached."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import F, QuerySet

from khuyencong.core.numbers import format_money_in
from khuyencong.programs.models import Program
from khuyencong.projects.models import Indicator, Project, ProjectKind
from khuyencong.projects.selectors import with_state_on

from .layout import Col, Column, Section, Table, plain, rate, say_money
from .periods import Period
from .provincial import period_json
from .regional import indicator_totals
from .scope import ReportScope


def programme_report(scope: ReportScope, period: Period, *, program_code: str) -> dict[str, Any]:
    program = Program.objects.filter(code=program_code).prefetch_related("targets").first()
    if program is None:
        raise ValueError(f"Không có chương trình khuyến công mã «{program_code}».")
    last_year = min(period.plan_year, program.end_year)
    projects = scope.projects(
        Project.objects.filter(plan__program=program, plan__year__gte=program.start_year, plan__year__lte=last_year)
    )
    facts = _approved(projects, period.as_of)
    by_content: dict[str, list[Approved]] = defaultdict(list)
    for fact in facts:
        by_content[fact.content_name].append(fact)
    achieved = indicator_totals(projects, datetime.date(program.start_year, 1, 1), period.as_of)
    # A target is matched by our indicator code or its Vietnamese label ("Cơ sở được hỗ trợ").
    achieved |= {str(Indicator(code).label): value for code, value in list(achieved.items())}
    return {
        "kind": "programme",
        "title": f"Báo cáo tiến độ thực hiện {program.name}",
        "scope": scope.as_json(),
        "period": period_json(period),
        "program": {
            "code": program.code,
            "name": program.name,
            "start_year": program.start_year,
            "end_year": program.end_year,
        },
        "years": [program.start_year, last_year],
        "projects": len([f for f in facts if f.kind != ProjectKind.TASK]),
        "tasks": len([f for f in facts if f.kind == ProjectKind.TASK]),
        "support": int(_support(facts, period)),
        "codes": sorted(f.code for f in facts),
        "by_content": [
            {
                "content": name,
                "projects": len(group),
                "support": int(_support(group, period)),
                "codes": sorted(f.code for f in group),
            }
            for name, group in sorted(by_content.items(), key=lambda item: (-len(item[1]), item[0]))
        ],
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


@dataclass(frozen=True)
class Approved:
    """A đề án of the programme approved by the report's day, with the support in force that day."""

    code: str
    kind: str
    content_name: str
    support: Decimal | None


def _approved(projects: QuerySet[Project], day: datetime.date) -> list[Approved]:
    """From each đề án's period in force on `day` (one join): the cost grows with the programme's đề án, not with
    their events."""
    # Filtered through an annotation: a filter on the relation's own path would join the periods a second time.
    annotated: Any = with_state_on(projects, day).annotate(on_approved_on=F("on_period__approved_on")).order_by()
    rows: Any = annotated.filter(on_approved_on__isnull=False).values_list(
        "code", "kind", "content__name", "on_support"
    )
    return [Approved(*row) for row in rows]


def _support(facts: list[Approved], period: Period) -> Decimal:
    return sum((f.support or Decimal(0) for f in facts), Decimal(0))


def programme_sections(report: dict[str, Any]) -> list[Section]:
    summary = Table("Tổng hợp", [Column("Chỉ tiêu"), Column("Giá trị", Col.MONEY)])
    summary.links = ["figure:", None, "figure:"]
    summary.rows += [
        ["Số đề án đã thực hiện", report["projects"]],
        ["Nhiệm vụ khuyến công khác", report["tasks"]],
        ["Tổng kinh phí hỗ trợ (đồng)", report["support"]],
    ]
    contents = Table(
        "Theo nội dung",
        [Column("Nội dung"), Column("Số đề án", Col.COUNT), Column("Kinh phí hỗ trợ (đồng)", Col.MONEY)],
    )
    for index, row in enumerate(report["by_content"]):
        contents.add([row["content"], row["projects"], row["support"]], f"figure:by_content.{index}")
    targets = Table(
        "Mục tiêu của chương trình",
        [Column("Chỉ tiêu"), Column("Đơn vị tính"), Column("Mục tiêu"), Column("Đã đạt"), Column("Tỷ lệ", Col.PERCENT)],
    )
    for row in report["targets"]:
        achieved = row["achieved"].replace(".", ",") if row["achieved"] else "chưa có số liệu kết quả"
        targets.rows.append([row["indicator"], row["unit"], row["target"].replace(".", ","), achieved, row["percent"]])
    first, last = report["years"]
    text = [
        f"Giai đoạn {first}–{last}: đã thực hiện {report['projects']} đề án khuyến công với tổng kinh phí hỗ trợ "
        f"{say_money(report['support'])} ({format_money_in(report['support'])})."
    ]
    return [Section(report["program"]["name"], [t for t in (summary, contents, targets) if t.rows], text)]
