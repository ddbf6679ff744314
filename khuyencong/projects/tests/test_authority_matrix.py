"""Who may take which action, per person, on a local (KCĐP) and a national (KCQG) đề án of Lào Cai.

The expected sets are written out by hand from Circular 36/2013 and Decree 45 Art. 16, not derived from the
authority table they check."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from conftest import make_user
from khuyencong.accounts.models import Role, User
from khuyencong.facilities.models import Facility
from khuyencong.organizations.models import Organization
from khuyencong.programs.models import Plan
from khuyencong.projects import authority
from khuyencong.projects.models import Project, ProjectContent
from khuyencong.projects.services import project_create
from khuyencong.projects.workflow import Action

pytestmark = pytest.mark.django_db

IMPLEMENTER = {
    "registered",
    "surveyed",
    "drafted",
    "submitted_for_appraisal",
    "contract_signed",
    "progress",
    "inspected",
    "adjustment_requested",
    "stop_requested",
    "accepted",
    "liquidated",
    "settled",
}
DEPARTMENT_APPRAISER = {"returned_for_supplement", "appraisal_passed", "appraisal_failed", "forwarded", "inspected"}
DEPARTMENT_OFFICER = {"registered", "assigned", "inspected"}
APPROVER = {
    "approved",
    "rejected",
    "assigned",
    "contract_signed",
    "adjustment_approved",
    "adjustment_refused",
    "stopped",
    "stop_refused",
    "accepted",
    "liquidated",
    "settled",
}
# The Sở decides adjustments and stops of local đề án for the UBND tỉnh, as the approving side.
DEPARTMENT_APPROVER_LOCAL = {"adjustment_approved", "adjustment_refused", "stopped", "stop_refused"}
# The Sở records the UBND tỉnh's approval or rejection of a local đề án on its behalf (Decree 45/2012 Art. 16).
ON_BEHALF_OF_UBND = {"approved", "rejected"}
NATIONAL_APPRAISER = {"returned_for_supplement", "appraisal_passed", "appraisal_failed", "inspected"}
BENEFICIARY = {"adjustment_requested", "stop_requested"}

PERSONAS: dict[str, tuple[str | None, tuple[str, ...]]] = {
    "centre officer": ("TTKC-15", (Role.OFFICER,)),
    "centre viewer": ("TTKC-15", (Role.VIEWER,)),
    "Sở appraiser": ("SCT-15", (Role.APPRAISER,)),
    "Sở officer": ("SCT-15", (Role.OFFICER,)),
    "Sở approver": ("SCT-15", (Role.APPROVER,)),
    "UBND approver": ("UBND-15", (Role.APPROVER,)),
    "Cục appraiser": ("CUC-CTDP", (Role.APPRAISER,)),
    "Cục approver": ("CUC-CTDP", (Role.APPROVER,)),
    "other Sở, every role": ("SCT-19", tuple(Role.values)),
}

EXPECTED: dict[str, dict[str, set[str]]] = {
    "provincial": {
        "centre officer": IMPLEMENTER,
        "centre viewer": set(),
        "Sở appraiser": DEPARTMENT_APPRAISER,
        "Sở officer": DEPARTMENT_OFFICER | ON_BEHALF_OF_UBND,
        "Sở approver": {"assigned", *DEPARTMENT_APPROVER_LOCAL, *ON_BEHALF_OF_UBND},
        "UBND approver": APPROVER,
        "Cục appraiser": NATIONAL_APPRAISER,
        "Cục approver": set(),
        "other Sở, every role": set(),
    },
    "national": {
        "centre officer": IMPLEMENTER,
        "centre viewer": set(),
        "Sở appraiser": DEPARTMENT_APPRAISER,
        "Sở officer": DEPARTMENT_OFFICER - {"assigned"},
        "Sở approver": set(),
        "UBND approver": set(),
        "Cục appraiser": NATIONAL_APPRAISER,
        "Cục approver": APPROVER,
        "other Sở, every role": set(),
    },
}


def a_project(source: str, beneficiaries: Iterable[Facility] = ()) -> Project:
    owner = Organization.objects.get(code="CUC-CTDP" if source == "national" else "UBND-15")
    plan = Plan.objects.create(code=f"P-{source}", year=2026, funding_source=source, owner=owner)
    root = User.objects.create_superuser(f"root-{source}", None, None)
    return project_create(
        actor=root,
        code=f"M-{source}",
        title="Ma trận",
        plan=plan,
        kind="general",
        content=ProjectContent.objects.get(code="information"),
        implementer=Organization.objects.get(code="TTKC-15"),
        beneficiaries=beneficiaries,
    )


@pytest.mark.parametrize("source", ["provincial", "national"])
@pytest.mark.parametrize("persona", list(PERSONAS))
def test_who_may_take_each_action(source: str, persona: str) -> None:
    project = a_project(source)
    org, roles = PERSONAS[persona]
    user = make_user(persona.replace(" ", "-").replace(",", ""), org, *roles)
    allowed = {action.value for action in Action if authority.can_act_on_project(user, project, action)}
    assert allowed == EXPECTED[source][persona]


def test_a_beneficiarys_representative_may_only_ask(make_facility) -> None:
    facility = make_facility("HTX A", province="Lào Cai", commune="Bảo Thắng")
    project = a_project("provincial", [facility])
    representative = make_user("rep", None, Role.FACILITY_REPRESENTATIVE, facility=facility)
    allowed = {action.value for action in Action if authority.can_act_on_project(representative, project, action)}
    assert allowed == BENEFICIARY
    stranger = make_user(
        "rep2", None, Role.FACILITY_REPRESENTATIVE, facility=make_facility("HTX B", province="Lào Cai")
    )
    assert not any(authority.can_act_on_project(stranger, project, action) for action in Action)


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_the_database_condition_says_what_the_check_says(persona: str, bac_kan: None, yen_bai: None) -> None:
    """`actionable` (a work queue's filter) and `can_act_on_project` (one đề án) decide alike, for every action."""
    org, roles = PERSONAS[persona]
    user = make_user(persona.replace(" ", "-").replace(",", ""), org, *roles)
    projects = list(Project.objects.select_related("plan", "implementer"))
    for action in Action:
        expected = {p.pk for p in projects if authority.can_act_on_project(user, p, action)}
        found = set(Project.objects.filter(authority.actionable(user, action)).values_list("pk", flat=True))
        assert found == expected, action


def test_a_beneficiary_may_ask_only_on_its_own_đề_án(bac_kan: None) -> None:
    facility_project = Project.objects.filter(beneficiaries__isnull=False).first()
    assert facility_project is not None
    facility = facility_project.beneficiaries.first()
    representative = make_user("dai-dien", None, Role.FACILITY_REPRESENTATIVE, facility=facility)
    found = set(
        Project.objects.filter(authority.actionable(representative, Action.STOP_REQUESTED)).values_list("pk", flat=True)
    )
    assert found == {
        p.pk for p in Project.objects.all() if authority.can_act_on_project(representative, p, Action.STOP_REQUESTED)
    }
    assert facility_project.pk in found
