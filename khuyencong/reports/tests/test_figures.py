"""Report fidelity: the money beyond the support, the breakdown by content, facility-times and the priority groups of
Decree 235/2025, in every report and every format — from a small province built for these figures alone."""

from __future__ import annotations

import datetime
import io
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from conftest import client_for
from khuyencong.accounts.models import User
from khuyencong.accounts.services import system_user
from khuyencong.exchange.importer import exchange_import
from khuyencong.projects.models import Project
from khuyencong.reports.figures import breakdown
from khuyencong.reports.national import NO_PROVINCE
from khuyencong.reports.periods import Period
from khuyencong.reports.render import render
from khuyencong.reports.scope import Geography, resolve_scope
from khuyencong.reports.selectors import report_build

PLACE = {"province": "Tây Ninh", "as_of": "2026-01-01"}


def project(
    code: str,
    plan: str,
    content: str,
    beneficiaries: list[str],
    support: int,
    *,
    kind: str = "facility",
    total_cost: int | None = None,
    counterpart: int | None = None,
    approved_on: str = "2026-03-01",
    paid: int = 0,
) -> dict[str, Any]:
    approver = "CUC-CTDP" if plan.startswith("QG") else "UBND-TNX"
    item: dict[str, Any] = {
        "code": code, "title": f"Đề án {code}", "plan": plan, "content": content, "kind": kind, "round": 1,
        "implementer": "TTKC-TNX", "beneficiaries": beneficiaries, "support_requested": support,
        "events": [
            {"on": approved_on, "action": "approved", "by": approver, "amount": support},
            {"on": approved_on, "action": "assigned", "by": approver},
            {"on": approved_on, "action": "contract_signed", "by": "TTKC-TNX", "amount": support},
        ],
        "payments": [{"on": "2026-06-01", "kind": "advance", "amount": paid}] if paid else [],
    }  # fmt: skip
    if total_cost is not None:
        item["total_cost"] = total_cost
    if counterpart is not None:
        item["counterpart"] = counterpart
    return item


def facility(code: str, **flags: Any) -> dict[str, Any]:
    return {"code": code, "name": f"Cơ sở {code}", "legal_form": flags.pop("legal_form", "household_business"),
            "place": PLACE, **flags}  # fmt: skip


TAY_NINH = {
    "format": "khuyencong-exchange",
    "version": 1,
    "organizations": [
        {"code": "UBND-TNX", "name": "UBND tỉnh Tây Ninh (thử)", "kind": "provincial_committee", "place": PLACE},
        {
            "code": "TTKC-TNX",
            "name": "Trung tâm Khuyến công Tây Ninh (thử)",
            "kind": "provincial_centre",
            "place": PLACE,
        },
    ],
    "facilities": [
        facility("W", women_owned=True),
        facility("E", ethnic_minority_owned=True, craft_village="Làng nghề dệt chiếu Long Cang"),
        facility("A", legal_form="artisan"),
        facility("D", disadvantaged_area=True),
        facility("P"),
    ],
    "plans": [
        {
            "code": "DP-2026",
            "year": 2026,
            "funding_source": "provincial",
            "owner": "UBND-TNX",
            "budget": [{"on": "2026-01-10", "kind": "original", "amount": 5_000_000_000}],
        },
        {
            "code": "DP-2025",
            "year": 2025,
            "funding_source": "provincial",
            "owner": "UBND-TNX",
            "budget": [{"on": "2025-01-10", "kind": "original", "amount": 1_000_000_000}],
        },
        {
            "code": "QG-2026",
            "year": 2026,
            "funding_source": "national",
            "owner": "CUC-CTDP",
            "budget": [{"on": "2026-01-10", "kind": "original", "amount": 140_000_000_000}],
            "allocations": [
                {"on": "2026-04-01", "to": "TTKC-TNX", "amount": 400_000_000},
                {"on": "2026-04-01", "to": "TTKC3", "amount": 1_000_000_000},
            ],
        },
    ],
    "programs": [
        {
            "code": "CT-TNX",
            "name": "Chương trình khuyến công tỉnh Tây Ninh giai đoạn 2026-2030",
            "level": "provincial",
            "place": PLACE,
            "start_year": 2026,
            "end_year": 2030,
            "targets": [
                {"indicator": "Số đề án", "value": 20, "unit": "đề án"},
                {"indicator": "Kinh phí hỗ trợ", "value": 4_000_000_000, "unit": "đồng"},
            ],
        },
    ],
    "projects": [
        # Five contents on the provincial plan, one of them a task without beneficiary and without a stated cost.
        project(
            "MM",
            "DP-2026",
            "machinery_application",
            ["W"],
            200_000_000,
            total_cost=500_000_000,
            counterpart=300_000_000,
            paid=100_000_000,
        ),
        project(
            "DT",
            "DP-2026",
            "vocational_training",
            ["W", "E", "A"],
            100_000_000,
            kind="group",
            total_cost=150_000_000,
            counterpart=50_000_000,
        ),
        project("HC", "DP-2026", "trade_fair", ["W"], 40_000_000, total_cost=40_000_000, counterpart=0),
        project("TT", "DP-2026", "information", [], 30_000_000, kind="task"),
        project("TH", "DP-2026", "brand_packaging", ["D"], 60_000_000, total_cost=90_000_000, counterpart=30_000_000),
        # Approved after the as-of day of the six-month report: counted only in the year's report.
        project(
            "MM2",
            "DP-2026",
            "machinery_application",
            ["P"],
            70_000_000,
            total_cost=140_000_000,
            counterpart=70_000_000,
            approved_on="2026-08-01",
        ),
        # The national source in the same province.
        project(
            "QG",
            "QG-2026",
            "demonstration_model",
            ["E"],
            400_000_000,
            total_cost=1_500_000_000,
            counterpart=1_100_000_000,
            paid=200_000_000,
        ),
        # A year earlier, for the comparisons.
        project(
            "MM25",
            "DP-2025",
            "machinery_application",
            ["P"],
            50_000_000,
            total_cost=100_000_000,
            counterpart=50_000_000,
            approved_on="2025-09-01",
        ),
    ],
}  # fmt: skip


