from __future__ import annotations

import csv
import datetime
from pathlib import Path

from .models import ProjectContent

DATA_DIR = Path(__file__).resolve().parent / "data"


def load_contents() -> None:
    with open(DATA_DIR / "contents.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            ProjectContent.objects.update_or_create(
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "legal_basis": row["legal_basis"],
                    "valid_from": datetime.date.fromisoformat(row["valid_from"]) if row["valid_from"] else None,
                    "valid_until": datetime.date.fromisoformat(row["valid_until"]) if row["valid_until"] else None,
                },
            )
