"""A list's Excel copy: a sheet name Excel accepts, moments in Vietnam's time, decimals kept (core/xlsx.py)."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from khuyencong.core.xlsx import SHEET_NAME_MAX, Plain, list_workbook, sheet_title


def read(response: Any) -> Any:
    return load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]


@pytest.mark.parametrize(
    ("title", "sheet"),
    [
        ("Đề án", "Đề án"),
        ("Thẩm định / phê duyệt: [lần 2]?", "Thẩm định - phê duyệt lần 2"),
        ("Chương trình khuyến công năm 2021–2025 của tỉnh", "Chương trình khuyến công năm…"),
        ("Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…"),
        ("*?:", "Danh sách"),
    ],
)
def test_a_sheet_is_named_as_excel_allows_cut_after_a_whole_word(title: str, sheet: str) -> None:
    assert sheet_title(title) == sheet
    assert len(sheet_title(title)) <= SHEET_NAME_MAX


def test_a_title_excel_would_refuse_still_makes_a_workbook() -> None:
    # Given a figure's label with a slash and brackets (openpyxl raises on such a sheet name)
    response = list_workbook("thu", "Đã nghiệm thu / thanh lý [2022]", [("Mã", 10)], [["A"]])

    # Then the workbook is made, its sheet named without them
    assert read(response).title == "Đã nghiệm thu - thanh lý 2022"


def test_a_moment_is_written_in_vietnam_s_time_and_a_fraction_keeps_its_decimals() -> None:
    # Given a job sent at 17:30 UTC (00:30 the next day in Hà Nội), a target of 6,5 and one of 40, a year
    sent = datetime.datetime(2026, 11, 28, 17, 30, tzinfo=datetime.UTC)
    rows = [[sent, Decimal("6.50"), Decimal("40.00"), Plain(2026)]]

    sheet = read(list_workbook("thu", "Thử", [("Lúc", 17), ("Chỉ tiêu", 10), ("Chỉ tiêu", 10), ("Năm", 8)], rows))

    # Then the moment is Vietnam's, to the minute; the fraction is shown with its decimals, the whole number without
    assert sheet["A2"].value == datetime.datetime(2026, 11, 29, 0, 30)
    assert sheet["A2"].number_format == "dd/mm/yyyy hh:mm"
    assert (sheet["B2"].value, sheet["B2"].number_format) == (6.5, "#,##0.0#")
    assert (sheet["C2"].value, sheet["C2"].number_format) == (40, "#,##0")
    assert (sheet["D2"].value, sheet["D2"].number_format) == (2026, "0")
