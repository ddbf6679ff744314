"""Corrections without silent edits: a recorded fact is voided (with who, when and why), never changed or deleted.

Every dated record that officials enter — workflow events, payments, results, budget decisions, allocations,
programme targets, documents — carries the same voiding columns. A voided row stays in the history (struck through on
the pages, with its `voided` object in the exchange format) and is ignored by replays, money rules and reports, which
read `.standing()` rows only. A correction of a wrong value is a void plus a new entry, in one transaction.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from khuyencong.core.refusals import refuse

if TYPE_CHECKING:
    from khuyencong.accounts.models import User
    from khuyencong.organizations.models import Organization

V = TypeVar("V", bound="Voidable")

REASON_MAX = 500


class VoidableQuerySet(models.QuerySet[V]):
    def standing(self) -> VoidableQuerySet[V]:
        """The entries in force: not voided."""
        return self.filter(voided_at__isnull=True)

    def voided(self) -> VoidableQuerySet[V]:
        return self.filter(voided_at__isnull=False)


class Voidable(models.Model):
    voided_on = models.DateField(_("ngày huỷ bỏ"), null=True, blank=True)
    voided_by = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("cơ quan huỷ bỏ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    voided_actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người huỷ bỏ"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    voided_reason = models.CharField(_("lý do huỷ bỏ"), max_length=REASON_MAX, blank=True)
    voided_at = models.DateTimeField(_("huỷ bỏ lúc"), null=True, blank=True)

    objects: Any = VoidableQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None


def voided_text(entry: Voidable) -> str:
    """What an export says of a voided entry (nothing of one in force): the row stays, with when and why."""
    if not entry.is_voided:
        return ""
    return gettext("Đã huỷ bỏ ngày %(day)s: %(reason)s") % {
        "day": f"{entry.voided_on:%d/%m/%Y}" if entry.voided_on else "",
        "reason": entry.voided_reason,
    }


def _before(on: datetime.date, dated: datetime.date) -> str:
    return gettext("Ngày huỷ bỏ %(day)s trước ngày của bản ghi (%(dated)s).") % {
        "day": f"{on:%d/%m/%Y}",
        "dated": f"{dated:%d/%m/%Y}",
    }


def check_void(entry: Voidable, *, on: datetime.date, reason: str, dated: datetime.date | None) -> str:
    """The common refusals of a correction; returns the cleaned reason. `dated` is the entry's own date."""
    if entry.is_voided:
        raise refuse(
            "voided",
            gettext("Bản ghi đã bị huỷ bỏ ngày %(day)s; không huỷ lần nữa.") % {"day": f"{entry.voided_on:%d/%m/%Y}"},
            "already_voided",
        )
    reason = (reason or "").strip()
    if not reason:
        raise refuse("reason", gettext("Phải ghi lý do huỷ bỏ, đính chính."), "reason_required")
    if len(reason) > REASON_MAX:
        raise refuse("reason", gettext("Lý do dài quá %(n)s ký tự.") % {"n": REASON_MAX}, "too_long")
    if on > timezone.localdate():
        raise refuse("on", gettext("Ngày huỷ bỏ không thể ở tương lai."), "future_date")
    if dated is not None and on < dated:
        raise refuse("on", _before(on, dated), "date_order")
    return reason


def mark_voided(
    entry: Voidable, *, actor: User, on: datetime.date, reason: str, by: Organization | None = None
) -> None:
    # A correction's reason carries its "Đính chính: " prefix within the column's width.
    entry.voided_on, entry.voided_reason = on, reason[:REASON_MAX]
    entry.voided_by = by if by is not None else actor.organization
    entry.voided_actor, entry.voided_at = actor, timezone.now()
    entry.save(update_fields=["voided_on", "voided_reason", "voided_by", "voided_actor", "voided_at"])


VOID_FIELDS = ["voided_on", "voided_by", "voided_reason"]


@dataclass(frozen=True)
class VoidNote:
    """A correction already made elsewhere, arriving with the record (an exchange file's `voided` object)."""

    on: datetime.date
    by: Organization | None
    reason: str


def apply_void_note(entry: Voidable, note: VoidNote, *, actor: User, dated: datetime.date | None = None) -> None:
    """Marks a record that is being transcribed as already voided; the caller saves it."""
    if note.on > timezone.localdate():
        raise refuse(
            "voided", gettext("Ngày huỷ bỏ %(day)s ở tương lai.") % {"day": f"{note.on:%d/%m/%Y}"}, "future_date"
        )
    if dated is not None and note.on < dated:
        raise refuse("voided", _before(note.on, dated), "date_order")
    if not note.reason.strip():
        raise refuse("voided", gettext("Bản ghi bị huỷ bỏ phải có lý do."), "reason_required")
    entry.voided_on, entry.voided_by, entry.voided_reason = note.on, note.by, note.reason.strip()[:REASON_MAX]
    entry.voided_actor, entry.voided_at = actor, timezone.now()
