"""Records named by a code the person chooses (facilities, plans, programmes, đề án): a code already taken is a
refusal with the machine code `duplicate_code` on the `code` field, whether it was taken long ago or a moment ago by
someone pressing "save" at the same time — the database's unique constraint is the arbiter of the second case."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, models, transaction
from django.urls import get_script_prefix, resolve, reverse
from django.utils.translation import gettext as _

DUPLICATE_CODE = "duplicate_code"
INVALID_CODE = "invalid_code"
RESERVED_CODE = "reserved_code"
# A code the pages address a record by (/products/<code>/) and name files with: letters, digits, ".", "-" and "_".
# A "/" stored once broke every page listing the record, its address could not be made.
CODE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*")
UNIQUE_VIOLATION = "23505"


def duplicate_code_error(what: str, code: str) -> ValidationError:
    return ValidationError(
        {
            "code": ValidationError(
                _("Mã %(what)s «%(code)s» đã có trong hệ thống; hãy chọn mã khác.") % {"what": what, "code": code},
                code=DUPLICATE_CODE,
            )
        }
    )


def require_code_form(code: str, what: str, *, addressed_by: str | None = None) -> None:
    """Refuses a code the pages could not address the record by, before anything is written: one with characters an
    address cannot hold, or one that is a fixed word of the address of its record (`addressed_by`, a URL name), such
    as a product coded «rounds», whose /products/rounds/ is the list of rounds."""
    if not CODE_PATTERN.fullmatch(code):
        raise ValidationError(
            {
                "code": ValidationError(
                    _("Mã %(what)s «%(code)s» chỉ được gồm chữ không dấu, số, dấu chấm, gạch ngang và gạch dưới.")
                    % {"what": what, "code": code},
                    code=INVALID_CODE,
                )
            }
        )
    if addressed_by is not None:
        # resolve() takes the path inside the site; reverse() gives it with the prefix the site is served under.
        path = reverse(addressed_by, kwargs={"code": code}).removeprefix(get_script_prefix())
        reached = resolve("/" + path)
        if reached.view_name != addressed_by or reached.kwargs.get("code") != code:
            raise ValidationError(
                {
                    "code": ValidationError(
                        _("Mã %(what)s «%(code)s» trùng một từ cố định trong địa chỉ trang; hãy chọn mã khác.")
                        % {"what": what, "code": code},
                        code=RESERVED_CODE,
                    )
                }
            )


def is_unique_violation(error: DatabaseError) -> bool:
    """Whether the database refused a row because a unique value is taken (PostgreSQL's SQLSTATE, SQLite's text)."""
    sqlstate = getattr(error.__cause__, "sqlstate", None)
    if sqlstate is not None:
        return bool(sqlstate == UNIQUE_VIOLATION)
    return "UNIQUE constraint failed" in str(error)


def require_free_code(model: type[models.Model], code: str, what: str) -> None:
    """Refuses a code already in use, before anything is written (the common case, with a clear message)."""
    manager: Any = model._default_manager
    if manager.filter(code=code).exists():
        raise duplicate_code_error(what, code)


@contextmanager
def created_under_new_code(model: type[models.Model], code: str, what: str) -> Iterator[None]:
    """Wraps the insert of a record under `code` in a savepoint: if someone else took the code since the check (two
    people saving at once), the loser gets the same refusal as if the code had been taken before."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as error:
        manager: Any = model._default_manager
        if is_unique_violation(error) and manager.filter(code=code).exists():
            raise duplicate_code_error(what, code) from error
        raise
