"""An administrative document as Decree 30/2020/NĐ-CP Phụ lục I lays it out — A4; margins 20 mm top and bottom, 30 mm
left, 15 mm right; Times New Roman 13–14 pt; the parent and issuing bodies beside the national motto; "Số: …"; place
and date in italics; the title; the text and tables; "Nơi nhận" and the signature block — written once as data and
rendered to an editable Word file (python-docx) and to PDF (WeasyPrint, from HTML)."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import translation
from docx import Document as WordDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

# Decree 30/2020/NĐ-CP (Art. 8 and Phụ lục I) prescribes the layout and the Vietnamese wording of administrative
# documents: they are Vietnamese whoever prints them, in whatever language the page around is read.
VIETNAMESE_ONLY = "Decree 30/2020/NĐ-CP Art. 8, Phụ lục I: administrative documents in Vietnamese"
FONT = "Times New Roman"


@dataclass
class Grid:
    """A table of text cells; `numeric` columns are right-aligned; `total_rows` are bold."""

    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    numeric: frozenset[int] = frozenset()
    total_rows: frozenset[int] = frozenset()
    caption: str = ""


@dataclass
class Part:
    title: str
    paragraphs: list[str] = field(default_factory=list)
    grids: list[Grid] = field(default_factory=list)


@dataclass
class Official:
    issuer: str
    title: str
    date: datetime.date
    place: str
    parent: str = ""
    number: str = "       /"
    subtitle: str = ""
    parts: list[Part] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    signer_title: str = ""
    signer: str = ""
    # Only on a PDF about to be signed: who signs and when, in ISO 8601 at 10 pt (Decree 30/2020 Phụ lục I).
    signature_note: str = ""

    @property
    def dated(self) -> str:
        return f"{self.place}, ngày {self.date:%d} tháng {self.date:%m} năm {self.date:%Y}"


def _run(paragraph: Paragraph, text: str, *, bold: bool = False, italic: bool = False, size: float = 13) -> None:
    run = paragraph.add_run(text)
    run.bold, run.italic = bold, italic
    run.font.name = FONT
    run.font.size = Pt(size)


def _centered(cell: _Cell, text: str, *, bold: bool = False, italic: bool = False, size: float = 13) -> None:
    paragraph = cell.paragraphs[0] if not cell.paragraphs[0].text else cell.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(paragraph, text, bold=bold, italic=italic, size=size)


def to_docx(doc: Official) -> bytes:
    word = WordDocument()
    for section in word.sections:
        section.page_height, section.page_width = Mm(297), Mm(210)
        section.top_margin, section.bottom_margin = Mm(20), Mm(20)
        section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = word.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(13)

    header = word.add_table(rows=1, cols=2)
    left, right = header.rows[0].cells
    if doc.parent:
        _centered(left, doc.parent.upper(), size=12)
    _centered(left, doc.issuer.upper(), bold=True, size=12)
    _centered(left, f"Số: {doc.number}")
    _centered(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12)
    _centered(right, "Độc lập - Tự do - Hạnh phúc", bold=True)
    _centered(right, doc.dated, italic=True)

    for text in (doc.title, doc.subtitle):
        if text:
            paragraph = word.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _run(paragraph, text, bold=True, size=14)
    for part in doc.parts:
        _run(word.add_paragraph(), part.title, bold=True)
        for line in part.paragraphs:
            paragraph = word.add_paragraph()
            paragraph.paragraph_format.first_line_indent = Mm(10)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            _run(paragraph, line)
        for grid in part.grids:
            if grid.caption:
                _run(word.add_paragraph(), grid.caption, bold=True, italic=True, size=12)
            table = word.add_table(rows=1, cols=len(grid.columns))
            table.style = "Table Grid"
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            for cell, title in zip(table.rows[0].cells, grid.columns, strict=True):
                _run(cell.paragraphs[0], title, bold=True, size=11)
            for index, row in enumerate(grid.rows):
                for column, (cell, value) in enumerate(zip(table.add_row().cells, row, strict=True)):
                    paragraph = cell.paragraphs[0]
                    if column in grid.numeric:
                        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                    _run(paragraph, value, bold=index in grid.total_rows, size=11)

    closing = word.add_table(rows=1, cols=2)
    recipients, signature = closing.rows[0].cells
    _run(recipients.paragraphs[0], "Nơi nhận:", bold=True, italic=True, size=12)
    for line in [*doc.recipients, "Lưu: VT"]:
        _run(recipients.add_paragraph(), f"- {line};" if line != "Lưu: VT" else f"- {line}.", size=11)
    _centered(signature, doc.signer_title.upper(), bold=True)
    for _ in range(3):
        signature.add_paragraph()
    _centered(signature, doc.signer, bold=True)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def to_pdf(*docs: Official) -> bytes:
    """One PDF of the documents given, each from a new page: one layout run for a whole dossier, since WeasyPrint's
    cost is mostly per run."""
    # Imported here: WeasyPrint loads Pango at import, which pages and tests that never print need not pay for.
    from weasyprint import HTML

    with translation.override("vi"):
        pdf: bytes = HTML(string=render_to_string("core/official.html", {"docs": docs})).write_pdf()
    return pdf
