"""Every write to a đề án: one event per action, through the workflow, under a row lock, with the money rules."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.accounts.models import User
from khuyencong.audit.models import AuditAction
from khuyencong.audit.services import audit_entry_write, audit_snapshot
from khuyencong.core.codes import created_under_new_code, require_free_code
from khuyencong.core.corrections import VoidNote, apply_void_note, check_void, mark_voided
from khuyencong.core.numbers import format_money_active
from khuyencong.core.refusals import OutOfScope, Refused, refuse
from khuyencong.core.refusals import not_future as _not_future
from khuyencong.facilities.models import Facility
from khuyencong.facilities.priority import group_mask
from khuyencong.organizations.models import Organization, OrganizationLevel
from khuyencong.programs.models import Plan

from . import authority, dossier_rules, rules, timeline
from .models import (
    CounterpartVoucher,
    Payment,
    PaymentKind,
    Project,
    ProjectContent,
    ProjectEvent,
    ProjectKind,
    Result,
)
from .periods import refresh_periods
from .reach import derived_reach
from .recorded import recorded_province_of
from .timeline import Derived
from .workflow import EVENT_AMOUNTS, FORWARDED_SOURCES, LIVE_OPENINGS, PERCENT_ACTIONS, Action


def project_province(implementer: Organization, beneficiaries: Iterable[Facility]) -> int | None:
    """Today's province, for scoping: a local implementer's, else the beneficiaries' if shared. (The province as
    recorded depends on the đề án's date as well: `recorded.recorded_province_of`.)"""
    if implementer.level in (OrganizationLevel.PROVINCE, OrganizationLevel.DISTRICT, OrganizationLevel.COMMUNE):
        territory = implementer.territory
        if territory is not None:
            return territory.current_province_id or territory.pk
    today = {f.current_province_id for f in beneficiaries}
    return today.pop() if len(today) == 1 else None


@transaction.atomic
def project_create(
    *,
    actor: User,
    code: str,
    title: str,
    plan: Plan,
    content: ProjectContent,
    kind: str,
    implementer: Organization,
    beneficiaries: Iterable[Facility] = (),
    round: int | None = None,
    total_cost: Decimal | None = None,
    support_requested: Decimal | None = None,
    counterpart: Decimal | None = None,
) -> Project:
    beneficiaries = list(beneficiaries)
    project = Project(
        code=code, title=title, plan=plan, content=content, kind=kind, round=round, implementer=implementer,
        total_cost=total_cost, support_requested=support_requested, counterpart=counterpart,
    )  # fmt: skip
    project.province_id = project_province(implementer, beneficiaries)
    # No step yet: placed on 1 January of its plan's year until its history says otherwise (`_store`).
    project.recorded_province_id = recorded_province_of(project, events=[], beneficiaries=beneficiaries)
    if not authority.can_create_project(actor, implementer=implementer, province_id=project.province_id):
        raise authority.creation_out_of_scope()
    errors: dict[str, ValidationError] = {}
    if kind == ProjectKind.TASK and beneficiaries:
        errors["beneficiaries"] = ValidationError(
            _("Nhiệm vụ khuyến công khác không có cơ sở thụ hưởng."), code="beneficiaries_for_kind"
        )
    if kind == ProjectKind.FACILITY and len(beneficiaries) > 1:
        errors["beneficiaries"] = ValidationError(
            _("Đề án hỗ trợ một cơ sở chỉ có một cơ sở thụ hưởng; nhiều cơ sở là đề án nhóm."),
            code="beneficiaries_for_kind",
        )
    if total_cost is not None and support_requested is not None and support_requested > total_cost:
        errors["support_requested"] = ValidationError(
            _("Kinh phí đề nghị hỗ trợ %(support_requested)s lớn hơn tổng kinh phí %(total_cost)s.")
            % {
                "support_requested": format_money_active(support_requested),
                "total_cost": format_money_active(total_cost),
            },
            code="support_above_cost",
        )
    if errors:
        raise ValidationError(errors)
    require_free_code(Project, code, _("đề án"))
    if beneficiaries:
        keys = sorted({f.pk for f in beneficiaries})
        _share_lock_facilities(keys)
        project.reach, project.reach_groups = derived_reach(
            Facility.objects.filter(pk__in=keys).annotate(groups=group_mask(None)).values_list("pk", "groups")
        )
    project.full_clean(exclude=["province", "recorded_province"])
    with created_under_new_code(Project, code, _("đề án")):
        project.save()
    project.beneficiaries.set(beneficiaries)
    audit_entry_write(
        actor=actor,
        action=AuditAction.CREATE,
        instance=project,
        before={},
        after=audit_snapshot(project, ["code", "title", "plan", "content", "kind", "round", "implementer",
                                       "total_cost", "support_requested", "counterpart"]),
    )  # fmt: skip
    return project


