from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest
from django.utils.translation import gettext as _

from . import authority
from .models import ReportingDuty, Submission, SubmissionEvent
from .services import DUTY_FIELDS, duty_add


class DutyForm(forms.ModelForm[ReportingDuty]):
    """A province's own duty (TT 46/2012/TT-BCT Art. 9); the national ones come from the reference data."""

    actor: Any = None

    class Meta:
        model = ReportingDuty
        fields = ["province", *sorted(DUTY_FIELDS)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        province = data.get("province")
        if province is None:
            raise ValidationError(_("Chế độ báo cáo thêm ở đây là của một tỉnh: chọn tỉnh. Chế độ chung do Bộ ban "
                                    "hành được nạp cùng dữ liệu tham chiếu."), code="required")  # fmt: skip
        if self.actor is not None and not authority.can_add_duty(self.actor, province):
            raise ValidationError(_("Chỉ Sở Công Thương %(province)s thêm được chế độ báo cáo của tỉnh.")
                                  % {"province": province.full_name}, code="out_of_scope")  # fmt: skip
        return data


@admin.register(ReportingDuty)
class ReportingDutyAdmin(admin.ModelAdmin[ReportingDuty]):
    list_display = ["code", "name", "body_kind", "frequency", "province", "valid_from", "valid_until", "legal_basis"]
    list_filter = ["frequency", "body_kind"]
    search_fields = ["code", "name"]
    form = DutyForm

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form: Any = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user
        return form

    # A duty in force is not edited: a changed rule is a new dated duty beside the old one, which keeps its dates.
    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        fields = {name: form.cleaned_data[name] for name in DUTY_FIELDS if name in form.cleaned_data}
        saved = duty_add(actor=request.user, province=form.cleaned_data["province"], **fields)  # type: ignore[arg-type]
        obj.pk = saved.pk


class EventInline(admin.TabularInline[SubmissionEvent, Submission]):
    model = SubmissionEvent
    extra = 0
    fields = ["on", "action", "actor", "organization", "comment", "at"]
    readonly_fields = ["on", "action", "actor", "organization", "comment", "at"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin[Submission]):
    list_display = ["duty", "organization", "year", "period_key", "version", "state", "due_on", "first_submitted_on"]
    list_filter = ["state", "year", "duty"]
    search_fields = ["organization__name", "organization__code"]
    inlines = [EventInline]

    # Reports are written, sent and reviewed on their pages, through the services, never around them.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
