"""The error pages speak Vietnamese and offer a way back; a refusal says why."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import client_for
from khuyencong.accounts.models import User

pytestmark = pytest.mark.django_db


def test_a_missing_record_answers_a_vietnamese_404_with_a_way_home(laocai_officer: User) -> None:
    response = client_for(laocai_officer).get("/projects/999999/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Không tìm thấy" in page
    assert reverse("web:home") in page
    assert "Not Found" not in page


def test_a_refusal_answers_a_vietnamese_403_with_its_reason(laocai_viewer: User) -> None:
    response = client_for(laocai_viewer).post(reverse("projects:create"), {})
    assert response.status_code == 403
    page = response.content.decode()
    assert "Bạn không có quyền" in page
    assert "Forbidden" not in page
