"""Facility self-service: a facility's representative proposes changes to its own record; the body that manages the
facility applies them (through `facility_update`, audited, naming the proposal) or rejects them with a reason.

Each proposed field keeps its value when proposed (`before`) and the value asked for (`after`), stored as JSON the way
`stored_value` writes them. A proposal whose `before` no longer matches the record (someone changed that field since)
is stale: it is named as such on the pages and refused at apply (`proposal_stale`), never applied over the later change.

The proposal's rows keep values, never words: the pages show them in the reader's language (`shown_value`). The
audit entries and the notifications are records stored as text, written in Vietnamese whoever acts
(`translation.override("vi")`): the same record for every reader.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from khuyencong.accounts import access
from khuyencong.accounts.models import Role, User
from khuyencong.audit.models import AuditAction
from khuyencong.audit.services import audit_entry_write, audit_snapshot
from khuyencong.core.numbers import format_money_active, format_number_active
from khuyencong.core.refusals import refuse
from khuyencong.core.untrusted import text_problem
from khuyencong.geography.resolver import ResolvedPlace

from .forms import PROPOSABLE, FacilityForm
from .models import ChangeProposal, Facility, LegalForm, ProposalState, Trade
from .priority import PRIORITY_FIELDS
from .services import FacilityData, facility_update, lock_projects_of
from .validators import normalize_tax_code

PROPOSAL_AUDITED = ["state", "reason", "decided_by_name", "decision_reason"]
REASON_MAX = 500
NOTIFIED_ROLES = (Role.OFFICER, Role.ADMINISTRATOR)

Stored = str | int | bool | None


def label_of(name: str) -> str:
    return str(FacilityForm.base_fields[name].label)


def stored_value(name: str, value: Any) -> Stored:
    """A field's value as the proposal keeps it (JSON): text as text, a trade by its code, money as whole đồng."""
    if name == "trade":
        return value.code if isinstance(value, Trade) else None
    if name == "tax_code":
        return normalize_tax_code(value) if value else ""
    if name == "name":
        return " ".join(str(value or "").split())
    if name in ("women_owned", "ethnic_minority_owned", "disadvantaged_area"):
        return bool(value)
    if name in ("founded_year", "workers"):
        return None if value is None else int(value)
    if name == "annual_revenue":
        return None if value is None else str(int(value))
    return "" if value is None else str(value).strip()


def current_value(facility: Facility, name: str) -> Stored:
    return stored_value(name, getattr(facility, name))


def shown_value(name: str, value: Stored, *, trades: Mapping[str, Trade] | None = None) -> str:
    """A stored value as people read it on the pages and in notifications; `trades` by code, read once for a list."""
    if value is None or value == "":
        return _("(trống)")
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if name == "legal_form":
        return str(LegalForm(value).label) if value in LegalForm.values else str(value)
    if name == "trade":
        trade = trades.get(str(value)) if trades is not None else Trade.objects.filter(code=value).first()
        return trade.label if trade is not None else str(value)
    if name == "annual_revenue":
        return format_money_active(Decimal(str(value)))
    if name == "founded_year":
        return str(value)  # a year, never grouped as a number (2019, not 2.019)
    if name == "workers":
        return format_number_active(Decimal(int(value)))
    return str(value)


def _python_value(name: str, value: Stored) -> Any:
    """A stored value back as `FacilityData` takes it."""
    if name == "trade":
        if not value:
            return None
        trade = Trade.objects.filter(code=value).first()
        if trade is None:
            message = _("Ngành nghề mã %(code)s không còn trong danh mục; không cập nhật được.") % {"code": value}
            raise refuse("trade", message, "unknown_trade")
        return trade
    if name == "tax_code":
        return value or None
    if name == "annual_revenue":
        return None if value is None else Decimal(str(value))
    return value


@dataclass(frozen=True)
class ProposedChange:
    name: str
    label: str
    before: str
    after: str
    now: str
    stale: bool