NOW = datetime.datetime(2027, 1, 15, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(scope="module")
def tay_ninh(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Built once for the module through the importer (the tests only read), rolled back after."""
    with django_db_blocker.unblock(), time_machine.travel(NOW, tick=False), transaction.atomic():
        try:
            report = exchange_import(TAY_NINH, actor=system_user())
            assert report.ok, [str(e) for e in report.errors]
            yield
        finally:
            transaction.set_rollback(True)


def figures_of(end: datetime.date, *, months: int = 12) -> dict[str, Any]:
    scope = resolve_scope(provinces=["Tây Ninh"], geography=Geography.CURRENT, on=end)
    projects = scope.projects(Project.objects.filter(plan__year=end.year))
    return breakdown(projects, end)


def row(rows: list[dict[str, Any]], key: str, value: str) -> dict[str, Any]:
    return next(r for r in rows if r[key] == value)


pytestmark = pytest.mark.django_db


class TestMoneyBySource:
    def test_given_counterpart_funds_when_the_year_is_reported_then_cost_support_and_counterpart_per_source(
        self, tay_ninh: None
    ) -> None:
        figures = figures_of(datetime.date(2026, 12, 31))
        local = row(figures["by_source"], "funding_source", "provincial")
        assert (local["projects"], local["tasks"]) == (5, 1)
        assert local["support"] == 200_000_000 + 100_000_000 + 40_000_000 + 30_000_000 + 60_000_000 + 70_000_000
        assert local["total_cost"] == 500_000_000 + 150_000_000 + 40_000_000 + 90_000_000 + 140_000_000
        assert local["counterpart"] == 300_000_000 + 50_000_000 + 0 + 30_000_000 + 70_000_000
        # The task states no cost: the sums say how many đề án they cover.
        assert (local["total_cost_known"], local["counterpart_known"]) == (5, 5)
        assert local["disbursed"] == 100_000_000
        national = row(figures["by_source"], "funding_source", "national")
        assert (national["projects"], national["support"], national["counterpart"]) == (1, 400_000_000, 1_100_000_000)
        assert figures["total"]["support"] == local["support"] + national["support"]
        assert [r["funding_source"] for r in figures["by_source"]] == ["national", "provincial"]

    def test_given_a_later_approval_when_reported_as_of_june_then_it_is_not_counted(self, tay_ninh: None) -> None:
        figures = figures_of(datetime.date(2026, 6, 30))
        local = row(figures["by_source"], "funding_source", "provincial")
        assert local["projects"] == 4
        assert "MM2" not in local["codes"]


class TestContentsAndFacilityTimes:
    def test_given_a_group_project_then_three_facilities_and_three_facility_times(self, tay_ninh: None) -> None:
        figures = figures_of(datetime.date(2026, 12, 31))
        training = row(figures["by_content"], "content", "vocational_training")
        assert (training["projects"], training["facilities"], training["facility_times"]) == (1, 3, 3)
        assert training["support"] == 100_000_000
        assert training["codes"] == ["DT"]

    def test_given_one_facility_in_two_projects_of_a_content_then_two_times_one_facility(self, tay_ninh: None) -> None:
        figures = figures_of(datetime.date(2026, 12, 31))
        machinery = row(figures["by_content"], "content", "machinery_application")
        assert (machinery["projects"], machinery["facilities"], machinery["facility_times"]) == (2, 2, 2)
        # W is in MM, DT and HC: three times, one facility, in the total.
        total = figures["total"]
        assert total["facility_times"] == 1 + 3 + 1 + 1 + 1 + 1
        assert total["facilities"] == 5

    def test_contents_are_ordered_by_number_of_projects(self, tay_ninh: None) -> None:
        figures = figures_of(datetime.date(2026, 12, 31))
        assert figures["by_content"][0]["content"] == "machinery_application"
        assert {r["content"] for r in figures["by_content"]} == {
            "machinery_application", "vocational_training", "trade_fair", "information", "brand_packaging",
            "demonstration_model",
        }  # fmt: skip


class TestPriorityGroups:
    def test_each_group_counts_projects_support_facilities_and_times(self, tay_ninh: None) -> None:
        groups = {r["group"]: r for r in figures_of(datetime.date(2026, 12, 31))["priority_groups"]}
        women = groups["women_owned"]
        assert (women["projects"], women["facilities"], women["facility_times"]) == (3, 1, 3)
        assert women["support"] == 200_000_000 + 100_000_000 + 40_000_000
        ethnic = groups["ethnic_minority_owned"]
        assert (ethnic["projects"], ethnic["support"], ethnic["facilities"]) == (2, 500_000_000, 1)
        assert groups["craft_village"]["codes"] == ["DT", "QG"]
        assert (groups["artisan"]["projects"], groups["artisan"]["support"]) == (1, 100_000_000)
        assert (groups["disadvantaged_area"]["projects"], groups["disadvantaged_area"]["codes"]) == (1, ["TH"])

    def test_a_scope_with_nothing_approved_gives_zeros_not_errors(self, tay_ninh: None) -> None:
        figures = figures_of(datetime.date(2019, 12, 31))
        assert figures["total"]["projects"] == 0
        assert figures["by_content"] == []
        assert all(g["projects"] == 0 and g["support"] == 0 for g in figures["priority_groups"])


class TestInEveryReport:
    def build(self, kind: str, period: Period, **options: Any) -> Any:
        scope = resolve_scope(provinces=["Tây Ninh"], geography=Geography.CURRENT, on=period.as_of)
        return report_build(kind, scope, period, **options)

    def test_the_provincial_report_carries_the_breakdown_in_json_xlsx_and_pdf(self, tay_ninh: None) -> None:
        built = self.build("provincial", Period.year(2026))
        assert (
            built.data["breakdown"]["total"]["counterpart"]
            == 300_000_000 + 50_000_000 + 30_000_000 + 70_000_000 + 1_100_000_000
        )
        titles = [t.title for s in built.sections for t in s.tables]
        assert {
            "Kinh phí theo nguồn",
            "Theo nội dung khuyến công",
            "Đối tượng ưu tiên (Nghị định 235/2025/NĐ-CP)",
        } <= set(titles)
        book = load_workbook(io.BytesIO(render("xlsx", built.data, built.sections, built.document)))
        text = " ".join(str(c.value) for ws in book.worksheets for r in ws.iter_rows() for c in r if c.value)
        assert "Vốn đối ứng của cơ sở (đồng)" in text
        assert "Lượt cơ sở" in text
        assert "Cơ sở do phụ nữ làm chủ" in text
        pdf = PdfReader(io.BytesIO(render("pdf", built.data, built.sections, built.document)))
        words = " ".join(" ".join(page.extract_text() for page in pdf.pages).split())
        assert "Vốn đối ứng của cơ sở" in words
        assert "Đối tượng ưu tiên" in words
        assert "Lượt cơ sở" in words

    def test_the_text_says_cost_support_and_counterpart(self, tay_ninh: None) -> None:
        built = self.build("provincial", Period.year(2026))
        text = " ".join(line for s in built.sections for line in s.text)
        assert "tổng kinh phí" in text
        assert "vốn đối ứng của cơ sở" in text
        assert "đề án hỗ trợ ứng dụng máy móc thiết bị tiên tiến" in text

    def test_the_figures_open_as_their_lists(self, tay_ninh: None) -> None:
        from khuyencong.reports.layout import figure_codes

        built = self.build("provincial", Period.year(2026))
        index = next(i for i, r in enumerate(built.data["breakdown"]["by_content"]) if r["content"] == "trade_fair")
        assert figure_codes(built.data, f"breakdown.by_content.{index}") == ["HC"]
        assert Decimal(built.data["breakdown"]["total"]["support"]) > 0


class TestProgrammeOfATerritory:
    def test_a_provincial_programme_counts_the_national_projects_carried_out_in_the_province(
        self, tay_ninh: None
    ) -> None:
        # Given a provincial programme whose plans are not linked to it, and a KCQG đề án in the province
        # When its report is asked for with no period, as of the end of its first year
        out = io.StringIO()
        call_command("kc_report", "programme", "--program", "CT-TNX", "--as-of", "2026-12-31", stdout=out)
        report = json.loads(out.getvalue())
        # Then every đề án carried out in the province counts, split by source, from the programme's start
        assert report["period"] == {"from": "2026-01-01", "to": "2026-12-31", "as_of": "2026-12-31",
                                    "label": "năm 2026"}  # fmt: skip
        sources = {r["funding_source"]: r["projects"] for r in report["breakdown"]["by_source"]}
        assert sources == {"national": 1, "provincial": 5}
        assert report["facilities"] == 5
        targets = {t["indicator"]: t for t in report["targets"]}
        assert (targets["Số đề án"]["achieved"], targets["Số đề án"]["percent"]) == ("6", "30.0")
        assert targets["Kinh phí hỗ trợ"]["achieved"] == str(report["support"])

    def test_without_as_of_the_programme_runs_to_today(self, tay_ninh: None) -> None:
        out = io.StringIO()
        with time_machine.travel(NOW, tick=False):
            call_command("kc_report", "programme", "--program", "CT-TNX", stdout=out)
        report = json.loads(out.getvalue())
        assert (report["period"]["from"], report["period"]["as_of"]) == ("2026-01-01", "2027-01-15")

    def test_an_as_of_before_the_programme_is_refused_by_name(self, tay_ninh: None) -> None:
        with pytest.raises(CommandError, match="trước khi Chương trình khuyến công tỉnh Tây Ninh"):
            call_command("kc_report", "programme", "--program", "CT-TNX", "--as-of", "2025-12-31",
                         stdout=io.StringIO())  # fmt: skip

    def test_an_unknown_programme_without_period_is_named(self, tay_ninh: None) -> None:
        with pytest.raises(CommandError, match="CT-KHONG"):
            call_command("kc_report", "programme", "--program", "CT-KHONG", stdout=io.StringIO())

    def test_the_report_page_needs_no_year_for_a_programme(self, tay_ninh: None, cuc_officer: User) -> None:
        client = client_for(cuc_officer)
        with time_machine.travel(NOW, tick=False):
            page = client.get(reverse("reports:page"), {"kind": "programme", "program": "CT-TNX", "period": "12",
                                                        "as_of": "31/12/2026", "geography": "current"})  # fmt: skip
        assert page.status_code == 200
        assert page.context["built"].data["breakdown"]["total"]["projects"] == 6
        html = page.content.decode()
        assert "Kinh phí theo nguồn" in html
        assert "Đối tượng ưu tiên" in html


class TestNationalByProvince:
    def test_the_national_plan_by_province_with_allocated_and_disbursed(self, tay_ninh: None) -> None:
        scope = resolve_scope(geography=Geography.CURRENT, on=datetime.date(2026, 12, 31))
        built = report_build("national", scope, Period.year(2026), plan="QG-2026")
        (plan,) = built.data["plans"]
        rows = {r["name"]: r for r in plan["by_province"]}
        province = rows["Tỉnh Tây Ninh"]
        assert (province["projects"], province["support"], province["allocated"]) == (1, 400_000_000, 400_000_000)
        assert (province["disbursed"], province["disbursed_percent"]) == (200_000_000, "50.0")
        # The national centre's allocation belongs to no province: a row of its own, so that rows add up to the plan.
        assert rows[NO_PROVINCE]["allocated"] == 1_000_000_000
        assert sum(r["allocated"] for r in plan["by_province"]) == plan["allocated"]
        assert plan["breakdown"]["by_content"][0]["content"] == "demonstration_model"
        titles = {t.title for s in built.sections for t in s.tables}
        assert {"Theo địa phương", "Theo đơn vị thực hiện", "Theo nội dung khuyến công"} <= titles

    def test_narrowed_to_a_province_it_shows_only_what_the_plan_allocated_there(self, tay_ninh: None) -> None:
        # Given the national plan allocated 400 tr.đ to Tây Ninh's body and 1 tỷ to a national centre
        day = datetime.date(2026, 12, 31)
        # When its report is asked for Tây Ninh alone
        scope = resolve_scope(provinces=["Tây Ninh"], geography=Geography.CURRENT, on=day)
        (plan,) = report_build("national", scope, Period.year(2026), plan="QG-2026").data["plans"]
        # Then it lists and counts the province's allocation only: not the centre's, not another province's
        assert plan["allocated"] == 400_000_000
        assert [(r["name"], r["allocated"]) for r in plan["by_province"]] == [("Tỉnh Tây Ninh", 400_000_000)]
        assert sum(r["allocated"] for r in plan["units"]) == 400_000_000
        # and for a province the plan gave nothing, nothing
        elsewhere = resolve_scope(provinces=["Hà Nội"], geography=Geography.CURRENT, on=day)
        (plan,) = report_build("national", elsewhere, Period.year(2026), plan="QG-2026").data["plans"]
        assert (plan["allocated"], plan["units"], plan["by_province"]) == (0, [], [])


class TestRegionalYearOverYear:
    def test_every_figure_beside_the_same_period_a_year_earlier(self, tay_ninh: None) -> None:
        scope = resolve_scope(provinces=["Tây Ninh"], geography=Geography.CURRENT, on=datetime.date(2026, 12, 31))
        report = report_build("regional", scope, Period.year(2026)).data
        total = report["breakdown"]["total"]
        # 2025: one đề án (MM25), 50 tr.đ of support, 100 tr.đ total cost.
        assert (total["previous"]["projects"], total["previous"]["support"]) == (1, 50_000_000)
        assert total["change_percent"]["projects"] == "500.0"
        assert total["change_percent"]["support"] == str(
            (Decimal(total["support"] - 50_000_000) * 100 / 50_000_000).quantize(Decimal("0.1"))
        )
        machinery = row(report["breakdown"]["by_content"], "content", "machinery_application")
        assert (machinery["previous"]["projects"], machinery["change_percent"]["projects"]) == (1, "100.0")
        # A content new this year has nothing to compare with: no change, not +∞.
        fair = row(report["breakdown"]["by_content"], "content", "trade_fair")
        assert (fair["previous"]["projects"], fair["change_percent"]["projects"]) == (0, None)
        assert report["plan_previous"] == 1_000_000_000


def test_a_provincial_programme_asked_for_another_province_is_refused(tay_ninh: None) -> None:
    period = Period.of(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    scope = resolve_scope(provinces=["Lào Cai"], geography=Geography.CURRENT, on=period.as_of)
    with pytest.raises(ValueError, match="chương trình của Tỉnh Tây Ninh"):
        report_build("programme", scope, period, program="CT-TNX")


def test_a_provincial_programme_asked_for_a_region_that_includes_it_is_its_provinces(tay_ninh: None) -> None:
    # given the Tây Ninh programme, asked by a regional centre for the whole South
    period = Period.of(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    south = resolve_scope(region="south", geography=Geography.CURRENT, on=period.as_of)
    province = resolve_scope(provinces=["Tây Ninh"], geography=Geography.CURRENT, on=period.as_of)
    # then the report is the province's, the same as asked for Tây Ninh itself
    asked = report_build("programme", south, period, program="CT-TNX").data
    assert asked["scope"] == report_build("programme", province, period, program="CT-TNX").data["scope"]
    assert asked["projects"] == report_build("programme", province, period, program="CT-TNX").data["projects"] > 0
    # but provinces named one by one, the programme's among others, are refused rather than silently narrowed
    both = resolve_scope(provinces=["Tây Ninh", "Lào Cai"], geography=Geography.CURRENT, on=period.as_of)
    with pytest.raises(ValueError, match="chương trình của Tỉnh Tây Ninh"):
        report_build("programme", both, period, program="CT-TNX")


def without_codes(data: Any, path: str = "") -> Any:
    """The report's JSON with every list of đề án of its breakdown taken out (the figures of its own tables, listed
    from the rows it reads anyway, keep theirs)."""
    if isinstance(data, dict):
        inside = "breakdown" in path.split(".")
        return {k: without_codes(v, f"{path}.{k}") for k, v in data.items() if not (k == "codes" and inside)}
    if isinstance(data, list):
        return [without_codes(v, path) for v in data]
    return data


class TestAPageAsksNoListOfCodes:
    """A page shows no list of đề án: it builds its report without the breakdown's codes, the same figures else;
    the JSON file and the list behind a figure build it with them."""

    CASES = [
        ("provincial", {}),
        ("national", {"plan": "QG-2026"}),
        ("regional", {}),
    ]

    @pytest.mark.parametrize(("kind", "options"), CASES)
    def test_without_codes_every_figure_is_the_same_and_no_breakdown_row_lists_đề_án(
        self, tay_ninh: None, kind: str, options: dict[str, Any]
    ) -> None:
        scope = resolve_scope(provinces=["Tây Ninh"], geography=Geography.CURRENT, on=datetime.date(2026, 12, 31))
        # Given the report built with its codes, as the JSON file is
        full = report_build(kind, scope, Period.year(2026), **options)
        # When it is built as a page builds it
        page = report_build(kind, scope, Period.year(2026), codes=False, **options)
        # Then every figure is the same and the tables are laid out the same, links included
        assert page.data == without_codes(full.data)
        assert page.sections == full.sections
        assert "codes" not in json.dumps(
            page.data["plans"][0]["breakdown"] if kind == "national" else page.data["breakdown"]
        )

    def test_a_programme_without_codes_lists_no_đề_án_anywhere(self, tay_ninh: None) -> None:
        period = Period.of(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
        scope = resolve_scope(provinces=["Tây Ninh"], geography=Geography.CURRENT, on=period.as_of)
        full = report_build("programme", scope, period, program="CT-TNX")
        page = report_build("programme", scope, period, program="CT-TNX", codes=False)
        assert full.data["codes"]
        assert full.data["by_content"][0]["codes"]
        assert '"codes"' not in json.dumps(page.data)
        stripped = {k: v for k, v in full.data.items() if k != "codes"}
        stripped["by_content"] = [{k: v for k, v in r.items() if k != "codes"} for r in full.data["by_content"]]
        assert page.data == without_codes(stripped)
        assert page.sections == full.sections

    def test_the_breakdown_without_codes_counts_the_same(self, tay_ninh: None) -> None:
        scope = resolve_scope(provinces=["Tây Ninh"], geography=Geography.CURRENT, on=datetime.date(2026, 12, 31))
        projects = scope.projects(Project.objects.filter(plan__year=2026))
        for day in (datetime.date(2026, 6, 30), datetime.date(2026, 12, 31)):
            assert breakdown(projects, day, codes=False) == without_codes(breakdown(projects, day), "breakdown")

    def test_the_page_s_figure_opens_its_list_and_the_json_file_carries_the_codes(
        self, tay_ninh: None, cuc_officer: User
    ) -> None:
        client = client_for(cuc_officer)
        query = {"kind": "programme", "program": "CT-TNX", "period": "12", "as_of": "31/12/2026",
                 "geography": "current"}  # fmt: skip
        with time_machine.travel(NOW, tick=False):
            page = client.get(reverse("reports:page"), query)
            assert "codes" not in page.context["built"].data
            index = next(
                i for i, r in enumerate(page.context["built"].data["breakdown"]["by_content"])
                if r["content"] == "trade_fair"
            )  # fmt: skip
            link = f"figure=breakdown.by_content.{index}"
            assert link in page.content.decode().replace("&amp;", "&")
            records = client.get(reverse("reports:records"), {**query, "figure": f"breakdown.by_content.{index}"})
            downloaded = client.get(reverse("reports:page"), {**query, "format": "json"})
        assert records.status_code == 200
        assert [p.code for p in records.context["projects"]] == ["HC"]
        data = json.loads(downloaded.content)
        # and the summary's own figures ("figure:", the programme's total) open the list of every đề án counted
        with time_machine.travel(NOW, tick=False):
            summary = client.get(reverse("reports:records"), {**query, "figure": ""})
        assert summary.status_code == 200
        assert sorted(p.code for p in summary.context["projects"]) == data["codes"]
        assert data["breakdown"]["by_content"][index]["codes"] == ["HC"]
        assert sorted(data["codes"]) == data["codes"]
        assert len(data["codes"]) == data["projects"] + data["tasks"]
