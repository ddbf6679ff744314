"""The products and selection pages: a round opened, a product entered, a judge's sheet, the decision, the certificate
PDF, the facility page, and the public list — each within its boundary and refusing bad input without a 500."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader
from rest_framework.test import APIClient

from conftest import client_for, make_user
from khuyencong.accounts.models import Role
from khuyencong.organizations.models import Organization
from khuyencong.products.models import Entry, Product, Score, SelectionRound
from khuyencong.products.services import product_create
from khuyencong.products.tests.conftest import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


class TestRoundPages:
    def test_the_sct_opens_a_provincial_round_with_its_jury(self, world: dict[str, Any]) -> None:
        # Given two officers of Lào Cai's bodies who sit on the jury, and an outside expert with no account
        giam = make_user("giam", "TTKC-15", Role.VIEWER)
        khao = make_user("khao", "SCT-15", Role.VIEWER)
        # When the Sở opens its round, choosing its body and the two accounts, and naming the expert
        response = client_for(world["people"]["sct"]).post(
            reverse("products:rounds"),
            {
                "code": "BC-LC-2026",
                "name": "Bình chọn cấp tỉnh Lào Cai 2026",
                "level": "provincial",
                "year": "2026",
                "organizer": Organization.objects.get(code="SCT-15").pk,
                "judge_accounts": [giam.pk, khao.pk],
                "judge_names": "Lê Văn Chuyên Gia\n",
            },
        )
        # Then the round stands with the default criteria, the two accounts and the expert numbered in order
        assert response.status_code == 302
        selection = SelectionRound.objects.get(code="BC-LC-2026")
        judges = [(j.code, j.name, j.user) for j in selection.judges.order_by("code")]
        assert judges == [("GK1", "giam", giam), ("GK2", "khao", khao), ("GK3", "Lê Văn Chuyên Gia", None)]
        assert selection.criteria.count() == 4

    def test_the_rounds_are_listed_by_pages_and_as_excel(self, world: dict[str, Any]) -> None:
        # Given the commune's round, when the Sở opens the list of rounds and takes it as Excel
        client = client_for(world["people"]["sct"])
        page = client.get(reverse("products:rounds"))
        assert page.context["page"].paginator.count == 1
        assert reverse("products:round_export") in page.content.decode()
        response: Any = client.get(reverse("products:round_export"))
        rows = [list(r) for r in load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
                .iter_rows(values_only=True)]  # fmt: skip
        # Then the file holds the round, its level and year as the page says them
        assert rows[0][:4] == ["Mã", "Đợt", "Cấp", "Năm"]
        assert rows[1][:4] == ["BC-XA-2026", "Bình chọn sản phẩm CNNT tiêu biểu cấp xã 2026", "Cấp xã", 2026]
        # And the representative, who reads the rounds, may not take the file
        assert client_for(world["people"]["rep"]).get(reverse("products:round_export")).status_code == 403
        # And with 51 rounds (as the commune's, same year), the list is two pages, none left out (it stopped at 200)
        SelectionRound.objects.bulk_create(
            SelectionRound(code=f"BC-{n:02d}", name=f"Đợt {n}", level=world["round"].level, year=2026,
                           organizer=world["round"].organizer, territory=world["round"].territory)
            for n in range(50)
        )  # fmt: skip
        first, second = (client.get(reverse("products:rounds"), {"page": n}).context for n in (1, 2))
        assert first["page"].paginator.count == 51
        listed = [r.code for r in first["rounds"]] + [r.code for r in second["rounds"]]
        assert len(listed) == len(set(listed)) == 51

    def test_another_province_cannot_open_it_and_sees_why(self, world: dict[str, Any]) -> None:
        response = client_for(world["people"]["other"]).post(
            reverse("products:rounds"),
            {
                "code": "X",
                "name": "X",
                "level": "provincial",
                "year": "2026",
                "organizer": Organization.objects.get(code="SCT-15").pk,
            },
        )
        assert response.status_code == 400
        assert "Bạn không mở được đợt bình chọn cho cơ quan này." in response.content.decode()
        assert not SelectionRound.objects.filter(code="X").exists()

    def test_a_judge_scores_on_the_sheet_and_a_bad_cell_is_named(self, world: dict[str, Any]) -> None:
        client_for(world["people"]["rep"]).post(
            reverse("products:entry_add", args=["BC-XA-2026"]), {"product": "SP-1", "registered_on": "01/09/2026"}
        )
        entry = Entry.objects.get()
        criteria = list(world["round"].criteria.order_by("position"))
        cells = {f"s-{entry.pk}-{c.pk}": v for c, v in zip(criteria, ["35", "32,5", "8", "abc"], strict=True)}
        response = client_for(world["people"]["judge1"]).post(reverse("products:sheet", args=["BC-XA-2026"]), cells)
        assert response.status_code == 400
        assert "«abc» không phải một số" in response.content.decode()
        assert sorted(str(s.points) for s in Score.objects.all()) == ["32.50", "35.00", "8.00"]
        over = {f"s-{entry.pk}-{criteria[2].pk}": "11"}
        response = client_for(world["people"]["judge1"]).post(reverse("products:sheet", args=["BC-XA-2026"]), over)
        assert response.status_code == 400
        assert "phải từ 0 đến 10" in response.content.decode()
        # Someone who is not a judge has no sheet
        assert client_for(world["people"]["sct"]).get(reverse("products:sheet", args=["BC-XA-2026"])).status_code == 403

    def test_the_decision_page_and_the_certificate(self, decided: dict[str, Any]) -> None:
        client = client_for(decided["people"]["commune"])
        page = client.get(reverse("products:round", args=["BC-XA-2026"]))
        html = page.content.decode()
        assert "82,5" in html
        assert "Được công nhận" in html
        pdf = client.get(reverse("products:certificate", args=[decided["certificate"].code]))
        assert pdf.status_code == 200
        text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).split())
        assert "GIẤY CHỨNG NHẬN" in text
        assert "Giỏ mây đan" in text
        assert "31/12/2028" in text

    def test_a_decision_below_the_threshold_is_refused_on_the_page(self, world: dict[str, Any]) -> None:
        from khuyencong.products.services import entry_register
        from khuyencong.products.tests.conftest import score_all

        tray = entry_register(
            actor=world["people"]["rep"], selection=world["round"], product=world["tray"], registered_on=NOW.date()
        )
        score_all(world, tray, {"GK1": [30, 25, 6, 5], "GK2": [28, 27, 7, 6]})
        response = client_for(world["people"]["commune"]).post(
            reverse("products:decide", args=["BC-XA-2026"]),
            {"on": "05/10/2026", "document": "1/QĐ", "entry": [tray.pk]},
        )
        assert response.status_code == 400
        assert "dưới 70" in response.content.decode()

    def test_outside_the_territory_a_round_is_not_found(self, world: dict[str, Any]) -> None:
        other = client_for(world["people"]["other"])
        assert other.get(reverse("products:round", args=["BC-XA-2026"])).status_code == 404
        assert other.post(reverse("products:decide", args=["BC-XA-2026"]), {"on": "x"}).status_code == 404

    def test_bad_input_never_gives_a_500(self, world: dict[str, Any]) -> None:
        client = client_for(world["people"]["sct"])
        assert (
            client.post(
                reverse("products:entry_add", args=["BC-XA-2026"]), {"product": "NONE", "registered_on": "32/13/2026"}
            ).status_code
            == 400
        )
        assert client.post(reverse("products:rounds"), {"code": "", "year": "abc"}).status_code == 400
        # a year of four digits that is no year (its 1 January cannot be made), in any script, from anyone
        for year in ("0000", "٠٠٠٠", "9999"):
            assert client.post(reverse("products:rounds"), {"code": "R", "year": year}).status_code == 400
            viewer = client_for(make_user(f"xem-{ord(year[0])}", "SCT-15", Role.VIEWER))
            assert viewer.post(reverse("products:rounds"), {"code": "R", "year": year}).status_code in (400, 403)
        api = APIClient()
        api.force_authenticate(world["people"]["sct"])
        for year in ("²⁰²⁵", "٢٠٢٦", "2026"):
            assert api.get("/api/v1/selection-rounds/", {"year": year}).status_code == 200
        assert client.get(reverse("products:list"), {"q": "x" * 500, "page": "abc"}).status_code == 200
        # a NUL in the search (PostgreSQL refuses it in text) is named and left out, on the page and in its export
        page = client.get(reverse("products:list"), {"q": "gio\x00may"})
        assert page.status_code == 200
        assert "chưa áp dụng" in page.content.decode()
        assert client.get(reverse("products:export"), {"q": "gio\x00may"}).status_code == 200
        assert client.get(reverse("products:certificate", args=["KHONG/001"])).status_code == 404


class TestProductPages:
    def test_the_list_as_excel_is_the_page_s_list(self, world: dict[str, Any]) -> None:
        # Given the Sở of Lào Cai, when it searches «gio may» and takes the list as Excel
        client = client_for(world["people"]["sct"])
        page = client.get(reverse("products:list"), {"q": "gio may"})
        assert f'href="{reverse("products:export")}?q=gio%20may"' in page.content.decode()
        assert '<span class="muted">1 sản phẩm</span>' in page.content.decode()
        response: Any = client.get(reverse("products:export"), {"q": "gio may"})
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        # Then it holds the basket found, with its facility, province and certificates; unfiltered, both products in
        # Vietnamese alphabetical order
        assert rows[0][0] == "Mã sản phẩm"
        assert rows[1:] == [["SP-1", "Giỏ mây đan", "Thủ công mỹ nghệ", world["facility"].code, world["facility"].name,
                             "Lào Cai", "TCCS 01:2024"]]  # fmt: skip
        product_create(actor=world["people"]["sct"], facility=world["facility"], code="SP-9", name="Ấm sành",
                       group="handicraft")  # fmt: skip
        every: Any = client.get(reverse("products:export"))
        names = [r[1] for r in load_workbook(io.BytesIO(b"".join(every.streaming_content))).worksheets[0].iter_rows(
            min_row=2, values_only=True)]  # fmt: skip
        assert names == ["Ấm sành", "Giỏ mây đan", "Khay tre"]  # «Ấ» among the A's, not after «K» as in binary
        # And the facility's representative, who reads the list, may not take it as a file
        assert client_for(world["people"]["rep"]).get(reverse("products:export")).status_code == 403

    def test_the_facility_page_lists_its_products(self, world: dict[str, Any]) -> None:
        page = client_for(world["people"]["sct"]).get(reverse("facilities:detail", args=[world["facility"].pk]))
        assert "Giỏ mây đan" in page.content.decode()

    def test_a_product_is_added_from_the_list_page_for_the_facility_chosen(self, world: dict[str, Any]) -> None:
        response = client_for(world["people"]["sct"]).post(
            reverse("products:list"),
            {
                "facility": world["facility"].code,
                "code": "SP-3",
                "name": "Đèn mây",
                "group": "handicraft",
            },
        )
        assert response.status_code == 302
        assert Product.objects.get(code="SP-3").facility == world["facility"]

    def test_another_provinces_facility_is_not_found_for_a_product(self, world: dict[str, Any]) -> None:
        response = client_for(world["people"]["other"]).post(
            reverse("products:list"),
            {
                "facility": world["facility"].code,
                "code": "SP-4",
                "name": "X",
                "group": "other",
            },
        )
        assert response.status_code == 400
        assert not Product.objects.filter(code="SP-4").exists()


class TestPublicList:
    def test_valid_certificates_are_public_without_personal_data(self, decided: dict[str, Any]) -> None:
        facility = decided["facility"]
        facility.representative, facility.phone, facility.email = "Nguyễn Thị Riêng", "0912345678", "rieng@example.vn"
        facility.save()
        page = Client().get(reverse("public_products:list"))
        html = page.content.decode()
        assert page.status_code == 200
        assert "Giỏ mây đan" in html
        assert "BC-XA-2026/001" in html
        assert "31/12/2028" in html
        assert "Khay tre" not in html
        for private in ("Nguyễn Thị Riêng", "0912345678", "rieng@example.vn"):
            assert private not in html

    def test_a_revoked_certificate_leaves_the_list(self, decided: dict[str, Any]) -> None:
        from khuyencong.products.services import certificate_revoke

        certificate_revoke(
            actor=decided["people"]["commune"],
            certificate=decided["certificate"],
            on=NOW.date(),
            reason="Vi phạm sở hữu trí tuệ.",
        )
        assert "Giỏ mây đan" not in Client().get(reverse("public_products:list")).content.decode()

    def test_search_ignores_diacritics(self, decided: dict[str, Any]) -> None:
        assert "Giỏ mây đan" in Client().get(reverse("public_products:list"), {"q": "gio may"}).content.decode()
        assert "Giỏ mây đan" not in Client().get(reverse("public_products:list"), {"q": "khong co"}).content.decode()


class TestProductsReport:
    def test_entries_recognised_facilities_and_facility_times(self, decided: dict[str, Any]) -> None:
        import json

        from django.core.management import call_command

        out = io.StringIO()
        call_command(
            "kc_report", "products", "--province", "Lào Cai", "--year", "2026", "--geography", "current", stdout=out
        )
        report = json.loads(out.getvalue())
        # One facility entered two products: two facility-times, one facility; one product recognised
        assert report["total"] == {
            "entries": 2,
            "facility_times": 2,
            "facilities": 1,
            "recognised": 1,
            "recognised_facilities": 1,
        }
        (row,) = report["by_level_group"]
        assert (row["level"], row["group"], row["entries"], row["recognised"]) == ("commune", "handicraft", 2, 1)
        assert report["valid_certificates"]["total"] == 1
        assert report["by_province"][0]["name"] == "Lào Cai"

    def test_as_of_before_the_decision_nothing_is_recognised_yet(self, decided: dict[str, Any]) -> None:
        from khuyencong.reports.periods import Period
        from khuyencong.reports.scope import Geography, resolve_scope
        from khuyencong.reports.selectors import report_build

        period = Period.year(2026, as_of=datetime.date(2026, 9, 30))
        scope = resolve_scope(provinces=["Lào Cai"], geography=Geography.CURRENT, on=period.as_of)
        built = report_build("products", scope, period)
        assert (built.data["total"]["entries"], built.data["total"]["recognised"]) == (2, 0)
        assert built.data["valid_certificates"]["total"] == 0
        assert {t.title for s in built.sections for t in s.tables} >= {"Tổng hợp", "Theo cấp và nhóm sản phẩm"}

    def test_an_unknown_level_is_refused_by_name(self, decided: dict[str, Any]) -> None:
        from django.core.management import CommandError, call_command

        with pytest.raises(CommandError, match="Cấp «tinh»"):
            call_command("kc_report", "products", "--year", "2026", "--level", "tinh", stdout=io.StringIO())


class TestDossierPages:
    def test_the_facility_uploads_photos_and_documents_and_the_checklist_shrinks(self, world: dict[str, Any]) -> None:
        from django.core.files.uploadedfile import SimpleUploadedFile

        from khuyencong.products.tests.conftest import PDF, PNG

        rep = client_for(world["people"]["rep"])
        rep.post(reverse("products:entry_add", args=["BC-XA-2026"]), {"product": "SP-1", "registered_on": "01/09/2026"})
        page = rep.get(reverse("products:round", args=["BC-XA-2026"])).content.decode()
        assert "Hồ sơ còn thiếu" in page
        assert "Ảnh chính diện" in page
        response = rep.post(
            reverse("products:detail", args=["SP-1"]), {"angle": "front", "upload": SimpleUploadedFile("a.png", PNG)}
        )
        assert response.status_code == 302
        entry = Entry.objects.get()
        response = rep.post(
            reverse("products:document_add", args=["BC-XA-2026"]),
            {"entry": entry.pk, "item": "description", "upload": SimpleUploadedFile("mo-ta.pdf", PDF)},
        )
        assert response.status_code == 302
        page = rep.get(reverse("products:round", args=["BC-XA-2026"])).content.decode()
        assert "Ảnh chính diện" not in page.split("Hồ sơ còn thiếu")[1].split("</span>")[0]
        bad = rep.post(
            reverse("products:detail", args=["SP-1"]), {"angle": "front", "upload": SimpleUploadedFile("a.png", b"xx")}
        )
        assert bad.status_code == 400
        assert "không đúng định dạng" in bad.content.decode()
        # Someone else's product page: not found
        assert client_for(world["people"]["other"]).get(reverse("products:detail", args=["SP-1"])).status_code == 404


class TestHostileInput:
    def test_nan_infinity_and_unicode_digits_never_give_a_500(self, world: dict[str, Any]) -> None:
        rep = client_for(world["people"]["rep"])
        rep.post(reverse("products:entry_add", args=["BC-XA-2026"]), {"product": "SP-1", "registered_on": "01/09/2026"})
        entry = Entry.objects.get()
        first = world["round"].criteria.order_by("position").first()
        judge = client_for(world["people"]["judge1"])
        for value in ("NaN", "sNaN", "Infinity", "-inf", "1e999", "12.345"):
            response = judge.post(reverse("products:sheet", args=["BC-XA-2026"]), {f"s-{entry.pk}-{first.pk}": value})
            assert response.status_code == 400, value
        assert not Score.objects.exists()
        decide = client_for(world["people"]["commune"]).post(
            reverse("products:decide", args=["BC-XA-2026"]),
            {"on": "05/10/2026", "document": "1/QĐ", "entry": ["²", "9" * 30, str(entry.pk)]},
        )
        assert decide.status_code == 400

    def test_the_organiser_sees_its_round_before_any_entry(self, world: dict[str, Any]) -> None:
        page = client_for(world["people"]["commune"]).get(reverse("products:round", args=["BC-XA-2026"]))
        assert page.status_code == 200
