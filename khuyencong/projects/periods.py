"""The đề án's state over time as rows the database can query (`ProjectPeriod`, and at each year's end
`ProjectYearEnd`), kept equal to the replay.

`derive_periods` is the replay, pure Python over standing events and payments, and `derive_year_ends` reads the
year ends off its result; `refresh_periods` writes both for one đề án (every write to its events or payments calls
it, in the same transaction); `rebuild` recomputes every đề án (after a restore, a migration or a bulk load) and
`check` reports where the rows differ from the replay.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any, cast

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from .models import Payment, PaymentKind, Project, ProjectEvent, ProjectPeriod, ProjectYearEnd
from .selectors import snapshot
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
    contract_amount: Decimal | None
    appraised_on: datetime.date | None
    approved_on: datetime.date | None
    assigned_on: datetime.date | None
    contracted_on: datetime.date | None
    accepted_on: datetime.date | None
    completed_on: datetime.date | None


PERIOD_FIELDS = [f.name for f in fields(Period)]
# The figures a year end carries: the period's, without its days.
FIGURE_FIELDS = [name for name in PERIOD_FIELDS if name not in ("valid_from", "valid_to")]


@dataclass(frozen=True)
class YearEnd:
    """The period in force at the end of 31 December of each year from `year_from` to `year_to` (None: every later
    year)."""

    year_from: int
    year_to: int | None
    period: Period


def derive_year_ends(periods: Sequence[Period]) -> list[YearEnd]:
    """The year ends of a đề án whose periods are `periods` (in date order, as `derive_periods` gives them): for each
    year from that of its first period, the period in force on 31 December, consecutive years in the same period
    joined into one run. The last run is open when the last period is."""
    if not periods:
        return []
    last = periods[-1]
    final_year = last.valid_from.year if last.valid_to is None else (last.valid_to - datetime.timedelta(days=1)).year
    runs: list[YearEnd] = []
    index = 0
    for year in range(periods[0].valid_from.year, final_year + 1):
        day = datetime.date(year, 12, 31)
        while index < len(periods) and (periods[index].valid_to or day + datetime.timedelta(days=1)) <= day:
            index += 1
        if index == len(periods) or periods[index].valid_from > day:
            continue  # nothing in force that day (a closed history, or none yet)
        period = periods[index]
        if runs and runs[-1].period is period and runs[-1].year_to == year - 1:
            runs[-1] = YearEnd(runs[-1].year_from, year, period)
        else:
            runs.append(YearEnd(year, year, period))
    if runs and last.valid_to is None and runs[-1].period is last:
        runs[-1] = YearEnd(runs[-1].year_from, None, last)
    return runs


# Steps that set the amount a later step without its own amount is about (reports/facts.AMOUNT_SETTING).
AMOUNT_SETTING = frozenset({Action.SUBMITTED_FOR_APPRAISAL, Action.APPRAISAL_PASSED, Action.APPROVED,
                            Action.ADJUSTMENT_APPROVED, Action.CONTRACT_SIGNED})  # fmt: skip
# The first step of each milestone, as the reports' funnel counts them: a đề án entered at approval (as old records
# are) still went through appraisal; one settled has been completed.
MILESTONES: dict[str, frozenset[str]] = {
    "appraised_on": frozenset({Action.APPRAISAL_PASSED, Action.FORWARDED, Action.APPROVED}),
    "approved_on": frozenset({Action.APPROVED}),
    "assigned_on": frozenset({Action.ASSIGNED}),
    "contracted_on": frozenset({Action.CONTRACT_SIGNED}),
    "accepted_on": frozenset({Action.ACCEPTED}),
    "completed_on": frozenset({Action.ACCEPTED, Action.LIQUIDATED, Action.SETTLED}),
}


def derive_periods(
    events: Sequence[Any], payments: Iterable[Any], *, support_requested: Decimal | None = None
) -> list[Period]:
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
    percent = appraised = support = contracted = settled = contract_amount = last_amount = None
    reached: dict[str, datetime.date] = {}
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
            if action == Action.CONTRACT_SIGNED:
                fallback = last_amount if last_amount is not None else (support_requested or Decimal(0))
                contract_amount = amount if amount is not None else fallback
            if amount is not None and action in AMOUNT_SETTING:
                last_amount = amount
            for milestone, actions in MILESTONES.items():
                if action in actions:
                    reached.setdefault(milestone, day)
        disbursed += paid_on.get(day, Decimal(0))
        if position.state is None:
            # No state (vouchers dated before any step): nothing is in force until a step gives the đề án a state.
            if rows and rows[-1].valid_to is None:
                rows[-1] = _close(rows[-1], day)
            continue
        if rows and rows[-1].valid_to is None:
            rows[-1] = _close(rows[-1], day)
        rows.append(Period(day, None, State(position.state), percent, appraised, support, contracted, settled,
                           disbursed, contract_amount, **{m: reached.get(m) for m in MILESTONES}))  # fmt: skip
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
    ProjectYearEnd.objects.filter(project=project).delete()
    periods = derive_periods(events, payments, support_requested=project.support_requested)
    ProjectPeriod.objects.bulk_create(_rows(project.pk, periods))
    ProjectYearEnd.objects.bulk_create(_year_end_rows(project.pk, periods))


def _rows(project_id: int, periods: Iterable[Period]) -> list[ProjectPeriod]:
    return [ProjectPeriod(project_id=project_id, **{n: getattr(p, n) for n in PERIOD_FIELDS}) for p in periods]


def _year_end_rows(project_id: int, periods: Sequence[Period]) -> list[ProjectYearEnd]:
    return [
        ProjectYearEnd(project_id=project_id, year_from=run.year_from, year_to=run.year_to,
                       **{n: getattr(run.period, n) for n in FIGURE_FIELDS})
        for run in derive_year_ends(periods)
    ]  # fmt: skip


def _with_history(projects: QuerySet[Project], *, stored: bool = False) -> Iterator[Project]:
    """Every đề án with its standing events and payments (and, if `stored`, its periods), a batch at a time by key:
    memory stays bounded, and no query carries a long list of ids."""
    extra = (
        [Prefetch("periods", queryset=ProjectPeriod.objects.order_by("valid_from")),
         Prefetch("year_ends", queryset=ProjectYearEnd.objects.order_by("year_from"))]
        if stored
        else []
    )  # fmt: skip
    events = cast(QuerySet[ProjectEvent], ProjectEvent.objects.filter(voided_at__isnull=True).order_by("seq"))
    payments = cast(QuerySet[Payment], Payment.objects.filter(voided_at__isnull=True).order_by("on", "pk"))
    last = 0
    while True:
        batch = list(
            projects.filter(pk__gt=last)
            .order_by("pk")
            .prefetch_related(Prefetch("events", queryset=events), Prefetch("payments", queryset=payments), *extra)[
                :BATCH
            ]
        )
        if not batch:
            return
        yield from batch
        last = batch[-1].pk


def rebuild(projects: QuerySet[Project]) -> int:
    """Recomputes the periods of these đề án from their events; returns how many đề án."""
    count = 0
    batch: list[Project] = []
    for project in _with_history(projects):
        batch.append(project)
        if len(batch) == BATCH:
            count += _rebuild_batch(batch)
            batch = []
    return count + _rebuild_batch(batch)


def _rebuild_batch(batch: list[Project]) -> int:
    """One delete and one insert per batch: a national rebuild (200,000 đề án) is minutes, not an hour of per-đề án
    round trips."""
    rows: list[ProjectPeriod] = []
    year_ends: list[ProjectYearEnd] = []
    moved: list[Project] = []
    for project in batch:
        periods = derive_periods(
            list(project.events.all()), list(project.payments.all()), support_requested=project.support_requested
        )
        rows += _rows(project.pk, periods)
        year_ends += _year_end_rows(project.pk, periods)
        today = periods[-1].state if periods else None
        if (project.state or None) != (today or None):
            project.state = today
            moved.append(project)
    ids = [p.pk for p in batch]
    ProjectPeriod.objects.filter(project_id__in=ids).delete()
    ProjectYearEnd.objects.filter(project_id__in=ids).delete()
    ProjectPeriod.objects.bulk_create(rows, batch_size=2_000)
    ProjectYearEnd.objects.bulk_create(year_ends, batch_size=2_000)
    Project.objects.bulk_update(moved, ["state"])
    return len(batch)


def check(projects: QuerySet[Project]) -> list[str]:
    """Where the stored periods differ from the replay, one line per đề án; empty when derived = replay."""
    problems: list[str] = []
    for project in _with_history(projects, stored=True):
        expected = derive_periods(
            list(project.events.all()), list(project.payments.all()), support_requested=project.support_requested
        )
        stored = [Period(**{n: getattr(row, n) for n in PERIOD_FIELDS}) for row in project.periods.all()]
        if [_normal(p) for p in stored] != [_normal(p) for p in expected]:
            problems.append(
                _("%(code)s: %(stored)s khoảng đã lưu khác %(expected)s khoảng tính lại từ sự kiện")
                % {"code": project.code, "stored": len(stored), "expected": len(expected)}
            )
            continue
        # The state kept on the đề án is today's period's (work queues and deadlines read it by its index).
        today = expected[-1].state if expected else None
        if (project.state or None) != (today or None):
            problems.append(
                _("%(code)s: trạng thái đã lưu là «%(stored)s», tính lại từ sự kiện là «%(expected)s»")
                % {"code": project.code, "stored": project.state or "", "expected": today or ""}
            )
            continue
        ends = [(r.year_from, r.year_to, _normal_figures(r)) for r in project.year_ends.all()]
        if ends != [(r.year_from, r.year_to, _normal_figures(r.period)) for r in derive_year_ends(expected)]:
            problems.append(
                _("%(code)s: trạng thái cuối năm đã lưu khác với tính lại từ sự kiện") % {"code": project.code}
            )
            continue
        # And each year end against the replay on 31 December of the first and last year of its run.
        for year_end in project.year_ends.all():
            years = {year_end.year_from, year_end.year_to or year_end.year_from}
            if any(not _same_as_replay(project, year_end, datetime.date(y, 12, 31)) for y in years):
                problems.append(
                    _("%(code)s: cuối năm %(year_from)s khác với diễn biến tính lại")
                    % {"code": project.code, "year_from": year_end.year_from}
                )
                break
        # And each stored period against the đề án's own replay (selectors.snapshot), written apart from this module.
        for period in stored:
            if not _same_as_replay(project, period, period.valid_from):
                problems.append(
                    _("%(code)s: ngày %(valid_from)s khác với diễn biến tính lại")
                    % {"code": project.code, "valid_from": f"{period.valid_from:%d/%m/%Y}"}
                )
                break
    return problems


def _same_as_replay(project: Project, row: Any, day: datetime.date) -> bool:
    replay = snapshot(list(project.events.all()), list(project.payments.all()), day)
    held = (row.state, row.percent, row.support, row.support_contracted, row.disbursed)
    again = (replay.state, replay.percent, replay.support_approved, replay.support_contracted, replay.paid)
    return _values(held) == _values(again)


def _values(values: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(Decimal(v).normalize() if isinstance(v, Decimal) else v for v in values)


def _normal_figures(row: Any) -> tuple[Any, ...]:
    return _values(tuple(getattr(row, n) for n in FIGURE_FIELDS))


def _normal(period: Period) -> tuple[Any, ...]:
    """Compared as values: 60 and 60.00 are the same percent."""
    return tuple(
        Decimal(v).normalize() if isinstance(v, Decimal) else v for v in (getattr(period, n) for n in PERIOD_FIELDS)
    )
