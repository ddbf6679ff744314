"""Products and the typical-product selection in the exchange format (sections `products` and `selection_rounds`):
exported with their rounds, entries, each judge's scores, the decision, certificates, complaints and revocations;
imported through the same services as the pages, as the uploader; export → import into an empty database → export
gives the same document."""

from __future__ import annotations

import copy
import datetime
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from conftest import make_user
from khuyencong.accounts.models import Role, User
from khuyencong.exchange.exporter import exchange_export
from khuyencong.exchange.importer import exchange_import
from khuyencong.organizations.models import Organization
from khuyencong.products.models import (
    Certificate,
    Complaint,
    CouncilMember,
    Entry,
    EntryDocument,
    HolderReport,
    Judge,
    Product,
    ProductPhoto,
    Score,
    SelectionRound,
)
from khuyencong.products.services import (
    certificate_revoke,
    complaint_answer,
    complaint_record,
    council_member_add,
    council_member_void,
    entry_document_add,
    entry_register,
    holder_report_record,
    holder_report_void,
    product_create,
    round_create,
    round_decide,
    round_fund,
    score_record,
)
from khuyencong.products.tests.conftest import NOW, PDF, complete_dossier
from khuyencong.programs.services import plan_create
from khuyencong.projects.models import ProjectContent
from khuyencong.projects.services import project_create

D = datetime.date
pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


def funding_project(code: str = "BC-LC-2026") -> Any:
    committee = make_user(f"ubnd.{code}", "UBND-15", Role.APPROVER, Role.OFFICER)
    plan = plan_create(
        actor=committee, code=f"KCDP-{code}", year=2026, funding_source="provincial",
        owner=Organization.objects.get(code="UBND-15"),
    )  # fmt: skip
    return project_create(
        actor=committee, code=code, title="Tổ chức bình chọn sản phẩm CNNT tiêu biểu 2026", plan=plan,
        content=ProjectContent.objects.get(code="typical_product_selection"), kind="general",
        implementer=Organization.objects.get(code="TTKC-15"),
    )  # fmt: skip


def provincial_round(decided: dict[str, Any]) -> SelectionRound:
    """The Sở's round: the commune's recognised basket climbs with its certificate; a judge without an account whose
    paper sheet the Sở types in."""
    sct = decided["people"]["sct"]
    selection = round_create(
        actor=sct, code="BC-TINH-2026", name="Bình chọn cấp tỉnh Lào Cai 2026", level="provincial", year=2026,
        organizer=Organization.objects.get(code="SCT-15"), threshold=Decimal("75.5"),
        judges=[("GK-A", "Nguyễn Văn A", None)],
    )  # fmt: skip
    entry = entry_register(
        actor=sct, selection=selection, product=decided["basket"], registered_on=D(2026, 10, 20),
        lower_certificate=decided["certificate"],
    )  # fmt: skip
    judge = Judge.objects.get(round=selection)
    for criterion, points in zip(selection.criteria.order_by("position"), ["38.5", "36", "9", "8"], strict=True):
        score_record(actor=sct, entry=entry, judge=judge, criterion=criterion, points=Decimal(points), transcribed=True)
    complete_dossier(sct, entry)
    entry_document_add(
        actor=sct, entry=entry, item="shortlist_letter", title="CV 12/UBND",
        upload=SimpleUploadedFile("cv.pdf", PDF),
    )  # fmt: skip
    round_decide(actor=sct, selection=selection, on=D(2026, 11, 2), document="88/QĐ-SCT", recognized=[entry])
    return selection


def full_history(decided: dict[str, Any]) -> None:
    people = decided["people"]
    round_fund(actor=people["commune"], selection=decided["round"], project=funding_project())
    provincial_round(decided)
    complaint = complaint_record(actor=people["rep"], entry=decided["tray_entry"], on=D(2026, 10, 9), text="Chấm thấp")
    complaint_answer(actor=people["commune"], complaint=complaint, on=D(2026, 10, 16), outcome="dismissed")
    complaint_record(actor=people["rep"], entry=decided["basket_entry"], on=D(2026, 10, 12), text="Xin xem lại điểm")
    for name, role in (("Hoàng Văn Chủ", "chair"), ("Ghi Nhầm", "member"), ("Lò Thị Thư", "secretary")):
        member = council_member_add(
            actor=people["commune"], selection=decided["round"], name=name, position="UBND xã Bảo Thắng", role=role
        )
    council_member_void(actor=people["commune"], member=CouncilMember.objects.get(name="Ghi Nhầm"), reason="Nhầm")
    wrong = holder_report_record(
        actor=people["rep"], certificate=decided["certificate"], year=2026, reported_on=D(2026, 11, 10),
        support_received=Decimal(5_000_000), results="Bán thêm 200 giỏ",
    )  # fmt: skip
    holder_report_void(actor=people["rep"], report=wrong, reason="Sai số tiền")
    holder_report_record(
        actor=people["rep"], certificate=decided["certificate"], year=2026, reported_on=D(2026, 11, 10),
        support_received=Decimal(0), support_text="Gian hàng hội chợ", results="Bán thêm 200 giỏ",
    )  # fmt: skip
    assert member.role == "secretary"
    certificate_revoke(
        actor=people["commune"], certificate=decided["certificate"], on=D(2026, 11, 20), reason="Sản phẩm đổi mẫu"
    )


