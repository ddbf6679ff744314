"""Read-only questions about organisations: the territory a body served on a day, for one đề án or a whole rebuild."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import F, Prefetch, QuerySet

from .models import Organization, OrganizationTerritory, dated_territory, is_local_level

Span = tuple[datetime.date | None, datetime.date | None, int]


@dataclass(frozen=True, slots=True)
class _Body:
    local: bool
    territory_id: int | None  # today's (or, for a body dissolved by the reform, its last)
    spans: tuple[Span, ...]  # its standing dated territories


class BodyTerritories:
    """`Organization.territory_on` and `Organization.level` on ids, with caches: one đề án asks two small queries,
    `preload()` answers a whole rebuild from memory. The models are parameters so that a data migration runs the same
    rule on its historical models."""

    def __init__(self, organizations: Any = Organization, territories: Any = OrganizationTerritory) -> None:
        self._organizations, self._territories = organizations, territories
        self._bodies: dict[int, _Body] = {}
        self._complete = False

    def preload(self) -> BodyTerritories:
        spans = self._spans(self._territories.objects.filter(voided_at__isnull=True))
        self._bodies = {
            pk: _Body(is_local_level(kind, level), territory, tuple(spans.get(pk, ())))
            for pk, kind, territory, level in self._organizations.objects.values_list(
                "pk", "kind", "territory_id", "territory__level"
            )
        }
        self._complete = True
        return self

    @staticmethod
    def _spans(rows: QuerySet[Any]) -> dict[int, list[Span]]:
        found: dict[int, list[Span]] = {}
        for organization, valid_from, valid_until, territory in rows.values_list(
            "organization_id", "valid_from", "valid_until", "territory_id"
        ):
            found.setdefault(organization, []).append((valid_from, valid_until, territory))
        return found

    def body(self, pk: int) -> _Body:
        found = self._bodies.get(pk)
        if found is None:
            if self._complete:
                raise KeyError(pk)
            kind, territory, level = self._organizations.objects.values_list(
                "kind", "territory_id", "territory__level"
            ).get(pk=pk)
            rows = self._territories.objects.filter(organization_id=pk, voided_at__isnull=True)
            spans = tuple(self._spans(rows).get(pk, ()))
            found = self._bodies[pk] = _Body(is_local_level(kind, level), territory, spans)
        return found

    def is_local(self, pk: int) -> bool:
        return self.body(pk).local

    def territory_id(self, pk: int) -> int | None:
        return self.body(pk).territory_id

    def territory_on(self, pk: int, day: datetime.date) -> int | None:
        body = self.body(pk)
        if not body.spans:
            return body.territory_id
        return dated_territory(body.spans, day)


def organization_territories(organization: Organization) -> QuerySet[OrganizationTerritory]:
    """A body's dated territories, voided ones included (struck out where shown), oldest first."""
    return organization.territories.select_related("territory", "voided_by").order_by(
        F("valid_from").asc(nulls_first=True), "pk"
    )


def organizations_with_territories(queryset: QuerySet[Organization]) -> QuerySet[Organization]:
    """For lists that call `territory_on` on each body."""
    return queryset.prefetch_related(
        Prefetch("territories", queryset=OrganizationTerritory.objects.select_related("territory"))
    )


@dataclass(frozen=True)
class OrganizationFilters:
    query: str = ""
    province_id: int | None = None
    kind: str = ""
    active_on: datetime.date | None = None  # only the bodies still acting that day


def organization_list_for_user(user: Any, filters: OrganizationFilters | None = None) -> list[Organization]:
    """The bodies of the user's territory (all for a national body; none without a role), narrowed by the filters, in
    Vietnamese alphabetical order. The reference list of bodies is short (the Cục, the centres, the bodies of the 34
    provinces and the districts that report) and has no folded column: the words typed are matched on the folded name
    and code here, in the order the database gives."""
    from khuyencong.accounts import access
    from khuyencong.core.collation import by_name, is_postgresql, python_key
    from khuyencong.core.text import fold, search_terms

    filters = filters or OrganizationFilters()
    if access.scope_of(user).is_empty:
        return []
    bodies = access.organizations_in_scope(user, Organization.objects.all(), field="pk")
    if filters.province_id is not None:
        bodies = bodies.filter(
            models.Q(territory=filters.province_id) | models.Q(territory__current_province=filters.province_id)
        )
    if filters.kind:
        bodies = bodies.filter(kind=filters.kind)
    if filters.active_on is not None:
        bodies = bodies.filter(models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=filters.active_on))
    bodies = by_name(bodies.select_related("territory", "parent"))
    terms = search_terms(filters.query)
    found = [b for b in bodies if all(t in f"{fold(b.name)} {fold(b.code)}" for t in terms)]
    if not is_postgresql(bodies):
        found.sort(key=lambda b: (python_key(b.name), b.pk))
    return found
