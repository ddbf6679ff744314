from __future__ import annotations

import pytest

from khuyencong.accounts.services import system_user
from khuyencong.demo.loading import load_scenario, load_scenario_projects


@pytest.fixture
def bac_kan(db: None) -> None:
    """The Bắc Kạn 2018 scenario: its organisations, facilities, plans and đề án, built through the services."""
    actor = system_user()
    load_scenario("bac-kan-2018-h1.json", actor=actor)
    load_scenario_projects("bac-kan-2018-h1.json", actor=actor)
