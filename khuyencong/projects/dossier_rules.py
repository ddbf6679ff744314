"""The dossier rules of Circular 36/2013/TT-BCT as dated reference data, read from the committed CSV files without the
database: the documents each step needs (Art. 14, 16, Phụ lục 2 and 4), the first advance per content (Art. 13; the
rest after acceptance, Art. 14) and the deadlines chased in the work queues (Art. 18, 19, 23.3).

Each rule is judged on the đề án's relevant date (`relevant_date`): a đề án approved before a rule took effect goes on
under the rule of its approval, whenever its records are entered (they arrive late). The Cục director may vary the
advance rates (Art. 16): a new row with its own dates and citation, never an edit of the old one.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from functools import cache
from pathlib import Path
from typing import Protocol

from django.db import models
from django.utils.translation import gettext_lazy as _

from khuyencong.core.data import csv_rows, iso_date
from khuyencong.core.language import in_language

from .workflow import Action

DATA_DIR = Path(__file__).resolve().parent / "data"


class DossierStep(models.TextChoices):
    """The steps a document can be required for: the workflow's acts and the first advance (a voucher)."""

    SUBMITTED_FOR_APPRAISAL = Action.SUBMITTED_FOR_APPRAISAL.value, Action.SUBMITTED_FOR_APPRAISAL.label
    APPROVED = Action.APPROVED.value, Action.APPROVED.label
    CONTRACT_SIGNED = Action.CONTRACT_SIGNED.value, Action.CONTRACT_SIGNED.label
    ADVANCE = "advance", _("Tạm ứng")
    ACCEPTED = Action.ACCEPTED.value, Action.ACCEPTED.label
    LIQUIDATED = Action.LIQUIDATED.value, Action.LIQUIDATED.label
    SETTLED = Action.SETTLED.value, Action.SETTLED.label


class AdvanceCondition(models.TextChoices):
    CONTRACT = "contract", _("sau khi ký hợp đồng")
    PROGRESS = "progress", _("khi khối lượng thực hiện vượt ngưỡng")
    ACCEPTANCE = "acceptance", _("sau khi nghiệm thu")


class DeadlineKind(models.TextChoices):
    SETTLEMENT_DOSSIER = "settlement_dossier", _("Nộp hồ sơ quyết toán")
    LIQUIDATION_SETTLEMENT = "liquidation_settlement", _("Thanh lý hợp đồng và quyết toán")
    PROGRESS_REPORT = "progress_report", _("Báo cáo tiến độ tháng")


def _in_force(valid_from: datetime.date | None, valid_until: datetime.date | None, day: datetime.date) -> bool:
    return (valid_from is None or valid_from <= day) and (valid_until is None or day <= valid_until)


def cited(vietnamese: str, english: str) -> str:
    """A citation of the CSVs in the reader's language; an official document renders under Vietnamese, so it cites
    the Vietnamese column."""
    return in_language(vietnamese, english)


@dataclass(frozen=True)
class RequiredDocument:
    content: str
    step: DossierStep
    kind: str  # a `models.DocumentKind` value
    citation_vi: str
    valid_from: datetime.date | None
    valid_until: datetime.date | None
    citation_en: str = ""

    @property
    def citation(self) -> str:
        return cited(self.citation_vi, self.citation_en)

    def in_force(self, day: datetime.date) -> bool:
        return _in_force(self.valid_from, self.valid_until, day)


@dataclass(frozen=True)
class AdvanceRule:
    """Before acceptance at most `first_percent` of the contract (else the support) may be disbursed, and only once
    `condition` holds; the rest is paid after acceptance (Art. 13, 14)."""

    content: str
    first_percent: Decimal
    condition: AdvanceCondition
    threshold: Decimal | None
    citation_vi: str
    valid_from: datetime.date | None
    valid_until: datetime.date | None
    citation_en: str = ""

    @property
    def citation(self) -> str:
        return cited(self.citation_vi, self.citation_en)

    def in_force(self, day: datetime.date) -> bool:
        return _in_force(self.valid_from, self.valid_until, day)

    def ceiling(self, base: Decimal) -> Decimal:
        # Whole đồng, rounded down: the rate is a ceiling, so a fraction of a đồng is never allowed over it.
        return (base * self.first_percent / 100).quantize(Decimal(1), rounding=ROUND_DOWN)


