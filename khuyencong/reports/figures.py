"""The figures every report states beside its own (issue of report fidelity): the money of the đề án per funding
source — total cost, KC support, the facilities' counterpart, disbursed —, the same by KC content with distinct
facilities and facility-times ("lượt cơ sở"), and the priority groups of Decree 235/2025/NĐ-CP.

One basis for all of them: the đề án approved by the as-of day (their period in force that day has reached approval),
with the support in force and the disbursement to date that day. Those đề án and their beneficiaries are read once
each (see `breakdown` for why they are counted here rather than grouped in SQL); the rows read are the report's own
đề án, whose codes every row of the breakdown lists so that it opens as its list.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connections
from django.db.models import BigIntegerField, Case, ExpressionWrapper, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Cast
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from khuyencong.facilities.models import LegalForm
from khuyencong.programs.models import FundingSource
from khuyencong.projects.models import Project, ProjectKind
from khuyencong.projects.selectors import contents_by_id, state_in_force, with_state_on

from .layout import Col, Column, Table, rate, say_money


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
# A group's label in the reader's language, for a report laid out from figures computed (or kept) in another.
PRIORITY_LABELS = {group.key: group.label for group in PRIORITY_GROUPS}


# Money is whole đồng (decimal_places=0): read as integers, it is summed exactly without a Decimal per value.
WHOLE = BigIntegerField()


def _through(condition: Q, relation: str) -> Q:
    """A condition on a facility, asked through a relation to it (`facility__…` of a beneficiary row,
    `beneficiaries__…` of a đề án)."""
    children: list[Any] = [
        _through(child, relation) if isinstance(child, Q) else (f"{relation}__{child[0]}", child[1])  # type: ignore[index]
        for child in condition.children
    ]
    return Q(*children, _connector=condition.connector, _negated=condition.negated)


def group_mask(relation: str = "facility") -> Any:
    """The priority groups a facility is in, as bits (group i: 2**i), computed by the database; 0 for no facility."""
    mask: Any = Value(0)
    for index, group in enumerate(PRIORITY_GROUPS):
        mask = mask + Case(When(_through(group.condition, relation), then=Value(1 << index)), default=Value(0))
    return ExpressionWrapper(mask, output_field=IntegerField())


class _Tally:
    """The figures of one row of the breakdown."""

    def __init__(self) -> None:
        self.projects = self.tasks = self.cost_known = self.counterpart_known = 0
        self.total_cost = self.support = self.counterpart = self.disbursed = 0
        self.facilities = self.facility_times = 0
        self.codes: list[str] = []

    def as_json(self) -> dict[str, Any]:
        return {
            "projects": self.projects,
            "tasks": self.tasks,
            "total_cost": self.total_cost,
            "total_cost_known": self.cost_known,
            "support": self.support,
            "counterpart": self.counterpart,
            "counterpart_known": self.counterpart_known,
            "disbursed": self.disbursed,
            "facilities": self.facilities,
            "facility_times": self.facility_times,
            "codes": sorted(self.codes),
        }


def _raw_rows(query: QuerySet[Any]) -> Iterator[tuple[Any, ...]]:
    """The rows of a values_list query as the database gives them. The columns here are integers and text on both
    databases (the sums are cast to whole đồng in SQL), and Django's per-value converters for computed integer
    columns cost more than the report's own arithmetic at national scale (a five-year programme report reads 118,000
    beneficiary rows: 0.6 of its 2.4 s under a profiler)."""
    sql, params = query.query.sql_with_params()
    with connections[query.db].cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(2000):
            yield from batch


def breakdown(projects: QuerySet[Project], day: datetime.date) -> dict[str, Any]:
    """Every figure of this module for the đề án given, as approved by `day`, in one read whatever their number: the
    approved đề án with their figures in force that day, each with its beneficiaries and the priority groups each
    facility is in (one number, computed by the database) — a row per beneficiary, one for a đề án without any.

    Counted here rather than by a GROUP BY per table: a facility helped twice is one facility but two facility-times,
    so distinct facilities per source, per content, per group and in total would each be a COUNT(DISTINCT) over the
    beneficiaries, each evaluating the as-of join again (measured: three to four times these two reads on SQLite, and
    on PostgreSQL at national scale the same figures as GROUP BYs, grouping sets or one materialised CTE took 1,0 to
    1,7 times this read and its Python together); and the rows read are the report's own đề án — the answer, whose
    codes the report lists anyway —, not their history. One read, not one for the đề án and one for their
    beneficiaries: each would find the approved đề án again through the as-of join, which is most of a report's cost
    at national scale (measured: a third of the national report). The rows come in the order of their codes, so that
    every list of codes is built in order (sorting the lists of a five-year national programme afterwards cost a third
    of its Python), and each row is counted once, in one pass: its đề án's money when the đề án first appears, its
    facility in every total it belongs to."""
    return _breakdown(projects, day, None)[0]


def breakdown_and_disbursed(
    projects: QuerySet[Project], day: datetime.date, eve: datetime.date
) -> tuple[dict[str, Any], int]:
    """`breakdown` of the đề án given as approved by `day`, and what was disbursed on all of them — approved by then
    or not — between the end of `eve` and the end of `day` (disbursed to date on `day` less on `eve`), from the same
    read: the regional report needs both of the same đề án, and a second as-of join of them cost as much again
    (measured at national scale: 75–80 ms of a 360 ms report, twice)."""
    figures, disbursed = _breakdown(projects, day, eve)
    assert disbursed is not None
    return figures, disbursed


def _breakdown(
    projects: QuerySet[Project], day: datetime.date, eve: datetime.date | None
) -> tuple[dict[str, Any], int | None]:
    annotated: Any = with_state_on(projects, day).annotate(on_approved=F("on_period__approved_on"))
    if eve is None:
        # Filtered through an annotation: a filter on `on_period__…` itself would join the periods a second time.
        rows = annotated.filter(on_approved__isnull=False)
        eve_disbursed: Any = Value(None, output_field=WHOLE)
    else:
        rows = annotated.annotate(at_eve=state_in_force(eve))
        eve_disbursed = Cast("at_eve__disbursed", WHOLE)
    query = rows.annotate(
        cost_=Cast("total_cost", WHOLE), counterpart_=Cast("counterpart", WHOLE), support_=Cast("on_support", WHOLE),
        disbursed_=Cast("on_disbursed", WHOLE), mask_=group_mask("beneficiaries"), eve_=eve_disbursed,
    ).order_by("code").values_list("pk", "code", "plan__funding_source", "content_id", "kind", "cost_", "counterpart_",
                                   "support_", "disbursed_", "beneficiaries", "mask_", "on_approved",
                                   "eve_")  # fmt: skip
    total = _Tally()
    sources: dict[str, _Tally] = defaultdict(_Tally)
    contents: dict[int, _Tally] = defaultdict(_Tally)
    groups = [_Tally() for _group in PRIORITY_GROUPS]
    everyone: set[int] = set()
    by_source: dict[str, set[int]] = defaultdict(set)
    by_content: dict[int, set[int]] = defaultdict(set)
    in_group: list[set[int]] = [set() for _group in PRIORITY_GROUPS]
    bits = [(1 << index, tally, members) for index, (tally, members) in enumerate(zip(groups, in_group, strict=True))]
    current: int | None = None
    served = 0
    source_tally = content_tally = total
    source_set = content_set = everyone
    task = False
    support = 0
    code = ""
    # Only with `eve`: every đề án read, approved by `day` or not, for what was disbursed on them in between.
    skipped = False
    disbursed_by_day = disbursed_by_eve = 0
    for (pk, code_, source, content, kind, cost, counterpart, support_, disbursed, facility, mask, approved,
         eve_) in _raw_rows(query):  # fmt: skip
        if pk != current:
            # A đề án's rows are adjacent (ordered by its unique code): its money is counted on its first row, the
            # groups it served once all its rows are read.
            if served:
                _serve(bits, served, task, support, code)
            current, served, code = pk, 0, code_
            disbursed_by_day += disbursed or 0
            disbursed_by_eve += eve_ or 0
            skipped = approved is None
            if skipped:
                continue
            task = kind == ProjectKind.TASK
            support = support_ or 0
            source_tally, content_tally = sources[source], contents[content]
            source_set, content_set = by_source[source], by_content[content]
            for tally in (total, source_tally, content_tally):
                if task:
                    tally.tasks += 1
                else:
                    tally.projects += 1
                # Money not given is unknown, not zero (exchange format): the sums are of the đề án that state it,
                # and the report says how many do.
                if cost is not None:
                    tally.total_cost += cost
                    tally.cost_known += 1
                if counterpart is not None:
                    tally.counterpart += counterpart
                    tally.counterpart_known += 1
                tally.support += support
                tally.disbursed += disbursed or 0
                tally.codes.append(code)
        if facility is None or skipped:
            continue
        total.facility_times += 1
        source_tally.facility_times += 1
        content_tally.facility_times += 1
        everyone.add(facility)
        source_set.add(facility)
        content_set.add(facility)
        if mask:
            served |= mask
            for bit, tally, members in bits:
                if mask & bit:
                    members.add(facility)
                    tally.facility_times += 1
    if served:
        _serve(bits, served, task, support, code)
    total.facilities = len(everyone)
    for source, facilities in by_source.items():
        sources[source].facilities = len(facilities)
    for content, facilities in by_content.items():
        contents[content].facilities = len(facilities)
    for tally, members in zip(groups, in_group, strict=True):
        tally.facilities = len(members)
    # Grouped by the content's key; a row shows its name in the reader's language (a downloaded report is built in
    # Vietnamese), and the rows' order is the codes', the same in either language.
    names, labels = {}, {}
    for pk, content in contents_by_id().items():
        names[pk], labels[pk] = content.code, content.label
    by_content_rows = sorted(contents.items(), key=lambda item: (-item[1].projects - item[1].tasks, names[item[0]]))
    figures = {
        "as_of": day.isoformat(),
        "total": total.as_json(),
        "by_source": [
            {"funding_source": source, "label": str(FundingSource(source).label), **tally.as_json()}
            for source, tally in sorted(sources.items(), key=lambda item: _source_order(item[0]))
        ],
        "by_content": [{"content": names[pk], "label": labels[pk], **tally.as_json()} for pk, tally in by_content_rows],
        "priority_groups": [
            {
                "group": g.key,
                "label": str(g.label),
                "basis": str(g.basis),
                **{
                    k: v
                    for k, v in tally.as_json().items()
                    if k in ("projects", "support", "facilities", "facility_times", "codes")
                },
            }
            for g, tally in zip(PRIORITY_GROUPS, groups, strict=True)
        ],
    }
    return figures, (disbursed_by_day - disbursed_by_eve if eve is not None else None)


def _serve(bits: list[tuple[int, _Tally, set[int]]], served: int, task: bool, support: int, code: str) -> None:
    """A đề án counted in each priority group one of its facilities is in, once whatever their number."""
    for bit, tally, _members in bits:
        if served & bit:
            if task:
                tally.tasks += 1
            else:
                tally.projects += 1
            tally.support += support
            tally.codes.append(code)


def _source_order(source: str) -> int:
    order = list(FundingSource.values)
    return order.index(source) if source in order else len(order)


def with_previous(current: dict[str, Any], previous: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    """A row with the same figures a year earlier and the change in % (None where the earlier figure is zero)."""
    return {
        **current,
        "previous": {key: previous.get(key, 0) for key in keys},
        "change_percent": {key: change(current.get(key, 0), previous.get(key, 0)) for key in keys},
    }


def change(now: int | Decimal, before: int | Decimal) -> str | None:
    """How much higher (or lower, negative) than a year earlier, in %: an exact decimal string, None for no base."""
    if not before:
        return None
    return str(((Decimal(now) - Decimal(before)) * 100 / Decimal(before)).quantize(Decimal("0.1")))


COMPARED = ("projects", "tasks", "total_cost", "support", "counterpart", "disbursed", "facilities", "facility_times")


def breakdown_compared(current: dict[str, Any], previous: dict[str, Any]) -> dict[str, Any]:
    """The breakdown with each row's figures a year earlier beside them, matched by source, content and group."""

    def match(name: str, key: str) -> list[dict[str, Any]]:
        earlier = {row[key]: row for row in previous[name]}
        return [with_previous(row, earlier.get(row[key], {}), COMPARED) for row in current[name]]

    return {
        **current,
        "total": with_previous(current["total"], previous["total"], COMPARED),
        "by_source": match("by_source", "funding_source"),
        "by_content": match("by_content", "content"),
        "priority_groups": match("priority_groups", "group"),
    }


