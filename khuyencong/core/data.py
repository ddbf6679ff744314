"""Reading the committed reference data files (CSV, UTF-8, ISO dates)."""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterator
from pathlib import Path


def csv_rows(path: Path) -> Iterator[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh)


def iso_date(value: str) -> datetime.date | None:
    """An empty cell is an open end (no date)."""
    return datetime.date.fromisoformat(value) if value else None