def proposal_rows(
    proposal: ChangeProposal, facility: Facility | None = None, *, trades: Mapping[str, Trade] | None = None
) -> list[ProposedChange]:
    """Each field of the proposal: as it was when proposed, as asked, as it is now, and whether it changed since.
    `trades` by code, for a list of proposals (its facilities read with their trade): no query per row."""
    facility = facility or proposal.facility
    rows = []
    for name in PROPOSABLE:
        change = proposal.changes.get(name)
        if change is None:
            continue
        now = current_value(facility, name)
        rows.append(
            ProposedChange(
                name=name,
                label=label_of(name),
                before=shown_value(name, change["before"], trades=trades),
                after=shown_value(name, change["after"], trades=trades),
                now=shown_value(name, now, trades=trades),
                stale=now != change["before"],
            )
        )
    return rows


def stale_fields(proposal: ChangeProposal, facility: Facility) -> list[str]:
    """The proposed fields changed on the record since the proposal was made (empty: the proposal still applies)."""
    return [name for name, change in proposal.changes.items() if current_value(facility, name) != change["before"]]


def _clean(facility: Facility, values: Mapping[str, Any]) -> dict[str, dict[str, Stored]]:
    """The changes asked for, each field validated as the facility form validates it; unchanged fields dropped."""
    errors: dict[str, list[ValidationError]] = {}
    changes: dict[str, dict[str, Stored]] = {}
    for name, raw in values.items():
        if name not in PROPOSABLE:
            errors.setdefault(name, []).append(
                ValidationError(
                    _("«%(name)s» không phải thông tin cơ sở có thể đề nghị thay đổi (chỉ: %(fields)s).")
                    % {"name": name, "fields": ", ".join(label_of(n).lower() for n in PROPOSABLE)},
                    code="unknown_field",
                )
            )
            continue
        field = FacilityForm.base_fields[name]
        try:
            value = field.clean(raw)
        except ValidationError as error:
            errors[name] = [
                ValidationError(f"{label_of(name)}: {message}", code=item.code or "invalid")
                for item in error.error_list
                for message in item.messages
            ]
            continue
        if name == "founded_year" and value is not None and value > timezone.localdate().year:
            message = _("Năm thành lập %(year)s ở tương lai.") % {"year": value}
            errors[name] = [ValidationError(message, code="future_date")]
            continue
        after = stored_value(name, value)
        before = current_value(facility, name)
        if after != before:
            changes[name] = {"before": before, "after": after}
    if errors:
        raise ValidationError(errors)
    if "name" in changes and not changes["name"]["after"]:
        raise refuse("name", _("Tên cơ sở không thể để trống."), "required")
    return changes


def _reason(text: str, *, field: str, missing: str, too_long: str) -> str:
    """`missing` and `too_long` (with %(max)s): the whole sentences that refuse the reason, each decision its own."""
    reason = " ".join((text or "").split())
    if not reason:
        raise refuse(field, missing, "reason_required")
    problem = text_problem(reason)
    if problem is not None:
        # A NUL or another control character: PostgreSQL refuses it in text, and it would reach the notification.
        raise refuse(field, problem, "text_invalid")
    if len(reason) > REASON_MAX:
        raise refuse(field, too_long % {"max": REASON_MAX}, "reason_too_long")
    return reason


def proposal_create(*, actor: User, facility: Facility, values: Mapping[str, Any], reason: str) -> ChangeProposal:
    """The representative's proposal: only for its own facility; only the fields it changes are kept."""
    if not access.can_propose_facility_change(actor, facility):
        raise PermissionDenied(_("Chỉ người đại diện của cơ sở này mới đề nghị thay đổi thông tin của cơ sở."))
    reason = _reason(
        reason,
        field="reason",
        missing=_("Xin ghi lý do đề nghị thay đổi."),
        too_long=_("Lý do đề nghị thay đổi dài quá %(max)s ký tự."),
    )
    changes = _clean(facility, values)
    if not changes:
        message = _("Đề nghị không thay đổi thông tin nào so với hồ sơ hiện tại của cơ sở.")
        raise refuse("__all__", message, "no_change")
    with transaction.atomic():
        proposal = ChangeProposal.objects.create(
            facility=facility,
            changes=changes,
            reason=reason,
            proposed_by=actor,
            proposed_by_name=actor.get_full_name() or actor.get_username(),
        )
        with translation.override("vi"):  # an audit record: the same words for every reader
            audit_entry_write(
                actor=actor,
                action=AuditAction.CREATE,
                instance=proposal,
                before={},
                after={
                    **audit_snapshot(proposal, ["state", "reason"]),
                    "changes": "; ".join(
                        f"{label_of(name)}: {shown_value(name, change['before'])} → "
                        f"{shown_value(name, change['after'])}"
                        for name, change in changes.items()
                    ),
                },
                note=f"Cơ sở {facility.code}",  # vi-only: an audit record
            )
        proposal_pk = proposal.pk
        transaction.on_commit(lambda: notify_reviewers(proposal_pk))
    return proposal


