"""In a real browser (Debian's Chromium through Playwright): log in, search without diacritics, register a facility,
first with a wrong tax code and then with a right one."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg.errors
import pytest
from playwright.sync_api import Browser, Page, expect

from conftest import PASSWORD, make_user
from khuyencong.accounts.models import Role
from khuyencong.core.tests.test_conflicts import wrapped
from khuyencong.facilities import services as facility_services
from khuyencong.facilities.models import Facility, LegalForm
from khuyencong.facilities.services import FacilityData, facility_create
from khuyencong.geography.resolver import resolve_place

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser: Browser, reference_data: None) -> Iterator[Page]:
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def log_in(page: Page, live_server: object, username: str) -> None:
    page.goto(f"{live_server}/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xin chào")


def test_a_lao_cai_officer_finds_viet_hong_facilities_and_not_thai_nguyen_ones(page: Page, live_server: object) -> None:
    officer = make_user("laocai.officer", "SCT-15", Role.OFFICER)
    system = make_user("system", "CUC-CTDP", Role.OFFICER)
    import datetime

    for name, province, district, commune, day in [
        ("Cơ sở sản xuất gỗ Yên Bái số 1", "Yên Bái", "Trấn Yên", "Việt Hồng", datetime.date(2022, 6, 30)),
        ("HTX Thành Ngân", "Bắc Kạn", "Na Rì", "Cường Lợi", datetime.date(2018, 6, 30)),
    ]:
        place = resolve_place(province=province, district=district, commune=commune, on=day)
        facility_create(actor=system, data=FacilityData(name=name, legal_form=LegalForm.COOPERATIVE, place=place))
    assert officer.organization is not None

    log_in(page, live_server, "laocai.officer")
    page.get_by_role("link", name="Cơ sở CNNT").click()
    page.get_by_label("Tìm theo tên, mã, mã số thuế, địa danh").fill("viet hong")
    page.get_by_role("button", name="Lọc").click()
    expect(page.get_by_role("link", name="Cơ sở sản xuất gỗ Yên Bái số 1")).to_be_visible()
    expect(page.get_by_text("HTX Thành Ngân")).to_have_count(0)

    foreign = Facility.objects.get(name="HTX Thành Ngân")
    response = page.goto(f"{live_server}/facilities/{foreign.pk}/")
    assert response is not None
    assert response.status == 404


def test_registering_a_facility_with_a_wrong_then_a_right_tax_code(page: Page, live_server: object) -> None:
    make_user("laocai.officer", "SCT-15", Role.OFFICER)
    log_in(page, live_server, "laocai.officer")
    page.goto(f"{live_server}/facilities/new/")
    page.get_by_label("Tên cơ sở").fill("HTX Chè Shan Tuyết Bảo Thắng")
    page.get_by_label("Loại hình").select_option("cooperative")
    page.get_by_label("Mã số thuế").fill("0100233489")
    page.get_by_label("Tỉnh, thành phố").fill("lao cai")
    page.get_by_label("Xã, phường, thị trấn").fill("bao thang")
    page.get_by_label("Doanh thu năm (đồng)").fill("1.700.000.000")
    page.get_by_role("button", name="Lưu").click()

    expect(page.get_by_role("alert").first).to_contain_text("Chưa lưu được")
    expect(page.locator("#id_tax_code_error")).to_contain_text("sai chữ số kiểm tra")
    assert not Facility.objects.exists()
    # What was typed is kept, so only the wrong field needs retyping.
    expect(page.get_by_label("Tên cơ sở")).to_have_value("HTX Chè Shan Tuyết Bảo Thắng")

    page.get_by_label("Mã số thuế").fill("0100233488")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("HTX Chè Shan Tuyết Bảo Thắng")
    expect(page.get_by_text("Đã đăng ký cơ sở")).to_be_visible()
    expect(page.get_by_text("1.700.000.000 đồng")).to_be_visible()
    expect(page.get_by_text("Xã Bảo Thắng, Tỉnh Lào Cai").first).to_be_visible()
    assert Facility.objects.get().tax_code == "0100233488"


def test_an_error_summary_link_leads_to_a_picker_s_search_box_with_its_label_in_view(
    page: Page, live_server: object
) -> None:
    # Given an officer who sends the new đề án form empty, on a short screen
    make_user("laocai.officer", "SCT-15", Role.OFFICER)
    page.set_viewport_size({"width": 390, "height": 700})
    log_in(page, live_server, "laocai.officer")
    page.goto(f"{live_server}/projects/new/")
    page.get_by_role("button", name="Lập đề án").click()
    summary = page.get_by_role("alert").first
    expect(summary).to_contain_text("Kế hoạch")

    # When he follows the summary's link to the plan, a picked field (a search box above its list)
    summary.get_by_role("link", name="Kế hoạch").click()

    # Then the search box he can type in has the focus, marked as refused, and the field's label is in view
    expect(page.locator("#id_plan-search")).to_be_focused()
    assert page.locator("#id_plan-search").get_attribute("aria-invalid") == "true"
    label = page.locator("label[for='id_plan']").bounding_box()
    assert label is not None
    assert 0 <= label["y"] < 700


def test_a_form_whose_write_meets_another_goes_back_with_what_was_typed(
    page: Page, live_server: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given an officer registering a facility while another write holds what the registration needs
    make_user("laocai.officer", "SCT-15", Role.OFFICER)
    log_in(page, live_server, "laocai.officer")

    def deadlock(**_kwargs: object) -> None:
        raise wrapped(psycopg.errors.DeadlockDetected("deadlock detected"))

    monkeypatch.setattr(facility_services, "audit_entry_write", deadlock)
    page.goto(f"{live_server}/facilities/new/")
    page.get_by_label("Tên cơ sở").fill("HTX Chè Shan Tuyết Bảo Thắng")
    page.get_by_label("Loại hình").select_option("cooperative")
    page.get_by_label("Tỉnh, thành phố").fill("lao cai")
    page.get_by_label("Xã, phường, thị trấn").fill("bao thang")
    # When it is sent
    page.get_by_role("button", name="Lưu").click()
    # Then the page says nothing was written, and its first button goes back to the form with what was typed
    expect(page.get_by_role("alert")).to_contain_text("không có gì thay đổi")
    assert not Facility.objects.exists()
    page.get_by_role("button", name="Quay lại biểu mẫu").click()
    expect(page.get_by_label("Tên cơ sở")).to_have_value("HTX Chè Shan Tuyết Bảo Thắng")
    # and once the other write is done, the same form is recorded
    monkeypatch.undo()
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("HTX Chè Shan Tuyết Bảo Thắng")
    assert Facility.objects.get().name == "HTX Chè Shan Tuyết Bảo Thắng"
