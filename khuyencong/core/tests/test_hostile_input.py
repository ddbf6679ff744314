"""No input ever answers 500: every page form that writes is posted, field by field, the values an attacker or a
broken client would send — a NUL byte, text longer than its column, a 30-digit number — and each answer must be a
refusal (4xx) that wrote nothing. The same holds for exchange documents (upload page and `import_file`) and Excel
uploads. Run on PostgreSQL too (`DATABASE_URL=postgres://…`): there NUL bytes and out-of-range numbers are refused by
the database itself, which is where a missed check turns into a 500.

Dates are fixed days of 2018 and 2025, all in the past whatever the day the suite runs, so no clock is frozen."""

from __future__ import annotations

import datetime
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from conftest import client_for, make_user
from khuyencong.accounts.models import Role, User
from khuyencong.accounts.services import system_user
from khuyencong.audit.models import AuditEntry
from khuyencong.consulting.forms import ConsultingForm
from khuyencong.consulting.models import ConsultingRecord
from khuyencong.core.forms import MoneyField
from khuyencong.exchange.excel import FACILITY_COLUMNS, PROJECT_COLUMNS, excel_import
from khuyencong.exchange.importer import import_file
from khuyencong.facilities.forms import FacilityForm
from khuyencong.facilities.models import Facility
from khuyencong.facilities.services import FacilityData, facility_create
from khuyencong.geography.resolver import resolve_place
from khuyencong.organizations.models import Organization
from khuyencong.programs.forms import AllocationForm, BudgetDecisionForm, PlanForm, ProgramForm
from khuyencong.programs.models import Allocation, BudgetDecision, Plan, Program, ProgramTarget
from khuyencong.programs.services import plan_budget_decide, plan_create
from khuyencong.projects.forms import DocumentForm, EventForm, PaymentForm, ProjectCreateForm, ResultForm
from khuyencong.projects.models import Document, Payment, Project, ProjectContent, ProjectEvent, Result
from khuyencong.projects.tests.lawful import contracted_national, lawful_advance

pytestmark = pytest.mark.django_db

NUL = "Cơ sở\x00độc hại"
HUGE = "1" * 30
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def long_text(max_length: int | None) -> str:
    return "x" * ((max_length or 10_000) + 1)


# --- The forms that write, and a lawful submission of each ----------------------------------------------------------


@dataclass
class Case:
    """One page that writes: where it is posted, by whom, a submission it accepts, and what it would write."""

    url: Callable[[], str]
    user: Callable[[], User]
    base: Callable[[], dict[str, Any]]
    form: type[forms.Form]
    writes: list[type[models.Model]]
    prefix: str = ""
    files: Callable[[], dict[str, Any]] = field(default=dict)


def _org(code: str) -> int:
    return Organization.objects.get(code=code).pk


_contracted = contracted_national


def _implementer() -> User:
    return User.objects.filter(username="ttkc.bk").first() or make_user("ttkc.bk", "TTKC-BK", Role.OFFICER)


def _cuc() -> User:
    return User.objects.filter(username="cuc").first() or make_user(
        "cuc", "CUC-CTDP", Role.OFFICER, Role.APPRAISER, Role.APPROVER
    )


def _laocai_facility() -> Facility:
    facility = Facility.objects.filter(code="CS-LC-THU").first()
    if facility is None:
        place = resolve_place(province="Lào Cai", on=datetime.date(2025, 8, 1))
        data = FacilityData(name="Cơ sở mây tre Bảo Yên", legal_form="household_business", place=place)
        facility = facility_create(actor=_cuc(), data=data, code="CS-LC-THU", confirm_duplicate=True)
    return facility


def _plan_with_budget() -> Plan:
    plan = Plan.objects.filter(code="KH-THU").first()
    if plan is None:
        plan = plan_create(
            actor=_cuc(),
            code="KH-THU",
            year=2025,
            funding_source="national",
            owner=Organization.objects.get(code="CUC-CTDP"),
        )
        plan_budget_decide(
            plan=plan, actor=_cuc(), on=datetime.date(2025, 1, 10), kind="original", amount=Decimal(1_000_000_000)
        )
    return plan


