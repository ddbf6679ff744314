"""On a phone (Chromium at 390 × 844): a provincial officer's main pages fit the screen — the page itself never
scrolls sideways, wide tables scroll inside their box — the menu folds behind one button and opens, and axe-core finds
no serious or critical accessibility violation (labels, names, contrast, ARIA)."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import Browser, Page, ViewportSize, expect

from conftest import PASSWORD, _scenario, chose_english, make_user
from khuyencong.accounts.models import Role
from khuyencong.facilities.models import Facility
from khuyencong.geography.models import AdminUnit, Era, Level
from khuyencong.programs.models import Plan
from khuyencong.projects.models import Project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE: ViewportSize = {"width": 390, "height": 844}
# What the page may not do: be wider than the screen (a sideways scroll of the whole page).
PAGE_FITS = "document.documentElement.scrollWidth <= window.innerWidth"
SERIOUS = frozenset({"serious", "critical"})
# How many tables (or their boxes) on the page are wider than the box they scroll in.
SCROLLING_TABLES = "[...document.querySelectorAll('table')].filter(t => t.scrollWidth > t.clientWidth + 1).length"


def sign_in(page: Page, live_server: object) -> None:
    page.goto(f"{live_server}/login/")
    page.get_by_label("Tên đăng nhập").fill("laocai.sct")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


@pytest.fixture
def phone(browser: Browser, live_server: object, reference_data: None) -> Iterator[Page]:
    """Lào Cai's Sở officer, signed in on a phone."""
    make_user("laocai.sct", "SCT-15", Role.OFFICER)
    context = browser.new_context(locale="vi-VN", viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, live_server)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xin chào")
    yield page
    context.close()


def main_pages() -> dict[str, str]:
    facility = Facility.objects.order_by("pk").first()
    project = Project.objects.order_by("pk").first()
    assert facility is not None
    assert project is not None
    yen_bai = AdminUnit.objects.get(name="Yên Bái", era=Era.BEFORE_2025, level=Level.PROVINCE)
    report = {"kind": "provincial", "provinces": yen_bai.pk, "year": 2022, "period": 6, "geography": "recorded"}
    return {
        "trang chủ": reverse("web:home"),
        "cơ sở": reverse("facilities:list"),
        "một cơ sở": reverse("facilities:detail", args=[facility.pk]),
        "đăng ký cơ sở": reverse("facilities:create"),
        "đề án": reverse("projects:list"),
        "một đề án": reverse("projects:detail", args=[project.pk]),
        "lập đề án": reverse("projects:create"),
        "bảng điều khiển": reverse("reports:dashboard") + "?year=2022",
        "báo cáo tỉnh": reverse("reports:page") + "?" + urlencode(report),
        "báo cáo định kỳ": reverse("reporting:calendar") + "?year=2022",
        "kế hoạch": reverse("programs:list"),
        "sản phẩm": reverse("products:list"),
        "trao đổi": reverse("exchange:index"),
        "tài khoản": reverse("accounts:profile"),
        "mã API": reverse("accounts:api_token"),
        "đổi mật khẩu": reverse("accounts:password_change"),
    }


def test_a_provincial_officers_pages_fit_a_phone_and_pass_axe(phone: Page, live_server: object) -> None:
    # given Yên Bái's 2022 records, today Lào Cai's
    _scenario("yen-bai-2022-h1.json")
    axe = Axe()
    scrolled_inside = 0
    too_wide: list[str] = []
    violations: list[str] = []
    for name, url in main_pages().items():
        response = phone.goto(f"{live_server}{url}")
        assert response is not None
        assert response.status == 200, f"{name}: {response.status}"
        if not phone.evaluate(PAGE_FITS):
            width = phone.evaluate("document.documentElement.scrollWidth")
            too_wide.append(f"{name} ({url}): {width} px")
        scrolled_inside += phone.evaluate(SCROLLING_TABLES)
        results = axe.run(phone)
        for violation in results.response["violations"]:
            if violation["impact"] in SERIOUS:
                targets = [node["target"] for node in violation["nodes"][:3]]
                violations.append(f"{name}: {violation['id']} ({violation['impact']}) {targets}")

    assert not too_wide, f"pages wider than the 390 px screen: {too_wide}"
    # the report's tables are wider than the screen: they scrolled inside their box, the page did not
    assert scrolled_inside > 0
    assert not violations, "axe-core: " + "; ".join(violations)


def test_the_menu_folds_behind_a_button_and_opens(phone: Page, live_server: object) -> None:
    menu = phone.get_by_role("navigation", name="Chức năng chính")
    button = phone.get_by_role("button", name="Chức năng")

    # the first screen is the page's, not the menu's
    expect(menu).to_be_hidden()
    expect(button).to_have_attribute("aria-expanded", "false")

    button.click()
    expect(menu).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "true")
    assert phone.evaluate(PAGE_FITS)

    # Escape folds it again and gives the focus back to the button
    phone.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    expect(button).to_be_focused()

    # and a link of the open menu leads to its page
    button.click()
    menu.get_by_role("link", name="Đề án", exact=True).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Đề án khuyến công")


