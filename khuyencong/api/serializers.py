"""What the API reads and writes. Field names follow the exchange format (docs/exchange-format.md), so that a record
looks the same in a file and over the wire; records are named by their codes, never by database ids."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from khuyencong.consulting.models import ConsultingRecord
from khuyencong.core.corrections import Voidable
from khuyencong.facilities.models import Facility, LegalForm, Trade
from khuyencong.geography.models import AdminUnit, Era, Level
from khuyencong.organizations.models import Organization
from khuyencong.programs.models import Allocation, BudgetDecision, Plan, Program
from khuyencong.projects.models import (
    Indicator,
    Payment,
    PaymentKind,
    Project,
    ProjectContent,
    ProjectEvent,
    ProjectKind,
    Result,
)
from khuyencong.projects.selectors import CreationChoices
from khuyencong.projects.workflow import Action
from khuyencong.reporting.models import ReportingDuty, Submission, SubmissionEvent
from khuyencong.reporting.rules import CALENDAR_STATUS_CHOICES
from khuyencong.reporting.services import TEXT_FIELDS

from .fields import CodeRelatedField, MoneyField


def code_of(source: str | None = None) -> serializers.SlugRelatedField[Any]:
    """A related record, named by its code."""
    if source is None:
        return serializers.SlugRelatedField(slug_field="code", read_only=True)
    return serializers.SlugRelatedField(slug_field="code", read_only=True, source=source)


class UnitSerializer(serializers.ModelSerializer[AdminUnit]):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    # DRF's Field has a `parent` attribute; the metaclass moves declared fields aside, so the name is free here.
    parent = code_of()  # type: ignore[assignment]
    current_province = code_of()

    class Meta:
        model = AdminUnit
        fields = ["code", "name", "kind", "kind_label", "level", "era", "parent", "current_province", "path"]


class UnitRefSerializer(serializers.ModelSerializer[AdminUnit]):
    class Meta:
        model = AdminUnit
        fields = ["code", "name", "era"]


class ResolveQuerySerializer(serializers.Serializer[dict[str, Any]]):
    province = serializers.CharField(max_length=100)
    district = serializers.CharField(max_length=100, required=False, allow_blank=True)
    commune = serializers.CharField(max_length=100, required=False, allow_blank=True)
    on = serializers.DateField(required=False, help_text=gettext_lazy("Ngày của địa giới (mặc định: hôm nay)."))


class ResolvedPlaceSerializer(serializers.Serializer[Any]):
    as_of = serializers.DateField()
    province = UnitRefSerializer()
    district = UnitRefSerializer(allow_null=True)
    commune = UnitRefSerializer(allow_null=True)
    current_province = UnitRefSerializer()
    current_commune = UnitRefSerializer(allow_null=True)
    path = serializers.CharField()
    warnings = serializers.ListField(child=serializers.CharField())


class OrganizationSerializer(serializers.ModelSerializer[Organization]):
    parent = code_of()  # type: ignore[assignment]
    territory = UnitRefSerializer(read_only=True)

    class Meta:
        model = Organization
        fields = ["code", "name", "kind", "level", "parent", "territory", "valid_until"]


class PlaceSerializer(serializers.Serializer[dict[str, Any]]):
    """A place as recorded: the units in force on `as_of` (districts exist only before 01/07/2025)."""

    province = serializers.CharField(max_length=100)
    district = serializers.CharField(max_length=100, required=False, allow_blank=True)
    commune = serializers.CharField(max_length=100, required=False, allow_blank=True)
    as_of = serializers.DateField(required=False)


class FacilitySerializer(serializers.ModelSerializer[Facility]):
    place = serializers.SerializerMethodField()
    current_province = UnitRefSerializer(read_only=True)
    current_commune = UnitRefSerializer(read_only=True)
    trade = code_of()
    annual_revenue = MoneyField(required=False, allow_null=True)

    class Meta:
        model = Facility
        fields = [
            "code", "name", "legal_form", "tax_code", "place", "current_province", "current_commune", "address",
            "trade", "trade_description", "craft_village", "women_owned", "ethnic_minority_owned", "disadvantaged_area",
            "representative", "phone", "email", "founded_year", "workers", "annual_revenue",
        ]  # fmt: skip

    def get_place(self, facility: Facility) -> dict[str, Any]:
        return {
            "province": facility.province.code,
            "district": facility.district.code if facility.district else None,
            "commune": facility.commune.code if facility.commune else facility.commune_as_written or None,
            "as_of": facility.place_recorded_on.isoformat(),
        }


class FacilityWriteSerializer(serializers.Serializer[dict[str, Any]]):
    """The fields a facility is registered or changed with; the service decides the rest (code, today's units)."""

    code = serializers.CharField(max_length=40, required=False, help_text=gettext_lazy("Bỏ trống để hệ thống cấp mã."))
    name = serializers.CharField(max_length=255)
    legal_form = serializers.ChoiceField(choices=LegalForm.choices)
    tax_code = serializers.CharField(max_length=20, required=False, allow_blank=True, allow_null=True)
    place = PlaceSerializer()
    address = serializers.CharField(max_length=255, required=False, allow_blank=True)
    trade = CodeRelatedField(slug_field="code", queryset=Trade.objects.all(), required=False, allow_null=True)
    trade_description = serializers.CharField(max_length=255, required=False, allow_blank=True)
    craft_village = serializers.CharField(max_length=255, required=False, allow_blank=True)
    women_owned = serializers.BooleanField(required=False)
    ethnic_minority_owned = serializers.BooleanField(required=False)
    disadvantaged_area = serializers.BooleanField(
        required=False, help_text=gettext_lazy("Ở địa bàn có điều kiện kinh tế - xã hội khó khăn, đặc biệt khó khăn.")
    )
    representative = serializers.CharField(max_length=255, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    founded_year = serializers.IntegerField(min_value=1800, max_value=2100, required=False, allow_null=True)
    workers = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    annual_revenue = MoneyField(required=False, allow_null=True)
    confirm_duplicate = serializers.BooleanField(
        required=False, default=False, help_text=gettext_lazy("Xác nhận đăng ký dù đã có cơ sở cùng tên trong cùng xã.")
    )


class VoidedSerializer(serializers.Serializer[Any]):
    """A correction, as in the exchange format: when, by which body, why; null for an entry in force."""

    on = serializers.DateField(source="voided_on")
    by = serializers.CharField(source="voided_by.code", allow_null=True)
    reason = serializers.CharField(source="voided_reason")


class VoidedField(serializers.Field):
    def __init__(self) -> None:
        super().__init__(source="*", read_only=True)

    def to_representation(self, entry: Voidable) -> dict[str, Any] | None:
        return dict(VoidedSerializer(entry).data) if entry.is_voided else None


extend_schema_field(VoidedSerializer(allow_null=True))(VoidedField)


class BudgetSerializer(serializers.ModelSerializer[BudgetDecision]):
    amount = MoneyField()
    voided = VoidedField()

    class Meta:
        model = BudgetDecision
        fields = ["id", "on", "kind", "amount", "decision", "voided"]


class AllocationSerializer(serializers.ModelSerializer[Allocation]):
    to = code_of()
    amount = MoneyField()
    voided = VoidedField()

    class Meta:
        model = Allocation
        fields = ["id", "on", "to", "amount", "decision", "voided"]


class PlanSerializer(serializers.ModelSerializer[Plan]):
    owner = code_of()
    program = code_of()
    budget = BudgetSerializer(source="budget_decisions", many=True, read_only=True)
    allocations = AllocationSerializer(many=True, read_only=True)

    class Meta:
        model = Plan
        fields = ["code", "year", "funding_source", "owner", "program", "budget", "allocations"]


class ProgramSerializer(serializers.ModelSerializer[Program]):
    territory = UnitRefSerializer(read_only=True)
    targets = serializers.SerializerMethodField()

    class Meta:
        model = Program
        fields = ["code", "name", "level", "territory", "start_year", "end_year", "targets"]

    def get_targets(self, program: Program) -> list[dict[str, str]]:
        return [{"indicator": t.indicator, "value": str(t.value), "unit": t.unit} for t in program.targets.standing()]


class EventSerializer(serializers.ModelSerializer[ProjectEvent]):
    by = code_of(source="organization")
    amount = MoneyField(allow_null=True)
    voided = VoidedField()

    class Meta:
        model = ProjectEvent
        fields = ["id", "seq", "on", "action", "by", "amount", "percent", "note", "document", "state_after", "voided"]


class PaymentSerializer(serializers.ModelSerializer[Payment]):
    amount = MoneyField()
    voided = VoidedField()

    class Meta:
        model = Payment
        fields = ["id", "on", "kind", "amount", "document", "voided"]


class ResultSerializer(serializers.ModelSerializer[Result]):
    voided = VoidedField()

    class Meta:
        model = Result
        fields = ["id", "indicator", "value", "on", "voided"]


class VoidWriteSerializer(serializers.Serializer[Any]):
    """Voids one entry of the đề án: it stays in the history, struck out, and is left out of every figure."""

    entry = serializers.ChoiceField(choices=["event", "payment", "result"])
    id = serializers.IntegerField(min_value=1, max_value=2**62)
    reason = serializers.CharField(max_length=500)


class ProjectSerializer(serializers.ModelSerializer[Project]):
    plan = code_of()
    funding_source = serializers.CharField(source="plan.funding_source", read_only=True)
    year = serializers.IntegerField(source="plan.year", read_only=True)
    content = code_of()
    implementer = code_of()
    beneficiaries = serializers.ManyRelatedField(child_relation=code_of())
    province = UnitRefSerializer(read_only=True)
    total_cost = MoneyField(allow_null=True)
    support_requested = MoneyField(allow_null=True)
    counterpart = MoneyField(allow_null=True)
    support_appraised = MoneyField(allow_null=True)
    support_approved = MoneyField(allow_null=True)
    support_contracted = MoneyField(allow_null=True)
    support_settled = MoneyField(allow_null=True)

    class Meta:
        model = Project
        fields = [
            "code", "title", "plan", "funding_source", "year", "content", "kind", "round", "implementer",
            "beneficiaries", "province", "total_cost", "support_requested", "counterpart", "state", "percent",
            "support_appraised", "support_approved", "support_contracted", "support_settled",
        ]  # fmt: skip


class ProjectDetailSerializer(ProjectSerializer):
    events = EventSerializer(many=True, read_only=True)
    payments = PaymentSerializer(many=True, read_only=True)
    results = ResultSerializer(many=True, read_only=True)
    allowed_actions = serializers.SerializerMethodField()

    class Meta(ProjectSerializer.Meta):
        fields = [*ProjectSerializer.Meta.fields, "events", "payments", "results", "allowed_actions"]

    def get_allowed_actions(self, project: Project) -> list[str]:
        return list(self.context.get("allowed_actions", []))


def _not_future(day: datetime.date) -> None:
    if day > timezone.localdate():
        raise serializers.ValidationError(gettext("Ngày không thể ở tương lai."), code="future_date")


class ProjectWriteSerializer(serializers.Serializer[dict[str, Any]]):
    """A new đề án, as the page registers it. Plans, implementers and beneficiaries are named by code and must be
    among the choices the page would offer the same user (`context["choices"]`): anything else is not found."""

    code = serializers.CharField(
        max_length=60,
        required=False,
        allow_blank=True,
        help_text=gettext_lazy("Bỏ trống để hệ thống đặt theo mã kế hoạch."),
    )
    title = serializers.CharField(max_length=500)
    plan = CodeRelatedField(slug_field="code", queryset=Plan.objects.none(), help_text=gettext_lazy("Mã kế hoạch."))
    content = CodeRelatedField(
        slug_field="code", queryset=ProjectContent.objects.all(), help_text=gettext_lazy("Mã nội dung.")
    )
    kind = serializers.ChoiceField(choices=ProjectKind.choices)
    round = serializers.IntegerField(min_value=1, max_value=20, required=False, allow_null=True)
    implementer = CodeRelatedField(
        slug_field="code", queryset=Organization.objects.none(), help_text=gettext_lazy("Mã đơn vị thực hiện.")
    )
    beneficiaries = serializers.ListField(
        child=serializers.CharField(max_length=40),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Mã các cơ sở thụ hưởng."),
    )
    total_cost = MoneyField(required=False, allow_null=True)
    support_requested = MoneyField(required=False, allow_null=True)
    counterpart = MoneyField(required=False, allow_null=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: CreationChoices | None = self.context.get("choices")
        if choices is not None:
            for name, queryset in (("plan", choices.plans), ("implementer", choices.implementers)):
                field = self.fields[name]
                assert isinstance(field, CodeRelatedField)
                field.queryset = queryset  # type: ignore[arg-type]

    def validate_beneficiaries(self, codes: list[str]) -> list[Facility]:
        choices: CreationChoices = self.context["choices"]
        found = {f.code: f for f in choices.facilities.filter(code__in=codes)}
        unknown = [c for c in codes if c not in found]
        if unknown:
            # The page's words: a facility outside the territory is not found, as if it did not exist.
            raise serializers.ValidationError(
                gettext("Không tìm thấy cơ sở trong phạm vi của bạn: %(codes)s.") % {"codes": ", ".join(unknown)},
                code="not_found",
            )
        return [found[c] for c in dict.fromkeys(codes)]


class EventWriteSerializer(serializers.Serializer[dict[str, Any]]):
    action = serializers.ChoiceField(choices=Action.choices)
    on = serializers.DateField(validators=[_not_future])
    amount = MoneyField(required=False, allow_null=True)
    percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=Decimal(0), max_value=Decimal(100), required=False
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    document = serializers.CharField(required=False, allow_blank=True, max_length=100)


class PaymentWriteSerializer(serializers.Serializer[dict[str, Any]]):
    on = serializers.DateField(validators=[_not_future])
    kind = serializers.ChoiceField(choices=PaymentKind.choices)
    amount = MoneyField()
    document = serializers.CharField(required=False, allow_blank=True, max_length=100)


class ResultWriteSerializer(serializers.Serializer[dict[str, Any]]):
    indicator = serializers.ChoiceField(choices=Indicator.choices)
    value = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal(0))
    on = serializers.DateField(validators=[_not_future])


class ConsultingSerializer(serializers.ModelSerializer[ConsultingRecord]):
    organization = CodeRelatedField(slug_field="code", queryset=Organization.objects.all())
    revenue = MoneyField()
    planned_revenue = MoneyField(required=False, allow_null=True)
    voided = VoidedField()

    class Meta:
        model = ConsultingRecord
        fields = ["code", "organization", "year", "period_end", "projects", "revenue", "planned_revenue", "voided"]
        # The service corrects a record under the same code; uniqueness is not the serializer's to refuse.
        extra_kwargs: dict[str, dict[str, Any]] = {"code": {"validators": []}}


# --- Periodic reports (issue 11) ------------------------------------------------------------------------------------


class SubmissionEventSerializer(serializers.ModelSerializer[SubmissionEvent]):
    """One row of a report's history: the day the act took effect (`on`), the body in whose name, and when it was
    entered (`at`)."""

    by = code_of(source="organization")

    class Meta:
        model = SubmissionEvent
        fields = ["on", "action", "by", "comment", "at"]


class SubmissionSerializer(serializers.ModelSerializer[Submission]):
    """A body's report for one period of a duty, one version; named as in the exchange format's
    `reporting_submissions`, and by its `id` in the API's addresses."""

    duty = code_of()
    organization = code_of()
    period = serializers.CharField(source="period_key", read_only=True)

    class Meta:
        model = Submission
        fields = [
            "id", "duty", "organization", "year", "period", "period_start", "period_end", "due_on", "version",
            "version_reason", "current", "state", *TEXT_FIELDS, "figures_as_of", "first_submitted_on",
        ]  # fmt: skip


class SubmissionDetailSerializer(SubmissionSerializer):
    figures = serializers.JSONField(read_only=True, help_text=gettext_lazy("Số liệu chốt khi gửi (null khi chưa gửi)."))
    events = SubmissionEventSerializer(many=True, read_only=True)
    allowed_actions = serializers.SerializerMethodField()

    class Meta(SubmissionSerializer.Meta):
        fields = [*SubmissionSerializer.Meta.fields, "figures", "events", "allowed_actions"]

    def get_allowed_actions(self, submission: Submission) -> list[str]:
        return list(self.context.get("allowed_actions", []))


class SubmissionOpenSerializer(serializers.Serializer[dict[str, Any]]):
    """The report a body owes for one period of a duty, opened as a draft (the version in force if it is open)."""

    duty = CodeRelatedField(slug_field="code", queryset=ReportingDuty.objects.all())
    organization = CodeRelatedField(slug_field="code", queryset=Organization.objects.all())
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    period = serializers.CharField(
        max_length=4, help_text=gettext_lazy("Kỳ: m01…m12, q1…q4, h1, 9m, y (theo kỳ của chế độ).")
    )


def _text_field(name: str) -> serializers.CharField:
    # The header's columns have their widths; the officials' sections are bounded like the pages' comment boxes.
    width: int | None = getattr(Submission._meta.get_field(name), "max_length", None)
    return serializers.CharField(required=False, allow_blank=True, max_length=width or 50_000, trim_whitespace=True)


class SubmissionTextSerializer(serializers.Serializer[dict[str, Any]]):
    """What officials write: the header line, their named sections and who signs (any of them)."""

    number = _text_field("number")
    place = _text_field("place")
    signer = _text_field("signer")
    signer_title = _text_field("signer_title")
    highlights = _text_field("highlights")
    shortcomings = _text_field("shortcomings")
    solutions = _text_field("solutions")
    recommendations = _text_field("recommendations")
    next_period = _text_field("next_period")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # A field that is not the officials' to write (the state, the figures) is refused, not silently passed by.
        unknown = sorted(set(self.initial_data) - set(self.fields)) if isinstance(self.initial_data, dict) else []
        if unknown:
            raise serializers.ValidationError(
                {name: [gettext("Không sửa được mục này của báo cáo.")] for name in unknown}, code="unknown_field"
            )
        return attrs


class SubmissionMoveSerializer(serializers.Serializer[dict[str, Any]]):
    on = serializers.DateField(
        required=False, help_text=gettext_lazy("Ngày của việc (báo cáo gửi bằng giấy, nhập sau); mặc định hôm nay.")
    )


class SubmissionReviewSerializer(SubmissionMoveSerializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class SubmissionReasonSerializer(serializers.Serializer[dict[str, Any]]):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class CalendarQuerySerializer(serializers.Serializer[dict[str, Any]]):
    year = serializers.IntegerField(
        min_value=2000, max_value=2100, required=False, help_text=gettext_lazy("Mặc định: năm nay.")
    )
    province = serializers.CharField(required=False, max_length=10, help_text=gettext_lazy("Mã tỉnh hiện nay."))

    def validate_province(self, code: str) -> AdminUnit:
        province = AdminUnit.objects.filter(era=Era.FROM_2025, level=Level.PROVINCE, code=code).first()
        if province is None:
            raise serializers.ValidationError(
                gettext("Không có tỉnh mã «%(code)s».") % {"code": code}, code="province_unknown"
            )
        return province


class CalendarEntrySerializer(serializers.Serializer[Any]):
    """A report a body owes for one period, its due date and where it stands (`reporting.selectors.CalendarEntry`)."""

    duty = serializers.CharField()
    organization = serializers.CharField()
    organization_name = serializers.CharField()
    year = serializers.IntegerField()
    period = serializers.CharField()
    period_label = serializers.CharField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    due_on = serializers.DateField()
    status = serializers.ChoiceField(choices=CALENDAR_STATUS_CHOICES)
    late = serializers.BooleanField()
    submission = serializers.IntegerField(
        allow_null=True, help_text=gettext_lazy("id của báo cáo (lần đang có hiệu lực).")
    )
    version = serializers.IntegerField(allow_null=True)


class CalendarSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField()
    province = serializers.CharField(allow_null=True)
    entries = CalendarEntrySerializer(many=True)
