"""Reads of đề án: scoped lists, and their state and amounts as of any past date, rebuilt from the events."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from django.contrib.auth.models import AnonymousUser
from django.db.models import F, FilteredRelation, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from khuyencong.accounts import access
from khuyencong.accounts.models import User

from . import authority
from .models import Payment, PaymentKind, Project, ProjectEvent
from .workflow import Action, Position, State, advance, allowed_actions


@dataclass(frozen=True)
class ProjectSnapshot:
    """A đề án as it stood at the end of a day."""

    state: State | None
    percent: Decimal | None
    support_appraised: Decimal | None
    support_approved: Decimal | None
    support_contracted: Decimal | None
    support_settled: Decimal | None
    paid: Decimal


def snapshot(events: list[ProjectEvent], payments: list[Payment], day: datetime.date) -> ProjectSnapshot:
    position = Position()
    percent = appraised = approved = contracted = settled = None
    for event in events:
        if event.on > day:
            break
        position = advance(position, event.action)
        if event.action == Action.APPRAISAL_PASSED and event.amount is not None:
            appraised = event.amount
        elif event.action == Action.APPROVED or (
            event.action == Action.ADJUSTMENT_APPROVED and event.amount is not None
        ):
            approved = event.amount
        elif event.action == Action.CONTRACT_SIGNED:
            contracted = event.amount
        elif event.action == Action.PROGRESS:
            percent = event.percent
        elif event.action == Action.ACCEPTED:
            percent = Decimal(100)
        elif event.action == Action.SETTLED:
            settled = event.amount
    paid = sum((-p.amount if p.kind == PaymentKind.REFUND else p.amount for p in payments if p.on <= day), Decimal(0))
    return ProjectSnapshot(position.state, percent, appraised, approved, contracted, settled, paid)


def projects_as_of(projects: QuerySet[Project], day: datetime.date) -> dict[int, ProjectSnapshot]:
    """State and amounts of these đề án at the end of `day`, from their events and payments up to that day."""
    projects = projects.prefetch_related(
        Prefetch("events", queryset=cast(QuerySet[ProjectEvent], ProjectEvent.objects.standing().order_by("seq"))),
        Prefetch("payments", queryset=cast(QuerySet[Payment], Payment.objects.standing().order_by("on", "pk"))),
    )
    return {p.pk: snapshot(list(p.events.all()), list(p.payments.all()), day) for p in projects}


@dataclass(frozen=True)
class StateOn:
    """A đề án as it stood at the end of a day, read from its period in force then."""

    state: State | None
    percent: Decimal | None
    support_approved: Decimal | None
    paid: Decimal


def period_in_force(day: datetime.date) -> Q:
    """The condition on a đề án's `periods` for the one in force at the end of `day`."""
    return Q(periods__valid_from__lte=day) & (Q(periods__valid_to__gt=day) | Q(periods__valid_to__isnull=True))


def with_state_on(projects: QuerySet[Project], day: datetime.date, *, state: str | None = None) -> QuerySet[Project]:
    """The đề án annotated with their period in force on `day` (one indexed range join, at most one row each):
    `on_state`, `on_percent`, `on_support`, `on_disbursed`; with `state`, only those in that state that day."""
    annotated = projects.annotate(
        on_period=FilteredRelation("periods", condition=period_in_force(day)),
        on_state=F("on_period__state"),
        on_percent=F("on_period__percent"),
        on_support=F("on_period__support"),
        on_disbursed=F("on_period__disbursed"),
    )
    # Filtered through the annotation: a filter on the relation's own path would join the periods a second time.
    return annotated.filter(on_state=state) if state else annotated


def state_on(project: Project) -> StateOn:
    """The annotations of `with_state_on`, as a value."""
    state = getattr(project, "on_state", None)
    return StateOn(
        State(state) if state else None,
        getattr(project, "on_percent", None),
        getattr(project, "on_support", None),
        getattr(project, "on_disbursed", None) or Decimal(0),
    )


def project_list_for_user(user: User | AnonymousUser) -> QuerySet[Project]:
    return access.projects_in_scope(user, Project.objects.all()).select_related(
        "plan", "content", "implementer", "province"
    )


def project_actions_for(user: User | AnonymousUser, project: Project) -> list[Action]:
    """The moves the workflow allows now that this user may take."""
    position = Position(
        State(project.state) if project.state else None, State(project.resume_to) if project.resume_to else None
    )
    return [a for a in allowed_actions(position, live=True) if authority.can_act_on_project(user, project, a)]


def project_get_for_user(user: User | AnonymousUser, pk: int) -> Project:
    """Raises Project.DoesNotExist outside the user's scope, exactly as for a đề án that does not exist."""
    return project_list_for_user(user).get(pk=pk)


# Still owing work: approved but neither accepted, settled nor closed otherwise.
OPEN_AFTER_APPROVAL = [State.APPROVED, State.ASSIGNED, State.CONTRACTED, State.IN_PROGRESS,
                       State.ADJUSTMENT_REQUESTED, State.STOP_REQUESTED]  # fmt: skip


def overdue_projects(projects: QuerySet[Project], *, today: datetime.date | None = None) -> QuerySet[Project]:
    """Đề án whose budget year has ended while their work is still open: the year's funds lapse (State Budget Law
    2015 Art. 64), so they need acceptance, adjustment or a stop decision."""
    day = today or timezone.localdate()
    return projects.filter(plan__year__lt=day.year, state__in=OPEN_AFTER_APPROVAL).order_by("plan__year", "code")


def counterpart_total(project: Project, *, on: datetime.date | None = None) -> Decimal:
    """The facility's share evidenced by standing counterpart vouchers dated up to `on` (all if None), summed in SQL.
    Read by the đề án page beside the support, and by the dossier's forms (Mẫu 8b, the cost estimate)."""
    vouchers = project.counterpart_vouchers.standing()
    if on is not None:
        vouchers = vouchers.filter(on__lte=on)
    return vouchers.aggregate(total=Sum("amount", default=Decimal(0)))["total"]


@dataclass(frozen=True)
class ChecklistRow:
    step: str
    kind: str
    citation: str
    attached: bool
    # The step is already on record (taken live, or entered after the fact without the file here).
    step_taken: bool


def document_checklist(project: Project) -> list[ChecklistRow]:
    """The documents the đề án's dossier needs for each step (Circular 36/2013 Art. 14, 16, Phụ lục 2 and 4), with
    whether each is attached: the steps ahead first. Three queries whatever the size of the dossier."""
    from .dossier_rules import DossierStep, documents_for_content, relevant_date
    from .models import DocumentKind

    events = list(project.events.standing().only("on", "action"))
    required = documents_for_content(project.content.code, relevant_date(events, timezone.localdate()))
    if not required:
        return []
    attached = set(project.documents.standing().values_list("kind", flat=True))
    taken = {e.action for e in events}
    if project.payments.standing().filter(kind=PaymentKind.ADVANCE).exists():
        taken.add(DossierStep.ADVANCE)
    rows = [
        ChecklistRow(
            str(DossierStep(r.step).label),
            str(DocumentKind(r.kind).label),
            r.citation,
            r.kind in attached,
            r.step in taken,
        )
        for r in required
    ]
    return sorted(rows, key=lambda row: row.step_taken)
