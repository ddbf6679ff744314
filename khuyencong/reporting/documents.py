"""A periodic report as officials file it: an editable Word document (python-docx) and the PDF, laid out as Decree
30/2020/NĐ-CP Phụ lục I asks of an administrative document — A4, margins 20–25 mm top and bottom, 30–35 mm left,
15–20 mm right, Times New Roman 13–14 pt, the issuing body and the national motto side by side, "Số: …/BC-…", place
and date in italics, the title, the text, the signature block and "Nơi nhận"."""

from __future__ import annotations

from typing import Any

from django.utils import translation

from khuyencong.core.official import Grid, Official, Part
from khuyencong.core.official import to_docx as official_docx
from khuyencong.reports.layout import Col, Section, cell_text
from khuyencong.reports.periods import Period
from khuyencong.reports.provincial import provincial_sections
from khuyencong.reports.render import Document, render

from .models import Submission
from .selectors import report_figures, submission_document
from .services import submission_sections

# The report as filed is an administrative document (Decree 30/2020/NĐ-CP Art. 8): its text is Vietnamese whoever
# downloads it, and the files are built inside translation.override("vi").
VIETNAMESE_ONLY = "the periodic report as filed: an administrative document under Decree 30/2020/NĐ-CP Art. 8"


def submission_content(submission: Submission) -> tuple[dict[str, Any], list[Section], Document]:
    """The report as it stands: as sent (frozen figures) once sent, else as it would be sent now."""
    if submission.figures is not None:
        data, figures = submission.figures, provincial_sections(submission.figures)
    else:
        period = Period.of(submission.period_start, submission.period_end)
        data, figures = report_figures(submission.duty, submission.organization, period)
    return data, submission_sections(submission, figures), submission_document(submission)


def submission_file(submission: Submission, fmt: str) -> bytes:
    """The report in a format: the PDF as sent is the stored one (it is what the level above received). Built in
    Vietnamese whoever downloads it: an administrative document (Decree 30/2020/NĐ-CP Art. 8)."""
    if fmt == "pdf" and submission.pdf:
        with submission.pdf.open("rb") as handle:
            stored: bytes = handle.read()
            return stored
    with translation.override("vi"):
        data, sections, document = submission_content(submission)
        if fmt == "docx":
            return to_docx(submission, data, sections, document)
        return render(fmt, data, sections, document)


def to_docx(submission: Submission, data: dict[str, Any], sections: list[Section], document: Document) -> bytes:
    """The report as an editable Word file, through the one Decree 30 layout every generated document uses."""
    as_of = data["period"]["as_of"]
    official = Official(
        issuer=document.issuer,
        parent=document.parent,
        number=document.number,
        place=document.place,
        date=document.date,
        title="BÁO CÁO",
        subtitle=f"{data['title']} (số liệu tính đến ngày {as_of[8:10]}/{as_of[5:7]}/{as_of[:4]})",
        parts=[_part(section) for section in sections],
        recipients=[line.strip() for line in submission.duty.recipients.split(";") if line.strip()],
        signer_title=document.signer_title,
        signer=document.signer,
    )
    return official_docx(official)


def _part(section: Section) -> Part:
    return Part(
        section.title,
        list(section.text),
        [
            Grid(
                [column.title for column in table.columns],
                [[cell_text(value, column.kind) for value, column in zip(row, table.columns, strict=True)]
                 for row in table.rows],
                numeric=frozenset(i for i, column in enumerate(table.columns) if column.kind != Col.TEXT),
                total_rows=frozenset(table.total_rows),
                caption=table.title,
            )
            for table in section.tables
        ],
    )  # fmt: skip