def _share_lock_facilities(keys: list[int]) -> None:
    """The beneficiaries' groups are read under a shared lock: a change of one's priority groups (`facility_update`
    locks the facility for update) committed meanwhile would refresh the đề án it can see, and this one is not
    visible to it before we commit; shared, two đề án naming one facility do not wait for each other. Django's
    select_for_update has no shared mode; SQLite serialises writers on its own."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM facilities_facility WHERE id = ANY(%s) ORDER BY id FOR SHARE", [keys])


def _standing_events(project: Project) -> list[ProjectEvent]:
    return list(project.events.standing().select_related("organization").order_by("seq"))


def _advance_rule(project: Project, events: list[Any]) -> dossier_rules.AdvanceRule | None:
    """The first-advance rule of the đề án's content in force on its relevant date (its approval)."""
    day = dossier_rules.relevant_date(events, timezone.localdate())
    return dossier_rules.advance_rule_for(project.content.code, day)


def _whole_timeline(project: Project, events: list[Any], payments: list[Any]) -> tuple[Derived, timeline.Breach | None]:
    return timeline.check(
        events, payments, support_requested=project.support_requested, advance_rule=_advance_rule(project, events)
    )


def _check_timeline(project: Project, events: list[Any], payments: list[Any]) -> Derived:
    """The whole timeline after the write: refused with the first breach, naming its date and rule."""
    derived, breach = _whole_timeline(project, events, payments)
    if breach is not None:
        raise refuse(
            breach.field,
            _("Đề án %(code)s: %(message)s") % {"code": project.code, "message": breach.message},
            breach.code,
        )
    return derived


def _store(project: Project, events: list[ProjectEvent], derived: Derived) -> None:
    """Today's derivation cached on the đề án and on each standing event (what lists and reports read)."""
    changed = []
    for event, state in zip(events, derived.states, strict=True):
        if event.pk is not None and event.state_after != state:
            event.state_after = state
            changed.append(event)
    if changed:
        ProjectEvent.objects.bulk_update(changed, ["state_after"])
    position = derived.position
    project.state, project.resume_to = position.state, position.resume_to
    project.percent = derived.percent
    project.support_appraised, project.support_approved = derived.support_appraised, derived.support_approved
    project.support_contracted, project.support_settled = derived.support_contracted, derived.support_settled
    # The đề án's date is its earliest standing step: a step entered, voided or corrected may move it across the
    # reform, and with it the province it is reported under as recorded.
    project.recorded_province_id = recorded_province_of(project, events=events)
    project.save()
    refresh_periods(project)


def _lock(project: Project) -> Project:
    """Two people acting on the same đề án at once: the row lock makes the second wait and see the first's result.
    Only the đề án row is locked (`of=self`), not its plan: events on two đề án of one national plan go at once."""
    return Project.objects.select_for_update(of=("self",)).select_related("plan", "content").get(pk=project.pk)


def _require_right_to_record(actor: User, project: Project, act: Action, transcribed: bool) -> None:
    """The person's right to record this step, or to transcribe it as history. Asked before the đề án's row is locked
    (a person without it must take no lock: a viewer's request would hold the đề án's writers and meet their locks)
    and again on the locked row, whose facts the right reads may have changed meanwhile."""
    if transcribed:
        if not authority.can_enter_history(actor, project):
            raise OutOfScope(
                _("Bạn không được nhập lịch sử của đề án %(code)s (ngoài địa bàn hoặc thiếu vai trò).")
                % {"code": project.code}
            )
        if not authority.can_transcribe_step(actor, project, act):
            raise Refused(
                "decision_not_yours",
                _(
                    "«%(label)s» là quyết định của cơ quan có thẩm quyền: chỉ người được ghi quyết định đó "
                    "(hoặc được giao quyền nhập dữ liệu thay các cơ quan) mới nhập lịch sử bước này."
                )
                % {"label": act.label},
            )
    elif not authority.can_act_on_project(actor, project, act):
        raise Refused(
            "permission_denied",
            _("Bạn không có quyền «%(label)s» đề án %(code)s.") % {"label": act.label, "code": project.code},
        )


