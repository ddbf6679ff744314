"""A periodic report as officials file it: an editable Word document (python-docx) and the PDF, laid out as Decree
30/2020/NĐ-CP Phụ lục I asks of an administrative document — A4, margins 20–25 mm top and bottom, 30–35 mm left,
15–20 mm right, Times New Roman 13–14 pt, the issuing body and the national motto side by side, "Số: …/BC-…", place
and date in italics, the title, the text, the signature block and "Nơi nhận"."""

from __future__ import annotations

import io
from typing import Any

from docx import Document as WordDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from khuyencong.reports.layout import Col, Section, cell_text
from khuyencong.reports.periods import Period
from khuyencong.reports.provincial import provincial_sections
from khuyencong.reports.render import Document, render

from .models import Submission
from .selectors import report_figures, submission_document
from .services import submission_sections

FONT = "Times New Roman"


def submission_content(submission: Submission) -> tuple[dict[str, Any], list[Section], Document]:
    """The report as it stands: as sent (frozen figures) once sent, else as it would be sent now."""
    if submission.figures is not None:
        data, figures = submission.figures, provincial_sections(submission.figures)
    else:
        period = Period.of(submission.period_start, submission.period_end)
        data, figures = report_figures(submission.duty, submission.organization, period)
    return data, submission_sections(submission, figures), submission_document(submission)


def submission_file(submission: Submission, fmt: str) -> bytes:
    """The report in a format: the PDF as sent is the stored one (it is what the level above received)."""
    if fmt == "pdf" and submission.pdf:
        with submission.pdf.open("rb") as handle:
            stored: bytes = handle.read()
            return stored
    data, sections, document = submission_content(submission)
    if fmt == "docx":
        return to_docx(submission, data, sections, document)
    return render(fmt, data, sections, document)


def _run(paragraph: Paragraph, text: str, *, bold: bool = False, italic: bool = False, size: float = 13) -> None:
    run = paragraph.add_run(text)
    run.bold, run.italic = bold, italic
    run.font.name = FONT
    run.font.size = Pt(size)


def _cell_paragraph(cell: _Cell, text: str, *, bold: bool = False, italic: bool = False, size: float = 13) -> None:
    paragraph = cell.paragraphs[0] if not cell.paragraphs[0].text else cell.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(paragraph, text, bold=bold, italic=italic, size=size)


def to_docx(submission: Submission, data: dict[str, Any], sections: list[Section], document: Document) -> bytes:
    word = WordDocument()
    for part in word.sections:
        part.page_height, part.page_width = Mm(297), Mm(210)
        part.top_margin, part.bottom_margin = Mm(20), Mm(20)
        part.left_margin, part.right_margin = Mm(30), Mm(15)
    style = word.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(13)

    header = word.add_table(rows=1, cols=2)
    left, right = header.rows[0].cells
    if document.parent:
        _cell_paragraph(left, document.parent.upper(), size=12)
    _cell_paragraph(left, document.issuer.upper(), bold=True, size=12)
    _cell_paragraph(left, f"Số: {document.number}", size=13)
    _cell_paragraph(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12)
    _cell_paragraph(right, "Độc lập - Tự do - Hạnh phúc", bold=True, size=13)
    _cell_paragraph(right, f"{document.place}, ngày {document.date:%d} tháng {document.date:%m} năm {document.date:%Y}",
                    italic=True, size=13)  # fmt: skip

    title = word.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(title, "BÁO CÁO", bold=True, size=14)
    subtitle = word.add_paragraph()
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(subtitle, data["title"], bold=True, size=14)
    as_of = data["period"]["as_of"]
    note = word.add_paragraph()
    note.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(note, f"(Số liệu tính đến ngày {as_of[8:10]}/{as_of[5:7]}/{as_of[:4]})", italic=True, size=13)

    for section in sections:
        heading = word.add_paragraph()
        _run(heading, section.title, bold=True)
        for line in section.text:
            paragraph = word.add_paragraph()
            paragraph.paragraph_format.first_line_indent = Mm(10)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            _run(paragraph, line)
        for table in section.tables:
            caption = word.add_paragraph()
            _run(caption, table.title, italic=True, bold=True, size=12)
            grid = word.add_table(rows=1, cols=len(table.columns))
            grid.style = "Table Grid"
            grid.alignment = WD_TABLE_ALIGNMENT.CENTER
            for cell, column in zip(grid.rows[0].cells, table.columns, strict=True):
                _run(cell.paragraphs[0], column.title, bold=True, size=11)
            for index, row in enumerate(table.rows):
                cells = grid.add_row().cells
                for cell, value, column in zip(cells, row, table.columns, strict=True):
                    paragraph = cell.paragraphs[0]
                    if column.kind != Col.TEXT:
                        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                    _run(paragraph, cell_text(value, column.kind), bold=index in table.total_rows, size=11)
            if table.note:
                remark = word.add_paragraph()
                _run(remark, table.note, italic=True, size=11)

    closing = word.add_table(rows=1, cols=2)
    recipients, signature = closing.rows[0].cells
    first = recipients.paragraphs[0]
    _run(first, "Nơi nhận:", bold=True, italic=True, size=12)
    for line in submission.duty.recipients.split(";"):
        _run(recipients.add_paragraph(), f"- {line.strip()};", size=11)
    _run(recipients.add_paragraph(), "- Lưu: VT.", size=11)
    _cell_paragraph(signature, document.signer_title.upper(), bold=True, size=13)
    for _ in range(3):
        signature.add_paragraph()
    _cell_paragraph(signature, document.signer, bold=True, size=13)

    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()
