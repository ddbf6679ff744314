"""The flag "in a disadvantaged area" (a priority group of Decree 235/2025/NĐ-CP), set through the services, the batched
creation and the pages, read back, and kept in the audit log like the other flags."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse

from conftest import client_for
from khuyencong.accounts.models import User
from khuyencong.audit.models import AuditAction, AuditEntry
from khuyencong.facilities.models import Facility, LegalForm
from khuyencong.facilities.services import (
    FacilityData,
    NewFacility,
    facility_create,
    facility_create_many,
    facility_update,
)
from khuyencong.geography.resolver import resolve_place

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

RECORDED_ON = datetime.date(2026, 1, 10)


def data(name: str = "HTX Quế Văn Yên", **fields: Any) -> FacilityData:
    place = resolve_place(province="Lào Cai", commune="Bảo Thắng", on=RECORDED_ON)
    return FacilityData(name=name, legal_form=LegalForm.COOPERATIVE, place=place, **fields)


def test_the_flag_is_off_unless_set(laocai_officer: User) -> None:
    # when a facility is registered without saying
    facility = facility_create(actor=laocai_officer, data=data())

    # then it is not counted as in a disadvantaged area
    facility.refresh_from_db()
    assert facility.disadvantaged_area is False


def test_the_service_sets_the_flag_and_the_audit_log_records_its_change(laocai_officer: User) -> None:
    # given a facility registered in a disadvantaged area
    facility = facility_create(actor=laocai_officer, data=data(disadvantaged_area=True))
    facility.refresh_from_db()
    assert facility.disadvantaged_area is True

    # when an edit says it is not
    facility_update(facility=facility, actor=laocai_officer, data=data(disadvantaged_area=False))

    # then it is read back so, and the change is in the log beside the other flags
    facility.refresh_from_db()
    assert facility.disadvantaged_area is False
    created = AuditEntry.objects.get(action=AuditAction.CREATE)
    assert created.changes["disadvantaged_area"]["after"] == "Có"
    updated = AuditEntry.objects.get(action=AuditAction.UPDATE)
    assert updated.changes == {"disadvantaged_area": {"before": "Có", "after": "Không"}}


def test_the_batched_creation_sets_the_flag(laocai_officer: User) -> None:
    # when two facilities are created at once, one in a disadvantaged area
    batch = facility_create_many(
        actor=laocai_officer,
        rows=[NewFacility(data("Cơ sở A", disadvantaged_area=True)), NewFacility(data("Cơ sở B"))],
    )

    # then each is read back as given, and audited with it
    flags = {f.name: f.disadvantaged_area for f in Facility.objects.filter(pk__in=[f.pk for f in batch.facilities])}
    assert flags == {"Cơ sở A": True, "Cơ sở B": False}
    first = AuditEntry.objects.get(object_id=str(batch.facilities[0].pk))
    assert first.changes["disadvantaged_area"]["after"] == "Có"


def page_post(**overrides: str) -> dict[str, str]:
    return {
        "name": "HTX Quế Văn Yên",
        "legal_form": "cooperative",
        "place_recorded_on": "10/01/2026",
        "province": "lao cai",
        "commune": "bao thang",
        **overrides,
    }


def test_the_pages_set_show_and_clear_the_flag(laocai_officer: User) -> None:
    # given an officer on the registration page, who ticks the box
    client = client_for(laocai_officer)
    form = client.get(reverse("facilities:create")).content.decode()
    assert 'name="disadvantaged_area"' in form

    # when the form is sent
    response = client.post(reverse("facilities:create"), page_post(disadvantaged_area="on"))

    # then the facility is in a disadvantaged area, and its page says so
    facility = Facility.objects.get()
    assert response.status_code == 302
    assert facility.disadvantaged_area is True
    detail = client.get(reverse("facilities:detail", args=[facility.pk])).content.decode()
    assert "<dt>Ở địa bàn khó khăn, đặc biệt khó khăn</dt><dd>Có</dd>" in detail

    # and the edit page shows the box ticked; sent unticked, the flag is cleared
    edit = client.get(reverse("facilities:edit", args=[facility.pk])).content.decode()
    assert 'name="disadvantaged_area" id="id_disadvantaged_area" checked' in edit
    client.post(reverse("facilities:edit", args=[facility.pk]), page_post())
    facility.refresh_from_db()
    assert facility.disadvantaged_area is False
    detail = client.get(reverse("facilities:detail", args=[facility.pk])).content.decode()
    assert "<dt>Ở địa bàn khó khăn, đặc biệt khó khăn</dt><dd>Không</dd>" in detail
