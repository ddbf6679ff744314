"""A commune's round with two judges and a facility with two products, built through the services."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import make_user
from khuyencong.accounts.models import Role
from khuyencong.organizations.models import Organization
from khuyencong.products.models import Entry, Judge, SelectionRound
from khuyencong.products.services import (
    entry_document_add,
    entry_register,
    product_create,
    product_photo_add,
    round_create,
    round_decide,
    score_record,
)

D = datetime.date
NOW = datetime.datetime(2026, 11, 27, 3, 0, tzinfo=datetime.UTC)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"


def complete_dossier(actor: Any, entry: Entry) -> None:
    """The registration form, the description and three photos: what TT 26/2014 Art. 12 asks of a lowest-level entry."""
    for item in ("registration_form", "description"):
        entry_document_add(
            actor=actor, entry=entry, item=item, title=item, upload=SimpleUploadedFile(f"{item}.pdf", PDF)
        )
    for angle in ("front", "side", "detail"):
        product_photo_add(
            actor=actor, product=entry.product, angle=angle, upload=SimpleUploadedFile(f"{angle}.png", PNG)
        )


@pytest.fixture
def world(db: None, make_facility: Any) -> dict[str, Any]:
    with time_machine.travel(NOW, tick=False):
        facility = make_facility("HTX Mây tre đan Bảo Thắng", province="Lào Cai", commune="Bảo Thắng")
        commune = facility.current_commune
        assert commune is not None
        Organization.objects.create(
            code="UBND-BT", name="UBND xã Bảo Thắng", kind="commune_committee", territory=commune
        )
        people = {
            "commune": make_user("xa.bt", "UBND-BT", Role.OFFICER),
            "sct": make_user("sct15", "SCT-15", Role.OFFICER),
            "other": make_user("sct19", "SCT-19", Role.OFFICER),
            "judge1": make_user("gk1", None, Role.VIEWER),
            "judge2": make_user("gk2", None, Role.VIEWER),
            "rep": make_user("rep", None, Role.FACILITY_REPRESENTATIVE, facility=facility),
        }
        basket = product_create(
            actor=people["rep"],
            facility=facility,
            code="SP-1",
            name="Giỏ mây đan",
            group="handicraft",
            certificates_held=["TCCS 01:2024"],
        )
        tray = product_create(actor=people["sct"], facility=facility, code="SP-2", name="Khay tre", group="handicraft")
        commune_round = round_create(
            actor=people["commune"],
            code="BC-XA-2026",
            name="Bình chọn sản phẩm CNNT tiêu biểu cấp xã 2026",
            level="commune",
            year=2026,
            organizer=Organization.objects.get(code="UBND-BT"),
            judges=[("GK1", "Giám khảo 1", people["judge1"]), ("GK2", "Giám khảo 2", people["judge2"])],
        )
    return {"facility": facility, "people": people, "basket": basket, "tray": tray, "round": commune_round}


def score_all(world: dict[str, Any], entry: Entry, sheets: dict[str, list[int]]) -> None:
    selection: SelectionRound = world["round"]
    criteria = list(selection.criteria.order_by("position"))
    for judge_code, points in sheets.items():
        judge = Judge.objects.get(round=selection, code=judge_code)
        actor = world["people"]["judge1" if judge_code == "GK1" else "judge2"]
        for criterion, value in zip(criteria, points, strict=True):
            score_record(actor=actor, entry=entry, judge=judge, criterion=criterion, points=Decimal(value))


@pytest.fixture
def decided(world: dict[str, Any]) -> dict[str, Any]:
    with time_machine.travel(NOW, tick=False):
        people = world["people"]
        basket = entry_register(
            actor=people["rep"], selection=world["round"], product=world["basket"], registered_on=D(2026, 9, 1)
        )
        tray = entry_register(
            actor=people["commune"], selection=world["round"], product=world["tray"], registered_on=D(2026, 9, 2)
        )
        score_all(world, basket, {"GK1": [35, 32, 8, 7], "GK2": [36, 30, 9, 8]})  # 82 and 83
        score_all(world, tray, {"GK1": [30, 25, 6, 5], "GK2": [28, 27, 7, 6]})  # 66 and 68
        complete_dossier(people["rep"], basket)
        (certificate,) = round_decide(
            actor=people["commune"],
            selection=world["round"],
            on=D(2026, 10, 5),
            document="125/QĐ-UBND",
            recognized=[basket],
        )
    return {**world, "basket_entry": basket, "tray_entry": tray, "certificate": certificate}
