"""Documents: recognised by content, size-limited, stored under MEDIA_ROOT, never served outside the user's scope."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from conftest import make_user
from khuyencong.accounts.models import Role
from khuyencong.projects.documents import MAX_SIZE, document_attach
from khuyencong.projects.models import Document, Project

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def project(bac_kan: None) -> Project:
    return Project.objects.get(code="BK-KCQG18-1")


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def test_a_contract_pdf_is_attached_and_downloaded_within_scope(project: Project, media: Path) -> None:
    centre = make_user("ttkc-bk", "TTKC-BK", Role.OFFICER)
    document = document_attach(
        project=project,
        actor=centre,
        upload=SimpleUploadedFile("Hợp đồng.PDF", PDF),
        title="Hợp đồng số 12/HĐ-KC",
        kind="contract",
    )
    assert document.content_type == "application/pdf"
    stored = Path(document.file.path)
    assert stored.is_relative_to(media)
    assert "Hợp đồng" not in stored.name
    client = Client()
    client.force_login(make_user("sct19", "SCT-19", Role.VIEWER))
    response = client.get(reverse("projects:document", args=[project.pk, document.pk]))
    assert response.status_code == 200
    assert response.getvalue() == PDF
    outsider = Client()
    outsider.force_login(make_user("sct15", "SCT-15", Role.VIEWER))
    assert outsider.get(reverse("projects:document", args=[project.pk, document.pk])).status_code == 404


def test_office_files_are_recognised_by_content(project: Project) -> None:
    centre = make_user("ttkc-bk", "TTKC-BK", Role.OFFICER)
    document = document_attach(
        project=project, actor=centre, upload=SimpleUploadedFile("bien-ban.docx", docx()), title="", kind="acceptance"
    )
    assert document.title == "bien-ban.docx"
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    assert (
        document_attach(
            project=project, actor=centre, upload=SimpleUploadedFile("cu.xls", ole), title="Bảng cũ", kind="report"
        ).content_type
        == "application/vnd.ms-excel"
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ\x90\x00" + b"\x00" * 100, "chỉ nhận PDF"),
        ("gia-mao.pdf", b"MZ\x90\x00" + b"\x00" * 100, "không đúng định dạng .pdf"),
        ("anh.png", PDF, "không đúng định dạng .png"),
        ("rong.pdf", b"", "rỗng"),
        ("trang.html", b"<script>alert(1)</script>", "chỉ nhận PDF"),
    ],
)
def test_other_files_are_refused_and_nothing_is_stored(project: Project, media: Path, name, content, message) -> None:
    centre = make_user("ttkc-bk", "TTKC-BK", Role.OFFICER)
    with pytest.raises(ValidationError, match=message):
        document_attach(
            project=project, actor=centre, upload=SimpleUploadedFile(name, content), title="x", kind="other"
        )
    assert not Document.objects.exists()
    assert not any(media.rglob("*.*"))


def test_files_over_the_limit_are_refused(project: Project) -> None:
    centre = make_user("ttkc-bk", "TTKC-BK", Role.OFFICER)
    big = SimpleUploadedFile("lon.pdf", PDF + b"0" * MAX_SIZE)
    with pytest.raises(ValidationError, match="lớn hơn 20 MB"):
        document_attach(project=project, actor=centre, upload=big, title="x", kind="other")


def test_viewers_and_outsiders_cannot_attach(project: Project) -> None:
    for user in (make_user("xem", "SCT-19", Role.VIEWER), make_user("ngoai", "TTKC-15", Role.OFFICER)):
        with pytest.raises(PermissionDenied):
            document_attach(
                project=project, actor=user, upload=SimpleUploadedFile("a.pdf", PDF), title="x", kind="other"
            )


def test_the_upload_form_reports_a_wrong_file(project: Project) -> None:
    client = Client()
    client.force_login(make_user("ttkc-bk", "TTKC-BK", Role.OFFICER))
    response = client.post(
        reverse("projects:attach", args=[project.pk]),
        {
            "document-kind": "contract",
            "document-title": "HĐ",
            "document-upload": SimpleUploadedFile("x.pdf", b"not a pdf"),
        },
    )
    assert response.status_code == 400
    assert "không đúng định dạng .pdf" in response.content.decode()
    ok = client.post(
        reverse("projects:attach", args=[project.pk]),
        {"document-kind": "contract", "document-title": "HĐ", "document-upload": SimpleUploadedFile("x.pdf", PDF)},
    )
    assert ok.status_code == 302
