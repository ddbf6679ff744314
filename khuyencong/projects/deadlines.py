"""Deadlines of Circular 36/2013/TT-BCT as work-queue items (`dossier_rules.DeadlineKind`, `data/deadlines.csv`):
each a query over the đề án in scope, filtered and aggregated in SQL (the last acceptance, the contract, the latest
progress report per đề án), so the cost follows the overdue đề án, not every đề án in scope."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import F, FilteredRelation, Max, Min, Q, QuerySet
from django.utils import timezone

from .dossier_rules import Deadline, DeadlineKind, deadline
from .models import Project, ProjectPeriod
from .selectors import period_in_force
from .workflow import Action, State

# Open with a contract: what must still be liquidated and settled.
CONTRACTED_OPEN = [State.CONTRACTED, State.IN_PROGRESS, State.ADJUSTMENT_REQUESTED, State.STOP_REQUESTED,
                   State.ACCEPTED, State.LIQUIDATED]  # fmt: skip
# Running work that owes a monthly progress report (a pending request does not stop the work).
REPORTING = [State.CONTRACTED, State.IN_PROGRESS, State.ADJUSTMENT_REQUESTED]
# Accepted, not yet settled: what owes a settlement dossier. `ProjectPeriod`'s partial index
# `projects_period_settling` is on exactly these states, so the filter must name them as they are.
SETTLING = [State.ACCEPTED, State.LIQUIDATED]


def _standing(action: Action) -> Q:
    return Q(events__action=action, events__voided_on__isnull=True)


@dataclass(frozen=True)
class DeadlineQueue:
    kind: DeadlineKind
    rule: Deadline
    projects: QuerySet[Project]
    # What to count, when the rows themselves need not be joined to the đề án (see `settlement_dossier_overdue`).
    counted: QuerySet[Any] | None = None

    @property
    def label(self) -> str:
        return str(self.kind.label)

    def count(self) -> int:
        return (self.projects if self.counted is None else self.counted).count()


def _period_on(day: datetime.date) -> FilteredRelation:
    """The đề án's period in force at the end of `day`. Today's is the open one (no event is dated in the future), which
    the partial index reads directly; an earlier day's is found by its range."""
    if day >= timezone.localdate():
        return FilteredRelation("periods", condition=Q(periods__valid_to__isnull=True))
    return FilteredRelation("periods", condition=period_in_force(day))


def settlement_dossier_overdue(projects: QuerySet[Project], today: datetime.date) -> DeadlineQueue | None:
    """Accepted but not settled, more than `days` after the last acceptance (Art. 19): due on acceptance + days.

    Read from the đề án's period, not by aggregating its events: a standing history holds one acceptance at most (the
    workflow accepts only from contracted or in progress, and nothing leads back), so the period's `accepted_on` is
    the last acceptance. Aggregating every event of the accepted đề án took 2.3 s for the Cục on the 200,000-đề án
    benchmark; the partial index answers the count in tens of milliseconds and the first rows in order at once."""
    rule = deadline(DeadlineKind.SETTLEMENT_DOSSIER, today)
    if rule is None or rule.days is None:
        return None
    latest = today - datetime.timedelta(days=rule.days + 1)
    # Filtered through the annotations, in one join: a second filter() on the relation's path would join it again.
    found = (
        projects.annotate(settling=_period_on(today))
        .annotate(last_accepted=F("settling__accepted_on"), settling_state=F("settling__state"))
        .filter(settling_state__in=SETTLING, last_accepted__lte=latest)
    )
    if today >= timezone.localdate():
        # Today's period is the đề án's state, kept on it: said twice, the đề án are found by their state index
        # instead of a scan of all of them (the Cục's count on the national benchmark: 48–53 ms → 26–35 ms).
        found = found.filter(state__in=SETTLING)
    if rule.valid_from is not None:
        found = found.filter(last_accepted__gte=rule.valid_from)
    counted = None
    if today >= timezone.localdate() and not projects.query.has_filters():
        # Every đề án in scope (the Cục's): today's periods alone are counted, from the partial index, without
        # joining the đề án (national benchmark: 38–41 ms → 5–6 ms).
        counted = ProjectPeriod.objects.filter(valid_to__isnull=True, state__in=SETTLING, accepted_on__lte=latest)
        if rule.valid_from is not None:
            counted = counted.filter(accepted_on__gte=rule.valid_from)
    return DeadlineQueue(DeadlineKind.SETTLEMENT_DOSSIER, rule, found.order_by("last_accepted", "code"), counted)