def _require_correcting(actor: User, project: Project, event: ProjectEvent) -> None:
    """Asked before the lock and on the locked rows, as `_require_right_to_record`."""
    if not authority.can_correct_event(actor, project, event):
        raise PermissionDenied(
            _("Bạn không có quyền đính chính «%(action)s» của đề án %(code)s.")
            % {"action": event.get_action_display(), "code": project.code}
        )


def _require_paying_correction(actor: User, project: Project) -> None:
    """Asked before the lock and on the locked rows, as `_require_right_to_record`."""
    if not authority.can_pay(actor, project):
        raise PermissionDenied(
            _("Bạn không có quyền đính chính thanh toán của đề án %(code)s.") % {"code": project.code}
        )


def _acting_body(
    project: Project,
    actor: User,
    act: Action,
    organization: Organization | None,
    transcribed: bool,
    document: str,
    on: datetime.date,
) -> Organization:
    """The body on whose authority the step is recorded, after checking the person who records it."""
    _require_right_to_record(actor, project, act, transcribed)
    if transcribed:
        # History entered after the fact: the person transcribes, the body named must hold the authority.
        if project.events.standing().filter(transcribed=False).exists():
            raise refuse(
                "action",
                _(
                    "Đề án %(code)s đã có bước ghi trực tiếp; chế độ nhập lịch sử chỉ dùng cho các bước đã "
                    "diễn ra trước khi đề án có trong hệ thống."
                )
                % {"code": project.code},
                "history_closed",
            )
        if organization is None:
            raise refuse(
                "organization", _("Nhập lịch sử phải ghi cơ quan đã thực hiện bước này."), "organization_required"
            )
        if organization.valid_until is not None and on > organization.valid_until:
            raise refuse(
                "organization",
                _("%(name)s đã ngừng hoạt động từ sau ngày %(valid_until)s; không thể «%(label)s» ngày %(on)s.")
                % {
                    "name": organization.name,
                    "valid_until": f"{organization.valid_until:%d/%m/%Y}",
                    "label": act.label,
                    "on": f"{on:%d/%m/%Y}",
                },
                "organization_dissolved",
            )
        if not authority.organization_may_act(organization, project, act, on):
            raise refuse(
                "organization",
                _("%(name)s không có thẩm quyền «%(label)s» đề án %(code)s (nguồn kinh phí %(funding_source)s).")
                % {
                    "name": organization.name,
                    "label": act.label,
                    "code": project.code,
                    "funding_source": project.plan.get_funding_source_display(),
                },
                "authority_denied",
            )
        return organization
    if authority.records_on_behalf(actor, project, act):
        body = authority.approving_body_for(project)
        assert body is not None
        if not document.strip():
            raise refuse(
                "document",
                _("Ghi quyết định thay mặt %(name)s phải có số, ký hiệu quyết định.") % {"name": body.name},
                "decision_required",
            )
        return body
    # A beneficiary's request reaches the approving body through the implementer (Circular 36/2013 Art. 11).
    by = actor.organization or (project.implementer if actor.facility_id else None)
    if by is None:
        raise refuse("organization", _("Không xác định được cơ quan thực hiện thao tác."), "organization_required")
    return by


