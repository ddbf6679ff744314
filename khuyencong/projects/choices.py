"""What a user may choose on the đề án form — its plan, its implementer, its beneficiaries — and the searches the
form's pickers run over exactly those choices, diacritics ignored ("bao thang" finds "Bảo Thắng").

The form's fields and the pickers read the same selectors, so a picker can offer nothing the form would refuse, and a
choice typed by hand is checked against the same list."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.accounts import access
from khuyencong.accounts.models import User
from khuyencong.core.collation import by_name, is_postgresql, python_key
from khuyencong.core.text import fold, search_terms
from khuyencong.facilities.models import Facility
from khuyencong.facilities.selectors import FacilityFilters, facility_list_for_user
from khuyencong.organizations.models import Organization
from khuyencong.programs.models import FundingSource, Plan
from khuyencong.programs.selectors import plan_list_for_user

PICKER_ROWS = 20
QUERY_MAX = 100  # characters of a picker's search box


@dataclass(frozen=True)
class Choice:
    """One row a picker offers: the value the form takes, the code people know, what to show."""

    value: str
    code: str
    label: str
    detail: str

    def as_json(self) -> dict[str, str]:
        return {"value": self.value, "code": self.code, "label": self.label, "detail": self.detail}


def plan_choices(user: User | AnonymousUser) -> QuerySet[Plan]:
    """The plans a đề án may be entered under: the national plans and those of the user's territory."""
    return plan_list_for_user(user).order_by("-year", "code")


def implementer_choices(user: User | AnonymousUser, *, today: datetime.date | None = None) -> QuerySet[Organization]:
    """The bodies of the user's territory that exist today (bodies dissolved by the 2025 reform implement no new
    đề án), in Vietnamese alphabetical order."""
    day = today or timezone.localdate()
    return by_name(access.organizations_in_scope(user, Organization.objects.active_on(day), field="pk"))


def beneficiary_choices(user: User | AnonymousUser) -> QuerySet[Facility]:
    """The facilities the user may name as beneficiaries: those of their territory."""
    return facility_list_for_user(user)


def search_facilities(user: User | AnonymousUser, query: str, *, limit: int = PICKER_ROWS) -> list[Choice]:
    """Every word must occur in the facility's folded search text (name, code, tax code, places), as in its list."""
    # The list's own order (names holding the words as typed with their marks first): a picker offers first what the
    # list would show first.
    facilities = facility_list_for_user(user, FacilityFilters(query=query))
    return [Choice(str(f.pk), f.code, f.name, _place(f)) for f in facilities[:limit]]


def _place(facility: Facility) -> str:
    commune = facility.current_commune
    return f"{commune.name}, {facility.current_province.name}" if commune else facility.current_province.name


def _matches(terms: list[str], *texts: str) -> bool:
    folded = " ".join(fold(t) for t in texts)
    return all(term in folded for term in terms)


def search_organizations(user: User | AnonymousUser, query: str, *, limit: int = PICKER_ROWS) -> list[Choice]:
    """The bodies the user may name as implementer whose name or code holds every word of the query."""
    return search_bodies(implementer_choices(user), query, limit=limit)


def search_bodies(bodies: QuerySet[Organization], query: str, *, limit: int = PICKER_ROWS) -> list[Choice]:
    """The bodies given whose name or code holds every word of the query. The reference list of bodies is short (the
    Cục, the centres, the bodies of 34 provinces and of their districts that report), and has no folded column, so
    it is folded here, once per request, in the order the database gives it."""
    terms = search_terms(query)
    found = [b for b in bodies.select_related("territory") if _matches(terms, b.name, b.code)]
    if not is_postgresql(bodies):
        found.sort(key=lambda b: (python_key(b.name), b.pk))
    return [
        Choice(str(b.pk), b.code, b.name, b.territory.name if b.territory else _("Toàn quốc")) for b in found[:limit]
    ]


def search_plans(user: User | AnonymousUser, query: str, *, limit: int = PICKER_ROWS) -> list[Choice]:
    """Plans whose code, year, funding source or owner holds every word of the query, newest first. Words are matched
    in the database: against the code and year, and against the funding sources and owners whose folded names hold
    them (the few sources, and the short reference list of bodies, are folded here)."""
    plans = plan_choices(user)
    if plans.query.is_empty():
        return []
    owners = list(Organization.objects.values_list("pk", "name", "code"))
    for term in search_terms(query):
        condition = Q(code__icontains=term)
        if term.isdigit() and len(term) == 4:  # a year; a longer number would overflow the column
            condition |= Q(year=int(term))
        condition |= Q(funding_source__in=[v for v, label in FundingSource.choices if term in fold(str(label))])
        condition |= Q(owner__in=[pk for pk, name, code in owners if term in fold(name) or term in fold(code)])
        plans = plans.filter(condition)
    return [
        Choice(str(p.pk), p.code, f"{p.code} · {p.get_funding_source_display()} {p.year}", str(p.owner))
        for p in plans[:limit]
    ]
