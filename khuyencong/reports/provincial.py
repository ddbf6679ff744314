"""The provincial periodic report (seeds 000 and 001): what the Sở Công Thương writes every six, nine and twelve months.

Per funding source, for the plan of the period's year: the đề án and amounts that went through each step in the
period, by round; other KC tasks (kind `task`) apart; the status of every approved đề án as of the report date; who
implements them; then next year's registrations and past years' đề án with their distinct beneficiaries.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, QuerySet, Sum
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from khuyencong.core.numbers import active_locale, format_number, round_parts
from khuyencong.programs.models import FundingSource
from khuyencong.projects.models import Project, ProjectEvent, ProjectKind, ProjectPeriod
from khuyencong.projects.periods import AMOUNT_SETTING
from khuyencong.projects.selectors import contents_by_id, with_state_on
from khuyencong.projects.workflow import Action, State

from .figures import breakdown, breakdown_tables, breakdown_text
from .layout import Col, Column, Section, Table, percent_of, plain, say_money
from .periods import Period
from .scope import ReportScope

# The steps a report counts, in the order of the procedure (Circular 36/2013/TT-BCT Art. 10–11).
STEPS: list[tuple[str, frozenset[str], Promise]] = [
    ("registered", frozenset({Action.REGISTERED}), gettext_lazy("Đăng ký")),
    ("submitted", frozenset({Action.SUBMITTED_FOR_APPRAISAL}), gettext_lazy("Gửi thẩm định")),
    ("appraised", frozenset({Action.APPRAISAL_PASSED}), gettext_lazy("Thẩm định đạt")),
    ("failed", frozenset({Action.APPRAISAL_FAILED}), gettext_lazy("Không đạt thẩm định")),
    ("forwarded", frozenset({Action.FORWARDED}), gettext_lazy("Chuyển Bộ Công Thương")),
    ("approved", frozenset({Action.APPROVED}), gettext_lazy("Phê duyệt")),
    ("assigned", frozenset({Action.ASSIGNED}), gettext_lazy("Giao thực hiện")),
    ("contracted", frozenset({Action.CONTRACT_SIGNED}), gettext_lazy("Ký hợp đồng")),
]
STEP_LABELS = {key: label for key, _actions, label in STEPS}

STATUS_LABELS = {
    "completed": gettext_lazy("Đã hoàn thành (nghiệm thu)"),
    "in_progress": gettext_lazy("Đang thực hiện"),
    "adjustment_requested": gettext_lazy("Xin điều chỉnh"),
    "stop_requested": gettext_lazy("Xin dừng thực hiện"),
    "stopped": gettext_lazy("Đã dừng"),
    "not_started": gettext_lazy("Chưa triển khai"),
}


# Where an approved đề án stands, as the report's status table groups the states.
COMPLETED = frozenset({State.ACCEPTED, State.LIQUIDATED, State.SETTLED})
IN_PROGRESS = frozenset({State.CONTRACTED, State.IN_PROGRESS})
NOT_STARTED = frozenset({State.APPROVED, State.ASSIGNED})

STEP_ACTIONS = frozenset(action for _key, actions, _label in STEPS for action in actions)


@dataclass
class Row:
    """One đề án of the year's or next year's plans as it stood at the end of the as-of day (its period in force
    then), with its beneficiaries and what each step it took within the period was about."""

    pk: int
    code: str
    title: str
    kind: str
    round: int | None
    year: int
    funding_source: str
    content_name: str
    implementer: str
    implementer_name: str
    implementer_kind: str
    support_requested: Decimal | None
    state: str | None
    percent: Decimal | None
    support: Decimal | None
    disbursed: Decimal
    approved: bool
    contracted: bool
    beneficiaries: list[tuple[str, str]] = field(default_factory=list)
    # Step key → the amount of the đề án's latest such step within the period.
    steps: dict[str, Decimal] = field(default_factory=dict)


def tally(rows: list[Row], amounts: list[Decimal] | None = None) -> dict[str, Any]:
    facilities = {code for r in rows for code, _name in r.beneficiaries}
    return {
        "projects": len(rows),
        "amount": int(sum(amounts or [], Decimal(0))),
        "facilities": len(facilities),
        "facility_times": sum(len(r.beneficiaries) for r in rows),
        # Where the figure comes from: the đề án behind it, so that any number can be opened as a list.
        "codes": sorted(r.code for r in rows),
    }


def flows(rows: list[Row]) -> dict[str, dict[str, Any]]:
    """For each step, the đề án that took it within the period (once each, at its latest such step) and the amount
    the step was about."""
    result = {}
    for key, _actions, _label in STEPS:
        hits = [r for r in rows if key in r.steps]
        result[key] = tally(hits, [r.steps[key] for r in hits])
    return result


def status_of(row: Row) -> str | None:
    if row.state is None or not row.approved:
        return None
    if row.state in COMPLETED:
        return "completed"
    if row.state in IN_PROGRESS:
        return "in_progress"
    if row.state in NOT_STARTED:
        return "not_started"
    if row.state in (State.ADJUSTMENT_REQUESTED, State.STOP_REQUESTED, State.STOPPED):
        return str(row.state)
    return None


def statuses(rows: list[Row]) -> dict[str, Any]:
    """Every đề án approved by the report date, by where it stands; those in progress by the workload reported."""
    counts: dict[str, int] = dict.fromkeys(STATUS_LABELS, 0)
    codes: dict[str, list[str]] = {key: [] for key in STATUS_LABELS}
    by_percent: dict[str, int] = defaultdict(int)
    approved = contracted = 0
    for row in rows:
        status = status_of(row)
        if status is None:
            continue
        approved += 1
        contracted += row.contracted
        counts[status] += 1
        codes[status].append(row.code)
        if status == "in_progress":
            by_percent["" if row.percent is None else plain(row.percent)] += 1
    return {
        "approved": approved,
        "contracted": contracted,
        **counts,
        "codes": codes,
        "in_progress_by_percent": [
            {"percent": p or None, "projects": n}
            for p, n in sorted(by_percent.items(), key=lambda item: Decimal(item[0] or -1), reverse=True)
        ],
    }


def by_implementer(rows: list[Row]) -> list[dict[str, Any]]:
    """Who carries out the approved đề án: the province's own centre, or a national centre working in the province."""
    groups: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        if row.approved:
            groups[row.implementer].append(row)
    out = []
    for code, group in sorted(groups.items()):
        figures = tally(group, [r.support or Decimal(0) for r in group])
        out.append({"code": code, "name": group[0].implementer_name, "kind": group[0].implementer_kind, **figures})
    return out


