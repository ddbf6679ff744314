"""Roles gate reads: an account with an organisation but no role reads nothing, through any page or the API; the
home page answers whoever signs in."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from conftest import client_for, make_user
from khuyencong.accounts import access
from khuyencong.accounts.models import Role, User
from khuyencong.accounts.tests.conftest import api_for, lao_cai, page_count
from khuyencong.consulting.models import ConsultingRecord
from khuyencong.facilities.models import Facility

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

# --- The scope --------------------------------------------------------------------------------------------------------


def test_no_role_means_an_empty_scope_and_any_role_gives_the_organisations(roleless: User) -> None:
    # given an account of Lào Cai's Sở without a role
    # then its scope is empty
    assert access.scope_of(roleless).is_empty

    # when a role is granted, the organisation's territory comes back (the test above is about the role, nothing else)
    roleless.roles.create(role=Role.VIEWER)
    granted = User.objects.get(pk=roleless.pk)
    assert access.scope_of(granted).province_ids == {lao_cai().pk}


# --- Pages ------------------------------------------------------------------------------------------------------------


def test_a_user_without_a_role_reads_nothing_on_the_pages(
    laocai_records: dict[str, Any], roleless: User, laocai_viewer: User
) -> None:
    facility, project = laocai_records["facility"], laocai_records["project"]
    viewer, nobody = client_for(laocai_viewer), client_for(roleless)
    # given a viewer of the same province reads them (so there is something to hide)
    assert page_count(viewer, "facilities:list") > 0
    assert page_count(viewer, "projects:list") > 0
    assert len(viewer.get(reverse("consulting:list")).context["records"]) == 1

    # when the role-less user asks, then lists are empty and records are not found
    assert page_count(nobody, "facilities:list") == 0
    assert nobody.get(reverse("facilities:detail", args=[facility.pk])).status_code == 404
    assert page_count(nobody, "projects:list") == 0
    assert nobody.get(reverse("projects:detail", args=[project.pk])).status_code == 404
    assert len(nobody.get(reverse("consulting:list")).context["records"]) == 0
    home = nobody.get(reverse("web:home"))
    assert home.status_code == 200
    assert home.context["facility_count"] == 0


def test_a_user_without_a_role_gets_no_report(laocai_records: dict[str, Any], roleless: User) -> None:
    query = {"kind": "provincial", "provinces": str(lao_cai().pk), "year": "2022", "period": "6",
             "geography": "current"}  # fmt: skip
    nobody = client_for(roleless)

    # when the role-less user asks for the province's report, then the province is not among the choices
    assert nobody.get(reverse("reports:page"), query).status_code == 400
    # and the nation is refused on the form, with no figure
    nation = {**{key: value for key, value in query.items() if key != "provinces"}, "kind": "national"}
    refused = nobody.get(reverse("reports:page"), nation)
    assert refused.status_code == 400
    assert "Báo cáo vượt quá phạm vi địa bàn bạn được xem." in refused.content.decode()
    assert "report-table" not in refused.content.decode()
    assert nobody.get(reverse("reports:records"), {**query, "figure": "0"}).status_code == 400


# --- API --------------------------------------------------------------------------------------------------------------


def test_a_user_without_a_role_reads_nothing_through_the_api(
    laocai_records: dict[str, Any], roleless: User, laocai_viewer: User
) -> None:
    facility, project = laocai_records["facility"], laocai_records["project"]
    viewer, nobody = api_for(laocai_viewer), api_for(roleless)
    for endpoint in ("facilities", "projects", "consulting"):
        # given the viewer reads records there
        assert viewer.get(f"/api/v1/{endpoint}/").json()["count"] > 0, endpoint
        # then the role-less user reads none
        assert nobody.get(f"/api/v1/{endpoint}/").json()["count"] == 0, endpoint
    assert nobody.get(f"/api/v1/facilities/{facility.code}/").status_code == 404
    assert nobody.get(f"/api/v1/projects/{project.code}/").status_code == 404


# --- Home -------------------------------------------------------------------------------------------------------------


def test_home_answers_a_user_without_an_organisation(orphan_user: User, yen_bai_facility: Facility) -> None:
    # when a user with a role but no organisation opens the home page
    response = client_for(orphan_user).get(reverse("web:home"))

    # then it answers, counts nothing and says why
    assert response.status_code == 200
    assert response.context["facility_count"] == 0
    assert "chưa được gán đơn vị hoặc vai trò" in response.content.decode()


def test_home_names_the_users_territory(laocai_officer: User) -> None:
    territory = laocai_officer.organization.territory  # type: ignore[union-attr]
    assert f"Phạm vi: {territory}." in client_for(laocai_officer).get(reverse("web:home")).content.decode()


def test_a_user_without_a_role_does_not_read_the_dean_its_organisation_implements(yen_bai: None) -> None:
    # given an account of the Yên Bái centre, which implements the scenario's đề án, without a role
    nobody = make_user("ttkcyb.norole", "TTKC-YB")

    # then it reads none of them
    assert page_count(client_for(nobody), "projects:list") == 0


def test_a_user_without_a_role_does_not_read_the_national_plans(yen_bai: None, roleless: User) -> None:
    assert api_for(roleless).get("/api/v1/plans/").json()["count"] == 0
    assert api_for(roleless).get("/api/v1/programmes/").json()["count"] == 0


def test_consulting_figures_of_the_users_own_centre_need_a_role_too(laocai_records: dict[str, Any]) -> None:
    # given an account of the centre that owns the figures, without a role
    nobody = make_user("ttkc15.norole", "TTKC-15")
    assert ConsultingRecord.objects.filter(organization__code="TTKC-15").exists()

    # then neither the page nor the API shows them
    assert len(client_for(nobody).get(reverse("consulting:list")).context["records"]) == 0
    assert api_for(nobody).get("/api/v1/consulting/").json()["count"] == 0
