"""The provincial periodic report as it was computed before the periods table: every đề án of the scope up to next
year's plans, with all its events and payments, replayed in Python (reports/facts.py). Kept as the reference the SQL
path must equal (golden tests)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from khuyencong.programs.models import FundingSource
from khuyencong.projects.models import Project, ProjectKind
from khuyencong.projects.workflow import Action, State
from khuyencong.reports.facts import ProjectFacts, project_facts
from khuyencong.reports.layout import plain
from khuyencong.reports.periods import Period
from khuyencong.reports.provincial import (
    COMPLETED,
    IN_PROGRESS,
    NOT_STARTED,
    STATUS_LABELS,
    STEPS,
    _source_order,
    period_json,
)
from khuyencong.reports.scope import ReportScope
from khuyencong.reports.tests.figures_replay import replay_breakdown


def tally(facts: list[ProjectFacts], amounts: list[Decimal] | None = None) -> dict[str, Any]:
    facilities = {code for f in facts for code, _ in f.beneficiaries}
    return {
        "projects": len(facts),
        "amount": int(sum(amounts or [], Decimal(0))),
        "facilities": len(facilities),
        "facility_times": sum(len(f.beneficiaries) for f in facts),
        # Where the figure comes from: the đề án behind it, so that any number can be opened as a list.
        "codes": sorted(f.code for f in facts),
    }


def flows(facts: list[ProjectFacts], period: Period) -> dict[str, dict[str, Any]]:
    """For each step, the đề án that took it within the period (once each, at its latest such step) and the amount
    the step was about."""
    result = {}
    for key, actions, _ in STEPS:
        taken = [(f, f.last(actions, period.start, period.until)) for f in facts]
        hits = [(f, e) for f, e in taken if e is not None]
        result[key] = tally([f for f, _ in hits], [f.amount_at(e) for f, e in hits])
    return result


def status_of(fact: ProjectFacts, period: Period) -> str | None:
    state = fact.state_on(period.as_of)
    if state is None or not fact.reached(Action.APPROVED, period.as_of):
        return None
    if state in COMPLETED:
        return "completed"
    if state in IN_PROGRESS:
        return "in_progress"
    if state in NOT_STARTED:
        return "not_started"
    if state in (State.ADJUSTMENT_REQUESTED, State.STOP_REQUESTED, State.STOPPED):
        return str(state)
    return None


def statuses(facts: list[ProjectFacts], period: Period) -> dict[str, Any]:
    """Every đề án approved by the report date, by where it stands; those in progress by the workload reported."""
    counts: dict[str, int] = dict.fromkeys(STATUS_LABELS, 0)
    codes: dict[str, list[str]] = {key: [] for key in STATUS_LABELS}
    by_percent: dict[str, int] = defaultdict(int)
    approved = contracted = 0
    for fact in facts:
        status = status_of(fact, period)
        if status is None:
            continue
        approved += 1
        contracted += fact.reached(Action.CONTRACT_SIGNED, period.as_of)
        counts[status] += 1
        codes[status].append(fact.code)
        if status == "in_progress":
            percent = fact.percent_on(period.as_of)
            by_percent["" if percent is None else plain(percent)] += 1
    return {
        "approved": approved,
        "contracted": contracted,
        **counts,
        "codes": codes,
        "in_progress_by_percent": [
            {"percent": p or None, "projects": n}
            for p, n in sorted(by_percent.items(), key=lambda item: Decimal(item[0] or -1), reverse=True)
        ],
    }


def by_implementer(facts: list[ProjectFacts], period: Period) -> list[dict[str, Any]]:
    """Who carries out the approved đề án: the province's own centre, or a national centre working in the province."""
    groups: dict[str, list[ProjectFacts]] = defaultdict(list)
    for fact in facts:
        if fact.reached(Action.APPROVED, period.as_of):
            groups[fact.implementer].append(fact)
    rows = []
    for code, group in sorted(groups.items()):
        row = tally(group, [f.support_on(period.as_of) or Decimal(0) for f in group])
        rows.append({"code": code, "name": group[0].implementer_name, "kind": group[0].implementer_kind, **row})
    return rows


