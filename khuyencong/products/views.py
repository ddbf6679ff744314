"""Pages of products and the selection: products (search, add), rounds (open, register, the judges' sheets, the
decision), a certificate as PDF, and the public list of recognised products with valid certificates."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_POST, require_safe

from khuyencong.accounts import access
from khuyencong.accounts.models import User
from khuyencong.core.collation import by_name
from khuyencong.core.db import replica_reads
from khuyencong.core.forms import (
    DATE_ERRORS,
    KeyedMultipleChoiceField,
    MoneyField,
    add_service_errors,
    filters_that_hold,
)
from khuyencong.core.refusals import Refused
from khuyencong.core.text import fold
from khuyencong.core.xlsx import Plain, list_workbook
from khuyencong.facilities.models import Facility
from khuyencong.organizations.models import Organization
from khuyencong.projects import choices as project_choices
from khuyencong.projects.models import Project
from khuyencong.projects.selectors import project_list_for_user
from khuyencong.projects.views import picker_answer

from . import authority, choices, excel
from .models import (
    Certificate,
    Complaint,
    ComplaintOutcome,
    CouncilMember,
    Entry,
    HolderReport,
    Judge,
    Product,
    SelectionRound,
)
from .rules import (
    COUNCIL_SIZES,
    CouncilRole,
    DossierItem,
    PhotoAngle,
    ProductGroup,
    RoundLevel,
    council_size_ok,
    lowest,
)
from .selectors import (
    complaint_rows,
    entry_dossiers,
    funded_beneficiaries,
    product_path,
    products_for,
    ranking,
    rounds_for,
    valid_certificates,
)
from .services import (
    complaint_answer,
    complaint_record,
    council_member_add,
    council_member_void,
    entry_document_add,
    entry_register,
    holder_report_record,
    holder_report_void,
    no_report_right,
    not_organizer,
    product_create,
    product_photo_add,
    round_create,
    round_decide,
    round_fund,
    score_record,
)


def _pick_one(field: forms.Field, url: str, prompt: str, chosen: Any) -> None:
    """A field whose one value is chosen with the search picker (static/web/picker.js, mode "one"): without the script
    it stays a box for the code; with it, a search over what the user may choose fills it, and shows what was chosen."""
    field.widget.attrs.update({"data-picker": "one", "data-picker-url": reverse(url), "data-picker-prompt": prompt})
    if chosen is not None:
        field.widget.attrs["data-picker-chosen"] = f"{chosen} ({chosen.code})"


def _pick_in_list(field: forms.Field, url: str) -> None:
    # The picker narrows the list by a search that ignores diacritics, as on the đề án form.
    field.widget.attrs.update({"data-picker": "select", "data-picker-url": reverse(url)})


def _chosen(form: forms.Form, name: str) -> Any:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    value = form[name].value()
    if not value or not isinstance(value, str | int):
        return None
    queryset: Any = field.queryset
    return queryset.filter(**{field.to_field_name or "pk": value}).first()


class JudgeAccountsField(KeyedMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return choices.judge_label(obj)


class CertificateField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} — {obj.entry.product.name} ({obj.entry.round.name})"


class ProjectField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} — {obj.title}"


class ProductForm(forms.Form):
    facility = forms.ModelChoiceField(
        label=gettext_lazy("Cơ sở"),
        queryset=Facility.objects.none(),
        to_field_name="code",
        widget=forms.TextInput,
        error_messages={
            "required": gettext_lazy("Xin chọn cơ sở."),
            "invalid_choice": gettext_lazy("Không có cơ sở này trong phạm vi của bạn."),
        },
    )
    code = forms.CharField(label=gettext_lazy("Mã sản phẩm"), max_length=60)
    name = forms.CharField(label=gettext_lazy("Tên sản phẩm"), max_length=255)
    group = forms.ChoiceField(label=gettext_lazy("Nhóm sản phẩm"), choices=ProductGroup.choices)
    description = forms.CharField(label=gettext_lazy("Mô tả"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    certificates_held = forms.CharField(
        label=gettext_lazy("Tiêu chuẩn, chứng nhận (mỗi dòng một)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["facility"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = choices.product_facility_choices(user)
        prompt = _("Tìm cơ sở theo tên, mã, mã số thuế, địa danh")
        _pick_one(field, "products:pick_facilities", prompt, _chosen(self, "facility"))


class RoundForm(forms.Form):
    """A new round: its organiser among the bodies the user may open rounds for, the levels in force in its year, its
    judges among the accounts of the user's territory, or by name for a judge without an account."""

    code = forms.CharField(label=gettext_lazy("Mã đợt"), max_length=60)
    name = forms.CharField(label=gettext_lazy("Tên đợt bình chọn"), max_length=300)
    year = forms.IntegerField(label=gettext_lazy("Năm"), min_value=2000, max_value=2100)
    level = forms.ChoiceField(label=gettext_lazy("Cấp"))
    organizer = forms.ModelChoiceField(
        label=gettext_lazy("Cơ quan tổ chức"),
        queryset=Organization.objects.none(),
        empty_label=gettext_lazy("— Chọn —"),
        error_messages={
            "required": gettext_lazy("Xin chọn cơ quan tổ chức."),
            "invalid_choice": gettext_lazy("Bạn không mở được đợt bình chọn cho cơ quan này."),
        },
    )
    judge_accounts = JudgeAccountsField(
        label=gettext_lazy("Giám khảo có tài khoản"),
        queryset=User.objects.none(),
        required=False,
        help_text=gettext_lazy("Giữ Ctrl (⌘ trên Mac) để chọn nhiều người."),
        error_messages={
            "invalid_choice": gettext_lazy("Không có tài khoản này trong phạm vi của bạn."),
            "invalid_pk_value": gettext_lazy("Không có tài khoản này trong phạm vi của bạn."),
        },
    )
    judge_names = forms.CharField(
        label=gettext_lazy("Giám khảo không có tài khoản (mỗi dòng một họ tên)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=4000,
        help_text=gettext_lazy("Phiếu chấm của họ do cơ quan tổ chức nhập."),
    )

    def __init__(self, *args: Any, user: Any, year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        posted = self.data.get("year", "") if self.is_bound else ""
        # The levels offered follow the year posted, when it is one the year field accepts (0000 is no year: its
        # 1 January cannot be made).
        if isinstance(posted, str) and posted.isdecimal() and len(posted) == 4 and 2000 <= int(posted) <= 2100:
            year = int(posted)
        level = self.fields["level"]
        assert isinstance(level, forms.ChoiceField)
        level.choices = choices.level_choices(year)
        level.error_messages["invalid_choice"] = _("Năm %(year)s không có cấp bình chọn này.") % {"year": year}
        organizer = self.fields["organizer"]
        assert isinstance(organizer, forms.ModelChoiceField)
        organizer.queryset = choices.organizer_choices(user)
        _pick_in_list(organizer, "products:pick_organizers")
        judges = self.fields["judge_accounts"]
        assert isinstance(judges, forms.ModelMultipleChoiceField)
        judges.queryset = choices.judge_choices(user)
        _pick_in_list(judges, "products:pick_judges")

    def clean_judge_names(self) -> list[str]:
        return [line.strip()[:200] for line in self.cleaned_data["judge_names"].splitlines() if line.strip()]

    def judges(self) -> list[tuple[str, str, User | None]]:
        """The jury in the order given, numbered GK1, GK2 … (the code heads each judge's Excel score sheet)."""
        named: list[tuple[str, User | None]] = [
            (a.get_full_name() or a.username, a) for a in self.cleaned_data["judge_accounts"]
        ]
        named += [(name, None) for name in self.cleaned_data["judge_names"]]
        return [(f"GK{number}", name, account) for number, (name, account) in enumerate(named, start=1)]


class EntryForm(forms.Form):
    product = forms.ModelChoiceField(
        label=gettext_lazy("Sản phẩm"),
        queryset=Product.objects.none(),
        to_field_name="code",
        widget=forms.TextInput,
        error_messages={
            "required": gettext_lazy("Xin chọn sản phẩm."),
            "invalid_choice": gettext_lazy("Không có sản phẩm này trong phạm vi của bạn."),
        },
    )
    registered_on = forms.DateField(label=gettext_lazy("Ngày đăng ký"), error_messages=DATE_ERRORS)
    lower_certificate = CertificateField(
        label=gettext_lazy("Giấy chứng nhận cấp dưới"),
        queryset=Certificate.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=gettext_lazy("— Chọn —"),
        error_messages={"invalid_choice": gettext_lazy("Không có giấy chứng nhận số này.")},
    )

    def __init__(self, *args: Any, user: Any, selection: SelectionRound, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        product = self.fields["product"]
        assert isinstance(product, forms.ModelChoiceField)
        product.queryset = choices.entry_product_choices(user)
        _pick_one(product, "products:pick_products", _("Tìm sản phẩm theo tên, mã, cơ sở"), _chosen(self, "product"))
        if lowest(RoundLevel(selection.level)):
            # The lowest level asks no certificate of a level below.
            del self.fields["lower_certificate"]
            return
        lower = self.fields["lower_certificate"]
        assert isinstance(lower, forms.ModelChoiceField)
        lower.queryset = choices.lower_certificate_choices(user, selection)


class FundForm(forms.Form):
    project = ProjectField(
        label=gettext_lazy("Đề án tổ chức bình chọn"),
        queryset=Project.objects.none(),
        empty_label=gettext_lazy("— Chọn —"),
        error_messages={
            "required": gettext_lazy("Xin chọn đề án."),
            "invalid_choice": gettext_lazy("Không có đề án này trong phạm vi của bạn."),
        },
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["project"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = choices.funding_choices(user)


class DocumentForm(forms.Form):
    entry = forms.ChoiceField(label=gettext_lazy("Sản phẩm"))
    item = forms.ChoiceField(label=gettext_lazy("Loại giấy tờ"), choices=DossierItem.choices)
    title = forms.CharField(label=gettext_lazy("Tên tài liệu"), max_length=255, required=False)
    upload = forms.FileField(label=gettext_lazy("Tệp (PDF, Word, ảnh)"))

    def __init__(self, *args: Any, entries: list[Entry], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["entry"]
        field.choices = [(e.pk, e.product.name) for e in entries]


class PhotoForm(forms.Form):
    angle = forms.ChoiceField(label=gettext_lazy("Góc chụp"), choices=PhotoAngle.choices)
    upload = forms.FileField(label=gettext_lazy("Ảnh (JPG, PNG)"))


class ComplaintForm(forms.Form):
    entry = forms.IntegerField(widget=forms.HiddenInput)
    on = forms.DateField(label=gettext_lazy("Ngày khiếu nại"), error_messages=DATE_ERRORS)
    text = forms.CharField(
        label=gettext_lazy("Nội dung khiếu nại"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AnswerForm(forms.Form):
    on = forms.DateField(label=gettext_lazy("Ngày trả lời"), error_messages=DATE_ERRORS)
    outcome = forms.ChoiceField(label=gettext_lazy("Kết quả"), choices=ComplaintOutcome.choices)


class DecisionForm(forms.Form):
    on = forms.DateField(label=gettext_lazy("Ngày quyết định"), error_messages=DATE_ERRORS)
    document = forms.CharField(label=gettext_lazy("Số quyết định"), max_length=100)


@login_required
def product_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    search, query, products = _listed(request)
    page = Paginator(products, 50).get_page(request.GET.get("page"))
    # A facility's representative adds products of its own facility: it is chosen already.
    own = user.facility.code if getattr(user, "facility", None) is not None else ""
    initial = {"facility": request.GET.get("facility", "")[:40] or own}
    form = ProductForm(request.POST or None, initial=initial, user=user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                product = product_create(
                    actor=user,
                    facility=form.cleaned_data["facility"],
                    code=form.cleaned_data["code"],
                    name=form.cleaned_data["name"],
                    group=form.cleaned_data["group"],
                    description=form.cleaned_data["description"],
                    certificates_held=form.cleaned_data["certificates_held"].splitlines(),
                )
            except PermissionDenied as denied:
                form.add_error(None, str(denied))
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Đã thêm sản phẩm %(product)s.") % {"product": product.name})
                return redirect("products:list")
        status = 400
    offered = form if authority.may_add_products(user) else None
    context = {"page": page, "query": query, "search": search, "form": offered, "can_export": access.can_export(user)}
    return render(request, "products/product_list.html", context, status=status)


class ProductSearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Tìm (không cần dấu)"), required=False, max_length=100)


def _listed(request: HttpRequest) -> tuple[ProductSearchForm, str, QuerySet[Product]]:
    """The products of the list page and of its Excel copy: the user's, searched, in Vietnamese alphabetical order. A
    search that cannot be used (a NUL, which PostgreSQL refuses in text; too long) is named on the page and left out."""
    search = ProductSearchForm(request.GET or None)
    query = filters_that_hold(search)["q"].strip()
    products = products_for(request.user).select_related("facility__current_province")
    if query:
        products = products.filter(search_text__contains=fold(query))
    return search, query, by_name(products)


@login_required
@replica_reads
def product_export(request: HttpRequest) -> FileResponse:
    access.require_list_export(request.user)
    _search, _query, products = _listed(request)
    columns = [(_("Mã sản phẩm"), 18), (_("Tên sản phẩm"), 40), (_("Nhóm sản phẩm"), 30), (_("Mã cơ sở"), 18),
               (_("Cơ sở"), 40), (_("Tỉnh (hiện nay)"), 18), (_("Tiêu chuẩn, chứng nhận chất lượng"), 40)]  # fmt: skip
    rows = (
        [p.code, p.name, p.get_group_display(), p.facility.code, p.facility.name,
         p.facility.current_province.name if p.facility.current_province else "", "; ".join(p.certificates_held)]
        for p in products.iterator(chunk_size=500)
    )  # fmt: skip
    return list_workbook(pgettext("file name", "san-pham-cnnt"), _("Sản phẩm công nghiệp nông thôn"), columns, rows)


@login_required
def product_detail(request: HttpRequest, code: str) -> HttpResponse:
    user: Any = request.user
    product = get_object_or_404(products_for(user), code=code)
    may_write = authority.can_write_product(user, product.facility)
    form = PhotoForm(request.POST or None, request.FILES or None) if may_write else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("Bạn không có quyền ghi ảnh sản phẩm này."))
        if form.is_valid():
            try:
                product_photo_add(
                    actor=user, product=product, angle=form.cleaned_data["angle"], upload=form.cleaned_data["upload"]
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Đã ghi ảnh sản phẩm."))
                return redirect("products:detail", code=code)
        status = 400
    return _render_product(request, product, form=form, status=status)


def _render_product(
    request: HttpRequest,
    product: Product,
    *,
    form: PhotoForm | None = None,
    report_form: HolderReportForm | None = None,
    errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    user: Any = request.user
    may_write = authority.can_write_product(user, product.facility)
    certificates = list(Certificate.objects.filter(entry__product=product).select_related("entry__round"))
    if may_write and report_form is None and certificates:
        report_form = HolderReportForm(certificates=certificates, initial={"reported_on": timezone.localdate()})
    return render(
        request,
        "products/product_detail.html",
        {
            "product": product,
            "path": product_path(product),
            "form": form,
            "photos": product.photos.standing().order_by("angle"),
            "holder_reports": HolderReport.objects.filter(certificate__entry__product=product)
            .select_related("certificate", "voided_by")
            .order_by("-year", "pk"),
            "report_form": report_form if may_write else None,
            "may_write": may_write,
            "errors": errors or [],
        },
        status=status,
    )


class HolderReportForm(forms.Form):
    certificate = forms.ChoiceField(label=gettext_lazy("Giấy chứng nhận"))
    year = forms.IntegerField(label=gettext_lazy("Năm báo cáo"), min_value=2000, max_value=2100)
    reported_on = forms.DateField(
        label=gettext_lazy("Ngày báo cáo"), input_formats=["%d/%m/%Y"], error_messages=DATE_ERRORS
    )
    support_received = MoneyField(label=gettext_lazy("Hỗ trợ đã nhận (đồng)"))
    support_text = forms.CharField(
        label=gettext_lazy("Các hỗ trợ đã nhận"), required=False, widget=forms.Textarea, max_length=5000
    )
    results = forms.CharField(
        label=gettext_lazy("Kết quả sản xuất, kinh doanh"), widget=forms.Textarea, max_length=5000
    )

    def __init__(self, *args: Any, certificates: list[Certificate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.certificates = {c.code: c for c in certificates}
        field = self.fields["certificate"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(c.code, f"{c.code} ({c.entry.round.get_level_display()})") for c in certificates]


def _messages(error: ValidationError) -> list[str]:
    return list(error.messages)


@login_required
@require_POST
def holder_report_add(request: HttpRequest, code: str) -> HttpResponse:
    """The holder's yearly report (support received, results), by the facility or an officer of its territory."""
    user: Any = request.user
    product = get_object_or_404(products_for(user), code=code)
    if not authority.can_write_product(user, product.facility):
        raise Refused("out_of_scope", no_report_right(product.facility))
    certificates = list(Certificate.objects.filter(entry__product=product).select_related("entry__round"))
    form = HolderReportForm(request.POST, certificates=certificates)
    if not form.is_valid():
        return _render_product(request, product, report_form=form, status=400)
    data = form.cleaned_data
    try:
        holder_report_record(
            actor=user, certificate=form.certificates[data["certificate"]], year=data["year"],
            reported_on=data["reported_on"], support_received=data["support_received"], results=data["results"],
            support_text=data["support_text"],
        )  # fmt: skip
    except ValidationError as error:
        add_service_errors(form, error)
        return _render_product(request, product, report_form=form, status=400)
    messages.success(request, _("Đã ghi báo cáo năm %(year)s.") % {"year": data["year"]})
    return redirect("products:detail", code=code)


@login_required
@require_POST
def holder_report_void_view(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    user: Any = request.user
    product = get_object_or_404(products_for(user), code=code)
    report = get_object_or_404(HolderReport, pk=pk, certificate__entry__product=product)
    try:
        holder_report_void(actor=user, report=report, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        return _render_product(request, product, errors=_messages(error), status=400)
    messages.success(request, _("Đã huỷ bỏ báo cáo năm %(year)s.") % {"year": report.year})
    return redirect("products:detail", code=code)


@login_required
@require_POST
def council_add(request: HttpRequest, code: str) -> HttpResponse:
    """A member of the council, named by the organiser: name, position, role."""
    user: Any = request.user
    selection = _round_for(user, code)
    try:
        council_member_add(
            actor=user, selection=selection, name=request.POST.get("name", "")[:200],
            position=request.POST.get("position", "")[:300], role=request.POST.get("role", ""),
        )  # fmt: skip
    except ValidationError as error:
        return _render_round(request, selection, errors=_messages(error), status=400)
    messages.success(request, _("Đã ghi thành viên hội đồng."))
    return redirect("products:round", code=code)


@login_required
@require_POST
def complaint_add(request: HttpRequest, code: str) -> HttpResponse:
    """A complaint about the round's result, by the entrant (its representative) or by the body that registered it
    (a complaint received on paper), within the working days TT 26/2014 Art. 20 gives."""
    user: Any = request.user
    selection = _round_for(user, code)
    form = ComplaintForm(request.POST)
    if not form.is_valid():
        return _render_round(request, selection, errors=_form_errors(form), status=400)
    # Through the round and the user's view: an entry of another round or out of sight is not found.
    entry = selection.entries.select_related("product__facility").filter(pk=form.cleaned_data["entry"]).first()
    if entry is None or not authority.can_view_entry(user, entry):
        raise Http404(_("Không có sản phẩm dự bình chọn này trong đợt."))
    try:
        complaint_record(actor=user, entry=entry, on=form.cleaned_data["on"], text=form.cleaned_data["text"])
    except ValidationError as error:
        return _render_round(request, selection, errors=_messages(error), status=400)
    messages.success(request, _("Đã ghi khiếu nại về sản phẩm %(product)s.") % {"product": entry.product.name})
    return redirect("products:round", code=code)


@login_required
@require_POST
def complaint_reply(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The organiser's answer, upheld or dismissed, dated (late after 10 working days, and shown so)."""
    user: Any = request.user
    selection = _round_for(user, code)
    complaint = get_object_or_404(Complaint, pk=pk, entry__round=selection)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _render_round(request, selection, errors=_form_errors(form), status=400)
    try:
        complaint_answer(actor=user, complaint=complaint, on=form.cleaned_data["on"],
                         outcome=form.cleaned_data["outcome"])  # fmt: skip
    except ValidationError as error:
        return _render_round(request, selection, errors=_messages(error), status=400)
    messages.success(request, _("Đã ghi trả lời khiếu nại."))
    return redirect("products:round", code=code)


def _form_errors(form: forms.Form) -> list[str]:
    return [f"{form.fields[name].label or name}: {message}" if name in form.fields else str(message)
            for name, errors in form.errors.items() for message in errors]  # fmt: skip


@login_required
@require_POST
def council_void(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    user: Any = request.user
    selection = _round_for(user, code)
    member = get_object_or_404(CouncilMember, pk=pk, round=selection)
    try:
        council_member_void(actor=user, member=member, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        return _render_round(request, selection, errors=_messages(error), status=400)
    messages.success(request, _("Đã huỷ bỏ %(member)s khỏi hội đồng.") % {"member": member.name})
    return redirect("products:round", code=code)


@login_required
@require_POST
def fund(request: HttpRequest, code: str) -> HttpResponse:
    """Links the đề án (content typical_product_selection) that pays for the round."""
    user: Any = request.user
    selection = _round_for(user, code)
    if not authority.can_manage_round(user, selection):
        raise Refused("out_of_scope", not_organizer(selection))
    form = FundForm(request.POST, user=user)
    if not form.is_valid():
        return _render_round(request, selection, errors=_form_errors(form), status=400)
    project = form.cleaned_data["project"]
    try:
        round_fund(actor=user, selection=selection, project=project)
    except ValidationError as error:
        return _render_round(request, selection, errors=_messages(error), status=400)
    messages.success(request, _("Đề án %(project)s là kinh phí của đợt bình chọn.") % {"project": project.code})
    return redirect("products:round", code=code)


@login_required
@require_POST
def document_add(request: HttpRequest, code: str) -> HttpResponse:
    user: Any = request.user
    selection = _round_for(user, code)
    # Only the entries the user sees: a refusal about another's entry would name its product.
    entries = [
        entry
        for entry in Entry.objects.filter(round=selection).select_related("product__facility")
        if authority.can_view_entry(user, entry)
    ]
    form = DocumentForm(request.POST, request.FILES, entries=entries)
    if not form.is_valid():
        return _render_round(
            request, selection, errors=[str(e) for errs in form.errors.values() for e in errs], status=400
        )
    entry = next(e for e in entries if str(e.pk) == form.cleaned_data["entry"])
    try:
        entry_document_add(
            actor=user,
            entry=entry,
            item=form.cleaned_data["item"],
            title=form.cleaned_data["title"],
            upload=form.cleaned_data["upload"],
        )
    except ValidationError as error:
        return _render_round(request, selection, errors=error.messages, status=400)
    messages.success(request, _("Đã bổ sung hồ sơ của %(product)s.") % {"product": entry.product.name})
    return redirect("products:round", code=code)


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = RoundForm(request.POST or None, user=user, year=timezone.localdate().year,
                     initial={"year": timezone.localdate().year})  # fmt: skip
    status = 200
    if request.method == "POST":
        if form.is_valid():
            selection = _create_round(request, form)
            if selection is not None:
                messages.success(request, _("Đã mở %(round)s.") % {"round": selection.name})
                return redirect("products:round", code=selection.code)
        status = 400
    # Pages of 50, the latest year first (the list was cut at 200 rounds without saying so).
    page = Paginator(_rounds_listed(user), 50).get_page(request.GET.get("page"))
    context = {
        "rounds": page.object_list,
        "page": page,
        "form": form if authority.may_open_rounds(user) else None,
        "can_export": access.can_export(user),
    }
    return render(request, "products/round_list.html", context, status=status)


def _rounds_listed(user: Any) -> QuerySet[SelectionRound]:
    return rounds_for(user).select_related("organizer").order_by("-year", "code")


@login_required
@replica_reads
def round_export(request: HttpRequest) -> FileResponse:
    user: Any = request.user
    access.require_list_export(user)
    columns = [(_("Mã"), 18), (_("Đợt"), 50), (_("Cấp"), 14), (_("Năm"), 8), (_("Cơ quan tổ chức"), 40),
               (_("Số quyết định công nhận"), 22), (_("Ngày quyết định công nhận"), 14)]  # fmt: skip
    rows = (
        [r.code, r.name, r.get_level_display(), Plain(r.year), r.organizer.name, r.decision_document, r.decision_on]
        for r in _rounds_listed(user).iterator(chunk_size=500)
    )
    return list_workbook(pgettext("file name", "dot-binh-chon"), _("Bình chọn sản phẩm CNNT tiêu biểu"), columns, rows)


def _create_round(request: HttpRequest, form: RoundForm) -> SelectionRound | None:
    user: Any = request.user
    try:
        return round_create(
            actor=user,
            code=form.cleaned_data["code"],
            name=form.cleaned_data["name"],
            level=form.cleaned_data["level"],
            year=form.cleaned_data["year"],
            organizer=form.cleaned_data["organizer"],
            judges=form.judges(),
        )
    except PermissionDenied as denied:
        form.add_error(None, str(denied))
    except ValidationError as error:
        add_service_errors(form, error)
    return None


def _round_for(user: Any, code: str) -> SelectionRound:
    """A round outside the user's view is not found, exactly like one that does not exist."""
    selection = rounds_for(user).filter(code=code).first()
    if selection is None:
        raise Http404(_("Không có đợt bình chọn này."))
    return selection


@login_required
def round_detail(request: HttpRequest, code: str) -> HttpResponse:
    return _render_round(request, _round_for(request.user, code))


def _render_round(
    request: HttpRequest,
    selection: SelectionRound,
    *,
    entry_form: EntryForm | None = None,
    decision_form: DecisionForm | None = None,
    errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    user: Any = request.user
    manage = authority.can_manage_round(user, selection)
    ranked = ranking(selection)
    if not manage:
        # A facility sees its own entries; a judge sees the round's; others in the territory see the ranking.
        ranked = [r for r in ranked if authority.can_view_entry(user, r.entry)]
    dossiers = entry_dossiers(selection)
    return render(
        request,
        "products/round_detail.html",
        {
            "round": selection,
            "ranked": [(r, dossiers.get(r.entry.pk, [])) for r in ranked],
            "manage": manage,
            "document_form": DocumentForm(entries=[r.entry for r in ranked]),
            "criteria": list(selection.criteria.all()),
            "judges": list(selection.judges.all()),
            "my_judge": selection.judges.filter(user=user).first() if user.is_authenticated else None,
            "entry_form": entry_form
            or EntryForm(initial={"registered_on": timezone.localdate()}, user=user, selection=selection),
            "fund_form": FundForm(user=user) if manage and not selection.project_id else None,
            "decision_form": decision_form or DecisionForm(initial={"on": timezone.localdate()}),
            "errors": errors or [],
            "council": list(selection.council.select_related("voided_by").order_by("voided_at", "pk")),
            "council_roles": CouncilRole.choices,
            "council_size_ok": council_size_ok(
                selection.level, sum(1 for m in selection.council.all() if m.voided_at is None)
            ),
            "council_sizes": sorted(COUNCIL_SIZES[selection.level]),
            # The funding đề án and its beneficiaries as far as the reader may see them: a national round is open to
            # every facility, its đề án and entrants are not.
            "funding": project_list_for_user(user).filter(pk=selection.project_id).first()
            if selection.project_id
            else None,
            "beneficiaries": funded_beneficiaries(selection.project_id, user) if selection.project_id else None,
            "complaints": complaint_rows(selection, [r.entry.pk for r in ranked], timezone.localdate()),
            # A complaint is lodged after the decision, about an entry the user sees and may register for.
            "complainable": [
                r.entry
                for r in ranked
                if selection.decision_on is not None
                and authority.can_register(user, selection, r.entry.product.facility)
            ],
            "answer_outcomes": ComplaintOutcome.choices,
        },
        status=status,
    )


SHEET_KINDS = ("entries", "scores")


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def excel_template(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    """The round's blank entries sheet, or the score sheets of the judges the user fills in (one judge a sheet)."""
    user: Any = request.user
    selection = _round_for(user, code)
    if kind not in SHEET_KINDS:
        raise Http404(_("Không có mẫu này."))
    if kind == "entries":
        content = excel.entries_template(selection)
    else:
        if not any(
            authority.can_score(user, j) or authority.can_transcribe_sheet(user, j) for j in selection.judges.all()
        ):
            raise Refused(
                "out_of_scope",
                _("Bạn không phải giám khảo của %(round)s, cũng không nhập phiếu chấm.") % {"round": selection.name},
            )
        content = excel.scores_template(selection, user)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{kind}-{selection.pk}.xlsx"'
    return response


class SheetUploadForm(forms.Form):
    upload = forms.FileField(label=gettext_lazy("Tệp Excel (.xlsx)"))


@login_required
@require_POST
def excel_upload(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    """The filled sheet, checked row by row and written through the services, all or nothing; every error is named by
    its sheet, row and column on the round's page."""
    user: Any = request.user
    selection = _round_for(user, code)
    if kind not in SHEET_KINDS:
        raise Http404(_("Không có mẫu này."))
    form = SheetUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_round(request, selection, errors=[_("Chọn tệp Excel (.xlsx) để tải lên.")], status=400)
    data = form.cleaned_data["upload"].read(excel.MAX_BYTES + 1)
    run = excel.entries_import if kind == "entries" else excel.scores_import
    result = run(data, selection=selection, actor=user)
    if not result.ok:
        return _render_round(request, selection, errors=result.lines()[:200], status=400)
    counts = {"written": result.written, "rows": result.rows}
    if kind == "entries":
        messages.success(request, _("Đã ghi %(written)s sản phẩm từ %(rows)s dòng.") % counts)
    else:
        messages.success(request, _("Đã ghi %(written)s điểm từ %(rows)s dòng.") % counts)
    return redirect("products:round", code=code)


@login_required
@require_POST
def entry_add(request: HttpRequest, code: str) -> HttpResponse:
    user: Any = request.user
    selection = _round_for(user, code)
    # Both choices within what the user sees, as the API and the Excel upload do: another province's product or
    # certificate number is answered as missing, not told apart by the service's "does not match" refusal.
    form = EntryForm(request.POST, user=user, selection=selection)
    if not form.is_valid():
        return _render_round(request, selection, entry_form=form, status=400)
    product = form.cleaned_data["product"]
    lower = form.cleaned_data.get("lower_certificate")
    try:
        entry_register(
            actor=user,
            selection=selection,
            product=product,
            registered_on=form.cleaned_data["registered_on"],
            lower_certificate=lower,
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return _render_round(request, selection, entry_form=form, status=400)
    messages.success(request, _("Đã đăng ký %(product)s.") % {"product": product.name})
    return redirect("products:round", code=code)


@login_required
def sheet(request: HttpRequest, code: str) -> HttpResponse:
    """The judge's own score sheet: every entry × every criterion; only changed cells are recorded."""
    user: Any = request.user
    selection = _round_for(user, code)
    judge = Judge.objects.filter(round=selection, user=user).first()
    if judge is None:
        raise PermissionDenied(_("Bạn không phải giám khảo của đợt bình chọn này."))
    criteria = list(selection.criteria.all())
    entries = list(Entry.objects.filter(round=selection).select_related("product"))
    current = {(s.entry_id, s.criterion_id): s.points for s in judge.scores.standing()}
    errors: list[str] = []
    if request.method == "POST":
        for entry in entries:
            for criterion in criteria:
                raw = request.POST.get(f"s-{entry.pk}-{criterion.pk}", "").strip().replace(",", ".")
                if not raw:
                    continue
                try:
                    points = Decimal(raw[:20])
                except InvalidOperation:
                    points = Decimal("NaN")
                if not points.is_finite():
                    # "NaN" and "Infinity" are Decimals too: a score is a plain number.
                    errors.append(
                        _("%(product)s, %(criterion)s: «%(value)s» không phải một số.")
                        % {"product": entry.product.name, "criterion": criterion.name, "value": raw[:20]}
                    )
                    continue
                if current.get((entry.pk, criterion.pk)) == points:
                    continue
                try:
                    score_record(actor=user, entry=entry, judge=judge, criterion=criterion, points=points)
                except (ValidationError, Refused) as error:
                    errors.extend(error.messages if isinstance(error, ValidationError) else [str(error)])
        if not errors:
            messages.success(request, _("Đã ghi phiếu chấm."))
            return redirect("products:sheet", code=code)
        current = {(s.entry_id, s.criterion_id): s.points for s in judge.scores.standing()}
    rows = [
        (entry, [(criterion, current.get((entry.pk, criterion.pk))) for criterion in criteria]) for entry in entries
    ]
    return render(
        request,
        "products/sheet.html",
        {"round": selection, "judge": judge, "criteria": criteria, "rows": rows, "errors": errors},
        status=400 if errors else 200,
    )


@login_required
@require_POST
def decide(request: HttpRequest, code: str) -> HttpResponse:
    user: Any = request.user
    selection = _round_for(user, code)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _render_round(request, selection, decision_form=form, status=400)
    chosen = list(
        Entry.objects.filter(
            round=selection,
            pk__in=[p for p in request.POST.getlist("entry") if p.isdecimal() and p.isascii() and len(p) <= 18][:1000],
        )
    )
    try:
        certificates = round_decide(
            actor=user,
            selection=selection,
            on=form.cleaned_data["on"],
            document=form.cleaned_data["document"],
            recognized=chosen,
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return _render_round(request, selection, decision_form=form, errors=error.messages, status=400)
    messages.success(request, _("Đã ghi quyết định; cấp %(n)s giấy chứng nhận.") % {"n": len(certificates)})
    return redirect("products:round", code=code)


@login_required
def certificate_pdf(request: HttpRequest, code: str) -> HttpResponse:
    certificate = get_object_or_404(
        Certificate.objects.select_related("entry__product__facility", "entry__round__organizer"), code=code
    )
    if not authority.can_view_entry(request.user, certificate.entry):
        raise Http404(_("Không có giấy chứng nhận này."))
    # Imported here: WeasyPrint loads Pango at import, which pages that never print need not pay for.
    from weasyprint import HTML

    # The certificate is an official document (TT 26/2014 Phụ lục 6; Decree 30/2020/NĐ-CP Art. 8): Vietnamese
    # whoever prints it, its level and group labels included.
    with translation.override("vi"):
        html = render_to_string("products/certificate.html", {"certificate": certificate, "entry": certificate.entry})
    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="giay-chung-nhan-{certificate.code.replace("/", "-")}.pdf"'
    return response


def public_list(request: HttpRequest) -> HttpResponse:
    """Recognised products with valid certificates, for anyone: the product, its group, the facility's name and
    province, the level, the certificate's number and validity — no personal data."""
    today = timezone.localdate()
    certificates = valid_certificates(today)
    query = request.GET.get("q", "").strip()[:100]
    if query:
        certificates = certificates.filter(entry__product__search_text__contains=fold(query))
    page = Paginator(certificates, 50).get_page(request.GET.get("page"))
    return render(request, "products/public_list.html", {"page": page, "query": query, "today": today})


# Each picker of the products pages: its search, and who may use it at all (the pages offer the form to the same).
PICKERS: dict[str, tuple[Callable[..., list[project_choices.Choice]], Callable[[Any], bool]]] = {
    "facilities": (choices.search_product_facilities, authority.may_add_products),
    "products": (choices.search_products, lambda user: True),
    "organizers": (choices.search_organizers, authority.may_open_rounds),
    "judges": (choices.search_judges, authority.may_open_rounds),
}


def _picker(kind: str) -> Callable[[HttpRequest], JsonResponse]:
    search, may_use = PICKERS[kind]

    @login_required
    @require_safe
    def view(request: HttpRequest) -> JsonResponse:
        """The rows a picker of the products pages offers for what was typed: only what the user may choose there."""
        if not may_use(request.user):
            return JsonResponse(
                {"code": "out_of_scope", "message": _("Bạn không có quyền dùng ô chọn này.")}, status=403
            )
        return picker_answer(request, search)

    view.__name__ = f"pick_{kind}"
    return view


pick_facilities = _picker("facilities")
pick_products = _picker("products")
pick_organizers = _picker("organizers")
pick_judges = _picker("judges")
