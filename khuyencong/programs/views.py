from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from khuyencong.projects.selectors import project_list_for_user

from . import selectors
from .models import Plan


def _as_of(request: HttpRequest) -> datetime.date:
    text = request.GET.get("as_of", "")
    try:
        day, month, year = (int(part) for part in text.split("/"))
        return datetime.date(year, month, day)
    except ValueError:
        return timezone.localdate()


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    day = _as_of(request)
    plans = [(plan, selectors.plan_figures(plan, day)) for plan in selectors.plan_list_for_user(request.user)]
    return render(request, "programs/plan_list.html", {"plans": plans, "as_of": day})


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        plan = selectors.plan_list_for_user(request.user).get(pk=pk)
    except Plan.DoesNotExist as exc:
        raise Http404("Không tìm thấy kế hoạch.") from exc
    day = _as_of(request)
    return render(
        request,
        "programs/plan_detail.html",
        {
            "plan": plan,
            "as_of": day,
            "figures": selectors.plan_figures(plan, day),
            "decisions": plan.budget_decisions.all(),
            "allocations": plan.allocations.select_related("to"),
            "by_unit": selectors.plan_allocations_by_unit(plan, day),
            "projects": project_list_for_user(request.user).filter(plan=plan),
        },
    )
