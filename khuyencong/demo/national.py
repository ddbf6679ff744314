"""A generated national dataset: every province's facilities, ten years of national and provincial plans, and their
đề án with lawful event histories and vouchers — the volume the product must answer at (issue 10: ~1,000,000
facilities, ~200,000 đề án, 6–12 events each).

Rows go in by bulk insert, not one service call at a time (a service call per đề án would take hours), but every
history is first checked by the same whole-timeline rules the services apply (`timeline.check`), and each đề án's
cached columns and event states are what that check derives, so the tables hold what the services would have
written. The derived periods are left to `kc_rebuild`, as after any bulk load. Deterministic for a given seed.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from khuyencong.core.text import compact_key, fold
from khuyencong.facilities.models import Facility, LegalForm
from khuyencong.facilities.priority import group_mask
from khuyencong.geography.models import AdminUnit, Era, Level
from khuyencong.organizations.models import Organization, OrganizationKind, RegionMembership
from khuyencong.programs.models import (
    Allocation,
    BudgetDecision,
    BudgetKind,
    FundingSource,
    Plan,
    Program,
    ProgramLevel,
)
from khuyencong.projects.dossier_rules import AdvanceCondition, AdvanceRule, advance_rule_for, relevant_date
from khuyencong.projects.models import Payment, PaymentKind, Project, ProjectContent, ProjectEvent, ProjectKind
from khuyencong.projects.reach import derived_reach
from khuyencong.projects.recorded import Place, RecordedProvinces, project_day
from khuyencong.projects.timeline import check
from khuyencong.projects.workflow import Action

WORDS = ["Chè", "Gỗ", "Mây tre", "Gốm", "Thổ cẩm", "Cơ khí", "Nước mắm", "Gạch", "May", "Đồ mộc", "Miến", "Rượu"]
FORMS = ["Hộ kinh doanh", "HTX", "Công ty TNHH", "Tổ hợp tác", "Cơ sở"]
TOPICS = ["Hỗ trợ ứng dụng máy móc thiết bị", "Xây dựng mô hình trình diễn kỹ thuật", "Đào tạo nghề",
          "Hội chợ triển lãm", "Tư vấn phát triển sản phẩm", "Hỗ trợ xử lý ô nhiễm môi trường"]  # fmt: skip
PREFIX = "NAT"
BATCH = 5_000


@dataclass(slots=True)
class _Event:
    """An event before insertion, with what `timeline.check` reads (plain values: a model instance per row made
    model construction a fifth of the load)."""

    seq: int
    on: datetime.date
    action: str
    organization_id: int
    amount: Decimal | None
    percent: Decimal | None
    state_after: str = ""


@dataclass(slots=True)
class _Payment:
    on: datetime.date
    kind: str
    amount: Decimal


@dataclass
class Draft:
    """One đề án before insertion: its row, its events and vouchers, its beneficiaries."""

    project: Project
    events: list[_Event] = field(default_factory=list)
    payments: list[_Payment] = field(default_factory=list)
    beneficiaries: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Province:
    unit_id: int
    code: str
    region: str
    bodies: dict[str, int]


def build(
    *,
    projects: int,
    facilities: int,
    first_year: int = 2018,
    years: int = 10,
    today: datetime.date = datetime.date(2026, 11, 27),
    seed: int = 7,
    say: Callable[[str], None] = print,
) -> None:
    """Adds what is missing up to the requested sizes (a second run with the same sizes adds nothing). Refuses a
    database that holds any đề án of its own: the load bypasses the services and sets indexes aside, which is for a
    benchmark's database only."""
    if Project.objects.exclude(code__startswith=f"{PREFIX}-").exists():
        raise RuntimeError("Cơ sở dữ liệu này đã có đề án thật: chỉ sinh dữ liệu quốc gia vào một cơ sở dữ liệu riêng.")
    rng = random.Random(seed)
    provinces = _provinces()
    build_facilities(facilities, rng=rng, say=say)
    plans = _plans(provinces, first_year, years)
    existing = Project.objects.filter(code__startswith=f"{PREFIX}-").count()
    if existing >= projects:
        return
    contents = list(ProjectContent.objects.values_list("pk", flat=True))
    content_codes = dict(ProjectContent.objects.values_list("pk", "code"))
    national_centres = dict(
        Organization.objects.filter(kind=OrganizationKind.NATIONAL_CENTRE).values_list("region__code", "pk")
    )
    cuc = Organization.objects.get(code="CUC-CTDP").pk
    facility_ids, places, groups = _facility_sample()
    # The same rule the services apply, over the whole lineage and every body's dated territories read once.
    recorded = RecordedProvinces.preloaded()
    rng = random.Random(seed + existing)
    drafts: list[Draft] = []
    for number in range(existing, projects):
        year = first_year + number % years
        province = provinces[rng.randrange(len(provinces))]
        draft = _draft(
            number, year, province, plans, contents, national_centres, cuc, facility_ids, today, rng, content_codes
        )
        # Placed as the services place a đề án: where its implementer (else its beneficiaries) lay on its date.
        draft.project.recorded_province_id = recorded.province(
            day=project_day(draft.events[0].on if draft.events else None, year),
            implementer_id=draft.project.implementer_id,
            places=[places[f] for f in draft.beneficiaries],
        )
        # Its beneficiaries as reports count them, as `project_create` writes them.
        draft.project.reach, draft.project.reach_groups = derived_reach((f, groups[f]) for f in draft.beneficiaries)
        drafts.append(draft)
        if len(drafts) == BATCH:
            _insert(drafts, content_codes)
            drafts.clear()
            say(f"  {number + 1:,} đề án")
    _insert(drafts, content_codes)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


