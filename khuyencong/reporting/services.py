"""Every write to the reporting regime: opening a report, writing it, attaching, sending, returning, accepting, a new
version of an accepted one, a province's own duty — each atomic, checked, audited and written as an event row;
notifications and e-mail leave after the transaction commits."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from khuyencong.accounts.models import User
from khuyencong.audit.models import AuditAction
from khuyencong.audit.services import audit_entry_write, audit_snapshot
from khuyencong.core.refusals import Refused, not_future, refuse
from khuyencong.core.text import visible
from khuyencong.geography.models import AdminUnit
from khuyencong.organizations.models import Organization
from khuyencong.projects.documents import checked_upload
from khuyencong.reports.layout import Section
from khuyencong.reports.periods import Period
from khuyencong.reports.provincial import ROMAN, provincial_sections
from khuyencong.reports.render import render

from . import authority
from .models import (
    Notification,
    ReportingDuty,
    Submission,
    SubmissionAction,
    SubmissionAttachment,
    SubmissionEvent,
)
from .notify import notify_body, notify_reviewers
from .rules import EDITABLE, SECTIONS, TRANSITIONS, Frequency, Move, Side, SubmissionState, period_label, period_of
from .selectors import owes, province_of_body, report_figures, submission_document
from .tasks import store_submission_pdf

DUTY_FIELDS = {"code", "name", "name_en", "body_kind", "reviewer_kind", "recipients", "recipients_en", "frequency",
               "report_kind", "due_day", "due_months_after", "due_days_after", "legal_basis", "legal_basis_en",
               "valid_from", "valid_until"}  # fmt: skip
TEXT_FIELDS = ["number", "place", "signer", "signer_title", *(name for name, _ in SECTIONS)]
# What was edited, as the report's history records it on the event row: a record, the same for every reader.
FIELD_LABELS = {  # vi-only: written on the event row, a record
    "number": "số, ký hiệu",
    "place": "địa danh",
    "signer": "người ký",
    "signer_title": "chức vụ người ký",
    **{name.lower(): label.lower() for name, label in SECTIONS},
}
ATTACHMENT_TYPES = {".pdf", ".docx", ".doc", ".xlsx", ".xls", ".jpg", ".jpeg", ".png"}
# The rows of a report's history that are moves between states, as against the rows of its drafting.
MOVE_ACTIONS = (SubmissionAction.SUBMITTED, SubmissionAction.RETURNED, SubmissionAction.ACCEPTED)
# What laying out figures that did not come from this system can raise: a key missing, a value of the wrong type.
LAYOUT_ERRORS = (KeyError, IndexError, TypeError, ValueError, AttributeError, ArithmeticError)


@dataclass(frozen=True)
class ReceivedFigures:
    """A report's figures as its body froze them when it sent it, received in an exchange file from the body's own
    instance: kept as sent, never recomputed here, since the level above must see what the body sent."""

    figures: dict[str, Any]
    as_of: datetime.date


def _event(
    submission: Submission, action: SubmissionAction, actor: User, comment: str = "", *,
    on: datetime.date | None = None, by: Organization | None = None, edited: list[str] | None = None,
) -> SubmissionEvent:  # fmt: skip
    """The event row; `by` is the body in whose name an act done on paper was entered, else the actor's own."""
    return SubmissionEvent.objects.create(
        submission=submission, action=action, actor=actor, organization=by or actor.organization, comment=comment,
        on=on or timezone.localdate(), edited=edited or [],
    )  # fmt: skip


def _on_behalf(by: Organization | None, day: datetime.date) -> str:  # vi-only: an audit record
    """The audit note of an act done on paper and entered later: whose act it was and when — also when the body
    enters its own, so that a sending dated before the day it was recorded is never mistaken for a live one."""
    if by is not None:
        return f"Thay mặt {by.name}, việc ngày {day:%d/%m/%Y}."
    if day != timezone.localdate():
        return f"Việc ngày {day:%d/%m/%Y}, ghi vào hệ thống ngày {timezone.localdate():%d/%m/%Y}."
    return ""


def _state(state: SubmissionState) -> str:
    """A state's label as the audit log stores it: Vietnamese whoever makes the change."""
    with translation.override("vi"):
        return str(state.label)


