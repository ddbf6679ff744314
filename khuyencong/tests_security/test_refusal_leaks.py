# ruff: noqa: F811 - the matrix's fixtures are imported by name and used as arguments
"""Refusals that name a record the user may not see.

HOLE (products:document_add): the page's form takes its choices from EVERY entry of the round
(`Entry.objects.filter(round=selection)`), not the entries the user sees; an entry id of someone else's product passes
the form, and the service's refusal (403) names that product: "Bạn không có quyền bổ sung hồ sơ của <product>".
Entry ids are sequential, so a facility's representative reads its neighbours' product names in its district's round,
and a Lào Cai officer the Thái Nguyên entrants' in the national round.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from khuyencong.products.models import Entry
from khuyencong.tests_matrix.test_authorization_matrix import (  # noqa: F401 - the module's fixtures
    INSIDE,
    OUTSIDE,
    PDF,
    REP,
    SCT15,
    World,
    clock,
    snapshot,
    world,
)

pytestmark = pytest.mark.django_db


def _post_document(w: World, persona: str, round_code: str, entry_pk: int) -> str:
    client = Client()
    client.force_login(w.users[persona])
    before = snapshot()
    response = client.post(reverse("products:document_add", kwargs={"code": round_code}),
                           {"entry": entry_pk, "item": "description", "title": "x",
                            "upload": SimpleUploadedFile("mo-ta.pdf", PDF)})  # fmt: skip
    assert response.status_code in (400, 403, 404)
    assert snapshot() == before
    return response.content.decode()


def test_document_add_refusal_does_not_name_a_neighbours_product_to_a_representative(world: World, clock: None) -> None:
    neighbour = world.neighbour_certificate.entry
    body = _post_document(world, REP, world.district_round[INSIDE].code, neighbour.pk)
    assert neighbour.product.name not in body, f"the representative reads «{neighbour.product.name}»"


def test_document_add_refusal_does_not_name_a_foreign_product_in_the_national_round(world: World, clock: None) -> None:
    foreign = Entry.objects.create(round=world.national_round, product=world.product[OUTSIDE],
                                   registered_on=datetime.date(2026, 11, 20))  # fmt: skip
    body = _post_document(world, SCT15, world.national_round.code, foreign.pk)
    assert foreign.product.name not in body, f"the Lào Cai officer reads «{foreign.product.name}»"
