"""Numbers written the Vietnamese way: 1.700.000.000; 6.047,5; 20,7% — and, on a page read in English, the English
way (1,700,000,000; 6,047.5; 20.7%). Official documents (PDF, Word, XLSX) stay Vietnamese whoever prints them."""

from __future__ import annotations

from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from babel.numbers import format_decimal
from django.utils.translation import get_language

# The Vietnamese side of each format (amounts in words belong to official documents); the English side is beside it.
VIETNAMESE_ONLY = "Vietnamese number words and units; English ones are chosen by locale_of"
LOCALE = "vi_VN"
ENGLISH = "en"
CURRENCY = {LOCALE: "đồng", ENGLISH: "VND"}
# The articles' words for large amounts, and the English ones for a page read in English.
SCALES = {
    LOCALE: (("tỷ", 10**9), ("triệu", 10**6), ("nghìn", 10**3)),
    ENGLISH: (("billion", 10**9), ("million", 10**6), ("thousand", 10**3)),
}


def locale_of(language: str | None) -> str:
    """The Babel locale of a page's language (Django's `get_language()`): English or, by default, Vietnamese."""
    return ENGLISH if (language or "").startswith("en") else LOCALE


def active_locale() -> str:
    """The locale of the language in force: a page read in English, or an official file built in Vietnamese."""
    return locale_of(get_language())


def format_number(value: int | Decimal | None, *, places: int | None = None, locale: str = LOCALE) -> str:
    if value is None:
        return ""
    if places is None:
        return format_decimal(value, locale=locale, decimal_quantization=False)
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return format_decimal(value, format=pattern, locale=locale)


def format_money(value: int | Decimal | None, *, locale: str = LOCALE) -> str:
    """An exact amount of đồng: 1.700.000.000 đồng (1,700,000,000 VND in English)."""
    if value is None:
        return ""
    return f"{format_number(value, places=0, locale=locale)} {CURRENCY[locale]}"


def format_percent(value: Decimal | None, *, places: int = 1, locale: str = LOCALE) -> str:
    if value is None:
        return ""
    return f"{format_number(value, places=places, locale=locale)}%"


UNITS = {"nghìn": Decimal(10) ** 3, "triệu": Decimal(10) ** 6, "tỷ": Decimal(10) ** 9}
# Each locale's word for a unit named the Vietnamese way ("triệu" → "million").
UNIT_WORDS = {
    locale: {vi: {size: word for word, size in scales}[size] for vi, size in SCALES[LOCALE]}
    for locale, scales in SCALES.items()
}


def format_money_in(value: int | Decimal | None, unit: str = "triệu", *, places: int = 1, locale: str = LOCALE) -> str:
    """An amount in a larger unit, as the reports write totals: 6.047,5 triệu đồng; 50,3 tỷ đồng (6,047.5 million VND
    in English). Trailing zero decimals are dropped (600 triệu đồng, not 600,0), as in the articles."""
    if value is None:
        return ""
    scaled = (Decimal(value) / UNITS[unit]).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if scaled == scaled.to_integral_value():
        scaled = scaled.quantize(Decimal(1))
    return f"{format_number(scaled, locale=locale)} {UNIT_WORDS[locale][unit]} {CURRENCY[locale]}"


def format_money_active(value: int | Decimal | None) -> str:
    """An amount in the language in force: a refusal read in English says 1,700,000,000 VND, the same refusal in an
    official file (built under Vietnamese) 1.700.000.000 đồng."""
    return format_money(value, locale=active_locale())


def format_number_active(value: int | Decimal | None) -> str:
    """A number (a percentage without its sign, a count) in the language in force, as `format_money_active`."""
    return format_number(value, locale=active_locale())


def format_money_compact(value: int | Decimal | None, *, locale: str = LOCALE) -> str:
    """An amount as the articles say it: 1 tỷ 700 triệu đồng; 529 triệu đồng; 2 tỷ 110 triệu 500 nghìn đồng."""
    if value is None:
        return ""
    amount = int(value)
    currency = CURRENCY[locale]
    if amount == 0:
        return f"0 {currency}"
    parts = []
    last_size = 0
    for name, size in SCALES[locale]:
        count, amount = divmod(amount, size)
        if count:
            parts.append(f"{format_number(count, locale=locale)} {name}")
            last_size = size
    if amount and parts and (amount < 100 or last_size != 10**3):
        # "1 nghìn 5" reads as 1.500 in speech, and "125 triệu 100" as 125.100.000: bare units are unambiguous only
        # as three digits right after nghìn, so any other amount with units is written out in full instead.
        return format_money(value, locale=locale)
    if amount:
        parts.append(str(amount))
    return " ".join(parts) + f" {currency}"


def round_parts(parts: list[Decimal], *, places: int = 0) -> list[Decimal]:
    """Rounds each part so that the rounded parts add up to the rounded total (largest remainder): three shares of
    33,33…% print as 33,3 + 33,3 + 33,4 = 100,0, not 99,9."""
    step = Decimal(1).scaleb(-places)
    total = sum(parts, Decimal(0)).quantize(step, rounding=ROUND_HALF_UP)
    floors = [(p / step).to_integral_value(rounding=ROUND_FLOOR) * step for p in parts]
    shortfall = int(((total - sum(floors, Decimal(0))) / step).to_integral_value())
    order = sorted(range(len(parts)), key=lambda i: (parts[i] - floors[i], -i), reverse=True)
    for i in order[: max(shortfall, 0)]:
        floors[i] += step
    return floors


DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]


def _three(n: int, *, leading: bool) -> str:
    """Words for 0 < n < 1000; a group after a higher one says its zero hundreds ("không trăm năm mươi")."""
    hundreds, rest = divmod(n, 100)
    tens, unit = divmod(rest, 10)
    words = []
    if hundreds or not leading:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if unit:
            words += (["lẻ"] if words else []) + [DIGITS[unit]]
        return " ".join(words)
    words += ["mười"] if tens == 1 else [DIGITS[tens], "mươi"]
    if unit == 1 and tens > 1:
        words.append("mốt")
    elif unit == 5:
        words.append("lăm")
    elif unit:
        words.append(DIGITS[unit])
    return " ".join(words)


def _below_billion(n: int, *, leading: bool) -> str:
    words: list[str] = []
    for size, name in ((10**6, "triệu"), (10**3, "nghìn"), (1, "")):
        group, n = divmod(n, size)
        if group:
            words.append(_three(group, leading=leading and not words) + (f" {name}" if name else ""))
    return " ".join(words)


def _number_words(n: int, *, leading: bool = True) -> str:
    billions, rest = divmod(n, 10**9)
    words = []
    if billions:
        words.append(_number_words(billions, leading=leading) + " tỷ")
    if rest:
        words.append(_below_billion(rest, leading=leading and not billions))
    return " ".join(words)


def amount_in_words(value: int | Decimal) -> str:
    """The "Bằng chữ" line of a payment document: 1.700.000.000 → "Một tỷ bảy trăm triệu đồng". Written here because
    num2words' Vietnamese is colloquial (it drops "không trăm" and has no currency; see research/deps.md)."""
    amount = Decimal(value)
    if amount < 0 or amount != amount.to_integral_value():
        raise ValueError(f"Số tiền bằng chữ phải là số nguyên đồng không âm, không phải {value}.")
    words = _number_words(int(amount)) if amount else "không"
    return words[0].upper() + words[1:] + " đồng"