def _day(on: datetime.date | None, submission: Submission, move: Move) -> datetime.date:
    """The day of a move: today, or — for a report sent on paper and entered after the fact — the day it happened,
    which cannot be in the future, before the period began, or before the report's previous move."""
    today = timezone.localdate()
    if on is None:
        return today
    not_future(on, str(MOVE_NAMES[move]))
    if on < submission.period_start:
        start = f"{submission.period_start:%d/%m/%Y}"
        raise refuse("on", BEFORE_PERIOD[move] % {"day": f"{on:%d/%m/%Y}", "start": start}, "before_period")
    # The previous move of this report or of the version it replaces, not the rows of its drafting: a report sent on
    # paper is opened and written in the system after the day it was sent.
    reports = [pk for pk in (submission.pk, submission.supersedes_id) if pk is not None]
    last = (
        SubmissionEvent.objects.filter(submission__in=reports, action__in=MOVE_ACTIONS)
        .order_by("-on")
        .values_list("on", flat=True)
        .first()
    )
    if last is not None and on < last:
        raise refuse("on", OUT_OF_ORDER[move] % {"day": f"{on:%d/%m/%Y}", "last": f"{last:%d/%m/%Y}"}, "out_of_order")
    return on


def _lock(submission: Submission) -> Submission:
    # Two reviewers acting at once, or a sender and a reviewer: the second waits and sees the first's result.
    return (
        Submission.objects.select_for_update(of=("self",)).select_related("duty", "organization").get(pk=submission.pk)
    )


@transaction.atomic
def submission_open(
    *, actor: User, duty: ReportingDuty, organization: Organization, year: int, period_key: str
) -> Submission:
    """The body's report for a period, opened as a draft (the one in force if it exists already)."""
    if not authority.can_prepare(actor, organization):
        raise Refused(
            "out_of_scope",
            _("Bạn không có quyền lập báo cáo của %(organization)s.") % {"organization": organization.name},
        )
    if not 2000 <= year <= 2100:
        # Else the calendar's own error ("year 99999 is out of range") would reach the user in English.
        raise refuse(
            "year", _("Năm %(year)s không hợp lệ; chọn năm từ 2000 đến 2100.") % {"year": year}, "invalid_year"
        )
    try:
        period = period_of(Frequency(duty.frequency), year, period_key)
    except ValueError as error:
        raise refuse("period", str(error), "unknown_period") from error
    # The period as the calendar names it, in the page's language.
    label = period_label(Frequency(duty.frequency), period_key, year)
    if not owes(duty, organization, period):
        message = _("%(organization)s không có nghĩa vụ «%(duty)s» cho %(period)s.")
        raise refuse("duty", message % {"organization": organization.name, "duty": duty.label, "period": label},
                     "not_owed")  # fmt: skip
    if period.start > timezone.localdate():
        raise refuse("period", _("Kỳ %(period)s chưa bắt đầu; chưa lập được báo cáo.") % {"period": label},
                     "future_period")  # fmt: skip
    existing = Submission.objects.filter(
        duty=duty, organization=organization, year=year, period_key=period_key, current=True
    ).first()
    if existing is not None:
        return existing
    submission = Submission(
        duty=duty, organization=organization, year=year, period_key=period_key, period_start=period.start,
        period_end=period.end, due_on=duty.due_rule.due(period.end), created_by=actor,
        place=_place_of(organization, period.end),
    )  # fmt: skip
    try:
        with transaction.atomic():
            submission.save()
    except IntegrityError:
        # Opened by someone else a moment ago (one version in force per period): theirs is the one.
        return Submission.objects.get(duty=duty, organization=organization, year=year, period_key=period_key,
                                      current=True)  # fmt: skip
    _event(submission, SubmissionAction.CREATED, actor)
    audit_entry_write(actor=actor, action=AuditAction.CREATE, instance=submission, before={},
                      after=audit_snapshot(submission, ["duty", "organization", "year", "period_key"]))  # fmt: skip
    return submission


def _place_of(organization: Organization, day: datetime.date) -> str:
    """The place a report is dated at: its body's province (a national body's reports are dated in Hà Nội)."""
    province = province_of_body(organization, day)
    return province.name if province is not None else "Hà Nội"  # vi-only: a proper name, written in the document


