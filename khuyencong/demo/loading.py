"""Demo data: the organisations and facilities of the two scenarios, generated facilities across provinces, and demo
users. Everything goes through the same resolver and services as the web pages, so the demo shows real behaviour.

Only the organisations and facilities of the scenario files are read here; their plans and đề án belong to the
lifecycle and exchange features.
"""

from __future__ import annotations

import datetime
import json
import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from stdnum.vn import mst

from khuyencong.accounts.models import Role, User, UserRole
from khuyencong.facilities.models import Facility, LegalForm, Trade
from khuyencong.facilities.services import FacilityData, facility_create
from khuyencong.geography.models import LAST_DAY_BEFORE_REFORM, AdminUnit, Level
from khuyencong.geography.resolver import ResolvedPlace, resolve_place
from khuyencong.organizations.models import Organization
from khuyencong.programs.models import Plan, Program
from khuyencong.programs.services import plan_allocate, plan_budget_decide, plan_create, program_create
from khuyencong.projects.models import Project, ProjectContent
from khuyencong.projects.services import payment_record, project_create, project_record_event

DATA_DIR = Path(__file__).resolve().parent / "data"
SCENARIOS = ["yen-bai-2022-h1.json", "bac-kan-2018-h1.json"]
DEMO_PASSWORD = "khuyencong-demo-2026"  # noqa: S105 - published demo accounts, never in production
SYSTEM_USERNAME = "system"


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    organization: str | None
    roles: tuple[str, ...]
    facility: str | None = None
    is_staff: bool = False
    is_superuser: bool = False


DEMO_USERS = [
    DemoUser("admin", "Quản trị hệ thống", "CUC-CTDP", (Role.ADMINISTRATOR,), is_staff=True, is_superuser=True),
    DemoUser("cuc.chuyenvien", "Nguyễn Thị Lan (Cục)", "CUC-CTDP", (Role.OFFICER, Role.APPRAISER, Role.APPROVER)),
    DemoUser("ttkc1.canbo", "Trần Văn Hùng (TTKC I)", "TTKC1", (Role.OFFICER,)),
    DemoUser("laocai.canbo", "Lê Thị Mai (Sở Công Thương Lào Cai)", "SCT-15", (Role.OFFICER, Role.APPRAISER)),
    DemoUser("laocai.xem", "Phạm Văn Nam (TTKC Lào Cai)", "TTKC-15", (Role.VIEWER,)),
    DemoUser("thainguyen.canbo", "Hoàng Thị Thu (Sở Công Thương Thái Nguyên)", "SCT-19", (Role.OFFICER,)),
    DemoUser("cosovh", "Đại diện cơ sở gỗ Yên Bái số 1", None, (Role.FACILITY_REPRESENTATIVE,), facility="YB-F-R1-1"),
]


def system_user() -> User:
    user, created = User.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"first_name": "Hệ thống", "is_superuser": True, "is_active": True},
    )
    if created:
        user.set_unusable_password()
        user.save()
    return user


def _place(spec: dict[str, Any]) -> ResolvedPlace:
    return resolve_place(
        province=spec.get("province"),
        district=spec.get("district"),
        commune=spec.get("commune"),
        on=datetime.date.fromisoformat(spec["as_of"]),
        allow_district_fallback=True,
    )


def _document(name: str) -> dict[str, Any]:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


@transaction.atomic
def load_scenario(name: str, *, actor: User) -> tuple[int, int]:
    document = _document(name)
    orgs = 0
    for spec in document["organizations"]:
        if Organization.objects.filter(code=spec["code"]).exists():
            continue
        territory = _place(spec["place"]).unit if spec.get("place") else None
        Organization.objects.create(
            code=spec["code"],
            name=spec["name"],
            kind=spec["kind"],
            territory=territory,
            parent=Organization.objects.filter(code=spec.get("parent")).first(),
            # Bodies of provinces merged on 01/07/2025 ceased with them.
            valid_until=LAST_DAY_BEFORE_REFORM if territory is not None and not territory.is_current else None,
        )
        orgs += 1
    facilities = 0
    trades = {t.code: t for t in Trade.objects.all()}
    for spec in document["facilities"]:
        if Facility.objects.filter(code=spec["code"]).exists():
            continue
        place = _place(spec["place"])
        facility_create(
            actor=actor,
            code=spec["code"],
            confirm_duplicate=True,
            data=FacilityData(
                name=spec["name"],
                legal_form=spec["legal_form"],
                place=place,
                tax_code=spec.get("tax_code"),
                commune_as_written=spec["place"].get("commune", "") if place.commune is None else "",
                trade=trades.get(spec.get("trade", "")),
                trade_description="" if spec.get("trade") in trades else spec.get("trade", ""),
                craft_village=spec.get("craft_village", ""),
                women_owned=spec.get("women_owned", False),
                ethnic_minority_owned=spec.get("ethnic_minority_owned", False),
            ),
        )
        facilities += 1
    return orgs, facilities


