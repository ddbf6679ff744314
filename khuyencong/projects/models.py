"""Đề án khuyến công and KC tasks, their event history, payments and results.

The event rows are the truth: a đề án's state and amounts on any date are what its events up to that date lead to.
The columns `state`, `percent` and `support_*` on Project cache today's derivation for lists; only the services write
them, in the same transaction as the event.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from khuyencong.core.corrections import Voidable
from khuyencong.core.language import CitedInTwoLanguages, NamedInTwoLanguages
from khuyencong.facilities.models import Facility
from khuyencong.geography.models import AdminUnit
from khuyencong.organizations.models import Organization
from khuyencong.programs.models import Plan

from .workflow import Action, State

MONEY = {"max_digits": 18, "decimal_places": 0, "validators": [MinValueValidator(Decimal(0))]}
PERCENT = {
    "max_digits": 5,
    "decimal_places": 2,
    "validators": [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
}


class ProjectContent(NamedInTwoLanguages, CitedInTwoLanguages, models.Model):
    """A KC content of Decree 45/2012/NĐ-CP Art. 4 (as amended by Decree 235/2025/NĐ-CP), dated by legal basis."""

    code = models.CharField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("nội dung"), max_length=300)
    name_en = models.CharField(_("nội dung (tiếng Anh)"), max_length=300, blank=True)
    legal_basis = models.CharField(_("căn cứ"), max_length=200)
    legal_basis_en = models.CharField(_("căn cứ (tiếng Anh)"), max_length=300, blank=True)
    valid_from = models.DateField(_("áp dụng từ"), null=True, blank=True)
    valid_until = models.DateField(_("áp dụng đến"), null=True, blank=True)

    class Meta:
        verbose_name = _("nội dung khuyến công")
        verbose_name_plural = _("nội dung khuyến công")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.label


class ProjectKind(models.TextChoices):
    FACILITY = "facility", _("Hỗ trợ một cơ sở")
    GROUP = "group", _("Đề án nhóm")
    FLAGSHIP = "flagship", _("Đề án điểm")
    LINKAGE = "linkage", _("Liên kết chuỗi, cụm")
    GENERAL = "general", _("Đề án chung (không có cơ sở thụ hưởng riêng)")
    TASK = "task", _("Nhiệm vụ khuyến công khác")


class Project(models.Model):
    code = models.CharField(_("mã đề án"), max_length=60, unique=True)
    title = models.CharField(_("tên đề án"), max_length=500)
    plan = models.ForeignKey(Plan, verbose_name=_("kế hoạch"), on_delete=models.PROTECT, related_name="projects")
    content = models.ForeignKey(ProjectContent, verbose_name=_("nội dung"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("loại"), max_length=12, choices=ProjectKind.choices)
    round = models.PositiveSmallIntegerField(_("đợt"), null=True, blank=True, validators=[MinValueValidator(1)])
    implementer = models.ForeignKey(
        Organization, verbose_name=_("đơn vị thực hiện"), on_delete=models.PROTECT, related_name="projects"
    )
    beneficiaries = models.ManyToManyField(
        Facility, verbose_name=_("cơ sở thụ hưởng"), blank=True, related_name="projects"
    )
    # Money not given is unknown, not zero (exchange format).
    total_cost = models.DecimalField(_("tổng kinh phí"), null=True, blank=True, **MONEY)  # type: ignore[arg-type]
    support_requested = models.DecimalField(_("kinh phí KC đề nghị"), null=True, blank=True, **MONEY)  # type: ignore[arg-type]
    counterpart = models.DecimalField(_("vốn đối ứng"), null=True, blank=True, **MONEY)  # type: ignore[arg-type]
    # Today's province, for scoping: the implementer's for a provincial body, else the beneficiaries'.
    province = models.ForeignKey(
        AdminUnit, verbose_name=_("tỉnh"), null=True, blank=True, on_delete=models.PROTECT, related_name="projects"
    )

    # The province as written when the đề án was recorded (Yên Bái in 2022), for reports "as recorded".
    recorded_province = models.ForeignKey(
        AdminUnit,
        verbose_name=_("tỉnh (khi ghi nhận)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recorded_projects",
    )

    state = models.CharField(_("trạng thái"), max_length=24, choices=State.choices, null=True, blank=True)
    resume_to = models.CharField(
        max_length=24,
        choices=State.choices,
        null=True,
        blank=True,
        editable=False,
        verbose_name=_("trạng thái trở lại"),
    )
    percent = models.DecimalField(_("khối lượng hoàn thành (%)"), null=True, blank=True, **PERCENT)  # type: ignore[arg-type]
    support_appraised = models.DecimalField(_("kinh phí thẩm định"), null=True, blank=True, **MONEY)  # type: ignore[arg-type]
    support_approved = models.DecimalField(_("kinh phí phê duyệt"), null=True, blank=True, **MONEY)  # type: ignore[arg-type]
    support_contracted = models.DecimalField(_("kinh phí hợp đồng"), null=True, blank=True, **MONEY)  # type: ignore[arg-type]
    support_settled = models.DecimalField(_("kinh phí quyết toán"), null=True, blank=True, **MONEY)  # type: ignore[arg-type]
    # Derived from the beneficiaries and their facilities' priority groups, kept by `projects.reach` (see there why):
    # a report of 100,000 đề án then reads neither their beneficiaries nor a million facilities.
    reach = models.TextField(_("cơ sở thụ hưởng và nhóm ưu tiên"), blank=True, default="", editable=False)
    reach_groups = models.PositiveSmallIntegerField(_("nhóm ưu tiên được hỗ trợ"), default=0, editable=False)

    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("tạo lúc"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("sửa lúc"))

    class Meta:
        verbose_name = _("đề án")
        verbose_name_plural = _("đề án")
        ordering = ["plan__year", "code"]
        indexes = [
            models.Index(fields=["province", "state"]),
            models.Index(fields=["plan", "state"]),
            # The national lists by state (the Cục's overdue đề án, its work queues): a few thousand of 200,000 rows,
            # read by this index instead of a scan of the table (29 ms → 4 ms on the national benchmark). With the
            # plan, the deadlines' counts by state and plan year read the index alone: the Cục's late liquidations
            # (48,000 of 200,000) counted in 5–9 ms instead of 27–78 ms.
            models.Index(fields=["state", "plan"], name="projects_project_state_plan"),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"

    def get_state_display(self) -> str | None:  # type: ignore[no-redef]
        """The state's label. Django's own looks the value up in a dictionary of every choice built on each call,
        hashing each lazy label, i.e. translating all 19 states for every row: a third of the national work queue's
        rendering on the 200,000-đề án benchmark."""
        return str(State(self.state).label) if self.state else self.state


class ProjectEvent(Voidable):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="events", verbose_name=_("đề án"))
    seq = models.PositiveIntegerField(_("thứ tự"))
    on = models.DateField(_("ngày"))
    action = models.CharField(_("thao tác"), max_length=32, choices=Action.choices)
    organization = models.ForeignKey(
        Organization, verbose_name=_("cơ quan thực hiện"), on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người ghi"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    amount = models.DecimalField(_("số tiền"), null=True, blank=True, **MONEY)  # type: ignore[arg-type]
    percent = models.DecimalField(_("tỷ lệ (%)"), null=True, blank=True, **PERCENT)  # type: ignore[arg-type]
    note = models.TextField(_("ghi chú"), blank=True)
    document = models.CharField(_("số, ký hiệu văn bản"), max_length=100, blank=True)
    state_after = models.CharField(_("trạng thái sau"), max_length=24, choices=State.choices)
    # Entered after the fact in the name of the body that took it (an import, "nhập lịch sử"), not taken live.
    transcribed = models.BooleanField(_("nhập lịch sử"), default=False)
    recorded_at = models.DateTimeField(_("ghi lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("sự kiện đề án")
        verbose_name_plural = _("sự kiện đề án")
        ordering = ["project", "seq"]
        constraints = [models.UniqueConstraint(fields=["project", "seq"], name="projects_event_seq_unique")]
        indexes = [models.Index(fields=["project", "on", "seq"])]

    def __str__(self) -> str:
        return f"{self.on:%d/%m/%Y} {self.get_action_display()}"


class StateFigures(models.Model):
    """What a đề án was at some time, derived from its standing events and payments: the fields a period and a
    year-end state share, so that a report reads either the same way."""

    state = models.CharField(_("trạng thái"), max_length=24, choices=State.choices)
    percent = models.DecimalField(_("khối lượng hoàn thành (%)"), null=True, blank=True, **PERCENT)  # type: ignore[arg-type]
    support_appraised = models.DecimalField(_("kinh phí thẩm định"), null=True, blank=True, **MONEY)  # type: ignore[arg-type]
    support = models.DecimalField(_("kinh phí hỗ trợ đang có hiệu lực"), null=True, blank=True, **MONEY)  # type: ignore[arg-type]
    support_contracted = models.DecimalField(_("kinh phí hợp đồng"), null=True, blank=True, **MONEY)  # type: ignore[arg-type]
    support_settled = models.DecimalField(_("kinh phí quyết toán"), null=True, blank=True, **MONEY)  # type: ignore[arg-type]
    # Advances and payments less refunds up to and including the last day of the interval's start.
    disbursed = models.DecimalField(_("đã giải ngân lũy kế"), max_digits=18, decimal_places=0, default=Decimal(0))
    # What the contract was about: its own amount, else the latest amount set before it (an assignment carries the
    # approved support), else the support requested — the amount the reports count as contracted.
    contract_amount = models.DecimalField(_("giá trị hợp đồng (tính báo cáo)"), null=True, blank=True, **MONEY)  # type: ignore[arg-type]
    # The first day each milestone was reached, carried forward ("reached approval by D" is `approved_on IS NOT NULL`).
    appraised_on = models.DateField(null=True, blank=True, verbose_name=_("ngày thẩm định"))
    approved_on = models.DateField(null=True, blank=True, verbose_name=_("ngày phê duyệt"))
    assigned_on = models.DateField(null=True, blank=True, verbose_name=_("ngày giao"))
    contracted_on = models.DateField(null=True, blank=True, verbose_name=_("ngày ký hợp đồng"))
    accepted_on = models.DateField(null=True, blank=True, verbose_name=_("ngày nghiệm thu"))
    completed_on = models.DateField(null=True, blank=True, verbose_name=_("ngày hoàn thành"))

    class Meta:
        abstract = True


class ProjectPeriod(StateFigures):
    """What a đề án was over an interval of days, derived from its standing events and payments: `valid_from` up to
    (not including) `valid_to`, open-ended for today's. "As of D" is then one indexed range query, and report
    figures are SQL aggregates over these rows instead of a replay of every event in Python. Written only by
    `periods.refresh_periods`, in the same transaction as the event, payment or correction that changes them;
    `kc_rebuild --check` proves them equal to the replay."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="periods", verbose_name=_("đề án"))
    valid_from = models.DateField(_("từ ngày"))
    valid_to = models.DateField(_("đến trước ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("khoảng trạng thái đề án")
        verbose_name_plural = _("khoảng trạng thái đề án")
        ordering = ["project", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["project", "valid_from"], name="projects_period_one_per_day"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
                name="projects_period_ordered",
            ),
        ]
        indexes = [
            models.Index(fields=["valid_from", "valid_to"], name="projects_period_range"),
            models.Index(fields=["state", "valid_from"], name="projects_period_state"),
            # The work queues' settlement-dossier deadline: today's period of each accepted, unsettled đề án, in the
            # order of its acceptance (projects.deadlines.SETTLING).
            models.Index(
                fields=["accepted_on", "project"],
                condition=Q(valid_to__isnull=True, state__in=[State.ACCEPTED, State.LIQUIDATED]),
                name="projects_period_settling",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.valid_from}–{self.valid_to or '…'} {self.state}"


class ProjectYearEnd(StateFigures):
    """What a đề án was at the end of 31 December of each year from `year_from` to `year_to` (every later year when
    empty): the period in force that day, one row per run of years that ended in the same period. Annual and
    multi-year reports ask "as of 31/12" far more than any other day; a national programme report probes one đề án
    at a time, and this table has a quarter of the periods' rows (issue 10: the five-year programme report read
    30,000 periods at 246 ms). Written with the periods by `periods.refresh_periods`, in the same transaction;
    `kc_rebuild` rebuilds it and `kc_rebuild --check` proves it equal to the replay."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="year_ends", verbose_name=_("đề án"))
    year_from = models.PositiveSmallIntegerField(_("từ cuối năm"))
    year_to = models.PositiveSmallIntegerField(_("đến cuối năm"), null=True, blank=True)

    class Meta:
        verbose_name = _("trạng thái cuối năm của đề án")
        verbose_name_plural = _("trạng thái cuối năm của đề án")
        ordering = ["project", "year_from"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year_from"], name="projects_year_end_one_per_year"),
            models.CheckConstraint(
                condition=Q(year_to__isnull=True) | Q(year_to__gte=models.F("year_from")),
                name="projects_year_end_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} 31/12/{self.year_from}–{self.year_to or '…'} {self.state}"


class PaymentKind(models.TextChoices):
    ADVANCE = "advance", _("Tạm ứng")
    PAYMENT = "payment", _("Thanh toán")
    REFUND = "refund", _("Thu hồi, hoàn trả")


class Payment(Voidable):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="payments", verbose_name=_("đề án"))
    on = models.DateField(_("ngày chứng từ"))
    kind = models.CharField(_("loại"), max_length=10, choices=PaymentKind.choices)
    amount = models.DecimalField(_("số tiền"), **MONEY)  # type: ignore[arg-type]
    document = models.CharField(_("số chứng từ"), max_length=100, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người thực hiện"),
    )
    # Paid on paper before the đề án came into the system (an import, "nhập lịch sử"): recorded as it was, not judged
    # by the first-advance rules of Circular 36/2013 Art. 13, whose evidence (progress, invoices) did not travel.
    transcribed = models.BooleanField(_("nhập lịch sử"), default=False)
    recorded_at = models.DateTimeField(auto_now_add=True, verbose_name=_("ghi lúc"))

    class Meta:
        verbose_name = _("thanh toán")
        verbose_name_plural = _("thanh toán")
        ordering = ["project", "on", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="projects_payment_positive")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on:%d/%m/%Y}: {self.amount}"


class CounterpartVoucher(Voidable):
    """A voucher of the facility's own share (vốn đối ứng) spent on the đề án, declared and evidenced beside the KC
    support (Circular 36/2013/TT-BCT Art. 5: the cost estimate splits support and counterpart; Mẫu 8b lists both)."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="counterpart_vouchers", verbose_name=_("đề án")
    )
    on = models.DateField(_("ngày chứng từ"))
    amount = models.DecimalField(_("số tiền đối ứng"), **MONEY)  # type: ignore[arg-type]
    document = models.CharField(_("số chứng từ"), max_length=100)
    description = models.CharField(_("nội dung chi"), max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người thực hiện"),
    )
    recorded_at = models.DateTimeField(auto_now_add=True, verbose_name=_("ghi lúc"))

    class Meta:
        verbose_name = _("chứng từ vốn đối ứng")
        verbose_name_plural = _("chứng từ vốn đối ứng")
        ordering = ["project", "on", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="projects_counterpart_positive")]
        indexes = [models.Index(fields=["project", "on"], name="projects_counterpart_on")]

    def __str__(self) -> str:
        return _("Đối ứng %(on)s: %(amount)s") % {"on": f"{self.on:%d/%m/%Y}", "amount": self.amount}


