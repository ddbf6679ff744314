"""Downloads of a đề án's dossier: each generated form (Word, PDF, PDF signed with the implementer's certificate) and
the auditor's file (ZIP); the page where an organisation's administrator loads its signing certificate."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from khuyencong.accounts import access
from khuyencong.core.official import to_docx, to_pdf
from khuyencong.projects.models import Project
from khuyencong.projects.selectors import project_get_for_user

from . import authority, signing
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
        raise Http404(_("Không có đề án này.")) from None
    if not access.can_export(request.user):
        raise PermissionDenied(_("Bạn không có quyền tải hồ sơ đề án về máy."))
    return project


@login_required
def form_download(request: HttpRequest, pk: int, form: str, fmt: str) -> HttpResponse:
    project = _project(request, pk)
    if form not in FORMS or fmt not in CONTENT_TYPES:
        raise Http404(_("Không có biểu mẫu này."))
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


class SignForm(forms.Form):
    form = forms.ChoiceField(
        label=gettext_lazy("Biểu mẫu"), choices=[(key, label) for key, (label, _) in FORMS.items()]
    )
    # Asked at each signing and never stored (see SigningCertificate).
    password = forms.CharField(label=gettext_lazy("Mật khẩu chứng thư số"), widget=forms.PasswordInput, strip=False)


def _sign_refused(request: HttpRequest, project: Any, text: str) -> HttpResponse:
    """Why a form could not be signed, on a page of the site with the way back to the đề án."""
    return render(request, "dossiers/sign_refused.html", {"project": project, "text": text}, status=400)


@login_required
@require_POST
def form_signed(request: HttpRequest, pk: int) -> HttpResponse:
    """A generated form as PDF signed with the certificate of the đề án's implementer, which issues it."""
    project = _project(request, pk)
    form = SignForm(request.POST)
    if not form.is_valid():
        return _sign_refused(request, project, _("Chọn biểu mẫu và nhập mật khẩu chứng thư số."))
    key = form.cleaned_data["form"]
    user: Any = request.user
    try:
        signed = signing.form_sign(project=project, actor=user, form=key, password=form.cleaned_data["password"])
    except ValidationError as error:
        text = " ".join(" ".join(str(m) for m in ms) for ms in error.message_dict.values())
        return _sign_refused(request, project, text)
    response = HttpResponse(signed, content_type=CONTENT_TYPES["pdf"])
    response["Content-Disposition"] = f'attachment; filename="{project.code}-{key}-ky-so.pdf"'
    return response


class CertificateForm(forms.Form):
    upload = forms.FileField(label=gettext_lazy("Tệp chứng thư số (.p12, .pfx)"))
    password = forms.CharField(label=gettext_lazy("Mật khẩu của tệp"), widget=forms.PasswordInput, strip=False)


@login_required
def certificate(request: HttpRequest) -> HttpResponse:
    """The signing certificate of the user's own organisation: only its administrator sees or replaces it."""
    user: Any = request.user
    organization = user.organization
    if not authority.can_manage_certificate(user, organization):
        raise PermissionDenied(_("Chỉ quản trị viên của tổ chức mới quản lý chứng thư số của tổ chức."))
    form = CertificateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            signing.certificate_upload(
                organization=organization,
                actor=user,
                upload=form.cleaned_data["upload"],
                password=form.cleaned_data["password"],
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Đã nạp chứng thư số của tổ chức."))
            return redirect("dossiers:certificate")
    history = organization.signing_certificates.select_related("uploaded_by", "superseded_by").order_by("-uploaded_at")
    return render(
        request,
        "dossiers/certificate.html",
        {"organization": organization, "form": form, "certificates": history, "now": timezone.now()},
        status=400 if form.errors else 200,
    )
