"""The products API (issue 12): the same scoping and services as the pages — the organiser manages its round, each
judge sees and scores only their round, a facility sees its own entries, the level above sees the levels below in its
territory — and bad input answered with its code, never a 500."""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_script_prefix
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from conftest import make_user
from khuyencong.accounts.models import Role, User
from khuyencong.products.models import Certificate, Product, Score, SelectionRound
from khuyencong.products.services import entry_register, product_create, round_fund
from khuyencong.products.tests.conftest import NOW, D, complete_dossier, score_all
from khuyencong.products.tests.test_exchange import funding_project

pytestmark = pytest.mark.django_db


def api_for(user: User) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture(autouse=True)
def clock() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


class TestProducts:
    def test_the_facility_lists_and_creates_its_products(self, world: dict[str, Any]) -> None:
        client = api_for(world["people"]["rep"])
        assert [p["code"] for p in client.get("/api/v1/products/").json()["results"]] == ["SP-1", "SP-2"]
        assert client.get("/api/v1/products/", {"q": "gio may"}).json()["results"][0]["code"] == "SP-1"

        created = client.post(
            "/api/v1/products/",
            {"code": "SP-3", "facility": world["facility"].code, "name": "Đèn mây", "group": "handicraft"},
            format="json",
        )

        assert created.status_code == 201, created.json()
        assert Product.objects.get(code="SP-3").name == "Đèn mây"

    def test_another_province_does_not_see_or_write_them(self, world: dict[str, Any]) -> None:
        client = api_for(world["people"]["other"])
        assert client.get("/api/v1/products/").json()["results"] == []
        assert client.get("/api/v1/products/SP-1/").status_code == 404
        assert client.patch("/api/v1/products/SP-1/", {"name": "X"}, format="json").status_code == 404
        refused = client.post(
            "/api/v1/products/",
            {"code": "SP-9", "facility": world["facility"].code, "name": "X", "group": "handicraft"},
            format="json",
        )
        assert refused.status_code == 400
        assert not Product.objects.filter(code="SP-9").exists()

    def test_a_code_no_address_could_name_is_refused_with_its_code(self, world: dict[str, Any]) -> None:
        # given the facility's representative, sending a product code with a "/" (stored once, it broke every page
        # listing the product: its address could not be made)
        client = api_for(world["people"]["rep"])
        refused = client.post(
            "/api/v1/products/",
            {"code": "COSO/1", "facility": world["facility"].code, "name": "Đèn mây", "group": "handicraft"},
            format="json",
        )
        # then it is refused on its field, with its machine code, and nothing is written
        assert refused.status_code == 400
        assert refused.json()["codes"]["code"] == ["invalid_code"]
        assert not Product.objects.filter(code="COSO/1").exists()
        # and a code that is a fixed word of the products' addresses (/products/rounds/ lists the rounds) likewise
        for word in ("rounds", "certificates"):
            taken = client.post(
                "/api/v1/products/",
                {"code": word, "facility": world["facility"].code, "name": "Đèn mây", "group": "handicraft"},
                format="json",
            )
            if word == "rounds":
                assert taken.status_code == 400
                assert taken.json()["codes"]["code"] == ["reserved_code"]
                assert "trùng một từ cố định trong địa chỉ trang" in taken.json()["code"][0]
            else:  # /products/certificates/ is still the product's own page
                assert taken.status_code == 201
        assert not Product.objects.filter(code="rounds").exists()
        # and the site served under a prefix (behind a proxy) still creates a product whose code is no fixed word
        with override_script_prefix("/khuyencong/"):
            assert (
                client.post(
                    "/api/v1/products/",
                    {"code": "SP-PREFIX", "facility": world["facility"].code, "name": "Đèn", "group": "handicraft"},
                    format="json",
                ).status_code
                == 201
            )
        # and a round's code likewise, through the page
        from django.urls import reverse

        from conftest import client_for

        page = client_for(world["people"]["sct"]).post(
            reverse("products:rounds"),
            {"code": "WEB/R1", "name": "Bình chọn", "year": "2026", "level": "provincial",
             "organizer": str(world["people"]["sct"].organization_id)},
        )  # fmt: skip
        assert page.status_code == 400
        assert "chỉ được gồm chữ không dấu" in page.content.decode()
        assert not SelectionRound.objects.filter(code="WEB/R1").exists()
        # and a judge's account key beyond 64 bits is no account, not a server error
        huge = client_for(world["people"]["sct"]).post(
            reverse("products:rounds"),
            {"code": "WEB-R2", "name": "Bình chọn", "year": "2026", "level": "provincial",
             "organizer": str(world["people"]["sct"].organization_id), "judge_accounts": "9" * 20},
        )  # fmt: skip
        assert huge.status_code == 400
        assert not SelectionRound.objects.filter(code="WEB-R2").exists()

    def test_a_correction_is_audited_and_a_bad_group_is_named(self, world: dict[str, Any]) -> None:
        client = api_for(world["people"]["sct"])
        assert client.patch("/api/v1/products/SP-2/", {"name": "Khay tre ép"}, format="json").status_code == 200
        assert Product.objects.get(code="SP-2").name == "Khay tre ép"
        bad = client.patch("/api/v1/products/SP-2/", {"group": "toys"}, format="json")
        assert bad.status_code == 400
        assert "group" in bad.json()


