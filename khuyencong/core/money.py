"""Money written the way Vietnamese documents write it, parsed exactly into whole đồng.

Accepted: 1700000000 · "1.700.000.000" · "1.700.000.000 đồng" · "1 tỷ 700 triệu" · "6.047,5 triệu đồng" ·
"50,3 tỷ đồng" · "300 nghìn". Refused, because a reader could take them two ways: "1 tỷ 700" (700 what?),
"1.5 tỷ" (a dot is a thousands separator here), "1,700,000" (English grouping), units out of order, and any
amount that is not a whole number of đồng. No library parses unit words like "tỷ"/"triệu", hence this module.
"""

from __future__ import annotations

import re
from decimal import Decimal

UNITS = {
    "tỷ": Decimal(10) ** 9,
    "ty": Decimal(10) ** 9,
    "triệu": Decimal(10) ** 6,
    "trieu": Decimal(10) ** 6,
    "nghìn": Decimal(10) ** 3,
    "ngàn": Decimal(10) ** 3,
    "nghin": Decimal(10) ** 3,
    "ngan": Decimal(10) ** 3,
}
CURRENCY = re.compile(r"\s*(đồng|dong|đ|vnđ|vnd)\s*$", re.IGNORECASE)
NUMBER = re.compile(r"^(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?$")
TERM = re.compile(r"(\S+)\s*(tỷ|ty|triệu|trieu|nghìn|ngàn|nghin|ngan)?(?=\s|$)", re.IGNORECASE)
MAX = Decimal(10) ** 18


class MoneyError(ValueError):
    pass


def _number(text: str, original: str) -> Decimal:
    match = NUMBER.match(text)
    if not match:
        raise MoneyError(
            f"«{original}»: «{text}» không phải số viết theo kiểu Việt Nam (dấu chấm phân nhóm, dấu phẩy thập phân)."
        )
    whole, fraction = match.groups()
    return Decimal(whole.replace(".", "") + ("." + fraction if fraction else ""))


def parse_money(value: object) -> Decimal:
    """An exact, non-negative whole number of đồng, or MoneyError saying why not."""
    if isinstance(value, bool) or value is None:
        raise MoneyError("Số tiền phải là số nguyên đồng hoặc chuỗi như «1 tỷ 700 triệu».")
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, Decimal):
        amount = value
    elif isinstance(value, str):
        amount = _parse_text(value)
    else:
        raise MoneyError(f"Số tiền «{value}» phải là số nguyên đồng, không phải số thập phân dấu phẩy động.")
    if amount < 0:
        raise MoneyError(f"Số tiền «{value}» không thể âm.")
    if amount != amount.to_integral_value():
        raise MoneyError(f"Số tiền «{value}» không phải số nguyên đồng.")
    if amount >= MAX:
        raise MoneyError(f"Số tiền «{value}» quá lớn.")
    return amount.quantize(Decimal(1))


def _parse_text(original: str) -> Decimal:
    text = CURRENCY.sub("", original.strip().lower())
    if not text:
        raise MoneyError("Chưa ghi số tiền.")
    if text.startswith("-"):
        raise MoneyError(f"Số tiền «{original}» không thể âm.")
    terms = TERM.findall(text)
    if " ".join(f"{n} {u}".strip() for n, u in terms) != " ".join(text.split()):
        raise MoneyError(f"«{original}» không đọc được thành số tiền.")
    total = Decimal(0)
    previous: Decimal | None = None
    for index, (number, unit) in enumerate(terms):
        if not unit:
            # "234 nghìn 567": exactly three digits after nghìn can only be the units; "1 nghìn 5" could be 1.500.
            if (
                index > 0
                and index == len(terms) - 1
                and terms[index - 1][1] == "nghìn"
                and re.fullmatch(r"\d{3}", number)
            ):
                return total + Decimal(number)
            if index > 0:
                raise MoneyError(
                    f"«{original}»: «{number}» đứng sau {terms[index - 1][1]} mà không ghi đơn vị; "
                    "có thể hiểu nhiều cách."
                )
            if len(terms) > 1:
                raise MoneyError(f"«{original}» không đọc được thành số tiền.")
            return _number(number, original)
        scale = UNITS[unit]
        if previous is not None and scale >= previous:
            raise MoneyError(f"«{original}»: đơn vị phải giảm dần (tỷ, triệu, nghìn).")
        total += _number(number, original) * scale
        previous = scale
    return total
