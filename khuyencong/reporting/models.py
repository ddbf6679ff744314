"""The periodic reporting regime: the duties (dated reference data with their legal basis), the reports bodies submit
against them (figures frozen when sent, the officials' own text, versions), what happened to each, and reminders."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from khuyencong.core.language import CitedInTwoLanguages, NamedInTwoLanguages, in_language
from khuyencong.geography.models import AdminUnit
from khuyencong.organizations.models import Organization, OrganizationKind

from .rules import EDITABLE, DueRule, Frequency, SubmissionState


class ReportKind(models.TextChoices):
    """Which figures a duty's report carries, computed from the records at the period's as-of date."""

    PROVINCE = "province", _("Báo cáo khuyến công của tỉnh (mọi nguồn kinh phí)")
    IMPLEMENTER = "implementer", _("Báo cáo của đơn vị thực hiện về các đề án của mình")


class ReportingDuty(NamedInTwoLanguages, CitedInTwoLanguages, models.Model):
    """Who must report what, how often, to whom and by when — with its legal basis and dates of validity. The
    national duties are loaded with the reference data; a province may add its own (TT 46/2012/TT-BCT Art. 9: the Sở
    proposes a provincial rule on reporting)."""

    code = models.CharField(_("mã"), max_length=60, unique=True)
    name = models.CharField(_("tên báo cáo"), max_length=300)
    name_en = models.CharField(_("tên báo cáo (tiếng Anh)"), max_length=300, blank=True)
    body_kind = models.CharField(_("cơ quan báo cáo"), max_length=32, choices=OrganizationKind.choices)
    recipients = models.CharField(_("nơi nhận"), max_length=300)
    recipients_en = models.CharField(_("nơi nhận (tiếng Anh)"), max_length=300, blank=True)
    reviewer_kind = models.CharField(
        _("cơ quan tiếp nhận, kiểm tra"),
        max_length=32,
        choices=OrganizationKind.choices,
        help_text=_("Cơ quan cấp trên tiếp nhận, trả lại hoặc chấp nhận báo cáo."),
    )
    frequency = models.CharField(_("kỳ báo cáo"), max_length=16, choices=Frequency.choices)
    report_kind = models.CharField(_("số liệu"), max_length=16, choices=ReportKind.choices)
    due_day = models.PositiveSmallIntegerField(_("hạn: ngày trong tháng"), null=True, blank=True)
    due_months_after = models.PositiveSmallIntegerField(_("hạn: số tháng sau kỳ"), default=0)
    due_days_after = models.PositiveSmallIntegerField(_("hạn: số ngày sau kỳ"), null=True, blank=True)
    legal_basis = models.CharField(_("căn cứ"), max_length=300)
    legal_basis_en = models.CharField(_("căn cứ (tiếng Anh)"), max_length=300, blank=True)
    valid_from = models.DateField(_("áp dụng từ"), null=True, blank=True)
    valid_until = models.DateField(_("áp dụng đến"), null=True, blank=True)
    # A province's own duty (its provincial rule); null: a national duty for every body of the kind.
    province = models.ForeignKey(
        AdminUnit, verbose_name=_("tỉnh"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("chế độ báo cáo")
        verbose_name_plural = _("chế độ báo cáo")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_day__isnull=False) | Q(due_days_after__isnull=False), name="reporting_duty_has_due"
            ),
            models.CheckConstraint(
                condition=Q(due_day__isnull=True) | Q(due_day__gte=1, due_day__lte=31), name="reporting_duty_due_day"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def recipients_label(self) -> str:
        return in_language(self.recipients, self.recipients_en)

    @property
    def due_rule(self) -> DueRule:
        return DueRule(day=self.due_day, months_after=self.due_months_after, days_after=self.due_days_after)


class Submission(models.Model):
    """One version of a body's report for one period of a duty. The figures are computed from the records while it is
    a draft and frozen when it is sent (its JSON and its PDF); what officials write is theirs. An accepted report is
    locked: a later change is a new version with its reason, the old one kept."""

    duty = models.ForeignKey(ReportingDuty, verbose_name=_("chế độ báo cáo"), on_delete=models.PROTECT,
                             related_name="submissions")  # fmt: skip
    organization = models.ForeignKey(Organization, verbose_name=_("cơ quan báo cáo"), on_delete=models.PROTECT,
                                     related_name="report_submissions")  # fmt: skip
    year = models.PositiveSmallIntegerField(_("năm"))
    period_key = models.CharField(_("kỳ"), max_length=4)
    period_start = models.DateField(_("từ ngày"))
    period_end = models.DateField(_("đến ngày"))
    due_on = models.DateField(_("hạn gửi"))
    version = models.PositiveSmallIntegerField(_("lần"), default=1)
    supersedes = models.OneToOneField("self", verbose_name=_("thay cho"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="superseded_by")  # fmt: skip
    version_reason = models.TextField(_("lý do lập lần mới"), blank=True)
    # The version in force for its period (the latest); earlier ones are kept, read-only, with their figures.
    current = models.BooleanField(_("bản hiện hành"), default=True, editable=False)
    state = models.CharField(_("trạng thái"), max_length=16, choices=SubmissionState.choices,
                             default=SubmissionState.DRAFT)  # fmt: skip

    number = models.CharField(_("số, ký hiệu"), max_length=60, blank=True)
    place = models.CharField(_("địa danh"), max_length=100, blank=True)
    signer = models.CharField(_("người ký"), max_length=120, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=120, blank=True)
    highlights = models.TextField(_("kết quả nổi bật"), blank=True)
    shortcomings = models.TextField(_("tồn tại, hạn chế và nguyên nhân"), blank=True)
    solutions = models.TextField(_("giải pháp"), blank=True)
    recommendations = models.TextField(_("kiến nghị, đề xuất"), blank=True)
    next_period = models.TextField(_("kế hoạch kỳ tới"), blank=True)

    # Frozen when sent: the figures as the records stood at the period's end, and the document as it was sent.
    figures = models.JSONField(_("số liệu khi gửi"), null=True, blank=True, editable=False)
    figures_as_of = models.DateField(_("số liệu tính đến ngày"), null=True, blank=True, editable=False)
    pdf = models.FileField(_("bản PDF khi gửi"), upload_to="reporting/%Y/", blank=True, editable=False)
    first_submitted_on = models.DateField(_("gửi lần đầu ngày"), null=True, blank=True, editable=False)
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True, editable=False)
    reviewed_at = models.DateTimeField(_("tiếp nhận / trả lại lúc"), null=True, blank=True, editable=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("người lập")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("tạo lúc"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("sửa lúc"))

    class Meta:
        verbose_name = _("báo cáo định kỳ")
        verbose_name_plural = _("báo cáo định kỳ")
        ordering = ["-year", "period_end", "organization__code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["duty", "organization", "year", "period_key", "version"],
                name="reporting_one_version_per_number",
            ),
            # Two people opening the same report at once: one version in force per body and period.
            models.UniqueConstraint(
                fields=["duty", "organization", "year", "period_key"],
                condition=Q(current=True),
                name="reporting_one_current_version",
            ),
        ]
        indexes = [models.Index(fields=["year", "duty", "organization"])]

    def __str__(self) -> str:  # vi-only: names the report in audit records, the same for every reader
        return f"{self.duty.name} — {self.organization} — {self.period_key}/{self.year} (lần {self.version})"

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE


class SubmissionAction(models.TextChoices):
    CREATED = "created", pgettext_lazy("a report's history", "Lập báo cáo")
    EDITED = "edited", _("Sửa nội dung")
    ATTACHED = "attached", _("Đính kèm tài liệu")
    DETACHED = "detached", _("Bỏ tài liệu đính kèm")
    SUBMITTED = "submitted", _("Gửi báo cáo")
    RETURNED = "returned", _("Trả lại")
    ACCEPTED = "accepted", _("Tiếp nhận")
    NEW_VERSION = "new_version", _("Lập lần mới")


class SubmissionEvent(models.Model):
    """What happened to a report, by whom, when and why: the history shown on its page, never edited."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="events", verbose_name=_("báo cáo")
    )
    action = models.CharField(_("việc"), max_length=16, choices=SubmissionAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người thực hiện"),
    )
    organization = models.ForeignKey(
        Organization, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("tổ chức")
    )
    # The day the act took effect: today, or the day a report sent on paper was sent (entered after the fact).
    on = models.DateField(_("ngày"))
    at = models.DateTimeField(_("ghi lúc"), auto_now_add=True)
    comment = models.TextField(_("ý kiến"), blank=True)
    # A sending keeps what it sent — its figures, the day they stood as of, and the officials' text — so that a report
    # returned and sent again still shows what the level above first received (nothing is overwritten silently).
    figures = models.JSONField(_("số liệu đã gửi"), null=True, blank=True, editable=False)
    figures_as_of = models.DateField(_("số liệu tính đến ngày"), null=True, blank=True, editable=False)
    text = models.JSONField(_("nội dung đã gửi"), null=True, blank=True, editable=False)
    # An edit names the fields it changed: the comment records them in Vietnamese, the page in its reader's language.
    edited = models.JSONField(_("mục đã sửa"), default=list, blank=True, editable=False)

    class Meta:
        verbose_name = _("diễn biến báo cáo")
        verbose_name_plural = _("diễn biến báo cáo")
        ordering = ["submission", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%d/%m/%Y %H:%M}"

    @property
    def edited_labels(self) -> str:
        """The fields an edit changed, named in the language of the page."""
        names = {field.name: field.verbose_name for field in Submission._meta.concrete_fields}
        return ", ".join(str(names[name]) for name in self.edited if name in names)


