"""The fast sheet reader gives what openpyxl gives, as far as the upload reads it, or leaves the file to openpyxl."""

import datetime
import io
from typing import Any

from openpyxl import Workbook, load_workbook

from khuyencong.exchange.excel import MAX_ROWS, _fast_values, _text


def book(fill: Any) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Cơ sở"
    fill(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def openpyxl_rows(data: bytes) -> list[tuple[Any, ...]]:
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    return [tuple(row) for row in workbook["Cơ sở"].iter_rows(values_only=True)]


def as_read(rows: list[tuple[Any, ...]]) -> list[list[str]]:
    # What the upload takes from a cell: its text (or date); trailing empty rows and cells are never read.
    read = [[_text(v) for v in row] for row in rows]
    read = [row[: max((i + 1 for i, v in enumerate(row) if v), default=0)] for row in read]
    while read and not read[-1]:
        read.pop()
    return read


def test_values_as_openpyxl_gives_them() -> None:
    def fill(sheet: Any) -> None:
        sheet["C3"] = "Mã"
        sheet.append([None, None, "CS-1", 12, 2.5, datetime.date(2025, 8, 1), True, "", " a ", "01/08/2025"])
        sheet.append([])
        sheet.append([None, "Chè", 101234567, datetime.datetime(2025, 8, 1, 10, 30), False, -3])

    data = book(fill)
    fast = _fast_values(data, "Cơ sở")
    assert fast is not None
    rows = list(fast)
    assert as_read(rows) == as_read(openpyxl_rows(data))
    assert rows[3][5] == datetime.datetime(2025, 8, 1)


def test_formulas_and_errors_are_left_to_openpyxl() -> None:
    assert _fast_values(book(lambda sheet: sheet.append(["=1+1"])), "Cơ sở") is None
    assert _fast_values(book(lambda sheet: sheet.append(["a"])), "Cơ sở") is not None


def test_rows_past_the_limit_are_left_to_openpyxl() -> None:
    def fill(sheet: Any) -> None:
        sheet.append(["a"])
        sheet.cell(MAX_ROWS + 2, 1).number_format = "0"  # an empty row element, past the limit

    assert _fast_values(book(fill), "Cơ sở") is None
