"""The products pages offer a form only to those who may use it (issue 15: "offered nothing it cannot do"): a viewer
reads the products and rounds without a form that would end in a refusal; a facility's representative finds its own
facility already filled in."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from conftest import client_for, make_user
from khuyencong.accounts.models import Role

pytestmark = pytest.mark.django_db


def test_a_viewer_is_offered_neither_a_new_product_nor_a_new_round(world: dict[str, Any]) -> None:
    viewer = make_user("laocai.xem", "SCT-15", Role.VIEWER)

    products = client_for(viewer).get(reverse("products:list")).content.decode()
    rounds = client_for(viewer).get(reverse("products:rounds")).content.decode()

    assert "Giỏ mây đan" in products
    assert "Thêm sản phẩm" not in products
    assert "Mở đợt bình chọn" not in rounds


def test_an_officer_is_offered_both_and_a_representative_only_products_with_its_facility_filled_in(
    world: dict[str, Any],
) -> None:
    officer, rep = world["people"]["sct"], world["people"]["rep"]

    assert "Thêm sản phẩm" in client_for(officer).get(reverse("products:list")).content.decode()
    assert "Mở đợt bình chọn" in client_for(officer).get(reverse("products:rounds")).content.decode()
    response = client_for(rep).get(reverse("products:list"))
    assert response.context["form"]["facility"].value() == world["facility"].code
    assert "Mở đợt bình chọn" not in client_for(rep).get(reverse("products:rounds")).content.decode()
