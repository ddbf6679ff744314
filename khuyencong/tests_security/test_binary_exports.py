# ruff: noqa: F811 - the matrix's fixtures are imported by name and used as arguments
"""The matrix reads pages and JSON for foreign codes but skips XLSX, PDF and ZIP bodies ("their figures come from the
same builders"). These tests open the workbooks and archives a Lào Cai reader downloads and look for Thái Nguyên codes
(and, for the facility's representative, others' records) inside them."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from khuyencong.tests_matrix.test_authorization_matrix import (  # noqa: F401 - the module's fixtures
    INSIDE,
    REP,
    SCT15,
    VIEWER15,
    World,
    clock,
    report_query,
    world,
)

pytestmark = pytest.mark.django_db


def _content(response: Any) -> bytes:
    return b"".join(response.streaming_content) if getattr(response, "streaming", False) else bytes(response.content)


def _texts(data: bytes) -> str:
    """Every text inside an XLSX/DOCX/ZIP (its XML and text members, recursively), or the bytes as text."""
    if data[:2] != b"PK":
        return data.decode("utf-8", errors="replace")
    out = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            member = archive.read(name)
            if member[:2] == b"PK":
                out.append(_texts(member))
            elif (
                name.endswith((".xml", ".json", ".txt", ".csv", ".html", ".md", ".rels")) or b"\x00" not in member[:512]
            ):
                out.append(member.decode("utf-8", errors="replace"))
    return "\n".join(out)


def _get(
    w: World, persona: str, route: str, kwargs: dict[str, Any] | None = None, query: dict[str, Any] | None = None
) -> Any:
    client = Client()
    client.force_login(w.users[persona])
    return client.get(reverse(route, kwargs=kwargs), query or {})


DOWNLOADS = [
    ("facilities:export_xlsx", None, None),
    ("facilities:export", None, None),
    ("projects:export", None, None),
    ("organizations:export", None, None),
    ("exchange:export", None, None),
    ("reporting:download", lambda w: {"pk": w.submission[INSIDE].pk, "fmt": "xlsx"}, None),
    ("reporting:download", lambda w: {"pk": w.submission[INSIDE].pk, "fmt": "docx"}, None),
    ("dossiers:auditor", lambda w: {"pk": w.project[INSIDE].pk}, None),
    ("dossiers:form", lambda w: {"pk": w.project[INSIDE].pk, "form": "mau-9", "fmt": "docx"}, None),
    ("reports:page", None, lambda w: {**report_query(w, INSIDE), "format": "xlsx"}),
]


@pytest.mark.parametrize("persona", [SCT15, VIEWER15])
@pytest.mark.parametrize(
    ("route", "kwargs", "query"), DOWNLOADS, ids=[f"{r}-{i}" for i, (r, _, _) in enumerate(DOWNLOADS)]
)
def test_lao_cai_downloads_hold_no_thai_nguyen_record(
    world: World, clock: None, persona: str, route: str, kwargs: Any, query: Any
) -> None:
    response = _get(world, persona, route, kwargs(world) if kwargs else None, query(world) if query else None)
    if response.status_code != 200:
        pytest.skip(f"{route}: {response.status_code} for {persona}")
    text = _texts(_content(response))
    leaked = sorted(set(world.foreign_codes.findall(text)))
    assert not leaked, f"{route} gives {persona} Thái Nguyên records: {leaked[:10]}"
    # Thái Nguyên bodies by code, too (the matrix's patterns hold records, not organisations).
    bodies = sorted(set(re.findall(r"(?<![\w-])(?:SCT|TTKC|UBND)-19(?![\w-])", text)))
    assert not bodies or route == "organizations:export", f"{route} names Thái Nguyên bodies to {persona}: {bodies}"
