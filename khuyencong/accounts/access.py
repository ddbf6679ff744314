"""Who may see and do what: the one place that decides, from the user's organisation (level, territory) and roles.

Every list, page, export and API call asks this module. Records are scoped by the province and commune they count
under *today* (a Yên Bái facility of 2022 belongs to Lào Cai's officials), so that an official of a merged province
inherits the history of the provinces merged into it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.organizations.models import Organization, OrganizationLevel

from .models import SYSTEM_USERNAME, Role, User

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from khuyencong.facilities.models import Facility
    from khuyencong.geography.models import AdminUnit

M = TypeVar("M", bound=Model)


class Action(StrEnum):
    VIEW = "view"
    CREATE = "create"
    CHANGE = "change"
    EXPORT = "export"


# Roles that may take each action on facilities, within the user's territory.
FACILITY_ROLES: dict[Action, frozenset[str]] = {
    Action.VIEW: frozenset(Role.values),
    Action.EXPORT: frozenset({Role.VIEWER, Role.OFFICER, Role.APPRAISER, Role.APPROVER, Role.ADMINISTRATOR}),
    Action.CREATE: frozenset({Role.OFFICER, Role.ADMINISTRATOR}),
    Action.CHANGE: frozenset({Role.OFFICER, Role.ADMINISTRATOR}),
}


@dataclass(frozen=True)
class Scope:
    """The territory a user works in. `everything` for national bodies; otherwise sets of today's units."""

    everything: bool = False
    province_ids: frozenset[int] = frozenset()
    district_ids: frozenset[int] = frozenset()
    commune_ids: frozenset[int] = frozenset()
    facility_ids: frozenset[int] = frozenset()

    @property
    def is_empty(self) -> bool:
        return not (self.everything or self.province_ids or self.district_ids or self.commune_ids or self.facility_ids)

    def condition(
        self,
        *,
        province: str = "current_province",
        district: str = "district",
        commune: str = "current_commune",
        facility: str | None = None,
    ) -> Q:
        """A filter on a model whose rows point at today's province/commune through the given field paths."""
        if self.everything:
            return Q()
        q = Q(pk__in=[])
        if self.province_ids:
            q |= Q(**{f"{province}__in": self.province_ids})
        if self.district_ids:
            q |= Q(**{f"{district}__in": self.district_ids})
        if self.commune_ids:
            q |= Q(**{f"{commune}__in": self.commune_ids})
        if self.facility_ids and facility is not None:
            q |= Q(**{f"{facility}__in": self.facility_ids})
        return q

    def covers_province(self, province_id: int | None) -> bool:
        return self.everything or (province_id is not None and province_id in self.province_ids)


EMPTY = Scope()
EVERYTHING = Scope(everything=True)


def scope_of(user: User | AnonymousUser, *, on: datetime.date | None = None) -> Scope:
    if not user.is_authenticated or not user.is_active:
        return EMPTY
    assert isinstance(user, User)
    if user.is_superuser:
        return EVERYTHING
    if not user.role_set:
        # No role, no data: an organisation says where someone works, a role that they may work with its records at
        # all. Accounts are often created (and organisations set) before the province grants a role.
        return EMPTY
    if user.has_role(Role.FACILITY_REPRESENTATIVE):
        if user.facility_id is not None:
            return Scope(facility_ids=frozenset({user.facility_id}))
        if user.role_set == {Role.FACILITY_REPRESENTATIVE}:
            # A representative of no facility represents nothing: the organisation on the account (set when the
            # Sở created it) says who registered the person, not a territory they may read.
            return EMPTY
    if user.organization is None:
        return EMPTY
    return organization_scope(user.organization, on=on)


def organization_scope(organization: Organization, *, on: datetime.date | None = None) -> Scope:
    level = organization.level
    territory = organization.territory
    if level == OrganizationLevel.NATIONAL:
        return EVERYTHING
    if level == OrganizationLevel.REGION:
        if organization.region is None:
            return EMPTY
        day = on or timezone.localdate()
        return Scope(province_ids=frozenset(organization.region.provinces_on(day).values_list("pk", flat=True)))
    if territory is None:
        return EMPTY
    if level == OrganizationLevel.PROVINCE:
        # A body of a pre-2025 province (Sở Công Thương Yên Bái) sees what its territory counts under today.
        return Scope(province_ids=frozenset({territory.current_province_id or territory.pk}))
    if level == OrganizationLevel.DISTRICT:
        return Scope(district_ids=frozenset({territory.pk}))
    return Scope(commune_ids=frozenset(_current_communes(territory)))


def _current_communes(territory: AdminUnit) -> set[int]:
    from khuyencong.geography.selectors import unit_current_communes

    return {unit.pk for unit in unit_current_communes(territory)}


