"""The report files read as the documents they stand for: the XLSX opens on the administrative header with bold
merged titles, rates as real percentages and columns fitted to their content; the PDF's columns give the title the
width the figures leave, so that a report stays a few pages."""

from __future__ import annotations

import io
from dataclasses import replace
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from pypdf import PdfReader

from khuyencong.reports.layout import Col, Column, Table, cell_text
from khuyencong.reports.periods import Period
from khuyencong.reports.programme import programme_sections
from khuyencong.reports.render import column_widths, render
from khuyencong.reports.scope import resolve_scope
from khuyencong.reports.selectors import BuiltReport, report_build

pytestmark = pytest.mark.django_db

H1_2022 = Period.year(2022, months=6)


def yen_bai_report() -> BuiltReport:
    return report_build("provincial", resolve_scope(provinces=["Yên Bái"], on=H1_2022.as_of), H1_2022)


def sheet_of(built: BuiltReport) -> Worksheet:
    sheet = load_workbook(io.BytesIO(render("xlsx", built.data, built.sections, built.document))).active
    assert isinstance(sheet, Worksheet)
    return sheet


def test_the_workbook_opens_on_the_administrative_header(yen_bai: None) -> None:
    sheet = sheet_of(yen_bai_report())

    assert sheet["A1"].value == "UBND TỈNH YÊN BÁI"
    assert sheet["A2"].value == "SỞ CÔNG THƯƠNG TỈNH YÊN BÁI"
    assert sheet["A2"].font.bold
    assert sheet["A3"].value == "Số: /BC-SCT"
    right = [sheet.cell(row, 4).value for row in (1, 2, 3)]
    assert right == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Yên Bái, ngày 30 tháng 06 năm 2022",
    ]
    assert sheet["A5"].value == "BÁO CÁO TÌNH HÌNH THỰC HIỆN CÔNG TÁC KHUYẾN CÔNG 6 THÁNG ĐẦU NĂM 2022"
    assert sheet["A5"].font.bold


def test_the_titles_are_bold_and_merged_across_the_tables(yen_bai: None) -> None:
    sheet = sheet_of(yen_bai_report())

    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A1:C1", "A2:C2", "D1:H1", "A5:H5"} <= merged
    section = next(c for c in sheet["A"] if str(c.value).startswith("I. "))
    assert section.font.bold
    assert f"A{section.row}:H{section.row}" in merged


def test_a_rate_is_a_fraction_under_a_percent_format(yen_bai: None) -> None:
    sheet = sheet_of(yen_bai_report())

    rows = list(sheet.iter_rows())
    header = next(i for i, row in enumerate(rows) if [c.value for c in row[:3]] == ["Tình trạng", "Số đề án", "Tỷ lệ"])
    # KCĐP (the second such table is the national one's …): shares are 87,5% and 12,5% of eight approved đề án.
    shares = [rows[i][2] for i in range(header + 1, header + 4) if rows[i][2].value is not None]
    assert all(cell.number_format == "0.0%" for cell in shares)
    assert all(0 < Decimal(str(cell.value)) <= 1 for cell in shares)
    total = next(row for row in rows[header:] if row[0].value == "Tổng số đề án đã phê duyệt")
    assert total[2].value == 1
    assert total[2].number_format == "0.0%"


def test_the_columns_fit_their_content(yen_bai: None) -> None:
    sheet = sheet_of(yen_bai_report())

    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDEFG"}
    # The đề án's title column is wide and wraps; no column is the former 60 characters; a money column holds
    # 2.110.000.000.
    assert 30 <= widths["B"] <= 45
    assert max(widths.values()) <= 45
    assert widths["G"] >= len("2.110.000.000")
    title = next(row[1] for row in sheet.iter_rows() if row[0].value == "YB-KCDP22-01")
    assert title.alignment.wrap_text


def test_the_printed_columns_give_the_title_the_room_the_figures_leave() -> None:
    table = Table("Danh sách đề án", [Column("Mã"), Column("Tên đề án"), Column("Kinh phí hỗ trợ (đồng)", Col.MONEY)])
    title = "Hỗ trợ ứng dụng máy móc thiết bị tiên tiến vào sản xuất chè xanh chất lượng cao"
    table.add(["YB-1", title, 1_700_000_000])

    code, wide, money = (Decimal(w) for w in column_widths(table))

    assert wide > code + money
    # The figure keeps its 13 characters on one line of a 100-character line.
    assert money >= 13
    assert sum((code, wide, money)) == pytest.approx(100, abs=Decimal("0.2"))


