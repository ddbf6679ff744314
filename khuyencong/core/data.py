"""Reading the committed reference data files (CSV, UTF-8, ISO dates)."""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def csv_rows(path: Path) -> Iterator[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh)


def iso_date(value: str) -> datetime.date | None:
    """An empty cell is an open end (no date)."""
    return datetime.date.fromisoformat(value) if value else None


def load_dated_list(model: Any, path: Path) -> None:
    """A list of legal reference entries (code, name, its English, legal basis, valid from/until), updated in place by
    code: loading again fills a column added since (the English names and citations) on the rows already there."""
    for row in csv_rows(path):
        model.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "name_en": row["name_en"],
                "legal_basis": row["legal_basis"],
                "legal_basis_en": row["legal_basis_en"],
                "valid_from": iso_date(row["valid_from"]),
                "valid_until": iso_date(row["valid_until"]),
            },
        )
