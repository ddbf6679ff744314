"""Golden: the provincial report read from the periods and the period's events (SQL) equals the replay of every đề án's
events (Python), whole JSON for whole JSON — for every province with đề án, in both geographies, and the nation, over
every plan year with several periods and as-of days, on the purpose-built southern document and both scenarios."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from khuyencong.geography.models import AdminUnit
from khuyencong.projects.models import Project
from khuyencong.reports.periods import Period
from khuyencong.reports.provincial import provincial_report
from khuyencong.reports.scope import Geography, ReportScope
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
