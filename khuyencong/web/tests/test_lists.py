"""Issue 15: lists newest first, names in Vietnamese alphabetical order, filters offering only the user's territory,
every list as an Excel workbook with the page's filters, and the page of one's own import jobs."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from conftest import client_for, make_user
from khuyencong.accounts.models import Role, User
from khuyencong.exchange.models import ImportJob, JobKind, JobStatus
from khuyencong.facilities.models import Facility
from khuyencong.geography.models import AdminUnit, Era, Level
from khuyencong.organizations.models import Organization
from khuyencong.programs.models import Plan
from khuyencong.programs.services import plan_create
from khuyencong.projects.models import Project, ProjectContent
from khuyencong.projects.services import project_create

pytestmark = pytest.mark.django_db


def province(name: str) -> AdminUnit:
    return AdminUnit.objects.get(era=Era.FROM_2025, level=Level.PROVINCE, name=name)


def workbook_rows(response: Any) -> list[list[object]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.worksheets[0]
    assert sheet["A1"].font.b
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def two_years(cast: dict[str, User], local_plan: Plan, beneficiary: Facility) -> list[Project]:
    """Lào Cai: "Bảo quản chè" of 2025, then "Ấp trứng" and "Dệt thổ cẩm" of 2026, entered in that order."""
    old = plan_create(actor=cast["committee"], code="KCDP-15-2025", year=2025, funding_source="provincial",
                      owner=Organization.objects.get(code="UBND-15"))  # fmt: skip
    made = []
    for plan, code, title in [(old, "DA-2025", "Bảo quản chè"), (local_plan, "DA-A", "Ấp trứng"),
                              (local_plan, "DA-D", "Dệt thổ cẩm")]:  # fmt: skip
        made.append(project_create(
            actor=cast["centre"], code=code, title=title, plan=plan,
            content=ProjectContent.objects.get(code="machinery_application"), kind="facility",
            implementer=Organization.objects.get(code="TTKC-15"), beneficiaries=[beneficiary],
        ))  # fmt: skip
    return made


def test_the_đề_án_list_is_newest_first_and_by_name_in_vietnamese_order(
    two_years: list[Project], laocai_officer: User
) -> None:
    client = client_for(laocai_officer)
    # When the list opens, the latest plan year comes first, and within it the latest entered
    response = client.get(reverse("projects:list"))
    assert [p.code for p in response.context["rows"]] == ["DA-D", "DA-A", "DA-2025"]
    # And a đề án without a step reads as new, as its own page says, not as a dash; as of a day before its first
    # step, as having none by then
    assert response.content.decode().count("<td>Mới lập, chưa có bước nào</td>") == 3
    earlier = client.get(reverse("projects:list"), {"as_of": "01/01/2020"}).content.decode()
    assert earlier.count("<td>Chưa có bước nào đến ngày này</td>") == 3
    # When sorted by name, "Ấp" (A with marks) comes before "Bảo" and "Dệt", never after them
    rows = client.get(reverse("projects:list"), {"sort": "title"}).context["rows"]
    assert [p.title for p in rows] == ["Ấp trứng", "Bảo quản chè", "Dệt thổ cẩm"]


def test_the_đề_án_filters_offer_only_the_territory(two_years: list[Project], laocai_officer: User) -> None:
    client = client_for(laocai_officer)
    form = client.get(reverse("projects:list")).context["form"]
    # The Lào Cai officer is offered Lào Cai alone, and the bodies of Lào Cai
    assert [p.name for p in form.fields["province"].queryset] == ["Lào Cai"]
    codes = {o.code for o in form.fields["implementer"].queryset}
    assert {"SCT-15", "TTKC-15"} <= codes
    assert "TTKC-19" not in codes
    # And a province or body outside it, from a link made by someone else, is named as outside and left out: the
    # list is still the officer's own, narrowed by the filters that hold
    foreign = Organization.objects.get(code="TTKC-19").pk
    for asked, words in (
        (
            {"province": str(province("Thái Nguyên").pk)},
            "Tỉnh (hiện nay)</a>: Không có địa bàn này trong phạm vi của bạn.",
        ),
        ({"implementer": str(foreign)}, "Đơn vị thực hiện</a>: Không có cơ quan, đơn vị này trong phạm vi của bạn."),
        ({"province": str(10**30)}, "Tỉnh (hiện nay)</a>: Không có địa bàn này trong phạm vi của bạn."),
    ):
        response = client.get(reverse("projects:list"), {**asked, "year": "2026"})
        assert response.status_code == 200
        assert words in response.content.decode()
        assert [p.code for p in response.context["rows"]] == ["DA-D", "DA-A"]


def test_a_filter_that_cannot_be_read_is_named_and_the_others_still_narrow(
    two_years: list[Project], laocai_officer: User
) -> None:
    # Given a list asked with a year typed as letters, a day that is none, a round beyond any and a state that is none
    client = client_for(laocai_officer)
    asked = {"year": "abc", "as_of": "31/02/2026", "round": "99", "state": "done_ish", "q": "DA-2", "sort": "code"}
    # When the page opens
    response = client.get(reverse("projects:list"), asked)
    page = response.content.decode()
    # Then it answers, names each filter left out, and the search and the sort still apply
    assert response.status_code == 200
    for label in ("Năm kế hoạch", "Tính đến ngày", "Đợt", "Trạng thái"):
        assert f'">{label}</a>:' in page
    assert "chưa áp dụng" in page
    assert [p.code for p in response.context["rows"]] == ["DA-2025"]
    # And its Excel copy is the same list
    rows = workbook_rows(client.get(reverse("projects:export"), asked))
    assert [r[0] for r in rows[1:]] == ["DA-2025"]


def test_the_đề_án_list_as_excel_has_the_page_s_filters(
    two_years: list[Project], laocai_viewer: User, beneficiary: Facility
) -> None:
    # Given the viewer of Lào Cai, when they take the 2026 list as Excel
    response: Any = client_for(laocai_viewer).get(reverse("projects:export"), {"year": "2026"})
    content = b"".join(response.streaming_content)
    response.streaming_content = iter([content])
    rows = workbook_rows(response)
    # Then it holds the heading and the 2026 đề án, newest first, the year a number written without grouping (2026,
    # not "2.026"), a đề án without steps said so (not a blank state)
    assert rows[0][:3] == ["Mã đề án", "Tên đề án", "Kế hoạch"]
    assert [r[0] for r in rows[1:]] == ["DA-D", "DA-A"]
    assert rows[1][3] == 2026
    assert load_workbook(io.BytesIO(content)).worksheets[0]["D2"].number_format == "0"
    assert all(r[7] for r in rows[1:])
    # And a facility's representative, who may look but not take files, is refused
    rep = make_user("cosovh", None, Role.FACILITY_REPRESENTATIVE, facility=beneficiary)
    assert client_for(rep).get(reverse("projects:export")).status_code == 403


def test_the_facility_list_is_newest_first_and_by_name_in_vietnamese_order(laocai_officer: User, make_facility) -> None:
    for name in ["Cơ sở Yến", "Cơ sở Đào", "Cơ sở Dung", "Cơ sở Bắc", "Cơ sở Bạc", "Cơ sở Ân", "Cơ sở An"]:
        make_facility(name, province="Lào Cai", commune="Bảo Thắng")
    client = client_for(laocai_officer)
    # newest first when the list opens
    names = [f.name for f in client.get(reverse("facilities:list")).context["page"].object_list]
    assert names == ["Cơ sở An", "Cơ sở Ân", "Cơ sở Bạc", "Cơ sở Bắc", "Cơ sở Dung", "Cơ sở Đào", "Cơ sở Yến"]
    names = [f.name for f in client.get(reverse("facilities:list"), {"sort": "name"}).context["page"].object_list]
    if connection.vendor == "postgresql":
        # ICU's Vietnamese order: đ is a letter after d, unmarked a before â, and a (Bạc) before ă (Bắc)
        assert names == ["Cơ sở An", "Cơ sở Ân", "Cơ sở Bạc", "Cơ sở Bắc", "Cơ sở Dung", "Cơ sở Đào", "Cơ sở Yến"]
    else:
        # SQLite orders by the indexed folded name (Đ among the D's, never after Y), names that fold alike in
        # Vietnamese order (core/sqlite's collation «vi»)
        assert names == ["Cơ sở An", "Cơ sở Ân", "Cơ sở Bạc", "Cơ sở Bắc", "Cơ sở Đào", "Cơ sở Dung", "Cơ sở Yến"]


def test_the_facility_list_s_second_page_continues_the_first(laocai_officer: User, make_facility) -> None:
    # Given 51 facilities in Lào Cai, entered in an order that is not their names' order
    for number in range(51):
        make_facility(f"Cơ sở {(number * 37) % 51:02d}", province="Lào Cai", commune="Bảo Thắng")
    client = client_for(laocai_officer)
    # When the officer opens the list and follows its link to page 2
    first = client.get(reverse("facilities:list"))
    following = first.context["querystring"]
    second = client.get(reverse("facilities:list") + f"?{following}&page=2")
    # Then the two pages are the 51 facilities once each, newest first throughout, as in the list's export
    shown = [f.pk for f in first.context["page"].object_list] + [f.pk for f in second.context["page"].object_list]
    assert shown == sorted(shown, reverse=True)
    assert len(set(shown)) == 51 == Facility.objects.count()


def test_the_facility_list_as_excel(laocai_officer: User, yen_bai_facility: Facility, thai_nguyen_facility) -> None:
    rows = workbook_rows(client_for(laocai_officer).get(reverse("facilities:export_xlsx"), {"q": "go"}))
    assert rows[0][0] == "Mã cơ sở"
    assert [r[0] for r in rows[1:]] == [yen_bai_facility.code]


def test_the_organisation_list_is_the_territory_s_searchable_without_diacritics(
    laocai_officer: User, laocai_viewer: User
) -> None:
    client = client_for(laocai_officer)
    codes = [o.code for o in client.get(reverse("organizations:list")).context["page"].object_list]
    assert {"SCT-15", "TTKC-15", "UBND-15"} <= set(codes)
    assert "SCT-19" not in codes
    found = client.get(reverse("organizations:list"), {"q": "so cong thuong"}).context["page"].object_list
    assert [o.code for o in found] == ["SCT-15"]
    outside = client.get(reverse("organizations:list"), {"province": str(province("Thái Nguyên").pk), "q": "ubnd"})
    assert "Không có địa bàn này trong phạm vi của bạn." in outside.content.decode()
    assert [o.code for o in outside.context["page"].object_list] == ["UBND-15"]
    rows = workbook_rows(client_for(laocai_viewer).get(reverse("organizations:export"), {"q": "ubnd"}))
    assert rows[0][:2] == ["Mã", "Tên cơ quan, đơn vị"]
    assert [r[0] for r in rows[1:]] == ["UBND-15"]


def test_the_cục_sees_every_body_and_an_account_without_a_role_none(cuc_officer: User) -> None:
    codes = {
        o.code for o in client_for(cuc_officer).get(reverse("organizations:list")).context["page"].paginator.object_list
    }
    assert {"SCT-15", "SCT-19", "CUC-CTDP"} <= codes
    nobody = make_user("khong.vai.tro", "SCT-15")
    assert client_for(nobody).get(reverse("organizations:list")).context["page"].paginator.count == 0


def test_my_import_jobs_lists_mine_newest_first_with_the_error_copy(
    laocai_officer: User, thainguyen_officer: User
) -> None:
    first = ImportJob.objects.create(user=laocai_officer, kind=JobKind.FACILITIES, filename="co-so-thang-1.xlsx",
                                     status=JobStatus.DONE, rows_done=12)  # fmt: skip
    refused = ImportJob(user=laocai_officer, kind=JobKind.PROJECTS, filename="de-an-loi.xlsx",
                        status=JobStatus.REFUSED)  # fmt: skip
    refused.error_copy.save("loi.xlsx", ContentFile(b"PK"), save=False)
    refused.save()
    ImportJob.objects.create(user=thainguyen_officer, kind=JobKind.FACILITIES, filename="thai-nguyen.xlsx")
    response = client_for(laocai_officer).get(reverse("exchange:jobs"))
    assert [j.pk for j in response.context["page"].object_list] == [refused.pk, first.pk]
    html = response.content.decode()
    assert reverse("exchange:job_errors", args=[refused.pk]) in html
    assert "Có lỗi, không nhập gì" in html
    assert "thai-nguyen.xlsx" not in html
    # Someone else's job is not found, like one that does not exist
    assert client_for(thainguyen_officer).get(reverse("exchange:job", args=[first.pk])).status_code == 404


def test_the_plans_list_as_excel_has_the_page_s_figures_and_a_real_percent(
    bac_kan: None, thainguyen_officer: User
) -> None:
    # Given Thái Nguyên's plans (with former Bắc Kạn's), as of 30/06/2018
    client = client_for(thainguyen_officer)
    listed = client.get(reverse("programs:list"), {"as_of": "30/06/2018"}).context["plans"]
    # When the officer takes the list as Excel
    response: Any = client.get(reverse("programs:export"), {"as_of": "30/06/2018"})
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    # Then it holds the page's plans, each with the page's figures of that day, the share a real percent
    assert rows[0][:2] == ["Mã", "Năm"]
    assert [r[0] for r in rows[1:]] == [plan.code for plan, _figures in listed]
    for number, ((plan, figures), row) in enumerate(zip(listed, rows[1:], strict=True), start=2):
        assert row[1] == plan.year
        assert (row[4], row[5]) == (figures.budget, figures.allocated)
        if figures.allocated_percent is not None:
            assert sheet.cell(number, 7).number_format == "0.0%"
            assert round(row[6] * 100, 1) == float(figures.allocated_percent)
        assert row[7].date() == datetime.date(2018, 6, 30)
    assert any(figures.allocated_percent for _plan, figures in listed)
    # And the page links to it with its year and day; a facility's representative may not take it
    page = client.get(reverse("programs:list"), {"as_of": "30/06/2018"}).content.decode()
    assert f'href="{reverse("programs:export")}?as_of=30/06/2018"' in page
    rep = make_user("cs-tn", None, Role.FACILITY_REPRESENTATIVE, facility=Facility.objects.order_by("pk").first())
    assert client_for(rep).get(reverse("programs:export")).status_code == 403


@time_machine.travel(datetime.datetime(2026, 11, 27, 10, tzinfo=datetime.UTC), tick=False)
def test_the_programmes_page_as_excel_a_row_per_target_voided_ones_said_so(cast: dict[str, User]) -> None:
    from decimal import Decimal

    from khuyencong.programs.models import ProgramTarget
    from khuyencong.programs.services import program_create, program_target_void

    # Given Lào Cai's programme with a target of 6,5 and one voided, a programme without targets, and Thái Nguyên's
    ubnd = Organization.objects.get(code="UBND-15")
    made = program_create(actor=cast["committee"], owner=ubnd, code="CT-15", name="Chương trình KC Lào Cai",
                          level="provincial", territory=ubnd.territory, start_year=2026, end_year=2030,
                          targets=[("Lao động", Decimal(500), "người"),
                                   ("Tăng trưởng", Decimal("6.5"), "%")])  # fmt: skip
    program_target_void(target=made.targets.get(indicator="Lao động"), actor=cast["committee"], reason="Điều chỉnh")
    program_create(actor=cast["committee"], owner=ubnd, code="CT-15B", name="Chương trình chưa có chỉ tiêu",
                   level="provincial", territory=ubnd.territory, start_year=2027, end_year=2030)  # fmt: skip
    ubnd19 = Organization.objects.get(code="UBND-19")
    program_create(actor=make_user("ubnd19", "UBND-19", Role.APPROVER), owner=ubnd19, code="CT-19", name="Thái Nguyên",
                   level="provincial", territory=ubnd19.territory, start_year=2026, end_year=2030)  # fmt: skip

    # When the Lào Cai officer takes the programmes page as Excel
    client = client_for(cast["department"])
    rows = workbook_rows(client.get(reverse("programs:program_export")))

    # Then each target is a row, the voided one with when and why, the programme without targets a row of its own, and
    # nothing of Thái Nguyên's
    assert rows[0][0] == "Mã chương trình"
    assert [(r[0], r[6], r[7], r[9]) for r in rows[1:]] == [
        ("CT-15B", None, None, None),
        ("CT-15", "Lao động", 500, "Đã huỷ bỏ ngày 27/11/2026: Điều chỉnh"),
        ("CT-15", "Tăng trưởng", 6.5, None),
    ]
    assert ProgramTarget.objects.count() == 2
    # And the page says how many and links to it; a viewer of the facility may not take it
    page = client.get(reverse("programs:programs")).content.decode()
    assert "2 chương trình" in page
    assert f'href="{reverse("programs:program_export")}"' in page
    rep = make_user("cs-15", None, Role.FACILITY_REPRESENTATIVE, facility=Facility.objects.first())
    assert client_for(rep).get(reverse("programs:program_export")).status_code == 403


def test_my_import_jobs_as_excel_are_mine_only_newest_first(laocai_officer: User, thainguyen_officer: User) -> None:
    # Given two uploads of the Lào Cai officer (one refused with two errors) and one of Thái Nguyên's
    with time_machine.travel(datetime.datetime(2026, 11, 2, 3, 15, tzinfo=datetime.UTC), tick=False):
        ImportJob.objects.create(user=laocai_officer, kind=JobKind.FACILITIES, filename="co-so.xlsx",
                                 status=JobStatus.DONE, rows_done=1200)  # fmt: skip
    with time_machine.travel(datetime.datetime(2026, 11, 20, 17, 40, tzinfo=datetime.UTC), tick=False):
        ImportJob.objects.create(user=laocai_officer, kind=JobKind.PROJECTS, filename="de-an.xlsx",
                                 status=JobStatus.REFUSED, report={"errors": [{"row": 2}, {"row": 5}]})  # fmt: skip
    ImportJob.objects.create(user=thainguyen_officer, kind=JobKind.FACILITIES, filename="thai-nguyen.xlsx")

    # When he takes the list of his uploads as Excel
    client = client_for(laocai_officer)
    rows = workbook_rows(client.get(reverse("exchange:jobs_export")))

    # Then it holds his, newest first, each sent at Vietnam's time, with its rows read
    assert [(r[0], r[1], r[4]) for r in rows[1:]] == [
        (datetime.datetime(2026, 11, 21, 0, 40), "de-an.xlsx", 0),
        (datetime.datetime(2026, 11, 2, 10, 15), "co-so.xlsx", 1200),
    ]
    assert "Có lỗi, không nhập gì" in rows[1]
    assert f'href="{reverse("exchange:jobs_export")}"' in client.get(reverse("exchange:jobs")).content.decode()
    # And someone who has sent nothing gets the headings only
    newcomer = client_for(make_user("moi", "SCT-15", Role.OFFICER))
    assert len(workbook_rows(newcomer.get(reverse("exchange:jobs_export")))) == 1


def test_a_list_s_file_is_named_in_the_reader_s_language(laocai_officer: User, yen_bai_facility: Facility) -> None:
    # Given the same officer reading Vietnamese, then English
    client = client_for(laocai_officer)
    names = {}
    for language in ("vi", "en"):
        User.objects.filter(pk=laocai_officer.pk).update(language=language)
        # When he takes the facilities as Excel and as CSV
        names[language] = [client.get(reverse(route))["Content-Disposition"]
                           for route in ("facilities:export_xlsx", "facilities:export")]  # fmt: skip

    # Then each file is named in his language
    assert all('filename="co-so-cnnt-' in name for name in names["vi"])
    assert all('filename="rural-industrial-facilities-' in name for name in names["en"])
