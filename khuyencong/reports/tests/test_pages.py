"""Report and dashboard pages: the same figures on screen, each number opening its đề án, and the scope boundary."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import chose_english, client_for, make_user
from khuyencong.accounts.models import Role, User
from khuyencong.geography.models import AdminUnit, Era, Level
from khuyencong.organizations.models import Organization, Region

pytestmark = pytest.mark.django_db


def province(name: str, era: str) -> AdminUnit:
    return AdminUnit.objects.get(name=name, era=era, level=Level.PROVINCE)


def yen_bai_h1(**extra: str) -> dict[str, str]:
    return {"kind": "provincial", "provinces": str(province("Yên Bái", Era.BEFORE_2025).pk), "year": "2022",
            "period": "6", "geography": "recorded", **extra}  # fmt: skip


def record_links(html: str) -> dict[str, str]:
    """figure path → the link's text (the number it shows)."""
    return {
        path: text
        for href, path, text in re.findall(r'<a href="([^"]*figure=([^"&]+))">([^<]+)</a>', html.replace("&amp;", "&"))
    }


def test_the_report_page_shows_the_articles_figures(yen_bai: None, laocai_officer: User) -> None:
    html = client_for(laocai_officer).get(reverse("reports:page"), yen_bai_h1()).content.decode()

    for figure in ["1.700.000.000", "2.110.000.000", "1.580.000.000", "Tiếp nhận 3 đề án"]:
        assert figure in html
    links = record_links(html)
    assert links["sources.0.projects.submitted"] == "3"
    assert links["sources.1.total.approved"] == "9"
    # every table scrolls inside its own labelled box: wide ones ran 190 px off a 1366 px screen
    assert html.count('<div class="table-scroll" tabindex="0" role="region"') == html.count(
        '<table class="report-table">'
    )


