"""Background work: large uploads are read by `manage.py db_worker` (started by `make run`), not in the request."""

from __future__ import annotations

import io

from django.core.cache import caches
from django.core.files.base import ContentFile
from django.db import OperationalError, transaction
from django.utils import timezone, translation
from django_tasks import task

from khuyencong.core import conflicts

from .excel import THE_FILE, error_copy, excel_import, row_estimate
from .importer import Issue, Message
from .models import ImportJob, JobStatus, progress_key


@task()
def run_import_job(job_id: int) -> str:
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    if job.status not in (JobStatus.QUEUED, JobStatus.RUNNING):
        return str(job.status)
    data = job.file.read()
    job.status, job.rows_total = JobStatus.RUNNING, row_estimate(data)
    job.save(update_fields=["status", "rows_total"])

    def progress(rows: int) -> None:
        caches["progress"].set(progress_key(job_id), rows)

    # The job's messages and its error copy (a Vietnamese file, like the template) are written in Vietnamese, whoever
    # uploads and whatever language is active where the task runs; each message also keeps its text and values, which
    # the job page translates for its reader (`importer.Message`).
    try:
        with translation.override("vi"):
            result = excel_import(io.BytesIO(data), kind=job.kind, actor=job.user, progress=progress)
    except OperationalError as conflict:
        if not conflicts.is_conflict(conflict):
            ImportJob.objects.filter(pk=job_id).update(status=JobStatus.FAILED, finished_at=timezone.now())
            raise
        # Rolled back whole by the database: a refusal with its code, and the same file may be uploaded again.
        with translation.override("vi"):
            code, _message = conflicts.refused(conflict, f"import job {job_id}", reading=False)
            refused = Issue(Message(THE_FILE), code, Message(conflicts.TEXTS[code]))
        job.report = {"errors": [refused.stored()], "warnings": [], "created": {}, "updated": {}, "unchanged": {}}
        job.status, job.finished_at = JobStatus.REFUSED, timezone.now()
        job.save(update_fields=["report", "status", "finished_at"])
        return str(job.status)
    except Exception:
        ImportJob.objects.filter(pk=job_id).update(status=JobStatus.FAILED, finished_at=timezone.now())
        raise
    report = result.report
    job.refresh_from_db()
    job.rows_done = result.rows
    job.report = {
        "errors": [issue.stored() for issue in report.errors],
        "warnings": [issue.stored() for issue in report.warnings],
        "created": dict(report.created),
        "updated": dict(report.updated),
        "unchanged": dict(report.unchanged),
    }
    job.status = JobStatus.DONE if report.ok else JobStatus.REFUSED
    if result.row_errors:
        with transaction.atomic(), translation.override("vi"):
            job.error_copy.save(f"loi-{job.filename}", ContentFile(error_copy(data, result)), save=False)
    job.finished_at = timezone.now()
    job.save()
    return str(job.status)
