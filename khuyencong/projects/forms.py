from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.core.codelists import SEPARATOR_NAME, join_codes, split_codes
from khuyencong.core.forms import DATE_ERRORS, OUTSIDE_BODY, OUTSIDE_PLACE, MoneyField, VoidForm
from khuyencong.facilities.models import Facility
from khuyencong.geography.models import AdminUnit
from khuyencong.organizations.models import Organization
from khuyencong.programs.models import FundingSource, Plan

from .models import DocumentKind, Indicator, PaymentKind, Project, ProjectContent, ProjectKind
from .workflow import AMOUNT_REQUIRED, EVENT_AMOUNTS, PERCENT_ACTIONS, Action, State

PROJECT_SORTS = [("", gettext_lazy("Mới nhất")), ("title", gettext_lazy("Tên A→Z")), ("code", gettext_lazy("Mã đề án"))]


class ProjectFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Mã hoặc tên đề án"), required=False, max_length=200)
    year = forms.IntegerField(label=gettext_lazy("Năm kế hoạch"), required=False, min_value=2000, max_value=2100)
    funding_source = forms.ChoiceField(
        label=gettext_lazy("Nguồn"), required=False, choices=[("", gettext_lazy("Tất cả")), *FundingSource.choices]
    )
    state = forms.ChoiceField(
        label=gettext_lazy("Trạng thái"), required=False, choices=[("", gettext_lazy("Tất cả")), *State.choices]
    )
    content = forms.ModelChoiceField(
        label=gettext_lazy("Nội dung"),
        required=False,
        queryset=ProjectContent.objects.all(),
        empty_label=gettext_lazy("Tất cả"),
    )
    round = forms.IntegerField(label=gettext_lazy("Đợt"), required=False, min_value=1, max_value=20)
    province = forms.ModelChoiceField(
        label=gettext_lazy("Tỉnh (hiện nay)"),
        required=False,
        queryset=AdminUnit.objects.none(),
        empty_label=gettext_lazy("Tất cả"),
        error_messages={"invalid_choice": OUTSIDE_PLACE},
    )
    implementer = forms.ModelChoiceField(
        label=gettext_lazy("Đơn vị thực hiện"),
        required=False,
        queryset=Organization.objects.none(),
        empty_label=gettext_lazy("Tất cả"),
        error_messages={"invalid_choice": OUTSIDE_BODY},
    )
    as_of = forms.DateField(label=gettext_lazy("Tính đến ngày"), required=False, error_messages=DATE_ERRORS)
    sort = forms.ChoiceField(label=gettext_lazy("Sắp xếp"), required=False, choices=PROJECT_SORTS)
    overdue = forms.BooleanField(label=gettext_lazy("Chỉ đề án quá hạn"), required=False)

    def __init__(self, *args: Any, provinces: Any, implementers: Any, **kwargs: Any) -> None:
        """Only the provinces and bodies of the user's territory are offered (a Lào Cai officer is not shown 34
        provinces); one outside it, from a colleague's link, is named as outside and left out of the filters."""
        super().__init__(*args, **kwargs)
        for name, queryset in (("province", provinces), ("implementer", implementers)):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = queryset


class ActionSelect(forms.Select):
    """The steps, each saying what its amount states and whether it needs one or a percent: the page shows the amount
    and percent boxes only for the step chosen, labelled by what they mean (web/app.js `eventFields`)."""

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        action = Action(value) if value in Action.values else None
        if action in EVENT_AMOUNTS:
            option["attrs"]["data-amount"] = str(EVENT_AMOUNTS[action])
            if action in AMOUNT_REQUIRED:
                option["attrs"]["data-amount-required"] = ""
        if action in PERCENT_ACTIONS:
            option["attrs"]["data-percent"] = ""
        return option


