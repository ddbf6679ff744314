"""The reference geography holds both generations of units and the lineage between them."""

from __future__ import annotations

import pytest
from django.db.models import Count

from khuyencong.geography.loading import load_geography
from khuyencong.geography.models import AdminUnit, Era, Level, Succession
from khuyencong.geography.selectors import unit_current_communes, unit_default_current_commune

pytestmark = pytest.mark.django_db


def count(era: str, level: int) -> int:
    return AdminUnit.objects.filter(era=era, level=level).count()


def test_before_the_reform_there_are_63_provinces_with_districts_and_communes() -> None:
    assert count(Era.BEFORE_2025, Level.PROVINCE) == 63
    assert count(Era.BEFORE_2025, Level.DISTRICT) == 696
    assert count(Era.BEFORE_2025, Level.COMMUNE) == 10035


def test_from_the_reform_there_are_34_provinces_and_3321_communes_and_no_districts() -> None:
    assert count(Era.FROM_2025, Level.PROVINCE) == 34
    assert count(Era.FROM_2025, Level.COMMUNE) == 3321
    assert count(Era.FROM_2025, Level.DISTRICT) == 0


def test_every_old_commune_has_exactly_one_default_successor() -> None:
    old_communes = AdminUnit.objects.filter(era=Era.BEFORE_2025, level=Level.COMMUNE)
    defaults = Succession.objects.filter(predecessor__in=old_communes, is_default=True)
    assert defaults.count() == old_communes.count()
    split = old_communes.annotate(n=Count("successions")).filter(n__gt=1)
    assert split.exists(), "some communes were split across several new ones"


def test_every_unit_knows_its_province_of_today() -> None:
    assert not AdminUnit.objects.filter(current_province__isnull=True).exists()
    assert not AdminUnit.objects.exclude(current_province__era=Era.FROM_2025).exists()


def test_a_split_commune_maps_to_several_current_communes_default_first() -> None:
    split = (
        AdminUnit.objects.filter(era=Era.BEFORE_2025, level=Level.COMMUNE)
        .annotate(n=Count("successions"))
        .filter(n__gt=1)
        .first()
    )
    assert split is not None
    communes = unit_current_communes(split)
    assert len(communes) > 1
    assert communes[0] == unit_default_current_commune(split)


def test_a_district_maps_to_the_communes_of_today_on_its_territory() -> None:
    tran_yen = AdminUnit.objects.get(era=Era.BEFORE_2025, level=Level.DISTRICT, code="138")
    communes = unit_current_communes(tran_yen)
    assert communes
    assert {c.parent.name for c in communes if c.parent} == {"Lào Cai"}


def test_loading_again_changes_nothing() -> None:
    before = AdminUnit.objects.count(), Succession.objects.count()
    result = load_geography()
    assert result.created == 0
    assert result.updated == 0
    assert (AdminUnit.objects.count(), Succession.objects.count()) == before