class SubmissionAttachment(models.Model):
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("báo cáo")
    )
    title = models.CharField(_("tên tài liệu"), max_length=255)
    file = models.FileField(_("tệp"), upload_to="reporting/attachments/%Y/")
    size = models.PositiveIntegerField(_("dung lượng (byte)"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người tải lên"),
    )
    uploaded_at = models.DateTimeField(auto_now_add=True, verbose_name=_("tải lên lúc"))

    class Meta:
        verbose_name = _("tài liệu đính kèm báo cáo")
        verbose_name_plural = _("tài liệu đính kèm báo cáo")
        ordering = ["submission", "pk"]

    def __str__(self) -> str:
        return self.title


class NotificationKind(models.TextChoices):
    DUE_SOON = "due_soon", _("Sắp đến hạn báo cáo")
    OVERDUE = "overdue", _("Quá hạn báo cáo")
    SUBMITTED = "submitted", _("Có báo cáo gửi đến")
    RETURNED = "returned", _("Báo cáo bị trả lại")
    ACCEPTED = "accepted", _("Báo cáo được tiếp nhận")
    # A facility's self-service (facilities/proposals.py): its proposal sent to the managing body, and the decision.
    FACILITY_PROPOSAL = "proposal", pgettext_lazy("a notification", "Đề nghị thay đổi thông tin cơ sở")
    PROPOSAL_DECIDED = "proposal_done", _("Đề nghị thay đổi đã được xem xét")


class Notification(models.Model):
    """A message in a user's in-app list (and, for reminders, by e-mail). `key` makes each reminder once only."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("người dùng")
    )
    kind = models.CharField(_("loại"), max_length=16, choices=NotificationKind.choices)
    key = models.CharField(max_length=200, verbose_name=_("khoá"))
    message = models.CharField(_("nội dung"), max_length=500)
    link = models.CharField(_("đường dẫn"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("lúc"), auto_now_add=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("đã gửi thư lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="reporting_notification_once")]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.message