def facilities_in_scope(user: User | AnonymousUser, queryset: QuerySet[M]) -> QuerySet[M]:
    return queryset.filter(scope_of(user).condition(facility="pk"))


def _acting(user: User | AnonymousUser, action: Action) -> User | None:
    """The user, if their roles allow `action` at all; a facility representative may only look."""
    if not user.is_authenticated:
        return None
    assert isinstance(user, User)
    if user.is_superuser:
        return user
    if user.has_role(Role.FACILITY_REPRESENTATIVE):
        return user if action == Action.VIEW else None
    return user if user.has_role(*FACILITY_ROLES[action]) else None


def can_on_facility(user: User | AnonymousUser, action: Action, facility: Facility) -> bool:
    actor = _acting(user, action)
    if actor is None:
        return False
    scope = scope_of(actor)
    return (
        scope.everything
        or facility.pk in scope.facility_ids
        or facility.current_province_id in scope.province_ids
        or facility.district_id in scope.district_ids
        or facility.current_commune_id in scope.commune_ids
    )


def can_create_facility_in(
    user: User | AnonymousUser, province: AdminUnit, *, commune: AdminUnit | None = None
) -> bool:
    """Whether the user may register (or move) a facility to this place, given as recorded."""
    actor = _acting(user, Action.CREATE)
    if actor is None:
        return False
    scope = scope_of(actor)
    if scope.covers_province(province.current_province_id or province.pk):
        return True
    if commune is None:
        return False
    return commune.parent_id in scope.district_ids or bool(scope.commune_ids.intersection(_current_communes(commune)))


def can_propose_facility_change(user: User | AnonymousUser, facility: Facility) -> bool:
    """A facility's representative asks for changes to its own facility's record, and to no other (self-service);
    the body that manages the facility decides (`can_review_facility_proposal`)."""
    if not user.is_authenticated or not user.is_active:
        return False
    assert isinstance(user, User)
    return user.has_role(Role.FACILITY_REPRESENTATIVE) and user.facility_id == facility.pk


def may_propose_facility_changes(user: User | AnonymousUser) -> bool:
    """Whether the user represents a facility at all (to show its proposals' page and menu)."""
    if not user.is_authenticated or not user.is_active:
        return False
    assert isinstance(user, User)
    return user.has_role(Role.FACILITY_REPRESENTATIVE) and user.facility_id is not None


def can_review_facility_proposal(user: User | AnonymousUser, facility: Facility) -> bool:
    """A representative's proposal is applied or rejected by those who may change the facility themselves: the same
    decision as the facility's edit page, so that self-service opens no way around it."""
    return can_on_facility(user, Action.CHANGE, facility)


def may(user: User | AnonymousUser, action: Action) -> bool:
    """Whether the user may take `action` on facilities anywhere at all (to show or hide buttons and menus)."""
    actor = _acting(user, action)
    return actor is not None and not scope_of(actor).is_empty


def can_export(user: User | AnonymousUser) -> bool:
    """Any download of records — facilities as CSV, the exchange JSON, a report as XLSX, PDF or JSON — is one decision.

    A file leaves the system's scoping behind (it is forwarded, merged, kept), so taking one is a permission of its own,
    not a side effect of being allowed to look: a facility representative may look at its own records but not export.
    """
    return may(user, Action.EXPORT)


def require_list_export(user: User | AnonymousUser) -> None:
    """The refusal of a list's Excel or CSV copy to one who may not take files (`can_export`), in the same words on
    every list."""
    if not can_export(user):
        raise PermissionDenied(_("Bạn không có quyền tải danh sách về."))


CONSULTING_ROLES = frozenset({Role.OFFICER, Role.APPROVER, Role.ADMINISTRATOR})


def can_record_consulting(user: User | AnonymousUser, organization: Organization) -> bool:
    """A centre's consulting figures are recorded by the centre itself or by a body whose territory holds it.

    The territory test is the one `organizations_in_scope` reads with, so that a user records exactly the figures they
    may see; a record already kept under a code must pass this too, for its organisation as it stands.
    """
    if not user.is_authenticated:
        return False
    assert isinstance(user, User)
    if user.is_superuser:
        return True
    if not user.has_role(*CONSULTING_ROLES) or user.organization_id is None:
        return False
    if user.organization_id == organization.pk:
        return True
    scope = scope_of(user)
    if scope.everything:
        return True
    territory = organization.territory
    return territory is not None and (
        territory.pk in scope.province_ids or territory.current_province_id in scope.province_ids
    )


