"""The landing dashboard for the nation, a region or a province: a plan year's money from plan to disbursement, its
đề án as a funnel and by content, provinces ranked by disbursement rate, and the overdue. Every figure is an
aggregate in the database with the condition that opens it as a list (`figure_projects`)."""

from __future__ import annotations

import datetime
import functools
import operator
from collections import defaultdict
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.geography.models import AdminUnit
from khuyencong.programs.models import Allocation, Plan
from khuyencong.projects.deadlines import overdue_deadline_count
from khuyencong.projects.models import Project, ProjectKind
from khuyencong.projects.selectors import contents_by_id, overdue_projects, with_state_on

from .layout import rate
from .periods import Period
from .products_report import products_report
from .regional import counted_in_plan, plan_amount, territory_q
from .scope import Geography, ReportScope

# The funnel's steps, each with the milestone that reaches it (`_REACHED` below, in the same order). A step counts
# the đề án that reached it or any later one: a đề án entered at approval (as old records are) still went through
# appraisal.
FUNNEL: list[tuple[str, Promise]] = [
    ("entered", gettext_lazy("Đã đăng ký, gửi thẩm định")),
    ("appraised", gettext_lazy("Đạt thẩm định")),
    ("approved", gettext_lazy("Được phê duyệt")),
    ("contracted", gettext_lazy("Đã ký hợp đồng")),
    ("completed", gettext_lazy("Đã nghiệm thu")),
]


def _annotated(projects: Any, as_of: datetime.date) -> Any:
    """The đề án with their period in force on `as_of`, its milestones as annotations: the conditions below name
    these, so every figure reads the one join (a filter on the relation's own path would join it again).
    (Annotations are named at run time, which the type checker cannot follow.)"""
    return (
        with_state_on(projects, as_of)
        .annotate(**{f"on_{name}": F(f"on_period__{name}") for name in MILESTONES})
        .annotate(on_contract_amount=F("on_period__contract_amount"))
        .order_by()
    )


MILESTONES = ("appraised_on", "approved_on", "assigned_on", "contracted_on", "completed_on")
APPROVED = Q(on_approved_on__isnull=False)
CONTRACTED = APPROVED & Q(on_contracted_on__isnull=False)
PAID = Q(on_disbursed__isnull=False) & ~Q(on_disbursed=0)
ASSIGNED = APPROVED & Q(on_assigned_on__isnull=False) & Q(province__isnull=False)
# The milestone of each funnel step (FUNNEL's order): entered, appraisal passed (or forwarded, or approved),
# approved, contract signed, completed (accepted, liquidated or settled) — periods.MILESTONES.
_REACHED = [Q(on_state__isnull=False), Q(on_appraised_on__isnull=False), APPROVED,
            Q(on_contracted_on__isnull=False), Q(on_completed_on__isnull=False)]  # fmt: skip
STEPS = [~Q(kind=ProjectKind.TASK) & functools.reduce(operator.or_, _REACHED[index:]) for index in range(len(_REACHED))]
MONEY_FIGURES = {"contracted": CONTRACTED, "disbursed": PAID}


def latest_year(projects: Any, today: datetime.date) -> int:
    """The latest plan year with approved đề án (else with any), not after this year: pages open on something to
    see, not on next year's first registrations. Asked year by year from the latest, one EXISTS each: the answer is
    nearly always the first year asked, and as one query PostgreSQL turned the EXISTS into a join over every đề án of
    the province and their periods (90 ms for Lào Cai on the 200,000-đề án benchmark)."""
    years = list(Plan.objects.filter(year__lte=today.year).order_by("-year").values_list("year", flat=True).distinct())
    for wanted in ({"periods__approved_on__isnull": False}, {}):
        for year in years:
            if projects.filter(plan__year=year, **wanted).exists():
                return int(year)
    return today.year


