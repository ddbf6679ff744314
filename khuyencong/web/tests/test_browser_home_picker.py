"""In a real browser (Debian's Chromium through Playwright), issue 15: the Sở's officer finds on the home page the
đề án waiting for its appraisal and opens it; the centre's officer starts a đề án from a facility's page and adds a
second beneficiary with the picker, typing without diacritics, without ever typing a code — and cannot find a Thái
Nguyên facility."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import Browser, expect

from conftest import browser_session, make_user
from khuyencong.accounts.models import Role, User
from khuyencong.accounts.services import user_language_set
from khuyencong.facilities.models import Facility, LegalForm
from khuyencong.facilities.services import FacilityData, facility_create
from khuyencong.geography.resolver import resolve_place
from khuyencong.organizations.models import Organization
from khuyencong.programs.services import plan_create
from khuyencong.projects.models import Project, ProjectContent
from khuyencong.projects.services import project_create, project_submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def facility(actor: User, name: str, province: str, commune: str, on: datetime.date) -> Facility:
    place = resolve_place(province=province, commune=commune, on=on)
    return facility_create(actor=actor, data=FacilityData(name=name, legal_form=LegalForm.COOPERATIVE, place=place))


def test_the_sở_opens_from_its_home_page_the_đề_án_waiting_for_its_appraisal(
    browser: Browser, live_server: object, reference_data: None
) -> None:
    # Given a đề án the Lào Cai centre sent for appraisal on 01/02/2026
    centre = make_user("ttkc15", "TTKC-15", Role.OFFICER)
    make_user("sct15", "SCT-15", Role.OFFICER, Role.APPRAISER)
    committee = make_user("ubnd15", "UBND-15", Role.APPROVER)
    plan = plan_create(actor=committee, code="KCDP-15-2026", year=2026, funding_source="provincial",
                       owner=Organization.objects.get(code="UBND-15"))  # fmt: skip
    root = make_user("root", "CUC-CTDP", Role.OFFICER)
    tea = facility(root, "HTX Chè Bảo Thắng", "Lào Cai", "Bảo Thắng", datetime.date(2026, 1, 1))
    project = project_create(actor=centre, code="KCDP-15-2026-001", title="Máy sấy chè Bảo Thắng", plan=plan,
                             content=ProjectContent.objects.get(code="machinery_application"), kind="facility",
                             implementer=Organization.objects.get(code="TTKC-15"), beneficiaries=[tea])  # fmt: skip
    project_submit(project=project, actor=centre, on=datetime.date(2026, 2, 1))

    # When the Sở's officer signs in
    page = browser_session(browser, live_server, "sct15")
    # Then the home page shows the đề án waiting for its appraisal, since 01/02/2026, due by 31/12/2026
    inbox = page.locator("section.inbox")
    expect(inbox.get_by_role("heading", name="Chờ thẩm định (1)")).to_be_visible()
    row = inbox.get_by_role("row", name="Máy sấy chè Bảo Thắng")
    expect(row).to_contain_text("01/02/2026")
    expect(row).to_contain_text("31/12/2026")
    # And one click opens it, with the appraisal among the steps it may take
    row.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Máy sấy chè Bảo Thắng")
    expect(page.locator("#id_event-action")).to_contain_text("Thẩm định đạt")
    page.context.close()


def test_the_centre_starts_a_đề_án_from_a_facility_and_picks_a_second_one_without_typing_a_code(
    browser: Browser, live_server: object, reference_data: None
) -> None:
    make_user("ttkc15", "TTKC-15", Role.OFFICER)
    committee = make_user("ubnd15", "UBND-15", Role.APPROVER)
    plan_create(actor=committee, code="KCDP-15-2026", year=2026, funding_source="provincial",
                owner=Organization.objects.get(code="UBND-15"))  # fmt: skip
    root = make_user("root", "CUC-CTDP", Role.OFFICER)
    wood = facility(root, "Cơ sở sản xuất gỗ Yên Bái số 1", "Yên Bái", "Việt Hồng", datetime.date(2022, 6, 30))
    tea = facility(root, "HTX Chè Bảo Thắng", "Lào Cai", "Bảo Thắng", datetime.date(2026, 1, 1))
    foreign = facility(root, "HTX Thành Ngân", "Bắc Kạn", "Cường Lợi", datetime.date(2018, 6, 30))

    page = browser_session(browser, live_server, "ttkc15")
    # Given the facility's page, when the officer chooses "Lập đề án cho cơ sở này"
    page.goto(f"{live_server}/facilities/{wood.pk}/")
    page.get_by_role("link", name="Lập đề án cho cơ sở này").click()
    # Then the form names it as beneficiary
    codes = page.get_by_label("Cơ sở thụ hưởng (mã)")
    expect(codes).to_have_value(wood.code)
    # When they search for a Thái Nguyên facility, without diacritics, nothing is found
    search = page.get_by_label("Tìm cơ sở theo tên, mã, mã số thuế, địa danh")
    search.fill("thanh ngan")
    expect(page.get_by_text("Không có cơ sở nào khớp.")).to_be_visible()
    # And when they type "che bao thang", the tea cooperative is offered; choosing it adds its code after a ";"
    search.fill("che bao thang")
    page.get_by_role("button", name="HTX Chè Bảo Thắng").click()
    expect(codes).to_have_value(f"{wood.code}; {tea.code}")
    # The implementer is found by typing part of its name without diacritics
    page.get_by_label("Tìm trong danh sách (gõ không dấu cũng được)").nth(1).fill("trung tam khuyen cong")
    implementer = page.get_by_label("Đơn vị thực hiện")
    expect(implementer.locator("option:not([hidden])").filter(has_text="Trung tâm")).not_to_have_count(0)
    implementer.select_option(label=str(Organization.objects.get(code="TTKC-15")))
    page.get_by_label("Tên đề án").fill("Liên kết gỗ và chè")
    page.locator("#id_plan").select_option(index=1)
    page.get_by_label("Nội dung").select_option(label=ProjectContent.objects.get(code="machinery_application").name)
    page.get_by_label("Loại đề án").select_option("group")
    page.get_by_role("button", name="Lập đề án").click()
    expect(page.locator(".messages")).to_contain_text("Đã lập đề án")
    project = Project.objects.get(title="Liên kết gỗ và chè")
    assert set(project.beneficiaries.all()) == {wood, tea}
    assert foreign not in project.beneficiaries.all()
    page.context.close()


def test_an_english_reader_is_answered_by_the_picker_in_english(
    browser: Browser, live_server: object, reference_data: None
) -> None:
    # Given a centre officer who reads the pages in English
    officer = make_user("ttkc15en", "TTKC-15", Role.OFFICER)
    root = make_user("root", "CUC-CTDP", Role.OFFICER)
    facility(root, "HTX Chè Bảo Thắng", "Lào Cai", "Bảo Thắng", datetime.date(2026, 1, 1))
    page = browser_session(browser, live_server, "ttkc15en")
    user_language_set(actor=officer, language="en")
    page.goto(f"{live_server}/projects/new/")
    # When they search for a facility that is not theirs, and then for one that is
    search = page.get_by_label("Search facilities by name, code, tax code or place")
    search.fill("thanh ngan")
    # Then the picker says so in English, and offers the match in English words
    expect(page.get_by_text("No facility matches.")).to_be_visible()
    search.fill("che bao thang")
    expect(page.get_by_text("Facilities found: 1; choose to add.")).to_be_visible()
    page.get_by_role("button", name="HTX Chè Bảo Thắng").click()
    expect(page.get_by_text("Added ")).to_be_visible()
    page.context.close()
