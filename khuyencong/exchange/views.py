from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from khuyencong.accounts.services import system_user
from khuyencong.geography.models import AdminUnit

from .exporter import exchange_export
from .importer import ImportReport, Issue, exchange_import

MAX_BYTES = 50 * 1024 * 1024


class ExportForm(forms.Form):
    province = forms.ModelChoiceField(
        label="Tỉnh (hiện nay)",
        required=False,
        empty_label="Tất cả trong phạm vi",
        queryset=AdminUnit.objects.current().provinces().order_by("name"),
    )
    year = forms.IntegerField(label="Năm kế hoạch", required=False, min_value=2000, max_value=2100)


class ImportForm(forms.Form):
    upload = forms.FileField(label="Tệp JSON theo định dạng trao đổi", error_messages={"required": "Xin chọn tệp."})


@login_required
def exchange_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "exchange/exchange.html",
        {"export_form": ExportForm(), "import_form": ImportForm(), "can_import": request.user.is_superuser},
    )


@login_required
def exchange_download(request: HttpRequest) -> HttpResponse:
    """Everything the user may see, in the exchange format: the same scoping as every page."""
    form = ExportForm(request.GET)
    if not form.is_valid():
        return render(
            request,
            "exchange/exchange.html",
            {"export_form": form, "import_form": ImportForm(), "can_import": request.user.is_superuser},
            status=400,
        )
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
    # An import acts for every organisation the file names; until a narrower import permission exists, only system
    # administrators may do that.
    if not request.user.is_superuser:
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    report: ImportReport | None = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["upload"]
        report = ImportReport()
        if upload.size > MAX_BYTES:
            report.errors.append(Issue("$", "file_too_large", f"Tệp lớn hơn {MAX_BYTES // (1024 * 1024)} MB."))
        else:
            try:
                document: Any = json.loads(upload.read().decode("utf-8"))
            except UnicodeDecodeError:
                report.errors.append(Issue("$", "encoding", "Tệp phải được mã hoá UTF-8."))
            except json.JSONDecodeError as error:
                report.errors.append(
                    Issue(
                        "$",
                        "json_malformed",
                        f"JSON sai cú pháp ở dòng {error.lineno}, cột {error.colno}: {error.msg}.",
                    )
                )
            else:
                report = exchange_import(document, actor=system_user())
    status = 400 if report is not None and not report.ok else 200
    # A Counter answers 0 for any key, so the template's "created.items" would be read as created["items"].
    created = sorted(report.created.items()) if report is not None else []
    return render(
        request,
        "exchange/exchange.html",
        {"export_form": ExportForm(), "import_form": form, "report": report, "created": created, "can_import": True},
        status=status,
    )
