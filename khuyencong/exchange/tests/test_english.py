"""The exchange page in English for a user who chose it, Vietnamese by default; the Excel template keeps its
Vietnamese headers for everyone, because the importer reads those headers."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from conftest import chose_english, client_for
from khuyencong.accounts.models import User

pytestmark = pytest.mark.django_db


def test_the_exchange_page_reads_in_english_for_a_user_who_chose_it(laocai_officer: User) -> None:
    # Given an officer who chose English
    chose_english(laocai_officer)

    # When he opens the exchange page
    page = client_for(laocai_officer).get(reverse("exchange:index")).content.decode()

    # Then its heading and forms are English
    assert "<h1>Data exchange</h1>" in page
    assert "Import from Excel" in page
    assert "Nhập từ Excel" not in page


def test_the_exchange_page_stays_vietnamese_by_default(laocai_officer: User) -> None:
    page = client_for(laocai_officer).get(reverse("exchange:index")).content.decode()

    assert "<h1>Trao đổi dữ liệu</h1>" in page
    assert "Nhập từ Excel" in page


def test_an_english_users_template_keeps_the_vietnamese_headers_the_importer_reads(laocai_officer: User) -> None:
    # Given an officer who chose English
    chose_english(laocai_officer)

    # When he downloads the facility template
    response = client_for(laocai_officer).get(reverse("exchange:template", args=["facilities"]))

    # Then the sheet is the Vietnamese one a provincial official fills in and the importer accepts
    assert load_workbook(io.BytesIO(response.content)).sheetnames[0] == "Cơ sở"
