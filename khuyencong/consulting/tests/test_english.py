"""The consulting page and its refusals in English for a user who chose it; Vietnamese by default."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from conftest import chose_english, client_for, make_user
from khuyencong.accounts.models import Role
from khuyencong.consulting.services import PERIOD_YEAR, consulting_record
from khuyencong.organizations.models import Organization

pytestmark = pytest.mark.django_db


def test_the_page_reads_in_english_for_a_centre_that_chose_it() -> None:
    # Given a centre's officer who chose English
    centre = make_user("ttkc15", "TTKC-15", Role.OFFICER)
    chose_english(centre)

    # When he opens the consulting page
    page = client_for(centre).get(reverse("consulting:list")).content.decode()

    # Then its heading, table and form are English
    assert "<h1>Industrial development consulting</h1>" in page
    assert "Record consulting figures" in page
    assert "Ghi số liệu tư vấn" not in page


def test_a_date_outside_the_year_is_refused_with_its_code_in_each_language() -> None:
    centre = make_user("ttkc15", "TTKC-15", Role.OFFICER)
    values: dict[str, Any] = {
        "code": "TV-15-2022-9T",
        "organization": Organization.objects.get(code="TTKC-15"),
        "year": 2022,
        "period_end": datetime.date(2023, 1, 1),
        "projects": 12,
        "revenue": Decimal(485_000_000),
        "planned_revenue": None,
    }
    # When figures dated in 2023 are recorded for 2022, in English and by default
    with translation.override("en"), pytest.raises(ValidationError) as english:
        consulting_record(actor=centre, **values)
    with translation.override("vi"), pytest.raises(ValidationError) as vietnamese:
        consulting_record(actor=centre, **values)

    # Then both carry the same code, each message in its reader's language
    for refused in (english.value, vietnamese.value):
        assert refused.error_dict["period_end"][0].code == PERIOD_YEAR
    assert english.value.error_dict["period_end"][0].message == "The figures date 01/01/2023 is not in the year 2022."
    assert vietnamese.value.error_dict["period_end"][0].message == "Ngày số liệu 01/01/2023 không thuộc năm 2022."
