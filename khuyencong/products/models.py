"""Rural industrial products of the facilities, and the typical-product selection: rounds at each level, their criteria
and judges, entries, each judge's scores, the recognition decision, certificates, complaints and revocations."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from khuyencong.core.corrections import Voidable
from khuyencong.facilities.models import Facility
from khuyencong.geography.models import AdminUnit
from khuyencong.organizations.models import Organization, Region

from .rules import CouncilRole, DossierItem, PhotoAngle, ProductGroup, RoundLevel

POINTS = {"max_digits": 6, "decimal_places": 2, "validators": [MinValueValidator(Decimal(0))]}


class Product(models.Model):
    code = models.CharField(_("mã sản phẩm"), max_length=60, unique=True)
    facility = models.ForeignKey(Facility, verbose_name=_("cơ sở"), on_delete=models.PROTECT, related_name="products")
    name = models.CharField(_("tên sản phẩm"), max_length=255)
    group = models.CharField(_("nhóm sản phẩm"), max_length=16, choices=ProductGroup.choices)
    description = models.TextField(_("mô tả"), blank=True)
    certificates_held = models.JSONField(_("tiêu chuẩn, chứng nhận chất lượng"), default=list, blank=True)
    # Folded (no diacritics, lower case) for search on SQLite and PostgreSQL alike.
    search_text = models.TextField(editable=False, default="", verbose_name=_("chuỗi tìm kiếm"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("tạo lúc"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("sửa lúc"))

    class Meta:
        verbose_name = _("sản phẩm")
        verbose_name_plural = _("sản phẩm")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class SelectionRound(models.Model):
    """A round of the typical-product selection at one level, organised by the body the rule names."""

    code = models.CharField(_("mã đợt bình chọn"), max_length=60, unique=True)
    name = models.CharField(_("tên"), max_length=300)
    level = models.CharField(_("cấp"), max_length=12, choices=RoundLevel.choices)
    year = models.PositiveSmallIntegerField(_("năm"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    organizer = models.ForeignKey(
        Organization, verbose_name=_("cơ quan tổ chức"), on_delete=models.PROTECT, related_name="selection_rounds"
    )
    territory = models.ForeignKey(
        AdminUnit, verbose_name=_("địa bàn"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("vùng"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("đề án kinh phí"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="selection_rounds",
    )
    threshold = models.DecimalField(_("điểm tối thiểu để công nhận"), default=Decimal(70), **POINTS)  # type: ignore[arg-type]
    decision_on = models.DateField(_("ngày quyết định công nhận"), null=True, blank=True)
    decision_document = models.CharField(_("số quyết định công nhận"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("tạo lúc"))

    class Meta:
        verbose_name = _("đợt bình chọn")
        verbose_name_plural = _("đợt bình chọn")
        ordering = ["-year", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def decided(self) -> bool:
        return self.decision_on is not None


class RoundCriterion(models.Model):
    round = models.ForeignKey(
        SelectionRound, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("đợt bình chọn")
    )
    code = models.CharField(_("mã"), max_length=30)
    name = models.CharField(_("tiêu chí"), max_length=300)
    max_points = models.DecimalField(_("điểm tối đa"), **POINTS)  # type: ignore[arg-type]
    position = models.PositiveSmallIntegerField(default=0, verbose_name=_("thứ tự"))

    class Meta:
        verbose_name = _("tiêu chí chấm của đợt")
        verbose_name_plural = _("tiêu chí chấm của đợt")
        ordering = ["round", "position"]
        constraints = [models.UniqueConstraint(fields=["round", "code"], name="products_criterion_unique")]

    def __str__(self) -> str:
        return f"{self.name} ({self.max_points})"


class Judge(models.Model):
    """A member of the round's jury (Ban Giám khảo); `user` is the account that scores on their behalf."""

    round = models.ForeignKey(
        SelectionRound, on_delete=models.CASCADE, related_name="judges", verbose_name=_("đợt bình chọn")
    )
    code = models.CharField(_("mã"), max_length=30)
    name = models.CharField(_("họ và tên"), max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="judgeships",
        verbose_name=_("người dùng"),
    )

    class Meta:
        verbose_name = _("thành viên hội đồng chấm")
        verbose_name_plural = _("thành viên hội đồng chấm")
        ordering = ["round", "code"]
        constraints = [models.UniqueConstraint(fields=["round", "code"], name="products_judge_unique")]

    def __str__(self) -> str:
        return self.name


