"""Excel on the exchange page: templates, uploads as background jobs with progress, the error copy, who may do what;
and the import permission for exchange documents."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from conftest import client_for, make_user
from khuyencong.accounts.models import Role, User
from khuyencong.accounts.services import system_user
from khuyencong.exchange.importer import exchange_import
from khuyencong.exchange.models import ImportJob, JobStatus, progress_key
from khuyencong.exchange.tests.test_excel import GOOD, facility_row, sheet
from khuyencong.facilities.models import Facility

SCENARIOS = Path(__file__).resolve().parents[4] / "shared" / "spec" / "scenarios"


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def upload(client: Any, data: bytes, kind: str = "facilities") -> Any:
    return client.post(
        reverse("exchange:excel"), {"kind": kind, "upload": SimpleUploadedFile("co-so.xlsx", data)}, follow=True
    )


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["facilities", "projects"])
def test_the_templates_download(laocai_viewer: User, kind: str) -> None:
    response = client_for(laocai_viewer).get(reverse("exchange:template", args=[kind]))

    assert "spreadsheetml" in response["Content-Type"]
    assert load_workbook(io.BytesIO(response.content)).sheetnames[0] in ("Cơ sở", "Đề án")


@pytest.mark.django_db
def test_an_upload_becomes_a_job_that_reports_what_it_imported(
    laocai_officer: User, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    client = client_for(laocai_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, sheet("facilities", GOOD))

    job = ImportJob.objects.get()
    assert job.status == JobStatus.DONE
    assert job.rows_done == 2
    assert Facility.objects.count() == 2
    html = client.get(reverse("exchange:job", args=[job.pk])).content.decode()
    assert "Đã nhập 2 dòng" in html
    assert response.redirect_chain[-1][0] == reverse("exchange:job", args=[job.pk])


@pytest.mark.django_db
def test_a_refused_upload_offers_the_copy_with_errors(
    laocai_officer: User, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    client = client_for(laocai_officer)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, sheet("facilities", [GOOD[0], facility_row("YB-EX-9", "Sai", tax_code="0101245485")]))

    job = ImportJob.objects.get()
    assert job.status == JobStatus.REFUSED
    assert not Facility.objects.exists()
    page = client.get(reverse("exchange:job", args=[job.pk])).content.decode()
    assert "không ghi gì" in page
    assert "Dòng 3, cột «Mã số thuế»" in page
    copy: Any = client.get(reverse("exchange:job_errors", args=[job.pk]))
    rows = list(load_workbook(io.BytesIO(b"".join(copy.streaming_content))).active.iter_rows(values_only=True))
    assert rows[0][-1] == "Lỗi"
    assert "chữ số kiểm tra" in rows[2][-1]


@pytest.mark.django_db
def test_the_job_page_shows_a_rows_cell_error_and_its_place_error_together(
    laocai_officer: User, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    # Given a row with a yes/no cell the sheet cannot read, in a province that does not exist
    client = client_for(laocai_officer)
    row = facility_row("YB-EX-9", "Cờ lạ", women_owned="hơi hơi", province="Atlantis")

    # When it is uploaded
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, sheet("facilities", [GOOD[0], row]))

    # Then the job's page lists both, each at its row and column, and nothing is written
    job = ImportJob.objects.get()
    assert job.status == JobStatus.REFUSED
    page = client.get(reverse("exchange:job", args=[job.pk])).content.decode()
    assert "2 lỗi; không ghi gì" in page
    assert "Dòng 3, cột «Chủ là phụ nữ»" in page
    assert "Dòng 3, cột «Tỉnh/thành phố»" in page
    assert not Facility.objects.exists()


@pytest.mark.django_db
def test_a_job_is_seen_only_by_its_sender(
    laocai_officer: User, thainguyen_officer: User, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        upload(client_for(laocai_officer), sheet("facilities", GOOD))
    job = ImportJob.objects.get()

    assert client_for(thainguyen_officer).get(reverse("exchange:job", args=[job.pk])).status_code == 404


@pytest.mark.django_db
def test_a_viewer_may_not_upload(laocai_viewer: User) -> None:
    response = client_for(laocai_viewer).post(
        reverse("exchange:excel"), {"kind": "facilities", "upload": SimpleUploadedFile("x.xlsx", b"x")}
    )

    assert response.status_code == 403
    assert not ImportJob.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_database_backend_and_its_worker_run_the_job(reference_data: None, tmp_path: Path) -> None:
    officer = make_user("laocai.worker", "SCT-15", Role.OFFICER)
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        upload(client_for(officer), sheet("facilities", GOOD))
        job = ImportJob.objects.get()
        assert job.status == JobStatus.QUEUED
        page = client_for(officer).get(reverse("exchange:job", args=[job.pk])).content.decode()
        assert 'http-equiv="refresh"' in page
        assert "<progress" in page

        call_command("db_worker", "--batch", verbosity=0)

    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert Facility.objects.filter(code__in=["YB-EX-1", "LC-EX-2"]).count() == 2


# --- The import permission for exchange documents ------------------------------------------------------------------


def importer(code: str) -> User:
    user = make_user(f"importer.{code}", code, Role.OFFICER)
    user.user_permissions.add(Permission.objects.get(codename="import_for_named_organizations"))
    return User.objects.get(pk=user.pk)


def post_json(user: User, name: str) -> Any:
    data = (SCENARIOS / name).read_bytes()
    return client_for(user).post(reverse("exchange:import"), {"upload": SimpleUploadedFile(name, data)})


@pytest.mark.django_db
def test_an_officer_without_the_permission_may_not_import_a_document(laocai_officer: User) -> None:
    assert post_json(laocai_officer, "yen-bai-2022-h1.json").status_code == 403


def national_plans(name: str) -> None:
    """What the Cục enters before any province's file refers to it: the national plans."""
    document = json.loads((SCENARIOS / name).read_text(encoding="utf-8"))
    organizations = [o for o in document["organizations"] if "place" not in o]
    plans = [p for p in document["plans"] if p["funding_source"] == "national"]
    report = exchange_import({"format": "khuyencong-exchange", "version": 1, "organizations": organizations,
                              "plans": plans}, actor=system_user())  # fmt: skip
    assert report.ok, [str(e) for e in report.errors]


