"""The resolver reads places as people write them, on the date of the record."""

from __future__ import annotations

import datetime

import pytest

from khuyencong.geography.models import AdminUnit, Era, Level
from khuyencong.geography.resolver import AmbiguousPlace, PlaceError, UnknownPlace, resolve_place, resolve_unit

pytestmark = pytest.mark.django_db

IN_2018 = datetime.date(2018, 6, 30)
IN_2022 = datetime.date(2022, 6, 30)
IN_2026 = datetime.date(2026, 1, 15)


def test_code_15_is_yen_bai_before_the_reform_and_lao_cai_after() -> None:
    assert resolve_unit("15", on=IN_2022).full_name == "Tỉnh Yên Bái"
    assert resolve_unit("15", on=IN_2026).full_name == "Tỉnh Lào Cai"
    assert resolve_unit("15", on=datetime.date(2025, 6, 30)).era == Era.BEFORE_2025
    assert resolve_unit("15", on=datetime.date(2025, 7, 1)).era == Era.FROM_2025


def test_a_name_is_found_without_diacritics_case_or_spacing() -> None:
    expected = resolve_unit("Bắc Kạn", on=IN_2018, level=Level.PROVINCE)
    for written in ["bac kan", "BẮC KẠN", "Tỉnh Bắc Kạn", "tinh  bac   kan", "backan"]:
        assert resolve_unit(written, on=IN_2018, level=Level.PROVINCE) == expected


def test_tone_mark_placement_does_not_matter() -> None:
    assert resolve_unit("Hoà Bình", on=IN_2022, level=Level.PROVINCE) == resolve_unit(
        "Hòa Bình", on=IN_2022, level=Level.PROVINCE
    )


@pytest.mark.parametrize("written", ["tp bac kan", "TP. Bắc Kạn", "Thành Phố Bắc Kạn", "thanh pho bac kan"])
def test_a_prefix_tells_the_kind_of_unit(written: str) -> None:
    # Given no level, "tp bac kan" must not be read as the province of the same name.
    unit = resolve_unit(written, on=IN_2018)
    assert unit.level == Level.DISTRICT
    assert unit.full_name == "Thành phố Bắc Kạn"


def test_a_name_that_starts_like_a_prefix_is_still_found() -> None:
    # "Xà Phiên" (Hậu Giang) folds to "xa phien": read as "xã Phiên" first, then as itself.
    unit = resolve_unit("Xà Phiên", on=IN_2022, level=Level.COMMUNE)
    assert unit.name == "Xà Phiên"


def test_an_ambiguous_name_lists_every_candidate() -> None:
    with pytest.raises(AmbiguousPlace) as caught:
        resolve_unit("Quang Phong", on=IN_2018, level=Level.COMMUNE)
    assert len(caught.value.candidates) == 3
    provinces = sorted(unit.province.name for unit in caught.value.candidates)
    assert provinces == ["Bắc Kạn", "Nghệ An", "Nghệ An"]
    assert "Huyện Na Rì, Tỉnh Bắc Kạn" in caught.value.message
    assert caught.value.code == "place_ambiguous"


def test_the_parent_unit_removes_the_ambiguity() -> None:
    place = resolve_place(province="Bắc Kạn", district="Na Rì", commune="Quang Phong", on=IN_2018)
    assert place.commune is not None
    assert place.commune.path == "Xã Quang Phong, Huyện Na Rì, Tỉnh Bắc Kạn"


def test_an_unknown_name_suggests_the_nearest() -> None:
    bac_kan = resolve_unit("Bắc Kạn", on=IN_2018, level=Level.PROVINCE)
    na_ri = resolve_unit("Na Rì", on=IN_2018, level=Level.DISTRICT, within=bac_kan)
    with pytest.raises(UnknownPlace) as caught:
        resolve_unit("Con Mnh", on=IN_2018, level=Level.COMMUNE, within=na_ri)
    assert "Không tìm thấy" in caught.value.message
    assert "Xã Côn Minh, Huyện Na Rì, Tỉnh Bắc Kạn" in caught.value.message


