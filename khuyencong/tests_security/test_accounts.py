"""Accounts and tokens: what the matrix's status codes do not show (HOLDS unless said)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from conftest import make_user
from khuyencong.accounts.models import Role, User

pytestmark = pytest.mark.django_db


def test_a_deactivated_users_token_stops_working(db: None) -> None:
    user = make_user("sec.officer", "SCT-15", Role.OFFICER)
    key = Token.objects.create(user=user).key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(reverse("api:facility-list")).status_code == 200
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert client.get(reverse("api:facility-list")).status_code == 401


def test_password_reset_answers_the_same_for_a_known_and_an_unknown_address(db: None) -> None:
    user = make_user("sec.reset", "SCT-15", Role.OFFICER)
    User.objects.filter(pk=user.pk).update(email="co.that@example.vn")
    known = Client().post(reverse("accounts:password_reset"), {"email": "co.that@example.vn"})
    unknown = Client().post(reverse("accounts:password_reset"), {"email": "khong.co@example.vn"})
    assert (known.status_code, known.get("Location")) == (unknown.status_code, unknown.get("Location"))
    assert len(mail.outbox) == 1


def test_token_pages_act_on_ones_own_account_whatever_is_posted(db: None) -> None:
    """Posting another user's id or username to the token pages issues or revokes one's own token only."""
    me = make_user("sec.me", "SCT-15", Role.OFFICER)
    other = make_user("sec.other", "SCT-19", Role.OFFICER)
    theirs = Token.objects.create(user=other).key
    client = Client()
    client.force_login(me)
    for name in ("accounts:api_token_issue", "accounts:api_token_revoke"):
        client.post(reverse(name), {"user": other.pk, "user_id": other.pk, "username": other.username})
    assert Token.objects.get(user=other).key == theirs


def test_language_switch_changes_only_ones_own_account(db: None) -> None:
    me = make_user("sec.lang", "SCT-15", Role.OFFICER)
    other = make_user("sec.lang2", "SCT-19", Role.OFFICER)
    client = Client()
    client.force_login(me)
    client.post(reverse("web:language"), {"language": "en", "user": other.pk, "username": other.username})
    other.refresh_from_db()
    me.refresh_from_db()
    assert me.language == "en"
    assert other.language != "en"


def test_language_switch_does_not_redirect_off_site(db: None) -> None:
    response = Client().post(reverse("web:language"), {"language": "en", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert not response["Location"].startswith(("http://", "https://", "//"))
