"""`POST /api/v1/projects/`: a đề án registered through the API with the page's rules — the same capability check
(`projects.authority.may_create_projects`), the same choices (`projects.selectors.project_creation_choices`) and the
same service (`projects.services.project_create`) — and its refusals with their stable codes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from rest_framework.test import APIClient

from conftest import FacilityMaker, make_user
from khuyencong.accounts.models import Role, User
from khuyencong.api.tests.test_api import api_for
from khuyencong.audit.selectors import audit_entries_for
from khuyencong.facilities.models import Facility
from khuyencong.organizations.models import Organization
from khuyencong.programs.models import Plan
from khuyencong.programs.services import plan_create
from khuyencong.projects.models import Project

pytestmark = pytest.mark.django_db

URL = "/api/v1/projects/"


@pytest.fixture
def plan() -> Plan:
    committee = make_user("ubnd15", "UBND-15", Role.APPROVER, Role.OFFICER)
    owner = Organization.objects.get(code="UBND-15")
    return plan_create(actor=committee, code="KCDP-15-2026", year=2026, funding_source="provincial", owner=owner)


@pytest.fixture
def centre_officer() -> User:
    return make_user("ttkc15", "TTKC-15", Role.OFFICER)


@pytest.fixture
def two_facilities(make_facility: FacilityMaker) -> list[Facility]:
    return [make_facility(f"Cơ sở chè {n}", province="Lào Cai", commune="Bảo Thắng") for n in (1, 2)]


def body(plan: Plan, **fields: Any) -> dict[str, Any]:
    return {
        "title": "Hỗ trợ máy sấy chè",
        "plan": plan.code,
        "content": "machinery_application",
        "kind": "group",
        "round": 1,
        "implementer": "TTKC-15",
        "total_cost": 1_200_000_000,
        "support_requested": "600 triệu",
        **fields,
    }


def test_an_officer_registers_a_group_đề_án_as_the_page_does(
    plan: Plan, centre_officer: User, two_facilities: list[Facility]
) -> None:
    # given the centre's officer and two facilities of Lào Cai
    codes = [f.code for f in two_facilities]

    # when the đề án is posted without a code
    response = api_for(centre_officer).post(URL, body(plan, beneficiaries=codes), format="json")

    # then it is registered under the plan's next code, with its beneficiaries, its money exact, and audited
    assert response.status_code == 201, response.json()
    assert response.json()["code"] == "KCDP-15-2026-001"
    project = Project.objects.get()
    assert sorted(project.beneficiaries.values_list("code", flat=True)) == sorted(codes)
    assert project.support_requested == Decimal(600_000_000)
    assert [entry.actor for entry, _ in audit_entries_for(project)] == [centre_officer]
    # and the answer says what this user may do next, as a detail read would
    assert "allowed_actions" in response.json()


def test_a_code_given_is_kept_and_a_taken_one_is_a_conflict(plan: Plan, centre_officer: User) -> None:
    client = api_for(centre_officer)
    first = client.post(URL, body(plan, code="DA-LC-01", kind="general"), format="json")
    assert first.status_code == 201, first.json()
    assert first.json()["code"] == "DA-LC-01"

    again = client.post(URL, body(plan, code="DA-LC-01", kind="general"), format="json")

    assert again.status_code == 409
    assert Project.objects.count() == 1


@pytest.mark.parametrize(
    ("persona", "code"),
    [
        ("viewer", "no_project_role"),  # may look, may not write
        ("approver", "no_project_role"),  # approves, does not register
        ("representative", "no_project_role"),  # a facility's representative registers no đề án
        ("no_organisation", "no_project_role"),  # an officer's role but no body, hence no territory
    ],
)
def test_who_may_not_register_a_đề_án_is_refused_with_its_code(
    plan: Plan, persona: str, code: str, yen_bai_facility: Facility
) -> None:
    users = {
        "viewer": lambda: make_user("xem15", "SCT-15", Role.VIEWER),
        "approver": lambda: make_user("duyet15", "UBND-15", Role.APPROVER),
        "representative": lambda: make_user("dd", None, Role.FACILITY_REPRESENTATIVE, facility=yen_bai_facility),
        "no_organisation": lambda: make_user("moi", None, Role.OFFICER),
    }
    response = api_for(users[persona]()).post(URL, body(plan), format="json")

    assert response.status_code == 403
    assert response.json()["code"] == code
    assert "lập đề án" in response.json()["detail"]
    assert not Project.objects.exists()


def test_without_a_token_nothing_is_registered(plan: Plan) -> None:
    response = APIClient().post(URL, body(plan), format="json")

    assert response.status_code in (401, 403)
    assert not Project.objects.exists()


def test_a_plan_and_an_implementer_outside_the_territory_are_not_found(
    plan: Plan, centre_officer: User, thainguyen_officer: User
) -> None:
    # given Thái Nguyên's officer, for whom Lào Cai's provincial plan and centre do not exist
    response = api_for(thainguyen_officer).post(URL, body(plan), format="json")

    # then both are refused with their field and code, and nothing is written
    assert response.status_code == 400
    assert response.json()["codes"]["plan"] == ["does_not_exist"]
    assert response.json()["codes"]["implementer"] == ["does_not_exist"]
    assert not Project.objects.exists()


def test_a_beneficiary_outside_the_territory_is_named_and_nothing_is_written(
    plan: Plan, centre_officer: User, thai_nguyen_facility: Facility
) -> None:
    response = api_for(centre_officer).post(
        URL, body(plan, beneficiaries=[thai_nguyen_facility.code, "KHONG-CO"]), format="json"
    )

    assert response.status_code == 400
    assert response.json()["codes"]["beneficiaries"] == ["not_found"]
    assert f"{thai_nguyen_facility.code}, KHONG-CO" in response.json()["beneficiaries"][0]
    assert not Project.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"kind": "general", "support_requested": 2_000_000_000}, "support_requested", "support_above_cost"),
        ({"kind": "facility", "beneficiaries": "two"}, "beneficiaries", "beneficiaries_for_kind"),
        ({"kind": "task", "beneficiaries": "one"}, "beneficiaries", "beneficiaries_for_kind"),
    ],
)
def test_the_services_rules_are_refused_with_their_codes(
    plan: Plan, centre_officer: User, two_facilities: list[Facility], fields: dict[str, Any], field: str, code: str
) -> None:
    chosen = {"two": two_facilities, "one": two_facilities[:1]}.get(fields.get("beneficiaries", ""), [])
    fields = {**fields, "beneficiaries": [f.code for f in chosen]}

    response = api_for(centre_officer).post(URL, body(plan, **fields), format="json")

    assert response.status_code == 400, response.json()
    assert response.json()["codes"][field] == [code]
    assert not Project.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"title": ""}, "title", "blank"),
        ({"kind": "mystery"}, "kind", "invalid_choice"),
        ({"total_cost": 1.2e9}, "total_cost", "money"),  # a float is refused: money is whole đồng
        ({"round": 0}, "round", "min_value"),
        ({"content": "khong-co"}, "content", "does_not_exist"),
        ({"beneficiaries": "CS-1"}, "beneficiaries", "not_a_list"),
    ],
)
def test_bad_input_is_refused_with_its_field_and_code(
    plan: Plan, centre_officer: User, fields: dict[str, Any], field: str, code: str
) -> None:
    response = api_for(centre_officer).post(URL, body(plan, **fields), format="json")

    assert response.status_code == 400, response.json()
    assert code in response.json()["codes"][field]
    assert not Project.objects.exists()


def test_a_missing_title_is_required(plan: Plan, centre_officer: User) -> None:
    data = body(plan)
    del data["title"]

    response = api_for(centre_officer).post(URL, data, format="json")

    assert response.status_code == 400
    assert response.json()["codes"]["title"] == ["required"]


def test_the_frameworks_own_refusals_are_in_vietnamese_with_their_codes(plan: Plan, centre_officer: User) -> None:
    # given an officer sending a plan that does not exist, a round that is no number and a kind that is no choice
    sent = body(plan, round="một", kind="to") | {"plan": "KHONG-CO"}
    response = api_for(centre_officer).post(URL, sent, format="json")
    # then each refusal is in Vietnamese, beside its stable code
    reply = response.json()
    assert response.status_code == 400
    assert reply["codes"]["plan"] == ["does_not_exist"]
    assert "Không có bản ghi" in str(reply["plan"])
    assert reply["codes"]["round"] == ["invalid"]
    assert "Cần một số nguyên hợp lệ." in str(reply["round"])
    assert "không phải là lựa chọn hợp lệ" in str(reply["kind"])
    assert not Project.objects.exists()
