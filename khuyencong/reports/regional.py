"""Totals over a region or a list of provinces (seed 003): plan, implemented and its share of the plan, the same
figures a year earlier, results by indicator, and the centres' consulting work."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from khuyencong.consulting.models import ConsultingRecord
from khuyencong.programs.models import Allocation, BudgetDecision, Plan
from khuyencong.programs.selectors import budgets_on
from khuyencong.projects.models import Indicator, Project, Result
from khuyencong.projects.selectors import state_in_force

from .figures import (
    breakdown,
    breakdown_and_disbursed,
    breakdown_compared,
    breakdown_tables,
    breakdown_text,
    change,
    with_previous,
)
from .layout import Col, Column, Section, Table, plain, rate, say_money
from .periods import Period
from .provincial import period_json
from .scope import Geography, ReportScope

# Indicators counted once per facility, whatever the number of đề án (Circular 36/2013 report forms keep
# "cơ sở" and "lượt cơ sở" apart): a facility at three fairs is one facility and three facility-times.
DISTINCT = {Indicator.FACILITIES_SUPPORTED}


def territory_q(scope: ReportScope, prefix: str) -> Q:
    """Bodies whose territory lies in the scope's provinces (either generation of unit, as the scope says)."""
    if scope.national:
        return Q()
    ids = [p.pk for p in scope.provinces]
    if scope.geography == Geography.CURRENT:
        return (
            Q(**{f"{prefix}territory__current_province__in": ids})
            | Q(**{f"{prefix}territory__in": ids})
            | Q(**{f"{prefix}territory__parent__current_province__in": ids})
        )
    return Q(**{f"{prefix}territory__in": ids}) | Q(**{f"{prefix}territory__parent__in": ids})


def plan_amount(scope: ReportScope, year: int, day: Any) -> Decimal:
    """The year's plan for the scope: the budgets in force of the local plans, plus what national plans allocated to
    the scope's own bodies (a national centre's share is not a province's). For the nation, every plan's budget."""
    plans = Plan.objects.filter(year=year)
    if not scope.national:
        plans = plans.filter(territory_q(scope, "owner__"), owner__territory__isnull=False)
    total = budgets_on(plans, day)
    if scope.national:
        return total
    national = Allocation.objects.standing().filter(
        territory_q(scope, "to__"), plan__year=year, plan__owner__territory__isnull=True, on__lte=day,
        to__territory__isnull=False,
    )  # fmt: skip
    total += national.aggregate(total=Sum("amount", default=Decimal(0)))["total"]
    return total


def counted_in_plan(scope: ReportScope, year: int, day: Any) -> Q:
    """The đề án whose money `plan_amount` counts: those of the plans whose budget it sums and, for a territory, of
    the national plans that allocated to its bodies. A share of the plan is only a share of these: the đề án of a
    national plan whose allocation to the province was never recorded would otherwise be set against a plan that
    does not include them (Bắc Kạn 2018: contracts at 130 % of the local plan)."""
    budgeted = Exists(BudgetDecision.objects.standing().filter(plan=OuterRef("pk"), on__lte=day))
    plans = Plan.objects.filter(budgeted, year=year)
    if scope.national:
        return Q(plan__in=plans.values("pk"))
    local = plans.filter(territory_q(scope, "owner__"), owner__territory__isnull=False)
    allocated = Allocation.objects.standing().filter(
        territory_q(scope, "to__"), plan__year=year, plan__owner__territory__isnull=True, on__lte=day,
        to__territory__isnull=False,
    )  # fmt: skip
    return Q(plan__in=local.values("pk")) | Q(plan__in=allocated.values("plan"))


def implemented(scope: ReportScope, period: Period) -> Decimal:
    """Disbursed (advances and payments less refunds) within the period on the đề án of the period's plans: what was
    disbursed to date at the period's end less what was disbursed on its eve — each đề án's periods in force on those
    two days, joined once each and summed in one query."""
    projects = scope.projects(Project.objects.filter(plan__year=period.plan_year)).order_by()
    end = min(period.until, period.as_of)
    eve = period.start - datetime.timedelta(days=1)
    totals = projects.annotate(
        at_end=state_in_force(end),
        at_eve=state_in_force(eve),
    ).aggregate(
        end=Sum("at_end__disbursed", default=Decimal(0)),
        eve=Sum("at_eve__disbursed", default=Decimal(0)),
    )
    return Decimal(totals["end"]) - Decimal(totals["eve"])


