"""Every command of the project answers --help, in either language (a translated help text made argparse fail)."""

from __future__ import annotations

import pytest
from django.core.management import get_commands, load_command_class
from django.utils import translation

OURS = sorted((name, app) for name, app in get_commands().items() if app.startswith("khuyencong"))


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize(("name", "app"), OURS)
def test_the_command_prints_its_help(name: str, app: str, language: str) -> None:
    with translation.override(language):
        text = load_command_class(app, name).create_parser("manage.py", name).format_help()
    assert f"manage.py {name}" in text


def test_the_translated_ones_are_among_them() -> None:
    assert {"kc_report", "kc_calendar", "kc_remind", "kc_dossier", "kc_api_token"} <= {name for name, _app in OURS}