def liquidation_overdue(projects: QuerySet[Project], today: datetime.date) -> DeadlineQueue | None:
    """Contracted but not settled after `day`/`month` of the year after its plan's (Art. 18)."""
    rule = deadline(DeadlineKind.LIQUIDATION_SETTLEMENT, today)
    if rule is None or rule.month is None or rule.day is None:
        return None
    # The plan of year Y is due on (month, day) of Y + 1; it is overdue from the day after.
    last_year = today.year - 1 if today > datetime.date(today.year, rule.month, rule.day) else today.year - 2
    found = projects.filter(state__in=CONTRACTED_OPEN, plan__year__lte=last_year)
    if rule.valid_from is not None:
        first_year = rule.valid_from.year - 1
        if datetime.date(rule.valid_from.year, rule.month, rule.day) < rule.valid_from:
            first_year += 1
        found = found.filter(plan__year__gte=first_year)
    return DeadlineQueue(DeadlineKind.LIQUIDATION_SETTLEMENT, rule, found.order_by("plan__year", "code"))


def progress_report_month(today: datetime.date, day: int) -> tuple[datetime.date, datetime.date]:
    """The month whose report is overdue today and its due date: this month's after its due day, else last month's."""
    if today.day > day:
        first = today.replace(day=1)
    else:
        first = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    return first, first.replace(day=day)


def progress_report_overdue(projects: QuerySet[Project], today: datetime.date) -> DeadlineQueue | None:
    """National đề án under contract before the month began with no progress report dated in it or after, once its
    due day has passed (Art. 23.3: "before the 25th", Mẫu 3a)."""
    rule = deadline(DeadlineKind.PROGRESS_REPORT, today)
    if rule is None or rule.day is None:
        return None
    first, _due = progress_report_month(today, rule.day)
    found = (
        projects.filter(state__in=REPORTING, plan__funding_source="national")
        .annotate(
            contracted_on=Min("events__on", filter=_standing(Action.CONTRACT_SIGNED)),
            last_report=Max("events__on", filter=_standing(Action.PROGRESS)),
        )
        .filter(contracted_on__lt=first)
        .filter(Q(last_report__isnull=True) | Q(last_report__lt=first))
    )
    return DeadlineQueue(DeadlineKind.PROGRESS_REPORT, rule, found.order_by("code"))


def overdue_deadlines(projects: QuerySet[Project], *, today: datetime.date) -> list[DeadlineQueue]:
    queues = [
        settlement_dossier_overdue(projects, today),
        liquidation_overdue(projects, today),
        progress_report_overdue(projects, today),
    ]
    return [q for q in queues if q is not None]


def overdue_deadline_count(projects: QuerySet[Project], *, today: datetime.date) -> int:
    """Items, not đề án: one đề án late on two duties counts twice (each is chased on its own)."""
    return sum(q.count() for q in overdue_deadlines(projects, today=today))


def due_date(queue: DeadlineQueue, project: Project, today: datetime.date) -> datetime.date | None:
    """When the item was due, for the rows shown (read from the row's annotation, no query)."""
    rule = queue.rule
    if queue.kind == DeadlineKind.SETTLEMENT_DOSSIER and rule.days is not None:
        accepted = getattr(project, "last_accepted", None)
        return accepted + datetime.timedelta(days=rule.days) if accepted else None
    if queue.kind == DeadlineKind.LIQUIDATION_SETTLEMENT and rule.month and rule.day:
        return datetime.date(project.plan.year + 1, rule.month, rule.day)
    if queue.kind == DeadlineKind.PROGRESS_REPORT and rule.day:
        return progress_report_month(today, rule.day)[1]
    return None