def _decidable(proposal: ChangeProposal, actor: User) -> ChangeProposal:
    """The proposal locked for the decision, refused if the actor may not decide or someone decided it already."""
    if not access.can_review_facility_proposal(actor, proposal.facility):
        raise PermissionDenied(_("Bạn không có quyền xem xét đề nghị thay đổi thông tin của cơ sở này."))
    # Locked: two reviewers deciding at once, the second finds it decided instead of applying it twice.
    locked = ChangeProposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.state != ProposalState.PENDING:
        message = _("Đề nghị số %(number)s đã được xem xét (%(state)s bởi %(name)s); không xem xét lại.") % {
            "number": locked.pk,
            "state": locked.get_state_display().lower(),
            "name": locked.decided_by_name,
        }
        raise refuse("__all__", message, "proposal_decided")
    return locked


def _decided(proposal: ChangeProposal, actor: User, state: ProposalState, reason: str = "") -> None:
    before = audit_snapshot(proposal, PROPOSAL_AUDITED)
    proposal.state = state
    proposal.decided_by = actor
    proposal.decided_by_name = actor.get_full_name() or actor.get_username()
    proposal.decided_at = timezone.now()
    proposal.decision_reason = reason
    proposal.save(update_fields=["state", "decided_by", "decided_by_name", "decided_at", "decision_reason"])
    with translation.override("vi"):  # an audit record: the state's label as every reader's record says it
        audit_entry_write(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=proposal,
            before=before,
            after=audit_snapshot(proposal, PROPOSAL_AUDITED),
            note=reason,
        )
    proposal_pk = proposal.pk
    transaction.on_commit(lambda: notify_proposer(proposal_pk))


def proposal_note(proposal: ChangeProposal) -> str:  # vi-only: an audit record
    """What the facility's audit entry says about the change's origin."""
    return (
        f"Theo đề nghị thay đổi số {proposal.pk} của {proposal.proposed_by_name} "
        f"ngày {timezone.localtime(proposal.proposed_at):%d/%m/%Y}: {proposal.reason}"
    )[:500]


def proposal_apply(*, actor: User, proposal: ChangeProposal, confirm_duplicate: bool = False) -> ChangeProposal:
    """The managing body applies the proposal: the facility is updated through `facility_update` (its checks, its
    audit entry naming the proposal), and the proposal marked applied, in one transaction."""
    with transaction.atomic():
        locked = _decidable(proposal, actor)
        if set(locked.changes) & PRIORITY_FIELDS:
            # New groups rewrite the facility's đề án: locked before the facility, in `facility_update`'s order.
            lock_projects_of(locked.facility_id)
        facility = Facility.objects.select_for_update().get(pk=locked.facility_id)
        stale = stale_fields(locked, facility)
        if stale:
            named = "; ".join(
                _("%(field)s nay là %(value)s")
                % {"field": label_of(n).lower(), "value": shown_value(n, current_value(facility, n))}
                for n in PROPOSABLE
                if n in stale
            )
            message = _(
                "Đề nghị số %(number)s đã cũ: thông tin cơ sở đã được sửa sau khi đề nghị (%(changes)s). "
                "Không áp dụng được; hãy không chấp nhận đề nghị này để cơ sở đề nghị lại."
            ) % {"number": locked.pk, "changes": named}
            raise refuse("__all__", message, "proposal_stale")
        data = _data_of(facility)
        asked = {name: _python_value(name, change["after"]) for name, change in locked.changes.items()}
        facility_update(
            facility=facility,
            actor=actor,
            data=replace(data, **asked),
            confirm_duplicate=confirm_duplicate,
            note=proposal_note(locked),
        )
        _decided(locked, actor, ProposalState.APPLIED)
    return locked


