"""Issue 13, item 1: the provincial report "as recorded" of a province the 2025 reform left unchanged is no longer empty
for the years before the reform, though its đề án are carried out by today's bodies (whose territory today is the
post-reform unit of the same name)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from conftest import make_user
from khuyencong.accounts.models import Role
from khuyencong.organizations.models import Organization
from khuyencong.programs.services import plan_create
from khuyencong.projects.models import ProjectContent
from khuyencong.projects.services import project_create, project_record_event, project_submit
from khuyencong.reports.periods import Period
from khuyencong.reports.provincial import provincial_report
from khuyencong.reports.scope import Geography, resolve_scope

pytestmark = pytest.mark.django_db

D = datetime.date
M = Decimal


def test_the_2024_report_of_son_la_as_recorded_lists_the_đề_án_of_today_s_son_la_centre(frozen_clock: None) -> None:
    # Given today's Sơn La bodies, and a đề án of the 2024 provincial plan approved in 2024, carried out by TTKC-14
    centre = make_user("ttkc14", "TTKC-14", Role.OFFICER)
    department = make_user("sct14", "SCT-14", Role.OFFICER, Role.APPRAISER)
    committee = make_user("ubnd14", "UBND-14", Role.APPROVER)
    plan = plan_create(actor=committee, code="KCDP-14-2024", year=2024, funding_source="provincial",
                       owner=Organization.objects.get(code="UBND-14"))  # fmt: skip
    project = project_create(
        actor=centre, code="SL-2024-01", title="Trình diễn kỹ thuật sấy chè", plan=plan,
        content=ProjectContent.objects.get(code="machinery_application"), kind="general",
        implementer=Organization.objects.get(code="TTKC-14"), total_cost=M(300_000_000),
        support_requested=M(150_000_000),
    )  # fmt: skip
    project_submit(project=project, actor=centre, on=D(2024, 3, 1), amount=M(150_000_000))
    project_record_event(project=project, actor=department, action="appraisal_passed", on=D(2024, 3, 20),
                         amount=M(150_000_000))  # fmt: skip
    project_record_event(project=project, actor=committee, action="approved", on=D(2024, 4, 5),
                         amount=M(150_000_000), document="QĐ 34/QĐ-UBND")  # fmt: skip
    # When the 2024 report of Sơn La is asked "as recorded" (Sơn La on 31/12/2024 is the pre-reform unit)
    scope = resolve_scope(provinces=["Sơn La"], geography=Geography.RECORDED, on=D(2024, 12, 31))
    report = provincial_report(scope, Period.year(2024))
    # Then the đề án is in it, approved within the year
    (source,) = report["sources"]
    assert [row["code"] for row in source["list"]] == ["SL-2024-01"]
    assert source["status"]["approved"] == 1
    # And "as current" (today's Sơn La) it is there too: the two geographies re-aggregate to each other
    current = resolve_scope(provinces=["Sơn La"], geography=Geography.CURRENT, on=D(2024, 12, 31))
    assert [row["code"] for row in provincial_report(current, Period.year(2024))["sources"][0]["list"]] == [
        "SL-2024-01"
    ]
