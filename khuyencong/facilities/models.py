from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from khuyencong.core.language import CitedInTwoLanguages, NamedInTwoLanguages
from khuyencong.geography.models import AdminUnit

from .validators import validate_tax_code


class LegalForm(models.TextChoices):
    ENTERPRISE = "enterprise", _("Doanh nghiệp")
    COOPERATIVE = "cooperative", _("Hợp tác xã")
    COOPERATIVE_UNION = "cooperative_union", _("Liên hiệp hợp tác xã")
    COOPERATIVE_GROUP = "cooperative_group", _("Tổ hợp tác")
    HOUSEHOLD_BUSINESS = "household_business", _("Hộ kinh doanh")
    ARTISAN = "artisan", _("Nghệ nhân")
    OTHER = "other", _("Khác")


class Trade(NamedInTwoLanguages, CitedInTwoLanguages, models.Model):
    """An eligible trade of Decree 45/2012/NĐ-CP Art. 5, as amended by Decree 235/2025/NĐ-CP."""

    code = models.CharField(_("mã"), max_length=20, unique=True)
    name = models.CharField(_("tên ngành nghề"), max_length=300)
    name_en = models.CharField(_("tên ngành nghề (tiếng Anh)"), max_length=300, blank=True)
    legal_basis = models.CharField(_("căn cứ"), max_length=200)
    legal_basis_en = models.CharField(_("căn cứ (tiếng Anh)"), max_length=300, blank=True)
    valid_from = models.DateField(_("áp dụng từ"), null=True, blank=True)
    valid_until = models.DateField(_("áp dụng đến"), null=True, blank=True)

    class Meta:
        verbose_name = _("ngành nghề")
        verbose_name_plural = _("ngành nghề")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.label


