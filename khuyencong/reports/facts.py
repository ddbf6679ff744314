"""The reference replay of the reports: each đề án with its events and payments up to the as-of date, replayed in
Python, so that every figure is what the events up to that day say (a đề án approved on 01/07 does not count in a
report as of 30/06, whatever its state today).

No report reads it any more: they read the periods (`projects/periods.py`) and, for the provincial steps, only the
events dated within the period. It stays as the independent reference the golden tests compare every report with
(`reports/tests/*_replay.py`); it loads every event of every đề án it is given, so it is not for production paths.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet

from khuyencong.projects.models import Payment, PaymentKind, Project, ProjectEvent
from khuyencong.projects.workflow import Action


@dataclass(frozen=True)
class Event:
    seq: int
    on: datetime.date
    action: str
    amount: Decimal | None
    percent: Decimal | None
    state_after: str


@dataclass
class ProjectFacts:
    pk: int
    code: str
    title: str
    kind: str
    round: int | None
    year: int
    funding_source: str
    content: str
    content_name: str
    implementer: str
    implementer_name: str
    implementer_kind: str
    province_id: int | None
    recorded_province_id: int | None
    support_requested: Decimal | None
    beneficiaries: list[tuple[str, str]] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    payments: list[tuple[datetime.date, str, Decimal]] = field(default_factory=list)

    def state_on(self, day: datetime.date) -> str | None:
        state = None
        for event in self.events:
            if event.on > day:
                break
            state = event.state_after
        return state

    def percent_on(self, day: datetime.date) -> Decimal | None:
        percent = None
        for event in self.events:
            if event.on > day:
                break
            if event.action == Action.PROGRESS:
                percent = event.percent
            elif event.action == Action.ACCEPTED:
                percent = Decimal(100)
        return percent

    def last(self, actions: frozenset[str], start: datetime.date, end: datetime.date) -> Event | None:
        found = None
        for event in self.events:
            if event.on > end:
                break
            if event.on >= start and event.action in actions:
                found = event
        return found

    def reached(self, action: str, day: datetime.date) -> bool:
        return any(e.action == action and e.on <= day for e in self.events)

    def amount_at(self, event: Event) -> Decimal:
        """What the step was about: its own amount, else the latest amount before it (an assignment carries the
        approved support), else the support requested."""
        if event.amount is not None:
            return event.amount
        for earlier in reversed(self.events[: self.events.index(event)]):
            if earlier.amount is not None and earlier.action in AMOUNT_SETTING:
                return earlier.amount
        return self.support_requested or Decimal(0)

    def support_on(self, day: datetime.date) -> Decimal | None:
        """The approved (or adjusted) support in force at the end of `day`."""
        support = None
        for event in self.events:
            if event.on > day:
                break
            if event.action in (Action.APPROVED, Action.ADJUSTMENT_APPROVED) and event.amount is not None:
                support = event.amount
        return support

    def disbursed(self, start: datetime.date, end: datetime.date) -> Decimal:
        """Advances and payments less refunds, dated within the range."""
        total = Decimal(0)
        for on, kind, amount in self.payments:
            if start <= on <= end:
                total += -amount if kind == PaymentKind.REFUND else amount
        return total


AMOUNT_SETTING = frozenset(
    {Action.SUBMITTED_FOR_APPRAISAL, Action.APPRAISAL_PASSED, Action.APPROVED, Action.ADJUSTMENT_APPROVED,
     Action.CONTRACT_SIGNED}
)  # fmt: skip


def project_facts(projects: QuerySet[Project], as_of: datetime.date) -> list[ProjectFacts]:
    rows = projects.values_list(
        "pk", "code", "title", "kind", "round", "plan__year", "plan__funding_source", "content__code",
        "content__name", "implementer__code", "implementer__name", "implementer__kind", "province_id",
        "recorded_province_id", "support_requested",
    ).order_by("plan__year", "code")  # fmt: skip
    facts = {row[0]: ProjectFacts(*row) for row in rows}
    if not facts:
        return []
    # The đề án as a subquery, never their ids in the statement (SQLite allows 32,766 parameters; a national or
    # multi-year scope has more đề án than that).
    ids = projects.order_by().values("pk")
    for pk, code, name in (
        Project.beneficiaries.through.objects.filter(project_id__in=ids)
        .values_list("project_id", "facility__code", "facility__name")
        .order_by("project_id", "facility__code")
    ):
        facts[pk].beneficiaries.append((code, name))
    for pk, seq, on, action, amount, percent, state_after in (
        ProjectEvent.objects.standing()
        .filter(project_id__in=ids, on__lte=as_of)
        .values_list("project_id", "seq", "on", "action", "amount", "percent", "state_after")
        .order_by("project_id", "seq")
    ):
        facts[pk].events.append(Event(seq, on, action, amount, percent, state_after))
    for pk, on, kind, amount in (
        Payment.objects.standing()
        .filter(project_id__in=ids, on__lte=as_of)
        .values_list("project_id", "on", "kind", "amount")
        .order_by("project_id", "on", "pk")
    ):
        facts[pk].payments.append((on, kind, amount))
    return list(facts.values())
