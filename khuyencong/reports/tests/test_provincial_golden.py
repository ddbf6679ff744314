"""Golden: the provincial report read from the periods and the period's events (SQL) equals the replay of every đề án's
events (Python), whole JSON for whole JSON — for every province with đề án, in both geographies, and the nation, over
every plan year with several periods and as-of days, on the purpose-built southern document and both scenarios."""

from __future__ import annotations

import contextlib
import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from khuyencong.accounts.models import User
from khuyencong.facilities.models import Facility
from khuyencong.geography.models import AdminUnit
from khuyencong.organizations.models import Organization
from khuyencong.programs.models import FundingSource, Plan
from khuyencong.projects.authority import can_act_on_project
from khuyencong.projects.models import PaymentKind, Project, ProjectContent, ProjectKind
from khuyencong.projects.services import (
    payment_record,
    project_create,
    project_record_event,
    project_submit,
    project_void_event,
)
from khuyencong.projects.tests.test_services import new_project
from khuyencong.projects.workflow import Action, Position, State, allowed_actions
from khuyencong.reports.periods import Period
from khuyencong.reports.provincial import provincial_report
from khuyencong.reports.scope import Geography, ReportScope
from khuyencong.reports.tests.figures_replay import comparable
from khuyencong.reports.tests.provincial_replay import replay_provincial_report

pytestmark = pytest.mark.django_db


def periods_of(year: int) -> list[Period]:
    return [
        Period.year(year, months=6),
        Period.year(year, months=9),
        Period.year(year),
        Period.quarter(year, 1),
        Period.quarter(year, 2),
        Period.year(year, as_of=datetime.date(year, 3, 10)),
        Period.year(year, as_of=datetime.date(year, 9, 15)),
        Period.year(year, months=6, as_of=datetime.date(year + 1, 3, 31)),
    ]


def scopes() -> list[ReportScope]:
    out = [ReportScope(geography) for geography in Geography]
    for geography, field in ((Geography.RECORDED, "recorded_province"), (Geography.CURRENT, "province")):
        units = AdminUnit.objects.filter(pk__in=Project.objects.values(field)).order_by("code")
        out += [ReportScope(geography, (unit,)) for unit in units]
    return out


def weight(report: dict[str, Any]) -> int:
    """How much a report counts: steps, approved đề án, listed đề án and past years, so that a comparison of two
    empty reports is not taken for a proof."""
    total = sum(len(s["list"]) + s["status"]["approved"] for s in report["sources"])
    total += sum(step["projects"] for s in report["sources"] for step in s["total"].values())
    total += sum(row["projects"] for row in report["past_years"])
    return total


def assert_same_everywhere() -> dict[str, int]:
    seen = {"compared": 0, "counted": 0, "steps": 0, "next_year": 0, "past_years": 0, "in_progress": 0, "assigned": 0}
    years = sorted(set(Project.objects.values_list("plan__year", flat=True)))
    for scope in scopes():
        for year in [*years, years[-1] + 1]:
            for period in periods_of(year):
                sql, replay = provincial_report(scope, period), replay_provincial_report(scope, period)
                sql["breakdown"] = comparable(sql["breakdown"])
                assert sql == replay, (scope.name, scope.geography, period)
                seen["compared"] += 1
                seen["counted"] += weight(sql) > 0
                seen["steps"] += any(s["total"]["approved"]["amount"] for s in sql["sources"])
                seen["next_year"] += any(s["registered"]["projects"] for s in sql["next_year"]["sources"])
                seen["past_years"] += any(row["facilities"] and row["disbursed"] for row in sql["past_years"])
                seen["in_progress"] += any(s["status"]["in_progress_by_percent"] for s in sql["sources"])
                # An assignment has no amount of its own: what it was about comes from the approval before it.
                seen["assigned"] += any(s["total"]["assigned"]["amount"] for s in sql["sources"])
    return seen


def test_the_sql_provincial_report_is_the_replay(south: None, bac_kan: None, yen_bai: None) -> None:
    seen = assert_same_everywhere()
    # Reports that count something, amounts of steps, next year's registrations, past years with beneficiaries and
    # disbursements, workloads: equality is not between two empty reports.
    assert seen["compared"] > 100
    assert all(seen.values()), seen


# --- Random histories written through the services ------------------------------------------------------------------

D = datetime.date
STEP = st.tuples(
    st.integers(0, 45),  # days after the previous step
    st.integers(0, 30),  # which move: mostly one forward along the procedure, else any the workflow allows now
    st.one_of(st.none(), st.integers(10, 300).map(lambda n: Decimal(n) * 1_000_000)),
    st.integers(0, 100).map(Decimal),
    st.one_of(st.none(), st.tuples(st.sampled_from(list(PaymentKind)), st.integers(1, 200).map(Decimal))),
    st.integers(0, 5).map(lambda n: n == 0),  # void the step just written
)
# The way forward, so that walks reach approval, contracts, payments and acceptance rather than wander in appraisal.
FORWARD = [Action.SUBMITTED_FOR_APPRAISAL, Action.APPRAISAL_PASSED, Action.APPROVED, Action.ASSIGNED,
           Action.CONTRACT_SIGNED, Action.PROGRESS, Action.ACCEPTED, Action.LIQUIDATED, Action.SETTLED]  # fmt: skip


