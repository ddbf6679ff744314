from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from khuyencong.core.corrections import Voidable
from khuyencong.core.validity import valid_on
from khuyencong.geography.models import AdminUnit, Level


class OrganizationKind(models.TextChoices):
    MINISTRY = "ministry", _("Bộ Công Thương")
    DEPARTMENT = "department", _("Cục quản lý khuyến công")
    NATIONAL_CENTRE = "national_centre", _("Trung tâm khuyến công quốc gia")
    PROVINCIAL_DEPARTMENT = "provincial_department", _("Sở Công Thương")
    PROVINCIAL_CENTRE = "provincial_centre", _("Trung tâm khuyến công tỉnh")
    PROVINCIAL_COMMITTEE = "provincial_committee", _("UBND tỉnh")
    DISTRICT_OFFICE = "district_office", _("Phòng chuyên môn cấp huyện")
    COMMUNE_COMMITTEE = "commune_committee", _("UBND cấp xã")
    OTHER = "other", _("Khác")


class OrganizationLevel(models.TextChoices):
    NATIONAL = "national", _("Trung ương")
    REGION = "region", _("Vùng")
    PROVINCE = "province", _("Tỉnh")
    DISTRICT = "district", _("Huyện")
    COMMUNE = "commune", _("Xã")


LEVEL_OF_KIND: dict[str, OrganizationLevel] = {
    OrganizationKind.MINISTRY: OrganizationLevel.NATIONAL,
    OrganizationKind.DEPARTMENT: OrganizationLevel.NATIONAL,
    OrganizationKind.NATIONAL_CENTRE: OrganizationLevel.REGION,
    OrganizationKind.PROVINCIAL_DEPARTMENT: OrganizationLevel.PROVINCE,
    OrganizationKind.PROVINCIAL_CENTRE: OrganizationLevel.PROVINCE,
    OrganizationKind.PROVINCIAL_COMMITTEE: OrganizationLevel.PROVINCE,
    OrganizationKind.DISTRICT_OFFICE: OrganizationLevel.DISTRICT,
    OrganizationKind.COMMUNE_COMMITTEE: OrganizationLevel.COMMUNE,
}

TERRITORY_LEVEL: dict[OrganizationLevel, Level] = {
    OrganizationLevel.PROVINCE: Level.PROVINCE,
    OrganizationLevel.DISTRICT: Level.DISTRICT,
    OrganizationLevel.COMMUNE: Level.COMMUNE,
}


