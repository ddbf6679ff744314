"""Plan execution of a national plan (seed 002): the budget, the đề án and the provinces they reach, what has been
allocated to the implementing units so far and its share of the plan, and per unit what it disbursed of the support
assigned to it."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from khuyencong.core.numbers import active_locale, format_percent
from khuyencong.geography.models import AdminUnit
from khuyencong.organizations.models import Organization
from khuyencong.programs.models import Plan
from khuyencong.programs.selectors import plan_allocations_by_unit, plan_budget_on
from khuyencong.projects.models import Project, ProjectKind
from khuyencong.projects.selectors import state_in_force, with_state_on

from .figures import breakdown, breakdown_tables, breakdown_text
from .layout import Col, Column, Section, Table, rate, say_money
from .periods import Period
from .provincial import period_json
from .scope import Geography, ReportScope


def national_plans(period: Period, plan_code: str | None = None) -> list[Plan]:
    plans = Plan.objects.filter(owner__territory__isnull=True).select_related("owner").order_by("code")
    if plan_code:
        return list(plans.filter(code=plan_code))
    return list(plans.filter(year=period.plan_year))


def national_report(
    scope: ReportScope, period: Period, *, plan_code: str | None = None, codes: bool = True
) -> dict[str, Any]:
    """Without `codes`, the plans' breakdowns list no đề án (see `figures.breakdown`)."""
    plans = national_plans(period, plan_code)
    if not plans:
        if plan_code:
            raise ValueError(_("Không có kế hoạch khuyến công cấp trung ương «%(plan)s».") % {"plan": plan_code})
        raise ValueError(_("Không có kế hoạch khuyến công cấp trung ương năm %(year)s.") % {"year": period.plan_year})
    return {
        "kind": "national",
        "title": _("Báo cáo tình hình thực hiện kế hoạch khuyến công quốc gia %(period)s") % {"period": period.label},
        "scope": scope.as_json(),
        "period": period_json(period),
        "plans": [_plan_execution(plan, scope, period, codes=codes) for plan in plans],
    }


@dataclass(frozen=True)
class Row:
    """One đề án of a national plan as it stood on the report's day, from its periods."""

    code: str
    kind: str
    implementer: str
    recorded_province_id: int | None
    province_id: int | None
    approved: bool
    assigned: bool
    support: Decimal | None
    paid_to_end: Decimal
    paid_before: Decimal


def _rows(projects: Any, period: Period) -> list[Row]:
    """A row per đề án with its period in force on the report's day and on the eve of the period: what was disbursed
    within the period is the difference. The cost grows with the đề án of the plan, not with their events."""
    day = period.as_of
    end = min(period.until, day)
    eve = period.start - datetime.timedelta(days=1)
    annotated: Any = with_state_on(projects, day).order_by()
    # On a report as of its period's last day (the usual one) the figures at the end are those in force that day,
    # already joined: a second join of the same rows cost a third of the read.
    to_end = "on_period__disbursed" if end == day else "at_end__disbursed"
    if end != day:
        annotated = annotated.annotate(at_end=state_in_force(end))
    annotated = annotated.annotate(
        at_eve=state_in_force(eve),
        paid_to_end=Coalesce(to_end, Value(Decimal(0)), output_field=MONEY),
        paid_before=Coalesce("at_eve__disbursed", Value(Decimal(0)), output_field=MONEY),
    )
    values: Any = annotated.values_list(
        "code", "kind", "implementer__code", "recorded_province_id", "province_id", "on_period__approved_on",
        "on_period__assigned_on", "on_support", "paid_to_end", "paid_before",
    )  # fmt: skip
    return [
        Row(
            code,
            kind,
            implementer,
            recorded,
            current,
            approved is not None,
            assigned is not None,
            support,
            to_end,
            before,
        )
        for code, kind, implementer, recorded, current, approved, assigned, support, to_end, before in values
    ]


MONEY = DecimalField(max_digits=18, decimal_places=0)


