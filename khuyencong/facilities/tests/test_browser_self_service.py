"""In a real browser: a facility's representative proposes a new phone for its facility; the Sở Công Thương officer
applies it from the facility's page; the page shows the new phone and its history names the proposal. At 390 px the
proposal form holds on the phone."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from playwright.sync_api import Browser, expect

from conftest import browser_session, make_user
from khuyencong.accounts.models import Role
from khuyencong.facilities.models import ChangeProposal, ProposalState

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = datetime.datetime(2026, 11, 27, 2, 0, tzinfo=datetime.UTC)


def test_the_representative_proposes_a_phone_and_the_sở_applies_it(
    browser: Browser, live_server: object, reference_data: None, make_facility: Any
) -> None:
    with time_machine.travel(DAY, tick=True):
        facility = make_facility("Cơ sở sản xuất gỗ Việt Hồng", province="Lào Cai", commune="Bảo Thắng")
        make_user("coso.vh", None, Role.FACILITY_REPRESENTATIVE, facility=facility)
        make_user("sct.laocai", "SCT-15", Role.OFFICER)

        # The representative finds its proposal form on its facility's page, and no edit button
        rep = browser_session(browser, live_server, "coso.vh")
        rep.goto(f"{live_server}/facilities/{facility.pk}/")
        expect(rep.get_by_role("link", name="Sửa thông tin")).to_have_count(0)
        rep.get_by_role("link", name="Đề nghị thay đổi thông tin").click()
        # The form's page must have loaded before its width is read: mid-navigation there is no document yet
        expect(rep.get_by_role("heading", level=1)).to_contain_text("Đề nghị thay đổi thông tin:")
        rep.wait_for_load_state()
        rep.set_viewport_size({"width": 390, "height": 844})
        assert rep.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        rep.set_viewport_size({"width": 1366, "height": 900})
        rep.get_by_label("Điện thoại").fill("0216 3852 123")
        rep.get_by_label("Lý do đề nghị thay đổi").fill("Cơ sở đổi số điện thoại bàn từ tháng 11/2026.")
        rep.get_by_role("button", name="Gửi đề nghị").click()
        expect(rep.locator(".messages")).to_contain_text("Đã gửi đề nghị thay đổi số")
        proposal = ChangeProposal.objects.get()
        section = rep.locator("#de-nghi")
        expect(section).to_contain_text(f"Đề nghị số {proposal.pk}")
        expect(section).to_contain_text("Chờ xem xét")
        expect(section.get_by_role("button")).to_have_count(0)

        # The Sở's officer applies it from the facility's page
        officer = browser_session(browser, live_server, "sct.laocai")
        officer.goto(f"{live_server}/facilities/{facility.pk}/")
        officer.get_by_role("button", name=f"Cập nhật theo đề nghị số {proposal.pk}").click()
        expect(officer.locator(".messages")).to_contain_text(
            f"Đã cập nhật thông tin cơ sở theo đề nghị số {proposal.pk}"
        )
        expect(officer.locator("dl.facts").last).to_contain_text("0216 3852 123")
        history = officer.locator("ul.history").last
        expect(history).to_contain_text(f"Theo đề nghị thay đổi số {proposal.pk} của coso.vh")
        expect(history).to_contain_text("0216 3852 123")

        # The representative sees the outcome
        rep.reload()
        expect(rep.locator("#de-nghi")).to_contain_text("Đã cập nhật")
        expect(rep.locator("dl.facts").last).to_contain_text("0216 3852 123")
        proposal.refresh_from_db()
        assert proposal.state == ProposalState.APPLIED
