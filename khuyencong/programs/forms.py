from __future__ import annotations

from decimal import Decimal
from typing import Any

from babel.numbers import NumberFormatError, parse_decimal
from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from khuyencong.core.forms import DATE_ERRORS, MoneyField
from khuyencong.core.untrusted import column_limits
from khuyencong.organizations.models import Organization

from .models import BudgetKind, FundingSource, Program, ProgramTarget


def _target_problem(indicator: str, value: Decimal, unit: str) -> str | None:
    """What the target's columns cannot hold, said with the line's own words."""
    limits = column_limits({name: ProgramTarget._meta.get_field(name) for name in ("indicator", "value", "unit")})
    for label, text, name in ((_("tên chỉ tiêu"), indicator, "indicator"), (_("đơn vị"), unit, "unit")):
        if len(text) > limits.text[name]:
            return _("%(what)s dài %(length)s ký tự, tối đa %(limit)s ký tự.") % {
                "what": label,
                "length": len(text),
                "limit": limits.text[name],
            }
    if abs(value) > limits.numbers["value"]:
        return _("giá trị %(value)s quá lớn.") % {"value": value}
    return None


class BudgetDecisionForm(forms.Form):
    on = forms.DateField(label=_("Ngày quyết định"), error_messages=DATE_ERRORS)
    kind = forms.ChoiceField(label=_("Loại"), choices=BudgetKind.choices)
    amount = MoneyField(label=_("Dự toán (đồng)"), error_messages={"required": _("Xin nhập số tiền.")})
    decision = forms.CharField(label=_("Số, ký hiệu quyết định"), max_length=100, required=False)


class AllocationForm(forms.Form):
    on = forms.DateField(label=_("Ngày phân bổ"), error_messages=DATE_ERRORS)
    to = forms.ModelChoiceField(
        label=_("Đơn vị được giao"),
        queryset=Organization.objects.none(),
        empty_label=_("— Chọn —"),
        error_messages={"required": _("Xin chọn đơn vị.")},
    )
    amount = MoneyField(label=_("Số tiền (đồng)"), error_messages={"required": _("Xin nhập số tiền.")})
    decision = forms.CharField(label=_("Số, ký hiệu quyết định"), max_length=100, required=False)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = units


class PlanForm(forms.Form):
    code = forms.CharField(label=_("Mã kế hoạch"), max_length=40, error_messages={"required": _("Xin nhập mã.")})
    year = forms.IntegerField(
        label=_("Năm"), min_value=2000, max_value=2100, error_messages={"required": _("Xin nhập năm.")}
    )
    funding_source = forms.ChoiceField(label=_("Nguồn kinh phí"), choices=FundingSource.choices)
    owner = forms.ModelChoiceField(
        label=pgettext_lazy("a plan's", "Cơ quan chủ quản"),
        queryset=Organization.objects.none(),
        empty_label=_("— Chọn —"),
        error_messages={"required": _("Xin chọn cơ quan.")},
    )
    program = forms.ModelChoiceField(
        label=_("Thuộc chương trình"), queryset=Program.objects.none(), required=False, empty_label=_("— Không —")
    )

    def __init__(self, *args: Any, owners: Any, programs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, queryset in (("owner", owners), ("program", programs)):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = queryset


class ProgramForm(forms.Form):
    code = forms.CharField(label=_("Mã chương trình"), max_length=40, error_messages={"required": _("Xin nhập mã.")})
    name = forms.CharField(label=_("Tên chương trình"), max_length=300, error_messages={"required": _("Xin nhập tên.")})
    owner = forms.ModelChoiceField(
        label=_("Cơ quan phê duyệt"),
        queryset=Organization.objects.none(),
        empty_label=_("— Chọn —"),
        error_messages={"required": _("Xin chọn cơ quan.")},
    )
    start_year = forms.IntegerField(label=_("Từ năm"), min_value=2000, max_value=2100)
    end_year = forms.IntegerField(label=_("Đến năm"), min_value=2000, max_value=2100)
    targets = forms.CharField(
        label=_("Chỉ tiêu (mỗi dòng: tên | giá trị | đơn vị)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Ví dụ: Việc làm mới | 3.000 | người"),
    )

    def __init__(self, *args: Any, owners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["owner"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = owners

    def clean_targets(self) -> list[tuple[str, Decimal, str]]:
        targets = []
        for number, line in enumerate(self.cleaned_data["targets"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            if len(parts) != 3 or not parts[0] or not parts[2]:
                raise forms.ValidationError(_("Dòng %(n)s: cần đúng 3 phần «tên | giá trị | đơn vị».") % {"n": number})
            try:
                value = parse_decimal(parts[1], locale="vi_VN", strict=True)
            except NumberFormatError as exc:
                raise forms.ValidationError(
                    _("Dòng %(n)s: giá trị «%(value)s» không phải số (ví dụ 5.310 hoặc 6.047,5).")
                    % {"n": number, "value": parts[1]}
                ) from exc
            if problem := _target_problem(parts[0], value, parts[2]):
                raise forms.ValidationError(_("Dòng %(n)s: %(problem)s") % {"n": number, "problem": problem})
            targets.append((parts[0], value, parts[2]))
        return targets

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start_year") and data.get("end_year") and data["start_year"] > data["end_year"]:
            self.add_error("end_year", _("Năm kết thúc phải sau năm bắt đầu."))
        return data


class PlanFilterForm(forms.Form):
    """The plans list's filters: one of the years of the user's plans, and the day the figures are taken on."""

    year = forms.TypedChoiceField(
        label=_("Năm kế hoạch"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("Hãy chọn một năm có kế hoạch trong phạm vi của bạn.")},
    )
    as_of = forms.DateField(label=_("Tính đến ngày"), required=False, error_messages=DATE_ERRORS)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        # Its own ids: the page's creation form has a year field too.
        kwargs.setdefault("auto_id", "filter-%s")
        super().__init__(*args, **kwargs)
        year = self.fields["year"]
        assert isinstance(year, forms.TypedChoiceField)
        year.choices = [("", _("Tất cả")), *((str(y), str(y)) for y in years)]
