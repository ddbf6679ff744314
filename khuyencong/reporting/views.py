"""Pages of the reporting regime: the calendar (a body's own list; the Cục's matrix of bodies × periods), a report
(write, attach, send; return or accept; a new version), its documents, the compilation and the notifications."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from khuyencong.accounts import access
from khuyencong.core.collation import python_key
from khuyencong.core.db import replica_reads
from khuyencong.core.forms import add_service_errors
from khuyencong.core.xlsx import list_workbook
from khuyencong.organizations.models import Organization
from khuyencong.reports.periods import Period
from khuyencong.reports.render import table_context

from . import authority
from .documents import submission_content, submission_file
from .forms import AttachmentForm, CalendarForm, CommentForm, ReasonForm, SubmissionTextForm
from .models import Notification, ReportingDuty, Submission, SubmissionAction, SubmissionAttachment
from .rules import (
    STATUS_LABELS,
    CalendarStatus,
    Frequency,
    Side,
    SubmissionState,
    allowed_moves,
    period_label,
    periods_in,
)
from .selectors import (
    KEY_FIGURES,
    CalendarEntry,
    bodies_for,
    calendar,
    calendar_matrix,
    compilation,
    due_rounds,
    figure_changes,
    late_by_body,
    live_key_figures,
    own_bodies,
)
from .services import (
    lacking_before_sending,
    notifications_read,
    submission_accept,
    submission_attach,
    submission_detach,
    submission_edit,
    submission_new_version,
    submission_open,
    submission_return,
    submission_submit,
)

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json; charset=utf-8",
}


@login_required
def calendar_page(request: HttpRequest) -> HttpResponse:
    """A body's own reports; for those who see other bodies, the year's reports by period with what is late, and,
    for one chosen duty, the bodies × periods matrix (all duties at once were 113 bodies × 25 columns, mostly empty:
    each body owes only its kind's duties)."""
    found = _calendar(request)
    entries, today = found.entries, found.today
    late = late_by_body(entries, today=today)
    context = {
        "form": found.form,
        "year": found.year,
        "own": found.own,
        "overview": found.overview,
        "duty": found.duty,
        "rounds": due_rounds(entries),
        "late": late,
        "late_count": sum(len(body.reports) for body in late),
        "matrix": calendar_matrix(entries) if found.duty is not None else None,
        "today": today,
        "labels": STATUS_LABELS,
        "statuses": CalendarStatus,
        "can_export": access.can_export(request.user),
    }
    return render(request, "reporting/calendar.html", context, status=400 if found.form.errors else 200)


@dataclass
class _Calendar:
    form: CalendarForm
    year: int
    today: datetime.date
    own: list[tuple[CalendarEntry, bool]]  # the body's own reports, each with whether the user may prepare it
    entries: list[CalendarEntry]  # every report of the bodies the user sees
    overview: bool
    duty: ReportingDuty | None


def _calendar(request: HttpRequest) -> _Calendar:
    """The reports of the calendar page and of its Excel copy: the year asked for, narrowed to the duty chosen."""
    user: Any = request.user
    today = timezone.localdate()
    form = CalendarForm(request.GET or None)
    year = form.asked_year(today.year)
    scope = access.scope_of(user)
    own = own_bodies(user)
    own_entries = calendar(year, today=today, bodies=Organization.objects.filter(pk__in=[o.pk for o in own]))
    writable = {org.pk for org in own if authority.can_prepare(user, org)}
    own_rows = [(entry, entry.organization.pk in writable) for entry in own_entries]
    entries = calendar(year, today=today, bodies=bodies_for(user)) if scope.everything or scope.province_ids else []
    duties = {entry.duty.code: entry.duty for entry in entries}
    if duties:
        offered = sorted(((code, _duty_choice(duty)) for code, duty in duties.items()), key=lambda c: python_key(c[1]))
        form.offer_duties(offered)
    else:
        # Nothing to choose among: the field is not offered, and a duty in the address is no error of the form.
        del form.fields["duty"]
    chosen = duties.get(form.cleaned_data.get("duty") or "") if form.is_valid() else None
    if chosen is not None:
        # The page is about the duty chosen: the body's own reports too.
        entries = [entry for entry in entries if entry.duty == chosen]
        own_rows = [(entry, writable) for entry, writable in own_rows if entry.duty == chosen]
    return _Calendar(form, year, today, own_rows, entries, bool(duties), chosen)


@login_required
@replica_reads
def calendar_export(request: HttpRequest) -> FileResponse:
    """The calendar as Excel: every report of the bodies the user sees (a body's own, for a body that sees no other),
    with its due date, where it stands and the day it was first sent."""
    access.require_list_export(request.user)
    found = _calendar(request)
    entries = found.entries if found.overview else [entry for entry, _writable in found.own]
    columns = [(_("Báo cáo"), 40), (_("Cơ quan"), 40), (_("Kỳ"), 24), (_("Hạn gửi"), 12), (_("Tình trạng"), 28),
               (_("Gửi lần đầu ngày"), 14)]  # fmt: skip
    rows = (
        [
            str(entry.duty.label),
            entry.organization.name,
            entry.label,
            entry.due_on,
            entry.status_label,
            entry.submission.first_submitted_on if entry.submission is not None else None,
        ]
        for entry in entries
    )
    return list_workbook(f"lich-bao-cao-{found.year}", _("Lịch báo cáo"), columns, rows)


def _duty_choice(duty: ReportingDuty) -> str:
    """A duty named with whose it is: the Sở's and the UBND tỉnh's quarterly reports otherwise read alike."""
    return f"{duty.label} ({duty.get_body_kind_display()})"


@login_required
@require_POST
def open_view(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    duty = get_object_or_404(ReportingDuty, code=request.POST.get("duty", ""))
    organization = get_object_or_404(Organization, code=request.POST.get("organization", ""))
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        raise Http404(_("Năm không hợp lệ.")) from None
    try:
        submission = submission_open(actor=user, duty=duty, organization=organization, year=year,
                                     period_key=request.POST.get("period", ""))  # fmt: skip
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        # Back to the year's calendar, or to this year's when the year itself was the error.
        return redirect(f"{reverse('reporting:calendar')}{_year_query(year)}")
    return redirect("reporting:submission", pk=submission.pk)


def _year_query(year: int) -> str:
    try:
        CalendarForm.base_fields["year"].clean(year)
    except ValidationError:
        return ""
    return f"?year={year}"


def _submission_for(user: Any, pk: int) -> Submission:
    """A report outside the user's view is not found, exactly like one that does not exist."""
    submission = get_object_or_404(Submission.objects.select_related("duty", "organization__territory",
                                                                     "organization__parent"), pk=pk)  # fmt: skip
    if not authority.can_view(user, submission.organization):
        raise Http404(_("Không có báo cáo này."))
    return submission


@login_required
def submission_page(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    submission = _submission_for(user, pk)
    return _render_submission(request, submission)


def _render_submission(
    request: HttpRequest, submission: Submission, *, text_form: SubmissionTextForm | None = None,
    errors: list[str] | None = None, status: int = 200,
) -> HttpResponse:  # fmt: skip
    user: Any = request.user
    can_prepare = authority.can_prepare(user, submission.organization)
    body_moves = allowed_moves(SubmissionState(submission.state), Side.BODY)
    review_moves = allowed_moves(SubmissionState(submission.state), Side.REVIEWER)
    may_submit = bool(body_moves) and authority.can_submit(user, submission.organization)
    may_review = bool(review_moves) and authority.can_review(user, submission.duty, submission.organization)
    editable = submission.is_editable and can_prepare
    # The report itself, shown as it is (or will be) sent: an administrative document, Vietnamese whoever reads the page
    # (Decree 30/2020/NĐ-CP Art. 8); the template marks it lang="vi".
    with translation.override("vi"):
        data, sections, document = submission_content(submission)
        preview = table_context(sections)
    changes: list[dict[str, Any]] = []
    if submission.figures is not None:
        # The live figures as of the same day as those frozen, so that only records entered late or corrected since
        # show as a difference, not what happened after a report sent before its period ended.
        period = Period.of(submission.period_start, submission.period_end,
                           as_of=submission.figures_as_of or submission.period_end)  # fmt: skip
        changes = figure_changes(submission.figures, live_key_figures(submission.duty, submission.organization,
                                                                      period))  # fmt: skip
    versions = list(
        Submission.objects.filter(
            duty=submission.duty,
            organization=submission.organization,
            year=submission.year,
            period_key=submission.period_key,
        ).order_by("-version")
    )
    # The reviewer's reason, where the body cannot miss it, while the report waits for its correction.
    returned = (
        submission.events.filter(action=SubmissionAction.RETURNED)
        .select_related("organization")
        .order_by("-pk")
        .first()
        if submission.state == SubmissionState.RETURNED
        else None
    )
    context = {
        "submission": submission,
        "returned": returned,
        "state_label": SubmissionState(submission.state).label,
        "period_label": period_label(Frequency(submission.duty.frequency), submission.period_key, submission.year),
        "events": submission.events.select_related("actor", "organization"),
        "attachments": submission.attachments.all(),
        "text_form": text_form or (SubmissionTextForm(instance=submission) if editable else None),
        "attachment_form": AttachmentForm() if editable else None,
        "editable": editable,
        "may_submit": may_submit,
        "lacking": lacking_before_sending(submission) if may_submit else None,
        "may_review": may_review,
        "may_new_version": can_prepare and submission.state == SubmissionState.ACCEPTED and submission.current,
        "comment_form": CommentForm(),
        "reason_form": ReasonForm(),
        "sections": preview,
        "document": document,
        "data": data,
        "changes": changes,
        "versions": versions,
        "errors": errors or [],
        "may_export": access.can_export(user),
    }
    return render(request, "reporting/submission.html", context, status=status)


@login_required
@require_POST
def edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    submission = _submission_for(user, pk)
    form = SubmissionTextForm(request.POST, instance=Submission.objects.get(pk=submission.pk))
    if not form.is_valid():
        return _render_submission(request, submission, text_form=form, status=400)
    try:
        submission_edit(actor=user, submission=submission, **{k: form.cleaned_data[k] for k in form.fields})
    except ValidationError as error:
        add_service_errors(form, error)
        return _render_submission(request, _submission_for(user, pk), text_form=form, status=400)
    messages.success(request, _("Đã lưu nội dung báo cáo."))
    return redirect("reporting:submission", pk=pk)


@login_required
@require_POST
def attach_view(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    submission = _submission_for(user, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        errors = [str(e) for errs in form.errors.values() for e in errs]
        return _render_submission(request, submission, errors=errors, status=400)
    try:
        submission_attach(actor=user, submission=submission, title=form.cleaned_data["title"],
                          upload=form.cleaned_data["file"])  # fmt: skip
    except ValidationError as error:
        return _render_submission(request, submission, errors=error.messages, status=400)
    messages.success(request, _("Đã đính kèm tài liệu."))
    return redirect("reporting:submission", pk=pk)


@login_required
@require_POST
def detach_view(request: HttpRequest, pk: int, attachment: int) -> HttpResponse:
    user: Any = request.user
    submission = _submission_for(user, pk)
    item = get_object_or_404(SubmissionAttachment, pk=attachment, submission=submission)
    try:
        submission_detach(actor=user, attachment=item)
    except ValidationError as error:
        return _render_submission(request, submission, errors=error.messages, status=400)
    messages.success(request, _("Đã bỏ tài liệu đính kèm."))
    return redirect("reporting:submission", pk=pk)


@login_required
@require_POST
def move_view(request: HttpRequest, pk: int, move: str) -> HttpResponse:
    user: Any = request.user
    submission = _submission_for(user, pk)
    comment = CommentForm(request.POST)
    text = comment.cleaned_data["comment"] if comment.is_valid() else ""
    try:
        if move == "submit":
            submission_submit(actor=user, submission=submission)
            done = _("Đã gửi báo cáo.")
        elif move == "return":
            submission_return(actor=user, submission=submission, comment=text)
            done = _("Đã trả lại báo cáo.")
        elif move == "accept":
            submission_accept(actor=user, submission=submission, comment=text)
            done = _("Đã tiếp nhận báo cáo.")
        elif move == "new-version":
            reason = ReasonForm(request.POST)
            fresh = submission_new_version(
                actor=user, submission=submission, reason=reason.cleaned_data["reason"] if reason.is_valid() else ""
            )
            messages.success(request, _("Đã lập báo cáo lần %(version)d.") % {"version": fresh.version})
            return redirect("reporting:submission", pk=fresh.pk)
        else:
            raise Http404(_("Không có thao tác này."))
    except ValidationError as error:
        return _render_submission(request, _submission_for(user, pk), errors=error.messages, status=400)
    messages.success(request, done)
    return redirect("reporting:submission", pk=pk)


@login_required
def download_view(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    user: Any = request.user
    submission = _submission_for(user, pk)
    if fmt not in CONTENT_TYPES:
        raise Http404(_("Không có định dạng này."))
    if not access.can_export(user):
        raise PermissionDenied(_("Bạn không có quyền tải báo cáo về máy."))
    body = submission_file(submission, fmt)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    name = (
        f"bao-cao-dinh-ky-{submission.organization.code}-{submission.period_key}-{submission.year}"
        f"-lan-{submission.version}"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
def compilation_page(request: HttpRequest) -> HttpResponse:
    """The Cục's summary of a period from the accepted reports, beside the live figures, with who has not reported."""
    found = _compilation(request)
    context = {"duties": found.duties, "duty": found.duty, "year": found.year, "periods": found.periods,
               "summary": found.summary, "error": found.error,
               "can_export": access.can_export(request.user)}  # fmt: skip
    return render(request, "reporting/compilation.html", context)


@dataclass(frozen=True)
class _Compiled:
    duties: list[ReportingDuty]
    duty: ReportingDuty | None
    year: int
    periods: list[tuple[str, str]]
    summary: dict[str, Any] | None
    error: str | None


def _compilation(request: HttpRequest) -> _Compiled:
    """The duty, year and period asked (a year that cannot be one is named and replaced by this year), and their
    summary: the page's and its Excel copy's."""
    user: Any = request.user
    if not authority.can_compile(user):
        raise PermissionDenied(_("Tổng hợp báo cáo của các tỉnh là việc của Cục và Bộ."))
    today = timezone.localdate()
    duties = list(ReportingDuty.objects.filter(province__isnull=True).order_by("code"))
    duty = next((d for d in duties if d.code == request.GET.get("duty")), None) or next(
        (d for d in duties if d.code == "sct_half_yearly"), duties[0] if duties else None
    )
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    summary = None
    error = None
    periods: list[tuple[str, str]] = []
    if not 2000 <= year <= 2100:
        error, year = _("Năm %(year)s không hợp lệ; chọn năm từ 2000 đến 2100.") % {"year": year}, today.year
    elif duty is not None:
        # The duty's periods by name, to choose from (not a key such as "h1" to type).
        frequency = Frequency(duty.frequency)
        periods = [(k, period_label(frequency, k, year)) for k, _ in periods_in(frequency, year)]
        asked = request.GET.get("period")
        key = asked if asked in dict(periods) else periods[0][0]
        summary = compilation(duty, year, key, today=today, bodies=bodies_for(user))
    return _Compiled(duties, duty, year, periods, summary, error)


@login_required
@replica_reads
def compilation_export(request: HttpRequest) -> FileResponse:
    """The period's summary as Excel: each body whose report was accepted, with each key figure as it reported it and
    as the records stand now, their total, then the bodies that have not reported and where their report stands."""
    access.require_list_export(request.user)
    found = _compilation(request)
    columns = [(_("Mã đơn vị"), 12), (pgettext("report", "Đơn vị"), 40), (_("Tình trạng"), 24), (_("Lần gửi"), 8)]
    for _path, label in KEY_FIGURES:
        columns += [(_("%(figure)s — theo báo cáo") % {"figure": label}, 18),
                    (_("%(figure)s — hiện nay") % {"figure": label}, 18)]  # fmt: skip
    summary = found.summary

    def rows() -> Iterator[list[Any]]:
        if summary is None:
            # A year that could not be used: the file says so, as the page does.
            yield [None, found.error]
            return
        accepted = str(STATUS_LABELS[CalendarStatus.ACCEPTED])
        for row in summary["rows"]:
            both = (value for path, _label in KEY_FIGURES for value in (row["figures"][path], row["live"][path]))
            yield [row["organization"], row["name"], accepted, row["version"], *both]
        yield [None, _("Cộng %(n)s báo cáo đã tiếp nhận") % {"n": summary["accepted"]}, None, None,
               *(value for f in summary["figures"] for value in (f["accepted"], f["live"]))]  # fmt: skip
        for m in summary["missing"]:
            yield [m["organization"], m["name"], m["status_label"]]

    title = f"{summary['duty_name']} {summary['period_label']}" if summary else _("Tổng hợp báo cáo định kỳ")
    return list_workbook(pgettext("file name", "tong-hop-bao-cao"), title, columns, rows())


@login_required
def notifications_page(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if request.method == "POST":
        notifications_read(actor=user)
        return redirect("reporting:notifications")
    # Every notification is kept; the page shows them newest first, a page at a time.
    page = Paginator(Notification.objects.filter(user=user).order_by("-created_at", "-pk"), NOTES_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "reporting/notifications.html", {"notes": page.object_list, "page": page})


NOTES_PAGE = 50


@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Following a notification marks it read, then goes where it points; another user's is 404, as if absent. A GET
    that writes, knowingly: marking read is idempotent and touches only the reader's own inbox, and the notification
    stays a link (opened in a new tab, read aloud as a link) as mail readers do."""
    user: Any = request.user
    note = Notification.objects.filter(pk=pk).first()
    if note is None or not authority.can_read_notification(user, note.user_id):
        raise Http404
    notifications_read(actor=user, notification=note)
    # The link is one this system wrote (a path of its own), never a place a user typed.
    own_path = note.link.startswith("/") and not note.link.startswith("//")
    return redirect(note.link if own_path else "reporting:notifications")
