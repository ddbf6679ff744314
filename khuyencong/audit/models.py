from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.models import person_label


class AuditAction(models.TextChoices):
    CREATE = "create", _("Tạo mới")
    UPDATE = "update", _("Sửa")
    DELETE = "delete", _("Xoá")
    VOID = "void", _("Huỷ bỏ, đính chính")


class AuditEntry(models.Model):
    """One change to one record: who, when, and each field's value before and after. Never updated or deleted."""

    at = models.DateTimeField(_("lúc"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept as text too, so the entry still says who acted after the account is gone.
    actor_name = models.CharField(_("tên người thực hiện"), max_length=150)
    organization_name = models.CharField(_("tổ chức"), max_length=255, blank=True)
    action = models.CharField(_("thao tác"), max_length=10, choices=AuditAction.choices)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("loại bản ghi")
    )
    object_id = models.CharField(max_length=64, verbose_name=_("mã bản ghi"))
    object_repr = models.CharField(_("bản ghi"), max_length=255)
    changes = models.JSONField(_("thay đổi"), default=dict)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("nhật ký thay đổi")
        verbose_name_plural = _("nhật ký thay đổi")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "-at"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr} ({self.actor_name})"

    @property
    def actor_label(self) -> str:
        """Who made the change, as a page shows it (the system account in the reader's language)."""
        return person_label(self.actor_name)