def test_an_unknown_code_says_which_level_and_date() -> None:
    with pytest.raises(UnknownPlace, match="Không có tỉnh mã 99 vào ngày 15/01/2026"):
        resolve_unit("99", on=IN_2026)
    with pytest.raises(UnknownPlace, match="độ dài"):
        resolve_unit("1234", on=IN_2026)


def test_a_place_of_2018_keeps_its_district_and_counts_under_thai_nguyen_today() -> None:
    place = resolve_place(province="Bắc Kạn", district="Na Rì", commune="Côn Minh", on=IN_2018)
    assert place.district is not None
    assert place.district.name == "Na Rì"
    assert place.unit.current_province is not None
    assert place.unit.current_province.full_name == "Tỉnh Thái Nguyên"


def test_every_commune_of_na_ri_maps_into_thai_nguyen() -> None:
    na_ri = AdminUnit.objects.get(era=Era.BEFORE_2025, level=Level.DISTRICT, code="066")
    communes = list(na_ri.children.all())
    assert len(communes) >= 10
    for commune in communes:
        assert commune.current_province is not None
        assert commune.current_province.code == "19"
        default = commune.successions.get(is_default=True).successor
        assert default.era == Era.FROM_2025
        assert default.parent is not None
        assert default.parent.full_name == "Tỉnh Thái Nguyên"


def test_thua_thien_hue_is_known_by_its_name_of_the_time() -> None:
    unit = resolve_unit("Thừa Thiên Huế", on=IN_2022, level=Level.PROVINCE)
    assert unit.code == "46"
    assert unit.name_on(IN_2022) == "Tỉnh Thừa Thiên Huế"
    assert unit.name_on(datetime.date(2025, 2, 1)) == "Thành phố Huế"
    # From 01/01/2025 the name is no longer in use.
    with pytest.raises(UnknownPlace):
        resolve_unit("Thừa Thiên Huế", on=datetime.date(2025, 3, 1), level=Level.PROVINCE)


def test_districts_do_not_exist_after_the_reform() -> None:
    with pytest.raises(PlaceError, match="không còn cấp huyện") as caught:
        resolve_place(province="Lào Cai", district="Trấn Yên", on=IN_2026)
    assert caught.value.field == "district"


def test_errors_name_the_part_of_the_place_that_is_wrong() -> None:
    with pytest.raises(UnknownPlace) as caught:
        resolve_place(province="Bắc Kạn", district="Na Ri", commune="Nowhere", on=IN_2018)
    assert caught.value.field == "commune"
    with pytest.raises(UnknownPlace) as caught:
        resolve_place(province="Atlantis", on=IN_2018)
    assert caught.value.field == "province"


def test_a_commune_merged_away_before_our_data_falls_back_to_its_district_with_a_warning() -> None:
    place = resolve_place(
        province="Yên Bái", district="Trấn Yên", commune="Xã Đã Sáp Nhập", on=IN_2022, allow_district_fallback=True
    )
    assert place.commune is None
    assert place.unit.full_name == "Huyện Trấn Yên"
    assert "Xã Đã Sáp Nhập" in place.warnings[0]


def test_a_new_commune_in_lao_cai_resolves_by_name_today() -> None:
    unit = resolve_unit("Việt Hồng", on=IN_2026, level=Level.COMMUNE)
    assert unit.parent is not None
    assert unit.parent.full_name == "Tỉnh Lào Cai"


def test_quang_phong_with_a_hook_is_another_place() -> None:
    with pytest.raises(AmbiguousPlace) as caught:
        resolve_unit("Quảng Phong", on=IN_2018, level=Level.COMMUNE)
    assert {unit.name for unit in caught.value.candidates} == {"Quảng Phong"}
    assert "Tỉnh Quảng Ninh" in caught.value.message
