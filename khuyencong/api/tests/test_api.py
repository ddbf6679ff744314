"""The REST API: the same scoping and the same services as the pages, token authentication, and the schema."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from drf_spectacular.validation import validate_schema
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from conftest import chose_english, client_for, make_user
from khuyencong.accounts.models import Role, User
from khuyencong.accounts.services import system_user
from khuyencong.audit.selectors import audit_entries_for
from khuyencong.facilities.models import Facility
from khuyencong.projects.documents import document_attach
from khuyencong.projects.models import DocumentKind, Project, ProjectEvent
from khuyencong.projects.services import project_record_event

pytestmark = pytest.mark.django_db

V1 = "/api/v1"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def api_for(user: User | None) -> APIClient:
    """A client presenting the user's token, as another government system would."""
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def codes(body: dict[str, Any]) -> list[str]:
    return [row["code"] for row in body["results"]]


FACILITY = {
    "name": "Cơ sở chế biến chè Văn Chấn",
    "legal_form": "household_business",
    "place": {"province": "Yên Bái", "district": "Văn Chấn", "commune": "Sơn Thịnh", "as_of": "2022-03-01"},
    "trade_description": "Chế biến chè",
}


# --- The schema -------------------------------------------------------------------------------------------------


def test_the_openapi_schema_is_valid_and_names_every_endpoint() -> None:
    response = APIClient().get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)
    paths = set(schema["paths"])
    for expected in [
        "/api/v1/organizations/",
        "/api/v1/geography/units/",
        "/api/v1/geography/resolve/",
        "/api/v1/facilities/",
        "/api/v1/facilities/{code}/",
        "/api/v1/plans/",
        "/api/v1/programmes/",
        "/api/v1/projects/",
        "/api/v1/projects/{code}/events/",
        "/api/v1/projects/{code}/payments/",
        "/api/v1/projects/{code}/results/",
        "/api/v1/consulting/",
    ]:
        assert expected in paths
    assert "tokenAuth" in schema["components"]["securitySchemes"]
    assert schema["components"]["schemas"]["Project"]["properties"]["support_approved"]["type"] == "integer"


def test_the_swagger_ui_is_served_from_the_project_not_a_cdn() -> None:
    html = APIClient().get("/api/docs/").content.decode()

    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn" not in html.lower()


@pytest.mark.parametrize("page", ["/api/docs/", "/api/redoc/"])
def test_the_api_docs_say_the_language_they_are_read_in(page: str, laocai_officer: User) -> None:
    # A screen reader picks its voice by the page's language (axe-core: html-has-lang).
    assert '<html lang="vi">' in APIClient().get(page).content.decode()
    assert '<html lang="en">' in client_for(chose_english(laocai_officer)).get(page).content.decode()


# --- Authentication -------------------------------------------------------------------------------------------------


def test_without_a_token_nothing_is_served() -> None:
    assert APIClient().get(f"{V1}/facilities/").status_code == 401


def test_a_wrong_token_is_refused() -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")

    assert client.get(f"{V1}/facilities/").status_code == 401


def test_a_deactivated_users_token_stops_working(laocai_officer: User) -> None:
    client = api_for(laocai_officer)
    laocai_officer.is_active = False
    laocai_officer.save()

    assert client.get(f"{V1}/facilities/").status_code == 401


def test_wrong_tokens_do_not_lock_the_user_out_of_the_login_page(laocai_officer: User) -> None:
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Token " + "f" * 40)
    for _ in range(10):
        bad.get(f"{V1}/facilities/")

    assert api_for(laocai_officer).get(f"{V1}/facilities/").status_code == 200


