"""Signing generated forms with an organisation's certificate (PAdES, pyHanko) and verifying the signatures of a PDF
attached to a đề án.

Decree 30/2020 Phụ lục I asks the signing time shown on a digitally signed document in ISO 8601 at 10 pt; Decree
23/2025 (from 10/04/2025, replacing Decree 130/2018) governs the signatures themselves. No trust list of the
Vietnamese certification authorities is loaded here, so a verified signature says that the file is intact since it was
signed and by which certificate — and whether that certificate is one an organisation registered here — not that a
public CA vouches for it.
"""

from __future__ import annotations

import datetime
import hashlib
import io
from dataclasses import dataclass

from asn1crypto import pkcs12 as asn1_pkcs12
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.accounts.models import User
from khuyencong.audit.models import AuditAction
from khuyencong.audit.services import audit_entry_write, audit_snapshot
from khuyencong.core.official import to_pdf
from khuyencong.core.refusals import Refused, refuse
from khuyencong.organizations.models import Organization
from khuyencong.projects.authority import acting_implementer
from khuyencong.projects.models import Document, Project

from . import authority
from .forms36 import FORMS
from .models import DocumentSignature, SignatureStatus, SignedForm, SigningCertificate

MAX_PKCS12 = 256 * 1024
FIELD = "ChuKySo"


def _name(certificate: x509.Certificate, which: str = "subject") -> str:
    name = certificate.subject if which == "subject" else certificate.issuer
    common = name.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return str(common[0].value) if common else name.rfc4514_string()


def _password_bytes(password: str) -> bytes:
    return password.encode("utf-8")


def _refuse_file(message: str, code: str) -> ValidationError:
    return refuse("upload", message, code)


