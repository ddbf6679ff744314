"""The national generator places each đề án as the services would (issue 13): by its own date, its implementer's
territory then, else its beneficiaries' place then — and writes its reach as the services would — checked straight
after the bulk load, before any rebuild."""

from __future__ import annotations

import datetime

import pytest

from khuyencong.demo.national import build
from khuyencong.geography.models import Era
from khuyencong.projects.models import Project
from khuyencong.projects.reach import check_reach
from khuyencong.projects.recorded import check_recorded_provinces

pytestmark = pytest.mark.django_db


def test_the_generated_đề_án_are_recorded_under_the_province_of_their_date() -> None:
    # Given a generated sample whose plans run from 2023 to 2027, across the reform
    build(projects=150, facilities=1500, first_year=2023, years=5, today=datetime.date(2026, 11, 27), seed=5,
          say=lambda _: None)  # fmt: skip
    # Then every đề án's stored province as recorded is what the rule gives, without a rebuild
    assert check_recorded_provinces(Project.objects.all()) == []
    # And its beneficiaries as reports count them are what the services would have written, some in priority groups
    assert check_reach(Project.objects.all()) == []
    assert Project.objects.exclude(reach_groups=0).exists()
    # And both generations occur: before the reform pre-reform units, after it today's
    eras = set(Project.objects.exclude(recorded_province=None).values_list("recorded_province__era", flat=True))
    assert eras == {Era.BEFORE_2025, Era.FROM_2025}
    # And a 2023 đề án of an unchanged province's centre (which served the pre-reform province then) is that
    # pre-reform province's
    unchanged = Project.objects.filter(
        plan__year=2023, implementer__territories__valid_until=datetime.date(2025, 6, 30)
    ).select_related("recorded_province", "implementer")
    assert unchanged
    for project in unchanged:
        assert project.recorded_province is not None
        assert project.recorded_province.era == Era.BEFORE_2025
        assert project.recorded_province.current_province_id == project.implementer.territory_id
