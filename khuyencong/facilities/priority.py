"""The groups of facilities the law tells khuyến công to serve first, and the one number (a bit per group) that says
which of them a facility is in: computed by the database from the facility's own fields, stored beside each đề án's
beneficiaries (`Project.reach`) so that reports count the groups without reading a million facilities."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Case, ExpressionWrapper, IntegerField, Q, Value, When
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from .models import LegalForm


@dataclass(frozen=True)
class PriorityGroup:
    """A group of facilities the law tells khuyến công to serve first: a facility is in it when `condition` (on the
    facility's own fields) holds."""

    key: str
    label: Promise
    condition: Q
    basis: Promise


# Decree 235/2025/NĐ-CP (amending Decree 45/2012/NĐ-CP, in force 15/10/2025) gives priority to facilities owned by
# women and by ethnic-minority people, in disadvantaged areas, in recognised craft villages, and to artisans; the
# Ministry must show that each group was served. A facility's flags are as recorded on the facility today.
DECREE_235 = gettext_lazy("Nghị định 235/2025/NĐ-CP")
PRIORITY_GROUPS: tuple[PriorityGroup, ...] = (
    PriorityGroup("women_owned", gettext_lazy("Cơ sở do phụ nữ làm chủ"), Q(women_owned=True), DECREE_235),
    PriorityGroup(
        "ethnic_minority_owned", gettext_lazy("Cơ sở do người dân tộc thiểu số làm chủ"), Q(ethnic_minority_owned=True),
        DECREE_235,
    ),
    PriorityGroup(
        "disadvantaged_area", gettext_lazy("Cơ sở ở địa bàn khó khăn, đặc biệt khó khăn"), Q(disadvantaged_area=True),
        DECREE_235,
    ),
    PriorityGroup("craft_village", gettext_lazy("Cơ sở trong làng nghề"), ~Q(craft_village=""), DECREE_235),
    PriorityGroup("artisan", gettext_lazy("Nghệ nhân"), Q(legal_form=LegalForm.ARTISAN), DECREE_235),
)  # fmt: skip
# Each đề án keeps its beneficiaries' groups (`Project.reach`): a change to these groups must be followed by
# `kc_rebuild` (or a migration that refills the reach), else a facility's old and new tokens mix in the reports.
# A group's label in the reader's language, for a report laid out from figures computed (or kept) in another.
PRIORITY_LABELS = {group.key: group.label for group in PRIORITY_GROUPS}


def _fields(condition: Q) -> set[str]:
    return {
        name for child in condition.children
        for name in (_fields(child) if isinstance(child, Q) else {child[0].split("__")[0]})  # type: ignore[index]
    }  # fmt: skip


# The facility's fields the groups read: a change to one of them changes the groups of every đề án that serves it.
PRIORITY_FIELDS = frozenset(name for group in PRIORITY_GROUPS for name in _fields(group.condition))


def _through(condition: Q, relation: str) -> Q:
    """A condition on a facility, asked through a relation to it (`facility__…` of a beneficiary row,
    `beneficiaries__…` of a đề án)."""
    children: list[Any] = [
        _through(child, relation) if isinstance(child, Q) else (f"{relation}__{child[0]}", child[1])  # type: ignore[index]
        for child in condition.children
    ]
    return Q(*children, _connector=condition.connector, _negated=condition.negated)


def group_mask(relation: str | None = "facility") -> Any:
    """The priority groups a facility is in, as bits (group i: 2**i), computed by the database; 0 for no facility.
    `relation`: the path to the facility (None: the facility itself)."""
    mask: Any = Value(0)
    for index, group in enumerate(PRIORITY_GROUPS):
        condition = group.condition if relation is None else _through(group.condition, relation)
        mask = mask + Case(When(condition, then=Value(1 << index)), default=Value(0))
    return ExpressionWrapper(mask, output_field=IntegerField())
