"""Corrections through the API: voided entries are listed with their voided object, a void goes through the same
service as the page, and every refusal carries its machine codes beside the messages."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from khuyencong.accounts.models import User
from khuyencong.projects.models import Payment, Project
from khuyencong.projects.services import payment_record
from khuyencong.projects.tests.test_services import ANY_CONTENT, new_project, to_contract

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

V1 = "/api/v1"


def api_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def contracted(local_plan, cast, beneficiary) -> Project:
    return to_contract(new_project(local_plan, cast["centre"], beneficiary, content=ANY_CONTENT), cast)


def test_a_voucher_is_voided_through_the_api_and_listed_as_voided(contracted, cast) -> None:
    paid = payment_record(project=contracted, actor=cast["centre"], on=datetime.date(2026, 4, 1), kind="advance",
                          amount=Decimal(100))  # fmt: skip
    api = api_for(cast["centre"])
    response = api.post(f"{V1}/projects/{contracted.code}/void/",
                        {"entry": "payment", "id": paid.pk, "reason": "Ghi trùng"}, format="json")  # fmt: skip
    assert response.status_code == 200, response.json()
    (payment,) = response.json()["payments"]
    assert payment["voided"] == {"on": "2026-11-27", "by": "TTKC-15", "reason": "Ghi trùng"}
    events = api.get(f"{V1}/projects/{contracted.code}/").json()["events"]
    assert all(e["voided"] is None for e in events)


def test_a_refused_void_names_its_code_and_writes_nothing(contracted, cast) -> None:
    approval = contracted.events.get(action="approved")
    response = api_for(cast["committee"]).post(
        f"{V1}/projects/{contracted.code}/void/", {"entry": "event", "id": approval.pk, "reason": "Nhầm"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["codes"] == {"voided": ["correction_breaks_history"]}
    assert "Hãy huỷ các bước" in response.json()["voided"][0]
    approval.refresh_from_db()
    assert not approval.is_voided


def test_only_those_who_may_record_an_entry_void_it_through_the_api(contracted, cast) -> None:
    paid = payment_record(project=contracted, actor=cast["centre"], on=datetime.date(2026, 4, 1), kind="advance",
                          amount=Decimal(100))  # fmt: skip
    body = {"entry": "payment", "id": paid.pk, "reason": "x"}
    assert (
        api_for(cast["other_centre"]).post(f"{V1}/projects/{contracted.code}/void/", body, format="json").status_code
        == 404
    )
    assert (
        api_for(cast["department"]).post(f"{V1}/projects/{contracted.code}/void/", body, format="json").status_code
        == 403
    )
    missing = {"entry": "payment", "id": 999_999, "reason": "x"}
    assert (
        api_for(cast["centre"]).post(f"{V1}/projects/{contracted.code}/void/", missing, format="json").status_code
        == 404
    )
    bad = {"entry": "plan", "id": paid.pk, "reason": ""}
    assert api_for(cast["centre"]).post(f"{V1}/projects/{contracted.code}/void/", bad, format="json").status_code == 400
    assert not Payment.objects.voided().exists()


def test_a_service_refusal_carries_its_code(contracted, cast) -> None:
    response = api_for(cast["centre"]).post(
        f"{V1}/projects/{contracted.code}/payments/",
        {"on": "2026-12-01", "kind": "advance", "amount": 1}, format="json",
    )  # fmt: skip
    assert response.status_code == 400
    assert response.json()["codes"] == {"on": ["future_date"]}


def test_voided_consulting_figures_say_so_in_the_api(laocai_officer: User) -> None:
    from khuyencong.consulting.services import consulting_record, consulting_void
    from khuyencong.organizations.models import Organization

    record = consulting_record(
        actor=laocai_officer, code="TV-LC-API", organization=Organization.objects.get(code="TTKC-15"), year=2026,
        period_end=datetime.date(2026, 6, 30), projects=1, revenue=Decimal(1),
    )  # fmt: skip
    consulting_void(actor=laocai_officer, record=record, reason="Nhầm")
    (row,) = api_for(laocai_officer).get(f"{V1}/consulting/").json()["results"]
    assert row["voided"]["reason"] == "Nhầm"


def test_a_refusal_for_who_asks_carries_its_code(contracted, cast) -> None:
    approval = contracted.events.get(action="approved")
    response = api_for(cast["centre"]).post(
        f"{V1}/projects/{contracted.code}/void/", {"entry": "event", "id": approval.pk, "reason": "x"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
