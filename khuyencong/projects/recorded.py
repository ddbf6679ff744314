"""The province a đề án is reported under "as recorded" (`Project.recorded_province`, issue 13).

A đề án is placed where it was on its own date: the date of its earliest standing event, else 1 January of its plan's
year. On that date:
- a local implementer (a province's, district's or commune's body): the province its territory lay in then — today's
  Trung tâm Khuyến công Sơn La (TTKC-14) served pre-reform Sơn La in 2024, a different unit from today's Sơn La;
- otherwise, or when the local implementer's territory then is unknown (today's centre of a merged province, before
  the reform, until an administrator records which old province it continues), the province all its beneficiaries
  lay in then (a facility recorded in 2025-08 in a Lào Cai commune carved from Yên Bái lay in Yên Bái in 2024); for a
  local implementer only if that province is part of the implementer's own province today, so that a đề án counted
  under pre-reform Yên Bái is always counted under today's Lào Cai too;
- else none: the đề án then counts in national and current-geography reports only.

The local implementer comes first as it did before (and as `Project.province`, today's, still does): a province's
đề án are its centre's, and the two geographies of one đề án must re-aggregate to each other.

Its inputs change when history arrives (an earlier step entered later), when a step is voided or corrected, when a
beneficiary's place or a body's dated territory is corrected: each of those services recomputes it in its own
transaction; `kc_rebuild` recomputes it after a bulk load and `kc_rebuild --check` compares it."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Min, QuerySet
from django.utils.translation import gettext as _

from khuyencong.facilities.models import Facility
from khuyencong.geography.models import AdminUnit
from khuyencong.geography.selectors import PlaceLineage, place_province_on
from khuyencong.organizations.selectors import BodyTerritories

from .models import Project, ProjectEvent

CHUNK = 2_000
# Above this many đề án, the whole lineage and every body's territories are read once rather than unit by unit.
PRELOAD_FROM = 50


@dataclass(frozen=True, slots=True)
class Place:
    """A beneficiary's place as recorded: its units of the generation in force on `place_recorded_on`."""

    province_id: int
    district_id: int | None = None
    commune_id: int | None = None

    @classmethod
    def of(cls, facility: Facility) -> Place:
        return cls(facility.province_id, facility.district_id, facility.commune_id)


def project_day(first_event: datetime.date | None, plan_year: int) -> datetime.date:
    """A đề án's own date: its earliest standing step, else the start of its plan's year."""
    return first_event if first_event is not None else datetime.date(plan_year, 1, 1)


class RecordedProvinces:
    """The rule, on ids, over a place lineage and the bodies' dated territories (both cached)."""

    def __init__(self, lineage: PlaceLineage | None = None, bodies: BodyTerritories | None = None) -> None:
        self.lineage = lineage or PlaceLineage()
        self.bodies = bodies or BodyTerritories()

    @classmethod
    def preloaded(cls) -> RecordedProvinces:
        return cls(PlaceLineage().preload(), BodyTerritories().preload())

    def beneficiaries_province(self, places: Sequence[Place], day: datetime.date) -> int | None:
        """The province every beneficiary lay in on `day`; None when there are none, when they lay in several, or
        when one's place then is unknown."""
        found = {
            place_province_on(self.lineage, province_id=p.province_id, district_id=p.district_id,
                              commune_id=p.commune_id, day=day)
            for p in places
        }  # fmt: skip
        return next(iter(found)) if len(found) == 1 else None

    def province(self, *, day: datetime.date, implementer_id: int, places: Sequence[Place]) -> int | None:
        beneficiaries = self.beneficiaries_province(places, day)
        if not self.bodies.is_local(implementer_id):
            return beneficiaries
        served = self.bodies.territory_on(implementer_id, day)
        if served is not None:
            found = self.lineage.province_on(served, day)
            if found is not None:
                return found
        today = self.bodies.territory_id(implementer_id)
        if beneficiaries is None or today is None:
            return None
        same = self.lineage.current_province_id(beneficiaries) == self.lineage.current_province_id(today)
        return beneficiaries if same else None


