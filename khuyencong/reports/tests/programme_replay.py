"""The programme report as it was computed before the periods table: from each đề án's events replayed in Python
(reports/facts.py). Kept as the reference the SQL path must equal (golden tests)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Any

from khuyencong.programs.models import Program
from khuyencong.projects.models import Indicator, Project, ProjectKind, Result
from khuyencong.projects.workflow import Action
from khuyencong.reports.facts import ProjectFacts, project_facts
from khuyencong.reports.layout import plain, rate
from khuyencong.reports.periods import Period
from khuyencong.reports.programme import MONEY_INDICATORS, programme_scope
from khuyencong.reports.provincial import period_json
from khuyencong.reports.scope import ReportScope
from khuyencong.reports.tests.figures_replay import replay_breakdown


def replay_programme_report(scope: ReportScope, period: Period, *, program_code: str) -> dict[str, Any]:
    program = Program.objects.filter(code=program_code).prefetch_related("targets").first()
    if program is None:
        raise ValueError(f"Không có chương trình khuyến công mã «{program_code}».")
    # Progress is cumulative: from the programme's first year, whatever the period's start.
    first_year = program.start_year
    last_year = min(period.plan_year, program.end_year)
    scope = programme_scope(program, scope, period.as_of)
    # The programme's territory: every đề án there over its years, whatever the plan (KCQG and KCĐP alike).
    projects = scope.projects(Project.objects.filter(plan__year__gte=first_year, plan__year__lte=last_year))
    facts = [f for f in project_facts(projects, period.as_of) if f.reached(Action.APPROVED, period.as_of)]
    by_content: dict[str, list[ProjectFacts]] = defaultdict(list)
    for fact in facts:
        by_content[fact.content].append(fact)
    achieved = replay_indicator_totals(projects, datetime.date(first_year, 1, 1), period.as_of)
    # A target is matched by our indicator code or its Vietnamese label ("Cơ sở được hỗ trợ").
    achieved |= {str(Indicator(code).label): value for code, value in list(achieved.items())}
    figures = replay_breakdown(projects, period.as_of)
    achieved |= {name: Decimal(figures["total"][key]) for key, names in MONEY_INDICATORS.items() for name in names}
    return {
        "kind": "programme",
        "title": f"Báo cáo tiến độ thực hiện {program.name}",
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
        "projects": len([f for f in facts if f.kind != ProjectKind.TASK]),
        "tasks": len([f for f in facts if f.kind == ProjectKind.TASK]),
        "support": int(_support(facts, period)),
        "facilities": len({code for f in facts for code, _ in f.beneficiaries}),
        "facility_times": sum(len(f.beneficiaries) for f in facts),
        "codes": sorted(f.code for f in facts),
        "by_content": [
            {
                "content": group[0].content_name,
                "code": content,
                "projects": len(group),
                "support": int(_support(group, period)),
                "codes": sorted(f.code for f in group),
            }
            for content, group in sorted(by_content.items(), key=lambda item: (-len(item[1]), item[0]))
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


def _support(facts: list[ProjectFacts], period: Period) -> Decimal:
    return sum((f.support_on(period.as_of) or Decimal(0) for f in facts), Decimal(0))


def replay_indicator_totals(projects: Any, start: datetime.date, end: datetime.date) -> dict[str, Decimal]:
    """Result indicators as they were summed before the GROUP BYs: every standing result read and added in Python;
    the distinct-facility indicators as the union of the beneficiaries of the đề án that recorded them."""
    rows = list(
        Result.objects.standing()
        .filter(project__in=projects, on__gte=start, on__lte=end)
        .values_list("project_id", "indicator", "value")
    )
    beneficiaries: dict[int, set[int]] = defaultdict(set)
    for pk, facility in Project.beneficiaries.through.objects.filter(
        project_id__in={pk for pk, _i, _v in rows}
    ).values_list("project_id", "facility_id"):
        beneficiaries[pk].add(facility)
    totals: dict[str, Decimal] = defaultdict(Decimal)
    facilities: dict[str, set[int]] = defaultdict(set)
    for pk, indicator, value in rows:
        totals[indicator] += value
        facilities[indicator] |= beneficiaries.get(pk, set())
    for indicator in (Indicator.FACILITIES_SUPPORTED,):
        if facilities[indicator]:
            totals[indicator] = Decimal(len(facilities[indicator]))
    return dict(totals)