@dataclass(frozen=True)
class Deadline:
    kind: DeadlineKind
    days: int | None
    month: int | None
    day: int | None
    citation_vi: str
    valid_from: datetime.date | None
    valid_until: datetime.date | None
    citation_en: str = ""

    @property
    def citation(self) -> str:
        return cited(self.citation_vi, self.citation_en)

    def in_force(self, day: datetime.date) -> bool:
        return _in_force(self.valid_from, self.valid_until, day)


def _int(text: str) -> int | None:
    return int(text) if text else None


@cache
def required_documents() -> tuple[RequiredDocument, ...]:
    from .models import DocumentKind

    return tuple(
        RequiredDocument(
            row["content"],
            DossierStep(row["step"]),
            DocumentKind(row["kind"]).value,
            row["citation"],
            iso_date(row["valid_from"]),
            iso_date(row["valid_until"]),
            row["citation_en"],
        )
        for row in csv_rows(DATA_DIR / "required_documents.csv")
    )


@cache
def advance_rules() -> tuple[AdvanceRule, ...]:
    return tuple(
        AdvanceRule(
            row["content"],
            Decimal(row["first_percent"]),
            AdvanceCondition(row["condition"]),
            Decimal(row["threshold"]) if row["threshold"] else None,
            row["citation"],
            iso_date(row["valid_from"]),
            iso_date(row["valid_until"]),
            row["citation_en"],
        )
        for row in csv_rows(DATA_DIR / "advance_rules.csv")
    )


@cache
def deadlines() -> tuple[Deadline, ...]:
    return tuple(
        Deadline(
            DeadlineKind(row["code"]),
            _int(row["days"]),
            _int(row["month"]),
            _int(row["day"]),
            row["citation"],
            iso_date(row["valid_from"]),
            iso_date(row["valid_until"]),
            row["citation_en"],
        )
        for row in csv_rows(DATA_DIR / "deadlines.csv")
    )


class DatedAct(Protocol):
    on: datetime.date
    action: str


def relevant_date(events: Iterable[DatedAct], on: datetime.date) -> datetime.date:
    """The date a đề án is judged by: its approval (the rules it was approved under go on applying, as Decree
    235/2025 keeps đề án approved before 15/10/2025 under the old rules), else the first step on record, else `on`."""
    first: datetime.date | None = None
    for event in events:
        if event.action == Action.APPROVED:
            return event.on
        first = event.on if first is None else min(first, event.on)
    return first or on


def documents_for(content: str, step: str, day: datetime.date) -> list[RequiredDocument]:
    return [r for r in required_documents() if r.content == content and r.step == step and r.in_force(day)]


def documents_for_content(content: str, day: datetime.date) -> list[RequiredDocument]:
    return [r for r in required_documents() if r.content == content and r.in_force(day)]


def missing_documents(content: str, step: str, day: datetime.date, attached: Iterable[str]) -> list[RequiredDocument]:
    """The documents `step` needs that are not among the kinds `attached` (standing documents only)."""
    have = set(attached)
    return [r for r in documents_for(content, step, day) if r.kind not in have]


def advance_rule_for(content: str, day: datetime.date) -> AdvanceRule | None:
    return next((r for r in advance_rules() if r.content == content and r.in_force(day)), None)


def deadline(kind: DeadlineKind, day: datetime.date) -> Deadline | None:
    return next((d for d in deadlines() if d.kind == kind and d.in_force(day)), None)