@contextmanager
def indexes_set_aside(*tables: str) -> Iterator[None]:
    """On PostgreSQL, the tables' secondary indexes are dropped for a bulk load and built again after it: keeping a
    trigram GIN index up to date row by row made a million facilities take a quarter of an hour; building it once
    takes under a minute. Indexes behind constraints (primary keys, unique codes) stay, so the load is still checked."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        # Inside a transaction (a test's), deferred foreign-key checks forbid CREATE INDEX; such loads are small.
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT i.indexname, i.indexdef FROM pg_indexes i
               WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
                 AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)""",
            [list(tables)],
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for _, definition in indexes:
                cursor.execute(definition)


def build_facilities(rows: int, *, rng: random.Random, say: Callable[[str], None] = print) -> None:
    existing = Facility.objects.count()
    if existing >= rows:
        return
    with indexes_set_aside(Facility._meta.db_table):
        _insert_facilities(existing, rows, rng=rng, say=say)


def _insert_facilities(existing: int, rows: int, *, rng: random.Random, say: Callable[[str], None]) -> None:
    communes = list(
        AdminUnit.objects.filter(era=Era.FROM_2025, level=Level.COMMUNE).values_list("pk", "parent_id", "name")
    )
    recorded = datetime.date(2025, 7, 1)
    batch: list[dict[str, Any]] = []
    for i in range(existing, rows):
        commune_id, province_id, commune_name = rng.choice(communes)
        name = f"{rng.choice(FORMS)} {rng.choice(WORDS)} {commune_name} {i}"
        code = f"B{i:08d}"
        batch.append(
            {"code": code, "name": name, "legal_form": LegalForm.HOUSEHOLD_BUSINESS, "place_recorded_on": recorded,
             "province_id": province_id, "commune_id": commune_id, "current_province_id": province_id,
             "current_commune_id": commune_id, "name_key": compact_key(name), "search_text": fold(f"{name} | {code}"),
             # The priority groups of Decree 235/2025, spread by the facility's number (the random sequence of the
             # rest of the dataset stays as it was).
             "women_owned": i % 5 == 0, "ethnic_minority_owned": i % 7 == 0, "disadvantaged_area": i % 13 == 0,
             "craft_village": f"Làng nghề {commune_name}" if i % 11 == 0 else ""}
        )  # fmt: skip
        if len(batch) == 50_000:
            copy_rows(Facility, batch)
            batch.clear()
            say(f"  {i + 1:,} cơ sở")
    copy_rows(Facility, batch)


def _provinces() -> list[Province]:
    bodies: dict[int, dict[str, int]] = {}
    for pk, code, territory in Organization.objects.filter(territory__isnull=False).values_list(
        "pk", "code", "territory_id"
    ):
        bodies.setdefault(territory, {})[code.split("-")[0]] = pk
    regions = dict(RegionMembership.objects.filter(valid_until__isnull=True).values_list("province_id", "region__code"))
    return [
        Province(
            unit.pk,
            unit.code,
            regions.get(unit.pk) or "north",
            bodies[unit.pk],
        )
        for unit in AdminUnit.objects.filter(era=Era.FROM_2025, level=Level.PROVINCE).order_by("code")
        if {"SCT", "TTKC", "UBND"} <= bodies.get(unit.pk, {}).keys()
    ]


