from __future__ import annotations

from typing import Any

from django import forms

from khuyencong.core.forms import MoneyField
from khuyencong.organizations.models import Organization

from .models import BudgetKind

DATE_ERRORS = {"invalid": "Ngày phải có dạng dd/mm/yyyy, ví dụ 15/03/2022.", "required": "Xin nhập ngày."}


class BudgetDecisionForm(forms.Form):
    on = forms.DateField(label="Ngày quyết định", error_messages=DATE_ERRORS)
    kind = forms.ChoiceField(label="Loại", choices=BudgetKind.choices)
    amount = MoneyField(label="Dự toán (đồng)", error_messages={"required": "Xin nhập số tiền."})
    decision = forms.CharField(label="Số, ký hiệu quyết định", max_length=100, required=False)


class AllocationForm(forms.Form):
    on = forms.DateField(label="Ngày phân bổ", error_messages=DATE_ERRORS)
    to = forms.ModelChoiceField(
        label="Đơn vị được giao",
        queryset=Organization.objects.none(),
        empty_label="— Chọn —",
        error_messages={"required": "Xin chọn đơn vị."},
    )
    amount = MoneyField(label="Số tiền (đồng)", error_messages={"required": "Xin nhập số tiền."})
    decision = forms.CharField(label="Số, ký hiệu quyết định", max_length=100, required=False)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = units
