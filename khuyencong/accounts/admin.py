from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from khuyencong.audit.admin_mixins import AuditedAdmin
from khuyencong.audit.models import AuditAction
from khuyencong.audit.services import audit_entry_write

from .models import User, UserRole


class UserRoleInline(admin.TabularInline):
    model = UserRole
    extra = 1


def _roles(user: User) -> str | None:
    return ", ".join(sorted(str(r.get_role_display()) for r in UserRole.objects.filter(user=user))) or None


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
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