class TestRounds:
    def test_the_organiser_opens_a_round_and_another_body_may_not(self, world: dict[str, Any]) -> None:
        judges = [{"code": "G1", "name": "Giám khảo", "username": "gk.lc"}]
        body = {"code": "BC-T-API", "name": "Bình chọn cấp tỉnh", "level": "provincial", "year": 2026,
                "organizer": "SCT-15", "judges": judges}  # fmt: skip
        judge = make_user("gk.lc", "TTKC-15", Role.VIEWER)
        refused = api_for(world["people"]["other"]).post("/api/v1/selection-rounds/", body, format="json")
        assert refused.status_code == 403
        assert refused.json()["code"] == "out_of_scope"

        created = api_for(world["people"]["sct"]).post("/api/v1/selection-rounds/", body, format="json")

        assert created.status_code == 201, created.json()
        assert [c["max"] for c in created.json()["criteria"]] == ["40.00", "40.00", "10.00", "10.00"]
        assert SelectionRound.objects.get(code="BC-T-API").judges.get().user == judge

    def test_a_judge_account_outside_the_territory_is_answered_as_missing(self, world: dict[str, Any]) -> None:
        make_user("gk.tn", "TTKC-19", Role.VIEWER)
        body = {"code": "BC-T-API", "name": "X", "level": "provincial", "year": 2026, "organizer": "SCT-15"}
        client = api_for(world["people"]["sct"])
        replies = [
            client.post("/api/v1/selection-rounds/", body | {"judges": [{"code": "G1", "name": "G", "username": who}]},
                        format="json")
            for who in ("gk.tn", "khong.co")
        ]  # fmt: skip
        assert [r.status_code for r in replies] == [400, 400]
        assert replies[0].json()["judges"] == ["Không có tài khoản «gk.tn»."]
        assert replies[1].json()["judges"] == ["Không có tài khoản «khong.co»."]
        assert not SelectionRound.objects.filter(code="BC-T-API").exists()

    def test_a_judge_code_that_cannot_name_a_scoring_sheet_or_comes_twice_is_refused(
        self, world: dict[str, Any]
    ) -> None:
        # given judges' codes Excel refuses as a sheet's name (each judge's sheet of the scoring workbook bears his
        # code: «GK/1» made the workbook fail for the whole round), the guide sheet's name, and one code twice
        body = {"code": "BC-T-API", "name": "X", "level": "provincial", "year": 2026, "organizer": "SCT-15"}
        client = api_for(world["people"]["sct"])
        replies = {
            codes: client.post("/api/v1/selection-rounds/",
                               body | {"judges": [{"code": code, "name": f"G{i}"} for i, code in enumerate(codes)]},
                               format="json")
            for codes in [("GK/1",), ("GK[2]",), ("hướng dẫn",), ("GK1", "gk1"), ("'GK",), ("History",),
                          (unicodedata.normalize("NFD", "Hướng dẫn"),)]
        }  # fmt: skip
        # then each is refused on the jury with its machine code, and no round is opened
        assert {codes: (r.status_code, r.json()["codes"]["judges"]) for codes, r in replies.items()} == {
            ("GK/1",): (400, ["invalid_code"]),
            ("GK[2]",): (400, ["invalid_code"]),
            ("hướng dẫn",): (400, ["invalid_code"]),
            ("GK1", "gk1"): (400, ["duplicate_judge"]),
            ("'GK",): (400, ["invalid_code"]),
            ("History",): (400, ["invalid_code"]),
            (unicodedata.normalize("NFD", "Hướng dẫn"),): (400, ["invalid_code"]),
        }
        assert "không chứa / \\ * ? : [ ]" in replies[("GK/1",)].json()["judges"][0]
        assert not SelectionRound.objects.filter(code="BC-T-API").exists()

    def test_the_list_asks_no_query_per_round(self, world: dict[str, Any]) -> None:
        # Given the province's officer reading the list of rounds, once before two more rounds are opened and the
        # commune's round is funded by a đề án the officer may see
        client = api_for(world["people"]["sct"])

        def counted() -> tuple[dict[str, Any], int]:
            with CaptureQueriesContext(connection) as queries:
                listed = client.get("/api/v1/selection-rounds/")
            assert listed.status_code == 200
            return {r["code"]: r["project"] for r in listed.json()["results"]}, len(queries)

        before = counted()
        for code in ("BC-T-N1", "BC-T-N2"):
            body = {"code": code, "name": "Bình chọn", "level": "provincial", "year": 2026, "organizer": "SCT-15"}
            assert client.post("/api/v1/selection-rounds/", body, format="json").status_code == 201
        project = funding_project()
        round_fund(actor=world["people"]["commune"], selection=world["round"], project=project)
        after = counted()
        # Then the page lists the new rounds and the funding đề án's code for the same number of queries
        assert set(after[0]) == set(before[0]) | {"BC-T-N1", "BC-T-N2"}
        assert after[0][world["round"].code] == project.code
        assert after[1] == before[1]
        # And a reader who may not see the đề án is not given its code
        rep = api_for(world["people"]["rep"]).get(f"/api/v1/selection-rounds/{world['round'].code}/")
        assert rep.status_code in (200, 404)
        if rep.status_code == 200:
            assert rep.json()["project"] is None

    def test_criteria_not_summing_to_100_are_refused_with_their_code(self, world: dict[str, Any]) -> None:
        body = {"code": "BC-T-API", "name": "X", "level": "provincial", "year": 2026, "organizer": "SCT-15",
                "criteria": [{"code": "a", "name": "A", "max": 50}]}  # fmt: skip
        response = api_for(world["people"]["sct"]).post("/api/v1/selection-rounds/", body, format="json")
        assert response.status_code == 400
        assert response.json()["codes"]["criteria"] == ["criteria_total"]

    def test_a_judge_scores_only_their_own_sheet(self, world: dict[str, Any]) -> None:
        rep = api_for(world["people"]["rep"])
        registered = rep.post(
            "/api/v1/selection-rounds/BC-XA-2026/entries/", {"product": "SP-1", "registered_on": "2026-09-01"},
            format="json",
        )  # fmt: skip
        assert registered.status_code == 201, registered.json()
        score = {"judge": "GK1", "product": "SP-1", "criterion": "market", "points": "35"}

        assert (
            api_for(world["people"]["judge2"])
            .post("/api/v1/selection-rounds/BC-XA-2026/scores/", score, format="json")
            .status_code
            == 403
        )
        assert (
            api_for(world["people"]["commune"])
            .post("/api/v1/selection-rounds/BC-XA-2026/scores/", score, format="json")
            .status_code
            == 403
        )
        too_high = api_for(world["people"]["judge1"]).post(
            "/api/v1/selection-rounds/BC-XA-2026/scores/", {**score, "points": "41"}, format="json"
        )
        assert too_high.json()["codes"]["points"] == ["points_out_of_range"]
        assert (
            api_for(world["people"]["judge1"])
            .post("/api/v1/selection-rounds/BC-XA-2026/scores/", score, format="json")
            .status_code
            == 201
        )
        assert Score.objects.standing().get().points == 35

    def test_a_judge_sees_only_their_round(self, decided: dict[str, Any]) -> None:
        judge = api_for(decided["people"]["judge1"])
        assert [r["code"] for r in judge.get("/api/v1/selection-rounds/").json()["results"]] == ["BC-XA-2026"]
        entries = judge.get("/api/v1/selection-rounds/BC-XA-2026/entries/").json()
        assert {e["product"]: e["average"] for e in entries} == {"SP-1": "82.50", "SP-2": "67.00"}
        # and no product or certificate outside it
        assert judge.get("/api/v1/products/").json()["results"] == []

    def test_the_facility_sees_its_own_entries_and_the_province_sees_the_commune_round(
        self, world: dict[str, Any], make_facility: Any
    ) -> None:
        # given another facility of the commune with an entry of its own
        neighbour = make_facility("Cơ sở rèn Bảo Thắng", province="Lào Cai", commune="Bảo Thắng")
        people = world["people"]
        knife = product_create(actor=people["sct"], facility=neighbour, code="SP-N", name="Dao", group="machinery")
        for product in (world["basket"], world["tray"], knife):
            entry_register(actor=people["sct"], selection=world["round"], product=product, registered_on=NOW.date())

        own = api_for(people["rep"]).get("/api/v1/selection-rounds/BC-XA-2026/entries/").json()
        province = api_for(people["sct"]).get("/api/v1/selection-rounds/BC-XA-2026/entries/").json()
        other = api_for(people["other"]).get("/api/v1/selection-rounds/BC-XA-2026/entries/")

        assert sorted(e["product"] for e in own) == ["SP-1", "SP-2"]
        assert sorted(e["product"] for e in province) == ["SP-1", "SP-2", "SP-N"]
        assert other.status_code == 404

    def test_the_decision_recognises_above_the_threshold_only(self, world: dict[str, Any]) -> None:

        people = world["people"]
        entry = entry_register(actor=people["rep"], selection=world["round"], product=world["tray"],
                               registered_on=D(2026, 9, 2))  # fmt: skip
        score_all(world, entry, {"GK1": [30, 25, 6, 5], "GK2": [28, 27, 7, 6]})
        complete_dossier(people["rep"], entry)
        body = {"on": "2026-10-05", "document": "125/QĐ-UBND", "recognized": ["SP-2"]}

        assert (
            api_for(people["rep"]).post("/api/v1/selection-rounds/BC-XA-2026/decide/", body, format="json").status_code
            == 403
        )
        below = api_for(people["commune"]).post("/api/v1/selection-rounds/BC-XA-2026/decide/", body, format="json")
        assert below.status_code == 400
        assert below.json()["codes"]["recognized"] == ["below_threshold"]
        unknown = api_for(people["commune"]).post(
            "/api/v1/selection-rounds/BC-XA-2026/decide/", {**body, "recognized": ["NOPE"]}, format="json"
        )
        assert unknown.status_code == 400
        assert not Certificate.objects.exists()


