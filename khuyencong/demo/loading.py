"""Demo data: both scenario files (through the exchange importer), a demo programme, generated facilities across
provinces, and demo users. Everything goes through the same services as the web pages, so the demo shows real
behaviour.
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
from khuyencong.exchange.importer import ImportReport, exchange_import
from khuyencong.facilities.models import Facility, LegalForm, Trade
from khuyencong.facilities.services import FacilityData, facility_create
from khuyencong.geography.models import AdminUnit, Level
from khuyencong.geography.resolver import ResolvedPlace
from khuyencong.organizations.models import Organization
from khuyencong.programs.models import Program
from khuyencong.programs.services import program_create
from khuyencong.reporting.models import ReportingDuty, Submission
from khuyencong.reporting.services import submission_accept, submission_edit, submission_open, submission_submit

DATA_DIR = Path(__file__).resolve().parent / "data"
SCENARIOS = ["yen-bai-2022-h1.json", "bac-kan-2018-h1.json"]
PERIODIC_REPORTS = "periodic-reports.json"
DEMO_PASSWORD = "khuyencong-demo-2026"  # noqa: S105 - published demo accounts, never in production


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
    # The local flow without the administrator: the centre implements, the Sở appraises and records, the UBND tỉnh
    # approves KCĐP (Decree 45/2012 Art. 16).
    DemoUser("laocai.ttkc", "Vũ Văn Đức (TTKC Lào Cai)", "TTKC-15", (Role.OFFICER,)),
    DemoUser("laocai.ubnd", "Đỗ Thị Hà (UBND tỉnh Lào Cai)", "UBND-15", (Role.APPROVER,)),
    DemoUser("thainguyen.canbo", "Hoàng Thị Thu (Sở Công Thương Thái Nguyên)", "SCT-19", (Role.OFFICER,)),
    DemoUser("cosovh", "Đại diện cơ sở gỗ Yên Bái số 1", None, (Role.FACILITY_REPRESENTATIVE,), facility="YB-F-R1-1"),
]


def _document(name: str) -> dict[str, Any]:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def _import(name: str, parts: tuple[str, ...], *, actor: User) -> ImportReport:
    """Part of a scenario file, through the same importer (and so the same services) as any exchange document."""
    document = _document(name)
    report = exchange_import(
        {"format": document["format"], "version": document["version"], **{k: document.get(k, []) for k in parts}},
        actor=actor,
    )
    if not report.ok:
        raise RuntimeError(f"{name}:\n" + "\n".join(str(issue) for issue in report.errors))
    return report


def load_scenario(name: str, *, actor: User) -> tuple[int, int]:
    """The scenario's organisations and facilities; returns how many of each were added."""
    report = _import(name, ("organizations", "facilities"), actor=actor)
    return report.created["organizations"], report.created["facilities"]


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


def load_scenario_projects(name: str, *, actor: User) -> int:
    """The scenario's programmes, plans (budgets, allocations), đề án (events, payments, results) and consulting
    figures; returns how many đề án were added."""
    return _import(name, ("programs", "plans", "projects", "consulting"), actor=actor).created["projects"]


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


@transaction.atomic
def load_demo_reports(*, actor: User) -> int:
    """The scenarios' six-month reports (seeds 000 and 001): opened and written in through the reporting services,
    then sent by their Sở and taken in by the Cục on the days they were, entered after the fact in those bodies' names
    (the actor is the system account, which may write in the name of the bodies an import or a demo load names; each
    body named must still be the one whose act it is). Their figures are frozen from the scenario's records, so load
    the scenarios' đề án first. Returns how many were added; a period that has a report already is left alone."""
    added = 0
    for spec in _document(PERIODIC_REPORTS)["reports"]:
        duty = ReportingDuty.objects.get(code=spec["duty"])
        body = Organization.objects.get(code=spec["organization"])
        period = {"duty": duty, "organization": body, "year": spec["year"], "period_key": spec["period"]}
        if Submission.objects.filter(**period).exists():
            continue
        report = submission_open(actor=actor, **period)
        text = {name: "\n".join(value) if isinstance(value, list) else value for name, value in spec["text"].items()}
        report = submission_edit(actor=actor, submission=report, **text)
        report = submission_submit(actor=actor, submission=report, on=_day(spec["sent_on"]), by=body)
        submission_accept(actor=actor, submission=report, comment=spec["comment"], on=_day(spec["accepted_on"]),
                          by=Organization.objects.get(code=spec["reviewer"]))  # fmt: skip
        added += 1
    return added


def _day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)
