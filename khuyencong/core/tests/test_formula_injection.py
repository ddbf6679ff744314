"""Every spreadsheet we write shows text as text: a name typed as =HYPERLINK(…) — in a đề án title, an organisation's
or a facility's name, a report's title or section — is never a formula Excel would run, in the report XLSX, the Excel
templates, the copy of an upload with its errors, and the CSV export. Each test checks that the hostile text did reach
the file (so the test can fail) and that every text cell read back is a plain string not starting a formula."""

from __future__ import annotations

import csv
import datetime
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from conftest import FacilityMaker, client_for
from khuyencong.accounts.models import User
from khuyencong.core.csv import FORMULA_STARTS, safe_cell
from khuyencong.exchange.excel import FACILITY_COLUMNS, error_copy, excel_import, template_workbook
from khuyencong.organizations.models import Organization
from khuyencong.projects.models import Project, ProjectContent
from khuyencong.reports.layout import Col, Column, Section, Table
from khuyencong.reports.render import Document, to_xlsx

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://x","y")'


def text_cells(data: bytes) -> list[Any]:
    workbook = load_workbook(io.BytesIO(data))
    return [
        cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row if cell.value is not None
    ]


def assert_no_formula(data: bytes, *expected: str) -> None:
    cells = text_cells(data)
    texts = [str(cell.value) for cell in cells]
    for text in expected:
        assert any(text in value for value in texts), f"«{text}» is not in the file"
    for cell in cells:
        if isinstance(cell.value, str):
            assert cell.data_type == "s", (cell.coordinate, cell.value)
            assert not cell.value.startswith(FORMULA_STARTS), (cell.coordinate, cell.value)
        else:
            assert cell.data_type == "n", (cell.coordinate, cell.value)


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (HYPERLINK, "'" + HYPERLINK),
        ("+1+1", "'+1+1"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Cơ sở =1", "Cơ sở =1"),
        ("Tên\x01 lạ", "Tên lạ"),
        (1_700_000_000, 1_700_000_000),
        (None, None),
    ],
)
def test_a_cell_is_text_if_it_would_start_a_formula_and_a_number_stays_a_number(value: object, written: object) -> None:
    assert safe_cell(value) == written


def test_the_report_xlsx_shows_hostile_titles_and_names_as_text(yen_bai: None, tmp_path: Path) -> None:
    # given a đề án title and every organisation's name typed as a formula
    Project.objects.filter(code="YB-KCDP22-01").update(title=HYPERLINK)
    Organization.objects.update(name=HYPERLINK)
    target = tmp_path / "yb.xlsx"

    # when the provincial report is written as Excel
    call_command(
        "kc_report",
        "provincial",
        "--province",
        "Yên Bái",
        "--year",
        "2022",
        "--months",
        "6",
        "--format",
        "xlsx",
        "--output",
        str(target),
    )

    # then the formulas are there as text only: the title once, and the implementers' names
    assert_no_formula(target.read_bytes(), HYPERLINK)
    hyperlinks = [cell for cell in text_cells(target.read_bytes()) if "HYPERLINK" in str(cell.value)]
    assert len(hyperlinks) > 1, "an organisation's name should be in the report too"


def test_report_titles_sections_tables_and_columns_are_text() -> None:
    # given a report whose every title is typed as a formula
    table = Table(HYPERLINK, [Column("-Tên"), Column("@Số", Col.COUNT), Column("Tiền", Col.MONEY)])
    table.add([HYPERLINK, 3, 1_700_000_000])
    table.add(["+Tổng", 3, 1_700_000_000], total=True)
    sections = [Section(HYPERLINK, [table], text=["=1+1", "Dòng thường"])]
    report = {"title": HYPERLINK, "scope": {"name": "=Tỉnh"}, "period": {"as_of": "2022-06-30"}}
    document = Document(issuer="=Sở", place="+Yên Bái", date=datetime.date(2022, 6, 30))

    # when it is written as Excel
    data = to_xlsx(report, sections, document)

    # then every title is text, and the figures stay numbers
    assert_no_formula(data, HYPERLINK, "=1+1", "-Tên", "@Số", "+Tổng", "=Tỉnh", "=SỞ", "+Yên Bái")
    numbers = [cell.value for cell in text_cells(data) if cell.data_type == "n"]
    assert numbers == [3, 1_700_000_000, 3, 1_700_000_000]


def test_the_excel_templates_show_listed_names_as_text() -> None:
    # given a KC content whose code is typed as a formula (the template lists the contents)
    ProjectContent.objects.create(code=HYPERLINK, name="Nội dung lạ", legal_basis="—")

    # when the đề án template is downloaded
    data = template_workbook("projects")

    # then the listed code is text
    assert_no_formula(data, HYPERLINK)


def test_the_error_copy_of_an_upload_shows_a_formula_name_as_text(laocai_officer: User) -> None:
    # given an upload whose facility name is a formula
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Cơ sở"
    sheet.append([c.header + (" *" if c.required else "") for c in FACILITY_COLUMNS])
    sheet.append(["CS-1", HYPERLINK, "Hộ kinh doanh", None, "Lào Cai", None, None, "01/08/2025"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = excel_import(buffer.getvalue(), kind="facilities", actor=laocai_officer)
    assert not result.report.ok

    # when the copy with its error column is written
    copy = error_copy(buffer.getvalue(), result)

    # then the name is there as text, and so is the message quoting it
    assert_no_formula(copy, HYPERLINK, "công thức")


def test_the_facility_csv_shows_a_formula_name_as_text(laocai_officer: User, make_facility: FacilityMaker) -> None:
    # given a facility whose name is typed as a formula
    make_facility(HYPERLINK)

    # when the officer exports the facilities as CSV
    response = client_for(laocai_officer).get(reverse("facilities:export"))

    # then the name is text that does not start a formula
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    names = [row[1] for row in rows[1:]]
    assert names == ["'" + HYPERLINK]
