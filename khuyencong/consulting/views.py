from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from khuyencong.accounts import access
from khuyencong.core.forms import add_service_errors
from khuyencong.organizations.models import Organization

from .forms import ConsultingForm
from .models import ConsultingRecord
from .services import consulting_record


@login_required
def consulting_list(request: HttpRequest) -> HttpResponse:
    records = access.organizations_in_scope(request.user, ConsultingRecord.objects.select_related("organization"))
    units = access.organizations_in_scope(request.user, Organization.objects.all(), field="pk")
    form = ConsultingForm(request.POST or None, units=units)
    status = 200
    if request.method == "POST":
        user: Any = request.user
        if form.is_valid():
            try:
                record = consulting_record(actor=user, **form.cleaned_data)
            except PermissionDenied as denied:
                form.add_error("organization", str(denied))
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Đã ghi số liệu tư vấn {record.code}.")
                return redirect("consulting:list")
        status = 400
    user_roles: Any = request.user
    can_record = user_roles.is_superuser or user_roles.has_role(*access.PLAN_ROLES)
    context = {"records": records, "form": form if can_record else None}
    return render(request, "consulting/consulting_list.html", context, status=status)
