from __future__ import annotations

from pathlib import Path

from khuyencong.core.data import csv_rows, iso_date

from .models import Trade

DATA_DIR = Path(__file__).resolve().parent / "data"


def load_trades() -> None:
    for row in csv_rows(DATA_DIR / "trades.csv"):
        Trade.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "legal_basis": row["legal_basis"],
                "valid_from": iso_date(row["valid_from"]),
                "valid_until": iso_date(row["valid_until"]),
            },
        )
