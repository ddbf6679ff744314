"""Notifications of the reporting regime: in the app (a list with an unread count) and by e-mail, sent by the
background worker after the transaction that caused them has committed. Each reminder is sent once (`key`)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from khuyencong.accounts.models import Role, User

from .authority import organization_may_review
from .models import Notification, NotificationKind, Submission, SubmissionAction
from .rules import CalendarStatus, Frequency, period_label

# The texts of notifications are stored on their rows (`Notification.message`) and sent by e-mail as they are: a record,
# the same for every reader, like an audit note. They are written in Vietnamese — never in the language of whoever
# happened to cause them — under translation.override("vi"), so that the period's and the kind's labels are Vietnamese
# too. (A code translated at display would need the duty's name, the body's name and the comment kept apart on the row,
# and the notifications of other apps, which pass their own text, to do the same; the page shows the stored text as
# the record's own text, and the tests read the Vietnamese stored.)
VIETNAMESE_ONLY = "notification texts stored on their rows and e-mailed as records, the same for every reader"

REMINDER_DAYS = 5
WRITERS = (Role.OFFICER, Role.APPROVER, Role.ADMINISTRATOR)


def _users_of(organization_ids: Iterable[int]) -> list[User]:
    return list(
        User.objects.filter(is_active=True, organization_id__in=list(organization_ids), roles__role__in=WRITERS)
        .distinct()
        .order_by("pk")
    )


def _notify(users: Iterable[User], kind: NotificationKind, key: str, message: str, link: str) -> list[int]:
    """One notification per user and key (a second call with the same key adds nothing): the ids of the new ones."""
    created = []
    for user in users:
        try:
            with transaction.atomic():
                note = Notification.objects.create(user=user, kind=kind, key=key, message=message[:500], link=link)
        except IntegrityError:
            continue
        created.append(note.pk)
    if created:
        transaction.on_commit(lambda: send_notification_emails.enqueue(created))
    return created


def notify_users(users: Iterable[User], kind: NotificationKind, key: str, message: str, link: str) -> list[int]:
    """The same in-app message and e-mail for another part of the system (a facility's proposal and its decision)."""
    return _notify(users, kind, key, message, link)


def _period(submission: Submission) -> str:
    # The officials' words ("6 tháng đầu năm 2026"), not the key the calendar files it under ("h1/2026").
    return period_label(Frequency(submission.duty.frequency), submission.period_key, submission.year)


def _link(submission: Submission) -> str:
    return reverse("reporting:submission", args=[submission.pk])


@translation.override("vi")
def notify_reviewers(submission_pk: int) -> None:
    """A report came in: the reviewing body's officers are told."""
    submission = Submission.objects.select_related("duty", "organization").get(pk=submission_pk)
    candidates = (
        User.objects.filter(
            Q(organization__kind=submission.duty.reviewer_kind), is_active=True, roles__role__in=WRITERS
        )
        .distinct()
        .select_related("organization__territory")
    )
    # Only the bodies that receive this report: a province's own duty is reviewed in that province, not in every one.
    reviewers = [user for user in candidates if user.organization is not None
                 and organization_may_review(user.organization, submission.duty, submission.organization)]  # fmt: skip
    _notify(reviewers, NotificationKind.SUBMITTED, f"submitted:{submission.pk}:{submission.submitted_at}",
            f"{submission.organization.name} đã gửi «{submission.duty.name}» {_period(submission)}.",
            _link(submission))  # fmt: skip


@translation.override("vi")
def notify_body(submission_pk: int, *, returned: bool) -> None:
    submission = Submission.objects.select_related("duty", "organization").get(pk=submission_pk)
    last = submission.events.order_by("-at", "-pk").first()
    kind = NotificationKind.RETURNED if returned else NotificationKind.ACCEPTED
    what = "đã bị trả lại" if returned else "đã được tiếp nhận"
    comment = f": {last.comment}" if last is not None and last.comment else ""
    _notify(_users_of([submission.organization_id]), kind, f"{kind}:{submission.pk}:{submission.reviewed_at}",
            f"«{submission.duty.name}» {_period(submission)} {what}{comment}",
            _link(submission))  # fmt: skip


@translation.override("vi")
def send_reminders(*, today: datetime.date, days: int = REMINDER_DAYS) -> int:
    """Reminders N days before the due date and once late, to the officers of each body that has not sent its
    report; none for a report already sent. Run daily (`kc_remind`); running it twice sends nothing twice."""
    from .selectors import calendar

    sent = 0
    for year in {today.year - 1, today.year}:
        for entry in calendar(year, today=today):
            if entry.status in (CalendarStatus.SUBMITTED, CalendarStatus.ACCEPTED):
                continue
            if entry.status == CalendarStatus.RETURNED and not entry.late and entry.submission is not None:
                sent += _remind_returned(entry.submission, today=today, days=days)
                continue
            soon = today <= entry.due_on <= today + datetime.timedelta(days=days)
            if not soon and not entry.late:
                continue
            kind = NotificationKind.OVERDUE if entry.late else NotificationKind.DUE_SOON
            key = f"{kind}:{entry.duty.code}:{entry.organization.code}:{entry.year}:{entry.period_key}"
            when = "đã quá hạn" if entry.late else "đến hạn"
            message = (f"«{entry.duty.name}» kỳ {entry.label} {when} ngày {entry.due_on:%d/%m/%Y}"
                       f" ({entry.organization.name}).")  # fmt: skip
            link = reverse("reporting:calendar") + f"?year={entry.year}"
            sent += len(_notify(_users_of([entry.organization.pk]), kind, key, message, link))
    return sent


def _remind_returned(submission: Submission, *, today: datetime.date, days: int) -> int:
    """A report sent on time and returned after its due day is not late, but still owed: the body is reminded once
    per return, `days` after the day it was returned (the return itself was notified when it happened)."""
    returned = (
        submission.events.filter(action=SubmissionAction.RETURNED).order_by("-on", "-pk").values_list("on", flat=True)
    ).first()
    if returned is None or today < returned + datetime.timedelta(days=days) or today <= submission.due_on:
        return 0
    key = f"{NotificationKind.OVERDUE}:returned:{submission.pk}:{returned:%Y%m%d}"
    message = (f"«{submission.duty.name}» {_period(submission)} bị trả lại ngày {returned:%d/%m/%Y}, chưa gửi lại"
               f" ({submission.organization.name}).")  # fmt: skip
    return len(_notify(_users_of([submission.organization_id]), NotificationKind.OVERDUE, key, message,
                       _link(submission)))  # fmt: skip


@task()
def send_notification_emails(notification_ids: list[int]) -> int:
    """E-mail of notifications, by the worker after commit (console backend by default, SMTP when configured); a
    user without an address is told in the app only."""
    sent = 0
    for note in Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True).select_related("user"):
        if not note.user.email:
            continue
        with translation.override("vi"):
            subject = f"[Khuyến công] {note.get_kind_display()}"
        send_mail(
            subject=subject,
            message=f"{note.message}\n\n{settings.SITE_URL.rstrip('/')}{note.link}",
            from_email=None,
            recipient_list=[note.user.email],
        )
        Notification.objects.filter(pk=note.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent


def unread_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
