"""The figures every report states beside its own (issue of report fidelity): the money of the đề án per funding
source — total cost, KC support, the facilities' counterpart, disbursed —, the same by KC content with distinct
facilities and facility-times ("lượt cơ sở"), and the priority groups of Decree 235/2025/NĐ-CP.

One basis for all of them: the đề án approved by the as-of day (their period in force that day has reached approval),
with the support in force and the disbursement to date that day. Those đề án are read once, grouped by the database
with their beneficiaries as each keeps them (`Project.reach`; see `breakdown`); every row of the breakdown lists its
đề án's codes so that it opens as its list.
"""

from __future__ import annotations

import datetime
import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from decimal import Decimal
from itertools import chain
from typing import Any

from django.db import connections
from django.db.models import (
    Aggregate,
    BigIntegerField,
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    TextField,
    Value,
)
from django.db.models.functions import Cast
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from khuyencong.facilities.priority import PRIORITY_GROUPS, PRIORITY_LABELS
from khuyencong.programs.models import FundingSource
from khuyencong.projects.models import Project, ProjectKind
from khuyencong.projects.reach import GROUPS, SEPARATOR
from khuyencong.projects.selectors import contents_by_id, state_in_force, with_state_on

from .layout import Col, Column, Table, rate, say_money

# Money is whole đồng (decimal_places=0): read as integers, it is summed exactly without a Decimal per value.
WHOLE = BigIntegerField()


class Codes(Aggregate):
    """A group's codes as a list: on PostgreSQL in byte order (Python's order of code points, so that the lists of
    several groups merge into one in order at the cost of a merge, not a sort); on SQLite as a JSON array in no given
    order (`_codes` reads both). Read by `_raw_rows`, past Django's converters: the text output field only names a
    type for the query's compilation."""

    function = "ARRAY_AGG"
    template = '%(function)s(%(expressions)s ORDER BY %(expressions)s COLLATE "C")'
    output_field = TextField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        # A copy rather than a template passed down: Aggregate.as_sql passes its own with a FILTER clause.
        json_array = self.copy()
        json_array.function, json_array.template = "JSON_GROUP_ARRAY", "%(function)s(%(expressions)s)"
        return json_array.as_sql(compiler, connection, **extra_context)


class Joined(Aggregate):
    """A group's texts joined by `reach.SEPARATOR` (the texts are `Project.reach`, which never holds it otherwise
    than between its tokens)."""

    function = "STRING_AGG"
    template = f"%(function)s(%(expressions)s, '{SEPARATOR}')"
    output_field = TextField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return super().as_sql(compiler, connection, function="GROUP_CONCAT", **extra_context)


def _codes(value: list[str] | str | None) -> list[str]:
    if value is None:
        return []
    return json.loads(value) if isinstance(value, str) else value


class _Tally:
    """The figures of one row of the breakdown, added up from groups of đề án alike."""

    def __init__(self) -> None:
        self.projects = self.tasks = self.cost_known = self.counterpart_known = 0
        self.total_cost = self.support = self.counterpart = self.disbursed = 0
        self.facilities = self.facility_times = 0
        # The codes stay a list per group until `as_json`: one sort of them all merges runs already in order. The
        # facilities are the distinct tokens of the groups' reach (a facility is one token wherever it is served).
        self.codes: list[list[str]] = []
        self.reached: set[str] = set()

    def count(self, task: bool, projects: int, support: int, codes: list[str]) -> None:
        if task:
            self.tasks += projects
        else:
            self.projects += projects
        self.support += support
        self.codes.append(codes)

    def as_json(self, with_codes: bool) -> dict[str, Any]:
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
            **({"codes": self.sorted_codes()} if with_codes else {}),
        }

    def sorted_codes(self) -> list[str]:
        codes = list(chain.from_iterable(self.codes))
        # Timsort merges the groups' lists, each in order on PostgreSQL, in about one pass.
        codes.sort()
        return codes


