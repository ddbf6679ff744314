from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from khuyencong.core.forms import OUTSIDE_PLACE, MoneyField
from khuyencong.geography.models import AdminUnit, Level
from khuyencong.geography.resolver import PlaceError, ResolvedPlace, resolve_place

from .models import Facility, LegalForm, Trade
from .selectors import SORTS
from .services import FacilityData
from .validators import validate_tax_code


class FacilityForm(forms.Form):
    name = forms.CharField(label=_("Tên cơ sở"), max_length=255, error_messages={"required": _("Xin nhập tên cơ sở.")})
    legal_form = forms.ChoiceField(
        label=_("Loại hình"),
        choices=[("", _("— Chọn —")), *LegalForm.choices],
        error_messages={"required": _("Xin nhập loại hình.")},
    )
    tax_code = forms.CharField(
        label=_("Mã số thuế"),
        required=False,
        max_length=20,
        validators=[validate_tax_code],
        help_text=_("10 chữ số, hoặc 10 chữ số-3 chữ số với chi nhánh. Bỏ trống nếu chưa có."),
    )
    place_recorded_on = forms.DateField(
        label=_("Địa chỉ tính theo ngày"),
        help_text=_("Ngày của địa giới dùng để ghi địa chỉ (ngày/tháng/năm). Trước 01/07/2025 có cấp huyện."),
        error_messages={
            "invalid": _("Ngày không hợp lệ: ghi một ngày có thật, dạng ngày/tháng/năm, ví dụ 30/06/2022."),
            "required": _("Xin nhập ngày."),
        },
    )
    province = forms.CharField(
        label=_("Tỉnh, thành phố"), max_length=100, error_messages={"required": _("Xin nhập tỉnh, thành phố.")}
    )
    district = forms.CharField(label=_("Huyện (trước 01/07/2025)"), max_length=100, required=False)
    commune = forms.CharField(label=_("Xã, phường, thị trấn"), max_length=100, required=False)
    commune_as_written = forms.CharField(
        label=_("Xã như đã ghi (nếu không còn trong danh mục)"),
        max_length=100,
        required=False,
        help_text=_("Giữ tên xã đã sáp nhập trước năm 2025 như hồ sơ gốc ghi."),
    )
    address = forms.CharField(label=_("Số nhà, thôn, đường"), max_length=255, required=False)
    trade = forms.ModelChoiceField(
        label=_("Ngành nghề"), queryset=Trade.objects.all(), required=False, empty_label=_("— Chọn —")
    )
    trade_description = forms.CharField(label=_("Sản phẩm, ngành nghề cụ thể"), max_length=255, required=False)
    craft_village = forms.CharField(label=_("Làng nghề"), max_length=255, required=False)
    women_owned = forms.BooleanField(label=_("Do phụ nữ làm chủ"), required=False)
    ethnic_minority_owned = forms.BooleanField(label=_("Do người dân tộc thiểu số làm chủ"), required=False)
    disadvantaged_area = forms.BooleanField(
        label=_("Ở địa bàn có điều kiện kinh tế - xã hội khó khăn, đặc biệt khó khăn"), required=False
    )
    representative = forms.CharField(label=_("Người đại diện"), max_length=255, required=False)
    phone = forms.CharField(label=_("Điện thoại"), max_length=30, required=False)
    email = forms.EmailField(
        label=_("Thư điện tử"), required=False, error_messages={"invalid": _("Địa chỉ thư điện tử không hợp lệ.")}
    )
    founded_year = forms.IntegerField(
        label=_("Năm thành lập"),
        required=False,
        min_value=1800,
        max_value=2100,
        error_messages={
            "invalid": _("Năm phải là số, ví dụ 2015."),
            "min_value": _("Năm không hợp lệ."),
            "max_value": _("Năm không hợp lệ."),
        },
    )
    workers = forms.IntegerField(
        label=_("Số lao động"),
        required=False,
        min_value=0,
        error_messages={"invalid": _("Số lao động phải là số nguyên."), "min_value": _("Số lao động không thể âm.")},
    )
    annual_revenue = MoneyField(label=_("Doanh thu năm (đồng)"), required=False)
    confirm_duplicate = forms.BooleanField(
        label=_("Tôi đã kiểm tra: đây là cơ sở khác, vẫn lưu"), required=False, widget=forms.CheckboxInput
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place_recorded_on"].initial = timezone.localdate
        self.fields["province"].widget.attrs["list"] = "provinces"
        self.fields["commune"].widget.attrs["list"] = "communes"

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-invalid"] = "true"

    def clean_tax_code(self) -> str | None:
        return self.cleaned_data["tax_code"].strip() or None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day = data.get("place_recorded_on")
        if day and day > timezone.localdate():
            self.add_error("place_recorded_on", gettext("Ngày ghi nhận địa chỉ không thể ở tương lai."))
            return data
        if day and data.get("province"):
            try:
                data["place"] = resolve_place(
                    province=data["province"], district=data.get("district"), commune=data.get("commune"), on=day
                )
            except PlaceError as error:
                self.add_error(error.field or "province", error.message)
        return data

    def facility_data(self) -> FacilityData:
        data = self.cleaned_data
        place: ResolvedPlace = data["place"]
        return FacilityData(
            place=place,
            **{name: data[name] for name in FacilityData.__dataclass_fields__ if name in data and name != "place"},
        )

    @classmethod
    def initial_for(cls, facility: Facility) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(facility, name) for name in FacilityData.__dataclass_fields__ if name != "place"
        }
        initial.update(
            place_recorded_on=facility.place_recorded_on,
            province=facility.province.name,
            district=facility.district.name if facility.district else "",
            commune=facility.commune.name if facility.commune else "",
            trade=facility.trade_id,
            tax_code=facility.tax_code or "",
        )
        return initial


