"""Search ignores diacritics, case and đ/Đ, the same on SQLite and PostgreSQL, and finds facilities by place too."""

from __future__ import annotations

import pytest

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
