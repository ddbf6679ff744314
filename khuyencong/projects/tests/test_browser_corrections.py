"""In a real browser: the Sở records the UBND tỉnh's approval of a local đề án on its behalf (with the decision's
number), and the centre voids a voucher it entered twice — struck out on the page, with the reason."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import Browser, expect

from conftest import browser_session, make_user
from khuyencong.accounts.models import Role
from khuyencong.organizations.models import Organization
from khuyencong.programs.services import plan_budget_decide, plan_create
from khuyencong.projects.models import Payment, Project, ProjectContent
from khuyencong.projects.services import payment_record, project_create, project_record_event

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_sở_records_the_ubnd_approval_and_the_centre_voids_a_voucher(
    browser: Browser, live_server: object, reference_data: None
) -> None:
    centre_user = make_user("ttkc15", "TTKC-15", Role.OFFICER)
    department_user = make_user("sct15", "SCT-15", Role.APPRAISER, Role.OFFICER)
    committee = make_user("ubnd15", "UBND-15", Role.APPROVER)
    plan = plan_create(actor=committee, code="KCDP-15-2026", year=2026, funding_source="provincial",
                       owner=Organization.objects.get(code="UBND-15"))  # fmt: skip
    plan_budget_decide(plan=plan, actor=committee, on=datetime.date(2026, 1, 15), kind="original",
                       amount=Decimal(2_000_000_000))  # fmt: skip
    project = project_create(
        actor=centre_user, code="DA-LC-TT", title="Tập huấn marketing cho cơ sở", plan=plan,
        content=ProjectContent.objects.get(code="information"), kind="general",
        implementer=Organization.objects.get(code="TTKC-15"), support_requested=Decimal(50_000_000),
    )  # fmt: skip
    project_record_event(project=project, actor=centre_user, action="submitted_for_appraisal",
                         on=datetime.date(2026, 2, 1))  # fmt: skip
    project_record_event(project=project, actor=department_user, action="appraisal_passed",
                         on=datetime.date(2026, 2, 10), amount=Decimal(50_000_000))  # fmt: skip
    url = f"{live_server}/projects/{project.pk}/"

    # The Sở records the UBND's decision: without its number it is refused, with it it is recorded in the UBND's name
    department = browser_session(browser, live_server, "sct15")
    department.goto(url)
    department.locator("#id_event-action").select_option("approved")
    department.locator("#id_event-on").fill("01/03/2026")
    department.locator("#id_event-amount").fill("50.000.000")
    department.get_by_role("button", name="Ghi", exact=True).click()
    expect(department.locator("main")).to_contain_text("số, ký hiệu quyết định")
    department.locator("#id_event-document").fill("123/QĐ-UBND")
    department.get_by_role("button", name="Ghi", exact=True).click()
    expect(department.locator(".messages")).to_contain_text("Đã ghi")
    expect(department.locator(".history")).to_contain_text("Ủy ban nhân dân tỉnh Lào Cai")

    project_record_event(project=project, actor=department_user, action="assigned", on=datetime.date(2026, 3, 5))
    project_record_event(project=project, actor=centre_user, action="contract_signed", on=datetime.date(2026, 3, 20),
                         amount=Decimal(50_000_000))  # fmt: skip
    # Within the first advance of 70% of the contract (Circular 36/2013 Art. 13), both vouchers together
    payment_record(project=project, actor=centre_user, on=datetime.date(2026, 3, 25), kind="advance",
                   amount=Decimal(20_000_000))  # fmt: skip
    payment_record(project=project, actor=centre_user, on=datetime.date(2026, 3, 25), kind="advance",
                   amount=Decimal(15_000_000))  # fmt: skip

    # The centre voids the second voucher, entered by mistake, giving the reason
    centre = browser_session(browser, live_server, "ttkc15")
    centre.goto(url)
    row = centre.locator("table.data tbody tr").nth(1)
    row.locator("summary").click()
    row.locator("textarea[name=reason]").fill("Chứng từ ghi trùng")
    row.get_by_role("button", name="Huỷ bỏ").click()
    expect(centre.locator(".messages")).to_contain_text("Đã huỷ bỏ chứng từ")
    expect(centre.locator("tr.voided")).to_contain_text("Chứng từ ghi trùng")
    expect(centre.locator("tr.voided del").first).to_be_visible()
    assert Payment.objects.voided().count() == 1
    assert Project.objects.get().events.get(action="approved").organization.code == "UBND-15"
