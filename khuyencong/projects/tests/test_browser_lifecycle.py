"""In a real browser: a local đề án entered by the provincial centre, appraised by the Sở, approved by the UBND tỉnh,
assigned, contracted, advanced, reported, accepted, paid and settled — each step by the person whose job it is."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import Browser, FilePayload, Page, expect

from conftest import browser_session, make_user
from khuyencong.accounts.models import Role
from khuyencong.facilities.models import LegalForm
from khuyencong.facilities.services import FacilityData, facility_create
from khuyencong.geography.resolver import resolve_place
from khuyencong.organizations.models import Organization
from khuyencong.programs.services import plan_budget_decide, plan_create
from khuyencong.projects.models import Project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def act(page: Page, action: str, on: str, *, amount: str = "", percent: str = "") -> None:
    page.locator("#id_event-action").select_option(action)
    page.locator("#id_event-on").fill(on)
    # A step's amount and percent boxes show only where the step states one (web/app.js eventFields)
    for box, value in (("#id_event-amount", amount), ("#id_event-percent", percent)):
        if value:
            page.locator(box).fill(value)
    page.get_by_role("button", name="Ghi", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Đã ghi")


def pay(page: Page, kind: str, on: str, amount: str) -> None:
    page.locator("#id_payment-kind").select_option(kind)
    page.locator("#id_payment-on").fill(on)
    page.locator("#id_payment-amount").fill(amount)
    page.get_by_role("button", name="Ghi chứng từ", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Đã ghi chứng từ")


def test_one_đề_án_from_submission_to_settlement(browser: Browser, live_server: object, reference_data: None) -> None:
    make_user("ttkc15", "TTKC-15", Role.OFFICER)
    make_user("sct15", "SCT-15", Role.APPRAISER, Role.OFFICER)
    committee = make_user("ubnd15", "UBND-15", Role.APPROVER)
    plan = plan_create(
        actor=committee,
        code="KCDP-15-2026",
        year=2026,
        funding_source="provincial",
        owner=Organization.objects.get(code="UBND-15"),
    )
    plan_budget_decide(
        plan=plan, actor=committee, on=datetime.date(2026, 1, 15), kind="original", amount=Decimal(2_000_000_000)
    )
    place = resolve_place(province="Lào Cai", commune="Bảo Thắng", on=datetime.date(2026, 1, 1))
    facility = facility_create(
        actor=make_user("root", "CUC-CTDP", Role.OFFICER),
        data=FacilityData(name="HTX Chè Bảo Thắng", legal_form=LegalForm.COOPERATIVE, place=place),
    )

    centre = browser_session(browser, live_server, "ttkc15")
    centre.goto(f"{live_server}/projects/new/")
    centre.get_by_label("Tên đề án").fill("Hỗ trợ máy sấy chè cho HTX Chè Bảo Thắng")
    centre.get_by_label("Kế hoạch").select_option(str(plan.pk))
    centre.get_by_label("Nội dung").select_option(label="Hỗ trợ ứng dụng máy móc thiết bị tiên tiến")
    centre.get_by_label("Loại đề án").select_option("facility")
    centre.get_by_label("Đơn vị thực hiện").select_option(label="Trung tâm Khuyến công tỉnh Lào Cai")
    centre.get_by_label("Cơ sở thụ hưởng (mã)").fill(facility.code)
    centre.get_by_label("Tổng kinh phí (đồng)").fill("600.000.000")
    centre.get_by_label("Kinh phí khuyến công đề nghị (đồng)").fill("300.000.000")
    centre.get_by_role("button", name="Lập đề án").click()
    expect(centre.get_by_role("heading", level=1)).to_have_text("Hỗ trợ máy sấy chè cho HTX Chè Bảo Thắng")
    url = centre.url
    act(centre, "submitted_for_appraisal", "01/02/2026", amount="300.000.000")

    department = browser_session(browser, live_server, "sct15")
    department.goto(f"{live_server}/projects/queue/")
    department.get_by_role("link", name="Hỗ trợ máy sấy chè", exact=False).click()
    act(department, "appraisal_passed", "10/02/2026", amount="300.000.000")

    approver = browser_session(browser, live_server, "ubnd15")
    approver.goto(url)
    # The committee may approve, but not appraise.
    options = approver.locator("#id_event-action option").all_inner_texts()
    assert "Phê duyệt" in options
    assert "Thẩm định đạt" not in options
    act(approver, "approved", "01/03/2026", amount="300.000.000")

    department.goto(url)
    act(department, "assigned", "05/03/2026")
    centre.goto(url)
    act(centre, "contract_signed", "20/03/2026", amount="300.000.000")
    # The first advance of a machinery đề án waits for the invoices and more than 70% of the investment (Circular
    # 36/2013 Art. 13): the centre attaches them and reports the progress, then is advanced.
    centre.locator("#id_document-kind").select_option("investment")
    centre.locator("#id_document-title").fill("Hoá đơn mua máy sấy")
    # The file box speaks the page's language, not the browser's ("Choose File"), and names the file chosen
    picker = centre.locator(".file-picker").filter(has=centre.locator("#id_document-upload"))
    expect(picker).to_have_text("Chọn tệp Chưa chọn tệp nào", use_inner_text=True)
    centre.locator("#id_document-upload").set_input_files(
        files=FilePayload(name="hoa-don.pdf", mimeType="application/pdf",
                          buffer=b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    )  # fmt: skip
    expect(picker.locator(".file-name")).to_have_text("hoa-don.pdf")
    centre.get_by_role("button", name="Đính kèm").click()
    expect(centre.locator(".messages")).to_contain_text("Đã đính kèm")
    # the boxes follow the step: a progress report asks for its percent, marked as needed, and for no amount
    centre.locator("#id_event-action").select_option("progress")
    expect(centre.get_by_label("Khối lượng hoàn thành (%) *")).to_be_visible()
    expect(centre.locator("#id_event-amount")).to_be_hidden()
    centre.locator("#id_event-action").select_option("accepted")
    expect(centre.get_by_label("Giá trị nghiệm thu (đồng)")).to_be_visible()
    expect(centre.locator("#id_event-percent")).to_be_hidden()
    # a step refused (dated before the contract) comes back with its reason, at the page's own address: reloading
    # it opens the page, it does not send the step again
    centre.locator("#id_event-action").select_option("progress")
    centre.locator("#id_event-on").fill("20/02/2026")
    centre.locator("#id_event-percent").fill("10")
    centre.get_by_role("button", name="Ghi", exact=True).click()
    refusal = "Ngày 20/02/2026 trước bước liền trước (20/03/2026)."
    expect(centre.locator(".field-error", has_text=refusal)).to_be_visible()
    assert centre.url.split("#")[0] == url.split("#")[0]
    centre.reload()
    expect(centre.locator(".error-box")).to_have_count(0)
    act(centre, "progress", "20/05/2026", percent="75")
    pay(centre, "advance", "25/05/2026", "100.000.000")
    act(centre, "accepted", "01/09/2026")
    pay(centre, "payment", "10/09/2026", "200.000.000")
    act(centre, "settled", "01/10/2026", amount="300.000.000")

    expect(centre.locator(".lead")).to_contain_text("Đã quyết toán")
    expect(centre.get_by_text("300.000.000").first).to_be_visible()
    project = Project.objects.get()
    assert project.state == "settled"
    assert project.events.count() == 8
    assert {e.organization.code for e in project.events.all()} == {"TTKC-15", "SCT-15", "UBND-15"}