def project_rows(rows: list[Row]) -> list[dict[str, Any]]:
    return [
        {
            "code": row.code,
            "title": row.title,
            "kind": row.kind,
            "round": row.round,
            "content": row.content_name,
            "implementer": row.implementer_name,
            "beneficiaries": [name for _code, name in row.beneficiaries],
            "state": row.state,
            "state_label": str(State(row.state).label),
            "status": status_of(row),
            "percent": plain(row.percent) if row.percent is not None else None,
            "support": int(row.support) if row.support is not None else None,
            "disbursed": int(row.disbursed),
        }
        for row in rows
        if row.state is not None
    ]


def source_section(source: str, rows: list[Row]) -> dict[str, Any]:
    projects = [r for r in rows if r.kind != ProjectKind.TASK]
    tasks = [r for r in rows if r.kind == ProjectKind.TASK]
    rounds = sorted({r.round for r in projects if r.round is not None})
    return {
        "funding_source": source,
        "label": str(FundingSource(source).label),
        "projects": flows(projects),
        "tasks": flows(tasks),
        "total": flows(rows),
        "by_round": [{"round": n, **flows([r for r in projects if r.round == n])} for n in rounds],
        "status": statuses(projects),
        "by_implementer": by_implementer(rows),
        "list": project_rows(rows),
    }


