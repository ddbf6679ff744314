from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db import connections
from django.db.models import Case, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL

from khuyencong.accounts import access
from khuyencong.accounts.models import User
from khuyencong.core.collation import by_name
from khuyencong.core.text import fold, search_terms, tone_placements
from khuyencong.geography.models import AdminUnit, Era, Level

from .models import ChangeProposal, Facility, ProposalState, Trade

SORTS = {
    "code": ("code",),
    # Newest first by key: ids grow with registration, and the primary key's index gives a page without a sort.
    "-created": ("-pk",),
    "province": ("current_province__name", "name_key", "pk"),
}
DEFAULT_SORT = "-created"  # of the list page: newest first


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
    scope = access.scope_of(user)
    wide = filters.province is None and (scope.everything or len(scope.province_ids) > INDEX_WHEN_MORE_PROVINCES_THAN)
    facilities = facility_search(access.facilities_in_scope(user, Facility.objects.all()), filters.query, wide=wide)
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
    facilities = facilities.select_related("current_province", "current_commune", "trade")
    first: tuple[str, ...] = ()
    spelled = marked_words(filters.query)
    if spelled and filters.sort in ("name", "-name"):
        # A word typed with its marks («gỗ») matches its unmarked kin too («Gò», «go» in an address): among names in
        # alphabetical order, those that hold the words as typed come first. "As typed" whatever the tone's place
        # («hoà»/«hòa») and the case: written out, because SQLite's LIKE folds the case of ASCII letters only
        # («Đồng» is not LIKE «%đồng%»).
        as_typed = Q()
        for word in spelled:
            spellings = Q()
            for placed in tone_placements(word):
                for cased in {placed, placed.capitalize(), placed.upper()}:
                    spellings |= Q(name__contains=cased)
            as_typed &= spellings
        facilities = facilities.annotate(not_as_typed=Case(When(as_typed, then=Value(0)), default=Value(1)))
        first = ("not_as_typed",)
    if filters.sort in ("name", "-name"):
        # Vietnamese alphabetical order (ICU on PostgreSQL; on SQLite the folded, indexed `name_key`).
        return by_name(facilities, folded="name_key", desc=filters.sort == "-name", first=first)
    return facilities.order_by(*first, *SORTS.get(filters.sort, SORTS[DEFAULT_SORT]))


def marked_words(query: str) -> list[str]:
    """The words of a search typed with Vietnamese marks («gỗ», «Đồng»), as typed, lower case."""
    words = re.findall(r"\w+", unicodedata.normalize("NFC", query or "").lower())
    return [word for word in words if fold(word) != word]


# Words shorter than this cannot use SQLite's trigram index (migration 0003) and are matched by a scan.
TRIGRAM = 3
# Measured on a million facilities (benchmarks/facility_search.py): across the country the index answers in
# milliseconds where a scan takes most of a second, but within a few provinces scanning their rows through the
# province index beats intersecting a common word's postings with them.
INDEX_WHEN_MORE_PROVINCES_THAN = 3


def facility_search(facilities: QuerySet[Facility], query: str, *, wide: bool = True) -> QuerySet[Facility]:
    """Facilities whose folded search text contains every word of the query, alike on PostgreSQL and SQLite.

    `wide` says the facilities span many provinces, where SQLite's full-text index pays off.
    """
    terms = search_terms(query)
    indexed = [t for t in terms if len(t) >= TRIGRAM] if wide and connections[facilities.db].vendor == "sqlite" else []
    if indexed:
        # Words are letters and digits only (search_terms), so quoting them makes a safe FTS5 phrase each.
        match = " AND ".join(f'"{term}"' for term in indexed)
        facilities = facilities.filter(
            pk__in=RawSQL("SELECT rowid FROM facilities_facility_fts WHERE facilities_facility_fts MATCH %s", (match,))
        )
    for term in terms:
        if term not in indexed:
            facilities = facilities.filter(search_text__contains=term)
    return facilities


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
    # Vietnamese alphabetical order (ICU on PostgreSQL; on SQLite the compact folded key, then the name).
    provinces = by_name(AdminUnit.objects.current().provinces(), folded="search_key")
    if scope.everything:
        return provinces
    ids = set(scope.province_ids)
    if scope.commune_ids:
        ids |= set(AdminUnit.objects.filter(pk__in=scope.commune_ids).values_list("current_province_id", flat=True))
    if scope.district_ids:
        ids |= set(AdminUnit.objects.filter(pk__in=scope.district_ids).values_list("current_province_id", flat=True))
    return provinces.filter(pk__in=ids)


def proposal_list_for_user(user: User | AnonymousUser, state: str = "") -> QuerySet[ChangeProposal]:
    """Self-service proposals of the facilities the user may see (a representative: its own facility's), newest first;
    `state` narrows to one state (the reviewers' queue is the pending ones)."""
    condition = access.scope_of(user).condition(
        province="facility__current_province",
        district="facility__district",
        commune="facility__current_commune",
        facility="facility",
    )
    proposals = ChangeProposal.objects.filter(condition)
    if state in ProposalState.values:
        proposals = proposals.filter(state=state)
    return proposals.select_related("facility__current_province").order_by("-proposed_at", "-pk")


def proposals_of(facility: Facility) -> QuerySet[ChangeProposal]:
    """A facility's proposals, for its page (the facility is already one the user may see)."""
    return facility.change_proposals.order_by("-proposed_at", "-pk")
