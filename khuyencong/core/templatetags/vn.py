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
def vn_percent(value: Decimal | None) -> str:
    """20,7%: one decimal place, Vietnamese comma."""
    return numbers.format_percent(value)