def walk(project: Project, cast: dict[str, User], start: datetime.date, steps: list[Any]) -> None:
    """Takes the steps the workflow allows and some party of the cast may take, through the services; whatever the
    services refuse (a date in the future, a cap, a payment above the support) is simply not written."""
    day = start
    for days, choice, amount, percent, payment, void in steps:
        day += datetime.timedelta(days=days)
        project.refresh_from_db()
        position = Position(State(project.state) if project.state else None,
                            State(project.resume_to) if project.resume_to else None)  # fmt: skip
        moves = allowed_actions(position, live=True)
        if not moves:
            break
        forward = [a for a in FORWARD if a in moves]
        action = forward[choice % len(forward)] if forward and choice < 20 else moves[choice % len(moves)]
        if action == Action.APPROVED and amount is not None and project.support_appraised is not None:
            amount = min(amount, project.support_appraised)  # an approval above the appraisal is refused
        actor = next((u for u in cast.values() if can_act_on_project(u, project, action)), None)
        if actor is None:
            continue
        try:
            # With a decision's number: the Sở may record the UBND's approval in its name only with one.
            event = project_record_event(project=project, actor=actor, action=action, on=day, amount=amount,
                                         percent=percent if action == Action.PROGRESS else None,
                                         document=f"{day:%d%m}/QĐ")  # fmt: skip
            if void:
                project_void_event(project=project, event=event, actor=actor, reason="Ghi nhầm", on=day)
        except (ValidationError, PermissionDenied):
            pass
        if payment is not None:
            kind, millions = payment
            with contextlib.suppress(ValidationError, PermissionDenied):
                payment_record(project=project, actor=cast["centre"], on=day, kind=kind, amount=millions * 1_000_000)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(histories=st.lists(st.lists(STEP, min_size=1, max_size=12), min_size=4, max_size=4))
def test_random_histories_give_the_same_report_both_ways(
    frozen_clock: None, cast: dict[str, User], beneficiary: Facility, make_facility: Any, histories: list[list[Any]]
) -> None:
    Project.objects.filter(code__startswith="DA-G").delete()
    committee = Organization.objects.get(code="UBND-15")
    plans = {
        year: Plan.objects.get_or_create(code=f"KCDP-15-{year}", year=year, funding_source=FundingSource.PROVINCIAL,
                                         owner=committee)[0]
        for year in (2025, 2026, 2027)
    }  # fmt: skip
    # A second beneficiary shared by two đề án: facilities are distinct, facility-times are not.
    other = Facility.objects.filter(name="HTX Chè Phong Hải").first() or make_facility(
        "HTX Chè Phong Hải", province="Lào Cai", commune="Bảo Thắng"
    )
    # Two đề án of this year, one of last year, one of next year's plan registered this year.
    cases = [(2026, D(2026, 1, 5)), (2026, D(2026, 2, 1)), (2025, D(2025, 1, 10)), (2027, D(2026, 6, 1))]
    for number, ((year, start), steps) in enumerate(zip(cases, histories, strict=True)):
        if number % 2:
            project = project_create(
                actor=cast["centre"], code=f"DA-G{number}", title="Ứng dụng máy sao chè nhóm", plan=plans[year],
                content=ProjectContent.objects.get(code="machinery_application"), kind=ProjectKind.GROUP,
                implementer=Organization.objects.get(code="TTKC-15"), beneficiaries=[beneficiary, other],
                total_cost=Decimal(600_000_000), support_requested=Decimal(300_000_000),
            )  # fmt: skip
        else:
            project = new_project(plans[year], cast["centre"], beneficiary, code=f"DA-G{number}")
        project_submit(project=project, actor=cast["centre"], on=start, amount=None)
        walk(project, cast, start, steps)
    compared = 0
    periods = [Period.year(2026, months=6), Period.year(2026), Period.quarter(2026, 3),
               Period.year(2026, as_of=D(2026, 4, 15)), Period.of(D(2026, 3, 1), D(2026, 8, 31))]  # fmt: skip
    for period in periods:
        for geography in Geography:
            scope = ReportScope(geography)
            sql = provincial_report(scope, period)
            sql["breakdown"] = comparable(sql["breakdown"])
            assert sql == replay_provincial_report(scope, period), period
            compared += sum(len(s["list"]) for s in sql["sources"])
    # Every đề án was at least submitted: the lists are not empty.
    assert compared
