from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone

from khuyencong.core.forms import DATE_ERRORS, MoneyField, VoidForm
from khuyencong.facilities.models import Facility
from khuyencong.geography.models import AdminUnit
from khuyencong.organizations.models import Organization
from khuyencong.programs.models import FundingSource, Plan

from .models import DocumentKind, Indicator, PaymentKind, Project, ProjectContent, ProjectKind
from .workflow import Action, State


class ProjectFilterForm(forms.Form):
    q = forms.CharField(label="Mã hoặc tên đề án", required=False, max_length=200)
    year = forms.IntegerField(label="Năm kế hoạch", required=False, min_value=2000, max_value=2100)
    funding_source = forms.ChoiceField(label="Nguồn", required=False, choices=[("", "Tất cả"), *FundingSource.choices])
    state = forms.ChoiceField(label="Trạng thái", required=False, choices=[("", "Tất cả"), *State.choices])
    content = forms.ModelChoiceField(
        label="Nội dung", required=False, queryset=ProjectContent.objects.all(), empty_label="Tất cả"
    )
    round = forms.IntegerField(label="Đợt", required=False, min_value=1, max_value=20)
    province = forms.ModelChoiceField(
        label="Tỉnh (hiện nay)",
        required=False,
        queryset=AdminUnit.objects.current().provinces().order_by("name"),
        empty_label="Tất cả",
    )
    implementer = forms.ModelChoiceField(
        label="Đơn vị thực hiện", required=False, queryset=Organization.objects.all(), empty_label="Tất cả"
    )
    as_of = forms.DateField(label="Tính đến ngày", required=False, error_messages=DATE_ERRORS)


class EventForm(forms.Form):
    action = forms.ChoiceField(label="Thao tác", choices=Action.choices)
    on = forms.DateField(label="Ngày", error_messages=DATE_ERRORS)
    amount = MoneyField(label="Số tiền (đồng)", required=False)
    percent = forms.DecimalField(
        label="Khối lượng hoàn thành (%)",
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=2,
        error_messages={
            "invalid": "Tỷ lệ phải là số từ 0 đến 100.",
            "min_value": "Tỷ lệ từ 0 đến 100.",
            "max_value": "Tỷ lệ từ 0 đến 100.",
        },
    )
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


class CounterpartForm(forms.Form):
    on = forms.DateField(label="Ngày chứng từ", error_messages=DATE_ERRORS)
    amount = MoneyField(label="Số tiền đối ứng (đồng)", error_messages={"required": "Xin nhập số tiền."})
    document = forms.CharField(
        label="Số chứng từ", max_length=100, error_messages={"required": "Xin nhập số chứng từ."}
    )
    description = forms.CharField(label="Nội dung chi", max_length=300, required=False)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label="Loại tài liệu", choices=DocumentKind.choices)
    title = forms.CharField(label="Tên tài liệu", max_length=255, required=False)
    upload = forms.FileField(
        label="Tệp (PDF, Word, Excel, ảnh; tối đa 20 MB)",
        error_messages={"required": "Xin chọn tệp.", "empty": "Tệp rỗng."},
    )