class Region(models.Model):
    """A KC region, served by one national KC centre (Decree 45, Ch. III)."""

    code = models.CharField(_("mã"), max_length=20, unique=True)
    name = models.CharField(_("tên"), max_length=100)
    centre = models.ForeignKey(
        "Organization",
        verbose_name=_("trung tâm khuyến công quốc gia"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="served_regions",
    )

    class Meta:
        verbose_name = _("vùng khuyến công")
        verbose_name_plural = _("vùng khuyến công")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def provinces_on(self, day: datetime.date) -> models.QuerySet[AdminUnit]:
        # One filter() call, so that the region and the dates apply to the same membership row.
        return AdminUnit.objects.filter(valid_on(day, "region_memberships__"), region_memberships__region=self)


class RegionMembership(models.Model):
    """Regions regroup when provinces merge (Bình Thuận was southern; it lies in Lâm Đồng from 01/07/2025)."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("vùng"))
    province = models.ForeignKey(
        AdminUnit,
        on_delete=models.PROTECT,
        related_name="region_memberships",
        limit_choices_to={"level": Level.PROVINCE},
        verbose_name=_("tỉnh"),
    )
    valid_from = models.DateField(_("từ ngày"), null=True, blank=True)
    valid_until = models.DateField(_("đến ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("tỉnh thuộc vùng")
        verbose_name_plural = _("tỉnh thuộc vùng")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "province", "valid_from"], name="organizations_region_member_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.province} ∈ {self.region}"


class OrganizationQuerySet(models.QuerySet["Organization"]):
    def active_on(self, day: datetime.date) -> OrganizationQuerySet:
        """Bodies that may still act on `day`: those dissolved by the 2025 reform are not offered for new acts."""
        return self.filter(models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=day))


class Organization(models.Model):
    code = models.CharField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    kind = models.CharField(_("loại"), max_length=32, choices=OrganizationKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("cơ quan chủ quản"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    territory = models.ForeignKey(
        AdminUnit,
        verbose_name=_("địa bàn"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organizations",
    )
    region = models.ForeignKey(
        Region, verbose_name=_("vùng"), null=True, blank=True, on_delete=models.PROTECT, related_name="organizations"
    )
    valid_until = models.DateField(
        _("ngừng hoạt động từ sau ngày"),
        null=True,
        blank=True,
        help_text=_("Ví dụ: các sở của tỉnh đã sáp nhập năm 2025."),
    )

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("tổ chức")
        verbose_name_plural = _("tổ chức")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def level(self) -> OrganizationLevel | None:
        """Ministry and Cục are national; "other" bodies take the level of the territory they are given."""
        if self.kind in LEVEL_OF_KIND:
            return LEVEL_OF_KIND[self.kind]
        if self.territory is not None:
            return {Level.PROVINCE: OrganizationLevel.PROVINCE, Level.DISTRICT: OrganizationLevel.DISTRICT}.get(
                Level(self.territory.level), OrganizationLevel.COMMUNE
            )
        return None

    def territory_on(self, day: datetime.date) -> AdminUnit | None:
        """The territory the body served on `day` (its standing dated territories; prefetch `territories__territory`
        for lists). A body without dated territories (one created before they existed, or in a test) is taken to
        have served its one territory throughout; with them, a day none covers has none (today's Lào Cai centre in
        2024, until an administrator records what it served before the reform)."""
        rows = [(r.valid_from, r.valid_until, r) for r in self.territories.all() if not r.is_voided]
        if not rows:
            return self.territory
        row = dated_territory(rows, day)
        return row.territory if row is not None else None

    def clean(self) -> None:
        level = LEVEL_OF_KIND.get(self.kind)
        if level in TERRITORY_LEVEL:
            if self.territory is None:
                raise ValidationError({"territory": _("Tổ chức cấp địa phương phải có địa bàn.")})
            if self.territory.level != TERRITORY_LEVEL[level]:
                raise ValidationError(
                    {
                        "territory": _("Địa bàn phải là đơn vị %(level)s.")
                        % {"level": Level(TERRITORY_LEVEL[level]).label}
                    }
                )
        if level == OrganizationLevel.REGION and self.region is None:
            raise ValidationError({"region": _("Trung tâm khuyến công quốc gia phải gắn với một vùng.")})
        if level == OrganizationLevel.NATIONAL and self.territory is not None:
            raise ValidationError({"territory": _("Cơ quan trung ương không gắn với một địa bàn.")})


T = TypeVar("T")


def dated_territory(
    spans: Iterable[tuple[datetime.date | None, datetime.date | None, T]], day: datetime.date
) -> T | None:
    """The territory of the span (from, until, territory) in force on `day`; None if none covers it."""
    for valid_from, valid_until, territory in spans:
        if (valid_from is None or valid_from <= day) and (valid_until is None or day <= valid_until):
            return territory
    return None


def is_local_level(kind: str, territory_level: int | None) -> bool:
    """A body of a province, district or commune (not the Ministry, the Cục, a national centre): `Organization.level`
    from plain values, for bulk reads and migrations."""
    level = LEVEL_OF_KIND.get(kind)
    if level is None:
        return territory_level is not None
    return level in TERRITORY_LEVEL


class OrganizationTerritory(Voidable):
    """The territory a body served, dated (issue 13): the Sở Công Thương of Sơn La served pre-reform Sơn La until
    30/06/2025 and today's Sơn La from 01/07/2025, two different units. `Organization.territory` stays today's (or,
    for a body dissolved by the reform, its last). Added through `organizations.services`, voided, never edited."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("tổ chức"), on_delete=models.CASCADE, related_name="territories"
    )
    territory = models.ForeignKey(AdminUnit, verbose_name=_("địa bàn"), on_delete=models.PROTECT, related_name="+")
    # Null: since before the data we hold begins / still in force.
    valid_from = models.DateField(_("từ ngày"), null=True, blank=True)
    valid_until = models.DateField(_("đến ngày"), null=True, blank=True)
    legal_basis = models.CharField(_("căn cứ"), max_length=200, blank=True)
    note = models.CharField(_("ghi chú, lý do"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("ghi lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("địa bàn theo thời kỳ")
        verbose_name_plural = _("địa bàn theo thời kỳ")
        ordering = ["organization", models.F("valid_from").asc(nulls_first=True)]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_from__isnull=True)
                | models.Q(valid_until__isnull=True)
                | models.Q(valid_from__lte=models.F("valid_until")),
                name="organizations_territory_validity_ordered",
            )
        ]

    def __str__(self) -> str:
        start = f"{self.valid_from:%d/%m/%Y}" if self.valid_from else "…"
        end = f"{self.valid_until:%d/%m/%Y}" if self.valid_until else "nay"
        return f"{self.territory} ({start} – {end})"

    def in_force_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )
