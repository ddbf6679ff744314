"""Golden: the dashboard read from the periods (SQL) equals the dashboard replayed from the events (Python), figure
for figure and code for code — for the nation, each region, each province, several years and as-of days, on both
scenarios and the purpose-built southern document, before and after corrections."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from khuyencong.accounts.services import system_user
from khuyencong.geography.models import AdminUnit
from khuyencong.organizations.models import Region
from khuyencong.projects.models import Payment, Project
from khuyencong.projects.services import payment_void
from khuyencong.reports.dashboard import dashboard_data, dashboard_scope
from khuyencong.reports.tests.dashboard_replay import assert_dashboard_is_replay

pytestmark = pytest.mark.django_db

DAYS = [(2018, datetime.date(2018, 3, 31)), (2018, datetime.date(2018, 6, 30)), (2018, datetime.date(2019, 6, 30)),
        (2022, datetime.date(2022, 1, 31)), (2022, datetime.date(2022, 6, 30)), (2022, datetime.date(2023, 12, 31)),
        (2023, datetime.date(2023, 12, 31)), (2020, datetime.date(2020, 6, 30)), (2020, datetime.date(2021, 3, 31)),
        (2021, datetime.date(2021, 12, 31))]  # fmt: skip


def scopes() -> list[tuple[str, object]]:
    provinces = AdminUnit.objects.current().provinces().filter(pk__in=Project.objects.values("province"))
    out: list[tuple[str, object]] = [("nation", dashboard_scope([]))]
    for region in Region.objects.all():
        out.append((region.code, dashboard_scope(list(region.provinces_on(datetime.date(2026, 1, 1))), region=region)))
    out += [(p.name, dashboard_scope([p])) for p in provinces]
    return out


def assert_same_everywhere() -> int:
    """Returns how many non-empty figure lists were compared, code for code."""
    compared = 0
    for _, scope in scopes():
        for year, as_of in DAYS:
            compared += assert_dashboard_is_replay(scope, Project.objects.all(), year=year, as_of=as_of)  # type: ignore[arg-type]
    return compared


def test_the_sql_dashboard_is_the_replay(yen_bai: None, bac_kan: None, south: None) -> None:
    assert assert_same_everywhere() > 20
    # Something is counted, so that equality is not two empty dashboards
    nation = dashboard_data(dashboard_scope([]), Project.objects.all(), year=2022, as_of=datetime.date(2022, 6, 30))
    assert nation["funnel"][0]["count"]
    assert any(row["amount"] for row in nation["money"])


def test_and_still_after_a_correction(yen_bai: None) -> None:
    # Given a voucher entered twice by mistake, then voided
    paid = Payment.objects.exclude(kind="refund").order_by("-on", "pk").first()
    assert paid is not None
    year, as_of = paid.project.plan.year, datetime.date(2023, 12, 31)
    before = dashboard_data(dashboard_scope([]), Project.objects.all(), year=year, as_of=as_of)
    payment_void(
        project=paid.project, payment=paid, actor=system_user(), reason="Ghi trùng", on=datetime.date(2026, 1, 5)
    )
    # Then the disbursed figure drops by exactly its amount, and the SQL path still equals the replay everywhere
    after = dashboard_data(dashboard_scope([]), Project.objects.all(), year=year, as_of=as_of)
    disbursed = {row["key"]: row["amount"] for row in after["money"]}["disbursed"]
    assert disbursed == {row["key"]: row["amount"] for row in before["money"]}["disbursed"] - int(paid.amount)
    assert Decimal(disbursed) >= 0
    assert assert_same_everywhere() > 0
