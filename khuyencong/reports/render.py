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

from .layout import Col, Section, Table, cell_text


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


def table_context(sections: list[Section], link: Callable[[str], str] | None = None) -> list[dict[str, Any]]:
    return [
        {
            "title": section.title,
            "text": section.text,
            "tables": [
                {"title": t.title, "columns": t.columns, "cells": _cells(t, link), "note": t.note}
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


NUMBER_FORMATS = {Col.COUNT: "#,##0", Col.MONEY: "#,##0", Col.PERCENT: "0.0"}


def to_xlsx(report: dict[str, Any], sections: list[Section], document: Document) -> bytes:
    """Numbers are stored as numbers with a grouping format, so Excel shows them in the reader's own convention
    (1.700.000.000 in Vietnamese Excel) and they can be summed. Text cells are neutralised against formulas."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Báo cáo"

    def append(*values: Any) -> None:
        # Titles and names come from records people typed (organisations, programmes, đề án): text, never formulas.
        sheet.append([safe_cell(value) for value in values])

    append(document.issuer.upper())
    append("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM — Độc lập - Tự do - Hạnh phúc")
    append(f"{document.place}, ngày {document.date:%d/%m/%Y}")
    append(report["title"])
    sheet.cell(sheet.max_row, 1).font = Font(bold=True, size=13)
    append(f"{report['scope']['name']} — số liệu tính đến ngày "
           f"{datetime.date.fromisoformat(report['period']['as_of']):%d/%m/%Y}")  # fmt: skip
    widths: dict[int, int] = {}
    for section in sections:
        append()
        append(section.title)
        sheet.cell(sheet.max_row, 1).font = Font(bold=True, size=12)
        for line in section.text:
            append(line)
        for table in section.tables:
            append(table.title)
            sheet.cell(sheet.max_row, 1).font = Font(italic=True, bold=True)
            append(*(column.title for column in table.columns))
            for i in range(1, len(table.columns) + 1):
                sheet.cell(sheet.max_row, i).font = Font(bold=True)
                sheet.cell(sheet.max_row, i).alignment = Alignment(wrap_text=True, vertical="top")
            for index, row in enumerate(table.rows):
                append(*(_xlsx_value(value, column.kind) for value, column in zip(row, table.columns, strict=True)))
                for i, column in enumerate(table.columns, start=1):
                    cell = sheet.cell(sheet.max_row, i)
                    if column.kind in NUMBER_FORMATS:
                        cell.number_format = NUMBER_FORMATS[column.kind]
                    if index in table.total_rows:
                        cell.font = Font(bold=True)
                    widths[i] = max(widths.get(i, 8), min(len(cell_text(row[i - 1], column.kind)) + 2, 60))
    for i, width in widths.items():
        sheet.column_dimensions[get_column_letter(i)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_value(value: Any, kind: Col) -> Any:
    if value is None or value == "":
        return None
    if kind in (Col.COUNT, Col.MONEY):
        return int(value)
    if kind == Col.PERCENT:
        # The percentage itself (20.7), formatted "0.0", rather than the fraction 0.207 Excel's % format wants: the
        # file then shows the very number of the report, and openpyxl writes the Decimal without a float in our code.
        return Decimal(value)
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
