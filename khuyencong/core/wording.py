"""What a Vietnamese reader must never meet: an enumeration's code ("rule_violated", "machinery_application") or an
English word ("facilities", "Forbidden") in the text of a page, a file or a file name.

Used by the tests that scan every rendered page (the authorisation matrix renders every route for every persona) and
every generated file. Only what a person reads is scanned: the text between tags and the attributes read aloud or shown
(`title`, `aria-label`, `placeholder`, `alt`), never URLs, form values or scripts, where codes belong.
"""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser

from django.apps import apps

# English words that leaked before, or that a template or a message could let through; each is a whole word that no
# Vietnamese sentence contains. Names a reader meets in Vietnamese texts too (Excel, PDF, Word, API) are not here.
ENGLISH_WORDS = frozenset(
    {
        "facilities", "facility", "project", "projects", "payment", "payments", "report", "reports", "submit",
        "forbidden", "found", "none", "true", "false", "error", "errors", "draft", "approved", "rejected", "pending",
        "status", "province", "provinces", "organization", "organisation", "amount", "total", "page", "next",
        "previous", "search", "save", "cancel", "delete", "edit", "view", "download", "upload", "import", "export",
        "invalid", "required", "field", "this", "the", "and", "with", "from", "please", "must", "manage", "docs",
        "provincial", "national", "regional", "programme", "program", "dashboard", "queue", "login", "logout",
        "password", "username", "null", "nan", "undefined", "traceback", "exception",
    }
)  # fmt: skip
# Words a Vietnamese page may show as they are: proper names and the two languages' own names in the switch.
ALLOWED = frozenset(
    {"english", "tiếng", "excel", "pdf", "word", "json", "api", "email", "zip", "csv", "xlsx", "docx"}
)  # vi-only

SHOWN_ATTRIBUTES = frozenset({"title", "aria-label", "placeholder", "alt"})
HIDDEN_ELEMENTS = frozenset({"script", "style", "template"})
SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
# Whole words in any script: "thể" is one word, never "th" and "e".
WORD = re.compile(r"[^\W\d_]+")
# A rate written the English way on a Vietnamese page ("64.0%", not "64,0%").
ENGLISH_PERCENT = re.compile(r"\b\d+\.\d+\s?%")
# A date's pattern in English letters: a Vietnamese form says "ngày/tháng/năm".
ENGLISH_DATE_PATTERN = re.compile(r"\b(?:dd/mm/yy(?:yy)?|yyyy-mm-dd|mm/dd/yyyy)\b", re.IGNORECASE)
FILE_PATH = re.compile(r"\b(?:manage\.py|[\w-]+/[\w./-]+\.(?:md|py|html))\b")


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0
        # An element marked `translate="no"` or holding code (a record's code, a citation) is not prose.
        self.verbatim = 0
        self.stack: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        verbatim = values.get("translate") == "no" or tag in {"code", "kbd", "samp", "pre"}
        if tag in HIDDEN_ELEMENTS:
            self.hidden += 1
        if tag not in VOID_ELEMENTS:
            self.stack.append((tag, verbatim))
            self.verbatim += verbatim
        if not self.hidden and not self.verbatim:
            self.parts.extend(value for name, value in attrs if name in SHOWN_ATTRIBUTES and value)

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN_ELEMENTS and self.hidden:
            self.hidden -= 1
        while self.stack:
            opened, verbatim = self.stack.pop()
            self.verbatim -= verbatim
            if opened == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.hidden and not self.verbatim:
            self.parts.append(data)


VOID_ELEMENTS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"})


def _read(html: str) -> list[str]:
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return parser.parts


def visible_text(html: str) -> str:
    return "\n".join(part.strip() for part in _read(html) if part.strip())


@cache
def enumeration_codes() -> frozenset[str]:
    """Every stored value of every field with choices in the project's models: what a label must replace."""
    codes: set[str] = set()
    for model in apps.get_models():
        if not model.__module__.startswith("khuyencong."):
            continue
        for field in model._meta.get_fields():
            for value, _label in getattr(field, "flatchoices", None) or ():
                if isinstance(value, str) and re.fullmatch(r"[a-z][a-z0-9_]{3,}", value):
                    codes.add(value)
    return frozenset(codes)


