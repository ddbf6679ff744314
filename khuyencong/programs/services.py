"""Writes to programmes and plans: permission-checked, validated, atomic and audited."""

from __future__ import annotations

import datetime
import sys
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.accounts import access
from khuyencong.accounts.models import User
from khuyencong.audit.models import AuditAction
from khuyencong.audit.services import audit_entry_write, audit_snapshot
from khuyencong.core.codes import created_under_new_code, require_free_code
from khuyencong.core.corrections import VoidNote, apply_void_note, check_void, mark_voided
from khuyencong.core.numbers import format_money_active
from khuyencong.core.refusals import not_future as _not_future
from khuyencong.core.refusals import refuse
from khuyencong.organizations.models import Organization, OrganizationKind

from .models import Allocation, BudgetDecision, BudgetKind, Plan, Program, ProgramTarget


def _created(
    actor: User, instance: Plan | Program | ProgramTarget | BudgetDecision | Allocation, fields: list[str]
) -> None:
    audit_entry_write(
        actor=actor, action=AuditAction.CREATE, instance=instance, before={}, after=audit_snapshot(instance, fields)
    )


@transaction.atomic
def program_create(
    *, actor: User, owner: Organization, targets: Sequence[tuple[str, Decimal, str]] = (), **fields: object
) -> Program:
    if not access.can_manage_plan(actor, owner):
        raise PermissionDenied(_("Bạn không có quyền tạo chương trình cho cơ quan này."))
    program = Program(**fields)
    require_free_code(Program, program.code, _("chương trình"))
    program.full_clean()
    rows = [
        ProgramTarget(program=program, indicator=indicator, value=value, unit=unit)
        for indicator, value, unit in targets
    ]
    for row in rows:
        try:
            row.full_clean(exclude=["program", "voided_by", "voided_actor"])
        except ValidationError as error:
            problems = "; ".join(" ".join(messages) for messages in error.message_dict.values())
            raise ValidationError(
                {
                    "targets": _("Chỉ tiêu «%(target)s»: %(problems)s")
                    % {"target": row.indicator[:60], "problems": problems}
                }
            ) from error
    with created_under_new_code(Program, program.code, _("chương trình")):
        program.save()
    _created(actor, program, ["code", "name", "level", "territory", "start_year", "end_year"])
    for row in rows:
        row.program = program
        row.save()
        _created(actor, row, ["indicator", "value", "unit"])
    return program


@transaction.atomic
def plan_create(
    *, actor: User, code: str, year: int, funding_source: str, owner: Organization, program: Program | None = None
) -> Plan:
    if not access.can_manage_plan(actor, owner):
        raise PermissionDenied(_("Bạn không có quyền lập kế hoạch cho cơ quan này."))
    require_free_code(Plan, code, _("kế hoạch"))
    plan = Plan(code=code, year=year, funding_source=funding_source, owner=owner, program=program)
    plan.full_clean()
    with created_under_new_code(Plan, code, _("kế hoạch")):
        plan.save()
    _created(actor, plan, ["code", "year", "funding_source", "owner", "program"])
    return plan


def _plan_breach(plan: Plan, decisions: list[BudgetDecision], allocations: list[Allocation]) -> ValidationError | None:
    """The plan's whole money timeline, whatever order it was entered in: one original decision, before every
    revision; on every date the allocations so far stay within the budget in force that day (Decree 45/2012
    Art. 12–14: units are given money out of the estimate the plan holds)."""
    # The order `plan_budget_on` reads them in: by date, the original first, then as recorded (a new one last).
    ordered = sorted(decisions, key=lambda d: (d.on, d.kind != BudgetKind.ORIGINAL, d.pk or sys.maxsize))
    originals = [d for d in ordered if d.kind == BudgetKind.ORIGINAL]
    if ordered and not originals:
        return refuse("kind", _("Kế hoạch chưa có dự toán giao ban đầu; quyết định đầu tiên phải là giao ban đầu."),
                      "budget_original_missing")  # fmt: skip
    if len(originals) > 1:
        return refuse("kind", _("Kế hoạch đã có dự toán giao ban đầu; hãy ghi quyết định điều chỉnh."),
                      "budget_original_twice")  # fmt: skip
    if ordered and ordered[0].kind != BudgetKind.ORIGINAL:
        first = ordered[0]
        return refuse("on", _("Quyết định điều chỉnh ngày %(day)s trước dự toán giao ban đầu (%(original)s).")
                      % {"day": f"{first.on:%d/%m/%Y}", "original": f"{originals[0].on:%d/%m/%Y}"},
                      "date_order")  # fmt: skip
    for decision in ordered:
        if decision.on.year < plan.year - 1:
            return refuse("on", _("Dự toán năm %(year)s không thể quyết định trước năm %(before)s.")
                          % {"year": plan.year, "before": plan.year - 1},
                          "date_out_of_range")  # fmt: skip
    allocated = Decimal(0)
    by_day: dict[datetime.date, Decimal] = {}
    for allocation in allocations:
        by_day[allocation.on] = by_day.get(allocation.on, Decimal(0)) + allocation.amount
    for day in sorted(by_day.keys() | {d.on for d in ordered}):
        allocated += by_day.get(day, Decimal(0))
        in_force = [d for d in ordered if d.on <= day]
        budget = in_force[-1].amount if in_force else None
        if allocated and budget is None:
            return refuse(
                "on",
                _("Ngày %(day)s kế hoạch chưa có dự toán được giao.") % {"day": f"{day:%d/%m/%Y}"},
                "budget_missing",
            )
        if budget is not None and allocated > budget:
            above = _("Vượt dự toán: đến ngày %(day)s đã phân bổ %(allocated)s, lớn hơn dự toán %(budget)s.")
            values = {
                "day": f"{day:%d/%m/%Y}",
                "allocated": format_money_active(allocated),
                "budget": format_money_active(budget),
            }
            return refuse("amount", above % values, "allocation_above_budget")
    return None