class TestCertificates:
    def test_the_organiser_revokes_and_others_may_not(self, decided: dict[str, Any]) -> None:
        certificate = decided["certificate"]
        url = f"/api/v1/product-certificates/{certificate.pk}/revoke/"
        body = {"on": "2026-11-20", "reason": "Đổi mẫu"}
        assert (
            api_for(decided["people"]["rep"]).get(f"/api/v1/product-certificates/{certificate.pk}/").json()["code"]
            == certificate.code
        )
        assert api_for(decided["people"]["other"]).post(url, body, format="json").status_code == 404
        assert api_for(decided["people"]["rep"]).post(url, body, format="json").status_code == 403
        future = api_for(decided["people"]["commune"]).post(url, {**body, "on": "2027-01-01"}, format="json")
        assert future.json()["codes"]["on"] == ["future_date"]

        done = api_for(decided["people"]["commune"]).post(url, body, format="json")

        assert done.status_code == 200
        assert done.json()["revoked_on"] == "2026-11-20"

    def test_nonsense_never_gives_a_500(self, decided: dict[str, Any]) -> None:
        client = api_for(decided["people"]["commune"])
        for path, body in (
            ("/api/v1/selection-rounds/BC-XA-2026/scores/", {"points": "NaN", "judge": "\x00"}),
            ("/api/v1/selection-rounds/BC-XA-2026/entries/", {"product": ["x"], "registered_on": "2026-02-30"}),
            ("/api/v1/selection-rounds/BC-XA-2026/fund/", {"project": "NO-SUCH"}),
            (f"/api/v1/product-certificates/{decided['certificate'].pk}/revoke/", {"on": "x", "reason": ""}),
        ):
            assert client.post(path, body, format="json").status_code in (400, 403, 404), path
        assert client.get("/api/v1/selection-rounds/", {"year": "２０２６"}).status_code == 200