class ProjectCreateForm(forms.Form):
    code = forms.CharField(label="Mã đề án", max_length=60, required=False, help_text="Bỏ trống để hệ thống tự đặt.")
    title = forms.CharField(label="Tên đề án", max_length=500, error_messages={"required": "Xin nhập tên đề án."})
    plan = forms.ModelChoiceField(
        label="Kế hoạch",
        queryset=Plan.objects.none(),
        empty_label="— Chọn —",
        error_messages={"required": "Xin chọn kế hoạch."},
    )
    content = forms.ModelChoiceField(
        label="Nội dung",
        queryset=ProjectContent.objects.all(),
        empty_label="— Chọn —",
        error_messages={"required": "Xin chọn nội dung."},
    )
    kind = forms.ChoiceField(label="Loại đề án", choices=ProjectKind.choices)
    round = forms.IntegerField(label="Đợt", required=False, min_value=1, max_value=20)
    implementer = forms.ModelChoiceField(
        label="Đơn vị thực hiện",
        queryset=Organization.objects.none(),
        empty_label="— Chọn —",
        error_messages={"required": "Xin chọn đơn vị."},
    )
    beneficiaries = forms.CharField(
        label="Mã cơ sở thụ hưởng",
        required=False,
        max_length=2000,
        help_text="Các mã cách nhau bởi dấu phẩy, ví dụ: YB-F-R2-1, YB-F-R2-2",
    )
    total_cost = MoneyField(label="Tổng kinh phí (đồng)", required=False)
    support_requested = MoneyField(label="Kinh phí khuyến công đề nghị (đồng)", required=False)
    counterpart = MoneyField(label="Vốn đối ứng (đồng)", required=False)

    def __init__(self, *args: Any, plans: Any, implementers: Any, facilities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, queryset in (("plan", plans), ("implementer", implementers)):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = queryset
        self.facilities = facilities

    def clean_beneficiaries(self) -> list[Facility]:
        codes = [c.strip() for c in self.cleaned_data["beneficiaries"].replace(";", ",").split(",") if c.strip()]
        found = {f.code: f for f in self.facilities.filter(code__in=codes)}
        unknown = [c for c in codes if c not in found]
        if unknown:
            raise forms.ValidationError(f"Không tìm thấy cơ sở trong phạm vi của bạn: {', '.join(unknown)}.")
        return [found[c] for c in dict.fromkeys(codes)]


class ResultForm(forms.Form):
    indicator = forms.ChoiceField(label="Chỉ tiêu", choices=Indicator.choices)
    value = forms.DecimalField(
        label="Giá trị",
        min_value=0,
        max_digits=14,
        decimal_places=2,
        error_messages={
            "invalid": "Giá trị phải là số.",
            "min_value": "Giá trị không thể âm.",
            "required": "Xin nhập giá trị.",
        },
    )
    on = forms.DateField(label="Ngày", error_messages=DATE_ERRORS)


class EventCorrectForm(forms.Form):
    """Supersedes a step with corrected values: the same step, by the same body."""

    reason = VoidForm.base_fields["reason"]
    on = forms.DateField(label="Ngày đúng", error_messages=DATE_ERRORS)
    amount = MoneyField(label="Số tiền đúng (đồng)", required=False)
    percent = EventForm.base_fields["percent"]
    document = forms.CharField(label="Số, ký hiệu văn bản", required=False, max_length=100)
    note = forms.CharField(label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class HistoryForm(forms.Form):
    """ "Nhập lịch sử": a step another body took before the đề án was in the system, entered in that body's name."""

    action = forms.ChoiceField(label="Bước đã diễn ra", choices=Action.choices)
    organization = forms.ModelChoiceField(
        label="Cơ quan đã thực hiện",
        queryset=Organization.objects.order_by("name"),
        empty_label="— Chọn cơ quan —",
        error_messages={"required": "Xin chọn cơ quan đã thực hiện bước này."},
    )
    on = forms.DateField(label="Ngày", error_messages=DATE_ERRORS)
    amount = MoneyField(label="Số tiền (đồng)", required=False)
    percent = EventForm.base_fields["percent"]
    document = forms.CharField(label="Số, ký hiệu văn bản", required=False, max_length=100)

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The bodies that can have taken a step of this đề án: its implementer, the national bodies and those of its
        # province (the Sở, the UBND, the centre), not every body of the country.
        province = project.province_id
        field = self.fields["organization"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organization.objects.filter(
            Q(pk=project.implementer_id)
            | Q(territory__isnull=True)
            | Q(territory=province)
            | Q(territory__current_province=province)
        ).order_by("name")

    note = forms.CharField(label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    # A decision taken by a body (approval, rejection, its answers to requests) is cited by its number.
    DECISIONS = frozenset({Action.APPROVED, Action.REJECTED, Action.ADJUSTMENT_APPROVED, Action.ADJUSTMENT_REFUSED,
                           Action.STOPPED, Action.STOP_REFUSED, Action.CONTRACT_SIGNED})  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") in self.DECISIONS and not (data.get("document") or "").strip():
            self.add_error("document", "Bước này là một quyết định, hợp đồng: xin ghi số, ký hiệu văn bản.")
        return data
