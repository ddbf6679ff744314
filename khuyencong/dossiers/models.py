"""An organisation's signing certificate (PKCS#12), the forms signed with it, and the signatures found in a PDF
attached to a đề án — verified when it is uploaded (Decree 23/2025 on digital signatures; Decree 30/2020 Phụ lục I)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from khuyencong.organizations.models import Organization
from khuyencong.projects.models import Document, Project


class SigningCertificate(models.Model):
    """One PKCS#12 file of an organisation. A new upload supersedes the one in force (kept, with who and when), never
    overwrites it: a form signed last year must still name the certificate that signed it.

    The password is never stored. It is asked at each signing and forgotten after it, rather than kept encrypted with a
    key from the settings: a signature is the organisation's own act (Decree 23/2025), and a password the server can
    decrypt lets whoever holds the server — or any account that may download a form — sign in the organisation's name.
    The key is kept as a PKCS#12 re-encrypted under that password with AES-256 (PBES2), whatever the weaker legacy
    cipher (RC2, 3DES) of the file uploaded."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("tổ chức"), on_delete=models.PROTECT, related_name="signing_certificates"
    )
    pkcs12 = models.BinaryField(_("tệp PKCS#12 (mã hoá bằng mật khẩu)"))
    subject = models.CharField(_("chủ thể"), max_length=500)
    issuer = models.CharField(_("tổ chức cấp"), max_length=500)
    serial = models.CharField(_("số hiệu"), max_length=100)
    fingerprint = models.CharField(_("dấu vân tay SHA-256"), max_length=64, db_index=True)
    valid_from = models.DateTimeField(_("hiệu lực từ"))
    valid_until = models.DateTimeField(_("hiệu lực đến"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người tải lên"),
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)
    superseded_at = models.DateTimeField(_("thay thế lúc"), null=True, blank=True)
    superseded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("thay bằng"),
    )

    class Meta:
        verbose_name = _("chứng thư số của tổ chức")
        verbose_name_plural = _("chứng thư số của tổ chức")
        constraints = [
            models.UniqueConstraint(
                fields=["organization"],
                condition=models.Q(superseded_at__isnull=True),
                name="one_signing_certificate_in_force",
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.serial})"


class SignedForm(models.Model):
    """A generated form signed with an organisation's certificate: who had it signed, when, and the SHA-256 of the
    signed file, so that a copy shown later can be matched."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="signed_forms", verbose_name=_("đề án"))
    form = models.CharField(_("biểu mẫu"), max_length=20)
    certificate = models.ForeignKey(
        SigningCertificate, on_delete=models.PROTECT, related_name="signed_forms", verbose_name=_("chứng thư số")
    )
    signed_at = models.DateTimeField(_("ký lúc"))
    sha256 = models.CharField(_("SHA-256 của tệp đã ký"), max_length=64)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người thực hiện"),
    )

    class Meta:
        verbose_name = _("biểu mẫu đã ký số")
        verbose_name_plural = _("biểu mẫu đã ký số")

    def __str__(self) -> str:
        return f"{self.form} ({self.signed_at:%d/%m/%Y})"


class SignatureStatus(models.TextChoices):
    VALID = "valid", _("Hợp lệ")
    INVALID = "invalid", _("Không hợp lệ")
    TAMPERED = "tampered", _("Tài liệu đã bị sửa sau khi ký")


class DocumentSignature(models.Model):
    """One signature found in a PDF attached to a đề án, as verified on upload."""

    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="signatures", verbose_name=_("tài liệu")
    )
    field_name = models.CharField(_("trường chữ ký"), max_length=200)
    status = models.CharField(_("kết quả kiểm tra"), max_length=10, choices=SignatureStatus.choices)
    signer = models.CharField(_("người ký"), max_length=500, blank=True)
    signed_at = models.DateTimeField(_("thời gian ký"), null=True, blank=True)
    fingerprint = models.CharField(_("dấu vân tay chứng thư"), max_length=64, blank=True)
    # The organisation whose certificate, registered here, made the signature; None for a certificate unknown here.
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("tổ chức")
    )
    detail = models.CharField(_("chi tiết"), max_length=500, blank=True)
    checked_at = models.DateTimeField(_("kiểm tra lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("chữ ký số trong tài liệu")
        verbose_name_plural = _("chữ ký số trong tài liệu")
        ordering = ["document", "pk"]

    def __str__(self) -> str:
        return f"{self.signer} — {self.get_status_display()}"
