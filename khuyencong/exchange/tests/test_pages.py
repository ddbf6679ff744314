"""The exchange pages: a download limited to the user's scope, and an all-or-nothing upload for administrators."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import client_for, make_user
from khuyencong.accounts.models import Role, User
from khuyencong.accounts.services import system_user
from khuyencong.demo.loading import DATA_DIR
from khuyencong.exchange.importer import exchange_import
from khuyencong.projects.models import Project

pytestmark = pytest.mark.django_db


def scenario(name: str) -> bytes:
    return (DATA_DIR / name).read_bytes()


def test_the_download_holds_only_what_the_user_may_see() -> None:
    for name in ("yen-bai-2022-h1.json", "bac-kan-2018-h1.json"):
        assert exchange_import(json.loads(scenario(name)), actor=system_user()).ok
    response = client_for(make_user("lc", "SCT-15", Role.VIEWER)).get(reverse("exchange:export"))
    document = json.loads(response.content)
    assert response["Content-Disposition"].startswith("attachment")
    codes = {p["code"] for p in document["projects"]}
    assert codes
    assert not any(code.startswith("BK-") for code in codes)
    assert not any(f["code"].startswith("BK-") for f in document["facilities"])


def test_an_administrator_uploads_a_scenario_then_a_broken_file() -> None:
    admin = User.objects.create_superuser("admin", None, "mat-khau-quan-tri-2026")
    client = client_for(admin)
    ok = client.post(
        reverse("exchange:import"), {"upload": SimpleUploadedFile("yb.json", scenario("yen-bai-2022-h1.json"))}
    )
    assert ok.status_code == 200
    assert "Đã nhập." in ok.content.decode()
    again = client.post(
        reverse("exchange:import"), {"upload": SimpleUploadedFile("yb.json", scenario("yen-bai-2022-h1.json"))}
    )
    assert "Không có gì thay đổi" in again.content.decode()
    count = Project.objects.count()
    document = json.loads(scenario("bac-kan-2018-h1.json"))
    document["projects"][0]["implementer"] = "KHONG-CO"
    document["facilities"][0]["name"] = "<script>alert(1)</script>"
    document["facilities"][1]["tax_code"] = "0100233489"
    bad = client.post(
        reverse("exchange:import"),
        {"upload": SimpleUploadedFile("bk.json", json.dumps(document, ensure_ascii=False).encode())},
    )
    page = bad.content.decode()
    assert bad.status_code == 400
    assert "$.projects[0].implementer" in page
    assert "$.facilities[1]" in page
    assert "<script>alert(1)</script>" not in page
    assert Project.objects.count() == count
    malformed = client.post(reverse("exchange:import"), {"upload": SimpleUploadedFile("x.json", b"{not json")})
    assert "json_malformed" in malformed.content.decode()


def test_only_administrators_may_upload() -> None:
    officer = client_for(make_user("lc", "SCT-15", Role.OFFICER, Role.ADMINISTRATOR))
    assert officer.get(reverse("exchange:import")).status_code == 403
    assert officer.get(reverse("exchange:index")).status_code == 200
