"""Two languages: Vietnamese first, English when the user chooses it; the choice is kept with the account."""

from __future__ import annotations

import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from conftest import client_for, make_user
from khuyencong.accounts.models import Role
from khuyencong.accounts.services import user_language_set
from khuyencong.audit.models import AuditEntry
from khuyencong.core.refusals import Refused

pytestmark = pytest.mark.django_db

VI_FOOTER = "Cơ sở dữ liệu thống nhất về khuyến công"
EN_FOOTER = "Unified industrial promotion database"


def test_vietnamese_is_the_default_whatever_the_browser_asks() -> None:
    # Given an officer whose browser asks for English
    officer = make_user("sct15", "SCT-15", Role.OFFICER)
    client = client_for(officer)
    # When he opens the home page
    page = client.get(reverse("web:home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    # Then it is in Vietnamese
    assert '<html lang="vi">' in page
    assert VI_FOOTER in page
    # And each language is offered in its own name
    assert 'lang="en">English</button>' in page
    # (Django writes Vietnamese's own name with combining marks; compared as a reader sees it)
    assert 'aria-current="true" disabled>Tiếng Việt</button>' in unicodedata.normalize("NFC", page)


def test_the_choice_is_kept_with_the_account_and_audited() -> None:
    officer = make_user("sct15", "SCT-15", Role.OFFICER)
    client = client_for(officer)
    # When he switches to English
    response = client.post(reverse("web:language"), {"language": "en", "next": reverse("projects:list")})
    # Then he is back where he was, reading English, and the choice is on his account with who and when
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:list")
    officer.refresh_from_db()
    assert officer.language == "en"
    assert AuditEntry.objects.filter(object_id=str(officer.pk), changes__language__isnull=False).exists()
    page = client.get(reverse("web:home")).content.decode()
    assert '<html lang="en">' in page
    assert EN_FOOTER in page
    # And in another browser, after signing in again, it is still English
    other = Client()
    other.force_login(officer)
    assert EN_FOOTER in other.get(reverse("web:home")).content.decode()


def test_a_visitor_chooses_with_a_cookie_and_the_login_page_follows() -> None:
    client = Client()
    response = client.post(reverse("web:language"), {"language": "en", "next": reverse("web:login")})
    assert response.status_code == 302
    assert client.cookies["django_language"].value == "en"
    assert EN_FOOTER in client.get(reverse("web:login")).content.decode()


def test_an_unknown_language_or_a_foreign_next_changes_nothing() -> None:
    officer = make_user("sct15", "SCT-15", Role.OFFICER)
    client = client_for(officer)
    response = client.post(reverse("web:language"), {"language": "fr", "next": "https://evil.example/"})
    # Then: back home (never to another site), nothing written, and he is told
    assert response["Location"] == reverse("web:home")
    officer.refresh_from_db()
    assert officer.language == "vi"
    assert "Ngôn ngữ «fr» không có." in client.get(reverse("web:home")).content.decode()
    assert client.get(reverse("web:language")).status_code == 405


def test_the_service_refuses_an_unknown_language_with_its_code() -> None:
    officer = make_user("sct15", "SCT-15", Role.OFFICER)
    with pytest.raises(ValidationError) as refused:
        user_language_set(actor=officer, language="xx" * 30)
    assert refused.value.error_dict["language"][0].code == "unknown_language"
    officer.is_active = False
    with pytest.raises(Refused):
        user_language_set(actor=officer, language="en")
