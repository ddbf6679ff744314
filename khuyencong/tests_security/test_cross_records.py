# ruff: noqa: F811 - the matrix's fixtures are imported by name and used as arguments
"""Security probes beyond the authorisation matrix's status codes: records of another province (or another round,
another certificate) reached through a container the user may see, and answers that tell a foreign record from one
that does not exist.

Built on the matrix's world (Lào Cai "inside", Thái Nguyên "outside"; the clock on 27/11/2026). Each test says whether
it shows a hole (it fails until the product is fixed) or pins a boundary that holds.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from khuyencong.tests_matrix.test_authorization_matrix import (  # noqa: F401 - the module's fixtures
    ADMIN,
    DAY,
    INSIDE,
    OUTSIDE,
    SCT15,
    TODAY,
    World,
    clock,
    snapshot,
    world,
)

pytestmark = pytest.mark.django_db


def api(w: World, persona: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {w.tokens[persona]}")
    return client


def page(w: World, persona: str) -> Client:
    client = Client()
    client.force_login(w.users[persona])
    return client


def text(response: Any) -> str:
    return response.content.decode("utf-8", errors="replace")


# --- Nested ids: a child of the round / certificate / product outside, through the one inside (HOLDS) --------------


@pytest.mark.parametrize("persona", [ADMIN, SCT15])
def test_api_council_void_of_another_rounds_member_is_not_found(world: World, clock: None, persona: str) -> None:
    before = snapshot()
    url = reverse(
        "api:selection-round-council-void",
        kwargs={"code": world.selection[INSIDE].code, "member": world.council_member[OUTSIDE].pk},
    )
    response = api(world, persona).post(url, {"reason": "Ghi nhầm người"}, format="json")
    assert response.status_code == 404
    assert snapshot() == before
    world.council_member[OUTSIDE].refresh_from_db()
    assert world.council_member[OUTSIDE].voided_at is None


@pytest.mark.parametrize("persona", [ADMIN, SCT15])
def test_api_complaint_answer_of_another_rounds_complaint_is_not_found(world: World, clock: None, persona: str) -> None:
    before = snapshot()
    url = reverse(
        "api:selection-round-complaint-answer",
        kwargs={"code": world.district_round[INSIDE].code, "complaint": world.complaint[OUTSIDE].pk},
    )
    response = api(world, persona).post(url, {"on": TODAY.isoformat(), "outcome": "dismissed"}, format="json")
    assert response.status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("persona", [ADMIN, SCT15])
def test_api_report_void_of_another_certificates_report_is_not_found(world: World, clock: None, persona: str) -> None:
    before = snapshot()
    url = reverse(
        "api:product-certificate-report-void",
        kwargs={"pk": world.certificate[INSIDE].pk, "report": world.holder_report[OUTSIDE].pk},
    )
    response = api(world, persona).post(url, {"reason": "Ghi nhầm số tiền"}, format="json")
    assert response.status_code == 404
    world.holder_report[OUTSIDE].refresh_from_db()
    assert world.holder_report[OUTSIDE].voided_at is None
    assert snapshot() == before


@pytest.mark.parametrize("persona", [ADMIN, SCT15])
def test_page_council_void_of_another_rounds_member_is_not_found(world: World, clock: None, persona: str) -> None:
    url = reverse(
        "products:council_void", kwargs={"code": world.selection[INSIDE].code, "pk": world.council_member[OUTSIDE].pk}
    )
    response = page(world, persona).post(url, {"reason": "Ghi nhầm người"})
    assert response.status_code == 404
    world.council_member[OUTSIDE].refresh_from_db()
    assert world.council_member[OUTSIDE].voided_at is None


@pytest.mark.parametrize("persona", [ADMIN, SCT15])
def test_page_complaint_answer_of_another_rounds_complaint_is_not_found(
    world: World, clock: None, persona: str
) -> None:
    before = snapshot()
    url = reverse(
        "products:complaint_answer",
        kwargs={"code": world.district_round[INSIDE].code, "pk": world.complaint[OUTSIDE].pk},
    )
    response = page(world, persona).post(url, {"on": DAY, "outcome": "dismissed"})
    assert response.status_code in (403, 404)
    assert snapshot() == before


@pytest.mark.parametrize("persona", [ADMIN, SCT15])
def test_page_holder_report_void_of_another_products_report_is_not_found(
    world: World, clock: None, persona: str
) -> None:
    url = reverse(
        "products:holder_report_void",
        kwargs={"code": world.product[INSIDE].code, "pk": world.holder_report[OUTSIDE].pk},
    )
    response = page(world, persona).post(url, {"reason": "Ghi nhầm số tiền"})
    assert response.status_code == 404
    world.holder_report[OUTSIDE].refresh_from_db()
    assert world.holder_report[OUTSIDE].voided_at is None


def test_page_document_add_to_another_rounds_entry_is_refused(world: World, clock: None) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from khuyencong.tests_matrix.test_authorization_matrix import PDF

    before = snapshot()
    url = reverse("products:document_add", kwargs={"code": world.selection[INSIDE].code})
    response = page(world, SCT15).post(url, {"entry": world.entry[OUTSIDE].pk, "item": "description",
                                             "upload": SimpleUploadedFile("mo-ta.pdf", PDF)})  # fmt: skip
    assert response.status_code in (400, 404)
    assert snapshot() == before


# --- Existence oracles and foreign details in refusals (HOLES) ------------------------------------------------------


def test_api_round_fund_does_not_tell_a_foreign_project_from_a_missing_one(world: World, clock: None) -> None:
    """HOLE. POST /api/v1/selection-rounds/<code>/fund/ looks the đề án up in the whole database
    (`Project.objects.filter(code=…)`), unlike the page (`project_list_for_user`). The Lào Cai Sở, organiser of its
    round, names a Thái Nguyên đề án: the refusal is not "Không có đề án này." but a rule's message about that
    đề án (its content's name, or its territory), so its existence and content leak across provinces."""
    url = reverse("api:selection-round-fund", kwargs={"code": world.selection[INSIDE].code})
    client = api(world, SCT15)
    missing = client.post(url, {"project": "KHONG-CO-DE-AN"}, format="json")
    foreign = client.post(url, {"project": world.project[OUTSIDE].code}, format="json")
    assert missing.status_code == 400
    assert foreign.status_code == missing.status_code
    assert foreign.json() == missing.json(), f"a foreign đề án is told apart: {foreign.json()}"
    assert world.project[OUTSIDE].content.name not in text(foreign)


def test_page_round_fund_does_not_tell_a_foreign_project_from_a_missing_one(world: World, clock: None) -> None:
    """HOLDS: the page offers, and takes, only the đề án the user sees."""
    url = reverse("products:fund", kwargs={"code": world.selection[INSIDE].code})
    response = page(world, SCT15).post(url, {"project": world.project[OUTSIDE].pk})
    assert response.status_code == 400
    assert "Không có đề án này trong phạm vi của bạn." in text(response)
    assert world.project[OUTSIDE].content.name not in text(response)


def test_page_entry_add_does_not_tell_a_foreign_certificate_from_a_missing_one(world: World, clock: None) -> None:
    """HOLE. POST /products/rounds/<code>/entries/ looks the lower certificate up in the whole database
    (`Certificate.objects.filter(code=…)`), unlike the API and the Excel upload (`certificates_for`). A Lào Cai
    officer naming a Thái Nguyên certificate number gets the service's "does not match this product" refusal instead
    of "Không có giấy chứng nhận số này.": whether another province's certificate number exists leaks."""
    url = reverse("products:entry_add", kwargs={"code": world.selection[INSIDE].code})
    client = page(world, SCT15)
    form = {"product": world.spare[INSIDE].code, "registered_on": DAY}
    before = snapshot()
    missing = client.post(url, {**form, "lower_certificate": "GCN-KHONG-CO/9999"})
    foreign = client.post(url, {**form, "lower_certificate": world.spare_certificate[OUTSIDE].code})
    assert snapshot() == before
    assert missing.status_code == 400
    assert "Không có giấy chứng nhận số này." in text(missing)
    assert foreign.status_code == 400
    assert "Không có giấy chứng nhận số này." in text(foreign), "a foreign certificate number is told apart"


def test_api_entries_does_not_tell_a_foreign_certificate_from_a_missing_one(world: World, clock: None) -> None:
    """HOLDS: the API looks the lower certificate up within what the user sees."""
    url = reverse("api:selection-round-entries", kwargs={"code": world.selection[INSIDE].code})
    client = api(world, SCT15)
    body = {"product": world.spare[INSIDE].code, "registered_on": TODAY.isoformat()}
    missing = client.post(url, {**body, "lower_certificate": "GCN-KHONG-CO/9999"}, format="json")
    foreign = client.post(url, {**body, "lower_certificate": world.spare_certificate[OUTSIDE].code}, format="json")
    assert missing.status_code == foreign.status_code == 400
    assert foreign.json()["lower_certificate"] == [
        m.replace("GCN-KHONG-CO/9999", world.spare_certificate[OUTSIDE].code)
        for m in missing.json()["lower_certificate"]
    ]


# --- Reports over several provinces (HOLDS) --------------------------------------------------------------------------


def test_report_page_with_a_foreign_province_among_several_is_refused(world: World, clock: None) -> None:
    from khuyencong.tests_matrix.test_authorization_matrix import report_query

    query = {**report_query(world, INSIDE), "provinces": [str(world.unit[INSIDE].pk), str(world.unit[OUTSIDE].pk)],
             "format": "json"}  # fmt: skip
    response = page(world, SCT15).get(reverse("reports:page"), query)
    assert response.status_code in (400, 403)
    assert not world.foreign_codes.findall(text(response))
    assert world.unit[OUTSIDE].name not in text(response)


# --- The score endpoint as an entry oracle (HOLE) -------------------------------------------------------------------


def _scores(w: World, persona: str, round_code: str, product: str) -> Any:
    url = reverse("api:selection-round-scores", kwargs={"code": round_code})
    return api(w, persona).post(url, {"judge": "GK1", "product": product, "criterion": "market", "points": "1"},
                                format="json")  # fmt: skip


def test_api_scores_does_not_tell_a_representative_which_other_products_entered(world: World, clock: None) -> None:
    """HOLE. POST /api/v1/selection-rounds/<code>/scores/ looks the product up among ALL the round's entries before it
    checks that the caller is the judge: a product that entered is refused 403 (`out_of_scope`, not the judge), one
    that did not 400 (`reference_missing`). The facility's representative, who sees only its own entries of its
    district's round, learns which of its neighbours' product codes entered it."""
    from khuyencong.tests_matrix.test_authorization_matrix import REP

    round_code = world.district_round[INSIDE].code
    neighbour = world.neighbour_certificate.entry.product.code
    entered = _scores(world, REP, round_code, neighbour)
    missing = _scores(world, REP, round_code, "SP-KHONG-CO")
    assert (entered.status_code, entered.json().get("codes")) == (missing.status_code, missing.json().get("codes")), (
        f"{neighbour} told apart: {entered.status_code} {entered.json()} vs {missing.status_code} {missing.json()}"
    )


def test_api_scores_does_not_tell_a_lao_cai_officer_which_foreign_products_entered(world: World, clock: None) -> None:
    """The same, in the Cục's national round (open to all): a Thái Nguyên product that entered is told apart from one
    that did not by the shape of the refusal."""
    import datetime

    from khuyencong.products.models import Entry, Judge

    Judge.objects.create(round=world.national_round, code="GK1", name="Giám khảo quốc gia")
    Entry.objects.create(round=world.national_round, product=world.product[OUTSIDE],
                         registered_on=datetime.date(2026, 11, 20))  # fmt: skip
    entered = _scores(world, SCT15, world.national_round.code, world.product[OUTSIDE].code)
    missing = _scores(world, SCT15, world.national_round.code, "SP-KHONG-CO")
    assert (entered.status_code, entered.json().get("codes")) == (missing.status_code, missing.json().get("codes")), (
        f"told apart: {entered.status_code} {entered.json()} vs {missing.status_code} {missing.json()}"
    )
