"""Folding of Vietnamese text for search and matching.

Search must ignore diacritics, case, đ/Đ and the placement of tone marks (Hoà/Hòa, Thuỷ/Thủy), identically on SQLite
and PostgreSQL. Neither database folds Vietnamese the same way (SQLite's LIKE folds ASCII only), so the folding is done
here, once, and stored in indexed columns.
"""

from __future__ import annotations

import re
import unicodedata

from text_unidecode import unidecode

_SPACES = re.compile(r"\s+")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def fold(text: str | None) -> str:
    """Lower-case ASCII with single spaces: "  Bắc  Kạn, Đắk Lắk" -> "bac kan, dak lak"."""
    if not text:
        return ""
    return _SPACES.sub(" ", unidecode(unicodedata.normalize("NFC", text)).lower()).strip()


def compact_key(text: str | None) -> str:
    """Letters and digits only, for comparing names written with different spacing: "Hà Nội" == "hanoi"."""
    return _NOT_ALNUM.sub("", fold(text))


def search_terms(query: str | None) -> list[str]:
    """The folded words of a search box entry; every one must occur in the record."""
    return [term for term in _NOT_ALNUM.split(fold(query)) if term]


def marks_key(text: str | None) -> str:
    """Each word's letters and the set of its diacritics, wherever they sit: "Hoà" and "Hòa" agree, "Quang" and
    "Quảng" do not. Used to prefer, among names that fold alike, those spelled as written."""
    words = []
    for word in unicodedata.normalize("NFD", (text or "").lower()).split():
        marks = sorted(ch for ch in word if unicodedata.combining(ch)) + (["đ"] if "đ" in word else [])  # vi-only
        words.append(compact_key(word) + ":" + "".join(marks))
    return " ".join(words)


# Blank letters: characters of a letter category that draw nothing (Hangul fillers, the braille blank).
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def visible(text: str | None) -> str:
    """The text without the characters nothing shows — format characters (zero-width spaces and joiners, the
    byte-order mark), marks with no letter to sit on (a variation selector, a lone accent), blank letters — and
    without surrounding spaces: a name that is only such characters is no name."""
    kept: list[str] = []
    for char in text or "":
        category = unicodedata.category(char)
        if category in ("Cf", "Cc") or char in _BLANK_LETTERS:
            continue
        if category.startswith("M") and not (kept and not kept[-1].isspace()):
            continue
        kept.append(char)
    return "".join(kept).strip()


# Where the tone sits in «oa», «oe», «uy» has two accepted spellings, old and new («hoà»/«hòa», «thuỷ»/«thủy»;
# Decision 240/QĐ of 1984 and the later school style): the same word either way.
_TONE_MARKS = frozenset({"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"})
_TONE_PAIRS = frozenset({("o", "a"), ("o", "e"), ("u", "y")})


def tone_placements(word: str) -> set[str]:
    """The word as typed and with its tone on the other vowel of «oa», «oe» or «uy» (NFC): «hoà» → {hoà, hòa}."""
    chars = list(unicodedata.normalize("NFD", word))
    found = {unicodedata.normalize("NFC", word)}
    for i, char in enumerate(chars):
        if char not in _TONE_MARKS or i == 0:
            continue
        if i + 1 < len(chars) and (chars[i - 1].lower(), chars[i + 1].lower()) in _TONE_PAIRS:
            found.add(unicodedata.normalize("NFC", "".join([*chars[:i], chars[i + 1], char, *chars[i + 2 :]])))
        if i >= 2 and (chars[i - 2].lower(), chars[i - 1].lower()) in _TONE_PAIRS:
            found.add(unicodedata.normalize("NFC", "".join([*chars[: i - 1], char, chars[i - 1], *chars[i + 1 :]])))
    return found
