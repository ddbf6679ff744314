"""One answer lists every error of a file: its shape (the schema), its references, its places and the rules. A record
the schema cannot read is left out of the later checks, except for its references and place that can be read; the
rest of the file is checked as usual. Nothing is written while there is any error (issue 13, item 5)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import client_for
from khuyencong.accounts.models import User
from khuyencong.audit.models import AuditEntry
from khuyencong.consulting.models import ConsultingRecord
from khuyencong.exchange.importer import ImportReport, exchange_import
from khuyencong.facilities.models import Facility
from khuyencong.programs.models import Plan
from khuyencong.projects.models import Project

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


def facility(code: str, commune: str = "Bảo Thắng", **fields: Any) -> dict[str, Any]:
    return {"code": code, "name": f"Cơ sở {code}", "legal_form": "household_business",
            "place": {"province": "Lào Cai", "commune": commune}, **fields}  # fmt: skip


def clean_document() -> dict[str, Any]:
    """A Lào Cai plan, two facilities, one đề án taken to its appraisal, and a centre's consulting figures."""
    return {
        "format": "khuyencong-exchange", "version": 1,
        "facilities": [facility("CS-LC-1"), facility("CS-LC-2", commune="Sa Pa")],
        "plans": [{
            "code": "KCDP-LC-2026", "year": 2026, "funding_source": "provincial", "owner": "UBND-15",
            "budget": [{"on": "2026-01-15", "kind": "original", "amount": 2_000_000_000}],
        }],
        "projects": [
            {
                "code": "DA-LC-1", "title": "Máy sao chè", "plan": "KCDP-LC-2026", "content": "machinery_application",
                "kind": "facility", "implementer": "TTKC-15", "beneficiaries": ["CS-LC-1"],
                "total_cost": 600_000_000, "support_requested": 300_000_000,
                "events": [
                    {"on": "2026-02-01", "action": "submitted_for_appraisal", "by": "TTKC-15"},
                    {"on": "2026-02-10", "action": "appraisal_passed", "by": "SCT-15", "amount": 300_000_000},
                ],
            },
            {
                "code": "DA-LC-2", "title": "Lò sấy quế", "plan": "KCDP-LC-2026", "content": "machinery_application",
                "kind": "facility", "implementer": "TTKC-15", "beneficiaries": ["CS-LC-2"],
                "total_cost": 400_000_000, "support_requested": 200_000_000,
                "events": [{"on": "2026-02-01", "action": "submitted_for_appraisal", "by": "TTKC-15"}],
            },
        ],
        "consulting": [{"code": "TV-LC-2026", "organization": "TTKC-15", "year": 2026, "period_end": "2026-06-30",
                        "projects": 3, "revenue": 120_000_000}],
    }  # fmt: skip


def found(report: ImportReport) -> set[tuple[str, str]]:
    return {(issue.path, issue.code) for issue in report.errors}


def nothing_written() -> bool:
    return not (
        Facility.objects.exists()
        or Plan.objects.exists()
        or Project.objects.exists()
        or ConsultingRecord.objects.exists()
        or AuditEntry.objects.exists()
    )


def every_kind_of_mistake() -> dict[str, Any]:
    document = clean_document()
    document["facilities"][0]["colour"] = "xanh"  # schema: a field the format does not have
    document["facilities"][1]["place"]["province"] = "Atlantis"  # places: no such province
    document["projects"][0]["support_requested"] = -5  # schema: negative money
    document["projects"][0]["implementer"] = "TTKC-KHONG-CO"  # references, in the record the schema refused
    document["projects"][0]["plan"] = "KH-KHONG-CO"
    document["projects"][1]["beneficiaries"] = ["CS-LC-1"]
    document["projects"][1]["events"].append(  # rules: appraised above what was requested
        {"on": "2026-02-10", "action": "appraisal_passed", "by": "SCT-15", "amount": 900_000_000}
    )
    document["consulting"][0]["organization"] = "TTKC-KHONG-CO"  # references, in a record the schema accepts
    return document


def test_a_clean_file_imports(system_actor: User) -> None:
    # given a file without mistakes
    document = clean_document()

    # when it is imported
    report = exchange_import(document, actor=system_actor)

    # then everything in it is written
    assert report.ok, report.errors
    assert report.created["facilities"] == 2
    assert report.created["projects"] == 2
    assert Project.objects.get(code="DA-LC-1").support_appraised == 300_000_000


def test_errors_of_every_check_are_listed_in_one_answer_and_nothing_is_written(system_actor: User) -> None:
    # given a file with a mistake for each check: schema, place, reference and rule
    document = every_kind_of_mistake()

    # when it is imported
    report = exchange_import(document, actor=system_actor)

    # then one answer lists them all, each with its path and code, and nothing is written
    assert {
        ("$.facilities[0]", "schema_additionalProperties"),
        ("$.facilities[1].place.province", "place_unknown"),
        ("$.projects[0].support_requested", "schema_oneOf"),
        ("$.projects[0].plan", "reference_missing"),
        ("$.projects[0].implementer", "reference_missing"),
        ("$.projects[1].events[1].amount", "amount_above_requested"),
        ("$.consulting[0].organization", "reference_missing"),
    } == found(report)
    assert nothing_written()


