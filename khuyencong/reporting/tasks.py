"""Background work of the reporting regime: the PDF of a report as sent, laid out after the sending commits (WeasyPrint
takes seconds; the sending itself should not)."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.utils import translation
from django_tasks import task

from khuyencong.reports.provincial import provincial_sections
from khuyencong.reports.render import render

from .models import Submission, SubmissionAction
from .rules import SubmissionState


@task()
def store_submission_pdf(submission_pk: int, sending_pk: int) -> bool:
    """The PDF of the report as it was sent by the event `sending_pk`, from its frozen figures and its text (which
    cannot change while it is sent or accepted). A report sent again meanwhile has its own task: this one does
    nothing."""
    # Imported here: the services enqueue this task, so they cannot be imported when this module is.
    from .selectors import submission_document
    from .services import submission_sections

    submission = Submission.objects.select_related("duty", "organization").filter(pk=submission_pk).first()
    if submission is None or submission.figures is None or submission.submitted_at is None:
        return False
    latest = submission.events.filter(action=SubmissionAction.SUBMITTED).order_by("-pk").values_list("pk", flat=True)
    if latest.first() != sending_pk or submission.state not in (
        SubmissionState.SUBMITTED,
        SubmissionState.ACCEPTED,
    ):
        return False
    # The report sent is an administrative document (Decree 30/2020/NĐ-CP Art. 8): Vietnamese, even when the task
    # runs in the thread of a request read in English (the immediate backend).
    with translation.override("vi"):
        sections = submission_sections(submission, provincial_sections(submission.figures))
        pdf = render("pdf", submission.figures, sections, submission_document(submission))
    submission.pdf.save(f"bao-cao-{submission.pk}-lan-{submission.version}.pdf", ContentFile(pdf), save=False)
    Submission.objects.filter(pk=submission.pk).update(pdf=submission.pdf.name)
    return True
