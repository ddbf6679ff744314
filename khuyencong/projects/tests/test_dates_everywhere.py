"""Dates and amounts checked everywhere: nothing dated in the future, a contract outside the plan's budget year is
warned of at signing, and bodies dissolved by the 2025 reform are not offered for new acts."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import client_for
from khuyencong.core.refusals import codes_of
from khuyencong.organizations.models import Organization
from khuyencong.projects import rules
from khuyencong.projects.tests.test_services import new_project, to_contract

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

D = datetime.date


def test_a_facility_founded_next_year_or_placed_tomorrow_is_refused(make_facility) -> None:
    with pytest.raises(ValidationError) as refused:
        make_facility("Cơ sở tương lai", commune="Bảo Thắng", founded_year=2027)
    assert codes_of(refused.value) == {"founded_year": ["future_date"]}
    with pytest.raises(ValidationError) as refused:
        make_facility("Cơ sở ngày mai", commune="Bảo Thắng", on=D(2026, 11, 28))
    assert "future_date" in str(codes_of(refused.value))
    assert make_facility("Cơ sở năm nay", commune="Bảo Thắng", founded_year=2026).founded_year == 2026


def test_a_contract_outside_the_budget_year_is_warned_of_at_signing(local_plan, cast, beneficiary) -> None:
    # Given a 2026 đề án assigned, whose contract is signed in January of the next year (the clock is in 2027)
    project = to_contract(new_project(local_plan, cast["centre"], beneficiary), cast)
    assert rules.contract_year_findings(project, D(2026, 3, 20)) == []
    (finding,) = rules.contract_year_findings(project, D(2027, 1, 5))
    assert finding.severity == rules.WARNING
    assert "ngoài năm ngân sách 2026" in finding.message


def test_the_page_warns_when_a_contract_is_signed_after_the_budget_year(local_plan, cast, beneficiary) -> None:
    project = new_project(local_plan, cast["centre"], beneficiary)
    from khuyencong.projects.services import project_approve, project_record_event, project_submit

    project_submit(project=project, actor=cast["centre"], on=D(2026, 2, 1))
    project_record_event(project=project, actor=cast["department"], action="appraisal_passed", on=D(2026, 2, 10),
                         amount=Decimal(300_000_000))  # fmt: skip
    project_approve(project=project, actor=cast["committee"], on=D(2026, 3, 1), amount=Decimal(300_000_000))
    project_record_event(project=project, actor=cast["department"], action="assigned", on=D(2026, 3, 5))
    with time_machine.travel(datetime.datetime(2027, 1, 10, 9, 0, tzinfo=datetime.UTC), tick=False):
        response = client_for(cast["centre"]).post(
            reverse("projects:act", args=[project.pk]),
            {"event-action": "contract_signed", "event-on": "05/01/2027", "event-amount": "300.000.000"},
            follow=True,
        )
    page = response.content.decode()
    assert "Đã ghi «Ký hợp đồng»" in page
    assert "ngoài năm ngân sách 2026" in page


def test_dissolved_bodies_are_not_offered_for_new_acts(yen_bai: None, cast) -> None:
    # Given the Yên Bái bodies, dissolved on 30/06/2025 when Yên Bái merged into Lào Cai
    dissolved = Organization.objects.get(code="TTKC-YB")
    assert dissolved.valid_until == D(2025, 6, 30)
    form = client_for(cast["department"]).get(reverse("projects:create")).context["form"]
    offered = set(form.fields["implementer"].queryset.values_list("pk", flat=True))
    assert dissolved.pk not in offered
    assert Organization.objects.get(code="TTKC-15").pk in offered
