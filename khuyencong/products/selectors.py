"""Reads of the selection: each entry's score (the judges' totals, their average, whether every sheet is complete),
the ranking of a round, and a product's path from the commune to the nation."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet, Sum

from khuyencong.accounts import access
from khuyencong.accounts.models import User
from khuyencong.facilities.models import Facility
from khuyencong.facilities.selectors import facility_list_for_user

from .authority import can_manage_round
from .models import Certificate, Complaint, Entry, EntryDocument, Product, ProductPhoto, Score, SelectionRound
from .rules import RANK, RoundLevel, answer_due, answered_late, average, dossier_missing


@dataclass(frozen=True)
class EntryScore:
    totals: tuple[Decimal, ...]
    average: Decimal | None
    judges: int
    complete: bool


def entry_scores(selection: SelectionRound) -> dict[int, EntryScore]:
    """Per entry: each judge's total over the criteria (their own sheet), summed in SQL, then the average of the
    judges' totals; complete when every judge scored every criterion."""
    criteria = selection.criteria.count()
    judges = selection.judges.count()
    sheets: dict[int, list[tuple[Decimal, int]]] = defaultdict(list)
    for entry, total, scored in (
        Score.objects.standing()
        .filter(entry__round=selection)
        .values("entry", "judge")
        .annotate(total=Sum("points"), scored=Count("criterion"))
        .values_list("entry", "total", "scored")
        .order_by("entry", "judge")
    ):
        sheets[entry].append((total, scored))
    out = {}
    for entry in Entry.objects.filter(round=selection).values_list("pk", flat=True):
        rows = sheets.get(entry, [])
        totals = tuple(total for total, _ in rows)
        full = sum(1 for _, scored in rows if scored == criteria)
        out[entry] = EntryScore(totals, average(list(totals)), len(rows), judges > 0 and full == judges)
    return out


@dataclass(frozen=True)
class Ranked:
    entry: Entry
    score: EntryScore
    rank: int | None
    passes: bool


def ranking(selection: SelectionRound) -> list[Ranked]:
    """The round's entries, best average first; those not yet fully scored after, unranked."""
    scores = entry_scores(selection)
    entries = list(Entry.objects.filter(round=selection).select_related("product__facility", "certificate"))
    entries.sort(key=lambda e: (not scores[e.pk].complete, -(scores[e.pk].average or Decimal(0)), e.product.name))
    out, rank = [], 0
    for entry in entries:
        score = scores[entry.pk]
        if score.complete:
            rank += 1
        passes = score.complete and score.average is not None and score.average >= selection.threshold
        out.append(Ranked(entry, score, rank if score.complete else None, passes))
    return out


def products_for(user: User | AnonymousUser) -> QuerySet[Product]:
    """The products of the facilities the user may see."""
    return Product.objects.filter(facility__in=facility_list_for_user(user)).select_related(
        "facility__current_province"
    )


def rounds_for(user: User | AnonymousUser) -> QuerySet[SelectionRound]:
    """National bodies see every round; others the rounds of their territory and those they judge or enter."""
    scope = access.scope_of(user)
    rounds = SelectionRound.objects.select_related("organizer", "territory", "region")
    if scope.everything:
        return rounds
    if not user.is_authenticated:
        return rounds.none()
    if scope.is_empty:
        # No role or no organisation, no data (`access.scope_of`): not even the rounds open to the whole country; a
        # judge's account still sees the rounds it scores.
        return rounds.filter(pk__in=SelectionRound.objects.filter(judges__user=user).values("pk"))
    # Regional and national rounds are open to every facility of the country; a facility also sees the rounds of its
    # own commune and province, to enter them.
    condition = (
        Q(judges__user=user)
        | Q(entries__product__facility__in=facility_list_for_user(user))
        | Q(level__in=[RoundLevel.REGIONAL, RoundLevel.NATIONAL])
    )
    if scope.facility_ids:
        places = Facility.objects.filter(pk__in=scope.facility_ids)
        condition |= Q(territory__in=places.values("current_commune")) | Q(
            territory__in=places.values("current_province")
        )
    if scope.province_ids:
        condition |= Q(territory__current_province__in=scope.province_ids) | Q(territory__in=scope.province_ids)
    if scope.commune_ids:
        condition |= Q(territory__in=scope.commune_ids)
    if scope.district_ids:
        condition |= Q(territory__in=scope.district_ids)
    organization = getattr(user, "organization", None)
    if organization is not None and getattr(user, "role_set", None):
        # The organiser sees its own round from the moment it opens it, before any entry.
        condition |= Q(organizer=organization)
    return rounds.filter(pk__in=SelectionRound.objects.filter(condition).values("pk"))


