"""Issue 11: each body sees its own periodic reports on its home page — the late ones and the next ones due — and the
Cục how many are late in the country, with the way to the calendar."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
import time_machine
from django.urls import reverse

from conftest import client_for, make_user
from khuyencong.accounts.models import Role, User
from khuyencong.organizations.models import Organization
from khuyencong.reporting.models import ReportingDuty
from khuyencong.reporting.selectors import CalendarEntry, calendar, calendar_matrix
from khuyencong.reporting.services import submission_accept, submission_edit, submission_open, submission_submit

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 7, 15)


@pytest.fixture
def clock() -> Iterator[None]:
    with time_machine.travel(datetime.datetime(2026, 7, 15, 2, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def q1_accepted(clock: None, laocai_officer: User, cuc_officer: User) -> None:
    """Lào Cai's Sở sent its first-quarter report on time (15/04) and the Cục took it in."""
    duty, body = ReportingDuty.objects.get(code="sct_quarterly"), Organization.objects.get(code="SCT-15")
    report = submission_open(actor=laocai_officer, duty=duty, organization=body, year=2026, period_key="q1")
    report = submission_edit(actor=laocai_officer, submission=report, signer="Nguyễn Văn A", signer_title="Giám đốc")
    report = submission_submit(actor=laocai_officer, submission=report, on=D(2026, 4, 15))
    submission_accept(actor=cuc_officer, submission=report, on=D(2026, 4, 20))


def rows(entries: list[CalendarEntry]) -> list[tuple[str, str, int]]:
    return [(e.duty.code, e.period_key, e.year) for e in entries]


def test_a_sở_sees_its_late_reports_and_the_next_ones_due(
    q1_accepted: None, laocai_officer: User, django_assert_max_num_queries: object
) -> None:
    # When Lào Cai's Sở opens its home page on 15/07/2026
    # (The home page also reads the inbox — a query per step of the work queue — and the year's money: a fixed number
    # of queries, whatever the volume.)
    with django_assert_max_num_queries(60):  # type: ignore[operator]
        page = client_for(laocai_officer).get(reverse("web:home"))
    assert page.status_code == 200
    reports = page.context["reports"]
    # Then the reports of 2025 due from the merger on (01/07/2025) are late — the second quarter and the half year of
    # 2025 too, due on 20/07/2025 and so sent by today's Sở —; the first quarter of 2026 is not
    assert rows(reports.late) == [
        ("sct_half_yearly", "h1", 2025),
        ("sct_quarterly", "q2", 2025),
        ("sct_quarterly", "q3", 2025),
        ("sct_quarterly", "q4", 2025),
        ("sct_yearly", "y", 2025),
    ]
    # And the next ones due come after them, the earliest first
    assert rows(reports.upcoming)[:2] == [("sct_half_yearly", "h1", 2026), ("sct_quarterly", "q2", 2026)]
    assert ("sct_quarterly", "q1", 2026) not in rows(reports.upcoming)
    assert reports.national_late == []
    text = page.content.decode()
    assert "Báo cáo định kỳ của đơn vị" in text
    assert "20/07/2026" in text
    assert "Chưa lập — quá hạn" in text
    assert f'href="{reverse("reporting:calendar")}"' in text
    assert "báo cáo quá hạn năm" not in text


def test_the_provincial_centre_sees_the_sở_s_reports_it_drafts(clock: None) -> None:
    centre = make_user("ttkc15", "TTKC-15", Role.OFFICER)
    page = client_for(centre).get(reverse("web:home"))
    reports = page.context["reports"]
    assert reports.owes_any
    assert {e.organization.code for e in reports.late + reports.upcoming} == {"SCT-15"}
    assert "Sở Công Thương tỉnh Lào Cai" in page.content.decode()


def test_the_cục_sees_how_many_are_late_in_the_country_with_the_way_to_the_matrix(
    q1_accepted: None, cuc_officer: User
) -> None:
    page = client_for(cuc_officer).get(reverse("web:home"))
    reports = page.context["reports"]
    late_2026 = calendar_matrix(calendar(2026, today=TODAY))["late"]
    late_2025 = calendar_matrix(calendar(2025, today=TODAY))["late"]
    assert late_2026 > 0
    assert reports.national_late == [(2026, late_2026), (2025, late_2025)]
    # The Cục owes no periodic report itself
    assert not reports.owes_any
    text = page.content.decode()
    assert (
        f'<a href="{reverse("reporting:calendar")}?year=2026"><strong class="danger">{late_2026} báo cáo quá hạn'
        in text
    )
    assert "Báo cáo định kỳ của đơn vị" not in text


def test_a_user_without_an_organisation_or_a_facility_representative_sees_no_reports_and_no_error(
    clock: None, orphan_user: User, facility_rep: User
) -> None:
    for user in (orphan_user, facility_rep):
        page = client_for(user).get(reverse("web:home"))
        assert page.status_code == 200
        reports = page.context["reports"]
        assert (reports.late, reports.upcoming, reports.owes_any, reports.national_late) == ([], [], False, [])
        assert "Báo cáo định kỳ" not in page.content.decode().split("<main", 1)[1]


def test_a_body_late_with_many_reports_sees_the_oldest_five_and_the_way_to_all(clock: None) -> None:
    # Given a national centre that sent nothing since 2025: a monthly, quarterly, six-month and yearly report each
    centre = make_user("ttkc1", "TTKC1", Role.OFFICER)
    page = client_for(centre).get(reverse("web:home"))
    late = page.context["reports"].late
    assert len(late) > 5
    # When its home page lists them, then only the five oldest are rows, with the way to all of them
    text = page.content.decode()
    assert text.count('<tr class="late">') == 5
    assert f"Xem cả {len(late)} báo cáo quá hạn" in text
    # and says which five they are: a later late report is not among the rows (the walk took it for missing)
    assert "Trên đây là 5 báo cáo quá hạn lâu nhất." in text
    # the way to all of them opens the year of the oldest (the list spans last year and this)
    assert f'href="{reverse("reporting:calendar")}?year={late[0].year}"><strong class="danger">Xem cả' in text
    oldest = late[0]
    assert f'data-label="Kỳ">{oldest.label}</td>' in text
