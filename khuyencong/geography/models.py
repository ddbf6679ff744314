"""Administrative units of Vietnam, versioned across the 2025 reform.

Two generations of units are held side by side: those in force until 30/06/2025 (63 provinces, districts, communes)
and those in force from 01/07/2025 (34 provinces, no districts, 3,321 communes), per Resolution 202/2025/QH15 and the
Standing Committee's resolutions of 16/06/2025. A code is unique only within its generation: 15 is Yên Bái before
the reform and Lào Cai after it.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from khuyencong.core.language import CitedInTwoLanguages
from khuyencong.core.text import compact_key
from khuyencong.core.validity import valid_on

REFORM_DATE = datetime.date(2025, 7, 1)
LAST_DAY_BEFORE_REFORM = datetime.date(2025, 6, 30)


class Era(models.TextChoices):
    BEFORE_2025 = "2025-pre", _("Trước 01/07/2025")
    FROM_2025 = "2025-07", _("Từ 01/07/2025")

    @classmethod
    def on(cls, day: datetime.date) -> Era:
        return cls.FROM_2025 if day >= REFORM_DATE else cls.BEFORE_2025


class Level(models.IntegerChoices):
    PROVINCE = 1, _("Cấp tỉnh")
    DISTRICT = 2, _("Cấp huyện")
    COMMUNE = 3, _("Cấp xã")


class Kind(models.TextChoices):
    PROVINCE = "province", _("Tỉnh")
    CITY = "city", _("Thành phố")
    URBAN_DISTRICT = "urban_district", _("Quận")
    DISTRICT = "district", _("Huyện")
    TOWN = "town", _("Thị xã")
    COMMUNE = "commune", _("Xã")
    WARD = "ward", _("Phường")
    TOWNSHIP = "township", _("Thị trấn")
    SPECIAL_ZONE = "special_zone", _("Đặc khu")


class AdminUnitQuerySet(models.QuerySet["AdminUnit"]):
    def in_force_on(self, day: datetime.date) -> AdminUnitQuerySet:
        return self.filter(valid_on(day))

    def current(self) -> AdminUnitQuerySet:
        return self.filter(era=Era.FROM_2025)

    def provinces(self) -> AdminUnitQuerySet:
        return self.filter(level=Level.PROVINCE)


class AdminUnit(models.Model):
    era = models.CharField(_("thời kỳ"), max_length=8, choices=Era.choices)
    level = models.PositiveSmallIntegerField(_("cấp"), choices=Level.choices)
    code = models.CharField(_("mã"), max_length=5)
    name = models.CharField(_("tên"), max_length=100)
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("trực thuộc"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Null: in force since before the data we hold begins.
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_until = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    # Denormalised at load time so that today's aggregation of any historical record is one join, not a lineage walk.
    current_province = models.ForeignKey(
        "self", verbose_name=_("tỉnh hiện nay"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    search_key = models.CharField(max_length=100, db_index=True, editable=False, verbose_name=_("khoá tìm kiếm"))

    objects = AdminUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["era", "level", "code"]
        constraints = [
            models.UniqueConstraint(fields=["era", "level", "code"], name="geography_unit_code_unique_in_era"),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_from__lte=models.F("valid_until")),
                name="geography_unit_validity_ordered",
            ),
            models.CheckConstraint(condition=~Q(era="2025-07", level=2), name="geography_no_districts_after_reform"),
        ]
        indexes = [models.Index(fields=["level", "search_key"])]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: object, **kwargs: object) -> None:
        self.search_key = compact_key(self.name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def kind_label(self) -> str:
        return str(Kind(self.kind).label)

    @property
    def full_name(self) -> str:
        return f"{self.kind_label} {self.name}"

    @property
    def is_current(self) -> bool:
        return self.era == Era.FROM_2025

    def in_force_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )

    def name_on(self, day: datetime.date) -> str:
        """The full name the unit bore on that day (Tỉnh Thừa Thiên Huế in 2022, Thành phố Huế in 2025)."""
        for former in self.former_names.all():
            if former.in_force_on(day):
                return former.full_name
        return self.full_name

    def ancestors(self) -> list[AdminUnit]:
        chain: list[AdminUnit] = []
        unit = self.parent
        while unit is not None:
            chain.append(unit)
            unit = unit.parent
        return chain

    @property
    def path(self) -> str:
        """ "Xã Côn Minh, Huyện Na Rì, Tỉnh Bắc Kạn"."""
        return ", ".join(unit.full_name for unit in [self, *self.ancestors()])

    def path_on(self, day: datetime.date) -> str:
        """The path with the names in force on that day: "Thành phố Huế" was "Tỉnh Thừa Thiên Huế" in 2022."""
        return ", ".join(unit.name_on(day) for unit in [self, *self.ancestors()])

    @property
    def province(self) -> AdminUnit:
        return ([self, *self.ancestors()])[-1]


class FormerName(CitedInTwoLanguages, models.Model):
    """A name a unit bore earlier inside its own generation (Thừa Thiên Huế became Thành phố Huế on 01/01/2025)."""

    unit = models.ForeignKey(
        AdminUnit, on_delete=models.CASCADE, related_name="former_names", verbose_name=_("đơn vị hành chính")
    )
    name = models.CharField(_("tên cũ"), max_length=100)
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices)
    valid_from = models.DateField(_("dùng từ"), null=True, blank=True)
    valid_until = models.DateField(_("dùng đến"))
    legal_basis = models.CharField(_("căn cứ"), max_length=200, blank=True)
    legal_basis_en = models.CharField(_("căn cứ (tiếng Anh)"), max_length=300, blank=True)
    search_key = models.CharField(max_length=100, db_index=True, editable=False, verbose_name=_("khoá tìm kiếm"))

    class Meta:
        verbose_name = _("tên cũ")
        verbose_name_plural = _("tên cũ")
        constraints = [
            models.UniqueConstraint(fields=["unit", "name", "valid_until"], name="geography_former_name_unique")
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: object, **kwargs: object) -> None:
        self.search_key = compact_key(self.name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def full_name(self) -> str:
        return f"{Kind(self.kind).label} {self.name}"

    def in_force_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and day <= self.valid_until


class Succession(models.Model):
    """Old unit -> new unit. A commune split across several new communes has one successor marked default."""

    predecessor = models.ForeignKey(
        AdminUnit, on_delete=models.CASCADE, related_name="successions", verbose_name=_("đơn vị cũ")
    )
    successor = models.ForeignKey(
        AdminUnit, on_delete=models.CASCADE, related_name="predecessions", verbose_name=_("đơn vị kế thừa")
    )
    is_default = models.BooleanField(_("mặc định"), default=False)

    class Meta:
        verbose_name = _("kế thừa địa giới")
        verbose_name_plural = _("kế thừa địa giới")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="geography_succession_unique"),
            models.UniqueConstraint(
                fields=["predecessor"], condition=Q(is_default=True), name="geography_one_default_successor"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"