@transaction.atomic
def project_record_event(
    *,
    project: Project,
    actor: User,
    action: str,
    on: datetime.date,
    amount: Decimal | None = None,
    percent: Decimal | None = None,
    note: str = "",
    document: str = "",
    organization: Organization | None = None,
    transcribed: bool = False,
    voided: VoidNote | None = None,
) -> ProjectEvent:
    """Records one step of the đề án's life, at the end of its sequence. Back-dating is allowed (records entered after
    the fact), never before the previous standing step, and never into the future. `transcribed`: a step another body
    took, entered by `actor` in its name (an import, "nhập lịch sử"); `voided`: a transcribed step that was already
    voided, kept in the history and left out of the replay."""
    act = Action(action)
    _require_right_to_record(actor, project, act, transcribed)
    project = _lock(project)
    by = _acting_body(project, actor, act, organization, transcribed, document, on)
    _not_future(on, _("Sự kiện"))
    if voided is not None:
        kept = ProjectEvent(
            project=project, seq=_next_seq(project), on=on, action=act, organization=by, actor=actor, amount=amount,
            percent=percent, note=note, document=document, state_after=project.state or "", transcribed=transcribed,
        )  # fmt: skip
        apply_void_note(kept, voided, actor=actor, dated=on)
        kept.full_clean(exclude=["project", "organization", "actor", "voided_by", "voided_actor", "state_after"])
        kept.save()
        return kept
    if not transcribed:
        _states_only_its_own(act, amount, percent)
    if act == Action.FORWARDED and project.plan.funding_source not in FORWARDED_SOURCES:
        raise refuse(
            "action",
            _("Chỉ đề án khuyến công quốc gia mới chuyển lên Bộ; đề án địa phương do UBND tỉnh phê duyệt."),
            "not_forwardable",
        )
    events = _standing_events(project)
    if not events and not transcribed and act not in LIVE_OPENINGS:
        raise refuse(
            "action",
            _(
                "Đề án %(code)s chưa có bước nào: bắt đầu bằng «%(label)s» hoặc «%(label2)s»; các bước đã "
                "diễn ra trước đó ghi ở chế độ «Nhập lịch sử»."
            )
            % {"code": project.code, "label": Action.REGISTERED.label, "label2": Action.SUBMITTED_FOR_APPRAISAL.label},
            "history_mode_required",
        )
    last = events[-1] if events else None
    if last is not None and on < last.on:
        raise refuse(
            "on",
            _("Ngày %(on)s trước bước liền trước (%(on2)s).") % {"on": f"{on:%d/%m/%Y}", "on2": f"{last.on:%d/%m/%Y}"},
            "date_order",
        )
    event = ProjectEvent(
        project=project, seq=_next_seq(project), on=on, action=act, organization=by, actor=actor,
        amount=amount, percent=percent, note=note, document=document, transcribed=transcribed,
    )  # fmt: skip
    derived = _check_timeline(project, [*events, event], list(project.payments.standing()))
    # Old đề án are judged by the rules in force on the date of the act, not today's.
    _legal_rules(project, act, amount, on)
    if not transcribed:
        require_documents(project, act, dossier_rules.relevant_date(events, on))
    event.state_after = derived.states[-1]
    event.full_clean(exclude=["project", "organization", "actor", "voided_by", "voided_actor"])
    event.save()
    _store(project, [*events, event], derived)
    return event


def _states_only_its_own(act: Action, amount: Decimal | None, percent: Decimal | None) -> None:
    """A step taken here states an amount or a percent only where it has one (`workflow.EVENT_AMOUNTS`,
    `PERCENT_ACTIONS`): "Kiểm tra: 200.000.000 đồng" says nothing anyone can use. Transcribed steps keep what their
    source says, as the exchange format carries an amount on any event."""
    if amount is not None and act not in EVENT_AMOUNTS:
        raise refuse(
            "amount",
            _("Bước «%(action)s» không ghi số tiền: để trống ô này.") % {"action": act.label},
            "amount_not_taken",
        )
    if percent is not None and act not in PERCENT_ACTIONS:
        raise refuse(
            "percent",
            _("Bước «%(action)s» không ghi khối lượng hoàn thành: để trống ô này.") % {"action": act.label},
            "percent_not_taken",
        )


def documents_lacking(
    project: Project, steps: Iterable[str], day: datetime.date
) -> dict[str, list[dossier_rules.RequiredDocument]]:
    """The documents each of `steps` still lacks, by the rules in force on `day` (`require_documents` refuses a step
    with any; the đề án page marks such steps before they are sent). One query whatever the number of steps."""
    attached = list(project.documents.standing().values_list("kind", flat=True))
    lacking = {step: dossier_rules.missing_documents(project.content.code, step, day, attached) for step in steps}
    return {step: documents for step, documents in lacking.items() if documents}


def require_documents(project: Project, step: str, day: datetime.date) -> None:
    """A step taken here needs the documents its content's dossier lists for it (Circular 36/2013 Art. 14, 16,
    Phụ lục 2 and 4), attached and standing. Steps entered after the fact are not held to it: their paper dossier
    was made before the đề án came into the system (the page's checklist still shows what is not attached)."""
    missing = documents_lacking(project, [step], day).get(step)
    if not missing:
        return
    from .models import DocumentKind

    listed = "; ".join(f"{DocumentKind(r.kind).label} ({r.citation})" for r in missing)
    label = dossier_rules.DossierStep(step).label
    raise refuse(
        "action" if step != dossier_rules.DossierStep.ADVANCE else "kind",
        _("Đề án %(code)s: chưa thể «%(label)s» vì còn thiếu tài liệu: %(listed)s. Hãy đính kèm trước.")
        % {"code": project.code, "label": label, "listed": listed},
        "documents_missing",
    )