def test_without_javascript_the_menu_simply_stays_open(
    browser: Browser, live_server: object, reference_data: None
) -> None:
    make_user("laocai.sct", "SCT-15", Role.OFFICER)
    context = browser.new_context(locale="vi-VN", viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live_server)

    expect(page.get_by_role("navigation", name="Chức năng chính")).to_be_visible()
    expect(page.get_by_role("button", name="Chức năng")).to_be_hidden()
    assert page.evaluate(PAGE_FITS)
    context.close()


# The texts of a chart's drawing that run past its edge (a label or a figure cut there is the fault looked for).
CHART_TEXT_OUTSIDE = """svg => [...svg.querySelectorAll('text')].filter(text => {
    const box = text.getBBox();
    return box.x < -2 || box.x + box.width > svg.viewBox.baseVal.width + 2;  // a glyph's overhang is not a cut
}).map(text => text.textContent)"""


def test_the_pages_that_ran_off_a_phone_fit_it(phone: Page, live_server: object) -> None:
    # given Yên Bái's 2022 records: a plan with its budget and allocations, the dashboard's charts, a report's charts
    _scenario("yen-bai-2022-h1.json")
    plan = Plan.objects.get(code="KCDP-YB-2022")
    yen_bai = AdminUnit.objects.get(name="Yên Bái", era=Era.BEFORE_2025, level=Level.PROVINCE)
    report = {"kind": "provincial", "provinces": yen_bai.pk, "year": 2022, "period": 6, "geography": "recorded"}

    # the plan's tables (a hidden heading over their void column ran 34 px past the screen) scroll in their box
    phone.goto(f"{live_server}{reverse('programs:detail', args=[plan.pk])}")
    assert phone.evaluate(PAGE_FITS), phone.evaluate("document.documentElement.scrollWidth")

    # the dashboard's chart by content: each label on its own line, whole, its bar and figures below it
    phone.goto(f"{live_server}{reverse('reports:dashboard')}?year=2022")
    assert phone.evaluate(PAGE_FITS)
    label = phone.locator("table.chart").nth(1).locator("th").first
    bar = phone.locator("table.chart").nth(1).locator("td.bar").first
    expect(label).to_have_text("Hỗ trợ ứng dụng máy móc thiết bị tiên tiến")
    assert label.bounding_box()["width"] > 250  # type: ignore[index]
    assert bar.bounding_box()["y"] >= label.bounding_box()["y"] + label.bounding_box()["height"] - 1  # type: ignore[index]

    # the report's charts are drawn for the phone: labels above the bars, nothing cut at the drawing's edge
    phone.goto(f"{live_server}{reverse('reports:page')}?{urlencode(report)}")
    assert phone.evaluate(PAGE_FITS)
    expect(phone.locator("svg.chart-wide").first).to_be_hidden()
    narrow = phone.locator("svg.chart-narrow").first
    expect(narrow).to_be_visible()
    expect(narrow.locator("text").first).to_contain_text("Hỗ trợ ứng dụng máy móc thiết bị tiên tiến")
    assert [chart.evaluate(CHART_TEXT_OUTSIDE) for chart in phone.locator("svg.chart-narrow").all()] == [[], [], []]


def test_on_a_phone_a_report_opens_on_its_result_and_a_wide_table_shows_it_scrolls(
    phone: Page, live_server: object
) -> None:
    # Given Yên Bái's 2022 records and the report form filled for its six-month report, a screen high on a phone
    _scenario("yen-bai-2022-h1.json")
    yen_bai = AdminUnit.objects.get(name="Yên Bái", era=Era.BEFORE_2025, level=Level.PROVINCE)
    report = {"kind": "provincial", "provinces": yen_bai.pk, "year": 2022, "period": 6, "geography": "recorded"}
    phone.goto(f"{live_server}{reverse('reports:page')}?{urlencode(report)}")
    phone.evaluate("window.scrollTo(0, 0)")
    # When the officer asks for it
    phone.get_by_role("button", name="Lập báo cáo").click()
    phone.wait_for_url("**#report-result")
    # Then the page opens on the result, not on the form above it
    result = phone.locator("#report-result")
    expect(result).to_be_in_viewport()
    assert phone.evaluate("window.scrollY") > 0
    # and a table wider than the screen has a shadow at the edge where the rest of it waits
    wide = phone.locator("table.report-table").first
    assert wide.evaluate("t => t.scrollWidth > t.clientWidth")
    assert "radial-gradient" in wide.evaluate("t => getComputedStyle(t).backgroundImage")