def _raw_rows(query: QuerySet[Any]) -> Iterator[tuple[Any, ...]]:
    """The rows of a values_list query as the database gives them: integers, text and lists on both databases (the
    sums are cast to whole đồng in SQL), without Django's per-value converters."""
    sql, params = query.query.sql_with_params()
    with connections[query.db].cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(2000):
            yield from batch


def breakdown(projects: QuerySet[Project], day: datetime.date, *, codes: bool = True) -> dict[str, Any]:
    """Every figure of this module for the đề án given, as approved by `day`, in one read whatever their number: the
    approved đề án with their figures in force that day, grouped by the database by funding source, content, kind
    and the priority groups their beneficiaries are in — a row per group, with its sums, its đề án's codes and their
    beneficiaries (each đề án's `reach`, kept with it: no beneficiary or facility is read).

    What a GROUP BY cannot say is counted here from those rows: a facility helped twice is one facility but two
    facility-times, so distinct facilities per source, per content, per group and in total are the distinct tokens
    of the groups' reach (sets of a few strings per đề án, built in C), where a COUNT(DISTINCT) per table would each
    evaluate the as-of join again (measured at national scale: grouping sets or a materialised CTE took 1,0 to 1,7
    times the whole report). The sums and the counts of đề án come from the database.

    Without `codes`, the rows carry no list of codes: what a page shows, whose figures open their list by asking
    for the report again with them (measured at national scale: the codes were a fifth of a programme report's
    SQL and a third of its Python, for lists the page never shows)."""
    return _breakdown(projects, day, None, codes)[0]


def breakdown_and_disbursed(
    projects: QuerySet[Project], day: datetime.date, eve: datetime.date, *, codes: bool = True
) -> tuple[dict[str, Any], int]:
    """`breakdown` of the đề án given as approved by `day`, and what was disbursed on all of them — approved by then
    or not — between the end of `eve` and the end of `day` (disbursed to date on `day` less on `eve`), from the same
    read: the regional report needs both of the same đề án, and a second as-of join of them cost as much again
    (measured at national scale: 75–80 ms of a 360 ms report, twice)."""
    figures, disbursed = _breakdown(projects, day, eve, codes)
    assert disbursed is not None
    return figures, disbursed


