"""REST API v1. Thin adapters: every read goes through the same scoping selectors as the pages, every write through
the same service functions, so that the API can do nothing a user could not do on screen."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from khuyencong.accounts import access
from khuyencong.accounts.models import User
from khuyencong.consulting import services as consulting_services
from khuyencong.consulting.models import ConsultingRecord
from khuyencong.consulting.selectors import consulting_list_for_user
from khuyencong.core.codes import DUPLICATE_CODE
from khuyencong.core.db import reading_replica
from khuyencong.core.refusals import codes_of
from khuyencong.facilities.models import Facility, LegalForm
from khuyencong.facilities.selectors import FacilityFilters, facility_list_for_user
from khuyencong.facilities.services import FacilityData, facility_create, facility_update
from khuyencong.geography.models import AdminUnit, Era, Level
from khuyencong.geography.resolver import ResolvedPlace, resolve_place
from khuyencong.geography.selectors import unit_default_current_commune, unit_search
from khuyencong.organizations.models import Organization, OrganizationKind, OrganizationLevel
from khuyencong.programs.models import FundingSource, Plan, Program
from khuyencong.programs.selectors import plan_list_for_user, program_list_for_user
from khuyencong.projects import authority as project_authority
from khuyencong.projects import selectors as project_selectors
from khuyencong.projects import services as project_services
from khuyencong.projects.models import Project
from khuyencong.projects.workflow import State
from khuyencong.reporting import authority as reporting_authority
from khuyencong.reporting import services as reporting_services
from khuyencong.reporting.models import Submission
from khuyencong.reporting.rules import Side, SubmissionState, allowed_moves
from khuyencong.reporting.selectors import bodies_visible_to, calendar, submissions_visible_to

from . import serializers as s

CODE = "[^/]+"


class ReplicaListMixin(mixins.ListModelMixin):
    """Lists may read the streaming replica (khuyencong/core/db.py); one record, and anything written, the primary."""

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        with reading_replica():
            return super().list(request, *args, **kwargs)


def _user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User), "every API view requires authentication"
    return user


class OrganizationFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=OrganizationKind.choices)
    level = django_filters.ChoiceFilter(choices=OrganizationLevel.choices)
    province = django_filters.CharFilter(
        field_name="territory__current_province__code", label=gettext_lazy("Mã tỉnh hiện nay")
    )

    class Meta:
        model = Organization
        fields = ["kind", "level", "province"]


class OrganizationViewSet(ReplicaListMixin, viewsets.ReadOnlyModelViewSet[Organization]):
    """Reference data: the bodies of the khuyến công system (Bộ, Cục, TTKC, Sở, UBND …), whole for anyone with a
    territory to work in (an exchange file names the national centres and other provinces' bodies it refers to); none
    for an account without a role or a facility's representative, as on the bodies' pages."""

    queryset = Organization.objects.none()  # the model, for the schema; the rows are `get_queryset`'s
    serializer_class = s.OrganizationSerializer
    lookup_field = "code"
    lookup_value_regex = CODE
    filterset_class = OrganizationFilter

    def get_queryset(self) -> QuerySet[Organization]:
        if getattr(self, "swagger_fake_view", False):
            return Organization.objects.none()
        bodies = Organization.objects.select_related("parent", "territory").order_by("code")
        return bodies if access.works_for_a_body(_user(self.request)) else bodies.none()


class UnitFilter(django_filters.FilterSet):
    era = django_filters.ChoiceFilter(choices=Era.choices)
    level = django_filters.TypedChoiceFilter(choices=Level.choices, coerce=int)
    parent = django_filters.CharFilter(field_name="parent__code", label=gettext_lazy("Mã đơn vị cấp trên"))

    class Meta:
        model = AdminUnit
        fields = ["era", "level", "parent"]


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("q", str, description=gettext_lazy("Tìm theo tên, không phân biệt dấu"))]
    )
)
class UnitViewSet(ReplicaListMixin, viewsets.GenericViewSet[AdminUnit]):
    """Administrative units of both generations: before and after the reform of 01/07/2025."""

    serializer_class = s.UnitSerializer
    filterset_class = UnitFilter

    def get_queryset(self) -> QuerySet[AdminUnit]:
        query = self.request.query_params.get("q", "").strip()
        units = unit_search(query, limit=200) if query else AdminUnit.objects.order_by("era", "level", "code")
        return units.select_related("parent__parent", "current_province")

    def filter_queryset(self, queryset: QuerySet[AdminUnit, Any]) -> QuerySet[AdminUnit, Any]:
        # unit_search slices its result; filters must go first, on the plain queryset.
        if self.request.query_params.get("q", "").strip():
            return queryset
        return super().filter_queryset(queryset)


class ResolveView(APIView):
    """Resolves a place written as on a record of a given date: codes or names, diacritics and case ignored."""

    @extend_schema(parameters=[s.ResolveQuerySerializer], responses=s.ResolvedPlaceSerializer)
    def get(self, request: Request) -> Response:
        query = s.ResolveQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        place = resolve_place(
            province=data["province"], district=data.get("district"), commune=data.get("commune"), on=data.get("on")
        )
        return Response(s.ResolvedPlaceSerializer(_resolved(place)).data)


def _resolved(place: ResolvedPlace) -> dict[str, Any]:
    unit = place.unit
    return {
        "as_of": place.as_of,
        "province": place.province,
        "district": place.district,
        "commune": place.commune,
        "current_province": unit.current_province,
        "current_commune": unit_default_current_commune(place.commune) if place.commune else None,
        "path": unit.path_on(place.as_of),
        "warnings": place.warnings,
    }


FACILITY_PARAMETERS = [
    OpenApiParameter("q", str, description=gettext_lazy("Tìm theo tên, mã, MST, địa chỉ; không phân biệt dấu")),
    OpenApiParameter("province", str, description=gettext_lazy("Mã tỉnh (hiện nay, hoặc trước 2025 với era=2025-pre)")),
    OpenApiParameter(
        "era", str, enum=Era.values, description=gettext_lazy("Thế hệ địa giới của mã tỉnh (mặc định: hiện nay)")
    ),
    OpenApiParameter("legal_form", str, enum=LegalForm.values),
]


@extend_schema_view(list=extend_schema(parameters=FACILITY_PARAMETERS))
class FacilityViewSet(
    ReplicaListMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[Facility]
):
    """Rural industrial facilities in the user's territory."""

    serializer_class = s.FacilitySerializer
    lookup_field = "code"
    lookup_value_regex = CODE
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Facility]:
        params = self.request.query_params
        province = None
        if params.get("province"):
            era = params.get("era") or Era.FROM_2025
            province = AdminUnit.objects.filter(era=era, level=Level.PROVINCE, code=params["province"]).first()
            if province is None:
                return Facility.objects.none()
        filters = FacilityFilters(
            query=params.get("q", "")[:200], province=province, legal_form=params.get("legal_form", "")
        )
        return facility_list_for_user(self.request.user, filters)

    def get_object(self) -> Facility:
        found = facility_list_for_user(self.request.user).filter(code=self.kwargs["code"]).first()
        if found is None:
            raise Http404
        return found

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        return s.FacilityWriteSerializer if self.action in ("create", "partial_update") else s.FacilitySerializer

    @extend_schema(request=s.FacilityWriteSerializer, responses={201: s.FacilitySerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        write = s.FacilityWriteSerializer(data=request.data)
        write.is_valid(raise_exception=True)
        data = dict(write.validated_data)
        code, confirm = data.pop("code", None), data.pop("confirm_duplicate")
        facility = facility_create(
            actor=_user(request), data=_facility_data(data), code=code, confirm_duplicate=confirm
        )
        return Response(s.FacilitySerializer(facility).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.FacilityWriteSerializer, responses=s.FacilitySerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        facility = self.get_object()
        write = s.FacilityWriteSerializer(data=request.data, partial=True)
        write.is_valid(raise_exception=True)
        data = {**_facility_fields(facility), **write.validated_data}
        data.pop("code", None)
        confirm = data.pop("confirm_duplicate", False)
        updated = facility_update(facility=facility, actor=_user(request), data=_facility_data(data),
                                  confirm_duplicate=confirm)  # fmt: skip
        return Response(s.FacilitySerializer(updated).data)


def _facility_fields(facility: Facility) -> dict[str, Any]:
    fields = {name: getattr(facility, name) for name in FacilityData.__dataclass_fields__ if name != "place"}
    fields["place"] = {
        "province": facility.province.code,
        "district": facility.district.code if facility.district else "",
        "commune": facility.commune.code if facility.commune else "",
        "as_of": facility.place_recorded_on,
    }
    return fields


def _facility_data(data: dict[str, Any]) -> FacilityData:
    spec = data.pop("place")
    place = resolve_place(
        province=spec["province"], district=spec.get("district"), commune=spec.get("commune"), on=spec.get("as_of")
    )
    return FacilityData(place=place, **data)


class PlanFilter(django_filters.FilterSet):
    funding_source = django_filters.ChoiceFilter(choices=FundingSource.choices)

    class Meta:
        model = Plan
        fields = ["year", "funding_source"]


class PlanViewSet(ReplicaListMixin, viewsets.ReadOnlyModelViewSet[Plan]):
    """Annual plans: national plans are visible to all, a provincial plan within its province."""

    serializer_class = s.PlanSerializer
    lookup_field = "code"
    lookup_value_regex = CODE
    filterset_class = PlanFilter

    def get_queryset(self) -> QuerySet[Plan]:
        return (
            plan_list_for_user(self.request.user)
            .select_related("owner", "program")
            .prefetch_related("budget_decisions", "allocations__to")
            .order_by("year", "code")
        )


class ProgramViewSet(ReplicaListMixin, viewsets.ReadOnlyModelViewSet[Program]):
    serializer_class = s.ProgramSerializer
    lookup_field = "code"
    lookup_value_regex = CODE

    def get_queryset(self) -> QuerySet[Program]:
        return program_list_for_user(self.request.user).select_related("territory").prefetch_related("targets")


class ProjectFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="plan__year")
    funding_source = django_filters.ChoiceFilter(field_name="plan__funding_source", choices=FundingSource.choices)
    state = django_filters.ChoiceFilter(choices=State.choices)
    province = django_filters.CharFilter(field_name="province__code", label=gettext_lazy("Mã tỉnh hiện nay"))
    content = django_filters.CharFilter(field_name="content__code")
    implementer = django_filters.CharFilter(field_name="implementer__code")
    plan = django_filters.CharFilter(field_name="plan__code")

    class Meta:
        model = Project
        fields = ["year", "funding_source", "state", "province", "content", "implementer", "plan", "round", "kind"]


class ProjectViewSet(ReplicaListMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet[Project]):
    """Đề án khuyến công. Workflow steps, payments and results are written through the same services as the pages,
    with the same rules: who may act, the allowed moves, the dates, the money limits and the legal caps."""

    lookup_field = "code"
    lookup_value_regex = CODE
    filterset_class = ProjectFilter

    def get_queryset(self) -> QuerySet[Project]:
        projects = project_selectors.project_list_for_user(self.request.user).prefetch_related("beneficiaries")
        if self.action != "list":
            projects = projects.prefetch_related("events__organization", "payments", "results")
        return projects.order_by("plan__year", "code")

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        if self.action == "create":
            return s.ProjectWriteSerializer
        return s.ProjectSerializer if self.action == "list" else s.ProjectDetailSerializer

    @extend_schema(request=s.ProjectWriteSerializer, responses={201: s.ProjectDetailSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Registers a đề án: the page's rules (projects.views.project_create), the page's service and checks. Who
        has no officer's role in a body with a territory is refused (403, `no_project_role`) before the body is read;
        an implementer and place outside the territory are refused by the service (403, `out_of_scope`)."""
        user = _user(request)
        if not project_authority.may_create_projects(user):
            raise project_authority.creation_refused()
        choices = project_selectors.project_creation_choices(user)
        write = s.ProjectWriteSerializer(data=request.data, context={"choices": choices})
        write.is_valid(raise_exception=True)
        data = dict(write.validated_data)
        project = project_services.project_create(
            actor=user, code=data.pop("code", "") or project_selectors.next_project_code(data["plan"]), **data
        )
        return self._detail(project)

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        if self.action == "retrieve":
            context["allowed_actions"] = self._allowed(self.get_object())
        return context

    def _allowed(self, project: Project) -> list[str]:
        return [a.value for a in project_selectors.project_actions_for(self.request.user, project)]

    def _detail(self, project: Project, code: int = status.HTTP_201_CREATED) -> Response:
        fresh = self.get_queryset().get(pk=project.pk)
        body = s.ProjectDetailSerializer(fresh, context={"allowed_actions": self._allowed(fresh)}).data
        return Response(body, status=code)

    def _record(self, write_class: type[BaseSerializer[Any]], service: Callable[..., object]) -> Response:
        """Validates the body, calls the service the page would call for this đề án, answers with the đề án."""
        project = self.get_object()
        write = write_class(data=self.request.data)
        write.is_valid(raise_exception=True)
        service(project=project, actor=_user(self.request), **write.validated_data)
        return self._detail(project)

    @extend_schema(request=s.EventWriteSerializer, responses={201: s.ProjectDetailSerializer})
    @action(detail=True, methods=["post"])
    def events(self, request: Request, code: str) -> Response:
        """Records one workflow step (submit, appraise, approve, contract, progress, stop …)."""
        return self._record(s.EventWriteSerializer, project_services.project_record_event)

    @extend_schema(request=s.PaymentWriteSerializer, responses={201: s.ProjectDetailSerializer})
    @action(detail=True, methods=["post"])
    def payments(self, request: Request, code: str) -> Response:
        """Records an advance, a payment or a refund."""
        return self._record(s.PaymentWriteSerializer, project_services.payment_record)

    @extend_schema(request=s.ResultWriteSerializer, responses={201: s.ProjectDetailSerializer})
    @action(detail=True, methods=["post"])
    def results(self, request: Request, code: str) -> Response:
        """Records a result indicator (facilities supported, trainees, machines …)."""
        return self._record(s.ResultWriteSerializer, project_services.result_record)

    @extend_schema(request=s.VoidWriteSerializer, responses={200: s.ProjectDetailSerializer})
    @action(detail=True, methods=["post"])
    def void(self, request: Request, code: str) -> Response:
        """Voids a step, a voucher or a result entered by mistake (with the reason): it stays in the history, struck
        out, and is left out of every figure. A step that later ones depend on is refused until they are voided."""
        project = self.get_object()
        write = s.VoidWriteSerializer(data=request.data)
        write.is_valid(raise_exception=True)
        data, user = write.validated_data, _user(request)
        if data["entry"] == "event":
            event = get_object_or_404(project.events, pk=data["id"])
            project_services.project_void_event(project=project, event=event, actor=user, reason=data["reason"])
        elif data["entry"] == "payment":
            payment = get_object_or_404(project.payments, pk=data["id"])
            project_services.payment_void(project=project, payment=payment, actor=user, reason=data["reason"])
        else:
            result = get_object_or_404(project.results, pk=data["id"])
            project_services.result_void(project=project, result=result, actor=user, reason=data["reason"])
        return self._detail(project, status.HTTP_200_OK)


class ConsultingFilter(django_filters.FilterSet):
    organization = django_filters.CharFilter(field_name="organization__code")

    class Meta:
        model = ConsultingRecord
        fields = ["year", "organization"]


class ConsultingViewSet(ReplicaListMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[ConsultingRecord]):
    """Industrial development consulting (TVPTCN) figures of the centres, as of a date."""

    serializer_class = s.ConsultingSerializer
    filterset_class = ConsultingFilter

    def get_queryset(self) -> QuerySet[ConsultingRecord]:
        return consulting_list_for_user(self.request.user).order_by("year", "code")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        write = s.ConsultingSerializer(data=request.data)
        write.is_valid(raise_exception=True)
        user = _user(request)
        if not access.can_record_consulting(user, write.validated_data["organization"]):
            return _refusal(
                consulting_services.OUT_OF_SCOPE, gettext("Bạn không có quyền ghi kết quả tư vấn của đơn vị này.")
            )
        try:
            record = consulting_services.consulting_record(actor=user, **write.validated_data)
        except consulting_services.ConsultingRefused as refused:
            return _refusal(refused.code, refused.message)
        except DjangoValidationError as error:
            if any(DUPLICATE_CODE in codes for codes in codes_of(error).values()):
                # A code taken, perhaps a moment ago: a conflict (409), answered as for every other record.
                raise
            return _invalid(error)
        return Response(s.ConsultingSerializer(record).data, status=status.HTTP_201_CREATED)


class SubmissionFilter(django_filters.FilterSet):
    duty = django_filters.CharFilter(field_name="duty__code")
    organization = django_filters.CharFilter(field_name="organization__code")
    period = django_filters.CharFilter(field_name="period_key")
    state = django_filters.ChoiceFilter(choices=SubmissionState.choices)
    current = django_filters.BooleanFilter(label=gettext_lazy("Chỉ lần đang có hiệu lực"))

    class Meta:
        model = Submission
        fields = ["year", "duty", "organization", "period", "state", "current", "version"]


class SubmissionViewSet(ReplicaListMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Submission]):
    """Periodic reports (issue 11): the reports of the bodies the user may see, as on the reporting pages. Each write
    is the service the page calls, with the same capability checks: the body (or the centre under it) drafts and
    writes its report, only the body sends it, the level the duty names takes it in or sends it back, and an accepted
    report is changed only by a new version with its reason."""

    lookup_value_regex = r"\d{1,18}"
    filterset_class = SubmissionFilter

    def get_queryset(self) -> QuerySet[Submission]:
        # A report outside the user's view is not found, exactly like one that does not exist.
        reports = submissions_visible_to(self.request.user).select_related(
            "duty", "organization__territory", "organization__parent"
        )
        if self.action != "list":
            reports = reports.prefetch_related("events__organization")
        return reports.order_by("-year", "period_end", "organization__code", "-version", "pk")

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        return s.SubmissionSerializer if self.action == "list" else s.SubmissionDetailSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        if self.action == "retrieve":
            context["allowed_actions"] = self._allowed(self.get_object())
        return context

    def _allowed(self, submission: Submission) -> list[str]:
        """What this user may do with the report now: the pages' buttons."""
        user, body = self.request.user, submission.organization
        state = SubmissionState(submission.state)
        actions = ["edit"] if submission.is_editable and reporting_authority.can_prepare(user, body) else []
        if reporting_authority.can_submit(user, body):
            actions += [move.value for move in allowed_moves(state, Side.BODY)]
        if reporting_authority.can_review(user, submission.duty, body):
            actions += [move.value for move in allowed_moves(state, Side.REVIEWER)]
        if state == SubmissionState.ACCEPTED and submission.current and reporting_authority.can_prepare(user, body):
            actions.append("new_version")
        return actions

    def _detail(self, submission: Submission, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=submission.pk)
        body = s.SubmissionDetailSerializer(fresh, context={"allowed_actions": self._allowed(fresh)}).data
        return Response(body, status=code)

    @extend_schema(
        request=s.SubmissionOpenSerializer,
        responses={201: s.SubmissionDetailSerializer, 200: s.SubmissionDetailSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Opens a body's report for a period as a draft: 201, or 200 with the version in force if it is open."""
        write = s.SubmissionOpenSerializer(data=request.data)
        write.is_valid(raise_exception=True)
        data = write.validated_data
        key = {"duty": data["duty"], "organization": data["organization"], "year": data["year"],
               "period_key": data["period"]}  # fmt: skip
        existed = Submission.objects.filter(**key, current=True).exists()
        submission = reporting_services.submission_open(actor=_user(request), **key)
        return self._detail(submission, status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    @extend_schema(request=s.SubmissionTextSerializer, responses=s.SubmissionDetailSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Writes the officials' text and the signature block of a draft or of a report sent back."""
        submission = self.get_object()
        write = s.SubmissionTextSerializer(data=request.data, partial=True)
        write.is_valid(raise_exception=True)
        reporting_services.submission_edit(actor=_user(request), submission=submission, **write.validated_data)
        return self._detail(submission)

    @extend_schema(request=s.SubmissionMoveSerializer, responses=s.SubmissionDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        """Sends the report in the body's name: its figures are computed and frozen, with the PDF."""
        submission = self.get_object()
        write = s.SubmissionMoveSerializer(data=request.data)
        write.is_valid(raise_exception=True)
        reporting_services.submission_submit(actor=_user(request), submission=submission, **write.validated_data)
        return self._detail(submission)

    @extend_schema(request=s.SubmissionReviewSerializer, responses=s.SubmissionDetailSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request: Request, pk: str) -> Response:
        """The level above sends the report back, saying why (`comment`)."""
        submission = self.get_object()
        write = s.SubmissionReviewSerializer(data=request.data)
        write.is_valid(raise_exception=True)
        reporting_services.submission_return(actor=_user(request), submission=submission, **write.validated_data)
        return self._detail(submission)

    @extend_schema(request=s.SubmissionReviewSerializer, responses=s.SubmissionDetailSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        """The level above takes the report in; it is locked from then on."""
        submission = self.get_object()
        write = s.SubmissionReviewSerializer(data=request.data)
        write.is_valid(raise_exception=True)
        reporting_services.submission_accept(actor=_user(request), submission=submission, **write.validated_data)
        return self._detail(submission)

    @extend_schema(request=s.SubmissionReasonSerializer, responses={201: s.SubmissionDetailSerializer})
    @action(detail=True, methods=["post"], url_path="new-version", url_name="new-version")
    def new_version(self, request: Request, pk: str) -> Response:
        """A change to an accepted report: a new version (a draft with the same text), with its reason."""
        submission = self.get_object()
        write = s.SubmissionReasonSerializer(data=request.data)
        write.is_valid(raise_exception=True)
        fresh = reporting_services.submission_new_version(
            actor=_user(request), submission=submission, reason=write.validated_data["reason"]
        )
        return self._detail(fresh, status.HTTP_201_CREATED)


class ReportingCalendarView(APIView):
    """Every report due in a year from the bodies the user may see, with its due date and where it stands."""

    @extend_schema(parameters=[s.CalendarQuerySerializer], responses=s.CalendarSerializer)
    def get(self, request: Request) -> Response:
        query = s.CalendarQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        today = timezone.localdate()
        year = query.validated_data.get("year") or today.year
        province = query.validated_data.get("province")
        entries = calendar(year, today=today, bodies=bodies_visible_to(request.user), province=province)
        rows = [
            {key: value for key, value in entry.as_json().items() if key not in ("from", "to")}
            | {"period_start": entry.period.start, "period_end": entry.period.end}
            for entry in entries
        ]
        body = {"year": year, "province": province.code if province else None, "entries": rows}
        return Response(s.CalendarSerializer(body).data)


def _refusal(code: str, message: str) -> Response:
    return Response({"detail": message, "code": code}, status=status.HTTP_403_FORBIDDEN)


def _invalid(error: DjangoValidationError) -> Response:
    """A service's validation errors keyed by field as the API always gives them, with the first error's code beside
    them for programs."""
    errors = error.error_dict if hasattr(error, "error_dict") else {"__all__": error.error_list}
    body: dict[str, Any] = {}
    codes = []
    for field, items in errors.items():
        key = "non_field_errors" if field == "__all__" else field
        body[key] = [message for item in items for message in item.messages]
        codes += [item.code for item in items if item.code]
    if codes:
        body["code"] = codes[0]
    return Response(body, status=status.HTTP_400_BAD_REQUEST)
