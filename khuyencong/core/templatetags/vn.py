from __future__ import annotations

from decimal import Decimal

from django import template

from khuyencong.core import numbers

register = template.Library()


@register.filter
def vn_number(value: int | Decimal | None) -> str:
    return numbers.format_number(value)


@register.filter
def vn_money(value: int | Decimal | None) -> str:
    return numbers.format_money(value)


@register.filter
def vn_percent(value: Decimal | str | None) -> str:
    """20,7%: one decimal place, Vietnamese comma. Report JSON carries rates as exact decimal strings ("20.7")."""
    if value is None or value == "":
        return ""
    return numbers.format_percent(Decimal(value))


@register.filter
def vn_money_compact(value: int | Decimal | None) -> str:
    """1 tỷ 700 triệu đồng, as the reports say it."""
    return numbers.format_money_compact(value)