@transaction.atomic
def submission_edit(*, actor: User, submission: Submission, **fields: str) -> Submission:
    """The officials' own text and the signature block, while the report is a draft or has been sent back."""
    submission = _lock(submission)
    if not authority.can_prepare(actor, submission.organization):
        raise Refused("out_of_scope", _("Bạn không có quyền sửa báo cáo của %(organization)s.")
                      % {"organization": submission.organization.name})  # fmt: skip
    _editable(submission)
    unknown = set(fields) - set(TEXT_FIELDS)
    if unknown:
        raise refuse("__all__", _("Không có mục %(fields)s trong báo cáo.") % {"fields": ", ".join(sorted(unknown))},
                     "unknown_field")  # fmt: skip
    before = audit_snapshot(submission, TEXT_FIELDS)
    for name, value in fields.items():
        setattr(submission, name, (value or "").strip())
    submission.full_clean(exclude=["duty", "organization", "supersedes", "created_by"])
    submission.save()
    after = audit_snapshot(submission, TEXT_FIELDS)
    changed = [name for name in TEXT_FIELDS if before.get(name) != after.get(name)]
    if changed:
        labels = ", ".join(FIELD_LABELS[name] for name in changed)
        _event(submission, SubmissionAction.EDITED, actor, labels, edited=changed)
        audit_entry_write(actor=actor, action=AuditAction.UPDATE, instance=submission, before=before, after=after)
    return submission


def _editable(submission: Submission) -> None:
    if submission.state not in EDITABLE:
        message = _("Báo cáo đang ở trạng thái «%(state)s»: không sửa được. Báo cáo đã tiếp nhận chỉ được thay bằng "
                    "một lần lập mới có lý do.")  # fmt: skip
        raise refuse("state", message % {"state": SubmissionState(submission.state).label}, "not_editable")


@transaction.atomic
def submission_attach(*, actor: User, submission: Submission, title: str, upload: UploadedFile) -> SubmissionAttachment:
    submission = _lock(submission)
    if not authority.can_prepare(actor, submission.organization):
        raise Refused("out_of_scope", _("Bạn không có quyền sửa báo cáo của %(organization)s.")
                      % {"organization": submission.organization.name})  # fmt: skip
    _editable(submission)
    # Checked by its bytes, as every document the system keeps (a renamed executable is not a PDF).
    checked_upload(upload, ATTACHMENT_TYPES, "file")
    if not title.strip():
        raise refuse("title", _("Ghi tên tài liệu đính kèm."), "required")
    attachment = SubmissionAttachment.objects.create(
        submission=submission, title=title.strip()[:255], file=upload, size=upload.size or 0, uploaded_by=actor
    )
    _event(submission, SubmissionAction.ATTACHED, actor, attachment.title)
    audit_entry_write(actor=actor, action=AuditAction.CREATE, instance=attachment, before={},
                      after={"submission": str(submission), "title": attachment.title})  # fmt: skip
    return attachment


@transaction.atomic
def submission_detach(*, actor: User, attachment: SubmissionAttachment) -> None:
    submission = _lock(attachment.submission)
    if not authority.can_prepare(actor, submission.organization):
        raise Refused("out_of_scope", _("Bạn không có quyền sửa báo cáo của %(organization)s.")
                      % {"organization": submission.organization.name})  # fmt: skip
    _editable(submission)
    # Only a draft's attachment goes: what was sent with a report stays with the version that was sent.
    if SubmissionEvent.objects.filter(submission=submission, action=SubmissionAction.SUBMITTED,
                                      at__gt=attachment.uploaded_at).exists():  # fmt: skip
        raise refuse("file", _("«%(title)s» đã gửi kèm báo cáo; không bỏ được.") % {"title": attachment.title},
                     "already_sent")  # fmt: skip
    title = attachment.title
    # A draft's attachment, never sent: removed, with who and when in the report's history and the audit log.
    audit_entry_write(actor=actor, action=AuditAction.DELETE, instance=attachment,
                      before={"submission": str(submission), "title": title}, after={})  # fmt: skip
    attachment.delete()
    _event(submission, SubmissionAction.DETACHED, actor, title)


