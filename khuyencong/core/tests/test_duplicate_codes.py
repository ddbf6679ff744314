"""A code is taken once. Creating a facility, plan, programme or đề án under a code already in use is refused with the
machine code `duplicate_code` on the `code` field — on the pages as a form error, in the API as a 409 — whether the
code was taken long ago or a moment ago by someone saving at the same time. The race is played on PostgreSQL with two
connections (SQLite serialises writers on its own); the plain duplicate on both databases."""

from __future__ import annotations

import datetime
import os
import threading
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from conftest import client_for, make_user
from khuyencong.accounts.models import Role, User
from khuyencong.consulting.models import ConsultingRecord
from khuyencong.consulting.services import consulting_record
from khuyencong.facilities.models import Facility
from khuyencong.facilities.services import FacilityData, facility_create
from khuyencong.geography.resolver import resolve_place
from khuyencong.organizations.models import Organization
from khuyencong.programs.models import Plan, Program
from khuyencong.programs.services import plan_create, program_create
from khuyencong.projects.models import Project, ProjectContent
from khuyencong.projects.services import project_create

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def _root() -> User:
    return User.objects.filter(username="root").first() or User.objects.create_superuser(
        "root", None, None, organization=Organization.objects.get(code="CUC-CTDP")
    )


def _org(code: str) -> Organization:
    return Organization.objects.get(code=code)


def new_facility(code: str) -> Callable[[], Any]:
    def create() -> Any:
        place = resolve_place(province="Lào Cai", on=datetime.date(2025, 8, 1))
        data = FacilityData(name=f"Cơ sở {code}", legal_form="household_business", place=place)
        return facility_create(actor=_root(), data=data, code=code, confirm_duplicate=True)

    return create


def new_plan(code: str) -> Callable[[], Any]:
    return lambda: plan_create(actor=_root(), code=code, year=2025, funding_source="national", owner=_org("CUC-CTDP"))


def new_program(code: str) -> Callable[[], Any]:
    return lambda: program_create(
        actor=_root(),
        owner=_org("CUC-CTDP"),
        targets=[("Việc làm", Decimal(3000), "người")],
        code=code,
        name="Chương trình thử",
        level="national",
        territory=None,
        start_year=2025,
        end_year=2030,
    )


def new_project(code: str) -> Callable[[], Any]:
    def create() -> Any:
        plan = Plan.objects.filter(code="KH-DUA").first() or new_plan("KH-DUA")()
        return project_create(
            actor=_root(),
            code=code,
            title="Đề án thử",
            plan=plan,
            content=ProjectContent.objects.get(code="information"),
            kind="general",
            implementer=_org("TTKC1"),
        )

    return create


CREATIONS = {
    "facility": (new_facility, Facility),
    "plan": (new_plan, Plan),
    "programme": (new_program, Program),
    "đề án": (new_project, Project),
}


def _is_duplicate_code(error: object) -> bool:
    return (
        isinstance(error, ValidationError)
        and hasattr(error, "error_dict")
        and [e.code for e in error.error_dict.get("code", [])] == ["duplicate_code"]
    )


# --- The plain duplicate, on both databases --------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(CREATIONS))
def test_a_code_already_taken_is_refused_by_the_service_with_its_code(kind: str) -> None:
    # given a record created under a code
    make, model = CREATIONS[kind]
    make("TRUNG-1")()

    # when another is created under the same code
    with pytest.raises(ValidationError) as refused:
        make("TRUNG-1")()

    # then the refusal is on the code, with the machine code, says which code, and nothing more was written
    assert _is_duplicate_code(refused.value)
    assert "«TRUNG-1»" in str(refused.value)
    assert model._default_manager.filter(code="TRUNG-1").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("page", "data", "model"),
    [
        ("programs:list", {"code": "TRUNG-1", "year": "2026", "funding_source": "national"}, Plan),
        (
            "programs:programs",
            {"code": "TRUNG-1", "name": "Chương trình khác", "start_year": "2026", "end_year": "2030"},
            Program,
        ),
    ],
)
def test_a_code_already_taken_is_a_form_error_on_the_page(page: str, data: dict[str, Any], model: Any) -> None:
    # given a plan and a programme under the code TRUNG-1
    new_plan("TRUNG-1")()
    new_program("TRUNG-1")()
    officer = make_user("cuc", "CUC-CTDP", Role.OFFICER)

    # when an officer creates another under the same code
    response = client_for(officer).post(reverse(page), {**data, "owner": _org("CUC-CTDP").pk})

    # then the form comes back with the error, and nothing was written
    assert response.status_code == 400
    assert "«TRUNG-1» đã có trong hệ thống" in response.content.decode()
    assert model._default_manager.filter(code="TRUNG-1").count() == 1


