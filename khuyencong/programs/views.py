from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from khuyencong.accounts import access
from khuyencong.core.corrections import voided_text
from khuyencong.core.db import replica_reads
from khuyencong.core.forms import VoidForm, date_from_query, filters_that_hold, run_service
from khuyencong.core.numbers import format_money_active
from khuyencong.core.xlsx import Percent, Plain, list_workbook
from khuyencong.organizations.models import Organization
from khuyencong.projects.selectors import project_list_for_user

from . import selectors, services
from .forms import AllocationForm, BudgetDecisionForm, PlanFilterForm, PlanForm, ProgramForm
from .models import Allocation, BudgetDecision, Plan, ProgramTarget


def _as_of(request: HttpRequest) -> datetime.date:
    return date_from_query(request.GET.get("as_of")) or timezone.localdate()


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = PlanForm(request.POST or None, owners=_units(request), programs=selectors.program_list_for_user(user))
    if request.method == "POST" and form.is_valid():
        try:
            created = run_service(form, lambda: services.plan_create(actor=user, **form.cleaned_data))
        except PermissionDenied as denied:
            form.add_error("owner", str(denied))
            created = None
        if created is not None:
            messages.success(request, _("Đã lập kế hoạch %(code)s.") % {"code": created.code})
            return redirect("programs:detail", pk=created.pk)
    filters, year, day, shown = _shown(request)
    page = Paginator(selectors.plans_with_figures(shown, day), PLANS_PER_PAGE).get_page(request.GET.get("page"))
    plans = [(plan, selectors.annotated_figures(plan, day)) for plan in page.object_list]
    status = 400 if form.errors else 200
    can_create = user.is_superuser or user.has_role(*access.PLAN_ROLES)
    context = {
        "plans": plans,
        "page": page,
        "filters": filters,
        "year": year,
        "as_of": day,
        # A day asked for stays in the filter and the pages' links; today's is not pinned (a link kept for later
        # shows that day's figures, not the day it was made).
        "as_of_asked": filters_that_hold(filters)["as_of"],
        "form": form if can_create else None,
        "can_export": access.can_export(user),
    }
    return render(request, "programs/plan_list.html", context, status=status)


PLANS_PER_PAGE = 50
# The plan page holds both forms, whose fields share names (on, amount, decision): each its own ids, so that a label,
# a refusal and the error summary's link lead to the field of the form refused.
BUDGET_IDS = "budget-%s"
ALLOCATION_IDS = "allocation-%s"


def _shown(request: HttpRequest) -> tuple[PlanFilterForm, int | None, datetime.date, QuerySet[Plan]]:
    """The filters (a year among the user's plans' years, a day), the year and the day that hold (a bad one is named
    on the page and left out: every year, today), and the plans of the list page and of its Excel copy."""
    visible = selectors.plan_list_for_user(request.user)
    years = list(visible.order_by("-year").values_list("year", flat=True).distinct())
    filters = PlanFilterForm(request.GET or None, years=years)
    data = filters_that_hold(filters)
    year = data["year"] or None
    return filters, year, data["as_of"] or timezone.localdate(), visible.filter(year=year) if year else visible


@login_required
@replica_reads
def plan_export(request: HttpRequest) -> FileResponse:
    access.require_list_export(request.user)
    _filters, _year, day, shown = _shown(request)
    plans = selectors.plans_with_figures(shown, day).select_related("owner")
    columns = [(_("Mã"), 18), (_("Năm"), 8), (_("Nguồn"), 22), (_("Cơ quan"), 40), (_("Dự toán (đồng)"), 18),
               (_("Đã phân bổ (đồng)"), 18), (_("Tỷ lệ đã phân bổ"), 12), (_("Tính đến ngày"), 14)]  # fmt: skip

    def rows() -> Iterator[list[Any]]:
        for plan in plans.iterator(chunk_size=500):
            figures = selectors.annotated_figures(plan, day)
            share = figures.allocated_percent
            yield [plan.code, Plain(plan.year), plan.get_funding_source_display(), str(plan.owner), figures.budget,
                   figures.allocated, Percent(share) if share is not None else None, day]  # fmt: skip

    return list_workbook(pgettext("file name", "ke-hoach-khuyen-cong"), _("Kế hoạch khuyến công năm"), columns, rows())


