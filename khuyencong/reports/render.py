"""One report, four formats: JSON (the figures), HTML (printable, the administrative document), XLSX (real numbers
with Vietnamese number formats) and PDF (A4, WeasyPrint, from the same HTML)."""

from __future__ import annotations

import datetime
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from khuyencong.core.csv import safe_cell

from .layout import Col, Section, Table, as_number, cell_text

VIETNAMESE_ONLY = (
    "a downloaded report is an official document (Decree 30/2020/NĐ-CP Art. 8): its header, motto, place and date are "
    "Vietnamese, and reports/views.py renders it under translation.override('vi')"
)


@dataclass(frozen=True)
class Document:
    """The administrative header and signature of a report (Decree 30/2020/NĐ-CP on official documents)."""

    issuer: str
    place: str
    date: datetime.date
    number: str = "       /BC-"
    parent: str = ""
    signer_title: str = "Giám đốc"
    signer: str = ""


FORMATS = ("json", "html", "xlsx", "pdf")


def to_json(report: dict[str, Any]) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"


def _cells(table: Table, link: Callable[[str], str] | None) -> list[dict[str, Any]]:
    rows = []
    # A figure's link sits on its count, so that the number itself opens the records; a đề án's on its code.
    counts = [i for i, column in enumerate(table.columns) if column.kind in (Col.COUNT, Col.MONEY)]
    figure_column = counts[0] if counts else 0
    for index, row in enumerate(table.rows):
        target = table.links[index] if index < len(table.links) else None
        at = 0 if target and target.startswith("project:") else figure_column
        cells = [
            {
                "text": cell_text(value, column.kind),
                "kind": column.kind.value,
                "link": link(target) if (link and target and i == at) else None,
            }
            for i, (value, column) in enumerate(zip(row, table.columns, strict=True))
        ]
        rows.append({"cells": cells, "total": index in table.total_rows})
    return rows


# How many characters a printed A4 line holds at the tables' size, how many a text column may claim before it wraps,
# and how short a text (a code, a state) is kept on one line.
LINE = 100
TEXT_CLAIM = 48
# A second long text (beneficiaries, implementer) claims less than the first (the title): it wraps to a few lines.
SECOND_CLAIM = 24
SHORT_TEXT = 18


