"""The round's Excel sheets: entries (one product a row) and score sheets (one judge a sheet), checked row by row,
each error named by its sheet, row and column, all or nothing, through the same services as the pages."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from conftest import client_for
from khuyencong.organizations.models import Organization
from khuyencong.products.excel import ENTRY_COLUMNS, entries_import, scores_import, scores_template
from khuyencong.products.models import Entry, Score
from khuyencong.products.services import entry_register, round_create
from khuyencong.products.tests.conftest import NOW

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def entries_sheet(*rows: list[Any]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Sản phẩm dự bình chọn"
    sheet.append([c.header + (" *" if c.required else "") for c in ENTRY_COLUMNS])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def filled(template: bytes, sheets: dict[str, dict[str, list[Any]]]) -> bytes:
    """The downloaded template with each judge's points typed in, by product code."""
    workbook = load_workbook(io.BytesIO(template))
    for title, rows in sheets.items():
        sheet = workbook[title]
        for row in sheet.iter_rows(min_row=2):
            points = rows.get(str(row[0].value))
            if points is not None:
                for offset, value in enumerate(points):
                    sheet.cell(row[0].row, 3 + offset, value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class TestEntries:
    def test_the_organiser_registers_a_list_of_products(self, world: dict[str, Any]) -> None:
        result = entries_import(
            entries_sheet(["SP-1", "01/09/2026", None], ["SP-2", datetime.datetime(2026, 9, 2), None]),
            selection=world["round"],
            actor=world["people"]["commune"],
        )

        assert result.ok, result.lines()
        assert result.written == 2
        assert sorted(Entry.objects.values_list("product__code", "registered_on")) == [
            ("SP-1", D(2026, 9, 1)), ("SP-2", D(2026, 9, 2)),
        ]  # fmt: skip

    def test_every_bad_row_is_named_by_row_and_column_and_nothing_is_written(self, world: dict[str, Any]) -> None:
        result = entries_import(
            entries_sheet(
                ["SP-1", "01/09/2026", None],
                ["SP-404", "01/09/2026", None],
                ["SP-2", "31/02/2026", None],
                ["SP-1", "02/09/2026", None],
                ['=HYPERLINK("x")', "02/09/2026", None],
                ["SP-2", "01/12/2026", None],
            ),
            selection=world["round"],
            actor=world["people"]["commune"],
        )

        assert [(row, column, code) for _, row, column, code, _ in result.errors] == [
            (3, "Mã sản phẩm", "reference_missing"),
            (4, "Ngày đăng ký", "date_invalid"),
            (5, "Mã sản phẩm", "duplicate_entry"),
            (6, "Mã sản phẩm", "formula"),
            (7, "Mã sản phẩm", "duplicate_entry"),
        ]
        assert result.lines()[0].startswith("Trang «Sản phẩm dự bình chọn», dòng 3, cột «Mã sản phẩm»")
        assert not Entry.objects.exists()

    def test_a_refusal_of_the_service_is_named_on_its_column(self, world: dict[str, Any]) -> None:
        result = entries_import(
            entries_sheet(["SP-1", "01/09/2026", None], ["SP-2", "01/12/2026", None]),
            selection=world["round"],
            actor=world["people"]["commune"],
        )
        assert [(row, column, code) for _, row, column, code, _ in result.errors] == [
            (3, "Ngày đăng ký", "future_date")
        ]
        assert not Entry.objects.exists()

    def test_another_province_registers_nothing(self, world: dict[str, Any]) -> None:
        result = entries_import(
            entries_sheet(["SP-1", "01/09/2026", None]), selection=world["round"], actor=world["people"]["other"]
        )
        assert [code for *_, code, _ in result.errors] == ["reference_missing"]  # not a product it sees
        assert not Entry.objects.exists()

    def test_a_sheet_with_wrong_headers_or_not_a_spreadsheet_is_refused(self, world: dict[str, Any]) -> None:
        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.append(["Sản phẩm", "Ngày"])
        buffer = io.BytesIO()
        workbook.save(buffer)
        wrong = entries_import(buffer.getvalue(), selection=world["round"], actor=world["people"]["commune"])
        garbage = entries_import(b"not a zip", selection=world["round"], actor=world["people"]["commune"])

        assert [code for *_, code, _ in wrong.errors] == ["header"]
        assert [code for *_, code, _ in garbage.errors] == ["not_xlsx"]


@pytest.fixture
def entered(world: dict[str, Any]) -> dict[str, Any]:
    people = world["people"]
    for product, day in (("basket", 1), ("tray", 2)):
        entry_register(
            actor=people["rep"], selection=world["round"], product=world[product], registered_on=D(2026, 9, day)
        )
    return world


class TestScoreSheets:
    def test_a_judge_gets_only_their_own_sheet_and_fills_it(self, entered: dict[str, Any]) -> None:
        judge = entered["people"]["judge1"]
        template = scores_template(entered["round"], judge)
        assert load_workbook(io.BytesIO(template)).sheetnames == ["Hướng dẫn", "GK1"]

        result = scores_import(
            filled(template, {"GK1": {"SP-1": [35, 32.5, 8, 7], "SP-2": [30, None, None, None]}}),
            selection=entered["round"],
            actor=judge,
        )

        assert result.ok, result.lines()
        assert result.written == 5
        assert Score.objects.standing().get(entry__product__code="SP-1", criterion__code="economic").points == Decimal(
            "32.5"
        )
        # the same sheet again writes nothing new
        again = scores_import(
            filled(template, {"GK1": {"SP-1": [35, 32.5, 8, 7]}}), selection=entered["round"], actor=judge
        )
        assert again.written == 0
        assert Score.objects.count() == 5

    def test_points_above_the_maximum_or_not_numbers_are_named_and_nothing_is_written(
        self, entered: dict[str, Any]
    ) -> None:
        judge = entered["people"]["judge1"]
        template = scores_template(entered["round"], judge)
        result = scores_import(
            filled(template, {"GK1": {"SP-1": [35, 32, 12, 7], "SP-2": ["ba mươi", 30.123, 8, -1]}}),
            selection=entered["round"],
            actor=judge,
        )

        assert [(sheet, row, column, code) for sheet, row, column, code, _ in result.errors] == [
            ("GK1", 2, "Giá trị văn hóa, thẩm mỹ (tối đa 10)", "points_out_of_range"),
            ("GK1", 3, "Đáp ứng thị trường và tiềm năng phát triển sản xuất (tối đa 40)", "points_invalid"),
            ("GK1", 3, "Hiệu quả kinh tế - kỹ thuật - xã hội - môi trường (tối đa 40)", "points_invalid"),
            ("GK1", 3, "Các tiêu chí khác (tối đa 10)", "points_out_of_range"),
        ]
        assert not Score.objects.exists()

    def test_another_judges_sheet_is_refused(self, entered: dict[str, Any]) -> None:
        template = scores_template(entered["round"], entered["people"]["judge1"])
        result = scores_import(
            filled(template, {"GK1": {"SP-1": [35, 32, 8, 7]}}),
            selection=entered["round"],
            actor=entered["people"]["judge2"],
        )
        assert [(sheet, code) for sheet, _, _, code, _ in result.errors] == [("GK1", "out_of_scope")]
        assert not Score.objects.exists()

    def test_the_organiser_types_in_the_paper_sheet_of_a_judge_without_an_account(self, world: dict[str, Any]) -> None:
        people = world["people"]
        selection = round_create(
            actor=people["commune"], code="BC-GIAY", name="Chấm giấy", level="commune", year=2026,
            organizer=Organization.objects.get(code="UBND-BT"),
            judges=[("GK-A", "Giám khảo A", None), ("GK-B", "Giám khảo B", people["judge1"])],
        )  # fmt: skip
        entry_register(actor=people["rep"], selection=selection, product=world["basket"], registered_on=D(2026, 9, 1))
        template = scores_template(selection, people["commune"])
        # only the judge without an account: the other scores on their own sheet
        assert load_workbook(io.BytesIO(template)).sheetnames == ["Hướng dẫn", "GK-A"]

        result = scores_import(
            filled(template, {"GK-A": {"SP-1": [30, 30, 8, 8]}}), selection=selection, actor=people["commune"]
        )

        assert result.ok, result.lines()
        assert Score.objects.filter(judge__code="GK-A", recorded_by=people["commune"]).count() == 4


class TestPages:
    def test_the_page_gives_the_template_and_names_the_errors_of_an_upload(self, entered: dict[str, Any]) -> None:
        judge = client_for(entered["people"]["judge1"])
        template = judge.get(reverse("products:excel_template", args=["BC-XA-2026", "scores"]))
        assert template.status_code == 200
        outsider = client_for(entered["people"]["rep"])
        assert outsider.get(reverse("products:excel_template", args=["BC-XA-2026", "scores"])).status_code == 403
        assert judge.get(reverse("products:excel_template", args=["BC-XA-2026", "other"])).status_code == 404

        bad = filled(template.content, {"GK1": {"SP-1": [41, 32, 8, 7]}})
        response = judge.post(
            reverse("products:excel_upload", args=["BC-XA-2026", "scores"]),
            {"upload": SimpleUploadedFile("phieu.xlsx", bad)},
        )

        assert response.status_code == 400
        assert "Trang «GK1», dòng 2, cột «Đáp ứng thị trường" in response.content.decode()
        assert not Score.objects.exists()
        good = filled(template.content, {"GK1": {"SP-1": [35, 32, 8, 7]}})
        done = judge.post(
            reverse("products:excel_upload", args=["BC-XA-2026", "scores"]),
            {"upload": SimpleUploadedFile("phieu.xlsx", good)},
        )
        assert done.status_code == 302
        assert Score.objects.count() == 4
