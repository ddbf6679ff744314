"""The national, regional and programme reports, the scope and period rules, and bad input."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from khuyencong.accounts.models import User
from khuyencong.reports.periods import Period
from khuyencong.reports.scope import Geography, resolve_scope
from khuyencong.reports.selectors import report_build

pytestmark = pytest.mark.django_db

H1 = Period.year(2022, months=6)
NINE_MONTHS = Period.year(2022, months=9)


def build(kind: str, period: Period, **scope: Any) -> dict[str, Any]:
    program = scope.pop("program", None)
    return report_build(kind, resolve_scope(on=period.as_of, **scope), period, program=program).data


# --- National plan execution (seed 002's figures are of this shape) ------------------------------------------------


def test_the_national_plan_budget_allocations_and_their_share(south: None) -> None:
    (plan,) = build("national", H1)["plans"]

    assert plan["budget"] == 140_000_000_000
    assert plan["allocated"] == 29_000_000_000  # 20 + 8,98 + 0,02 tỷ allocated by 30/06
    assert plan["allocated_percent"] == "20.7"
    assert plan["projects"] == 4
    assert plan["provinces"] == 3  # Phú Thọ, Long An, Bạc Liêu


def test_each_unit_disbursed_against_the_support_assigned_to_it(south: None) -> None:
    (plan,) = build("national", H1)["plans"]
    units = {row["code"]: row for row in plan["units"]}

    # TTKC1: 150 triệu of 600 triệu assigned = 25,0%.
    assert (units["TTKC1"]["assigned"], units["TTKC1"]["disbursed"]) == (600_000_000, 150_000_000)
    assert units["TTKC1"]["disbursed_percent"] == "25.0"
    assert units["TTKC1"]["disbursed_projects"] == 1
    # TTKC3 had paid nothing by 30/06; its payment of 01/08 counts in the nine-month report.
    assert units["TTKC3"]["disbursed_percent"] == "0.0"
    (later,) = build("national", NINE_MONTHS)["plans"]
    assert {row["code"]: row["disbursed"] for row in later["units"]}["TTKC3"] == 50_000_000
    # A unit with an allocation and no đề án has no rate, rather than 0%.
    assert units["TTKC-LA"]["disbursed_percent"] is None


# --- Regional summary (seed 003's figures are of this shape) -------------------------------------------------------


def test_the_regions_plan_and_what_was_implemented_against_last_year(south: None) -> None:
    report = build("regional", NINE_MONTHS, region="south")

    # Local plans 1,5 + 1,5 tỷ, and the 20 triệu a national plan gave a provincial centre; not TTKC3's share.
    assert report["plan"] == 3_020_000_000
    assert report["plan_previous"] == 2_000_000_000
    assert report["plan_change_percent"] == "51.0"
    # Disbursed 01/01–30/09/2022: 120 + 30 + 70 + 50 triệu; a payment of 05/10 is outside.
    assert report["implemented"] == 270_000_000
    assert report["implemented_percent_of_plan"] == "8.9"
    # Same nine months of 2021: 40 triệu (the 60 triệu of 01/11/2021 is outside).
    assert report["implemented_previous"] == 40_000_000
    assert report["implemented_change_percent"] == "575.0"


def test_results_keep_facilities_and_facility_times_apart(south: None) -> None:
    results = {row["indicator"]: row["value"] for row in build("regional", NINE_MONTHS, region="south")["results"]}

    # Four records of a supported facility, but Bạc Liêu's facility F-BL-2 is the same in two đề án.
    assert results["facilities_supported"] == "3"
    # Fair participations are facility-times: F-BL-2 at two fairs counts twice.
    assert results["fair_participations"] == "3"
    assert results["trainees"] == "40"
    assert results["trainees_employed_percent"] == "85.0"


def test_consulting_takes_each_centres_latest_figures_up_to_the_report_date(south: None) -> None:
    consulting = build("regional", NINE_MONTHS, region="south")["consulting"]

    assert {k: consulting[k] for k in ("units", "projects", "revenue")} == {
        "units": 1, "projects": 160, "revenue": 1_850_000_000
    }  # fmt: skip
    # Nothing a year earlier: no change can be stated.
    assert consulting["previous"] == {"units": 0, "projects": 0, "revenue": 0}
    assert consulting["change_percent"] == {"units": None, "projects": None, "revenue": None}


def test_a_list_of_provinces_is_a_region_of_its_own(south: None) -> None:
    report = build("regional", NINE_MONTHS, provinces=["Long An"])

    assert report["plan"] == 1_520_000_000
    assert report["implemented"] == 150_000_000


# --- Programme progress (seed 004's figures are of this shape) -----------------------------------------------------


def test_a_programmes_projects_support_and_targets(south: None) -> None:
    report = build("programme", Period.year(2022), program="CTKC-LA")

    assert report["years"] == [2021, 2022]
    # The province's programme is judged on every đề án carried out in Long An, the KCQG one (QG22-LA-1, 200 tr.đ)
    # beside the three of its own plans.
    assert report["projects"] == 4
    assert report["support"] == 500_000_000
    sources = {row["funding_source"]: (row["projects"], row["support"]) for row in report["breakdown"]["by_source"]}
    assert sources == {"national": (1, 200_000_000), "provincial": (3, 300_000_000)}
    assert report["scope"]["provinces"][0]["name"] == "Long An"
    targets = {row["indicator"]: row for row in report["targets"]}
    # Two distinct facilities (F-LA-2 was supported in 2021 and 2022) of a target of 10.
    assert (targets["facilities_supported"]["achieved"], targets["facilities_supported"]["percent"]) == ("2", "20.0")
    assert targets["Lao động được đào tạo nghề"]["achieved"] is None


def test_an_unknown_programme_is_named_in_the_refusal(south: None) -> None:
    with pytest.raises(ValueError, match="CTKC-XX"):
        build("programme", Period.year(2022), program="CTKC-XX")


# --- Scope and permission ----------------------------------------------------------------------------------------


def test_a_province_may_report_on_itself_only(yen_bai: None, laocai_officer: User) -> None:
    period = H1
    own = resolve_scope(provinces=["Yên Bái"], on=period.as_of)
    other = resolve_scope(provinces=["Bắc Kạn"], on=period.as_of)

    assert report_build("provincial", own, period, user=laocai_officer).data["sources"]
    with pytest.raises(PermissionDenied):
        report_build("provincial", other, period, user=laocai_officer)
    with pytest.raises(PermissionDenied):
        report_build("national", resolve_scope(on=period.as_of), period, user=laocai_officer)


def test_the_cuc_may_report_on_the_nation(south: None, cuc_officer: User) -> None:
    scope = resolve_scope(on=H1.as_of)

    assert report_build("national", scope, H1, user=cuc_officer).data["plans"]


def test_a_province_that_no_longer_exists_is_refused_in_a_report_of_today() -> None:
    with pytest.raises(ValueError, match="Yên Bái"):
        resolve_scope(provinces=["Yên Bái"], geography=Geography.RECORDED, on=Period.year(2026).as_of)


# --- Periods ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "label"),
    [
        (Period.year(2022, months=6), "6 tháng đầu năm 2022"),
        (Period.year(2022, months=9), "9 tháng năm 2022"),
        (Period.year(2022), "năm 2022"),
        (Period.quarter(2022, 2), "quý II năm 2022"),
        (Period.of(Period.year(2022).start.replace(month=7), Period.year(2022).end), "6 tháng cuối năm 2022"),
        (
            Period.of(Period.year(2022).start.replace(day=5), Period.year(2022).end),
            "từ ngày 05/01/2022 đến ngày 31/12/2022",
        ),
    ],
)
def test_periods_are_named_as_the_reports_name_them(period: Period, label: str) -> None:
    assert period.label == label


def test_the_same_period_last_year() -> None:
    previous = Period.year(2024, months=2).previous_year()

    assert (previous.start.isoformat(), previous.end.isoformat()) == ("2023-01-01", "2023-02-28")


def test_the_as_of_date_defaults_to_the_periods_end() -> None:
    assert Period.year(2022, months=9).as_of.isoformat() == "2022-09-30"


def test_a_period_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match="sau ngày kết thúc"):
        Period.of(Period.year(2022).end, Period.year(2022).start)


# --- The command line's bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["provincial", "--province", "Yên Bái"], "Cần kỳ báo cáo"),
        (["provincial", "--province", "Yên Bái", "--from", "2022-01-01"], "phải đi cùng nhau"),
        (["provincial", "--province", "Yên Bái", "--from", "2022-13-01", "--to", "2022-06-30"], "không hợp lệ"),
        (["provincial", "--province", "Yên Bái", "--from", "2022-06-30", "--to", "2022-01-01"], "sau ngày kết thúc"),
        (["provincial", "--province", "Yên Bai Xa", "--year", "2022"], "--province"),
        (["regional", "--region", "mars", "--year", "2022"], "Không có vùng"),
        (["programme", "--year", "2022"], "--program"),
        (["provincial", "--province", "Yên Bái", "--year", "2022", "--format", "pdf"], "--output"),
        (["national", "--year", "1999"], "Không có kế hoạch"),
    ],
)
def test_bad_arguments_get_a_clear_message(args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("kc_report", *args, stdout=io.StringIO())


def test_the_national_report_from_the_command_line(south: None) -> None:
    out = io.StringIO()
    call_command("kc_report", "national", "--year", "2022", "--months", "6", stdout=out)

    assert json.loads(out.getvalue())["plans"][0]["allocated_percent"] == "20.7"
