"""The translation catalogues: where they are, compiling them, and the strings the code marks for translation.

Each app keeps its English catalogue beside its code (`khuyencong/<app>/locale/en/LC_MESSAGES/django.po`, where
Django's `makemessages` writes an app's strings when the app has a `locale` folder); the project's `locale/` holds what
belongs to no app. They are compiled by Babel, which is pure Python, so a fresh machine needs no gettext tools to run
the product (`make messages`, also run by `make setup` and `make test`); only extracting new strings does
(`make extract`, with Debian's `gettext`).

The marked strings are read the way `makemessages` reads them: Python with Babel's extractor and Django's keywords,
templates through Django's own `templatize`, so that a test can say which marked string has no English yet.
"""

from __future__ import annotations

import ast
import io
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_python
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

BASE_DIR = Path(__file__).resolve().parents[2]
# Django's own gettext names (django.utils.translation) and the `_` they are imported as.
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}


def catalogue_files(base: Path = BASE_DIR) -> list[Path]:
    """Every catalogue: the apps' and the project's, for Python and templates (django.po) and for scripts
    (djangojs.po: the project's Vietnamese for the Django admin's scripts)."""
    return sorted(
        [
            *base.glob("locale/*/LC_MESSAGES/django*.po"),
            *base.glob("khuyencong/*/locale/*/LC_MESSAGES/django*.po"),
        ]
    )


def compile_catalogues(base: Path = BASE_DIR, *, force: bool = False) -> list[Path]:
    """Writes each catalogue's .mo when it is missing or older than its .po; returns those written."""
    written = []
    for po in catalogue_files(base):
        mo = po.with_suffix(".mo")
        if force or not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source:
                catalog = read_po(source, locale=po.parts[-3])
            with mo.open("wb") as target:
                write_mo(target, catalog)
            written.append(mo)
    return written


def read_catalogue(po: Path) -> Catalog:
    with po.open("rb") as source:
        return read_po(source, locale=po.parts[-3])


@dataclass(frozen=True)
class Marked:
    """A string the code marks for translation, and where."""

    msgid: str
    context: str | None
    plural: str | None
    path: Path
    line: int

    @property
    def key(self) -> str | tuple[str, str]:
        return (self.msgid, self.context) if self.context else self.msgid


def _messages(path: Path, source: str) -> Iterator[Marked]:
    for lineno, funcname, message, _comments in extract_python(io.BytesIO(source.encode()), KEYWORDS, [], {}):
        parts: tuple[Any, ...] = message if isinstance(message, tuple) else (message,)
        if str(funcname).startswith(("pgettext", "npgettext")):
            context, msgid, plural = parts[0], parts[1], (parts[2] if len(parts) > 2 else None)
        else:
            context, msgid, plural = None, parts[0], (parts[1] if len(parts) > 1 else None)
        # A call with a variable (gettext(label)) has no literal to translate here.
        if isinstance(msgid, str) and msgid:
            yield Marked(msgid, context if isinstance(context, str) else None, plural, path, lineno)


def marked_in_python(path: Path) -> Iterator[Marked]:
    yield from _messages(path, path.read_text(encoding="utf-8"))


def marked_in_template(path: Path) -> Iterator[Marked]:
    from django.utils.translation.template import templatize

    # templatize writes for xgettext, which reads no indentation: a line opening on {% translate … %} comes out one
    # column deeper than its neighbours, which Python's tokenizer (under Babel's extractor) refuses as an unindent that
    # matches no level. Each call stands on one line (templatize writes its strings with repr), so the lines are read
    # flush left, their numbers kept.
    lines = templatize(path.read_text(encoding="utf-8"), origin=str(path)).split("\n")
    yield from _messages(path, "\n".join(line.lstrip() for line in lines))


def marked_in(paths: Iterable[Path]) -> Iterator[Marked]:
    for path in paths:
        if path.suffix == ".py":
            yield from marked_in_python(path)
        elif path.suffix in {".html", ".txt"}:
            yield from marked_in_template(path)


