from __future__ import annotations

from typing import Any

from django import forms

from khuyencong.core.forms import DATE_ERRORS, MoneyField
from khuyencong.organizations.models import Organization


class ConsultingForm(forms.Form):
    code = forms.CharField(
        label="Mã kỳ báo cáo",
        max_length=60,
        help_text="Ví dụ TV-15-2022-9T; ghi lại cùng mã để sửa.",
        error_messages={"required": "Xin nhập mã."},
    )
    organization = forms.ModelChoiceField(
        label="Đơn vị",
        queryset=Organization.objects.none(),
        empty_label="— Chọn —",
        error_messages={"required": "Xin chọn đơn vị."},
    )
    year = forms.IntegerField(label="Năm", min_value=2000, max_value=2100, error_messages={"required": "Xin nhập năm."})
    period_end = forms.DateField(
        label="Số liệu tính đến ngày",
        error_messages=DATE_ERRORS,
    )
    projects = forms.IntegerField(
        label="Số dự án tư vấn",
        min_value=0,
        error_messages={"required": "Xin nhập số dự án.", "min_value": "Không thể âm."},
    )
    revenue = MoneyField(label="Doanh thu (đồng)", error_messages={"required": "Xin nhập doanh thu."})
    planned_revenue = MoneyField(label="Doanh thu kế hoạch (đồng)", required=False)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = units
