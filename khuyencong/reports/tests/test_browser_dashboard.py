"""In a real browser: from a number on the dashboard to the đề án behind it, and from a report's figure to its list."""

from __future__ import annotations

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

    expect(page.get_by_role("heading", level=1)).to_have_text("7 đề án")
    expect(page.locator("table.data tbody tr")).to_have_count(7)
    page.get_by_role("link", name="YB-KCDP22-01").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đề án khuyến công địa phương 2022 số 1")