@login_required
@replica_reads
def program_export(request: HttpRequest) -> FileResponse:
    """The programmes page as Excel: a row per target, voided ones included and said so; a programme without targets
    has its own row."""
    access.require_list_export(request.user)
    programs = selectors.program_list_for_user(request.user).prefetch_related("targets")
    columns = [(_("Mã chương trình"), 18), (_("Chương trình"), 50), (_("Cấp"), 12), (_("Địa bàn"), 22),
               (_("Từ năm"), 8), (_("Đến năm"), 8), (_("Chỉ tiêu"), 40), (_("Giá trị"), 14), (_("Đơn vị tính"), 14),
               (_("Huỷ bỏ"), 40)]  # fmt: skip

    def rows() -> Iterator[list[Any]]:
        for program in programs:  # the page's order: newest first
            first = [program.code, program.name, program.get_level_display(),
                     str(program.territory) if program.territory else _("Toàn quốc"), Plain(program.start_year),
                     Plain(program.end_year)]  # fmt: skip
            targets = sorted(program.targets.all(), key=lambda t: t.pk)
            if not targets:
                yield first
            for t in targets:
                yield [*first, t.indicator, t.value, t.unit, voided_text(t)]

    return list_workbook(
        pgettext("file name", "chuong-trinh-khuyen-cong"), _("Chương trình khuyến công"), columns, rows()
    )


def _get_or_404(request: HttpRequest, pk: int) -> Plan:
    try:
        return selectors.plan_list_for_user(request.user).get(pk=pk)
    except Plan.DoesNotExist as exc:
        raise Http404(_("Không tìm thấy kế hoạch.")) from exc


def _units(request: HttpRequest) -> QuerySet[Organization]:
    """The bodies this user may name for a new act: in scope, and not dissolved (the 2025 reform ended many)."""
    active = Organization.objects.active_on(timezone.localdate())
    return access.organizations_in_scope(request.user, active, field="pk")


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _get_or_404(request, pk)
    return _detail(request, plan)


def _detail(
    request: HttpRequest,
    plan: Plan,
    budget_form: BudgetDecisionForm | None = None,
    allocation_form: AllocationForm | None = None,
    status: int = 200,
    correction_errors: list[str] | None = None,
) -> HttpResponse:
    day = _as_of(request)
    can_manage = access.can_manage_plan(request.user, plan.owner)
    return render(
        request,
        "programs/plan_detail.html",
        {
            "can_manage": can_manage,
            "budget_form": budget_form or BudgetDecisionForm(initial={"on": timezone.localdate()}, auto_id=BUDGET_IDS),
            "allocation_form": allocation_form
            or AllocationForm(initial={"on": timezone.localdate()}, units=_units(request), auto_id=ALLOCATION_IDS),
            "plan": plan,
            "as_of": day,
            "figures": selectors.plan_figures(plan, day),
            "decisions": plan.budget_decisions.select_related("voided_by", "voided_actor"),
            "allocations": plan.allocations.select_related("to", "voided_by", "voided_actor"),
            "correction_errors": correction_errors,
            "by_unit": selectors.plan_allocations_by_unit(plan, day),
            "projects": project_list_for_user(request.user).filter(plan=plan),
        },
        status=status,
    )


