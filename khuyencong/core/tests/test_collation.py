"""Vietnamese alphabetical order of short lists sorted in memory (the overview's bodies, the map's provinces, the
organisations on SQLite): the order PostgreSQL's ICU collation gives the lists it sorts itself."""

from __future__ import annotations

import pytest

from khuyencong.core.collation import by_name, python_key
from khuyencong.organizations.models import Organization, OrganizationKind


def test_in_memory_the_vietnamese_alphabet_orders_its_own_letters_then_the_tones() -> None:
    # ă and â are letters after a, đ after d, ơ and ư after o and u; the tones only order words alike otherwise
    names = ["Bắc Ninh", "Điện Biên", "Bạc Liêu", "Bà Rịa - Vũng Tàu", "Dak Lak", "Hậu Giang", "Huế", "Hà Nội",
             "Thừa Thiên Huế", "Thái Bình", "Ân Thi", "An Giang", "Hải Phòng", "Bình Định", "Bình Dương",
             "Đà Nẵng"]  # fmt: skip
    assert sorted(names, key=python_key) == [
        "An Giang", "Ân Thi", "Bà Rịa - Vũng Tàu", "Bạc Liêu", "Bắc Ninh", "Bình Dương", "Bình Định", "Dak Lak",
        "Đà Nẵng", "Điện Biên", "Hà Nội", "Hải Phòng", "Hậu Giang", "Huế", "Thái Bình", "Thừa Thiên Huế",
    ]  # fmt: skip
    # Tones second: a word before the same word with a tone, whatever follows
    assert sorted(["Má", "Ma", "Mà", "Mạ", "Mả", "Mã"], key=python_key) == ["Ma", "Mà", "Mả", "Mã", "Má", "Mạ"]


@pytest.mark.django_db
def test_the_database_orders_names_the_same_way_on_either_engine() -> None:
    # Given the provinces' names in the database, in no order
    names = ["Bắc Ninh", "Điện Biên", "Bạc Liêu", "Dak Lak", "Đà Nẵng", "An Giang", "Ân Thi", "Huế", "Hà Nội"]
    Organization.objects.bulk_create(
        Organization(code=f"X{n}", name=name, kind=OrganizationKind.OTHER) for n, name in enumerate(names)
    )
    # When the database sorts them by name (ICU on PostgreSQL, core/sqlite's collation «vi» on SQLite)
    ordered = by_name(Organization.objects.filter(code__startswith="X")).values_list("name", flat=True)
    # Then the order is the Vietnamese alphabet's, as in memory
    assert list(ordered) == sorted(names, key=python_key)