# A letter only Vietnamese writes (a tone mark, a horn or đ): text that holds one is Vietnamese prose.
VIETNAMESE = re.compile(
    r"[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]",
    re.IGNORECASE,  # vi-only
)
# Text that is Vietnamese in every language: an official document of Decree 30/2020, a citation, a name. A module says
# so by `VIETNAMESE_ONLY = "why"`; a statement or a whole function by this comment on it (on the `def` line); a
# template by `{# vi-only: why #}`.
PRAGMA = "# vi-only"


@dataclass(frozen=True)
class Unmarked:
    """Vietnamese text a reader would meet untranslated in English."""

    text: str
    path: Path
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text[:80]!r}"


def _exempt_lines(tree: ast.Module, lines: list[str]) -> set[int]:
    exempt: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and PRAGMA in lines[node.lineno - 1]:
            exempt.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Module) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                exempt.update(range(first.lineno, (first.end_lineno or first.lineno) + 1))
    compound = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.If, ast.For, ast.While, ast.With, ast.Try)
    for node in ast.walk(tree):
        # The comment on any line of a simple statement covers the statement, as a formatter may wrap it.
        if isinstance(node, ast.stmt) and not isinstance(node, compound):
            span = range(node.lineno, (node.end_lineno or node.lineno) + 1)
            if any(PRAGMA in lines[number - 1] for number in span):
                exempt.update(span)
    for number, line in enumerate(lines, start=1):
        if PRAGMA in line:
            exempt.add(number)
    return exempt


def unmarked_in_python(path: Path) -> Iterator[Unmarked]:
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    for statement in tree.body:
        if isinstance(statement, ast.Assign | ast.AnnAssign):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            if any(isinstance(target, ast.Name) and target.id == "VIETNAMESE_ONLY" for target in targets):
                return
    lines = source.splitlines()
    exempt = _exempt_lines(tree, lines)
    marked: set[int] = set()
    for call in ast.walk(tree):
        if isinstance(call, ast.Call):
            name = call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", "")
            if name in KEYWORDS:
                marked.update(id(arg) for arg in call.args)
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str) and VIETNAMESE.search(node.value)):
            continue
        if id(node) in marked:
            continue
        span = range(node.lineno, (node.end_lineno or node.lineno) + 1)
        if any(line in exempt for line in span):
            continue
        yield Unmarked(node.value.strip(), path, node.lineno)


_TEXT_OPENING = {"blocktranslate": "endblocktranslate", "blocktrans": "endblocktrans", "comment": "endcomment"}
_MARKED_LITERAL = re.compile(r"""_\((?:"[^"]*"|'[^']*')\)""")


def unmarked_in_template(path: Path) -> Iterator[Unmarked]:
    """Vietnamese text of a template outside {% translate %}; none in a template that declares itself Vietnamese in
    every language with a `{# vi-only: why #}` comment (an official document's layout)."""
    from django.template.base import Lexer, TokenType

    source = path.read_text(encoding="utf-8")
    if "{# vi-only" in source:
        return
    closing: str | None = None
    for token in Lexer(source).tokenize():
        contents = token.contents
        if token.token_type == TokenType.BLOCK:
            name = contents.split(maxsplit=1)[0] if contents else ""
            if closing is not None:
                closing = None if name == closing else closing
                continue
            if name in _TEXT_OPENING:
                closing = _TEXT_OPENING[name]
                continue
            if name in {"translate", "trans"}:
                continue
        if closing is not None or token.token_type == TokenType.COMMENT:
            continue
        text = _MARKED_LITERAL.sub("", contents) if token.token_type != TokenType.TEXT else contents
        if VIETNAMESE.search(text):
            yield Unmarked(" ".join(text.split()), path, token.lineno or 0)


if __name__ == "__main__":
    for mo in compile_catalogues(force="--force" in sys.argv):
        sys.stdout.write(f"compiled {mo.relative_to(BASE_DIR)}\n")
