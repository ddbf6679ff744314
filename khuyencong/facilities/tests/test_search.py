"""Search ignores diacritics, case and đ/Đ, the same on SQLite and PostgreSQL, and finds facilities by place too."""

from __future__ import annotations

import unicodedata

import pytest
from django.urls import reverse

from conftest import client_for
from khuyencong.accounts.models import User
from khuyencong.facilities.models import Facility
from khuyencong.facilities.selectors import FacilityFilters, facility_list_for_user

pytestmark = pytest.mark.django_db


def search(user: User, query: str) -> list[str]:
    return [f.name for f in facility_list_for_user(user, FacilityFilters(query=query))]


def test_a_lao_cai_officer_finds_the_viet_hong_facilities_by_typing_viet_hong(
    laocai_officer: User, yen_bai_facility: Facility, make_facility
) -> None:
    make_facility("Cơ sở chế biến gỗ nhóm số 1", province="Yên Bái", district="Trấn Yên", commune="Việt Hồng",
                  on=yen_bai_facility.place_recorded_on)  # fmt: skip
    make_facility("Cơ sở khác", province="Lào Cai", commune="Bảo Thắng")
    assert sorted(search(laocai_officer, "viet hong")) == [
        "Cơ sở chế biến gỗ nhóm số 1",
        "Cơ sở sản xuất gỗ Yên Bái số 1",
    ]


@pytest.mark.parametrize("query", ["viet hong", "VIỆT HỒNG", "Viet  Hong", "việt hồng", "hong viet", "trấn yên"])
def test_any_spelling_of_the_commune_finds_it(laocai_officer: User, yen_bai_facility: Facility, query: str) -> None:
    assert search(laocai_officer, query) == [yen_bai_facility.name]


def test_d_finds_the_letter_dj(cuc_officer: User, make_facility) -> None:
    make_facility("Công ty TNHH Đinh Lâm", province="Thái Nguyên")
    assert search(cuc_officer, "dinh lam") == ["Công ty TNHH Đinh Lâm"]
    assert search(cuc_officer, "ĐINH") == ["Công ty TNHH Đinh Lâm"]


def test_every_word_must_match(cuc_officer: User, make_facility) -> None:
    make_facility("HTX mây tre đan Phú Vinh", province="Hà Nội")
    make_facility("HTX gốm Phú Lãng", province="Bắc Ninh")
    assert search(cuc_officer, "phu may") == ["HTX mây tre đan Phú Vinh"]
    assert search(cuc_officer, "phu") == ["HTX gốm Phú Lãng", "HTX mây tre đan Phú Vinh"]


def test_tax_code_and_code_are_searchable(cuc_officer: User, make_facility) -> None:
    facility = make_facility("Công ty Cổ phần Chè", province="Thái Nguyên", tax_code="0100233488")
    assert search(cuc_officer, "0100233488") == [facility.name]
    assert search(cuc_officer, facility.code.lower()) == [facility.name]


def test_search_never_reaches_outside_the_scope(thainguyen_officer: User, yen_bai_facility: Facility) -> None:
    assert search(thainguyen_officer, "viet hong") == []


def test_an_edit_changes_what_search_finds(cuc_officer: User, make_facility, system_actor: User) -> None:
    from khuyencong.facilities.services import FacilityData, facility_update
    from khuyencong.geography.resolver import resolve_place

    facility = make_facility("HTX Gốm Cũ", province="Bắc Ninh")
    place = resolve_place(province="Bắc Ninh", on=facility.place_recorded_on)
    facility_update(
        facility=facility,
        actor=system_actor,
        data=FacilityData(name="HTX Sơn Mài Mới", legal_form="cooperative", place=place),
    )
    assert search(cuc_officer, "gom cu") == []
    assert search(cuc_officer, "son mai moi") == ["HTX Sơn Mài Mới"]


def test_short_and_long_terms_combine(cuc_officer: User, make_facility) -> None:
    make_facility("Tổ hợp tác gỗ Hà Nội", province="Hà Nội")
    make_facility("Tổ hợp tác chè Hà Nội", province="Hà Nội")
    # "go" is shorter than a trigram and is matched by a scan; "hop" through the index on SQLite.
    assert search(cuc_officer, "go hop") == ["Tổ hợp tác gỗ Hà Nội"]