def indicator_totals(projects: QuerySet[Project], start: datetime.date, end: datetime.date) -> dict[str, Decimal]:
    """Result indicators recorded on these đề án within the dates, summed; distinct-facility indicators count each
    facility once across đề án. Two GROUP BYs: the answer is a row per indicator, whatever the number of results
    (a programme's five years are 100,000 đề án on the national benchmark; reading their results and beneficiaries
    into Python was a third of the programme report)."""
    recorded = Result.objects.standing().filter(project__in=projects, on__gte=start, on__lte=end)
    totals = {
        indicator: Decimal(value)
        for indicator, value in recorded.order_by().values("indicator").annotate(total=Sum("value"))
        .values_list("indicator", "total")
    }  # fmt: skip
    for indicator in DISTINCT:
        if indicator.value not in totals:
            continue
        # Recorded per đề án; across đề án the same facility counts once. The đề án with results as a subquery:
        # never a list of their ids in the statement.
        reached = (
            Project.beneficiaries.through.objects.filter(
                project_id__in=recorded.filter(indicator=indicator).values("project_id")
            )
            .values("facility_id")
            .distinct()
            .count()
        )
        if reached:
            totals[indicator.value] = Decimal(reached)
    return totals


def results(scope: ReportScope, period: Period, previous: Period | None = None) -> list[dict[str, Any]]:
    """The indicators recorded in the period; with `previous`, each beside its value a year earlier and the change."""
    totals = indicator_totals(scope.projects(Project.objects.all()), period.start, period.until)
    before = indicator_totals(scope.projects(Project.objects.all()), previous.start, previous.until) if previous else {}
    out: list[dict[str, Any]] = []
    for indicator in Indicator:
        if indicator.value not in totals and indicator.value not in before:
            continue
        now, then = totals.get(indicator.value, Decimal(0)), before.get(indicator.value, Decimal(0))
        row: dict[str, Any] = {"indicator": indicator.value, "label": str(indicator.label), "value": plain(now)}
        if previous is not None:
            row |= {"previous": plain(then), "change_percent": change(now, then)}
        out.append(row)
    trainees = totals.get(Indicator.TRAINEES)
    trainees_before = before.get(Indicator.TRAINEES)
    if trainees or trainees_before:
        share = rate(totals.get(Indicator.TRAINEES_EMPLOYED, Decimal(0)), trainees)
        row = {"indicator": "trainees_employed_percent", "label": _("Tỷ lệ học viên có việc làm sau đào tạo (%)"),
               "value": share}  # fmt: skip
        if previous is not None:
            # A rate is compared in points, not in % of itself: the change of a share is read as its difference.
            share_before = rate(before.get(Indicator.TRAINEES_EMPLOYED, Decimal(0)), trainees_before)
            row |= {"previous": share_before, "change_percent": None}
        out.append(row)
    return out


def consulting(scope: ReportScope, period: Period, previous: Period | None = None) -> dict[str, Any]:
    figures = _consulting(scope, period)
    if previous is None:
        return figures
    return with_previous(figures, _consulting(scope, previous), ("units", "projects", "revenue"))


def _consulting(scope: ReportScope, period: Period) -> dict[str, Any]:
    """Each centre's latest figures of the year up to the report date, summed."""
    records = (
        ConsultingRecord.objects.standing()
        .filter(territory_q(scope, "organization__"), year=period.plan_year, period_end__lte=period.as_of)
        .order_by("organization", "-period_end")
    )
    latest: dict[int, ConsultingRecord] = {}
    for record in records:
        latest.setdefault(record.organization_id, record)
    return {
        "units": len(latest),
        "projects": sum(r.projects for r in latest.values()),
        "revenue": int(sum((r.revenue for r in latest.values()), Decimal(0))),
    }


def regional_report(scope: ReportScope, period: Period, *, codes: bool = True) -> dict[str, Any]:
    """Without `codes`, the breakdown lists no đề án (see `figures.breakdown`)."""
    previous = period.previous_year()
    plan = plan_amount(scope, period.plan_year, period.as_of)
    plan_before = plan_amount(scope, previous.plan_year, previous.as_of)
    figures, done = _breakdown_and_implemented(scope, period, codes=codes)
    # The year before is shown beside this year's figures, never opened as a list.
    figures_before, done_before = _breakdown_and_implemented(scope, previous, codes=False)
    return {
        "kind": "regional",
        "title": _("Báo cáo kết quả hoạt động khuyến công %(period)s") % {"period": period.label},
        "scope": scope.as_json(),
        "period": period_json(period),
        "previous_period": period_json(previous),
        "plan": int(plan),
        "plan_previous": int(plan_before),
        "plan_change_percent": change(plan, plan_before),
        "implemented": int(done),
        "implemented_percent_of_plan": rate(done, plan),
        "implemented_previous": int(done_before),
        "implemented_percent_of_plan_previous": rate(done_before, plan_before),
        "implemented_change_percent": change(done, done_before),
        "results": results(scope, period, previous),
        "consulting": consulting(scope, period, previous),
        "breakdown": breakdown_compared(figures, figures_before),
    }


