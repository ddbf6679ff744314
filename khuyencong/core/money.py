"""Money written the way Vietnamese documents write it, parsed exactly into whole đồng.

Accepted: 1700000000 · "1.700.000.000" · "1.700.000.000 đồng" · "1 tỷ 700 triệu" · "6.047,5 triệu đồng" ·
"50,3 tỷ đồng" · "300 nghìn". Refused, because a reader could take them two ways: "1 tỷ 700" (700 what?),
"1.5 tỷ" (a dot is a thousands separator here), "1,700,000" (English grouping), units out of order, and any
amount that is not a whole number of đồng. No library parses unit words like "tỷ"/"triệu", hence this module.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.utils.translation import gettext as _

UNITS = {  # vi-only: the unit words a Vietnamese document writes
    "tỷ": Decimal(10) ** 9,  # vi-only
    "ty": Decimal(10) ** 9,
    "triệu": Decimal(10) ** 6,  # vi-only
    "trieu": Decimal(10) ** 6,
    "nghìn": Decimal(10) ** 3,  # vi-only
    "ngàn": Decimal(10) ** 3,  # vi-only
    "nghin": Decimal(10) ** 3,
    "ngan": Decimal(10) ** 3,
}
CURRENCY = re.compile(r"\s*(đồng|dong|đ|vnđ|vnd)\s*$", re.IGNORECASE)  # vi-only
NUMBER = re.compile(r"^(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?$")
TERM = re.compile(r"(\S+)\s*(tỷ|ty|triệu|trieu|nghìn|ngàn|nghin|ngan)?(?=\s|$)", re.IGNORECASE)  # vi-only
MAX = Decimal(10) ** 18


class MoneyError(ValueError):
    pass


def _number(text: str, original: str) -> Decimal:
    match = NUMBER.match(text)
    if not match:
        raise MoneyError(
            _(
                "«%(original)s»: «%(text)s» không phải số viết theo kiểu Việt Nam "
                "(dấu chấm phân nhóm, dấu phẩy thập phân)."
            )
            % {"original": original, "text": text}
        )
    whole, fraction = match.groups()
    return Decimal(whole.replace(".", "") + ("." + fraction if fraction else ""))


def parse_money(value: object) -> Decimal:
    """An exact, non-negative whole number of đồng, or MoneyError saying why not."""
    if isinstance(value, bool) or value is None:
        raise MoneyError(_("Số tiền phải là số nguyên đồng hoặc chuỗi như «1 tỷ 700 triệu»."))
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, Decimal):
        amount = value
    elif isinstance(value, str):
        amount = _parse_text(value)
    else:
        raise MoneyError(
            _("Số tiền «%(value)s» phải là số nguyên đồng, không phải số thập phân dấu phẩy động.") % {"value": value}
        )
    if amount < 0:
        raise MoneyError(_("Số tiền «%(value)s» không thể âm.") % {"value": value})
    if amount != amount.to_integral_value():
        raise MoneyError(_("Số tiền «%(value)s» không phải số nguyên đồng.") % {"value": value})
    if amount >= MAX:
        raise MoneyError(_("Số tiền «%(value)s» quá lớn.") % {"value": value})
    return amount.quantize(Decimal(1))


def _parse_text(original: str) -> Decimal:
    text = CURRENCY.sub("", original.strip().lower())
    if not text:
        raise MoneyError(_("Chưa ghi số tiền."))
    if text.startswith("-"):
        raise MoneyError(_("Số tiền «%(value)s» không thể âm.") % {"value": original})
    terms = TERM.findall(text)
    if " ".join(f"{n} {u}".strip() for n, u in terms) != " ".join(text.split()):
        raise MoneyError(_("«%(value)s» không đọc được thành số tiền.") % {"value": original})
    total = Decimal(0)
    previous: Decimal | None = None
    for index, (number, unit) in enumerate(terms):
        if not unit:
            # "234 nghìn 567": exactly three digits after nghìn can only be the units; "1 nghìn 5" could be 1.500.
            if (
                index > 0
                and index == len(terms) - 1
                and terms[index - 1][1] == "nghìn"  # vi-only
                and re.fullmatch(r"\d{3}", number)
            ):
                return total + Decimal(number)
            if index > 0:
                raise MoneyError(
                    _("«%(value)s»: «%(number)s» đứng sau %(unit)s mà không ghi đơn vị; có thể hiểu nhiều cách.")
                    % {"value": original, "number": number, "unit": terms[index - 1][1]}
                )
            if len(terms) > 1:
                raise MoneyError(_("«%(value)s» không đọc được thành số tiền.") % {"value": original})
            return _number(number, original)
        scale = UNITS[unit]
        if previous is not None and scale >= previous:
            raise MoneyError(_("«%(value)s»: đơn vị phải giảm dần (tỷ, triệu, nghìn).") % {"value": original})
        total += _number(number, original) * scale
        previous = scale
    return total