# Layout ---------------------------------------------------------------------------------------------------------


def money_table(figures: dict[str, Any], path: str) -> Table:
    """Total cost, KC support and counterpart per funding source ("tổng kinh phí X, trong đó ngân sách Y, đối ứng
    của cơ sở Z")."""
    table = Table(
        _("Kinh phí theo nguồn"),
        [Column(_("Nguồn kinh phí")), Column(_("Số đề án"), Col.COUNT), Column(_("Nhiệm vụ khác"), Col.COUNT),
         Column(_("Tổng kinh phí (đồng)"), Col.MONEY), Column(_("Kinh phí khuyến công (đồng)"), Col.MONEY),
         Column(_("Vốn đối ứng của cơ sở (đồng)"), Col.MONEY), Column(_("Đã giải ngân (đồng)"), Col.MONEY),
         Column(_("Tỷ lệ giải ngân"), Col.PERCENT)],
    )  # fmt: skip
    for index, row in enumerate(figures["by_source"]):
        table.add([row["label"], row["projects"], row["tasks"], _known(row, "total_cost"), row["support"],
                   _known(row, "counterpart"), row["disbursed"], rate(row["disbursed"], row["support"])],
                  f"figure:{path}.by_source.{index}")  # fmt: skip
    total = figures["total"]
    if len(figures["by_source"]) > 1:
        table.add([_("Cộng"), total["projects"], total["tasks"], _known(total, "total_cost"), total["support"],
                   _known(total, "counterpart"), total["disbursed"], rate(total["disbursed"], total["support"])],
                  f"figure:{path}.total", total=True)  # fmt: skip
    unknown = total["projects"] + total["tasks"] - min(total["total_cost_known"], total["counterpart_known"])
    if unknown:
        table.note = _("%(count)d đề án, nhiệm vụ chưa ghi tổng kinh phí hoặc vốn đối ứng; "
                       "các cột này chỉ cộng số đã ghi.") % {"count": unknown}  # fmt: skip
    return table


