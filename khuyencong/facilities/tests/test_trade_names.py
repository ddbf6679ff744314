"""A facility's trade (Decree 45/2012/NĐ-CP Art. 5) is named in the reader's language on the pages and in the form's
choices; the change log, a record, keeps the Vietnamese whoever makes the change."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from conftest import FacilityMaker, chose_english, client_for
from khuyencong.accounts.models import User
from khuyencong.audit.services import audit_snapshot
from khuyencong.facilities.models import Trade

pytestmark = pytest.mark.django_db

HANDICRAFT_VI = "Sản xuất hàng thủ công mỹ nghệ"
HANDICRAFT_EN = "Manufacture of handicrafts"


def test_the_facility_page_names_its_trade_in_the_readers_language(
    make_facility: FacilityMaker, laocai_officer: User
) -> None:
    # Given a handicraft facility of Lào Cai
    facility = make_facility("HTX Mây tre đan Bảo Yên", trade=Trade.objects.get(code="ND45-5"))

    # When its officer reads its page in Vietnamese, then in English
    in_vietnamese = client_for(laocai_officer).get(reverse("facilities:detail", args=[facility.pk])).content.decode()
    chose_english(laocai_officer)
    client = client_for(laocai_officer)
    in_english = client.get(reverse("facilities:detail", args=[facility.pk])).content.decode()
    form = client.get(reverse("facilities:edit", args=[facility.pk])).content.decode()

    # Then the trade is the Decree's Vietnamese words, then their English, in the page and in the form's choices
    assert f"<dd>{HANDICRAFT_VI}</dd>" in in_vietnamese
    assert f"<dd>{HANDICRAFT_EN}</dd>" in in_english
    assert f"<dd>{HANDICRAFT_VI}</dd>" not in in_english
    # while the page's change log, a record, quotes the value as it was written
    assert f"<ins>{HANDICRAFT_VI}</ins>" in in_english
    assert f">{HANDICRAFT_EN}</option>" in form
    assert HANDICRAFT_VI not in form


def test_the_change_log_names_the_trade_in_vietnamese_for_an_english_reader(make_facility: FacilityMaker) -> None:
    facility = make_facility(trade=Trade.objects.get(code="ND45-5"))

    with translation.override("en"):
        snapshot = audit_snapshot(facility, ["trade"])

    assert snapshot == {"trade": HANDICRAFT_VI}
