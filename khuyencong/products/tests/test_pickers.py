"""Issue 15: on the products pages nobody types a code — the facility of a new product, a round's organiser, its
judges, the product an entry registers and the đề án that pays are chosen with pickers that ignore diacritics and
offer only what the user may choose; what is posted by hand outside that is refused in Vietnamese (never a 500), and
the service refuses it too. The levels offered are those in force in the round's year."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from rest_framework.test import APIClient

from conftest import client_for, make_user
from khuyencong.accounts.models import Role, User
from khuyencong.geography.models import AdminUnit
from khuyencong.organizations.models import Organization
from khuyencong.products import choices
from khuyencong.products.models import Product, SelectionRound
from khuyencong.products.rules import RoundLevel, levels_in_force_in
from khuyencong.products.services import product_create, round_create
from khuyencong.products.tests.conftest import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def pick(user: User, kind: str, q: str) -> list[str]:
    response = client_for(user).get(reverse(f"products:pick_{kind}"), {"q": q})
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return [row["code"] for row in response.json()["results"]]


def page(user: User, name: str, *args: str) -> str:
    response = client_for(user).get(reverse(name, args=args))
    assert response.status_code == 200
    return response.content.decode()


class TestThePagesOfferPickersNotCodes:
    def test_the_product_form_picks_the_facility(self, world: dict[str, Any]) -> None:
        # When the Sở's officer opens the products page
        html = page(world["people"]["sct"], "products:list")
        # Then the facility is chosen with the search picker, and no box asks for its code
        assert 'data-picker="one"' in html
        assert reverse("products:pick_facilities") in html
        assert "web/picker.js" in html
        assert "Mã cơ sở" not in html

    def test_the_representative_finds_its_own_facility_chosen(self, world: dict[str, Any]) -> None:
        html = page(world["people"]["rep"], "products:list")
        assert f'value="{world["facility"].code}"' in html
        assert f'data-picker-chosen="{world["facility"].name} ({world["facility"].code})"' in html

    def test_from_a_facility_s_page_the_officer_finds_it_chosen_and_another_s_is_not(
        self, world: dict[str, Any], thai_nguyen_facility: Any
    ) -> None:
        sct = client_for(world["people"]["sct"])
        html = sct.get(reverse("products:list"), {"facility": world["facility"].code}).content.decode()
        assert f'data-picker-chosen="{world["facility"].name} ({world["facility"].code})"' in html
        html = sct.get(reverse("products:list"), {"facility": thai_nguyen_facility.code}).content.decode()
        assert "data-picker-chosen" not in html
        assert thai_nguyen_facility.name not in html

    def test_the_round_form_lists_the_organisers_and_judges_and_asks_no_code(self, world: dict[str, Any]) -> None:
        html = page(world["people"]["sct"], "products:rounds")
        assert reverse("products:pick_organizers") in html
        assert reverse("products:pick_judges") in html
        assert "Mã cơ quan tổ chức" not in html
        assert "mã; họ tên; tên đăng nhập" not in html
        # The Sở opens rounds for itself or for its UBND tỉnh, not for Thái Nguyên's
        assert "Sở Công Thương tỉnh Lào Cai" in html
        assert "Thái Nguyên" not in html

    def test_the_round_page_picks_the_product_and_the_funding_đề_án(self, world: dict[str, Any]) -> None:
        html = page(world["people"]["commune"], "products:round", "BC-XA-2026")
        assert reverse("products:pick_products") in html
        assert '<select name="project"' in html
        assert "Mã sản phẩm" not in html
        assert "Mã đề án" not in html
        # A commune round is the lowest level: no certificate of a level below is asked
        assert "Giấy chứng nhận cấp dưới" not in html


class TestThePickersOfferOnlyWhatTheUserMayChoose:
    def test_the_facility_picker_stays_in_the_province_and_the_service_refuses_another(
        self, world: dict[str, Any], thai_nguyen_facility: Any
    ) -> None:
        people = world["people"]
        # The Lào Cai Sở finds the Lào Cai cooperative without diacritics, never Thái Nguyên's, even by its code
        assert pick(people["sct"], "facilities", "may tre dan") == [world["facility"].code]
        assert pick(people["sct"], "facilities", thai_nguyen_facility.code) == []
        # Thái Nguyên's Sở finds its own, not Lào Cai's
        assert pick(people["other"], "facilities", "bao thang") == []
        assert pick(people["other"], "facilities", "thanh ngan") == [thai_nguyen_facility.code]
        # The representative is offered its facility only
        assert pick(people["rep"], "facilities", "") == [world["facility"].code]
        # When Thái Nguyên's Sở posts the Lào Cai facility by hand, the form says no in Vietnamese, nothing is written
        response = client_for(people["other"]).post(
            reverse("products:list"),
            {"facility": world["facility"].code, "code": "SP-X", "name": "X", "group": "other"},
        )
        assert response.status_code == 400
        assert "Không có cơ sở này trong phạm vi của bạn." in response.content.decode()
        assert not Product.objects.filter(code="SP-X").exists()
        # And the service refuses it too
        with pytest.raises(PermissionDenied):
            product_create(actor=people["other"], facility=world["facility"], code="SP-X", name="X", group="other")

    def test_who_may_not_add_products_may_not_search_for_facilities(self, world: dict[str, Any]) -> None:
        response = client_for(world["people"]["judge1"]).get(reverse("products:pick_facilities"), {"q": "may"})
        assert response.status_code == 403
        assert response.json() == {"code": "out_of_scope", "message": "Bạn không có quyền dùng ô chọn này."}

    def test_the_organiser_picker_offers_the_province_s_bodies_and_the_service_refuses_another(
        self, world: dict[str, Any]
    ) -> None:
        sct = world["people"]["sct"]
        assert set(pick(sct, "organizers", "")) == {"SCT-15", "UBND-15"}
        assert pick(sct, "organizers", "uy ban") == ["UBND-15"]
        assert pick(sct, "organizers", "SCT-19") == []
        foreign = Organization.objects.get(code="SCT-19")
        response = client_for(sct).post(
            reverse("products:rounds"),
            {"code": "BC-X", "name": "X", "level": "provincial", "year": "2026", "organizer": foreign.pk},
        )
        assert response.status_code == 400
        assert "Bạn không mở được đợt bình chọn cho cơ quan này." in response.content.decode()
        with pytest.raises(PermissionDenied):
            round_create(actor=sct, code="BC-X", name="X", level="provincial", year=2026, organizer=foreign)
        assert not SelectionRound.objects.filter(code="BC-X").exists()

    def test_the_judge_picker_finds_accounts_of_the_territory_by_name_without_diacritics(
        self, world: dict[str, Any]
    ) -> None:
        sct = world["people"]["sct"]
        giam = make_user("giam.lc", "TTKC-15", Role.VIEWER)
        giam.first_name, giam.last_name = "Giám", "Nguyễn Văn"
        giam.save()
        make_user("giam.tn", "TTKC-19", Role.VIEWER)
        assert pick(sct, "judges", "nguyen van giam") == ["giam.lc"]
        assert "giam.tn" not in pick(sct, "judges", "giam")
        # Accounts of no body are not offered: such a judge is named by name
        assert "gk1" not in pick(sct, "judges", "gk1")
        # Nor an account of the territory granted no role yet, nor a facility's representative (its facility may
        # compete), even one registered by a body of the territory
        make_user("giam.norole", "TTKC-15")
        make_user("giam.rep", "SCT-15", Role.FACILITY_REPRESENTATIVE)
        make_user("giam.both", "SCT-15", Role.OFFICER, Role.FACILITY_REPRESENTATIVE)
        assert pick(sct, "judges", "giam") == ["giam.lc"]
        # A facility's representative opens no round and may not search the accounts
        assert client_for(world["people"]["rep"]).get(reverse("products:pick_judges")).status_code == 403
        # Posting another province's account by hand is refused in Vietnamese
        foreign = User.objects.get(username="giam.tn")
        response = client_for(sct).post(
            reverse("products:rounds"),
            {"code": "BC-J", "name": "J", "level": "provincial", "year": "2026",
             "organizer": Organization.objects.get(code="SCT-15").pk, "judge_accounts": [foreign.pk]},
        )  # fmt: skip
        assert response.status_code == 400
        assert "Không có tài khoản này trong phạm vi của bạn." in response.content.decode()

    def test_the_product_picker_offers_the_products_the_user_sees(self, world: dict[str, Any]) -> None:
        assert pick(world["people"]["rep"], "products", "gio may") == ["SP-1"]
        assert set(pick(world["people"]["commune"], "products", "")) == {"SP-1", "SP-2"}
        assert pick(world["people"]["other"], "products", "gio may") == []


class TestOnlyThoseWhoKeepFacilitiesAddProducts:
    def test_the_ubnd_which_approves_but_keeps_no_records_is_offered_no_product_form(
        self, world: dict[str, Any]
    ) -> None:
        # Given the province's People's Committee, an approver that changes no facility
        committee = make_user("ubnd.approver", "UBND-15", Role.APPROVER)

        # Then the products page offers it no form, and the form's facility picker refuses it
        assert reverse("products:pick_facilities") not in page(committee, "products:list")
        response = client_for(committee).get(reverse("products:pick_facilities"), {"q": "go"})
        assert response.status_code == 403
        assert response.json()["code"] == "out_of_scope"
        # while the Sở's officer is offered both
        assert reverse("products:pick_facilities") in page(world["people"]["sct"], "products:list")


class TestLevelsByDate:
    def test_the_levels_in_force_follow_the_year(self) -> None:
        assert RoundLevel.DISTRICT in levels_in_force_in(2024)
        assert RoundLevel.COMMUNE not in levels_in_force_in(2024)
        # 2025 has both: districts until 30/06, communes from 01/07
        assert {RoundLevel.DISTRICT, RoundLevel.COMMUNE} <= set(levels_in_force_in(2025))
        assert RoundLevel.DISTRICT not in levels_in_force_in(2026)
        assert [value for value, _ in choices.level_choices(2026)] == ["commune", "provincial", "regional", "national"]

    def test_the_round_form_of_2026_offers_no_district_level_and_refuses_one_posted(
        self, world: dict[str, Any]
    ) -> None:
        html = page(world["people"]["sct"], "products:rounds")
        assert 'value="district"' not in html
        assert 'value="commune"' in html
        response = client_for(world["people"]["sct"]).post(
            reverse("products:rounds"),
            {"code": "BC-H", "name": "H", "level": "district", "year": "2026",
             "organizer": Organization.objects.get(code="SCT-15").pk},
        )  # fmt: skip
        assert response.status_code == 400
        assert "Năm 2026 không có cấp bình chọn này." in response.content.decode()

    def test_the_api_refuses_a_district_round_after_the_reform_with_its_code(self, world: dict[str, Any]) -> None:
        district = AdminUnit.objects.filter(era="2025-pre", level=2).order_by("code").first()
        office = Organization.objects.create(
            code="PKT-H", name="Phòng Kinh tế huyện", kind="district_office", territory=district
        )
        client = APIClient()
        client.force_authenticate(User.objects.create_superuser(username="root", password=None, email=""))
        body = {"code": "BC-H-API", "name": "H", "level": "district", "year": 2026, "organizer": office.code}
        response = client.post("/api/v1/selection-rounds/", body, format="json")
        assert response.status_code == 400
        assert response.json()["codes"]["level"] == ["level_not_in_force"]
        assert "cấp huyện đến 30/06/2025" in response.json()["level"][0]
        # An old district round is still recorded, and its page shows its level
        body |= {"code": "BC-H-2024", "year": 2024}
        assert client.post("/api/v1/selection-rounds/", body, format="json").status_code == 201
        root = User.objects.get(username="root")
        assert "Cấp huyện" in page(root, "products:round", "BC-H-2024")


class TestBadInput:
    def test_unknown_choices_are_refused_in_vietnamese_not_with_a_500(self, world: dict[str, Any]) -> None:
        sct = client_for(world["people"]["sct"])
        for organizer in ("999999", "abc", ""):
            response = sct.post(
                reverse("products:rounds"),
                {"code": "BC-B", "name": "B", "level": "provincial", "year": "2026", "organizer": organizer,
                 "judge_accounts": ["x"]},
            )  # fmt: skip
            assert response.status_code == 400
            html = response.content.decode()
            assert "Bạn không mở được đợt bình chọn cho cơ quan này." in html or "Xin chọn cơ quan tổ chức." in html
        response = sct.post(reverse("products:list"), {"facility": "KHONG-CO", "code": "SP-B", "name": "B",
                                                       "group": "other"})  # fmt: skip
        assert response.status_code == 400
        assert "Không có cơ sở này trong phạm vi của bạn." in response.content.decode()
        response = sct.post(reverse("products:entry_add", args=["BC-XA-2026"]),
                            {"product": "KHONG-CO", "registered_on": "01/09/2026"})  # fmt: skip
        assert response.status_code == 400
        assert "Không có sản phẩm này trong phạm vi của bạn." in response.content.decode()
        commune = client_for(world["people"]["commune"])
        for project in ("999999", "abc"):
            response = commune.post(reverse("products:fund", args=["BC-XA-2026"]), {"project": project})
            assert response.status_code == 400
            assert "Không có đề án này trong phạm vi của bạn." in response.content.decode()
        too_long = client_for(world["people"]["sct"]).get(reverse("products:pick_facilities"), {"q": "x" * 101})
        assert too_long.status_code == 400
        assert too_long.json()["code"] == "query_too_long"
