from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from khuyencong.accounts import access
from khuyencong.audit.models import AuditAction
from khuyencong.audit.selectors import audit_history
from khuyencong.core.corrections import voided_text
from khuyencong.core.db import replica_reads
from khuyencong.core.forms import VoidForm, add_service_errors
from khuyencong.core.xlsx import Plain, list_workbook
from khuyencong.organizations.models import Organization

from .forms import ConsultingForm
from .models import ConsultingRecord
from .selectors import consulting_list_for_user, consulting_organizations_for_user
from .services import consulting_record, consulting_void


@login_required
def consulting_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    # The form offers only what the service would accept, so a user never fills in a form bound to be refused.
    units = [unit for unit in consulting_organizations_for_user(user) if access.can_record_consulting(user, unit)]
    if request.method == "POST" and not units:
        raise PermissionDenied(_("Bạn không có quyền ghi kết quả tư vấn."))
    form = ConsultingForm(
        request.POST or None, units=Organization.objects.filter(pk__in=[u.pk for u in units]).order_by("name")
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                record = consulting_record(actor=user, **form.cleaned_data)
            except PermissionDenied as denied:
                form.add_error(None, str(denied))
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Đã ghi số liệu tư vấn %(code)s.") % {"code": record.code})
                return redirect("consulting:list")
        status = 400
    return render(request, "consulting/consulting_list.html", _context(user, form if units else None), status=status)


@login_required
@replica_reads
def consulting_export(request: HttpRequest) -> FileResponse:
    """The page's records as Excel, voided ones included and said so (history stays visible and exportable)."""
    user: Any = request.user
    access.require_list_export(user)
    records = consulting_list_for_user(user).select_related("organization")
    columns = [(_("Mã"), 16), (_("Đơn vị"), 40), (_("Năm"), 8), (_("Tính đến"), 12), (_("Số dự án"), 10),
               (_("Doanh thu (đồng)"), 18), (_("Kế hoạch (đồng)"), 18), (_("Huỷ bỏ"), 40)]  # fmt: skip

    def rows() -> Iterator[list[Any]]:
        for r in records.iterator(chunk_size=500):
            yield [r.code, str(r.organization), Plain(r.year), r.period_end, Plain(r.projects), r.revenue,
                   r.planned_revenue, voided_text(r)]  # fmt: skip

    return list_workbook(
        pgettext("file name", "tu-van-phat-trien-cong-nghiep"), _("Tư vấn phát triển công nghiệp"), columns, rows()
    )


def _context(user: Any, form: ConsultingForm | None, errors: list[str] | None = None) -> dict[str, Any]:
    records = list(consulting_list_for_user(user).select_related("voided_by", "voided_actor"))
    # Figures re-entered under the same code are corrections: each keeps its earlier values in the audit log, shown
    # beside the record (never a silent overwrite).
    corrections = audit_history(ConsultingRecord, [r.pk for r in records], action=AuditAction.UPDATE)
    may: dict[int, bool] = {}
    rows = []
    for record in records:
        if record.organization_id not in may:
            may[record.organization_id] = access.can_record_consulting(user, record.organization)
        rows.append((record, not record.is_voided and may[record.organization_id], corrections.get(record.pk, [])))
    return {"records": rows, "form": form, "correction_errors": errors, "can_export": access.can_export(user)}


@login_required
@require_POST
def consulting_void_view(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    record = get_object_or_404(consulting_list_for_user(user), pk=pk)
    form = VoidForm(request.POST)
    if form.is_valid():
        try:
            consulting_void(actor=user, record=record, reason=form.cleaned_data["reason"])
        except ValidationError as refused:
            errors = refused.messages
        else:
            messages.success(request, _("Đã huỷ bỏ số liệu tư vấn %(code)s.") % {"code": record.code})
            return redirect("consulting:list")
    else:
        errors = [str(e) for errs in form.errors.values() for e in errs]
    return render(request, "consulting/consulting_list.html", _context(user, None, errors), status=400)
