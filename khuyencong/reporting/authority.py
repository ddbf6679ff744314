"""Who may do what with a periodic report: the capability checks that the pages, the API and the services all ask."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from khuyencong.accounts import access
from khuyencong.accounts.models import Role, User
from khuyencong.geography.models import AdminUnit
from khuyencong.organizations.models import Organization, OrganizationKind

from .models import ReportingDuty
from .rules import TRANSITIONS, Move, Side

WRITERS = frozenset({Role.OFFICER, Role.APPROVER, Role.ADMINISTRATOR})
# The right to enter in a body's name what it did on paper (an import, a demo load): the exchange's own permission.
IMPORT_FOR_OTHERS = "exchange.import_for_named_organizations"
# Sending a report in the body's name, or taking one in for the level above, is a signing act: not a viewer's.
SENDERS = frozenset({Role.OFFICER, Role.APPROVER, Role.ADMINISTRATOR})


def _user(user: User | AnonymousUser) -> User | None:
    if not user.is_authenticated or not user.is_active:
        return None
    assert isinstance(user, User)
    return user


def can_prepare(user: User | AnonymousUser, organization: Organization) -> bool:
    """A report is drafted by its body, or by a body under it (the provincial centre drafts the Sở's report, as in
    seed 000), by an officer."""
    actor = _user(user)
    if actor is None:
        return False
    if actor.is_superuser:
        return True
    if not actor.has_role(*WRITERS) or actor.organization is None:
        return False
    return actor.organization_id == organization.pk or actor.organization.parent_id == organization.pk


def can_submit(user: User | AnonymousUser, organization: Organization) -> bool:
    """Only the body itself sends its report (it signs it)."""
    actor = _user(user)
    if actor is None:
        return False
    if actor.is_superuser:
        return True
    return actor.has_role(*SENDERS) and actor.organization_id == organization.pk


def can_review(user: User | AnonymousUser, duty: ReportingDuty, organization: Organization) -> bool:
    """The level the duty names takes a report in or sends it back: the Cục for a Sở's or a national centre's
    report, the Ministry for the UBND tỉnh's; the report must lie within the reviewer's territory."""
    actor = _user(user)
    if actor is None:
        return False
    if actor.is_superuser:
        return True
    if not actor.has_role(*SENDERS) or actor.organization is None:
        return False
    return organization_may_review(actor.organization, duty, organization)


def organization_may_review(body: Organization, duty: ReportingDuty, organization: Organization) -> bool:
    """Whether a body is the level that receives this report: of the kind the duty names, and holding the reporting
    body within its territory (asked of the reviewer's own body, and of the body named when a review done on paper is
    entered after the fact)."""
    return body.kind == duty.reviewer_kind and _scope_covers(access.organization_scope(body), organization)


def can_transcribe(user: User | AnonymousUser, organization: Organization) -> bool:
    """Whether the user may enter, in another body's name, a report sent or reviewed on paper: the system account of
    an import or a demo load, or someone given the right to import in others' names, within their territory. The body
    named must still hold the authority for the act (`organization_may_review`, or be the reporting body)."""
    actor = _user(user)
    if actor is None:
        return False
    if actor.is_superuser:
        return True
    return actor.has_perm(IMPORT_FOR_OTHERS) and _covers(actor, organization)


def body_may_move(move: Move, duty: ReportingDuty, organization: Organization, body: Organization) -> bool:
    """Whether a body — not a person — holds the authority for a move: the one named on a step transcribed from
    another instance's exchange file. The report's own body sends it; a body of the kind the duty names, whose
    territory holds the reporting body (a national body's holds every one), takes it in or sends it back."""
    if TRANSITIONS[move].side == Side.BODY:
        return body.pk == organization.pk
    if body.kind != duty.reviewer_kind:
        return False
    if body.territory is None:
        return True
    territory = organization.territory
    if territory is None:
        return False
    return (body.territory.current_province_id or body.territory_id) == (territory.current_province_id or territory.pk)


def can_view(user: User | AnonymousUser, organization: Organization) -> bool:
    """A report is seen by its body and those under it, and by anyone whose territory holds the body."""
    actor = _user(user)
    if actor is None:
        return False
    if actor.is_superuser or can_prepare(actor, organization):
        return True
    if not actor.role_set:
        # No role, no data (`access.scope_of`): an organisation says where someone works, a role that they may read its
        # records at all — an account set up before the province grants a role sees none of its body's reports.
        return False
    if actor.has_role(Role.FACILITY_REPRESENTATIVE):
        # Before the organisation: on a representative's account it says which body registered them, not one whose
        # reports they read (`access.scope_of`); a representative read its Sở's whole report (second probe, stop 24).
        return False
    if actor.organization_id is not None and actor.organization_id == organization.pk:
        return True
    return _covers(actor, organization)


def _covers(actor: User, organization: Organization) -> bool:
    return _scope_covers(access.scope_of(actor), organization)


def _scope_covers(scope: access.Scope, organization: Organization) -> bool:
    if scope.everything:
        return True
    territory = organization.territory
    if territory is None:
        # A national centre's report is the Cục's business, not a province's.
        return False
    return scope.covers_province(territory.current_province_id or territory.pk)


def can_add_duty(user: User | AnonymousUser, province: AdminUnit) -> bool:
    """A province's own duty is added by its Sở Công Thương (TT 46/2012/TT-BCT Art. 9), or by the Cục."""
    actor = _user(user)
    if actor is None:
        return False
    if actor.is_superuser:
        return True
    if not actor.has_role(*SENDERS) or actor.organization is None:
        return False
    org = actor.organization
    if org.kind == OrganizationKind.DEPARTMENT:
        return True
    territory = org.territory
    return (
        org.kind == OrganizationKind.PROVINCIAL_DEPARTMENT
        and territory is not None
        and (territory.current_province_id or territory.pk) == (province.current_province_id or province.pk)
    )


def can_read_notification(user: User | AnonymousUser, recipient_id: int) -> bool:
    """A notification is its recipient's alone: nobody else reads it or marks it read, not even a superuser."""
    actor = _user(user)
    return actor is not None and actor.pk == recipient_id


def can_compile(user: User | AnonymousUser) -> bool:
    """The compilation of every province's periodic reports is the national bodies' (the Cục and the Bộ)."""
    return access.scope_of(user).everything