def _known(row: dict[str, Any], key: str) -> int | None:
    return row[key] if row[f"{key}_known"] else None


def content_table(figures: dict[str, Any], path: str) -> Table:
    table = Table(
        _("Theo nội dung khuyến công"),
        [
            Column(_("Nội dung")),
            Column(_("Số đề án, nhiệm vụ"), Col.COUNT),
            Column(_("Kinh phí khuyến công (đồng)"), Col.MONEY),
            Column(_("Đã giải ngân (đồng)"), Col.MONEY),
            Column(_("Số cơ sở"), Col.COUNT),
            Column(_("Lượt cơ sở"), Col.COUNT),
        ],
    )
    for index, row in enumerate(figures["by_content"]):
        table.add(
            [
                row["label"],
                row["projects"] + row["tasks"],
                row["support"],
                row["disbursed"],
                row["facilities"],
                row["facility_times"],
            ],
            f"figure:{path}.by_content.{index}",
        )
    total = figures["total"]
    if figures["by_content"]:
        # A facility helped by two contents is one facility in the total, not two.
        table.add([_("Cộng"), total["projects"] + total["tasks"], total["support"], total["disbursed"],
                   total["facilities"], total["facility_times"]], f"figure:{path}.total", total=True)  # fmt: skip
    return table


