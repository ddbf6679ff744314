"""The landing dashboard for the nation, a region or a province: a plan year's money from plan to disbursement, its
đề án as a funnel and by content, provinces ranked by disbursement rate, and the overdue. Like the reports, every
figure carries the codes of the đề án behind it, so that each number opens as a list."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, Exists, OuterRef, Sum, Value
from django.db.models.functions import Coalesce

from khuyencong.geography.models import AdminUnit
from khuyencong.programs.models import Allocation, Plan
from khuyencong.projects.models import ProjectKind
from khuyencong.projects.selectors import overdue_projects, with_state_on
from khuyencong.projects.workflow import Action

from .layout import rate
from .regional import plan_amount, territory_q
from .scope import Geography, ReportScope

# Each step counts the đề án that reached it or any later one: a đề án entered at approval (as old records are)
# still went through appraisal.
FUNNEL: list[tuple[str, str, frozenset[str]]] = [
    ("entered", "Đã đăng ký, gửi thẩm định", frozenset(Action.values)),
    ("appraised", "Đạt thẩm định", frozenset({Action.APPRAISAL_PASSED, Action.FORWARDED, Action.APPROVED})),
    ("approved", "Được phê duyệt", frozenset({Action.APPROVED})),
    ("contracted", "Đã ký hợp đồng", frozenset({Action.CONTRACT_SIGNED})),
    ("completed", "Đã nghiệm thu", frozenset({Action.ACCEPTED, Action.LIQUIDATED, Action.SETTLED})),
]


@dataclass(frozen=True)
class Row:
    """One đề án of the dashboard, as it stood on the as-of day: read from its period in force, one row each."""

    code: str
    kind: str
    content: str
    province_id: int | None
    state: str | None
    support: Decimal | None
    disbursed: Decimal
    contract_amount: Decimal | None
    appraised_on: datetime.date | None
    approved_on: datetime.date | None
    assigned_on: datetime.date | None
    contracted_on: datetime.date | None
    completed_on: datetime.date | None

    @property
    def stage(self) -> int:
        """The last funnel step reached (0: no step yet)."""
        reached = [self.state is not None, self.appraised_on, self.approved_on, self.contracted_on, self.completed_on]
        return max((index for index, done in enumerate(reached, start=1) if done), default=0)


def _rows(projects: Any, as_of: datetime.date) -> list[Row]:
    """The đề án with their period in force on `as_of`: one indexed join, a row per đề án — the cost grows with the
    đề án listed, not with their events."""
    # The annotations are named at run time, which the type checker cannot follow.
    annotated: Any = with_state_on(projects, as_of).order_by()
    annotated = annotated.annotate(
        disbursed_or_0=Coalesce(
            "on_disbursed", Value(Decimal(0)), output_field=DecimalField(max_digits=18, decimal_places=0)
        )
    )
    values: Any = annotated.values_list(
        "code", "kind", "content__name", "province_id", "on_state", "on_support", "disbursed_or_0",
        "on_period__contract_amount", "on_period__appraised_on", "on_period__approved_on",
        "on_period__assigned_on", "on_period__contracted_on", "on_period__completed_on",
    )  # fmt: skip
    return [Row(*row) for row in values]


def latest_year(projects: Any, today: datetime.date) -> int:
    """The latest plan year with approved đề án (else with any), not after this year: pages open on something to
    see, not on next year's first registrations. Asked plan by plan from the latest (a plan is a handful of rows,
    its đề án an index away), so the answer comes without reading the years behind it."""
    plans = Plan.objects.filter(year__lte=today.year).order_by("-year")
    mine = projects.filter(plan=OuterRef("pk"))
    year = (
        plans.filter(Exists(mine.filter(periods__approved_on__isnull=False))).values_list("year", flat=True).first()
    )
    year = year or plans.filter(Exists(mine)).values_list("year", flat=True).first()
    return int(year) if year else today.year


def dashboard_data(
    scope: ReportScope, projects: Any, *, year: int, as_of: datetime.date, plans: bool = True
) -> dict[str, Any]:
    """`projects` is already limited to what the user may see; `scope` narrows it to the nation, a region or a
    province (today's units). Without `plans`, the figures are those of the đề án alone: no plan budget, allocation
    or ranking of provinces, which are a territory's figures and not the sum of the đề án shown."""
    in_scope = scope.projects(projects).filter(plan__year=year)
    rows = _rows(in_scope, as_of)
    approved = [r for r in rows if r.approved_on is not None]
    contracted = [r for r in approved if r.contracted_on is not None]
    paid = [r for r in rows if r.disbursed != 0]
    contract_amount = sum((r.contract_amount or Decimal(0) for r in contracted), Decimal(0))
    disbursed = sum((r.disbursed for r in rows), Decimal(0))
    money = [
        {"key": "contracted", "label": "Đã ký hợp đồng", "amount": int(contract_amount), "percent": None,
         "codes": sorted(r.code for r in contracted)},
        {"key": "disbursed", "label": "Đã giải ngân", "amount": int(disbursed), "percent": None,
         "codes": sorted(r.code for r in paid)},
    ]  # fmt: skip
    if plans:
        plan = plan_amount(scope, year, as_of)
        allocations = Allocation.objects.standing().filter(plan__year=year, on__lte=as_of)
        if not scope.national:
            allocations = allocations.filter(territory_q(scope, "to__"))
        allocated = allocations.aggregate(total=Sum("amount", default=Decimal(0)))["total"]
        money[0]["percent"] = rate(contract_amount, plan)
        money[1]["percent"] = rate(disbursed, plan)
        money[:0] = [
            {"key": "plan", "label": "Kế hoạch vốn", "amount": int(plan), "percent": None, "codes": None},
            {"key": "allocated", "label": "Đã phân bổ", "amount": int(allocated),
             "percent": rate(allocated, plan), "codes": None},
        ]  # fmt: skip
    stages = {r.code: r.stage for r in rows if r.kind != ProjectKind.TASK}
    funnel = [
        {"key": key, "label": label, "codes": sorted(code for code, s in stages.items() if s >= index)}
        for index, (key, label, _) in enumerate(FUNNEL, start=1)
    ]
    by_content: dict[str, list[Row]] = defaultdict(list)
    for row in approved:
        by_content[row.content].append(row)
    contents = [
        {"label": name, "codes": sorted(r.code for r in group),
         "amount": int(sum((r.support or Decimal(0) for r in group), Decimal(0)))}
        for name, group in sorted(by_content.items(), key=lambda item: (-len(item[1]), item[0]))
    ]  # fmt: skip
    overdue = overdue_projects(scope.projects(projects), today=as_of)
    return {
        "year": year,
        "as_of": as_of.isoformat(),
        "scope": scope.as_json(),
        "money": money,
        "funnel": funnel,
        "contents": contents,
        "provinces": _ranking(approved) if plans and len(scope.provinces) != 1 else [],
        "overdue": {"codes": sorted(overdue.values_list("code", flat=True))},
    }


def _ranking(approved: list[Row]) -> list[dict[str, Any]]:
    """Provinces (today's) by disbursement rate: disbursed ÷ support assigned, highest first."""
    groups: dict[int, list[Row]] = defaultdict(list)
    for row in approved:
        if row.province_id is not None and row.assigned_on is not None:
            groups[row.province_id].append(row)
    names = dict(AdminUnit.objects.filter(pk__in=groups).values_list("pk", "name"))
    ranked = []
    for pk, group in groups.items():
        assigned = sum((r.support or Decimal(0) for r in group), Decimal(0))
        disbursed = sum((r.disbursed for r in group), Decimal(0))
        ranked.append(
            {
                "province": pk,
                "name": names.get(pk, "?"),
                "assigned": int(assigned),
                "disbursed": int(disbursed),
                "percent": rate(disbursed, assigned),
                "codes": sorted(r.code for r in group),
            }
        )
    return sorted(ranked, key=lambda r: (-Decimal(r["percent"] or -1), r["name"]))


def dashboard_scope(units: list[AdminUnit], *, region: Any = None) -> ReportScope:
    """Dashboards count records under today's provinces."""
    return ReportScope(Geography.CURRENT, tuple(units), region)


def own_dashboard_data(name: str, projects: Any, *, year: int, as_of: datetime.date) -> dict[str, Any]:
    """The dashboard of someone whose territory is no province — a facility's representative, a district's or a
    commune's body: the đề án they may see, summed, under their own name. A national scope here would show the
    nation's budget to someone who may not see the nation."""
    data = dashboard_data(dashboard_scope([]), projects, year=year, as_of=as_of, plans=False)
    data["scope"] = {"name": name, "geography": Geography.CURRENT.value, "region": None, "provinces": []}
    data["own"] = True
    return data
