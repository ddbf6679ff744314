"""Reads of đề án: scoped lists, and their state and amounts as of any past date, rebuilt from the events."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, cast

from django.contrib.auth.models import AnonymousUser
from django.db.models import F, FilteredRelation, Max, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from khuyencong.accounts import access
from khuyencong.accounts.models import User
from khuyencong.organizations.models import Organization

from . import authority
from .models import Payment, PaymentKind, Project, ProjectContent, ProjectEvent
from .workflow import AUTHORITY, FORWARDED_SOURCES, Action, Party, Position, State, advance, allowed_actions

if TYPE_CHECKING:
    from khuyencong.facilities.models import Facility
    from khuyencong.programs.models import Plan


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


def is_year_end(day: datetime.date) -> bool:
    return (day.month, day.day) == (12, 31)


def state_in_force(day: datetime.date) -> FilteredRelation:
    """The đề án's figures in force at the end of `day`, as a relation to annotate: its year end on 31 December
    (a quarter of the periods' rows to probe: most reports are annual or over whole years), else its period. Both
    carry the same fields (`StateFigures`) and equal the replay (`kc_rebuild --check`)."""
    if is_year_end(day):
        year = day.year
        return FilteredRelation(
            "year_ends",
            condition=Q(year_ends__year_from__lte=year)
            & (Q(year_ends__year_to__gte=year) | Q(year_ends__year_to__isnull=True)),
        )
    return FilteredRelation("periods", condition=period_in_force(day))


def with_state_on(projects: QuerySet[Project], day: datetime.date, *, state: str | None = None) -> QuerySet[Project]:
    """The đề án annotated with their figures in force on `day` (one indexed range join, at most one row each):
    `on_state`, `on_percent`, `on_support`, `on_disbursed`; with `state`, only those in that state that day."""
    annotated = projects.annotate(
        on_period=state_in_force(day),
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


def contents_by_id() -> dict[int, ProjectContent]:
    """Every KC content by its key, for reports that group đề án by content: they group by the key and show the
    content's `label` (its name in the reader's language), so that a figure never splits or merges by a name."""
    return {content.pk: content for content in ProjectContent.objects.all()}


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


@dataclass(frozen=True)
class NextStep:
    action: Action
    # Who may take it: the bodies named where the đề án says which (its implementer, the UBND tỉnh of a local đề án),
    # else the part they play ("Sở Công Thương của tỉnh").
    who: list[str]


def project_next_steps(project: Project) -> list[NextStep]:
    """The steps the workflow allows next and who may take each (`workflow.AUTHORITY`): what a page says to those who
    take none of them, so that a new đề án is not a dead end ("who registers it?"). Reply steps to a request are
    listed with the request pending, a stop or an adjustment at any running step."""
    position = Position(
        State(project.state) if project.state else None, State(project.resume_to) if project.resume_to else None
    )
    local = project.plan.funding_source not in FORWARDED_SOURCES
    implementer = str(authority.acting_implementer(project))
    approver = authority.approving_body_for(project) if local else authority.national_approver()
    names = {
        Party.IMPLEMENTER: implementer,
        Party.APPROVER: str(approver) if approver is not None else str(Party.APPROVER.label),
    }
    steps = []
    for action in allowed_actions(position, live=True):
        rule = AUTHORITY[action]
        parties = rule.parties | (rule.local_parties if local else frozenset())
        who = [names.get(party, str(party.label)) for party in Party if party in parties]
        steps.append(NextStep(action, who))
    return steps


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


# The steps of a work queue: the state a đề án waits in and the step that moves it on.
# Titles stay lazy: the list is built at import, before any request's language is known.
QUEUES: list[tuple[Promise, State, Action]] = [
    (gettext_lazy("Chờ thẩm định"), State.SUBMITTED, Action.APPRAISAL_PASSED),
    (gettext_lazy("Chờ phê duyệt"), State.APPRAISED, Action.APPROVED),
    (gettext_lazy("Chờ phê duyệt (đã chuyển Bộ)"), State.FORWARDED, Action.APPROVED),
    (gettext_lazy("Chờ giao thực hiện"), State.APPROVED, Action.ASSIGNED),
    (gettext_lazy("Chờ ký hợp đồng"), State.ASSIGNED, Action.CONTRACT_SIGNED),
    (gettext_lazy("Xin điều chỉnh chờ quyết định"), State.ADJUSTMENT_REQUESTED, Action.ADJUSTMENT_APPROVED),
    (gettext_lazy("Xin dừng chờ quyết định"), State.STOP_REQUESTED, Action.STOPPED),
]


def budget_year_end(year: int) -> datetime.date:
    """The day a plan year's funds lapse (State Budget Law 2015 Art. 64): the step a đề án waits for is due by then."""
    return datetime.date(year, 12, 31)


