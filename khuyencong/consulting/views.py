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
from .selectors import consulting_list_for_user, consulting_organizations_for_user
from .services import consulting_record


@login_required
def consulting_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    # The form offers only what the service would accept, so a user never fills in a form bound to be refused.
    units = [unit for unit in consulting_organizations_for_user(user) if access.can_record_consulting(user, unit)]
    if request.method == "POST" and not units:
        raise PermissionDenied("Bạn không có quyền ghi kết quả tư vấn.")
    form = ConsultingForm(
        request.POST or None, units=Organization.objects.filter(pk__in=[u.pk for u in units]).order_by("name")
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                record = consulting_record(actor=user, **form.cleaned_data)
            except PermissionDenied as denied:
                form.add_error(None, str(denied))
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Đã ghi số liệu tư vấn {record.code}.")
                return redirect("consulting:list")
        status = 400
    context = {"records": consulting_list_for_user(user), "form": form if units else None}
    return render(request, "consulting/consulting_list.html", context, status=status)
