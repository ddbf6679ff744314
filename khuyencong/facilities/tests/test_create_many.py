"""Registering many facilities at once: the same checks, rows and search results as one by one, all or nothing."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from khuyencong.accounts.models import User
from khuyencong.audit.models import AuditEntry
from khuyencong.facilities.models import Facility, LegalForm
from khuyencong.facilities.selectors import facility_search
from khuyencong.facilities.services import (
    DuplicateFacilityWarning,
    FacilityBatchRefused,
    FacilityData,
    NewFacility,
    facility_create,
    facility_create_many,
)
from khuyencong.geography.resolver import resolve_place

pytestmark = pytest.mark.django_db

BEFORE = datetime.date(2022, 3, 1)
AFTER = datetime.date(2025, 8, 1)
SEARCHES = ["son thinh", "che", "bao yen", "0100233488", "cs-15", "lao cai", "van chan"]


def data(name: str, *, before: bool = True, **kw: Any) -> FacilityData:
    place = (
        resolve_place(province="Yên Bái", district="Văn Chấn", commune="Sơn Thịnh", on=BEFORE)
        if before
        else resolve_place(province="Lào Cai", commune="Bảo Yên", on=AFTER)
    )
    return FacilityData(name=name, legal_form=kw.pop("legal_form", LegalForm.HOUSEHOLD_BUSINESS), place=place, **kw)


def rows() -> list[NewFacility]:
    """Old and new places, explicit and generated codes, a tax code, and names repeated in one commune."""
    return [
        NewFacility(data("Cơ sở chè Sơn Thịnh", tax_code="0100233488", trade_description="Chè"), "YB-1"),
        NewFacility(data("Cơ sở chè Sơn Thịnh", address="Thôn 2"), "YB-2"),
        NewFacility(data("HTX gỗ Bảo Yên", before=False, women_owned=True, workers=12)),
        NewFacility(data("HTX gỗ Bảo Yên", before=False, craft_village="Làng gỗ")),
        NewFacility(data("Cơ sở chè Sơn Thinh", representative="Nguyễn Văn A"), "YB-3"),
        NewFacility(data("Cơ sở miến", before=False, founded_year=2001), "CS-15-000007"),
        NewFacility(data("Cơ sở mật ong", before=False)),
    ]


def one_by_one(actor: User, batch: list[NewFacility]) -> list[list[str]]:
    """What the importer did before: each row through facility_create, a same-name question answered yes."""
    similar: list[list[str]] = []
    for row in batch:
        try:
            facility_create(actor=actor, data=row.data, code=row.code)
            similar.append([])
        except DuplicateFacilityWarning as warning:
            similar.append([f.code for f in warning.similar])
            facility_create(actor=actor, data=row.data, code=row.code, confirm_duplicate=True)
    return similar


def written() -> dict[str, Any]:
    skip = {"id", "created_at", "updated_at"}
    facilities = [
        {f.attname: getattr(x, f.attname) for f in Facility._meta.concrete_fields if f.attname not in skip}
        for x in Facility.objects.order_by("pk")
    ]
    codes = dict(Facility.objects.values_list("pk", "code"))
    audit = [
        (codes[int(e.object_id)], e.action, e.actor_id, e.actor_name, e.organization_name, e.content_type_id,
         e.object_repr, e.changes, e.note)
        for e in AuditEntry.objects.order_by("pk")
    ]  # fmt: skip
    found = {q: sorted(facility_search(Facility.objects.all(), q).values_list("code", flat=True)) for q in SEARCHES}
    return {"facilities": facilities, "audit": audit, "search": found}


def test_a_batch_writes_exactly_what_one_by_one_creation_writes(
    laocai_officer: User, yen_bai_facility: Facility
) -> None:
    # Given a facility already registered, and rows that repeat a name in the same commune
    with transaction.atomic():
        similar_one_by_one = one_by_one(laocai_officer, rows())
        expected = written()
        transaction.set_rollback(True)

    # When the same rows are created in one batch
    batch = facility_create_many(actor=laocai_officer, rows=rows())

    # Then the same facilities, audit entries and search results are there, and the same names are warned about
    assert written() == expected
    assert [[f.code for f in similar] for similar in batch.similar] == similar_one_by_one
    assert similar_one_by_one[1] == ["YB-1"]
    assert similar_one_by_one[3] == ["CS-15-000002"]
    assert [f.code for f in batch.facilities][2:4] == ["CS-15-000002", "CS-15-000003"]


def test_every_refused_row_is_named_and_nothing_is_written(laocai_officer: User) -> None:
    # Given rows wrong in different ways, one of them only because of an earlier row of the batch
    batch = [
        NewFacility(data("Cơ sở A", tax_code="0100233488"), "A-1"),
        NewFacility(data("Cơ sở B", tax_code="0101245485"), "A-2"),
        NewFacility(data("Cơ sở C"), "A 3"),
        NewFacility(data("Cơ sở D", tax_code="0100233488"), "A-4"),
        NewFacility(data("Cơ sở E", founded_year=2999), "A-5"),
        NewFacility(data("Cơ sở F"), "A-1"),
        NewFacility(data("Cơ sở G"), "A-7"),
    ]

    # When they are created as one batch
    with pytest.raises(FacilityBatchRefused) as refused:
        facility_create_many(actor=laocai_officer, rows=batch)

    # Then every wrong row is named with the field and code facility_create gives, and nothing is written
    errors = refused.value.errors
    assert sorted(errors) == [1, 2, 3, 4, 5]
    assert all(isinstance(e, ValidationError) for e in errors.values())
    fields = {i: sorted(e.message_dict) for i, e in errors.items() if isinstance(e, ValidationError)}
    assert fields == {1: ["tax_code"], 2: ["code"], 3: ["tax_code"], 4: ["founded_year"], 5: ["code"]}
    assert "đã được đăng ký cho Cơ sở A (mã A-1)" in str(errors[3])
    assert not Facility.objects.exists()
    assert not AuditEntry.objects.exists()


def test_a_batch_may_not_reach_into_another_province(laocai_officer: User) -> None:
    # Given a Lào Cai officer and a batch with one facility in Thái Nguyên
    elsewhere = resolve_place(province="Thái Nguyên", commune="Phường Bắc Kạn", on=AFTER)
    batch = [
        NewFacility(data("Cơ sở Lào Cai", before=False), "LC-1"),
        NewFacility(FacilityData(name="Cơ sở Thái Nguyên", legal_form=LegalForm.COOPERATIVE, place=elsewhere), "TN-1"),
    ]

    # When the officer creates the batch
    with pytest.raises(FacilityBatchRefused) as refused:
        facility_create_many(actor=laocai_officer, rows=batch)

    # Then the capability check refuses that row, as for one facility, and nothing is written
    assert list(refused.value.errors) == [1]
    assert isinstance(refused.value.errors[1], PermissionDenied)
    assert not Facility.objects.exists()