@dataclass(frozen=True)
class Queue:
    title: str
    state: State
    action: Action
    count: int
    projects: list[Project]  # oldest wait first; each with `waiting_since` (the day of its last standing step)


def work_queues(user: User | AnonymousUser, *, limit: int | None = None) -> list[Queue]:
    """Đề án waiting for a step this user (and so their organisation) may take, one queue per step, each with the day
    it has waited since; `limit` keeps the first of each queue (the home page), the count is of all."""
    queues = []
    for title, state, action, waiting in waiting_lists(user):
        shown: list[Project] = list(waiting[:limit] if limit is not None else waiting)
        count = len(shown) if limit is None or len(shown) < limit else waiting.count()
        for project in shown:
            project.due_on = budget_year_end(project.plan.year)  # type: ignore[attr-defined]
        queues.append(Queue(str(title), state, action, count, shown))
    return queues


# What a work queue's row shows (its page, the home page, its Excel copy): the rest of a đề án, and its content,
# implementer and province, were read for every row and never shown (a fifth of the Cục's queue page).
QUEUE_FIELDS = ("code", "title", "state", "plan__code", "plan__year")


def as_queue_rows(projects: QuerySet[Project]) -> QuerySet[Project]:
    """The đề án of a queue reading only what its rows show (`QUEUE_FIELDS`), their plan joined."""
    return projects.select_related(None).select_related("plan").only(*QUEUE_FIELDS)


def waiting_lists(user: User | AnonymousUser) -> Iterator[tuple[Promise, State, Action, QuerySet[Project]]]:
    """Each step this user may take, with its đề án waiting for it (unevaluated, oldest plan year and wait first, each
    annotated with `waiting_since`): the page shows the first of each, its Excel copy streams them all."""
    visible = project_list_for_user(user)
    last_step = (
        ProjectEvent.objects.standing()
        .filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(last=Max("on"))
        .values("last")
    )
    for title, state, action in QUEUES:
        if not authority.may_ever_act(user, action):
            continue
        # One query per queue: the authority table as a database condition, not a check per đề án.
        yield (
            title,
            state,
            action,
            as_queue_rows(visible.filter(authority.actionable(user, action), state=state))
            .distinct()
            .annotate(waiting_since=Subquery(last_step))
            .order_by("plan__year", "waiting_since", "code"),
        )


@dataclass(frozen=True)
class CreationChoices:
    """What a user may name in a new đề án, the same on the page and in the API: the plans they see, the bodies of
    their territory still in being (those dissolved by the 2025 reform implement nothing new), their facilities."""

    plans: QuerySet[Plan]
    implementers: QuerySet[Organization]
    facilities: QuerySet[Facility]


def project_creation_choices(user: User | AnonymousUser) -> CreationChoices:
    # The pickers search the same lists (projects/choices.py): a picker never offers what the form would refuse.
    from . import choices

    return CreationChoices(
        plans=choices.plan_choices(user),
        implementers=choices.implementer_choices(user),
        facilities=choices.beneficiary_choices(user),
    )


def next_project_code(plan: Plan) -> str:
    """The code a new đề án of `plan` gets when none is given: the plan's code and the next free number."""
    prefix = f"{plan.code}-"
    numbers = [
        int(c[len(prefix) :])
        for c in Project.objects.filter(code__startswith=prefix).values_list("code", flat=True)
        if c[len(prefix) :].isascii() and c[len(prefix) :].isdigit()  # "²" is a digit to isdigit, none to int
    ]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


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
