"""The figures every report states beside its own (issue of report fidelity): the money of the đề án per funding
source — total cost, KC support, the facilities' counterpart, disbursed —, the same by KC content with distinct
facilities and facility-times ("lượt cơ sở"), and the priority groups of Decree 235/2025/NĐ-CP.

One basis for all of them: the đề án approved by the as-of day (their period in force that day has reached approval),
with the support in force and the disbursement to date that day. Those đề án and their beneficiaries are read once
each (see `breakdown` for why they are summed here rather than grouped in SQL); the rows read are the report's own
đề án, whose codes every row of the breakdown lists so that it opens as its list.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import F, QuerySet
from django.utils.translation import gettext_lazy as _

from khuyencong.facilities.models import LegalForm
from khuyencong.programs.models import FundingSource
from khuyencong.projects.models import Project, ProjectContent, ProjectKind
from khuyencong.projects.selectors import with_state_on

from .layout import Col, Column, Table, rate, say_money

Beneficiary = Project.beneficiaries.through


@dataclass(frozen=True)
class PriorityGroup:
    """A group of facilities the law tells khuyến công to serve first: a facility is in it when `test` holds for the
    value of its `field`."""

    key: str
    label: str
    field: str
    test: Callable[[Any], bool]
    basis: str


# Decree 235/2025/NĐ-CP (amending Decree 45/2012/NĐ-CP, in force 15/10/2025) gives priority to facilities owned by
# women and by ethnic-minority people, in disadvantaged areas, in recognised craft villages, and to artisans; the
# Ministry must show that each group was served. A facility's flags are as recorded on the facility today.
DECREE_235 = "Nghị định 235/2025/NĐ-CP"
PRIORITY_GROUPS: tuple[PriorityGroup, ...] = (
    PriorityGroup("women_owned", str(_("Cơ sở do phụ nữ làm chủ")), "women_owned", bool, DECREE_235),
    PriorityGroup(
        "ethnic_minority_owned",
        str(_("Cơ sở do người dân tộc thiểu số làm chủ")),
        "ethnic_minority_owned",
        bool,
        DECREE_235,
    ),
    PriorityGroup(
        "disadvantaged_area",
        str(_("Cơ sở ở địa bàn khó khăn, đặc biệt khó khăn")),
        "disadvantaged_area",
        bool,
        DECREE_235,
    ),
    PriorityGroup("craft_village", str(_("Cơ sở trong làng nghề")), "craft_village", bool, DECREE_235),
    PriorityGroup("artisan", str(_("Nghệ nhân")), "legal_form", lambda form: form == LegalForm.ARTISAN, DECREE_235),
)


def approved_on(projects: QuerySet[Project], day: datetime.date) -> QuerySet[Project]:
    """The đề án approved by the end of `day`, annotated with their period in force that day (`on_support`,
    `on_disbursed`)."""
    annotated: Any = with_state_on(projects, day)
    # Filtered through an annotation: a filter on `on_period__…` itself would join the periods a second time.
    return annotated.annotate(on_approved=F("on_period__approved_on")).filter(on_approved__isnull=False).order_by()


class _Tally:
    """The figures of one row of the breakdown, summed as the đề án and their beneficiaries are read."""

    def __init__(self) -> None:
        self.projects = self.tasks = self.cost_known = self.counterpart_known = 0
        self.total_cost = self.support = self.counterpart = self.disbursed = Decimal(0)
        self.facilities: set[int] = set()
        self.facility_times = 0
        self.codes: list[str] = []

    def add(self, row: _Row) -> None:
        if row.kind == ProjectKind.TASK:
            self.tasks += 1
        else:
            self.projects += 1
        # Money not given is unknown, not zero (exchange format): the sums are of the đề án that state it, and the
        # report says how many do.
        if row.total_cost is not None:
            self.total_cost += row.total_cost
            self.cost_known += 1
        if row.counterpart is not None:
            self.counterpart += row.counterpart
            self.counterpart_known += 1
        self.support += row.support or 0
        self.disbursed += row.disbursed or 0
        self.codes.append(row.code)

    def reach(self, facility: int) -> None:
        self.facilities.add(facility)
        self.facility_times += 1

    def as_json(self) -> dict[str, Any]:
        return {
            "projects": self.projects,
            "tasks": self.tasks,
            "total_cost": int(self.total_cost),
            "total_cost_known": self.cost_known,
            "support": int(self.support),
            "counterpart": int(self.counterpart),
            "counterpart_known": self.counterpart_known,
            "disbursed": int(self.disbursed),
            "facilities": len(self.facilities),
            "facility_times": self.facility_times,
            "codes": sorted(self.codes),
        }


@dataclass(frozen=True)
class _Row:
    pk: int
    code: str
    source: str
    content: int
    kind: str
    total_cost: Decimal | None
    counterpart: Decimal | None
    support: Decimal | None
    disbursed: Decimal | None


def breakdown(projects: QuerySet[Project], day: datetime.date) -> dict[str, Any]:
    """Every figure of this module for the đề án given, as approved by `day`, in two reads whatever their number:
    the approved đề án with their period in force that day, and their beneficiaries with the facilities' flags.

    Summed here rather than by a GROUP BY per table: each grouped query would evaluate the as-of range join again
    (nine of them cost ten times these two reads on a national programme), and the rows read are the report's own
    đề án — the answer, whose codes the report lists anyway —, not their history."""
    approved: Any = approved_on(projects, day)
    rows = {
        values[0]: _Row(*values)
        for values in approved.values_list(
            "pk", "code", "plan__funding_source", "content_id", "kind", "total_cost", "counterpart", "on_support",
            "on_disbursed",
        )
    }  # fmt: skip
    total = _Tally()
    sources: dict[str, _Tally] = defaultdict(_Tally)
    contents: dict[int, _Tally] = defaultdict(_Tally)
    groups = {g.key: _Tally() for g in PRIORITY_GROUPS}
    for row in rows.values():
        total.add(row)
        sources[row.source].add(row)
        contents[row.content].add(row)
    served: dict[str, set[int]] = defaultdict(set)
    fields = [g.field for g in PRIORITY_GROUPS]
    for project, facility, *flags in Beneficiary.objects.filter(project_id__in=approved.values("pk")).values_list(
        "project_id", "facility_id", *(f"facility__{name}" for name in dict.fromkeys(fields))
    ):
        row = rows[project]
        total.reach(facility)
        sources[row.source].reach(facility)
        contents[row.content].reach(facility)
        values = dict(zip(dict.fromkeys(fields), flags, strict=True))
        for group in PRIORITY_GROUPS:
            if group.test(values[group.field]):
                groups[group.key].reach(facility)
                served[group.key].add(project)
    for key, projects_served in served.items():
        for project in projects_served:
            groups[key].add(rows[project])
    names, labels = {}, {}
    for pk, code, name in ProjectContent.objects.values_list("pk", "code", "name"):
        names[pk], labels[pk] = code, name
    by_content = sorted(contents.items(), key=lambda item: (-item[1].projects - item[1].tasks, names[item[0]]))
    return {
        "as_of": day.isoformat(),
        "total": total.as_json(),
        "by_source": [
            {"funding_source": source, "label": str(FundingSource(source).label), **tally.as_json()}
            for source, tally in sorted(sources.items(), key=lambda item: _source_order(item[0]))
        ],
        "by_content": [{"content": names[pk], "label": labels[pk], **tally.as_json()} for pk, tally in by_content],
        "priority_groups": [
            {
                "group": g.key,
                "label": g.label,
                "basis": g.basis,
                **{
                    k: v
                    for k, v in groups[g.key].as_json().items()
                    if k in ("projects", "support", "facilities", "facility_times", "codes")
                },
            }
            for g in PRIORITY_GROUPS
        ],
    }


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
        "Kinh phí theo nguồn",
        [Column("Nguồn kinh phí"), Column("Số đề án", Col.COUNT), Column("Nhiệm vụ khác", Col.COUNT),
         Column("Tổng kinh phí (đồng)", Col.MONEY), Column("Kinh phí khuyến công (đồng)", Col.MONEY),
         Column("Vốn đối ứng của cơ sở (đồng)", Col.MONEY), Column("Đã giải ngân (đồng)", Col.MONEY),
         Column("Tỷ lệ giải ngân", Col.PERCENT)],
    )  # fmt: skip
    for index, row in enumerate(figures["by_source"]):
        table.add([row["label"], row["projects"], row["tasks"], _known(row, "total_cost"), row["support"],
                   _known(row, "counterpart"), row["disbursed"], rate(row["disbursed"], row["support"])],
                  f"figure:{path}.by_source.{index}")  # fmt: skip
    total = figures["total"]
    if len(figures["by_source"]) > 1:
        table.add(["Cộng", total["projects"], total["tasks"], _known(total, "total_cost"), total["support"],
                   _known(total, "counterpart"), total["disbursed"], rate(total["disbursed"], total["support"])],
                  f"figure:{path}.total", total=True)  # fmt: skip
    unknown = total["projects"] + total["tasks"] - min(total["total_cost_known"], total["counterpart_known"])
    if unknown:
        table.note = (f"{unknown} đề án, nhiệm vụ chưa ghi tổng kinh phí hoặc vốn đối ứng; "
                      "các cột này chỉ cộng số đã ghi.")  # fmt: skip
    return table


def _known(row: dict[str, Any], key: str) -> int | None:
    return row[key] if row[f"{key}_known"] else None


def content_table(figures: dict[str, Any], path: str) -> Table:
    table = Table(
        "Theo nội dung khuyến công",
        [Column("Nội dung"), Column("Số đề án, nhiệm vụ", Col.COUNT), Column("Kinh phí khuyến công (đồng)", Col.MONEY),
         Column("Đã giải ngân (đồng)", Col.MONEY), Column("Số cơ sở", Col.COUNT), Column("Lượt cơ sở", Col.COUNT)],
    )  # fmt: skip
    for index, row in enumerate(figures["by_content"]):
        table.add([row["label"], row["projects"] + row["tasks"], row["support"], row["disbursed"], row["facilities"],
                   row["facility_times"]], f"figure:{path}.by_content.{index}")  # fmt: skip
    total = figures["total"]
    if figures["by_content"]:
        # A facility helped by two contents is one facility in the total, not two.
        table.add(["Cộng", total["projects"] + total["tasks"], total["support"], total["disbursed"],
                   total["facilities"], total["facility_times"]], f"figure:{path}.total", total=True)  # fmt: skip
    return table


def priority_table(figures: dict[str, Any], path: str) -> Table:
    table = Table(
        "Đối tượng ưu tiên (Nghị định 235/2025/NĐ-CP)",
        [Column("Nhóm"), Column("Số đề án", Col.COUNT), Column("Kinh phí khuyến công (đồng)", Col.MONEY),
         Column("Số cơ sở", Col.COUNT), Column("Lượt cơ sở", Col.COUNT)],
    )  # fmt: skip
    for index, row in enumerate(figures["priority_groups"]):
        table.add([row["label"], row["projects"], row["support"], row["facilities"], row["facility_times"]],
                  f"figure:{path}.priority_groups.{index}")  # fmt: skip
    table.note = ("Kinh phí của một đề án được tính cho nhóm khi đề án có ít nhất một cơ sở thụ hưởng thuộc nhóm; "
                  "một cơ sở có thể thuộc nhiều nhóm.")  # fmt: skip
    return table


def breakdown_tables(figures: dict[str, Any], path: str) -> list[Table]:
    tables = [money_table(figures, path), content_table(figures, path), priority_table(figures, path)]
    return [t for t in tables if t.rows]


def breakdown_text(figures: dict[str, Any]) -> list[str]:
    """The sentence the reports write: "tổng kinh phí X, trong đó kinh phí khuyến công Y, đối ứng của cơ sở Z"; then
    "N đề án ứng dụng máy móc thiết bị, X; …"."""
    total = figures["total"]
    if not total["projects"] + total["tasks"]:
        return []
    parts = [f"{total['projects'] + total['tasks']} đề án, nhiệm vụ được phê duyệt"]
    if total["total_cost_known"]:
        parts.append(f"tổng kinh phí {say_money(total['total_cost'])}")
    parts.append(f"trong đó kinh phí khuyến công {say_money(total['support'])}")
    if total["counterpart_known"]:
        parts.append(f"vốn đối ứng của cơ sở {say_money(total['counterpart'])}")
    text = [", ".join(parts) + "."]
    contents = [f"{row['projects'] + row['tasks']} đề án {row['label'][:1].lower()}{row['label'][1:]}, "
                f"{say_money(row['support'])}" for row in figures["by_content"]]  # fmt: skip
    if contents:
        text.append("; ".join(contents) + ".")
    return text
