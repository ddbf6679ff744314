from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from khuyencong.core.numbers import format_money, format_number, format_percent
from khuyencong.core.text import compact_key, fold, marks_key, search_terms, tone_placements, visible


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Bắc Kạn", "bac kan"),
        ("ĐẮK LẮK", "dak lak"),
        ("  Thừa   Thiên Huế ", "thua thien hue"),
        ("Hoà Bình", "hoa binh"),
        ("Hòa Bình", "hoa binh"),
        ("Thuỷ", "thuy"),
        ("Thủy", "thuy"),
        ("", ""),
        (None, ""),
    ],
)
def test_fold_removes_diacritics_case_and_extra_spaces(text: str | None, folded: str) -> None:
    assert fold(text) == folded


def test_decomposed_and_composed_input_fold_alike() -> None:
    import unicodedata

    assert fold(unicodedata.normalize("NFD", "Việt Hồng")) == fold("Việt Hồng") == "viet hong"


def test_compact_key_ignores_spacing() -> None:
    assert compact_key("Hà Nội") == compact_key("hanoi") == "hanoi"


def test_marks_key_ignores_tone_mark_placement_but_not_the_marks() -> None:
    assert marks_key("Hoà Bình") == marks_key("Hòa Bình")
    assert marks_key("Quang Phong") != marks_key("Quảng Phong")
    assert marks_key("Đinh") != marks_key("Dinh")


def test_search_terms_are_folded_words() -> None:
    assert search_terms("  Việt-Hồng, ĐINH ") == ["viet", "hong", "dinh"]


@given(st.text())
def test_fold_is_idempotent_and_ascii(text: str) -> None:
    once = fold(text)
    assert fold(once) == once
    assert once.isascii()


def test_numbers_are_written_the_vietnamese_way() -> None:
    assert format_number(1700000000) == "1.700.000.000"
    assert format_money(1700000000) == "1.700.000.000 đồng"
    from decimal import Decimal

    assert format_number(Decimal("6047.5")) == "6.047,5"
    assert format_percent(Decimal("20.72")) == "20,7%"


@pytest.mark.parametrize(
    ("typed", "shown"),
    [("\u200b", ""), ("\ufeff ", ""), ("\u3164", ""), ("\u2800", ""), ("\u034f", ""), ("\ufe0f", ""), (" \u0301", ""),
     ("\u200bLê Thị Mai\u200b", "Lê Thị Mai"), ("Le\u0302", "Le\u0302")],
)  # fmt: skip
def test_visible_text_is_what_a_reader_would_see(typed: str, shown: str) -> None:
    # A signer written only with characters that draw nothing is no signer; a decomposed letter keeps its mark
    assert visible(typed) == shown


@pytest.mark.parametrize(
    ("word", "spellings"),
    [("hoà", {"hoà", "hòa"}), ("hòa", {"hoà", "hòa"}), ("thuỷ", {"thuỷ", "thủy"}), ("khoẻ", {"khoẻ", "khỏe"}),
     ("gỗ", {"gỗ"}), ("quá", {"quá"})],
)  # fmt: skip
def test_a_tone_may_sit_on_either_vowel_of_oa_oe_uy(word: str, spellings: set[str]) -> None:
    assert tone_placements(word) == spellings
