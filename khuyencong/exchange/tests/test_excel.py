"""Excel templates and uploads: row-by-row messages, all or nothing, the copy with its error column, hostile files."""

from __future__ import annotations

import datetime
import io
import zipfile
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from khuyencong.accounts.models import User
from khuyencong.exchange.excel import (
    ERROR_HEADER,
    FACILITY_COLUMNS,
    MAX_BYTES,
    PROJECT_COLUMNS,
    error_copy,
    excel_import,
    template_workbook,
)
from khuyencong.facilities.models import Facility
from khuyencong.projects.models import Project

pytestmark = pytest.mark.django_db


def sheet(kind: str, rows: list[list[Any]]) -> bytes:
    columns = FACILITY_COLUMNS if kind == "facilities" else PROJECT_COLUMNS
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    ws.title = "Cơ sở" if kind == "facilities" else "Đề án"
    ws.append([c.header + (" *" if c.required else "") for c in columns])
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def facility_row(code: str, name: str | None, **change: Any) -> list[Any]:
    values = {
        "code": code, "name": name, "legal_form": "Hộ kinh doanh", "tax_code": None, "province": "Yên Bái",
        "district": "Văn Chấn", "commune": "Sơn Thịnh", "as_of": datetime.date(2022, 3, 1), "address": "Thôn 3",
        "trade": "Chế biến chè", "craft_village": None, "women_owned": "Có", "ethnic_minority_owned": None,
        "disadvantaged_area": None,
    }  # fmt: skip
    values.update(change)
    return [values[c.key] for c in FACILITY_COLUMNS]


GOOD = [
    facility_row("YB-EX-1", "Cơ sở chè Sơn Thịnh"),
    facility_row("LC-EX-2", "HTX gỗ Bảo Yên", province="Lào Cai", district=None, commune="Bảo Yên",
                 as_of="01/08/2025", women_owned="Không"),
]  # fmt: skip


def test_the_facility_template_has_vietnamese_headers_and_dropdowns() -> None:
    workbook = load_workbook(io.BytesIO(template_workbook("facilities")))

    ws = workbook["Cơ sở"]
    headers = [c.value for c in ws[1]]
    assert headers[:3] == ["Mã cơ sở *", "Tên cơ sở *", "Loại hình *"]
    validated = {str(v.sqref).split(":")[0] for v in ws.data_validations.dataValidation}
    assert {"C2", "E2", "L2"} <= validated  # legal form, province, women-owned
    lists = workbook["Danh mục"]
    assert lists.sheet_state == "hidden"
    provinces = {c.value for c in lists["E"]}
    assert {"Yên Bái", "Lào Cai", "Thái Nguyên"} <= provinces


def test_the_project_template_lists_the_contents_and_kinds() -> None:
    workbook = load_workbook(io.BytesIO(template_workbook("projects")))

    lists = workbook["Danh mục"]
    assert "machinery_application" in {c.value for c in lists["D"]}
    assert "Đề án nhóm" in {c.value for c in lists["E"]}


def test_good_rows_are_imported_with_the_uploaders_own_rights(laocai_officer: User) -> None:
    result = excel_import(sheet("facilities", GOOD), kind="facilities", actor=laocai_officer)

    assert result.report.ok, [str(e) for e in result.report.errors]
    assert result.report.created["facilities"] == 2
    tea = Facility.objects.get(code="YB-EX-1")
    assert tea.current_province.name == "Lào Cai"
    assert tea.women_owned


def test_uploading_the_same_file_again_changes_nothing(laocai_officer: User) -> None:
    excel_import(sheet("facilities", GOOD), kind="facilities", actor=laocai_officer)

    again = excel_import(sheet("facilities", GOOD), kind="facilities", actor=laocai_officer)

    assert again.report.changed_nothing
    assert Facility.objects.count() == 2