@pytest.mark.django_db
def test_a_project_code_already_taken_is_a_form_error_on_the_page() -> None:
    # given a đề án under the code TRUNG-1
    new_project("TRUNG-1")()
    officer = make_user("cuc", "CUC-CTDP", Role.OFFICER)
    data = {
        "code": "TRUNG-1",
        "title": "Đề án khác",
        "plan": Plan.objects.get(code="KH-DUA").pk,
        "content": ProjectContent.objects.get(code="information").pk,
        "kind": "general",
        "implementer": _org("TTKC1").pk,
    }

    # when an officer creates another đề án under the same code
    response = client_for(officer).post(reverse("projects:create"), data)

    # then the form comes back with the error (this page answers 200), and nothing was written
    assert response.status_code == 200
    assert "«TRUNG-1» đã có trong hệ thống" in response.content.decode()
    assert Project.objects.filter(code="TRUNG-1").count() == 1


@pytest.mark.django_db
def test_a_facility_code_already_taken_is_a_409_in_the_api() -> None:
    # given a facility under the code TRUNG-1 and an officer of its province
    new_facility("TRUNG-1")()
    officer = make_user("lc", "SCT-15", Role.OFFICER)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=officer).key}")

    # when the officer registers another under the same code
    response = client.post(
        "/api/v1/facilities/",
        {"code": "TRUNG-1", "name": "Cơ sở khác", "legal_form": "household_business", "place": {"province": "Lào Cai"}},
        format="json",
    )

    # then the answer is a conflict with the machine code, on the code field, and nothing was written
    assert response.status_code == 409, response.json()
    assert response.json()["code"] == "duplicate_code"
    assert response.json()["field"] == "code"
    assert "«TRUNG-1»" in response.json()["detail"]
    assert Facility.objects.filter(code="TRUNG-1").count() == 1


# --- The race, on PostgreSQL -------------------------------------------------------------------------------------


def race(first: Callable[[], object], second: Callable[[], object]) -> object:
    """Runs `first` in a transaction held open while `second` runs on another connection, then commits; returns what
    `second` returned or raised. The second must wait on the first's row, as two people saving at once would."""
    outcome: dict[str, object] = {}
    started = threading.Event()

    def run() -> None:
        started.set()
        try:
            outcome["second"] = second()
        except Exception as error:
            outcome["second"] = error
        finally:
            connection.close()

    with transaction.atomic():
        first()
        thread = threading.Thread(target=run)
        thread.start()
        started.wait()
        time.sleep(0.5)
        assert "second" not in outcome, "the second creation must wait for the first to commit"
    thread.join(timeout=30)
    return outcome["second"]


@pytest.mark.parametrize("kind", list(CREATIONS))
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not ON_POSTGRES, reason="two connections racing need PostgreSQL")
def test_two_creations_at_once_under_one_code_one_wins(kind: str, reference_data: None) -> None:
    # given two people creating a record under the same code at the same moment
    make, model = CREATIONS[kind]
    _root()
    if kind == "đề án":
        new_plan("KH-DUA")()

    # when the first commits while the second is waiting for the code
    second = race(make("DUA-1"), make("DUA-1"))

    # then the second gets the refusal on the code, and there is one record
    assert _is_duplicate_code(second), second
    assert model._default_manager.filter(code="DUA-1").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not ON_POSTGRES, reason="two connections racing need PostgreSQL")
def test_two_consulting_records_at_once_through_the_api_one_wins(reference_data: None) -> None:
    # given a centre's officer sending figures under a new code while the same code is being saved elsewhere
    officer = make_user("ttkc1", "TTKC1", Role.OFFICER)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=officer).key}")
    record = {
        "code": "TV-DUA",
        "organization": "TTKC1",
        "year": 2025,
        "period_end": "2025-06-30",
        "projects": 3,
        "revenue": 100,
    }

    def first() -> object:
        return consulting_record(
            actor=_root(),
            code="TV-DUA",
            organization=_org("TTKC1"),
            year=2025,
            period_end=datetime.date(2025, 6, 30),
            projects=2,
            revenue=Decimal(50),
        )

    # when the API request waits for the other save and it commits
    response: Any = race(first, lambda: client.post("/api/v1/consulting/", record, format="json"))

    # then the API answers a conflict with the machine code, never a 500, and one record exists
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "duplicate_code"
    assert ConsultingRecord.objects.filter(code="TV-DUA").count() == 1
