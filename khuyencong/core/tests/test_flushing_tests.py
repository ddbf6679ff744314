"""Tests that run outside a transaction (browser tests, races) end with Django's flush, which empties every table.
The reference data is put back before the next test, so no test depends on where such a test ran before it: xdist
workers (`make test`) receive files in any order, unlike pytest-django's own order (those tests last)."""

from __future__ import annotations

import pytest

from khuyencong.core.data import csv_rows
from khuyencong.facilities.loading import DATA_DIR as FACILITIES_DATA
from khuyencong.facilities.models import Trade
from khuyencong.geography.models import AdminUnit
from khuyencong.projects.loading import DATA_DIR as PROJECTS_DATA
from khuyencong.projects.models import ProjectContent


def _reference_data_is_all_there() -> None:
    assert AdminUnit.objects.count() > 10_000
    assert set(ProjectContent.objects.values_list("code", flat=True)) == {
        row["code"] for row in csv_rows(PROJECTS_DATA / "contents.csv")
    }
    assert set(Trade.objects.values_list("code", "legal_basis_en")) == {
        (row["code"], row["legal_basis_en"]) for row in csv_rows(FACILITIES_DATA / "trades.csv")
    }


@pytest.mark.django_db(transaction=True)
def test_a_test_outside_a_transaction_finds_the_reference_data() -> None:
    _reference_data_is_all_there()


@pytest.mark.django_db(transaction=True)
def test_the_next_one_finds_it_too_after_the_flush() -> None:
    _reference_data_is_all_there()


@pytest.mark.django_db
def test_and_so_does_a_test_inside_a_transaction() -> None:
    _reference_data_is_all_there()