class TestCouncil:
    def test_the_organiser_names_its_council_one_chair_at_a_time(self, world: dict[str, Any]) -> None:
        url = "/api/v1/selection-rounds/BC-XA-2026/council/"
        chair = {"name": "Nguyễn Văn Chủ", "position": "Chủ tịch UBND xã", "role": "chair"}
        organiser = api_for(world["people"]["commune"])

        assert api_for(world["people"]["rep"]).post(url, chair, format="json").status_code == 403
        assert api_for(world["people"]["other"]).post(url, chair, format="json").status_code == 404
        assert organiser.post(url, chair, format="json").status_code == 201
        second = organiser.post(url, {**chair, "name": "Trần Văn Hai"}, format="json")

        assert second.status_code == 400
        assert second.json()["codes"]["role"] == ["chair_exists"]
        assert [m["name"] for m in api_for(world["people"]["rep"]).get(url).json()] == ["Nguyễn Văn Chủ"]

    def test_a_member_named_by_mistake_is_voided_and_stays_listed(self, world: dict[str, Any]) -> None:
        organiser = api_for(world["people"]["commune"])
        url = "/api/v1/selection-rounds/BC-XA-2026/council/"
        member = organiser.post(url, {"name": "Lê Thị Ba", "position": "Cán bộ", "role": "member"}, format="json")
        void = f"{url}{member.json()['id']}/void/"

        assert organiser.post(void, {"reason": ""}, format="json").status_code == 400
        assert api_for(world["people"]["rep"]).post(void, {"reason": "Nhầm"}, format="json").status_code == 403
        done = organiser.post(void, {"reason": "Ghi nhầm người"}, format="json")

        assert done.status_code == 200
        assert organiser.get(url).json() == [
            {"id": member.json()["id"], "name": "Lê Thị Ba", "position": "Cán bộ", "role": "member",
             "voided_on": "2026-11-27", "voided_reason": "Ghi nhầm người"}
        ]  # fmt: skip
        assert organiser.post(f"{url}999999/void/", {"reason": "x"}, format="json").status_code == 404


