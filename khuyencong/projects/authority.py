"""Who may take which step on a đề án: the parts an organisation plays towards it, combined with the workflow's
authority table (`workflow.AUTHORITY`). `accounts.access` keeps the user's territory; the đề án decisions live here,
beside the workflow, and every path — pages, the API, imports, commands — asks these functions.

Two ways to record a step:
- **acting**: a person takes the step for their own organisation (`can_act_on_project`);
- **entering history**: a person transcribes a step another body took (an import, the "nhập lịch sử" mode): the
  person must work on the đề án's territory (`can_enter_history`), and the body named must hold the authority for
  that step (`organization_may_act`) — a provincial centre cannot approve a KCQG đề án, whoever types it.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.accounts.access import organization_scope, scope_of
from khuyencong.accounts.models import Role, User
from khuyencong.core.refusals import OutOfScope, Refused
from khuyencong.organizations.models import Organization, OrganizationKind, OrganizationLevel
from khuyencong.programs.models import FundingSource

from .models import DocumentKind
from .workflow import APPROVING_KINDS, AUTHORITY, FORWARDED_SOURCES, Action, Party, may_act

if TYPE_CHECKING:
    from .models import Project, ProjectEvent

WORKING_ROLES = (Role.OFFICER, Role.APPRAISER, Role.APPROVER, Role.ADMINISTRATOR)


def successor_of(predecessor: Organization, on: datetime.date | None = None) -> Organization | None:
    """The body that carries on the work of a provincial body dissolved by the 2025 reform, on `on` (default today):
    the one body of the same kind, in force, serving the province the dissolved body's territory lies in today. The
    bodies of a province formed by the reform inherit the rights and duties of the former provinces' bodies (Nghị
    quyết 202/2025/QH15; Nghị quyết 76/2025/UBTVQH15), so TTKC Lào Cai finishes the đề án TTKC Yên Bái started.
    None while the body still acts, and when no single body of its kind serves that province (nothing is guessed)."""
    day = on or timezone.localdate()
    territory = predecessor.territory
    if predecessor.valid_until is None or day <= predecessor.valid_until or territory is None:
        return None
    if predecessor.level != OrganizationLevel.PROVINCE:
        return None
    province = territory.current_province_id or territory.pk
    found = list(Organization.objects.active_on(day).filter(kind=predecessor.kind, territory_id=province)[:2])
    return found[0] if len(found) == 1 and found[0].pk != predecessor.pk else None


def predecessors_of(organization: Organization, on: datetime.date | None = None) -> list[int]:
    """The dissolved bodies whose work `organization` carries on (`successor_of`), as primary keys."""
    day = on or timezone.localdate()
    if organization.level != OrganizationLevel.PROVINCE or organization.territory_id is None:
        return []
    if not organization_active(organization, day):
        return []
    same_kind = Organization.objects.active_on(day).filter(kind=organization.kind, territory=organization.territory_id)
    if same_kind.count() != 1:
        return []
    candidates = (
        Organization.objects.filter(kind=organization.kind, valid_until__lt=day)
        .filter(Q(territory__current_province_id=organization.territory_id) | Q(territory_id=organization.territory_id))
        .exclude(pk=organization.pk)
        .select_related("territory")
    )
    # The same rule as the check of each step: a list never offers a đề án its steps would refuse (a dissolved
    # district body of the same kind is no provincial body's predecessor).
    found = []
    for candidate in candidates:
        successor = successor_of(candidate, day)
        if successor is not None and successor.pk == organization.pk:
            found.append(candidate.pk)
    return found


def implements(organization: Organization, project: Project, on: datetime.date | None = None) -> bool:
    """The organisation is the đề án's implementer, or carries on the work of its implementer dissolved by the
    reform (`successor_of`)."""
    if organization.pk == project.implementer_id:
        return True
    implementer = project.implementer
    if implementer.valid_until is None or organization.kind != implementer.kind:
        return False
    successor = successor_of(implementer, on)
    return successor is not None and successor.pk == organization.pk


def acting_implementer(project: Project, on: datetime.date | None = None) -> Organization:
    """The body that acts as the đề án's implementer on `on` (default today), and so heads and signs the forms issued
    that day: its implementer, or, once the 2025 reform dissolved it, the body that carries on its work
    (`successor_of`: TTKC Lào Cai for TTKC Yên Bái's đề án)."""
    return successor_of(project.implementer, on) or project.implementer


def organization_parties(
    organization: Organization, project: Project, on: datetime.date | None = None
) -> frozenset[Party]:
    """The parts this organisation plays towards this đề án (on `on`, default today: a successor implements from
    the day after its predecessor was dissolved)."""
    parties: set[Party] = set()
    if implements(organization, project, on):
        parties.add(Party.IMPLEMENTER)
    level = organization.level
    covers = level == OrganizationLevel.NATIONAL or organization_scope(organization).covers_province(
        project.province_id
    )
    if level == OrganizationLevel.NATIONAL:
        parties.add(Party.NATIONAL)
    if organization.kind == OrganizationKind.PROVINCIAL_DEPARTMENT and covers:
        parties.add(Party.DEPARTMENT)
    if organization.kind in APPROVING_KINDS[project.plan.funding_source] and covers:
        parties.add(Party.APPROVER)
    return frozenset(parties)


def project_parties(user: User | AnonymousUser, project: Project) -> frozenset[Party]:
    """The parts the user's organisation (or facility) plays towards this đề án."""
    if not user.is_authenticated:
        return frozenset()
    assert isinstance(user, User)
    if user.facility_id is not None and user.has_role(Role.FACILITY_REPRESENTATIVE):
        if project.beneficiaries.filter(pk=user.facility_id).exists():
            return frozenset({Party.BENEFICIARY})
        return frozenset()
    if user.organization is None:
        return frozenset()
    return organization_parties(user.organization, project)


def actionable(user: User | AnonymousUser, action: str) -> Q:
    """The đề án on which the user may take `action`, as a database condition: the same decision as
    `can_act_on_project`, for a whole list at once (a work queue of the Cục is not a loop over every đề án)."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    assert isinstance(user, User)
    if user.is_superuser:
        return Q()
    national_parties, local_parties = _parties_for_roles(action, user.role_set)
    national = Q(plan__funding_source__in=FORWARDED_SOURCES)
    return (national & _parties_q(user, national_parties)) | (~national & _parties_q(user, local_parties))


def may_ever_act(user: User | AnonymousUser, action: str) -> bool:
    """Whether any đề án could ever wait for the user to take `action`: by the same authority table as `actionable`,
    the parties the user's role and body can be at all. A work queue of a step the user never takes (a viewer's, the
    Cục's provincial approvals) is not offered, not even as an empty list."""
    if not user.is_authenticated:
        return False
    assert isinstance(user, User)
    if user.is_superuser:
        return True
    _national, local_parties = _parties_for_roles(action, user.role_set)  # a national step's parties are among these
    return bool(local_parties & _possible_parties(user))


def _parties_for_roles(action: str, roles: frozenset[str]) -> tuple[frozenset[Party], frozenset[Party]]:
    """The parties that may take `action` with these roles: on a national đề án, and on a local one."""
    authority = AUTHORITY[Action(action)]
    national = authority.parties if authority.roles & roles else frozenset()
    local_roles = authority.local_roles or authority.roles
    return national, national | (authority.local_parties if local_roles & roles else frozenset())


def _possible_parties(user: User) -> frozenset[Party]:
    if user.facility_id is not None and user.has_role(Role.FACILITY_REPRESENTATIVE):
        return frozenset({Party.BENEFICIARY})
    org = user.organization
    if org is None:
        return frozenset()
    possible = {Party.IMPLEMENTER}
    if org.level == OrganizationLevel.NATIONAL:
        possible.add(Party.NATIONAL)
    if org.kind == OrganizationKind.PROVINCIAL_DEPARTMENT:
        possible.add(Party.DEPARTMENT)
    if any(org.kind in kinds for kinds in APPROVING_KINDS.values()):
        possible.add(Party.APPROVER)
    return frozenset(possible)


# Spelled out: an empty Q() means "everything" in a filter but vanishes when OR-ed with another condition.
EVERY = Q(pk__isnull=False)


def _parties_q(user: User, parties: frozenset[Party]) -> Q:
    nothing = Q(pk__in=[])
    if not parties:
        return nothing
    if user.facility_id is not None and user.has_role(Role.FACILITY_REPRESENTATIVE):
        return Q(beneficiaries=user.facility_id) if Party.BENEFICIARY in parties else nothing
    org = user.organization
    if org is None:
        return nothing
    q = nothing
    if Party.IMPLEMENTER in parties:
        q |= Q(implementer=org.pk)
        predecessors = predecessors_of(org)
        if predecessors:
            q |= Q(implementer__in=predecessors)
    level = org.level
    if level == OrganizationLevel.NATIONAL:
        covers = EVERY
    else:
        provinces = organization_scope(org).province_ids
        covers = Q(province__in=provinces) if provinces else nothing
    if Party.NATIONAL in parties and level == OrganizationLevel.NATIONAL:
        q |= EVERY
    if Party.DEPARTMENT in parties and org.kind == OrganizationKind.PROVINCIAL_DEPARTMENT:
        q |= covers
    if Party.APPROVER in parties:
        sources = [s for s, kinds in APPROVING_KINDS.items() if org.kind in kinds]
        if sources:
            q |= Q(plan__funding_source__in=sources) & covers
    return q


def can_act_on_project(user: User | AnonymousUser, project: Project, action: str) -> bool:
    if not user.is_authenticated:
        return False
    assert isinstance(user, User)
    if user.is_superuser:
        return True
    return may_act(action, project_parties(user, project), user.role_set, funding_source=project.plan.funding_source)


def organization_may_act(
    organization: Organization, project: Project, action: str, on: datetime.date | None = None
) -> bool:
    """Whether the body named on a step holds the authority for it (its parts, whatever the roles of its staff), on
    the step's day `on` (default today)."""
    authority = AUTHORITY[Action(action)]
    local = project.plan.funding_source not in FORWARDED_SOURCES
    allowed = authority.parties | (authority.local_parties if local else frozenset())
    parties = organization_parties(organization, project, on)
    if Party.BENEFICIARY in allowed and implements(organization, project, on):
        # A beneficiary's request reaches the approving body through the implementer (Circular 36/2013 Art. 11).
        return True
    return bool(allowed & parties)


def can_enter_history(user: User | AnonymousUser, project: Project) -> bool:
    """Whether the user may transcribe steps already taken on this đề án (an import, the "nhập lịch sử" mode):
    a working role, and the đề án in the user's territory or implemented by the user's organisation."""
    if not user.is_authenticated:
        return False
    assert isinstance(user, User)
    if user.is_superuser:
        return True
    if not user.has_role(Role.OFFICER, Role.ADMINISTRATOR) or user.organization is None:
        return False
    return user.organization_id == project.implementer_id or scope_of(user).covers_province(project.province_id)


# Decisions of a body (approval, rejection, its answers to requests): transcribing one in that body's name is reserved
# to those who may take or record it themselves, or who hold the explicit right to import in others' names.
DECISIONS = frozenset({Action.APPROVED, Action.REJECTED, Action.ADJUSTMENT_APPROVED, Action.ADJUSTMENT_REFUSED,
                       Action.STOPPED, Action.STOP_REFUSED})  # fmt: skip
IMPORT_FOR_OTHERS = "exchange.import_for_named_organizations"


def can_transcribe_step(user: User | AnonymousUser, project: Project, action: str) -> bool:
    """Whether the user may enter this past step in another body's name: on the đề án's territory, and for a
    decision only if they could take or record it themselves, or hold the right to import in others' names (else an
    implementer could "transcribe" its own approval)."""
    if not can_enter_history(user, project):
        return False
    assert isinstance(user, User)
    if Action(action) not in DECISIONS or user.is_superuser or user.has_perm(IMPORT_FOR_OTHERS):
        return True
    return can_act_on_project(user, project, action) or records_on_behalf(user, project, action)


def can_correct_event(user: User | AnonymousUser, project: Project, event: ProjectEvent) -> bool:
    """A step is corrected by those who may take it, or by the person who transcribed it within their territory."""
    if can_act_on_project(user, project, event.action):
        return True
    return event.actor_id == getattr(user, "pk", None) and can_transcribe_step(user, project, event.action)


def approving_body_for(project: Project) -> Organization | None:
    """The UBND tỉnh whose decision the Sở records for a local đề án (Decree 45/2012 Art. 16)."""
    if project.plan.funding_source in FORWARDED_SOURCES or project.province_id is None:
        return None
    return (
        Organization.objects.filter(kind=OrganizationKind.PROVINCIAL_COMMITTEE, territory_id=project.province_id)
        .order_by("pk")
        .first()
    )


def national_approver() -> Organization | None:
    """The body named as approver of a national (KCQG) đề án: the approval is the Minister's decision on the Cục's
    submission (Circular 36/2013/TT-BCT Art. 6), and the Cục records it; the Ministry where no Cục is recorded."""
    # One still in being: the 2025 reform dissolved and merged bodies, which approve nothing new.
    bodies = Organization.objects.active_on(timezone.localdate()).filter(
        kind__in=APPROVING_KINDS[FundingSource.NATIONAL]
    )
    order = Case(When(kind=OrganizationKind.DEPARTMENT, then=Value(0)), default=Value(1))
    return bodies.order_by(order, "pk").first()


def records_on_behalf(user: User | AnonymousUser, project: Project, action: str) -> bool:
    """The Sở records the UBND tỉnh's approval or rejection of a local đề án on its behalf (the committee decides;
    its decision number and date are what the Sở enters)."""
    if Action(action) not in ON_BEHALF_ACTIONS or not user.is_authenticated:
        return False
    parties = project_parties(user, project)
    return Party.APPROVER not in parties and Party.DEPARTMENT in parties and approving_body_for(project) is not None


ON_BEHALF_ACTIONS = frozenset({Action.APPROVED, Action.REJECTED})


def may_create_projects(user: User | AnonymousUser) -> bool:
    """Whether the user may register đề án anywhere at all (to show the page): an officer of a body with a
    territory; `can_create_project` then decides for the implementer and place chosen."""
    if not user.is_authenticated:
        return False
    assert isinstance(user, User)
    if user.is_superuser:
        return True
    return user.has_role(Role.OFFICER, Role.ADMINISTRATOR) and not scope_of(user).is_empty


# The stable codes of the two refusals of a new đề án, the same on the page and in the API.
NO_CREATE_ROLE = "no_project_role"


def creation_refused() -> Refused:
    """The refusal of `may_create_projects`: who asks has no officer's role in a body with a territory."""
    return Refused(
        NO_CREATE_ROLE, _("Bạn không có quyền lập đề án (cần vai trò cán bộ nghiệp vụ của một cơ quan có địa bàn).")
    )


def creation_out_of_scope() -> OutOfScope:
    """The refusal of `can_create_project`: the implementer and the place chosen are neither the user's nor in their
    territory."""
    return OutOfScope(_("Bạn không có quyền lập đề án cho đơn vị thực hiện và địa bàn này."))


def can_create_project(user: User | AnonymousUser, *, implementer: Organization, province_id: int | None) -> bool:
    """Officers of the implementer, or of a body whose territory holds the đề án, may register it."""
    if not user.is_authenticated:
        return False
    assert isinstance(user, User)
    if user.is_superuser:
        return True
    if not user.has_role(Role.OFFICER, Role.ADMINISTRATOR) or user.organization is None:
        return False
    return user.organization_id == implementer.pk or organization_scope(user.organization).covers_province(province_id)


def organization_active(organization: Organization, on: datetime.date | None = None) -> bool:
    """Bodies dissolved by the 2025 reform take no new acts after their end date."""
    day = on or timezone.localdate()
    return organization.valid_until is None or day <= organization.valid_until


def can_attach_to_project(user: User | AnonymousUser, project: Project) -> bool:
    """Any party to the đề án with a working role may attach its documents."""
    if not user.is_authenticated:
        return False
    assert isinstance(user, User)
    if user.is_superuser:
        return True
    return user.has_role(*WORKING_ROLES) and bool(project_parties(user, project))


# What a beneficiary itself sends for its đề án (self-service): its application dossier, its invoices and vouchers —
# those of the investment it made too, which acceptance and the first advance of a machinery đề án wait for (Circular
# 36/2013 Art. 13, 16) —, its trademark certificate, its reports on the work, and other papers. Decisions, appraisal
# minutes, contracts and acceptance minutes are the implementer's and the approving body's to attach.
BENEFICIARY_DOCUMENT_KINDS: tuple[str, ...] = (
    DocumentKind.PROPOSAL,
    DocumentKind.VOUCHER,
    DocumentKind.INVESTMENT,
    DocumentKind.TRADEMARK,
    DocumentKind.REPORT,
    DocumentKind.OTHER,
)


def represents_beneficiary(user: User | AnonymousUser, project: Project) -> bool:
    """The user is the representative of a facility that benefits from this đề án."""
    if not user.is_authenticated or not user.is_active:
        return False
    assert isinstance(user, User)
    return Party.BENEFICIARY in project_parties(user, project)


def document_kinds_for(user: User | AnonymousUser, project: Project) -> tuple[str, ...] | None:
    """The kinds of document the user may attach to this đề án: every kind for a party with a working role, the
    beneficiary's kinds for its facility's representative, None for anyone else."""
    if can_attach_to_project(user, project):
        return tuple(DocumentKind.values)
    if represents_beneficiary(user, project):
        return BENEFICIARY_DOCUMENT_KINDS
    return None


def can_attach_document(user: User | AnonymousUser, project: Project, kind: str) -> bool:
    kinds = document_kinds_for(user, project)
    return kinds is not None and kind in kinds


def can_pay(user: User | AnonymousUser, project: Project) -> bool:
    """Vouchers are recorded by those who may settle the đề án: its implementer and the approving body."""
    return can_act_on_project(user, project, Action.SETTLED)


def can_record_result(user: User | AnonymousUser, project: Project) -> bool:
    return can_act_on_project(user, project, Action.PROGRESS)


def can_record_counterpart(user: User | AnonymousUser, project: Project) -> bool:
    """The facility's own share is declared with its vouchers by those who keep the đề án's vouchers (Circular
    36/2013 Art. 17: the implementer keeps the vouchers, Mẫu 8b lists both shares)."""
    return can_pay(user, project)