@transaction.atomic
def certificate_upload(
    *, organization: Organization, actor: User, upload: UploadedFile, password: str
) -> SigningCertificate:
    """Registers the organisation's PKCS#12 file, superseding the one in force. Refused: not the organisation's
    administrator; not a PKCS#12 file; a wrong password; no key, or a key that is not the certificate's; a certificate
    expired or not yet valid."""
    if not authority.can_manage_certificate(actor, organization):
        raise Refused(
            "permission_denied",
            _("Chỉ quản trị viên của %(organization)s mới nạp chứng thư số của tổ chức.")
            % {"organization": organization.name},
        )
    name = upload.name or _("tệp")
    if not upload.size or upload.size > MAX_PKCS12:
        raise _refuse_file(
            _("Tệp «%(name)s» rỗng hoặc lớn hơn %(size)d KB.") % {"name": name, "size": MAX_PKCS12 // 1024}, "file_size"
        )
    data = upload.read()
    if not password:
        # A key without a password would sit in the database usable by anyone who reads it.
        raise refuse("password", _("Tệp chứng thư số phải có mật khẩu bảo vệ."), "password_required")
    try:
        asn1_pkcs12.Pfx.load(data)["auth_safe"].native  # noqa: B018 — parses the outer structure, or raises
    except Exception:  # asn1crypto raises ValueError, TypeError or its own errors on bytes that are not DER
        raise _refuse_file(
            _("Tệp «%(name)s» không phải tệp chứng thư số PKCS#12 (.p12, .pfx).") % {"name": name}, "not_pkcs12"
        ) from None
    try:
        key, certificate, extra = pkcs12.load_key_and_certificates(data, _password_bytes(password))
    except ValueError:
        raise refuse("password", _("Mật khẩu của tệp chứng thư số không đúng."), "wrong_password") from None
    if key is None or certificate is None:
        raise _refuse_file(_("Tệp «%(name)s» không có khoá bí mật kèm chứng thư.") % {"name": name}, "no_key")
    public = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    if key.public_key().public_bytes(*public) != certificate.public_key().public_bytes(*public):
        raise _refuse_file(_("Khoá bí mật trong «%(name)s» không khớp với chứng thư.") % {"name": name}, "key_mismatch")
    now = timezone.now()
    if certificate.not_valid_after_utc <= now:
        raise _refuse_file(
            _("Chứng thư số đã hết hạn từ %(day)s.")
            % {"day": f"{timezone.localtime(certificate.not_valid_after_utc):%d/%m/%Y}"},
            "certificate_expired",
        )
    if certificate.not_valid_before_utc > now:
        raise _refuse_file(
            _("Chứng thư số chỉ có hiệu lực từ %(day)s.")
            % {"day": f"{timezone.localtime(certificate.not_valid_before_utc):%d/%m/%Y}"},
            "certificate_not_yet_valid",
        )
    kept = pkcs12.serialize_key_and_certificates(
        None,
        key,  # type: ignore[arg-type]  # load_key_and_certificates only returns keys PKCS#12 can serialise
        certificate,
        list(extra),
        serialization.BestAvailableEncryption(_password_bytes(password)),
    )
    previous = (
        SigningCertificate.objects.select_for_update().filter(organization=organization, superseded_at__isnull=True)
    ).first()
    if previous is not None:
        previous.superseded_at, previous.superseded_by = now, actor
        previous.save(update_fields=["superseded_at", "superseded_by"])
        audit_entry_write(actor=actor, action=AuditAction.UPDATE, instance=previous, before={"superseded_at": None},
                          after={"superseded_at": now.isoformat()},
                          note="Thay bằng chứng thư số mới.")  # fmt: skip  # vi-only: an audit record
    made = SigningCertificate.objects.create(
        organization=organization,
        pkcs12=kept,
        subject=_name(certificate)[:500],
        issuer=_name(certificate, "issuer")[:500],
        serial=format(certificate.serial_number, "X")[:100],
        fingerprint=certificate.fingerprint(hashes.SHA256()).hex(),
        valid_from=certificate.not_valid_before_utc,
        valid_until=certificate.not_valid_after_utc,
        uploaded_by=actor,
    )
    audit_entry_write(actor=actor, action=AuditAction.CREATE, instance=made, before={},
                      after=audit_snapshot(made, ["subject", "issuer", "serial", "fingerprint"]))  # fmt: skip
    return made


def certificate_in_force(organization: Organization) -> SigningCertificate | None:
    return SigningCertificate.objects.filter(organization=organization, superseded_at__isnull=True).first()


@transaction.atomic
def form_sign(*, project: Project, actor: User, form: str, password: str) -> bytes:
    """The form's PDF signed (PAdES baseline B) with the certificate in force of the đề án's implementer, which issues
    the forms; the signer and the signing time (ISO 8601) are printed in the signature block; the signing is recorded
    (who, when, the signed file's SHA-256) and audited."""
    # Imported here, as in verify_pdf: pyHanko loads its validation stack (aiohttp included), which pages and tests
    # that never sign nor receive a PDF need not pay for.
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    if not authority.can_sign_forms(actor):
        raise Refused("permission_denied", _("Bạn không có quyền tải biểu mẫu đã ký số."))
    if form not in FORMS:
        raise refuse("form", _("Không có biểu mẫu «%(form)s».") % {"form": form}, "unknown_form")
    # A dissolved body issues nothing: after the reform its successor heads and signs the form.
    organization = acting_implementer(project, timezone.localdate())
    certificate = certificate_in_force(organization)
    if certificate is None:
        raise refuse(
            "password",
            _("%(organization)s chưa nạp chứng thư số để ký biểu mẫu.") % {"organization": organization.name},
            "no_certificate",
        )
    now = timezone.now()
    if certificate.valid_until <= now:
        raise refuse(
            "password",
            _("Chứng thư số của %(organization)s đã hết hạn; cần nạp chứng thư mới.")
            % {"organization": organization.name},
            "certificate_expired",
        )
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(bytes(certificate.pkcs12), [], _password_bytes(password))
    except ValueError:
        raise refuse("password", _("Mật khẩu chứng thư số không đúng."), "wrong_password") from None
    signed_at = timezone.localtime(now).replace(microsecond=0)
    official = FORMS[form][1](project, signed_at.date())
    # Decree 30/2020 Phụ lục I: the signing time in ISO 8601 (extended format, with Hà Nội's offset), at 10 pt. It is
    # printed in the page rather than in a pyHanko stamp so that it reads back as text and needs no font of its own.
    official.signature_note = (  # vi-only: the signed document's own text
        f"Ký số bởi: {certificate.subject}\nThời gian ký: {signed_at.isoformat()}"
    )
    pdf = to_pdf(official)
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=f"Biểu mẫu {form} của đề án {project.code}",  # vi-only: the signed document's own metadata
        location=project.province.name if project.province else "",
        name=certificate.subject,
    )
    pdf_signer = signers.PdfSigner(meta, signer, new_field_spec=fields.SigFieldSpec(FIELD, on_page=-1))
    output = pdf_signer.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), output=io.BytesIO())
    signed = output.getvalue()
    record = SignedForm.objects.create(
        project=project, form=form, certificate=certificate, signed_at=now, actor=actor,
        sha256=hashlib.sha256(signed).hexdigest(),
    )  # fmt: skip
    audit_entry_write(actor=actor, action=AuditAction.CREATE, instance=record, before={},
                      after=audit_snapshot(record, ["form", "sha256"]))  # fmt: skip
    return signed