def _next_seq(project: Project) -> int:
    last = project.events.order_by("-seq").values_list("seq", flat=True).first()
    return (last or 0) + 1


def _legal_rules(project: Project, act: Action, amount: Decimal | None, on: datetime.date) -> None:
    legal: dict[str, list[str]] = {}
    if act in (Action.APPRAISAL_PASSED, Action.APPROVED, Action.ADJUSTMENT_APPROVED) and amount is not None:
        legal["amount"] = [str(f) for f in rules.support_cap_findings(project, amount, on) if f.severity == rules.ERROR]
    if act == Action.APPROVED:
        legal["action"] = [str(f) for f in rules.eligibility_findings(project, on) if f.severity == rules.ERROR]
    if any(legal.values()):
        codes = {"amount": "support_cap_amount", "action": "eligibility"}
        raise ValidationError(
            {
                name: [ValidationError(m, code=codes[name]) for m in messages]
                for name, messages in legal.items()
                if messages
            }
        )


@transaction.atomic
def project_void_event(
    *,
    project: Project,
    event: ProjectEvent,
    actor: User,
    reason: str,
    on: datetime.date | None = None,
    by: Organization | None = None,
) -> ProjectEvent:
    """Voids a step recorded by mistake. The rest of the timeline must stay lawful without it: voiding an approval
    that a contract depends on is refused until the contract is voided first."""
    _require_correcting(actor, project, event)
    project = _lock(project)
    event = project.events.select_for_update().get(pk=event.pk)
    _require_correcting(actor, project, event)
    day = on or timezone.localdate()
    reason = check_void(event, on=day, reason=reason, dated=event.on)
    rest = [e for e in _standing_events(project) if e.pk != event.pk]
    derived = _check_after_void(project, event, rest)
    mark_voided(event, actor=actor, on=day, reason=reason, by=by)
    _store(project, rest, derived)
    _audit_void(actor, event, reason)
    return event


def _check_after_void(project: Project, event: ProjectEvent, rest: list[ProjectEvent]) -> Derived:
    derived, breach = _whole_timeline(project, rest, list(project.payments.standing()))
    if breach is not None:
        raise refuse(
            "voided",
            _(
                "Không thể huỷ «%(action)s» ngày %(on)s của đề án %(code)s: không có bước này thì "
                "%(consequence)s Hãy huỷ các bước, chứng từ sau dựa vào nó trước."
            )
            % {
                "action": event.get_action_display(),
                "on": f"{event.on:%d/%m/%Y}",
                "code": project.code,
                "consequence": breach.message[0].lower() + breach.message[1:],
            },
            "correction_breaks_history",
        )
    return derived


@transaction.atomic
def project_correct_event(
    *,
    project: Project,
    event: ProjectEvent,
    actor: User,
    reason: str,
    on: datetime.date,
    amount: Decimal | None = None,
    percent: Decimal | None = None,
    note: str = "",
    document: str = "",
) -> ProjectEvent:
    """Supersedes a step: the wrong entry is voided and a corrected one takes its place in the sequence, the same
    action by the same body; the whole timeline is checked with the corrected values."""
    _require_correcting(actor, project, event)
    project = _lock(project)
    event = project.events.select_for_update().select_related("organization").get(pk=event.pk)
    _require_correcting(actor, project, event)
    today = timezone.localdate()
    reason = f"Đính chính: {check_void(event, on=today, reason=reason, dated=None)}"  # vi-only: a stored record
    _not_future(on, _("Sự kiện"))
    if not event.transcribed:
        # A correction says the step again: it states no more than the step itself may.
        _states_only_its_own(Action(event.action), amount, percent)
    if event.action in authority.DECISIONS and event.document.strip() and not document.strip():
        raise refuse(
            "document", _("Đính chính một quyết định phải giữ số, ký hiệu quyết định của nó."), "decision_required"
        )
    corrected = ProjectEvent(
        project=project, seq=event.seq + 1, on=on, action=event.action, organization=event.organization, actor=actor,
        amount=amount, percent=percent, note=note, document=document, transcribed=event.transcribed,
    )  # fmt: skip
    standing = _standing_events(project)
    timeline_events = [corrected if e.pk == event.pk else e for e in standing]
    derived = _check_timeline(project, timeline_events, list(project.payments.standing()))
    _legal_rules(project, Action(event.action), amount, on)
    mark_voided(event, actor=actor, on=today, reason=reason)
    # The corrected step goes right after the one it replaces: later steps move one place down. Two updates through
    # a range no sequence number uses, so that the unique (project, seq) holds after each statement.
    later = project.events.filter(seq__gt=event.seq)
    later.update(seq=F("seq") + SEQ_SHIFT)
    project.events.filter(seq__gt=SEQ_SHIFT).update(seq=F("seq") - SEQ_SHIFT + 1)
    corrected.state_after = derived.states[timeline_events.index(corrected)]
    corrected.full_clean(exclude=["project", "organization", "actor", "voided_by", "voided_actor"])
    corrected.save()
    refreshed = _standing_events(project)
    _store(project, refreshed, derived)
    _audit_void(actor, event, reason, replaced_by=corrected)
    return corrected