FAMILY_NAMES = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Vũ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Hà",
    "Lò",
    "Sầm",
]
GIVEN_NAMES = [
    "Văn An",
    "Thị Bình",
    "Văn Cường",
    "Thị Dung",
    "Đức Hải",
    "Thị Hoà",
    "Văn Khánh",
    "Thị Lụa",
    "Minh Tuấn",
    "Thị Yến",
]
PRODUCTS = [
    ("ND45-1", "chế biến chè", "Chè"),
    ("ND45-1", "chế biến gỗ", "Gỗ"),
    ("ND45-1", "chế biến nông sản", "Nông sản"),
    ("ND45-5", "mây tre đan", "Mây tre đan"),
    ("ND45-5", "dệt thổ cẩm", "Thổ cẩm"),
    ("ND45-5", "gốm sứ", "Gốm"),
    ("ND45-4", "cơ khí nông cụ", "Cơ khí"),
    ("ND45-3", "gạch không nung", "Vật liệu xây dựng"),
    ("ND45-2", "may mặc", "May"),
    ("ND45-1", "nước mắm", "Nước mắm"),
]
FORMS = [
    (LegalForm.HOUSEHOLD_BUSINESS, "Hộ kinh doanh {person}"),
    (LegalForm.COOPERATIVE, "HTX {product} {place}"),
    (LegalForm.ENTERPRISE, "Công ty TNHH {product} {place}"),
    (LegalForm.COOPERATIVE_GROUP, "Tổ hợp tác {product} {place}"),
    (LegalForm.ARTISAN, "Nghệ nhân {person}"),
]


def _tax_code(rng: random.Random) -> str:
    while True:
        body = f"{rng.randint(1, 99):02d}{rng.randint(1, 9999999):07d}"
        check = mst.calc_check_digit(body)
        if len(check) == 1:  # a body whose weighted sum is 0 mod 11 has no valid check digit
            return body + check


@transaction.atomic
def generate_facilities(count: int, *, actor: User, seed: int = 2026) -> int:
    """Deterministic facilities spread over today's communes, Lào Cai and Thái Nguyên weighted up."""
    rng = random.Random(seed)
    provinces = list(AdminUnit.objects.current().provinces().order_by("code"))
    weights = [6 if p.code in {"15", "19"} else 1 for p in provinces]
    trades = {t.code: t for t in Trade.objects.all()}
    communes_of: dict[int, list[AdminUnit]] = {}
    created = 0
    for index in range(1, count + 1):
        code = f"DEMO-{index:05d}"
        if Facility.objects.filter(code=code).exists():
            continue
        province = rng.choices(provinces, weights)[0]
        communes = communes_of.setdefault(
            province.pk, list(AdminUnit.objects.filter(parent=province, level=Level.COMMUNE).order_by("code"))
        )
        commune = rng.choice(communes)
        trade_code, product, short = rng.choice(PRODUCTS)
        legal_form, pattern = rng.choice(FORMS)
        person = f"{rng.choice(FAMILY_NAMES)} {rng.choice(GIVEN_NAMES)}"
        has_tax_code = legal_form in {LegalForm.ENTERPRISE, LegalForm.COOPERATIVE} or rng.random() < 0.3
        facility_create(
            actor=actor,
            code=code,
            confirm_duplicate=True,
            data=FacilityData(
                name=pattern.format(person=person, product=short, place=commune.name),
                legal_form=legal_form,
                place=ResolvedPlace(datetime.date(2025, 7, 1), province, None, commune),
                tax_code=_tax_code(rng) if has_tax_code else None,
                trade=trades[trade_code],
                trade_description=product,
                women_owned=rng.random() < 0.3,
                ethnic_minority_owned=province.code in {"04", "08", "11", "12", "14", "15", "19", "20"}
                and rng.random() < 0.5,
                representative=person,
                founded_year=rng.randint(1995, 2024),
                workers=rng.randint(2, 120),
            ),
        )
        created += 1
    return created