CASES: dict[str, Case] = {
    "facility_create": Case(
        url=lambda: reverse("facilities:create"),
        user=lambda: make_user("lc", "SCT-15", Role.OFFICER),
        base=lambda: {
            "name": "Cơ sở mây tre Bảo Yên",
            "legal_form": "household_business",
            "place_recorded_on": "01/08/2025",
            "province": "Lào Cai",
            "confirm_duplicate": "on",
        },
        form=FacilityForm,
        writes=[Facility],
    ),
    "facility_edit": Case(
        url=lambda: reverse("facilities:edit", args=[_laocai_facility().pk]),
        user=lambda: make_user("lc", "SCT-15", Role.OFFICER),
        base=lambda: {
            "name": "Cơ sở mây tre Bảo Yên mới",
            "legal_form": "household_business",
            "place_recorded_on": "01/08/2025",
            "province": "Lào Cai",
            "confirm_duplicate": "on",
        },
        form=FacilityForm,
        writes=[AuditEntry],
    ),
    "plan_create": Case(
        url=lambda: reverse("programs:list"),
        user=_cuc,
        base=lambda: {"code": "KH-MOI", "year": "2026", "funding_source": "national", "owner": _org("CUC-CTDP")},
        form=PlanForm,
        writes=[Plan],
    ),
    "program_create": Case(
        url=lambda: reverse("programs:programs"),
        user=_cuc,
        base=lambda: {
            "code": "CT-MOI",
            "name": "Chương trình thử",
            "owner": _org("CUC-CTDP"),
            "start_year": "2026",
            "end_year": "2030",
            "targets": "Việc làm mới | 3.000 | người",
        },
        form=ProgramForm,
        writes=[Program, ProgramTarget],
    ),
    "budget": Case(
        url=lambda: reverse("programs:budget", args=[_plan_with_budget().pk]),
        user=_cuc,
        base=lambda: {"on": "01/06/2025", "kind": "revised", "amount": "2000000000", "decision": "12/QĐ-BCT"},
        form=BudgetDecisionForm,
        writes=[BudgetDecision],
    ),
    "allocation": Case(
        url=lambda: reverse("programs:allocate", args=[_plan_with_budget().pk]),
        user=_cuc,
        base=lambda: {"on": "01/06/2025", "to": _org("TTKC1"), "amount": "100000000", "decision": "13/QĐ-CCT"},
        form=AllocationForm,
        writes=[Allocation],
    ),
    "project_create": Case(
        url=lambda: reverse("projects:create"),
        user=_cuc,
        base=lambda: {
            "code": "DA-MOI",
            "title": "Đề án thử",
            "plan": _plan_with_budget().pk,
            "content": ProjectContent.objects.get(code="information").pk,
            "kind": "general",
            "implementer": _org("TTKC1"),
        },
        form=ProjectCreateForm,
        writes=[Project],
    ),
    "event": Case(
        url=lambda: reverse("projects:act", args=[_contracted().pk]),
        user=_implementer,
        base=lambda: {"action": "progress", "on": "30/06/2018", "percent": "50", "note": "Đã lắp máy"},
        form=EventForm,
        writes=[ProjectEvent],
        prefix="event",
    ),
    "payment": Case(
        url=lambda: reverse("projects:pay", args=[_contracted().pk]),
        user=_cuc,
        base=lambda: {"kind": "advance", "on": "15/06/2018", "amount": "1000000", "document": "UNC 12"},
        form=PaymentForm,
        writes=[Payment],
        prefix="payment",
    ),
    "result": Case(
        url=lambda: reverse("projects:result", args=[_contracted().pk]),
        user=_implementer,
        base=lambda: {"indicator": "machines", "value": "3", "on": "30/06/2018"},
        form=ResultForm,
        writes=[Result],
        prefix="result",
    ),
    "document": Case(
        url=lambda: reverse("projects:attach", args=[_contracted().pk]),
        user=_implementer,
        base=lambda: {"kind": "report", "title": "Báo cáo tiến độ"},
        form=DocumentForm,
        writes=[Document],
        prefix="document",
        files=lambda: {"document-upload": SimpleUploadedFile("bao-cao.pdf", PDF, "application/pdf")},
    ),
    "consulting": Case(
        url=lambda: reverse("consulting:list"),
        user=lambda: make_user("ttkc1", "TTKC1", Role.OFFICER),
        base=lambda: {
            "code": "TV-TTKC1-2025",
            "organization": _org("TTKC1"),
            "year": "2025",
            "period_end": "30/06/2025",
            "projects": "12",
            "revenue": "1200000000",
        },
        form=ConsultingForm,
        writes=[ConsultingRecord],
    ),
}

