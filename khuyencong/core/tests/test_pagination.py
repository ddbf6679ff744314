"""KeyPaginator: the page chosen on the narrow query is the page of the full query, in its order, with its count."""

from __future__ import annotations

import pytest

from khuyencong.core.pagination import KeyPaginator
from khuyencong.geography.models import AdminUnit, Level

pytestmark = pytest.mark.django_db


def test_each_page_is_the_slice_of_the_ordered_list_read_in_full() -> None:
    # Given the provinces of both generations in name order, and the same rows with their parent joined
    keys = AdminUnit.objects.filter(level=Level.PROVINCE).order_by("name", "era")
    rows = AdminUnit.objects.filter(level=Level.PROVINCE).select_related("parent", "current_province")
    expected = list(keys.values_list("pk", flat=True))
    # When every page of 7 is read
    paginator = KeyPaginator(keys, rows, 7)
    seen = [unit.pk for number in paginator.page_range for unit in paginator.page(number).object_list]
    # Then the pages hold exactly the list, in order, and the count is the list's
    assert seen == expected
    assert paginator.count == len(expected) > 60


def test_a_page_past_the_end_or_not_a_number_gives_a_real_page() -> None:
    keys = AdminUnit.objects.filter(level=Level.PROVINCE).order_by("code", "era")
    paginator = KeyPaginator(keys, AdminUnit.objects.all(), 10)
    assert paginator.get_page(10_000).number == paginator.num_pages
    assert paginator.get_page("abc").number == 1
    assert len(paginator.get_page(1).object_list) == 10


def test_rows_missing_from_the_full_query_are_left_out_not_invented() -> None:
    # Given a full query narrower than the keys (rows that vanished between the two reads)
    keys = AdminUnit.objects.filter(level=Level.PROVINCE).order_by("code", "era")
    rows = AdminUnit.objects.filter(level=Level.PROVINCE, era="2025-07")
    page = KeyPaginator(keys, rows, 200).page(1)
    assert {unit.era for unit in page.object_list} == {"2025-07"}
