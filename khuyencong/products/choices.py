"""What a user may choose on the products pages — the facility of a new product, a round's organiser, its judges, the
product an entry registers, the lower certificate, the funding đề án — and the searches the pages' pickers run over
exactly those choices, diacritics ignored ("gio may" finds "Giỏ mây").

The forms and the pickers read the same selectors, and the services check again: a picker offers nothing the form
would refuse, and a choice posted by hand is checked against the same list."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from khuyencong.accounts import access
from khuyencong.accounts.models import Role, User, UserRole
from khuyencong.core.collation import by_name
from khuyencong.core.text import search_terms
from khuyencong.facilities.models import Facility
from khuyencong.facilities.selectors import FacilityFilters, facility_list_for_user
from khuyencong.organizations.models import Organization
from khuyencong.projects.choices import PICKER_ROWS, Choice, _matches, search_bodies
from khuyencong.projects.models import Project
from khuyencong.projects.selectors import project_list_for_user

from . import authority
from .authority import ORGANIZER_KINDS
from .models import Certificate, Product, SelectionRound
from .rules import RoundLevel, level_below, levels_in_force_in
from .selectors import certificates_for, products_for

# The content of the đề án that pays for a selection round (Decree 45 Art. 4).
FUNDING_CONTENT = "typical_product_selection"


def _actor(user: User | AnonymousUser) -> User | None:
    if not user.is_authenticated or not user.is_active:
        return None
    assert isinstance(user, User)
    return user


def product_facility_choices(user: User | AnonymousUser) -> QuerySet[Facility]:
    """The facilities a new product may belong to: a representative's own; an officer's, those of its territory it
    may change (`authority.can_write_product`)."""
    actor = _actor(user)
    if actor is None:
        return Facility.objects.none()
    if not actor.is_superuser and actor.has_role(Role.FACILITY_REPRESENTATIVE):
        return Facility.objects.filter(pk=actor.facility_id) if actor.facility_id else Facility.objects.none()
    if not actor.is_superuser and not actor.has_role(*access.FACILITY_ROLES[access.Action.CHANGE]):
        return Facility.objects.none()
    return facility_list_for_user(actor)


def search_product_facilities(user: User | AnonymousUser, query: str, *, limit: int = PICKER_ROWS) -> list[Choice]:
    """Every word must occur in the facility's folded search text (name, code, tax code, places), as in its list."""
    allowed = product_facility_choices(user)
    if allowed.query.is_empty():
        return []
    # The list's own order (names holding the words as typed with their marks first): a picker offers first what the
    # list would show first.
    facilities = facility_list_for_user(user, FacilityFilters(query=query)).filter(pk__in=allowed.values("pk"))
    return [Choice(str(f.pk), f.code, f.name, _place(f)) for f in facilities[:limit]]


def _place(facility: Facility) -> str:
    commune = facility.current_commune
    return f"{commune.name}, {facility.current_province.name}" if commune else facility.current_province.name


def organizer_choices(user: User | AnonymousUser, *, today: datetime.date | None = None) -> QuerySet[Organization]:
    """The bodies that exist today for which the user may open a round at some level (`authority.can_create_round`):
    the user's own body, and the bodies of an organising kind of the same territory (the UBND tỉnh's round is opened
    by its Sở)."""
    actor = _actor(user)
    if actor is None or not authority.may_open_rounds(actor):
        return Organization.objects.none()
    day = today or timezone.localdate()
    kinds = set().union(*ORGANIZER_KINDS.values())
    bodies = Organization.objects.active_on(day).filter(kind__in=kinds)
    if not actor.is_superuser:
        org = actor.organization
        assert org is not None
        own_kinds = {k for level_kinds in ORGANIZER_KINDS.values() if org.kind in level_kinds for k in level_kinds}
        bodies = bodies.filter(Q(pk=org.pk) | Q(kind__in=own_kinds, territory=org.territory_id))
        if org.territory_id is None:
            bodies = bodies.filter(Q(pk=org.pk) | Q(kind__in=own_kinds, territory__isnull=True))
    return by_name(bodies)