def _move(
    submission: Submission, move: Move, actor: User, *, by: Organization | None = None, on: datetime.date | None = None
) -> Organization | None:
    """The capability first (who may not act learns nothing of the report's state), then the workflow. With `by`, the
    act was done by that body and is entered in its name (on paper, or received in another instance's exchange file):
    the person entering it must be allowed to write in others' names, unless it is their own body, and the body named
    must hold the authority for it. Returns the body the move is recorded in the name of."""
    transition = TRANSITIONS[move]
    if by is not None and by.pk != actor.organization_id:
        _transcribed(submission, move, actor, by, on)
    elif transition.side == Side.BODY and not authority.can_submit(actor, submission.organization):
        raise Refused("out_of_scope", _("Chỉ %(organization)s gửi được báo cáo này.")
                      % {"organization": submission.organization.name})  # fmt: skip
    elif transition.side == Side.REVIEWER and not authority.can_review(actor, submission.duty, submission.organization):
        raise Refused("out_of_scope", _("Bạn không phải cơ quan tiếp nhận báo cáo này."))
    if by is not None and not authority.body_may_move(move, submission.duty, submission.organization, by):
        raise refuse("by", NO_AUTHORITY[move] % {"body": by.name, "organization": submission.organization.name},
                     "authority_denied")  # fmt: skip
    if submission.state not in transition.source:
        raise refuse("state", WRONG_STATE[move] % {"state": SubmissionState(submission.state).label}, "wrong_state")
    return by or actor.organization


def _transcribed(submission: Submission, move: Move, actor: User, by: Organization, on: datetime.date | None) -> None:
    if not authority.can_transcribe(actor, submission.organization):
        raise Refused("out_of_scope", _("Bạn không được ghi việc thay mặt %(body)s.") % {"body": by.name})
    if on is None:
        raise refuse("on", DATE_REQUIRED[move] % {"body": by.name}, "date_required")
    if by.valid_until is not None and on > by.valid_until:
        dissolved = {"body": by.name, "until": f"{by.valid_until:%d/%m/%Y}", "day": f"{on:%d/%m/%Y}"}
        raise refuse("by", DISSOLVED[move] % dissolved, "organization_dissolved")
    if TRANSITIONS[move].side == Side.BODY:
        allowed = by.pk == submission.organization_id
    else:
        allowed = authority.organization_may_review(by, submission.duty, submission.organization)
    if not allowed:
        raise refuse("by", NOT_THE_BODY[move] % {"body": by.name}, "authority_denied")


# The act, as core.refusals.not_future names what would be in the future.
MOVE_NAMES = {
    Move.SUBMIT: pgettext_lazy("a dated act", "Gửi báo cáo"),
    Move.RETURN: pgettext_lazy("a dated act", "Trả lại báo cáo"),
    Move.ACCEPT: pgettext_lazy("a dated act", "Tiếp nhận báo cáo"),
}
BEFORE_PERIOD = {
    Move.SUBMIT: gettext_lazy("Gửi báo cáo ngày %(day)s trước khi kỳ báo cáo bắt đầu (%(start)s)."),
    Move.RETURN: gettext_lazy("Trả lại báo cáo ngày %(day)s trước khi kỳ báo cáo bắt đầu (%(start)s)."),
    Move.ACCEPT: gettext_lazy("Tiếp nhận báo cáo ngày %(day)s trước khi kỳ báo cáo bắt đầu (%(start)s)."),
}
OUT_OF_ORDER = {
    Move.SUBMIT: gettext_lazy("Gửi báo cáo ngày %(day)s trước việc đã ghi ngày %(last)s của báo cáo này."),
    Move.RETURN: gettext_lazy("Trả lại báo cáo ngày %(day)s trước việc đã ghi ngày %(last)s của báo cáo này."),
    Move.ACCEPT: gettext_lazy("Tiếp nhận báo cáo ngày %(day)s trước việc đã ghi ngày %(last)s của báo cáo này."),
}
NO_AUTHORITY = {
    Move.SUBMIT: gettext_lazy("%(body)s không có thẩm quyền gửi báo cáo của %(organization)s."),
    Move.RETURN: gettext_lazy("%(body)s không có thẩm quyền trả lại báo cáo của %(organization)s."),
    Move.ACCEPT: gettext_lazy("%(body)s không có thẩm quyền tiếp nhận báo cáo của %(organization)s."),
}
WRONG_STATE = {
    Move.SUBMIT: gettext_lazy("Báo cáo đang ở trạng thái «%(state)s»: không thể gửi."),
    Move.RETURN: gettext_lazy("Báo cáo đang ở trạng thái «%(state)s»: không thể trả lại."),
    Move.ACCEPT: gettext_lazy("Báo cáo đang ở trạng thái «%(state)s»: không thể tiếp nhận."),
}
DATE_REQUIRED = {
    Move.SUBMIT: gettext_lazy("Ghi việc gửi báo cáo thay mặt %(body)s phải có ngày thực hiện."),
    Move.RETURN: gettext_lazy("Ghi việc trả lại báo cáo thay mặt %(body)s phải có ngày thực hiện."),
    Move.ACCEPT: gettext_lazy("Ghi việc tiếp nhận báo cáo thay mặt %(body)s phải có ngày thực hiện."),
}
DISSOLVED = {
    Move.SUBMIT: gettext_lazy("%(body)s đã ngừng hoạt động từ sau ngày %(until)s; không thể gửi báo cáo ngày %(day)s."),
    Move.RETURN: gettext_lazy(
        "%(body)s đã ngừng hoạt động từ sau ngày %(until)s; không thể trả lại báo cáo ngày %(day)s."
    ),
    Move.ACCEPT: gettext_lazy(
        "%(body)s đã ngừng hoạt động từ sau ngày %(until)s; không thể tiếp nhận báo cáo ngày %(day)s."
    ),
}
NOT_THE_BODY = {
    Move.SUBMIT: gettext_lazy("%(body)s không phải cơ quan gửi báo cáo này."),
    Move.RETURN: gettext_lazy("%(body)s không phải cơ quan trả lại báo cáo này."),
    Move.ACCEPT: gettext_lazy("%(body)s không phải cơ quan tiếp nhận báo cáo này."),
}


