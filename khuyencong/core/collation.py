"""Vietnamese alphabetical order for lists sorted by name.

Vietnamese orders letters as a ă â b c d đ e ê … o ô ơ … u ư …, and the tones after the letters; neither a binary
order (which puts "Đ" after "Z") nor the folded text (which ties "Ân" with "An") says that. PostgreSQL has it from
ICU (the collation "vi-x-icu", present wherever PostgreSQL is built with ICU, as the Debian and official images are).
SQLite has no ICU collation: there the order falls back to the folded text (`core.text.fold`: no diacritics, lower case,
đ → d), which puts every letter in its place among the Latin ones and keeps "Đà Lạt" beside "Đà Nẵng" rather than after
"Yên Bái" — the order of the Vietnamese alphabet up to its marked letters.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import connections
from django.db.models import F, Model, QuerySet
from django.db.models.functions import Collate

from .text import fold

VIETNAMESE = "vi-x-icu"
M = TypeVar("M", bound=Model)


def is_postgresql(queryset: QuerySet[Any]) -> bool:
    return connections[queryset.db].vendor == "postgresql"


def by_name(
    queryset: QuerySet[M],
    field: str = "name",
    *,
    folded: str | None = None,
    desc: bool = False,
    first: tuple[str, ...] = (),
) -> QuerySet[M]:
    """`queryset` in Vietnamese alphabetical order of `field` (then by key, for a stable page order), after the
    orderings `first` if given. `folded`: a column holding the folded name, used on SQLite (and indexed there);
    without one SQLite orders by `field`."""
    if is_postgresql(queryset):
        keys: list[Any] = [Collate(F(field), VIETNAMESE)]
    else:
        # Names that fold alike ("An", "Ân") then by their text: the unmarked letter's code point comes first.
        keys = [F(folded), F(field)] if folded else [F(field)]
    return queryset.order_by(*first, *(k.desc() if desc else k.asc() for k in keys), "-pk" if desc else "pk")


def python_key(text: str) -> tuple[str, str]:
    """The SQLite fallback's key, for a short list already in memory (as `by_name` orders on SQLite)."""
    return fold(text), text
