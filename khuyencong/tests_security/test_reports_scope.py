# ruff: noqa: F811 - the matrix's fixtures are imported by name and used as arguments
"""Report and calendar parameters that widen the territory (HOLDS: each is refused or empty)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from khuyencong.organizations.models import Region
from khuyencong.tests_matrix.test_authorization_matrix import (  # noqa: F401 - the module's fixtures
    INSIDE,
    SCT15,
    VIEWER15,
    World,
    clock,
    report_query,
    world,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", [SCT15, VIEWER15])
def test_report_region_parameter_does_not_widen_a_provinces_report(world: World, clock: None, persona: str) -> None:
    """A province's report form has no `region` choice: a region sent anyway is ignored (the province's own report) or
    refused, never added to the report."""
    client = Client()
    client.force_login(world.users[persona])
    region = Region.objects.get(code="north")
    query = {**report_query(world, INSIDE), "region": region.pk, "format": "json"}
    response = client.get(reverse("reports:page"), query)
    assert response.status_code in (200, 400, 403)
    assert not world.foreign_codes.findall(response.content.decode())


def test_api_calendar_of_a_foreign_province_is_empty(world: World, clock: None) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {world.tokens[SCT15]}")
    response = client.get(reverse("api:reporting-calendar"), {"year": "2026", "province": "19"})
    assert response.status_code in (200, 400, 404)
    if response.status_code == 200:
        assert response.json()["entries"] == []
