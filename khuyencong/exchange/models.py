"""Uploads processed in the background: the file, who sent it, how far the worker has read, and what it found."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobKind(models.TextChoices):
    FACILITIES = "facilities", _("Cơ sở (Excel)")
    PROJECTS = "projects", _("Đề án (Excel)")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ xử lý")
    RUNNING = "running", _("Đang xử lý")
    DONE = "done", _("Đã nhập")
    REFUSED = "refused", _("Có lỗi, không nhập gì")
    FAILED = "failed", _("Lỗi hệ thống")


class ImportJob(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_jobs", verbose_name=_("người dùng")
    )
    kind = models.CharField(_("loại"), max_length=12, choices=JobKind.choices)
    filename = models.CharField(_("tên tệp"), max_length=255)
    file = models.FileField(upload_to="imports/%Y/%m/", verbose_name=_("tệp"))
    status = models.CharField(_("trạng thái"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    rows_total = models.PositiveIntegerField(_("số dòng (ước tính)"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("đã đọc"), default=0)
    report: models.JSONField[Any] = models.JSONField(_("kết quả"), default=dict, blank=True)
    error_copy = models.FileField(upload_to="imports/%Y/%m/", blank=True, verbose_name=_("bản có cột lỗi"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("tạo lúc"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("xong lúc"))

    class Meta:
        verbose_name = _("lượt nhập dữ liệu")
        verbose_name_plural = _("lượt nhập dữ liệu")
        ordering = ["-created_at"]
        permissions = [
            # Importing an exchange document replays events in the name of every organisation it lists (the Sở's
            # appraisal, the UBND's approval …): only people given this permission may do that, within their scope.
            # vi-only: stored as the permission's name when migrating (a record)
            ("import_for_named_organizations", "Nhập tệp trao đổi thay mặt các tổ chức có tên trong tệp"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.filename} ({self.get_status_display()})"

    @property
    def rows_read(self) -> int:
        """Rows read so far: the worker's progress while it runs (see CACHES in settings), the count once done."""
        return max(self.rows_done, caches["progress"].get(progress_key(self.pk), 0))

    @property
    def percent(self) -> int:
        if self.status in (JobStatus.DONE, JobStatus.REFUSED):
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_read * 100 // self.rows_total)


def progress_key(job_id: int) -> str:
    return f"import-job-{job_id}"