SEQ_SHIFT = 1_000_000


def _audit_void(actor: User, entry: Any, reason: str, *, replaced_by: Any = None) -> None:
    after: dict[str, str | None] = {"voided": f"{entry.voided_on:%d/%m/%Y}: {reason}"}
    if replaced_by is not None:
        after["replaced_by"] = str(replaced_by)
    audit_entry_write(actor=actor, action=AuditAction.VOID, instance=entry, before={"voided": None}, after=after,
                      note=reason[:500])  # fmt: skip


def project_submit(
    *,
    project: Project,
    actor: User,
    on: datetime.date,
    amount: Decimal | None = None,
    note: str = "",
    document: str = "",
) -> ProjectEvent:
    return project_record_event(
        project=project, actor=actor, action=Action.SUBMITTED_FOR_APPRAISAL, on=on, amount=amount, note=note,
        document=document,
    )  # fmt: skip


def project_approve(
    *, project: Project, actor: User, on: datetime.date, amount: Decimal, note: str = "", document: str = ""
) -> ProjectEvent:
    return project_record_event(
        project=project, actor=actor, action=Action.APPROVED, on=on, amount=amount, note=note, document=document
    )


def project_sign_contract(
    *,
    project: Project,
    actor: User,
    on: datetime.date,
    amount: Decimal | None = None,
    note: str = "",
    document: str = "",
) -> ProjectEvent:
    return project_record_event(
        project=project, actor=actor, action=Action.CONTRACT_SIGNED, on=on, amount=amount, note=note, document=document
    )


def project_report_progress(
    *, project: Project, actor: User, on: datetime.date, percent: Decimal, note: str = ""
) -> ProjectEvent:
    return project_record_event(project=project, actor=actor, action=Action.PROGRESS, on=on, percent=percent, note=note)


def payments_net(project: Project) -> Decimal:
    """Advances and payments less refunds, voided vouchers left out."""
    payments = project.payments.standing()
    out = payments.exclude(kind=PaymentKind.REFUND).aggregate(total=Sum("amount", default=Decimal(0)))["total"]
    back = payments.filter(kind=PaymentKind.REFUND).aggregate(total=Sum("amount", default=Decimal(0)))["total"]
    return out - back


PAYMENT_FIELDS = ["on", "kind", "amount", "document"]
RESULT_FIELDS = ["indicator", "value", "on"]


def _may_write(actor: User, project: Project, allowed: bool, transcribed: bool, what: str) -> None:
    if allowed or (transcribed and authority.can_enter_history(actor, project)):
        return
    raise PermissionDenied(
        _("Bạn không có quyền ghi %(what)s của đề án %(code)s.") % {"what": what, "code": project.code}
    )


