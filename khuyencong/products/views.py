"""Pages of products and the selection: products (search, add), rounds (open, register, the judges' sheets, the
decision), a certificate as PDF, and the public list of recognised products with valid certificates."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST

from khuyencong.accounts.models import User
from khuyencong.core.forms import DATE_ERRORS, add_service_errors
from khuyencong.core.refusals import Refused
from khuyencong.core.text import fold
from khuyencong.facilities.selectors import facility_list_for_user
from khuyencong.organizations.models import Organization

from . import authority
from .models import Certificate, Entry, Judge, SelectionRound
from .rules import DossierItem, PhotoAngle, ProductGroup, RoundLevel
from .selectors import entry_dossiers, product_path, products_for, ranking, rounds_for, valid_certificates
from .services import (
    entry_document_add,
    entry_register,
    product_create,
    product_photo_add,
    round_create,
    round_decide,
    score_record,
)


class ProductForm(forms.Form):
    facility = forms.CharField(label="Mã cơ sở", max_length=40)
    code = forms.CharField(label="Mã sản phẩm", max_length=60)
    name = forms.CharField(label="Tên sản phẩm", max_length=255)
    group = forms.ChoiceField(label="Nhóm sản phẩm", choices=ProductGroup.choices)
    description = forms.CharField(label="Mô tả", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    certificates_held = forms.CharField(
        label="Tiêu chuẩn, chứng nhận (mỗi dòng một)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RoundForm(forms.Form):
    code = forms.CharField(label="Mã đợt", max_length=60)
    name = forms.CharField(label="Tên đợt bình chọn", max_length=300)
    level = forms.ChoiceField(label="Cấp", choices=RoundLevel.choices)
    year = forms.IntegerField(label="Năm", min_value=2000, max_value=2100)
    organizer = forms.CharField(label="Mã cơ quan tổ chức", max_length=40)
    judges = forms.CharField(
        label="Giám khảo (mỗi dòng: mã; họ tên; tên đăng nhập)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class EntryForm(forms.Form):
    product = forms.CharField(label="Mã sản phẩm", max_length=60)
    registered_on = forms.DateField(label="Ngày đăng ký", error_messages=DATE_ERRORS)
    lower_certificate = forms.CharField(label="Số giấy chứng nhận cấp dưới", max_length=60, required=False)


class DocumentForm(forms.Form):
    entry = forms.ChoiceField(label="Sản phẩm")
    item = forms.ChoiceField(label="Loại giấy tờ", choices=DossierItem.choices)
    title = forms.CharField(label="Tên tài liệu", max_length=255, required=False)
    upload = forms.FileField(label="Tệp (PDF, Word, ảnh)")

    def __init__(self, *args: Any, entries: list[Entry], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["entry"]
        field.choices = [(e.pk, e.product.name) for e in entries]


class PhotoForm(forms.Form):
    angle = forms.ChoiceField(label="Góc chụp", choices=PhotoAngle.choices)
    upload = forms.FileField(label="Ảnh (JPG, PNG)")


class DecisionForm(forms.Form):
    on = forms.DateField(label="Ngày quyết định", error_messages=DATE_ERRORS)
    document = forms.CharField(label="Số quyết định", max_length=100)


@login_required
def product_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    products = products_for(user).order_by("name", "pk")
    query = request.GET.get("q", "").strip()[:100]
    if query:
        products = products.filter(search_text__contains=fold(query))
    page = Paginator(products, 50).get_page(request.GET.get("page"))
    form = ProductForm(request.POST or None, initial={"facility": request.GET.get("facility", "")})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            facility = facility_list_for_user(user).filter(code=form.cleaned_data["facility"]).first()
            if facility is None:
                form.add_error("facility", "Không có cơ sở mã này trong phạm vi của bạn.")
            else:
                try:
                    product = product_create(
                        actor=user,
                        facility=facility,
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
                    messages.success(request, f"Đã thêm sản phẩm {product.name}.")
                    return redirect("products:list")
        status = 400
    return render(request, "products/product_list.html", {"page": page, "query": query, "form": form}, status=status)


@login_required
def product_detail(request: HttpRequest, code: str) -> HttpResponse:
    user: Any = request.user
    product = get_object_or_404(products_for(user), code=code)
    may_write = authority.can_write_product(user, product.facility)
    form = PhotoForm(request.POST or None, request.FILES or None) if may_write else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("Bạn không có quyền ghi ảnh sản phẩm này.")
        if form.is_valid():
            try:
                product_photo_add(
                    actor=user, product=product, angle=form.cleaned_data["angle"], upload=form.cleaned_data["upload"]
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Đã ghi ảnh sản phẩm.")
                return redirect("products:detail", code=code)
        status = 400
    return render(
        request,
        "products/product_detail.html",
        {
            "product": product,
            "path": product_path(product),
            "form": form,
            "photos": product.photos.standing().order_by("angle"),
        },
        status=status,
    )


@login_required
@require_POST
def document_add(request: HttpRequest, code: str) -> HttpResponse:
    user: Any = request.user
    selection = _round_for(user, code)
    entries = list(Entry.objects.filter(round=selection).select_related("product__facility"))
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
    messages.success(request, f"Đã bổ sung hồ sơ của {entry.product.name}.")
    return redirect("products:round", code=code)


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = RoundForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            selection = _create_round(request, form)
            if selection is not None:
                messages.success(request, f"Đã mở {selection.name}.")
                return redirect("products:round", code=selection.code)
        status = 400
    rounds = rounds_for(user).order_by("-year", "code")[:200]
    return render(request, "products/round_list.html", {"rounds": rounds, "form": form}, status=status)


def _create_round(request: HttpRequest, form: RoundForm) -> SelectionRound | None:
    user: Any = request.user
    organizer = Organization.objects.filter(code=form.cleaned_data["organizer"]).first()
    if organizer is None:
        form.add_error("organizer", "Không có cơ quan mã này.")
        return None
    judges = []
    for number, line in enumerate(form.cleaned_data["judges"].splitlines(), start=1):
        parts = [p.strip() for p in line.split(";")]
        if not any(parts):
            continue
        if len(parts) != 3 or not parts[0] or not parts[1]:
            form.add_error("judges", f"Dòng {number}: ghi «mã; họ tên; tên đăng nhập».")
            return None
        account = User.objects.filter(username=parts[2]).first() if parts[2] else None
        if parts[2] and account is None:
            form.add_error("judges", f"Dòng {number}: không có tài khoản «{parts[2]}».")
            return None
        judges.append((parts[0], parts[1], account))
    try:
        return round_create(
            actor=user,
            code=form.cleaned_data["code"],
            name=form.cleaned_data["name"],
            level=form.cleaned_data["level"],
            year=form.cleaned_data["year"],
            organizer=organizer,
            judges=judges,
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
        raise Http404("Không có đợt bình chọn này.")
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
            "entry_form": entry_form or EntryForm(initial={"registered_on": timezone.localdate()}),
            "decision_form": decision_form or DecisionForm(initial={"on": timezone.localdate()}),
            "errors": errors or [],
        },
        status=status,
    )


@login_required
@require_POST
def entry_add(request: HttpRequest, code: str) -> HttpResponse:
    user: Any = request.user
    selection = _round_for(user, code)
    form = EntryForm(request.POST)
    if not form.is_valid():
        return _render_round(request, selection, entry_form=form, status=400)
    product = products_for(user).filter(code=form.cleaned_data["product"]).first()
    if product is None:
        form.add_error("product", "Không có sản phẩm mã này trong phạm vi của bạn.")
        return _render_round(request, selection, entry_form=form, status=400)
    lower = None
    if form.cleaned_data["lower_certificate"]:
        lower = Certificate.objects.filter(code=form.cleaned_data["lower_certificate"]).first()
        if lower is None:
            form.add_error("lower_certificate", "Không có giấy chứng nhận số này.")
            return _render_round(request, selection, entry_form=form, status=400)
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
    messages.success(request, f"Đã đăng ký {product.name}.")
    return redirect("products:round", code=code)


@login_required
def sheet(request: HttpRequest, code: str) -> HttpResponse:
    """The judge's own score sheet: every entry × every criterion; only changed cells are recorded."""
    user: Any = request.user
    selection = _round_for(user, code)
    judge = Judge.objects.filter(round=selection, user=user).first()
    if judge is None:
        raise PermissionDenied("Bạn không phải giám khảo của đợt bình chọn này.")
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
                    errors.append(f"{entry.product.name}, {criterion.name}: «{raw[:20]}» không phải một số.")
                    continue
                if current.get((entry.pk, criterion.pk)) == points:
                    continue
                try:
                    score_record(actor=user, entry=entry, judge=judge, criterion=criterion, points=points)
                except (ValidationError, Refused) as error:
                    errors.extend(error.messages if isinstance(error, ValidationError) else [str(error)])
        if not errors:
            messages.success(request, "Đã ghi phiếu chấm.")
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
    messages.success(request, f"Đã ghi quyết định; cấp {len(certificates)} giấy chứng nhận.")
    return redirect("products:round", code=code)


@login_required
def certificate_pdf(request: HttpRequest, code: str) -> HttpResponse:
    certificate = get_object_or_404(
        Certificate.objects.select_related("entry__product__facility", "entry__round__organizer"), code=code
    )
    if not authority.can_view_entry(request.user, certificate.entry):
        raise Http404("Không có giấy chứng nhận này.")
    # Imported here: WeasyPrint loads Pango at import, which pages that never print need not pay for.
    from weasyprint import HTML

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
