# ruff: noqa: F811 - the matrix's fixtures are imported by name and used as arguments
"""What the page of a selection round shows beyond the entries the reader may see.

HOLE (products:round, `_render_round` → `funded_beneficiaries`): the round's page names, as the funding đề án's
"beneficiaries", EVERY facility whose product entered any round that đề án funds, to everyone who may open the round.
The ranking above it is filtered (`authority.can_view_entry`), the beneficiary line is not:

* the Cục's national round is open to every facility of the country, so a Lào Cai officer (or the Lào Cai facility's
  representative) reads the names of the Thái Nguyên entrants;
* a facility's representative reads the names of the other entrants of its own province's round.

The funding link and the entries are set with the ORM for brevity (the services would need a national
typical-product-selection đề án and certificates of the level below); what is probed is only what the page shows.
"""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from khuyencong.products.models import Entry, SelectionRound
from khuyencong.projects.models import Project
from khuyencong.tests_matrix.test_authorization_matrix import (  # noqa: F401 - the module's fixtures
    INSIDE,
    OUTSIDE,
    REP,
    SCT15,
    VIEWER15,
    World,
    clock,
    world,
)

pytestmark = pytest.mark.django_db


def _funded_national_round(w: World) -> SelectionRound:
    selection = w.national_round
    funding = Project.objects.filter(plan__funding_source="national").order_by("code").first()
    assert funding is not None
    SelectionRound.objects.filter(pk=selection.pk).update(project=funding)
    for product in (w.product[INSIDE], w.product[OUTSIDE], w.neighbour_certificate.entry.product):
        Entry.objects.create(round=selection, product=product, registered_on=datetime.date(2026, 11, 20))
    selection.refresh_from_db()
    return selection


def _page(w: World, persona: str, selection: SelectionRound) -> str:
    client = Client()
    client.force_login(w.users[persona])
    response = client.get(reverse("products:round", kwargs={"code": selection.code}))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("persona", [SCT15, VIEWER15, REP])
def test_national_round_page_does_not_name_another_provinces_entrants(world: World, clock: None, persona: str) -> None:
    selection = _funded_national_round(world)
    body = _page(world, persona, selection)
    foreign = world.facility[OUTSIDE].name
    assert foreign not in body, f"{persona} reads the Thái Nguyên entrant «{foreign}» on {selection.code}'s page"


def test_national_round_page_does_not_name_other_entrants_to_a_facility(world: World, clock: None) -> None:
    selection = _funded_national_round(world)
    body = _page(world, REP, selection)
    neighbour = world.neighbour_certificate.entry.product.facility.name
    assert neighbour not in body, f"the representative reads the neighbour entrant «{neighbour}»"


def test_national_round_api_ranking_holds(world: World, clock: None) -> None:
    """HOLDS: the API's entries of the same round are filtered to what the reader may see."""
    from rest_framework.test import APIClient

    selection = _funded_national_round(world)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {world.tokens[SCT15]}")
    response = client.get(reverse("api:selection-round-entries", kwargs={"code": selection.code}))
    assert response.status_code == 200
    assert world.product[OUTSIDE].code not in response.content.decode()


@pytest.mark.parametrize("persona", [SCT15, REP])
def test_round_page_does_not_show_a_funding_project_the_reader_may_not_see(
    world: World, clock: None, persona: str
) -> None:
    """The funding đề án's code and title are printed on the round's page for whoever sees the round; the matrix's
    rounds are unfunded, so this is not covered there."""
    from khuyencong.projects.selectors import project_list_for_user

    selection = _funded_national_round(world)
    funding = selection.project
    assert funding is not None
    if project_list_for_user(world.users[persona]).filter(pk=funding.pk).exists():
        pytest.skip("the reader may see the funding đề án")
    body = _page(world, persona, selection)
    assert funding.code not in body, f"{persona} reads the funding đề án {funding.code} it may not see"


@pytest.mark.parametrize("persona", [SCT15, REP])
def test_round_api_does_not_show_a_funding_project_the_reader_may_not_see(
    world: World, clock: None, persona: str
) -> None:
    from rest_framework.test import APIClient

    from khuyencong.projects.selectors import project_list_for_user

    selection = _funded_national_round(world)
    funding = selection.project
    assert funding is not None
    if project_list_for_user(world.users[persona]).filter(pk=funding.pk).exists():
        pytest.skip("the reader may see the funding đề án")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {world.tokens[persona]}")
    response = client.get(reverse("api:selection-round-detail", kwargs={"code": selection.code}))
    assert response.status_code == 200
    assert response.json().get("project") != funding.code, (
        f"the API names the funding đề án {funding.code} to {persona}"
    )
