"""Following đề án after approval: results, overdue work, list filters, programmes."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from conftest import client_for, make_user
from khuyencong.accounts.models import Role
from khuyencong.accounts.services import system_user
from khuyencong.demo.loading import load_demo_programs
from khuyencong.geography.models import AdminUnit, Era, Level
from khuyencong.organizations.models import Organization
from khuyencong.projects.models import Project, Result
from khuyencong.projects.selectors import overdue_projects, work_queues
from khuyencong.projects.services import result_record

pytestmark = pytest.mark.django_db


def test_the_implementer_records_results_and_others_cannot(bac_kan: None) -> None:
    project = Project.objects.get(code="BK-KCQG18-1")
    centre = make_user("ttkc-bk", "TTKC-BK", Role.OFFICER)
    result_record(project=project, actor=centre, indicator="machines", value=Decimal(2), on=datetime.date(2018, 6, 30))
    assert Result.objects.get().get_indicator_display() == "Máy móc thiết bị ứng dụng"
    with pytest.raises(PermissionDenied):
        result_record(
            project=project,
            actor=make_user("ngoai", "TTKC-15", Role.OFFICER),
            indicator="machines",
            value=Decimal(1),
            on=datetime.date(2018, 6, 30),
        )
    with pytest.raises(ValidationError):
        result_record(
            project=project, actor=centre, indicator="machines", value=Decimal(-1), on=datetime.date(2018, 6, 30)
        )


def test_distinct_facilities_and_facility_times_are_separate_indicators(bac_kan: None) -> None:
    project = Project.objects.get(code="BK-KCQG18-1")
    centre = make_user("ttkc-bk", "TTKC-BK", Role.OFFICER)
    day = datetime.date(2018, 6, 30)
    result_record(project=project, actor=centre, indicator="facilities_supported", value=Decimal(1), on=day)
    result_record(project=project, actor=centre, indicator="fair_participations", value=Decimal(3), on=day)
    assert dict(Result.objects.values_list("indicator", "value")) == {
        "facilities_supported": Decimal(1),
        "fair_participations": Decimal(3),
    }


def test_work_still_open_after_its_budget_year_is_overdue(bac_kan: None) -> None:
    overdue = overdue_projects(Project.objects.all(), today=datetime.date(2019, 1, 10))
    states = {p.state for p in overdue}
    assert overdue.exists()
    assert states <= {"approved", "assigned", "contracted", "in_progress", "adjustment_requested", "stop_requested"}
    assert not overdue_projects(Project.objects.all(), today=datetime.date(2018, 12, 31)).exists()
    committee = make_user("ubnd19", "UBND-19", Role.APPROVER)
    assert client_for(committee).get(reverse("projects:queue")).context["overdue"]


def test_the_queue_counts_every_overdue_đề_án_and_lists_the_first_ones(
    bac_kan: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given more overdue đề án than the queue lists (nationally, tens of thousands)
    visible = overdue_projects(Project.objects.all()).count()
    assert visible > 1
    monkeypatch.setattr("khuyencong.projects.views.QUEUE_ROWS", 1)

    # When the committee opens its queue
    response = client_for(make_user("ubnd19", "UBND-19", Role.APPROVER)).get(reverse("projects:queue"))

    # Then the heading counts them all, one is listed, and the page says it shows only the first
    assert response.context["overdue_count"] == visible
    assert len(response.context["overdue"]) == 1
    assert "Hiện 1 đề án đầu tiên." in response.content.decode()


def test_the_list_filters_by_province_and_implementer(bac_kan: None) -> None:
    cuc = make_user("cuc", "CUC-CTDP", Role.VIEWER)
    thai_nguyen = AdminUnit.objects.get(era=Era.FROM_2025, level=Level.PROVINCE, code="19")
    lao_cai = AdminUnit.objects.get(era=Era.FROM_2025, level=Level.PROVINCE, code="15")
    client = client_for(cuc)
    assert client.get(reverse("projects:list"), {"province": str(thai_nguyen.pk)}).context["page"].paginator.count == 15
    assert client.get(reverse("projects:list"), {"province": str(lao_cai.pk)}).context["page"].paginator.count == 0
    centre = Organization.objects.get(code="TTKC-BK")
    by_centre = client.get(reverse("projects:list"), {"implementer": str(centre.pk)})
    assert by_centre.context["page"].paginator.count == 15


def test_programmes_with_targets_are_shown_within_scope() -> None:
    load_demo_programs(actor=system_user())
    inside = client_for(make_user("lc", "SCT-15", Role.VIEWER)).get(reverse("programs:programs"))
    outside = client_for(make_user("tn", "SCT-19", Role.VIEWER)).get(reverse("programs:programs"))
    assert "5.310.000.000.000" in inside.content.decode()
    assert len(outside.context["programs"]) == 0


def test_results_are_recorded_through_the_page(bac_kan: None) -> None:
    project = Project.objects.get(code="BK-KCQG18-1")
    client = client_for(make_user("ttkc-bk", "TTKC-BK", Role.OFFICER))
    url = reverse("projects:result", args=[project.pk])
    bad = client.post(url, {"result-indicator": "trainees", "result-value": "-3", "result-on": "30/06/2018"})
    assert bad.status_code == 400
    assert "Giá trị không thể âm." in bad.content.decode()
    ok = client.post(url, {"result-indicator": "trainees", "result-value": "25", "result-on": "30/06/2018"})
    assert ok.status_code == 302
    assert Result.objects.get().value == Decimal(25)
    viewer = client_for(make_user("xem", "SCT-19", Role.VIEWER))
    assert viewer.post(url, {}).status_code == 403


def test_each_step_queue_is_counted_whole_and_lists_its_first_rows(
    bac_kan: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a body with more than one đề án waiting for the same step
    committee = make_user("ubnd19", "UBND-19", Role.APPROVER, Role.OFFICER)
    whole = {q.title: q.count for q in work_queues(committee)}
    assert max(whole.values()) > 1
    monkeypatch.setattr("khuyencong.projects.views.QUEUE_ROWS", 1)

    # When it opens its queue
    response = client_for(committee).get(reverse("projects:queue"))

    # Then every step keeps its whole count and lists one đề án, and the page says so
    queues = response.context["queues"]
    assert {q.title: q.count for q in queues} == whole
    assert all(len(q.projects) == min(q.count, 1) for q in queues)
    context = response.context
    cut = (
        sum(q.count > 1 for q in queues)
        + sum(count > 1 for _, count, _ in context["deadlines"])
        + (context["overdue_count"] > 1)
    )
    assert response.content.decode().count("Hiện 1 đề án đầu tiên.") == cut


def test_the_whole_queue_as_excel_has_every_item_of_every_list(bac_kan: None, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from openpyxl import load_workbook

    # Given a body with đề án waiting on several steps, the page cut at one đề án a list
    committee = make_user("ubnd19", "UBND-19", Role.APPROVER, Role.OFFICER)
    monkeypatch.setattr("khuyencong.projects.views.QUEUE_ROWS", 1)
    client = client_for(committee)
    page = client.get(reverse("projects:queue"))
    context = page.context

    # When it takes the queue as Excel
    response: Any = client.get(reverse("projects:queue_export"))

    # Then every item of every list is a row (not only the one the page shows), under its list's name
    rows = [list(r) for r in load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0].iter_rows(
        values_only=True)][1:]  # fmt: skip
    by_list: dict[str, int] = {}
    for row in rows:
        by_list[row[0]] = by_list.get(row[0], 0) + 1
    expected = {q.title: q.count for q in context["queues"] if q.count}
    expected |= {f"Quá hạn: {queue.label}": count for queue, count, _ in context["deadlines"] if count}
    if context["overdue_count"]:
        expected["Quá hạn năm ngân sách"] = context["overdue_count"]
    assert by_list == expected
    assert sum(expected.values()) > len(expected)
    # And each step's row says since when it waits and its due day, the end of its plan's budget year
    steps = {q.title for q in context["queues"]}
    for row in (r for r in rows if r[0] in steps):
        assert row[7] == datetime.datetime(row[4], 12, 31)
        assert isinstance(row[6], datetime.datetime)
    assert f'href="{reverse("projects:queue_export")}"' in page.content.decode()
    # And a viewer without files may not take it
    assert client_for(make_user("cs", None, Role.FACILITY_REPRESENTATIVE)).get(
        reverse("projects:queue_export")).status_code == 403  # fmt: skip
