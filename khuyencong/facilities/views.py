from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_POST

from khuyencong.accounts import access
from khuyencong.accounts.access import Action
from khuyencong.audit.selectors import audit_entries_for
from khuyencong.core.csv import safe_cell
from khuyencong.core.db import replica_reads
from khuyencong.core.forms import add_service_errors, filters_that_hold, run_service
from khuyencong.core.xlsx import Plain, list_workbook
from khuyencong.geography.models import AdminUnit, Level
from khuyencong.products.authority import can_write_product
from khuyencong.projects.authority import may_create_projects
from khuyencong.projects.selectors import project_list_for_user

from . import proposals as proposals_module
from . import selectors, services
from .forms import ApplyForm, FacilityFilterForm, FacilityForm, ProposalForm, RejectForm
from .models import ChangeProposal, Facility, ProposalState, Trade

PAGE_SIZE = 50


def _filters(request: HttpRequest) -> tuple[FacilityFilterForm, selectors.FacilityFilters]:
    form = FacilityFilterForm(request.GET or None, provinces=selectors.provinces_for_user(request.user))
    data = filters_that_hold(form)
    # A search without a sort chosen is in alphabetical order; the list without one, newest first — whatever else the
    # address holds (the pages' links carry `page`: page 2 must continue page 1's order).
    sort = data["sort"] or ("name" if data["q"] else selectors.DEFAULT_SORT)
    # A commune is read within the province asked for: with that province refused, its commune is not applied either
    # (the page, which draws the communes of a province that holds, could not show it).
    commune = None if "province" in form.errors else data["commune"]
    return form, selectors.FacilityFilters(
        query=data["q"],
        province=data["province"],
        commune=commune,
        legal_form=data["legal_form"],
        trade=data["trade"],
        sort=sort,
    )


def _get_or_404(request: HttpRequest, pk: int) -> Facility:
    try:
        return selectors.facility_get_for_user(request.user, pk)
    except Facility.DoesNotExist as exc:
        raise Http404(_("Không tìm thấy cơ sở.")) from exc


