"""Downloads of a đề án's dossier: each generated form (Word, PDF) and the auditor's file (ZIP)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone

from khuyencong.accounts import access
from khuyencong.core.official import to_docx, to_pdf
from khuyencong.projects.models import Project
from khuyencong.projects.selectors import project_get_for_user

from .auditor import dossier_zip
from .forms36 import FORMS

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def _project(request: HttpRequest, pk: int) -> Project:
    """Outside the user's view a đề án is not found; a download is a permission of its own (access.can_export)."""
    try:
        project = project_get_for_user(request.user, pk)
    except Project.DoesNotExist:
        raise Http404("Không có đề án này.") from None
    if not access.can_export(request.user):
        raise PermissionDenied("Bạn không có quyền tải hồ sơ đề án về máy.")
    return project


@login_required
def form_download(request: HttpRequest, pk: int, form: str, fmt: str) -> HttpResponse:
    project = _project(request, pk)
    if form not in FORMS or fmt not in CONTENT_TYPES:
        raise Http404("Không có biểu mẫu này.")
    official = FORMS[form][1](project, timezone.localdate())
    body = to_docx(official) if fmt == "docx" else to_pdf(official)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{project.code}-{form}.{fmt}"'
    return response


@login_required
def auditor_file(request: HttpRequest, pk: int) -> HttpResponse:
    project: Any = _project(request, pk)
    response = HttpResponse(dossier_zip(project, on=timezone.localdate()), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="ho-so-{project.code}.zip"'
    return response
