from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from khuyencong.core.data import csv_rows, iso_date, load_dated_list
from khuyencong.geography.models import AdminUnit

from .models import ProjectContent, SupportCap

DATA_DIR = Path(__file__).resolve().parent / "data"


def load_contents() -> None:
    load_dated_list(ProjectContent, DATA_DIR / "contents.csv")


def load_support_caps() -> None:
    contents = {c.code: c for c in ProjectContent.objects.all()}
    provinces = {u.code: u for u in AdminUnit.objects.current().provinces()}
    for row in csv_rows(DATA_DIR / "support_caps.csv"):
        SupportCap.objects.update_or_create(
            content=contents[row["content"]],
            funding_source=row["funding_source"],
            province=provinces[row["province_code"]] if row["province_code"] else None,
            valid_from=iso_date(row["valid_from"]),
            defaults={
                "max_percent": Decimal(row["max_percent"]) if row["max_percent"] else None,
                "max_amount": Decimal(row["max_amount"]) if row["max_amount"] else None,
                "basis": row["basis"],
                "legal_basis": row["legal_basis"],
                "legal_basis_en": row["legal_basis_en"],
                "valid_until": iso_date(row["valid_until"]),
            },
        )