def provincial_report(
    scope: ReportScope, period: Period, *, projects: Any = None, codes: bool = True
) -> dict[str, Any]:
    """Read from the periods and from the events of the period only: the year's and next year's đề án with their
    period in force on the as-of day (one range join), the steps dated within the period, and the earlier years as
    SQL aggregates. Nothing is replayed, and the cost grows with the two years reported, not with the history.
    Without `codes`, the breakdown lists no đề án (see `figures.breakdown`)."""
    in_scope = scope.projects(projects if projects is not None else Project.objects.all())
    year = period.plan_year
    rows = _rows(in_scope.filter(plan__year__in=(year, year + 1)), period)
    this_year = [r for r in rows if r.year == year]
    next_year = [r for r in rows if r.year == year + 1]
    sources = sorted({r.funding_source for r in this_year}, key=_source_order)
    return {
        "kind": "provincial",
        "title": _("Báo cáo tình hình thực hiện công tác khuyến công %(period)s") % {"period": period.label},
        "scope": scope.as_json(),
        "period": period_json(period),
        "sources": [source_section(s, [r for r in this_year if r.funding_source == s]) for s in sources],
        "next_year": {
            "year": year + 1,
            "sources": [
                {
                    "funding_source": s,
                    "label": str(FundingSource(s).label),
                    **flows([r for r in next_year if r.funding_source == s]),
                }
                for s in sorted({r.funding_source for r in next_year}, key=_source_order)
            ],
        },
        "past_years": past_years(in_scope.filter(plan__year__lt=year), period),
        "breakdown": breakdown(in_scope.filter(plan__year=year), period.as_of, codes=codes),
    }


def _rows(projects: QuerySet[Project], period: Period) -> list[Row]:
    """The đề án with their period in force on the as-of day, their steps within the period and, for those the
    report shows, their beneficiaries: three or four queries whatever the number of đề án."""
    day = period.as_of
    annotated: Any = with_state_on(projects, day)
    values = (
        annotated.order_by("plan__year", "code")
        .values_list(
            "pk", "code", "title", "kind", "round", "plan__year", "plan__funding_source", "content_id",
            "implementer__code", "implementer__name", "implementer__kind", "support_requested", "on_state",
            "on_percent", "on_support", "on_disbursed", "on_period__approved_on", "on_period__contracted_on",
        )
    )  # fmt: skip
    rows: dict[int, Row] = {}
    # The content by its key, shown in the reader's language (a downloaded report is built in Vietnamese).
    contents = contents_by_id()
    for (pk, code, title, kind, round_, year, source, content, implementer, implementer_name, implementer_kind,
         requested, state, percent, support, disbursed, approved_on, contracted_on) in values:  # fmt: skip
        rows[pk] = Row(
            pk, code, title, kind, round_, year, source, contents[content].label, implementer, implementer_name,
            implementer_kind, requested, state, percent, support, disbursed or Decimal(0), approved_on is not None,
            contracted_on is not None,
        )  # fmt: skip
    if not rows:
        return []
    ids = projects.order_by().values("pk")
    # Steps dated within the period and by the as-of day (events are indexed by đề án and date).
    taken = ProjectEvent.objects.standing().filter(
        project_id__in=ids, on__gte=period.start, on__lte=period.until, action__in=STEP_ACTIONS
    )
    latest: dict[tuple[int, str], tuple[int, Decimal | None]] = {}
    for pk, seq, action, amount in taken.values_list("project_id", "seq", "action", "amount").order_by(
        "project_id", "seq"
    ):
        for key, actions, _label in STEPS:
            if action in actions:
                latest[pk, key] = (seq, amount)
    # A step without its own amount is about the latest amount set before it (an assignment carries the approved
    # support), else the support requested: read the amount-setting steps of only the đề án that have such a step.
    setting: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for pk, seq, set_amount in (
        ProjectEvent.objects.standing()
        .filter(
            project_id__in=taken.filter(amount__isnull=True).values("project_id"),
            on__lte=period.until,
            action__in=AMOUNT_SETTING,
            amount__isnull=False,
        )
        .values_list("project_id", "seq", "amount")
        .order_by("project_id", "seq")
    ):
        if set_amount is not None:
            setting[pk].append((seq, set_amount))
    for (pk, key), (seq, amount) in latest.items():
        row = rows[pk]
        if amount is None:
            earlier = [set_amount for set_seq, set_amount in setting[pk] if set_seq < seq]
            amount = earlier[-1] if earlier else row.support_requested or Decimal(0)
        row.steps[key] = amount
    # Beneficiaries of the đề án the report shows: those with a state by the as-of day, and any with a step.
    shown = projects.filter(
        Exists(ProjectPeriod.objects.filter(project=OuterRef("pk"), valid_from__lte=day))
        | Exists(taken.filter(project=OuterRef("pk")))
    )
    for pk, code, name in (
        Project.beneficiaries.through.objects.filter(project_id__in=shown.order_by().values("pk"))
        .values_list("project_id", "facility__code", "facility__name")
        .order_by("project_id", "facility__code")
    ):
        rows[pk].beneficiaries.append((code, name))
    return list(rows.values())