def dashboard_data(
    scope: ReportScope, projects: Any, *, year: int, as_of: datetime.date, plans: bool = True
) -> dict[str, Any]:
    """`projects` is already limited to what the user may see; `scope` narrows it to the nation, a region or a
    province (today's units). Without `plans`, the figures are those of the đề án alone: no plan budget, allocation
    or ranking of provinces, which are a territory's figures and not the sum of the đề án shown. Each figure has
    its count; `figure_projects` gives the đề án behind it."""
    rows = _annotated(scope.projects(projects).filter(plan__year=year), as_of)
    # One pass over the year's đề án, grouped by content (its key, never its name) and province: every figure is a
    # sum of these groups.
    groups = list(
        rows.values("content", "province").annotate(
            contracted=Count("pk", filter=CONTRACTED),
            contract_amount=Sum("on_contract_amount", filter=CONTRACTED, default=Decimal(0)),
            paid=Count("pk", filter=PAID),
            disbursed=Sum("on_disbursed", default=Decimal(0)),
            approved=Count("pk", filter=APPROVED),
            support=Sum("on_support", filter=APPROVED, default=Decimal(0)),
            assigned=Count("pk", filter=ASSIGNED),
            assigned_support=Sum("on_support", filter=ASSIGNED, default=Decimal(0)),
            assigned_disbursed=Sum("on_disbursed", filter=ASSIGNED, default=Decimal(0)),
            **{f"step{index}": Count("pk", filter=step) for index, step in enumerate(STEPS)},
            **(_in_plan_figures(counted_in_plan(scope, year, as_of)) if plans else {}),
        )
    )
    totals = {key: sum((g[key] for g in groups), 0) for key in ("contracted", "contract_amount", "paid", "disbursed",
                                                               *(f"step{i}" for i in range(len(STEPS))))}  # fmt: skip
    contract_amount, disbursed = totals["contract_amount"], totals["disbursed"]
    money = [
        {"key": "contracted", "label": _("Đã ký hợp đồng"), "amount": int(contract_amount), "percent": None,
         "count": totals["contracted"]},
        {"key": "disbursed", "label": _("Đã giải ngân"), "amount": int(disbursed), "percent": None,
         "count": totals["paid"]},
    ]  # fmt: skip
    if plans:
        plan = plan_amount(scope, year, as_of)
        allocations = Allocation.objects.standing().filter(plan__year=year, on__lte=as_of)
        if not scope.national:
            allocations = allocations.filter(territory_q(scope, "to__"))
        allocated = allocations.aggregate(total=Sum("amount", default=Decimal(0)))["total"]
        planned = {key: sum((g[f"planned_{key}"] for g in groups), Decimal(0))
                   for key in ("contract_amount", "disbursed")}  # fmt: skip
        money[0]["percent"] = rate(planned["contract_amount"], plan)
        money[1]["percent"] = rate(planned["disbursed"], plan)
        for row, key in zip(money, ("contract_amount", "disbursed"), strict=True):
            row["outside_plan"] = int(totals[key] - planned[key])
        money[:0] = [
            {"key": "plan", "label": _("Kế hoạch vốn"), "amount": int(plan), "percent": None, "count": None},
            {"key": "allocated", "label": _("Đã phân bổ"), "amount": int(allocated),
             "percent": rate(allocated, plan), "count": None},
        ]  # fmt: skip
    funnel = [
        {"key": key, "label": str(label), "count": totals[f"step{index}"]} for index, (key, label) in enumerate(FUNNEL)
    ]
    by_content: dict[int, list[Any]] = defaultdict(lambda: [0, Decimal(0)])
    for group in groups:
        if group["approved"]:
            by_content[group["content"]][0] += group["approved"]
            by_content[group["content"]][1] += group["support"]
    known = contents_by_id()
    # Ties in the Vietnamese name's order, so that "contents.3" opens the same figure in either language.
    contents = [
        {"content": known[pk].code, "label": known[pk].label, "count": count, "amount": int(amount)}
        for pk, (count, amount) in sorted(by_content.items(), key=lambda item: (-item[1][0], known[item[0]].name))
    ]
    overdue = overdue_projects(scope.projects(projects), today=as_of)
    return {
        "year": year,
        "as_of": as_of.isoformat(),
        "scope": scope.as_json(),
        "money": money,
        "funnel": funnel,
        "contents": contents,
        "provinces": _ranking(groups) if plans and len(scope.provinces) != 1 else [],
        "overdue": {"count": overdue.count()},
        # Circular 36/2013 deadlines (settlement dossier, liquidation by 22/01, monthly reports) late on `as_of`.
        "deadlines": {"count": overdue_deadline_count(scope.projects(projects), today=as_of)},
    }


