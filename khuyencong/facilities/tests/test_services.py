"""Registering and editing facilities: validated, permission-checked, audited, all or nothing."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from khuyencong.accounts.models import User
from khuyencong.audit.models import AuditAction, AuditEntry
from khuyencong.facilities.models import Facility, LegalForm
from khuyencong.facilities.services import DuplicateFacilityWarning, FacilityData, facility_create, facility_update
from khuyencong.geography.resolver import resolve_place

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 1, 10)


def data(
    name: str = "HTX Chè Shan Tuyết", *, province: str = "Lào Cai", commune: str = "Bảo Thắng", **kw
) -> FacilityData:
    place = resolve_place(province=province, commune=commune, on=TODAY)
    return FacilityData(name=name, legal_form=kw.pop("legal_form", LegalForm.COOPERATIVE), place=place, **kw)


def test_an_officer_registers_a_facility_in_their_province_and_it_is_audited(laocai_officer: User) -> None:
    facility = facility_create(actor=laocai_officer, data=data(tax_code="0100233488"))
    assert facility.code == "CS-15-000001"
    assert facility.current_province.name == "Lào Cai"
    entry = AuditEntry.objects.get(object_id=str(facility.pk))
    assert entry.action == AuditAction.CREATE
    assert entry.actor == laocai_officer
    assert entry.changes["name"] == {"before": None, "after": "HTX Chè Shan Tuyết"}
    assert entry.changes["legal_form"]["after"] == "Hợp tác xã"


def test_codes_continue_the_province_sequence(laocai_officer: User) -> None:
    facility_create(actor=laocai_officer, data=data("Cơ sở A"))
    second = facility_create(actor=laocai_officer, data=data("Cơ sở B"))
    assert second.code == "CS-15-000002"


def test_an_officer_cannot_register_a_facility_in_another_province(laocai_officer: User) -> None:
    with pytest.raises(PermissionDenied):
        facility_create(actor=laocai_officer, data=data(province="Thái Nguyên", commune="Phường Bắc Kạn"))
    assert not Facility.objects.exists()


def test_a_viewer_cannot_register_anything(laocai_viewer: User) -> None:
    with pytest.raises(PermissionDenied):
        facility_create(actor=laocai_viewer, data=data())


def test_the_same_tax_code_is_refused_and_nothing_is_written(laocai_officer: User) -> None:
    facility_create(actor=laocai_officer, data=data("Cơ sở A", tax_code="0100233488"))
    with pytest.raises(ValidationError) as caught:
        facility_create(actor=laocai_officer, data=data("Cơ sở B", tax_code="0100233488"))
    assert "đã được đăng ký cho Cơ sở A" in str(caught.value.message_dict["tax_code"])
    assert Facility.objects.count() == 1
    assert AuditEntry.objects.count() == 1


def test_a_tax_code_held_outside_the_scope_does_not_reveal_the_holder(laocai_officer: User, make_facility) -> None:
    make_facility("Bí mật Thái Nguyên", province="Thái Nguyên", tax_code="0100233488")
    with pytest.raises(ValidationError) as caught:
        facility_create(actor=laocai_officer, data=data(tax_code="0100233488"))
    assert "một cơ sở khác" in str(caught.value)
    assert "Bí mật" not in str(caught.value)


def test_a_branch_tax_code_is_distinct_from_its_parent(laocai_officer: User) -> None:
    facility_create(actor=laocai_officer, data=data("Trụ sở", tax_code="0100233488"))
    branch = facility_create(actor=laocai_officer, data=data("Chi nhánh", tax_code="0100233488013"))
    assert branch.tax_code == "0100233488-013"


def test_the_same_name_in_the_same_commune_is_warned_then_accepted_when_confirmed(laocai_officer: User) -> None:
    first = facility_create(actor=laocai_officer, data=data("HTX Chè Shan Tuyết"))
    with pytest.raises(DuplicateFacilityWarning) as caught:
        facility_create(actor=laocai_officer, data=data("htx che shan tuyet"))
    assert caught.value.similar == [first]
    assert Facility.objects.count() == 1
    facility_create(actor=laocai_officer, data=data("htx che shan tuyet"), confirm_duplicate=True)
    assert Facility.objects.count() == 2


def test_the_same_name_in_another_commune_is_not_a_duplicate(laocai_officer: User) -> None:
    facility_create(actor=laocai_officer, data=data("HTX Chè", commune="Bảo Thắng"))
    facility_create(actor=laocai_officer, data=data("HTX Chè", commune="Sa Pa"))
    assert Facility.objects.count() == 2


def test_an_edit_records_each_changed_field_before_and_after(laocai_officer: User) -> None:
    facility = facility_create(actor=laocai_officer, data=data(workers=10))
    facility_update(facility=facility, actor=laocai_officer, data=data(workers=12, women_owned=True))
    entry = AuditEntry.objects.filter(action=AuditAction.UPDATE).get()
    assert entry.changes == {
        "workers": {"before": "10", "after": "12"},
        "women_owned": {"before": "Không", "after": "Có"},
    }


def test_an_edit_that_changes_nothing_leaves_no_entry(laocai_officer: User) -> None:
    facility = facility_create(actor=laocai_officer, data=data())
    facility_update(facility=facility, actor=laocai_officer, data=data())
    assert not AuditEntry.objects.filter(action=AuditAction.UPDATE).exists()


def test_an_officer_cannot_move_a_facility_out_of_their_province(laocai_officer: User) -> None:
    facility = facility_create(actor=laocai_officer, data=data())
    with pytest.raises(PermissionDenied):
        facility_update(
            facility=facility, actor=laocai_officer, data=data(province="Thái Nguyên", commune="Phường Bắc Kạn")
        )
    facility.refresh_from_db()
    assert facility.current_province.name == "Lào Cai"


def test_an_officer_cannot_edit_another_provinces_facility(
    laocai_officer: User, thai_nguyen_facility: Facility
) -> None:
    with pytest.raises(PermissionDenied):
        facility_update(facility=thai_nguyen_facility, actor=laocai_officer, data=data())


def test_negative_revenue_is_refused(laocai_officer: User) -> None:
    from decimal import Decimal

    with pytest.raises(ValidationError) as caught:
        facility_create(actor=laocai_officer, data=data(annual_revenue=Decimal(-1)))
    assert "annual_revenue" in caught.value.message_dict
    assert not Facility.objects.exists()


def test_a_historical_place_is_kept_as_recorded_and_counted_today(thai_nguyen_facility: Facility) -> None:
    assert thai_nguyen_facility.district is not None
    assert thai_nguyen_facility.district.name == "Na Rì"
    assert thai_nguyen_facility.recorded_place == "Xã Cường Lợi, Huyện Na Rì, Tỉnh Bắc Kạn"
    assert thai_nguyen_facility.current_province.name == "Thái Nguyên"
    assert thai_nguyen_facility.current_commune is not None
    assert thai_nguyen_facility.current_commune.parent == thai_nguyen_facility.current_province
