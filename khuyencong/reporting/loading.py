"""Loads the national reporting duties (data/duties.csv, each with its legal basis); loading twice changes nothing.
A province's own duties (its provincial rule) are added with `reporting.services.duty_add` and kept apart."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from khuyencong.core.data import csv_rows, iso_date

from .models import ReportingDuty

DATA_DIR = Path(__file__).resolve().parent / "data"


@transaction.atomic
def load_duties() -> int:
    count = 0
    for row in csv_rows(DATA_DIR / "duties.csv"):
        ReportingDuty.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "name_en": row["name_en"],
                "body_kind": row["body_kind"],
                "reviewer_kind": row["reviewer_kind"],
                "recipients": row["recipients"],
                "recipients_en": row["recipients_en"],
                "frequency": row["frequency"],
                "report_kind": row["report_kind"],
                "due_day": int(row["due_day"]) if row["due_day"] else None,
                "due_months_after": int(row["due_months_after"] or 0),
                "due_days_after": int(row["due_days_after"]) if row["due_days_after"] else None,
                "legal_basis": row["legal_basis"],
                "legal_basis_en": row["legal_basis_en"],
                "valid_from": iso_date(row["valid_from"]),
                "valid_until": iso_date(row["valid_until"]),
                "province": None,
            },
        )
        count += 1
    return count
