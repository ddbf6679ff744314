"""The breakdown of `reports/figures.py` computed the slow, obvious way: each đề án's events replayed in Python
(reports/facts.py) and every figure summed in loops. The golden tests compare the SQL aggregates with it."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from khuyencong.facilities.models import Facility, LegalForm
from khuyencong.programs.models import FundingSource
from khuyencong.projects.models import Project, ProjectKind
from khuyencong.projects.workflow import Action
from khuyencong.reports.facts import ProjectFacts, project_facts

GROUPS = {
    "women_owned": lambda f: f.women_owned,
    "ethnic_minority_owned": lambda f: f.ethnic_minority_owned,
    "disadvantaged_area": lambda f: f.disadvantaged_area,
    "craft_village": lambda f: f.craft_village != "",
    "artisan": lambda f: f.legal_form == LegalForm.ARTISAN,
}


def replay_breakdown(projects: QuerySet[Project], day: datetime.date) -> dict[str, Any]:
    facts = [f for f in project_facts(projects, day) if f.reached(Action.APPROVED, day)]
    money = {
        pk: (cost, counterpart)
        for pk, cost, counterpart in Project.objects.filter(pk__in=[f.pk for f in facts]).values_list(
            "pk", "total_cost", "counterpart"
        )
    }
    facilities = {f.code: f for f in Facility.objects.filter(code__in={c for f in facts for c, _ in f.beneficiaries})}

    def disbursed(fact: ProjectFacts) -> Decimal:
        return fact.disbursed(datetime.date.min, day)

    def figures(group: list[ProjectFacts]) -> dict[str, Any]:
        costs: list[Decimal] = [c for c in (money[f.pk][0] for f in group) if c is not None]
        counterparts: list[Decimal] = [c for c in (money[f.pk][1] for f in group) if c is not None]
        reached = [code for f in group for code, _ in f.beneficiaries]
        return {
            "projects": sum(1 for f in group if f.kind != ProjectKind.TASK),
            "tasks": sum(1 for f in group if f.kind == ProjectKind.TASK),
            "total_cost": int(sum(costs, Decimal(0))),
            "total_cost_known": len(costs),
            "support": int(sum((f.support_on(day) or Decimal(0) for f in group), Decimal(0))),
            "counterpart": int(sum(counterparts, Decimal(0))),
            "counterpart_known": len(counterparts),
            "disbursed": int(sum((disbursed(f) for f in group), Decimal(0))),
            "facilities": len(set(reached)),
            "facility_times": len(reached),
            "codes": sorted(f.code for f in group),
        }

    by_source: dict[str, list[ProjectFacts]] = defaultdict(list)
    by_content: dict[str, list[ProjectFacts]] = defaultdict(list)
    for fact in facts:
        by_source[fact.funding_source].append(fact)
        by_content[fact.content].append(fact)
    names = {f.content: f.content_name for f in facts}
    sources = list(FundingSource.values)
    groups = []
    for key, member in GROUPS.items():
        serving = [f for f in facts if any(member(facilities[code]) for code, _ in f.beneficiaries)]
        times = [code for f in facts for code, _ in f.beneficiaries if member(facilities[code])]
        groups.append(
            {
                "group": key,
                "projects": len(serving),
                "support": int(sum((f.support_on(day) or Decimal(0) for f in serving), Decimal(0))),
                "facilities": len(set(times)),
                "facility_times": len(times),
                "codes": sorted(f.code for f in serving),
            }
        )
    return {
        "as_of": day.isoformat(),
        "total": figures(facts),
        "by_source": [
            {"funding_source": source, **figures(group)}
            for source, group in sorted(by_source.items(), key=lambda item: sources.index(item[0]))
        ],
        "by_content": [
            {"content": content, "label": names[content], **figures(group)}
            for content, group in sorted(by_content.items(), key=lambda item: (-len(item[1]), item[0]))
        ],
        "priority_groups": groups,
    }


def comparable(figures: dict[str, Any]) -> dict[str, Any]:
    """The SQL breakdown without what the replay does not restate (labels of sources and groups, legal basis)."""
    return {
        **figures,
        "by_source": [{k: v for k, v in row.items() if k != "label"} for row in figures["by_source"]],
        "priority_groups": [
            {k: v for k, v in row.items() if k not in ("label", "basis")} for row in figures["priority_groups"]
        ],
    }
