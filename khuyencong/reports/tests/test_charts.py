"""The report page reads right: it reports on the unit picked, in its era, and heads the result with it; it draws the
report's figures as charts (by content, by status, five years) with a title and a table each; the dashboard's
selector says what its heading says."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import client_for
from khuyencong.accounts.models import User
from khuyencong.geography.models import AdminUnit, Era, Level
from khuyencong.reports.charts import trend_chart
from khuyencong.reports.periods import Period
from khuyencong.reports.scope import resolve_scope
from khuyencong.reports.tests.test_pages import yen_bai_h1
from khuyencong.reports.tests.test_scenarios import provincial

pytestmark = pytest.mark.django_db


def test_a_province_before_the_reform_heads_its_own_report(yen_bai: None, laocai_officer: User) -> None:
    # Given the officer picks "Yên Bái (trước 01/07/2025)" for 2022, the form still on "địa giới hiện nay"
    html = client_for(laocai_officer).get(reverse("reports:page"), yen_bai_h1(geography="current")).content.decode()

    # Then the report is Yên Bái's as recorded, and says so
    assert "Tỉnh Yên Bái · 6 tháng đầu năm 2022" in html
    assert "Tỉnh Lào Cai ·" not in html
    assert re.search(r'<option value="recorded" selected>', html)
    assert "1.700.000.000" in html


def test_the_report_page_draws_its_charts_with_their_tables(yen_bai: None, laocai_officer: User) -> None:
    html = client_for(laocai_officer).get(reverse("reports:page"), yen_bai_h1()).content.decode()

    titles = re.findall(r"<figcaption[^>]*><b>([^<]+)</b>", html)
    assert titles == [
        "Đề án được phê duyệt theo nội dung khuyến công",
        "Đề án đã phê duyệt theo tình hình thực hiện",
        "5 năm kế hoạch gần nhất (2018–2022)",
    ]
    # A chart whose bars are links is a labelled group (an image may not hold links: axe nested-interactive).
    assert len(re.findall(r'<svg class="chart-wide" [^>]*role="group" aria-labelledby="chart-', html)) == 3
    # Drawn again for a phone, labels above the bars and whole (the wide drawing cuts them at 34 characters).
    assert len(re.findall(r'<svg class="chart-narrow" [^>]*role="group" aria-labelledby="chart-', html)) == 3
    narrow = html[html.index('class="chart-narrow"') :]
    assert '<tspan x="0" y="' in narrow[: narrow.index("</svg>")]
    assert html.count("Bảng số liệu của biểu đồ") == 3
    status = html[html.index("Đề án đã phê duyệt theo tình hình thực hiện</caption>") :]
    status = status[: status.index("</table>")]
    # KCĐP: 7 in progress, 1 not started; KCQG: 3 not started (30/06/2022).
    assert re.findall(r"<th scope=\"row\">([^<]+)</th><td class=\"num\">(\d+)</td>", status) == [
        ("Đang thực hiện", "7"),
        ("Chưa triển khai", "4"),
    ]


def test_the_trend_is_five_plan_years_to_the_reports(yen_bai: None) -> None:
    period = Period.year(2022, months=6)

    chart = trend_chart(resolve_scope(provinces=["Yên Bái"], on=period.as_of), period)

    assert [row.label for row in chart.rows] == ["Năm 2018", "Năm 2019", "Năm 2020", "Năm 2021", "Năm 2022"]
    # 2022: 3 KCQG and 8 KCĐP đề án approved by 30/06/2022; earlier years as the report's past-years table says.
    past = {row["year"]: row["projects"] for row in provincial("Yên Bái", period)["past_years"]}
    values = [row.bars[0].value for row in chart.rows]
    assert values == [past.get(year, 0) for year in range(2018, 2022)] + [11]
    widest = values.index(max(values))
    assert chart.rows[widest].bars[0].width == str(Decimal(640 - 230 - 170).quantize(Decimal("0.1")))


def test_the_national_dashboards_selector_says_toàn_quốc(yen_bai: None, cuc_officer: User) -> None:
    html = client_for(cuc_officer).get(reverse("reports:dashboard"), {"year": "2022"}).content.decode()

    assert "Khuyến công năm 2022 · Toàn quốc" in html
    assert '<option value="" selected>Toàn quốc</option>' in html
    # Having picked a province, the nation is still one choice away.
    lao_cai = AdminUnit.objects.get(level=Level.PROVINCE, era=Era.FROM_2025, code="15")
    query = {"year": "2022", "province": str(lao_cai.pk)}
    picked = client_for(cuc_officer).get(reverse("reports:dashboard"), query).content.decode()
    assert "Khuyến công năm 2022 · Tỉnh Lào Cai" in picked
    assert '<option value="">Toàn quốc</option>' in picked
    assert f'<option value="{lao_cai.pk}" selected>Tỉnh Lào Cai</option>' in picked


def test_a_provinces_dashboard_selector_shows_the_province(yen_bai: None, laocai_officer: User) -> None:
    html = client_for(laocai_officer).get(reverse("reports:dashboard"), {"year": "2022"}).content.decode()

    assert "Khuyến công năm 2022 · Tỉnh Lào Cai" in html
    select = html[html.index('name="province"') : html.index("</select>")]
    assert "---------" not in select
    assert re.search(r"<option value=\"\d+\" selected>Tỉnh Lào Cai</option>", select)


def test_a_tall_chart_is_drawn_to_its_height_in_vietnamese() -> None:
    # Given a chart of 30 rows and two series: both its drawings are more than 1,000 units high
    from django.template.loader import render_to_string
    from django.utils import translation

    from khuyencong.reports.charts import _chart

    no_link: str | None = None
    rows = [(f"Nội dung {n}", [Decimal(n), Decimal(n * 1000)], [str(n), f"{n} tr.đ"], no_link) for n in range(1, 31)]
    chart = _chart("content", "Biểu đồ", "", ["Số đề án", "Kinh phí"], rows)
    assert chart.height > 1000
    assert chart.narrow["height"] > 1000
    # When it is drawn on a Vietnamese page, then its coordinates are plain numbers: "1.432" would be 1,432 units
    with translation.override("vi"):
        html = render_to_string("reports/_chart.html", {"chart": chart, "index": 0})
    assert f'viewBox="0 0 360 {chart.narrow["height"]}"' in html
    assert not re.search(r'(?:y|height|viewBox)="[^"]*\d\.\d{3}\b', html)