def _plans(provinces: list[Province], first_year: int, years: int) -> dict[tuple[str, int], Plan]:
    """A national plan each year under the five-year programmes, and each province's own plan, with their budgets and
    the allocations of the national plan to the national centres."""
    plans: dict[tuple[str, int], Plan] = {}
    cuc = Organization.objects.get(code="CUC-CTDP")
    with transaction.atomic():
        for year in range(first_year, first_year + years):
            start = year - (year - 2016) % 5
            program, _ = Program.objects.get_or_create(
                code=f"{PREFIX}-CTKCQG-{start}-{start + 4}",
                defaults={"name": f"Chương trình khuyến công quốc gia giai đoạn {start}-{start + 4}",
                          "level": ProgramLevel.NATIONAL, "start_year": start, "end_year": start + 4},
            )  # fmt: skip
            plan, created = Plan.objects.get_or_create(
                code=f"{PREFIX}-KCQG-{year}",
                defaults={"year": year, "funding_source": FundingSource.NATIONAL, "owner": cuc, "program": program},
            )
            plans[("national", year)] = plan
            if created:
                BudgetDecision.objects.create(
                    plan=plan, on=datetime.date(year, 1, 15), kind=BudgetKind.ORIGINAL, amount=Decimal(120_000_000_000)
                )
                for centre in Organization.objects.filter(kind=OrganizationKind.NATIONAL_CENTRE):
                    Allocation.objects.create(
                        plan=plan, on=datetime.date(year, 2, 1), to=centre, amount=Decimal(9_000_000_000)
                    )
            for province in provinces:
                plan, created = Plan.objects.get_or_create(
                    code=f"{PREFIX}-KCDP-{province.code}-{year}",
                    defaults={"year": year, "funding_source": FundingSource.PROVINCIAL,
                              "owner_id": province.bodies["UBND"]},
                )  # fmt: skip
                plans[(province.code, year)] = plan
                if created:
                    BudgetDecision.objects.create(
                        plan=plan, on=datetime.date(year, 3, 1), kind=BudgetKind.ORIGINAL, amount=Decimal(3_000_000_000)
                    )
                    Allocation.objects.create(
                        plan=plan,
                        on=datetime.date(year, 3, 10),
                        to_id=province.bodies["TTKC"],
                        amount=Decimal(3_000_000_000),
                    )
    return plans


def _facility_sample() -> tuple[dict[int, list[int]], dict[int, Place], dict[int, int]]:
    """Only a sample per province: beneficiaries are drawn from it (the whole million need not sit in memory); with
    each one's place as recorded, which places its đề án, and its priority groups, which its đề án's reach names."""
    ids: dict[int, list[int]] = {}
    places: dict[int, Place] = {}
    groups: dict[int, int] = {}
    rows = (
        Facility.objects.order_by("pk")
        .annotate(groups=group_mask(None))
        .values_list("pk", "current_province_id", "province_id", "district_id", "commune_id", "groups")
    )
    for pk, current, province, district, commune, in_groups in rows[:400_000].iterator():
        ids.setdefault(current, []).append(pk)
        places[pk] = Place(province, district, commune)
        groups[pk] = in_groups
    return ids, places, groups


def _draft(
    number: int,
    year: int,
    province: Province,
    plans: dict[tuple[str, int], Plan],
    contents: list[int],
    national_centres: dict[str, int],
    cuc: int,
    facility_ids: dict[int, list[int]],
    today: datetime.date,
    rng: random.Random,
    content_codes: dict[int, str],
) -> Draft:
    national = rng.random() < 0.3
    kind = rng.choices(
        [ProjectKind.FACILITY, ProjectKind.GROUP, ProjectKind.GENERAL, ProjectKind.TASK], weights=[70, 15, 8, 7]
    )[0]
    if national and rng.random() < 0.3:
        implementer = national_centres.get(province.region) or province.bodies["TTKC"]
    else:
        implementer = province.bodies["TTKC"]
    requested = Decimal(rng.randrange(10, 150) * 10_000_000)
    project = Project(
        code=f"{PREFIX}-{year}-{number:07d}",
        title=f"{rng.choice(TOPICS)} {number}",
        plan=plans[("national", year) if national else (province.code, year)],
        content_id=rng.choice(contents),
        kind=kind,
        round=rng.choice([1, 1, 2]) if kind != ProjectKind.TASK else None,
        implementer_id=implementer,
        total_cost=requested * 2,
        support_requested=requested,
        # The facilities' counterpart, stated on three đề án in four (money not given is unknown, not zero).
        counterpart=requested if number % 4 else None,
        province_id=province.unit_id,
    )
    draft = Draft(project)
    pool = facility_ids.get(province.unit_id, [])
    if kind in (ProjectKind.FACILITY, ProjectKind.GROUP) and pool:
        draft.beneficiaries = rng.sample(pool, min(len(pool), 1 if kind == ProjectKind.FACILITY else 3))
    body = _Bodies(implementer, province.bodies["SCT"], cuc if national else province.bodies["UBND"],
                   cuc if national else province.bodies["SCT"])  # fmt: skip
    _history(draft, year, national, requested, body, today, rng, content_codes[project.content_id])
    return draft


