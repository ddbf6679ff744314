"""Documents attached to đề án: only office files, PDFs and images, recognised by their content, not their name."""

from __future__ import annotations

from pathlib import Path

import filetype
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.accounts.models import User
from khuyencong.audit.models import AuditAction
from khuyencong.audit.services import audit_entry_write, audit_snapshot
from khuyencong.core.corrections import check_void, mark_voided

from . import authority
from .models import Document, Project, ProjectEvent

MAX_SIZE = 20 * 1024 * 1024
# Extension -> the content types filetype must recognise in the bytes.
ALLOWED = {
    ".pdf": {"application/pdf"},
    ".docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    ".xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    ".odt": {"application/vnd.oasis.opendocument.text"},
    ".ods": {"application/vnd.oasis.opendocument.spreadsheet"},
    ".jpg": {"image/jpeg"},
    ".jpeg": {"image/jpeg"},
    ".png": {"image/png"},
    ".doc": {"application/msword"},
    ".xls": {"application/vnd.ms-excel"},
}
# filetype 1.2 does not recognise OLE2 compound files (legacy .doc/.xls); their signature is fixed by the format.
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff(head: bytes, extension: str) -> str | None:
    """The content type the bytes prove, if it is the one the extension claims."""
    if extension in (".doc", ".xls"):
        return next(iter(ALLOWED[extension])) if head.startswith(OLE2_SIGNATURE) else None
    kind = filetype.guess(head)
    return kind.mime if kind is not None and kind.mime in ALLOWED.get(extension, set()) else None


def checked_upload(upload: UploadedFile, allowed: set[str], field: str) -> str:
    """An upload's content type, proven by its bytes (not its name), for every kind of attachment the system keeps:
    refused with a code if its extension is not among `allowed`, it is empty or over 20 MB, or its bytes are not what
    its extension says."""
    name = upload.name or ""
    extension = Path(name).suffix.lower()
    if extension not in allowed or extension not in ALLOWED:
        shown = ", ".join(sorted(allowed & set(ALLOWED)))
        raise ValidationError(
            {
                field: ValidationError(
                    _("Tệp «%(name)s»: chỉ nhận %(shown)s.") % {"name": name, "shown": shown}, code="file_type"
                )
            }
        )
    if not upload.size:
        raise ValidationError({field: ValidationError(_("Tệp «%(name)s» rỗng.") % {"name": name}, code="file_empty")})
    if upload.size > MAX_SIZE:
        raise ValidationError(
            {
                field: ValidationError(
                    _("Tệp «%(name)s» lớn hơn %(value)s MB.") % {"name": name, "value": MAX_SIZE // (1024 * 1024)},
                    code="file_too_large",
                )
            }
        )
    head = upload.read(8192)
    upload.seek(0)
    content_type = sniff(head, extension)
    if content_type is None:
        raise ValidationError(
            {
                field: ValidationError(
                    _("Nội dung tệp «%(name)s» không đúng định dạng %(extension)s.")
                    % {"name": name, "extension": extension},
                    code="file_content",
                )
            }
        )
    return content_type


@transaction.atomic
def document_attach(
    *, project: Project, actor: User, upload: UploadedFile, title: str, kind: str, event: ProjectEvent | None = None
) -> Document:
    if not authority.can_attach_document(actor, project, kind):
        raise PermissionDenied(
            _("Bạn không có quyền đính kèm loại tài liệu này vào đề án %(code)s.") % {"code": project.code}
        )
    name = upload.name or ""
    extension = Path(name).suffix.lower()
    if extension not in ALLOWED:
        raise ValidationError(
            {"upload": _("Tệp «%(name)s»: chỉ nhận PDF, Word, Excel, OpenDocument, JPG, PNG.") % {"name": name}}
        )
    if upload.size is None or upload.size > MAX_SIZE:
        raise ValidationError(
            {"upload": _("Tệp «%(name)s» lớn hơn %(value)s MB.") % {"name": name, "value": MAX_SIZE // (1024 * 1024)}}
        )
    if upload.size == 0:
        raise ValidationError({"upload": _("Tệp «%(name)s» rỗng.") % {"name": name}})
    head = upload.read(8192)
    upload.seek(0)
    content_type = sniff(head, extension)
    if content_type is None:
        raise ValidationError(
            {
                "upload": _("Nội dung tệp «%(name)s» không đúng định dạng %(extension)s.")
                % {"name": name, "extension": extension}
            }
        )
    if event is not None and event.project_id != project.pk:
        raise ValidationError({"event": _("Sự kiện không thuộc đề án này.")})
    document = Document(
        project=project,
        event=event,
        kind=kind,
        title=title.strip() or name,
        file=upload,
        original_name=name[:255],
        content_type=content_type,
        size=upload.size,
        uploaded_by=actor,
    )
    document.full_clean(exclude=["file", "voided_by", "voided_actor"])
    document.save()
    audit_entry_write(actor=actor, action=AuditAction.CREATE, instance=document, before={},
                      after=audit_snapshot(document, ["kind", "title", "original_name", "size"]))  # fmt: skip
    if content_type == "application/pdf":
        # Imported here: the dossiers app builds on this one. A signed PDF's signatures are verified as it arrives.
        from khuyencong.dossiers.signing import document_signatures_record

        with document.file.open("rb") as handle:
            document_signatures_record(document=document, actor=actor, data=handle.read())
    return document


@transaction.atomic
def document_void(*, project: Project, document: Document, actor: User, reason: str) -> Document:
    """A document attached by mistake is voided, not deleted: the file stays, struck out, with who, when and why."""
    if not authority.can_attach_to_project(actor, project):
        raise PermissionDenied(_("Bạn không có quyền đính chính tài liệu của đề án %(code)s.") % {"code": project.code})
    document = project.documents.select_for_update().get(pk=document.pk)
    day = timezone.localdate()
    reason = check_void(document, on=day, reason=reason, dated=None)
    mark_voided(document, actor=actor, on=day, reason=reason)
    audit_entry_write(actor=actor, action=AuditAction.VOID, instance=document, before={"voided": None},
                      after={"voided": f"{day:%d/%m/%Y}: {reason}"}, note=reason)  # fmt: skip
    return document
