"""REST API for products and the typical-product selection (issue 12): thin adapters over the products selectors and
services, so that the API can do nothing a user could not do on the pages. Registered in `khuyencong/api/urls.py`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from khuyencong.accounts.models import User
from khuyencong.api.fields import CodeRelatedField, MoneyField
from khuyencong.api.views import CODE, ReplicaListMixin
from khuyencong.core.refusals import Refused
from khuyencong.core.text import fold
from khuyencong.facilities.models import Facility
from khuyencong.facilities.selectors import facility_list_for_user
from khuyencong.organizations.models import Organization, Region
from khuyencong.projects.selectors import project_list_for_user

from . import authority, choices, selectors, services
from .models import (
    Certificate,
    Complaint,
    ComplaintOutcome,
    CouncilMember,
    Entry,
    HolderReport,
    Judge,
    Product,
    RoundCriterion,
    SelectionRound,
)
from .rules import DEFAULT_CRITERIA, DEFAULT_THRESHOLD, CouncilRole, Criterion, ProductGroup, RoundLevel

# --- serializers ------------------------------------------------------------------------------------------------------


def _code() -> serializers.SlugRelatedField[Any]:
    return serializers.SlugRelatedField(slug_field="code", read_only=True)


class ProductSerializer(serializers.ModelSerializer[Product]):
    facility = _code()
    certificates_held = serializers.ListField(child=serializers.CharField(max_length=200), read_only=True)

    class Meta:
        model = Product
        fields = ["code", "facility", "name", "group", "description", "certificates_held"]


class ProductWriteSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(max_length=60)
    facility = serializers.CharField(max_length=60)
    name = serializers.CharField(max_length=255)
    group = serializers.ChoiceField(choices=ProductGroup.choices)
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    certificates_held = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, default=list, max_length=50
    )


class ProductUpdateSerializer(ProductWriteSerializer):
    code = None  # type: ignore[assignment]
    facility = None  # type: ignore[assignment]


class CriterionSerializer(serializers.ModelSerializer[RoundCriterion]):
    max = serializers.DecimalField(source="max_points", max_digits=6, decimal_places=2)

    class Meta:
        model = RoundCriterion
        fields = ["code", "name", "max"]


class JudgeSerializer(serializers.ModelSerializer[Judge]):
    class Meta:
        model = Judge
        fields = ["code", "name"]


class RoundSerializer(serializers.ModelSerializer[SelectionRound]):
    organizer = _code()
    territory = _code()
    region = _code()
    project = serializers.SerializerMethodField()
    criteria = CriterionSerializer(many=True, read_only=True)
    judges = JudgeSerializer(many=True, read_only=True)

    class Meta:
        model = SelectionRound
        fields = [
            "code", "name", "level", "year", "organizer", "territory", "region", "project", "threshold",
            "criteria", "judges", "decision_on", "decision_document",
        ]  # fmt: skip

    def get_project(self, selection: SelectionRound) -> str | None:
        """The funding đề án's code, to a reader who may see that đề án (a national round is open to every facility;
        its đề án is not)."""
        if selection.project is None:
            return None
        visible = getattr(selection, "project_visible", None)
        if visible is None:
            user = getattr(self.context.get("request"), "user", None)
            visible = user is not None and project_list_for_user(user).filter(pk=selection.project.pk).exists()
        if not visible:
            return None
        return selection.project.code


class CriterionWriteSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(max_length=30)
    name = serializers.CharField(max_length=300)
    max = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=0, max_value=100)


class JudgeWriteSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(max_length=30)
    name = serializers.CharField(max_length=200)
    username = serializers.CharField(
        max_length=150, required=False, help_text=gettext_lazy("Tài khoản chấm điểm của giám khảo")
    )


class RoundWriteSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(max_length=60)
    name = serializers.CharField(max_length=300)
    level = serializers.ChoiceField(choices=RoundLevel.choices)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    organizer = CodeRelatedField(slug_field="code", queryset=Organization.objects.all())
    region = CodeRelatedField(slug_field="code", queryset=Region.objects.all(), required=False)
    threshold = serializers.DecimalField(max_digits=6, decimal_places=2, required=False, default=DEFAULT_THRESHOLD)
    criteria = CriterionWriteSerializer(many=True, required=False)
    judges = JudgeWriteSerializer(many=True, required=False)


class EntrySerializer(serializers.ModelSerializer[Entry]):
    product = _code()
    facility = serializers.CharField(source="product.facility.code", read_only=True)
    lower_certificate = _code()
    average = serializers.SerializerMethodField()
    complete = serializers.SerializerMethodField()

    class Meta:
        model = Entry
        fields = ["id", "product", "facility", "registered_on", "lower_certificate", "recognized", "average",
                  "complete"]  # fmt: skip

    @extend_schema_field(OpenApiTypes.DECIMAL)
    def get_average(self, entry: Entry) -> str | None:
        score = self.context.get("scores", {}).get(entry.pk)
        return None if score is None or score.average is None else str(score.average)

    def get_complete(self, entry: Entry) -> bool:
        score = self.context.get("scores", {}).get(entry.pk)
        return bool(score and score.complete)


class EntryWriteSerializer(serializers.Serializer[Any]):
    product = serializers.CharField(max_length=60)
    registered_on = serializers.DateField()
    lower_certificate = serializers.CharField(max_length=60, required=False)


class ScoreWriteSerializer(serializers.Serializer[Any]):
    judge = serializers.CharField(max_length=30)
    product = serializers.CharField(max_length=60)
    criterion = serializers.CharField(max_length=30)
    points = serializers.DecimalField(max_digits=6, decimal_places=2)


class DecideWriteSerializer(serializers.Serializer[Any]):
    on = serializers.DateField()
    document = serializers.CharField(max_length=100)
    recognized = serializers.ListField(child=serializers.CharField(max_length=60), max_length=1000, allow_empty=True)


class FundWriteSerializer(serializers.Serializer[Any]):
    project = serializers.CharField(max_length=60)


class CertificateSerializer(serializers.ModelSerializer[Certificate]):
    product = serializers.CharField(source="entry.product.code", read_only=True)
    round = serializers.CharField(source="entry.round.code", read_only=True)
    level = serializers.CharField(source="entry.round.level", read_only=True)

    class Meta:
        model = Certificate
        fields = ["id", "code", "product", "round", "level", "issued_on", "valid_until", "revoked_on",
                  "revoked_reason"]  # fmt: skip


class RevokeWriteSerializer(serializers.Serializer[Any]):
    on = serializers.DateField()
    reason = serializers.CharField(max_length=500)


class CouncilMemberSerializer(serializers.ModelSerializer[CouncilMember]):
    """A voided member stays listed with the day and reason, as on the round's page."""

    class Meta:
        model = CouncilMember
        fields = ["id", "name", "position", "role", "voided_on", "voided_reason"]


class CouncilMemberWriteSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=200)
    position = serializers.CharField(max_length=300)
    role = serializers.ChoiceField(choices=CouncilRole.choices)


class ReasonWriteSerializer(serializers.Serializer[Any]):
    """The reason a council member or a holder's report is voided."""

    reason = serializers.CharField(max_length=500)


class ComplaintSerializer(serializers.ModelSerializer[Complaint]):
    product = serializers.CharField(source="entry.product.code", read_only=True)

    class Meta:
        model = Complaint
        fields = ["id", "product", "on", "text", "answered_on", "outcome"]


class ComplaintWriteSerializer(serializers.Serializer[Any]):
    product = serializers.CharField(max_length=60)
    on = serializers.DateField()
    text = serializers.CharField(max_length=5000)


class AnswerWriteSerializer(serializers.Serializer[Any]):
    on = serializers.DateField()
    outcome = serializers.ChoiceField(choices=ComplaintOutcome.choices)


class HolderReportSerializer(serializers.ModelSerializer[HolderReport]):
    support_received = MoneyField(read_only=True)

    class Meta:
        model = HolderReport
        fields = ["id", "year", "reported_on", "support_received", "support_text", "results", "voided_on",
                  "voided_reason"]  # fmt: skip


class HolderReportWriteSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    reported_on = serializers.DateField()
    support_received = MoneyField()
    support_text = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    results = serializers.CharField(max_length=5000)


# --- views ------------------------------------------------------------------------------------------------------------


def _user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User), "every API view requires authentication"
    return user


