from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum

from .models import Allocation, BudgetDecision, Plan


@dataclass(frozen=True)
class PlanFigures:
    """A plan's money on a date, computed from its dated decisions: 29.010 of 140.000 triệu allocated = 20,7%."""

    on: datetime.date
    budget: Decimal | None
    allocated: Decimal

    @property
    def allocated_percent(self) -> Decimal | None:
        if not self.budget:
            return None
        return (self.allocated * 100 / self.budget).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def plan_budget_on(plan: Plan, day: datetime.date) -> Decimal | None:
    """The budget in force on `day`: the last decision dated on or before it; None before any decision."""
    decision = BudgetDecision.objects.filter(plan=plan, on__lte=day).order_by("-on", "-pk").first()
    return decision.amount if decision else None


def plan_allocated_on(plan: Plan, day: datetime.date, *, to: int | None = None) -> Decimal:
    allocations = Allocation.objects.filter(plan=plan, on__lte=day)
    if to is not None:
        allocations = allocations.filter(to_id=to)
    return allocations.aggregate(total=Sum("amount", default=Decimal(0)))["total"]


def plan_figures(plan: Plan, day: datetime.date) -> PlanFigures:
    return PlanFigures(on=day, budget=plan_budget_on(plan, day), allocated=plan_allocated_on(plan, day))