def valid_certificates(on: datetime.date) -> QuerySet[Certificate]:
    """Certificates valid on a day (issued, not expired, not revoked): the public list."""
    return (
        Certificate.objects.filter(issued_on__lte=on, valid_until__gte=on)
        .filter(Q(revoked_on__isnull=True) | Q(revoked_on__gt=on))
        .select_related("entry__product__facility__current_province", "entry__round")
        .order_by("entry__product__name", "code")
    )


def product_path(product: Product) -> list[Entry]:
    """A product's path through the levels: every entry, lowest level first, with its certificate."""
    entries = list(product.entries.select_related("round", "certificate"))
    return sorted(entries, key=lambda e: (RANK[RoundLevel(e.round.level)], e.registered_on))


def entry_dossiers(selection: SelectionRound) -> dict[int, list[str]]:
    """What each entry's dossier still lacks, item by item (empty: complete), in three queries for the round."""
    level = RoundLevel(selection.level)
    documents: dict[int, set[str]] = defaultdict(set)
    for entry, item in EntryDocument.objects.standing().filter(entry__round=selection).values_list("entry", "item"):
        documents[entry].add(item)
    photos: dict[int, set[str]] = defaultdict(set)
    for product, angle in (
        ProductPhoto.objects.standing().filter(product__entries__round=selection).values_list("product", "angle")
    ):
        photos[product].add(angle)
    return {
        pk: dossier_missing(level, documents[pk], photos[product], lower is not None)
        for pk, product, lower in Entry.objects.filter(round=selection).values_list(
            "pk", "product", "lower_certificate"
        )
    }


def funded_beneficiaries(project_id: int, user: User | AnonymousUser) -> QuerySet[Facility]:
    """The beneficiaries of a đề án that funds selection rounds, those the user may see: the facilities whose products
    entered them. A national round is open to every facility of the country; its page must not name another
    province's entrants, nor a facility's rivals to its representative."""
    return (
        facility_list_for_user(user)
        .filter(products__entries__round__project=project_id)
        .distinct()
        .order_by("name", "pk")
    )


def certificates_for(user: User | AnonymousUser) -> QuerySet[Certificate]:
    """The certificates of the products the user sees (the public list shows the valid ones to everyone)."""
    return Certificate.objects.filter(entry__product__facility__in=facility_list_for_user(user)).select_related(
        "entry__product", "entry__round"
    )


def entries_for(user: User | AnonymousUser, selection: SelectionRound) -> QuerySet[Entry]:
    """A round's entries as the user may see them: the organiser and the round's judges see all; a facility its own;
    a body those of the facilities in its territory (the level above sees the levels below)."""
    entries = Entry.objects.filter(round=selection).order_by("product__name", "pk")
    if not user.is_authenticated:
        return entries.none()
    if can_manage_round(user, selection) or selection.judges.filter(user=user).exists():
        return entries
    return entries.filter(product__facility__in=facility_list_for_user(user))


@dataclass(frozen=True)
class ComplaintRow:
    complaint: Complaint
    due: datetime.date
    late: bool


def complaint_rows(selection: SelectionRound, entry_ids: list[int], today: datetime.date) -> list[ComplaintRow]:
    """The complaints about the entries shown, each with the day its answer is due (10 working days, TT 26/2014
    Art. 20) and whether it is late: answered after that day, or still unanswered past it."""
    complaints = Complaint.objects.filter(entry__round=selection, entry__in=entry_ids).select_related("entry__product")
    return [
        ComplaintRow(c, answer_due(c.on), answered_late(c.on, c.answered_on, today))
        for c in complaints.order_by("on", "pk")
    ]
