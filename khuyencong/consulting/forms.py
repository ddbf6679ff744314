from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from khuyencong.core.forms import DATE_ERRORS, MoneyField
from khuyencong.organizations.models import Organization


class ConsultingForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Mã kỳ báo cáo"),
        max_length=60,
        help_text=gettext_lazy("Ví dụ TV-15-2022-9T; ghi lại cùng mã để sửa."),
        error_messages={"required": gettext_lazy("Xin nhập mã.")},
    )
    organization = forms.ModelChoiceField(
        label=gettext_lazy("Đơn vị"),
        queryset=Organization.objects.none(),
        empty_label=gettext_lazy("— Chọn —"),
        error_messages={"required": gettext_lazy("Xin chọn đơn vị.")},
    )
    year = forms.IntegerField(
        label=gettext_lazy("Năm"),
        min_value=2000,
        max_value=2100,
        error_messages={"required": gettext_lazy("Xin nhập năm.")},
    )
    period_end = forms.DateField(
        label=gettext_lazy("Số liệu tính đến ngày"),
        error_messages=DATE_ERRORS,
    )
    projects = forms.IntegerField(
        label=gettext_lazy("Số dự án tư vấn"),
        min_value=0,
        error_messages={"required": gettext_lazy("Xin nhập số dự án."), "min_value": gettext_lazy("Không thể âm.")},
    )
    revenue = MoneyField(
        label=gettext_lazy("Doanh thu (đồng)"), error_messages={"required": gettext_lazy("Xin nhập doanh thu.")}
    )
    planned_revenue = MoneyField(label=gettext_lazy("Doanh thu kế hoạch (đồng)"), required=False)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = units