class Entry(models.Model):
    round = models.ForeignKey(
        SelectionRound, on_delete=models.PROTECT, related_name="entries", verbose_name=_("đợt bình chọn")
    )
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="entries", verbose_name=_("sản phẩm"))
    registered_on = models.DateField(_("ngày đăng ký"))
    lower_certificate = models.ForeignKey(
        "Certificate",
        verbose_name=_("giấy chứng nhận cấp dưới"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recognized = models.BooleanField(_("được công nhận"), default=False)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người đăng ký"),
    )

    class Meta:
        verbose_name = _("sản phẩm dự bình chọn")
        verbose_name_plural = _("sản phẩm dự bình chọn")
        ordering = ["round", "pk"]
        constraints = [models.UniqueConstraint(fields=["round", "product"], name="products_one_entry_per_round")]

    def __str__(self) -> str:
        return f"{self.product} — {self.round}"


class Score(Voidable):
    """One judge's points on one criterion for one entry, on the judge's own sheet; a correction voids it and enters
    the right figure (never edited)."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="scores", verbose_name=_("sản phẩm dự thi"))
    judge = models.ForeignKey(Judge, on_delete=models.PROTECT, related_name="scores", verbose_name=_("thành viên chấm"))
    criterion = models.ForeignKey(
        RoundCriterion, on_delete=models.PROTECT, related_name="scores", verbose_name=_("tiêu chí")
    )
    points = models.DecimalField(_("điểm"), **POINTS)  # type: ignore[arg-type]
    recorded_at = models.DateTimeField(auto_now_add=True, verbose_name=_("ghi lúc"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("người ghi")
    )

    class Meta:
        verbose_name = _("điểm chấm")
        verbose_name_plural = _("điểm chấm")
        ordering = ["entry", "judge", "criterion"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "judge", "criterion"],
                condition=Q(voided_at__isnull=True),
                name="products_one_standing_score",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.judge}: {self.criterion.code} = {self.points}"


class Certificate(models.Model):
    """Issued on recognition, numbered; valid until 31 December of the third year; revoked with a reason."""

    code = models.CharField(_("số giấy chứng nhận"), max_length=60, unique=True)
    entry = models.OneToOneField(
        Entry, on_delete=models.PROTECT, related_name="certificate", verbose_name=_("sản phẩm dự thi")
    )
    issued_on = models.DateField(_("ngày cấp"))
    valid_until = models.DateField(_("có giá trị đến"))
    revoked_on = models.DateField(_("ngày thu hồi"), null=True, blank=True)
    revoked_reason = models.CharField(_("lý do thu hồi"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("giấy chứng nhận sản phẩm tiêu biểu")
        verbose_name_plural = _("giấy chứng nhận sản phẩm tiêu biểu")
        ordering = ["-issued_on", "code"]

    def __str__(self) -> str:
        return self.code

    def valid_on(self, day: datetime.date) -> bool:
        return self.issued_on <= day <= self.valid_until and (self.revoked_on is None or day < self.revoked_on)


class ComplaintOutcome(models.TextChoices):
    UPHELD = "upheld", _("Chấp nhận khiếu nại")
    DISMISSED = "dismissed", _("Không chấp nhận khiếu nại")


class Complaint(models.Model):
    entry = models.ForeignKey(
        Entry, on_delete=models.PROTECT, related_name="complaints", verbose_name=_("sản phẩm dự thi")
    )
    on = models.DateField(_("ngày khiếu nại"))
    text = models.TextField(_("nội dung"))
    answered_on = models.DateField(_("ngày trả lời"), null=True, blank=True)
    outcome = models.CharField(_("kết quả"), max_length=12, blank=True, choices=ComplaintOutcome.choices)

    class Meta:
        verbose_name = _("khiếu nại")
        verbose_name_plural = _("khiếu nại")
        ordering = ["entry", "on", "pk"]

    def __str__(self) -> str:
        return f"{self.on:%d/%m/%Y} {self.text[:40]}"


class ProductPhoto(Voidable):
    """A photo of a product from one angle (three are asked, TT 26/2014 Art. 12); a new photo of an angle voids the
    one before."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="photos", verbose_name=_("sản phẩm"))
    angle = models.CharField(_("góc chụp"), max_length=10, choices=PhotoAngle.choices)
    file = models.FileField(_("ảnh"), upload_to="products/photos/%Y/")
    content_type = models.CharField(max_length=100, verbose_name=_("định dạng tệp"))
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người tải lên"),
    )
    uploaded_at = models.DateTimeField(auto_now_add=True, verbose_name=_("tải lên lúc"))

    class Meta:
        verbose_name = _("ảnh sản phẩm")
        verbose_name_plural = _("ảnh sản phẩm")
        ordering = ["product", "angle", "-uploaded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "angle"], condition=Q(voided_at__isnull=True), name="products_one_photo_per_angle"
            )
        ]

    def __str__(self) -> str:
        return f"{self.product} — {self.get_angle_display()}"


