"""In a real browser: a commune opens its typical-product round with two judges; the facility enters two products;
each judge scores on their own sheet; the commune recognises the one above 70 points; its certificate downloads and
the public page (no login) lists it — and the pages hold on a 390 px phone."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import Browser, Page, expect

from conftest import browser_session, make_user
from khuyencong.accounts.models import Role
from khuyencong.accounts.services import system_user
from khuyencong.organizations.models import Organization
from khuyencong.products.models import Entry, Product
from khuyencong.products.services import entry_document_add, product_create, product_photo_add
from khuyencong.products.tests.conftest import PDF, PNG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = datetime.datetime(2026, 10, 5, 2, 0, tzinfo=datetime.UTC)


def fits_the_phone(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def score(page: Page, product: str, points: list[str]) -> None:
    for criterion, value in zip(
        ("Đáp ứng thị trường", "Hiệu quả kinh tế", "Giá trị văn hóa", "Các tiêu chí khác"), points, strict=True
    ):
        page.get_by_label(f"{product} — {criterion}", exact=False).fill(value)


def test_a_commune_round_from_registration_to_the_public_list(
    browser: Browser, live_server: object, reference_data: None, make_facility: Any
) -> None:
    with time_machine.travel(DAY, tick=True):
        facility = make_facility("HTX Mây tre đan Bảo Thắng", province="Lào Cai", commune="Bảo Thắng")
        assert facility.current_commune is not None
        Organization.objects.create(
            code="UBND-BT", name="UBND xã Bảo Thắng", kind="commune_committee", territory=facility.current_commune
        )
        make_user("xa.bt", "UBND-BT", Role.OFFICER)
        for username, name in (("gk1", "Nguyễn Văn Giám"), ("gk2", "Trần Thị Khảo")):
            account = make_user(username, "UBND-BT", Role.VIEWER)
            account.first_name = name
            account.save()
        make_user("rep", None, Role.FACILITY_REPRESENTATIVE, facility=facility)
        for code, name in (("SP-1", "Giỏ mây đan"), ("SP-2", "Khay tre")):
            product_create(actor=system_user(), facility=facility, code=code, name=name, group="handicraft")

        # The commune opens its round with two judges
        commune = browser_session(browser, live_server, "xa.bt")
        commune.goto(f"{live_server}/products/rounds/")
        commune.get_by_label("Mã đợt").fill("BC-BT-2026")
        commune.get_by_label("Tên đợt bình chọn").fill("Bình chọn sản phẩm CNNT tiêu biểu xã Bảo Thắng 2026")
        commune.locator("#id_year").fill("2026")
        expect(commune.locator("#id_level").locator("option[value=district]")).to_have_count(0)
        commune.locator("#id_level").select_option("commune")
        # The organiser and the judges are chosen from lists, not typed as codes
        commune.get_by_label("Cơ quan tổ chức").select_option(label="UBND xã Bảo Thắng")
        commune.get_by_label("Giám khảo có tài khoản").select_option(
            label=["Nguyễn Văn Giám (UBND xã Bảo Thắng)", "Trần Thị Khảo (UBND xã Bảo Thắng)"]
        )
        commune.get_by_role("button", name="Mở đợt").click()
        expect(commune.get_by_role("heading", level=1)).to_have_text(
            "Bình chọn sản phẩm CNNT tiêu biểu xã Bảo Thắng 2026"
        )

        # The facility enters its two products
        rep = browser_session(browser, live_server, "rep")
        for typed, name in (("gio may", "Giỏ mây đan"), ("khay tre", "Khay tre")):
            rep.goto(f"{live_server}/products/rounds/BC-BT-2026/")
            rep.get_by_label("Tìm sản phẩm theo tên, mã, cơ sở").fill(typed)
            rep.get_by_role("button", name=name).click()
            expect(rep.get_by_text(f"Đã chọn: {name}")).to_be_visible()
            rep.get_by_label("Ngày đăng ký").fill("05/10/2026")
            rep.get_by_role("button", name="Đăng ký", exact=True).click()
            expect(rep.locator(".messages")).to_contain_text("Đã đăng ký")
        expect(rep.get_by_text("Hồ sơ còn thiếu").first).to_be_visible()
        # Its dossier (documents and photos), completed as the services take it
        for entry in Entry.objects.all():
            for item in ("registration_form", "description"):
                entry_document_add(
                    actor=system_user(),
                    entry=entry,
                    item=item,
                    title=item,
                    upload=SimpleUploadedFile(f"{item}.pdf", PDF),
                )
            for angle in ("front", "side", "detail"):
                product_photo_add(
                    actor=system_user(),
                    product=entry.product,
                    angle=angle,
                    upload=SimpleUploadedFile(f"{angle}.png", PNG),
                )

        # Each judge scores on their own sheet
        for judge, basket, tray in (
            ("gk1", ["35", "32", "8", "7"], ["30", "25", "6", "5"]),
            ("gk2", ["36", "30", "9", "8"], ["28", "27", "7", "6"]),
        ):
            page = browser_session(browser, live_server, judge)
            page.goto(f"{live_server}/products/rounds/BC-BT-2026/sheet/")
            score(page, "Giỏ mây đan", basket)
            score(page, "Khay tre", tray)
            page.get_by_role("button", name="Ghi phiếu chấm").click()
            expect(page.locator(".messages")).to_contain_text("Đã ghi phiếu chấm.")

        # The commune sees the ranking and recognises the one above the threshold
        commune.goto(f"{live_server}/products/rounds/BC-BT-2026/")
        expect(commune.get_by_role("row").filter(has_text="Giỏ mây đan")).to_contain_text("82,5")
        expect(commune.get_by_role("row").filter(has_text="Khay tre")).to_contain_text("Dưới điểm công nhận")
        commune.get_by_label("Công nhận Giỏ mây đan").check()
        commune.get_by_label("Ngày quyết định").fill("05/10/2026")
        commune.get_by_label("Số quyết định").fill("125/QĐ-UBND")
        commune.get_by_role("button", name="Ghi quyết định và cấp giấy chứng nhận").click()
        expect(commune.locator(".messages")).to_contain_text("cấp 1 giấy chứng nhận")
        with commune.expect_download() as download:
            commune.get_by_role("link", name="giấy chứng nhận BC-BT-2026/001").click()
        assert download.value.suggested_filename == "giay-chung-nhan-BC-BT-2026-001.pdf"
        commune.set_viewport_size({"width": 390, "height": 844})
        assert fits_the_phone(commune)

        # The public page, without signing in, lists it until 31/12/2028
        public = browser.new_context(locale="vi-VN").new_page()
        public.goto(f"{live_server}/san-pham-tieu-bieu/")
        row = public.get_by_role("row").filter(has_text="Giỏ mây đan")
        expect(row).to_contain_text("BC-BT-2026/001")
        expect(row).to_contain_text("31/12/2028")
        expect(public.get_by_text("Khay tre")).to_have_count(0)


def test_the_provincial_officer_adds_a_product_choosing_the_facility_without_typing_its_code(
    browser: Browser, live_server: object, reference_data: None, make_facility: Any
) -> None:
    with time_machine.travel(DAY, tick=True):
        facility = make_facility("HTX Mây tre đan Bảo Thắng", province="Lào Cai", commune="Bảo Thắng")
        make_facility(
            "HTX Thành Ngân", province="Bắc Kạn", district="Na Rì", commune="Cường Lợi", on=datetime.date(2018, 6, 30)
        )
        make_user("sct15", "SCT-15", Role.OFFICER)

        page = browser_session(browser, live_server, "sct15")
        page.goto(f"{live_server}/products/")
        search = page.get_by_label("Tìm cơ sở theo tên, mã, mã số thuế, địa danh")
        # A Thái Nguyên facility is not offered to Lào Cai's Sở
        search.fill("thanh ngan")
        expect(page.get_by_text("Không có kết quả.")).to_be_visible()
        # Typed without diacritics, the Lào Cai cooperative is offered; choosing it names it
        search.fill("may tre dan bao thang")
        page.get_by_role("button", name="HTX Mây tre đan Bảo Thắng").click()
        expect(page.get_by_text("Đã chọn: HTX Mây tre đan Bảo Thắng")).to_be_visible()
        page.get_by_label("Mã sản phẩm").fill("SP-LC-1")
        page.get_by_label("Tên sản phẩm").fill("Giỏ mây đan xuất khẩu")
        page.get_by_label("Nhóm sản phẩm").select_option("handicraft")
        page.get_by_role("button", name="Thêm", exact=True).click()
        expect(page.locator(".messages")).to_contain_text("Đã thêm sản phẩm Giỏ mây đan xuất khẩu")
        assert Product.objects.get(code="SP-LC-1").facility == facility
        page.context.close()
