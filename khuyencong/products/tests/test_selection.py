"""The typical rural industrial product selection (TT 26/2014/TT-BCT as amended): products of a facility, a commune
round scored by two judges, the council's decision and certificates, the climb to the provincial level with the lower
certificate, complaints and revocation — and who may do each."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import make_user
from khuyencong.accounts.models import Role, User
from khuyencong.core.refusals import Refused
from khuyencong.facilities.models import Facility
from khuyencong.organizations.models import Organization
from khuyencong.products.models import Entry, Judge, Product, Score, SelectionRound
from khuyencong.products.rules import (
    DEFAULT_CRITERIA,
    RoundLevel,
    average,
    certificate_valid_until,
    level_below,
    level_in_force,
    working_days_after,
)
from khuyencong.products.selectors import entry_scores, ranking, rounds_for
from khuyencong.products.services import (
    certificate_revoke,
    complaint_answer,
    complaint_record,
    entry_document_add,
    entry_register,
    product_create,
    product_photo_add,
    round_create,
    round_decide,
    score_record,
)
from khuyencong.products.tests.conftest import NOW, score_all

D = datetime.date


class TestRules:
    def test_the_default_criteria_are_those_of_phu_luc_4(self) -> None:
        assert [c.max_points for c in DEFAULT_CRITERIA] == [40, 40, 10, 10]

    def test_the_commune_level_replaces_the_district_on_01_07_2025(self) -> None:
        assert level_in_force(RoundLevel.DISTRICT, D(2025, 6, 30))
        assert not level_in_force(RoundLevel.DISTRICT, D(2025, 7, 1))
        assert level_in_force(RoundLevel.COMMUNE, D(2025, 7, 1))
        assert level_below(RoundLevel.PROVINCIAL) == {RoundLevel.DISTRICT, RoundLevel.COMMUNE}

    def test_a_certificate_is_valid_until_31_december_of_the_third_year(self) -> None:
        assert certificate_valid_until(D(2026, 10, 5)) == D(2028, 12, 31)

    def test_the_average_is_of_the_judges_totals_half_up(self) -> None:
        assert average([Decimal("70"), Decimal("71"), Decimal("70")]) == Decimal("70.33")
        assert average([Decimal("69.995"), Decimal("70")]) == Decimal("70.00")
        assert average([]) is None

    def test_working_days_skip_weekends(self) -> None:
        # Friday 27/11/2026 + 15 working days = Friday 18/12/2026
        assert working_days_after(D(2026, 11, 27), 15) == D(2026, 12, 18)


pytestmark = pytest.mark.django_db


class TestScoring:
    def test_each_judge_scores_on_their_own_sheet_and_the_average_ranks(self, decided: dict[str, Any]) -> None:
        scores = entry_scores(decided["round"])
        assert scores[decided["basket_entry"].pk].average == Decimal("82.50")
        assert scores[decided["tray_entry"].pk].average == Decimal("67.00")
        ranked = ranking(decided["round"])
        assert [(r.entry.product.code, r.rank, r.passes) for r in ranked] == [("SP-1", 1, True), ("SP-2", 2, False)]

    def test_a_score_above_the_maximum_or_by_another_judge_is_refused(self, world: dict[str, Any]) -> None:
        with time_machine.travel(NOW, tick=False):
            entry = entry_register(
                actor=world["people"]["rep"],
                selection=world["round"],
                product=world["basket"],
                registered_on=D(2026, 9, 1),
            )
            market = world["round"].criteria.get(code="market")
            judge1 = Judge.objects.get(round=world["round"], code="GK1")
            with pytest.raises(ValidationError) as refused:
                score_record(
                    actor=world["people"]["judge1"], entry=entry, judge=judge1, criterion=market, points=Decimal(41)
                )
            assert refused.value.error_dict["points"][0].code == "points_out_of_range"
            with pytest.raises(Refused):
                score_record(
                    actor=world["people"]["judge2"], entry=entry, judge=judge1, criterion=market, points=Decimal(30)
                )
            assert not Score.objects.exists()

    def test_a_second_score_voids_the_first(self, world: dict[str, Any]) -> None:
        with time_machine.travel(NOW, tick=False):
            entry = entry_register(
                actor=world["people"]["rep"],
                selection=world["round"],
                product=world["basket"],
                registered_on=D(2026, 9, 1),
            )
            market = world["round"].criteria.get(code="market")
            judge1 = Judge.objects.get(round=world["round"], code="GK1")
            score_record(
                actor=world["people"]["judge1"], entry=entry, judge=judge1, criterion=market, points=Decimal(30)
            )
            score_record(
                actor=world["people"]["judge1"], entry=entry, judge=judge1, criterion=market, points=Decimal(35)
            )
        assert list(Score.objects.standing().values_list("points", flat=True)) == [Decimal(35)]
        voided = Score.objects.voided().get()
        assert (voided.points, "30" in voided.voided_reason) == (Decimal(30), True)


class TestDecision:
    def test_recognition_issues_a_numbered_certificate_valid_three_years(self, decided: dict[str, Any]) -> None:
        certificate = decided["certificate"]
        assert (certificate.code, certificate.issued_on, certificate.valid_until) == (
            "BC-XA-2026/001",
            D(2026, 10, 5),
            D(2028, 12, 31),
        )
        assert Entry.objects.get(pk=decided["basket_entry"].pk).recognized

    def test_below_the_threshold_cannot_be_recognised(self, world: dict[str, Any]) -> None:
        with time_machine.travel(NOW, tick=False):
            tray = entry_register(
                actor=world["people"]["rep"],
                selection=world["round"],
                product=world["tray"],
                registered_on=D(2026, 9, 2),
            )
            score_all(world, tray, {"GK1": [30, 25, 6, 5], "GK2": [28, 27, 7, 6]})
            with pytest.raises(ValidationError) as refused:
                round_decide(
                    actor=world["people"]["commune"],
                    selection=world["round"],
                    on=D(2026, 10, 5),
                    document="1/QĐ",
                    recognized=[tray],
                )
        assert refused.value.error_dict["recognized"][0].code == "below_threshold"
        assert "67.00" in refused.value.error_dict["recognized"][0].message
        assert not SelectionRound.objects.get(pk=world["round"].pk).decided

    def test_only_the_organiser_decides(self, world: dict[str, Any]) -> None:
        with time_machine.travel(NOW, tick=False), pytest.raises(Refused):
            round_decide(
                actor=world["people"]["other"],
                selection=world["round"],
                on=D(2026, 10, 5),
                document="1/QĐ",
                recognized=[],
            )


class TestLevels:
    def provincial(self, decided: dict[str, Any]) -> SelectionRound:
        with time_machine.travel(NOW, tick=False):
            return round_create(
                actor=decided["people"]["sct"],
                code="BC-LC-2026",
                name="Bình chọn cấp tỉnh Lào Cai",
                level="provincial",
                year=2026,
                organizer=Organization.objects.get(code="SCT-15"),
            )

    def test_a_product_climbs_only_with_a_valid_lower_certificate(self, decided: dict[str, Any]) -> None:
        provincial = self.provincial(decided)
        with time_machine.travel(NOW, tick=False):
            with pytest.raises(ValidationError) as refused:
                entry_register(
                    actor=decided["people"]["rep"],
                    selection=provincial,
                    product=decided["tray"],
                    registered_on=D(2026, 11, 1),
                )
            assert refused.value.error_dict["lower_certificate"][0].code == "lower_certificate_required"
            with pytest.raises(ValidationError) as refused:
                entry_register(
                    actor=decided["people"]["rep"],
                    selection=provincial,
                    product=decided["tray"],
                    registered_on=D(2026, 11, 1),
                    lower_certificate=decided["certificate"],
                )
            assert refused.value.error_dict["lower_certificate"][0].code == "lower_certificate_mismatch"
            entry = entry_register(
                actor=decided["people"]["rep"],
                selection=provincial,
                product=decided["basket"],
                registered_on=D(2026, 11, 1),
                lower_certificate=decided["certificate"],
            )
        assert entry.lower_certificate == decided["certificate"]

    def test_a_revoked_certificate_admits_nothing_after_its_revocation(self, decided: dict[str, Any]) -> None:
        provincial = self.provincial(decided)
        with time_machine.travel(NOW, tick=False):
            with pytest.raises(ValidationError):
                certificate_revoke(
                    actor=decided["people"]["commune"],
                    certificate=decided["certificate"],
                    on=D(2026, 10, 20),
                    reason=" ",
                )
            certificate_revoke(
                actor=decided["people"]["commune"],
                certificate=decided["certificate"],
                on=D(2026, 10, 20),
                reason="Sản phẩm vi phạm quyền sở hữu trí tuệ.",
            )
            with pytest.raises(ValidationError) as refused:
                entry_register(
                    actor=decided["people"]["rep"],
                    selection=provincial,
                    product=decided["basket"],
                    registered_on=D(2026, 11, 1),
                    lower_certificate=decided["certificate"],
                )
        assert refused.value.error_dict["lower_certificate"][0].code == "lower_certificate_expired"

    def test_a_round_takes_only_the_products_of_its_territory(
        self, decided: dict[str, Any], make_facility: Any
    ) -> None:
        provincial = self.provincial(decided)
        elsewhere: Facility = make_facility("HTX Chè Tân Cương", province="Thái Nguyên")
        cuc = make_user("cuc", "CUC-CTDP", Role.OFFICER)  # a national body may write any facility's products
        with time_machine.travel(NOW, tick=False):
            tea = product_create(actor=cuc, facility=elsewhere, code="SP-TN", name="Chè", group="agro_food")
            for selection in (provincial, decided["round"]):
                with pytest.raises(ValidationError) as refused:
                    entry_register(actor=cuc, selection=selection, product=tea, registered_on=D(2026, 11, 1))
                assert refused.value.error_dict["product"][0].code == "outside_territory"
        assert not Entry.objects.filter(product=tea).exists()

    def test_another_province_may_not_open_a_round_for_lao_cai(self, decided: dict[str, Any]) -> None:
        with time_machine.travel(NOW, tick=False), pytest.raises(Refused):
            round_create(
                actor=decided["people"]["other"],
                code="X",
                name="X",
                level="provincial",
                year=2026,
                organizer=Organization.objects.get(code="SCT-15"),
            )
        assert not SelectionRound.objects.filter(code="X").exists()

    def test_a_district_round_after_the_reform_is_refused(self, decided: dict[str, Any]) -> None:
        from khuyencong.geography.models import AdminUnit

        district = AdminUnit.objects.filter(era="2025-pre", level=2).order_by("code").first()
        office = Organization.objects.create(
            code="PKT-H", name="Phòng Kinh tế huyện", kind="district_office", territory=district
        )
        officer = make_user("huyen", "PKT-H", Role.OFFICER)
        with time_machine.travel(NOW, tick=False), pytest.raises(ValidationError) as refused:
            round_create(actor=officer, code="Y", name="Y", level="district", year=2026, organizer=office)
        assert refused.value.error_dict["level"][0].code == "level_not_in_force"
        with time_machine.travel(NOW, tick=False):
            old = round_create(actor=officer, code="Z", name="Z", level="district", year=2024, organizer=office)
        assert old.level == "district"


class TestComplaints:
    def test_a_complaint_within_15_working_days_and_its_answer(self, decided: dict[str, Any]) -> None:
        people = decided["people"]
        with time_machine.travel(NOW, tick=False):
            # Decision on Monday 05/10/2026: 15 working days run to Monday 26/10/2026
            with pytest.raises(ValidationError) as refused:
                complaint_record(
                    actor=people["rep"], entry=decided["tray_entry"], on=D(2026, 10, 27), text="Đề nghị chấm lại."
                )
            assert refused.value.error_dict["on"][0].code == "complaint_out_of_time"
            complaint = complaint_record(
                actor=people["rep"],
                entry=decided["tray_entry"],
                on=D(2026, 10, 26),
                text="Đề nghị chấm lại tiêu chí thẩm mỹ.",
            )
            with pytest.raises(Refused):
                complaint_answer(actor=people["rep"], complaint=complaint, on=D(2026, 10, 30), outcome="dismissed")
            answered = complaint_answer(
                actor=people["commune"], complaint=complaint, on=D(2026, 10, 30), outcome="dismissed"
            )
        assert (answered.answered_on, answered.outcome) == (D(2026, 10, 30), "dismissed")


class TestProducts:
    def test_a_facility_writes_its_own_products_only(self, world: dict[str, Any], make_facility: Any) -> None:
        other: Facility = make_facility("Cơ sở khác", province="Lào Cai", commune="Bảo Thắng")
        with time_machine.travel(NOW, tick=False), pytest.raises(Refused):
            product_create(actor=world["people"]["rep"], facility=other, code="SP-X", name="X", group="other")
        with pytest.raises(ValidationError):
            product_create(actor=world["people"]["sct"], facility=other, code="SP-Y", name="Y", group="gold")
        assert not Product.objects.filter(code__in=["SP-X", "SP-Y"]).exists()

    def test_search_ignores_diacritics(self, world: dict[str, Any]) -> None:
        assert Product.objects.filter(search_text__contains="gio may dan").get().code == "SP-1"


def test_without_a_role_or_an_organisation_no_round_is_seen_but_a_judge_sees_theirs(world: dict[str, Any]) -> None:
    with time_machine.travel(NOW, tick=False):
        cuc = Organization.objects.get(code="CUC-CTDP")
        officer = make_user("cuc", "CUC-CTDP", Role.OFFICER)
        national = round_create(
            actor=officer, code="BC-QG-2026", name="Quốc gia", level="national", year=2026, organizer=cuc
        )
    assert national in rounds_for(world["people"]["rep"])  # open to every facility of the country
    for nobody in (make_user("chua.co.vai.tro", "SCT-15"), make_user("chua.co.don.vi", None, Role.OFFICER)):
        assert not rounds_for(nobody).exists()
    assert list(rounds_for(world["people"]["judge1"])) == [world["round"]]


def test_a_user_who_is_not_a_judge_cannot_score(world: dict[str, Any]) -> None:
    outsider: User = make_user("outsider", "SCT-15", Role.OFFICER)
    with time_machine.travel(NOW, tick=False):
        entry = entry_register(
            actor=world["people"]["rep"], selection=world["round"], product=world["basket"], registered_on=D(2026, 9, 1)
        )
        with pytest.raises(Refused):
            score_record(
                actor=outsider,
                entry=entry,
                judge=Judge.objects.get(round=world["round"], code="GK1"),
                criterion=world["round"].criteria.first(),
                points=Decimal(10),
            )


class TestDossier:
    def test_a_recognition_is_refused_while_the_dossier_lacks_items_named_one_by_one(
        self, world: dict[str, Any]
    ) -> None:
        from khuyencong.products.tests.conftest import PDF, complete_dossier

        people = world["people"]
        with time_machine.travel(NOW, tick=False):
            basket = entry_register(
                actor=people["rep"], selection=world["round"], product=world["basket"], registered_on=D(2026, 9, 1)
            )
            score_all(world, basket, {"GK1": [35, 32, 8, 7], "GK2": [36, 30, 9, 8]})
            entry_document_add(
                actor=people["rep"],
                entry=basket,
                item="registration_form",
                title="Phiếu đăng ký",
                upload=SimpleUploadedFile("phieu.pdf", PDF),
            )
            with pytest.raises(ValidationError) as refused:
                round_decide(
                    actor=people["commune"],
                    selection=world["round"],
                    on=D(2026, 10, 5),
                    document="1/QĐ",
                    recognized=[basket],
                )
            message = refused.value.error_dict["recognized"][0].message
            assert "Bản thuyết minh, mô tả sản phẩm" in message
            assert "Ảnh chính diện" in message
            assert "Ảnh mặt bên" in message
            assert "Phiếu đăng ký" not in message
            complete_dossier(people["rep"], basket)
            assert round_decide(
                actor=people["commune"],
                selection=world["round"],
                on=D(2026, 10, 5),
                document="1/QĐ",
                recognized=[basket],
            )

    def test_a_new_photo_of_an_angle_voids_the_old_one(self, world: dict[str, Any]) -> None:
        from khuyencong.products.models import ProductPhoto
        from khuyencong.products.tests.conftest import PNG

        with time_machine.travel(NOW, tick=False):
            for _ in range(2):
                product_photo_add(
                    actor=world["people"]["rep"],
                    product=world["basket"],
                    angle="front",
                    upload=SimpleUploadedFile("a.png", PNG),
                )
        assert ProductPhoto.objects.standing().count() == 1
        assert ProductPhoto.objects.voided().count() == 1

    def test_a_file_that_is_not_what_it_claims_is_refused(self, world: dict[str, Any]) -> None:
        with time_machine.travel(NOW, tick=False):
            for name, content, code in (
                ("a.png", b"not a png at all", "file_content"),
                ("a.exe", b"MZ", "file_type"),
                ("a.png", b"", "file_empty"),
            ):
                with pytest.raises(ValidationError) as refused:
                    product_photo_add(
                        actor=world["people"]["rep"],
                        product=world["basket"],
                        angle="front",
                        upload=SimpleUploadedFile(name, content),
                    )
                assert refused.value.error_dict["upload"][0].code == code


class TestComplaintPages:
    """The facility complains from the round's page; the organiser answers there; both refusals are said and write
    nothing."""

    def test_the_representative_complains_and_the_organiser_answers(self, decided: dict[str, Any]) -> None:
        from django.urls import reverse

        from conftest import client_for
        from khuyencong.products.models import Complaint

        people, code = decided["people"], decided["round"].code
        with time_machine.travel(NOW, tick=False):
            rep, organiser = client_for(people["rep"]), client_for(people["commune"])
            # Given the round's page, the representative is offered the complaint form for its entries
            page = rep.get(reverse("products:round", args=[code])).content.decode()
            assert "Khiếu nại kết quả" in page
            # When it complains after the 15 working days, it is told and nothing is written
            tray = decided["tray_entry"].pk
            late = rep.post(reverse("products:complaint_add", args=[code]),
                            {"entry": tray, "on": "27/10/2026", "text": "Đề nghị chấm lại."})  # fmt: skip
            assert late.status_code == 400
            assert "15 ngày làm việc" in late.content.decode()
            # A date that is not one is a form error, not a 500
            bad = rep.post(reverse("products:complaint_add", args=[code]),
                           {"entry": decided["tray_entry"].pk, "on": "32/13/2026", "text": "x"})  # fmt: skip
            assert bad.status_code == 400
            assert not Complaint.objects.exists()
            # Within the window it is recorded
            ok = rep.post(reverse("products:complaint_add", args=[code]),
                          {"entry": tray, "on": "26/10/2026", "text": "Đề nghị chấm lại."})  # fmt: skip
            assert ok.status_code == 302
            complaint = Complaint.objects.get()
            # The representative may not answer it; the organiser does
            url = reverse("products:complaint_answer", args=[code, complaint.pk])
            assert rep.post(url, {"on": "30/10/2026", "outcome": "dismissed"}).status_code == 403
            assert organiser.post(url, {"on": "30/10/2026", "outcome": "dismissed"}).status_code == 302
            complaint.refresh_from_db()
            assert complaint.answered_on == D(2026, 10, 30)
            assert complaint.outcome == "dismissed"
