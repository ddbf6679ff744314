"""Reads of the reporting regime: which reports each body owes (the calendar), the figures a report carries, what
changed since it was sent, and the compilation of accepted reports."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.accounts import access
from khuyencong.accounts.models import User
from khuyencong.core.collation import python_key
from khuyencong.geography.models import AdminUnit, Era, Level
from khuyencong.organizations.models import Organization
from khuyencong.projects.models import Project
from khuyencong.reports.figures import breakdown
from khuyencong.reports.layout import Section
from khuyencong.reports.periods import Period
from khuyencong.reports.provincial import provincial_report, provincial_sections
from khuyencong.reports.render import Document
from khuyencong.reports.scope import Geography, ReportScope, scope_from_units

from . import authority
from .models import ReportingDuty, ReportKind, Submission
from .rules import STATUS_LABELS, CalendarStatus, Frequency, is_late, period_label, periods_in


@dataclass
class CalendarEntry:
    """A report a body owes for one period of a duty, and where it stands."""

    duty: ReportingDuty
    organization: Organization
    year: int
    period_key: str
    period: Period
    due_on: datetime.date
    submission: Submission | None
    status: CalendarStatus
    late: bool

    @property
    def label(self) -> str:
        return period_label(Frequency(self.duty.frequency), self.period_key, self.year)

    @property
    def status_name(self) -> str:
        """The status alone, for a line that says the report is late already."""
        return str(STATUS_LABELS[self.status])

    @property
    def status_label(self) -> str:
        text = STATUS_LABELS[self.status]
        if self.late:
            if self.status == CalendarStatus.ACCEPTED:
                return _("%(status)s (gửi muộn)") % {"status": text}
            return _("%(status)s — quá hạn") % {"status": text}
        return str(text)

    def as_json(self) -> dict[str, Any]:
        return {
            "duty": self.duty.code,
            "organization": self.organization.code,
            "organization_name": self.organization.name,
            "year": self.year,
            "period": self.period_key,
            "period_label": self.label,
            "from": self.period.start.isoformat(),
            "to": self.period.end.isoformat(),
            "due_on": self.due_on.isoformat(),
            "status": self.status.value,
            "late": self.late,
            "submission": self.submission.pk if self.submission else None,
            "version": self.submission.version if self.submission else None,
        }


def duties_in_force(year: int) -> QuerySet[ReportingDuty]:
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return ReportingDuty.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=end), Q(valid_until__isnull=True) | Q(valid_until__gte=start)
    ).select_related("province")


def owes(duty: ReportingDuty, organization: Organization, period: Period) -> bool:
    """Whether the body owed this report: its kind is the duty's, the duty was in force at the period's end, the body
    existed on the due date (the report is sent then, by the body of that day: a Sở of a province merged in 2025 sends
    its reports due up to 30/06/2025; the six-month report of 2025, due in July, is today's Sở's, on today's province),
    and a province's own duty binds only that province's bodies."""
    day = period.end
    if organization.kind != duty.body_kind:
        return False
    if (duty.valid_from and day < duty.valid_from) or (duty.valid_until and day > duty.valid_until):
        return False
    due = duty.due_rule.due(period.end)
    if organization.valid_until is not None and due > organization.valid_until:
        return False
    territory = organization.territory_on(due)
    if organization.territory_id is not None and territory is None:
        return False
    if duty.province_id is not None:
        return territory is not None and duty.province_id in (territory.pk, territory.current_province_id)
    return True


def bodies_for(user: User | AnonymousUser) -> QuerySet[Organization]:
    """The bodies whose reports the user may see: national bodies see all, a province's its own province's."""
    scope = access.scope_of(user)
    bodies = Organization.objects.all()
    if scope.everything:
        return bodies
    if scope.is_empty or not scope.province_ids:
        return bodies.none()
    return bodies.filter(Q(territory__in=scope.province_ids) | Q(territory__current_province__in=scope.province_ids))


def calendar(
    year: int,
    *,
    today: datetime.date,
    bodies: QuerySet[Organization] | None = None,
    duties: QuerySet[ReportingDuty] | None = None,
    province: AdminUnit | None = None,
) -> list[CalendarEntry]:
    """Every report due in the year from the bodies given (all by default), with its due date and status: a few
    hundred entries a year nationally, read with one query for the bodies and one for the reports."""
    duty_list = list(duties if duties is not None else duties_in_force(year))
    kinds = {d.body_kind for d in duty_list}
    orgs = (bodies if bodies is not None else Organization.objects.all()).filter(kind__in=kinds)
    if province is not None:
        orgs = orgs.filter(Q(territory=province) | Q(territory__current_province=province))
    org_list = list(orgs.select_related("territory").prefetch_related("territories__territory").order_by("code"))
    current = {
        (s.duty_id, s.organization_id, s.period_key): s
        for s in Submission.objects.filter(year=year, current=True, duty__in=duty_list, organization__in=org_list)
    }
    entries = []
    for duty in duty_list:
        for key, period in periods_in(Frequency(duty.frequency), year):
            ruled = duty.due_rule.due(period.end)
            for org in org_list:
                if not owes(duty, org, period):
                    continue
                submission = current.get((duty.pk, org.pk, key))
                # A report opened keeps the due date of the rule it was opened under: a duty's rule amended later
                # moves the dates of the reports not yet begun, never of one already under way.
                due = submission.due_on if submission else ruled
                status = CalendarStatus(submission.state) if submission else CalendarStatus.NOT_STARTED
                first = submission.first_submitted_on if submission else None
                entries.append(
                    CalendarEntry(
                        duty, org, year, key, period, due, submission, status, is_late(status, due, today, first)
                    )
                )
    entries.sort(key=lambda e: (e.due_on, e.organization.code, e.duty.code))
    return entries


def own_bodies(user: User | AnonymousUser) -> list[Organization]:
    """The bodies whose reports the user writes: their own organisation and the one it works under (the provincial
    centre drafts the Sở's report, as in seed 000); none without a role (no role, no data, as `authority.can_view`)
    and none for a facility's representative (`access.works_for_a_body`)."""
    org = getattr(user, "organization", None) if user.is_authenticated else None
    if org is None or not access.works_for_a_body(user):
        return []
    return [org, *([org.parent] if org.parent is not None else [])]


def outstanding_late(entries: list[CalendarEntry]) -> list[CalendarEntry]:
    """Late and not yet taken in: what the matrix counts and the home page lists."""
    return [e for e in entries if e.late and e.status != CalendarStatus.ACCEPTED]


@dataclass
class DueReports:
    """What a home page says of the periodic reports: the user's bodies' late ones and the next ones due, and for the
    Cục the number of late reports in the country, per year."""

    late: list[CalendarEntry]
    upcoming: list[CalendarEntry]
    owes_any: bool
    national_late: list[tuple[int, int]]


UPCOMING = 4


def reports_due(user: User | AnonymousUser, *, today: datetime.date) -> DueReports:
    """The user's bodies' reports to act on: every one still late (this year's and last year's, whose last reports
    are due in January), and the next few due and not yet taken in; for a national body, how many are late. One
    calendar per year for the user's own bodies only; the national count reads the whole country's, as the matrix
    does."""
    years = (today.year - 1, today.year)
    bodies = own_bodies(user)
    entries: list[CalendarEntry] = []
    if bodies:
        own = Organization.objects.filter(pk__in=[body.pk for body in bodies])
        for year in years:
            entries += calendar(year, today=today, bodies=own)
    late = outstanding_late(entries)
    # A report returned after its due day was sent on time and is not late, but it is still owed: it stays on the
    # list until it is sent again, however long ago the day was.
    upcoming = [
        e for e in entries
        if not e.late and (e.status == CalendarStatus.RETURNED
                           or (e.status != CalendarStatus.ACCEPTED and e.due_on >= today))
    ]  # fmt: skip
    national_late = []
    if access.scope_of(user).everything:
        for year in reversed(years):
            count = len(outstanding_late(calendar(year, today=today)))
            if count or year == today.year:
                national_late.append((year, count))
    return DueReports(
        late=sorted(late, key=lambda e: e.due_on),
        upcoming=sorted(upcoming, key=lambda e: e.due_on)[:UPCOMING],
        owes_any=bool(entries),
        national_late=national_late,
    )


@dataclass
class DueRound:
    """One period of one duty across the bodies that owe it: how many owe it, how many stand at each status, how
    many are late and not yet taken in."""

    duty: ReportingDuty
    period_key: str
    label: str
    due_on: datetime.date
    owed: int = 0
    late: int = 0
    counts: dict[CalendarStatus, int] = field(default_factory=lambda: dict.fromkeys(CalendarStatus, 0))

    @property
    def by_status(self) -> list[tuple[str, int]]:
        """Each status with its count, in the order of `STATUS_LABELS`, as the overview's columns are."""
        return [(str(label), self.counts[status]) for status, label in STATUS_LABELS.items()]


def due_rounds(entries: list[CalendarEntry]) -> list[DueRound]:
    """The overview of a year's reports: a row per (duty, period) rather than a column per (duty, period) and a row
    per body. Nationally that is about 25 rows instead of a matrix of 113 bodies × 25 columns, mostly empty (each
    body owes only its kind's duties)."""
    rounds: dict[tuple[str, str], DueRound] = {}
    for entry in entries:
        key = (entry.duty.code, entry.period_key)
        due = rounds.get(key)
        if due is None:
            due = rounds[key] = DueRound(entry.duty, entry.period_key, entry.label, entry.due_on)
        due.owed += 1
        due.counts[entry.status] += 1
        # A report opened under an older rule keeps its own due date: the round shows the earliest.
        due.due_on = min(due.due_on, entry.due_on)
        if entry.late and entry.status != CalendarStatus.ACCEPTED:
            due.late += 1
    return sorted(rounds.values(), key=lambda r: (r.due_on, r.duty.code, r.period_key))


def late_list(entries: list[CalendarEntry], *, today: datetime.date) -> list[tuple[CalendarEntry, int]]:
    """What is late and not taken in, with how many days late it is (to the day it was first sent, or to today if it
    never was): the oldest first, then by body (Vietnamese order) and duty."""
    late = sorted(
        outstanding_late(entries), key=lambda e: (e.due_on, python_key(e.organization.name), e.duty.code, e.period_key)
    )
    return [(entry, ((_first_sent(entry) or today) - entry.due_on).days) for entry in late]


def _first_sent(entry: CalendarEntry) -> datetime.date | None:
    return entry.submission.first_submitted_on if entry.submission is not None else None


@dataclass
class LateBody:
    """A body with its late reports (each with its days late), the oldest first: whom to chase, for what."""

    organization: Organization
    reports: list[tuple[CalendarEntry, int]]


def late_by_body(entries: list[CalendarEntry], *, today: datetime.date) -> list[LateBody]:
    """The late reports a body at a time, the body with the oldest late report first: one line per body to chase
    rather than one per report (a body that sent nothing all year owes a dozen)."""
    bodies: dict[int, LateBody] = {}
    for entry, days in late_list(entries, today=today):
        body = bodies.setdefault(entry.organization.pk, LateBody(entry.organization, []))
        body.reports.append((entry, days))
    return list(bodies.values())


def calendar_matrix(entries: list[CalendarEntry]) -> dict[str, Any]:
    """Bodies × periods, for one duty (or a few): one row per body, one column per (duty, period)."""
    columns: dict[tuple[str, str], dict[str, Any]] = {}
    rows: dict[int, dict[str, Any]] = {}
    for entry in entries:
        column = (entry.duty.code, entry.period_key)
        columns.setdefault(column, {"duty": entry.duty, "key": entry.period_key, "label": entry.label,
                                    "due_on": entry.due_on})  # fmt: skip
        row = rows.setdefault(entry.organization.pk, {"organization": entry.organization, "cells": {}})
        row["cells"][column] = entry
    ordered = sorted(columns, key=lambda c: (columns[c]["due_on"], c))
    return {
        "columns": [columns[c] for c in ordered],
        "rows": [
            {"organization": r["organization"], "cells": [r["cells"].get(c) for c in ordered]}
            for r in sorted(rows.values(), key=lambda r: python_key(r["organization"].name))
        ],
        "late": len(outstanding_late(entries)),
    }


# Figures ----------------------------------------------------------------------------------------------------------


def province_of_body(organization: Organization, day: datetime.date) -> AdminUnit | None:
    territory = organization.territory_on(day) or organization.territory
    if territory is None:
        return None
    return territory if territory.level == Level.PROVINCE else territory.province


def report_basis(
    duty: ReportingDuty, organization: Organization, period: Period
) -> tuple[ReportScope, QuerySet[Project], dict[str, Any] | None]:
    """What a body's report is about: the đề án of the body's province for a Sở or a UBND tỉnh (its pre-reform
    province as recorded, today's as it is now), the body's own đề án for a national centre."""
    if duty.report_kind == ReportKind.PROVINCE:
        province = province_of_body(organization, period.end)
        if province is None:
            raise ValueError(
                _("%(organization)s không gắn với một tỉnh: không lập được số liệu của tỉnh.")
                % {"organization": organization.name}
            )
        geography = Geography.CURRENT if province.era == Era.FROM_2025 else Geography.RECORDED
        return scope_from_units([province], geography=geography, on=period.as_of), Project.objects.all(), None
    scope = ReportScope(Geography.CURRENT)
    named = {**scope.as_json(), "name": organization.name, "implementer": organization.code}
    return scope, Project.objects.filter(implementer=organization), named


def report_figures(
    duty: ReportingDuty, organization: Organization, period: Period
) -> tuple[dict[str, Any], list[Section]]:
    """The figures of a body's report for the period, from the records as of `period.as_of`."""
    scope, projects, named = report_basis(duty, organization, period)
    data = provincial_report(scope, period, projects=projects)
    if named is not None:
        data["scope"] = named
    data["title"] = f"{duty.label} {period.label}"
    return data, provincial_sections(data)


def live_key_figures(duty: ReportingDuty, organization: Organization, period: Period) -> dict[str, Any]:
    """Only what the key figures read (the year's breakdown, its totals: no list of đề án), not the whole report: the
    compilation asks it of every body that reported."""
    scope, projects, _ = report_basis(duty, organization, period)
    in_year = scope.projects(projects.filter(plan__year=period.plan_year))
    return {"breakdown": breakdown(in_year, period.as_of, codes=False)}


def submission_document(submission: Submission) -> Document:  # vi-only: the report's heading and signature block
    org = submission.organization
    parent = org.parent.name if org.parent else ""
    province = province_of_body(org, submission.period_end)
    return Document(
        issuer=org.name,
        parent=parent or (f"UBND {province.full_name}" if province else "Bộ Công Thương"),
        place=submission.place or (province.name if province else "Hà Nội"),
        date=submission.figures_as_of or submission.period_end,
        number=submission.number or "       /BC-",
        signer_title=submission.signer_title or "Giám đốc",
        signer=submission.signer,
    )


# What the difference and the compilation compare: the report's own key figures, in the officials' words.
KEY_FIGURES: tuple[tuple[str, Promise], ...] = (
    ("breakdown.total.projects", gettext_lazy("Số đề án đã phê duyệt")),
    ("breakdown.total.tasks", gettext_lazy("Nhiệm vụ khuyến công khác")),
    ("breakdown.total.support", gettext_lazy("Kinh phí khuyến công (đồng)")),
    ("breakdown.total.total_cost", gettext_lazy("Tổng kinh phí (đồng)")),
    ("breakdown.total.counterpart", gettext_lazy("Vốn đối ứng của cơ sở (đồng)")),
    ("breakdown.total.disbursed", gettext_lazy("Đã giải ngân (đồng)")),
    ("breakdown.total.facilities", gettext_lazy("Số cơ sở thụ hưởng")),
    ("breakdown.total.facility_times", gettext_lazy("Lượt cơ sở thụ hưởng")),
)


def figure_at(data: dict[str, Any] | None, path: str) -> int | None:
    node: Any = data
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node if isinstance(node, int) else None


def figure_changes(frozen: dict[str, Any] | None, live: dict[str, Any]) -> list[dict[str, Any]]:
    """The key figures that differ between the report as sent and the records now (a late record, a correction):
    "số liệu đã thay đổi sau khi nộp"."""
    changes = []
    for path, label in KEY_FIGURES:
        then, now = figure_at(frozen, path), figure_at(live, path)
        if then != now:
            changes.append({"figure": path, "label": label, "submitted": then, "now": now})
    return changes


def compilation(
    duty: ReportingDuty, year: int, period_key: str, *, today: datetime.date, bodies: QuerySet[Organization]
) -> dict[str, Any]:
    """The Cục's summary of one period (seed 003 was compiled this way): the key figures summed over the accepted
    reports, beside the same figures from the records now, and the bodies that have not reported, named."""
    entries = calendar(year, today=today, bodies=bodies, duties=ReportingDuty.objects.filter(pk=duty.pk))
    entries = [e for e in entries if e.period_key == period_key]
    accepted = [e for e in entries if e.status == CalendarStatus.ACCEPTED and e.submission is not None]
    missing = [e for e in entries if e.status != CalendarStatus.ACCEPTED]
    totals: dict[str, int] = defaultdict(int)
    live_totals: dict[str, int] = defaultdict(int)
    rows = []
    for entry in accepted:
        assert entry.submission is not None
        frozen = entry.submission.figures
        # As of the day the accepted figures stand as of: the difference is what was recorded late or corrected.
        frozen_day = entry.submission.figures_as_of or entry.period.end
        live = live_key_figures(duty, entry.organization, Period.of(entry.period.start, entry.period.end,
                                                                     as_of=frozen_day))  # fmt: skip
        sent: dict[str, int] = {}
        now: dict[str, int] = {}
        for path, _label in KEY_FIGURES:
            sent[path], now[path] = figure_at(frozen, path) or 0, figure_at(live, path) or 0
            totals[path] += sent[path]
            live_totals[path] += now[path]
        rows.append(
            {
                "organization": entry.organization.code,
                "name": entry.organization.name,
                "version": entry.submission.version,
                "figures": sent,
                "live": now,
                # The figures in KEY_FIGURES' order, for a table's cells.
                "sent": [sent[path] for path, _label in KEY_FIGURES],
            }
        )
    return {
        "duty": duty.code,
        "duty_name": duty.label,
        "year": year,
        "period": period_key,
        "period_label": period_label(Frequency(duty.frequency), period_key, year),
        "owed": len(entries),
        "accepted": len(accepted),
        "figures": [
            {"figure": path, "label": label, "accepted": totals[path], "live": live_totals[path]}
            for path, label in KEY_FIGURES
        ],
        "rows": rows,
        "missing": [
            {
                "organization": e.organization.code,
                "name": e.organization.name,
                "status": e.status.value,
                "status_label": e.status_label,
                "late": e.late,
                "due_on": e.due_on.isoformat(),
            }
            for e in missing
        ],
    }


def submissions_for(user: User | AnonymousUser) -> QuerySet[Submission]:
    return Submission.objects.filter(organization__in=bodies_for(user)).select_related("duty", "organization")


def bodies_visible_to(user: User | AnonymousUser) -> QuerySet[Organization]:
    """The bodies whose reports `authority.can_view` shows the user, as one query (the API's list and calendar, an
    export): the bodies of their territory, their own body, and the body above theirs that they draft for — none
    without a role (no role, no data)."""
    if not user.is_authenticated or not user.is_active:
        return Organization.objects.none()
    assert isinstance(user, User)
    if not user.is_superuser and not user.role_set:
        return Organization.objects.none()
    visible = Q(pk__in=bodies_for(user).values("pk"))
    own = user.organization
    if own is not None:
        visible |= Q(pk=own.pk)
        if own.parent is not None and authority.can_prepare(user, own.parent):
            visible |= Q(pk=own.parent.pk)
    return Organization.objects.filter(visible)


def submissions_visible_to(user: User | AnonymousUser) -> QuerySet[Submission]:
    """The reports `authority.can_view` shows the user."""
    return Submission.objects.filter(organization__in=bodies_visible_to(user))