def _void(
    request: Request, void: Callable[[User, str], Any], serializer: type[serializers.ModelSerializer[Any]]
) -> Response:
    """A correction by voiding, with the reason the body gives; the record is answered as it now stands."""
    write = ReasonWriteSerializer(data=request.data)
    write.is_valid(raise_exception=True)
    return Response(serializer(void(_user(request), write.validated_data["reason"])).data)


def _facility(user: User, code: str) -> Facility:
    """A facility named in a body: one the user does not see is not found, like one that does not exist."""
    found = facility_list_for_user(user).filter(code=code).first()
    if found is None:
        message = _("Không có cơ sở «%(code)s».") % {"code": code}
        raise serializers.ValidationError({"facility": [message]}, code="reference_missing")
    return found


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "q",
                str,
                description=gettext_lazy("Tìm theo tên, mã sản phẩm hoặc tên cơ sở (không dấu cũng được)"),
            ),
            OpenApiParameter("group", str, enum=ProductGroup.values),
            OpenApiParameter("facility", str, description=gettext_lazy("Mã cơ sở")),
        ]
    )
)
class ProductViewSet(
    ReplicaListMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[Product]
):
    """Products of the facilities the user sees. Written by the facility's representative or an officer whose
    territory holds it (`product_create`, `product_update`)."""

    serializer_class = ProductSerializer
    lookup_field = "code"
    lookup_value_regex = CODE
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Product]:
        products = selectors.products_for(self.request.user).select_related("facility")
        params = self.request.query_params
        if params.get("q"):
            products = products.filter(search_text__contains=fold(params["q"][:200]))
        if params.get("group"):
            products = products.filter(group=params["group"])
        if params.get("facility"):
            products = products.filter(facility__code=params["facility"][:60])
        return products.order_by("code")

    def get_object(self) -> Product:
        found = selectors.products_for(self.request.user).filter(code=self.kwargs["code"]).first()
        if found is None:
            raise Http404
        return found

    @extend_schema(request=ProductWriteSerializer, responses={201: ProductSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        write = ProductWriteSerializer(data=request.data)
        write.is_valid(raise_exception=True)
        data = dict(write.validated_data)
        user = _user(request)
        product = services.product_create(actor=user, facility=_facility(user, data.pop("facility")), **data)
        return Response(ProductSerializer(product).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ProductUpdateSerializer, responses=ProductSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        product = self.get_object()
        write = ProductUpdateSerializer(data=request.data, partial=True)
        write.is_valid(raise_exception=True)
        current = {
            "name": product.name,
            "group": product.group,
            "description": product.description,
            "certificates_held": list(product.certificates_held),
        }
        updated = services.product_update(actor=_user(request), product=product, **{**current, **write.validated_data})
        return Response(ProductSerializer(updated).data)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("level", str, enum=RoundLevel.values),
            OpenApiParameter("year", int),
        ]
    )
)
class RoundViewSet(
    ReplicaListMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[SelectionRound]
):
    """Selection rounds the user sees (`rounds_for`): national bodies all; others those of their territory, those they
    judge or have entered, and the regional and national rounds. Opened and decided by the organiser; entries
    registered by the facility, an officer of its territory or the organiser; each judge scores their own sheet."""

    serializer_class = RoundSerializer
    lookup_field = "code"
    lookup_value_regex = CODE
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[SelectionRound]:
        # Whether the reader may see each round's funding đề án, asked once for the page rather than once a round.
        visible = project_list_for_user(self.request.user).filter(pk=OuterRef("project_id"))
        rounds = (
            selectors.rounds_for(self.request.user)
            .select_related("project", "organizer", "territory", "region")
            .prefetch_related("criteria", "judges")
            .annotate(project_visible=Exists(visible))
        )
        params = self.request.query_params
        if params.get("level"):
            rounds = rounds.filter(level=params["level"])
        year = params.get("year", "")
        if year:
            # isdecimal, not isdigit: "²⁰²⁵" is digits to isdigit() and no number to int()
            rounds = rounds.filter(year=int(year)) if year.isdecimal() and len(year) == 4 else rounds.none()
        return rounds.order_by("-year", "code")

    def get_object(self) -> SelectionRound:
        found = selectors.rounds_for(self.request.user).filter(code=self.kwargs["code"]).first()
        if found is None:
            raise Http404
        return found

    @extend_schema(request=RoundWriteSerializer, responses={201: RoundSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        write = RoundWriteSerializer(data=request.data)
        write.is_valid(raise_exception=True)
        data = dict(write.validated_data)
        level = RoundLevel(data["level"])
        # Who may not open the round is told so before its jury is looked at.
        if not authority.can_create_round(request.user, data["organizer"], level):
            raise Refused("out_of_scope", services.cannot_open(data["organizer"], level))
        judges = []
        for judge in data.pop("judges", []):
            account = None
            if judge.get("username"):
                # Among the accounts the web form offers: one outside them is answered as missing.
                account = choices.judge_choices(request.user).filter(username=judge["username"]).first()
                if account is None:
                    raise serializers.ValidationError(
                        {"judges": [_("Không có tài khoản «%(username)s».") % {"username": judge["username"]}]},
                        code="reference_missing",
                    )
            judges.append((judge["code"], judge["name"], account))
        criteria = [Criterion(c["code"], c["name"], c["max"]) for c in data.pop("criteria", [])] or list(
            DEFAULT_CRITERIA
        )
        selection = services.round_create(actor=_user(request), judges=judges, criteria=criteria, **data)
        return Response(RoundSerializer(selection, context={"request": request}).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses=EntrySerializer(many=True))
    @extend_schema(methods=["POST"], request=EntryWriteSerializer, responses={201: EntrySerializer})
    @action(detail=True, methods=["get", "post"])
    def entries(self, request: Request, code: str) -> Response:
        """The round's entries the user may see (the organiser and the judges: all; a facility: its own; a body:
        those of facilities in its territory), with their average and whether every judge scored them; POST
        registers one (above the lowest level with its lower certificate, valid on the registration day)."""
        selection = self.get_object()
        user = _user(request)
        if request.method == "POST":
            write = EntryWriteSerializer(data=request.data)
            write.is_valid(raise_exception=True)
            data = write.validated_data
            product = selectors.products_for(user).filter(code=data["product"]).first()
            if product is None:
                message = _("Không có sản phẩm «%(code)s».") % {"code": data["product"]}
                raise serializers.ValidationError({"product": [message]})
            lower = None
            if data.get("lower_certificate"):
                lower = selectors.certificates_for(user).filter(code=data["lower_certificate"]).first()
                if lower is None:
                    message = _("Không có giấy chứng nhận «%(code)s».") % {"code": data["lower_certificate"]}
                    raise serializers.ValidationError({"lower_certificate": [message]})
            entry = services.entry_register(
                actor=user, selection=selection, product=product, registered_on=data["registered_on"],
                lower_certificate=lower,
            )  # fmt: skip
            context = {"scores": selectors.entry_scores(selection)}
            return Response(EntrySerializer(entry, context=context).data, status=status.HTTP_201_CREATED)
        entries = selectors.entries_for(user, selection).select_related("product__facility", "lower_certificate")
        context = {"scores": selectors.entry_scores(selection)}
        return Response(EntrySerializer(entries, many=True, context=context).data)

    @extend_schema(request=ScoreWriteSerializer, responses={201: EntrySerializer})
    @action(detail=True, methods=["post"])
    def scores(self, request: Request, code: str) -> Response:
        """A judge's points on one criterion for one product, on their own sheet (a second score voids the first)."""
        selection = self.get_object()
        write = ScoreWriteSerializer(data=request.data)
        write.is_valid(raise_exception=True)
        data = write.validated_data
        user = _user(request)
        judge = selection.judges.filter(code=data["judge"]).first()
        if judge is None:
            message = _("Đợt không có giám khảo «%(code)s».") % {"code": data["judge"]}
            raise serializers.ValidationError({"judge": [message]}, code="reference_missing")
        # The sheet's owner is checked before the product is looked up: otherwise whether a product entered the round
        # would show in the refusal's shape to someone who may not see the entries.
        if not authority.can_score(user, judge):
            raise Refused("out_of_scope", services.only_the_judge(judge))
        entry = selection.entries.select_related("product").filter(product__code=data["product"]).first()
        criterion = selection.criteria.filter(code=data["criterion"]).first()
        missing = {
            name: [message % {"code": data[name]}]
            for name, found, message in (
                ("product", entry, _("Đợt không có sản phẩm dự thi «%(code)s».")),
                ("criterion", criterion, _("Đợt không có tiêu chí «%(code)s».")),
            )
            if found is None
        }
        if missing:
            raise serializers.ValidationError(missing, code="reference_missing")
        assert entry is not None
        assert criterion is not None
        services.score_record(actor=user, entry=entry, judge=judge, criterion=criterion, points=data["points"])
        context = {"scores": selectors.entry_scores(selection)}
        return Response(EntrySerializer(entry, context=context).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DecideWriteSerializer, responses={200: CertificateSerializer(many=True)})
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, code: str) -> Response:
        """The council's decision, dated and numbered: the products recognised (each at or above the threshold, fully
        scored, with a complete dossier) get their numbered certificates."""
        selection = self.get_object()
        write = DecideWriteSerializer(data=request.data)
        write.is_valid(raise_exception=True)
        data = write.validated_data
        user = _user(request)
        if not authority.can_manage_round(user, selection):
            raise Refused("out_of_scope", services.not_organizer(selection))
        by_code = {e.product.code: e for e in selection.entries.select_related("product")}
        unknown = [code for code in data["recognized"] if code not in by_code]
        if unknown:
            message = _("Không dự đợt này: %(products)s.") % {"products": ", ".join(unknown[:10])}
            raise serializers.ValidationError({"recognized": [message]}, code="reference_missing")
        certificates = services.round_decide(
            actor=user, selection=selection, on=data["on"], document=data["document"],
            recognized=[by_code[code] for code in dict.fromkeys(data["recognized"])],
        )  # fmt: skip
        return Response(CertificateSerializer(certificates, many=True).data)

    @extend_schema(request=FundWriteSerializer, responses=RoundSerializer)
    @action(detail=True, methods=["post"])
    def fund(self, request: Request, code: str) -> Response:
        """Links the đề án that pays for the round (content `typical_product_selection`, same territory; its
        beneficiaries are the entrants)."""
        selection = self.get_object()
        write = FundWriteSerializer(data=request.data)
        write.is_valid(raise_exception=True)
        user = _user(request)
        if not authority.can_manage_round(user, selection):
            raise Refused("out_of_scope", services.not_organizer(selection))
        # Within what the user sees, as the page does: another province's đề án is answered as missing, not told
        # apart by the service's refusal naming its content or territory.
        project = project_list_for_user(user).filter(code=write.validated_data["project"]).first()
        if project is None:
            message = _("Không có đề án mã này trong phạm vi của bạn.")
            raise serializers.ValidationError({"project": [message]}, code="reference_missing")
        funded = services.round_fund(actor=user, selection=selection, project=project)
        return Response(RoundSerializer(funded, context={"request": request}).data)

    @extend_schema(methods=["GET"], responses=CouncilMemberSerializer(many=True))
    @extend_schema(methods=["POST"], request=CouncilMemberWriteSerializer, responses={201: CouncilMemberSerializer})
    @action(detail=True, methods=["get", "post"])
    def council(self, request: Request, code: str) -> Response:
        """The round's selection council (TT 26/2014 Art. 8–10), voided members included with who and why; POST names
        a member (the organiser; one chair at a time)."""
        selection = self.get_object()
        if request.method == "POST":
            write = CouncilMemberWriteSerializer(data=request.data)
            write.is_valid(raise_exception=True)
            member = services.council_member_add(actor=_user(request), selection=selection, **write.validated_data)
            return Response(CouncilMemberSerializer(member).data, status=status.HTTP_201_CREATED)
        return Response(CouncilMemberSerializer(selection.council.order_by("pk"), many=True).data)

    @extend_schema(request=ReasonWriteSerializer, responses=CouncilMemberSerializer)
    @action(detail=True, methods=["post"], url_path=r"council/(?P<member>\d{1,18})/void", url_name="council-void")
    def council_void(self, request: Request, code: str, member: str) -> Response:
        """Voids a member named by mistake, with the reason; the member stays listed."""
        found = get_object_or_404(CouncilMember, pk=int(member), round=self.get_object())
        return _void(
            request,
            lambda actor, reason: services.council_member_void(actor=actor, member=found, reason=reason),
            CouncilMemberSerializer,
        )

    @extend_schema(methods=["GET"], responses=ComplaintSerializer(many=True))
    @extend_schema(methods=["POST"], request=ComplaintWriteSerializer, responses={201: ComplaintSerializer})
    @action(detail=True, methods=["get", "post"])
    def complaints(self, request: Request, code: str) -> Response:
        """Complaints about the round's result on the entries the user sees; POST lodges one within 15 working days
        of the announcement (TT 26/2014 Art. 20), by the entrant or an officer of its territory."""
        selection = self.get_object()
        user = _user(request)
        seen = selectors.entries_for(user, selection)
        if request.method == "POST":
            write = ComplaintWriteSerializer(data=request.data)
            write.is_valid(raise_exception=True)
            data = write.validated_data
            entry = seen.select_related("product__facility").filter(product__code=data["product"]).first()
            if entry is None:
                raise serializers.ValidationError(
                    {"product": [_("Đợt không có sản phẩm dự thi «%(code)s».") % {"code": data["product"]}]},
                    code="reference_missing",
                )
            complaint = services.complaint_record(actor=user, entry=entry, on=data["on"], text=data["text"])
            return Response(ComplaintSerializer(complaint).data, status=status.HTTP_201_CREATED)
        complaints = Complaint.objects.filter(entry__in=seen).select_related("entry__product")
        return Response(ComplaintSerializer(complaints, many=True).data)

    @extend_schema(request=AnswerWriteSerializer, responses=ComplaintSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path=r"complaints/(?P<complaint>\d{1,18})/answer",
        url_name="complaint-answer",
    )
    def complaint_answer(self, request: Request, code: str, complaint: str) -> Response:
        """The organiser's answer, upheld or dismissed, dated (on record as late after 10 working days)."""
        selection = self.get_object()
        found = get_object_or_404(
            Complaint.objects.select_related("entry__product"),
            pk=int(complaint),
            entry__in=selectors.entries_for(_user(request), selection),
        )
        write = AnswerWriteSerializer(data=request.data)
        write.is_valid(raise_exception=True)
        answered = services.complaint_answer(actor=_user(request), complaint=found, **write.validated_data)
        return Response(ComplaintSerializer(answered).data)


class CertificateViewSet(ReplicaListMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Certificate]):
    """Certificates of the products the user sees; revoked by the round's organiser with the day and reason."""

    serializer_class = CertificateSerializer
    lookup_value_regex = r"\d{1,18}"
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Certificate]:
        return selectors.certificates_for(self.request.user).order_by("-issued_on", "code")

    @extend_schema(request=RevokeWriteSerializer, responses=CertificateSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: str) -> Response:
        """Revokes the certificate from a day, with the reason (TT 26/2014 Art. 20)."""
        certificate = self.get_object()
        write = RevokeWriteSerializer(data=request.data)
        write.is_valid(raise_exception=True)
        revoked = services.certificate_revoke(
            actor=_user(request), certificate=certificate, on=write.validated_data["on"],
            reason=write.validated_data["reason"],
        )  # fmt: skip
        return Response(CertificateSerializer(revoked).data)

    @extend_schema(methods=["GET"], responses=HolderReportSerializer(many=True))
    @extend_schema(methods=["POST"], request=HolderReportWriteSerializer, responses={201: HolderReportSerializer})
    @action(detail=True, methods=["get", "post"])
    def reports(self, request: Request, pk: str) -> Response:
        """The holder's yearly reports (support received, results; TT 26/2014 Art. 22), voided ones included; POST
        records one, by the facility or an officer of its territory, once a year while the certificate is held."""
        certificate = self.get_object()
        if request.method == "POST":
            write = HolderReportWriteSerializer(data=request.data)
            write.is_valid(raise_exception=True)
            report = services.holder_report_record(
                actor=_user(request), certificate=certificate, **write.validated_data
            )
            return Response(HolderReportSerializer(report).data, status=status.HTTP_201_CREATED)
        return Response(HolderReportSerializer(certificate.holder_reports.order_by("-year", "pk"), many=True).data)

    @extend_schema(request=ReasonWriteSerializer, responses=HolderReportSerializer)
    @action(detail=True, methods=["post"], url_path=r"reports/(?P<report>\d{1,18})/void", url_name="report-void")
    def report_void(self, request: Request, pk: str, report: str) -> Response:
        """Voids a wrong yearly report, with the reason, so that it can be entered again; it stays listed."""
        found = get_object_or_404(HolderReport, pk=int(report), certificate=self.get_object())
        return _void(
            request,
            lambda actor, reason: services.holder_report_void(actor=actor, report=found, reason=reason),
            HolderReportSerializer,
        )
