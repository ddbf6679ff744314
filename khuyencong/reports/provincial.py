"""The provincial periodic report (seeds 000 and 001): what the Sở Công Thương writes every six, nine and twelve months.

Per funding source, for the plan of the period's year: the đề án and amounts that went through each step in the
period, by round; other KC tasks (kind `task`) apart; the status of every approved đề án as of the report date; who
implements them; then next year's registrations and past years' đề án with their distinct beneficiaries.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from khuyencong.core.numbers import round_parts
from khuyencong.programs.models import FundingSource
from khuyencong.projects.models import Project, ProjectKind
from khuyencong.projects.workflow import Action, State

from .facts import COMPLETED, IN_PROGRESS, NOT_STARTED, ProjectFacts, project_facts
from .layout import Col, Column, Section, Table, percent_of, plain, say_money
from .periods import Period
from .scope import ReportScope

# The steps a report counts, in the order of the procedure (Circular 36/2013/TT-BCT Art. 10–11).
STEPS: list[tuple[str, frozenset[str], str]] = [
    ("registered", frozenset({Action.REGISTERED}), "Đăng ký"),
    ("submitted", frozenset({Action.SUBMITTED_FOR_APPRAISAL}), "Gửi thẩm định"),
    ("appraised", frozenset({Action.APPRAISAL_PASSED}), "Thẩm định đạt"),
    ("failed", frozenset({Action.APPRAISAL_FAILED}), "Không đạt thẩm định"),
    ("forwarded", frozenset({Action.FORWARDED}), "Chuyển Bộ Công Thương"),
    ("approved", frozenset({Action.APPROVED}), "Phê duyệt"),
    ("assigned", frozenset({Action.ASSIGNED}), "Giao thực hiện"),
    ("contracted", frozenset({Action.CONTRACT_SIGNED}), "Ký hợp đồng"),
]
STEP_LABELS = {key: label for key, _, label in STEPS}

STATUS_LABELS = {
    "completed": "Đã hoàn thành (nghiệm thu)",
    "in_progress": "Đang thực hiện",
    "adjustment_requested": "Xin điều chỉnh",
    "stop_requested": "Xin dừng thực hiện",
    "stopped": "Đã dừng",
    "not_started": "Chưa triển khai",
}


def tally(facts: list[ProjectFacts], amounts: list[Decimal] | None = None) -> dict[str, Any]:
    facilities = {code for f in facts for code, _ in f.beneficiaries}
    return {
        "projects": len(facts),
        "amount": int(sum(amounts or [], Decimal(0))),
        "facilities": len(facilities),
        "facility_times": sum(len(f.beneficiaries) for f in facts),
        # Where the figure comes from: the đề án behind it, so that any number can be opened as a list.
        "codes": sorted(f.code for f in facts),
    }


def flows(facts: list[ProjectFacts], period: Period) -> dict[str, dict[str, Any]]:
    """For each step, the đề án that took it within the period (once each, at its latest such step) and the amount
    the step was about."""
    result = {}
    for key, actions, _ in STEPS:
        taken = [(f, f.last(actions, period.start, period.until)) for f in facts]
        hits = [(f, e) for f, e in taken if e is not None]
        result[key] = tally([f for f, _ in hits], [f.amount_at(e) for f, e in hits])
    return result


def status_of(fact: ProjectFacts, period: Period) -> str | None:
    state = fact.state_on(period.as_of)
    if state is None or not fact.reached(Action.APPROVED, period.as_of):
        return None
    if state in COMPLETED:
        return "completed"
    if state in IN_PROGRESS:
        return "in_progress"
    if state in NOT_STARTED:
        return "not_started"
    if state in (State.ADJUSTMENT_REQUESTED, State.STOP_REQUESTED, State.STOPPED):
        return str(state)
    return None


def statuses(facts: list[ProjectFacts], period: Period) -> dict[str, Any]:
    """Every đề án approved by the report date, by where it stands; those in progress by the workload reported."""
    counts: dict[str, int] = dict.fromkeys(STATUS_LABELS, 0)
    codes: dict[str, list[str]] = {key: [] for key in STATUS_LABELS}
    by_percent: dict[str, int] = defaultdict(int)
    approved = contracted = 0
    for fact in facts:
        status = status_of(fact, period)
        if status is None:
            continue
        approved += 1
        contracted += fact.reached(Action.CONTRACT_SIGNED, period.as_of)
        counts[status] += 1
        codes[status].append(fact.code)
        if status == "in_progress":
            percent = fact.percent_on(period.as_of)
            by_percent["" if percent is None else plain(percent)] += 1
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


def by_implementer(facts: list[ProjectFacts], period: Period) -> list[dict[str, Any]]:
    """Who carries out the approved đề án: the province's own centre, or a national centre working in the province."""
    groups: dict[str, list[ProjectFacts]] = defaultdict(list)
    for fact in facts:
        if fact.reached(Action.APPROVED, period.as_of):
            groups[fact.implementer].append(fact)
    rows = []
    for code, group in sorted(groups.items()):
        row = tally(group, [f.support_on(period.as_of) or Decimal(0) for f in group])
        rows.append({"code": code, "name": group[0].implementer_name, "kind": group[0].implementer_kind, **row})
    return rows


