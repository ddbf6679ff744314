from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from khuyencong.core.corrections import Voidable
from khuyencong.organizations.models import Organization


class ConsultingRecord(Voidable):
    """Industrial development consulting (TVPTCN) of a centre: projects and revenue as of a date, against its plan."""

    code = models.CharField(_("mã"), max_length=60, unique=True)
    organization = models.ForeignKey(
        Organization, verbose_name=_("trung tâm"), on_delete=models.PROTECT, related_name="consulting_records"
    )
    year = models.PositiveSmallIntegerField(_("năm"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    period_end = models.DateField(_("số liệu tính đến ngày"))
    projects = models.PositiveIntegerField(_("số hợp đồng, dự án tư vấn"))
    revenue = models.DecimalField(
        _("doanh thu (đồng)"), max_digits=18, decimal_places=0, validators=[MinValueValidator(Decimal(0))]
    )
    planned_revenue = models.DecimalField(
        _("doanh thu kế hoạch (đồng)"),
        max_digits=18,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )

    class Meta:
        verbose_name = _("kết quả tư vấn")
        verbose_name_plural = _("kết quả tư vấn")
        ordering = ["-year", "organization", "period_end"]
        constraints = [
            # A voided record stays in the history and does not hold its date: the corrected one takes its place.
            models.UniqueConstraint(
                fields=["organization", "period_end"],
                condition=Q(voided_at__isnull=True),
                name="consulting_one_record_per_date",
            ),
            models.CheckConstraint(condition=Q(revenue__gte=0), name="consulting_revenue_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} — {self.period_end:%d/%m/%Y}"