def proposal_reject(*, actor: User, proposal: ChangeProposal, reason: str) -> ChangeProposal:
    """The managing body declines the proposal, saying why; the facility's record is not touched."""
    reason = _reason(
        reason,
        field="reason",
        missing=_("Xin ghi lý do không chấp nhận."),
        too_long=_("Lý do không chấp nhận dài quá %(max)s ký tự."),
    )
    with transaction.atomic():
        locked = _decidable(proposal, actor)
        _decided(locked, actor, ProposalState.REJECTED, reason)
    return locked


def _data_of(facility: Facility) -> FacilityData:
    """The facility as it stands, as `facility_update` takes it (the place unchanged)."""
    place = ResolvedPlace(
        as_of=facility.place_recorded_on,
        province=facility.province,
        district=facility.district,
        commune=facility.commune,
    )
    return FacilityData(
        place=place,
        **{name: getattr(facility, name) for name in FacilityData.__dataclass_fields__ if name != "place"},
    )


# --- Notifications, after commit ------------------------------------------------------------------------------------


def _link(proposal: ChangeProposal) -> str:
    return reverse("facilities:detail", args=[proposal.facility_id]) + "#de-nghi"


def reviewers_of(facility: Facility) -> list[User]:
    """The officers of the bodies whose territory holds the facility (the province's and those under it) who may apply
    its proposals; national bodies see them in their list without a message for every facility of the country."""
    province = facility.current_province_id
    candidates = (
        User.objects.filter(is_active=True, roles__role__in=NOTIFIED_ROLES, organization__isnull=False)
        # A body's territory is a unit counted under the province today, or today's province itself.
        .filter(Q(organization__territory__current_province_id=province) | Q(organization__territory_id=province))
        .distinct()
        .select_related("organization__territory")
        .order_by("pk")
    )
    return [user for user in candidates if access.can_review_facility_proposal(user, facility)]


# The notifications below are stored as text on their rows (`reporting.Notification` keeps no code to translate
# later): written in Vietnamese whoever acts, as every notification of the system is.


def notify_reviewers(proposal_pk: int) -> None:  # vi-only: the stored text of a notification (a record)
    from khuyencong.reporting.models import NotificationKind
    from khuyencong.reporting.notify import notify_users

    proposal = ChangeProposal.objects.select_related("facility").get(pk=proposal_pk)
    facility = proposal.facility
    with translation.override("vi"):
        fields = ", ".join(row.label.lower() for row in proposal_rows(proposal, facility))
    notify_users(
        reviewers_of(facility),
        NotificationKind.FACILITY_PROPOSAL,
        f"proposal:{proposal.pk}",
        f"{facility.name} (mã {facility.code}) đề nghị thay đổi {fields} (đề nghị số {proposal.pk}).",
        _link(proposal),
    )


def notify_proposer(proposal_pk: int) -> None:  # vi-only: the stored text of a notification (a record)
    from khuyencong.reporting.models import NotificationKind
    from khuyencong.reporting.notify import notify_users

    proposal = ChangeProposal.objects.select_related("facility", "proposed_by").get(pk=proposal_pk)
    if proposal.proposed_by is None or not proposal.proposed_by.is_active:
        return
    if proposal.state == ProposalState.APPLIED:
        outcome = "đã được cập nhật vào hồ sơ cơ sở"
    else:
        outcome = f"không được chấp nhận: {proposal.decision_reason}"
    notify_users(
        [proposal.proposed_by],
        NotificationKind.PROPOSAL_DECIDED,
        f"proposal-decided:{proposal.pk}",
        f"Đề nghị thay đổi số {proposal.pk} của {proposal.facility.name} {outcome} ({proposal.decided_by_name}).",
        _link(proposal),
    )