class Indicator(models.TextChoices):
    FACILITIES_SUPPORTED = "facilities_supported", _("Cơ sở được hỗ trợ")
    DEMONSTRATION_MODELS = "demonstration_models", _("Mô hình trình diễn")
    MACHINES = "machines", _("Máy móc thiết bị ứng dụng")
    TECHNOLOGY_LINES = "technology_lines", _("Dây chuyền công nghệ")
    TRAINEES = "trainees", _("Học viên đào tạo nghề")
    TRAINEES_EMPLOYED = "trainees_employed", _("Học viên có việc làm sau đào tạo")
    MANAGERS_TRAINED = "managers_trained", _("Người được đào tạo quản lý")
    WORKSHOPS = "workshops", _("Hội thảo, tập huấn")
    WORKSHOP_DELEGATES = "workshop_delegates", _("Đại biểu hội thảo")
    FAIR_PARTICIPATIONS = "fair_participations", _("Lượt cơ sở tham gia hội chợ")
    SHOWROOMS = "showrooms", _("Phòng trưng bày")
    BRANDS = "brands", _("Thương hiệu, nhãn hiệu")
    PRODUCTS_SELECTED = "products_selected", _("Sản phẩm được bình chọn")


class Result(Voidable):
    """An indicator recorded on a đề án; facility-times ("lượt cơ sở") and distinct facilities are kept apart."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="results", verbose_name=_("đề án"))
    indicator = models.CharField(_("chỉ tiêu"), max_length=32, choices=Indicator.choices)
    value = models.DecimalField(
        _("giá trị"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    on = models.DateField(_("ngày"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người thực hiện"),
    )
    recorded_at = models.DateTimeField(auto_now_add=True, verbose_name=_("ghi lúc"))

    class Meta:
        verbose_name = _("kết quả")
        verbose_name_plural = _("kết quả")
        ordering = ["project", "on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_indicator_display()}: {self.value}"


class CapBasis(models.TextChoices):
    PER_FACILITY = "facility", _("Mỗi cơ sở thụ hưởng")
    PER_PROJECT = "project", _("Mỗi đề án (mô hình)")


class SupportCap(CitedInTwoLanguages, models.Model):
    """A legal ceiling on KC support for one content, one funding source and (for local rules) one province."""

    content = models.ForeignKey(
        ProjectContent, verbose_name=_("nội dung"), on_delete=models.CASCADE, related_name="caps"
    )
    funding_source = models.CharField(_("nguồn kinh phí"), max_length=20)
    province = models.ForeignKey(
        AdminUnit, verbose_name=_("tỉnh (mức riêng của địa phương)"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="+",
    )  # fmt: skip
    # xgettext:no-python-format
    max_percent = models.DecimalField(_("tối đa % chi phí"), max_digits=5, decimal_places=2, null=True, blank=True)
    max_amount = models.DecimalField(_("tối đa (đồng)"), null=True, blank=True, **MONEY)  # type: ignore[arg-type]
    basis = models.CharField(_("tính theo"), max_length=10, choices=CapBasis.choices, default=CapBasis.PER_FACILITY)
    legal_basis = models.CharField(_("căn cứ"), max_length=200)
    legal_basis_en = models.CharField(_("căn cứ (tiếng Anh)"), max_length=300, blank=True)
    valid_from = models.DateField(_("áp dụng từ"), null=True, blank=True)
    valid_until = models.DateField(_("áp dụng đến"), null=True, blank=True)

    class Meta:
        verbose_name = _("mức hỗ trợ tối đa")
        verbose_name_plural = _("mức hỗ trợ tối đa")
        ordering = ["content", "funding_source", "valid_from"]

    def __str__(self) -> str:
        return f"{self.content} ({self.funding_source}): {self.legal_basis}"


class DocumentKind(models.TextChoices):
    DECISION = "decision", _("Quyết định")
    PROPOSAL = "proposal", _("Hồ sơ đề án")
    APPRAISAL = "appraisal", _("Biên bản thẩm định")
    CONTRACT = "contract", _("Hợp đồng")
    ACCEPTANCE = "acceptance", _("Biên bản nghiệm thu")
    VOUCHER = "voucher", _("Chứng từ, hoá đơn")
    REPORT = "report", _("Báo cáo")
    # The evidence Circular 36/2013/TT-BCT Art. 14, 16 and Phụ lục 2, 4 ask of some contents (`dossier_rules`).
    TRAINEES = "trainees", _("Danh sách học viên có chữ ký")
    EMPLOYMENT = "employment", _("Xác nhận việc làm của học viên sau đào tạo")
    PARTICIPANTS = "participants", _("Danh sách đại biểu tham dự có chữ ký")
    BOOTH = "booth", _("Hợp đồng thuê gian hàng có xác nhận của Sở Công Thương")
    TRADEMARK = "trademark", _("Giấy chứng nhận đăng ký nhãn hiệu")
    INVESTMENT = "investment", _("Hoá đơn, chứng từ khối lượng đầu tư đã thực hiện")
    OTHER = "other", _("Khác")


def document_path(instance: Document, filename: str) -> str:
    # The stored name is ours, never the uploader's: no path tricks, no collisions.
    return f"projects/{instance.project_id}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class Document(Voidable):
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="documents", verbose_name=_("đề án"))
    event = models.ForeignKey(
        ProjectEvent,
        verbose_name=_("sự kiện"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    kind = models.CharField(_("loại"), max_length=12, choices=DocumentKind.choices)
    title = models.CharField(_("tên tài liệu"), max_length=255)
    file = models.FileField(_("tệp"), upload_to=document_path)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
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
        verbose_name = _("tài liệu")
        verbose_name_plural = _("tài liệu")
        ordering = ["project", "-uploaded_at"]

    def __str__(self) -> str:
        return self.title