NEEDS_SCENARIO = {"event", "payment", "result", "document"}
# These pages show a refused form again with 200 rather than 400 (their views are outside this change).
REFUSED_WITH_200 = {"facility_create", "facility_edit", "project_create"}


def hostile_values(form: type[forms.Form]) -> list[tuple[str, str, str]]:
    """(field, label, value) for every field of the form: what each kind of field must refuse."""
    values = []
    for name, form_field in form.base_fields.items():
        if isinstance(form_field, forms.BooleanField | forms.FileField):
            continue
        values.append((name, "nul", "1\x00" if isinstance(form_field, forms.IntegerField) else NUL))
        if isinstance(form_field, forms.IntegerField | forms.DecimalField | MoneyField):
            values += [(name, "30 digits", HUGE), (name, "-30 digits", "-" + HUGE)]
        elif isinstance(form_field, forms.DateField):
            values.append((name, "30 digits", HUGE))
        elif type(form_field) is forms.CharField and getattr(form_field, "max_length", None):
            values.append((name, "too long", long_text(form_field.max_length)))
    return values


def _ids() -> list[Any]:
    return [
        pytest.param(case_name, name, value, id=f"{case_name}-{name}-{label}")
        for case_name, case in CASES.items()
        for name, label, value in hostile_values(case.form)
    ]


# Over-long lines of programme targets are text inside one field: named here, since the field itself has no limit.
EXTRA = [
    pytest.param("program_create", "targets", f"Việc làm mới | {HUGE} | người", id="program_create-target-30-digits"),
    pytest.param("program_create", "targets", f"{'x' * 201} | 3 | người", id="program_create-target-long-name"),
    pytest.param("program_create", "targets", f"Việc làm | 3 | {'x' * 51}", id="program_create-target-long-unit"),
]


def _post(case: Case, client: Client, data: dict[str, Any]) -> Any:
    prefixed = {f"{case.prefix}-{k}" if case.prefix else k: v for k, v in data.items()}
    return client.post(case.url(), {**prefixed, **case.files()})


def _counts(case: Case) -> list[int]:
    return [model._default_manager.count() for model in case.writes]


@pytest.fixture
def setting(request: pytest.FixtureRequest) -> Callable[[str], None]:
    def prepare(case_name: str) -> None:
        if case_name in NEEDS_SCENARIO:
            request.getfixturevalue("bac_kan")
        if case_name == "payment":
            # The advance is lawful (Circular 36/2013 Art. 13): a refusal in the hostile cases is the field's alone.
            lawful_advance(_contracted(), system_user(), datetime.date(2018, 6, 10))
        _plan_with_budget()
        _laocai_facility()

    return prepare


@pytest.mark.parametrize("case_name", list(CASES))
def test_the_lawful_submission_of_each_form_is_accepted(case_name: str, setting: Callable[[str], None]) -> None:
    """The control: each hostile case below changes one field of this submission, so a refusal there is the field's."""
    # given a page that writes and a lawful submission
    setting(case_name)
    case = CASES[case_name]
    client = client_for(case.user())
    before = _counts(case)

    # when it is posted
    response = _post(case, client, case.base())

    # then it is accepted and writes
    assert response.status_code == 302, response.content.decode()[:3000]
    assert _counts(case)[0] == before[0] + 1


