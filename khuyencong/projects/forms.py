from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from khuyencong.core.forms import MoneyField
from khuyencong.programs.models import FundingSource

from .models import DocumentKind, PaymentKind, ProjectContent
from .workflow import Action, State

DATE_ERRORS = {"invalid": "Ngày phải có dạng dd/mm/yyyy, ví dụ 30/06/2022.", "required": "Xin nhập ngày."}


class ProjectFilterForm(forms.Form):
    q = forms.CharField(label="Mã hoặc tên đề án", required=False, max_length=200)
    year = forms.IntegerField(label="Năm kế hoạch", required=False, min_value=2000, max_value=2100)
    funding_source = forms.ChoiceField(label="Nguồn", required=False, choices=[("", "Tất cả"), *FundingSource.choices])
    state = forms.ChoiceField(label="Trạng thái", required=False, choices=[("", "Tất cả"), *State.choices])
    content = forms.ModelChoiceField(
        label="Nội dung", required=False, queryset=ProjectContent.objects.all(), empty_label="Tất cả"
    )
    round = forms.IntegerField(label="Đợt", required=False, min_value=1, max_value=20)
    as_of = forms.DateField(label="Tính đến ngày", required=False, error_messages=DATE_ERRORS)


class EventForm(forms.Form):
    action = forms.ChoiceField(label="Thao tác", choices=Action.choices)
    on = forms.DateField(label="Ngày", error_messages=DATE_ERRORS)
    amount = MoneyField(label="Số tiền (đồng)", required=False)
    percent = forms.DecimalField(
        label="Khối lượng hoàn thành (%)", required=False, min_value=0, max_value=100, decimal_places=2,
        error_messages={"invalid": "Tỷ lệ phải là số từ 0 đến 100.", "min_value": "Tỷ lệ từ 0 đến 100.",
                        "max_value": "Tỷ lệ từ 0 đến 100."},
    )  # fmt: skip
    document = forms.CharField(label="Số, ký hiệu văn bản", required=False, max_length=100)
    note = forms.CharField(label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, actions: list[Action], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        action_field = self.fields["action"]
        assert isinstance(action_field, forms.ChoiceField)
        action_field.choices = [(a.value, a.label) for a in actions]
        self.fields["on"].initial = timezone.localdate


class PaymentForm(forms.Form):
    kind = forms.ChoiceField(label="Loại", choices=PaymentKind.choices)
    on = forms.DateField(label="Ngày chứng từ", error_messages=DATE_ERRORS)
    amount = MoneyField(label="Số tiền (đồng)", error_messages={"required": "Xin nhập số tiền."})
    document = forms.CharField(label="Số chứng từ", required=False, max_length=100)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label="Loại tài liệu", choices=DocumentKind.choices)
    title = forms.CharField(label="Tên tài liệu", max_length=255, required=False)
    upload = forms.FileField(label="Tệp (PDF, Word, Excel, ảnh; tối đa 20 MB)",
                             error_messages={"required": "Xin chọn tệp.", "empty": "Tệp rỗng."})  # fmt: skip
