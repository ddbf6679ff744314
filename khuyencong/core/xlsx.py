"""A list page's rows as an Excel workbook: the same filters as the page, every row, in constant memory.

openpyxl's write-only mode writes each row to disk as it comes, so a list of a million rows never sits in memory; the
workbook is built in a temporary file (a zip cannot be sent before its directory is written at the end) and then
streamed from it. Text cells go through `safe_cell` (never a formula); money stays a number, shown with thousands
separators; dates are dates, shown dd/mm/yyyy.
"""

from __future__ import annotations

import datetime
import re
import tempfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .csv import safe_cell
from .numbers import format_number

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel's last row is 1,048,576: past this the file would not open. A larger list is to be filtered, or taken as CSV.
MAX_ROWS = 1_048_000
MONEY_FORMAT = "#,##0"
DATE_FORMAT = "dd/mm/yyyy"


class Plain(int):
    """A whole number that is not an amount (a year): written as a number, without thousands separators (2022, not
    2.022)."""


class Percent(Decimal):
    """A percentage as the pages say it (20.7 for 20,7 %): written as the fraction 0.207 in a cell formatted as a
    percent, so that Excel shows 20,7 % and computes with it."""


# Excel refuses these in a sheet's name (openpyxl raises), and cuts a name at 31 characters.
SHEET_FORBIDDEN = re.compile(r"[\\/*?:\[\]]")
SHEET_NAME_MAX = 31


def sheet_title(text: str) -> str:
    """A sheet's name from a list's title: the characters Excel refuses («/» in «Thẩm định / phê duyệt») left out, and
    a long title cut after a whole word with «…» rather than in the middle of one."""
    words = " ".join(SHEET_FORBIDDEN.sub(lambda m: "-" if m.group() in "/\\" else " ", text).split())
    if len(words) <= SHEET_NAME_MAX:
        return words or _("Danh sách")
    cut = words[: SHEET_NAME_MAX - 1]
    if " " in cut and words[SHEET_NAME_MAX - 1] != " ":
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,.;·-") + "…"


def _cell(sheet: Any, value: Any) -> Any:
    if isinstance(value, Percent):
        cell = WriteOnlyCell(sheet, value=Decimal(value) / 100)
        cell.number_format = "0.0%"
        return cell
    if isinstance(value, datetime.datetime):
        # Excel has no time zone: the moment as read in Vietnam (Asia/Ho_Chi_Minh), to the minute.
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        cell = WriteOnlyCell(sheet, value=local.replace(tzinfo=None))
        cell.number_format = "dd/mm/yyyy hh:mm"
        return cell
    cell = WriteOnlyCell(sheet, value=int(value) if isinstance(value, Plain) else safe_cell(value))
    if isinstance(value, Plain):
        cell.number_format = "0"
    elif isinstance(value, Decimal) and value != value.to_integral_value():
        # A target of 6,5 or 20,7 (money is whole đồng): its decimals shown, not rounded away by the money format.
        cell.number_format = "#,##0.0#"
    elif isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        cell.number_format = MONEY_FORMAT
    elif isinstance(value, datetime.date):
        cell.number_format = DATE_FORMAT
    return cell


def list_workbook(
    filename: str, title: str, columns: Sequence[tuple[str, int]], rows: Iterable[Sequence[Any]]
) -> FileResponse:
    """`columns`: (heading, width in characters); `rows`: the values of each row, in the columns' order."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title(title))
    for index, (_heading, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    heading = []
    for name, _width in columns:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        heading.append(cell)
    sheet.append(heading)
    for written, row in enumerate(rows):
        if written >= MAX_ROWS:
            sheet.append(
                [
                    _("Danh sách dừng ở %(n)s dòng (giới hạn của Excel): hãy lọc hẹp hơn.")
                    % {"n": format_number(MAX_ROWS)}
                ]
            )
            break
        sheet.append([_cell(sheet, value) for value in row])
    out = tempfile.TemporaryFile()  # noqa: SIM115 - handed to FileResponse, which closes it
    workbook.save(out)
    out.seek(0)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return FileResponse(out, as_attachment=True, filename=f"{filename}-{stamp}.xlsx", content_type=CONTENT_TYPE)
