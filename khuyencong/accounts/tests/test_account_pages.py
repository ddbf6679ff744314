"""The account pages: a password changed signed in or reset by an e-mailed link, and an API token created, shown
once, replaced and revoked by its holder — each through the account services, audited without the secret."""

from __future__ import annotations

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from conftest import PASSWORD, client_for, make_user
from khuyencong.accounts import access
from khuyencong.accounts.models import Role, User
from khuyencong.accounts.services import NOT_YOUR_ACCOUNT, api_token_issue, api_token_revoke, system_user
from khuyencong.audit.models import AuditAction, AuditEntry
from khuyencong.core.refusals import Refused

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Lao-Cai-che-shan-tuyet-2026"


def entries_for(user: User) -> list[AuditEntry]:
    kind = ContentType.objects.get_for_model(User)
    return list(AuditEntry.objects.filter(content_type=kind, object_id=str(user.pk)).order_by("pk"))


def logs_in(username: str, password: str) -> bool:
    return User.objects.get(username=username).check_password(password)


# --- Password change ---------------------------------------------------------------------------------------------


def test_an_officer_changes_the_password_and_stays_signed_in(laocai_officer: User) -> None:
    client = client_for(laocai_officer)

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert logs_in("laocai.officer", NEW_PASSWORD)
    assert not logs_in("laocai.officer", PASSWORD)
    # the session survives its own change
    assert client.get(reverse("accounts:profile")).status_code == 200
    # and the audit says a password was changed, by whom, never what it was
    [entry] = entries_for(laocai_officer)
    assert entry.actor == laocai_officer
    assert entry.action == AuditAction.UPDATE
    assert NEW_PASSWORD not in str(entry.changes)
    assert PASSWORD not in str(entry.changes)


@pytest.mark.parametrize(
    ("old", "new1", "new2", "field"),
    [
        ("sai-mat-khau", NEW_PASSWORD, NEW_PASSWORD, "old_password"),
        (PASSWORD, "12345678901", "12345678901", "new_password2"),  # numeric only: the password rules
        (PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x", "new_password2"),  # the two do not match
    ],
)
def test_a_refused_password_change_says_why_and_changes_nothing(
    laocai_officer: User, old: str, new1: str, new2: str, field: str
) -> None:
    response = client_for(laocai_officer).post(
        reverse("accounts:password_change"), {"old_password": old, "new_password1": new1, "new_password2": new2}
    )

    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert "Chưa đổi được" in response.content.decode()
    assert logs_in("laocai.officer", PASSWORD)
    assert entries_for(laocai_officer) == []


def test_the_account_pages_ask_to_sign_in_first() -> None:
    for name in ("accounts:profile", "accounts:password_change", "accounts:api_token"):
        response = Client().get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("web:login"))


# --- Password reset by e-mail ------------------------------------------------------------------------------------


@override_settings(SITE_URL="https://khuyencong.example.vn")
def test_a_forgotten_password_is_reset_through_the_e_mailed_link(laocai_officer: User) -> None:
    # given an officer with an e-mail address, signed out
    laocai_officer.email = "can.bo@laocai.example.vn"
    laocai_officer.save()
    client = Client()

    # when the address is given on the reset page
    response = client.post(reverse("accounts:password_reset"), {"email": "Can.Bo@laocai.example.vn"})

    # then one Vietnamese e-mail carries a link to the site's own address (not the request's Host)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    [message] = mail.outbox
    assert message.to == ["can.bo@laocai.example.vn"]
    assert "Đặt lại mật khẩu" in message.subject
    link = re.search(r"https://khuyencong\.example\.vn(/account/password/reset/\S+/)", str(message.body))
    assert link is not None, message.body

    # and the link sets a new password once
    form_page = client.get(link.group(1), follow=True)
    assert "Đặt mật khẩu mới" in form_page.content.decode()
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert logs_in("laocai.officer", NEW_PASSWORD)
    [entry] = entries_for(laocai_officer)
    assert entry.actor == laocai_officer
    assert "thư điện tử" in entry.note
    again = Client().get(link.group(1), follow=True)
    assert "không còn dùng được" in again.content.decode()


def test_the_reset_page_does_not_tell_whether_an_address_has_an_account(laocai_officer: User) -> None:
    laocai_officer.email = "can.bo@laocai.example.vn"
    laocai_officer.save()
    known = Client().post(reverse("accounts:password_reset"), {"email": "can.bo@laocai.example.vn"}, follow=True)
    unknown = Client().post(reverse("accounts:password_reset"), {"email": "khong.co@example.vn"}, follow=True)

    # the same answer, word for word, to both
    assert known.redirect_chain == unknown.redirect_chain
    assert known.content.decode().replace(str(known.context["csrf_token"]), "") == unknown.content.decode().replace(
        str(unknown.context["csrf_token"]), ""
    )
    assert len(mail.outbox) == 1


