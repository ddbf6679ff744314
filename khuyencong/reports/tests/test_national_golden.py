"""Golden: the national plan execution read from the periods equals the replay of the events, for every national
plan, several periods and as-of days, both geographies, on the purpose-built southern document and the scenarios."""

from __future__ import annotations

import datetime

import pytest

from khuyencong.programs.models import Plan
from khuyencong.reports.national import _plan_execution
from khuyencong.reports.periods import Period
from khuyencong.reports.scope import Geography, ReportScope
from khuyencong.reports.tests.figures_replay import comparable
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
                sql["breakdown"] = comparable(sql["breakdown"])
                assert sql == replay, (plan.code, period, geography)
                compared += 1
                if sql["disbursed"]:
                    compared += 1000
    # Something was disbursed in some period, so that equality is not between two empty reports
    assert compared > 1000


def test_what_a_region_implemented_is_the_replay(south: None, bac_kan: None, yen_bai: None) -> None:
    """The regional report's "implemented" (disbursed within the period), summed in SQL, equals the replay's sum —
    read on its own, and read with the breakdown in one pass (which must then be the breakdown read alone)."""
    from khuyencong.organizations.models import Region
    from khuyencong.projects.models import Project
    from khuyencong.reports.facts import project_facts
    from khuyencong.reports.figures import breakdown
    from khuyencong.reports.regional import _breakdown_and_implemented, implemented
    from khuyencong.reports.scope import resolve_scope

    seen = 0
    for region in Region.objects.all():
        for year in (2018, 2021, 2022):
            for period in periods_of(year):
                scope = resolve_scope(region=region.code, on=period.as_of)
                facts = project_facts(scope.projects(Project.objects.filter(plan__year=year)), period.as_of)
                replay = sum((f.disbursed(period.start, period.until) for f in facts), 0)
                assert implemented(scope, period) == replay, (region.code, period)
                figures, together = _breakdown_and_implemented(scope, period)
                assert together == replay, (region.code, period)
                assert figures == breakdown(scope.projects(Project.objects.filter(plan__year=year)), period.as_of)
                seen += int(replay != 0)
    assert seen


def test_the_sql_programme_report_is_the_replay(south: None) -> None:
    """The programme report from the periods equals the replay for every programme, year and as-of day."""
    from khuyencong.programs.models import Program
    from khuyencong.reports.programme import programme_report
    from khuyencong.reports.tests.programme_replay import replay_programme_report

    compared = 0
    for program in Program.objects.all():
        for year in range(program.start_year, program.end_year + 1):
            for period in periods_of(year):
                for geography in Geography:
                    scope = ReportScope(geography, (), None)
                    sql = programme_report(scope, period, program_code=program.code)
                    sql["breakdown"] = comparable(sql["breakdown"])
                    assert sql == replay_programme_report(scope, period, program_code=program.code), (program, period)
                    compared += int(sql["projects"] > 0)
    assert compared