class TestComplaints:
    URL = "/api/v1/selection-rounds/BC-XA-2026/complaints/"

    def test_the_entrant_complains_within_15_working_days_and_the_organiser_answers(
        self, decided: dict[str, Any]
    ) -> None:
        people = decided["people"]
        rep, organiser = api_for(people["rep"]), api_for(people["commune"])
        late = rep.post(self.URL, {"product": "SP-2", "on": "2026-11-20", "text": "Chấm thấp"}, format="json")
        assert late.status_code == 400
        assert late.json()["codes"]["on"] == ["complaint_out_of_time"]

        lodged = rep.post(self.URL, {"product": "SP-2", "on": "2026-10-12", "text": "Chấm thấp"}, format="json")
        assert lodged.status_code == 201, lodged.json()
        answer = f"{self.URL}{lodged.json()['id']}/answer/"
        assert rep.post(answer, {"on": "2026-10-20", "outcome": "dismissed"}, format="json").status_code == 403
        assert organiser.post(answer, {"on": "2026-10-20", "outcome": "maybe"}, format="json").status_code == 400

        answered = organiser.post(answer, {"on": "2026-10-20", "outcome": "dismissed"}, format="json")

        assert answered.status_code == 200
        assert rep.get(self.URL).json() == [
            {"id": lodged.json()["id"], "product": "SP-2", "on": "2026-10-12", "text": "Chấm thấp",
             "answered_on": "2026-10-20", "outcome": "dismissed"}
        ]  # fmt: skip
        again = organiser.post(answer, {"on": "2026-10-21", "outcome": "upheld"}, format="json")
        assert again.json()["codes"]["complaint"] == ["already_answered"]

    def test_another_province_neither_sees_nor_lodges(self, decided: dict[str, Any]) -> None:
        other = api_for(decided["people"]["other"])
        body = {"product": "SP-2", "on": "2026-10-12", "text": "x"}
        assert other.get(self.URL).status_code == 404
        assert other.post(self.URL, body, format="json").status_code == 404
        unknown = api_for(decided["people"]["rep"]).post(self.URL, {**body, "product": "SP-X"}, format="json")
        assert unknown.status_code == 400
        assert "SP-X" in unknown.json()["product"][0]


