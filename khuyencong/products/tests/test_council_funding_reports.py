"""The council of a round (name, position, role), the đề án that funds it (content, territory, its beneficiaries the
entrants) and the holders' yearly reports on the product's page (dated, audited, corrected by voiding)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from conftest import client_for, make_user
from khuyencong.accounts.models import Role
from khuyencong.audit.models import AuditEntry
from khuyencong.organizations.models import Organization
from khuyencong.products.models import CouncilMember, HolderReport
from khuyencong.products.rules import council_size_ok
from khuyencong.products.selectors import funded_beneficiaries
from khuyencong.products.services import (
    council_member_add,
    council_member_void,
    holder_report_record,
    holder_report_void,
    round_fund,
)
from khuyencong.products.tests.conftest import NOW
from khuyencong.products.tests.test_exchange import funding_project
from khuyencong.projects.models import ProjectContent

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def codes(error: ValidationError) -> list[str]:
    return [e.code or "" for items in error.error_dict.values() for e in items]


class TestCouncil:
    def test_the_sizes_of_tt_26_2014(self) -> None:
        assert council_size_ok("provincial", 7)
        assert council_size_ok("provincial", 9)
        assert not council_size_ok("provincial", 8)
        assert council_size_ok("national", 13)

    def test_the_organiser_names_the_council_with_one_chair(self, world: dict[str, Any]) -> None:
        commune = world["people"]["commune"]
        chair = council_member_add(actor=commune, selection=world["round"], name="Lê Văn Chủ",
                                   position="Chủ tịch UBND xã", role="chair")  # fmt: skip
        with pytest.raises(ValidationError) as second:
            council_member_add(actor=commune, selection=world["round"], name="Ai Khác", position="Phó", role="chair")
        assert codes(second.value) == ["chair_exists"]
        # a chair named by mistake is voided, with the reason kept, and another named
        council_member_void(actor=commune, member=chair, reason="Nhầm người")
        council_member_add(actor=commune, selection=world["round"], name="Đúng Người", position="Chủ tịch",
                           role="chair")  # fmt: skip
        assert CouncilMember.objects.standing().get(role="chair").name == "Đúng Người"
        assert CouncilMember.objects.get(name="Lê Văn Chủ").voided_reason == "Nhầm người"
        assert AuditEntry.objects.filter(object_id=str(chair.pk), object_repr__startswith="Lê Văn Chủ").count() == 2

    def test_others_may_not_and_bad_input_is_named(self, world: dict[str, Any]) -> None:
        for person in ("rep", "judge1", "other"):
            with pytest.raises(PermissionDenied):
                council_member_add(actor=world["people"][person], selection=world["round"], name="X", position="Y",
                                   role="member")  # fmt: skip
        with pytest.raises(ValidationError) as bad:
            council_member_add(actor=world["people"]["commune"], selection=world["round"], name=" ", position="Y",
                               role="boss")  # fmt: skip
        assert codes(bad.value) == ["invalid"]
        assert not CouncilMember.objects.exists()

    def test_the_round_page_shows_the_council_and_warns_of_its_size(self, world: dict[str, Any]) -> None:
        commune = client_for(world["people"]["commune"])
        response = commune.post(reverse("products:council_add", args=["BC-XA-2026"]),
                                {"name": "Lê Văn Chủ", "position": "Chủ tịch UBND xã", "role": "chair"})  # fmt: skip
        assert response.status_code == 302
        page = commune.get(reverse("products:round", args=["BC-XA-2026"])).content.decode()
        assert "Lê Văn Chủ, Chủ tịch UBND xã — Chủ tịch Hội đồng" in page
        assert "có 5 hoặc 7 thành viên" in page
        assert (
            client_for(world["people"]["rep"])
            .post(
                reverse("products:council_add", args=["BC-XA-2026"]), {"name": "X", "position": "Y", "role": "member"}
            )
            .status_code
            == 403
        )


class TestFunding:
    def test_a_selection_đề_án_of_the_province_funds_the_round_and_its_beneficiaries_are_the_entrants(
        self, decided: dict[str, Any]
    ) -> None:
        project = funding_project()
        round_fund(actor=decided["people"]["commune"], selection=decided["round"], project=project)

        assert list(funded_beneficiaries(project.pk, decided["people"]["sct"])) == [decided["facility"]]
        assert AuditEntry.objects.filter(object_id=str(decided["round"].pk), action="update").exists()

    def test_another_content_another_province_or_a_named_outsider_is_refused(
        self, world: dict[str, Any], make_facility: Any
    ) -> None:
        commune = world["people"]["commune"]
        project = funding_project()
        project.content = ProjectContent.objects.get(code="machinery_application")
        project.save(update_fields=["content"])
        with pytest.raises(ValidationError) as content:
            round_fund(actor=commune, selection=world["round"], project=project)
        assert codes(content.value) == ["content_mismatch"]

        committee = make_user("ubnd19", "UBND-19", Role.APPROVER, Role.OFFICER)
        from khuyencong.programs.services import plan_create
        from khuyencong.projects.services import project_create

        plan = plan_create(actor=committee, code="KCDP-19", year=2026, funding_source="provincial",
                           owner=Organization.objects.get(code="UBND-19"))  # fmt: skip
        foreign = project_create(
            actor=committee, code="BC-TN", title="Bình chọn Thái Nguyên", plan=plan,
            content=ProjectContent.objects.get(code="typical_product_selection"), kind="general",
            implementer=Organization.objects.get(code="TTKC-19"),
        )  # fmt: skip
        with pytest.raises(ValidationError) as territory:
            round_fund(actor=commune, selection=world["round"], project=foreign)
        assert codes(territory.value) == ["territory_mismatch"]

        with pytest.raises(PermissionDenied):
            round_fund(actor=world["people"]["rep"], selection=world["round"], project=foreign)
        world["round"].refresh_from_db()
        assert world["round"].project is None


class TestHolderReports:
    def test_the_holder_reports_yearly_and_corrects_by_voiding(self, decided: dict[str, Any]) -> None:
        rep, certificate = decided["people"]["rep"], decided["certificate"]
        report = holder_report_record(actor=rep, certificate=certificate, year=2026, reported_on=D(2026, 11, 20),
                                      support_received=Decimal(150_000_000), results="Xuất khẩu")  # fmt: skip
        with pytest.raises(ValidationError) as twice:
            holder_report_record(actor=rep, certificate=certificate, year=2026, reported_on=D(2026, 11, 21),
                                 support_received=Decimal(0), results="Khác")  # fmt: skip
        assert codes(twice.value) == ["duplicate_report"]

        holder_report_void(actor=rep, report=report, reason="Sai số tiền")
        holder_report_record(actor=rep, certificate=certificate, year=2026, reported_on=D(2026, 11, 21),
                             support_received=Decimal(120_000_000), results="Xuất khẩu lô đầu tiên")  # fmt: skip

        assert HolderReport.objects.standing().get().support_received == 120_000_000
        assert HolderReport.objects.voided().get().voided_reason == "Sai số tiền"

    def test_a_year_the_certificate_was_not_held_a_future_day_or_an_outsider_is_refused(
        self, decided: dict[str, Any]
    ) -> None:
        rep, certificate = decided["people"]["rep"], decided["certificate"]  # issued 05/10/2026, to 31/12/2028
        for year, day, code in ((2025, D(2026, 1, 5), "year_not_held"), (2026, D(2026, 12, 5), "future_date"),
                                (2027, D(2026, 11, 1), "date_order")):  # fmt: skip
            with pytest.raises(ValidationError) as refused:
                holder_report_record(actor=rep, certificate=certificate, year=year, reported_on=day,
                                     support_received=Decimal(0), results="x")  # fmt: skip
            assert codes(refused.value) == [code]
        with pytest.raises(PermissionDenied):
            holder_report_record(actor=decided["people"]["other"], certificate=certificate, year=2026,
                                 reported_on=D(2026, 11, 1), support_received=Decimal(0), results="x")  # fmt: skip
        assert not HolderReport.objects.exists()

    def test_the_product_page_shows_the_reports_and_takes_one(self, decided: dict[str, Any]) -> None:
        rep = client_for(decided["people"]["rep"])
        response = rep.post(
            reverse("products:holder_report_add", args=["SP-1"]),
            {"certificate": decided["certificate"].code, "year": "2026", "reported_on": "20/11/2026",
             "support_received": "1.500.000.000", "results": "Doanh thu tăng"},
        )  # fmt: skip
        assert response.status_code == 302, response.content.decode()[-3000:]
        page = rep.get(reverse("products:detail", args=["SP-1"])).content.decode()
        assert "1.500.000.000" in page
        assert "Doanh thu tăng" in page
        bad = rep.post(
            reverse("products:holder_report_add", args=["SP-1"]),
            {"certificate": "NOPE", "year": "2026", "reported_on": "20/11/2026", "support_received": "-5",
             "results": ""},
        )  # fmt: skip
        assert bad.status_code == 400
        assert HolderReport.objects.count() == 1
