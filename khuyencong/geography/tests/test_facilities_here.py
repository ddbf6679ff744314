"""A unit's page offers "Cơ sở tại đây" (the facility list filtered to it) only where that list answers: within the
provinces the reader works in, for a province (an old one by the province it lies in today) or a commune of today."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import client_for, make_user
from khuyencong.accounts.models import Role
from khuyencong.geography.models import AdminUnit, Level

pytestmark = pytest.mark.django_db

BUTTON = "Cơ sở tại đây"


def _today(name: str) -> AdminUnit:
    return AdminUnit.objects.current().provinces().get(name=name)


def test_an_officer_is_offered_his_province_and_the_link_answers() -> None:
    officer = make_user("sct19", "SCT-19", Role.OFFICER)
    client = client_for(officer)
    thai_nguyen = _today("Thái Nguyên")

    page = client.get(reverse("geography:unit", args=[thai_nguyen.pk]))
    assert page.context["facilities_here"] == {"province": thai_nguyen.pk, "commune": None}
    assert client.get(reverse("facilities:list"), {"province": thai_nguyen.pk}).status_code == 200

    # an old province (Bắc Kạn, part of Thái Nguyên since 01/07/2025) links to the province it lies in today
    bac_kan = (
        AdminUnit.objects.filter(level=Level.PROVINCE, name="Bắc Kạn").exclude(pk__in=AdminUnit.objects.current()).get()
    )
    assert client.get(reverse("geography:unit", args=[bac_kan.pk])).context["facilities_here"] == {
        "province": thai_nguyen.pk,
        "commune": None,
    }


def test_nothing_is_offered_outside_the_readers_provinces() -> None:
    # Given Thái Nguyên's officer and a facility's representative on Hà Nội's page
    ha_noi = _today("Hà Nội")
    for user in (make_user("sct19", "SCT-19", Role.OFFICER), make_user("rep", None, Role.FACILITY_REPRESENTATIVE)):
        page = client_for(user).get(reverse("geography:unit", args=[ha_noi.pk]))
        # Then no button leads to the list's 404
        assert page.status_code == 200
        assert page.context["facilities_here"] is None
        assert BUTTON not in page.content.decode()


def test_a_visitor_is_sent_to_sign_in() -> None:
    from django.test import Client

    response = Client().get(reverse("geography:unit", args=[_today("Hà Nội").pk]))
    assert response.status_code == 302
    assert "/login/" in response["Location"]
