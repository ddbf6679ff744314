"""Golden: the national plan execution read from the periods equals the replay of the events, for every national
plan, several periods and as-of days, both geographies, on the purpose-built southern document and the scenarios."""

from __future__ import annotations

import datetime

import pytest

from khuyencong.programs.models import Plan
from khuyencong.reports.national import _plan_execution
from khuyencong.reports.periods import Period
from khuyencong.reports.scope import Geography, ReportScope
from khuyencong.reports.tests.national_replay import replay_plan_execution

pytestmark = pytest.mark.django_db


def periods_of(year: int) -> list[Period]:
    return [
        Period.year(year, months=6),
        Period.year(year),
        Period.year(year, as_of=datetime.date(year, 9, 15)),
        Period.quarter(year, 2),
        Period.year(year, as_of=datetime.date(year + 1, 3, 31)),
    ]


def test_the_sql_national_report_is_the_replay(south: None, bac_kan: None, yen_bai: None) -> None:
    compared = 0
    for plan in Plan.objects.filter(owner__territory__isnull=True):
        for period in periods_of(plan.year):
            for geography in Geography:
                scope = ReportScope(geography, (), None)
                sql, replay = _plan_execution(plan, scope, period), replay_plan_execution(plan, scope, period)
                assert sql == replay, (plan.code, period, geography)
                compared += 1
                if sql["disbursed"]:
                    compared += 1000
    # Something was disbursed in some period, so that equality is not between two empty reports
    assert compared > 1000