def _breakdown(
    projects: QuerySet[Project], day: datetime.date, eve: datetime.date | None, with_codes: bool
) -> tuple[dict[str, Any], int | None]:
    annotated: Any = with_state_on(projects, day).annotate(on_approved=F("on_period__approved_on"))
    approved = Q(on_approved__isnull=False)
    if eve is None:
        # Filtered through an annotation: a filter on `on_period__…` itself would join the periods a second time.
        rows = annotated.filter(approved)
        eve_disbursed: Any = Value(None, output_field=WHOLE)
        counted: Q | None = None
    else:
        # Only with `eve`: every đề án read, approved by `day` or not, for what was disbursed on them in between.
        rows = annotated.annotate(at_eve=state_in_force(eve))
        eve_disbursed = Cast(Sum(Cast("at_eve__disbursed", WHOLE)), WHOLE)
        # The groups of đề án not approved are read for their money only: no codes or reach are gathered for them.
        counted = approved
    query = rows.order_by().values(
        approved_=ExpressionWrapper(approved, output_field=BooleanField()), source_=F("plan__funding_source"),
        content_=F("content_id"), kind_=F("kind"), groups_=F("reach_groups"),
    ).annotate(
        count_=Count("pk"),
        cost_=Cast(Sum(Cast("total_cost", WHOLE)), WHOLE), cost_known_=Count("total_cost"),
        counterpart_=Cast(Sum(Cast("counterpart", WHOLE)), WHOLE), counterpart_known_=Count("counterpart"),
        support_=Cast(Sum(Cast("on_support", WHOLE)), WHOLE), disbursed_=Cast(Sum(Cast("on_disbursed", WHOLE)), WHOLE),
        eve_=eve_disbursed,
        codes_=Codes("code", filter=counted) if with_codes else Value(None, output_field=TextField()),
        reach_=Joined("reach", filter=~Q(reach="") if counted is None else counted & ~Q(reach="")),
    ).values_list("approved_", "source_", "content_", "kind_", "groups_", "count_", "cost_", "cost_known_",
                  "counterpart_", "counterpart_known_", "support_", "disbursed_", "eve_", "codes_",
                  "reach_")  # fmt: skip
    total = _Tally()
    sources: dict[str, _Tally] = defaultdict(_Tally)
    contents: dict[int, _Tally] = defaultdict(_Tally)
    groups = [_Tally() for _group in PRIORITY_GROUPS]
    bits = [(1 << index, tally) for index, tally in enumerate(groups)]
    # A group counts a facility once however many đề án serve it, and a facility-time per đề án: its tokens are
    # kept with their number of đề án.
    flagged: Counter[str] = Counter()
    disbursed_by_day = disbursed_by_eve = 0
    for (is_approved, source, content, kind, served, count, cost, cost_known, counterpart, counterpart_known,
         support_, disbursed_, eve_, codes_, reach) in _raw_rows(query):  # fmt: skip
        disbursed_by_day += disbursed_ or 0
        disbursed_by_eve += eve_ or 0
        if not is_approved:
            continue
        task = kind == ProjectKind.TASK
        support, disbursed, codes = support_ or 0, disbursed_ or 0, _codes(codes_)
        tokens = reach.split(SEPARATOR) if reach else []
        for tally in (total, sources[source], contents[content]):
            tally.count(task, count, support, codes)
            # Money not given is unknown, not zero (exchange format): the sums are of the đề án that state it,
            # and the report says how many do.
            tally.total_cost += cost or 0
            tally.cost_known += cost_known
            tally.counterpart += counterpart or 0
            tally.counterpart_known += counterpart_known
            tally.disbursed += disbursed
            tally.facility_times += len(tokens)
            tally.reached.update(tokens)
        if served:
            # A đề án counts in each group one of its facilities is in, once whatever their number.
            for bit, tally in bits:
                if served & bit:
                    tally.count(task, count, support, codes)
            flagged.update(token for token in tokens if GROUPS in token)
    for tally in (total, *sources.values(), *contents.values()):
        tally.facilities = len(tally.reached)
    # A token ends with its facility's groups ("42:5"): the facilities are counted per set of groups (at most 31),
    # then each set in the groups it holds.
    facilities: Counter[str] = Counter()
    times: Counter[str] = Counter()
    for token, served_times in flagged.items():
        in_groups = token[token.index(GROUPS) + 1 :]
        facilities[in_groups] += 1
        times[in_groups] += served_times
    for in_groups, count in facilities.items():
        for bit, tally in bits:
            if int(in_groups) & bit:
                tally.facilities += count
                tally.facility_times += times[in_groups]
    # Grouped by the content's key; a row shows its name in the reader's language (a downloaded report is built in
    # Vietnamese), and the rows' order is the codes', the same in either language.
    names, labels = {}, {}
    for pk, content in contents_by_id().items():
        names[pk], labels[pk] = content.code, content.label
    by_content_rows = sorted(contents.items(), key=lambda item: (-item[1].projects - item[1].tasks, names[item[0]]))
    figures = {
        "as_of": day.isoformat(),
        "total": total.as_json(with_codes),
        "by_source": [
            {"funding_source": source, "label": str(FundingSource(source).label), **tally.as_json(with_codes)}
            for source, tally in sorted(sources.items(), key=lambda item: _source_order(item[0]))
        ],
        "by_content": [
            {"content": names[pk], "label": labels[pk], **tally.as_json(with_codes)} for pk, tally in by_content_rows
        ],
        "priority_groups": [
            {
                "group": g.key,
                "label": str(g.label),
                "basis": str(g.basis),
                **{
                    k: v
                    for k, v in tally.as_json(with_codes).items()
                    if k in ("projects", "support", "facilities", "facility_times", "codes")
                },
            }
            for g, tally in zip(PRIORITY_GROUPS, groups, strict=True)
        ],
    }
    return figures, (disbursed_by_day - disbursed_by_eve if eve is not None else None)


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
