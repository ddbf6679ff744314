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
from khuyencong.products import selectors as products_selectors
from khuyencong.products.models import CouncilMember, Entry, HolderReport, Product, SelectionRound
from khuyencong.products.rules import RANK, RoundLevel
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
    rounds = products_selectors.rounds_for(user) if user is not None else SelectionRound.objects.all()
    products: QuerySet[Product] = products_selectors.products_for(user) if user is not None else Product.objects.all()
    if province is not None:
        rounds = rounds.filter(Q(territory__current_province=province) | Q(territory=province))
        products = products.filter(facility__current_province=province)
    if year is not None:
        rounds = rounds.filter(year=year)
        products = products.filter(entries__round__in=rounds)
    # A round open to the country (regional, national) is seen by every province; its entries only where their
    # products are (a province's export carries no other province's facility).
    shown = Entry.objects.all()
    if user is not None:
        shown = shown.filter(product__in=products_selectors.products_for(user).values("pk"))
    round_list = _with_lower_rounds(list(rounds.distinct()), shown)
    # The đề án that fund the rounds go along where the user may see them, so that each `project` resolves.
    funding = {r.project_id for r in round_list if r.project_id is not None}
    if funding:
        visible = Project.objects.filter(pk__in=funding)
        if user is not None:
            visible = access.projects_in_scope(user, visible)
        projects = Project.objects.filter(Q(pk__in=projects.values("pk")) | Q(pk__in=visible.values("pk")))
    product_ids = {*products.values_list("pk", flat=True)}
    product_ids |= set(shown.filter(round__in=round_list).values_list("product", flat=True))
    product_list = list(Product.objects.filter(pk__in=product_ids).select_related("facility"))
    projects = projects.distinct().select_related("plan", "content", "implementer")
    # The beneficiaries and plans of exported đề án go along, so that the document is complete on its own.
    facility_ids = {*facilities.values_list("pk", flat=True), *projects.values_list("beneficiaries", flat=True)}
    facility_ids |= {p.facility_id for p in product_list}
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
    org_codes |= {r.organizer.code for r in round_list}
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
        "products": [_product(p) for p in sorted(product_list, key=lambda p: p.code)],
        "selection_rounds": _selection_rounds(round_list, shown),
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


def _with_lower_rounds(rounds: list[SelectionRound], shown: QuerySet[Entry]) -> list[SelectionRound]:
    """The rounds whose certificates admitted the entries of these ones go along (a province's round names the
    commune's certificates), so that each `lower_certificate` resolves; at most one query per level."""
    held = {r.pk: r for r in rounds}
    wanted = (
        set(
            shown.filter(round__in=held, lower_certificate__isnull=False).values_list(
                "lower_certificate__entry__round", flat=True
            )
        )
        - held.keys()
    )
    while wanted:
        found = list(SelectionRound.objects.filter(pk__in=wanted))
        held.update({r.pk: r for r in found})
        wanted = (
            set(
                shown.filter(round__in=found, lower_certificate__isnull=False).values_list(
                    "lower_certificate__entry__round", flat=True
                )
            )
            - held.keys()
        )
    return list(held.values())


def _product(p: Product) -> dict[str, Any]:
    return _clean(
        {
            "code": p.code,
            "facility": p.facility.code,
            "name": p.name,
            "group": p.group,
            "description": p.description,
            "certificates_held": list(p.certificates_held),
        }
    )


def _selection_rounds(rounds: list[SelectionRound], shown: QuerySet[Entry]) -> list[dict[str, Any]]:
    """Lower levels first, so that an import holds each certificate before an entry above names it."""
    ordered = sorted(rounds, key=lambda r: (RANK[RoundLevel(r.level)], r.year, r.code))
    ids = [r.pk for r in ordered]
    full = (
        SelectionRound.objects.filter(pk__in=ids)
        .select_related("organizer", "territory", "region", "project")
        .prefetch_related(
            "criteria",
            "judges",
            Prefetch("council", CouncilMember.objects.standing().order_by("pk")),
            Prefetch(
                "entries",
                shown.select_related("product", "lower_certificate", "certificate").prefetch_related(
                    "complaints",
                    "scores__judge",
                    "scores__criterion",
                    Prefetch("certificate__holder_reports", HolderReport.objects.standing().order_by("year")),
                ),
            ),
        )
    )
    by_pk = {r.pk: r for r in full}
    return [_selection_round(by_pk[pk]) for pk in ids]


def _selection_round(r: SelectionRound) -> dict[str, Any]:
    if r.region is not None:
        place: dict[str, Any] | None = {"region": r.region.code}
    else:
        place = _unit_place(r.territory) if r.territory else None
    return _clean(
        {
            "code": r.code,
            "name": r.name,
            "level": r.level,
            "year": r.year,
            "organizer": r.organizer.code,
            "place": place,
            "project": r.project.code if r.project else None,
            "threshold": _number(r.threshold),
            "criteria": [
                {"code": c.code, "name": c.name, "max": _number(c.max_points)}
                for c in sorted(r.criteria.all(), key=lambda c: c.position)
            ],
            "judges": [{"code": j.code, "name": j.name} for j in sorted(r.judges.all(), key=lambda j: j.code)],
            # Standing members only, like scores: a member named by mistake travels as the council that stands.
            "council": [{"name": m.name, "position": m.position, "role": m.role} for m in r.council.all()],
            "decision": {"on": r.decision_on.isoformat(), "document": r.decision_document} if r.decision_on else None,
            "entries": [_entry(e) for e in sorted(r.entries.all(), key=lambda e: e.product.code)],
        }
    )


def _holder_report(h: HolderReport) -> dict[str, Any]:
    return _clean(
        {
            "year": h.year,
            "reported_on": h.reported_on.isoformat(),
            "support_received": _money(h.support_received),
            "support_text": h.support_text,
            "results": h.results,
        }
    )


def _entry(e: Entry) -> dict[str, Any]:
    certificate = getattr(e, "certificate", None)
    return _clean(
        {
            "product": e.product.code,
            "registered_on": e.registered_on.isoformat(),
            "lower_certificate": e.lower_certificate.code if e.lower_certificate else None,
            # Standing scores only: a corrected score travels as the figure that stands.
            "scores": [
                {"judge": s.judge.code, "criterion": s.criterion.code, "points": _number(s.points)}
                for s in sorted(
                    (s for s in e.scores.all() if s.voided_at is None),
                    key=lambda s: (s.judge.code, s.criterion.position),
                )
            ],
            "recognized": e.recognized or None,
            "certificate": _clean(
                {
                    "code": certificate.code,
                    "on": certificate.issued_on.isoformat(),
                    "valid_until": certificate.valid_until.isoformat(),
                    "reports": [_holder_report(h) for h in certificate.holder_reports.all()],
                }
            )
            if certificate
            else None,
            "complaints": [
                _clean(
                    {
                        "on": c.on.isoformat(),
                        "text": c.text,
                        "answered_on": c.answered_on.isoformat() if c.answered_on else None,
                        "outcome": c.outcome,
                    }
                )
                for c in sorted(e.complaints.all(), key=lambda c: (c.on, c.pk))
            ],
            "revoked": {"on": certificate.revoked_on.isoformat(), "reason": certificate.revoked_reason}
            if certificate and certificate.revoked_on
            else None,
        }
    )
