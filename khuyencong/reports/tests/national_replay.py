"""The national plan execution as it was computed before the periods table: from each đề án's events replayed in
Python (reports/facts.py). Kept as the reference the SQL path must equal (golden tests)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Q

from khuyencong.geography.models import AdminUnit
from khuyencong.organizations.models import Organization
from khuyencong.programs.models import Plan
from khuyencong.programs.selectors import plan_allocations_by_unit, plan_budget_on
from khuyencong.projects.models import Project, ProjectKind
from khuyencong.projects.workflow import Action
from khuyencong.reports.facts import ProjectFacts, project_facts
from khuyencong.reports.layout import rate
from khuyencong.reports.national import _province_of_body
from khuyencong.reports.periods import Period
from khuyencong.reports.scope import ReportScope
from khuyencong.reports.tests.figures_replay import replay_breakdown


def replay_plan_execution(plan: Plan, scope: ReportScope, period: Period) -> dict[str, Any]:
    day = period.as_of
    facts = project_facts(scope.projects(Project.objects.filter(plan=plan)), day)
    approved = [f for f in facts if f.reached(Action.APPROVED, day)]
    budget = plan_budget_on(plan, day)
    allocations = plan_allocations_by_unit(plan, day)
    allocated = sum((amount for _, amount in allocations), Decimal(0))
    provinces = {scope.province_of(f.recorded_province_id, f.province_id) for f in approved} - {None}
    units: dict[str, list[ProjectFacts]] = defaultdict(list)
    for fact in approved:
        units[fact.implementer].append(fact)
    allocated_to = {org.code: amount for org, amount in allocations}
    names = dict(Organization.objects.filter(Q(code__in=units) | Q(code__in=allocated_to)).values_list("code", "name"))
    rows: list[dict[str, Any]] = []
    for code in sorted(set(units) | set(allocated_to)):
        group = units.get(code, [])
        assigned = sum((f.support_on(day) or Decimal(0) for f in group if f.reached(Action.ASSIGNED, day)), Decimal(0))
        paid = [f.disbursed(period.start, period.until) for f in group]
        disbursed = sum(paid, Decimal(0))
        paid_projects = sum(1 for amount in paid if amount > 0)
        rows.append(
            {
                "code": code,
                "name": names.get(code, code),
                "projects": len(group),
                "allocated": int(allocated_to.get(code, 0)),
                "assigned": int(assigned),
                "disbursed": int(disbursed),
                "disbursed_projects": paid_projects,
                "disbursed_percent": rate(disbursed, assigned),
                "codes": sorted(f.code for f in group),
            }
        )
    support = sum((f.support_on(day) or Decimal(0) for f in approved), Decimal(0))
    disbursed_total = sum(r["disbursed"] for r in rows)
    return {
        "code": plan.code,
        "year": plan.year,
        "funding_source": plan.funding_source,
        "budget": int(budget) if budget is not None else None,
        "projects": len([f for f in approved if f.kind != ProjectKind.TASK]),
        "tasks": len([f for f in approved if f.kind == ProjectKind.TASK]),
        "provinces": len(provinces),
        "support_approved": int(support),
        "codes": sorted(f.code for f in approved),
        "allocated": int(allocated),
        "allocated_percent": rate(allocated, budget),
        "disbursed": disbursed_total,
        "disbursed_percent_of_plan": rate(disbursed_total, budget),
        "units": rows,
        "by_province": _by_province(scope, approved, allocations, period),
        "breakdown": replay_breakdown(scope.projects(Project.objects.filter(plan=plan)), day),
    }


def _by_province(
    scope: ReportScope, approved: list[ProjectFacts], allocations: list[tuple[Organization, Decimal]], period: Period
) -> list[dict[str, Any]]:
    groups: dict[int | None, list[ProjectFacts]] = defaultdict(list)
    for fact in approved:
        groups[scope.province_of(fact.recorded_province_id, fact.province_id)].append(fact)
    allocated: dict[int | None, Decimal] = defaultdict(Decimal)
    for org, amount in allocations:
        allocated[_province_of_body(org, scope, datetime.date(period.plan_year, 1, 1))] += amount
    units = {u.pk: u for u in AdminUnit.objects.filter(pk__in=[k for k in set(groups) | set(allocated) if k])}
    out = []
    for key in sorted(set(groups) | set(allocated), key=lambda k: (k is None, units[k].code if k else "")):
        group = groups.get(key, [])
        support = sum((f.support_on(period.as_of) or Decimal(0) for f in group), Decimal(0))
        disbursed = sum((f.disbursed(period.start, period.until) for f in group), Decimal(0))
        out.append(
            {
                "province": units[key].code if key else None,
                "name": units[key].full_name if key else "Không thuộc một tỉnh (đơn vị trung ương, liên tỉnh)",
                "projects": len([f for f in group if f.kind != ProjectKind.TASK]),
                "tasks": len([f for f in group if f.kind == ProjectKind.TASK]),
                "support": int(support),
                "allocated": int(allocated.get(key, Decimal(0))),
                "disbursed": int(disbursed),
                "disbursed_percent": rate(disbursed, support),
                "codes": sorted(f.code for f in group),
            }
        )
    return out
