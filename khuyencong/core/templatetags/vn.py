from __future__ import annotations

import unicodedata
from decimal import Decimal
from typing import Any

from django import forms, template
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


# Characters of the longest choice beyond which a dropdown takes two or three columns of a form's grid: a closed
# select shows only what fits its box, and "Thực hiện kế hoạch khuyến công quốc gia" cut to "Thực hiện kế hoạc" reads
# as another report.
WIDE_CHOICE = 15
WIDER_CHOICE = 32
WIDEST_CHOICE = 54


@register.filter
def choice_width(field: Any) -> str:
    """The width class of a form's field (or of a list of choices) from its longest choice label, in the page's
    language: "" for a short one, "wide", "wider" or, for a legal text (a trade of Decree 45), "widest": the whole
    row."""
    inner = getattr(field, "field", None)
    choices = field if inner is None else getattr(inner, "choices", None)
    # Only a widget that lists its choices is sized by them: a picker's text box over a model's choices (a million
    # facilities) would otherwise read them all to size a box that shows none (the products page took 93 s).
    if choices is None or (inner is not None and not isinstance(inner.widget, forms.widgets.ChoiceWidget)):
        return ""
    longest = 0
    for _value, label in choices:
        group = label if isinstance(label, list | tuple) else [(None, label)]
        longest = max([longest, *(len(str(text)) for _v, text in group)])
    if longest > WIDEST_CHOICE:
        return "widest"
    if longest > WIDER_CHOICE:
        return "wider"
    return "wide" if longest > WIDE_CHOICE else ""


@register.filter
def nfc(text: Any) -> str:
    """Text in composed form: Django's table of language names writes "Tiếng Việt" decomposed (e + combining marks),
    which a search of the page, or a screen reader's find, typed the usual way does not match."""
    return unicodedata.normalize("NFC", str(text))