def exported_then_rolled_back(decided: dict[str, Any]) -> dict[str, Any]:
    try:
        with transaction.atomic(), time_machine.travel(NOW, tick=False):
            full_history(decided)
            exported = exchange_export()
            raise Rollback
    except Rollback:
        pass
    return exported


def test_the_export_names_every_fact_of_the_selection(decided: dict[str, Any]) -> None:
    exported = exported_then_rolled_back(decided)

    assert [p["code"] for p in exported["products"]] == ["SP-1", "SP-2"]
    assert exported["products"][0]["certificates_held"] == ["TCCS 01:2024"]
    # the commune's round first: its certificate is named by the province's entry
    commune, province = exported["selection_rounds"]
    assert (commune["code"], province["code"]) == ("BC-XA-2026", "BC-TINH-2026")
    assert commune["project"] == "BC-LC-2026"
    assert [c["max"] for c in commune["criteria"]] == [40, 40, 10, 10]
    basket = commune["entries"][0]
    # standing facts only, as for scores: the member named by mistake and the voided report do not travel
    assert commune["council"] == [
        {"name": "Hoàng Văn Chủ", "position": "UBND xã Bảo Thắng", "role": "chair"},
        {"name": "Lò Thị Thư", "position": "UBND xã Bảo Thắng", "role": "secretary"},
    ]
    assert basket["certificate"] == {
        "code": "BC-XA-2026/001",
        "on": "2026-10-05",
        "valid_until": "2028-12-31",
        "reports": [
            {"year": 2026, "reported_on": "2026-11-10", "support_received": 0, "support_text": "Gian hàng hội chợ",
             "results": "Bán thêm 200 giỏ"}
        ],
    }  # fmt: skip
    assert basket["revoked"] == {"on": "2026-11-20", "reason": "Sản phẩm đổi mẫu"}
    assert {"judge": "GK1", "criterion": "market", "points": 35} in basket["scores"]
    tray = commune["entries"][1]
    assert "recognized" not in tray
    assert "certificate" not in tray
    assert tray["complaints"] == [
        {"on": "2026-10-09", "text": "Chấm thấp", "answered_on": "2026-10-16", "outcome": "dismissed"}
    ]
    assert province["threshold"] == 75.5
    assert province["entries"][0]["lower_certificate"] == "BC-XA-2026/001"
    assert province["entries"][0]["scores"][0] == {"judge": "GK-A", "criterion": "market", "points": 38.5}
    # the đề án that funds the commune's round goes along
    assert "BC-LC-2026" in {p["code"] for p in exported["projects"]}


def test_export_import_into_an_empty_database_export_is_the_same_document(
    decided: dict[str, Any], system_actor: User
) -> None:
    exported = exported_then_rolled_back(decided)
    # the fixture's facilities and bodies stay (they import unchanged); its products and rounds go
    with time_machine.travel(NOW, tick=False):
        _empty()

        report = exchange_import(copy.deepcopy(exported), actor=system_actor)

        assert report.ok, [str(e) for e in report.errors]
        assert report.created["products"] == 2
        assert report.created["selection rounds"] == 2
        assert exchange_export() == exported
        # and the same document again changes nothing
        assert exchange_import(copy.deepcopy(exported), actor=system_actor).changed_nothing


def _empty() -> None:
    for model in (Complaint, EntryDocument, Score, HolderReport, CouncilMember):
        model.objects.all().delete()
    Entry.objects.update(lower_certificate=None)
    Certificate.objects.all().delete()
    Entry.objects.all().delete()
    SelectionRound.objects.all().delete()
    ProductPhoto.objects.all().delete()
    Product.objects.all().delete()