@dataclass(frozen=True)
class Verdict:
    field_name: str
    status: SignatureStatus
    signer: str = ""
    signed_at: datetime.datetime | None = None
    fingerprint: str = ""
    detail: str = ""


def verify_pdf(data: bytes) -> list[Verdict]:  # vi-only: verdicts recorded on rows and in audit notes
    """Every signature of the PDF, judged: tampered when the bytes it covers changed or the file was altered after it
    beyond filling forms; invalid when its cryptography fails, its certificate was not valid at the signing time, or it
    cannot be read; valid otherwise. A PDF without a signature gives an empty list."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        embedded = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
    except Exception as error:  # a PDF pyHanko cannot parse: only a problem if it claims a signature
        if b"/ByteRange" in data:
            return [Verdict("", SignatureStatus.INVALID, detail=f"Không đọc được chữ ký: {error}"[:500])]
        return []
    verdicts = []
    for signature in embedded:
        name = signature.field_name or ""
        try:
            status = validate_pdf_signature(signature, ValidationContext(trust_roots=[], allow_fetching=False))
        except Exception as error:  # a broken signature dictionary or CMS blob: the signature is not valid, not a 500
            verdicts.append(Verdict(name, SignatureStatus.INVALID, detail=f"Không kiểm tra được: {error}"[:500]))
            continue
        cert: asn1_x509.Certificate = status.signing_cert
        signer = cert.subject.native.get("common_name", cert.subject.human_friendly)
        when = status.signer_reported_dt
        fingerprint = hashlib.sha256(cert.dump()).hexdigest()
        validity = cert["tbs_certificate"]["validity"]
        not_before, not_after = validity["not_before"].native, validity["not_after"].native
        if not status.intact or status.modification_level not in (
            ModificationLevel.NONE,
            ModificationLevel.LTA_UPDATES,
            ModificationLevel.FORM_FILLING,
        ):
            verdict, detail = SignatureStatus.TAMPERED, "Nội dung tệp khác với nội dung đã được ký."
        elif not status.valid:
            verdict, detail = SignatureStatus.INVALID, "Chữ ký không khớp với chứng thư."
        elif when is not None and not (not_before <= when <= not_after):
            verdict, detail = SignatureStatus.INVALID, "Chứng thư không còn hiệu lực tại thời điểm ký."
        else:
            verdict, detail = SignatureStatus.VALID, ""
        verdicts.append(Verdict(name, verdict, str(signer)[:500], when, fingerprint, detail))
    return verdicts


def document_signatures_record(*, document: Document, actor: User, data: bytes) -> list[DocumentSignature]:
    """Records the verdict on each signature of a PDF just attached; called inside the attaching service's
    transaction, so the document and its verdicts are written together."""
    made = []
    for verdict in verify_pdf(data):
        organization = (
            SigningCertificate.objects.filter(fingerprint=verdict.fingerprint).values_list("organization", flat=True)
        ).first() if verdict.fingerprint else None  # fmt: skip
        row = DocumentSignature.objects.create(
            document=document, field_name=verdict.field_name[:200], status=verdict.status, signer=verdict.signer,
            signed_at=verdict.signed_at, fingerprint=verdict.fingerprint, organization_id=organization,
            detail=verdict.detail,
        )  # fmt: skip
        after = audit_snapshot(row, ["status", "signer", "fingerprint"])
        audit_entry_write(
            actor=actor, action=AuditAction.CREATE, instance=row, before={}, after=after, note=verdict.detail
        )
        made.append(row)
    return made