def _in_plan_figures(in_plan: Q) -> dict[str, Any]:
    """The money of the đề án the plan's amount counts: the share of the plan is of these alone, and what the other
    đề án contracted and disbursed is said beside it ("outside_plan")."""
    return {
        "planned_contract_amount": Sum("on_contract_amount", filter=CONTRACTED & in_plan, default=Decimal(0)),
        "planned_disbursed": Sum("on_disbursed", filter=in_plan, default=Decimal(0)),
    }


def products_panel(scope: ReportScope, *, year: int, as_of: datetime.date) -> dict[str, Any]:
    """The typical-product selection of the year in the scope (the products report's totals), and the query that
    opens the report behind them: entries, distinct facilities, recognised products and valid certificates."""
    report = products_report(scope, Period.year(year, as_of=as_of))
    query: list[tuple[str, Any]] = [("kind", "products"), ("year", year), ("period", "12"),
                                    ("as_of", f"{as_of:%d/%m/%Y}"), ("geography", scope.geography.value)]  # fmt: skip
    if scope.region is not None:
        query.append(("region", scope.region.pk))
    elif not scope.national:
        query += [("provinces", province.pk) for province in scope.provinces]
    return {**report["total"], "valid_certificates": report["valid_certificates"]["total"], "query": urlencode(query)}


def _ranking(groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Provinces (today's) by disbursement rate: disbursed ÷ support assigned, highest first."""
    by_province: dict[int, list[Any]] = defaultdict(lambda: [0, Decimal(0), Decimal(0)])
    for group in groups:
        if group["assigned"]:
            totals = by_province[group["province"]]
            totals[0] += group["assigned"]
            totals[1] += group["assigned_support"]
            totals[2] += group["assigned_disbursed"]
    names = dict(AdminUnit.objects.filter(pk__in=list(by_province)).values_list("pk", "name"))
    ranked = [
        {
            "province": pk,
            "name": names.get(pk, "?"),
            "assigned": int(assigned),
            "disbursed": int(disbursed),
            "percent": rate(disbursed, assigned),
            "count": count,
        }
        for pk, (count, assigned, disbursed) in by_province.items()
    ]
    return sorted(ranked, key=lambda r: (-Decimal(r["percent"] or -1), r["name"]))


def figure_projects(scope: ReportScope, projects: Any, data: dict[str, Any], path: str) -> QuerySet[Project]:
    """The đề án behind the figure at `path` ("funnel.2", "contents.0", "provinces.3", "money.2", "overdue") of
    `data`, as a query: drill-through by the figure's own condition, never by a list of codes. KeyError, IndexError
    or ValueError for a path that names no list."""
    as_of = datetime.date.fromisoformat(data["as_of"])
    if path == "overdue":
        return overdue_projects(scope.projects(projects), today=as_of)
    part, _dot, index = path.partition(".")
    if not (index.isascii() and index.isdigit()):
        # One figure, one address: "funnel.-1" or "funnel.+0" would name a figure int() reads them as.
        raise ValueError(_("«%(path)s» không phải một số liệu của bảng điều khiển.") % {"path": path})
    row = data[part][int(index)]
    condition: Q
    if part == "money":
        if row["key"] not in MONEY_FIGURES:
            raise ValueError(_("«%(path)s» không có danh sách đề án.") % {"path": path})
        condition = MONEY_FIGURES[row["key"]]
    elif part == "funnel":
        condition = STEPS[int(index)]
    elif part == "contents":
        condition = APPROVED & Q(content__code=row["content"])
    elif part == "provinces":
        condition = ASSIGNED & Q(province=row["province"])
    else:
        raise ValueError(_("«%(path)s» không phải một số liệu của bảng điều khiển.") % {"path": path})
    listed: QuerySet[Project] = _annotated(scope.projects(projects).filter(plan__year=data["year"]), as_of)
    return listed.filter(condition)


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
