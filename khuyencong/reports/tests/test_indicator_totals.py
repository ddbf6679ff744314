"""Result indicators summed by the database equal the same results read and added one by one (the replay): on the
scenarios, over several date ranges, and after a result is voided; a facility reached by two đề án is counted once
for the distinct-facility indicator."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from khuyencong.accounts.services import system_user
from khuyencong.projects.models import Indicator, Project, Result
from khuyencong.projects.services import result_record, result_void
from khuyencong.reports.regional import indicator_totals
from khuyencong.reports.tests.programme_replay import replay_indicator_totals

pytestmark = pytest.mark.django_db

D = datetime.date
RANGES = [(D(2000, 1, 1), D(2030, 12, 31)), (D(2018, 1, 1), D(2018, 6, 30)), (D(2022, 1, 1), D(2022, 12, 31)),
          (D(2025, 1, 1), D(2025, 9, 30))]  # fmt: skip


def _everywhere_same() -> int:
    compared = 0
    for province in [None, *Project.objects.values_list("province", flat=True).distinct()]:
        projects = Project.objects.all() if province is None else Project.objects.filter(province=province)
        for start, end in RANGES:
            totals = indicator_totals(projects, start, end)
            assert totals == replay_indicator_totals(projects, start, end), (province, start, end)
            compared += len(totals)
    return compared


def test_the_sums_are_the_replay_on_the_scenarios(yen_bai: None, bac_kan: None, south: None) -> None:
    assert Result.objects.standing().exists()
    assert _everywhere_same() > 0


def test_a_facility_reached_twice_is_one_facility_and_a_voided_result_counts_nothing(south: None) -> None:
    # Given two đề án sharing a facility, each recording facilities supported
    shared = next(
        (p, q)
        for p in Project.objects.filter(beneficiaries__isnull=False).distinct()
        for q in Project.objects.filter(beneficiaries__in=p.beneficiaries.all()).exclude(pk=p.pk)[:1]
    )
    actor, day = system_user(), datetime.date(2024, 3, 1)
    for project in shared:
        result_record(project=project, actor=actor, indicator=Indicator.FACILITIES_SUPPORTED, value=Decimal(5), on=day)
    pair = Project.objects.filter(pk__in=[p.pk for p in shared])
    facilities = pair.values("beneficiaries").distinct().count()
    # Then the indicator is the number of distinct facilities of the two, not 5 + 5, nor their facility-times
    totals = indicator_totals(pair, day, day)
    assert totals[Indicator.FACILITIES_SUPPORTED] == Decimal(facilities)
    assert facilities < sum(p.beneficiaries.count() for p in shared)
    # When both results are voided, nothing is counted
    for result in Result.objects.filter(project__in=pair, on=day):
        result_void(project=result.project, result=result, actor=actor, reason="Ghi nhầm", on=day)
    assert indicator_totals(pair, day, day) == {}
    assert _everywhere_same() >= 0