@login_required
@require_POST
def plan_budget(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _get_or_404(request, pk)
    if not access.can_manage_plan(request.user, plan.owner):
        raise PermissionDenied
    form = BudgetDecisionForm(request.POST, auto_id=BUDGET_IDS)
    user: Any = request.user
    if (
        form.is_valid()
        and run_service(form, lambda: services.plan_budget_decide(plan=plan, actor=user, **form.cleaned_data))
        is not None
    ):
        messages.success(request, _("Đã ghi quyết định giao dự toán."))
        return redirect("programs:detail", pk=plan.pk)
    return _detail(request, plan, budget_form=form, status=400)


@login_required
@require_POST
def plan_allocate(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _get_or_404(request, pk)
    if not access.can_manage_plan(request.user, plan.owner):
        raise PermissionDenied
    form = AllocationForm(request.POST, units=_units(request), auto_id=ALLOCATION_IDS)
    user: Any = request.user
    if (
        form.is_valid()
        and run_service(form, lambda: services.plan_allocate(plan=plan, actor=user, **form.cleaned_data)) is not None
    ):
        messages.success(request, _("Đã ghi phân bổ kinh phí."))
        return redirect("programs:detail", pk=plan.pk)
    return _detail(request, plan, allocation_form=form, status=400)


@login_required
def program_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = ProgramForm(request.POST or None, owners=_units(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        owner = data["owner"]
        level = "national" if owner.territory_id is None else "provincial"
        territory = None if owner.territory is None else owner.territory.current_province or owner.territory
        try:
            program = run_service(
                form,
                lambda: services.program_create(
                    actor=user,
                    owner=owner,
                    targets=data["targets"],
                    code=data["code"],
                    name=data["name"],
                    level=level,
                    territory=territory,
                    start_year=data["start_year"],
                    end_year=data["end_year"],
                ),
            )
        except PermissionDenied as denied:
            form.add_error("owner", str(denied))
            program = None
        if program is not None:
            messages.success(request, _("Đã lập chương trình %(code)s.") % {"code": program.code})
            return redirect("programs:programs")
    programs = selectors.program_list_for_user(user).prefetch_related("targets")
    status = 400 if form.errors else 200
    can_create = user.is_superuser or user.has_role(*access.PLAN_ROLES)
    context = {"programs": programs, "form": form if can_create else None, "can_export": access.can_export(user)}
    return render(request, "programs/program_list.html", context, status=status)


@login_required
@require_POST
def plan_void(request: HttpRequest, pk: int, kind: str, entry_pk: int) -> HttpResponse:
    """Voids a budget decision or an allocation entered by mistake; the plan's timeline must stay lawful without it."""
    plan = _get_or_404(request, pk)
    entry: BudgetDecision | Allocation
    if kind == "budget":
        entry = get_object_or_404(plan.budget_decisions, pk=entry_pk)
    elif kind == "allocation":
        entry = get_object_or_404(plan.allocations, pk=entry_pk)
    else:
        raise Http404
    if not access.can_manage_plan(request.user, plan.owner):
        raise PermissionDenied
    form = VoidForm(request.POST)
    user: Any = request.user
    if form.is_valid():
        try:
            services.plan_entry_void(entry=entry, actor=user, reason=form.cleaned_data["reason"])
        except ValidationError as refused:
            return _detail(request, plan, status=400, correction_errors=refused.messages)
        what = (
            _("quyết định dự toán")
            if isinstance(entry, BudgetDecision)
            else _("phân bổ cho %(unit)s") % {"unit": entry.to}
        )
        messages.success(
            request,
            _("Đã huỷ bỏ %(what)s ngày %(day)s, %(amount)s.")
            % {"what": what, "day": f"{entry.on:%d/%m/%Y}", "amount": format_money_active(entry.amount)},
        )
        return redirect("programs:detail", pk=plan.pk)
    return _detail(request, plan, status=400, correction_errors=[str(e) for errs in form.errors.values() for e in errs])


@login_required
@require_POST
def program_target_void(request: HttpRequest, pk: int) -> HttpResponse:
    """A programme target entered wrong is voided (struck out, with the reason); a new one is added in its place."""
    user: Any = request.user
    target = get_object_or_404(ProgramTarget.objects.filter(program__in=selectors.program_list_for_user(user)), pk=pk)
    form = VoidForm(request.POST)
    if form.is_valid():
        try:
            services.program_target_void(target=target, actor=user, reason=form.cleaned_data["reason"])
        except ValidationError as refused:
            errors = refused.messages
        else:
            messages.success(request, _("Đã huỷ bỏ chỉ tiêu «%(target)s».") % {"target": target.indicator})
            return redirect("programs:programs")
    else:
        errors = [str(e) for errs in form.errors.values() for e in errs]
    programs = selectors.program_list_for_user(user).prefetch_related("targets")
    can_create = user.is_superuser or user.has_role(*access.PLAN_ROLES)
    form_for_page = ProgramForm(owners=_units(request)) if can_create else None
    context = {"programs": programs, "form": form_for_page, "correction_errors": errors}
    return render(request, "programs/program_list.html", context, status=400)
