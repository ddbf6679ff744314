"""Golden tests: amounts and rates written as the khuyến công reports and payment documents write them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from khuyencong.core.money import parse_money
from khuyencong.core.numbers import ENGLISH, amount_in_words, format_money_compact, format_money_in, round_parts


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (1_700_000_000, "1 tỷ 700 triệu đồng"),
        (529_000_000, "529 triệu đồng"),
        (2_110_000_000, "2 tỷ 110 triệu đồng"),
        (140_000_000_000, "140 tỷ đồng"),
        (6_047_500_000, "6 tỷ 47 triệu 500 nghìn đồng"),
        (1_234_567, "1 triệu 234 nghìn 567 đồng"),
        (0, "0 đồng"),
    ],
)
def test_compact_amounts(amount: int, text: str) -> None:
    assert format_money_compact(amount) == text


@pytest.mark.parametrize(
    ("amount", "unit", "text"),
    [
        (6_047_500_000, "triệu", "6.047,5 triệu đồng"),
        (50_300_000_000, "tỷ", "50,3 tỷ đồng"),
        (102_200_000_000, "tỷ", "102,2 tỷ đồng"),
        (600_000_000, "triệu", "600 triệu đồng"),
        (13_980_000_000, "tỷ", "14 tỷ đồng"),
        (1_450_000_000, "tỷ", "1,5 tỷ đồng"),  # half up, as people round
    ],
)
def test_amounts_in_a_larger_unit(amount: int, unit: str, text: str) -> None:
    assert format_money_in(amount, unit) == text


@pytest.mark.parametrize(
    ("amount", "unit", "text"),
    [(6_047_500_000, "triệu", "6,047.5 million VND"), (4_000_000_000, "triệu", "4,000 million VND"),
     (50_300_000_000, "tỷ", "50.3 billion VND")],
)  # fmt: skip
def test_amounts_in_a_larger_unit_on_a_page_read_in_english(amount: int, unit: str, text: str) -> None:
    assert format_money_in(amount, unit, locale=ENGLISH) == text


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (1_700_000_000, "Một tỷ bảy trăm triệu đồng"),
        (1_050_000, "Một triệu không trăm năm mươi nghìn đồng"),
        (1_000_005, "Một triệu không trăm lẻ năm đồng"),
        (1_001_000_000, "Một tỷ không trăm lẻ một triệu đồng"),
        (529_000_000, "Năm trăm hai mươi chín triệu đồng"),
        (15, "Mười lăm đồng"),
        (21, "Hai mươi mốt đồng"),
        (105, "Một trăm lẻ năm đồng"),
        (110, "Một trăm mười đồng"),
        (74_004, "Bảy mươi bốn nghìn không trăm lẻ bốn đồng"),
        (1_000_000_000_000, "Một nghìn tỷ đồng"),
        (0, "Không đồng"),
    ],
)
def test_amounts_in_words_for_payment_documents(amount: int, words: str) -> None:
    assert amount_in_words(amount) == words


@pytest.mark.parametrize("bad", [Decimal("-1"), Decimal("1.5")])
def test_amounts_in_words_refuse_what_is_not_whole_dong(bad: Decimal) -> None:
    with pytest.raises(ValueError, match="số nguyên đồng"):
        amount_in_words(bad)


@given(st.integers(min_value=0, max_value=10**15))
@example(1_125_000_100)  # units after triệu with no nghìn: hypothesis found it ambiguous once
def test_the_compact_form_reads_back_exactly(amount: int) -> None:
    assert parse_money(format_money_compact(amount)) == amount


@given(st.integers(min_value=1, max_value=10**15))
def test_every_amount_has_words_without_doubled_spaces(amount: int) -> None:
    words = amount_in_words(amount)
    assert "  " not in words
    assert words.endswith(" đồng")


def test_shares_are_rounded_so_they_add_up_to_the_total() -> None:
    third = Decimal(100) / 3
    assert round_parts([third, third, third], places=1) == [Decimal("33.4"), Decimal("33.3"), Decimal("33.3")]


@given(st.lists(st.decimals(min_value=0, max_value=10**9, places=3), min_size=1, max_size=12))
def test_rounded_parts_always_add_up_to_the_rounded_total(parts: list[Decimal]) -> None:
    rounded = round_parts(parts, places=1)
    total = sum(parts, Decimal(0)).quantize(Decimal("0.1"), rounding="ROUND_HALF_UP")
    assert sum(rounded, Decimal(0)) == total


def test_three_digits_after_nghin_are_the_units_but_fewer_are_ambiguous() -> None:
    assert parse_money("1 triệu 234 nghìn 567 đồng") == 1_234_567
    with pytest.raises(ValueError, match="nhiều cách"):
        parse_money("1 nghìn 5")
    assert format_money_compact(1_005) == "1.005 đồng"
    # "125 triệu 100" would read as 125.100.000: units not right after nghìn are written out in full
    assert format_money_compact(1_125_000_100) == "1.125.000.100 đồng"
    assert format_money_compact(2_000_000_567) == "2.000.000.567 đồng"
    assert format_money_compact(2_110_500_567) == "2 tỷ 110 triệu 500 nghìn 567 đồng"


class TestNumbersOnAPageReadInEnglish:
    """The same figures, written the English way when the page is read in English; Vietnamese otherwise."""

    def test_the_filters_follow_the_page_language(self) -> None:
        from django.template import Context, Template
        from django.utils import translation

        template = Template(
            "{% load vn %}{{ n|vn_number }}|{{ m|vn_money }}|{{ r|vn_percent }}|{{ c|vn_money_compact }}"
            "|{{ f|vn_number }}"
        )
        context = {"n": 1_700_000_000, "m": Decimal(529_000_000), "r": "20.7", "c": 1_700_000_000,
                   "f": Decimal("6047.5")}  # fmt: skip
        with translation.override("vi"):
            assert template.render(Context(context)) == (
                "1.700.000.000|529.000.000 đồng|20,7%|1 tỷ 700 triệu đồng|6.047,5"
            )
        with translation.override("en"):
            assert template.render(Context(context)) == (
                "1,700,000,000|529,000,000 VND|20.7%|1 billion 700 million VND|6,047.5"
            )

    def test_without_a_language_the_functions_write_vietnamese(self) -> None:
        from khuyencong.core.numbers import format_money, format_percent

        assert format_money(Decimal(1_500)) == "1.500 đồng"
        assert format_percent(Decimal("20.75"), places=2) == "20,75%"