def test_every_bad_row_is_reported_with_its_column_and_nothing_is_written(laocai_officer: User) -> None:
    rows = [
        GOOD[0],
        facility_row("YB-EX-3", "Sai mã số thuế", tax_code="0101245485"),
        facility_row("YB-EX-4", "Xã không có", commune="Xã Không Có Thật"),
        facility_row("YB-EX-5", None),
        facility_row("YB-EX-6", "Loại hình lạ", legal_form="Tập đoàn đa quốc gia"),
        facility_row("YB-EX-7", '=HYPERLINK("http://x","bấm")'),
        facility_row("YB-EX-8", "Ngày sai", as_of="31/02/2022"),
    ]
    data = sheet("facilities", rows)

    result = excel_import(data, kind="facilities", actor=laocai_officer)

    assert not result.report.ok
    assert not Facility.objects.exists()
    # The sheet's own checks and the importer's, each on its row and column, in one pass.
    assert set(result.row_errors) == {3, 5, 6, 7, 8}
    assert result.row_errors[3][0].startswith("Mã số thuế")
    assert "Tên cơ sở" in result.row_errors[5][0]
    assert "Loại hình" in result.row_errors[6][0]
    assert "công thức" in result.row_errors[7][0]
    assert "Địa chỉ tính theo ngày" in result.row_errors[8][0]
    # A commune the geography no longer holds is kept under its district with a warning (exchange format).
    assert [w.path for w in result.report.warnings] == ["Dòng 4, cột «Xã/phường»"]


def test_a_code_repeated_in_the_sheet_is_named_with_its_first_row(laocai_officer: User) -> None:
    rows = [GOOD[0], GOOD[1], facility_row("YB-EX-1", "Cùng mã")]

    result = excel_import(sheet("facilities", rows), kind="facilities", actor=laocai_officer)

    assert result.row_errors == {4: ["Mã cơ sở: Mã «YB-EX-1» trùng dòng 2."]}
    assert not Facility.objects.exists()


def test_a_long_sheet_is_imported_in_parts_with_its_progress(laocai_officer: User) -> None:
    rows = [facility_row(f"LC-N-{n}", f"Cơ sở {n}", province="Lào Cai", district=None, commune="Bảo Yên",
                         as_of="01/08/2025") for n in range(1, 1202)]  # fmt: skip
    seen: list[int] = []

    result = excel_import(sheet("facilities", rows), kind="facilities", actor=laocai_officer, progress=seen.append)

    assert result.report.ok, [str(e) for e in result.report.errors][:5]
    assert Facility.objects.count() == 1201
    assert seen == [500, 1000, 1201]


def test_errors_far_apart_in_a_long_sheet_are_all_named_and_nothing_is_written(laocai_officer: User) -> None:
    # Given 2,500 rows (several parts and batches) with mistakes near the start, in the middle and at the end
    rows = [facility_row(f"LC-M-{n}", f"Cơ sở {n}", province="Lào Cai", district=None, commune="Bảo Yên",
                         as_of="01/08/2025") for n in range(1, 2501)]  # fmt: skip
    rows[1] = facility_row("LC-M-2", "Sai mã số thuế", tax_code="0101245485")
    rows[9] = facility_row("LC-M-10", "Có mã số thuế", tax_code="0100233488")
    rows[1200] = facility_row("LC-M-1201", "Trùng mã số thuế", tax_code="0100233488")
    rows[1800] = facility_row("LC-M-1801", "Xã lạ", province="Lào Cai", district=None, commune="Không Có",
                              as_of="01/08/2025")  # fmt: skip
    rows[2400] = facility_row("LC-M-2401", "Tỉnh khác", province="Thái Nguyên", district=None,
                              commune="Phường Bắc Kạn", as_of="01/08/2025")  # fmt: skip

    # When the sheet is uploaded
    result = excel_import(sheet("facilities", rows), kind="facilities", actor=laocai_officer)

    # Then each mistake is named on its sheet row (data starts on row 2), with its column where it has one
    assert set(result.row_errors) == {3, 1202, 1802, 2402}
    assert result.row_errors[3][0].startswith("Mã số thuế: Mã số thuế 0101245485 sai chữ số kiểm tra")
    assert result.row_errors[1202][0].startswith("Mã số thuế: Mã số thuế 0100233488 đã được đăng ký cho Có mã")
    assert result.row_errors[1802][0].startswith("Xã/phường: ")
    assert "ngoài địa bàn" in result.row_errors[2402][0]
    assert [e.code for e in result.report.errors] == ["tax_code_checksum", "rule_violated", "place_unknown",
                                                      "out_of_scope"]  # fmt: skip
    assert not Facility.objects.exists()