def search_organizers(user: User | AnonymousUser, query: str, *, limit: int = PICKER_ROWS) -> list[Choice]:
    """The bodies the user may name as organiser whose name or code holds every word of the query."""
    return search_bodies(organizer_choices(user), query, limit=limit)


# Every role of a body's official: all but a facility's representative.
JUDGE_ROLES = tuple(role for role in Role if role != Role.FACILITY_REPRESENTATIVE)


def judge_choices(user: User | AnonymousUser) -> QuerySet[User]:
    """The accounts that may be named judges of a round the user opens: the active accounts of the bodies of the
    user's territory. A judge without an account here is named by name (the organiser transcribes their sheet)."""
    actor = _actor(user)
    if actor is None or not authority.may_open_rounds(actor):
        return User.objects.none()
    # An official of a body, never a facility's representative (its facility may compete) nor an account granted no
    # role yet.
    officials = UserRole.objects.filter(user=OuterRef("pk"), role__in=JUDGE_ROLES)
    representing = UserRole.objects.filter(user=OuterRef("pk"), role=Role.FACILITY_REPRESENTATIVE)
    accounts = (
        User.objects.filter(Exists(officials), ~Exists(representing), is_active=True, organization__isnull=False,
                            facility__isnull=True)
        .select_related("organization")
    )  # fmt: skip
    return access.organizations_in_scope(actor, accounts).order_by("last_name", "first_name", "username")


def judge_label(account: User) -> str:
    name = account.get_full_name() or account.username
    return f"{name} ({account.organization})" if account.organization_id else name


def search_judges(user: User | AnonymousUser, query: str, *, limit: int = PICKER_ROWS) -> list[Choice]:
    """Accounts whose name, login or body holds every word of the query."""
    terms = search_terms(query)
    found = [
        a
        for a in judge_choices(user)
        if _matches(terms, a.get_full_name(), a.username, str(a.organization), getattr(a.organization, "code", ""))
    ]
    return [Choice(str(a.pk), a.username, a.get_full_name() or a.username, str(a.organization)) for a in found[:limit]]


def entry_product_choices(user: User | AnonymousUser) -> QuerySet[Product]:
    """The products the user may see, hence may try to register (the service decides for each round)."""
    return products_for(user)


def search_products(user: User | AnonymousUser, query: str, *, limit: int = PICKER_ROWS) -> list[Choice]:
    """Products whose folded name, code or facility holds every word of the query."""
    products = entry_product_choices(user).select_related("facility")
    for term in search_terms(query):
        products = products.filter(search_text__contains=term)
    return [Choice(str(p.pk), p.code, p.name, p.facility.name) for p in products.order_by("name", "pk")[:limit]]


def lower_certificate_choices(user: User | AnonymousUser, selection: SelectionRound) -> QuerySet[Certificate]:
    """The certificates of the level below the round's that the user sees, not revoked: those an entry may show."""
    below = level_below(RoundLevel(selection.level))
    if not below:
        return Certificate.objects.none()
    return (
        certificates_for(user)
        .filter(entry__round__level__in=list(below), revoked_on__isnull=True)
        .select_related("entry__product", "entry__round")
        .order_by("entry__product__name", "code")
    )


def funding_choices(user: User | AnonymousUser) -> QuerySet[Project]:
    """The đề án the user sees whose content is organising the selection: those that may pay for a round."""
    return project_list_for_user(user).filter(content__code=FUNDING_CONTENT).order_by("-pk")


def level_choices(year: int) -> list[tuple[str, str]]:
    """The levels a round of that year may have (dated: the district level ends on 30/06/2025)."""
    return [(level.value, str(level.label)) for level in levels_in_force_in(year)]