def past_years(projects: QuerySet[Project], period: Period, *, reach: bool = True) -> list[dict[str, Any]]:
    """Each earlier plan year: đề án approved by the as-of day (tasks apart), the distinct facilities they supported,
    the support in force and what was disbursed — aggregates per plan year over their periods in force that day.
    Without `reach`, no facilities: counting distinct beneficiaries is most of the cost over five national years, and
    the trend chart does not show them."""
    annotated: Any = with_state_on(projects.exclude(kind=ProjectKind.TASK), period.as_of)
    # Filtered through an annotation: a filter on `on_period__…` itself would join the periods a second time.
    approved = annotated.annotate(on_approved=F("on_period__approved_on")).filter(on_approved__isnull=False).order_by()
    totals = approved.values("plan__year").annotate(
        projects=Count("pk"), amount=Sum("on_support"), disbursed=Sum("on_disbursed")
    )
    facilities: dict[int, tuple[int, int]] = {}
    if reach:
        reached = (
            Project.beneficiaries.through.objects.filter(project_id__in=approved.values("pk"))
            .order_by()
            .values("project__plan__year")
            .annotate(facilities=Count("facility_id", distinct=True), times=Count("pk"))
        )
        facilities = {r["project__plan__year"]: (r["facilities"], r["times"]) for r in reached}
    # No list of codes here, unlike this year's figures: it would be every approved đề án of every past year (the
    # one read that grew with history), and the page opens no list from this table.
    return [
        {
            "year": row["plan__year"],
            "projects": row["projects"],
            "amount": int(row["amount"] or 0),
            "facilities": facilities.get(row["plan__year"], (0, 0))[0],
            "facility_times": facilities.get(row["plan__year"], (0, 0))[1],
            "disbursed": int(row["disbursed"] or 0),
        }
        for row in sorted(totals, key=lambda r: r["plan__year"])
    ]


def period_json(period: Period) -> dict[str, str]:
    return {
        "from": period.start.isoformat(),
        "to": period.end.isoformat(),
        "as_of": period.as_of.isoformat(),
        "label": period.label,
    }


def _source_order(source: str) -> int:
    order = list(FundingSource.values)
    return order.index(source) if source in order else len(order)