def project_rows(facts: list[ProjectFacts], period: Period) -> list[dict[str, Any]]:
    rows = []
    for fact in facts:
        state = fact.state_on(period.as_of)
        if state is None:
            continue
        support = fact.support_on(period.as_of)
        percent = fact.percent_on(period.as_of)
        rows.append(
            {
                "code": fact.code,
                "title": fact.title,
                "kind": fact.kind,
                "round": fact.round,
                "content": fact.content_name,
                "implementer": fact.implementer_name,
                "beneficiaries": [name for _, name in fact.beneficiaries],
                "state": state,
                "state_label": str(State(state).label),
                "status": status_of(fact, period),
                "percent": plain(percent) if percent is not None else None,
                "support": int(support) if support is not None else None,
                "disbursed": int(fact.disbursed(fact.events[0].on, period.as_of)) if fact.events else 0,
            }
        )
    return rows


def source_section(source: str, facts: list[ProjectFacts], period: Period) -> dict[str, Any]:
    projects = [f for f in facts if f.kind != ProjectKind.TASK]
    tasks = [f for f in facts if f.kind == ProjectKind.TASK]
    rounds = sorted({f.round for f in projects if f.round is not None})
    return {
        "funding_source": source,
        "label": str(FundingSource(source).label),
        "projects": flows(projects, period),
        "tasks": flows(tasks, period),
        "total": flows(facts, period),
        "by_round": [{"round": r, **flows([f for f in projects if f.round == r], period)} for r in rounds],
        "status": statuses(projects, period),
        "by_implementer": by_implementer(facts, period),
        "list": project_rows(facts, period),
    }


def provincial_report(scope: ReportScope, period: Period, *, projects: Any = None) -> dict[str, Any]:
    queryset = scope.projects(projects if projects is not None else Project.objects.all())
    facts = project_facts(queryset.filter(plan__year__lte=period.plan_year + 1), period.as_of)
    year = period.plan_year
    this_year = [f for f in facts if f.year == year]
    next_year = [f for f in facts if f.year == year + 1]
    sources = sorted({f.funding_source for f in this_year}, key=_source_order)
    return {
        "kind": "provincial",
        "title": f"Báo cáo tình hình thực hiện công tác khuyến công {period.label}",
        "scope": scope.as_json(),
        "period": period_json(period),
        "sources": [source_section(s, [f for f in this_year if f.funding_source == s], period) for s in sources],
        "next_year": {
            "year": year + 1,
            "sources": [
                {
                    "funding_source": s,
                    "label": str(FundingSource(s).label),
                    **flows([f for f in next_year if f.funding_source == s], period),
                }
                for s in sorted({f.funding_source for f in next_year}, key=_source_order)
            ],
        },
        "past_years": past_years([f for f in facts if f.year < year], period),
    }


