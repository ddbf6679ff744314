"""Vietnamese alphabetical order for lists sorted by name.

Vietnamese orders letters as a ă â b c d đ e ê … o ô ơ … u ư …, and the tones after the letters; neither a binary
order (which puts "Đ" after "Z") nor the folded text (which ties "Ân" with "An") says that. PostgreSQL has it from
ICU (the collation "vi-x-icu", present wherever PostgreSQL is built with ICU, as the Debian and official images are).
SQLite has no ICU collation: there a long list is ordered by its indexed folded text (`core.text.fold`: no diacritics,
lower case, đ → d), which puts every letter in its place among the Latin ones and keeps "Đà Lạt" beside "Đà Nẵng"
rather than after "Yên Bái", and names that fold alike ("Bắc", "Bạc") by the Vietnamese order of `vietnamese_key`,
given to each SQLite connection as the collation «vi» (core/sqlite); a list without a folded column, and a short list
sorted in memory, take that full order.
"""

from __future__ import annotations

import unicodedata
from typing import Any, TypeVar

from django.db import connections
from django.db.models import Expression, F, Model, QuerySet
from django.db.models.functions import Collate

VIETNAMESE = "vi-x-icu"
# The same order on SQLite, given to each connection by the project's backend (core/sqlite/base.py).
SQLITE_VIETNAMESE = "vi"
M = TypeVar("M", bound=Model)


def is_postgresql(queryset: QuerySet[Any]) -> bool:
    return connections[queryset.db].vendor == "postgresql"


def by_name(
    queryset: QuerySet[M],
    field: str = "name",
    *,
    folded: str | None = None,
    desc: bool = False,
    first: tuple[str | Expression, ...] = (),
) -> QuerySet[M]:
    """`queryset` in Vietnamese alphabetical order of `field` (then by key, for a stable page order), after the
    orderings `first` if given. `folded`: a column holding the folded name, used on SQLite (and indexed there), its
    ties broken in Vietnamese order; without one SQLite orders the whole list in Vietnamese order (short lists)."""
    if is_postgresql(queryset):
        keys: list[Any] = [Collate(F(field), VIETNAMESE)]
    elif folded:
        # Names that fold alike ("Bắc", "Bạc"; "An", "Ân") then in Vietnamese order: the collation is asked only of
        # such ties, the index on the folded text orders the rest.
        keys = [F(folded), Collate(F(field), SQLITE_VIETNAMESE)]
    else:
        keys = [Collate(F(field), SQLITE_VIETNAMESE)]
    return queryset.order_by(*first, *(k.desc() if desc else k.asc() for k in keys), "-pk" if desc else "pk")


# The Vietnamese alphabet, with the Latin letters it lacks (f, j, w, z) in their Latin places: a letter's rank.
ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"  # vi-only: letters, not words
_RANK = {letter: rank for rank, letter in enumerate(ALPHABET)}
# Marks that make a letter of its own (ă â ê ô ơ ư), and the tones in their order: none, huyền, hỏi, ngã, sắc, nặng.
_LETTER_MARKS = frozenset({"\u0306", "\u0302", "\u031b"})
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def vietnamese_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...], str]:
    """A sort key in Vietnamese alphabetical order: the letters first (a < ă < â, d < đ; spaces and digits before
    letters), then the tones (a < à < ả < ã < á < ạ), then the text. Written here because no maintained pure-Python
    package carries the Unicode collation's Vietnamese tailoring (PyICU needs the ICU libraries built in; pyuca knows
    only the untailored order, in which "ă" is an accented "a"); PostgreSQL orders with ICU itself (`by_name`)."""
    letters: list[int] = []
    tones: list[int] = []
    for char in unicodedata.normalize("NFD", text.lower()):
        if char in _TONES:
            if tones:
                tones[-1] = _TONES[char]
            continue
        if char in _LETTER_MARKS and letters:
            # The letter before takes its mark: a + breve is ă, a letter of its own.
            base = ALPHABET[letters[-1] - 100] if letters[-1] >= 100 else ""
            marked = unicodedata.normalize("NFC", base + char)
            if marked in _RANK:
                letters[-1] = 100 + _RANK[marked]
            continue
        letters.append(100 + _RANK[char] if char in _RANK else min(ord(char), 99))
        tones.append(0)
    return tuple(letters), tuple(tones), text


# The order of `by_name` for a short list already in memory: on PostgreSQL the order ICU gives; on SQLite the collation
# «vi» that orders names which fold alike.
python_key = vietnamese_key
