from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.accounts.models import User
from khuyencong.audit.admin_mixins import AuditedAdmin

from .models import Organization, OrganizationTerritory, Region, RegionMembership
from .services import (
    organization_territories_fill,
    organization_territory_add,
    organization_territory_check,
    spans_overlap,
)


class TerritoryForm(ModelForm[OrganizationTerritory]):
    """A new dated territory, checked by the service's own rules before the page saves (refusals shown on the row)."""

    actor: User | None = None
    organization: Organization | None = None

    class Meta:
        model = OrganizationTerritory
        fields = ["territory", "valid_from", "valid_until", "legal_basis", "note"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        territory = data.get("territory")
        if self.instance.pk is not None or territory is None or self.actor is None or self.organization is None:
            return data
        try:
            organization_territory_check(actor=self.actor, organization=self.organization, territory=territory,
                                         valid_from=data.get("valid_from"), valid_until=data.get("valid_until"),
                                         reason=data.get("note", ""))  # fmt: skip
        except PermissionDenied as denied:
            raise ValidationError(str(denied)) from denied
        except ValidationError as error:
            for field, errors in error.error_dict.items():
                self.add_error(field if field in self.fields and field != "reason" else "note", errors)
        return data


class TerritoryFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        """Two new periods of one submission must not overlap each other either (each was checked against those
        saved)."""
        super().clean()
        spans = [
            (f.cleaned_data.get("valid_from"), f.cleaned_data.get("valid_until"))
            for f in self.extra_forms
            if f.has_changed() and not f.errors and f.cleaned_data
        ]
        for i, a in enumerate(spans):
            if any(spans_overlap(a, b) for b in spans[i + 1 :]):
                raise ValidationError(_("Hai thời kỳ mới trùng nhau."), code="territory_overlap")


class OrganizationTerritoryInline(admin.TabularInline):
    """A body's territories over time (issue 13). Recorded rows are read-only (a wrong one is voided with
    `kc_org_territory --void`); a new one is added here, through `organization_territory_add`."""

    model = OrganizationTerritory
    form = TerritoryForm
    formset = TerritoryFormSet
    fk_name = "organization"
    extra = 0
    fields = ["territory", "valid_from", "valid_until", "legal_basis", "note", "voided_on", "voided_reason"]
    readonly_fields = ["voided_on", "voided_reason"]
    raw_id_fields = ["territory"]
    verbose_name = gettext_lazy("địa bàn theo thời kỳ")

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        # The form checks with the service's rules, which need who asks and for which body.
        formset.form = type("BoundTerritoryForm", (formset.form,), {"actor": request.user, "organization": obj})
        return formset


@admin.register(Organization)
class OrganizationAdmin(AuditedAdmin):
    list_display = ["code", "name", "kind", "territory", "region", "valid_until"]
    list_filter = ["kind", "region"]
    search_fields = ["code", "name"]
    raw_id_fields = ["territory", "parent"]
    inlines = [OrganizationTerritoryInline]

    def get_inlines(self, request: HttpRequest, obj: Any) -> list[type[admin.options.InlineModelAdmin]]:
        # A new body gets its default dated territories when saved; periods are added to a body that exists.
        return self.inlines if obj is not None else []

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Today's territory follows the dated ones (`organization_territory_add`), not a free edit beside them.
        if obj is not None and obj.territories.exists():
            return ["territory"]
        return []

    def save_model(self, request: HttpRequest, obj: Any, form: forms.ModelForm[Any], change: bool) -> None:
        super().save_model(request, obj, form, change)
        organization_territories_fill(obj, actor=request.user, note="Tạo trong trang quản trị")  # type: ignore[arg-type]  # vi-only

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not OrganizationTerritory:
            super().save_formset(request, form, formset, change)
            return
        # What `formset.save()` would have set, for the admin's own history message.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for row in formset.extra_forms:
            if not row.has_changed():
                continue
            data = row.cleaned_data
            added = organization_territory_add(
                actor=request.user, organization=form.instance, territory=data["territory"],  # type: ignore[arg-type]
                valid_from=data.get("valid_from"), valid_until=data.get("valid_until"), reason=data.get("note", ""),
                legal_basis=data.get("legal_basis", ""),
            )  # fmt: skip
            formset.new_objects.append(added)


class RegionMembershipInline(admin.TabularInline):
    model = RegionMembership
    extra = 0
    raw_id_fields = ["province"]


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ["code", "name", "centre"]
    inlines = [RegionMembershipInline]