def test_the_messages_keep_their_format(system_actor: User) -> None:
    # given the file with every kind of mistake
    report = exchange_import(every_kind_of_mistake(), actor=system_actor)

    # then each error still reads "path [code] message", in Vietnamese
    lines = [str(issue) for issue in report.errors]
    assert "$.projects[0].plan [reference_missing] Không có kế hoạch «KH-KHONG-CO»." in lines
    assert any(
        line.startswith("$.projects[0].support_requested [schema_oneOf] phải là số nguyên đồng") for line in lines
    )


def test_an_unreadable_record_is_skipped_while_another_records_place_is_still_checked(system_actor: User) -> None:
    # given a facility that is not an object, one without its place, and a third in a province that does not exist
    document = clean_document()
    document["facilities"] = ["CS-LC-1", facility("CS-LC-2"), facility("CS-LC-3")]
    del document["facilities"][1]["place"]
    document["facilities"][2]["place"]["province"] = "Atlantis"
    document["projects"] = []

    # when it is imported
    report = exchange_import(document, actor=system_actor)

    # then the two unreadable records are named once each, by the schema, and the third's place is reported too
    assert found(report) == {
        ("$.facilities[0]", "schema_type"),
        ("$.facilities[1]", "schema_required"),
        ("$.facilities[2].place.province", "place_unknown"),
    }
    assert nothing_written()


def test_the_readable_place_of_a_record_the_schema_refused_is_checked(system_actor: User) -> None:
    # given a facility with an unknown legal form in a commune that does not exist
    document = clean_document()
    document["facilities"][0].update(legal_form="company")
    document["facilities"][0]["place"]["commune"] = "Xã Không Có"
    document["facilities"][0]["place"]["as_of"] = "2026-01-10"

    # when it is imported
    report = exchange_import(document, actor=system_actor)

    # then both are reported
    assert ("$.facilities[0].legal_form", "schema_enum") in found(report)
    assert ("$.facilities[0].place.commune", "place_unknown") in found(report)
    assert nothing_written()


def test_a_record_naming_a_refused_one_is_told_where_its_error_is(system_actor: User) -> None:
    # given a facility the schema refuses, named by a đề án that is otherwise sound
    document = clean_document()
    document["facilities"][0]["legal_form"] = "company"

    # when it is imported
    report = exchange_import(document, actor=system_actor)

    # then the đề án's error points at the facility's record rather than saying the facility does not exist
    (issue,) = (i for i in report.errors if i.path == "$.projects[0].beneficiaries")
    assert issue.code == "reference_missing"
    assert "$.facilities[0]" in issue.message
    assert nothing_written()


def test_a_repeated_code_is_listed_with_the_other_errors(system_actor: User) -> None:
    # given a facility code used twice and a place that does not exist
    document = clean_document()
    document["facilities"].append(copy.deepcopy(document["facilities"][0]))
    document["facilities"][1]["place"]["province"] = "Atlantis"

    # when it is imported
    report = exchange_import(document, actor=system_actor)

    # then both are named at once, and the đề án of the facility refused for its place points at it
    assert found(report) == {
        ("$.facilities[2].code", "duplicate_code"),
        ("$.facilities[1].place.province", "place_unknown"),
        ("$.projects[1].beneficiaries", "reference_missing"),
    }
    assert "Cơ sở «CS-LC-2» có trong tệp nhưng bản ghi đó có lỗi ($.facilities[1])" in str(report.errors)
    assert nothing_written()


def test_a_value_no_column_can_store_is_listed_with_the_other_errors(system_actor: User) -> None:
    # given a name longer than its column and, in another record, a province that does not exist
    document = clean_document()
    document["facilities"][0]["name"] = "x" * 256
    document["facilities"][1]["place"]["province"] = "Atlantis"

    # when it is imported
    report = exchange_import(document, actor=system_actor)

    # then both are named at once
    assert {
        ("$.facilities[0].name", "text_too_long"),
        ("$.facilities[1].place.province", "place_unknown"),
    } <= found(report)
    assert nothing_written()


def test_the_upload_page_shows_every_error(system_actor: User) -> None:
    # given an administrator on the exchange page, with the file holding every kind of mistake
    client = client_for(system_actor)
    raw = json.dumps(every_kind_of_mistake(), ensure_ascii=False).encode()

    # when they upload it
    response = client.post(reverse("exchange:import"), {"upload": SimpleUploadedFile("kc.json", raw)})

    # then the page lists each error with its path, its code kept for machines (no code word on the page), and
    # nothing is written
    assert response.status_code == 400
    page = response.content.decode()
    assert "7 lỗi; không ghi gì" in page
    for path, code in [
        ("$.facilities[0]", "schema_additionalProperties"),
        ("$.facilities[1].place.province", "place_unknown"),
        ("$.projects[0].support_requested", "schema_oneOf"),
        ("$.projects[0].plan", "reference_missing"),
        ("$.projects[1].events[1].amount", "amount_above_requested"),
        ("$.consulting[0].organization", "reference_missing"),
    ]:
        assert f'<tr data-code="{code}"><td><code>{path}</code></td>' in page
    assert nothing_written()


def test_a_value_refused_for_its_column_is_not_named_again_by_the_schema(system_actor: User) -> None:
    # given a code longer than both its column (40) and the schema's limit (60)
    document = clean_document()
    document["facilities"].append(facility("C" * 61))

    # when it is imported
    report = exchange_import(document, actor=system_actor)

    # then the value is named once
    assert found(report) == {("$.facilities[2].code", "text_too_long")}
    assert nothing_written()
