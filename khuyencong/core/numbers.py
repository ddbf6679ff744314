"""Numbers written the Vietnamese way: 1.700.000.000; 6.047,5; 20,7%."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_decimal

LOCALE = "vi_VN"


def format_number(value: int | Decimal | None, *, places: int | None = None) -> str:
    if value is None:
        return ""
    if places is None:
        return format_decimal(value, locale=LOCALE, decimal_quantization=False)
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return format_decimal(value, format=pattern, locale=LOCALE)


def format_money(value: int | Decimal | None) -> str:
    """An exact amount of đồng: 1.700.000.000 đồng."""
    if value is None:
        return ""
    return f"{format_number(value, places=0)} đồng"


def format_percent(value: Decimal | None, *, places: int = 1) -> str:
    if value is None:
        return ""
    return f"{format_number(value, places=places)}%"