def test_the_token_command_issues_and_rotates_a_token(laocai_officer: User, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("kc_api_token", "laocai.officer")
    first = capsys.readouterr().out.strip()
    call_command("kc_api_token", "laocai.officer", "--rotate")
    second = capsys.readouterr().out.strip()

    assert len(first) == 40
    assert first != second
    assert Token.objects.get(user=laocai_officer).key == second


# --- Reference data and geography -------------------------------------------------------------------------------------


def test_organisations_are_filtered_by_kind(laocai_viewer: User) -> None:
    body = api_for(laocai_viewer).get(f"{V1}/organizations/", {"kind": "provincial_department"}).json()

    assert body["count"] == 34
    assert {row["kind"] for row in body["results"]} == {"provincial_department"}


@pytest.mark.parametrize("role", [None, Role.FACILITY_REPRESENTATIVE])
def test_an_account_without_a_body_to_work_for_reads_no_organisation(role: str | None) -> None:
    # Given an account of Lào Cai's Sở without a role, or a facility's representative
    user = make_user("nobody", "SCT-15", *([role] if role else []))
    client = api_for(user)
    # When it asks for the bodies, then it reads none, and a body by its code is not found
    assert client.get(f"{V1}/organizations/").json()["count"] == 0
    assert client.get(f"{V1}/organizations/SCT-15/").status_code == 404


def test_a_place_of_2022_resolves_to_todays_province(laocai_viewer: User) -> None:
    response = api_for(laocai_viewer).get(
        f"{V1}/geography/resolve/",
        {"province": "yen bai", "district": "Trấn Yên", "commune": "Việt Hồng", "on": "2022-06-30"},
    )

    assert response.status_code == 200
    body = response.json()
    assert body["province"]["name"] == "Yên Bái"
    assert body["current_province"]["name"] == "Lào Cai"
    assert body["commune"]["name"] == "Việt Hồng"


def test_a_district_after_the_reform_is_refused_with_its_field(laocai_viewer: User) -> None:
    response = api_for(laocai_viewer).get(
        f"{V1}/geography/resolve/", {"province": "Lào Cai", "district": "Văn Chấn", "on": "2025-08-01"}
    )

    assert response.status_code == 400
    assert "district" in response.json()


def test_an_unknown_province_suggests_the_nearest(laocai_viewer: User) -> None:
    response = api_for(laocai_viewer).get(f"{V1}/geography/resolve/", {"province": "Lào Kai"})

    assert response.status_code == 400
    assert "Lào Cai" in response.json()["province"][0]


def test_units_are_searched_without_diacritics(laocai_viewer: User) -> None:
    body = api_for(laocai_viewer).get(f"{V1}/geography/units/", {"q": "bac kan"}).json()

    assert "Bắc Kạn" in {row["name"] for row in body["results"]}


# --- Facilities ------------------------------------------------------------------------------------------------------


def test_an_officer_lists_only_the_facilities_of_their_province(
    laocai_officer: User, yen_bai_facility: Facility, thai_nguyen_facility: Facility
) -> None:
    body = api_for(laocai_officer).get(f"{V1}/facilities/").json()

    assert codes(body) == [yen_bai_facility.code]
    assert body["results"][0]["current_province"]["name"] == "Lào Cai"
    assert body["results"][0]["place"]["as_of"] == "2022-06-30"


def test_a_facility_outside_the_territory_is_not_found(laocai_officer: User, thai_nguyen_facility: Facility) -> None:
    assert api_for(laocai_officer).get(f"{V1}/facilities/{thai_nguyen_facility.code}/").status_code == 404


def test_facilities_are_searched_and_paginated(laocai_officer: User, make_facility: Any) -> None:
    for n in range(5):
        make_facility(f"Hợp tác xã chè Suối Giàng {n}")
    make_facility("Xưởng mộc Bảo Yên")
    client = api_for(laocai_officer)

    page = client.get(f"{V1}/facilities/", {"q": "suoi giang", "page_size": "2"}).json()
    assert page["count"] == 5
    assert len(page["results"]) == 2
    assert page["next"]
    assert client.get(f"{V1}/facilities/", {"province": "19"}).json()["count"] == 0


def test_an_officer_registers_a_facility_through_the_same_service(laocai_officer: User) -> None:
    response = api_for(laocai_officer).post(f"{V1}/facilities/", FACILITY, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["code"].startswith("CS-15-")
    assert body["current_province"]["name"] == "Lào Cai"
    facility = Facility.objects.get(code=body["code"])
    assert facility.commune is not None
    assert facility.commune.name == "Sơn Thịnh"


def test_a_viewer_may_not_register_a_facility(laocai_viewer: User) -> None:
    response = api_for(laocai_viewer).post(f"{V1}/facilities/", FACILITY, format="json")

    assert response.status_code == 403
    assert not Facility.objects.exists()


def test_an_officer_may_not_register_a_facility_in_another_province(thainguyen_officer: User) -> None:
    response = api_for(thainguyen_officer).post(f"{V1}/facilities/", FACILITY, format="json")

    assert response.status_code == 403
    assert not Facility.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"tax_code": "0101245485"}, "tax_code"),
        ({"legal_form": "company"}, "legal_form"),
        ({"annual_revenue": 1.5e9}, "annual_revenue"),
        ({"annual_revenue": -5}, "annual_revenue"),
        ({"annual_revenue": "khoảng 2 tỷ"}, "annual_revenue"),
        ({"place": {"province": "Yên Bái", "commune": "Không Có", "as_of": "2022-03-01"}}, "commune"),
        ({"place": {"province": "Yên Bái", "as_of": "2022-02-30"}}, "place"),
        ({"name": ""}, "name"),
        ({"founded_year": "năm ngoái"}, "founded_year"),
    ],
)
def test_bad_facility_input_is_refused_with_its_field_and_writes_nothing(
    laocai_officer: User, change: dict[str, Any], field: str
) -> None:
    response = api_for(laocai_officer).post(f"{V1}/facilities/", {**FACILITY, **change}, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Facility.objects.exists()


def test_money_written_in_words_is_read_exactly(laocai_officer: User) -> None:
    response = api_for(laocai_officer).post(
        f"{V1}/facilities/", {**FACILITY, "annual_revenue": "1 tỷ 700 triệu"}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["annual_revenue"] == 1_700_000_000


def test_a_same_named_facility_asks_for_confirmation(laocai_officer: User) -> None:
    client = api_for(laocai_officer)
    client.post(f"{V1}/facilities/", FACILITY, format="json")

    again = client.post(f"{V1}/facilities/", FACILITY, format="json")
    assert again.status_code == 409
    assert again.json()["similar"][0]["name"] == FACILITY["name"]

    confirmed = client.post(f"{V1}/facilities/", {**FACILITY, "confirm_duplicate": True}, format="json")
    assert confirmed.status_code == 201
    assert Facility.objects.count() == 2


def test_markup_in_a_name_is_data_not_html(laocai_officer: User) -> None:
    name = '<script>alert("x")</script> Cơ sở'
    response = api_for(laocai_officer).post(f"{V1}/facilities/", {**FACILITY, "name": name}, format="json")

    assert response["Content-Type"] == "application/json"
    assert response.json()["name"] == name


def test_a_facility_is_changed_in_part_and_audited(laocai_officer: User, yen_bai_facility: Facility) -> None:
    response = api_for(laocai_officer).patch(
        f"{V1}/facilities/{yen_bai_facility.code}/", {"workers": 12, "phone": "0216 3852 111"}, format="json"
    )

    assert response.status_code == 200, response.json()
    yen_bai_facility.refresh_from_db()
    assert yen_bai_facility.workers == 12
    assert yen_bai_facility.commune is not None
    assert yen_bai_facility.commune.name == "Việt Hồng"
    entry, changes = audit_entries_for(yen_bai_facility)[0]
    assert entry.actor == laocai_officer
    assert {change.label for change in changes} >= {"số lao động", "điện thoại"}


def test_the_disadvantaged_area_flag_is_written_and_read_through_the_api(laocai_officer: User) -> None:
    # given an officer's system registering a facility in a disadvantaged area
    client = api_for(laocai_officer)

    # when it is sent
    created = client.post(f"{V1}/facilities/", {**FACILITY, "disadvantaged_area": True}, format="json")

    # then the answer, the record and a later read all carry it
    assert created.status_code == 201, created.json()
    code = created.json()["code"]
    assert created.json()["disadvantaged_area"] is True
    assert Facility.objects.get(code=code).disadvantaged_area is True
    assert client.get(f"{V1}/facilities/{code}/").json()["disadvantaged_area"] is True

    # and a change of other fields keeps it, until it is changed itself
    client.patch(f"{V1}/facilities/{code}/", {"workers": 7}, format="json")
    assert Facility.objects.get(code=code).disadvantaged_area is True
    changed = client.patch(f"{V1}/facilities/{code}/", {"disadvantaged_area": False}, format="json")
    assert changed.status_code == 200, changed.json()
    assert changed.json()["disadvantaged_area"] is False
    assert Facility.objects.get(code=code).disadvantaged_area is False


# --- Plans and đề án -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "visible"),
    [
        ("cuc", 15),  # the Cục sees the nation
        ("thainguyen", 15),  # Bắc Kạn is part of Thái Nguyên since 01/07/2025
        ("centre1", 15),  # TTKC I's region holds Thái Nguyên
        ("laocai", 0),
        ("orphan", 0),
    ],
)
def test_projects_are_scoped_per_level(bac_kan: None, persona: str, visible: int, request: Any) -> None:
    users = {
        "cuc": "cuc_officer",
        "thainguyen": "thainguyen_officer",
        "centre1": "centre1_officer",
        "laocai": "laocai_officer",
        "orphan": "orphan_user",
    }
    user = request.getfixturevalue(users[persona])

    assert api_for(user).get(f"{V1}/projects/", {"page_size": "100"}).json()["count"] == visible


def test_projects_are_filtered_by_state_and_funding_source(bac_kan: None, cuc_officer: User) -> None:
    client = api_for(cuc_officer)
    stop = client.get(f"{V1}/projects/", {"state": "stop_requested"}).json()
    national = client.get(f"{V1}/projects/", {"funding_source": "national", "year": "2018"}).json()

    assert stop["count"] == 3  # two KCĐP and one KCQG
    assert national["count"] == Project.objects.filter(plan__funding_source="national", plan__year=2018).count() > 0
    assert all(row["funding_source"] == "national" for row in national["results"])


def test_a_project_shows_its_history_and_what_this_user_may_do(bac_kan: None, thainguyen_officer: User) -> None:
    project = Project.objects.filter(state="in_progress", plan__funding_source="provincial").first()
    assert project is not None

    body = api_for(thainguyen_officer).get(f"{V1}/projects/{project.code}/").json()

    assert [e["action"] for e in body["events"]] == list(
        project.events.order_by("seq").values_list("action", flat=True)
    )
    assert isinstance(body["support_approved"], int)
    assert set(body["allowed_actions"]) <= {"progress", "adjustment_requested", "stop_requested", "inspected",
                                            "accepted"}  # fmt: skip


def test_a_workflow_step_goes_through_the_service(bac_kan: None) -> None:
    implementer = make_user("ttkc.bk", "TTKC-BK", Role.OFFICER)
    project = Project.objects.filter(state="contracted", plan__funding_source="national").first()
    assert project is not None

    response = api_for(implementer).post(
        f"{V1}/projects/{project.code}/events/",
        {"action": "progress", "on": "2018-06-30", "percent": "50"},
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["state"] == "in_progress"
    assert project.events.order_by("-seq").first().action == "progress"  # type: ignore[union-attr]


def test_a_move_the_workflow_does_not_allow_is_refused_and_writes_nothing(bac_kan: None, cuc_officer: User) -> None:
    project = Project.objects.filter(state="contracted").first()
    assert project is not None
    before = ProjectEvent.objects.count()

    response = api_for(cuc_officer).post(
        f"{V1}/projects/{project.code}/events/", {"action": "approved", "on": "2018-06-30", "amount": 1}, format="json"
    )

    assert response.status_code == 400
    assert "action" in response.json()
    assert ProjectEvent.objects.count() == before


@pytest.mark.parametrize(
    ("sent", "field", "code"),
    [
        ({"action": "stop_requested", "amount": "200000000"}, "amount", "amount_not_taken"),
        ({"action": "inspected", "percent": "30"}, "percent", "percent_not_taken"),
    ],
)
def test_a_step_stating_what_it_does_not_state_is_refused_as_on_the_page(
    bac_kan: None, sent: dict[str, str], field: str, code: str
) -> None:
    # given the implementer of a contracted national đề án, sending a step with an amount or a percent it has none of
    implementer = make_user("ttkc.bk", "TTKC-BK", Role.OFFICER)
    project = Project.objects.filter(state="contracted", plan__funding_source="national").first()
    assert project is not None
    before = ProjectEvent.objects.count()
    response = api_for(implementer).post(
        f"{V1}/projects/{project.code}/events/", {"on": "2018-06-30", **sent}, format="json"
    )
    # then it is refused on that field with its code, as the page refuses it, and nothing is written
    assert response.status_code == 400
    assert response.json()["codes"][field] == [code]
    assert ProjectEvent.objects.count() == before


def test_a_viewer_may_not_record_a_step(bac_kan: None) -> None:
    viewer = make_user("tn.viewer", "SCT-19", Role.VIEWER)
    project = Project.objects.filter(state="contracted").first()
    assert project is not None

    response = api_for(viewer).post(
        f"{V1}/projects/{project.code}/events/",
        {"action": "progress", "on": "2018-06-30", "percent": 10},
        format="json",
    )

    assert response.status_code == 403


def test_a_project_outside_the_territory_cannot_be_acted_on(bac_kan: None, laocai_officer: User) -> None:
    project = Project.objects.first()
    assert project is not None

    response = api_for(laocai_officer).post(
        f"{V1}/projects/{project.code}/events/",
        {"action": "progress", "on": "2018-06-30", "percent": 10},
        format="json",
    )

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"action": "progress", "on": "2099-01-01", "percent": 10}, "on"),
        ({"action": "progress", "on": "30/06/2018", "percent": 10}, "on"),
        ({"action": "progress", "on": "2018-06-30", "percent": 150}, "percent"),
        ({"action": "flying", "on": "2018-06-30"}, "action"),
        ({"action": "contract_signed", "on": "2018-06-30", "amount": 12.5}, "amount"),
    ],
)
def test_bad_step_input_is_refused_with_its_field(
    bac_kan: None, cuc_officer: User, body: dict[str, Any], field: str
) -> None:
    project = Project.objects.filter(state="contracted").first()
    assert project is not None

    response = api_for(cuc_officer).post(f"{V1}/projects/{project.code}/events/", body, format="json")

    assert response.status_code == 400
    assert field in response.json()


