"""Consulting figures a user may read: the same territory as every other record, and nothing without a role."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from khuyencong.accounts import access
from khuyencong.accounts.models import User
from khuyencong.organizations.models import Organization

from .models import ConsultingRecord


def consulting_list_for_user(user: User | AnonymousUser) -> QuerySet[ConsultingRecord]:
    # organizations_in_scope also admits the user's own organisation, whatever their roles; an empty scope (no role,
    # no territory) must read nothing, as on every other list.
    records = ConsultingRecord.objects.select_related("organization")
    if access.scope_of(user).is_empty:
        return records.none()
    return access.organizations_in_scope(user, records)


def consulting_organizations_for_user(user: User | AnonymousUser) -> QuerySet[Organization]:
    """The organisations whose consulting figures the user may read."""
    if access.scope_of(user).is_empty:
        return Organization.objects.none()
    units = Organization.objects.select_related("territory").order_by("name")
    return access.organizations_in_scope(user, units, field="pk")
