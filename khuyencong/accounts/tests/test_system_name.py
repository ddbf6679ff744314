"""The system account (imports and demo loads without a person) is named in the reader's language on pages, and in
Vietnamese in the records (audit entries), like every record."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from conftest import FacilityMaker, chose_english, client_for, make_user
from khuyencong.accounts.models import SYSTEM_NAME, Role, person_label
from khuyencong.accounts.services import system_user
from khuyencong.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_the_system_account_is_named_in_the_readers_language() -> None:
    system = system_user()
    with translation.override("en"):
        assert system.get_full_name() == "System"
        assert person_label(SYSTEM_NAME) == "System"
        # a person's name is never translated
        assert person_label("Nguyễn Văn Giám") == "Nguyễn Văn Giám"
    with translation.override("vi"):
        assert system.get_full_name() == "Hệ thống"


def test_the_record_keeps_vietnamese_and_the_page_says_it_in_english(make_facility: FacilityMaker) -> None:
    # Given a facility recorded by the system account while English is active (a command run in English)
    with translation.override("en"):
        facility = make_facility("HTX Chè Bảo Thắng", province="Lào Cai")
    entry = AuditEntry.objects.filter(object_id=str(facility.pk)).get()

    # Then the audit entry keeps the Vietnamese name, as a record
    assert entry.actor_name == "Hệ thống"

    # And the facility's history names it in each reader's language
    officer = make_user("sct15", "SCT-15", Role.OFFICER)
    url = reverse("facilities:detail", args=[facility.pk])
    in_vietnamese = client_for(officer).get(url).content.decode()
    in_english = client_for(chose_english(officer)).get(url).content.decode()
    assert " · Hệ thống · " in in_vietnamese
    assert " · System · " in in_english
    assert "Hệ thống" not in in_english