# The fields of the facility form a representative may propose to change (self-service, `proposals.py`), in the
# form's order. The place in the administrative geography (province, district, commune and the date it is recorded on)
# is not among them: a move changes which body manages the facility and under which province its đề án are reported,
# and is made by that body on the facility's own page.
PROPOSABLE: tuple[str, ...] = (
    "name", "legal_form", "tax_code", "address", "commune_as_written", "trade", "trade_description", "craft_village",
    "women_owned", "ethnic_minority_owned", "disadvantaged_area", "representative", "phone", "email", "founded_year",
    "workers", "annual_revenue",
)  # fmt: skip


class ProposalForm(forms.Form):
    """The representative's proposal: the facility's fields as they stand, to be changed where wrong, and why."""

    reason = forms.CharField(
        label=_("Lý do đề nghị thay đổi"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ví dụ: đổi số điện thoại liên hệ từ tháng 11/2026."),
        error_messages={"required": _("Xin ghi lý do đề nghị thay đổi."), "max_length": _("Lý do dài quá 500 ký tự.")},
    )

    def __init__(self, *args: Any, facility: Facility, **kwargs: Any) -> None:
        initial = FacilityForm.initial_for(facility)
        kwargs.setdefault("initial", {name: initial.get(name) for name in PROPOSABLE})
        super().__init__(*args, **kwargs)
        reason = self.fields.pop("reason")
        for name in PROPOSABLE:
            self.fields[name] = copy.deepcopy(FacilityForm.base_fields[name])
        self.fields["reason"] = reason

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in PROPOSABLE}


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do không chấp nhận"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Xin ghi lý do không chấp nhận."), "max_length": _("Lý do dài quá 500 ký tự.")},
    )


class ApplyForm(forms.Form):
    confirm_duplicate = forms.BooleanField(
        label=_("Tôi đã kiểm tra: tên mới không trùng cơ sở khác cùng xã, vẫn cập nhật"), required=False
    )


class FacilityFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm kiếm"), required=False, max_length=200)
    province = forms.ModelChoiceField(
        label=_("Tỉnh"), queryset=AdminUnit.objects.none(), required=False, empty_label=_("Tất cả"),
        error_messages={"invalid_choice": OUTSIDE_PLACE},
    )  # fmt: skip
    commune = forms.ModelChoiceField(
        label=_("Xã, huyện"), queryset=AdminUnit.objects.none(), required=False, empty_label=_("Tất cả"),
        error_messages={"invalid_choice": OUTSIDE_PLACE},
    )  # fmt: skip
    legal_form = forms.ChoiceField(
        label=_("Loại hình"), choices=[("", _("Tất cả")), *LegalForm.choices], required=False
    )
    trade = forms.ModelChoiceField(
        label=_("Ngành nghề"), queryset=Trade.objects.all(), required=False, empty_label=_("Tất cả")
    )
    sort = forms.ChoiceField(
        label=_("Sắp xếp"),
        required=False,
        choices=[
            ("-created", _("Mới đăng ký")),
            ("name", _("Tên A→Z")),
            ("-name", _("Tên Z→A")),
            ("code", _("Mã cơ sở")),
            ("province", _("Tỉnh")),
        ],
    )

    def __init__(self, *args: Any, provinces: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Old provinces and units are accepted too (history), but only those that count under a province in scope.
        in_scope = AdminUnit.objects.filter(current_province__in=provinces)
        province_field = self.fields["province"]
        commune_field = self.fields["commune"]
        assert isinstance(province_field, forms.ModelChoiceField)
        assert isinstance(commune_field, forms.ModelChoiceField)
        province_field.queryset = in_scope.filter(level=Level.PROVINCE)
        commune_field.queryset = in_scope.filter(level__in=[Level.DISTRICT, Level.COMMUNE])
        self.current_provinces = provinces

    def clean_sort(self) -> str:
        sort = self.cleaned_data["sort"]
        return sort if sort in SORTS or sort in ("name", "-name") else ""
