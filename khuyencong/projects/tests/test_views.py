"""The đề án pages: scoped (404 outside the territory), only the actions the user may take, errors with messages."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from conftest import client_for, make_user
from khuyencong.accounts.models import Role, User
from khuyencong.accounts.services import system_user
from khuyencong.organizations.models import Organization, OrganizationKind
from khuyencong.projects import authority, selectors
from khuyencong.projects.documents import document_attach
from khuyencong.projects.models import DocumentKind, Payment, Project, ProjectEvent
from khuyencong.projects.services import project_record_event
from khuyencong.projects.workflow import State

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

pytestmark = pytest.mark.django_db


def test_the_list_answers_as_of_a_past_date(bac_kan: None) -> None:
    officer = make_user("tn", "SCT-19", Role.OFFICER)
    client = client_for(officer)
    now = client.get(reverse("projects:list"), {"year": "2018", "funding_source": "provincial"})
    assert now.context["page"].paginator.count == 10
    day = datetime.date(2018, 4, 1)
    before = client.get(
        reverse("projects:list"), {"year": "2018", "funding_source": "provincial", "as_of": "01/04/2018"}
    )
    for project, snapshot in before.context["rows"]:
        last = project.events.filter(on__lte=day).order_by("-seq").first()
        assert snapshot.state == (last.state_after if last else None)
    stopped = client.get(
        reverse("projects:list"), {"funding_source": "provincial", "state": "stop_requested", "as_of": "30/06/2018"}
    )
    assert stopped.context["page"].paginator.count == 2
    # And its Excel copy is the same two đề án, each with its state that day
    asked = {"funding_source": "provincial", "state": "stop_requested", "as_of": "30/06/2018"}
    response: Any = client.get(reverse("projects:export"), asked)
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0].iter_rows(
        min_row=2, values_only=True))  # fmt: skip
    assert sorted(row[0] for row in rows) == sorted(p.code for p, _state in stopped.context["rows"])
    assert {row[7] for row in rows} == {"Xin dừng thực hiện"}


def test_another_provinces_đề_án_is_not_found(bac_kan: None, laocai_officer: User) -> None:
    project = Project.objects.get(code="BK-KCQG18-1")
    client = client_for(laocai_officer)
    assert client.get(reverse("projects:detail", args=[project.pk])).status_code == 404
    assert client.post(reverse("projects:act", args=[project.pk]), {"event-action": "progress"}).status_code == 404
    assert project.pk not in [p.pk for p in client.get(reverse("projects:list")).context["page"].object_list]


def test_the_page_offers_only_the_actions_this_user_may_take(bac_kan: None) -> None:
    project = Project.objects.get(code="BK-KCQG18-1")  # contract signed, national
    centre = make_user("ttkc-bk", "TTKC-BK", Role.OFFICER)
    viewer = make_user("xem", "SCT-19", Role.VIEWER)
    offered = client_for(centre).get(reverse("projects:detail", args=[project.pk])).context["event_form"]
    assert offered is not None
    choices = {value for value, _ in offered.fields["action"].choices}
    assert {"progress", "stop_requested", "accepted"} <= choices
    assert "approved" not in choices
    assert client_for(viewer).get(reverse("projects:detail", args=[project.pk])).context["event_form"] is None
    assert client_for(viewer).post(reverse("projects:act", args=[project.pk]), {}).status_code == 403


def test_a_progress_report_through_the_page(bac_kan: None) -> None:
    project = Project.objects.get(code="BK-KCQG18-1")
    centre = make_user("ttkc-bk", "TTKC-BK", Role.OFFICER)
    response = client_for(centre).post(
        reverse("projects:act", args=[project.pk]),
        {"event-action": "progress", "event-on": "01/07/2018", "event-percent": "30"},
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.state, project.percent) == ("in_progress", Decimal(30))


@pytest.mark.parametrize(
    ("post", "field", "message"),
    [
        ({"event-action": "progress", "event-on": "01/07/2018"}, "percent", "tỷ lệ"),
        ({"event-action": "progress", "event-on": "31/13/2018", "event-percent": "10"}, "on", "ngày/tháng/năm"),
        (
            {"event-action": "progress", "event-on": "01/01/2018", "event-percent": "10"},
            "on",
            "trước bước liền trước",
        ),
        ({"event-action": "progress", "event-on": "01/07/2018", "event-percent": "150"}, "percent", "từ 0 đến 100"),
        ({"event-action": "approved", "event-on": "01/07/2018"}, "action", "Select a valid choice"),
        # an amount or a percent the step does not state is refused, not kept beside it
        (
            {"event-action": "stop_requested", "event-on": "01/07/2018", "event-amount": "200.000.000"},
            "amount",
            "không ghi số tiền",
        ),
        (
            {"event-action": "stop_requested", "event-on": "01/07/2018", "event-percent": "30"},
            "percent",
            "không ghi khối lượng hoàn thành",
        ),
    ],
)
def test_bad_input_on_the_event_form_writes_nothing(bac_kan: None, post: dict, field: str, message: str) -> None:
    project = Project.objects.get(code="BK-KCQG18-1")
    before = ProjectEvent.objects.filter(project=project).count()
    centre = make_user("ttkc-bk", "TTKC-BK", Role.OFFICER)
    response = client_for(centre).post(reverse("projects:act", args=[project.pk]), post)
    assert response.status_code == 400
    errors = response.context["event_form"].errors[field]
    assert any(message.lower() in e.lower() for e in errors) or field == "action"
    assert ProjectEvent.objects.filter(project=project).count() == before


def test_a_payment_over_the_support_is_refused_on_the_page(bac_kan: None, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    project = Project.objects.get(code="BK-KCQG18-1")
    # A machinery đề án is advanced once more than 70% of the investment is done, on its invoices (TT 36 Art. 13).
    document_attach(project=project, actor=system_user(), upload=SimpleUploadedFile("hoa-don.pdf", PDF), title="",
                    kind=DocumentKind.INVESTMENT)  # fmt: skip
    project_record_event(project=project, actor=system_user(), action="progress", on=datetime.date(2018, 6, 1),
                         percent=Decimal(75), organization=project.implementer, transcribed=True)  # fmt: skip
    cuc = make_user("cuc", "CUC-CTDP", Role.OFFICER, Role.APPROVER)
    response = client_for(cuc).post(
        reverse("projects:pay", args=[project.pk]),
        {"payment-kind": "advance", "payment-on": "02/06/2018", "payment-amount": "999.000.000"},
    )
    assert response.status_code == 400
    assert "Vượt kinh phí hỗ trợ" in response.content.decode()
    assert not Payment.objects.filter(project=project).exists()
    ok = client_for(cuc).post(
        reverse("projects:pay", args=[project.pk]),
        {"payment-kind": "advance", "payment-on": "02/06/2018", "payment-amount": "100.000.000"},
    )
    assert ok.status_code == 302


def test_the_queue_lists_what_waits_for_the_user(bac_kan: None) -> None:
    centre = make_user("ttkc-bk", "TTKC-BK", Role.OFFICER)
    queues = {q.title: q.projects for q in client_for(centre).get(reverse("projects:queue")).context["queues"]}
    assert [p.code for p in queues["Chờ ký hợp đồng"]]
    committee = make_user("ubnd19", "UBND-19", Role.APPROVER)
    queues = {q.title: q.projects for q in client_for(committee).get(reverse("projects:queue")).context["queues"]}
    assert {p.code for p in queues["Xin dừng chờ quyết định"]} >= {p.code for p in Project.objects.filter(
        state="stop_requested", plan__funding_source="provincial")}  # fmt: skip


def test_the_queue_names_the_empty_lists_in_one_line(bac_kan: None) -> None:
    # given the committee, for which some lists wait and others are empty
    committee = make_user("ubnd19", "UBND-19", Role.APPROVER)
    response = client_for(committee).get(reverse("projects:queue"))
    page = response.content.decode()
    empty = [q.title for q in response.context["queues"] if not q.count]
    assert empty
    assert any(q.count for q in response.context["queues"])
    # then each list with something waiting has its heading, the empty ones only their names, in one line
    assert f"<h2>{empty[0]} (0)</h2>" not in page
    line = page[page.index('id="khong-co"') :]
    assert all(title in line for title in empty)
    assert "Không có.</p>" not in page


def test_plan_pages_compute_the_allocated_percent(bac_kan: None) -> None:
    officer = make_user("tn", "SCT-19", Role.OFFICER)
    laocai = make_user("lc", "SCT-15", Role.OFFICER)
    client = client_for(officer)
    listing = client.get(reverse("programs:list"), {"as_of": "30/06/2018"})
    figures = {plan.code: f for plan, f in listing.context["plans"]}
    assert figures["KCDP-BK-2018"].allocated_percent == Decimal("100.0")
    plan = figures["KCDP-BK-2018"]
    assert plan.budget == Decimal(529_000_000)
    from khuyencong.programs.models import Plan

    local = Plan.objects.get(code="KCDP-BK-2018")
    assert client_for(laocai).get(reverse("programs:detail", args=[local.pk])).status_code == 404
    page = client.get(reverse("programs:detail", args=[local.pk]), {"as_of": "30/06/2018"}).content.decode()
    assert "529.000.000" in page
    assert "100,0%" in page
    early = client.get(reverse("programs:detail", args=[local.pk]), {"as_of": "05/02/2018"})
    assert early.context["figures"].allocated == 0


def test_the_facility_page_lists_its_đề_án(bac_kan: None) -> None:
    from khuyencong.facilities.models import Facility

    facility = Facility.objects.get(code="BK-HTX-TANTHANH")
    officer = make_user("tn", "SCT-19", Role.OFFICER)
    page = client_for(officer).get(reverse("facilities:detail", args=[facility.pk])).content.decode()
    assert "BK-KCQG18-1" in page


def test_a_beneficiary_asks_to_stop_through_the_page(bac_kan: None) -> None:
    from khuyencong.facilities.models import Facility

    project = Project.objects.get(code="BK-KCQG18-1")  # contract signed
    facility = Facility.objects.get(code="BK-HTX-TANTHANH")
    representative = make_user("rep", None, Role.FACILITY_REPRESENTATIVE, facility=facility)
    client = client_for(representative)
    offered = client.get(reverse("projects:detail", args=[project.pk])).context["event_form"]
    assert {value for value, _ in offered.fields["action"].choices} == {"adjustment_requested", "stop_requested"}
    response = client.post(
        reverse("projects:act", args=[project.pk]),
        {"event-action": "stop_requested", "event-on": "01/07/2018", "event-note": "Thiếu vốn đối ứng"},
    )
    assert response.status_code == 302
    event = project.events.order_by("-seq").first()
    assert event is not None
    assert (event.action, event.organization.code, event.actor) == ("stop_requested", "TTKC-BK", representative)


def test_the_list_as_of_a_date_is_the_replay_for_every_đề_án(bac_kan: None, yen_bai: None) -> None:
    """The SQL list (periods in force that day) says what replaying each đề án's events says, on several days."""
    from khuyencong.projects.selectors import StateOn, projects_as_of

    cuc = make_user("cuc", "CUC-CTDP", Role.OFFICER)
    client = client_for(cuc)
    for day in (datetime.date(2018, 1, 31), datetime.date(2018, 6, 30), datetime.date(2022, 3, 15),
                datetime.date(2022, 6, 30), datetime.date(2026, 1, 1)):  # fmt: skip
        shown: dict[int, StateOn] = {}
        for number in (1, 2):
            response = client.get(reverse("projects:list"), {"as_of": day.strftime("%d/%m/%Y"), "page": number})
            shown |= {p.pk: s for p, s in response.context["rows"]}
        assert len(shown) == Project.objects.count()
        replay = projects_as_of(Project.objects.filter(pk__in=shown), day)
        assert {pk: s.state for pk, s in shown.items()} == {pk: r.state for pk, r in replay.items()}
        assert {pk: s.paid for pk, s in shown.items()} == {pk: r.paid for pk, r in replay.items()}
        assert response.context["page"].paginator.count == Project.objects.count()