class EventForm(forms.Form):
    action = forms.ChoiceField(label=gettext_lazy("Thao tác"), choices=Action.choices, widget=ActionSelect)
    on = forms.DateField(label=gettext_lazy("Ngày"), error_messages=DATE_ERRORS)
    amount = MoneyField(label=gettext_lazy("Số tiền (đồng)"), required=False)
    percent = forms.DecimalField(
        label=gettext_lazy("Khối lượng hoàn thành (%)"),
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=2,
        error_messages={
            "invalid": gettext_lazy("Tỷ lệ phải là số từ 0 đến 100."),
            "min_value": gettext_lazy("Tỷ lệ từ 0 đến 100."),
            "max_value": gettext_lazy("Tỷ lệ từ 0 đến 100."),
        },
    )
    document = forms.CharField(label=gettext_lazy("Số, ký hiệu văn bản"), required=False, max_length=100)
    note = forms.CharField(label=gettext_lazy("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, actions: list[Action], blocked: set[Action] | None = None, **kwargs: Any) -> None:
        """`blocked`: the steps whose documents are not all attached yet, said so in the list (they are refused)."""
        super().__init__(*args, **kwargs)
        action_field = self.fields["action"]
        assert isinstance(action_field, forms.ChoiceField)
        lacking = blocked or set()
        action_field.choices = [
            (a.value, format_lazy("{} ({})", a.label, gettext_lazy("còn thiếu tài liệu")) if a in lacking else a.label)
            for a in actions
        ]
        action_field.widget.attrs.update({"data-amount-field": self["amount"].auto_id,
                                          "data-percent-field": self["percent"].auto_id})  # fmt: skip
        self.fields["on"].initial = timezone.localdate


class PaymentForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Loại"), choices=PaymentKind.choices)
    on = forms.DateField(label=gettext_lazy("Ngày chứng từ"), error_messages=DATE_ERRORS)
    amount = MoneyField(
        label=gettext_lazy("Số tiền (đồng)"), error_messages={"required": gettext_lazy("Xin nhập số tiền.")}
    )
    document = forms.CharField(label=gettext_lazy("Số chứng từ"), required=False, max_length=100)


class CounterpartForm(forms.Form):
    on = forms.DateField(label=gettext_lazy("Ngày chứng từ"), error_messages=DATE_ERRORS)
    amount = MoneyField(
        label=gettext_lazy("Số tiền đối ứng (đồng)"), error_messages={"required": gettext_lazy("Xin nhập số tiền.")}
    )
    document = forms.CharField(
        label=gettext_lazy("Số chứng từ"),
        max_length=100,
        error_messages={"required": gettext_lazy("Xin nhập số chứng từ.")},
    )
    description = forms.CharField(label=gettext_lazy("Nội dung chi"), max_length=300, required=False)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Loại tài liệu"), choices=DocumentKind.choices)
    title = forms.CharField(label=gettext_lazy("Tên tài liệu"), max_length=255, required=False)
    upload = forms.FileField(
        label=gettext_lazy("Tệp (PDF, Word, Excel, ảnh; tối đa 20 MB)"),
        error_messages={"required": gettext_lazy("Xin chọn tệp."), "empty": gettext_lazy("Tệp rỗng.")},
    )

    def __init__(self, *args: Any, kinds: tuple[str, ...] | None = None, **kwargs: Any) -> None:
        """`kinds`: those the user may attach (a beneficiary's representative sends only its own kinds)."""
        super().__init__(*args, **kwargs)
        if kinds is not None:
            kind_field = self.fields["kind"]
            assert isinstance(kind_field, forms.ChoiceField)
            kind_field.choices = [(value, label) for value, label in DocumentKind.choices if value in kinds]


# A group đề án names its facilities here; a longer list is an import (Excel or exchange file).
BENEFICIARIES_MAX = 200


class ProjectCreateForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Mã đề án"),
        max_length=60,
        required=False,
        help_text=gettext_lazy("Bỏ trống để hệ thống tự đặt."),
    )
    title = forms.CharField(
        label=gettext_lazy("Tên đề án"),
        max_length=500,
        error_messages={"required": gettext_lazy("Xin nhập tên đề án.")},
    )
    plan = forms.ModelChoiceField(
        label=gettext_lazy("Kế hoạch"),
        queryset=Plan.objects.none(),
        empty_label=gettext_lazy("— Chọn —"),
        error_messages={"required": gettext_lazy("Xin chọn kế hoạch.")},
    )
    content = forms.ModelChoiceField(
        label=gettext_lazy("Nội dung"),
        queryset=ProjectContent.objects.all(),
        empty_label=gettext_lazy("— Chọn —"),
        error_messages={"required": gettext_lazy("Xin chọn nội dung.")},
    )
    kind = forms.ChoiceField(label=gettext_lazy("Loại đề án"), choices=ProjectKind.choices)
    round = forms.IntegerField(label=gettext_lazy("Đợt"), required=False, min_value=1, max_value=20)
    implementer = forms.ModelChoiceField(
        label=gettext_lazy("Đơn vị thực hiện"),
        queryset=Organization.objects.none(),
        empty_label=gettext_lazy("— Chọn —"),
        error_messages={"required": gettext_lazy("Xin chọn đơn vị.")},
    )
    beneficiaries = forms.CharField(
        label=gettext_lazy("Cơ sở thụ hưởng (mã)"),
        required=False,
        max_length=2000,
        help_text=format_lazy(
            gettext_lazy(
                "Tìm và chọn cơ sở ở ô tìm kiếm, hoặc ghi mã cơ sở cách nhau bằng {separator}, "
                "ví dụ: YB-F-R2-1; YB-F-R2-2"
            ),
            separator=SEPARATOR_NAME,
        ),
        widget=forms.TextInput(attrs={"data-picker": "codes"}),
    )
    total_cost = MoneyField(label=gettext_lazy("Tổng kinh phí (đồng)"), required=False)
    support_requested = MoneyField(label=gettext_lazy("Kinh phí khuyến công đề nghị (đồng)"), required=False)
    counterpart = MoneyField(label=gettext_lazy("Vốn đối ứng (đồng)"), required=False)

    def __init__(self, *args: Any, plans: Any, implementers: Any, facilities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, queryset, picker in (
            ("plan", plans, "projects:pick_plans"),
            ("implementer", implementers, "projects:pick_organizations"),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = queryset
            # The picker (static/web/picker.js) narrows the list by a search that ignores diacritics.
            field.widget.attrs.update({"data-picker": "select", "data-picker-url": reverse(picker)})
        self.fields["beneficiaries"].widget.attrs["data-picker-url"] = reverse("projects:pick_facilities")
        self.facilities = facilities

    def clean_beneficiaries(self) -> list[Facility]:
        codes = split_codes(self.cleaned_data["beneficiaries"])
        if len(codes) > BENEFICIARIES_MAX:
            raise forms.ValidationError(
                _("Một đề án có tối đa %(max)s cơ sở thụ hưởng trên trang này.") % {"max": BENEFICIARIES_MAX}
            )
        found = {f.code: f for f in self.facilities.filter(code__in=codes)}
        unknown = [c for c in codes if c not in found]
        if unknown:
            raise forms.ValidationError(
                _("Không tìm thấy cơ sở trong phạm vi của bạn: %(codes)s.") % {"codes": join_codes(unknown)}
            )
        return [found[c] for c in codes]


class ResultForm(forms.Form):
    indicator = forms.ChoiceField(label=gettext_lazy("Chỉ tiêu"), choices=Indicator.choices)
    value = forms.DecimalField(
        label=gettext_lazy("Giá trị"),
        min_value=0,
        max_digits=14,
        decimal_places=2,
        error_messages={
            "invalid": gettext_lazy("Giá trị phải là số."),
            "min_value": gettext_lazy("Giá trị không thể âm."),
            "required": gettext_lazy("Xin nhập giá trị."),
        },
    )
    on = forms.DateField(label=gettext_lazy("Ngày"), error_messages=DATE_ERRORS)


class EventCorrectForm(forms.Form):
    """Supersedes a step with corrected values: the same step, by the same body."""

    reason = VoidForm.base_fields["reason"]
    on = forms.DateField(label=gettext_lazy("Ngày đúng"), error_messages=DATE_ERRORS)
    amount = MoneyField(label=gettext_lazy("Số tiền đúng (đồng)"), required=False)
    percent = EventForm.base_fields["percent"]
    document = forms.CharField(label=gettext_lazy("Số, ký hiệu văn bản"), required=False, max_length=100)
    note = forms.CharField(label=gettext_lazy("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class HistoryForm(forms.Form):
    """ "Nhập lịch sử": a step another body took before the đề án was in the system, entered in that body's name."""

    action = forms.ChoiceField(label=gettext_lazy("Bước đã diễn ra"), choices=Action.choices)
    organization = forms.ModelChoiceField(
        label=gettext_lazy("Cơ quan đã thực hiện"),
        queryset=Organization.objects.order_by("name"),
        empty_label=gettext_lazy("— Chọn cơ quan —"),
        error_messages={"required": gettext_lazy("Xin chọn cơ quan đã thực hiện bước này.")},
    )
    on = forms.DateField(label=gettext_lazy("Ngày"), error_messages=DATE_ERRORS)
    amount = MoneyField(label=gettext_lazy("Số tiền (đồng)"), required=False)
    percent = EventForm.base_fields["percent"]
    document = forms.CharField(label=gettext_lazy("Số, ký hiệu văn bản"), required=False, max_length=100)

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

    note = forms.CharField(label=gettext_lazy("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    # A decision taken by a body (approval, rejection, its answers to requests) is cited by its number.
    DECISIONS = frozenset({Action.APPROVED, Action.REJECTED, Action.ADJUSTMENT_APPROVED, Action.ADJUSTMENT_REFUSED,
                           Action.STOPPED, Action.STOP_REFUSED, Action.CONTRACT_SIGNED})  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") in self.DECISIONS and not (data.get("document") or "").strip():
            self.add_error("document", _("Bước này là một quyết định, hợp đồng: xin ghi số, ký hiệu văn bản."))
        return data