def test_the_pdf_of_a_provincial_half_year_gives_the_title_column_its_room(yen_bai: None) -> None:
    built = yen_bai_report()

    pdf = PdfReader(io.BytesIO(render("pdf", built.data, built.sections, built.document)))

    # Eleven tables over two funding sources: six pages, each đề án of the lists on three to six lines, not twelve.
    assert len(pdf.pages) <= 6
    listing = next(t for s in built.sections for t in s.tables if t.title == "Danh sách đề án")
    widths = [Decimal(w) for w in column_widths(listing)]
    assert widths[1] == max(widths)
    words = " ".join(" ".join(page.extract_text() for page in pdf.pages).split())
    assert "Hỗ trợ ứng dụng máy móc thiết bị trong chế biến gỗ (đợt 1, số 1)" in words.replace("- ", "")
    assert "docs/reports.md" not in words


def programme_with_targets(*targets: tuple[str, str, str, str | None]) -> BuiltReport:
    """Long An's programme report, its targets (indicator, unit, target, achieved) as given."""
    year = Period.year(2022)
    built = report_build("programme", resolve_scope(provinces=["Long An"], on=year.as_of), year, program="CTKC-LA")
    built.data["targets"] = [
        {"indicator": name, "unit": unit, "target": target, "achieved": achieved, "percent": None}
        for name, unit, target, achieved in targets
    ]
    return replace(built, sections=programme_sections(built.data))


TARGETS = (
    ("Kinh phí hỗ trợ", "đồng", "5310000000000", "4000000000"),
    ("Đường dây điện", "km", "12.5", "3.25"),
    ("Lao động được đào tạo nghề", "người", "3000", None),
)


def targets_table(built: BuiltReport) -> list[list[str]]:
    [table] = [t for s in built.sections for t in s.tables if t.title == "Mục tiêu của chương trình"]
    return [[cell_text(v, c.kind) for v, c in zip(row, table.columns, strict=True)] for row in table.rows]


def test_a_programme_s_targets_are_written_as_numbers(south: None) -> None:
    # Given a programme whose targets are large, fractional, or not yet reached by any result
    built = programme_with_targets(*TARGETS)
    # Then the page writes them the Vietnamese way, and says which has no result yet
    assert [row[2:4] for row in targets_table(built)] == [
        ["5.310.000.000.000", "4.000.000.000"],
        ["12,5", "3,25"],
        ["3.000", "chưa có số liệu kết quả"],
    ]
    # and in English the English way
    with translation.override("en"):
        assert [row[2:4] for row in targets_table(built)][:2] == [
            ["5,310,000,000,000", "4,000,000,000"],
            ["12.5", "3.25"],
        ]
    # and the workbook holds numbers under a format that writes a fraction only where there is one
    sheet = sheet_of(built)
    cells = {sheet.cell(row, 1).value: (sheet.cell(row, 3), sheet.cell(row, 4)) for row in range(1, sheet.max_row + 1)}
    money, line, workers = cells["Kinh phí hỗ trợ"], cells["Đường dây điện"], cells["Lao động được đào tạo nghề"]
    assert (money[0].value, money[0].number_format) == (Decimal("5310000000000"), "#,##0")
    assert (line[0].value, line[0].number_format) == (Decimal("12.5"), "#,##0.0##")
    assert (line[1].value, workers[0].value) == (Decimal("3.25"), Decimal("3000"))
    # (the words standing in for a figure wrap as text, under no number format)
    assert (workers[1].value, workers[1].number_format) == ("chưa có số liệu kết quả", "General")
    assert workers[1].alignment.wrap_text


def test_a_programme_s_total_in_millions_is_said_in_the_reader_s_language(south: None) -> None:
    built = programme_with_targets(*TARGETS)
    [section] = programme_sections(built.data)
    assert "(500 triệu đồng)" in section.text[0]
    with translation.override("en"):
        [section] = programme_sections(built.data)
    assert "(500 million VND)" in section.text[0]