class EntryDocument(Voidable):
    """A document of an entry's dossier; a wrong one is voided (kept, with who and why), never deleted."""

    entry = models.ForeignKey(
        Entry, on_delete=models.CASCADE, related_name="documents", verbose_name=_("sản phẩm dự thi")
    )
    item = models.CharField(_("loại giấy tờ"), max_length=24, choices=DossierItem.choices)
    title = models.CharField(_("tên tài liệu"), max_length=255)
    file = models.FileField(_("tệp"), upload_to="products/dossiers/%Y/")
    content_type = models.CharField(max_length=100, verbose_name=_("định dạng tệp"))
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người tải lên"),
    )
    uploaded_at = models.DateTimeField(auto_now_add=True, verbose_name=_("tải lên lúc"))

    class Meta:
        verbose_name = _("hồ sơ dự thi")
        verbose_name_plural = _("hồ sơ dự thi")
        ordering = ["entry", "item", "pk"]

    def __str__(self) -> str:
        return self.title


class CouncilMember(Voidable):
    """A member of the round's selection council (Hội đồng bình chọn, TT 26/2014 Art. 8–10): their name, position and
    role in the council. A member named by mistake is voided (kept, with who and why), never deleted."""

    round = models.ForeignKey(
        SelectionRound, on_delete=models.CASCADE, related_name="council", verbose_name=_("đợt bình chọn")
    )
    name = models.CharField(_("họ và tên"), max_length=200)
    position = models.CharField(_("chức vụ, đơn vị công tác"), max_length=300)
    role = models.CharField(_("vai trò trong hội đồng"), max_length=12, choices=CouncilRole.choices)
    recorded_at = models.DateTimeField(auto_now_add=True, verbose_name=_("ghi lúc"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("người ghi")
    )

    class Meta:
        verbose_name = _("thành viên hội đồng bình chọn")
        verbose_name_plural = _("thành viên hội đồng bình chọn")
        ordering = ["round", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round"],
                condition=Q(voided_at__isnull=True, role="chair"),
                name="products_one_standing_chair",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"


class HolderReport(Voidable):
    """A certificate holder's yearly report to the Sở (TT 26/2014 Art. 22): the support received that year and the
    results. A wrong report is voided with its reason and entered again."""

    certificate = models.ForeignKey(
        Certificate, on_delete=models.PROTECT, related_name="holder_reports", verbose_name=_("giấy chứng nhận")
    )
    year = models.PositiveSmallIntegerField(
        _("năm báo cáo"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    reported_on = models.DateField(_("ngày báo cáo"))
    support_received = models.DecimalField(
        _("hỗ trợ đã nhận (đồng)"), max_digits=18, decimal_places=0, validators=[MinValueValidator(Decimal(0))]
    )
    support_text = models.TextField(_("các hỗ trợ đã nhận"), blank=True)
    results = models.TextField(_("kết quả sản xuất, kinh doanh"))
    recorded_at = models.DateTimeField(auto_now_add=True, verbose_name=_("ghi lúc"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("người ghi")
    )

    class Meta:
        verbose_name = _("báo cáo hằng năm của sản phẩm được công nhận")
        verbose_name_plural = _("báo cáo hằng năm của sản phẩm được công nhận")
        ordering = ["certificate", "-year", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "year"],
                condition=Q(voided_at__isnull=True),
                name="products_one_standing_holder_report",
            ),
            models.CheckConstraint(condition=Q(support_received__gte=0), name="products_holder_support_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.certificate} — {self.year}"