def test_wildcards_typed_in_the_query_are_not_patterns(cuc_officer: User, make_facility) -> None:
    make_facility("Cơ sở 100% tre", province="Hà Nội")
    make_facility("Cơ sở ABC", province="Hà Nội")
    # The query is split into words of letters and digits; "%" and "_" never reach LIKE.
    assert search(cuc_officer, "%") == ["Cơ sở 100% tre", "Cơ sở ABC"]
    assert search(cuc_officer, "%_%") == ["Cơ sở 100% tre", "Cơ sở ABC"]
    assert search(cuc_officer, "abc%") == ["Cơ sở ABC"]


@pytest.mark.parametrize("wide", [True, False])
def test_the_index_and_the_scan_find_the_same(make_facility, wide: bool) -> None:
    from khuyencong.facilities.selectors import facility_search

    make_facility("Hộ kinh doanh Phong Lan", province="Hà Nội")
    make_facility("Cơ sở Việt Hồng", province="Hà Nội")
    make_facility("Cơ sở Hồng Việt", province="Hà Nội")
    found = facility_search(Facility.objects.all(), "viet hong", wide=wide)
    assert sorted(f.name for f in found) == ["Cơ sở Hồng Việt", "Cơ sở Việt Hồng"]
    # "hong" is inside "phong": substring search, as the folded column promises.
    assert [f.name for f in facility_search(Facility.objects.all(), "hong lan", wide=wide)] == [
        "Hộ kinh doanh Phong Lan"
    ]


def test_a_word_typed_with_its_marks_puts_the_names_spelled_so_first(laocai_officer: User, make_facility) -> None:
    # Given three Lào Cai facilities whose names all fold to «go»
    for name in ["Cơ sở Go Việt", "Xưởng gỗ Bảo Thắng", "An Gò"]:
        make_facility(name, province="Lào Cai", commune="Bảo Thắng")
    # When the officer searches «gỗ» as it is written, then the name that holds «gỗ» comes first, its unmarked kin after
    # it in alphabetical order
    assert search(laocai_officer, "gỗ") == ["Xưởng gỗ Bảo Thắng", "An Gò", "Cơ sở Go Việt"]
    # (whatever the case typed, every word as written: all three are in the commune of Bảo Thắng)
    assert search(laocai_officer, "GỖ, bảo") == ["Xưởng gỗ Bảo Thắng", "An Gò", "Cơ sở Go Việt"]
    # And typed without marks, every spelling is alike: alphabetical order
    assert search(laocai_officer, "go") == ["An Gò", "Cơ sở Go Việt", "Xưởng gỗ Bảo Thắng"]
    # And «Tên Z→A» on the page is the reverse order, not A→Z
    page = client_for(laocai_officer).get(reverse("facilities:list"), {"q": "go", "sort": "-name"})
    assert [f.name for f in page.context["page"].object_list] == ["Xưởng gỗ Bảo Thắng", "Cơ sở Go Việt", "An Gò"]


def test_as_typed_means_whatever_the_case_and_the_place_of_the_tone(laocai_officer: User, make_facility) -> None:
    # Given facilities whose names fold alike, one capitalised («Đồng»), one in the old tone style («Hoà»), and one
    # pasted decomposed (NFD)
    for name in ["Cơ sở Dong Ha", "HTX Đồng Tâm", "Cơ sở Hoa Ly", "Xưởng Hoà Bình",
                 unicodedata.normalize("NFD", "Tổ Đồng Xuân")]:  # fmt: skip
        make_facility(name, province="Lào Cai", commune="Bảo Thắng")
    # When «đồng» is typed in lower case, the names holding «Đồng» come first (on SQLite too: its LIKE folds ASCII only)
    assert search(laocai_officer, "đồng")[:2] == ["HTX Đồng Tâm", "Tổ Đồng Xuân"]
    # And «hòa» (the new style) finds «Hoà» (the old) first
    assert search(laocai_officer, "hòa") == ["Xưởng Hoà Bình", "Cơ sở Hoa Ly"]