@transaction.atomic
def create_demo_users() -> list[DemoUser]:
    for spec in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=spec.username,
            defaults={
                "first_name": spec.full_name,
                "organization": Organization.objects.filter(code=spec.organization).first(),
                "facility": Facility.objects.filter(code=spec.facility).first(),
                "is_staff": spec.is_staff,
                "is_superuser": spec.is_superuser,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        for role in spec.roles:
            UserRole.objects.get_or_create(user=user, role=role)
    return DEMO_USERS


@transaction.atomic
def load_scenario_projects(name: str, *, actor: User) -> int:
    """Plans, budgets, allocations and đề án of a scenario, every event replayed through the workflow services.

    `actor` must be allowed to act for every organisation named (the system account): the events keep the
    organisation that acted, as the file says."""
    document = _document(name)
    orgs = {o.code: o for o in Organization.objects.all()}
    plans = {}
    for spec in document["plans"]:
        plan = Plan.objects.filter(code=spec["code"]).first()
        if plan is None:
            plan = plan_create(
                actor=actor,
                code=spec["code"],
                year=spec["year"],
                funding_source=spec["funding_source"],
                owner=orgs[spec["owner"]],
            )
            for budget in spec.get("budget", []):
                plan_budget_decide(
                    plan=plan,
                    actor=actor,
                    on=datetime.date.fromisoformat(budget["on"]),
                    kind=budget["kind"],
                    amount=Decimal(budget["amount"]),
                    decision=budget.get("decision", ""),
                )
            for allocation in spec.get("allocations", []):
                plan_allocate(
                    plan=plan,
                    actor=actor,
                    on=datetime.date.fromisoformat(allocation["on"]),
                    to=orgs[allocation["to"]],
                    amount=Decimal(allocation["amount"]),
                )
        plans[spec["code"]] = plan
    contents = {c.code: c for c in ProjectContent.objects.all()}
    created = 0
    for spec in document["projects"]:
        if Project.objects.filter(code=spec["code"]).exists():
            continue
        money = {k: Decimal(spec[k]) for k in ("total_cost", "support_requested", "counterpart") if k in spec}
        project = project_create(
            actor=actor,
            code=spec["code"],
            title=spec["title"],
            plan=plans[spec["plan"]],
            content=contents[spec["content"]],
            kind=spec["kind"],
            implementer=orgs[spec["implementer"]],
            beneficiaries=Facility.objects.filter(code__in=spec.get("beneficiaries", [])),
            round=spec.get("round"),
            **money,
        )
        events = [(datetime.date.fromisoformat(e["on"]), "event", e) for e in spec.get("events", [])]
        payments = [(datetime.date.fromisoformat(p["on"]), "payment", p) for p in spec.get("payments", [])]
        # Payments fall between events; on one day, the events (the contract) come first.
        for day, what, item in sorted(events + payments, key=lambda x: (x[0], x[1] == "payment")):
            if what == "event":
                project_record_event(
                    project=project,
                    actor=actor,
                    action=item["action"],
                    on=day,
                    organization=orgs[item["by"]],
                    amount=Decimal(item["amount"]) if "amount" in item else None,
                    percent=Decimal(str(item["percent"])) if "percent" in item else None,
                    note=item.get("note", ""),
                    document=item.get("document", ""),
                )
            else:
                payment_record(
                    project=project,
                    actor=actor,
                    on=day,
                    kind=item["kind"],
                    amount=Decimal(item["amount"]),
                    document=item.get("document", ""),
                )
        created += 1
    return created


@transaction.atomic
def load_demo_programs(*, actor: User) -> int:
    """Seed 004: Lào Cai's provincial KC programme 2021–2025 and its targets."""
    if Program.objects.filter(code="CTKC-LC-2021-2025").exists():
        return 0
    lao_cai = AdminUnit.objects.get(era="2025-07", level=Level.PROVINCE, code="15")
    program_create(
        actor=actor,
        owner=Organization.objects.get(code="UBND-15"),
        code="CTKC-LC-2021-2025",
        name="Chương trình khuyến công tỉnh Lào Cai giai đoạn 2021-2025",
        level="provincial",
        territory=lao_cai,
        start_year=2021,
        end_year=2025,
        targets=[
            ("Giá trị sản xuất công nghiệp - tiểu thủ công nghiệp", Decimal(5_310_000_000_000), "đồng"),
            ("Việc làm mới", Decimal(3000), "người"),
        ],
    )
    return 1
