"""Plan execution of a national plan (seed 002): the budget, the đề án and the provinces they reach, what has been
allocated to the implementing units so far and its share of the plan, and per unit what it disbursed of the support
assigned to it."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Q

from khuyencong.core.numbers import format_percent
from khuyencong.organizations.models import Organization
from khuyencong.programs.models import Plan
from khuyencong.programs.selectors import plan_allocations_by_unit, plan_budget_on
from khuyencong.projects.models import Project, ProjectKind
from khuyencong.projects.workflow import Action

from .facts import ProjectFacts, project_facts
from .layout import Col, Column, Section, Table, rate, say_money
from .periods import Period
from .provincial import period_json
from .scope import ReportScope


def national_plans(period: Period, plan_code: str | None = None) -> list[Plan]:
    plans = Plan.objects.filter(owner__territory__isnull=True).select_related("owner").order_by("code")
    if plan_code:
        return list(plans.filter(code=plan_code))
    return list(plans.filter(year=period.plan_year))


def national_report(scope: ReportScope, period: Period, *, plan_code: str | None = None) -> dict[str, Any]:
    plans = national_plans(period, plan_code)
    if not plans:
        which = f"«{plan_code}»" if plan_code else f"năm {period.plan_year}"
        raise ValueError(f"Không có kế hoạch khuyến công cấp trung ương {which}.")
    return {
        "kind": "national",
        "title": f"Báo cáo tình hình thực hiện kế hoạch khuyến công quốc gia {period.label}",
        "scope": scope.as_json(),
        "period": period_json(period),
        "plans": [_plan_execution(plan, scope, period) for plan in plans],
    }


def _plan_execution(plan: Plan, scope: ReportScope, period: Period) -> dict[str, Any]:
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
    }


def national_sections(report: dict[str, Any]) -> list[Section]:
    sections = []
    for number, plan in enumerate(report["plans"]):
        summary = Table(
            "Tổng hợp",
            [Column("Chỉ tiêu"), Column("Giá trị", Col.MONEY), Column("Tỷ lệ so với kế hoạch", Col.PERCENT)],
        )
        summary.rows += [
            ["Kinh phí kế hoạch (đồng)", plan["budget"], None],
            ["Số đề án được phê duyệt", plan["projects"], None],
            ["Số địa phương có đề án", plan["provinces"], None],
            ["Kinh phí hỗ trợ được phê duyệt (đồng)", plan["support_approved"], None],
            ["Dự toán đã giao cho các đơn vị (đồng)", plan["allocated"], plan["allocated_percent"]],
            ["Đã giải ngân trong kỳ (đồng)", plan["disbursed"], plan["disbursed_percent_of_plan"]],
        ]
        units = Table(
            "Theo đơn vị thực hiện",
            [Column("Đơn vị"), Column("Số đề án", Col.COUNT), Column("Dự toán được giao (đồng)", Col.MONEY),
             Column("Kinh phí đề án đã giao (đồng)", Col.MONEY), Column("Đã giải ngân (đồng)", Col.MONEY),
             Column("Số đề án đã giải ngân", Col.COUNT), Column("Tỷ lệ giải ngân", Col.PERCENT)],
        )  # fmt: skip
        for index, row in enumerate(plan["units"]):
            units.add([row["name"], row["projects"], row["allocated"], row["assigned"], row["disbursed"],
                       row["disbursed_projects"], row["disbursed_percent"]],
                      f"figure:plans.{number}.units.{index}")  # fmt: skip
        summary.links = [None, f"figure:plans.{number}", None, f"figure:plans.{number}", None, None]
        text = [
            f"Kế hoạch {plan['code']} được giao {say_money(plan['budget'])}, thực hiện {plan['projects']} đề án tại "
            f"{plan['provinces']} địa phương; dự toán đã giao trực tiếp về các đơn vị {say_money(plan['allocated'])}"
            + (
                f", đạt {format_percent(Decimal(plan['allocated_percent']))} kế hoạch năm."
                if plan["allocated_percent"]
                else "."
            )
        ]
        sections.append(Section(f"Kế hoạch {plan['code']} (năm {plan['year']})", [summary, units], text))
    return sections