def provincial_sections(report: dict[str, Any]) -> list[Section]:
    sections = []
    for number, source in enumerate(report["sources"], start=1):
        sections.append(_source_sections(ROMAN[number], source, f"sources.{number - 1}"))
    figures = report["breakdown"]
    tables = breakdown_tables(figures, "breakdown")
    if tables:
        title = _("%(number)s. Kinh phí, nội dung và đối tượng ưu tiên năm %(year)s") % {
            "number": ROMAN[len(sections) + 1],
            "year": report["period"]["to"][:4],
        }
        sections.append(Section(title, tables, breakdown_text(figures)))  # fmt: skip
    next_year = report["next_year"]
    if next_year["sources"]:
        table = Table(_("Đăng ký kế hoạch năm sau"), [Column(_("Nguồn kinh phí")), *_step_columns()])
        for index, source in enumerate(next_year["sources"]):
            for key in ("registered", "submitted", "appraised", "failed", "forwarded", "approved"):
                table.add([source_label(source), STEP_LABELS[key], *_tally_cells(source[key])],
                          f"figure:next_year.sources.{index}.{key}")  # fmt: skip
        sections.append(Section(_("Đăng ký kế hoạch khuyến công năm %(year)s") % {"year": next_year["year"]}, [table]))
    if report["past_years"]:
        past = Table(
            _("Đề án các năm trước"),
            [Column(_("Năm")), Column(_("Số đề án"), Col.COUNT), Column(_("Số cơ sở thụ hưởng"), Col.COUNT),
             Column(_("Kinh phí được duyệt (đồng)"), Col.MONEY), Column(_("Đã giải ngân (đồng)"), Col.MONEY)],
        )  # fmt: skip
        for row in report["past_years"]:
            past.rows.append([row["year"], row["projects"], row["facilities"], row["amount"], row["disbursed"]])
        sections.append(Section(_("Hiệu quả các đề án những năm trước"), [past]))
    return sections


def source_label(row: dict[str, Any]) -> str:
    """A funding source's name in the reader's language: figures kept as sent (a periodic report's) carry the words of
    the day they were computed; the label they carry is kept for a source this system does not know."""
    try:
        return str(FundingSource(str(row.get("funding_source"))).label)
    except ValueError:
        return str(row["label"])


def state_label(row: dict[str, Any]) -> str:
    """A đề án's state in the reader's language, as `source_label`."""
    try:
        return str(State(str(row.get("state"))).label)
    except ValueError:
        return str(row["state_label"])


ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V", 6: "VI", 7: "VII"}


def _step_columns() -> list[Column]:
    return [Column(_("Bước")), Column(_("Số đề án"), Col.COUNT), Column(_("Số cơ sở"), Col.COUNT),
            Column(_("Kinh phí (đồng)"), Col.MONEY)]  # fmt: skip


def _tally_cells(t: dict[str, Any]) -> list[int]:
    return [t["projects"], t["facilities"], t["amount"]]


