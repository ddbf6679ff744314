"""The demo loads both scenarios' organisations and facilities through the same resolver and services as the UI."""

from __future__ import annotations

import pytest

from khuyencong.accounts.models import User
from khuyencong.accounts.services import system_user
from khuyencong.audit.models import AuditEntry
from khuyencong.demo.loading import create_demo_users, generate_facilities, load_scenario
from khuyencong.facilities.models import Facility
from khuyencong.organizations.models import Organization

pytestmark = pytest.mark.django_db


def test_the_bac_kan_scenario_keeps_its_2018_places_and_counts_under_thai_nguyen() -> None:
    orgs, facilities = load_scenario("bac-kan-2018-h1.json", actor=system_user())
    assert (orgs, facilities) == (3, 6)
    dinh_lam = Facility.objects.get(code="BK-CTY-DINHLAM")
    assert dinh_lam.recorded_place == "Thị trấn Chợ Rã, Huyện Ba Bể, Tỉnh Bắc Kạn"
    assert dinh_lam.current_province.name == "Thái Nguyên"
    sct = Organization.objects.get(code="SCT-BK")
    assert sct.territory is not None
    assert sct.territory.current_province is not None
    assert sct.territory.current_province.name == "Thái Nguyên"
    assert sct.valid_until is not None
    assert AuditEntry.objects.filter(action="create").count() == 6


def test_the_yen_bai_scenario_loads_and_loading_again_adds_nothing() -> None:
    actor = system_user()
    orgs, facilities = load_scenario("yen-bai-2022-h1.json", actor=actor)
    assert orgs == 3  # the Cục and Centre I are reference organisations already
    assert facilities == 65
    assert Facility.objects.filter(current_province__name="Lào Cai").count() == 65
    assert load_scenario("yen-bai-2022-h1.json", actor=actor) == (0, 0)


def test_generated_facilities_and_demo_users() -> None:
    actor = system_user()
    load_scenario("yen-bai-2022-h1.json", actor=actor)
    assert generate_facilities(30, actor=actor) == 30
    assert generate_facilities(30, actor=actor) == 0
    create_demo_users()
    rep = User.objects.get(username="cosovh")
    assert rep.facility is not None
    assert rep.facility.code == "YB-F-R1-1"
    assert User.objects.get(username="laocai.canbo").check_password("khuyencong-demo-2026")
