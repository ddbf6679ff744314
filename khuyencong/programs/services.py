"""Writes to programmes and plans: permission-checked, validated, atomic and audited."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from khuyencong.accounts import access
from khuyencong.accounts.models import User
from khuyencong.audit.models import AuditAction
from khuyencong.audit.services import audit_entry_write, audit_snapshot
from khuyencong.core.codes import created_under_new_code, require_free_code
from khuyencong.core.numbers import format_money
from khuyencong.organizations.models import Organization

from .models import Allocation, BudgetDecision, BudgetKind, Plan, Program, ProgramTarget
from .selectors import plan_allocated_on, plan_budget_on


def _created(actor: User, instance: Plan | Program | BudgetDecision | Allocation, fields: list[str]) -> None:
    audit_entry_write(
        actor=actor, action=AuditAction.CREATE, instance=instance, before={}, after=audit_snapshot(instance, fields)
    )


@transaction.atomic
def program_create(
    *, actor: User, owner: Organization, targets: Sequence[tuple[str, Decimal, str]] = (), **fields: object
) -> Program:
    if not access.can_manage_plan(actor, owner):
        raise PermissionDenied("Bạn không có quyền tạo chương trình cho cơ quan này.")
    program = Program(**fields)
    require_free_code(Program, program.code, "chương trình")
    program.full_clean()
    rows = [
        ProgramTarget(program=program, indicator=indicator, value=value, unit=unit)
        for indicator, value, unit in targets
    ]
    for row in rows:
        try:
            row.full_clean(exclude=["program"])
        except ValidationError as error:
            problems = "; ".join(" ".join(messages) for messages in error.message_dict.values())
            raise ValidationError({"targets": f"Chỉ tiêu «{row.indicator[:60]}»: {problems}"}) from error
    with created_under_new_code(Program, program.code, "chương trình"):
        program.save()
    for row in rows:
        row.program = program
        row.save()
    _created(actor, program, ["code", "name", "level", "territory", "start_year", "end_year"])
    return program


@transaction.atomic
def plan_create(
    *, actor: User, code: str, year: int, funding_source: str, owner: Organization, program: Program | None = None
) -> Plan:
    if not access.can_manage_plan(actor, owner):
        raise PermissionDenied("Bạn không có quyền lập kế hoạch cho cơ quan này.")
    require_free_code(Plan, code, "kế hoạch")
    plan = Plan(code=code, year=year, funding_source=funding_source, owner=owner, program=program)
    plan.full_clean()
    with created_under_new_code(Plan, code, "kế hoạch"):
        plan.save()
    _created(actor, plan, ["code", "year", "funding_source", "owner", "program"])
    return plan


@transaction.atomic
def plan_budget_decide(
    *, plan: Plan, actor: User, on: datetime.date, kind: str, amount: Decimal, decision: str = ""
) -> BudgetDecision:
    """Records a budget decision: the original first, then revisions, each dated on or after the previous one."""
    if not access.can_manage_plan(actor, plan.owner):
        raise PermissionDenied("Bạn không có quyền ghi dự toán của kế hoạch này.")
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    last = plan.budget_decisions.order_by("-on", "-pk").first()
    if last is None and kind != BudgetKind.ORIGINAL:
        raise ValidationError(
            {"kind": "Kế hoạch chưa có dự toán giao ban đầu; quyết định đầu tiên phải là giao ban đầu."}
        )
    if last is not None and kind == BudgetKind.ORIGINAL:
        raise ValidationError({"kind": "Kế hoạch đã có dự toán giao ban đầu; hãy ghi quyết định điều chỉnh."})
    if last is not None and on < last.on:
        raise ValidationError({"on": f"Ngày quyết định không thể trước quyết định trước đó ({last.on:%d/%m/%Y})."})
    if on.year < plan.year - 1:
        raise ValidationError({"on": f"Dự toán năm {plan.year} không thể quyết định trước năm {plan.year - 1}."})
    allocated = plan_allocated_on(plan, on)
    if amount < allocated:
        raise ValidationError(
            {"amount": f"Dự toán {format_money(amount)} nhỏ hơn số đã phân bổ {format_money(allocated)}."}
        )
    budget = BudgetDecision(plan=plan, on=on, kind=kind, amount=amount, decision=decision)
    budget.full_clean()
    budget.save()
    _created(actor, budget, ["on", "kind", "amount", "decision"])
    return budget


@transaction.atomic
def plan_allocate(
    *, plan: Plan, actor: User, on: datetime.date, to: Organization, amount: Decimal, decision: str = ""
) -> Allocation:
    """Assigns part of the plan's budget to an implementing unit; the total never exceeds the budget in force."""
    if not access.can_manage_plan(actor, plan.owner):
        raise PermissionDenied("Bạn không có quyền phân bổ kinh phí của kế hoạch này.")
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    budget = plan_budget_on(plan, on)
    if budget is None:
        raise ValidationError({"on": f"Ngày {on:%d/%m/%Y} kế hoạch chưa có dự toán được giao."})
    allocated = plan_allocated_on(plan, on)
    if allocated + amount > budget:
        raise ValidationError(
            {
                "amount": f"Vượt dự toán: đã phân bổ {format_money(allocated)}, thêm {format_money(amount)} "
                f"lớn hơn dự toán {format_money(budget)} (ngày {on:%d/%m/%Y})."
            }
        )
    later = plan.allocations.filter(on__gt=on).exists()
    if later:
        raise ValidationError({"on": "Đã có phân bổ mang ngày sau; không ghi lùi ngày phân bổ."})
    allocation = Allocation(plan=plan, on=on, to=to, amount=amount, decision=decision)
    allocation.full_clean()
    allocation.save()
    _created(actor, allocation, ["on", "to", "amount", "decision"])
    return allocation