def test_a_refused_step_is_announced_where_the_page_opens_with_a_link_to_its_form(bac_kan: None) -> None:
    # given a centre recording a progress report without its percent
    project = Project.objects.get(code="BK-KCQG18-1")
    centre = make_user("ttkc-bk", "TTKC-BK", Role.OFFICER)
    response = client_for(centre).post(
        reverse("projects:act", args=[project.pk]), {"event-action": "progress", "event-on": "01/07/2018"}
    )
    # then the page says so before its first section, linking to the form and its error
    page = response.content.decode()
    assert response.status_code == 400
    summary = page.index('href="#ghi-buoc"')
    assert summary < page.index("<h2>Thông tin</h2>") < page.index('id="ghi-buoc"')
    assert 'id="tam-ung"' not in page[:summary]
    # and it names the page's own address, which the browser puts back in place of the form's (web/app.js), while
    # the page opened normally names none
    detail = reverse("projects:detail", args=[project.pk])
    assert f'<meta name="page-address" content="{detail}">' in page
    assert 'name="page-address"' not in client_for(centre).get(detail).content.decode()


def test_the_step_chooser_says_what_each_steps_amount_states(bac_kan: None) -> None:
    # given a contracted national đề án, for its implementing centre
    project = Project.objects.get(code="BK-KCQG18-1")
    centre = make_user("ttkc-bk", "TTKC-BK", Role.OFFICER)
    page = client_for(centre).get(reverse("projects:detail", args=[project.pk])).content.decode()
    # then acceptance states its value, a progress report its percent, a stop request neither
    assert 'value="accepted" data-amount="Giá trị nghiệm thu (đồng)"' in page
    assert 'value="progress" data-percent' in page
    assert 'value="stop_requested">' in page
    assert 'data-amount-field="id_event-amount" data-percent-field="id_event-percent"' in page


