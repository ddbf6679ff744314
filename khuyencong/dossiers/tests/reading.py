"""A generated form read back as a person would: the text of a Word file (paragraphs and table cells) and of a PDF."""

from __future__ import annotations

import io

from docx import Document as WordDocument
from pypdf import PdfReader


def text_of_docx(content: bytes) -> str:
    word = WordDocument(io.BytesIO(content))
    cells = [c.text for t in word.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in word.paragraphs] + cells)


def text_of_pdf(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())