def test_the_copy_carries_an_error_column_and_no_live_formula(laocai_officer: User) -> None:
    rows = [GOOD[0], facility_row("YB-EX-7", "=1+1")]
    data = sheet("facilities", rows)
    result = excel_import(data, kind="facilities", actor=laocai_officer)

    copy = load_workbook(io.BytesIO(error_copy(data, result)))
    ws = copy.active
    assert ws is not None
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[0][-1] == ERROR_HEADER
    assert values[1][-1] in (None, "")
    assert "công thức" in values[2][-1]
    assert values[2][1] == "'=1+1"


def test_a_facility_outside_the_uploaders_territory_is_refused(thainguyen_officer: User) -> None:
    result = excel_import(sheet("facilities", GOOD[:1]), kind="facilities", actor=thainguyen_officer)

    assert not result.report.ok
    assert 2 in result.row_errors
    assert not Facility.objects.exists()


def test_a_wrong_header_row_is_refused() -> None:
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    ws.append(["Tên", "Địa chỉ"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    result = excel_import(buffer.getvalue(), kind="facilities", actor=User())

    assert [e.code for e in result.report.errors] == ["header"]


def test_a_file_that_is_not_a_spreadsheet_is_refused(laocai_officer: User) -> None:
    result = excel_import(b"PK\x03\x04 not really a zip", kind="facilities", actor=laocai_officer)

    assert [e.code for e in result.report.errors] == ["not_xlsx"]


def test_a_zip_bomb_is_refused_before_it_is_opened(laocai_officer: User) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * 1024 * 1024))

    result = excel_import(buffer.getvalue(), kind="facilities", actor=laocai_officer)

    assert [e.code for e in result.report.errors] == ["zip_bomb"]


def test_a_file_over_50_mb_is_refused(laocai_officer: User) -> None:
    result = excel_import(b"\0" * (MAX_BYTES + 1), kind="facilities", actor=laocai_officer)

    assert [e.code for e in result.report.errors] == ["file_too_large"]


def project_row(code: str, **change: Any) -> list[Any]:
    values = {
        "code": code, "title": "Hỗ trợ máy sấy chè", "plan": "KCDP-YB-2022", "content": "machinery_application",
        "kind": "Hỗ trợ một cơ sở", "round": 2, "implementer": "TTKC-YB", "beneficiaries": "YB-F-R1-1",
        "total_cost": 400_000_000, "support_requested": "200 triệu", "counterpart": None,
    }  # fmt: skip
    values.update(change)
    return [values[c.key] for c in PROJECT_COLUMNS]


def test_projects_are_registered_from_the_template(yen_bai: None, laocai_officer: User) -> None:
    result = excel_import(sheet("projects", [project_row("YB-EX-P1")]), kind="projects", actor=laocai_officer)

    assert result.report.ok, [str(e) for e in result.report.errors]
    project = Project.objects.get(code="YB-EX-P1")
    assert project.support_requested == 200_000_000
    assert [f.code for f in project.beneficiaries.all()] == ["YB-F-R1-1"]


@pytest.mark.parametrize(
    ("change", "column"),
    [
        ({"support_requested": 1.5}, "Kinh phí khuyến công đề nghị (đồng)"),
        ({"support_requested": "-5 triệu"}, "Kinh phí khuyến công đề nghị (đồng)"),
        ({"plan": "KHONG-CO"}, "Mã kế hoạch"),
        ({"beneficiaries": "YB-F-R1-1; KHONG-CO"}, "Cơ sở thụ hưởng (mã)"),
        ({"round": "hai"}, "Đợt"),
    ],
)
def test_bad_project_rows_name_their_column(
    yen_bai: None, laocai_officer: User, change: dict[str, Any], column: str
) -> None:
    result = excel_import(sheet("projects", [project_row("YB-EX-P2", **change)]), kind="projects", actor=laocai_officer)

    assert not result.report.ok
    assert result.row_errors[2][0].startswith(column)
    assert not Project.objects.filter(code="YB-EX-P2").exists()