def lacking_before_sending(submission: Submission) -> str | None:
    """What the report still lacks before it may be sent, in words (the signature block of an administrative document,
    Decree 30/2020/NĐ-CP Art. 8 and Annex I); None when nothing. The page says it beside «Gửi báo cáo» rather than
    offering a button that can only be refused."""
    signer, title = visible(submission.signer), visible(submission.signer_title)
    if not signer and not title:
        return _("Ghi người ký và chức vụ người ký trước khi gửi báo cáo.")
    if not signer:
        return _("Ghi người ký trước khi gửi báo cáo.")
    if not title:
        return _("Ghi chức vụ người ký trước khi gửi báo cáo.")
    return None


@transaction.atomic
def submission_submit(
    *, actor: User, submission: Submission, on: datetime.date | None = None, by: Organization | None = None,
    received: ReceivedFigures | None = None,
) -> Submission:  # fmt: skip
    """Sends the report: its figures are computed from the records as they stand now for the period (as of its end,
    or the day it is sent if earlier) and frozen with the document, which is kept as sent. `on` and `by`: a report
    sent on paper, entered after the fact. A report received from the body's own instance (`received`, an exchange
    import) keeps the figures it was sent with."""
    submission = _lock(submission)
    body = _move(submission, Move.SUBMIT, actor, by=by, on=on)
    day = _day(on, submission, Move.SUBMIT)
    lacking = lacking_before_sending(submission)
    if lacking is not None:
        raise refuse("signer", lacking, "required")
    figures: list[Section] | None = None
    if received is None:
        period = Period.of(submission.period_start, submission.period_end, as_of=min(submission.period_end, day))
        # The figures sent are part of the report, an administrative document: Vietnamese whoever sends it.
        with translation.override("vi"):
            (data, figures), as_of = report_figures(submission.duty, submission.organization, period), period.as_of
    else:
        data, as_of = received.figures, _received_as_of(submission, received)
    submission.figures, submission.figures_as_of = data, as_of
    submission.state = SubmissionState.SUBMITTED
    submission.first_submitted_on = submission.first_submitted_on or day
    submission.submitted_at = timezone.now()
    try:
        # Laid out from the frozen figures, as every page and document of the report is from then on: the HTML proves
        # they lay out (received figures may not); the PDF of that layout is made by the worker after commit.
        with translation.override("vi"):
            sections = submission_sections(submission, provincial_sections(data) if figures is None else figures)
            render("html", data, sections, submission_document(submission))
    except LAYOUT_ERRORS as error:
        if received is None:
            raise
        problem = f"{type(error).__name__}: {error}"
        message = _(
            "Số liệu trong tệp không theo cấu trúc số liệu báo cáo nên không lập được văn bản (%(problem)s)."
        ) % {"problem": problem}
        raise refuse("figures", message, "figures_invalid") from error
    # The PDF of an earlier sending (before a return) is not this one's: until the worker stores the new one, a
    # download lays it out from the frozen figures.
    submission.pdf = ""
    submission.save()
    sending = _event(submission, SubmissionAction.SUBMITTED, actor, on=day, by=body)
    sending.figures, sending.figures_as_of = data, as_of
    sending.text = {name: getattr(submission, name) for name in TEXT_FIELDS}
    sending.save(update_fields=["figures", "figures_as_of", "text"])
    transaction.on_commit(lambda: store_submission_pdf.enqueue(submission.pk, sending.pk))
    audit_entry_write(actor=actor, action=AuditAction.UPDATE, instance=submission, before={"state": "draft"},
                      after={"state": _state(SubmissionState.SUBMITTED)}, note=_on_behalf(by, day))  # fmt: skip
    if by is None:
        # An act done on paper and entered in the body's name is no news to anyone: the paper reached them then.
        transaction.on_commit(lambda: notify_reviewers(submission.pk))
    return submission


