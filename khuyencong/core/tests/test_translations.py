"""English is complete: every Vietnamese text a reader meets is marked for translation, every marked text has its
English in a catalogue, and a translation keeps the placeholders of its Vietnamese (a missing one would fail the page).

Text that is Vietnamese in every language (the official documents of Decree 30/2020, citations, demo data) is named as
such in the code (`VIETNAMESE_ONLY` in a module, `# vi-only` on a line or a `def`), so that it is a decision, not an
oversight."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog

from khuyencong.core.catalogues import (
    BASE_DIR,
    catalogue_files,
    marked_in,
    read_catalogue,
    unmarked_in_python,
    unmarked_in_template,
)

APPS_DIR = BASE_DIR / "khuyencong"
# Demo data is Vietnamese data (names, titles), like a province's own records; the matrix is a test package.
NOT_TRANSLATED = {"demo", "tests_matrix"}
APPS = sorted(
    path.name
    for path in APPS_DIR.iterdir()
    if path.is_dir() and (path / "apps.py").exists() and path.name not in NOT_TRANSLATED
)
# The apps whose English is still being written (issue 15): their checks are expected to fail, strictly, so that an app
# whose English becomes complete must leave this list — the list only shrinks.
UNMARKED_PENDING: frozenset[str] = frozenset()
UNTRANSLATED_PENDING: frozenset[str] = frozenset()
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|%[sdif]")


def source_files(app: str) -> list[Path]:
    root = APPS_DIR / app
    return sorted(
        path
        for path in [*root.rglob("*.py"), *root.rglob("templates/**/*.html"), *root.rglob("templates/**/*.txt")]
        if not {"tests", "migrations"} & set(path.relative_to(root).parts)
    )


@cache
def catalogues() -> list[Catalog]:
    return [read_catalogue(po) for po in catalogue_files() if po.parts[-3] == "en"]


def english(key: str | tuple[str, str]) -> tuple[str, ...] | None:
    msgid, context = (key, None) if isinstance(key, str) else key
    for catalogue in catalogues():
        message = catalogue.get(msgid, context=context)
        if message is not None and not message.fuzzy:
            strings = tuple(message.string) if isinstance(message.string, tuple | list) else (str(message.string),)
            if all(strings):
                return strings
    return None


def test_every_app_is_checked() -> None:
    assert {"projects", "reports", "products", "web", "accounts"} <= set(APPS)


def _apps(pending: frozenset[str]) -> list[Any]:
    return [
        pytest.param(app, marks=pytest.mark.xfail(strict=True, reason="English not complete yet (issue 15)"))
        if app in pending
        else app
        for app in APPS
    ]


@pytest.mark.parametrize("app", _apps(UNMARKED_PENDING))
def test_every_vietnamese_text_is_marked_for_translation(app: str) -> None:
    unmarked = [
        str(found)
        for path in source_files(app)
        for found in (unmarked_in_python(path) if path.suffix == ".py" else unmarked_in_template(path))
    ]

    assert unmarked == [], f"{len(unmarked)} Vietnamese texts not marked for translation:\n" + "\n".join(unmarked[:60])


@pytest.mark.parametrize("app", _apps(UNTRANSLATED_PENDING))
def test_every_marked_text_has_its_english(app: str) -> None:
    missing = sorted(
        {
            f"{found.path.relative_to(BASE_DIR)}:{found.line}: {found.msgid[:80]!r}"
            for found in marked_in(source_files(app))
            if english(found.key) is None
        }
    )

    assert missing == [], f"{len(missing)} texts without English (make extract, then translate):\n" + "\n".join(
        missing[:60]
    )


@pytest.mark.parametrize("po", catalogue_files(), ids=lambda po: str(po.relative_to(BASE_DIR)))
def test_a_translation_keeps_the_placeholders_of_its_vietnamese(po: Path) -> None:
    broken = []
    for message in read_catalogue(po):
        if not message.id or not message.string:
            continue
        ids = tuple(message.id) if isinstance(message.id, tuple | list) else (str(message.id),)
        strings = tuple(message.string) if isinstance(message.string, tuple | list) else (str(message.string),)
        wanted = sorted(set(PLACEHOLDER.findall(ids[-1])))
        broken += [
            f"{ids[0][:60]!r} → {string[:60]!r}"
            for string in strings
            if string and sorted(set(PLACEHOLDER.findall(string))) != wanted
        ]

    assert broken == []


def test_one_vietnamese_text_reads_one_way_in_english() -> None:
    """Django merges the apps' catalogues into one and the first app's English wins: a text translated two ways in two
    apps reads the first way on every page, the other app's meaning lost (the role «Xem», "Viewer", on a «Xem» button).
    Texts that mean different things take a context (pgettext, `context` in a template)."""
    english_of: dict[tuple[str, str | None, bool], dict[str, tuple[str, ...]]] = {}
    for po in catalogue_files():
        if po.parts[-3] != "en":
            continue
        for message in read_catalogue(po):
            if not message.id or not message.string or message.fuzzy:
                continue
            plural = isinstance(message.id, tuple | list)
            msgid = str(message.id[0] if plural else message.id)
            strings = tuple(message.string) if isinstance(message.string, tuple | list) else (str(message.string),)
            if all(strings):
                english_of.setdefault((msgid, message.context, plural), {})[po.parts[-5]] = strings
    conflicts = [
        f"{msgid[:70]!r}{f' ({context})' if context else ''}: "
        + "; ".join(f"{app} {strings[0]!r}" for app, strings in sorted(apps.items()))
        for (msgid, context, _plural), apps in sorted(english_of.items(), key=lambda item: item[0][0])
        if len(set(apps.values())) > 1
    ]

    assert conflicts == [], f"{len(conflicts)} texts with two English readings:\n" + "\n".join(conflicts)


def test_the_scanner_finds_unmarked_text_and_passes_marked_text(tmp_path: Path) -> None:
    template = tmp_path / "page.html"
    template.write_text(
        '{% load i18n %}<h1>{% translate "Đề án" %}</h1><p>Cơ sở</p>'
        "{% blocktranslate %}Có {{ n }} đề án{% endblocktranslate %}"
        '{% comment %}Ghi chú{% endcomment %}{# ghi chú #}<input placeholder="Tìm">{{ x|default:_("Không có") }}',
        encoding="utf-8",
    )
    module = tmp_path / "module.py"
    module.write_text(
        '"""Mô tả."""\nfrom django.utils.translation import gettext as _\nA = _("Đề án")\nB = "Cơ sở"\n'
        'C = f"Có {A} đề án"\nD = "Lưu"  # vi-only\n',
        encoding="utf-8",
    )

    assert [found.text for found in unmarked_in_template(template)] == [
        "</h1><p>Cơ sở</p>",
        '<input placeholder="Tìm">',
    ]
    assert [found.text for found in unmarked_in_python(module)] == ["Cơ sở", "Có", "đề án"]
    assert [found.msgid for found in marked_in([template, module])] == ["Đề án", "Có %(n)s đề án", "Không có", "Đề án"]