def priority_table(figures: dict[str, Any], path: str) -> Table:
    table = Table(
        _("Đối tượng ưu tiên (Nghị định 235/2025/NĐ-CP)"),
        [Column(_("Nhóm")), Column(_("Số đề án"), Col.COUNT), Column(_("Kinh phí khuyến công (đồng)"), Col.MONEY),
         Column(_("Số cơ sở"), Col.COUNT), Column(_("Lượt cơ sở"), Col.COUNT)],
    )  # fmt: skip
    for index, row in enumerate(figures["priority_groups"]):
        label = PRIORITY_LABELS.get(row["group"], row["label"])
        table.add([label, row["projects"], row["support"], row["facilities"], row["facility_times"]],
                  f"figure:{path}.priority_groups.{index}")  # fmt: skip
    table.note = (_("Kinh phí của một đề án được tính cho nhóm khi đề án có ít nhất một cơ sở thụ hưởng thuộc nhóm; "
                  "một cơ sở có thể thuộc nhiều nhóm."))  # fmt: skip
    return table


def breakdown_tables(figures: dict[str, Any], path: str) -> list[Table]:
    tables = [money_table(figures, path), content_table(figures, path), priority_table(figures, path)]
    return [t for t in tables if t.rows]


# The summary sentence, by whether the total cost and the counterpart are known: (cost known, counterpart known).
SUMMARY = {
    (True, True): gettext_lazy(
        "%(count)d đề án, nhiệm vụ được phê duyệt, tổng kinh phí %(cost)s, trong đó kinh phí khuyến công %(support)s, "
        "vốn đối ứng của cơ sở %(counterpart)s."
    ),
    (True, False): gettext_lazy(
        "%(count)d đề án, nhiệm vụ được phê duyệt, tổng kinh phí %(cost)s, trong đó kinh phí khuyến công %(support)s."
    ),
    (False, True): gettext_lazy(
        "%(count)d đề án, nhiệm vụ được phê duyệt, trong đó kinh phí khuyến công %(support)s, "
        "vốn đối ứng của cơ sở %(counterpart)s."
    ),
    (False, False): gettext_lazy(
        "%(count)d đề án, nhiệm vụ được phê duyệt, trong đó kinh phí khuyến công %(support)s."
    ),
}


def breakdown_text(figures: dict[str, Any]) -> list[str]:
    """The sentence the reports write: "tổng kinh phí X, trong đó kinh phí khuyến công Y, đối ứng của cơ sở Z"; then
    "N đề án ứng dụng máy móc thiết bị, X; …"."""
    total = figures["total"]
    if not total["projects"] + total["tasks"]:
        return []
    sentence = SUMMARY[bool(total["total_cost_known"]), bool(total["counterpart_known"])]
    text = [
        sentence
        % {
            "count": total["projects"] + total["tasks"],
            "cost": say_money(total["total_cost"]),
            "support": say_money(total["support"]),
            "counterpart": say_money(total["counterpart"]),
        }
    ]
    contents = [
        ngettext("%(count)d đề án %(content)s, %(amount)s", "%(count)d đề án %(content)s, %(amount)s", count)
        % {
            "count": count,
            "content": f"{row['label'][:1].lower()}{row['label'][1:]}",
            "amount": say_money(row["support"]),
        }
        for row in figures["by_content"]
        for count in [row["projects"] + row["tasks"]]
    ]
    if contents:
        text.append("; ".join(contents) + ".")
    return text
