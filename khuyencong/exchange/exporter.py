"""Export of any scope in the exchange format. The output is canonical (records sorted by code, empty values left
out) so that export → import into an empty database → export gives the same document."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, Q, QuerySet

from khuyencong.accounts import access
from khuyencong.accounts.models import User
from khuyencong.consulting.models import ConsultingRecord
from khuyencong.core.corrections import Voidable
from khuyencong.facilities.models import Facility
from khuyencong.geography.models import LAST_DAY_BEFORE_REFORM, REFORM_DATE, AdminUnit, Era, Level
from khuyencong.organizations.models import Organization
from khuyencong.programs.models import Plan, Program
from khuyencong.projects.models import Project
from khuyencong.reporting.models import Submission, SubmissionEvent
from khuyencong.reporting.selectors import submissions_visible_to
from khuyencong.reporting.services import MOVE_ACTIONS, TEXT_FIELDS

FORMAT = {"format": "khuyencong-exchange", "version": 1}
# A report's history travels as its moves between states, each with its day, body and comment. The rows of its
# drafting (opened, written, attachments) are each instance's own working: files do not travel in the format, and the
# reason of a new version travels as `version_reason`.
# The moves between states travel; the rows of a report's drafting (opened, edited, attachments) do not.
EXCHANGED_ACTIONS = MOVE_ACTIONS


def _clean(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if v not in (None, "", [], {})}


def _voided(entry: Voidable, default: Organization) -> dict[str, str] | None:
    """A correction travels with its record. A voiding recorded by an account without an organisation (the system
    administrator) is attributed to the body the record belongs to, since the format names bodies, not people."""
    if not entry.is_voided:
        return None
    assert entry.voided_on is not None
    by = entry.voided_by or default
    return {"on": entry.voided_on.isoformat(), "by": by.code, "reason": entry.voided_reason}


def _money(value: Decimal | None) -> int | None:
    return int(value) if value is not None else None


def _number(value: Decimal) -> int | float:
    # Percentages and indicator values have at most two decimals; the shortest float repr reproduces them exactly.
    return int(value) if value == value.to_integral_value() else float(value)


def _unit_place(unit: AdminUnit, day: datetime.date | None = None) -> dict[str, Any]:
    chain = [unit, *unit.ancestors()]
    by_level = {u.level: u.code for u in chain}
    as_of = day or (LAST_DAY_BEFORE_REFORM if unit.era == Era.BEFORE_2025 else REFORM_DATE)
    return _clean(
        {
            "province": by_level.get(Level.PROVINCE),
            "district": by_level.get(Level.DISTRICT),
            "commune": by_level.get(Level.COMMUNE),
            "as_of": as_of.isoformat(),
        }
    )


def exchange_export(
    *, user: User | AnonymousUser | None = None, province: AdminUnit | None = None, year: int | None = None
) -> dict[str, Any]:
    projects = Project.objects.all()
    facilities = Facility.objects.all()
    plans = Plan.objects.all()
    # The format carries no correction on consulting figures: voided ones are left out rather than revived on import.
    consulting: QuerySet[ConsultingRecord] = ConsultingRecord.objects.standing()
    submissions = Submission.objects.all()
    if user is not None:
        projects = access.projects_in_scope(user, projects)
        facilities = access.facilities_in_scope(user, facilities)
        plans = access.plans_in_scope(user, plans)
        consulting = access.organizations_in_scope(user, consulting)
        # The reports the user may see, as on the reporting pages.
        submissions = submissions.filter(pk__in=submissions_visible_to(user).values("pk"))
    if province is not None:
        projects = projects.filter(province=province)
        facilities = facilities.filter(current_province=province)
        plans = plans.filter(
            Q(projects__in=projects) | Q(owner__territory__current_province=province) | Q(owner__territory=province)
        ).distinct()
        consulting = consulting.filter(
            Q(organization__territory__current_province=province) | Q(organization__territory=province)
        )
        submissions = submissions.filter(
            Q(organization__territory__current_province=province) | Q(organization__territory=province)
        )
    if year is not None:
        projects = projects.filter(plan__year=year)
        plans = plans.filter(year=year)
        consulting = consulting.filter(year=year)
        submissions = submissions.filter(year=year)
        facilities = facilities.filter(projects__in=projects).distinct()
    projects = projects.distinct().select_related("plan", "content", "implementer")
    # The beneficiaries and plans of exported đề án go along, so that the document is complete on its own.
    facility_ids = {*facilities.values_list("pk", flat=True), *projects.values_list("beneficiaries", flat=True)}
    facility_list = list(
        Facility.objects.filter(pk__in=facility_ids - {None}).select_related("province", "district", "commune", "trade")
    )
    plan_ids = {*plans.values_list("pk", flat=True), *projects.values_list("plan", flat=True)}
    plan_list = list(Plan.objects.filter(pk__in=plan_ids).select_related("owner", "program"))
    program_list = list(Program.objects.filter(plans__in=plan_list).distinct())
    project_list = list(
        projects.prefetch_related(
            "beneficiaries", "events__organization", "events__voided_by", "payments__voided_by", "results__voided_by"
        )
    )
    consulting_list = list(consulting.select_related("organization"))
    submission_list = list(
        submissions.select_related("duty", "organization").prefetch_related(
            Prefetch(
                "events",
                SubmissionEvent.objects.filter(action__in=EXCHANGED_ACTIONS).select_related("organization"),
                to_attr="moves",
            )
        )
    )

    org_codes: set[str] = set()
    org_codes |= {p.implementer.code for p in project_list} | {p.owner.code for p in plan_list}
    org_codes |= {e.organization.code for p in project_list for e in p.events.all()}
    org_codes |= {a.to.code for p in plan_list for a in p.allocations.select_related("to")}
    org_codes |= {c.organization.code for c in consulting_list}
    org_codes |= {s.organization.code for s in submission_list}
    org_codes |= {e.organization.code for s in submission_list for e in s.moves if e.organization is not None}
    org_codes |= {
        entry.voided_by.code
        for p in project_list
        for entry in [*p.events.all(), *p.payments.all(), *p.results.all()]
        if entry.voided_by is not None
    }
    org_codes |= {
        entry.voided_by.code
        for p in plan_list
        for entry in [*p.budget_decisions.all(), *p.allocations.all()]
        if entry.voided_by is not None
    }
    orgs = {o.code: o for o in Organization.objects.filter(code__in=org_codes).select_related("parent", "territory")}
    for org in list(orgs.values()):
        parent = org.parent
        while parent is not None and parent.code not in orgs:
            orgs[parent.code] = parent
            parent = parent.parent

    return {
        **FORMAT,
        "organizations": [_organization(o) for o in sorted(orgs.values(), key=_org_order)],
        "facilities": [_facility(f) for f in sorted(facility_list, key=lambda f: f.code)],
        "programs": [_program(p) for p in sorted(program_list, key=lambda p: p.code)],
        "plans": [_plan(p) for p in sorted(plan_list, key=lambda p: p.code)],
        "projects": [_project(p) for p in sorted(project_list, key=lambda p: p.code)],
        "consulting": [_consulting(c) for c in sorted(consulting_list, key=lambda c: c.code)],
        "reporting_submissions": [_submission(s) for s in sorted(submission_list, key=_submission_order)],
    }


def _org_order(org: Organization) -> tuple[int, str]:
    # Parents before children, so that an import can resolve each `parent` as it goes.
    depth, parent = 0, org.parent
    while parent is not None:
        depth, parent = depth + 1, parent.parent
    return depth, org.code


def _organization(org: Organization) -> dict[str, Any]:
    return _clean(
        {
            "code": org.code,
            "name": org.name,
            "kind": org.kind,
            "place": _unit_place(org.territory) if org.territory else None,
            "parent": org.parent.code if org.parent else None,
        }
    )


def _facility(f: Facility) -> dict[str, Any]:
    unit = f.commune or f.district or f.province
    place = _unit_place(unit, f.place_recorded_on)
    if f.commune is None and f.commune_as_written:
        place["commune"] = f.commune_as_written
    return _clean(
        {
            "code": f.code,
            "name": f.name,
            "legal_form": f.legal_form,
            "tax_code": f.tax_code,
            "place": place,
            "address": f.address,
            "trade": f.trade.code if f.trade else f.trade_description,
            "craft_village": f.craft_village,
            "women_owned": f.women_owned or None,
            "ethnic_minority_owned": f.ethnic_minority_owned or None,
            "disadvantaged_area": f.disadvantaged_area or None,
        }
    )


def _program(p: Program) -> dict[str, Any]:
    return _clean(
        {
            "code": p.code,
            "name": p.name,
            "level": p.level,
            "place": _unit_place(p.territory) if p.territory else None,
            "start_year": p.start_year,
            "end_year": p.end_year,
            "targets": [
                {"indicator": t.indicator, "value": _number(t.value), "unit": t.unit}
                for t in p.targets.standing().order_by("pk")
            ],
        }
    )


def _plan(p: Plan) -> dict[str, Any]:
    return _clean(
        {
            "code": p.code,
            "year": p.year,
            "funding_source": p.funding_source,
            "owner": p.owner.code,
            "program": p.program.code if p.program else None,
            "budget": [
                _clean(
                    {
                        "on": b.on.isoformat(),
                        "kind": b.kind,
                        "amount": _money(b.amount),
                        "decision": b.decision,
                        "voided": _voided(b, p.owner),
                    }
                )
                for b in p.budget_decisions.order_by("on", "pk").select_related("voided_by")
            ],
            "allocations": [
                _clean(
                    {
                        "on": a.on.isoformat(),
                        "to": a.to.code,
                        "amount": _money(a.amount),
                        "decision": a.decision,
                        "voided": _voided(a, p.owner),
                    }
                )
                for a in p.allocations.order_by("on", "pk").select_related("to", "voided_by")
            ],
        }
    )


def _project(p: Project) -> dict[str, Any]:
    return _clean(
        {
            "code": p.code,
            "title": p.title,
            "plan": p.plan.code,
            "content": p.content.code,
            "kind": p.kind,
            "round": p.round,
            "implementer": p.implementer.code,
            "beneficiaries": sorted(f.code for f in p.beneficiaries.all()),
            "total_cost": _money(p.total_cost),
            "support_requested": _money(p.support_requested),
            "counterpart": _money(p.counterpart),
            "events": [
                _clean(
                    {
                        "on": e.on.isoformat(),
                        "action": e.action,
                        "by": e.organization.code,
                        "amount": _money(e.amount),
                        "percent": _number(e.percent) if e.percent is not None else None,
                        "note": e.note,
                        "document": e.document,
                        "voided": _voided(e, e.organization),
                    }
                )
                for e in sorted(p.events.all(), key=lambda e: e.seq)
            ],
            "payments": [
                _clean(
                    {
                        "on": x.on.isoformat(),
                        "kind": x.kind,
                        "amount": _money(x.amount),
                        "document": x.document,
                        "voided": _voided(x, p.implementer),
                    }
                )
                for x in sorted(p.payments.all(), key=lambda x: (x.on, x.pk))
            ],
            "results": [
                _clean(
                    {
                        "indicator": r.indicator,
                        "value": _number(r.value),
                        "on": r.on.isoformat(),
                        "voided": _voided(r, p.implementer),
                    }
                )
                for r in sorted(p.results.all(), key=lambda r: (r.on, r.pk))
            ],
        }
    )


def _consulting(c: ConsultingRecord) -> dict[str, Any]:
    return _clean(
        {
            "code": c.code,
            "organization": c.organization.code,
            "year": c.year,
            "period_end": c.period_end.isoformat(),
            "projects": c.projects,
            "revenue": _money(c.revenue),
            "planned_revenue": _money(c.planned_revenue),
        }
    )


def _submission_order(s: Submission) -> tuple[str, str, int, datetime.date, int]:
    # Versions in order, so that an import opens each version after the one it replaces.
    return s.organization.code, s.duty.code, s.year, s.period_start, s.version


def _submission(s: Submission) -> dict[str, Any]:
    moves: list[Any] = getattr(s, "moves", [])
    return _clean(
        {
            "duty": s.duty.code,
            "organization": s.organization.code,
            "year": s.year,
            "period": s.period_key,
            "version": s.version,
            "version_reason": s.version_reason,
            "state": s.state,
            "due_on": s.due_on.isoformat(),
            **{name: getattr(s, name) for name in TEXT_FIELDS},
            "figures": s.figures,
            "figures_as_of": s.figures_as_of.isoformat() if s.figures_as_of else None,
            "events": [
                _clean(
                    {
                        "on": e.on.isoformat(),
                        "action": e.action,
                        # A move by an account without an organisation (the administrator) names no body.
                        "by": e.organization.code if e.organization else None,
                        "comment": e.comment,
                    }
                )
                for e in sorted(moves, key=lambda e: (e.at, e.pk))
            ],
        }
    )
