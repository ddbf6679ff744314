"""Every download — facilities as CSV, the exchange JSON, a report as XLSX, PDF or JSON — needs the export
permission, through one access.can_export."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from conftest import client_for, make_user
from khuyencong.accounts.models import Role, User
from khuyencong.accounts.tests.conftest import report_query

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

# --- Exports ----------------------------------------------------------------------------------------------------------

EXPORTS = [
    ("facilities:export", {}),
    ("exchange:export", {}),
    ("reports:page", {"format": "xlsx"}),
    ("reports:page", {"format": "pdf"}),
    ("reports:page", {"format": "json"}),
]


@pytest.mark.parametrize(("name", "extra"), EXPORTS)
def test_every_download_needs_the_export_permission(
    laocai_records: dict[str, Any],
    roleless: User,
    representative: User,
    laocai_viewer: User,
    name: str,
    extra: dict[str, str],
) -> None:
    query = {**(report_query() if name == "reports:page" else {}), **extra}
    # given a viewer, who holds the export permission, downloads the file
    assert client_for(laocai_viewer).get(reverse(name), query).status_code == 200
    # then an account without a role, and a facility's representative (who may look but not export), are refused
    assert client_for(roleless).get(reverse(name), query).status_code == 403
    assert client_for(representative).get(reverse(name), query).status_code == 403


def test_the_json_exchange_download_needs_the_export_permission(representative: User) -> None:
    # given a facility representative, who may read its facility but holds no export permission
    client = client_for(representative)
    assert client.get(reverse("facilities:detail", args=[representative.facility_id])).status_code == 200

    # when it opens the exchange page and asks for the JSON file
    page = client.get(reverse("exchange:index")).content.decode()
    download = client.get(reverse("exchange:export"))

    # then the page offers no download, and the file is refused
    assert reverse("exchange:export") not in page
    assert "chưa có quyền tải dữ liệu về" in page
    assert download.status_code == 403


def test_the_report_page_offers_files_only_to_who_may_export(
    laocai_records: dict[str, Any], laocai_viewer: User
) -> None:
    # given a Sở account whose only role may look but not export, and which represents no facility (it read the
    # Sở's whole province until the picker probe of stop 24 found it), and the province's viewer
    looker = make_user("laocai.looker", "SCT-15", Role.FACILITY_REPRESENTATIVE)

    # when both open the province's report
    seen = client_for(looker).get(reverse("reports:page"), report_query())
    viewed = client_for(laocai_viewer).get(reverse("reports:page"), report_query()).content.decode()

    # then the viewer is offered every file; the looker is shown no figure and offered no file, and its file is refused
    assert all(f"format={fmt}" in viewed for fmt in ("xlsx", "pdf", "json", "html"))
    assert seen.status_code == 400
    assert not any(f"format={fmt}" in seen.content.decode() for fmt in ("xlsx", "pdf", "json", "html"))
    assert client_for(looker).get(reverse("reports:page"), {**report_query(), "format": "xlsx"}).status_code == 403
