"""Programmes (5-year), annual plans per funding source, their dated budget decisions and allocations.

Amounts are never typed as totals: a plan's budget on a date is the last decision in force then, and the amount
allocated is the sum of the allocations dated up to then (Decree 45/2012 Art. 12–14 on KCQG and KCĐP funds).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from khuyencong.core.corrections import Voidable
from khuyencong.geography.models import AdminUnit
from khuyencong.organizations.models import Organization

MONEY = {"max_digits": 18, "decimal_places": 0, "validators": [MinValueValidator(Decimal(0))]}


class ProgramLevel(models.TextChoices):
    NATIONAL = "national", _("Quốc gia")
    PROVINCIAL = "provincial", _("Địa phương")


class FundingSource(models.TextChoices):
    NATIONAL = "national", _("Khuyến công quốc gia (KCQG)")
    PROVINCIAL = "provincial", _("Khuyến công địa phương (KCĐP)")
    DISTRICT = "district", _("Ngân sách cấp huyện")
    ENERGY_SAVING = "energy_saving", _("Sử dụng năng lượng tiết kiệm")
    TRADE_PROMOTION = "trade_promotion", _("Xúc tiến thương mại")
    OTHER = "other", _("Nguồn khác")


class Program(models.Model):
    code = models.CharField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên chương trình"), max_length=300)
    level = models.CharField(_("cấp"), max_length=12, choices=ProgramLevel.choices)
    territory = models.ForeignKey(
        AdminUnit, verbose_name=_("tỉnh"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    start_year = models.PositiveSmallIntegerField(
        _("từ năm"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    end_year = models.PositiveSmallIntegerField(
        _("đến năm"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )

    class Meta:
        verbose_name = _("chương trình khuyến công")
        verbose_name_plural = _("chương trình khuyến công")
        ordering = ["-start_year", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(start_year__lte=models.F("end_year")), name="programs_years_ordered"),
            models.CheckConstraint(
                condition=Q(level="national", territory__isnull=True) | Q(level="provincial", territory__isnull=False),
                name="programs_provincial_has_territory",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.start_year}–{self.end_year})"


class ProgramTarget(Voidable):
    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="targets", verbose_name=_("chương trình")
    )
    indicator = models.CharField(_("chỉ tiêu"), max_length=200)
    value = models.DecimalField(_("giá trị"), max_digits=20, decimal_places=2)
    unit = models.CharField(_("đơn vị tính"), max_length=50)

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} {self.unit}"


class Plan(models.Model):
    """An annual plan of one funding source, owned by the body that approves it."""

    code = models.CharField(_("mã"), max_length=40, unique=True)
    year = models.PositiveSmallIntegerField(_("năm"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    funding_source = models.CharField(_("nguồn kinh phí"), max_length=20, choices=FundingSource.choices)
    owner = models.ForeignKey(
        Organization, verbose_name=_("cơ quan chủ quản"), on_delete=models.PROTECT, related_name="plans"
    )
    program = models.ForeignKey(
        Program, verbose_name=_("chương trình"), null=True, blank=True, on_delete=models.PROTECT, related_name="plans"
    )

    class Meta:
        verbose_name = _("kế hoạch năm")
        verbose_name_plural = _("kế hoạch năm")
        ordering = ["-year", "code"]

    def __str__(self) -> str:
        return f"{self.get_funding_source_display()} {self.year} ({self.owner})"


class BudgetKind(models.TextChoices):
    ORIGINAL = "original", _("Giao ban đầu")
    REVISED = "revised", _("Điều chỉnh")


class BudgetDecision(Voidable):
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="budget_decisions", verbose_name=_("kế hoạch")
    )
    on = models.DateField(_("ngày"))
    kind = models.CharField(_("loại"), max_length=10, choices=BudgetKind.choices)
    amount = models.DecimalField(_("kinh phí (đồng)"), **MONEY)  # type: ignore[arg-type]
    decision = models.CharField(_("số, ký hiệu quyết định"), max_length=100, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True, verbose_name=_("ghi lúc"))

    class Meta:
        verbose_name = _("quyết định giao dự toán")
        verbose_name_plural = _("quyết định giao dự toán")
        ordering = ["on", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="programs_budget_not_negative")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on:%d/%m/%Y}: {self.amount}"


class Allocation(Voidable):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="allocations", verbose_name=_("kế hoạch"))
    on = models.DateField(_("ngày"))
    to = models.ForeignKey(
        Organization, verbose_name=_("đơn vị được giao"), on_delete=models.PROTECT, related_name="allocations"
    )
    amount = models.DecimalField(_("số tiền (đồng)"), **MONEY)  # type: ignore[arg-type]
    decision = models.CharField(_("số, ký hiệu quyết định"), max_length=100, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True, verbose_name=_("ghi lúc"))

    class Meta:
        verbose_name = _("phân bổ kinh phí")
        verbose_name_plural = _("phân bổ kinh phí")
        ordering = ["on", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="programs_allocation_positive")]

    def __str__(self) -> str:
        return f"{self.to} {self.on:%d/%m/%Y}: {self.amount}"
