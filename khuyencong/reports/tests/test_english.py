"""A report read by a user who chose English: the page is English, the downloaded files are the Vietnamese official
document (Decree 30/2020/NĐ-CP Art. 8), built under `translation.override("vi")`, not frozen in either language."""

from __future__ import annotations

import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from conftest import chose_english, client_for
from khuyencong.accounts.models import User
from khuyencong.geography.models import AdminUnit

from .test_pages import yen_bai_h1

pytestmark = pytest.mark.django_db

MACHINERY_VI = "Hỗ trợ ứng dụng máy móc thiết bị tiên tiến"
MACHINERY_EN = "Support for applying advanced machinery and equipment"


def test_the_report_page_reads_in_english(yen_bai: None, laocai_officer: User) -> None:
    chose_english(laocai_officer)

    html = client_for(laocai_officer).get(reverse("reports:page"), yen_bai_h1()).content.decode()

    assert "Report on industrial promotion work, first 6 months of 2022" in html
    assert "Procedural progress in the period" in html
    assert "Priority groups (Decree 235/2025/ND-CP)" in html
    assert "Tiến độ thủ tục trong kỳ" not in html
    assert "6 tháng đầu năm" not in html


def test_an_english_readers_files_stay_vietnamese(yen_bai: None, laocai_officer: User) -> None:
    chose_english(laocai_officer)
    client = client_for(laocai_officer)

    report = json.loads(client.get(reverse("reports:page"), yen_bai_h1(format="json")).content)
    workbook = client.get(reverse("reports:page"), yen_bai_h1(format="xlsx")).content
    sheet = load_workbook(io.BytesIO(workbook)).active
    assert isinstance(sheet, Worksheet)
    cells = {str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None}

    assert report["title"] == "Báo cáo tình hình thực hiện công tác khuyến công 6 tháng đầu năm 2022"
    assert {group["label"] for group in report["breakdown"]["priority_groups"]} >= {"Cơ sở do phụ nữ làm chủ"}
    assert "Tiến độ thủ tục trong kỳ" in cells
    assert "Procedural progress in the period" not in cells
    # The contents of Decree 45 Art. 4 by their Vietnamese names, in the JSON and in the workbook
    assert {row["label"] for row in report["breakdown"]["by_content"]} >= {MACHINERY_VI}
    assert MACHINERY_VI in cells
    assert MACHINERY_EN not in cells


def test_the_dashboard_reads_in_english(yen_bai: None, laocai_officer: User) -> None:
    chose_english(laocai_officer)

    html = client_for(laocai_officer).get(reverse("reports:dashboard"), {"year": "2022"}).content.decode()

    assert "Projects by step" in html
    assert ">Show</button>" in html
    assert "Đề án theo bước" not in html
    assert ">Xem</button>" not in html
    # The money is in English figures with the currency said in English, as everywhere else on English pages
    # ("%(amount)s đồng" was translated twice, and the facilities catalogue's untranslated entry won)
    assert "1,580,000,000 VND" in html
    assert " đồng" not in html


def test_the_dashboards_contents_are_named_in_the_readers_language_with_the_same_figures(
    yen_bai: None, laocai_officer: User
) -> None:
    # Given Lào Cai's officer, who reads the dashboard of 2022 in Vietnamese, then in English
    client = client_for(laocai_officer)
    in_vietnamese = client.get(reverse("reports:dashboard"), {"year": "2022"})
    chose_english(laocai_officer)
    in_english = client_for(laocai_officer).get(reverse("reports:dashboard"), {"year": "2022"})

    # Then each content row is named in his language
    assert f'<th scope="row">{MACHINERY_VI}</th>' in in_vietnamese.content.decode()
    assert f'<th scope="row">{MACHINERY_EN}</th>' in in_english.content.decode()
    assert MACHINERY_VI not in in_english.content.decode()
    # and the figures are the same, row for row: grouped by the content, never by its name
    figures = [
        [(row["content"], row["count"], row["amount"]) for row in response.context["contents"]]
        for response in (in_vietnamese, in_english)
    ]
    assert figures[0] == figures[1]
    assert "machinery_application" in {code for code, _count, _amount in figures[0]}


def test_an_english_reader_gives_dates_day_first_as_every_form_asks(laocai_officer: User) -> None:
    # Given an officer reading English, whose pages fill in and link dates as dd/mm/yyyy
    client = client_for(chose_english(laocai_officer))

    # When the map is shown as of 29/11/2026 and a report is built as of 30/06/2022 (the links the pages make)
    shown = client.get(reverse("reports:map"), {"year": "2022", "figure": "rate", "era": "2025-07",
                                                "as_of": "29/11/2026"})  # fmt: skip
    lao_cai = str(AdminUnit.objects.current().provinces().get(name="Lào Cai").pk)
    built = client.get(reverse("reports:page"), {"kind": "products", "year": "2022", "period": "12",
                                                 "as_of": "30/06/2022", "geography": "current",
                                                 "provinces": lao_cai})  # fmt: skip

    # Then both are read day first, as in Vietnamese, not refused as month 29 or 30
    assert shown.status_code == 200
    assert built.status_code == 200
    assert "A date must be written dd/mm/yyyy" not in shown.content.decode() + built.content.decode()
    # and a form writes the date it fills in the same way
    assert 'value="29/11/2026"' in shown.content.decode()
