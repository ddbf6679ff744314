"""A record's id in a page (a link's query, a choice's value) is written as digits only: with Vietnamese number
grouping, id 11370 would be written "11.370", and the link or the choice would name no record (seen on PostgreSQL,
whose ids grow past 999 where SQLite's test ids did not)."""

from __future__ import annotations

import re
from pathlib import Path

from django.template import Context, Template
from django.utils import translation

TEMPLATES = sorted(Path(__file__).resolve().parents[2].glob("*/templates/**/*.html"))
# A form field's `auto_id` is the text of an HTML id ("id_name"), not a record's number.
ID = re.compile(r"\{\{ ?(?![a-z_.]*auto_id\b)[a-z_.]+(?:\.pk|_id|\.id|__pk) ?\}\}")


def test_every_id_in_a_template_is_unlocalized() -> None:
    found = [f"{path.name}: {match.group()}" for path in TEMPLATES for match in ID.finditer(path.read_text())]

    assert found == []


def test_an_unlocalized_id_keeps_its_digits_in_vietnamese() -> None:
    with translation.override("vi"):
        html = Template("{% load l10n %}{{ pk }} {{ pk|unlocalize }}").render(Context({"pk": 11370}))

    assert html == "11.370 11370"
