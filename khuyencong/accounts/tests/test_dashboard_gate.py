"""The dashboard shows no figures beyond the user's territory: none without a territory, only its own đề án to a
facility's representative."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from conftest import client_for, make_user
from khuyencong.accounts.models import Role, User
from khuyencong.projects.models import Project

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

# --- Dashboard --------------------------------------------------------------------------------------------------------


def test_a_user_without_a_territory_sees_no_figures_on_the_dashboard(
    laocai_records: dict[str, Any], orphan_user: User, roleless: User
) -> None:
    for user in (orphan_user, roleless):
        client = client_for(user)
        # when a user without organisation, or without role, opens the dashboard
        response = client.get(reverse("reports:dashboard"), {"year": "2022"})
        html = response.content.decode()

        # then it answers with a message and no figure, not the nation's money
        assert response.status_code == 200, user
        assert "chưa được giao địa bàn hoặc vai trò" in html
        assert "Kế hoạch vốn" not in html
        assert "Toàn quốc" not in html
        assert client.get(reverse("reports:dashboard_records"), {"figure": "funnel.0"}).status_code == 404


def test_a_facility_representative_sees_only_its_own_dean_on_the_dashboard(
    laocai_records: dict[str, Any], laocai_officer: User
) -> None:
    # given the representative of a facility that benefits from some of the province's 2022 đề án
    project = Project.objects.filter(plan__year=2022, province__code="15", beneficiaries__isnull=False).first()
    assert project is not None
    facility = project.beneficiaries.get()
    own = set(Project.objects.filter(beneficiaries=facility, plan__year=2022).values_list("code", flat=True))
    province = set(Project.objects.filter(province__code="15", plan__year=2022).values_list("code", flat=True))
    assert own < province, "the scenario must hold đề án that are not the facility's"
    rep = make_user("rep.own", None, Role.FACILITY_REPRESENTATIVE, facility=facility)
    client = client_for(rep)

    # when it opens the dashboard of 2022
    response = client.get(reverse("reports:dashboard"), {"year": "2022"})
    html = response.content.decode()

    # then it is about the facility, without the plans' money nor a ranking of provinces
    assert response.status_code == 200
    assert f"Khuyến công năm 2022 · {facility.name}" in html
    assert "Toàn quốc" not in html
    assert "Kế hoạch vốn" not in html
    assert "Đã phân bổ" not in html
    assert "Tỉnh theo tỷ lệ giải ngân" not in html
    # and every figure opens on its own đề án only
    data = response.context["data"]
    assert data["funnel"][0]["count"] == len(own)
    listing = client.get(reverse("reports:dashboard_records"), {"year": "2022", "figure": "funnel.0"})
    assert {p.code for p in listing.context["projects"]} == own
    # while the province's officer still sees the province's plan
    officer = client_for(laocai_officer).get(reverse("reports:dashboard"), {"year": "2022"}).content.decode()
    assert "Kế hoạch vốn" in officer
