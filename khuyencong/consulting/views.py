from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from khuyencong.accounts import access

from .models import ConsultingRecord


@login_required
def consulting_list(request: HttpRequest) -> HttpResponse:
    records = access.organizations_in_scope(request.user, ConsultingRecord.objects.select_related("organization"))
    return render(request, "consulting/consulting_list.html", {"records": records})
