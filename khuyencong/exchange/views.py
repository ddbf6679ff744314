from __future__ import annotations

import json
import uuid
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, pgettext
from django.views.decorators.http import require_POST

from khuyencong.accounts import access
from khuyencong.core.xlsx import list_workbook
from khuyencong.geography.models import AdminUnit

from .excel import MAX_BYTES, template_workbook
from .exporter import exchange_export
from .importer import ImportReport, Issue, Message, import_bytes, shown
from .models import ImportJob, JobKind, JobStatus
from .selectors import import_jobs_of
from .tasks import run_import_job


class ExportForm(forms.Form):
    province = forms.ModelChoiceField(
        label=gettext_lazy("Tỉnh (hiện nay)"),
        required=False,
        empty_label=gettext_lazy("Tất cả trong phạm vi"),
        queryset=AdminUnit.objects.current().provinces().order_by("name"),
    )
    year = forms.IntegerField(label=gettext_lazy("Năm kế hoạch"), required=False, min_value=2000, max_value=2100)


class ImportForm(forms.Form):
    upload = forms.FileField(
        label=gettext_lazy("Tệp JSON theo định dạng trao đổi"),
        error_messages={"required": gettext_lazy("Xin chọn tệp.")},
    )


class ExcelForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Loại dữ liệu"), choices=JobKind.choices)
    upload = forms.FileField(
        label=gettext_lazy("Tệp Excel (.xlsx) theo mẫu"), error_messages={"required": gettext_lazy("Xin chọn tệp.")}
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Beside the exchange document's form on one page, whose file field has the same name: ids of its own.
        kwargs.setdefault("auto_id", "excel-%s")
        super().__init__(*args, **kwargs)

    def clean_upload(self) -> Any:
        upload = self.cleaned_data["upload"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("Tệp lớn hơn %(mb)s MB; hãy chia thành nhiều tệp.") % {"mb": MAX_BYTES // (1024 * 1024)}
            )
        return upload


def can_import_documents(user: Any) -> bool:
    """An exchange document replays steps in the name of the organisations it lists: an explicit permission."""
    return bool(user.is_superuser or user.has_perm("exchange.import_for_named_organizations"))


def _page(request: HttpRequest, status: int = 200, **context: Any) -> HttpResponse:
    user: Any = request.user
    context = {
        "export_form": ExportForm(),
        "import_form": ImportForm(),
        "excel_form": ExcelForm(),
        "can_import": can_import_documents(user),
        "can_export": access.can_export(user),
        "can_upload_excel": access.may(user, access.Action.CREATE),
        "jobs": ImportJob.objects.filter(user=user)[:10] if user.is_authenticated else [],
        **context,
    }
    return render(request, "exchange/exchange.html", context, status=status)


@login_required
def exchange_page(request: HttpRequest) -> HttpResponse:
    return _page(request)


@login_required
def exchange_download(request: HttpRequest) -> HttpResponse:
    """Everything the user may see, in the exchange format: the same scoping as every page."""
    if not access.can_export(request.user):
        raise PermissionDenied(_("Bạn không có quyền tải dữ liệu về."))
    form = ExportForm(request.GET)
    if not form.is_valid():
        return _page(request, 400, export_form=form)
    document = exchange_export(
        user=request.user, province=form.cleaned_data["province"], year=form.cleaned_data["year"]
    )
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=1), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="khuyencong-{timezone.localdate():%Y%m%d}.json"'
    return response


@login_required
def exchange_upload(request: HttpRequest) -> HttpResponse:
    if not can_import_documents(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    report: ImportReport | None = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["upload"]
        report = ImportReport()
        if upload.size > MAX_BYTES:
            report.errors.append(
                Issue(
                    "$",
                    "file_too_large",
                    Message(gettext_noop("Tệp lớn hơn %(mb)s MB."), mb=MAX_BYTES // (1024 * 1024)),
                )
            )
        else:
            user: Any = request.user
            # The sender is the actor: every row names them, and their territory bounds what the file may touch.
            report = import_bytes(upload.read(), actor=user)
    status = 400 if report is not None and not report.ok else 200
    # A Counter answers 0 for any key, so the template's "created.items" would be read as created["items"].
    created = sorted(report.created.items()) if report is not None else []
    return _page(request, status, import_form=form, report=report, created=created)


@login_required
def excel_template(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in JobKind.values:
        raise Http404
    response = HttpResponse(
        template_workbook(kind), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = "mau-co-so.xlsx" if kind == JobKind.FACILITIES else "mau-de-an.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def excel_upload(request: HttpRequest) -> HttpResponse:
    """Every Excel upload is a job for the worker, so a 100.000-row file never holds a web request; the page that
    follows shows its progress."""
    if not access.may(request.user, access.Action.CREATE):
        raise PermissionDenied
    form = ExcelForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, 400, excel_form=form)
    upload = form.cleaned_data["upload"]
    user: Any = request.user
    job = ImportJob(user=user, kind=form.cleaned_data["kind"], filename=upload.name[:255])
    job.file.save(f"{uuid.uuid4().hex}.xlsx", upload, save=False)
    job.save()
    transaction.on_commit(lambda: run_import_job.enqueue(job.pk))
    return redirect("exchange:job", pk=job.pk)


def _job_or_404(request: HttpRequest, pk: int) -> ImportJob:
    user: Any = request.user
    jobs = ImportJob.objects.all() if user.is_superuser else ImportJob.objects.filter(user=user)
    try:
        return jobs.get(pk=pk)
    except ImportJob.DoesNotExist as exc:
        raise Http404(_("Không tìm thấy lượt nhập.")) from exc


@login_required
def excel_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_or_404(request, pk)
    running = job.status in (JobStatus.QUEUED, JobStatus.RUNNING)
    # The issues are kept in Vietnamese with their text and values: each is shown in the reader's language.
    errors = [shown(issue) for issue in job.report.get("errors", [])[:500]]
    warnings = [shown(issue) for issue in job.report.get("warnings", [])]
    context = {"job": job, "running": running, "errors": errors, "warnings": warnings}
    return render(request, "exchange/job.html", context)


@login_required
def excel_job_errors(request: HttpRequest, pk: int) -> FileResponse:
    job = _job_or_404(request, pk)
    if not job.error_copy:
        raise Http404(_("Lượt nhập này không có bản sao lỗi."))
    return FileResponse(job.error_copy.open("rb"), as_attachment=True, filename=f"loi-{job.filename}")


@login_required
def my_jobs(request: HttpRequest) -> HttpResponse:
    """ "Các lần nhập dữ liệu của tôi": every upload of the user, newest first, with its status and its error copy."""
    page = Paginator(import_jobs_of(request.user), JOBS_PAGE).get_page(request.GET.get("page"))
    return render(request, "exchange/my_jobs.html", {"page": page, "can_export": access.can_export(request.user)})


JOBS_PAGE = 50


@login_required
def my_jobs_export(request: HttpRequest) -> FileResponse:
    """The user's own uploads as Excel, newest first: each with when it was sent and finished, what came of it and how
    many rows were read. A file, so a decision of its own
    (`access.can_export`), as every list's copy."""
    access.require_list_export(request.user)
    columns = [(_("Lúc gửi"), 17), (_("Tệp"), 40), (_("Loại"), 26), (_("Trạng thái"), 18),
               (_("Số dòng đã đọc"), 14), (_("Xong lúc"), 17)]  # fmt: skip
    # The page's columns: a job's errors are in its own page and error copy (its report is not read for the list).
    rows = (
        [job.created_at, job.filename, job.get_kind_display(), job.get_status_display(), job.rows_done,
         job.finished_at]
        for job in import_jobs_of(request.user).defer("report").iterator(chunk_size=200)
    )  # fmt: skip
    return list_workbook(
        pgettext("file name", "cac-lan-nhap-du-lieu"), _("Các lần nhập dữ liệu của tôi"), columns, rows
    )
