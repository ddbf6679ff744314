"""An API refusal speaks the language its token's user chose, with the same stable code."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from conftest import make_user
from khuyencong.accounts.models import Role, User

pytestmark = pytest.mark.django_db


def _client(user: User) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def _missing_facility(language: str | None) -> dict[str, str]:
    user = make_user(f"sct.{language or 'default'}", "SCT-19", Role.VIEWER)
    if language is not None:
        user.language = language
        user.save(update_fields=["language"])
    response = _client(user).get("/api/v1/facilities/KHONG-CO/")
    assert response.status_code == 404
    return dict(response.json())


def test_a_refusal_to_a_user_who_chose_english_is_in_english_with_its_code() -> None:
    # Given a user who chose English, when his token asks for a record that does not exist
    body = _missing_facility("en")
    # then the refusal is in English and keeps its machine code
    assert body == {
        "detail": "Not found: the record (or results page) does not exist or is outside your scope.",
        "code": "not_found",
    }


def test_a_refusal_is_in_vietnamese_by_default_with_the_same_code() -> None:
    body = _missing_facility(None)
    assert body == {
        "detail": "Không tìm thấy: bản ghi (hoặc trang kết quả) không có, hoặc nằm ngoài phạm vi của bạn.",
        "code": "not_found",
    }