@transaction.atomic
def payment_record(
    *,
    project: Project,
    actor: User,
    on: datetime.date,
    kind: str,
    amount: Decimal,
    document: str = "",
    transcribed: bool = False,
    voided: VoidNote | None = None,
) -> Payment:
    """Records a voucher, in any order: advances + payments − refunds never exceed the approved (or adjusted)
    support on any date, and never fall below zero; nothing is paid before the contract or after settlement
    (Circular 36/2013 Art. 12–18); after a stop only refunds are recorded."""
    # Before the lock and on the locked row, as `_require_right_to_record`.
    _may_write(actor, project, authority.can_pay(actor, project), transcribed, _("thanh toán"))
    project = _lock(project)
    _may_write(actor, project, authority.can_pay(actor, project), transcribed, _("thanh toán"))
    payment = Payment(
        project=project, on=on, kind=kind, amount=amount, document=document, actor=actor, transcribed=transcribed
    )
    if voided is not None:
        # A voided voucher is not judged against the timeline (it is out of it), but it must be one that could exist.
        if payment.amount is None or payment.amount <= 0:
            raise refuse("amount", _("Số tiền phải lớn hơn 0."), "amount_not_positive")
        _not_future(on, _("Chứng từ"))
        apply_void_note(payment, voided, actor=actor, dated=on)
        payment.full_clean(exclude=["project", "actor", "voided_by", "voided_actor"])
    else:
        _check_payment(project, payment, exclude=None)
        if not transcribed and payment.kind == PaymentKind.ADVANCE:
            require_documents(
                project, dossier_rules.DossierStep.ADVANCE, dossier_rules.relevant_date(_standing_events(project), on)
            )
    payment.save()
    refresh_periods(project)
    audit_entry_write(actor=actor, action=AuditAction.CREATE, instance=payment, before={},
                      after=audit_snapshot(payment, PAYMENT_FIELDS))  # fmt: skip
    return payment


def _check_payment(project: Project, payment: Payment, *, exclude: int | None) -> None:
    if payment.amount is None or payment.amount <= 0:
        raise refuse("amount", _("Số tiền phải lớn hơn 0."), "amount_not_positive")
    _not_future(payment.on, _("Chứng từ"))
    payment.full_clean(exclude=["project", "actor", "voided_by", "voided_actor"])
    out_of_year = rules.fiscal_year_findings(project, payment.on) if payment.kind != PaymentKind.REFUND else []
    if out_of_year:
        raise ValidationError({"on": [ValidationError(str(f), code="fiscal_year") for f in out_of_year]})
    others = [p for p in project.payments.standing() if p.pk != exclude]
    _check_timeline(project, _standing_events(project), [*others, payment])


@transaction.atomic
def payment_void(
    *,
    project: Project,
    payment: Payment,
    actor: User,
    reason: str,
    on: datetime.date | None = None,
    by: Organization | None = None,
) -> Payment:
    """Voids a voucher entered by mistake; a refund that it covered must not be left above what was paid."""
    _require_paying_correction(actor, project)
    project = _lock(project)
    payment = project.payments.select_for_update().get(pk=payment.pk)
    _require_paying_correction(actor, project)
    day = on or timezone.localdate()
    reason = check_void(payment, on=day, reason=reason, dated=payment.on)
    rest = [p for p in project.payments.standing() if p.pk != payment.pk]
    _derived, breach = _whole_timeline(project, _standing_events(project), rest)
    if breach is not None:
        raise refuse(
            "voided",
            _("Không thể huỷ chứng từ ngày %(on)s: %(message)s")
            % {"on": f"{payment.on:%d/%m/%Y}", "message": breach.message},
            "correction_breaks_history",
        )
    mark_voided(payment, actor=actor, on=day, reason=reason, by=by)
    refresh_periods(project)
    _audit_void(actor, payment, reason)
    return payment


@transaction.atomic
def payment_correct(
    *, project: Project, payment: Payment, actor: User, reason: str, on: datetime.date, kind: str, amount: Decimal,
    document: str = "",
) -> Payment:  # fmt: skip
    """Supersedes a voucher: the wrong one is voided and the corrected one recorded, checked together."""
    _require_paying_correction(actor, project)
    project = _lock(project)
    payment = project.payments.select_for_update().get(pk=payment.pk)
    _require_paying_correction(actor, project)
    today = timezone.localdate()
    reason = f"Đính chính: {check_void(payment, on=today, reason=reason, dated=None)}"  # vi-only: a stored record
    corrected = Payment(project=project, on=on, kind=kind, amount=amount, document=document, actor=actor)
    _check_payment(project, corrected, exclude=payment.pk)
    mark_voided(payment, actor=actor, on=today, reason=reason)
    corrected.save()
    refresh_periods(project)
    _audit_void(actor, payment, reason, replaced_by=corrected)
    audit_entry_write(actor=actor, action=AuditAction.CREATE, instance=corrected, before={},
                      after=audit_snapshot(corrected, PAYMENT_FIELDS), note=reason[:500])  # fmt: skip
    return corrected