def _check_plan(
    plan: Plan,
    *,
    add_decision: BudgetDecision | None = None,
    add_allocation: Allocation | None = None,
    without: BudgetDecision | Allocation | None = None,
) -> None:
    decisions = [d for d in plan.budget_decisions.standing() if d != without]
    allocations = [a for a in plan.allocations.standing() if a != without]
    breach = _plan_breach(
        plan,
        [*decisions, *([add_decision] if add_decision else [])],
        [*allocations, *([add_allocation] if add_allocation else [])],
    )
    if breach is not None:
        raise breach


@transaction.atomic
def plan_budget_decide(
    *,
    plan: Plan,
    actor: User,
    on: datetime.date,
    kind: str,
    amount: Decimal,
    decision: str = "",
    voided: VoidNote | None = None,
) -> BudgetDecision:
    """Records a budget decision, in any order: the plan's timeline must stay lawful on every date."""
    if not access.can_manage_plan(actor, plan.owner):
        raise PermissionDenied(_("Bạn không có quyền ghi dự toán của kế hoạch này."))
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    _not_future(on, _("Quyết định dự toán"))
    budget = BudgetDecision(plan=plan, on=on, kind=kind, amount=amount, decision=decision)
    budget.full_clean(exclude=["voided_by", "voided_actor"])
    if voided is not None:
        apply_void_note(budget, voided, actor=actor, dated=on)
    else:
        _check_plan(plan, add_decision=budget)
    budget.save()
    _created(actor, budget, ["on", "kind", "amount", "decision"])
    return budget


@transaction.atomic
def plan_allocate(
    *,
    plan: Plan,
    actor: User,
    on: datetime.date,
    to: Organization,
    amount: Decimal,
    decision: str = "",
    voided: VoidNote | None = None,
) -> Allocation:
    """Assigns part of the plan's budget to an implementing unit, in any order: on every date the total allocated
    stays within the budget in force."""
    if not access.can_manage_plan(actor, plan.owner):
        raise PermissionDenied(_("Bạn không có quyền phân bổ kinh phí của kế hoạch này."))
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    _not_future(on, _("Phân bổ"))
    if to.valid_until is not None and on > to.valid_until:
        raise refuse(
            "to",
            _("%(unit)s đã ngừng hoạt động từ sau ngày %(day)s; không phân bổ cho đơn vị này.")
            % {"unit": to.name, "day": f"{to.valid_until:%d/%m/%Y}"},
            "organization_dissolved",
        )
    allocation = Allocation(plan=plan, on=on, to=to, amount=amount, decision=decision)
    allocation.full_clean(exclude=["voided_by", "voided_actor"])
    if voided is not None:
        apply_void_note(allocation, voided, actor=actor, dated=on)
    else:
        _check_plan(plan, add_allocation=allocation)
    allocation.save()
    _created(actor, allocation, ["on", "to", "amount", "decision"])
    return allocation


def _void(
    actor: User,
    entry: BudgetDecision | Allocation | ProgramTarget,
    reason: str,
    day: datetime.date,
    *,
    by: Organization | None = None,
) -> None:
    mark_voided(entry, actor=actor, on=day, reason=reason, by=by)
    audit_entry_write(actor=actor, action=AuditAction.VOID, instance=entry, before={"voided": None},
                      after={"voided": f"{day:%d/%m/%Y}: {reason}"}, note=reason)  # fmt: skip


