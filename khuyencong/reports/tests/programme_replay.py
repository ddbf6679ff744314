"""The programme report as it was computed before the periods table: from each đề án's events replayed in Python
(reports/facts.py). Kept as the reference the SQL path must equal (golden tests)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Any

from khuyencong.programs.models import Program
from khuyencong.projects.models import Indicator, Project, ProjectKind
from khuyencong.projects.workflow import Action
from khuyencong.reports.facts import ProjectFacts, project_facts
from khuyencong.reports.layout import plain, rate
from khuyencong.reports.periods import Period
from khuyencong.reports.provincial import period_json
from khuyencong.reports.regional import indicator_totals
from khuyencong.reports.scope import ReportScope


def replay_programme_report(scope: ReportScope, period: Period, *, program_code: str) -> dict[str, Any]:
    program = Program.objects.filter(code=program_code).prefetch_related("targets").first()
    if program is None:
        raise ValueError(f"Không có chương trình khuyến công mã «{program_code}».")
    last_year = min(period.plan_year, program.end_year)
    projects = scope.projects(
        Project.objects.filter(plan__program=program, plan__year__gte=program.start_year, plan__year__lte=last_year)
    )
    facts = [f for f in project_facts(projects, period.as_of) if f.reached(Action.APPROVED, period.as_of)]
    by_content: dict[str, list[ProjectFacts]] = defaultdict(list)
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


def _support(facts: list[ProjectFacts], period: Period) -> Decimal:
    return sum((f.support_on(period.as_of) or Decimal(0) for f in facts), Decimal(0))