def test_a_number_opens_the_list_of_its_đề_án(yen_bai: None, laocai_officer: User) -> None:
    client = client_for(laocai_officer)
    response = client.get(reverse("reports:records"), yen_bai_h1(figure="sources.1.projects.failed"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Đề án — Không đạt thẩm định: 2 đề án</h1>" in html
    assert "II. Khuyến công địa phương (KCĐP) › Tiến độ thủ tục trong kỳ" in html
    assert "Tổng theo báo cáo: Số đề án <b>2</b> · Số cơ sở <b>2</b> · Kinh phí (đồng) <b>530.000.000</b>" in html
    assert "Cộng 2 đề án" in html
    assert "YB-KCDP22-09" in html
    assert "YB-KCDP22-10" in html


def test_a_row_of_đề_án_and_tasks_opens_both_said_apart(yen_bai: None, laocai_officer: User) -> None:
    # Given Yên Bái's local plan, whose row counts its đề án and, apart, one other KC task (its support is theirs
    # together)
    client = client_for(laocai_officer)
    report = json.loads(client.get(reverse("reports:page"), yen_bai_h1(format="json")).content)
    [(number, local)] = [(n, r) for n, r in enumerate(report["breakdown"]["by_source"]) if r["tasks"]]
    page = client.get(reverse("reports:page"), yen_bai_h1()).content.decode()
    assert record_links(page)[f"breakdown.by_source.{number}"] == str(local["projects"])
    # When its figure is opened
    html = client.get(reverse("reports:records"), yen_bai_h1(figure=f"breakdown.by_source.{number}")).content.decode()
    # Then the heading counts the đề án the figure showed and the task apart, the task is marked, and every one is
    # listed
    assert f": {local['projects']} đề án và 1 nhiệm vụ khuyến công khác</h1>" in html
    assert '<span class="badge">Nhiệm vụ khác</span>' in html
    assert html.count('<span class="badge">Nhiệm vụ khác</span>') == 1
    assert len(re.findall(r'<a href="/projects/\d+/">', html)) == local["projects"] + local["tasks"]
    assert f"Cộng {local['projects'] + 1} đề án và nhiệm vụ</th>" in html
    # and in English the same, a task named as one
    english = client_for(chose_english(laocai_officer))
    html = english.get(reverse("reports:records"), yen_bai_h1(figure=f"breakdown.by_source.{number}")).content.decode()
    assert f": {local['projects']} projects and 1 other industrial promotion task</h1>" in html
    assert '<span class="badge">Other task</span>' in html
    assert f"Total of {local['projects'] + 1} projects and tasks</th>" in html


def test_a_figure_of_đề_án_not_yet_approved_sums_what_they_asked_for(yen_bai: None, laocai_officer: User) -> None:
    # Given three đề án sent for appraisal, 1.700.000.000 đồng asked for in all and nothing approved yet
    client = client_for(laocai_officer)
    # When the figure is opened
    html = client.get(reverse("reports:records"), yen_bai_h1(figure="sources.0.projects.submitted")).content.decode()
    # Then the list's total of what they asked for is the report's figure
    assert "Kinh phí (đồng) <b>1.700.000.000</b>" in html
    asked = '<td class="num" data-label="Kinh phí đề nghị (đồng)">1.700.000.000</td>'
    assert f"Cộng 3 đề án</th>{asked}" in html


def test_an_unknown_figure_is_not_found(yen_bai: None, laocai_officer: User) -> None:
    client = client_for(laocai_officer)
    response = client.get(reverse("reports:records"), yen_bai_h1(figure="sources.9.nothing"))

    assert response.status_code == 404
    # A figure has one address: a position is plain digits, and no part is empty
    assert client.get(reverse("reports:records"), yen_bai_h1(figure="sources.0.projects.submitted")).status_code == 200
    for other in ("sources.-1.projects.submitted", "sources.+0.projects.submitted", "sources.٠.projects.submitted",
                  "sources.0_0.projects.submitted", "sources..0.projects.submitted", ".", ""):  # fmt: skip
        assert client.get(reverse("reports:records"), yen_bai_h1(figure=other)).status_code == 404, other


@pytest.mark.parametrize(("fmt", "content_type"), [("xlsx", "spreadsheetml"), ("pdf", "application/pdf")])
def test_the_report_downloads(yen_bai: None, laocai_officer: User, fmt: str, content_type: str) -> None:
    response = client_for(laocai_officer).get(reverse("reports:page"), yen_bai_h1(format=fmt))

    assert content_type in response["Content-Type"]
    assert f'filename="bao-cao-tinh-2022-01-01-2022-06-30.{fmt}"' in response["Content-Disposition"]


def test_the_json_download_is_the_command_lines_json(yen_bai: None, laocai_officer: User) -> None:
    response = client_for(laocai_officer).get(reverse("reports:page"), yen_bai_h1(format="json"))

    report = json.loads(response.content)
    assert report["sources"][1]["total"]["submitted"]["amount"] == 2_110_000_000


def test_another_provinces_report_is_refused(yen_bai: None, thainguyen_officer: User) -> None:
    response = client_for(thainguyen_officer).get(reverse("reports:page"), yen_bai_h1(format="json"))

    assert response.status_code == 400
    assert "2110000000" not in response.content.decode()


def test_a_province_may_not_ask_for_the_national_report(yen_bai: None, laocai_officer: User) -> None:
    response = client_for(laocai_officer).get(
        reverse("reports:page"), {"kind": "national", "year": "2022", "period": "6", "geography": "recorded"}
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Báo cáo vượt quá phạm vi địa bàn bạn được xem. Chọn tỉnh hoặc vùng thuộc địa bàn của bạn." in html
    assert '<option value="national" selected>' in html


def test_a_province_may_not_download_the_national_report(yen_bai: None, laocai_officer: User) -> None:
    response = client_for(laocai_officer).get(
        reverse("reports:page"), {"kind": "national", "year": "2022", "period": "6", "format": "json"}
    )

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def opening_query(client: Client) -> dict[str, Any]:
    """What the report page opens on, as the browser would send it on "Xem báo cáo"."""
    form = client.get(reverse("reports:page")).context["form"]
    return {name: form[name].value() for name in form.fields if form[name].value() not in (None, "", [])}


class TestTheReportPageOpensOnAReportTheReaderMayRun:
    def test_a_regional_centre_opens_on_its_regions_report(self, yen_bai: None) -> None:
        # Given an officer of TTKC I, whose territory is a region of many provinces
        centre = make_user("ttkc1_officer", "TTKC1", Role.OFFICER)
        client = client_for(centre)

        # When they open the report page and press "Xem" on what it shows
        query = opening_query(client)
        response = client.get(reverse("reports:page"), query)

        # Then it is their region's report, not a refusal
        assert query["kind"] == "regional"
        assert query["region"] == Organization.objects.get(code="TTKC1").region_id
        assert response.status_code == 200
        assert "Tổng hợp vùng" in response.content.decode()

    def test_a_provincial_officer_opens_on_their_province(self, yen_bai: None, laocai_officer: User) -> None:
        query = opening_query(client_for(laocai_officer))

        assert query["kind"] == "provincial"
        assert query["provinces"] == [province("Lào Cai", Era.FROM_2025).pk]

    def test_the_cuc_opens_on_the_national_report(self, cuc_officer: User) -> None:
        assert opening_query(client_for(cuc_officer))["kind"] == "national"

    def test_only_the_regions_the_reader_may_report_on_are_offered(
        self, cuc_officer: User, laocai_officer: User
    ) -> None:
        centre = make_user("ttkc1_regions", "TTKC1", Role.OFFICER)

        def regions(user: User) -> list[int] | None:
            form = client_for(user).get(reverse("reports:page")).context["form"]
            return [r.pk for r in form.fields["region"].queryset] if "region" in form.fields else None

        assert regions(cuc_officer) == list(Region.objects.order_by("code").values_list("pk", flat=True))
        assert regions(centre) == [Organization.objects.get(code="TTKC1").region_id]
        # a province's officer is offered no region at all: each would be refused; nor told that an empty province
        # means the whole country (refused too)
        assert regions(laocai_officer) is None

        def provinces_help(user: User) -> str:
            return str(client_for(user).get(reverse("reports:page")).context["form"].fields["provinces"].help_text)

        assert provinces_help(laocai_officer) == "Chọn tỉnh thuộc địa bàn của bạn."
        assert provinces_help(cuc_officer) == "Bỏ trống: toàn quốc (hoặc cả vùng)."
        # nor is an account of the centre granted no role yet (it reads nothing)
        assert regions(make_user("ttkc1_norole", "TTKC1")) is None


def test_the_report_forms_provinces_are_in_vietnamese_alphabetical_order(cuc_officer: User) -> None:
    form = client_for(cuc_officer).get(reverse("reports:page")).context["form"]
    names = [(unit.era, unit.name) for unit in form.fields["provinces"].queryset]
    today = [name for era, name in names if era == Era.FROM_2025]
    before = [name for era, name in names if era == Era.BEFORE_2025]

    # today's 34, then the 63 of before the reform, each read as a Vietnamese reader expects
    assert names == [(Era.FROM_2025, name) for name in today] + [(Era.BEFORE_2025, name) for name in before]
    assert before.index("Bắc Kạn") < before.index("Bình Dương") < before.index("Đắk Lắk") < before.index("Gia Lai")
    assert today.index("Tây Ninh") < today.index("Tuyên Quang")
    assert today.index("Đồng Tháp") < today.index("Gia Lai")


def test_bad_period_input_is_explained_on_the_form(laocai_officer: User) -> None:
    response = client_for(laocai_officer).get(
        reverse("reports:page"),
        {"kind": "provincial", "year": "2022", "period": "range", "start": "31/12/2022", "end": "01/01/2022",
         "geography": "recorded"},
    )  # fmt: skip

    assert response.status_code == 400
    assert "sau ngày kết thúc" in response.content.decode()


@pytest.mark.parametrize("key", ["99999999999999999999", "9223372036854775808", "-9223372036854775809", "abc"])
@pytest.mark.parametrize("route", ["reports:page", "reports:records"])
def test_a_province_key_no_database_integer_holds_is_an_unknown_province(
    laocai_officer: User, key: str, route: str
) -> None:
    # Beyond 64 bits SQLite refused the IN list with an OverflowError: a 500
    query = {"kind": "national", "year": "2022", "period": "12", "geography": "current", "provinces": key}
    response = client_for(laocai_officer).get(reverse(route), query)
    assert response.status_code == 400
    # said in Vietnamese (Django's own catalogue leaves this message empty)
    assert response.context["form"].errors["provinces"] == [f"«{key}» không phải là giá trị hợp lệ."]


def test_the_dashboard_shows_the_users_province_and_links_every_number(yen_bai: None, laocai_officer: User) -> None:
    client = client_for(laocai_officer)
    html = client.get(reverse("reports:dashboard")).content.decode()

    assert "Khuyến công năm 2022 · Tỉnh Lào Cai" in html
    links = record_links(html)
    assert links["funnel.2"] == "11"  # approved: 8 KCĐP đề án and TTKC1's 3 KCQG đề án (tasks apart)
    assert links["funnel.3"] == "7"
    listing = client.get(reverse("reports:dashboard_records"), {"year": "2022", "figure": "funnel.3"})
    listed = listing.content.decode()
    assert "<h1>Đã ký hợp đồng: 7 đề án</h1>" in listed
    assert "Bảng điều khiển năm 2022 · Tỉnh Lào Cai" in listed
    assert "Kinh phí hỗ trợ (đồng) <b>" in listed


def test_the_dashboard_money_tiles(yen_bai: None, laocai_officer: User) -> None:
    html = client_for(laocai_officer).get(reverse("reports:dashboard"), {"year": "2022"}).content.decode()

    # The province's plan: the KCĐP budget of 1,58 tỷ; all of it allocated to the provincial centre.
    assert "1.580.000.000 đồng" in html
    assert "1 tỷ 580 triệu đồng" in html
    assert "100,0% kế hoạch" in html


def test_the_national_dashboard_ranks_provinces(yen_bai: None, bac_kan: None, cuc_officer: User) -> None:
    html = client_for(cuc_officer).get(reverse("reports:dashboard"), {"year": "2022"}).content.decode()

    assert "Toàn quốc" in html
    assert "Tỉnh theo tỷ lệ giải ngân" in html
    assert "Lào Cai" in html


def test_someone_without_a_territory_sees_no_figures_but_why(orphan_user: User) -> None:
    response = client_for(orphan_user).get(reverse("reports:dashboard"))

    assert response.status_code == 200
    assert "chưa được giao địa bàn hoặc vai trò" in response.content.decode()
    assert "Kế hoạch vốn" not in response.content.decode()


def test_every_report_kind_has_a_vietnamese_file_word() -> None:
    from khuyencong.reports.selectors import KINDS
    from khuyencong.reports.views import FILE_WORDS

    assert set(FILE_WORDS) == set(KINDS)


def test_the_dashboard_names_the_choices_it_cannot_use_and_keeps_the_others(
    yen_bai: None, laocai_officer: User
) -> None:
    from khuyencong.core.page_ids import dangling_ids

    # Given a colleague's link naming another province and a day that does not exist, with a year that holds
    thai_nguyen = AdminUnit.objects.current().provinces().get(name__contains="Thái Nguyên")
    query = {"year": "2022", "province": str(thai_nguyen.pk), "as_of": "31/02/2022"}

    # When the Lào Cai officer opens it
    response = client_for(laocai_officer).get(reverse("reports:dashboard"), query)

    # Then the figures are his province's for the year asked, and the box says which choices were left out, each
    # read with its field
    html = response.content.decode()
    assert response.status_code == 200
    assert "Khuyến công năm 2022 · Tỉnh Lào Cai" in html
    assert "Một số lựa chọn không dùng được nên chưa áp dụng" in html
    assert '<a href="#id_province">Tỉnh</a>' in html
    assert '<a href="#id_as_of">Tính đến ngày</a>' in html
    assert "Thái Nguyên" not in html.split('id="filter-errors"')[1]
    assert "Tỉnh</a>: Không có địa bàn này trong phạm vi của bạn." in html
    assert dangling_ids(html) == []
    # And the day refused stays as typed, marked, read with its refusal
    assert (
        'value="31/02/2022" placeholder="ngày/tháng/năm" aria-invalid="true" aria-describedby="id_as_of_error"' in html
    )


def test_a_figure_s_excel_says_how_many_of_its_đề_án_the_user_may_not_see(
    yen_bai: None, laocai_officer: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    from openpyxl import load_workbook

    from khuyencong.projects.selectors import project_list_for_user

    # Given a figure of two đề án, one of which lies outside what the officer may see
    monkeypatch.setattr("khuyencong.reports.views.project_list_for_user",
                        lambda user: project_list_for_user(user).exclude(code="YB-KCDP22-09"))  # fmt: skip
    query = yen_bai_h1(figure="sources.1.projects.failed")
    client = client_for(laocai_officer)

    # When he takes it as Excel
    response: Any = client.get(reverse("reports:records"), {**query, "format": "xlsx"})

    # Then the file holds the one he may see and says, as the page does, that one is left out
    rows = [list(r) for r in load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0].iter_rows(
        min_row=2, values_only=True)]  # fmt: skip
    assert len(rows) == 2
    assert rows[0][0] != "YB-KCDP22-09"
    assert rows[1][0] == "1 đề án của số liệu nằm ngoài phạm vi bạn được xem nên không có trong tệp."
    page = client.get(reverse("reports:records"), query).content.decode()
    assert "Trên trang này có 1 đề án của số liệu nằm ngoài phạm vi bạn được xem nên không hiện." in page


def test_the_province_box_offers_today_s_provinces_first(cuc_officer: User, laocai_officer: User) -> None:
    # Given the Cục, who may report on any province of either generation, and Lào Cai's officer
    for user, today in ((cuc_officer, 34), (laocai_officer, 1)):
        # When the report form is opened
        form = client_for(user).get(reverse("reports:page")).context["form"]
        units = list(form.fields["provinces"].queryset)
        # Then today's provinces come first, then those of before 01/07/2025, each in Vietnamese alphabetical order
        eras = [unit.era for unit in units]
        assert eras == [Era.FROM_2025] * today + [Era.BEFORE_2025] * (len(units) - today), user
        assert str(form.fields["provinces"].label_from_instance(units[0])) == units[0].name
    assert [u.name for u in units] == ["Lào Cai", "Lào Cai", "Yên Bái"]
