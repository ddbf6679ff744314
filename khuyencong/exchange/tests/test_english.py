"""The exchange page in English for a user who chose it, Vietnamese by default; the Excel template keeps its
Vietnamese headers for everyone, because the importer reads those headers."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from conftest import chose_english, client_for
from khuyencong.accounts.models import User
from khuyencong.exchange.models import ImportJob
from khuyencong.exchange.tests.test_excel import GOOD, facility_row, sheet

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


def test_an_upload_job_keeps_its_issues_in_vietnamese_and_shows_them_in_the_readers_language(
    laocai_officer: User, settings: Any, tmp_path: Path, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    # Given an officer who chose English and uploads a sheet with a yes/no cell it cannot read and a wrong tax code
    settings.MEDIA_ROOT = tmp_path
    chose_english(laocai_officer)
    client = client_for(laocai_officer)
    row = facility_row("YB-EX-9", "Cờ lạ", women_owned="hơi hơi")
    wrong = facility_row("YB-EX-8", "Sai", tax_code="0101245485")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("exchange:excel"),
            {
                "kind": "facilities",
                "upload": SimpleUploadedFile("co-so.xlsx", sheet("facilities", [GOOD[0], row, wrong])),
            },
        )

    # Then the job keeps the issue in Vietnamese, a record the same for every reader
    job = ImportJob.objects.get()
    issue = job.report["errors"][0]
    assert issue["path"] == "Dòng 3, cột «Chủ là phụ nữ»"
    assert issue["message"] == "ghi «Có» hoặc «Không», không phải «hơi hơi»."

    # And its page shows it to him in English, the column named by the template's Vietnamese heading
    page = client.get(reverse("exchange:job", args=[job.pk])).content.decode()
    assert "Row 3, column “Chủ là phụ nữ”" in page
    assert "write “Có” (yes) or “Không” (no), not “hơi hơi”." in page
    # (a service's refusal too: the tax code's check)
    assert "Tax code 0101245485 has a wrong check digit" in page

    # And in Vietnamese once he reads Vietnamese again
    laocai_officer.language = "vi"
    laocai_officer.save(update_fields=["language"])
    page = client_for(laocai_officer).get(reverse("exchange:job", args=[job.pk])).content.decode()
    assert "Dòng 3, cột «Chủ là phụ nữ»" in page
    assert "ghi «Có» hoặc «Không», không phải «hơi hơi»." in page


@pytest.mark.django_db
def test_a_finished_job_names_what_it_wrote_in_the_readers_words_not_the_importers_keys(laocai_officer: User) -> None:
    # Given a finished import whose stored report counts by the importer's keys
    job = ImportJob.objects.create(
        user=laocai_officer, kind="facilities", filename="co-so.xlsx", status="done", rows_done=3,
        report={"created": {"facilities": 2, "budget decisions": 1}, "updated": {"projects": 1}},
    )  # fmt: skip
    url = reverse("exchange:job", args=[job.pk])

    # When its uploader reads it in Vietnamese, then in English
    vietnamese = client_for(laocai_officer).get(url).content.decode()
    chose_english(laocai_officer)
    english = client_for(laocai_officer).get(url).content.decode()

    # Then each reads the words of its language, and no key of the importer
    assert "thêm 2 cơ sở" in vietnamese
    assert "thêm 1 quyết định kinh phí" in vietnamese
    assert "cập nhật 1 đề án" in vietnamese
    assert "2 facilities" not in vietnamese
    assert "budget decisions" not in vietnamese
    assert "added 2 facilities, added 1 budget decision; updated 1 project" in " ".join(english.split())
