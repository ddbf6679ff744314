"""Only what you may do: the menu and the buttons offer a user only what the views let them do, and every refusal —
a view's, the CSRF check's, a wrong method's, a bad request's, the API's — answers in Vietnamese with a way back."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.test import Client, RequestFactory
from django.urls import Resolver404, resolve, reverse
from django.views.defaults import server_error
from rest_framework.test import APIClient

from conftest import client_for, make_user
from khuyencong.accounts.models import Role, User

pytestmark = pytest.mark.django_db

ENGLISH = ("Forbidden", "Not Found", "Method Not Allowed", "Bad Request", "Server Error", "CSRF verification")


def menu_of(html: str) -> str:
    return html[html.index('<nav class="mainnav"') : html.index("</nav>")]


# --- The menu and the buttons ------------------------------------------------------------------------------------


def test_a_facility_representative_is_offered_its_records_not_the_bodies_work(facility_rep: User) -> None:
    client = client_for(facility_rep)
    menu = menu_of(client.get(reverse("web:home")).content.decode())

    for offered in ("facilities:list", "projects:list", "products:list"):
        assert f'href="{reverse(offered)}"' in menu, offered
    for withheld in ("reports:dashboard", "reporting:calendar", "programs:list", "consulting:list", "exchange:index"):
        assert f'href="{reverse(withheld)}"' not in menu, withheld
    # and no "+ Lập đề án" on the đề án list, which the create page would refuse
    assert reverse("projects:create") not in client.get(reverse("projects:list")).content.decode()
    assert client.get(reverse("projects:create")).status_code == 403


def test_a_viewer_sees_the_bodies_pages_but_is_not_offered_to_register(laocai_viewer: User) -> None:
    client = client_for(laocai_viewer)
    menu = menu_of(client.get(reverse("web:home")).content.decode())

    assert f'href="{reverse("reports:dashboard")}"' in menu
    assert f'href="{reverse("exchange:index")}"' in menu  # a viewer may download (access.can_export)
    assert reverse("projects:create") not in client.get(reverse("projects:list")).content.decode()


def test_an_officer_is_offered_to_register_a_đề_án(laocai_officer: User) -> None:
    client = client_for(laocai_officer)
    assert reverse("projects:create") in client.get(reverse("projects:list")).content.decode()
    assert client.get(reverse("projects:create")).status_code == 200


def test_an_account_without_a_role_is_offered_only_the_home_page_and_its_account() -> None:
    roleless = make_user("chua.giao", "SCT-15")
    html = client_for(roleless).get(reverse("web:home")).content.decode()
    menu = menu_of(html)

    for withheld in ("facilities:list", "projects:list", "reports:dashboard", "exchange:index"):
        assert f'href="{reverse(withheld)}"' not in menu, withheld
    assert reverse("accounts:profile") in html
    assert reverse("api:docs") in menu


LINK = re.compile(r'<a [^>]*href="(/[^"#]*)"')
# Addresses that are files or other sites' pages, not pages of the menu's promise.
NOT_PAGES = ("/static/", "/media/", "/admin/", "/api/")


@pytest.mark.parametrize("persona", ["representative", "viewer", "officer", "roleless"])
def test_no_link_a_user_is_shown_ends_on_a_refusal(persona: str, request: pytest.FixtureRequest) -> None:
    """Every link on the pages of the menu, followed once per kind of page, answers without a 403."""
    users = {
        "representative": lambda: request.getfixturevalue("facility_rep"),
        "viewer": lambda: request.getfixturevalue("laocai_viewer"),
        "officer": lambda: request.getfixturevalue("laocai_officer"),
        "roleless": lambda: make_user("chua.giao", "SCT-15"),
    }
    client = client_for(users[persona]())
    home = client.get(reverse("web:home")).content.decode()
    pages = [reverse("web:home"), *dict.fromkeys(LINK.findall(menu_of(home)))]

    followed: dict[str, str] = {}
    for page in pages:
        if page.startswith(NOT_PAGES):
            continue
        response = client.get(page)
        assert response.status_code == 200, f"the menu offers {page} to {persona}: {response.status_code}"
        for link in LINK.findall(response.content.decode()):
            path = urlsplit(link).path
            if path.startswith(NOT_PAGES):
                continue
            try:
                route = resolve(path).view_name
            except Resolver404:
                continue
            followed.setdefault(route, link.replace("&amp;", "&"))
    for route, link in followed.items():
        status = client.get(link).status_code
        assert status != 403, f"{persona} is shown a link to {link} ({route}) that refuses them"


# --- The refusal pages --------------------------------------------------------------------------------------------


def assert_vietnamese_with_a_way_back(html: str) -> None:
    for word in ENGLISH:
        assert word not in html, word
    assert 'lang="vi"' in html
    assert 'href="/"' in html


def test_a_refused_view_answers_the_vietnamese_403_with_the_menu(laocai_viewer: User) -> None:
    response = client_for(laocai_viewer).get(reverse("projects:create"))

    assert response.status_code == 403
    html = response.content.decode()
    assert_vietnamese_with_a_way_back(html)
    assert "lập đề án" in html  # the view's reason
    assert 'class="mainnav"' in html


def test_a_form_refused_by_the_csrf_check_answers_in_vietnamese(laocai_officer: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(laocai_officer)

    response = client.post(reverse("accounts:api_token_issue"))

    assert response.status_code == 403
    html = response.content.decode()
    assert_vietnamese_with_a_way_back(html)
    assert "Chưa gửi được biểu mẫu" in html
    assert 'class="mainnav"' in html


def test_an_action_address_opened_as_a_page_answers_the_vietnamese_405(laocai_officer: User) -> None:
    response = client_for(laocai_officer).get(reverse("web:logout"))

    assert response.status_code == 405
    assert response["Allow"] == "POST, OPTIONS"
    assert_vietnamese_with_a_way_back(response.content.decode())


def test_a_missing_page_answers_the_vietnamese_404(laocai_officer: User) -> None:
    response = client_for(laocai_officer).get("/khong-co-trang-nay/")

    assert response.status_code == 404
    assert_vietnamese_with_a_way_back(response.content.decode())


def test_a_bad_request_answers_the_vietnamese_400() -> None:
    response = Client().get(reverse("web:login"), HTTP_HOST="ke-gia-mao.example")

    assert response.status_code == 400
    assert_vietnamese_with_a_way_back(response.content.decode())


def test_a_server_error_answers_the_vietnamese_500() -> None:
    response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    assert_vietnamese_with_a_way_back(response.content.decode())


@pytest.mark.parametrize(
    ("call", "status", "code"),
    [
        (lambda c: c.get("/api/v1/projects/"), 401, "not_authenticated"),
        (lambda c: c.get("/api/v1/projects/", HTTP_AUTHORIZATION="Token sai"), 401, "authentication_failed"),
    ],
)
def test_the_apis_own_refusals_answer_in_vietnamese_with_their_codes(call: object, status: int, code: str) -> None:
    response = call(APIClient())  # type: ignore[operator]

    assert response.status_code == status
    assert response.json()["code"] == code
    assert not re.search(r"[A-Za-z]+ [a-z]+ (not|were)", response.json()["detail"])


@pytest.mark.parametrize(
    ("call", "status", "code"),
    [
        (lambda c: c.delete("/api/v1/projects/"), 405, "method_not_allowed"),
        (lambda c: c.get("/api/v1/projects/", {"page": "99"}), 404, "not_found"),
        (lambda c: c.get("/api/v1/projects/KHONG-CO/"), 404, "not_found"),
        (lambda c: c.post("/api/v1/projects/", "{", content_type="application/json"), 400, "parse_error"),
        (lambda c: c.post("/api/v1/projects/", "a=1", content_type="text/plain"), 415, "unsupported_media_type"),
    ],
)
def test_a_signed_in_clients_refusals_answer_in_vietnamese(
    laocai_officer: User, call: object, status: int, code: str
) -> None:
    client = APIClient()
    client.force_authenticate(laocai_officer)

    response = call(client)  # type: ignore[operator]

    assert response.status_code == status
    assert response.json() == {"detail": response.json()["detail"], "code": code}
    for english in ("not allowed", "Invalid page", "No Project matches", "Unsupported media", "JSON parse"):
        assert english not in response.json()["detail"]


def test_the_api_docs_are_linked_from_every_pages_menu(laocai_officer: User) -> None:
    client = client_for(laocai_officer)
    for page in ("web:home", "projects:list", "accounts:profile"):
        assert f'href="{reverse("api:docs")}"' in menu_of(client.get(reverse(page)).content.decode())
    assert client.get(reverse("api:docs")).status_code == 200


def test_a_representative_has_a_role_but_no_body(facility_rep: User) -> None:
    # the persona the menu test relies on: a representative, not an officer
    assert facility_rep.has_role(Role.FACILITY_REPRESENTATIVE)
    assert not facility_rep.has_role(Role.OFFICER)


def test_the_menu_offers_the_self_service_proposals_to_who_sends_or_reviews_them(
    facility_rep: User, laocai_officer: User, laocai_viewer: User
) -> None:
    proposals = f'href="{reverse("facilities:proposals")}"'

    # Given a representative who sends proposals and an officer who reviews them, each is offered the page
    for user in (facility_rep, laocai_officer):
        assert proposals in menu_of(client_for(user).get(reverse("web:home")).content.decode()), user.username
    # and a viewer, who may neither send nor decide, is not
    assert proposals not in menu_of(client_for(laocai_viewer).get(reverse("web:home")).content.decode())
