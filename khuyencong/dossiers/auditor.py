"""The auditor's file of a đề án: every document attached (voided ones too, marked, with the verdict on their digital
signatures), every generated form in Word and all of them in one PDF, the timeline of events and vouchers with their
corrections, the forms signed digitally (their SHA-256), and a manifest naming each file with its SHA-256."""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
import zipfile
from pathlib import PurePosixPath

from django.utils import translation

from khuyencong.core.official import to_docx, to_pdf
from khuyencong.projects.models import Document, Payment, Project, ProjectEvent

from .forms36 import FORMS
from .models import SignedForm

# The auditor's file is part of the đề án's official file: its forms, tables and manifest are Vietnamese whoever
# downloads it (Decree 30/2020/NĐ-CP Art. 8), and it is assembled inside translation.override("vi").
VIETNAMESE_ONLY = "the auditor's file: official documents under Decree 30/2020/NĐ-CP Art. 8"


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    # A BOM, so that Excel opens the Vietnamese text as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode()


def _voided(entry: ProjectEvent | Payment | Document) -> str:
    if not entry.is_voided:
        return ""
    return f"{entry.voided_on:%d/%m/%Y} {entry.voided_by or ''}: {entry.voided_reason}".strip()


def dossier_zip(project: Project, *, on: datetime.date) -> bytes:
    with translation.override("vi"):
        return _dossier_zip(project, on=on)


def _dossier_zip(project: Project, *, on: datetime.date) -> bytes:
    files: dict[str, bytes] = {}
    forms = [(key, build(project, on)) for key, (_label, build) in FORMS.items()]
    for key, official in forms:
        files[f"bieu-mau/{key}.docx"] = to_docx(official)
    files["bieu-mau/tat-ca-bieu-mau.pdf"] = to_pdf(*(official for _, official in forms))
    documents = []
    for document in (
        Document.objects.filter(project=project).prefetch_related("signatures").order_by("uploaded_at", "pk")
    ):
        name = f"tai-lieu/{document.pk:06d}{PurePosixPath(document.file.name or '').suffix.lower()}"
        with document.file.open("rb") as handle:
            files[name] = handle.read()
        documents.append(
            {
                "file": name,
                "title": document.title,
                "kind": document.get_kind_display(),
                "original_name": document.original_name,
                "voided": _voided(document) or None,
                # The verdict on each signature of a signed PDF, as verified when it was attached.
                "signatures": [
                    {
                        "status": signature.get_status_display(),
                        "signer": signature.signer,
                        "signed_at": signature.signed_at.isoformat() if signature.signed_at else None,
                        "detail": signature.detail,
                    }
                    for signature in document.signatures.all()
                ],
            }
        )
    events = [
        [
            f"{e.on:%d/%m/%Y}",
            str(e.seq),
            e.get_action_display(),
            e.organization.name,
            e.document,
            str(e.amount if e.amount is not None else ""),
            e.note,
            "nhập lịch sử" if e.transcribed else "",
            _voided(e),
        ]
        for e in project.events.select_related("organization", "voided_by").order_by("seq")
    ]
    files["dien-bien.csv"] = _csv(
        ["Ngày", "Thứ tự", "Bước", "Cơ quan", "Số văn bản", "Số tiền", "Ghi chú", "Nhập lịch sử", "Huỷ bỏ, đính chính"],
        events,
    )
    vouchers = [
        [f"{p.on:%d/%m/%Y}", p.get_kind_display(), str(p.amount), p.document, _voided(p)]
        for p in project.payments.select_related("voided_by").order_by("on", "pk")
    ]
    files["chung-tu.csv"] = _csv(["Ngày", "Loại", "Số tiền", "Số chứng từ", "Huỷ bỏ, đính chính"], vouchers)
    signed = [
        {"form": f.form, "signed_at": f.signed_at.isoformat(), "certificate": f.certificate.subject, "sha256": f.sha256}
        for f in SignedForm.objects.filter(project=project).select_related("certificate").order_by("signed_at", "pk")
    ]
    manifest = {
        "project": project.code,
        "signed_forms": signed,
        "title": project.title,
        "as_of": on.isoformat(),
        "documents": documents,
        "files": [
            {"file": name, "size": len(content), "sha256": hashlib.sha256(content).hexdigest()}
            for name, content in sorted(files.items())
        ],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in sorted(files.items()):
            archive.writestr(name, content)
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
    return buffer.getvalue()
