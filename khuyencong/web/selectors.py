"""The home page's reads: the work waiting for the user, what changed lately in their records, and the money of their
territory this year. Each is a selector of its own app, scoped by `accounts.access`; this module only gathers them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, QuerySet
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from khuyencong.accounts import access
from khuyencong.accounts.models import Role, User
from khuyencong.audit.models import AuditEntry
from khuyencong.facilities.models import Facility
from khuyencong.projects.models import Project, ProjectEvent
from khuyencong.projects.selectors import Queue, overdue_projects, project_list_for_user, work_queues
from khuyencong.reports.dashboard import dashboard_data, dashboard_scope, own_dashboard_data
from khuyencong.reports.forms import dashboard_units

QUEUE_ROWS = 5  # per step on the home page; the queue page lists them all
OVERDUE_ROWS = 5
RECENT_ROWS = 8


@dataclass(frozen=True)
class Change:
    """One recent change to a record of the user's: a step of a đề án, or an audited change of a facility."""

    at: datetime.datetime
    what: str
    record: str
    url_name: str
    pk: int
    by: str


@dataclass(frozen=True)
class Inbox:
    queues: list[Queue]  # only the steps with something waiting
    waiting: int
    overdue: list[Project]
    overdue_count: int
    changes: list[Change]


def home_inbox(user: User | AnonymousUser, *, today: datetime.date) -> Inbox:
    queues = [q for q in work_queues(user, limit=QUEUE_ROWS) if q.count]
    overdue = overdue_projects(project_list_for_user(user), today=today)
    return Inbox(
        queues=queues,
        waiting=sum(q.count for q in queues),
        overdue=list(overdue[:OVERDUE_ROWS]),
        overdue_count=overdue.count(),
        changes=recent_changes(user),
    )


def recent_changes(user: User | AnonymousUser, *, limit: int = RECENT_ROWS) -> list[Change]:
    """The latest steps of the đề án the user may see and the latest audited changes of their facilities, newest
    first. Each side is a top-N by primary key (ids grow with insertion, and the key's index answers without a sort)
    over a semi-join with the scoped list, never a list of ids."""
    if access.scope_of(user).is_empty:
        return []
    events = (
        ProjectEvent.objects.filter(project__in=project_list_for_user(user).order_by().values("pk"))
        .select_related("project", "organization")
        .order_by("-pk")[:limit]
    )
    changes = [
        Change(
            at=e.recorded_at,
            what=_("Huỷ bỏ: %(action)s") % {"action": e.get_action_display()}
            if e.is_voided
            else e.get_action_display(),
            record=f"{e.project.code} — {e.project.title}",
            url_name="projects:detail",
            pk=e.project_id,
            by=str(e.organization),
        )
        for e in events
    ]
    facilities: QuerySet[Facility] = access.facilities_in_scope(user, Facility.objects.order_by())
    entries = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Facility),
        object_id__in=facilities.annotate(key=Cast("pk", CharField())).values("key"),
    ).order_by("-pk")[:limit]
    changes += [
        Change(
            at=a.at,
            what=a.get_action_display(),
            record=a.object_repr,
            url_name="facilities:detail",
            pk=int(a.object_id),
            by=a.organization_name or a.actor_label,
        )
        for a in entries
    ]
    return sorted(changes, key=lambda c: c.at, reverse=True)[:limit]


def territory_money(user: User | AnonymousUser, *, today: datetime.date) -> dict[str, Any] | None:
    """This year's money of the user's territory, the dashboard's own figures (plan, allocated, contracted,
    disbursed); for a facility, a district or a commune only what its own đề án count. None without a territory."""
    scope = access.scope_of(user)
    if scope.is_empty:
        return None
    visible = project_list_for_user(user)
    units, region = dashboard_units(user, None)
    if not units and not scope.everything:
        name = str(getattr(user, "organization", None) or user)
        if isinstance(user, User) and user.facility is not None and user.has_role(Role.FACILITY_REPRESENTATIVE):
            name = user.facility.name
        return own_dashboard_data(name, visible, year=today.year, as_of=today)
    return dashboard_data(dashboard_scope(units, region=region), visible, year=today.year, as_of=today)
