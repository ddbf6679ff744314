"""In a real browser: Lào Cai's Sở writes its six-month report and sends it; the Cục returns it with a comment; the
Sở reads why in its notifications, corrects and sends again; the Cục accepts; the year's overview then counts the
round and lists Thái Nguyên as late, and the duty's matrix shows Lào Cai on time and Thái Nguyên late — and the pages
hold on a 390 px phone (the matrix scrolls inside its box, not the page)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from playwright.sync_api import Browser, Page, expect

from conftest import browser_session, make_user
from khuyencong.accounts.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# 09:00 in Hà Nội on 15/07/2026, five days before the six-month report is due (20/07).
SENT_DAY = datetime.datetime(2026, 7, 15, 2, 0, tzinfo=datetime.UTC)
AFTER_DUE = datetime.datetime(2026, 7, 21, 2, 0, tzinfo=datetime.UTC)
COMMENT = "Bổ sung kiến nghị về kinh phí khuyến công địa phương."


def fits_the_phone(page: Page) -> bool:
    """Nothing wider than the window: the page does not scroll sideways."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def matrix_cell(page: Page, body: str, column: str) -> str:
    """The text of the matrix cell of `body` in the column whose heading says `column` (the period, e.g. "6 tháng đầu
    năm 2026"), and whether it is marked late."""
    return str(
        page.evaluate(
            """([body, column]) => {
                const table = document.querySelector("table.matrix");
                const heading = th => [...th.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent.trim())
                    .join(" ");
                const index = [...table.tHead.rows[0].cells].findIndex(th => heading(th).startsWith(column));
                const row = [...table.tBodies[0].rows].find(tr => tr.cells[0].textContent.trim() === body);
                const cell = row.cells[index];
                return (cell.classList.contains("late") ? "late: " : "") + cell.textContent.trim();
            }""",
            [body, column],
        )
    )