@dataclass(frozen=True)
class _Bodies:
    implementer: int
    department: int
    approver: int
    assigner: int


def _history(
    draft: Draft,
    year: int,
    national: bool,
    requested: Decimal,
    body: _Bodies,
    today: datetime.date,
    rng: random.Random,
    content: str,
) -> None:
    """A lawful path through the procedure (Circular 36/2013 Art. 10–18) with its vouchers, cut at `today`."""
    day = datetime.date(year - 1, 9, 1) + datetime.timedelta(days=rng.randrange(150))
    events: list[tuple[datetime.date, str, int, Decimal | None, Decimal | None]] = []
    payments: list[tuple[datetime.date, str, Decimal]] = []

    def step(
        action: str, org: int, amount: Decimal | None = None, percent: Decimal | None = None, *, weeks: bool = False
    ) -> None:
        nonlocal day
        day += datetime.timedelta(days=rng.randrange(20, 80) if weeks else rng.randrange(3, 30))
        events.append((day, action, org, amount, percent))

    if rng.random() < 0.7:
        step(Action.REGISTERED, body.implementer)
    step(Action.SUBMITTED_FOR_APPRAISAL, body.implementer, requested)
    outcome = rng.random()
    if outcome < 0.06:
        step(Action.APPRAISAL_FAILED, body.department)
    else:
        appraised = (requested * Decimal(rng.randrange(80, 101)) / 100).quantize(Decimal(1_000_000))
        step(Action.APPRAISAL_PASSED, body.department, appraised)
        if national:
            step(Action.FORWARDED, body.department)
        if outcome < 0.09:
            step(Action.REJECTED, body.approver)
        else:
            _carried_out(step, payments, appraised, body, rng, lambda: day, content)
    kept = [e for e in events if e[0] <= today]
    draft.payments = [_Payment(on, kind, amount) for on, kind, amount in payments if on <= today]
    draft.events = [_Event(seq, *event) for seq, event in enumerate(kept, start=1)]


def _carried_out(
    step: Callable[..., None],
    payments: list[tuple[datetime.date, str, Decimal]],
    appraised: Decimal,
    body: _Bodies,
    rng: random.Random,
    now: Callable[[], datetime.date],
    content: str,
) -> None:
    step(Action.APPROVED, body.approver, appraised)
    rule = advance_rule_for(content, now())
    step(Action.ASSIGNED, body.assigner)
    contract = appraised if rng.random() < 0.8 else None
    step(Action.CONTRACT_SIGNED, body.implementer, contract)
    support = appraised
    # The first advance within the content's rate (Circular 36/2013 Art. 13); none where it waits for acceptance.
    share = Decimal(rng.randrange(30, 51))
    if rule is not None:
        share = min(share, rule.first_percent) if rule.condition != AdvanceCondition.ACCEPTANCE else Decimal(0)
    advance = (support * share / 100).quantize(Decimal(1_000_000), rounding=ROUND_DOWN)
    waits = rule is not None and rule.condition == AdvanceCondition.PROGRESS
    if advance and not waits:
        # Within two days of the contract: the next step is at least three days on, so the advance precedes a stop.
        payments.append((now() + datetime.timedelta(days=rng.randrange(1, 3)), PaymentKind.ADVANCE, advance))
    percent = 0
    for _ in range(rng.randrange(1, 4)):
        percent = min(95, percent + rng.randrange(20, 45))
        step(Action.PROGRESS, body.implementer, percent=Decimal(percent), weeks=True)
    if waits:
        assert rule is not None
        assert rule.threshold is not None
        if percent > rule.threshold and advance:
            # Once the reported work passes the threshold, within two days of that report.
            payments.append((now() + datetime.timedelta(days=rng.randrange(1, 3)), PaymentKind.ADVANCE, advance))
        else:
            advance = Decimal(0)
    fate = rng.random()
    if fate < 0.04:
        step(Action.STOP_REQUESTED, body.implementer)
        step(Action.STOPPED, body.assigner)
        if advance and rng.random() < 0.5:
            payments.append((now() + datetime.timedelta(days=5), PaymentKind.REFUND, advance))
        return
    if fate < 0.12:
        step(Action.ADJUSTMENT_REQUESTED, body.implementer)
        if rng.random() < 0.7:
            support = max(advance, (support * Decimal("0.9")).quantize(Decimal(1_000_000)))
            step(Action.ADJUSTMENT_APPROVED, body.assigner, support)
        else:
            step(Action.ADJUSTMENT_REFUSED, body.assigner)
    step(Action.ACCEPTED, body.implementer)
    rest = (contract if contract is not None and contract < support else support) - advance
    if rest > 0:
        payments.append((now() + datetime.timedelta(days=rng.randrange(1, 5)), PaymentKind.PAYMENT, rest))
    if rng.random() < 0.7:
        step(Action.LIQUIDATED, body.implementer)
        # The settlement comes after the last voucher (steps move the day on by at least three days).
        step(Action.SETTLED, body.approver, advance + max(rest, Decimal(0)))