def test_a_project_row_may_not_use_another_provinces_plan_or_beneficiaries(
    yen_bai: None, bac_kan: None, laocai_officer: User
) -> None:
    # Given Thái Nguyên's (former Bắc Kạn's) provincial plan and facility, a Lào Cai officer's rows naming them
    from khuyencong.programs.models import Plan

    foreign_plan = (
        Plan.objects.filter(owner__territory__current_province__name__contains="Thái Nguyên")
        .exclude(funding_source="national")
        .first()
    )
    foreign_facility = Facility.objects.filter(current_province__name__contains="Thái Nguyên").first()
    assert foreign_plan is not None
    assert foreign_facility is not None
    rows = [
        project_row("YB-EX-P3", plan=foreign_plan.code),
        project_row("YB-EX-P4", beneficiaries=foreign_facility.code),
    ]
    result = excel_import(sheet("projects", rows), kind="projects", actor=laocai_officer)
    # Then both rows are refused, named by row and column, and nothing is written
    assert not result.report.ok
    assert any("ngoài địa bàn" in message for message in result.row_errors[2])
    assert any("ngoài địa bàn" in message for message in result.row_errors[3])
    assert not Project.objects.filter(code__in=["YB-EX-P3", "YB-EX-P4"]).exists()


def test_a_rows_unreadable_cell_and_its_unknown_place_are_reported_together(laocai_officer: User) -> None:
    # Given rows with a cell the sheet cannot read and, in the same row, a place the geography does not hold
    rows = [
        facility_row("YB-EX-9", "Cờ lạ", women_owned="hơi hơi", commune="Xã Không Có Thật", district="Huyện Không Có"),
        facility_row("YB-EX-10", None, province="Atlantis"),
        facility_row("YB-EX-11", "=1+1", legal_form="Tập đoàn", province="Atlantis"),
    ]

    # When the sheet is uploaded
    result = excel_import(sheet("facilities", rows), kind="facilities", actor=laocai_officer)

    # Then each row lists its cell's error and its place's, in one answer, each once, and nothing is written
    assert result.row_errors[2][0].startswith("Chủ là phụ nữ: ghi «Có» hoặc «Không»")
    assert result.row_errors[2][1].startswith("Huyện (trước 01/07/2025): ")
    assert [m.split(":")[0] for m in result.row_errors[3]] == ["Tên cơ sở", "Tỉnh/thành phố"]
    assert [m.split(":")[0] for m in result.row_errors[4]] == ["Tên cơ sở", "Loại hình", "Tỉnh/thành phố"]
    assert sorted(e.code for e in result.report.errors) == sorted(
        ["flag", "place_unknown", "required", "place_unknown", "formula", "enum", "place_unknown"]
    )
    assert not Facility.objects.exists()


def test_a_repeated_code_and_a_bad_place_elsewhere_are_reported_together(laocai_officer: User) -> None:
    # Given a code used twice, and a third row in a province that does not exist
    rows = [
        GOOD[0],
        facility_row("YB-EX-1", "Cùng mã", province="Atlantis"),
        facility_row("YB-EX-12", "Tỉnh lạ", province="Atlantis"),
    ]

    # When the sheet is uploaded
    result = excel_import(sheet("facilities", rows), kind="facilities", actor=laocai_officer)

    # Then the repeat, and both rows' unknown province, are named at once
    assert result.row_errors[3][0] == "Mã cơ sở: Mã «YB-EX-1» trùng dòng 2."
    assert result.row_errors[3][1].startswith("Tỉnh/thành phố: ")
    assert result.row_errors[4][0].startswith("Tỉnh/thành phố: ")
    assert not Facility.objects.exists()


def test_a_project_rows_sheet_schema_and_reference_errors_are_reported_together(
    yen_bai: None, laocai_officer: User
) -> None:
    # Given a đề án row with an unknown kind (the sheet's list), an unknown content (the schema) and an unknown plan
    row = project_row("YB-EX-P5", kind="Đề án lạ", content="khong_co", plan="KHONG-CO")

    # When the sheet is uploaded
    result = excel_import(sheet("projects", [row]), kind="projects", actor=laocai_officer)

    # Then all three are named on the row
    assert [m.split(":")[0] for m in result.row_errors[2]] == ["Loại đề án", "Nội dung khuyến công", "Mã kế hoạch"]
    assert [e.code for e in result.report.errors] == ["enum", "schema_enum", "reference_missing"]
    assert not Project.objects.filter(code="YB-EX-P5").exists()
