"""Golden on a sample of the generated national dataset (the benchmark's, smaller): hundreds of đề án with varied
lawful histories — failures, rejections, adjustments, stops, refunds, unsettled — in every province; every report
figure read from the periods equals the replay of the events, for several years and as-of days."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F, FilteredRelation

from khuyencong.demo.national import build
from khuyencong.organizations.models import Region
from khuyencong.programs.models import Plan
from khuyencong.projects.models import Payment, Project, ProjectEvent, ProjectPeriod, ProjectYearEnd
from khuyencong.projects.selectors import period_in_force, projects_as_of, state_on, with_state_on
from khuyencong.projects.workflow import State
from khuyencong.reports.dashboard import dashboard_data, dashboard_scope
from khuyencong.reports.national import _plan_execution
from khuyencong.reports.periods import Period
from khuyencong.reports.programme import programme_report
from khuyencong.reports.scope import Geography, ReportScope
from khuyencong.reports.tests.dashboard_replay import assert_dashboard_is_replay
from khuyencong.reports.tests.figures_replay import comparable
from khuyencong.reports.tests.national_replay import replay_plan_execution
from khuyencong.reports.tests.programme_replay import replay_programme_report

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2024, 11, 27)


@pytest.fixture
def generated() -> None:
    build(projects=360, facilities=3000, first_year=2020, years=6, today=TODAY, seed=11, say=lambda _: None)
    call_command("kc_rebuild", stdout=StringIO())


def periods_of(year: int) -> list[Period]:
    return [Period.year(year, months=6), Period.year(year), Period.quarter(year, 3),
            Period.year(year, as_of=datetime.date(year, 10, 15))]  # fmt: skip


def test_the_generated_histories_are_varied_and_their_periods_are_the_replay(generated: None) -> None:
    # Given the generated sample: the histories the reports must handle are all there
    states = set(Project.objects.values_list("state", flat=True))
    assert {State.FAILED, State.REJECTED, State.STOPPED, State.SETTLED, State.ACCEPTED} <= states
    assert Payment.objects.filter(kind="refund").exists()
    assert ProjectEvent.objects.filter(action="adjustment_approved").exists()
    assert ProjectPeriod.objects.count() > Project.objects.count()
    # Then the periods written by kc_rebuild are the replay
    call_command("kc_rebuild", "--check", stdout=StringIO())


def test_the_year_ends_on_the_sample_are_the_periods_and_the_replay_on_every_31_december(generated: None) -> None:
    """The reports read a đề án's year end on 31 December and its period on any other day: for every đề án of the
    sample and every year end of its decade, both say what replaying its events says."""
    compared = 0
    for year in range(2019, 2027):
        day = datetime.date(year, 12, 31)
        replay = projects_as_of(Project.objects.all(), day)
        by_year_end = {p.pk: state_on(p) for p in with_state_on(Project.objects.all(), day)}
        by_period = {
            p.pk: state_on(p)
            for p in Project.objects.annotate(
                on_period=FilteredRelation("periods", condition=period_in_force(day)),
                on_state=F("on_period__state"), on_percent=F("on_period__percent"),
                on_support=F("on_period__support"), on_disbursed=F("on_period__disbursed"),
            )
        }  # fmt: skip
        assert by_year_end == by_period, year
        for pk, snap in replay.items():
            held = by_year_end[pk]
            assert (held.state, held.support_approved, held.paid) == (snap.state, snap.support_approved, snap.paid)
            assert (held.percent is None and snap.percent is None) or held.percent == snap.percent
            compared += held.state is not None
    assert compared > 1000
    assert ProjectYearEnd.objects.count() < ProjectPeriod.objects.count() / 2


def test_national_and_programme_reports_on_the_sample_are_the_replay(generated: None) -> None:
    compared = 0
    for plan in Plan.objects.filter(owner__territory__isnull=True, code__startswith="NAT-"):
        for period in periods_of(plan.year):
            for geography in Geography:
                scope = ReportScope(geography, (), None)
                sql = _plan_execution(plan, scope, period)
                replay = replay_plan_execution(plan, scope, period)
                sql["breakdown"] = comparable(sql["breakdown"])
                assert sql == replay, (plan.code, period, geography)
                compared += int(sql["disbursed"] > 0)
    assert compared > 5
    nation = ReportScope(Geography.CURRENT, (), None)
    for year in range(2021, 2025):
        for period in periods_of(year):
            sql = programme_report(nation, period, program_code="NAT-CTKCQG-2021-2025")
            sql["breakdown"] = comparable(sql["breakdown"])
            assert sql == replay_programme_report(nation, period, program_code="NAT-CTKCQG-2021-2025"), period
            assert sql["projects"]
            assert {s["funding_source"] for s in sql["breakdown"]["by_source"]} == {"national", "provincial"}


def test_dashboards_on_the_sample_are_the_replay(generated: None) -> None:
    region = Region.objects.get(code="north")
    today_units = list(region.provinces_on(datetime.date(2026, 1, 1)))
    scopes = [dashboard_scope([]), dashboard_scope(today_units, region=region)]
    scopes += [dashboard_scope([p]) for p in today_units[:2]]
    days = [(2021, datetime.date(2021, 6, 30)), (2022, datetime.date(2022, 12, 31)), (2024, TODAY),
            (2023, datetime.date(2024, 3, 31))]  # fmt: skip
    compared = sum(
        assert_dashboard_is_replay(scope, Project.objects.all(), year=year, as_of=as_of)
        for scope in scopes
        for year, as_of in days
    )
    assert compared > 50
    nation = dashboard_data(scopes[0], Project.objects.all(), year=2022, as_of=datetime.date(2022, 12, 31))
    assert all(row["count"] for row in nation["funnel"])


def test_a_commune_bodys_dashboard_counts_each_dean_once(generated: None) -> None:
    """A đề án with two of the commune's facilities is one đề án, on the tile and in its list."""
    from django.urls import reverse

    from conftest import client_for, make_user
    from khuyencong.accounts.models import Role
    from khuyencong.facilities.models import Facility
    from khuyencong.organizations.models import Organization

    # Given a group đề án of 2022 whose beneficiaries all lie in one commune, and that commune's committee
    project = (
        Project.objects.filter(plan__year=2022, kind="group", state__isnull=False)
        .exclude(province__isnull=True)
        .order_by("code")
        .first()
    )
    assert project is not None
    facilities = list(project.beneficiaries.all())
    assert len(facilities) >= 2
    commune = facilities[0].current_commune
    Facility.objects.filter(pk__in=[f.pk for f in facilities]).update(current_commune=commune)
    Organization.objects.create(code="UBND-XA", name="UBND xã", kind="commune_committee", territory=commune)
    user = make_user("xa.officer", "UBND-XA", Role.OFFICER)
    seen = set(
        Project.objects.filter(beneficiaries__current_commune=commune, plan__year=2022).values_list("code", flat=True)
    )
    # When its officer opens the 2022 dashboard and the first funnel step's list
    client = client_for(user)
    data = client.get(reverse("reports:dashboard"), {"year": "2022", "as_of": "27/11/2024"}).context["data"]
    listing = client.get(reverse("reports:dashboard_records"), {"year": "2022", "as_of": "27/11/2024",
                                                                "figure": "funnel.0"})  # fmt: skip
    # Then each đề án counts once, and the tile equals its list
    assert project.code in seen
    assert data["funnel"][0]["count"] == len(seen)
    assert {p.code for p in listing.context["projects"]} == seen


def test_the_generator_refuses_a_database_with_real_deans(yen_bai: None) -> None:
    # Given a database holding a province's own đề án, when the national dataset is asked for, then nothing is added
    before = Project.objects.count()
    with pytest.raises(RuntimeError, match="đề án thật"):
        build(projects=10, facilities=10, say=lambda _: None)
    assert Project.objects.count() == before
