"""Every figure of ../shared/spec/scenarios/README.md, from the records imported out of each scenario, in every format.

The figures are the articles' (seeds 000 and 001); they are facts copied here, not computed from the files."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from khuyencong.projects.models import Project
from khuyencong.reports import figures as report_figures
from khuyencong.reports.periods import Period
from khuyencong.reports.scope import Geography, resolve_scope
from khuyencong.reports.selectors import report_build

pytestmark = pytest.mark.django_db

H1_2022 = Period.year(2022, months=6)
H1_2018 = Period.year(2018, months=6)


def provincial(province: str, period: Period, geography: Geography = Geography.RECORDED) -> dict[str, Any]:
    scope = resolve_scope(provinces=[province], geography=geography, on=period.as_of)
    return report_build("provincial", scope, period).data


def source(report: dict[str, Any], funding_source: str) -> dict[str, Any]:
    return next(s for s in report["sources"] if s["funding_source"] == funding_source)


def figures(t: dict[str, int]) -> tuple[int, int]:
    return t["projects"], t["amount"]


# --- Yên Bái, first six months of 2022 (seed 000) ------------------------------------------------------------------


def assert_yen_bai_2022(report: dict[str, Any]) -> None:
    national = source(report, "national")
    # Submitted to the Sở for appraisal: 3 đề án, 1.700.000.000 đồng.
    assert figures(national["projects"]["submitted"]) == (3, 1_700_000_000)
    round_1, round_2 = national["by_round"]
    # Round 1: 2 đề án, 600.000.000; appraised and forwarded: 0.
    assert figures(round_1["submitted"]) == (2, 600_000_000)
    assert round_1["appraised"]["projects"] == 0
    assert round_1["forwarded"]["projects"] == 0
    # Round 2: one group đề án for 4 facilities, 1.100.000.000, appraised by the Sở and forwarded.
    assert figures(round_2["submitted"]) == (1, 1_100_000_000)
    assert round_2["submitted"]["facilities"] == 4
    assert figures(round_2["appraised"]) == (1, 1_100_000_000)
    assert figures(round_2["forwarded"]) == (1, 1_100_000_000)
    # Implemented in the province by National Centre 1: 3 facilities, 900.000.000.
    centre = next(row for row in national["by_implementer"] if row["code"] == "TTKC1")
    assert (centre["facilities"], centre["amount"]) == (3, 900_000_000)
    # Registered for the 2023 plan: 2 đề án.
    (next_national,) = report["next_year"]["sources"]
    assert report["next_year"]["year"] == 2023
    assert next_national["registered"]["projects"] == 2

    local = source(report, "provincial")
    # Submitted: 10 đề án, 1.780.000.000 + other KC contents 330.000.000 = 2.110.000.000.
    assert figures(local["projects"]["submitted"]) == (10, 1_780_000_000)
    assert local["tasks"]["submitted"]["amount"] == 330_000_000
    assert local["total"]["submitted"]["amount"] == 2_110_000_000
    # Approved by the UBND tỉnh: 8 đề án, 1.250.000.000 + 330.000.000 = 1.580.000.000.
    assert figures(local["projects"]["approved"]) == (8, 1_250_000_000)
    assert local["tasks"]["approved"]["amount"] == 330_000_000
    assert local["total"]["approved"]["amount"] == 1_580_000_000
    # Failed appraisal: 2 đề án.
    assert local["projects"]["failed"]["projects"] == 2
    # Assigned to the provincial centre: 8 đề án + other contents, 1.580.000.000.
    assert local["projects"]["assigned"]["projects"] == 8
    assert local["total"]["assigned"]["amount"] == 1_580_000_000
    # Contracts signed: 7/8.
    assert (local["status"]["contracted"], local["status"]["approved"]) == (7, 8)

    # Past years: 2020, 21 đề án for 22 beneficiaries; 2021, 19 đề án for 22 beneficiaries.
    past = {row["year"]: (row["projects"], row["facilities"]) for row in report["past_years"]}
    assert past == {2020: (21, 22), 2021: (19, 22)}


def test_yen_bai_as_recorded(yen_bai: None) -> None:
    report = provincial("Yên Bái", H1_2022)

    assert report["scope"]["provinces"] == [{"code": "15", "name": "Yên Bái", "era": "2025-pre"}]
    assert report["period"]["label"] == "6 tháng đầu năm 2022"
    assert_yen_bai_2022(report)


def test_the_same_records_count_under_lao_cai_today(yen_bai: None) -> None:
    report = provincial("Lào Cai", H1_2022, Geography.CURRENT)

    assert report["scope"]["provinces"][0]["name"] == "Lào Cai"
    assert_yen_bai_2022(report)


def test_yen_bai_named_in_a_current_geography_report_means_lao_cai(yen_bai: None) -> None:
    report = provincial("Yên Bái", H1_2022, Geography.CURRENT)

    assert report["scope"]["name"] == "Tỉnh Lào Cai"
    assert_yen_bai_2022(report)


def test_the_old_lao_cai_as_recorded_holds_none_of_yen_bais_records(yen_bai: None) -> None:
    report = provincial("Lào Cai", H1_2022)

    assert report["sources"] == []


# --- Bắc Kạn, first six months of 2018 (seed 001) ------------------------------------------------------------------


def assert_bac_kan_2018(report: dict[str, Any]) -> None:
    national = source(report, "national")
    # 3 đề án (machinery application), 600.000.000, assigned in May 2018.
    assert figures(national["projects"]["approved"]) == (3, 600_000_000)
    assert figures(national["projects"]["assigned"]) == (3, 600_000_000)
    states = {row["beneficiaries"][0]: row["state"] for row in national["list"]}
    assert states == {
        "HTX Nông nghiệp Tân Thành": "contracted",  # contract signed, being implemented
        "HTX Thành Ngân": "assigned",  # assigned, no contract yet
        "Công ty TNHH Đinh Lâm": "stop_requested",
    }

    local = source(report, "provincial")
    # 10 đề án, 529.000.000.
    assert figures(local["projects"]["approved"]) == (10, 529_000_000)
    status = local["status"]
    # Completed 2/10; at 50% of workload 4/10; stop requested 2/10; not started 2/10.
    assert status["approved"] == 10
    assert status["completed"] == 2
    assert status["in_progress_by_percent"] == [{"percent": "50", "projects": 4}]
    assert status["stop_requested"] == 2
    assert status["not_started"] == 2

    # National 2019 pipeline: registrations received, none passed appraisal (0 đề án, 0 đồng forwarded).
    (pipeline,) = report["next_year"]["sources"]
    assert report["next_year"]["year"] == 2019
    assert pipeline["registered"]["projects"] == 2
    assert figures(pipeline["appraised"]) == (0, 0)
    assert figures(pipeline["forwarded"]) == (0, 0)


def test_bac_kan_as_recorded(bac_kan: None) -> None:
    assert_bac_kan_2018(provincial("Bắc Kạn", H1_2018))


def test_bac_kan_records_count_under_thai_nguyen_today(bac_kan: None) -> None:
    report = provincial("Thái Nguyên", H1_2018, Geography.CURRENT)

    assert report["scope"]["name"] == "Tỉnh Thái Nguyên"
    assert_bac_kan_2018(report)


def test_a_report_as_of_an_earlier_day_sees_only_the_events_until_then(bac_kan: None) -> None:
    report = provincial("Bắc Kạn", Period.year(2018, months=6, as_of=Period.year(2018, months=4).end))

    local = source(report, "provincial")
    # On 30/04/2018 no KCĐP đề án had reported progress or been accepted, nor asked to stop.
    assert local["status"]["completed"] == 0
    assert local["status"]["stop_requested"] == 0
    assert source(report, "national")["projects"]["approved"]["projects"] == 0


# --- The command line, in every format -----------------------------------------------------------------------------


def run_report(*args: str) -> str:
    out = io.StringIO()
    call_command("kc_report", *args, stdout=out)
    return out.getvalue()


def test_kc_report_prints_json_to_standard_output(yen_bai: None) -> None:
    report = json.loads(run_report("provincial", "--province", "Yên Bái", "--from", "2022-01-01", "--to", "30/06/2022"))

    assert_yen_bai_2022(report)
    # The JSON lists each figure's đề án, the breakdown's too (the documents list none)
    total = report["breakdown"]["total"]
    assert total["codes"] == sorted(total["codes"])
    assert len(total["codes"]) == total["projects"] + total["tasks"] > 0


def test_a_document_is_built_without_asking_for_any_list_of_đề_án(
    bac_kan: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the breakdown's list of codes cannot be gathered
    def no_codes(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a document asked for the breakdown's codes")

    monkeypatch.setattr(report_figures, "Codes", no_codes)
    # When the report is written as Excel and PDF, then it is, with its figures
    for fmt in ("xlsx", "pdf"):
        target = tmp_path / f"bk.{fmt}"
        call_command("kc_report", "provincial", "--province", "Bắc Kạn", "--year", "2018", "--months", "6",
                     "--format", fmt, "--output", str(target))  # fmt: skip
        assert target.stat().st_size > 0
    # but the JSON, which lists them, asks for them
    with pytest.raises(AssertionError, match="asked for the breakdown's codes"):
        run_report("provincial", "--province", "Bắc Kạn", "--year", "2018", "--months", "6")


def test_the_excel_file_carries_the_same_figures_as_numbers(bac_kan: None, tmp_path: Path) -> None:
    target = tmp_path / "bk.xlsx"
    call_command("kc_report", "provincial", "--province", "Bắc Kạn", "--year", "2018", "--months", "6",
                 "--format", "xlsx", "--output", str(target))  # fmt: skip

    sheet = load_workbook(target).active
    assert sheet is not None
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    numbers = {value for row in rows for value in row if isinstance(value, int)}
    assert {600_000_000, 529_000_000} <= numbers
    approved = next(row for row in rows if row[:2] == ["Tổng số đề án đã phê duyệt", 10])
    assert approved[1] == 10
    money = next(c for row in sheet.iter_rows() for c in row if c.value == 529_000_000)
    assert money.number_format == "#,##0"
    assert rows[0][3] == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"


def test_the_pdf_carries_the_header_and_the_figures(yen_bai: None, tmp_path: Path) -> None:
    target = tmp_path / "yb.pdf"
    call_command("kc_report", "provincial", "--province", "Yên Bái", "--year", "2022", "--months", "6",
                 "--format", "pdf", "--output", str(target))  # fmt: skip

    reader = PdfReader(target)
    assert reader.pages[0].mediabox.width == pytest.approx(595, abs=1)  # A4
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    for expected in ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "SỞ CÔNG THƯƠNG TỈNH YÊN BÁI",
                     "ngày 30 tháng 06 năm 2022", "1.700.000.000", "2.110.000.000", "1.580.000.000",
                     "1 tỷ 700 triệu đồng", "(Ký, ghi rõ họ tên, đóng dấu)"]:  # fmt: skip
        assert expected in text


def test_the_html_is_a_printable_document(bac_kan: None) -> None:
    html = run_report("provincial", "--province", "Bắc Kạn", "--year", "2018", "--months", "6", "--format", "html")

    assert "@page" in html
    assert "529.000.000" in html
    assert "Độc lập - Tự do - Hạnh phúc" in html


def test_a_formula_in_a_title_is_text_in_the_excel_file(yen_bai: None, tmp_path: Path) -> None:
    Project.objects.filter(code="YB-KCDP22-01").update(title='=HYPERLINK("http://x","bấm")')
    target = tmp_path / "yb.xlsx"
    call_command("kc_report", "provincial", "--province", "Yên Bái", "--year", "2022", "--months", "6",
                 "--format", "xlsx", "--output", str(target))  # fmt: skip

    sheet = load_workbook(target).active
    assert sheet is not None
    titles = [row[1] for row in sheet.iter_rows(values_only=True) if row[0] == "YB-KCDP22-01"]
    assert titles == ['\'=HYPERLINK("http://x","bấm")']


def test_status_shares_add_up_to_a_hundred(yen_bai: None) -> None:
    built = report_build("provincial", resolve_scope(provinces=["Yên Bái"], on=H1_2022.as_of), H1_2022)

    (states,) = [t for s in built.sections for t in s.tables if t.title.startswith("Tình hình thực hiện")][1:]
    shares = [row[2] for i, row in enumerate(states.rows) if i not in states.total_rows and not row[0].startswith("—")]
    # KCĐP: 7 in progress and 1 not started of 8 — 87,5% + 12,5%.
    assert shares == [Decimal("87.5"), Decimal("12.5")]
    assert sum(shares) == 100


def test_a_voided_step_leaves_the_report_and_comes_back_with_its_correction(yen_bai: None) -> None:
    """Reports before and after a correction: the figures are those of the standing entries."""
    import datetime

    from khuyencong.accounts.services import system_user
    from khuyencong.projects.services import project_correct_event, project_void_event

    before = source(provincial("Yên Bái", H1_2022), "national")
    assert figures(before["projects"]["submitted"]) == (3, 1_700_000_000)
    # Given the round-2 group đề án's forwarding was recorded by mistake (it is still with the Sở)
    group = next(p for p in Project.objects.filter(plan__funding_source="national") if p.beneficiaries.count() == 4)
    forwarded = group.events.get(action="forwarded")
    project_void_event(project=group, event=forwarded, actor=system_user(), reason="Chưa chuyển Bộ",
                       on=datetime.date(2022, 7, 1))  # fmt: skip
    # Then the report no longer counts it as forwarded, and still counts it as submitted and appraised
    after = source(provincial("Yên Bái", H1_2022), "national")
    round_2 = after["by_round"][1]
    assert round_2["forwarded"]["projects"] == 0
    assert figures(round_2["appraised"]) == (1, 1_100_000_000)
    assert figures(after["projects"]["submitted"]) == (3, 1_700_000_000)
    # And a submission amount corrected in place changes the submitted total by exactly the difference
    submitted = group.events.get(action="submitted_for_appraisal")
    project_correct_event(project=group, event=submitted, actor=system_user(), reason="Sai số tiền",
                          on=submitted.on, amount=Decimal(1_000_000_000))  # fmt: skip
    corrected = source(provincial("Yên Bái", H1_2022), "national")
    assert figures(corrected["projects"]["submitted"]) == (3, 1_600_000_000)
