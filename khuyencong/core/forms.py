from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

T = TypeVar("T")

DATE_ERRORS = {
    "invalid": _("Ngày không hợp lệ: ghi một ngày có thật, dạng ngày/tháng/năm, ví dụ 30/06/2022."),
    "required": _("Xin nhập ngày."),
}

_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+$")


class KeyedMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A choice of several rows by key whose keys beyond 64 bits are refused as unknown: SQLite raises OverflowError
    for such an integer in an IN list (a 500), where an exact lookup is answered empty."""

    def clean(self, value: Any) -> Any:
        for key in value if isinstance(value, list | tuple) else ():
            try:
                number = int(key)
            except (TypeError, ValueError):
                continue
            if not -(2**63) <= number < 2**63:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": key}
                )
        return super().clean(value)


class MoneyField(forms.Field):
    """An exact whole number of đồng, typed plainly (1700000000) or grouped the Vietnamese way (1.700.000.000)."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "maxlength": "30"})

    def prepare_value(self, value: Any) -> Any:
        return value if not isinstance(value, Decimal) else f"{value:,.0f}".replace(",", ".")

    def to_python(self, value: Any) -> Decimal | None:
        text = (
            str(value or "").replace(" ", "").replace("\u00a0", "").removesuffix("đồng").removesuffix("đ")
        )  # vi-only: a unit typed
        if not text:
            return None
        if _GROUPED.match(text):
            text = text.replace(".", "")
        if not text.isdigit():
            raise forms.ValidationError(
                _(
                    "Số tiền phải là số nguyên đồng, không âm, viết liền (1700000000) hoặc có dấu chấm phân nhóm "
                    "(1.700.000.000)."
                ),
                code="money_format",
            )
        try:
            amount = Decimal(text)
        except InvalidOperation as exc:  # pragma: no cover - isdigit() already guarantees a number
            raise forms.ValidationError(_("Số tiền không hợp lệ."), code="money_format") from exc
        if amount >= Decimal(10) ** 18:
            raise forms.ValidationError(_("Số tiền quá lớn."), code="money_too_large")
        return amount


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """A service's refusal shown where it belongs: on the named field if the form has it, else above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def run_service(form: forms.Form, write: Callable[[], T]) -> T | None:
    """Runs a service on a valid form; its validation errors land on the form and nothing is written."""
    try:
        return write()
    except ValidationError as error:
        add_service_errors(form, error)
        return None


# A list filter naming a place or body the user may not choose: whether it exists elsewhere is not told (the same
# words for one outside the user's territory and one that is none).
OUTSIDE_PLACE = _("Không có địa bàn này trong phạm vi của bạn.")
OUTSIDE_BODY = _("Không có cơ quan, đơn vị này trong phạm vi của bạn.")


def filters_that_hold(form: forms.Form) -> dict[str, Any]:
    """The filters of a list's form that hold, each refused one at its empty value: a list asked with one bad value
    (a year typed «abc», a province outside the user's territory from a colleague's link) is still narrowed by the
    others, and the page says which was left out (web/_filter_errors.html) rather than failing or ignoring them all."""
    held: dict[str, Any] = {}
    if form.is_bound:
        form.is_valid()  # cleans every field: the valid ones are in cleaned_data even when others are refused
        held = form.cleaned_data
    return {
        name: held.get(name, getattr(field, "empty_value", field.to_python(None)))
        for name, field in form.fields.items()
    }


def date_from_query(text: str | None) -> datetime.date | None:
    """A date typed in a query string, in any of the Vietnamese input formats (ngày/tháng/năm …); None if it is not
    one."""
    try:
        return forms.DateField(required=False).clean(text)
    except ValidationError:
        return None


class VoidForm(forms.Form):
    """Voids a record entered by mistake: it stays in the history, struck out, with this reason."""

    reason = forms.CharField(
        label=_("Lý do huỷ bỏ"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Xin ghi lý do huỷ bỏ."), "max_length": _("Lý do dài quá 500 ký tự.")},
    )