@pytest.mark.parametrize(("case_name", "name", "value"), _ids() + EXTRA)
def test_a_hostile_value_in_any_field_is_refused_and_writes_nothing(
    case_name: str, name: str, value: str, setting: Callable[[str], None]
) -> None:
    # given a page that writes, and its lawful submission with one field replaced by a hostile value
    setting(case_name)
    case = CASES[case_name]
    client = client_for(case.user())
    data = {**case.base(), name: value}
    before = _counts(case)

    # when it is posted
    response = _post(case, client, data)

    # then it is refused with the form shown again, never a 500, and nothing was written
    assert response.status_code == (200 if case_name in REFUSED_WITH_200 else 400), response.content.decode()[:2000]
    assert "errorlist" in response.content.decode() or 'role="alert"' in response.content.decode()
    assert _counts(case) == before


# --- Exchange documents ------------------------------------------------------------------------------------------


def _document(**facility: Any) -> dict[str, Any]:
    record = {
        "code": "CS-THU-1",
        "name": "Cơ sở thử",
        "legal_form": "household_business",
        "place": {"province": "Lào Cai", "as_of": "2025-08-01"},
        **facility,
    }
    return {"format": "khuyencong-exchange", "version": 1, "facilities": [record]}


def _program_document(**program: Any) -> dict[str, Any]:
    record = {
        "code": "CT-THU",
        "name": "Chương trình thử",
        "level": "national",
        "start_year": 2025,
        "end_year": 2030,
        **program,
    }
    return {"format": "khuyencong-exchange", "version": 1, "programs": [record]}


def _consulting_document(**fields: Any) -> dict[str, Any]:
    record = {
        "code": "TV-1",
        "organization": "TTKC1",
        "year": 2025,
        "period_end": "2025-06-30",
        "projects": 3,
        "revenue": 100,
        **fields,
    }
    return {"format": "khuyencong-exchange", "version": 1, "consulting": [record]}


def _raw(document: dict[str, Any]) -> bytes:
    return json.dumps(document).encode()


DEEP = b"[" * 100_000 + b"]" * 100_000
DEEP_EXTRA = b'{"format": "khuyencong-exchange", "version": 1, "extra": ' + b"[" * 5_000 + b"]" * 5_000 + b"}"

HOSTILE_FILES = [
    pytest.param(DEEP, "json_too_deep", id="100000-nested-arrays"),
    pytest.param(DEEP_EXTRA, "json_too_deep", id="5000-nested-arrays-in-extra"),
    pytest.param(
        b'{"format": "khuyencong-exchange", "version": 1, "facilities": [\xff\xfe]}', "encoding", id="not-utf8"
    ),
    pytest.param(_raw(_document(name=NUL)), "text_invalid", id="nul-in-name"),
    pytest.param(_raw(_document(address="Thôn\x00 3")), "text_invalid", id="nul-in-address"),
    pytest.param(_raw(_document(name="Cơ sở \ud800")), "text_invalid", id="lone-surrogate"),
    pytest.param(_raw(_document(name="x" * 256)), "text_too_long", id="name-too-long"),
    pytest.param(_raw(_document(code="C" * 41)), "text_too_long", id="code-too-long"),
    pytest.param(_raw(_document(craft_village="x" * 256)), "text_too_long", id="craft-village-too-long"),
    pytest.param(
        _raw(_program_document(targets=[{"indicator": "Việc làm", "value": int(HUGE), "unit": "người"}])),
        "number_out_of_range",
        id="30-digit-target",
    ),
    pytest.param(_raw(_program_document(start_year=int(HUGE))), "number_out_of_range", id="30-digit-year"),
    pytest.param(_raw(_consulting_document(projects=int(HUGE))), "number_out_of_range", id="30-digit-count"),
    pytest.param(_raw(_consulting_document(revenue=int(HUGE))), "money_invalid", id="30-digit-money"),
    pytest.param(_raw(_consulting_document(revenue=HUGE + " đồng")), "money_invalid", id="30-digit-money-text"),
]


def _codes(issues: Any) -> set[str]:
    return {issue.code for issue in issues}


