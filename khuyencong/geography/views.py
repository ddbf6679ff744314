from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from khuyencong.core.forms import date_from_query

from . import selectors
from .models import AdminUnit, Era, Level
from .resolver import PlaceError, resolve_unit


@login_required
def index(request: HttpRequest) -> HttpResponse:
    era = request.GET.get("era") if request.GET.get("era") in Era.values else Era.FROM_2025
    query = request.GET.get("q", "").strip()
    on = date_from_query(request.GET.get("on"))
    context: dict[str, object] = {"era": era, "eras": Era.choices, "query": query, "on": request.GET.get("on", "")}
    if query and on:
        # With a date, the query is read as one place, as a record of that date would name it.
        try:
            context["resolved"] = resolve_unit(query, on=on)
        except PlaceError as error:
            context["resolve_error"] = error.message
    elif query:
        context["results"] = selectors.unit_search(query)
    elif request.GET.get("on"):
        context["resolve_error"] = _("Ngày phải có dạng ngày/tháng/năm.")
    context["provinces"] = selectors.unit_list(era=era, level=Level.PROVINCE).select_related("current_province")
    return render(request, "geography/index.html", context)


def _facilities_here(request: HttpRequest, unit: AdminUnit) -> dict[str, int | None] | None:
    """The facility list's filter for this unit, offered only where it answers: a province (an old one by the province
    it lies in today) or a commune of today, within the provinces the user works in (elsewhere the list says 404)."""
    from khuyencong.facilities.selectors import provinces_for_user

    if unit.level == Level.PROVINCE:
        province, commune = (unit.pk if unit.is_current else unit.current_province_id), None
    elif unit.level == Level.COMMUNE and unit.is_current:
        province, commune = unit.current_province_id, unit.pk
    else:
        return None
    if province is None or not provinces_for_user(request.user).filter(pk=province).exists():
        return None
    return {"province": province, "commune": commune}


@login_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(AdminUnit.objects.select_related("parent__parent", "current_province"), pk=pk)
    return render(
        request,
        "geography/unit_detail.html",
        {
            "unit": unit,
            "children": selectors.unit_list(parent=unit),
            "successions": selectors.unit_successions(unit),
            "predecessions": selectors.unit_predecessions(unit),
            "current_communes": selectors.unit_current_communes(unit) if unit.level == Level.DISTRICT else [],
            "former_names": unit.former_names.all(),
            "facilities_here": _facilities_here(request, unit),
        },
    )
