"""The dashboard's share of the plan: contracts and disbursements are set against the plan's amount only for the
đề án that amount counts. Bắc Kạn 2018 (seed 001) has a local plan of 529 million and two national đề án carried
out by its centre under a national plan that recorded no budget or allocation for the province: counted against the
local plan they made contracts 130,4 % of it."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.test import Client

from khuyencong.accounts.models import User
from khuyencong.accounts.services import system_user
from khuyencong.geography.models import AdminUnit
from khuyencong.organizations.models import Organization
from khuyencong.programs.models import BudgetKind, Plan
from khuyencong.programs.services import plan_allocate, plan_budget_decide
from khuyencong.projects.models import Project
from khuyencong.reports.dashboard import dashboard_data, dashboard_scope

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2018, 12, 31)


def _money(scope_units: list[AdminUnit]) -> dict[str, dict[str, object]]:
    data = dashboard_data(dashboard_scope(scope_units), Project.objects.all(), year=2018, as_of=AS_OF)
    return {row["key"]: row for row in data["money"]}


def _thai_nguyen() -> AdminUnit:
    return AdminUnit.objects.current().provinces().get(name__contains="Thái Nguyên")


def test_a_plan_share_counts_only_the_projects_of_the_plans_in_its_amount(bac_kan: None) -> None:
    # Given Bắc Kạn 2018 (today in Thái Nguyên): 490 million contracted under the local plan of 529 million, and
    # 200 million contracted under the national plan KCQG-2018, which recorded nothing for the province
    money = _money([_thai_nguyen()])
    # Then the contracts shown are all 690 million, but their share of the plan is of the local plan's đề án alone,
    # and the rest is said beside it
    assert money["plan"]["amount"] == 529_000_000
    assert money["contracted"]["amount"] == 690_000_000
    assert money["contracted"]["percent"] == str((Decimal(490) * 100 / 529).quantize(Decimal("0.1")))
    assert money["contracted"]["outside_plan"] == 200_000_000
    assert money["disbursed"]["outside_plan"] == 0
    # And the same for the nation: a plan with no budget recorded is in no plan amount
    nation = _money([])
    assert nation["contracted"]["percent"] == money["contracted"]["percent"]
    assert nation["contracted"]["outside_plan"] == 200_000_000


def test_once_the_national_plan_allocates_to_the_province_its_projects_count(bac_kan: None) -> None:
    # Given the national plan's budget and its allocation of 300 million to the Bắc Kạn centre are recorded
    plan = Plan.objects.get(code="KCQG-2018")
    actor = system_user()
    plan_budget_decide(plan=plan, actor=actor, on=datetime.date(2018, 2, 1), kind=BudgetKind.ORIGINAL,
                       amount=Decimal(5_000_000_000))  # fmt: skip
    centre = Organization.objects.get(code="TTKC-BK")
    plan_allocate(plan=plan, actor=actor, on=datetime.date(2018, 2, 10), to=centre, amount=Decimal(300_000_000))
    # Then the province's plan is 829 million and every contract of the province counts against it
    money = _money([_thai_nguyen()])
    assert money["plan"]["amount"] == 829_000_000
    assert money["contracted"]["percent"] == str((Decimal(690) * 100 / 829).quantize(Decimal("0.1")))
    assert money["contracted"]["outside_plan"] == 0


def test_the_page_says_what_the_share_leaves_out(bac_kan: None, client: Client, cuc_officer: User) -> None:
    # Given the Cục's officer opening the 2018 dashboard
    client.force_login(cuc_officer)
    html = client.get("/reports/?year=2018&as_of=31/12/2018").content.decode()
    # Then beside the share it says which contracts the share leaves out, in words and Vietnamese numbers
    assert "92,6% kế hoạch" in html
    assert "không tính 200 triệu đồng" in html