def test_the_system_account_and_an_inactive_one_get_no_reset_mail(laocai_officer: User) -> None:
    system = system_user()
    system.email = "he.thong@example.vn"
    system.save()
    laocai_officer.email = "nghi@example.vn"
    laocai_officer.is_active = False
    laocai_officer.save()

    for address in ("he.thong@example.vn", "nghi@example.vn"):
        assert Client().post(reverse("accounts:password_reset"), {"email": address}).status_code == 302
    assert mail.outbox == []


def test_a_malformed_reset_link_is_refused_in_vietnamese() -> None:
    response = Client().get(
        reverse("accounts:password_reset_confirm", kwargs={"uidb64": "xx", "token": "sai"}), follow=True
    )
    assert response.status_code == 200
    assert "không còn dùng được" in response.content.decode()


# --- The API token -----------------------------------------------------------------------------------------------


def api(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_user_creates_an_api_token_shown_once_and_it_works(laocai_officer: User) -> None:
    client = client_for(laocai_officer)
    assert "chưa có mã" in client.get(reverse("accounts:api_token")).content.decode()

    # when the user asks for a token
    response = client.post(reverse("accounts:api_token_issue"))

    # then it is shown, not cached, and opens the API in the user's name
    key = Token.objects.get(user=laocai_officer).key
    assert response.status_code == 200
    assert key in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert api(key).get("/api/v1/projects/").status_code == 200
    # and never shown again, nor kept in the audit
    assert key not in client.get(reverse("accounts:api_token")).content.decode()
    [entry] = entries_for(laocai_officer)
    assert entry.action == AuditAction.CREATE
    assert key not in str(entry.changes) + entry.note


def test_a_new_token_replaces_the_old_and_a_revoked_one_stops_working(laocai_officer: User) -> None:
    client = client_for(laocai_officer)
    client.post(reverse("accounts:api_token_issue"))
    old = Token.objects.get(user=laocai_officer).key

    client.post(reverse("accounts:api_token_issue"))
    new = Token.objects.get(user=laocai_officer).key
    assert new != old
    refused = api(old).get("/api/v1/projects/")
    assert refused.status_code == 401
    assert refused.json()["code"] == "authentication_failed"
    assert "Mã truy cập API không đúng" in refused.json()["detail"]

    response = client.post(reverse("accounts:api_token_revoke"), follow=True)
    assert "Đã thu hồi" in response.content.decode()
    assert api(new).get("/api/v1/projects/").status_code == 401
    assert [e.action for e in entries_for(laocai_officer)] == [AuditAction.CREATE] * 2 + [AuditAction.DELETE]


def test_revoking_without_a_token_writes_nothing(laocai_officer: User) -> None:
    response = client_for(laocai_officer).post(reverse("accounts:api_token_revoke"), follow=True)
    assert "chưa có mã" in response.content.decode()
    assert entries_for(laocai_officer) == []


def test_the_token_actions_are_forms_not_links(laocai_officer: User) -> None:
    # a GET of an action's address writes nothing and answers the pages' Vietnamese 405
    response = client_for(laocai_officer).get(reverse("accounts:api_token_issue"))
    assert response.status_code == 405
    assert "chỉ nhận biểu mẫu" in response.content.decode()
    assert not Token.objects.exists()


def test_a_token_and_a_password_are_their_holders_own(laocai_officer: User, laocai_viewer: User) -> None:
    # another user, even of the same province, may not issue or revoke someone's token
    with pytest.raises(Refused) as refused:
        api_token_issue(actor=laocai_viewer, account=laocai_officer)
    assert refused.value.code == NOT_YOUR_ACCOUNT
    with pytest.raises(Refused):
        api_token_revoke(actor=laocai_viewer, account=laocai_officer)
    assert not Token.objects.exists()
    # a superuser may (the kc_api_token command acts as the system account), but nobody for the system account
    assert access.can_manage_own_account(system_user(), laocai_officer)
    assert not access.can_manage_own_account(system_user(), system_user())
    laocai_officer.is_active = False
    assert not access.can_manage_own_account(laocai_officer, laocai_officer)


def test_every_persona_may_hold_a_token_scoped_as_on_screen(facility_rep: User) -> None:
    # a facility's representative too: the API shows it what the pages show it
    response = client_for(facility_rep).post(reverse("accounts:api_token_issue"))
    assert response.status_code == 200
    key = Token.objects.get(user=facility_rep).key
    assert api(key).post("/api/v1/projects/", {}, format="json").json()["code"] == "no_project_role"


def test_the_profile_links_the_password_the_token_and_the_api_docs(laocai_officer: User) -> None:
    page = client_for(laocai_officer).get(reverse("accounts:profile")).content.decode()
    for name in ("accounts:password_change", "accounts:api_token", "api:docs"):
        assert reverse(name) in page
    assert "Cán bộ nghiệp vụ" in page


def test_the_login_page_offers_the_reset() -> None:
    assert reverse("accounts:password_reset") in Client().get(reverse("web:login")).content.decode()


def test_a_viewer_is_a_viewer_on_the_profile() -> None:
    viewer = make_user("xem", "SCT-15", Role.VIEWER)
    assert "Xem" in client_for(viewer).get(reverse("accounts:profile")).content.decode()
