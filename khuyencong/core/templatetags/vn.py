from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.translation import get_language

from khuyencong.core import numbers

register = template.Library()


def _locale() -> str:
    # The page's language: a page read in English writes 1,700,000,000 VND and 20.7%.
    return numbers.locale_of(get_language())


@register.filter
def vn_number(value: int | Decimal | None) -> str:
    return numbers.format_number(value, locale=_locale())


@register.filter
def vn_money(value: int | Decimal | None) -> str:
    return numbers.format_money(value, locale=_locale())


@register.filter
def vn_percent(value: Decimal | str | None) -> str:
    """20,7%: one decimal place, Vietnamese comma. Report JSON carries rates as exact decimal strings ("20.7")."""
    if value is None or value == "":
        return ""
    return numbers.format_percent(Decimal(value), locale=_locale())


@register.filter
def vn_money_compact(value: int | Decimal | None) -> str:
    """1 tỷ 700 triệu đồng, as the reports say it."""
    return numbers.format_money_compact(value, locale=_locale())
