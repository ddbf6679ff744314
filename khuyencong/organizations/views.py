"""The list of bodies (organisations) a user works with: their territory's, searchable without diacritics."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from khuyencong.accounts import access
from khuyencong.core.forms import OUTSIDE_PLACE, filters_that_hold
from khuyencong.core.xlsx import list_workbook
from khuyencong.facilities.selectors import provinces_for_user
from khuyencong.geography.models import AdminUnit

from .models import Organization, OrganizationKind
from .selectors import OrganizationFilters, organization_list_for_user

PAGE_SIZE = 50


class OrganizationFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Tìm theo tên, mã"), required=False, max_length=200)
    province: forms.ModelChoiceField[AdminUnit] = forms.ModelChoiceField(
        label=gettext_lazy("Tỉnh (hiện nay)"),
        required=False,
        queryset=AdminUnit.objects.none(),
        empty_label=gettext_lazy("Tất cả"),
        error_messages={"invalid_choice": OUTSIDE_PLACE},
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Loại"), required=False, choices=[("", gettext_lazy("Tất cả")), *OrganizationKind.choices]
    )

    def __init__(self, *args: Any, provinces: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["province"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = provinces  # only the provinces of the user's territory


def _filtered(request: HttpRequest) -> tuple[OrganizationFilterForm, list[Organization]]:
    form = OrganizationFilterForm(request.GET or None, provinces=provinces_for_user(request.user))
    data = filters_that_hold(form)
    province = data["province"]
    filters = OrganizationFilters(query=data["q"], province_id=province.pk if province else None, kind=data["kind"])
    return form, organization_list_for_user(request.user, filters)


@login_required
def organization_list(request: HttpRequest) -> HttpResponse:
    form, bodies = _filtered(request)
    page = Paginator(bodies, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "organizations/organization_list.html",
        {"form": form, "page": page, "querystring": query.urlencode(), "can_export": access.can_export(request.user)},
    )


def _columns() -> list[tuple[str, int]]:
    return [(_("Mã"), 14), (_("Tên cơ quan, đơn vị"), 50), (_("Loại"), 28), (_("Địa bàn"), 24),
            (_("Cơ quan chủ quản"), 40), (_("Ngừng hoạt động từ sau ngày"), 14)]  # fmt: skip


@login_required
def organization_export(request: HttpRequest) -> FileResponse:
    access.require_list_export(request.user)
    __, bodies = _filtered(request)
    rows = (
        [
            b.code,
            b.name,
            b.get_kind_display(),
            b.territory.name if b.territory else _("Toàn quốc"),
            str(b.parent) if b.parent else "",
            b.valid_until or "",
        ]
        for b in bodies
    )
    return list_workbook(pgettext("file name", "co-quan-don-vi"), _("Cơ quan, đơn vị"), _columns(), rows)