def round_document(**changes: Any) -> dict[str, Any]:
    """A commune round of the fixture's products, one judge typed in from paper, SP-1 recognised at 82."""
    entry: dict[str, Any] = {
        "product": "SP-1",
        "registered_on": "2026-09-01",
        "scores": [
            {"judge": "J1", "criterion": c, "points": p}
            for c, p in (("market", 35), ("economic", 32), ("culture", 8), ("other", 7))
        ],
        "recognized": True,
        "certificate": {"code": "BT-2026/01", "on": "2026-10-05"},
    }
    selection: dict[str, Any] = {
        "code": "BC-XA-NHAP",
        "name": "Bình chọn cấp xã Bảo Thắng 2026",
        "level": "commune",
        "year": 2026,
        "organizer": "UBND-BT",
        "judges": [{"code": "J1", "name": "Trần Thị B"}],
        "decision": {"on": "2026-10-05", "document": "125/QĐ-UBND"},
        "entries": [entry],
    }
    for key, value in changes.items():
        (entry if key in entry or key in ("lower_certificate", "complaints", "revoked") else selection)[key] = value
    return {"format": "khuyencong-exchange", "version": 1, "selection_rounds": [selection]}


def issues(report: Any) -> list[tuple[str, str]]:
    return [(i.path, i.code) for i in report.errors]


class TestImport:
    def test_the_organiser_imports_a_round_and_its_certificate_is_as_written(self, world: dict[str, Any]) -> None:
        with time_machine.travel(NOW, tick=False):
            report = exchange_import(round_document(), actor=world["people"]["commune"])

        assert report.ok, [str(e) for e in report.errors]
        certificate = Certificate.objects.get(code="BT-2026/01")
        # valid by the rule in force when the file gives no end
        assert (certificate.issued_on, certificate.valid_until) == (D(2026, 10, 5), D(2028, 12, 31))
        assert Score.objects.filter(recorded_by=world["people"]["commune"]).count() == 4

    def test_the_council_and_a_holders_report_come_in_and_a_different_report_of_the_same_year_conflicts(
        self, world: dict[str, Any]
    ) -> None:
        report_2026 = {"year": 2026, "reported_on": "2026-11-10", "support_received": "5 triệu", "results": "Tăng"}
        document = round_document(council=[{"name": "Hoàng Văn Chủ", "position": "Chủ tịch UBND xã", "role": "chair"}])
        document["selection_rounds"][0]["entries"][0]["certificate"]["reports"] = [report_2026]
        with time_machine.travel(NOW, tick=False):
            assert exchange_import(copy.deepcopy(document), actor=world["people"]["commune"]).ok
            assert HolderReport.objects.get().support_received == 5_000_000
            assert CouncilMember.objects.get().role == "chair"
            assert exchange_import(copy.deepcopy(document), actor=world["people"]["commune"]).changed_nothing

            report_2026["support_received"] = 6_000_000
            conflict = exchange_import(document, actor=world["people"]["commune"])

        assert issues(conflict) == [("$.selection_rounds[0].entries[0].certificate.reports[0]", "history_conflict")]
        assert HolderReport.objects.get().support_received == 5_000_000

    def test_a_council_member_of_no_known_role_is_a_schema_error(self, world: dict[str, Any]) -> None:
        document = round_document(council=[{"name": "A", "position": "B", "role": "king"}])
        with time_machine.travel(NOW, tick=False):
            report = exchange_import(document, actor=world["people"]["commune"])

        assert not report.ok
        assert not CouncilMember.objects.exists()

    def test_a_score_above_its_criterion_maximum_is_refused_and_nothing_is_written(self, world: dict[str, Any]) -> None:
        document = round_document()
        document["selection_rounds"][0]["entries"][0]["scores"][2]["points"] = 12  # culture: at most 10
        with time_machine.travel(NOW, tick=False):
            report = exchange_import(document, actor=world["people"]["commune"])

        assert issues(report) == [("$.selection_rounds[0].entries[0].scores[2].points", "points_out_of_range")]
        assert not SelectionRound.objects.filter(code="BC-XA-NHAP").exists()

    def test_a_product_recognised_below_the_threshold_is_refused(self, world: dict[str, Any]) -> None:
        document = round_document(threshold=90)
        with time_machine.travel(NOW, tick=False):
            report = exchange_import(document, actor=world["people"]["commune"])

        assert issues(report) == [("$.selection_rounds[0].recognized", "below_threshold")]
        assert "82.00" in report.errors[0].message

    def test_recognised_without_a_decision_is_refused(self, world: dict[str, Any]) -> None:
        document = round_document()
        del document["selection_rounds"][0]["decision"]
        del document["selection_rounds"][0]["entries"][0]["certificate"]
        with time_machine.travel(NOW, tick=False):
            report = exchange_import(document, actor=world["people"]["commune"])

        assert issues(report) == [("$.selection_rounds[0].entries[0].recognized", "no_decision")]

    def test_a_provincial_entry_without_a_lower_certificate_is_refused(self, world: dict[str, Any]) -> None:
        document = round_document(level="provincial", organizer="SCT-15", code="BC-TINH-NHAP")
        with time_machine.travel(NOW, tick=False):
            report = exchange_import(document, actor=world["people"]["sct"])

        assert issues(report) == [("$.selection_rounds[0].entries[0].lower_certificate", "lower_certificate_required")]

    def test_a_lower_certificate_expired_on_the_registration_day_is_refused(self, decided: dict[str, Any]) -> None:
        # the commune certificate of 05/10/2026 is valid until 31/12/2028
        document = round_document(
            level="provincial", organizer="SCT-15", code="BC-TINH-2029", year=2029, registered_on="2029-03-01",
            lower_certificate="BC-XA-2026/001", decision={"on": "2029-05-01", "document": "1/QĐ"},
        )  # fmt: skip
        with time_machine.travel(datetime.datetime(2029, 6, 1, tzinfo=datetime.UTC), tick=False):
            report = exchange_import(document, actor=decided["people"]["sct"])

        assert issues(report) == [("$.selection_rounds[0].entries[0].lower_certificate", "lower_certificate_expired")]

    def test_another_province_may_not_import_the_round(self, world: dict[str, Any]) -> None:
        with time_machine.travel(NOW, tick=False):
            report = exchange_import(round_document(), actor=world["people"]["other"])

        assert [code for _, code in issues(report)] == ["out_of_scope"]
        assert not SelectionRound.objects.filter(code="BC-XA-NHAP").exists()

    def test_a_judge_with_an_account_is_not_typed_in_by_the_organiser(self, decided: dict[str, Any]) -> None:
        # given the fixture's round, whose judges score with their own accounts, exported
        with time_machine.travel(NOW, tick=False):
            exported = exchange_export()
            selection = exported["selection_rounds"][0]
            # when a file gives the second product a new score of GK1
            selection["entries"][1]["scores"][0]["points"] = 29
            document = {"format": "khuyencong-exchange", "version": 1, "selection_rounds": [selection]}
            report = exchange_import(document, actor=decided["people"]["commune"])

        # then it is refused: only the judge writes on their sheet (and a decided round takes no new score anyway)
        assert [code for _, code in issues(report)] == ["judge_has_account"], [str(e) for e in report.errors]

    def test_an_unknown_field_and_an_unknown_level_are_schema_errors(self, world: dict[str, Any]) -> None:
        document = round_document(level="village")
        document["selection_rounds"][0]["entries"][0]["prize"] = "A"
        report = exchange_import(document, actor=world["people"]["commune"])

        assert set(issues(report)) == {
            ("$.selection_rounds[0].level", "schema_enum"),
            ("$.selection_rounds[0].entries[0]", "schema_additionalProperties"),
        }

    def test_a_funding_project_of_another_content_is_refused(self, world: dict[str, Any]) -> None:
        with time_machine.travel(NOW, tick=False):
            project = funding_project()
            project.content = ProjectContent.objects.get(code="machinery_application")
            project.save(update_fields=["content"])
            report = exchange_import(round_document(project="BC-LC-2026"), actor=world["people"]["commune"])

        assert issues(report) == [("$.selection_rounds[0].project", "content_mismatch")]