@transaction.atomic
def plan_entry_void(
    *,
    entry: BudgetDecision | Allocation,
    actor: User,
    reason: str,
    on: datetime.date | None = None,
    by: Organization | None = None,
) -> BudgetDecision | Allocation:
    """Voids a budget decision or an allocation entered by mistake; what remains must stay lawful (a budget may not
    be voided while the allocations it covers remain)."""
    plan = Plan.objects.select_for_update().get(pk=entry.plan_id)
    if not access.can_manage_plan(actor, plan.owner):
        raise PermissionDenied(_("Bạn không có quyền đính chính dự toán, phân bổ của kế hoạch này."))
    entry = type(entry).objects.select_for_update().get(pk=entry.pk)
    day = on or timezone.localdate()
    reason = check_void(entry, on=day, reason=reason, dated=entry.on)
    try:
        _check_plan(plan, without=entry)
    except ValidationError as breach:
        message = " ".join(breach.messages)
        raise refuse("voided", _("Không thể huỷ %(entry)s: không có nó thì %(breach)s")
                     % {"entry": entry, "breach": f"{message[0].lower()}{message[1:]}"},
                     "correction_breaks_history") from breach  # fmt: skip
    _void(actor, entry, reason, day, by=by)
    return entry


@transaction.atomic
def plan_entry_correct(
    *,
    entry: BudgetDecision | Allocation,
    actor: User,
    reason: str,
    on: datetime.date,
    amount: Decimal,
    decision: str = "",
) -> BudgetDecision | Allocation:
    """Supersedes a budget decision or an allocation: the wrong one is voided, the corrected one recorded (same kind,
    same unit), and the plan's timeline is checked with the corrected values."""
    plan = Plan.objects.select_for_update().get(pk=entry.plan_id)
    if not access.can_manage_plan(actor, plan.owner):
        raise PermissionDenied(_("Bạn không có quyền đính chính dự toán, phân bổ của kế hoạch này."))
    entry = type(entry).objects.select_for_update().get(pk=entry.pk)
    reason = f"Đính chính: {check_void(entry, on=timezone.localdate(), reason=reason, dated=None)}"  # vi-only: stored
    _not_future(on, _("Bản ghi"))
    corrected: BudgetDecision | Allocation
    if isinstance(entry, BudgetDecision):
        corrected = BudgetDecision(plan=plan, on=on, kind=entry.kind, amount=amount, decision=decision)
        corrected.full_clean(exclude=["voided_by", "voided_actor"])
        _check_plan(plan, add_decision=corrected, without=entry)
    else:
        corrected = Allocation(plan=plan, on=on, to=entry.to, amount=amount, decision=decision)
        corrected.full_clean(exclude=["voided_by", "voided_actor"])
        _check_plan(plan, add_allocation=corrected, without=entry)
    _void(actor, entry, reason, timezone.localdate())
    corrected.save()
    _created(actor, corrected, ["on", "amount", "decision"])
    return corrected


@transaction.atomic
def program_target_void(*, target: ProgramTarget, actor: User, reason: str) -> ProgramTarget:
    program = target.program
    owner = _program_owner(program)
    if owner is None or not access.can_manage_plan(actor, owner):
        raise PermissionDenied(_("Bạn không có quyền đính chính chỉ tiêu của chương trình này."))
    target = ProgramTarget.objects.select_for_update().get(pk=target.pk)
    day = timezone.localdate()
    reason = check_void(target, on=day, reason=reason, dated=None)
    _void(actor, target, reason, day)
    return target


@transaction.atomic
def program_target_add(
    *, program: Program, actor: User, indicator: str, value: Decimal, unit: str, reason: str = ""
) -> ProgramTarget:
    owner = _program_owner(program)
    if owner is None or not access.can_manage_plan(actor, owner):
        raise PermissionDenied(_("Bạn không có quyền ghi chỉ tiêu của chương trình này."))
    target = ProgramTarget(program=program, indicator=indicator, value=value, unit=unit)
    target.full_clean(exclude=["voided_by", "voided_actor"])
    target.save()
    audit_entry_write(actor=actor, action=AuditAction.CREATE, instance=target, before={},
                      after=audit_snapshot(target, ["indicator", "value", "unit"]), note=reason[:500])  # fmt: skip
    return target


def _program_owner(program: Program) -> Organization | None:
    """The body that approves the programme: the Cục for a national one, the UBND tỉnh for a provincial one."""
    if program.territory_id is None:
        return Organization.objects.filter(kind=OrganizationKind.DEPARTMENT).order_by("pk").first()
    return (
        Organization.objects.filter(kind=OrganizationKind.PROVINCIAL_COMMITTEE, territory_id=program.territory_id)
        .order_by("pk")
        .first()
    )