class TestHolderReports:
    def test_the_holder_reports_once_a_year_and_a_wrong_report_is_voided_then_entered_again(
        self, decided: dict[str, Any]
    ) -> None:
        url = f"/api/v1/product-certificates/{decided['certificate'].pk}/reports/"
        rep = api_for(decided["people"]["rep"])
        body = {"year": 2026, "reported_on": "2026-11-25", "support_received": "15 triệu", "results": "Xuất khẩu"}

        created = rep.post(url, body, format="json")
        assert created.status_code == 201, created.json()
        assert created.json()["support_received"] == 15_000_000
        twice = rep.post(url, body, format="json")
        assert twice.json()["codes"]["year"] == ["duplicate_report"]
        voided = rep.post(f"{url}{created.json()['id']}/void/", {"reason": "Sai số tiền"}, format="json")
        assert voided.status_code == 200
        assert rep.post(url, {**body, "support_received": 20_000_000}, format="json").status_code == 201

        listed = api_for(decided["people"]["sct"]).get(url).json()
        assert [(r["support_received"], r["voided_reason"]) for r in listed] == [
            (15_000_000, "Sai số tiền"),
            (20_000_000, ""),
        ]

    def test_bad_input_and_strangers_are_refused(self, decided: dict[str, Any]) -> None:
        url = f"/api/v1/product-certificates/{decided['certificate'].pk}/reports/"
        body = {"year": 2031, "reported_on": "2026-11-25", "support_received": 1.5, "results": ""}
        assert api_for(decided["people"]["other"]).post(url, body, format="json").status_code == 404
        assert api_for(decided["people"]["judge1"]).get(url).status_code == 404
        bad = api_for(decided["people"]["rep"]).post(url, body, format="json")
        assert bad.status_code == 400
        assert set(bad.json()) >= {"support_received", "results"}
        out = api_for(decided["people"]["rep"]).post(
            url, {**body, "support_received": 0, "results": "Ổn định"}, format="json"
        )
        assert out.json()["codes"]["year"] == ["year_not_held"]