def test_a_provinces_export_of_a_national_round_carries_no_other_provinces_entry(
    world: dict[str, Any], make_facility: Any
) -> None:
    # given the Cục's national round (open to every province) with a Lào Cai and a Thái Nguyên product entered
    # (rows made directly: the climb through the levels is not what is tested here)
    with time_machine.travel(NOW, tick=False):
        cuc = make_user("cuc.sp", "CUC-CTDP", Role.OFFICER)
        national = round_create(actor=cuc, code="BC-QG", name="Quốc gia 2026", level="national", year=2026,
                                organizer=Organization.objects.get(code="CUC-CTDP"))  # fmt: skip
        foreign = make_facility("HTX chè Tân Cương", province="Thái Nguyên")
        tea = product_create(actor=cuc, facility=foreign, code="SP-TN", name="Chè Tân Cương", group="agro_food")
        for product in (world["basket"], tea):
            Entry.objects.create(round=national, product=product, registered_on=D(2026, 11, 2))

        exported = exchange_export(user=world["people"]["sct"])

    # then the Lào Cai export names its own entry, and nothing of Thái Nguyên
    (round_,) = [r for r in exported["selection_rounds"] if r["code"] == "BC-QG"]
    assert [e["product"] for e in round_["entries"]] == ["SP-1"]
    assert "SP-TN" not in {p["code"] for p in exported["products"]}
    assert foreign.code not in {f["code"] for f in exported["facilities"]}