def past_years(facts: list[ProjectFacts], period: Period) -> list[dict[str, Any]]:
    """Each earlier plan year: đề án approved, the distinct facilities they supported, and the support approved."""
    years: dict[int, list[ProjectFacts]] = defaultdict(list)
    for fact in facts:
        if fact.reached(Action.APPROVED, period.as_of) and fact.kind != ProjectKind.TASK:
            years[fact.year].append(fact)
    return [
        {
            "year": year,
            **tally(group, [f.support_on(period.as_of) or Decimal(0) for f in group]),
            "disbursed": int(sum((f.disbursed(f.events[0].on, period.as_of) for f in group), Decimal(0))),
        }
        for year, group in sorted(years.items())
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
    next_year = report["next_year"]
    if next_year["sources"]:
        table = Table("Đăng ký kế hoạch năm sau", [Column("Nguồn kinh phí"), *_step_columns()])
        for index, source in enumerate(next_year["sources"]):
            for key in ("registered", "submitted", "appraised", "failed", "forwarded", "approved"):
                table.add([source["label"], STEP_LABELS[key], *_tally_cells(source[key])],
                          f"figure:next_year.sources.{index}.{key}")  # fmt: skip
        sections.append(Section(f"Đăng ký kế hoạch khuyến công năm {next_year['year']}", [table]))
    if report["past_years"]:
        past = Table(
            "Đề án các năm trước",
            [Column("Năm"), Column("Số đề án", Col.COUNT), Column("Số cơ sở thụ hưởng", Col.COUNT),
             Column("Kinh phí được duyệt (đồng)", Col.MONEY), Column("Đã giải ngân (đồng)", Col.MONEY)],
        )  # fmt: skip
        for row in report["past_years"]:
            past.rows.append([row["year"], row["projects"], row["facilities"], row["amount"], row["disbursed"]])
        sections.append(Section("Hiệu quả các đề án những năm trước", [past]))
    return sections


ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V", 6: "VI", 7: "VII"}


def _step_columns() -> list[Column]:
    return [Column("Bước"), Column("Số đề án", Col.COUNT), Column("Số cơ sở", Col.COUNT),
            Column("Kinh phí (đồng)", Col.MONEY)]  # fmt: skip


def _tally_cells(t: dict[str, Any]) -> list[int]:
    return [t["projects"], t["facilities"], t["amount"]]


def _source_sections(number: str, source: dict[str, Any], path: str) -> Section:
    projects, tasks, total = source["projects"], source["tasks"], source["total"]
    steps = Table("Tiến độ thủ tục trong kỳ", [Column("Nội dung"), *_step_columns()])
    for key, _, label in STEPS:
        if projects[key]["projects"]:
            steps.add(["Đề án", label, *_tally_cells(projects[key])], f"figure:{path}.projects.{key}")
        if tasks[key]["projects"]:
            steps.add(["Nội dung khuyến công khác", label, *_tally_cells(tasks[key])], f"figure:{path}.tasks.{key}")
        if tasks[key]["projects"] and projects[key]["projects"]:
            steps.add(["Cộng", label, *_tally_cells(total[key])], f"figure:{path}.total.{key}", total=True)
    rounds = Table("Theo đợt", [Column("Đợt"), *_step_columns()])
    for index, row in enumerate(source["by_round"]):
        for key, _, label in STEPS:
            if row[key]["projects"]:
                rounds.add(
                    [f"Đợt {row['round']}", label, *_tally_cells(row[key])], f"figure:{path}.by_round.{index}.{key}"
                )
    status = source["status"]
    approved = status["approved"]
    states = Table(
        "Tình hình thực hiện các đề án đã phê duyệt",
        [Column("Tình trạng"), Column("Số đề án", Col.COUNT), Column("Tỷ lệ", Col.PERCENT)],
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
                workload = f"đạt {step['percent']}% khối lượng" if step["percent"] else "chưa báo cáo khối lượng"
                states.add([f"— {workload}", step["projects"], share])
    states.add(["Tổng số đề án đã phê duyệt", approved, percent_of(approved, approved)], total=True)
    implementers = Table(
        "Đơn vị thực hiện",
        [Column("Đơn vị"), Column("Số đề án", Col.COUNT), Column("Số cơ sở", Col.COUNT),
         Column("Kinh phí hỗ trợ (đồng)", Col.MONEY)],
    )  # fmt: skip
    for index, row in enumerate(source["by_implementer"]):
        implementers.add([row["name"], row["projects"], row["facilities"], row["amount"]],
                         f"figure:{path}.by_implementer.{index}")  # fmt: skip
    listing = Table(
        "Danh sách đề án",
        [Column("Mã"), Column("Tên đề án"), Column("Cơ sở thụ hưởng"), Column("Đơn vị thực hiện"),
         Column("Tình trạng"), Column("Khối lượng", Col.PERCENT), Column("Kinh phí hỗ trợ (đồng)", Col.MONEY)],
    )  # fmt: skip
    for row in source["list"]:
        listing.add([row["code"], row["title"], "; ".join(row["beneficiaries"]), row["implementer"],
                     row["state_label"], row["percent"], row["support"]], f"project:{row['code']}")  # fmt: skip
    text = []
    if projects["submitted"]["projects"]:
        text.append(f"Tiếp nhận {projects['submitted']['projects']} đề án đề nghị thẩm định, tổng kinh phí "
                    f"{say_money(projects['submitted']['amount'])}.")  # fmt: skip
    if projects["approved"]["projects"]:
        text.append(f"Phê duyệt {projects['approved']['projects']} đề án, kinh phí hỗ trợ "
                    f"{say_money(projects['approved']['amount'])}.")  # fmt: skip
    if approved:
        text.append(f"Đã ký hợp đồng {status['contracted']}/{approved} đề án đã phê duyệt; hoàn thành "
                    f"{status['completed']}/{approved}.")  # fmt: skip
    tables = [t for t in (steps, rounds, states, implementers, listing) if t.rows]
    return Section(f"{number}. {source['label']}", tables, text)