def column_widths(table: Table) -> list[str]:
    """Each column's share of the printed table's width, in % (for a fixed table layout). Figures and short texts
    (codes, states) keep one line; the long texts (a đề án's title, its beneficiaries, its implementer) share what
    is left in proportion to their length; a header wraps between words, never inside one. A browser's automatic
    layout instead gave the shares to the headers and squeezed the title column to a word a line, and a half-year
    report ran to six pages."""
    fixed: dict[int, int] = {}
    long: dict[int, int] = {}
    for i, column in enumerate(table.columns):
        words = column.title.split()
        header = max([len(word) for word in words] + [min(len(column.title), 10), 3])
        # A quantity's words in place of a figure wrap within the figures' width.
        figures = [row[i] for row in table.rows if column.kind != Col.NUMBER or as_number(row[i]) is not None]
        widest = max((len(cell_text(value, column.kind)) for value in figures), default=1) + 1
        if column.kind != Col.TEXT or widest <= SHORT_TEXT:
            fixed[i] = max(header, widest)
        else:
            long[i] = max(header, min(widest, TEXT_CLAIM if not long else SECOND_CLAIM))
    room = LINE - sum(fixed.values())
    if long and sum(long.values()) > room:
        # The long texts wrap: they share the room the figures leave, and never less than half the line.
        room = max(room, LINE // 2)
        scale = Decimal(room) / Decimal(sum(long.values()))
        claims: dict[int, Decimal] = {i: Decimal(claim) * scale for i, claim in long.items()}
    else:
        claims = {i: Decimal(claim) for i, claim in long.items()}
    claims.update({i: Decimal(claim) for i, claim in fixed.items()})
    total = sum(claims.values())
    return [f"{claims[i] * 100 / total:.1f}" for i in range(len(table.columns))]


def table_context(sections: list[Section], link: Callable[[str], str] | None = None) -> list[dict[str, Any]]:
    return [
        {
            "title": section.title,
            "text": section.text,
            "tables": [
                {
                    "title": t.title,
                    "columns": t.columns,
                    "cells": _cells(t, link),
                    "note": t.note,
                    "widths": column_widths(t),
                }
                for t in section.tables
            ],
        }
        for section in sections
    ]


def to_html(report: dict[str, Any], sections: list[Section], document: Document) -> str:
    return render_to_string(
        "reports/document.html",
        {
            "report": report,
            "sections": table_context(sections),
            "document": document,
            "as_of": datetime.date.fromisoformat(report["period"]["as_of"]),
        },
    )


def to_pdf(report: dict[str, Any], sections: list[Section], document: Document) -> bytes:
    # Imported here: WeasyPrint loads Pango at import, which pages and tests that never print need not pay for.
    from weasyprint import HTML

    pdf: bytes = HTML(string=to_html(report, sections, document)).write_pdf()
    return pdf


NUMBER_FORMATS = {Col.COUNT: "#,##0", Col.MONEY: "#,##0", Col.PERCENT: "0.0%", Col.NUMBER: "#,##0"}
# A NUMBER with a fraction; not the whole numbers' format too, where Excel would write "3.000," with its separator.
FRACTION_FORMAT = "#,##0.0##"
# Excel's column width is in characters of the default font; a text column wider than this wraps instead of running
# a title across the screen, and a number column is never narrower than its widest figure.
WIDEST_TEXT = 45
NARROWEST = 8
BOLD = Font(bold=True)
CENTRED = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAPPED = Alignment(wrap_text=True, vertical="top")


def to_xlsx(report: dict[str, Any], sections: list[Section], document: Document) -> bytes:
    """Numbers are stored as numbers with a grouping format, so Excel shows them in the reader's own convention
    (1.700.000.000 in Vietnamese Excel) and they can be summed; a rate is the fraction (0,207) under a % format, so
    Excel shows 20,7% and computes with it. Text cells are neutralised against formulas. The sheet opens with the
    administrative header of the printed report (Decree 30/2020/NĐ-CP, Appendix I): issuing body and its superior,
    number, national motto, place and date, then the title."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Báo cáo"
    width = max([len(t.columns) for s in sections for t in s.tables] + [4])
    left = max(width // 2 - 1, 2)

    def put(row: int, first: int, last: int, value: Any, font: Font | None = None) -> None:
        # Titles and names come from records people typed (organisations, programmes, đề án): text, never formulas.
        cell = sheet.cell(row, first, safe_cell(value))
        if last > first:
            sheet.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
        cell.alignment = CENTRED
        if font is not None:
            cell.font = font

    put(1, 1, left, document.parent.upper())
    put(1, left + 1, width, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", BOLD)
    put(2, 1, left, document.issuer.upper(), BOLD)
    put(2, left + 1, width, "Độc lập - Tự do - Hạnh phúc", Font(bold=True, underline="single"))
    put(3, 1, left, f"Số: {document.number.strip()}")
    put(3, left + 1, width, place_date(document), Font(italic=True))
    put(5, 1, width, report["title"].upper(), Font(bold=True, size=13))
    as_of = datetime.date.fromisoformat(report["period"]["as_of"])
    put(6, 1, width, f"{report['scope']['name']} — số liệu tính đến ngày {as_of:%d/%m/%Y}", Font(italic=True))
    sheet.row_dimensions[5].height = 36

    def line(value: Any, font: Font | None = None) -> None:
        row = sheet.max_row + 1
        put(row, 1, width, value, font)
        sheet.cell(row, 1).alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)

    widths: dict[int, float] = {}
    for section in sections:
        sheet.append([])
        line(section.title, Font(bold=True, size=12))
        for text in section.text:
            line(text)
        for table in section.tables:
            line(table.title, Font(italic=True, bold=True))
            sheet.append([safe_cell(column.title) for column in table.columns])
            for i, column in enumerate(table.columns, start=1):
                cell = sheet.cell(sheet.max_row, i)
                cell.font = BOLD
                cell.alignment = CENTRED
                # A header wraps, but never inside a word.
                longest_word = max((len(word) for word in column.title.split()), default=0)
                widths[i] = max(widths.get(i, NARROWEST), longest_word + 2)
            for index, row in enumerate(table.rows):
                sheet.append([safe_cell(_xlsx_value(v, c.kind)) for v, c in zip(row, table.columns, strict=True)])
                for i, column in enumerate(table.columns, start=1):
                    cell = sheet.cell(sheet.max_row, i)
                    if column.kind in NUMBER_FORMATS and not isinstance(cell.value, str):
                        fraction = isinstance(cell.value, Decimal) and cell.value != cell.value.to_integral_value()
                        cell.number_format = FRACTION_FORMAT if fraction else NUMBER_FORMATS[column.kind]
                    else:
                        cell.alignment = WRAPPED
                    if index in table.total_rows:
                        cell.font = BOLD
                    shown = len(cell_text(row[i - 1], column.kind)) + 2
                    widths[i] = max(widths.get(i, NARROWEST), min(shown, WIDEST_TEXT))
    for i in range(1, width + 1):
        sheet.column_dimensions[get_column_letter(i)].width = widths.get(i, NARROWEST + 4)
    sheet.page_setup.orientation = "landscape" if width > 6 else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def place_date(document: Document) -> str:
    return f"{document.place}, ngày {document.date:%d} tháng {document.date:%m} năm {document.date:%Y}"


def _xlsx_value(value: Any, kind: Col) -> Any:
    if value is None or value == "":
        return None
    if kind in (Col.COUNT, Col.MONEY):
        return int(value)
    if kind == Col.NUMBER:
        number = as_number(value)
        return str(value) if number is None else number
    if kind == Col.PERCENT:
        # The fraction under a % format: Excel then shows 20,7% and a formula reads 0,207. A Decimal, so that no
        # float of ours rounds the report's figure.
        return Decimal(value) / 100
    return str(value)


def render(fmt: str, report: dict[str, Any], sections: list[Section], document: Document) -> bytes:
    if fmt == "json":
        return to_json(report).encode()
    if fmt == "html":
        return to_html(report, sections, document).encode()
    if fmt == "xlsx":
        return to_xlsx(report, sections, document)
    if fmt == "pdf":
        return to_pdf(report, sections, document)
    raise ValueError(f"Định dạng «{fmt}» không được hỗ trợ; chọn một trong: {', '.join(FORMATS)}.")
