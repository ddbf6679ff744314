"""In a real browser: from a number on the dashboard to the đề án behind it, and from a report's figure to its list."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from conftest import _scenario, browser_session, make_user
from khuyencong.accounts.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_dashboard_number_opens_its_đề_án(browser: Browser, live_server: object, reference_data: None) -> None:
    _scenario("yen-bai-2022-h1.json")
    make_user("laocai.sct", "SCT-15", Role.OFFICER)
    page = browser_session(browser, live_server, "laocai.sct")

    page.get_by_role("link", name="Báo cáo", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Khuyến công năm 2022 · Tỉnh Lào Cai")
    contracted = page.get_by_role("row", name="Đã ký hợp đồng").get_by_role("link")
    expect(contracted).to_have_text("7")
    contracted.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Đã ký hợp đồng: 7 đề án")
    expect(page.locator("table.data tbody tr")).to_have_count(7)
    page.get_by_role("link", name="YB-KCDP22-01").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đề án khuyến công địa phương 2022 số 1")


def test_a_province_on_the_map_opens_its_đề_án(browser: Browser, live_server: object, reference_data: None) -> None:
    _scenario("yen-bai-2022-h1.json")
    make_user("laocai.sct", "SCT-15", Role.OFFICER)
    page = browser_session(browser, live_server, "laocai.sct")

    page.get_by_role("link", name="Báo cáo", exact=True).click()
    page.get_by_role("link", name="Bản đồ các tỉnh →").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bản đồ khuyến công năm 2022")
    page.get_by_label("Tô màu theo").select_option("projects")
    page.get_by_label("Tính đến ngày").fill("30/06/2022")
    page.get_by_role("button", name="Xem").click()
    lao_cai = page.locator('a[data-province="15"]')
    expect(lao_cai).to_have_attribute("aria-label", "Tỉnh Lào Cai: 11")
    # Another province is on the map, but opens nothing for a Lào Cai officer.
    expect(page.locator('a[data-province="19"]')).to_have_count(0)
    lao_cai.click()

    expect(page).to_have_url(re.compile(r"/projects/\?province=\d+&year=2022$"))
    expect(page.get_by_role("cell", name="YB-KCDP22-01", exact=True)).to_be_visible()