@pytest.mark.django_db
def test_with_the_permission_a_province_imports_its_own_file(media: None) -> None:
    national_plans("yen-bai-2022-h1.json")
    response = post_json(importer("SCT-15"), "yen-bai-2022-h1.json")

    assert response.status_code == 200, response.content.decode()[:2000]
    assert Facility.objects.filter(code__startswith="YB-").exists()


@pytest.mark.django_db
def test_with_the_permission_a_province_cannot_import_another_provinces_file(media: None) -> None:
    national_plans("bac-kan-2018-h1.json")
    response = post_json(importer("SCT-15"), "bac-kan-2018-h1.json")

    assert response.status_code == 400
    assert "out_of_scope" in response.content.decode()
    assert not Facility.objects.filter(code__startswith="BK-").exists()


def test_scenario_files_are_where_the_tests_expect_them() -> None:
    assert json.loads((SCENARIOS / "yen-bai-2022-h1.json").read_text(encoding="utf-8"))["format"]


@pytest.mark.django_db
def test_the_progress_page_shows_the_workers_count(laocai_officer: User) -> None:
    job = ImportJob.objects.create(
        user=laocai_officer, kind="facilities", filename="lon.xlsx", status=JobStatus.RUNNING, rows_total=100_000
    )
    caches["progress"].set(progress_key(job.pk), 25_000)

    html = client_for(laocai_officer).get(reverse("exchange:job", args=[job.pk])).content.decode()

    assert "Đã đọc 25.000 / 100.000 dòng" in html
    assert 'value="25"' in html
