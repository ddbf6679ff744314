"""The dashboard as it was computed before the periods table: from each đề án's events replayed in Python
(reports/facts.py). Kept as the reference the SQL path must equal, figure for figure (golden tests)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from khuyencong.geography.models import AdminUnit
from khuyencong.programs.models import Allocation
from khuyencong.projects.deadlines import overdue_deadline_count
from khuyencong.projects.models import ProjectKind
from khuyencong.projects.selectors import overdue_projects
from khuyencong.projects.workflow import Action
from khuyencong.reports.facts import ProjectFacts, project_facts
from khuyencong.reports.layout import rate
from khuyencong.reports.regional import counted_in_plan, plan_amount, territory_q
from khuyencong.reports.scope import ReportScope

# Each step counts the đề án that reached it or any later one: a đề án entered at approval (as old records are)
# still went through appraisal.
FUNNEL: list[tuple[str, str, frozenset[str]]] = [
    ("entered", "Đã đăng ký, gửi thẩm định", frozenset(Action.values)),
    ("appraised", "Đạt thẩm định", frozenset({Action.APPRAISAL_PASSED, Action.FORWARDED, Action.APPROVED})),
    ("approved", "Được phê duyệt", frozenset({Action.APPROVED})),
    ("contracted", "Đã ký hợp đồng", frozenset({Action.CONTRACT_SIGNED})),
    ("completed", "Đã nghiệm thu", frozenset({Action.ACCEPTED, Action.LIQUIDATED, Action.SETTLED})),
]


def _stage(fact: ProjectFacts) -> int:
    reached = 0
    for index, (_, _, actions) in enumerate(FUNNEL, start=1):
        if any(e.action in actions for e in fact.events):
            reached = index
    return reached


def replay_dashboard_data(
    scope: ReportScope, projects: Any, *, year: int, as_of: datetime.date, plans: bool = True
) -> dict[str, Any]:
    """`projects` is already limited to what the user may see; `scope` narrows it to the nation, a region or a
    province (today's units). Without `plans`, the figures are those of the đề án alone: no plan budget, allocation
    or ranking of provinces, which are a territory's figures and not the sum of the đề án shown."""
    in_scope = scope.projects(projects).filter(plan__year=year)
    facts = project_facts(in_scope, as_of)
    approved = [f for f in facts if f.reached(Action.APPROVED, as_of)]
    contracted = [f for f in approved if f.reached(Action.CONTRACT_SIGNED, as_of)]
    disbursed_by = {f.code: f.disbursed(datetime.date.min, as_of) for f in facts}
    paid = [f for f in facts if disbursed_by[f.code] != 0]
    contract_amount = sum((_contract(f) for f in contracted), Decimal(0))
    disbursed = sum(disbursed_by.values(), Decimal(0))
    money = [
        {"key": "contracted", "label": "Đã ký hợp đồng", "amount": int(contract_amount), "percent": None,
         "codes": sorted(f.code for f in contracted)},
        {"key": "disbursed", "label": "Đã giải ngân", "amount": int(disbursed), "percent": None,
         "codes": sorted(f.code for f in paid)},
    ]  # fmt: skip
    if plans:
        plan = plan_amount(scope, year, as_of)
        allocations = Allocation.objects.standing().filter(plan__year=year, on__lte=as_of)
        if not scope.national:
            allocations = allocations.filter(territory_q(scope, "to__"))
        allocated = allocations.aggregate(total=Sum("amount", default=Decimal(0)))["total"]
        # The plan's share is of the đề án its amount counts (the plans with a budget, the national plans that
        # allocated to the territory's bodies): that condition is data about plans, not a replay of events.
        planned = set(in_scope.filter(counted_in_plan(scope, year, as_of)).values_list("code", flat=True))
        planned_contracts = sum((_contract(f) for f in contracted if f.code in planned), Decimal(0))
        planned_disbursed = sum((v for code, v in disbursed_by.items() if code in planned), Decimal(0))
        money[0]["percent"] = rate(planned_contracts, plan)
        money[1]["percent"] = rate(planned_disbursed, plan)
        money[0]["outside_plan"] = int(contract_amount - planned_contracts)
        money[1]["outside_plan"] = int(disbursed - planned_disbursed)
        money[:0] = [
            {"key": "plan", "label": "Kế hoạch vốn", "amount": int(plan), "percent": None, "codes": None},
            {"key": "allocated", "label": "Đã phân bổ", "amount": int(allocated),
             "percent": rate(allocated, plan), "codes": None},
        ]  # fmt: skip
    projects_only = [f for f in facts if f.kind != ProjectKind.TASK]
    stages = {f.code: _stage(f) for f in projects_only}
    funnel = [
        {"key": key, "label": label, "codes": sorted(code for code, s in stages.items() if s >= index)}
        for index, (key, label, _) in enumerate(FUNNEL, start=1)
    ]
    by_content: dict[str, list[ProjectFacts]] = defaultdict(list)
    for fact in approved:
        by_content[fact.content].append(fact)
    names = {f.content: f.content_name for f in approved}
    contents = [
        {"content": content, "label": names[content], "codes": sorted(f.code for f in group),
         "amount": int(sum((f.support_on(as_of) or Decimal(0) for f in group), Decimal(0)))}
        for content, group in sorted(by_content.items(), key=lambda item: (-len(item[1]), names[item[0]]))
    ]  # fmt: skip
    overdue = overdue_projects(scope.projects(projects), today=as_of)
    return {
        "year": year,
        "as_of": as_of.isoformat(),
        "scope": scope.as_json(),
        "money": money,
        "funnel": funnel,
        "contents": contents,
        "provinces": _ranking(approved, as_of) if plans and len(scope.provinces) != 1 else [],
        "overdue": {"codes": sorted(overdue.values_list("code", flat=True))},
        # Like the overdue list above, the deadline queues are the projects app's own SQL selectors (tested there
        # against a frozen clock); the dashboard only counts them.
        "deadlines": {"count": overdue_deadline_count(scope.projects(projects), today=as_of)},
    }


def _contract(fact: ProjectFacts) -> Decimal:
    amount = None
    for event in fact.events:
        if event.action == Action.CONTRACT_SIGNED:
            amount = fact.amount_at(event)
    return amount or Decimal(0)


def _ranking(approved: list[ProjectFacts], as_of: datetime.date) -> list[dict[str, Any]]:
    """Provinces (today's) by disbursement rate: disbursed ÷ support assigned, highest first."""
    groups: dict[int, list[ProjectFacts]] = defaultdict(list)
    for fact in approved:
        if fact.province_id is not None and fact.reached(Action.ASSIGNED, as_of):
            groups[fact.province_id].append(fact)
    names = dict(AdminUnit.objects.filter(pk__in=groups).values_list("pk", "name"))
    rows = []
    for pk, group in groups.items():
        assigned = sum((f.support_on(as_of) or Decimal(0) for f in group), Decimal(0))
        disbursed = sum((f.disbursed(datetime.date.min, as_of) for f in group), Decimal(0))
        rows.append(
            {
                "province": pk,
                "name": names.get(pk, "?"),
                "assigned": int(assigned),
                "disbursed": int(disbursed),
                "percent": rate(disbursed, assigned),
                "codes": sorted(f.code for f in group),
            }
        )
    return sorted(rows, key=lambda r: (-Decimal(r["percent"] or -1), r["name"]))


def counted(replay: Any) -> Any:
    """The replay's figures as the SQL dashboard gives them: each list of codes as its count."""
    if isinstance(replay, dict):
        return {("count" if k == "codes" else k): (len(v) if k == "codes" and v is not None else counted(v))
                for k, v in replay.items()}  # fmt: skip
    if isinstance(replay, list):
        return [counted(item) for item in replay]
    return replay


def figure_paths(replay: dict[str, Any]) -> Iterator[tuple[str, list[str]]]:
    """Every figure of the replayed dashboard that opens as a list, with the codes behind it."""
    for part in ("money", "funnel", "contents", "provinces"):
        for index, row in enumerate(replay[part]):
            if row.get("codes") is not None:
                yield f"{part}.{index}", row["codes"]
    yield "overdue", replay["overdue"]["codes"]


def assert_dashboard_is_replay(scope: ReportScope, projects: Any, *, year: int, as_of: datetime.date) -> int:
    """Figure for figure, the SQL dashboard equals the replay; and each figure opened as a list (by its condition)
    holds exactly the replay's codes. Returns how many non-empty lists were compared."""
    from khuyencong.reports.dashboard import dashboard_data, figure_projects

    sql = dashboard_data(scope, projects, year=year, as_of=as_of)
    replay = replay_dashboard_data(scope, projects, year=year, as_of=as_of)
    assert sql == counted(replay), (scope.name, year, as_of)
    compared = 0
    for path, codes in figure_paths(replay):
        listed = sorted(figure_projects(scope, projects, sql, path).values_list("code", flat=True))
        assert listed == sorted(codes), (scope.name, year, as_of, path)
        compared += bool(codes)
    return compared