def test_who_takes_no_step_is_told_what_comes_next_and_whose_it_is(bac_kan: None) -> None:
    # given a contracted national đề án, opened by a viewer of the Sở, who takes no step
    project = Project.objects.get(code="BK-KCQG18-1")
    viewer = make_user("xem", "SCT-19", Role.VIEWER)
    response = client_for(viewer).get(reverse("projects:detail", args=[project.pk]))
    steps = {str(step.action.label): step.who for step in response.context["next_steps"]}
    # then the page lists the next lawful steps, each with the body whose step it is: the implementer's successor
    # since the 2025 reform dissolved Bắc Kạn's centre
    acting = str(authority.acting_implementer(project))
    assert acting != str(project.implementer)
    assert steps["Báo cáo tiến độ"] == [acting]
    assert steps["Nghiệm thu"][0] == acting
    assert "Phê duyệt" not in steps
    assert "Bước tiếp theo" in response.content.decode()
    # and for a national đề án waiting for approval, the approval is named as the Cục's (the Minister's decision on
    # its submission, which it records), not as a nameless «Cấp phê duyệt»
    project.state = State.FORWARDED
    approval = {str(step.action.label): step.who for step in selectors.project_next_steps(project)}["Phê duyệt"]
    assert approval == [str(Organization.objects.get(kind=OrganizationKind.DEPARTMENT))]
    project.refresh_from_db()
    # and whoever takes a step sees the form instead
    centre = make_user("ttkc-bk", "TTKC-BK", Role.OFFICER)
    assert client_for(centre).get(reverse("projects:detail", args=[project.pk])).context["next_steps"] == []
