"""Who may do what with products and selection rounds: the checks the pages, the API and the services all ask."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from khuyencong.accounts import access
from khuyencong.accounts.models import Role, User
from khuyencong.facilities.models import Facility
from khuyencong.geography.models import Level
from khuyencong.organizations.models import Organization, OrganizationKind

from .models import Entry, Judge, SelectionRound
from .rules import RoundLevel

WRITERS = frozenset({Role.OFFICER, Role.APPROVER, Role.ADMINISTRATOR})

# The body that organises a round at each level (TT 26/2014/TT-BCT Art. 8–10 as amended by TT 38/2025/TT-BCT): the
# district's, then the commune's people's committee; the province's (its Sở Công Thương as the standing body); the Cục
# for a region; the Ministry (or the Cục for it) for the nation.
ORGANIZER_KINDS: dict[RoundLevel, frozenset[str]] = {
    RoundLevel.DISTRICT: frozenset({OrganizationKind.DISTRICT_OFFICE}),
    RoundLevel.COMMUNE: frozenset({OrganizationKind.COMMUNE_COMMITTEE}),
    RoundLevel.PROVINCIAL: frozenset({OrganizationKind.PROVINCIAL_COMMITTEE, OrganizationKind.PROVINCIAL_DEPARTMENT}),
    RoundLevel.REGIONAL: frozenset({OrganizationKind.DEPARTMENT}),
    RoundLevel.NATIONAL: frozenset({OrganizationKind.MINISTRY, OrganizationKind.DEPARTMENT}),
}
TERRITORY_OF_LEVEL = {
    RoundLevel.DISTRICT: Level.DISTRICT,
    RoundLevel.COMMUNE: Level.COMMUNE,
    RoundLevel.PROVINCIAL: Level.PROVINCE,
}


def _actor(user: User | AnonymousUser) -> User | None:
    if not user.is_authenticated or not user.is_active:
        return None
    assert isinstance(user, User)
    return user


def can_write_product(user: User | AnonymousUser, facility: Facility) -> bool:
    """A facility's products are written by the facility itself (its representative) or an officer whose territory
    holds it."""
    actor = _actor(user)
    if actor is None:
        return False
    if actor.is_superuser:
        return True
    if actor.has_role(Role.FACILITY_REPRESENTATIVE) and actor.facility_id == facility.pk:
        return True
    return access.can_on_facility(actor, access.Action.CHANGE, facility)


def may_add_products(user: User | AnonymousUser) -> bool:
    """Whether the page offers the form for a new product: a facility's representative, or an officer of a body (who
    may write for the facilities of its territory; `can_write_product` decides for each)."""
    actor = _actor(user)
    if actor is None:
        return False
    if actor.is_superuser:
        return True
    if actor.has_role(Role.FACILITY_REPRESENTATIVE) and actor.facility_id is not None:
        return True
    # The roles that may change a facility (a product belongs to one): a body that approves but does not keep the
    # records, the UBND, was offered a form whose facility list was always empty.
    return actor.organization is not None and actor.has_role(*access.FACILITY_ROLES[access.Action.CHANGE])


def may_open_rounds(user: User | AnonymousUser) -> bool:
    """Whether the page offers the form for a new round: an officer of a body of a kind that organises some level."""
    actor = _actor(user)
    if actor is None:
        return False
    if actor.is_superuser:
        return True
    org = actor.organization
    return org is not None and actor.has_role(*WRITERS) and any(org.kind in kinds for kinds in ORGANIZER_KINDS.values())


def may_organize(organization: Organization, level: RoundLevel) -> bool:
    return organization.kind in ORGANIZER_KINDS[level]


def can_manage_round(user: User | AnonymousUser, selection: SelectionRound) -> bool:
    """The organiser's officers, or those of a body of the organising kind with the same territory (the Sở for the
    UBND tỉnh's round)."""
    actor = _actor(user)
    if actor is None:
        return False
    if actor.is_superuser:
        return True
    org = actor.organization
    if not actor.has_role(*WRITERS) or org is None:
        return False
    if org.pk == selection.organizer_id:
        return True
    level = RoundLevel(selection.level)
    return may_organize(org, level) and org.territory_id == selection.organizer.territory_id


def can_create_round(user: User | AnonymousUser, organizer: Organization, level: RoundLevel) -> bool:
    actor = _actor(user)
    if actor is None or not may_organize(organizer, level):
        return False
    if actor.is_superuser:
        return True
    org = actor.organization
    if not actor.has_role(*WRITERS) or org is None:
        return False
    return org.pk == organizer.pk or (may_organize(org, level) and org.territory_id == organizer.territory_id)


def can_register(user: User | AnonymousUser, selection: SelectionRound, facility: Facility) -> bool:
    """An entry is registered by the facility itself, by an officer whose territory holds the facility (its commune,
    its Sở), or by the round's organiser."""
    return can_write_product(user, facility) or can_manage_round(user, selection)


def can_score(user: User | AnonymousUser, judge: Judge) -> bool:
    """Each judge scores on their own sheet: only the judge's account."""
    actor = _actor(user)
    return actor is not None and judge.user_id is not None and judge.user_id == actor.pk


def can_transcribe_sheet(user: User | AnonymousUser, judge: Judge) -> bool:
    """A paper score sheet is typed in by the organiser's secretariat (or arrives in an exchange file) only for a judge
    who has no account here: a judge with an account scores on their own sheet, never through another's hands."""
    return judge.user_id is None and can_manage_round(user, judge.round)


def can_view_entry(user: User | AnonymousUser, entry: Entry) -> bool:
    actor = _actor(user)
    if actor is None:
        return False
    if can_manage_round(actor, entry.round) or entry.round.judges.filter(user=actor).exists():
        return True
    if actor.has_role(Role.FACILITY_REPRESENTATIVE):
        return actor.facility_id == entry.product.facility_id
    return access.can_on_facility(actor, access.Action.VIEW, entry.product.facility)