def _received_as_of(submission: Submission, received: ReceivedFigures) -> datetime.date:
    """The day received figures stand as of: within the period, not in the future, and the day the figures name."""
    as_of = received.as_of
    if not submission.period_start <= as_of <= min(submission.period_end, timezone.localdate()):
        message = _("Số liệu tính đến ngày %(day)s, ngoài kỳ báo cáo (%(start)s–%(end)s).") % {
            "day": f"{as_of:%d/%m/%Y}",
            "start": f"{submission.period_start:%d/%m/%Y}",
            "end": f"{submission.period_end:%d/%m/%Y}",
        }
        raise refuse("figures_as_of", message, "as_of_outside_period")
    period = received.figures.get("period")
    named = period.get("as_of") if isinstance(period, dict) else None
    if named != as_of.isoformat():
        message = _("Số liệu ghi tính đến «%(named)s», khác ngày %(day)s của báo cáo.")
        raise refuse("figures_as_of", message % {"named": named, "day": f"{as_of:%d/%m/%Y}"}, "figures_mismatch")
    return as_of


def submission_sections(submission: Submission, figures: list[Section]) -> list[Section]:  # vi-only: the sent report
    """The report as officials write it: their own parts first, in the order of the form, each paragraph kept; then
    the figures from the records."""
    written = [
        Section(f"{ROMAN[index]}. {label.upper()}", [], [line.strip() for line in text.splitlines() if line.strip()])
        for index, (label, text) in enumerate(
            ((label, getattr(submission, name)) for name, label in SECTIONS if getattr(submission, name).strip()),
            start=1,
        )
    ]
    if not figures:
        return written
    return [*written, Section("SỐ LIỆU KÈM THEO (tính từ cơ sở dữ liệu khuyến công)", [], []), *figures]


@transaction.atomic
def submission_return(
    *, actor: User, submission: Submission, comment: str, on: datetime.date | None = None,
    by: Organization | None = None,
) -> Submission:  # fmt: skip
    """The level above sends the report back, saying why; the body corrects and sends again."""
    submission = _lock(submission)
    body = _move(submission, Move.RETURN, actor, by=by, on=on)
    day = _day(on, submission, Move.RETURN)
    if not comment.strip():
        raise refuse("comment", _("Ghi lý do trả lại báo cáo để đơn vị biết cần sửa gì."), "required")
    submission.state = SubmissionState.RETURNED
    submission.reviewed_at = timezone.now()
    submission.save(update_fields=["state", "reviewed_at", "updated_at"])
    _event(submission, SubmissionAction.RETURNED, actor, comment.strip(), on=day, by=body)
    audit_entry_write(actor=actor, action=AuditAction.UPDATE, instance=submission,
                      before={"state": _state(SubmissionState.SUBMITTED)},
                      after={"state": _state(SubmissionState.RETURNED)},
                      note=" ".join(filter(None, (comment.strip(), _on_behalf(by, day)))))  # fmt: skip
    if by is None:
        transaction.on_commit(lambda: notify_body(submission.pk, returned=True))
    return submission


