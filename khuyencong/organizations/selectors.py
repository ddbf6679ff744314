"""Read-only questions about organisations: the territory a body served on a day, for one đề án or a whole rebuild."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

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