def project_rows(facts: list[ProjectFacts], period: Period) -> list[dict[str, Any]]:
    rows = []
    for fact in facts:
        state = fact.state_on(period.as_of)
        if state is None:
            continue
        support = fact.support_on(period.as_of)
        percent = fact.percent_on(period.as_of)
        rows.append(
            {
                "code": fact.code,
                "title": fact.title,
                "kind": fact.kind,
                "round": fact.round,
                "content": fact.content_name,
                "implementer": fact.implementer_name,
                "beneficiaries": [name for _, name in fact.beneficiaries],
                "state": state,
                "state_label": str(State(state).label),
                "status": status_of(fact, period),
                "percent": plain(percent) if percent is not None else None,
                "support": int(support) if support is not None else None,
                "disbursed": int(fact.disbursed(fact.events[0].on, period.as_of)) if fact.events else 0,
            }
        )
    return rows


def source_section(source: str, facts: list[ProjectFacts], period: Period) -> dict[str, Any]:
    projects = [f for f in facts if f.kind != ProjectKind.TASK]
    tasks = [f for f in facts if f.kind == ProjectKind.TASK]
    rounds = sorted({f.round for f in projects if f.round is not None})
    return {
        "funding_source": source,
        "label": str(FundingSource(source).label),
        "projects": flows(projects, period),
        "tasks": flows(tasks, period),
        "total": flows(facts, period),
        "by_round": [{"round": r, **flows([f for f in projects if f.round == r], period)} for r in rounds],
        "status": statuses(projects, period),
        "by_implementer": by_implementer(facts, period),
        "list": project_rows(facts, period),
    }


def replay_provincial_report(scope: ReportScope, period: Period, *, projects: Any = None) -> dict[str, Any]:
    queryset = scope.projects(projects if projects is not None else Project.objects.all())
    facts = project_facts(queryset.filter(plan__year__lte=period.plan_year + 1), period.as_of)
    year = period.plan_year
    this_year = [f for f in facts if f.year == year]
    next_year = [f for f in facts if f.year == year + 1]
    sources = sorted({f.funding_source for f in this_year}, key=_source_order)
    return {
        "kind": "provincial",
        "title": f"Báo cáo tình hình thực hiện công tác khuyến công {period.label}",
        "scope": scope.as_json(),
        "period": period_json(period),
        "sources": [source_section(s, [f for f in this_year if f.funding_source == s], period) for s in sources],
        "next_year": {
            "year": year + 1,
            "sources": [
                {
                    "funding_source": s,
                    "label": str(FundingSource(s).label),
                    **flows([f for f in next_year if f.funding_source == s], period),
                }
                for s in sorted({f.funding_source for f in next_year}, key=_source_order)
            ],
        },
        "past_years": past_years([f for f in facts if f.year < year], period),
        "breakdown": replay_breakdown(queryset.filter(plan__year=year), period.as_of),
    }


def past_years(facts: list[ProjectFacts], period: Period) -> list[dict[str, Any]]:
    """Each earlier plan year: đề án approved, the distinct facilities they supported, and the support approved."""
    years: dict[int, list[ProjectFacts]] = defaultdict(list)
    for fact in facts:
        if fact.reached(Action.APPROVED, period.as_of) and fact.kind != ProjectKind.TASK:
            years[fact.year].append(fact)
    return [
        {
            "year": year,
            **{
                k: v
                for k, v in tally(group, [f.support_on(period.as_of) or Decimal(0) for f in group]).items()
                if k != "codes"
            },
            "disbursed": int(sum((f.disbursed(f.events[0].on, period.as_of) for f in group), Decimal(0))),
        }
        for year, group in sorted(years.items())
    ]
