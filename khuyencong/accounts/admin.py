from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group, Permission
from django.db.models import ManyToManyField
from django.forms import ModelForm, ModelMultipleChoiceField
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from khuyencong.audit.admin_mixins import AuditedAdmin
from khuyencong.audit.models import AuditAction
from khuyencong.audit.services import audit_entry_write

from .models import User, UserRole


class UserRoleInline(admin.TabularInline):
    model = UserRole
    extra = 1


# A permission's name is written once, in English, when migrating ("Can add access log"): the four standard actions
# are named again here in the reader's language from the model's own (translated) name.
STANDARD_ACTIONS = {
    "add": pgettext_lazy("permission", "Thêm"),
    "change": pgettext_lazy("permission", "Sửa"),
    "delete": pgettext_lazy("permission", "Xoá"),
    "view": pgettext_lazy("permission", "Xem"),
}


def permission_label(permission: Permission) -> str:
    """«Cơ sở công nghiệp nông thôn | cơ sở | Thêm cơ sở» for "Can add cơ sở"; a permission of its own keeps
    its name."""
    action, _sep, model_name = permission.codename.partition("_")
    model = permission.content_type.model_class()
    if action in STANDARD_ACTIONS and model is not None and model_name == permission.content_type.model:
        return f"{permission.content_type} | {STANDARD_ACTIONS[action]} {model._meta.verbose_name}"
    return f"{permission.content_type} | {permission.name}"


class PermissionChoice(ModelMultipleChoiceField[Permission]):
    def label_from_instance(self, obj: Any) -> str:
        return permission_label(obj)


class PermissionsInTheReadersLanguage(admin.ModelAdmin[Any]):
    """The admin's permission lists (a user's, a group's) name each permission by `permission_label`."""

    def formfield_for_manytomany(
        self, db_field: ManyToManyField[Any, Any], request: HttpRequest | None = None, **kwargs: Any
    ) -> ModelMultipleChoiceField[Any] | None:
        if db_field.related_model is Permission:
            kwargs.setdefault("form_class", PermissionChoice)
        return super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[arg-type]


def _roles(user: User) -> str | None:
    return ", ".join(sorted(str(r.get_role_display()) for r in UserRole.objects.filter(user=user))) or None


@admin.register(User)
class UserAdmin(PermissionsInTheReadersLanguage, AuditedAdmin, DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "organization", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "organization__kind"]
    raw_id_fields = ["organization", "facility"]
    inlines = [UserRoleInline]
    fieldsets = (*DjangoUserAdmin.fieldsets, (_("Khuyến công"), {"fields": ("organization", "facility")}))  # type: ignore[misc]

    def save_related(self, request: HttpRequest, form: ModelForm[Any], formsets: Any, change: bool) -> None:
        """Roles decide what a person may see and do: a change of roles is logged like a change of organisation."""
        user = form.instance
        before = _roles(user) if change else None
        super().save_related(request, form, formsets, change)
        after = _roles(user)
        if before != after:
            audit_entry_write(actor=request.user, action=AuditAction.UPDATE, instance=user,  # type: ignore[arg-type]
                              before={"roles": before}, after={"roles": after},
                              note="Đổi vai trò trong trang quản trị")  # fmt: skip  # vi-only: an audit record


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(PermissionsInTheReadersLanguage, DjangoGroupAdmin):
    pass
