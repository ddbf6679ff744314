"""The province a place lay in on a day, across the 2025 reform (issue 13): a unit in force that day is its own; a
pre-reform unit after the reform counts under today's province; a unit of today before the reform goes back through
the lineage, and is unknown where the lineage does not say."""

from __future__ import annotations

import datetime

import pytest

from khuyencong.geography.models import AdminUnit, Era, Level
from khuyencong.geography.selectors import PlaceLineage, place_province_on, unit_province_on

pytestmark = pytest.mark.django_db

IN_2024 = datetime.date(2024, 5, 1)
LAST_DAY = datetime.date(2025, 6, 30)
FIRST_DAY = datetime.date(2025, 7, 1)


def province(era: str, code: str) -> AdminUnit:
    return AdminUnit.objects.get(era=era, level=Level.PROVINCE, code=code)


def commune(era: str, province_code: str, name: str) -> AdminUnit:
    units = AdminUnit.objects.filter(era=era, level=Level.COMMUNE, name=name)
    path = "parent__parent__code" if era == Era.BEFORE_2025 else "parent__code"
    return units.get(**{path: province_code})


def test_an_unchanged_province_of_today_was_its_pre_reform_namesake_before_the_reform() -> None:
    # Given today's Sơn La, which the reform left as it was (one pre-reform province succeeds to it)
    today = province(Era.FROM_2025, "14")
    # When asked for a day before, on and after the reform
    # Then before it, it was pre-reform Sơn La: a different unit with the same name
    assert unit_province_on(today, IN_2024) == province(Era.BEFORE_2025, "14")
    assert unit_province_on(today, LAST_DAY) == province(Era.BEFORE_2025, "14")
    assert unit_province_on(today, FIRST_DAY) == today


def test_a_merged_province_of_today_is_unknown_before_the_reform_but_its_communes_are_not() -> None:
    # Given today's Lào Cai (Yên Bái + Lào Cai) and today's commune Việt Hồng, carved from Yên Bái's Việt Hồng
    lao_cai = province(Era.FROM_2025, "15")
    viet_hong = commune(Era.FROM_2025, "15", "Việt Hồng")
    # Then the province alone does not say which of the two it was in 2024; the commune does
    assert unit_province_on(lao_cai, IN_2024) is None
    assert unit_province_on(viet_hong, IN_2024) == province(Era.BEFORE_2025, "15")
    assert unit_province_on(viet_hong, IN_2024).name == "Yên Bái"  # type: ignore[union-attr]
    assert unit_province_on(viet_hong, FIRST_DAY) == lao_cai


def test_a_pre_reform_unit_after_the_reform_counts_under_today_s_province() -> None:
    old_viet_hong = commune(Era.BEFORE_2025, "15", "Việt Hồng")
    assert unit_province_on(old_viet_hong, IN_2024) == province(Era.BEFORE_2025, "15")
    assert unit_province_on(old_viet_hong, FIRST_DAY) == province(Era.FROM_2025, "15")
    assert unit_province_on(province(Era.BEFORE_2025, "15"), FIRST_DAY) == province(Era.FROM_2025, "15")


def test_a_place_is_placed_by_its_most_precise_unit() -> None:
    lineage = PlaceLineage()
    viet_hong = commune(Era.FROM_2025, "15", "Việt Hồng")
    lao_cai = province(Era.FROM_2025, "15")
    assert place_province_on(lineage, province_id=lao_cai.pk, commune_id=viet_hong.pk, day=IN_2024) == (
        province(Era.BEFORE_2025, "15").pk
    )
    assert place_province_on(lineage, province_id=lao_cai.pk, day=IN_2024) is None


def test_the_preloaded_lineage_answers_as_the_one_that_asks_unit_by_unit() -> None:
    # Given every unit of two provinces of today (one unchanged, one merged) and of their predecessors
    units = list(
        AdminUnit.objects.filter(current_province__code__in=["14", "15"], current_province__era=Era.FROM_2025)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    assert len(units) > 300
    preloaded, lazy = PlaceLineage().preload(), PlaceLineage()
    # Then, on each side of the reform, both give the same province for each
    for day in (IN_2024, FIRST_DAY):
        assert [preloaded.province_on(pk, day) for pk in units] == [lazy.province_on(pk, day) for pk in units]
