"""The đề án page offers a voucher only where one can be recorded (issue 15: "offered nothing it cannot do"): never
before a contract stands (Circular 36/2013 Art. 13), and dated by default inside the plan's budget year."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from conftest import client_for, make_user
from khuyencong.accounts.models import Role
from khuyencong.projects import authority
from khuyencong.projects.models import Project
from khuyencong.projects.tests.lawful import contracted_national

pytestmark = pytest.mark.django_db


@time_machine.travel(datetime.datetime(2026, 11, 27, 3, 0, tzinfo=datetime.UTC), tick=False)
def test_vouchers_are_offered_after_the_contract_and_dated_in_the_plans_year(bac_kan: None) -> None:
    # Given the Cục, which keeps the national đề án's vouchers, a contracted one and one without a contract
    cuc = make_user("cuc", "CUC-CTDP", Role.OFFICER, Role.APPRAISER, Role.APPROVER)
    contracted = contracted_national()
    uncontracted = next(
        p
        for p in Project.objects.filter(plan__funding_source="national").exclude(events__action="contract_signed")
        if authority.can_pay(cuc, p)
    )

    # When it opens each page
    with_contract = client_for(cuc).get(reverse("projects:detail", args=[contracted.pk])).context
    without = client_for(cuc).get(reverse("projects:detail", args=[uncontracted.pk])).context

    # Then only the contracted one offers vouchers, dated on the last day of its plan's year (2018)
    assert with_contract["payment_form"] is not None
    assert with_contract["payment_form"]["on"].value() == datetime.date(contracted.plan.year, 12, 31)
    assert without["payment_form"] is None
    assert without["counterpart_form"] is None
