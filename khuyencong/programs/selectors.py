from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.models import AnonymousUser
from django.db.models import OuterRef, Q, QuerySet, Subquery, Sum

from khuyencong.accounts import access
from khuyencong.accounts.models import User
from khuyencong.organizations.models import Organization

from .models import Allocation, BudgetDecision, Plan, Program


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
    # On one day an original comes before its revisions, and among revisions the later recorded is in force.
    decisions = BudgetDecision.objects.standing().filter(plan=plan, on__lte=day)
    decision = decisions.order_by("-on", "-kind", "-pk").first()
    return decision.amount if decision else None


def _budget_in_force(day: datetime.date) -> Subquery:
    """Each plan's budget in force on `day`, as a subquery of the plan (`plan_budget_on`'s order, in SQL)."""
    return Subquery(
        BudgetDecision.objects.standing()
        .filter(plan=OuterRef("pk"), on__lte=day)
        .order_by("-on", "-kind", "-pk")
        .values("amount")[:1]
    )


def budgets_on(plans: QuerySet[Plan], day: datetime.date) -> Decimal:
    """The budgets in force on `day` of all these plans, summed in one query (a national year has a plan per
    province: one query each made the dashboard's cost grow with the provinces)."""
    total = plans.order_by().annotate(in_force=_budget_in_force(day)).aggregate(total=Sum("in_force"))["total"]
    return total if total is not None else Decimal(0)


def plan_allocated_on(plan: Plan, day: datetime.date, *, to: int | None = None) -> Decimal:
    allocations = Allocation.objects.standing().filter(plan=plan, on__lte=day)
    if to is not None:
        allocations = allocations.filter(to_id=to)
    return allocations.aggregate(total=Sum("amount", default=Decimal(0)))["total"]


def plans_with_figures(plans: QuerySet[Plan], day: datetime.date) -> QuerySet[Plan]:
    """The plans, each annotated with its budget in force on `day` (`budget_on`) and what was allocated by then
    (`allocated_on`), in the query that lists them: two queries a plan made the list of a national decade (350
    plans) 710 queries."""
    allocated = (
        Allocation.objects.standing()
        .filter(plan=OuterRef("pk"), on__lte=day)
        .order_by()
        .values("plan")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return plans.annotate(budget_on=_budget_in_force(day), allocated_on=Subquery(allocated))


def annotated_figures(plan: Plan, day: datetime.date) -> PlanFigures:
    """`PlanFigures` of a plan read by `plans_with_figures`, without a query."""
    allocated = getattr(plan, "allocated_on", None)
    return PlanFigures(on=day, budget=getattr(plan, "budget_on", None), allocated=allocated or Decimal(0))


def plan_figures(plan: Plan, day: datetime.date) -> PlanFigures:
    return PlanFigures(on=day, budget=plan_budget_on(plan, day), allocated=plan_allocated_on(plan, day))


def plan_list_for_user(user: User | AnonymousUser) -> QuerySet[Plan]:
    return access.plans_in_scope(user, Plan.objects.select_related("owner", "program"))


def plan_allocations_by_unit(plan: Plan, day: datetime.date) -> list[tuple[Organization, Decimal]]:
    rows = (
        Allocation.objects.standing()
        .filter(plan=plan, on__lte=day)
        .values("to")
        .annotate(total=Sum("amount"))
        .order_by("-total")
    )
    orgs = {
        o.pk: o
        for o in Organization.objects.filter(pk__in=[r["to"] for r in rows])
        .select_related("territory__parent__parent")
        # The reports place each allocation by the territory its body served that year (`territory_on`).
        .prefetch_related("territories__territory__parent__parent")
    }
    return [(orgs[r["to"]], r["total"]) for r in rows]


def program_list_for_user(user: User | AnonymousUser) -> QuerySet[Program]:
    """National programmes for everyone; a provincial one within its province."""
    scope = access.scope_of(user)
    programs = Program.objects.select_related("territory")
    if scope.everything:
        return programs
    if scope.is_empty:
        return programs.none()
    return programs.filter(
        Q(territory__isnull=True)
        | Q(territory__in=scope.province_ids)
        | Q(territory__current_province__in=scope.province_ids)
    )
