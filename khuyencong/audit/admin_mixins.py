"""What the Django admin may still change (users and their roles, organisations, regions, reference lists) is audited
like any other write: who, when, each field before and after. The admin is the administrators' tool of last resort;
it must not be a path around the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from .models import AuditAction
from .services import audit_entry_write, audit_snapshot

# Never copied into the log: secrets and the bookkeeping Django updates on its own.
NOT_AUDITED = frozenset({"password", "last_login", "search_key", "search_text"})


def audited_fields(model: type[models.Model]) -> list[str]:
    return [
        f.name
        for f in model._meta.concrete_fields
        if not f.primary_key and f.name not in NOT_AUDITED and not getattr(f, "auto_now", False)
    ]


class AuditedAdmin(admin.ModelAdmin):
    """Every save and delete through the admin writes an audit entry, in the admin's own transaction."""

    def _fields(self, obj: models.Model) -> list[str]:
        return audited_fields(type(obj))

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool) -> None:
        before = {}
        if change and obj.pk is not None:
            held = type(obj)._default_manager.filter(pk=obj.pk).first()
            before = audit_snapshot(held, self._fields(obj)) if held is not None else {}
        super().save_model(request, obj, form, change)
        audit_entry_write(
            actor=request.user,  # type: ignore[arg-type]
            action=AuditAction.UPDATE if change else AuditAction.CREATE,
            instance=obj,
            before=before,
            after=audit_snapshot(obj, self._fields(obj)),
            note="Sửa trong trang quản trị",  # vi-only: a stored audit record
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        before = audit_snapshot(obj, self._fields(obj))
        audit_entry_write(actor=request.user, action=AuditAction.DELETE, instance=obj, before=before,  # type: ignore[arg-type]
                          after={}, note="Xoá trong trang quản trị")  # fmt: skip  # vi-only: a stored audit record
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)
