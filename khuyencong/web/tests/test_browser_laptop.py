"""On a laptop (Chromium at 1366 × 768), in Vietnamese and in English: the header keeps the menu to one or two rows
whatever the body's name beside it, and every dropdown shows its longest choice whole — or, for a legal text longer
than any screen (a trade of Decree 45), takes the whole row of its form."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from conftest import PASSWORD, chose_english, make_user
from khuyencong.accounts.models import Role, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The menu's rows: its links' distinct tops.
MENU_ROWS = (
    "new Set([...document.querySelectorAll('.mainnav a')].map(a => Math.round(a.getBoundingClientRect().top))).size"
)
# The dropdowns whose longest choice is wider than the box shows (less its padding and arrow), unless the dropdown
# already has the whole row of its grid.
CUT_DROPDOWNS = """() => {
  const pen = document.createElement('canvas').getContext('2d');
  return [...document.querySelectorAll('select')].filter(s => s.offsetParent).map(s => {
    const style = getComputedStyle(s);
    pen.font = [style.fontWeight, style.fontSize, style.fontFamily].join(' ');
    const longest = Math.max(...[...s.options].map(o => pen.measureText(o.text).width));
    const arrow = s.multiple ? 16 : 20;
    const room = s.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - arrow;
    const box = getComputedStyle(s.closest('.field') || s.parentElement);
    const wholeRow = box.gridColumnStart === '1' && box.gridColumnEnd === '-1';
    return longest > room && !wholeRow ? `${s.name}: ${Math.round(longest)} px in ${Math.round(room)} px` : null;
  }).filter(Boolean);
}"""


def signed_in(browser: Browser, live_server: object, user: User) -> Iterator[Page]:
    context = browser.new_context(locale="vi-VN", viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server}/login/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("button.primary[type=submit]").click()
    expect(page.locator("h1")).to_be_visible()
    yield page
    context.close()


PAGES = [
    ("reports:page", "?kind=regional&year=2022&period=6&geography=recorded"),
    ("reports:map", ""),
    ("reporting:compilation", ""),
    ("programs:list", ""),
    ("projects:list", ""),
    ("facilities:list", ""),
    ("organizations:list", ""),
    ("products:list", ""),
]


@pytest.mark.parametrize("english", [False, True], ids=["vi", "en"])
def test_a_cuc_officers_header_and_dropdowns_fit_a_laptop(
    browser: Browser, live_server: object, reference_data: None, english: bool
) -> None:
    # Given an officer of the Cục, who sees every menu item and the 34 provinces in every dropdown
    officer = make_user("cuc.laptop", "CUC-CTDP", Role.OFFICER, Role.APPRAISER, Role.APPROVER, Role.ADMINISTRATOR)
    if english:
        chose_english(officer)
    for page in signed_in(browser, live_server, officer):
        rows: dict[str, int] = {}
        cut: dict[str, list[str]] = {}
        for name, query in PAGES:
            # When they open each page with a form of choices
            response = page.goto(f"{live_server}{reverse(name)}{query}")
            assert response is not None
            assert response.status == 200, name
            rows[name] = page.evaluate(MENU_ROWS)
            if found := page.evaluate(CUT_DROPDOWNS):
                cut[name] = found
        # Then the menu has at most two rows and no dropdown cuts its choices
        assert max(rows.values()) <= 2, rows
        assert not cut, cut


@pytest.mark.parametrize("english", [False, True], ids=["vi", "en"])
def test_a_regional_centres_long_name_leaves_the_menu_on_its_own_row(
    browser: Browser, live_server: object, reference_data: None, english: bool
) -> None:
    # Given an officer of "Trung tâm Khuyến công và Tư vấn phát triển công nghiệp I", named in the header
    officer = make_user("ttkc1.laptop", "TTKC1", Role.OFFICER)
    if english:
        chose_english(officer)
    for page in signed_in(browser, live_server, officer):
        page.goto(f"{live_server}{reverse('web:home')}")
        who = page.locator(".topbar .who").bounding_box()
        menu = page.locator(".topbar .mainnav").bounding_box()
        assert who is not None
        assert menu is not None
        # Then the name is on the first row, the whole menu below it, in one row
        expect(page.locator(".topbar .who")).to_contain_text("Trung tâm Khuyến công và Tư vấn phát triển công nghiệp I")
        assert menu["y"] >= who["y"] + who["height"] - 1
        assert page.evaluate(MENU_ROWS) == 1
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