def test_a_reports_charts_keep_their_figures_whole_in_english_on_a_wide_screen(
    browser: Browser, live_server: object, reference_data: None
) -> None:
    # "2 billion 150 million VND" is longer than "2 tỷ 150 triệu đồng": the drawing leaves it room
    _scenario("yen-bai-2022-h1.json")
    chose_english(make_user("laocai.sct", "SCT-15", Role.OFFICER))
    yen_bai = AdminUnit.objects.get(name="Yên Bái", era=Era.BEFORE_2025, level=Level.PROVINCE)
    report = {"kind": "provincial", "provinces": yen_bai.pk, "year": 2022, "period": 6, "geography": "recorded"}
    context = browser.new_context(locale="vi-VN", viewport={"width": 1366, "height": 768})
    page = context.new_page()
    sign_in(page, live_server)
    page.goto(f"{live_server}{reverse('reports:page')}?{urlencode(report)}")

    wide = page.locator("svg.chart-wide")
    expect(wide.first).to_be_visible()
    expect(wide.first).to_contain_text("2 billion 150 million VND")
    expect(page.locator("svg.chart-narrow").first).to_be_hidden()
    assert [chart.evaluate(CHART_TEXT_OUTSIDE) for chart in wide.all()] == [[], [], []]
    assert page.evaluate(PAGE_FITS)
    context.close()


def test_on_a_phone_a_lists_filters_fold_behind_a_toggle_that_counts_those_in_use(
    phone: Page, live_server: object
) -> None:
    # given Yên Bái's 2022 records
    _scenario("yen-bai-2022-h1.json")
    # when the officer opens the đề án list on a phone
    phone.goto(f"{live_server}{reverse('projects:list')}")
    toggle = phone.get_by_role("button", name="Điều kiện lọc khác")
    # then the search box, the toggle and the button are the form's first screen, the first đề án just below them
    expect(phone.get_by_label("Mã hoặc tên đề án")).to_be_visible()
    expect(phone.get_by_label("Trạng thái")).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    assert phone.locator("table.data tbody tr").first.bounding_box()["y"] < 844  # type: ignore[index]

    # when the toggle is pressed, every filter shows; a state is chosen and the list filtered
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    phone.get_by_label("Trạng thái").select_option(label="Đã phê duyệt")
    phone.get_by_label("Chỉ đề án quá hạn").check()
    phone.get_by_role("button", name="Lọc", exact=True).click()

    # then the filtered list folds them again, its toggle saying that two are in use
    expect(phone.get_by_role("button", name="Điều kiện lọc khác (2)")).to_have_attribute("aria-expanded", "false")
    assert phone.evaluate(PAGE_FITS)

    # and an error is never folded away
    phone.goto(f"{live_server}{reverse('projects:list')}?as_of=31/02/2022")
    expect(phone.get_by_label("Tính đến ngày (ngày/tháng/năm)")).to_be_visible()
    expect(phone.get_by_role("button", name="Điều kiện lọc khác")).to_have_count(0)


def test_on_a_wide_screen_every_filter_shows(browser: Browser, live_server: object, reference_data: None) -> None:
    make_user("laocai.sct", "SCT-15", Role.OFFICER)
    context = browser.new_context(locale="vi-VN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    sign_in(page, live_server)
    page.goto(f"{live_server}{reverse('projects:list')}")
    expect(page.get_by_label("Trạng thái")).to_be_visible()
    expect(page.get_by_role("button", name="Điều kiện lọc khác")).to_have_count(0)
    context.close()


# The smallest rendered size, in CSS pixels, of a map's province names (the first line of each tile).
SMALLEST_NAME = """() => Math.min(...[...document.querySelectorAll('figure.province-map svg g text:first-of-type')]
    .map(text => text.getBoundingClientRect().height))"""


def test_on_a_phone_the_maps_province_names_stay_readable(phone: Page, live_server: object) -> None:
    # given Yên Bái's 2022 records
    _scenario("yen-bai-2022-h1.json")
    for era in ("2025-07", "2025-pre"):
        # when the officer opens the map of today's 34 provinces, then of the 63 before the reform
        phone.goto(f"{live_server}{reverse('reports:map')}?{urlencode({'era': era, 'year': 2022})}")
        # then no province's name is drawn smaller than about 9 px, and the page does not scroll sideways
        assert phone.evaluate(SMALLEST_NAME) >= 9, era
        assert phone.evaluate(PAGE_FITS), era
    # the 63 provinces' map is wider than the screen: it scrolls inside its box, which the keyboard can reach
    box = phone.locator(".map-box")
    assert box.evaluate("box => box.scrollWidth > box.clientWidth")
    expect(box).to_have_attribute("tabindex", "0")
