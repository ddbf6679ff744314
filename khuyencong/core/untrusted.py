"""Reading what arrives from outside — an uploaded JSON document, a spreadsheet's cells — so that no value can reach
the database in a form it refuses: the refusal is ours, with a code and a Vietnamese message, never a 500.

PostgreSQL refuses NUL bytes in text and numbers wider than their column; SQLite stores both and the record is then
unreadable or silently wrong. Python's JSON parser recurses once per nesting level, so a few hundred kilobytes of
brackets exhaust the stack."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils.translation import gettext as _

# Far deeper than any exchange document (6 levels) and far shallower than Python's recursion limit.
MAX_DEPTH = 32

# C0 controls other than tab, line feed and carriage return, and lone UTF-16 surrogates (which JSON's \ud800 escapes
# can produce but no UTF-8 database can store).
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


class InputRefused(ValueError):
    """A whole input refused before anything is read from it."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def text_problem(text: str) -> str | None:
    """Why this text cannot be stored, or None."""
    found = _FORBIDDEN.search(text)
    if found is None:
        return None
    char = found.group()
    if "\ud800" <= char <= "\udfff":
        return _("Văn bản chứa ký tự không hợp lệ (nửa cặp UTF-16).")
    return _("Văn bản chứa ký tự điều khiển U+%(code)s (ví dụ ký tự NUL); hãy xoá ký tự đó.") % {
        "code": f"{ord(char):04X}"
    }


def validate_text(value: Any) -> None:
    """A field validator: refuses text with control characters or lone surrogates (code `text_invalid`)."""
    if isinstance(value, str) and (problem := text_problem(value)) is not None:
        raise ValidationError(problem, code="text_invalid")


def _refuse_constant(name: str) -> Any:
    raise ValueError(_("%(name)s không phải số") % {"name": name})


def load_json(raw: bytes) -> Any:
    """The document in `raw`, with exact decimals; refused (InputRefused) if not UTF-8, not JSON, or too deep."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputRefused("encoding", _("Tệp phải được mã hoá UTF-8.")) from error
    try:
        return json.loads(text, parse_float=Decimal, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise InputRefused(
            "json_malformed",
            _("JSON sai cú pháp ở dòng %(line)s, cột %(column)s: %(problem)s.")
            % {"line": error.lineno, "column": error.colno, "problem": error.msg},
        ) from error
    except ValueError as error:
        raise InputRefused("json_malformed", _("JSON sai cú pháp: %(problem)s.") % {"problem": error}) from error
    except RecursionError as error:
        raise InputRefused("json_too_deep", _too_deep()) from error


def _too_deep() -> str:
    return _("Tài liệu lồng nhau quá %(n)s cấp; định dạng trao đổi không có cấu trúc sâu như vậy.") % {"n": MAX_DEPTH}


@dataclass(frozen=True)
class Limits:
    """What the columns behind a document hold, keyed by the path without indexes ("projects.events.document")."""

    text: Mapping[str, int]
    numbers: Mapping[str, int | Decimal]


def column_limits(fields: Mapping[str, object]) -> Limits:
    """The limits of the model fields named by each document path: max_length of text, the largest number that fits
    a decimal or integer column (the standard SQL ranges, the same on every database)."""
    text: dict[str, int] = {}
    numbers: dict[str, int | Decimal] = {}
    for path, field in fields.items():
        if isinstance(field, models.CharField) and field.max_length:
            text[path] = field.max_length
        elif isinstance(field, models.DecimalField):
            digits, places = int(field.max_digits or 0), int(field.decimal_places or 0)
            numbers[path] = Decimal(10) ** (digits - places) - Decimal(10) ** -places
        elif isinstance(field, models.IntegerField):
            numbers[path] = BaseDatabaseOperations.integer_field_ranges[field.get_internal_type()][1]
    return Limits(text, numbers)


@dataclass(frozen=True)
class Problem:
    path: str
    code: str
    message: str


def hostile_values(document: Any, limits: Limits) -> Iterator[Problem]:
    """Every value in `document` that no column could store: too deep, text with control characters or longer than
    its column, a number wider than its column. Walked without recursion, so depth itself cannot break the walk."""
    stack: list[tuple[Any, str, str, int]] = [(document, "$", "", 0)]
    while stack:
        value, path, pattern, depth = stack.pop()
        if depth > MAX_DEPTH:
            yield Problem(path, "json_too_deep", _too_deep())
            return
        if isinstance(value, dict):
            for key, item in reversed(list(value.items())):
                if (problem := text_problem(str(key))) is not None:
                    yield Problem(path, "text_invalid", problem)
                    continue
                stack.append((item, f"{path}.{key}", f"{pattern}.{key}" if pattern else str(key), depth + 1))
        elif isinstance(value, list):
            stack.extend((item, f"{path}[{i}]", pattern, depth + 1) for i, item in reversed(list(enumerate(value))))
        elif isinstance(value, str):
            if (problem := text_problem(value)) is not None:
                yield Problem(path, "text_invalid", problem)
            elif pattern in limits.text and len(value) > limits.text[pattern]:
                yield Problem(
                    path,
                    "text_too_long",
                    _("Dài %(length)s ký tự, quá mức tối đa %(limit)s ký tự.")
                    % {"length": len(value), "limit": limits.text[pattern]},
                )
        elif isinstance(value, int | Decimal) and not isinstance(value, bool):
            largest = limits.numbers.get(pattern)
            number = Decimal(value)
            if largest is not None and (not number.is_finite() or abs(number) > Decimal(largest)):
                yield Problem(
                    path,
                    "number_out_of_range",
                    _("Số %(value)s vượt quá giới hạn (%(limit)s).") % {"value": value, "limit": largest},
                )