def _breakdown_and_implemented(
    scope: ReportScope, period: Period, *, codes: bool = True
) -> tuple[dict[str, Any], Decimal]:
    """The breakdown of the period's plans as of the report's day, and what was implemented in the period (see
    `implemented`): from one read of their đề án when the report's day is not after the period's end (the usual
    case); a report made as of a later day counts the two on different days, in two reads."""
    projects = scope.projects(Project.objects.filter(plan__year=period.plan_year))
    end = min(period.until, period.as_of)
    if end != period.as_of:
        return breakdown(projects, period.as_of, codes=codes), implemented(scope, period)
    figures, disbursed = breakdown_and_disbursed(projects, end, period.start - datetime.timedelta(days=1), codes=codes)
    return figures, Decimal(disbursed)


def regional_sections(report: dict[str, Any]) -> list[Section]:
    money = Table(
        _("Kinh phí"),
        [
            Column(pgettext("report", "Chỉ tiêu")),
            Column(_("Kỳ báo cáo"), Col.MONEY),
            Column(_("Cùng kỳ năm trước"), Col.MONEY),
            Column(_("Tăng/giảm"), Col.PERCENT),
        ],
    )
    money.rows += [
        [_("Kế hoạch kinh phí năm (đồng)"), report["plan"], report["plan_previous"], report["plan_change_percent"]],
        [_("Kinh phí đã thực hiện (đồng)"), report["implemented"], report["implemented_previous"],
         report["implemented_change_percent"]],
    ]  # fmt: skip
    share = Table(_("Tỷ lệ thực hiện"), [Column(pgettext("report", "Chỉ tiêu")), Column(_("Tỷ lệ"), Col.PERCENT)])
    share.rows.append([_("Đã thực hiện so với kế hoạch năm"), report["implemented_percent_of_plan"]])
    share.rows.append([_("Cùng kỳ năm trước"), report["implemented_percent_of_plan_previous"]])
    results_table = Table(
        _("Kết quả"),
        [
            Column(pgettext("report", "Chỉ tiêu")),
            Column(_("Kỳ báo cáo")),
            Column(_("Cùng kỳ năm trước")),
            Column(_("Tăng/giảm"), Col.PERCENT),
        ],
    )
    for row in report["results"]:
        results_table.rows.append([row["label"], _decimal_text(row["value"]), _decimal_text(row.get("previous")),
                                   row.get("change_percent")])  # fmt: skip
    advice = report["consulting"]
    consulting_table = Table(
        _("Tư vấn phát triển công nghiệp"),
        [
            Column(pgettext("report", "Chỉ tiêu")),
            Column(_("Kỳ báo cáo"), Col.MONEY),
            Column(_("Cùng kỳ năm trước"), Col.MONEY),
            Column(_("Tăng/giảm"), Col.PERCENT),
        ],
    )
    earlier = advice.get("previous", {})
    for key, label in (
        ("units", _("Số đơn vị")),
        ("projects", _("Số dự án tư vấn")),
        ("revenue", _("Doanh thu (đồng)")),
    ):
        consulting_table.rows.append([label, advice[key], earlier.get(key), advice.get("change_percent", {}).get(key)])
    compared = compared_table(report["breakdown"], "breakdown")
    text = [
        _("Tổng kế hoạch kinh phí khuyến công %(plan)s; đã thực hiện %(implemented)s.")
        % {"plan": say_money(report["plan"]), "implemented": say_money(report["implemented"])}
    ]
    text += breakdown_text(report["breakdown"])
    tables = [money, share, compared, results_table, consulting_table,
              *breakdown_tables(report["breakdown"], "breakdown")]  # fmt: skip
    return [Section(report["scope"]["name"], [t for t in tables if t.rows], text)]


def _decimal_text(value: str | None) -> str:
    return "" if value is None else value.replace(".", ",")


COMPARED_LABELS = {
    "projects": gettext_lazy("Số đề án được phê duyệt"),
    "tasks": gettext_lazy("Nhiệm vụ khuyến công khác"),
    "total_cost": gettext_lazy("Tổng kinh phí (đồng)"),
    "support": gettext_lazy("Kinh phí khuyến công (đồng)"),
    "counterpart": gettext_lazy("Vốn đối ứng của cơ sở (đồng)"),
    "disbursed": gettext_lazy("Đã giải ngân lũy kế (đồng)"),
    "facilities": gettext_lazy("Số cơ sở thụ hưởng"),
    "facility_times": gettext_lazy("Lượt cơ sở thụ hưởng"),
}


def compared_table(figures: dict[str, Any], path: str) -> Table:
    """Every figure of the breakdown's total beside the same figure a year earlier."""
    total = figures["total"]
    table = Table(
        _("So với cùng kỳ năm trước"),
        [
            Column(pgettext("report", "Chỉ tiêu")),
            Column(_("Kỳ báo cáo"), Col.MONEY),
            Column(_("Cùng kỳ năm trước"), Col.MONEY),
            Column(_("Tăng/giảm"), Col.PERCENT),
        ],
    )
    for key, label in COMPARED_LABELS.items():
        table.add([label, total[key], total["previous"][key], total["change_percent"][key]],
                  f"figure:{path}.total" if key == "projects" else None)  # fmt: skip
    return table