def can_manage_organizations(user: User | AnonymousUser) -> bool:
    """The reference list of bodies (their dated territories) is the system's administrators': those of a national
    body, since a body's territory decides what it sees and under which province its đề án are reported."""
    if not user.is_authenticated or not user.is_active:
        return False
    assert isinstance(user, User)
    if user.is_superuser:
        return True
    return user.has_role(Role.ADMINISTRATOR) and scope_of(user).everything


PLAN_ROLES = frozenset({Role.OFFICER, Role.APPROVER, Role.ADMINISTRATOR})


def can_manage_plan(user: User | AnonymousUser, owner: Organization) -> bool:
    """Budget decisions and allocations of a plan are recorded by its owner, or by a body above it in the territory."""
    if not user.is_authenticated:
        return False
    assert isinstance(user, User)
    if user.is_superuser:
        return True
    if not user.has_role(*PLAN_ROLES) or user.organization is None:
        return False
    if user.organization_id == owner.pk:
        return True
    scope = organization_scope(user.organization)
    if scope.everything:
        return True
    territory = owner.territory
    return territory is not None and scope.covers_province(territory.current_province_id or territory.pk)


def projects_in_scope(user: User | AnonymousUser, queryset: QuerySet[M]) -> QuerySet[M]:
    """Đề án of the user's territory, those their organisation implements, and, for a facility, its own."""
    scope = scope_of(user)
    if scope.everything:
        return queryset
    if scope.is_empty:
        # No role, no data: not even the đề án one's own organisation implements.
        return queryset.none()
    q = Q(province__in=scope.province_ids) if scope.province_ids else Q(pk__in=[])
    # Beneficiaries as EXISTS, not a join: a join gives a row per beneficiary, and any count or sum over the result
    # (a dashboard's) would count a đề án with two of the commune's facilities twice.
    through: Any = queryset.model._meta.get_field("beneficiaries").remote_field.through  # type: ignore[union-attr]
    beneficiaries = through.objects.filter(project_id=OuterRef("pk"))
    if scope.facility_ids:
        q |= Q(Exists(beneficiaries.filter(facility_id__in=scope.facility_ids)))
    if scope.commune_ids:
        q |= Q(Exists(beneficiaries.filter(facility__current_commune__in=scope.commune_ids)))
    if isinstance(user, User) and user.organization_id is not None and not scope.facility_ids:
        q |= Q(implementer_id=user.organization_id)
    return queryset.filter(q)


def plans_in_scope(user: User | AnonymousUser, queryset: QuerySet[M]) -> QuerySet[M]:
    """National plans are everyone's business; a provincial plan is seen within its province."""
    scope = scope_of(user)
    if scope.everything:
        return queryset
    if scope.is_empty:
        return queryset.none()
    national = Q(owner__territory__isnull=True)
    local = Q(owner__territory__current_province__in=scope.province_ids) | Q(owner__territory__in=scope.province_ids)
    return queryset.filter(national | local) if scope.province_ids else queryset.filter(national)


def organizations_in_scope(
    user: User | AnonymousUser, queryset: QuerySet[M], *, field: str = "organization"
) -> QuerySet[M]:
    """Records kept per organisation (consulting figures): national bodies see all, others their territory's."""
    scope = scope_of(user)
    if scope.everything:
        return queryset
    territory = "territory" if field == "pk" else f"{field}__territory"
    q = Q(**{f"{territory}__current_province__in": scope.province_ids}) | Q(**{f"{territory}__in": scope.province_ids})
    if isinstance(user, User) and user.organization_id is not None:
        q |= Q(**{field: user.organization_id})
    return queryset.filter(q)


def can_choose_language(user: User | AnonymousUser) -> bool:
    """Everyone signed in keeps his own language (a visitor's choice lives in a cookie, not in the database)."""
    return bool(user.is_authenticated and user.is_active)


def works_for_a_body(user: User | AnonymousUser) -> bool:
    """Whether the user works for a body of the system with a territory (not a facility's representative): the
    bodies' pages — dashboard and reports, plans, periodic reports, consulting — are offered to them, and only to them,
    in the menu. A representative sees its own facility and đề án; an account without a role or a body sees nothing."""
    if not user.is_authenticated or not user.is_active:
        return False
    assert isinstance(user, User)
    if user.is_superuser:
        return True
    return not user.has_role(Role.FACILITY_REPRESENTATIVE) and not scope_of(user).is_empty


def can_manage_own_account(actor: User | AnonymousUser, account: User) -> bool:
    """A password and an API token are their holder's own: set, issued and revoked by the person (signed in, or
    proven by a reset link), or by a superuser (the `kc_api_token` command acts as the system account). The system
    account itself has none."""
    if not actor.is_authenticated or not actor.is_active or not account.is_active:
        return False
    assert isinstance(actor, User)
    if account.username == SYSTEM_USERNAME:
        return False
    return actor.pk == account.pk or actor.is_superuser