def _source_sections(number: str, source: dict[str, Any], path: str) -> Section:
    projects, tasks, total = source["projects"], source["tasks"], source["total"]
    steps = Table(_("Tiến độ thủ tục trong kỳ"), [Column(_("Nội dung")), *_step_columns()])
    for key, _actions, label in STEPS:
        if projects[key]["projects"]:
            steps.add([_("Đề án"), label, *_tally_cells(projects[key])], f"figure:{path}.projects.{key}")
        if tasks[key]["projects"]:
            steps.add([_("Nội dung khuyến công khác"), label, *_tally_cells(tasks[key])], f"figure:{path}.tasks.{key}")
        if tasks[key]["projects"] and projects[key]["projects"]:
            steps.add([_("Cộng"), label, *_tally_cells(total[key])], f"figure:{path}.total.{key}", total=True)
    rounds = Table(_("Theo đợt"), [Column(_("Đợt")), *_step_columns()])
    for index, row in enumerate(source["by_round"]):
        for key, _actions, label in STEPS:
            if row[key]["projects"]:
                rounds.add(
                    [_("Đợt %(round)s") % {"round": row["round"]}, label, *_tally_cells(row[key])],
                    f"figure:{path}.by_round.{index}.{key}",
                )
    status = source["status"]
    approved = status["approved"]
    states = Table(
        _("Tình hình thực hiện các đề án đã phê duyệt"),
        [Column(_("Tình trạng")), Column(_("Số đề án"), Col.COUNT), Column(_("Tỷ lệ"), Col.PERCENT)],
    )
    # The statuses' shares are rounded together so that they add up to 100,0% (three thirds are 33,4 + 33,3 + 33,3).
    keys = [key for key in STATUS_LABELS if status[key]]
    shares = dict(zip(keys, round_parts([Decimal(status[k] * 100) / approved for k in keys], places=1), strict=True))
    for key in keys:
        states.add([STATUS_LABELS[key], status[key], shares[key]], f"figure:{path}.status.codes.{key}")
        if key == "in_progress":
            steps_in = status["in_progress_by_percent"]
            parts = round_parts([Decimal(step["projects"] * 100) / approved for step in steps_in], places=1)
            for step, share in zip(steps_in, parts, strict=True):
                workload = (
                    _("đạt %(percent)s%% khối lượng")
                    % {"percent": format_number(Decimal(step["percent"]), locale=active_locale())}
                    if step["percent"]
                    else _("chưa báo cáo khối lượng")
                )
                states.add([f"— {workload}", step["projects"], share])
    states.add([_("Tổng số đề án đã phê duyệt"), approved, percent_of(approved, approved)], total=True)
    implementers = Table(
        _("Đơn vị thực hiện"),
        [Column(pgettext("report", "Đơn vị")), Column(_("Số đề án"), Col.COUNT), Column(_("Số cơ sở"), Col.COUNT),
         Column(_("Kinh phí hỗ trợ (đồng)"), Col.MONEY)],
    )  # fmt: skip
    for index, row in enumerate(source["by_implementer"]):
        implementers.add([row["name"], row["projects"], row["facilities"], row["amount"]],
                         f"figure:{path}.by_implementer.{index}")  # fmt: skip
    listing = Table(
        _("Danh sách đề án"),
        [Column(_("Mã")), Column(_("Tên đề án")), Column(_("Cơ sở thụ hưởng")), Column(_("Đơn vị thực hiện")),
         Column(_("Tình trạng")), Column(_("Khối lượng"), Col.PERCENT), Column(_("Kinh phí hỗ trợ (đồng)"), Col.MONEY)],
    )  # fmt: skip
    for row in source["list"]:
        listing.add([row["code"], row["title"], "; ".join(row["beneficiaries"]), row["implementer"],
                     state_label(row), row["percent"], row["support"]], f"project:{row['code']}")  # fmt: skip
    text = []
    if projects["submitted"]["projects"]:
        text.append(
            ngettext(
                "Tiếp nhận %(count)d đề án đề nghị thẩm định, tổng kinh phí %(amount)s.",
                "Tiếp nhận %(count)d đề án đề nghị thẩm định, tổng kinh phí %(amount)s.",
                projects["submitted"]["projects"],
            )
            % {"count": projects["submitted"]["projects"], "amount": say_money(projects["submitted"]["amount"])}
        )
    if projects["approved"]["projects"]:
        text.append(
            ngettext(
                "Phê duyệt %(count)d đề án, kinh phí hỗ trợ %(amount)s.",
                "Phê duyệt %(count)d đề án, kinh phí hỗ trợ %(amount)s.",
                projects["approved"]["projects"],
            )
            % {"count": projects["approved"]["projects"], "amount": say_money(projects["approved"]["amount"])}
        )
    if approved:
        text.append(
            _("Đã ký hợp đồng %(contracted)d/%(approved)d đề án đã phê duyệt; hoàn thành %(completed)d/%(approved)d.")
            % {"contracted": status["contracted"], "completed": status["completed"], "approved": approved}
        )
    tables = [t for t in (steps, rounds, states, implementers, listing) if t.rows]
    return Section(f"{number}. {source_label(source)}", tables, text)
