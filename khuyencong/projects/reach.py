"""Each đề án's beneficiaries as the reports count them (`Project.reach`, `Project.reach_groups`): derived data, kept
in the writer's transaction (a đề án created, a facility's priority groups changed), recomputed by `kc_rebuild` and
compared with the beneficiaries by `kc_rebuild --check`.

Why it is kept: every report states distinct facilities and facility-times per funding source, content and priority
group (issue 13). Counted from the beneficiaries, the national programme report read 118,000 beneficiary rows and
probed a million facilities for their groups; the same read with every beneficiary and its groups gathered per đề án
in SQL took 1,0 s. From these two columns the report groups its đề án alone in SQL (benchmarks/README.md, stop 29).

`reach`: the beneficiaries' keys (their facilities' ids) in increasing order, separated by ",", each followed by ":"
and its priority groups (bits of `facilities.priority.PRIORITY_GROUPS`) when it is in any — "17,42:5". A facility and
its groups are one token, the same in every đề án that serves it (its groups are its own, as recorded today): the
distinct tokens of a set of đề án are its distinct facilities. `reach_groups`: the groups any beneficiary is in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from khuyencong.facilities.priority import group_mask

from .models import Project

SEPARATOR = ","
GROUPS = ":"
CHUNK = 2_000


def derived_reach(beneficiaries: Iterable[tuple[int, int]]) -> tuple[str, int]:
    """(reach, reach_groups) of a đề án whose beneficiaries are these (facility key, groups), in any order."""
    tokens, served = [], 0
    for facility, groups in sorted(beneficiaries):
        tokens.append(f"{facility}{GROUPS}{groups}" if groups else str(facility))
        served |= groups
    return SEPARATOR.join(tokens), served


def expected_reach(projects: QuerySet[Any], *, links: Any = None) -> Iterator[tuple[int, str, str, int, str, int]]:
    """(pk, code, stored reach, stored groups, expected reach, expected groups) of each đề án, a range of keys at a
    time (two queries each; no list of keys is sent). The link model is a parameter so that a migration reads its
    historical one."""
    links = links if links is not None else Project.beneficiaries.through
    last = 0
    while chunk := list(
        projects.filter(pk__gt=last).order_by("pk").values_list("pk", "code", "reach", "reach_groups")[:CHUNK]
    ):
        first, last = chunk[0][0], chunk[-1][0]
        served: dict[int, list[tuple[int, int]]] = defaultdict(list)
        # The chunk's đề án as a subquery, not by the range of its keys alone: a facility's few đề án may lie far
        # apart, and the range between them would read every beneficiary of the years in between.
        in_chunk = projects.filter(pk__gte=first, pk__lte=last).values("pk")
        for project, facility, groups in (
            links.objects.filter(project_id__in=in_chunk)
            .annotate(groups=group_mask("facility"))
            .values_list("project_id", "facility_id", "groups")
        ):
            served[project].append((facility, groups))
        for pk, code, reach, reach_groups in chunk:
            yield pk, code, reach, reach_groups, *derived_reach(served.get(pk, ()))


def refresh_reach(projects: QuerySet[Project]) -> int:
    """Recomputes these đề án's reach after one of its inputs changed (their beneficiaries written, a beneficiary's
    priority groups changed, a bulk load); returns how many changed. Call inside the writer's transaction."""
    # Locked before the groups are read: two facilities of one đề án changed at once would otherwise each write a
    # reach computed with the other's groups of before, the second write undoing the first's news. The second now
    # waits, then reads the first's groups committed.
    list(projects.select_for_update(of=("self",)).values_list("pk", flat=True))
    changed = [
        Project(pk=pk, reach=reach, reach_groups=groups)
        for pk, _code, stored, stored_groups, reach, groups in expected_reach(projects)
        if (stored, stored_groups) != (reach, groups)
    ]
    Project.objects.bulk_update(changed, ["reach", "reach_groups"], batch_size=CHUNK)
    return len(changed)


def check_reach(projects: QuerySet[Project]) -> list[str]:
    """One line per đề án whose stored reach is not what its beneficiaries give; empty when all agree."""
    return [
        _("%(code)s: cơ sở thụ hưởng đã lưu cho báo cáo là «%(stored)s», tính lại là «%(expected)s»")
        % {"code": code, "stored": f"{stored}|{stored_groups}", "expected": f"{reach}|{groups}"}
        for _pk, code, stored, stored_groups, reach, groups in expected_reach(projects)
        if (stored, stored_groups) != (reach, groups)
    ]
