from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from khuyencong.accounts import access
from khuyencong.accounts.models import User
from khuyencong.core.text import search_terms
from khuyencong.geography.models import AdminUnit, Era, Level

from .models import Facility, Trade

SORTS = {
    "name": ("name_key", "pk"),
    "-name": ("-name_key", "-pk"),
    "code": ("code",),
    "-created": ("-created_at", "-pk"),
    "province": ("current_province__name", "name_key", "pk"),
}


@dataclass(frozen=True)
class FacilityFilters:
    query: str = ""
    province: AdminUnit | None = None
    commune: AdminUnit | None = None
    legal_form: str = ""
    trade: Trade | None = None
    sort: str = "name"


def facility_list_for_user(user: User | AnonymousUser, filters: FacilityFilters | None = None) -> QuerySet[Facility]:
    """The facilities the user may see, narrowed by the filters. Each search word must occur, diacritics ignored."""
    filters = filters or FacilityFilters()
    facilities = access.facilities_in_scope(user, Facility.objects.all())
    for term in search_terms(filters.query):
        facilities = facilities.filter(search_text__contains=term)
    if filters.province is not None:
        field = "current_province" if filters.province.era == Era.FROM_2025 else "province"
        facilities = facilities.filter(**{field: filters.province})
    if filters.commune is not None:
        if filters.commune.era == Era.FROM_2025:
            facilities = facilities.filter(current_commune=filters.commune)
        elif filters.commune.level == Level.DISTRICT:
            facilities = facilities.filter(district=filters.commune)
        else:
            facilities = facilities.filter(commune=filters.commune)
    if filters.legal_form:
        facilities = facilities.filter(legal_form=filters.legal_form)
    if filters.trade is not None:
        facilities = facilities.filter(trade=filters.trade)
    return facilities.select_related("current_province", "current_commune", "trade").order_by(
        *SORTS.get(filters.sort, SORTS["name"])
    )


def facility_get_for_user(user: User | AnonymousUser, pk: int) -> Facility:
    """Raises Facility.DoesNotExist for a facility outside the user's scope, exactly as for one that does not exist."""
    return (
        access.facilities_in_scope(user, Facility.objects.all())
        .select_related(
            "province",
            "district__parent",
            "commune__parent__parent",
            "current_province",
            "current_commune__parent",
            "trade",
        )
        .get(pk=pk)
    )


def provinces_for_user(user: User | AnonymousUser) -> QuerySet[AdminUnit]:
    """Today's provinces the user works in, for filters and forms."""
    scope = access.scope_of(user)
    provinces = AdminUnit.objects.current().provinces().order_by("name")
    if scope.everything:
        return provinces
    ids = set(scope.province_ids)
    if scope.commune_ids:
        ids |= set(AdminUnit.objects.filter(pk__in=scope.commune_ids).values_list("current_province_id", flat=True))
    if scope.district_ids:
        ids |= set(AdminUnit.objects.filter(pk__in=scope.district_ids).values_list("current_province_id", flat=True))
    return provinces.filter(pk__in=ids)