def _plan_execution(plan: Plan, scope: ReportScope, period: Period, *, codes: bool = True) -> dict[str, Any]:
    day = period.as_of
    rows_of_plan = _rows(scope.projects(Project.objects.filter(plan=plan)), period)
    approved = [r for r in rows_of_plan if r.approved]
    budget = plan_budget_on(plan, day)
    allocations = _allocations_in_scope(plan, scope, day)
    allocated = sum((amount for _unit, amount in allocations), Decimal(0))
    provinces = {scope.province_of(r.recorded_province_id, r.province_id) for r in approved} - {None}
    units: dict[str, list[Row]] = defaultdict(list)
    for row in approved:
        units[row.implementer].append(row)
    allocated_to = {org.code: amount for org, amount in allocations}
    names = dict(Organization.objects.filter(Q(code__in=units) | Q(code__in=allocated_to)).values_list("code", "name"))
    rows: list[dict[str, Any]] = []
    for code in sorted(set(units) | set(allocated_to)):
        group = units.get(code, [])
        assigned = sum((r.support or Decimal(0) for r in group if r.assigned), Decimal(0))
        paid = [r.paid_to_end - r.paid_before for r in group]
        disbursed = sum(paid, Decimal(0))
        rows.append(
            {
                "code": code,
                "name": names.get(code, code),
                "projects": len(group),
                "allocated": int(allocated_to.get(code, 0)),
                "assigned": int(assigned),
                "disbursed": int(disbursed),
                "disbursed_projects": sum(1 for amount in paid if amount > 0),
                "disbursed_percent": rate(disbursed, assigned),
                "codes": sorted(r.code for r in group),
            }
        )
    support = sum((r.support or Decimal(0) for r in approved), Decimal(0))
    disbursed_total = sum(r["disbursed"] for r in rows)
    in_scope = scope.projects(Project.objects.filter(plan=plan))
    return {
        "code": plan.code,
        "year": plan.year,
        "funding_source": plan.funding_source,
        "budget": int(budget) if budget is not None else None,
        "projects": len([r for r in approved if r.kind != ProjectKind.TASK]),
        "tasks": len([r for r in approved if r.kind == ProjectKind.TASK]),
        "provinces": len(provinces),
        "support_approved": int(support),
        "codes": sorted(r.code for r in approved),
        "allocated": int(allocated),
        "allocated_percent": rate(allocated, budget),
        "disbursed": disbursed_total,
        "disbursed_percent_of_plan": rate(disbursed_total, budget),
        "units": rows,
        "by_province": _by_province(scope, approved, allocations, datetime.date(plan.year, 1, 1)),
        "breakdown": breakdown(in_scope, day, codes=codes),
    }


def _allocations_in_scope(plan: Plan, scope: ReportScope, day: datetime.date) -> list[tuple[Organization, Decimal]]:
    """What the plan allocated by `day`, to each unit; narrowed to provinces, only to the bodies of those provinces
    (the report of a province must not list what the plan gave the others, nor count it in the province's
    "allocated")."""
    allocations = plan_allocations_by_unit(plan, day)
    if scope.national:
        return allocations
    wanted = {unit.pk for unit in scope.provinces}
    start = datetime.date(plan.year, 1, 1)
    return [(org, amount) for org, amount in allocations if _province_of_body(org, scope, start) in wanted]


NO_PROVINCE = gettext_lazy("Không thuộc một tỉnh (đơn vị trung ương, liên tỉnh)")


def _by_province(
    scope: ReportScope, approved: list[Row], allocations: list[tuple[Organization, Decimal]], day: datetime.date
) -> list[dict[str, Any]]:
    """Per province (in the scope's generation of units): the approved đề án, their support, what the plan allocated
    to the province's own bodies, and what was disbursed in the period. A đề án whose beneficiaries lie in several
    provinces and whose implementer is national has no province, and neither has an allocation to a national centre:
    they stand in a row of their own, so that the rows add up to the plan."""
    groups: dict[int | None, list[Row]] = defaultdict(list)
    for row in approved:
        groups[scope.province_of(row.recorded_province_id, row.province_id)].append(row)
    allocated: dict[int | None, Decimal] = defaultdict(Decimal)
    for org, amount in allocations:
        allocated[_province_of_body(org, scope, day)] += amount
    keys = set(groups) | set(allocated)
    units = {u.pk: u for u in AdminUnit.objects.filter(pk__in=[k for k in keys if k is not None])}
    out = []
    for key in sorted(keys, key=lambda k: (k is None, units[k].code if k is not None else "")):
        group = groups.get(key, [])
        support = sum((r.support or Decimal(0) for r in group), Decimal(0))
        disbursed = sum((r.paid_to_end - r.paid_before for r in group), Decimal(0))
        out.append(
            {
                "province": units[key].code if key is not None else None,
                "name": units[key].full_name
                if key is not None
                else _("Không thuộc một tỉnh (đơn vị trung ương, liên tỉnh)"),
                "projects": len([r for r in group if r.kind != ProjectKind.TASK]),
                "tasks": len([r for r in group if r.kind == ProjectKind.TASK]),
                "support": int(support),
                "allocated": int(allocated.get(key, Decimal(0))),
                "disbursed": int(disbursed),
                "disbursed_percent": rate(disbursed, support),
                "codes": sorted(r.code for r in group),
            }
        )
    return out