def leaks(text: str, *, allowed: frozenset[str] = frozenset()) -> list[str]:
    """The codes and English words in a text a Vietnamese reader reads, each once, in order of appearance."""
    found: list[str] = []
    codes = enumeration_codes()
    for match in SNAKE.finditer(text):
        if match.group() not in allowed:
            found.append(match.group())
    for pattern in (FILE_PATH, ENGLISH_PERCENT, ENGLISH_DATE_PATTERN):
        found.extend(match.group() for match in pattern.finditer(text))
    for match in WORD.finditer(text):
        word = match.group()
        lower = word.lower()
        if lower in ALLOWED or word in allowed or lower in allowed:
            continue
        if lower in ENGLISH_WORDS or (word in codes and "_" not in word):
            found.append(word)
    return list(dict.fromkeys(found))


def page_leaks(html: str, *, allowed: frozenset[str] = frozenset()) -> list[str]:
    return leaks(visible_text(html), allowed=allowed)


def _visible_parts(html: str) -> list[str]:
    return [" ".join(part.split()) for part in _read(html) if part.strip()]


@cache
def interface_vietnamese() -> frozenset[str]:
    """The Vietnamese of every catalogue entry whose English differs: text of the interface, never of the records."""
    from khuyencong.core.catalogues import catalogue_files, read_catalogue

    found: set[str] = set()
    for po in catalogue_files():
        if po.parts[-3] != "en":
            # the project's Vietnamese for other packages' English (locale/vi) is not the interface's Vietnamese
            continue
        for message in read_catalogue(po):
            msgid = message.id if isinstance(message.id, str) else (message.id[0] if message.id else "")
            string = (
                message.string if isinstance(message.string, str) else (message.string[0] if message.string else "")
            )
            if msgid and "%" not in msgid and msgid != string and not message.fuzzy:
                found.add(" ".join(msgid.split()))
    return frozenset(found)


def untranslated(html: str, *, records: frozenset[str] = frozenset()) -> list[str]:
    """The interface's Vietnamese on a page read in English: a visible text that is wholly a catalogue's Vietnamese
    (a heading, a label, a button), each once. A record's own words (a name, a title) are rarely whole catalogue
    entries; those that are (a body named "Bộ Công Thương", a document titled "Hợp đồng") are given as `records`."""
    known = interface_vietnamese() - records
    found = [part for part in _visible_parts(html) if part in known or part.rstrip(":*").strip() in known]
    return list(dict.fromkeys(found))


def record_texts() -> frozenset[str]:
    """Every text stored in the project's tables (names, titles, labels of reference data, a complaint's words): what
    a page shows as a record's value rather than as the interface's words."""
    from django.db import models

    texts: set[str] = set()
    for model in apps.get_models():
        if not model.__module__.startswith("khuyencong."):
            continue
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField) and not f.choices
        ]
        if fields:
            for row in model._default_manager.values_list(*fields):
                texts.update(" ".join(value.split()) for value in row if isinstance(value, str) and value)
    return frozenset(texts)


def file_name(content_disposition: str) -> str:
    """The file name a download is saved under (RFC 6266: `filename*` in UTF-8 wins over `filename`)."""
    from urllib.parse import unquote

    extended = re.search(r"filename\*=(?:UTF-8|utf-8)''([^;]+)", content_disposition)
    if extended:
        return unquote(extended.group(1))
    plain = re.search(r'filename="?([^";]+)"?', content_disposition)
    return plain.group(1) if plain else ""


def file_text(content: bytes) -> str | None:
    """The text a reader reads in a generated file (PDF, Word, Excel, or the names in a ZIP), None for other files."""
    import io
    import zipfile

    if content[:4] == b"%PDF":
        from pypdf import PdfReader

        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)
    if content[:2] != b"PK":
        return None
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = archive.namelist()
        if "word/document.xml" in names:
            import docx

            document = docx.Document(io.BytesIO(content))
            cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
            return "\n".join([*(paragraph.text for paragraph in document.paragraphs), *cells])
        if "xl/workbook.xml" in names:
            import openpyxl

            workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
            texts = [sheet.title for sheet in workbook.worksheets]
            for sheet in workbook.worksheets:
                texts += [
                    str(value) for row in sheet.iter_rows(values_only=True) for value in row if isinstance(value, str)
                ]
            return "\n".join(texts)
        # An archive (the auditor's file): what a reader meets first are its members' names.
        return "\n".join(names)
