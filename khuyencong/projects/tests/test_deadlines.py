"""Deadlines of Circular 36/2013/TT-BCT as queue items that appear on the right day (frozen clock): the settlement
dossier 15 days after the last acceptance (Art. 19), liquidation and settlement by 22 January of the next year
(Art. 18), the monthly progress report by the 25th (Art. 23.3)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from conftest import client_for
from khuyencong.accounts.models import User
from khuyencong.organizations.models import Organization
from khuyencong.programs.models import Plan
from khuyencong.projects import deadlines
from khuyencong.projects.dossier_rules import DeadlineKind
from khuyencong.projects.models import Project, ProjectContent
from khuyencong.projects.services import project_create, project_record_event, project_void_event

pytestmark = pytest.mark.django_db

D = datetime.date
M = Decimal


@contextmanager
def on_day(day: datetime.date) -> Iterator[None]:
    # 09:00 in Hà Nội.
    with time_machine.travel(datetime.datetime(day.year, day.month, day.day, 2, 0, tzinfo=datetime.UTC), tick=False):
        yield


def history(plan: Plan, actor: User, code: str, *steps: tuple[str, datetime.date]) -> Project:
    """A consulting đề án (no document required) entered after the fact up to its last step."""
    project = project_create(
        actor=actor, code=code, title="Tư vấn", plan=plan, content=ProjectContent.objects.get(code="consulting"),
        kind="general", implementer=Organization.objects.get(code="TTKC-15"),
    )  # fmt: skip
    centre = Organization.objects.get(code="TTKC-15")
    for action, on in steps:
        project_record_event(project=project, actor=actor, action=action, on=on, organization=centre,
                             transcribed=True, percent=M(40) if action == "progress" else None,
                             amount=M(1) if action == "settled" else None)  # fmt: skip
    return project


def late(kind: DeadlineKind, today: datetime.date) -> list[str]:
    queue = next(q for q in deadlines.overdue_deadlines(Project.objects.all(), today=today) if q.kind == kind)
    return list(queue.projects.values_list("code", flat=True))


def test_the_settlement_dossier_is_due_15_days_after_the_last_acceptance(local_plan, system_actor) -> None:
    with on_day(D(2026, 12, 1)):
        history(local_plan, system_actor, "DA-NT", ("contract_signed", D(2026, 3, 20)), ("accepted", D(2026, 9, 1)))
    assert late(DeadlineKind.SETTLEMENT_DOSSIER, D(2026, 9, 16)) == []
    assert late(DeadlineKind.SETTLEMENT_DOSSIER, D(2026, 9, 17)) == ["DA-NT"]


def test_a_settled_đề_án_owes_no_settlement_dossier(local_plan, system_actor) -> None:
    with on_day(D(2026, 12, 1)):
        history(local_plan, system_actor, "DA-QT", ("contract_signed", D(2026, 3, 20)), ("accepted", D(2026, 9, 1)),
                ("settled", D(2026, 9, 20)))  # fmt: skip
        assert late(DeadlineKind.SETTLEMENT_DOSSIER, D(2026, 10, 1)) == []
        # and a day before it was settled, read later (the dashboard as of that day), it was late
        assert late(DeadlineKind.SETTLEMENT_DOSSIER, D(2026, 9, 18)) == ["DA-QT"]


def test_a_voided_acceptance_is_not_counted(local_plan, system_actor) -> None:
    with on_day(D(2026, 12, 1)):
        project = history(local_plan, system_actor, "DA-H", ("contract_signed", D(2026, 3, 20)),
                          ("accepted", D(2026, 9, 1)))  # fmt: skip
        project_void_event(project=project, event=project.events.get(action="accepted"), actor=system_actor,
                           reason="Nhập nhầm")  # fmt: skip
    assert late(DeadlineKind.SETTLEMENT_DOSSIER, D(2026, 12, 1)) == []


def test_liquidation_and_settlement_are_due_by_22_january_of_the_next_year(local_plan, system_actor) -> None:
    with on_day(D(2026, 12, 1)):
        history(local_plan, system_actor, "DA-TL", ("contract_signed", D(2026, 3, 20)))
    assert late(DeadlineKind.LIQUIDATION_SETTLEMENT, D(2027, 1, 22)) == []
    assert late(DeadlineKind.LIQUIDATION_SETTLEMENT, D(2027, 1, 23)) == ["DA-TL"]
    assert late(DeadlineKind.LIQUIDATION_SETTLEMENT, D(2028, 1, 1)) == ["DA-TL"]


def test_the_monthly_progress_report_is_due_by_the_25th(national_plan, system_actor) -> None:
    with on_day(D(2026, 3, 21)):
        project = history(national_plan, system_actor, "DA-BC", ("contract_signed", D(2026, 3, 20)))
    # Signed in March: the first report owed is April's.
    assert late(DeadlineKind.PROGRESS_REPORT, D(2026, 3, 26)) == []
    assert late(DeadlineKind.PROGRESS_REPORT, D(2026, 4, 25)) == []
    assert late(DeadlineKind.PROGRESS_REPORT, D(2026, 4, 26)) == ["DA-BC"]
    with on_day(D(2026, 4, 27)):
        project_record_event(project=project, actor=system_actor, action="progress", on=D(2026, 4, 27),
                             percent=M(30), organization=project.implementer, transcribed=True)  # fmt: skip
    assert late(DeadlineKind.PROGRESS_REPORT, D(2026, 4, 28)) == []
    # Up to 25 May, April's report stands; on the 26th May's is owed.
    assert late(DeadlineKind.PROGRESS_REPORT, D(2026, 5, 25)) == []
    assert late(DeadlineKind.PROGRESS_REPORT, D(2026, 5, 26)) == ["DA-BC"]


def test_local_đề_án_owe_no_monthly_report_to_the_cục(local_plan, system_actor) -> None:
    with on_day(D(2026, 3, 21)):
        history(local_plan, system_actor, "DA-DP", ("contract_signed", D(2026, 3, 20)))
    assert late(DeadlineKind.PROGRESS_REPORT, D(2026, 4, 26)) == []


def test_overdue_items_are_in_the_queue_and_counted_on_the_dashboard(local_plan, system_actor, cast) -> None:
    with on_day(D(2026, 12, 1)):
        project = history(local_plan, system_actor, "DA-Q", ("contract_signed", D(2026, 3, 20)),
                          ("accepted", D(2026, 9, 1)))  # fmt: skip
    with on_day(D(2026, 9, 17)):
        page = client_for(cast["centre"]).get(reverse("projects:queue")).content.decode()
    section = page[page.index('data-deadline="settlement_dossier"') :]
    section = section[: section.index("</section>")]
    assert project.code in section
    assert "hạn 16/09/2026" in section
    assert "Điều 19" in section
    with on_day(D(2026, 9, 16)):
        page = client_for(cast["centre"]).get(reverse("projects:queue")).content.decode()
    # the day before, nothing is late: the list is only named among the empty ones
    assert 'data-deadline="settlement_dossier"' not in page
    assert project.code not in page[page.index('id="khong-co"') :]
    # Someone of another province does not see it.
    with on_day(D(2026, 9, 17)):
        page = client_for(cast["other_centre"]).get(reverse("projects:queue")).content.decode()
    assert project.code not in page
    assert deadlines.overdue_deadline_count(Project.objects.all(), today=D(2026, 9, 17)) == 1


def test_the_queries_do_not_grow_with_the_đề_án(local_plan, system_actor, django_assert_max_num_queries) -> None:
    with on_day(D(2026, 12, 1)):
        for n in range(4):
            history(local_plan, system_actor, f"DA-{n}", ("contract_signed", D(2026, 3, 20)),
                    ("accepted", D(2026, 9, 1)))  # fmt: skip
    with django_assert_max_num_queries(3):
        assert deadlines.overdue_deadline_count(Project.objects.all(), today=D(2027, 2, 1)) == 8


def test_the_dashboard_counts_the_overdue_items(local_plan, system_actor, cast) -> None:
    with on_day(D(2026, 12, 1)):
        history(local_plan, system_actor, "DA-DB", ("contract_signed", D(2026, 3, 20)), ("accepted", D(2026, 9, 1)))
    client = client_for(cast["department"])
    with on_day(D(2026, 12, 1)):
        response = client.get(reverse("reports:dashboard"), {"year": "2026", "as_of": "01/12/2026"})
    assert response.context["data"]["deadlines"] == {"count": 1}
    assert "1 việc</a> quá hạn theo Thông tư 36/2013/TT-BCT" in response.content.decode()
    with on_day(D(2026, 12, 1)):
        before = client.get(reverse("reports:dashboard"), {"year": "2026", "as_of": "16/09/2026"})
    assert before.context["data"]["deadlines"] == {"count": 0}


def test_every_đề_án_s_late_dossiers_are_counted_from_today_s_periods_alone(local_plan, system_actor) -> None:
    # Given two accepted đề án, one of them settled since, read on the day the other's dossier is late
    with on_day(D(2026, 9, 30)):
        history(local_plan, system_actor, "DA-A", ("contract_signed", D(2026, 3, 20)), ("accepted", D(2026, 9, 1)))
        history(local_plan, system_actor, "DA-B", ("contract_signed", D(2026, 3, 20)), ("accepted", D(2026, 9, 1)),
                ("settled", D(2026, 9, 20)))  # fmt: skip
        province = Project.objects.get(code="DA-A").province_id
        # When the whole country's queue is counted (the Cục's: no condition on the đề án), and a province's
        every = next(q for q in deadlines.overdue_deadlines(Project.objects.all(), today=D(2026, 9, 30)))
        one = next(q for q in deadlines.overdue_deadlines(Project.objects.filter(province_id=province),
                                                          today=D(2026, 9, 30)))  # fmt: skip
        # Then the country's is counted from the periods without joining the đề án, and both count what they list
        assert every.kind == one.kind == DeadlineKind.SETTLEMENT_DOSSIER
        assert every.counted is not None
        assert one.counted is None
        assert every.count() == one.count() == every.projects.count() == 1
        assert list(every.projects.values_list("code", flat=True)) == ["DA-A"]
