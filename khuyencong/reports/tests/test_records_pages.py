"""A figure opened as its list, a page at a time: the page's rows are the figure's, every page together is the whole
figure, and no statement carries more than a page of codes (a national programme's figure can stand for tens of
thousands of đề án — beyond what SQLite binds in one statement)."""

from __future__ import annotations

import datetime
import html
import re
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import client_for
from khuyencong.accounts.models import User
from khuyencong.core.xlsx import sheet_title
from khuyencong.demo.national import build
from khuyencong.projects.models import Project
from khuyencong.reports.dashboard import dashboard_data, dashboard_scope, figure_projects
from khuyencong.reports.national import national_report
from khuyencong.reports.periods import Period
from khuyencong.reports.scope import Geography, ReportScope

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2024, 11, 27)


@pytest.fixture
def generated() -> None:
    build(projects=700, facilities=3000, first_year=2021, years=3, today=TODAY, seed=5, say=lambda _: None)
    call_command("kc_rebuild", stdout=StringIO())


def listed_codes(html: str) -> list[str]:
    return re.findall(r'<a href="/projects/\d+/">([^<]+)</a>', html)


def every_page(client: object, url: str, query: dict[str, str]) -> tuple[list[str], int, int]:
    """The codes of every page in order, the number of pages, and the most codes one statement carried."""
    codes: list[str] = []
    widest = 0
    page = 1
    while True:
        with CaptureQueriesContext(connection) as seen:
            response = client.get(url, {**query, "page": str(page)})  # type: ignore[attr-defined]
        assert response.status_code == 200
        widest = max([widest] + [q["sql"].count("'NAT-") for q in seen.captured_queries])
        codes += listed_codes(response.content.decode())
        if response.context["page"].has_next():
            page += 1
            continue
        return codes, page, widest


def test_a_report_figure_opens_page_by_page(generated: None, cuc_officer: User) -> None:
    # Given the national plan execution of 2022, whose plan counts more đề án than a page
    period = Period.year(2022)
    report = national_report(ReportScope(Geography.RECORDED, (), None), period)
    expected = report["plans"][0]["codes"]
    assert len(expected) > 50
    # When the Cục opens that figure and walks its pages
    query = {"kind": "national", "year": "2022", "period": "12", "geography": "recorded", "figure": "plans.0"}
    codes, pages, widest = every_page(client_for(cuc_officer), reverse("reports:records"), query)
    # Then every đề án of the figure is listed once, in code order, and no statement carried more than a page
    assert codes == sorted(expected)
    assert pages == -(-len(expected) // 50)
    assert widest <= 50


@time_machine.travel(datetime.datetime(2024, 11, 27, 10, tzinfo=datetime.UTC), tick=False)
def test_a_dashboard_figure_opens_page_by_page_by_its_condition(generated: None, cuc_officer: User) -> None:
    # Given the nation's dashboard for 2022, whose first funnel step counts more đề án than a page
    data = dashboard_data(dashboard_scope([]), Project.objects.all(), year=2022, as_of=TODAY)
    behind = sorted(figure_projects(dashboard_scope([]), Project.objects.all(), data, "funnel.0").values_list(
        "code", flat=True))  # fmt: skip
    assert data["funnel"][0]["count"] == len(behind) > 50
    # When the Cục opens it
    codes, _, widest = every_page(client_for(cuc_officer), reverse("reports:dashboard_records"),
                                  {"year": "2022", "figure": "funnel.0"})  # fmt: skip
    # Then the pages hold exactly the đề án the figure counts, read by its condition (no list of codes at all)
    assert codes == behind
    assert widest == 0


def test_a_figure_that_is_no_list_is_not_found(generated: None, cuc_officer: User) -> None:
    client = client_for(cuc_officer)
    for figure in ("money.0", "funnel.9", "nothing.1", "funnel", "overdue.codes", "funnel.-1", "funnel.+0", "funnel.٠"):
        assert client.get(reverse("reports:dashboard_records"), {"year": "2022", "figure": figure}).status_code == 404


@time_machine.travel(datetime.datetime(2024, 11, 27, 10, tzinfo=datetime.UTC), tick=False)
def test_a_figure_as_excel_holds_every_đề_án_behind_it(
    generated: None, cuc_officer: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    from openpyxl import load_workbook

    def sheet_codes(response: object) -> tuple[str, list[str]]:
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]  # type: ignore[attr-defined]
        return sheet.title, [str(row[0]) for row in sheet.iter_rows(min_row=2, values_only=True)]

    # Given a report figure of more đề án than a page, its codes asked 40 at a time
    monkeypatch.setattr("khuyencong.reports.views.CODES_AT_A_TIME", 40)
    expected = national_report(ReportScope(Geography.RECORDED, (), None), Period.year(2022))["plans"][0]["codes"]
    query = {"kind": "national", "year": "2022", "period": "12", "geography": "recorded", "figure": "plans.0"}
    client = client_for(cuc_officer)

    # When the Cục takes it as Excel from its list's page
    page = client.get(reverse("reports:records"), query).content.decode()
    assert "format=xlsx" in page
    with CaptureQueriesContext(connection) as seen:
        taken = client.get(reverse("reports:records"), {**query, "format": "xlsx"})
        title, codes = sheet_codes(taken)
    # (named for its figure: two figures taken the same minute are two files)
    assert re.search(r'filename="de-an-theo-so-lieu-[a-z0-9-]+-\d{8}-\d{4}\.xlsx"', taken["Content-Disposition"])

    # Then every đề án of the figure is a row, once, in code order, no statement carrying more than 40 codes
    assert codes == sorted(expected)
    assert len(expected) > 50
    assert max(q["sql"].count("'NAT-") for q in seen.captured_queries) == 40
    # (its sheet named for the figure, as the list's heading names it)
    heading = re.search(r"<h1>(.*?): [\d.]+ đề án( và [\d.]+ nhiệm vụ khuyến công khác)?</h1>", page)
    assert heading is not None
    assert title == sheet_title(html.unescape(heading.group(1)))

    # And a dashboard figure, read by its condition, the same
    nation = dashboard_scope([])
    data = dashboard_data(nation, Project.objects.all(), year=2022, as_of=TODAY)
    behind = sorted(figure_projects(nation, Project.objects.all(), data, "funnel.0").values_list("code", flat=True))
    _title, codes = sheet_codes(client.get(reverse("reports:dashboard_records"),
                                           {"year": "2022", "figure": "funnel.0", "format": "xlsx"}))  # fmt: skip
    assert codes == behind
