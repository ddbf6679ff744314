"""The list of bodies and the territory refusals in English for a user who chose it; Vietnamese by default."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from conftest import chose_english, client_for, make_user
from khuyencong.accounts.models import Role
from khuyencong.core.refusals import codes_of
from khuyencong.geography.models import AdminUnit, Era, Level
from khuyencong.organizations.models import Organization
from khuyencong.organizations.services import organization_territory_add

pytestmark = pytest.mark.django_db


def test_the_list_of_bodies_reads_in_english_and_keeps_their_vietnamese_names() -> None:
    # Given an officer who chose English
    officer = make_user("cuc.english", "CUC-CTDP", Role.OFFICER)
    chose_english(officer)

    # When he opens the list of bodies
    page = client_for(officer).get(reverse("organizations:list")).content.decode()

    # Then the interface is English and the bodies' names stay their proper Vietnamese names
    assert "<h1>Organisations</h1>" in page
    assert "<th>Territory</th>" in page
    assert "Cơ quan, đơn vị</h1>" not in page
    assert "Sở Công Thương" in page


def test_a_missing_reason_is_refused_with_its_code_in_each_language() -> None:
    administrator = make_user("cuc.quantri", "CUC-CTDP", Role.ADMINISTRATOR)
    centre = Organization.objects.get(code="TTKC-15")
    before_reform = AdminUnit.objects.get(era=Era.BEFORE_2025, level=Level.PROVINCE, code="10")

    def record() -> None:
        organization_territory_add(actor=administrator, organization=centre, territory=before_reform,
                                   valid_from=None, valid_until=None, reason=" ")  # fmt: skip

    # When a territory is recorded without a reason, in English and by default
    with translation.override("en"), pytest.raises(ValidationError) as english:
        record()
    with translation.override("vi"), pytest.raises(ValidationError) as vietnamese:
        record()

    # Then both carry the same code, each message in its reader's language
    for refused in (english.value, vietnamese.value):
        assert codes_of(refused)["reason"] == ["reason_required"]
    assert english.value.message_dict["reason"] == ["Give the reason and basis for the dated territory."]
    assert vietnamese.value.message_dict["reason"] == ["Phải ghi lý do, căn cứ của địa bàn theo thời kỳ."]
