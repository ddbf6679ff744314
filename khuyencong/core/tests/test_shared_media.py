"""Uploaded files go through the configured storage only, never a local path, so that a worker or a web server on
another machine reads them (a shared mount or an S3-compatible bucket). The storage here has no local path at all."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.storage import InMemoryStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from conftest import client_for, make_user
from khuyencong.accounts.models import Role, User
from khuyencong.exchange.models import ImportJob, JobStatus
from khuyencong.exchange.tests.test_excel import GOOD, facility_row, sheet
from khuyencong.projects.documents import document_attach
from khuyencong.projects.models import Project

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_local_path(settings: Any) -> None:
    """Media in a storage without files on this machine, as a bucket is."""
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}


def test_an_excel_upload_is_read_by_the_worker_and_its_error_copy_served_from_the_storage(
    laocai_officer: User, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    # given an officer uploading a sheet with one wrong row, media in a storage with no local path
    client = client_for(laocai_officer)
    data = sheet("facilities", [GOOD[0], facility_row("YB-EX-9", "Sai", tax_code="0101245485")])

    # when the page stores the upload and the worker reads it back
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("exchange:excel"), {"kind": "facilities", "upload": SimpleUploadedFile("a.xlsx", data)})

    # then the job ran from the stored file, and the error copy it wrote is served from the same storage
    job = ImportJob.objects.get()
    assert job.status == JobStatus.REFUSED
    assert isinstance(job.file.storage, InMemoryStorage)
    assert job.file.name
    assert job.file.storage.exists(job.file.name)
    copy: Any = client.get(reverse("exchange:job_errors", args=[job.pk]))
    rows = list(load_workbook(io.BytesIO(b"".join(copy.streaming_content))).active.iter_rows(values_only=True))
    assert rows[0][-1] == "Lỗi"


def test_a_document_is_stored_and_downloaded_through_the_storage(bac_kan: None) -> None:
    # given a đề án and its centre
    project = Project.objects.get(code="BK-KCQG18-1")
    centre = make_user("ttkc-bk", "TTKC-BK", Role.OFFICER)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

    # when a contract is attached
    document = document_attach(
        project=project, actor=centre, upload=SimpleUploadedFile("hop-dong.pdf", pdf), title="HĐ", kind="contract"
    )

    # then it lives in the storage and is downloaded from there
    assert isinstance(document.file.storage, InMemoryStorage)
    response = client_for(make_user("sct19", "SCT-19", Role.VIEWER)).get(
        reverse("projects:document", args=[project.pk, document.pk])
    )
    assert response.status_code == 200
    assert response.getvalue() == pdf