def test_a_payment_above_the_approved_support_is_refused(
    bac_kan: None, cuc_officer: User, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    system_actor = system_user()
    project = Project.objects.filter(state="contracted", plan__funding_source="national").first()
    assert project is not None
    assert project.support_approved is not None
    # A machinery đề án is advanced once more than 70% of the investment is done, on its invoices (TT 36 Art. 13).
    document_attach(project=project, actor=system_actor, upload=SimpleUploadedFile("hoa-don.pdf", PDF), title="",
                    kind=DocumentKind.INVESTMENT)  # fmt: skip
    project_record_event(project=project, actor=system_actor, action="progress", on=datetime.date(2018, 6, 14),
                         percent=Decimal(75), organization=project.implementer, transcribed=True)  # fmt: skip
    client = api_for(cuc_officer)
    url = f"{V1}/projects/{project.code}/payments/"

    too_much = client.post(url, {"on": "2018-06-15", "kind": "advance", "amount": int(project.support_approved) + 1},
                           format="json")  # fmt: skip
    assert too_much.status_code == 400
    assert "amount" in too_much.json()

    advance = client.post(url, {"on": "2018-06-15", "kind": "advance", "amount": "50 triệu"}, format="json")
    assert advance.status_code == 201, advance.json()
    assert advance.json()["payments"][-1]["amount"] == 50_000_000


def test_a_result_is_recorded(bac_kan: None) -> None:
    implementer = make_user("ttkc.bk", "TTKC-BK", Role.OFFICER)
    project = Project.objects.filter(state="contracted", plan__funding_source="national").first()
    assert project is not None

    response = api_for(implementer).post(
        f"{V1}/projects/{project.code}/results/",
        {"indicator": "machines", "value": "3", "on": "2018-06-30"},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["results"][-1]["indicator"] == "machines"


def test_plans_national_for_all_provincial_within_the_province(bac_kan: None, laocai_officer: User) -> None:
    plans = [row["code"] for row in api_for(laocai_officer).get(f"{V1}/plans/").json()["results"]]

    assert "KCQG-2018" in plans
    assert "KCDP-BK-2018" not in plans


def test_plan_amounts_are_integers_of_dong(bac_kan: None, thainguyen_officer: User) -> None:
    body = api_for(thainguyen_officer).get(f"{V1}/plans/KCDP-BK-2018/").json()

    assert body["funding_source"] == "provincial"
    assert all(isinstance(b["amount"], int) for b in body["budget"])


# --- Consulting ------------------------------------------------------------------------------------------------------


def test_a_centre_records_its_consulting_figures(centre1_officer: User) -> None:
    record = {"code": "TV-TTKC1-2026", "organization": "TTKC1", "year": 2026, "period_end": "2026-06-30",
              "projects": 12, "revenue": "1,2 tỷ"}  # fmt: skip
    response = api_for(centre1_officer).post(f"{V1}/consulting/", record, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["revenue"] == 1_200_000_000


def test_a_province_may_not_record_a_centres_consulting(laocai_officer: User) -> None:
    record = {"code": "TV-TTKC1-2026", "organization": "TTKC1", "year": 2026, "period_end": "2026-06-30",
              "projects": 12, "revenue": 1}  # fmt: skip

    assert api_for(laocai_officer).post(f"{V1}/consulting/", record, format="json").status_code == 403


def test_a_period_end_outside_the_year_is_refused(centre1_officer: User) -> None:
    record = {"code": "TV-TTKC1-2026", "organization": "TTKC1", "year": 2026, "period_end": "2025-06-30",
              "projects": 12, "revenue": 1}  # fmt: skip

    response = api_for(centre1_officer).post(f"{V1}/consulting/", record, format="json")

    assert response.status_code == 400
    assert "period_end" in response.json()


def test_dates_are_iso_in_json(bac_kan: None, cuc_officer: User) -> None:
    body = api_for(cuc_officer).get(f"{V1}/projects/BK-KCQG18-1/").json()

    assert datetime.date.fromisoformat(body["events"][0]["on"])
