"""Money strings parse exactly; anything a reader could take two ways is refused."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from khuyencong.core.money import MoneyError, parse_money
from khuyencong.core.numbers import format_number


@pytest.mark.parametrize(
    ("written", "dong"),
    [
        (1700000000, 1_700_000_000),
        ("1700000000", 1_700_000_000),
        ("1.700.000.000", 1_700_000_000),
        ("1.700.000.000 đồng", 1_700_000_000),
        ("1.700.000.000đ", 1_700_000_000),
        ("1 tỷ 700 triệu", 1_700_000_000),
        ("1 tỷ 700 triệu đồng", 1_700_000_000),
        ("6.047,5 triệu đồng", 6_047_500_000),
        ("50,3 tỷ đồng", 50_300_000_000),
        ("1,7 tỷ", 1_700_000_000),
        ("300 nghìn", 300_000),
        ("2 tỷ 5 triệu 300 nghìn", 2_005_300_000),
        ("0", 0),
    ],
)
def test_written_amounts_parse_exactly(written: object, dong: int) -> None:
    assert parse_money(written) == Decimal(dong)


@pytest.mark.parametrize(
    ("written", "why"),
    [
        ("1 tỷ 700", "không ghi đơn vị"),
        ("1.5 tỷ", "không phải số viết theo kiểu Việt Nam"),
        ("1,700,000", "không phải số viết theo kiểu Việt Nam"),
        ("700 triệu 1 tỷ", "giảm dần"),
        ("1,2345 nghìn", "không phải số nguyên đồng"),
        ("-5", "không thể âm"),
        (-5, "không thể âm"),
        (1.5, "dấu phẩy động"),
        ("một tỷ", "không phải số"),
        ("", "Chưa ghi"),
        (True, "phải là số"),
        ("10000000000000000000", "quá lớn"),
    ],
)
def test_ambiguous_or_impossible_amounts_are_refused(written: object, why: str) -> None:
    with pytest.raises(MoneyError, match=why):
        parse_money(written)


@given(st.integers(min_value=0, max_value=10**17))
def test_any_amount_written_the_vietnamese_way_reads_back(dong: int) -> None:
    assert parse_money(format_number(dong)) == dong
    assert parse_money(f"{format_number(dong)} đồng") == dong
    assert parse_money(dong) == dong


@given(st.integers(min_value=0, max_value=999), st.integers(min_value=0, max_value=999))
def test_billions_and_millions(ty: int, trieu: int) -> None:
    assert parse_money(f"{ty} tỷ {trieu} triệu") == ty * 10**9 + trieu * 10**6
