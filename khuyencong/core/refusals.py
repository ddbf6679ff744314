"""Refusals with a stable machine code beside the Vietnamese message, so that the import report, the API and the
pages say the same thing in the same words, and a client can act on the code without parsing the text."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

# A refusal raised without its own code: a rule of the service, stated in its message.
RULE_VIOLATED = "rule_violated"


def refuse(field: str, message: str, code: str) -> ValidationError:
    """A service's refusal of one field, with its code (`future_date`, `out_of_scope`, …)."""
    return ValidationError({field: ValidationError(message, code=code)})


def not_future(on: datetime.date, what: str) -> None:
    """No record is dated after today (in Hà Nội): what has not happened cannot be recorded."""
    if on > timezone.localdate():
        raise refuse(
            "on", _("%(what)s ngày %(day)s ở tương lai.") % {"what": what, "day": f"{on:%d/%m/%Y}"}, "future_date"
        )


class Refused(PermissionDenied):
    """A refusal for who asks rather than for what they typed (403 on a page and in the API), with its code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class OutOfScope(Refused):
    """A write outside the writer's territory; an import names `out_of_scope`."""

    code = "out_of_scope"

    def __init__(self, message: str) -> None:
        super().__init__("out_of_scope", message)


def codes_of(error: ValidationError) -> dict[str, list[str]]:
    """The codes of each field's refusals (`rule_violated` where a message came without one)."""
    if hasattr(error, "error_dict"):
        return {name: [item.code or RULE_VIOLATED for item in items] for name, items in error.error_dict.items()}
    return {"__all__": [item.code or RULE_VIOLATED for item in error.error_list]}


def first_code(error: ValidationError) -> str:
    for codes in codes_of(error).values():
        for code in codes:
            if code != RULE_VIOLATED:
                return code
    return RULE_VIOLATED