@pytest.mark.parametrize(("raw", "code"), HOSTILE_FILES)
def test_a_hostile_exchange_file_is_refused_with_a_code_and_writes_nothing(
    raw: bytes, code: str, tmp_path: Path, system_actor: User
) -> None:
    # given a file an attacker or a broken tool produced
    path = tmp_path / "hostile.json"
    path.write_bytes(raw)
    before = (Facility.objects.count(), Program.objects.count(), ConsultingRecord.objects.count())

    # when `kc_import` reads it
    report = import_file(path, actor=system_actor)

    # then it is refused with the problem's code and nothing is written
    assert code in _codes(report.errors), report.errors
    assert before == (Facility.objects.count(), Program.objects.count(), ConsultingRecord.objects.count())


@pytest.mark.parametrize(("raw", "code"), HOSTILE_FILES)
def test_a_hostile_exchange_upload_is_refused_on_the_page(raw: bytes, code: str, system_actor: User) -> None:
    # given an administrator on the exchange page
    client = client_for(system_actor)
    before = Facility.objects.count()

    # when they upload the hostile file
    response = client.post(reverse("exchange:import"), {"upload": SimpleUploadedFile("x.json", raw)})

    # then the page answers 400 and names the problem's code, and nothing is written
    assert response.status_code == 400
    assert f"[{code}]" in response.content.decode() or code in response.content.decode()
    assert Facility.objects.count() == before


# --- Excel uploads -----------------------------------------------------------------------------------------------


def _sheet(kind: str, row: dict[str, Any]) -> bytes:
    columns = FACILITY_COLUMNS if kind == "facilities" else PROJECT_COLUMNS
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    ws.title = "Cơ sở" if kind == "facilities" else "Đề án"
    ws.append([c.header + (" *" if c.required else "") for c in columns])
    ws.append([row.get(c.key) for c in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


FACILITY_ROW = {
    "code": "CS-X-1",
    "name": "Cơ sở thử",
    "legal_form": "Hộ kinh doanh",
    "province": "Lào Cai",
    "as_of": "01/08/2025",
}
PROJECT_ROW = {
    "code": "DA-X-1",
    "title": "Đề án thử",
    "plan": "KH-THU",
    "content": "information",
    "kind": "Đề án chung (không có cơ sở thụ hưởng riêng)",
    "implementer": "TTKC1",
}


@pytest.mark.parametrize(
    ("kind", "change", "code"),
    [
        pytest.param("facilities", {"name": "x" * 256}, "text_too_long", id="facility-name-too-long"),
        pytest.param("facilities", {"code": "C" * 50}, "text_too_long", id="facility-code-too-long"),
        pytest.param("facilities", {"address": "x" * 256}, "text_too_long", id="facility-address-too-long"),
        pytest.param("projects", {"title": "x" * 501}, "text_too_long", id="project-title-too-long"),
        pytest.param("projects", {"round": int(HUGE)}, "number_out_of_range", id="project-round-30-digits"),
        pytest.param("projects", {"total_cost": int(HUGE)}, "money_invalid", id="project-money-30-digits"),
        pytest.param("projects", {"total_cost": float(HUGE)}, "money_invalid", id="project-money-float-30-digits"),
    ],
)
def test_a_hostile_excel_row_is_refused_with_a_code_and_writes_nothing(
    kind: str, change: dict[str, Any], code: str
) -> None:
    # given a sheet whose one row carries a hostile value
    _plan_with_budget()
    row = {**(FACILITY_ROW if kind == "facilities" else PROJECT_ROW), **change}
    before = (Facility.objects.count(), Project.objects.count())

    # when it is uploaded by an officer who may register such records
    result = excel_import(
        _sheet(kind, row), kind=kind, actor=_cuc() if kind == "projects" else make_user("lc", "SCT-15", Role.OFFICER)
    )

    # then the row is refused with the problem's code and nothing is written
    assert code in _codes(result.report.errors), result.report.errors
    assert before == (Facility.objects.count(), Project.objects.count())
