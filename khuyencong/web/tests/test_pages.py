from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD
from khuyencong.accounts.models import User
from khuyencong.facilities.models import Facility

pytestmark = pytest.mark.django_db


def test_home_counts_the_facilities_in_scope(
    laocai_officer: User, yen_bai_facility: Facility, thai_nguyen_facility
) -> None:
    client = Client()
    client.force_login(laocai_officer)
    response = client.get(reverse("web:home"))
    assert response.context["facility_count"] == 1
    assert "Lào Cai" in response.content.decode()


def test_login_is_locked_at_the_fifth_failure_even_for_the_right_password(laocai_officer: User) -> None:
    client = Client()
    for _ in range(4):
        response = client.post(reverse("web:login"), {"username": "laocai.officer", "password": "sai"})
        assert response.status_code == 200
        assert "Tên đăng nhập" in response.content.decode()
    response = client.post(reverse("web:login"), {"username": "laocai.officer", "password": "sai"})
    assert response.status_code == 429
    response = client.post(reverse("web:login"), {"username": "laocai.officer", "password": PASSWORD})
    assert response.status_code == 429
    assert "Tạm khoá đăng nhập" in response.content.decode()


def test_login_with_the_right_password_works(laocai_officer: User) -> None:
    client = Client()
    response = client.post(reverse("web:login"), {"username": "laocai.officer", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("web:home")).status_code == 200


def test_the_geography_browser_shows_both_eras_and_lineage(laocai_officer: User) -> None:
    from khuyencong.geography.models import AdminUnit, Era, Level

    client = Client()
    client.force_login(laocai_officer)
    old = client.get(reverse("geography:index") + "?era=2025-pre")
    assert len(old.context["provinces"]) == 63
    yen_bai = AdminUnit.objects.get(era=Era.BEFORE_2025, level=Level.PROVINCE, code="15")
    page = client.get(reverse("geography:unit", args=[yen_bai.pk])).content.decode()
    assert "Tỉnh Lào Cai" in page
    lao_cai = AdminUnit.objects.get(era=Era.FROM_2025, level=Level.PROVINCE, code="15")
    page = client.get(reverse("geography:unit", args=[lao_cai.pk])).content.decode()
    assert "Hình thành từ" in page
    assert "Tỉnh Yên Bái" in page


def test_the_geography_browser_resolves_a_name_on_a_date(laocai_officer: User) -> None:
    client = Client()
    client.force_login(laocai_officer)
    found = client.get(reverse("geography:index"), {"q": "tp bac kan", "on": "30/06/2018"})
    assert found.context["resolved"].full_name == "Thành phố Bắc Kạn"
    ambiguous = client.get(reverse("geography:index"), {"q": "Quang Phong", "on": "30/06/2018"})
    assert "trùng tên 3 đơn vị" in ambiguous.context["resolve_error"]
    bad_date = client.get(reverse("geography:index"), {"q": "x", "on": "99/99/2018"})
    assert bad_date.status_code == 200


def test_every_page_names_its_icon_and_favicon_ico_leads_to_it() -> None:
    # Given anyone, signed in or not: the login page names the icon
    page = Client().get(reverse("web:login")).content.decode()
    assert 'rel="icon" href="/static/web/favicon.svg"' in page
    # and a browser asking for /favicon.ico is sent to it, instead of a 404
    response = Client().get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/web/favicon.svg"