@transaction.atomic
def result_record(
    *,
    project: Project,
    actor: User,
    indicator: str,
    value: Decimal,
    on: datetime.date,
    transcribed: bool = False,
    voided: VoidNote | None = None,
) -> Result:
    _may_write(actor, project, authority.can_record_result(actor, project), transcribed, _("kết quả"))
    _not_future(on, _("Kết quả"))
    result = Result(project=project, indicator=indicator, value=value, on=on, actor=actor)
    if voided is not None:
        apply_void_note(result, voided, actor=actor, dated=on)
    result.full_clean(exclude=["project", "actor", "voided_by", "voided_actor"])
    result.save()
    audit_entry_write(actor=actor, action=AuditAction.CREATE, instance=result, before={},
                      after=audit_snapshot(result, RESULT_FIELDS))  # fmt: skip
    return result


@transaction.atomic
def result_void(
    *,
    project: Project,
    result: Result,
    actor: User,
    reason: str,
    on: datetime.date | None = None,
    by: Organization | None = None,
) -> Result:
    # Before the row lock: a person without the right takes none (as `_require_right_to_record`).
    if not authority.can_record_result(actor, project):
        raise PermissionDenied(_("Bạn không có quyền đính chính kết quả của đề án %(code)s.") % {"code": project.code})
    result = project.results.select_for_update().get(pk=result.pk)
    day = on or timezone.localdate()
    reason = check_void(result, on=day, reason=reason, dated=result.on)
    mark_voided(result, actor=actor, on=day, reason=reason, by=by)
    _audit_void(actor, result, reason)
    return result


COUNTERPART_FIELDS = ["on", "amount", "document", "description"]


def _require_counterpart(actor: User, project: Project, refused: str) -> None:
    """Asked before the lock and on the locked row, as `_require_right_to_record`."""
    if not authority.can_record_counterpart(actor, project):
        raise PermissionDenied(refused % {"code": project.code})


@transaction.atomic
def counterpart_record(
    *, project: Project, actor: User, on: datetime.date, amount: Decimal, document: str, description: str = ""
) -> CounterpartVoucher:
    """Declares a voucher of the facility's own share: dated, numbered, never in the future, positive; its sum is
    shown beside the KC support and read by the dossier's forms (`selectors.counterpart_total`)."""
    _require_counterpart(actor, project, _("Bạn không có quyền ghi vốn đối ứng của đề án %(code)s."))
    project = _lock(project)
    _require_counterpart(actor, project, _("Bạn không có quyền ghi vốn đối ứng của đề án %(code)s."))
    if amount is None or amount <= 0:
        raise refuse("amount", _("Số tiền đối ứng phải lớn hơn 0."), "amount_not_positive")
    if not document.strip():
        raise refuse("document", _("Chứng từ vốn đối ứng phải có số chứng từ."), "document_required")
    _not_future(on, _("Chứng từ đối ứng"))
    voucher = CounterpartVoucher(
        project=project, on=on, amount=amount, document=document.strip(), description=description.strip(), actor=actor
    )
    voucher.full_clean(exclude=["project", "actor", "voided_by", "voided_actor"])
    voucher.save()
    audit_entry_write(actor=actor, action=AuditAction.CREATE, instance=voucher, before={},
                      after=audit_snapshot(voucher, COUNTERPART_FIELDS))  # fmt: skip
    return voucher


@transaction.atomic
def counterpart_void(
    *, project: Project, voucher: CounterpartVoucher, actor: User, reason: str, on: datetime.date | None = None
) -> CounterpartVoucher:
    """A counterpart voucher entered by mistake is voided with who, when and why, never deleted."""
    refused = _("Bạn không có quyền đính chính vốn đối ứng của đề án %(code)s.")
    _require_counterpart(actor, project, refused)
    project = _lock(project)
    voucher = project.counterpart_vouchers.select_for_update().get(pk=voucher.pk)
    _require_counterpart(actor, project, refused)
    day = on or timezone.localdate()
    reason = check_void(voucher, on=day, reason=reason, dated=voucher.on)
    mark_voided(voucher, actor=actor, on=day, reason=reason)
    _audit_void(actor, voucher, reason)
    return voucher
