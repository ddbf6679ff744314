from __future__ import annotations

import csv
import datetime
from decimal import Decimal
from pathlib import Path

from khuyencong.geography.models import AdminUnit, Era, Level

from .models import ProjectContent, SupportCap

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


def _date(value: str) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def load_support_caps() -> None:
    contents = {c.code: c for c in ProjectContent.objects.all()}
    with open(DATA_DIR / "support_caps.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            province = (
                AdminUnit.objects.get(era=Era.FROM_2025, level=Level.PROVINCE, code=row["province_code"])
                if row["province_code"]
                else None
            )
            SupportCap.objects.update_or_create(
                content=contents[row["content"]],
                funding_source=row["funding_source"],
                province=province,
                valid_from=_date(row["valid_from"]),
                defaults={
                    "max_percent": Decimal(row["max_percent"]) if row["max_percent"] else None,
                    "max_amount": Decimal(row["max_amount"]) if row["max_amount"] else None,
                    "basis": row["basis"],
                    "legal_basis": row["legal_basis"],
                    "valid_until": _date(row["valid_until"]),
                },
            )
