"""The exchange format: both scenarios import cleanly, re-import changes nothing, export → import → export is the
same document, and a broken file is refused whole with every error listed by its JSON path."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from khuyencong.accounts.services import system_user
from khuyencong.demo.loading import DATA_DIR
from khuyencong.exchange.exporter import exchange_export
from khuyencong.exchange.importer import exchange_import, import_file
from khuyencong.facilities.models import Facility
from khuyencong.projects.models import Project, ProjectEvent

pytestmark = pytest.mark.django_db

SCENARIOS = ["yen-bai-2022-h1.json", "bac-kan-2018-h1.json"]


def scenario(name: str) -> dict[str, Any]:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


class Rollback(Exception):
    pass


@pytest.mark.parametrize("name", SCENARIOS)
def test_a_scenario_imports_cleanly_and_again_changes_nothing(name: str) -> None:
    first = exchange_import(scenario(name), actor=system_user())
    assert first.ok, first.errors
    assert first.created["projects"] == len(scenario(name)["projects"])
    events = ProjectEvent.objects.count()
    second = exchange_import(scenario(name), actor=system_user())
    assert second.ok
    assert second.changed_nothing
    assert ProjectEvent.objects.count() == events


@pytest.mark.parametrize("name", SCENARIOS)
def test_export_import_into_an_empty_database_export_gives_the_same_document(name: str) -> None:
    actor = system_user()
    try:
        with transaction.atomic():
            assert exchange_import(scenario(name), actor=actor).ok
            exported = exchange_export()
            raise Rollback
    except Rollback:
        pass
    assert not Project.objects.exists()
    again = exchange_import(copy.deepcopy(exported), actor=actor)
    assert again.ok, again.errors
    assert exchange_export() == exported


def broken() -> dict[str, Any]:
    document = scenario("bac-kan-2018-h1.json")
    document["facilities"][0]["colour"] = "xanh"  # unknown field
    document["facilities"][1]["place"]["commune"] = "Xã Không Có"  # a place that does not exist
    document["facilities"][1]["place"]["district"] = "Huyện Không Có"
    document["facilities"][2]["tax_code"] = "0100233489"  # wrong check digit
    document["projects"][0]["support_requested"] = -5  # negative money (schema)
    return document


def test_a_broken_file_lists_every_schema_error_with_its_path_and_writes_nothing() -> None:
    report = exchange_import(broken(), actor=system_user())
    paths = {issue.path for issue in report.errors}
    assert "$.facilities[0]" in paths  # unknown field "colour"
    assert "$.projects[0].support_requested" in paths
    assert not Facility.objects.filter(code__startswith="BK-").exists()


def test_every_record_error_is_listed_and_nothing_is_written() -> None:
    document = scenario("bac-kan-2018-h1.json")
    document["facilities"][1]["place"]["district"] = "Huyện Không Có"
    document["facilities"][2]["tax_code"] = "0100233489"
    broken_codes = {document["facilities"][1]["code"], document["facilities"][2]["code"]}
    # Event errors go into đề án whose beneficiaries are sound, so that they are reached.
    sound = [
        i
        for i, p in enumerate(document["projects"])
        if i > 0 and len(p.get("events", [])) >= 2 and not broken_codes & set(p.get("beneficiaries", []))
    ][:3]
    first, second, third = sound
    document["projects"][0]["beneficiaries"] = ["KHONG-CO"]
    document["projects"][first]["events"][0]["on"] = "2018-02-30"
    document["projects"][second]["events"][1]["on"] = "2018-01-01"  # before the previous event
    document["projects"][third]["support_requested"] = "1 tỷ 700"  # ambiguous money
    document["facilities"].append(dict(document["facilities"][0]))  # duplicate code
    repeated = len(document["facilities"]) - 1
    report = exchange_import(document, actor=system_user())
    found = {(i.path, i.code) for i in report.errors}
    # The repeated code is listed with every other error, in the same answer.
    assert (f"$.facilities[{repeated}].code", "duplicate_code") in found
    assert ("$.facilities[1].place.district", "place_unknown") in found
    assert ("$.facilities[2].tax_code", "tax_code_checksum") in found
    assert ("$.projects[0].beneficiaries", "reference_missing") in found
    assert (f"$.projects[{first}].events[0].on", "date_invalid") in found
    assert (f"$.projects[{second}].events[1].on", "date_order") in found
    assert (f"$.projects[{third}].support_requested", "money_invalid") in found
    assert "chữ số kiểm tra" in next(i.message for i in report.errors if i.path == "$.facilities[2].tax_code")
    assert not Facility.objects.filter(code__startswith="BK-").exists()
    assert not Project.objects.exists()


def test_the_command_imports_reports_and_exits_non_zero_on_error(tmp_path: Path, capsys) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps(scenario("bac-kan-2018-h1.json"), ensure_ascii=False), encoding="utf-8")
    call_command("kc_import", str(good))
    call_command("kc_import", str(good))
    assert "Không có gì thay đổi" in capsys.readouterr().out
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "khuyencong-exchange", "version": 1, "facilities": [', encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("kc_import", str(bad))
    assert "json_malformed" in capsys.readouterr().err
    report = import_file(bad, actor=system_user())
    assert report.errors[0].code == "json_malformed"


def test_the_export_command_filters_by_province_and_year(tmp_path: Path) -> None:
    assert exchange_import(scenario("yen-bai-2022-h1.json"), actor=system_user()).ok
    assert exchange_import(scenario("bac-kan-2018-h1.json"), actor=system_user()).ok
    out = tmp_path / "lao-cai-2022.json"
    call_command("kc_export", "--province", "lao cai", "--year", "2022", "--output", str(out))
    document = json.loads(out.read_text(encoding="utf-8"))
    assert {p["plan"] for p in document["projects"]} == {"KCQG-2022", "KCDP-YB-2022"}
    assert not any(f["code"].startswith("BK-") for f in document["facilities"])
    with pytest.raises(CommandError, match="Không tìm thấy"):
        call_command("kc_export", "--province", "Atlantis")