@transaction.atomic
def submission_accept(
    *, actor: User, submission: Submission, comment: str = "", on: datetime.date | None = None,
    by: Organization | None = None,
) -> Submission:  # fmt: skip
    """The level above takes the report in: it is locked from then on."""
    submission = _lock(submission)
    body = _move(submission, Move.ACCEPT, actor, by=by, on=on)
    day = _day(on, submission, Move.ACCEPT)
    submission.state = SubmissionState.ACCEPTED
    submission.reviewed_at = timezone.now()
    submission.save(update_fields=["state", "reviewed_at", "updated_at"])
    _event(submission, SubmissionAction.ACCEPTED, actor, comment.strip(), on=day, by=body)
    audit_entry_write(actor=actor, action=AuditAction.UPDATE, instance=submission,
                      before={"state": _state(SubmissionState.SUBMITTED)},
                      after={"state": _state(SubmissionState.ACCEPTED)}, note=_on_behalf(by, day))  # fmt: skip
    if by is None:
        transaction.on_commit(lambda: notify_body(submission.pk, returned=False))
    return submission


@transaction.atomic
def submission_new_version(*, actor: User, submission: Submission, reason: str) -> Submission:
    """An accepted report is locked; a change is a new version (a draft with the same text), with its reason. The
    accepted one stays, with its figures and document, and is no longer the one in force."""
    submission = _lock(submission)
    if not authority.can_prepare(actor, submission.organization):
        raise Refused("out_of_scope", _("Bạn không có quyền lập lại báo cáo của %(organization)s.")
                      % {"organization": submission.organization.name})  # fmt: skip
    if submission.state != SubmissionState.ACCEPTED or not submission.current:
        raise refuse("state", _("Chỉ lập lần mới cho báo cáo đã được tiếp nhận và đang có hiệu lực; báo cáo đang soạn "
                                "hoặc bị trả lại thì sửa trực tiếp."), "wrong_state")  # fmt: skip
    if not reason.strip():
        raise refuse("reason", _("Ghi lý do lập lần mới của báo cáo đã tiếp nhận."), "reason_required")
    Submission.objects.filter(pk=submission.pk).update(current=False)
    fresh = Submission.objects.create(
        duty=submission.duty, organization=submission.organization, year=submission.year,
        period_key=submission.period_key, period_start=submission.period_start, period_end=submission.period_end,
        due_on=submission.due_on, version=submission.version + 1, supersedes=submission,
        version_reason=reason.strip(), created_by=actor, first_submitted_on=submission.first_submitted_on,
        **{name: getattr(submission, name) for name in TEXT_FIELDS},
    )  # fmt: skip
    _event(fresh, SubmissionAction.NEW_VERSION, actor, reason.strip())
    replaced = f"Thay bằng lần {fresh.version}: {reason.strip()}"  # vi-only: written on the event row, a record
    _event(submission, SubmissionAction.NEW_VERSION, actor, replaced)
    audit_entry_write(actor=actor, action=AuditAction.CREATE, instance=fresh, before={},
                      after={"version": str(fresh.version), "reason": reason.strip()}, note=reason.strip())  # fmt: skip
    return fresh


@transaction.atomic
def duty_add(*, actor: User, province: AdminUnit, **fields: Any) -> ReportingDuty:
    """A province's own reporting duty (TT 46/2012/TT-BCT Art. 9: the Sở proposes a provincial rule), by its Sở."""
    if not authority.can_add_duty(actor, province):
        raise Refused("out_of_scope", _("Chỉ Sở Công Thương %(province)s thêm được chế độ báo cáo của tỉnh.")
                      % {"province": province.full_name})  # fmt: skip
    unknown = set(fields) - DUTY_FIELDS
    if unknown:
        message = _("Không có mục %(fields)s trong chế độ báo cáo.") % {"fields": ", ".join(sorted(unknown))}
        raise refuse("__all__", message, "unknown_field")
    duty = ReportingDuty(province=province, **fields)
    duty.full_clean()
    duty.save()
    audit_entry_write(actor=actor, action=AuditAction.CREATE, instance=duty, before={},
                      after=audit_snapshot(duty, ["code", "name", "frequency", "legal_basis"]))  # fmt: skip
    return duty


def notifications_read(*, actor: User, notification: Notification | None = None) -> int:
    """Marks one of the actor's notifications read (followed from the list), or all of them: the time it was read is
    the only thing written, on the actor's own inbox, so it is its own record and needs no audit row."""
    notes = Notification.objects.filter(user=actor, read_at__isnull=True)
    if notification is not None:
        if not authority.can_read_notification(actor, notification.user_id):
            raise refuse("notification", _("Thông báo này không phải của bạn."), "forbidden")
        notes = notes.filter(pk=notification.pk)
    with transaction.atomic():
        return notes.update(read_at=timezone.now())