def test_a_six_month_report_sent_returned_corrected_and_accepted(
    browser: Browser, live_server: object, reference_data: None
) -> None:
    make_user("laocai.sct", "SCT-15", Role.OFFICER)
    make_user("cuc.officer", "CUC-CTDP", Role.OFFICER, Role.APPROVER)
    # The live server runs in this process, so the travelled clock is its clock too.
    with time_machine.travel(SENT_DAY, tick=True) as traveller:
        # The Sở goes from its home page to its calendar and opens the six-month report
        sct = browser_session(browser, live_server, "laocai.sct")
        expect(sct.get_by_role("heading", name="Báo cáo định kỳ của đơn vị")).to_be_visible()
        sct.get_by_role("link", name="Lịch báo cáo định kỳ của đơn vị").click()
        expect(sct.get_by_role("heading", level=1)).to_have_text("Báo cáo định kỳ năm 2026")
        own = sct.get_by_role("table", name="Báo cáo của đơn vị")
        half_year = own.get_by_role("row").filter(has_text="6 tháng đầu năm 2026")
        expect(half_year).to_contain_text("20/07/2026")
        half_year.get_by_role("button", name="Lập báo cáo").click()
        expect(sct.get_by_role("heading", level=1)).to_contain_text("6 tháng đầu năm 2026")
        expect(sct.get_by_text("Đang soạn", exact=True)).to_be_visible()

        # It writes its sections and who signs, saves, and sends
        sct.get_by_label("Số, ký hiệu").fill("125/BC-SCT")
        sct.get_by_label("Người ký", exact=True).fill("Lê Thị Mai")
        sct.get_by_label("Chức vụ người ký").fill("Phó Giám đốc")
        sct.get_by_label("Kết quả nổi bật").fill("Ký hợp đồng 7/8 đề án khuyến công địa phương.")
        sct.get_by_label("Tồn tại, hạn chế và nguyên nhân").fill("Thẩm định đề án còn kéo dài.")
        sct.get_by_label("Giải pháp").fill("Bám sát các cơ sở thụ hưởng.")
        sct.get_by_label("Kế hoạch kỳ tới").fill("Nghiệm thu các đề án trong quý III.")
        sct.get_by_role("button", name="Lưu", exact=True).click()
        expect(sct.locator(".messages")).to_contain_text("Đã lưu nội dung báo cáo.")
        sct.set_viewport_size({"width": 390, "height": 844})
        assert fits_the_phone(sct)
        sct.set_viewport_size({"width": 1280, "height": 900})
        sct.get_by_role("button", name="Gửi báo cáo").click()
        expect(sct.locator(".messages")).to_contain_text("Đã gửi báo cáo.")
        expect(sct.get_by_text("Đã gửi", exact=True)).to_be_visible()
        expect(sct.get_by_role("button", name="Gửi báo cáo")).to_have_count(0)

        # The Cục is told, opens the report from its notifications and returns it with a comment
        cuc = browser_session(browser, live_server, "cuc.officer")
        expect(cuc.get_by_label("1 thông báo chưa đọc")).to_be_visible()
        cuc.get_by_role("link", name="Thông báo").click()
        cuc.get_by_role("link", name="Sở Công Thương tỉnh Lào Cai đã gửi").click()
        expect(cuc.get_by_role("heading", level=1)).to_contain_text("6 tháng đầu năm 2026")
        cuc.get_by_label("Ý kiến (bắt buộc khi trả lại)").fill(COMMENT)
        cuc.get_by_role("button", name="Trả lại").click()
        expect(cuc.locator(".messages")).to_contain_text("Đã trả lại báo cáo.")

        # The Sở sees the notification and the comment, corrects and sends again
        sct.goto(f"{live_server}/")
        expect(sct.get_by_label("1 thông báo chưa đọc")).to_be_visible()
        sct.get_by_role("link", name="Thông báo").click()
        note = sct.get_by_role("link", name="đã bị trả lại")
        expect(note).to_contain_text(COMMENT)
        note.click()
        expect(sct.get_by_role("status")).to_contain_text("Báo cáo bị trả lại ngày 15/07/2026")
        expect(sct.get_by_role("status")).to_contain_text(COMMENT)
        sct.get_by_label("Kiến nghị, đề xuất").fill("Đề nghị UBND tỉnh bổ sung kinh phí khuyến công địa phương.")
        sct.get_by_role("button", name="Lưu", exact=True).click()
        expect(sct.locator(".messages")).to_contain_text("Đã lưu nội dung báo cáo.")
        sct.get_by_role("button", name="Gửi báo cáo").click()
        expect(sct.locator(".messages")).to_contain_text("Đã gửi báo cáo.")

        # The Cục takes it in
        cuc.reload()
        cuc.get_by_role("button", name="Tiếp nhận").click()
        expect(cuc.locator(".messages")).to_contain_text("Đã tiếp nhận báo cáo.")
        expect(cuc.get_by_text("Đã tiếp nhận", exact=True)).to_be_visible()
        history = cuc.locator("ol.history")
        expect(history).to_contain_text(COMMENT)
        expect(history.locator("li")).to_have_count(7)

        # After the due date, the Cục's overview counts the six-month round: Lào Cai's taken in, the others late
        traveller.move_to(AFTER_DUE)
        cuc.get_by_role("link", name="Báo cáo định kỳ", exact=True).click()
        expect(cuc.get_by_role("heading", name="Tình hình gửi báo cáo")).to_contain_text("báo cáo quá hạn")
        rounds = cuc.get_by_role("table", name="Theo kỳ báo cáo")
        half_year = rounds.get_by_role("row").filter(has_text="6 tháng đầu năm 2026").filter(has_text="Sở Công Thương")
        expect(half_year.locator("td[data-label='Đã tiếp nhận']")).to_have_text("1")
        expect(half_year.locator("td[data-label='Quá hạn']")).not_to_have_text("0")
        # and lists Thái Nguyên's Sở among the bodies to chase, with the report it owes (the first twenty bodies in
        # view, the others one click further)
        late = cuc.locator("table.late-bodies tbody tr")
        thai_nguyen = late.filter(has_text="Sở Công Thương tỉnh Thái Nguyên")
        expect(thai_nguyen).to_contain_text("6 tháng đầu năm 2026")
        expect(late.filter(has_text="Sở Công Thương tỉnh Lào Cai")).not_to_contain_text("6 tháng đầu năm 2026")
        assert cuc.locator("table.late-bodies").first.locator("tbody tr").count() == 20
        # The report's name opens its matrix: Lào Cai on time and Thái Nguyên late
        half_year.get_by_role("link", name="Báo cáo 6 tháng tình hình thực hiện khuyến công").click()
        expect(cuc.get_by_role("heading", name="Tình hình gửi báo cáo")).to_contain_text("Báo cáo 6 tháng")
        assert matrix_cell(cuc, "Sở Công Thương tỉnh Lào Cai", "6 tháng đầu năm 2026") == "Đã tiếp nhận"
        assert matrix_cell(cuc, "Sở Công Thương tỉnh Thái Nguyên", "6 tháng đầu năm 2026") == (
            "late: Chưa lập — quá hạn"
        )

        # On a phone the overview holds, and a duty of four quarters scrolls inside its box, the page itself not
        cuc.set_viewport_size({"width": 390, "height": 844})
        assert fits_the_phone(cuc)
        cuc.goto(f"{live_server}/reporting/?year=2026")
        assert fits_the_phone(cuc)
        cuc.get_by_label("Báo cáo", exact=True).select_option("sct_quarterly")
        cuc.get_by_role("button", name="Xem").click()
        expect(cuc.get_by_role("heading", name="Tình hình gửi báo cáo")).to_contain_text("Báo cáo quý")
        assert fits_the_phone(cuc)
        assert cuc.locator("table.matrix").evaluate(
            "t => [t, t.parentElement].some(box => box.scrollWidth > box.clientWidth)"
        )
        # and the bodies' names stay in view while it does
        cuc.locator("table.matrix").evaluate("t => { t.scrollLeft = 2000; t.parentElement.scrollLeft = 2000; }")
        left = cuc.get_by_role("rowheader", name="Sở Công Thương tỉnh Lào Cai").evaluate(
            "th => th.getBoundingClientRect().left"
        )
        assert 0 <= left < 40
        # but wrapped to a third of the screen, not a long name across the periods it should let through
        width = cuc.get_by_role("rowheader", name="Sở Công Thương tỉnh Lào Cai").evaluate(
            "th => th.getBoundingClientRect().width"
        )
        assert width <= 390 / 3 + 20
        for path in ("/", "/reporting/compile/", "/reporting/notifications/"):
            cuc.goto(f"{live_server}{path}")
            assert fits_the_phone(cuc), path
        sct.set_viewport_size({"width": 390, "height": 844})
        for path in ("/", "/reporting/"):
            sct.goto(f"{live_server}{path}")
            assert fits_the_phone(sct), path