def _province_of_body(org: Organization, scope: ReportScope, day: datetime.date) -> int | None:
    """The province a body's allocation counts under: today's for "current"; "as recorded", the province the body
    served in the plan's year (Sơn La's Sở served pre-reform Sơn La in 2024), as the đề án of that year are."""
    territory = org.territory_on(day) if scope.geography == Geography.RECORDED else org.territory
    territory = territory or org.territory
    if territory is None:
        return None
    if scope.geography == Geography.CURRENT:
        return territory.current_province_id or territory.province.pk
    return territory.province.pk


def national_sections(report: dict[str, Any]) -> list[Section]:
    sections = []
    for number, plan in enumerate(report["plans"]):
        summary = Table(
            pgettext("report", "Tổng hợp"),
            [
                Column(pgettext("report", "Chỉ tiêu")),
                Column(_("Giá trị"), Col.MONEY),
                Column(_("Tỷ lệ so với kế hoạch"), Col.PERCENT),
            ],
        )
        summary.rows += [
            [_("Kinh phí kế hoạch (đồng)"), plan["budget"], None],
            [_("Số đề án được phê duyệt"), plan["projects"], None],
            [_("Số địa phương có đề án"), plan["provinces"], None],
            [_("Kinh phí hỗ trợ được phê duyệt (đồng)"), plan["support_approved"], None],
            [_("Dự toán đã giao cho các đơn vị (đồng)"), plan["allocated"], plan["allocated_percent"]],
            [_("Đã giải ngân trong kỳ (đồng)"), plan["disbursed"], plan["disbursed_percent_of_plan"]],
        ]
        units = Table(
            _("Theo đơn vị thực hiện"),
            [
                Column(pgettext("report", "Đơn vị")),
                Column(_("Số đề án"), Col.COUNT),
                Column(_("Dự toán được giao (đồng)"), Col.MONEY),
                Column(_("Kinh phí đề án đã giao (đồng)"), Col.MONEY),
                Column(_("Đã giải ngân (đồng)"), Col.MONEY),
                Column(_("Số đề án đã giải ngân"), Col.COUNT),
                Column(_("Tỷ lệ giải ngân"), Col.PERCENT),
            ],
        )
        for index, row in enumerate(plan["units"]):
            units.add([row["name"], row["projects"], row["allocated"], row["assigned"], row["disbursed"],
                       row["disbursed_projects"], row["disbursed_percent"]],
                      f"figure:plans.{number}.units.{index}")  # fmt: skip
        summary.links = [None, f"figure:plans.{number}", None, f"figure:plans.{number}", None, None]
        said = {
            "plan": plan["code"],
            "budget": say_money(plan["budget"]),
            "projects": plan["projects"],
            "provinces": plan["provinces"],
            "allocated": say_money(plan["allocated"]),
        }
        if plan["allocated_percent"]:
            sentence = _(
                "Kế hoạch %(plan)s được giao %(budget)s, thực hiện %(projects)d đề án tại %(provinces)d địa phương; "
                "dự toán đã giao trực tiếp về các đơn vị %(allocated)s, đạt %(percent)s kế hoạch năm."
            ) % {**said, "percent": format_percent(Decimal(plan["allocated_percent"]), locale=active_locale())}
        else:
            sentence = (
                _(
                    "Kế hoạch %(plan)s được giao %(budget)s, thực hiện %(projects)d đề án tại %(provinces)d "
                    "địa phương; dự toán đã giao trực tiếp về các đơn vị %(allocated)s."
                )
                % said
            )
        text = [sentence]
        provinces = Table(
            _("Theo địa phương"),
            [
                Column(pgettext("report", "Địa phương")),
                Column(_("Số đề án"), Col.COUNT),
                Column(_("Kinh phí hỗ trợ (đồng)"), Col.MONEY),
                Column(_("Dự toán đã giao (đồng)"), Col.MONEY),
                Column(_("Đã giải ngân trong kỳ (đồng)"), Col.MONEY),
                Column(_("Tỷ lệ giải ngân"), Col.PERCENT),
            ],
        )
        for index, row in enumerate(plan["by_province"]):
            provinces.add([row["name"], row["projects"], row["support"], row["allocated"], row["disbursed"],
                           row["disbursed_percent"]], f"figure:plans.{number}.by_province.{index}")  # fmt: skip
        tables = [summary, units, provinces, *breakdown_tables(plan["breakdown"], f"plans.{number}.breakdown")]
        text += breakdown_text(plan["breakdown"])
        title = _("Kế hoạch %(plan)s (năm %(year)s)") % {"plan": plan["code"], "year": plan["year"]}
        sections.append(Section(title, [t for t in tables if t.rows], text))
    return sections
