"""Reads of the selection: each entry's score (the judges' totals, their average, whether every sheet is complete),
the ranking of a round, and a product's path from the commune to the nation."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum

from .models import Entry, Score, SelectionRound
from .rules import average


@dataclass(frozen=True)
class EntryScore:
    totals: tuple[Decimal, ...]
    average: Decimal | None
    judges: int
    complete: bool


def entry_scores(selection: SelectionRound) -> dict[int, EntryScore]:
    """Per entry: each judge's total over the criteria (their own sheet), summed in SQL, then the average of the
    judges' totals; complete when every judge scored every criterion."""
    criteria = selection.criteria.count()
    judges = selection.judges.count()
    sheets: dict[int, list[tuple[Decimal, int]]] = defaultdict(list)
    for entry, total, scored in (
        Score.objects.standing()
        .filter(entry__round=selection)
        .values("entry", "judge")
        .annotate(total=Sum("points"), scored=Count("criterion"))
        .values_list("entry", "total", "scored")
        .order_by("entry", "judge")
    ):
        sheets[entry].append((total, scored))
    out = {}
    for entry in Entry.objects.filter(round=selection).values_list("pk", flat=True):
        rows = sheets.get(entry, [])
        totals = tuple(total for total, _ in rows)
        full = sum(1 for _, scored in rows if scored == criteria)
        out[entry] = EntryScore(totals, average(list(totals)), len(rows), judges > 0 and full == judges)
    return out


@dataclass(frozen=True)
class Ranked:
    entry: Entry
    score: EntryScore
    rank: int | None
    passes: bool


def ranking(selection: SelectionRound) -> list[Ranked]:
    """The round's entries, best average first; those not yet fully scored after, unranked."""
    scores = entry_scores(selection)
    entries = list(Entry.objects.filter(round=selection).select_related("product__facility", "certificate"))
    entries.sort(key=lambda e: (not scores[e.pk].complete, -(scores[e.pk].average or Decimal(0)), e.product.name))
    out, rank = [], 0
    for entry in entries:
        score = scores[entry.pk]
        if score.complete:
            rank += 1
        passes = score.complete and score.average is not None and score.average >= selection.threshold
        out.append(Ranked(entry, score, rank if score.complete else None, passes))
    return out
