"""A body formed by the 2025 reform carries on its predecessor's đề án: Yên Bái became part of Lào Cai on 01/07/2025
and TTKC Lào Cai inherits the rights and duties of TTKC Yên Bái (Nghị quyết 202/2025/QH15), so it takes the
implementer's steps on a Yên Bái đề án left unfinished — on the page, in the service and in its work queue — from the
day after TTKC Yên Bái ceased, and not before; when two bodies of its kind serve the province, neither is guessed."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import client_for, make_user
from khuyencong.accounts.models import Role, User
from khuyencong.organizations.models import Organization, OrganizationKind
from khuyencong.projects import authority, selectors
from khuyencong.projects.models import Project
from khuyencong.projects.services import project_record_event
from khuyencong.projects.workflow import Action, Party

pytestmark = pytest.mark.django_db

AFTER_THE_REFORM = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
BEFORE_THE_REFORM = datetime.datetime(2025, 6, 16, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def lao_cai_centre(yen_bai: None) -> User:
    return make_user("laocai.ttkc", "TTKC-15", Role.OFFICER)


def contracted() -> Project:
    """A local 2022 đề án of TTKC Yên Bái, contract signed, never accepted."""
    project = Project.objects.get(code="YB-KCDP22-01")
    assert project.state == "contracted"
    assert project.implementer.code == "TTKC-YB"
    return project


def test_after_the_reform_the_successor_is_offered_the_implementers_steps(lao_cai_centre: User) -> None:
    project = contracted()
    with time_machine.travel(AFTER_THE_REFORM, tick=False):
        assert authority.project_parties(lao_cai_centre, project) == {Party.IMPLEMENTER}
        assert {Action.PROGRESS, Action.ACCEPTED} <= set(selectors.project_actions_for(lao_cai_centre, project))

        form = client_for(lao_cai_centre).get(reverse("projects:detail", args=[project.pk])).context["event_form"]

    assert form is not None
    assert {"progress", "accepted"} <= {value for value, _label in form.fields["action"].choices}


def test_the_successor_records_a_step_in_its_own_name(lao_cai_centre: User) -> None:
    project = contracted()
    with time_machine.travel(AFTER_THE_REFORM, tick=False):
        event = project_record_event(
            project=project, actor=lao_cai_centre, action="progress", on=datetime.date(2026, 2, 20), percent=Decimal(60)
        )

    assert event.organization is not None
    assert event.organization.code == "TTKC-15"
    project.refresh_from_db()
    assert project.state == "in_progress"


def test_the_successors_queue_holds_its_predecessors_đề_án(lao_cai_centre: User) -> None:
    project = contracted()
    with time_machine.travel(AFTER_THE_REFORM, tick=False):
        waiting = Project.objects.filter(authority.actionable(lao_cai_centre, "progress"))

        assert project in waiting


def test_before_the_reform_the_đề_án_is_its_own_implementers_only(lao_cai_centre: User) -> None:
    project = contracted()
    yen_bai_centre = make_user("yenbai.ttkc", "TTKC-YB", Role.OFFICER)
    with time_machine.travel(BEFORE_THE_REFORM, tick=False):
        assert Party.IMPLEMENTER not in authority.project_parties(lao_cai_centre, project)
        assert selectors.project_actions_for(lao_cai_centre, project) == []
        assert project not in Project.objects.filter(authority.actionable(lao_cai_centre, "progress"))
        assert Action.PROGRESS in selectors.project_actions_for(yen_bai_centre, project)


def test_a_step_transcribed_before_the_reform_may_not_name_the_successor(lao_cai_centre: User) -> None:
    # History entered today: the body named must have held the authority on the step's day.
    project = contracted()
    successor = Organization.objects.get(code="TTKC-15")
    with time_machine.travel(AFTER_THE_REFORM, tick=False):
        assert not authority.organization_may_act(successor, project, "progress", datetime.date(2025, 5, 1))
        assert authority.organization_may_act(successor, project, "progress", datetime.date(2025, 7, 1))
        with pytest.raises(ValidationError) as refused:
            project_record_event(
                project=Project.objects.get(code="YB-KCDP22-02"),
                actor=lao_cai_centre,
                action="progress",
                on=datetime.date(2025, 5, 1),
                percent=Decimal(30),
                organization=successor,
                transcribed=True,
            )
    assert [error.code for error in refused.value.error_dict["organization"]] == ["authority_denied"]


def test_no_successor_is_guessed_when_two_bodies_of_its_kind_serve_the_province(lao_cai_centre: User) -> None:
    project = contracted()
    lao_cai = Organization.objects.get(code="TTKC-15").territory
    Organization.objects.create(
        code="TTKC-15-B", name="Trung tâm thứ hai", kind=OrganizationKind.PROVINCIAL_CENTRE, territory=lao_cai
    )
    with time_machine.travel(AFTER_THE_REFORM, tick=False):
        assert authority.successor_of(project.implementer) is None
        assert selectors.project_actions_for(lao_cai_centre, project) == []
        assert project not in Project.objects.filter(authority.actionable(lao_cai_centre, "progress"))
