"""The đề án's state over time as rows the database can query (`ProjectPeriod`), kept equal to the replay.

`derive_periods` is the replay, pure Python over standing events and payments; `refresh_periods` writes its result
for one đề án (every write to its events or payments calls it, in the same transaction); `rebuild` recomputes every
đề án (after a restore, a migration or a bulk load) and `check` reports where the rows differ from the replay.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any, cast

from django.db.models import Prefetch, QuerySet

from .models import Payment, PaymentKind, Project, ProjectEvent, ProjectPeriod
from .workflow import Action, Position, State, advance

BATCH = 500


@dataclass(frozen=True)
class Period:
    valid_from: datetime.date
    valid_to: datetime.date | None
    state: str
    percent: Decimal | None
    support_appraised: Decimal | None
    support: Decimal | None
    support_contracted: Decimal | None
    support_settled: Decimal | None
    disbursed: Decimal
    approved_on: datetime.date | None
    contracted_on: datetime.date | None
    accepted_on: datetime.date | None


PERIOD_FIELDS = [f.name for f in fields(Period)]


def derive_periods(events: Sequence[Any], payments: Iterable[Any]) -> list[Period]:
    """One period per day on which a standing event or payment changed the đề án, in date order. Events are taken in
    their sequence; a history the workflow refuses cannot be standing (the services keep it lawful)."""
    by_day: dict[datetime.date, list[Any]] = {}
    for event in events:
        by_day.setdefault(event.on, []).append(event)
    paid_on: dict[datetime.date, Decimal] = {}
    for payment in payments:
        signed = -payment.amount if payment.kind == PaymentKind.REFUND else payment.amount
        paid_on[payment.on] = paid_on.get(payment.on, Decimal(0)) + signed
    position = Position()
    percent = appraised = support = contracted = settled = None
    approved_on = contracted_on = accepted_on = None
    disbursed = Decimal(0)
    rows: list[Period] = []
    for day in sorted(by_day.keys() | paid_on.keys()):
        for event in by_day.get(day, []):
            position = advance(position, event.action)
            action, amount = event.action, event.amount
            if action == Action.APPRAISAL_PASSED and amount is not None:
                appraised = amount
            elif action == Action.APPROVED or (action == Action.ADJUSTMENT_APPROVED and amount is not None):
                support = amount
            elif action == Action.CONTRACT_SIGNED:
                contracted = amount
            elif action == Action.PROGRESS:
                percent = event.percent
            elif action == Action.ACCEPTED:
                percent = Decimal(100)
            elif action == Action.SETTLED:
                settled = amount
            if action == Action.APPROVED and approved_on is None:
                approved_on = day
            elif action == Action.CONTRACT_SIGNED and contracted_on is None:
                contracted_on = day
            elif action == Action.ACCEPTED and accepted_on is None:
                accepted_on = day
        disbursed += paid_on.get(day, Decimal(0))
        if position.state is None:
            # No state (vouchers before any step, or a request opening a history and then answered): nothing is in
            # force from this day on, until a step gives the đề án a state again.
            if rows and rows[-1].valid_to is None:
                rows[-1] = _close(rows[-1], day)
            continue
        if rows and rows[-1].valid_to is None:
            rows[-1] = _close(rows[-1], day)
        rows.append(Period(day, None, State(position.state), percent, appraised, support, contracted, settled,
                           disbursed, approved_on, contracted_on, accepted_on))  # fmt: skip
    return rows


def _close(period: Period, day: datetime.date) -> Period:
    values = {name: getattr(period, name) for name in PERIOD_FIELDS}
    values["valid_to"] = day
    return Period(**values)


def _standing(project: Project) -> tuple[list[ProjectEvent], list[Payment]]:
    events = list(project.events.filter(voided_at__isnull=True).order_by("seq"))
    payments = list(project.payments.filter(voided_at__isnull=True).order_by("on", "pk"))
    return events, payments


def refresh_periods(project: Project) -> None:
    """Rewrites one đề án's periods from its standing events and payments (called inside the writing transaction)."""
    events, payments = _standing(project)
    ProjectPeriod.objects.filter(project=project).delete()
    ProjectPeriod.objects.bulk_create(_rows(project.pk, derive_periods(events, payments)))


def _rows(project_id: int, periods: Iterable[Period]) -> list[ProjectPeriod]:
    return [ProjectPeriod(project_id=project_id, **{n: getattr(p, n) for n in PERIOD_FIELDS}) for p in periods]


def _with_history(projects: QuerySet[Project]) -> Iterator[Project]:
    """Every đề án with its standing events and payments, a batch at a time by key (memory stays bounded, and no
    query carries a long list of ids)."""
    events = cast(QuerySet[ProjectEvent], ProjectEvent.objects.filter(voided_at__isnull=True).order_by("seq"))
    payments = cast(QuerySet[Payment], Payment.objects.filter(voided_at__isnull=True).order_by("on", "pk"))
    last = 0
    while True:
        batch = list(
            projects.filter(pk__gt=last)
            .order_by("pk")
            .prefetch_related(Prefetch("events", queryset=events), Prefetch("payments", queryset=payments))[:BATCH]
        )
        if not batch:
            return
        yield from batch
        last = batch[-1].pk


def rebuild(projects: QuerySet[Project]) -> int:
    """Recomputes the periods of these đề án from their events; returns how many đề án."""
    count = 0
    for project in _with_history(projects):
        ProjectPeriod.objects.filter(project=project).delete()
        ProjectPeriod.objects.bulk_create(
            _rows(project.pk, derive_periods(list(project.events.all()), list(project.payments.all())))
        )
        count += 1
    return count


def check(projects: QuerySet[Project]) -> list[str]:
    """Where the stored periods differ from the replay, one line per đề án; empty when derived = replay."""
    problems: list[str] = []
    for project in _with_history(projects):
        expected = derive_periods(list(project.events.all()), list(project.payments.all()))
        stored = [
            Period(**{n: getattr(row, n) for n in PERIOD_FIELDS})
            for row in ProjectPeriod.objects.filter(project=project).order_by("valid_from")
        ]
        if [_normal(p) for p in stored] != [_normal(p) for p in expected]:
            problems.append(
                f"{project.code}: {len(stored)} khoảng đã lưu khác {len(expected)} khoảng tính lại từ sự kiện"
            )
    return problems


def _normal(period: Period) -> tuple[Any, ...]:
    """Compared as values: 60 and 60.00 are the same percent."""
    return tuple(
        Decimal(v).normalize() if isinstance(v, Decimal) else v for v in (getattr(period, n) for n in PERIOD_FIELDS)
    )