def _advance_rule(content: str, events: list[_Event]) -> AdvanceRule | None:
    """The first-advance rule the services would apply (its content's, in force on the đề án's approval)."""
    if not events:
        return None
    return advance_rule_for(content, relevant_date(events, events[0].on))


def _insert(drafts: list[Draft], content_codes: dict[int, str]) -> None:
    """Checks every history with the services' rules, then inserts the batch in one transaction."""
    for draft in drafts:
        rule = _advance_rule(content_codes[draft.project.content_id], draft.events)
        derived, breach = check(
            draft.events, draft.payments, support_requested=draft.project.support_requested, advance_rule=rule
        )
        if breach is not None:
            raise AssertionError(f"{draft.project.code}: {breach.code} {breach.message}")
        for event, state in zip(draft.events, derived.states, strict=True):
            event.state_after = state
        project = draft.project
        project.state, project.resume_to = derived.position.state, derived.position.resume_to
        project.percent = derived.percent
        project.support_appraised, project.support_approved = derived.support_appraised, derived.support_approved
        project.support_contracted, project.support_settled = derived.support_contracted, derived.support_settled
    with transaction.atomic():
        created = Project.objects.bulk_create([d.project for d in drafts])
        events, payments, links = [], [], []
        for draft, project in zip(drafts, created, strict=True):
            events += [
                {"project_id": project.pk, "seq": e.seq, "on": e.on, "action": e.action,
                 "organization_id": e.organization_id, "amount": e.amount, "percent": e.percent,
                 "state_after": e.state_after, "transcribed": True}
                for e in draft.events
            ]  # fmt: skip
            payments += [
                {"project_id": project.pk, "on": p.on, "kind": p.kind, "amount": p.amount} for p in draft.payments
            ]
            links += [{"project_id": project.pk, "facility_id": f} for f in draft.beneficiaries]
        copy_rows(ProjectEvent, events)
        copy_rows(Payment, payments)
        copy_rows(Project.beneficiaries.through, links)


def copy_rows(model: type[Model], rows: list[dict[str, Any]]) -> None:
    """Inserts plain rows, every column the model has (defaults for those not given, as `save` would): by COPY on
    PostgreSQL, which loads millions of rows in seconds where `bulk_create` compiles an INSERT of every value; by
    one prepared statement elsewhere."""
    if not rows:
        return
    now = timezone.now()
    columns = [f for f in model._meta.concrete_fields if not f.primary_key]
    fixed = {}
    for column in columns:
        if getattr(column, "auto_now", False) or getattr(column, "auto_now_add", False):
            fixed[column.attname] = now
        elif column.attname not in rows[0]:
            fixed[column.attname] = column.get_default()
    names = ", ".join(connection.ops.quote_name(str(c.column)) for c in columns)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([row[c.attname] if c.attname in row else fixed[c.attname] for c in columns])
            return
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(
            f"INSERT INTO {table} ({names}) VALUES ({marks})",  # noqa: S608 (names from the model, values bound)
            [
                [
                    c.get_db_prep_save(row[c.attname] if c.attname in row else fixed[c.attname], connection)
                    for c in columns
                ]
                for row in rows
            ],
        )