def recorded_province_of(
    project: Project,
    *,
    events: Iterable[ProjectEvent] | None = None,
    beneficiaries: Iterable[Facility] | None = None,
    rule: RecordedProvinces | None = None,
) -> int | None:
    """One đề án's province as recorded. `events`: its standing events, when the caller holds them (a service that
    has just written one); `beneficiaries`: when they are not saved yet (at creation)."""
    if events is not None:
        first = min((e.on for e in events), default=None)
    else:
        first = project.events.standing().aggregate(first=Min("on"))["first"]
    if beneficiaries is not None:
        places = [Place.of(f) for f in beneficiaries]
    else:
        places = [Place(*row) for row in project.beneficiaries.values_list("province_id", "district_id", "commune_id")]
    return (rule or RecordedProvinces()).province(
        day=project_day(first, project.plan.year), implementer_id=project.implementer_id, places=places
    )


def expected_provinces(
    projects: QuerySet[Any],
    *,
    rule: RecordedProvinces,
    events: Any = ProjectEvent,
    links: Any = None,
) -> Iterator[tuple[int, str, int | None, int | None]]:
    """(pk, code, stored, expected) for each đề án, a chunk at a time (three queries per chunk). The models are
    parameters so that a data migration reads its historical ones."""
    links = links if links is not None else Project.beneficiaries.through
    columns = ("pk", "code", "plan__year", "implementer_id", "recorded_province_id")
    rows = list(projects.order_by("pk").values_list(*columns))
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        ids = [row[0] for row in chunk]
        firsts = dict(
            events.objects.filter(project_id__in=ids, voided_at__isnull=True)
            .values("project_id")
            .annotate(first=Min("on"))
            .values_list("project_id", "first")
        )
        places: dict[int, list[Place]] = {}
        for project_id, province, district, commune in links.objects.filter(project_id__in=ids).values_list(
            "project_id", "facility__province_id", "facility__district_id", "facility__commune_id"
        ):
            places.setdefault(project_id, []).append(Place(province, district, commune))
        for pk, code, year, implementer, stored in chunk:
            day = project_day(firsts.get(pk), year)
            yield pk, code, stored, rule.province(day=day, implementer_id=implementer, places=places.get(pk, []))


def _rule_for(projects: QuerySet[Project]) -> RecordedProvinces:
    return RecordedProvinces.preloaded() if projects.count() > PRELOAD_FROM else RecordedProvinces()


def refresh_recorded_provinces(projects: QuerySet[Project]) -> int:
    """Recomputes these đề án's province as recorded after one of its inputs changed (a beneficiary's place, a body's
    dated territory, a bulk load); returns how many changed. Call inside the writer's transaction: the rows are
    locked, so that a step recorded at the same moment (which locks its đề án) recomputes after this one, or this
    one after it."""
    # Locked by reading them (the ids are not used again: an IN list of every đề án would break SQLite's parameter
    # limit on a national rebuild); the same query, re-read in this transaction, sees the locked rows.
    list(projects.select_for_update(of=("self",)).values_list("pk", flat=True))
    locked = projects
    changed = [
        Project(pk=pk, recorded_province_id=expected)
        for pk, _code, stored, expected in expected_provinces(locked, rule=_rule_for(locked))
        if stored != expected
    ]
    Project.objects.bulk_update(changed, ["recorded_province"], batch_size=CHUNK)
    return len(changed)


def check_recorded_provinces(projects: QuerySet[Project]) -> list[str]:
    """One line per đề án whose stored province as recorded is not what the rule gives; empty when all agree."""
    names: dict[int | None, str] = {}

    def name(pk: int | None) -> str:
        if pk not in names:
            names[pk] = _("không xác định") if pk is None else str(AdminUnit.objects.get(pk=pk))
        return names[pk]

    return [
        _("%(code)s: tỉnh khi ghi nhận đã lưu là %(stored)s, tính lại là %(expected)s")
        % {"code": code, "stored": name(stored), "expected": name(expected)}
        for _pk, code, stored, expected in expected_provinces(projects, rule=_rule_for(projects))
        if stored != expected
    ]