class Facility(models.Model):
    """A rural industrial facility (cơ sở công nghiệp nông thôn, Decree 45 Art. 1.2.a)."""

    code = models.CharField(_("mã cơ sở"), max_length=40, unique=True)
    name = models.CharField(_("tên cơ sở"), max_length=255)
    legal_form = models.CharField(_("loại hình"), max_length=32, choices=LegalForm.choices)
    tax_code = models.CharField(_("mã số thuế"), max_length=14, null=True, blank=True, validators=[validate_tax_code])

    # The place as recorded: the most precise unit in force on `place_recorded_on`, kept even after the 2025 reform.
    place_recorded_on = models.DateField(_("địa chỉ ghi nhận ngày"))
    province = models.ForeignKey(
        AdminUnit, verbose_name=_("tỉnh (khi ghi nhận)"), on_delete=models.PROTECT, related_name="+"
    )
    district = models.ForeignKey(
        AdminUnit,
        verbose_name=_("huyện (khi ghi nhận)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    commune = models.ForeignKey(
        AdminUnit,
        verbose_name=_("xã (khi ghi nhận)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    commune_as_written = models.CharField(
        _("xã như đã ghi"),
        max_length=100,
        blank=True,
        help_text=_("Khi xã đã sáp nhập trước dữ liệu địa giới hiện có."),
    )
    address = models.CharField(_("số nhà, thôn, đường"), max_length=255, blank=True)
    # Where the record counts today; derived from the recorded place by the 2025 lineage.
    current_province = models.ForeignKey(
        AdminUnit, verbose_name=_("tỉnh hiện nay"), on_delete=models.PROTECT, related_name="facilities"
    )
    current_commune = models.ForeignKey(
        AdminUnit, verbose_name=_("xã hiện nay"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    trade = models.ForeignKey(
        Trade, verbose_name=_("ngành nghề"), null=True, blank=True, on_delete=models.PROTECT, related_name="facilities"
    )
    trade_description = models.CharField(_("sản phẩm, ngành nghề cụ thể"), max_length=255, blank=True)
    craft_village = models.CharField(_("làng nghề"), max_length=255, blank=True)
    women_owned = models.BooleanField(_("do phụ nữ làm chủ"), default=False)
    ethnic_minority_owned = models.BooleanField(_("do người dân tộc thiểu số làm chủ"), default=False)
    # A priority group of Decree 235/2025/NĐ-CP, as recorded: the lists of such areas change, the record does not.
    disadvantaged_area = models.BooleanField(
        _("ở địa bàn có điều kiện kinh tế - xã hội khó khăn, đặc biệt khó khăn"), default=False
    )

    representative = models.CharField(_("người đại diện"), max_length=255, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    founded_year = models.PositiveSmallIntegerField(
        _("năm thành lập"), null=True, blank=True, validators=[MinValueValidator(1800), MaxValueValidator(2100)]
    )
    workers = models.PositiveIntegerField(_("số lao động"), null=True, blank=True)
    annual_revenue = models.DecimalField(
        _("doanh thu năm (đồng)"),
        max_digits=18,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )

    # Folded (no diacritics, lower case) copies for search and duplicate detection on SQLite and PostgreSQL alike.
    search_text = models.TextField(editable=False, default="", verbose_name=_("chuỗi tìm kiếm"))
    name_key = models.CharField(max_length=255, editable=False, default="", db_index=True, verbose_name=_("khoá tên"))

    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("cơ sở")
        verbose_name_plural = _("cơ sở")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["tax_code"], condition=Q(tax_code__isnull=False), name="facilities_tax_code_unique"
            ),
            models.CheckConstraint(condition=Q(annual_revenue__gte=0), name="facilities_revenue_not_negative"),
        ]
        indexes = [
            models.Index(fields=["current_province", "name"]),
            models.Index(fields=["current_commune", "name_key"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def recorded_unit(self) -> AdminUnit:
        return self.commune or self.district or self.province

    @property
    def recorded_place(self) -> str:
        return self.recorded_place_in(self.recorded_unit)

    @property
    def recorded_unit_id(self) -> int:
        return self.commune_id or self.district_id or self.province_id

    def recorded_place_in(self, unit: AdminUnit) -> str:
        """`recorded_place`, its unit given: read once for many facilities, with its parents and former names."""
        parts = [self.address] if self.address else []
        if self.commune_id is None and self.commune_as_written:
            parts.append(self.commune_as_written)
        parts.append(unit.path_on(self.place_recorded_on))
        return ", ".join(parts)

    @property
    def current_place(self) -> str:
        unit = self.current_commune or self.current_province
        return unit.path


class ProposalState(models.TextChoices):
    PENDING = "pending", _("Chờ xem xét")
    APPLIED = "applied", _("Đã cập nhật")
    REJECTED = "rejected", _("Không chấp nhận")


class ChangeProposal(models.Model):
    """A facility's representative asks the body that manages the facility to change its record (self-service).

    The record itself is changed only when that body applies the proposal, through the facility's own update service;
    `changes` keeps each field's value when proposed (`before`) and the value asked for (`after`), so that a proposal
    overtaken by a later change of the same field is recognised as stale instead of silently undoing it.
    """

    facility = models.ForeignKey(
        Facility, verbose_name=_("cơ sở"), on_delete=models.PROTECT, related_name="change_proposals"
    )
    state = models.CharField(
        _("trạng thái"), max_length=10, choices=ProposalState.choices, default=ProposalState.PENDING
    )
    changes = models.JSONField(_("thay đổi đề nghị"), default=dict)
    reason = models.CharField(_("lý do đề nghị"), max_length=500)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người đề nghị"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept as text too, so the proposal still says who asked and who decided after an account is gone.
    proposed_by_name = models.CharField(_("tên người đề nghị"), max_length=150)
    proposed_at = models.DateTimeField(_("đề nghị lúc"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xem xét"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_by_name = models.CharField(_("tên người xem xét"), max_length=150, blank=True)
    decided_at = models.DateTimeField(_("xem xét lúc"), null=True, blank=True)
    decision_reason = models.CharField(_("lý do không chấp nhận"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("đề nghị thay đổi thông tin cơ sở")
        verbose_name_plural = _("đề nghị thay đổi thông tin cơ sở")
        ordering = ["-proposed_at", "-pk"]
        indexes = [models.Index(fields=["facility", "state"]), models.Index(fields=["state", "-proposed_at"])]

    def __str__(self) -> str:
        return gettext("Đề nghị số %(number)s") % {"number": self.pk}