@login_required
@replica_reads
def facility_list(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    page = Paginator(selectors.facility_list_for_user(request.user, filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    province = filters.province
    communes = (
        AdminUnit.objects.filter(parent=province, level__in=[Level.DISTRICT, Level.COMMUNE]).order_by("name")
        if province is not None
        else AdminUnit.objects.none()
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "facilities/facility_list.html",
        {
            "form": form,
            "page": page,
            "communes": communes,
            "querystring": query.urlencode(),
            "can_create": access.may(request.user, Action.CREATE),
            "can_export": access.can_export(request.user),
        },
    )


@login_required
def facility_export(request: HttpRequest) -> StreamingHttpResponse:
    if not access.can_export(request.user):
        raise PermissionDenied
    facilities = _exported(request)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(_csv_rows(facilities), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{pgettext("file name", "co-so-cnnt")}-{stamp}.csv"'
    return response


# The list's headings, in the reader's language (as the đề án list's): the export is the page's list, not an official
# document.
EXPORT_HEADINGS = [
    gettext_lazy("Mã cơ sở"),
    gettext_lazy("Tên cơ sở"),
    gettext_lazy("Loại hình"),
    gettext_lazy("Mã số thuế"),
    gettext_lazy("Địa chỉ khi ghi nhận"),
    gettext_lazy("Tỉnh hiện nay"),
    gettext_lazy("Xã hiện nay"),
    gettext_lazy("Ngành nghề"),
    gettext_lazy("Sản phẩm"),
    gettext_lazy("Làng nghề"),
    gettext_lazy("Phụ nữ làm chủ"),
    gettext_lazy("DTTS làm chủ"),
    gettext_lazy("Số lao động"),
]
XLSX_WIDTHS = [20, 44, 20, 14, 50, 18, 22, 30, 30, 24, 10, 10, 10]


@login_required
def facility_export_xlsx(request: HttpRequest) -> FileResponse:
    """The list as an Excel workbook, with the page's filters and order, in constant memory."""
    access.require_list_export(request.user)
    columns = [(str(heading), width) for heading, width in zip(EXPORT_HEADINGS, XLSX_WIDTHS, strict=True)]
    return list_workbook(pgettext("file name", "co-so-cnnt"), _("Cơ sở CNNT"), columns, _rows(_exported(request)))


def _exported(request: HttpRequest) -> QuerySet[Facility]:
    """The list's facilities with what each row writes of them joined (a query per facility for its province,
    commune and trade: 2,000 queries for a thousand facilities)."""
    _form, filters = _filters(request)
    return selectors.facility_list_for_user(request.user, filters).select_related(
        "current_province", "current_commune", "trade"
    )


EXPORT_CHUNK = 2000


def _rows(facilities: QuerySet[Facility]) -> Iterator[list[object]]:
    """Each facility's values, a chunk at a time. The place as recorded is its commune's path named as on its day: the
    communes are read once per export, with their parents and former names (three queries a facility otherwise),
    and there are a few thousand of them for a million facilities."""
    units: dict[int, AdminUnit] = {}
    chunk: list[Facility] = []
    for facility in facilities.iterator(chunk_size=EXPORT_CHUNK):
        chunk.append(facility)
        if len(chunk) == EXPORT_CHUNK:
            yield from _with_places(chunk, units)
            chunk = []
    yield from _with_places(chunk, units)


def _with_places(chunk: list[Facility], units: dict[int, AdminUnit]) -> Iterator[list[object]]:
    wanted = {f.recorded_unit_id for f in chunk} - units.keys()
    if wanted:
        read = AdminUnit.objects.select_related("parent__parent").prefetch_related(
            "former_names", "parent__former_names", "parent__parent__former_names"
        )
        units.update(read.in_bulk(wanted))
    for f in chunk:
        yield _values(f, units[f.recorded_unit_id])


def _values(f: Facility, unit: AdminUnit) -> list[object]:
    # Yes or no written out: a blank cell reads as "not known" where the screen says "Không".
    return [f.code, f.name, f.get_legal_form_display(), f.tax_code or "", f.recorded_place_in(unit),
            f.current_province.name,
            f.current_commune.name if f.current_commune else "", f.trade.label if f.trade else "", f.trade_description,
            f.craft_village, _("Có") if f.women_owned else _("Không"),
            _("Có") if f.ethnic_minority_owned else _("Không"), f.workers if f.workers is not None else ""]  # fmt: skip


class _Line:
    """csv.writer's file: hands each formatted line back instead of keeping it."""

    def write(self, line: str) -> str:
        return line


def _csv_rows(facilities: QuerySet[Facility]) -> Iterator[str]:
    """Streamed a line at a time: a national export is a million facilities, which would otherwise sit in memory
    before the first byte leaves. Read from the primary: the lines are produced after the view has returned, outside
    the request's replica rules (a browser that just wrote must see its write)."""
    writer = csv.writer(_Line())
    yield "\ufeff"  # Excel opens UTF-8 CSV correctly only with a byte-order mark.
    yield writer.writerow([str(heading) for heading in EXPORT_HEADINGS])
    for values in _rows(facilities):
        yield writer.writerow(safe_cell(value) for value in values)


PROPOSALS_SHOWN = 20


def _detail_context(request: HttpRequest, facility: Facility) -> dict[str, Any]:
    can_review = access.can_review_facility_proposal(request.user, facility)
    proposals = list(selectors.proposals_of(facility)[:PROPOSALS_SHOWN])
    return {
        "facility": facility,
        "history": audit_entries_for(facility),
        "projects": project_list_for_user(request.user).filter(beneficiaries=facility),
        "can_edit": access.can_on_facility(request.user, Action.CHANGE, facility),
        "can_create_project": may_create_projects(request.user),
        "products": facility.products.order_by("name"),
        "can_add_product": can_write_product(request.user, facility),
        # Self-service: the representative proposes, the managing body applies or rejects; others only read.
        "can_propose": access.can_propose_facility_change(request.user, facility),
        "can_review": can_review,
        "proposals": [(p, proposals_module.proposal_rows(p, facility)) for p in proposals],
        "apply_form": ApplyForm() if can_review else None,
        "reject_form": RejectForm() if can_review else None,
    }


@login_required
def facility_detail(request: HttpRequest, pk: int) -> HttpResponse:
    facility = _get_or_404(request, pk)
    return render(request, "facilities/facility_detail.html", _detail_context(request, facility))


@login_required
def facility_propose(request: HttpRequest, pk: int) -> HttpResponse:
    """The representative's proposal of changes to its own facility."""
    facility = _get_or_404(request, pk)
    if not access.can_propose_facility_change(request.user, facility):
        raise PermissionDenied(_("Chỉ người đại diện của cơ sở này mới đề nghị thay đổi thông tin của cơ sở."))
    form = ProposalForm(request.POST or None, facility=facility)
    user: Any = request.user
    if request.method == "POST" and form.is_valid():
        proposal = run_service(
            form,
            lambda: proposals_module.proposal_create(
                actor=user, facility=facility, values=form.values(), reason=form.cleaned_data["reason"]
            ),
        )
        if proposal is not None:
            messages.success(
                request,
                _(
                    "Đã gửi đề nghị thay đổi số %(number)s. Cơ quan quản lý cơ sở sẽ xem xét; kết quả hiện ở trang "
                    "cơ sở và trong thông báo."
                )
                % {"number": proposal.pk},
            )
            return redirect(reverse("facilities:detail", args=[facility.pk]) + "#de-nghi")
    status = 400 if request.method == "POST" else 200
    return render(request, "facilities/proposal_form.html", {"form": form, "facility": facility}, status=status)


def _proposal_or_404(facility: Facility, proposal_pk: int) -> ChangeProposal:
    # Through the facility: a proposal of another facility is not found here, whatever its number.
    try:
        return selectors.proposals_of(facility).get(pk=proposal_pk)
    except ChangeProposal.DoesNotExist as exc:
        raise Http404(_("Không tìm thấy đề nghị thay đổi.")) from exc


def _refused_decision(
    request: HttpRequest, facility: Facility, proposal: ChangeProposal, errors: list[str], *, confirmed: bool = False
) -> HttpResponse:
    context = _detail_context(request, facility)
    context["proposal_errors"] = (proposal.pk, errors, confirmed)
    return render(request, "facilities/facility_detail.html", context, status=400)


@login_required
@require_POST
def proposal_apply(request: HttpRequest, pk: int, proposal_pk: int) -> HttpResponse:
    facility = _get_or_404(request, pk)
    proposal = _proposal_or_404(facility, proposal_pk)
    if not access.can_review_facility_proposal(request.user, facility):
        raise PermissionDenied(_("Bạn không có quyền xem xét đề nghị thay đổi thông tin của cơ sở này."))
    form = ApplyForm(request.POST)
    form.is_valid()
    user: Any = request.user
    try:
        proposals_module.proposal_apply(
            actor=user, proposal=proposal, confirm_duplicate=form.cleaned_data.get("confirm_duplicate", False)
        )
    except services.DuplicateFacilityWarning as warning:
        similar = ", ".join(_("%(name)s (mã %(code)s)") % {"name": f.name, "code": f.code} for f in warning.similar)
        return _refused_decision(
            request,
            facility,
            proposal,
            [_("Tên mới trùng cơ sở cùng xã: %(similar)s. Hãy kiểm tra rồi đánh dấu xác nhận.") % {"similar": similar}],
        )
    except ValidationError as error:
        confirmed = form.cleaned_data.get("confirm_duplicate", False)
        return _refused_decision(request, facility, proposal, error.messages, confirmed=confirmed)
    messages.success(request, _("Đã cập nhật thông tin cơ sở theo đề nghị số %(number)s.") % {"number": proposal.pk})
    return redirect(reverse("facilities:detail", args=[facility.pk]) + "#de-nghi")


@login_required
@require_POST
def proposal_reject(request: HttpRequest, pk: int, proposal_pk: int) -> HttpResponse:
    facility = _get_or_404(request, pk)
    proposal = _proposal_or_404(facility, proposal_pk)
    if not access.can_review_facility_proposal(request.user, facility):
        raise PermissionDenied(_("Bạn không có quyền xem xét đề nghị thay đổi thông tin của cơ sở này."))
    user: Any = request.user
    try:
        proposals_module.proposal_reject(actor=user, proposal=proposal, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        return _refused_decision(request, facility, proposal, error.messages)
    messages.success(request, _("Đã ghi không chấp nhận đề nghị số %(number)s.") % {"number": proposal.pk})
    return redirect(reverse("facilities:detail", args=[facility.pk]) + "#de-nghi")


@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    """Self-service proposals within the user's scope: the managing body's queue (pending first by default), or a
    representative's own."""
    state, proposals = _proposals_listed(request)
    page = Paginator(proposals, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(p, proposals_module.proposal_rows(p)) for p in page.object_list]
    return render(
        request,
        "facilities/proposal_list.html",
        {"page": page, "rows": rows, "state": state, "states": [*ProposalState.choices, ("all", _("Tất cả"))],
         "can_export": access.can_export(request.user)},
    )  # fmt: skip


def _proposals_listed(request: HttpRequest) -> tuple[str, QuerySet[ChangeProposal]]:
    """The state asked for (the pending ones by default) and the proposals of the page and of its Excel copy."""
    state = request.GET.get("state", ProposalState.PENDING)
    state = state if state in ProposalState.values or state == "all" else ProposalState.PENDING
    return state, selectors.proposal_list_for_user(request.user, "" if state == "all" else state)


@login_required
@replica_reads
def proposal_export(request: HttpRequest) -> FileResponse:
    """One row per field a proposal changes: as it was, as asked, as it is now; with who proposed, when and why, and
    the decision."""
    access.require_list_export(request.user)
    _state, proposals = _proposals_listed(request)
    columns = [
        (_("Số đề nghị"), 10), (_("Mã cơ sở"), 16), (_("Tên cơ sở"), 36), (_("Ngày đề nghị"), 12),
        (_("Người đề nghị"), 22), (_("Lý do đề nghị"), 36), (_("Trạng thái"), 18),
        (pgettext("a field of the record", "Thông tin"), 24), (_("Trước khi đề nghị"), 28), (_("Đề nghị"), 28),
        (_("Hiện nay"), 28), (_("Ngày xem xét"), 12), (_("Lý do không chấp nhận"), 36),
    ]  # fmt: skip

    trades = {trade.code: trade for trade in Trade.objects.all()}  # the reference list: a few hundred

    def rows() -> Iterator[list[Any]]:
        for p in proposals.select_related("facility__trade").iterator(chunk_size=200):
            decided = timezone.localdate(p.decided_at) if p.decided_at else None
            for change in proposals_module.proposal_rows(p, trades=trades):
                yield [Plain(p.pk), p.facility.code, p.facility.name, timezone.localdate(p.proposed_at),
                       p.proposed_by_name, p.reason, p.get_state_display(), str(change.label), change.before,
                       change.after, change.now, decided, p.decision_reason]  # fmt: skip

    return list_workbook(pgettext("file name", "de-nghi-thay-doi-co-so"), _("Đề nghị thay đổi cơ sở"), columns, rows())


def _save(request: HttpRequest, form: FacilityForm, facility: Facility | None) -> Facility | None:
    """Runs the service; its refusals become form errors, never a half-written record."""
    confirm = form.cleaned_data.get("confirm_duplicate", False)
    user: Any = request.user
    try:
        if facility is None:
            return services.facility_create(actor=user, data=form.facility_data(), confirm_duplicate=confirm)
        return services.facility_update(
            facility=facility, actor=user, data=form.facility_data(), confirm_duplicate=confirm
        )
    except services.DuplicateFacilityWarning as warning:
        form.duplicates = warning.similar  # type: ignore[attr-defined]
        form.add_error("confirm_duplicate", _("Đã có cơ sở cùng tên trong cùng xã. Hãy kiểm tra danh sách dưới đây."))
    except PermissionDenied as denied:
        form.add_error("province", str(denied))
    except ValidationError as error:
        add_service_errors(form, error)
    return None


def _form_page(request: HttpRequest, form: FacilityForm, facility: Facility | None) -> HttpResponse:
    provinces = selectors.provinces_for_user(request.user)
    communes = AdminUnit.objects.filter(parent__in=provinces).order_by("name") if provinces.count() <= 2 else []
    return render(
        request,
        "facilities/facility_form.html",
        {"form": form, "facility": facility, "provinces": provinces, "communes": communes},
    )


@login_required
def facility_create(request: HttpRequest) -> HttpResponse:
    if not access.may(request.user, Action.CREATE):
        raise PermissionDenied
    form = FacilityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        facility = _save(request, form, None)
        if facility is not None:
            messages.success(
                request,
                _("Đã đăng ký cơ sở %(name)s (mã %(code)s).") % {"name": facility.name, "code": facility.code},
            )
            return redirect("facilities:detail", pk=facility.pk)
    return _form_page(request, form, None)


@login_required
def facility_edit(request: HttpRequest, pk: int) -> HttpResponse:
    facility = _get_or_404(request, pk)
    if not access.can_on_facility(request.user, Action.CHANGE, facility):
        raise PermissionDenied
    form = FacilityForm(request.POST or None, initial=FacilityForm.initial_for(facility))
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, facility)
        if saved is not None:
            messages.success(request, _("Đã lưu thay đổi của cơ sở %(name)s.") % {"name": saved.name})
            return redirect("facilities:detail", pk=saved.pk)
    return _form_page(request, form, facility)
