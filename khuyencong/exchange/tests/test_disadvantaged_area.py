"""The facility flag "in a disadvantaged area" in the exchange format (added field `disadvantaged_area`) and in the
Excel template: imported, read back, exported, and round-tripped unchanged."""

from __future__ import annotations

import copy
import io
from typing import Any

import pytest
from django.db import transaction
from openpyxl import Workbook

from khuyencong.accounts.models import User
from khuyencong.exchange.excel import FACILITY_COLUMNS, excel_import
from khuyencong.exchange.exporter import exchange_export
from khuyencong.exchange.importer import exchange_import
from khuyencong.exchange.tests.test_excel import facility_row, sheet
from khuyencong.facilities.models import Facility

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


def document(**flags: Any) -> dict[str, Any]:
    """Two Lào Cai facilities; `flags` by code."""
    facilities: list[dict[str, Any]] = [
        {"code": code, "name": f"Cơ sở {code}", "legal_form": "household_business",
         "place": {"province": "Lào Cai", "commune": commune}}
        for code, commune in (("CS-LC-1", "Bảo Thắng"), ("CS-LC-2", "Sa Pa"))
    ]  # fmt: skip
    for facility in facilities:
        if facility["code"] in flags:
            facility["disadvantaged_area"] = flags[facility["code"]]
    return {"format": "khuyencong-exchange", "version": 1, "facilities": facilities}


class Rollback(Exception):
    pass


def test_an_exchange_file_sets_the_flag_and_again_changes_nothing(system_actor: User) -> None:
    # when a file says the first facility is in a disadvantaged area
    first = exchange_import(document(**{"CS-LC-1": True}), actor=system_actor)

    # then it is read back so, and the other is not
    assert first.ok, first.errors
    assert Facility.objects.get(code="CS-LC-1").disadvantaged_area is True
    assert Facility.objects.get(code="CS-LC-2").disadvantaged_area is False
    # and the same file again changes nothing, while a file saying otherwise updates it
    assert exchange_import(document(**{"CS-LC-1": True}), actor=system_actor).changed_nothing
    again = exchange_import(document(**{"CS-LC-1": False}), actor=system_actor)
    assert again.updated["facilities"] == 1
    assert Facility.objects.get(code="CS-LC-1").disadvantaged_area is False


def test_a_flag_that_is_not_a_boolean_is_refused(system_actor: User) -> None:
    # when a file writes the flag as text
    report = exchange_import(document(**{"CS-LC-1": "có"}), actor=system_actor)

    # then it is a schema error on that field, and nothing is written
    assert [(i.path, i.code) for i in report.errors] == [("$.facilities[0].disadvantaged_area", "schema_type")]
    assert not Facility.objects.exists()


def test_the_export_carries_the_flag_and_the_round_trip_keeps_it(system_actor: User) -> None:
    # given a facility in a disadvantaged area and one that is not, exported
    try:
        with transaction.atomic():
            assert exchange_import(document(**{"CS-LC-2": True}), actor=system_actor).ok
            exported = exchange_export()
            raise Rollback
    except Rollback:
        pass
    by_code = {f["code"]: f for f in exported["facilities"]}
    assert by_code["CS-LC-2"]["disadvantaged_area"] is True
    assert "disadvantaged_area" not in by_code["CS-LC-1"]  # empty values are left out

    # when the export is imported into an empty database and exported again
    assert not Facility.objects.exists()
    again = exchange_import(copy.deepcopy(exported), actor=system_actor)

    # then the document is the same, flag included
    assert again.ok, again.errors
    assert Facility.objects.get(code="CS-LC-2").disadvantaged_area is True
    assert exchange_export() == exported


def test_the_excel_template_sets_the_flag(laocai_officer: User) -> None:
    # given two rows, the first saying «Có» in the new column
    rows = [
        facility_row("YB-EX-1", "Cơ sở chè Sơn Thịnh", disadvantaged_area="Có"),
        facility_row("YB-EX-2", "Cơ sở quế Sơn Thịnh", disadvantaged_area="Không"),
    ]

    # when the sheet is uploaded
    result = excel_import(sheet("facilities", rows), kind="facilities", actor=laocai_officer)

    # then each is read back as written
    assert result.report.ok, [str(e) for e in result.report.errors]
    assert Facility.objects.get(code="YB-EX-1").disadvantaged_area is True
    assert Facility.objects.get(code="YB-EX-2").disadvantaged_area is False


def test_a_value_that_is_neither_yes_nor_no_is_refused_on_its_column(laocai_officer: User) -> None:
    result = excel_import(
        sheet("facilities", [facility_row("YB-EX-1", "Cơ sở chè", disadvantaged_area="hơi hơi")]),
        kind="facilities",
        actor=laocai_officer,
    )

    assert result.row_errors[2] == ["Ở địa bàn khó khăn: ghi «Có» hoặc «Không», không phải «hơi hơi»."]
    assert not Facility.objects.exists()


def older_template_sheet(rows: list[list[Any]], *after: str) -> bytes:
    """A sheet made from a template handed out before the column was added, perhaps with columns of the person's own."""
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    ws.title = "Cơ sở"
    columns = [c for c in FACILITY_COLUMNS if c.key != "disadvantaged_area"]
    ws.append([c.header + (" *" if c.required else "") for c in columns] + list(after))
    for row in rows:
        ws.append(row[: len(columns)] + ["ghi chú riêng"] * len(after))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("after", [(), ("Ghi chú",)], ids=["as-handed-out", "with-a-column-of-ones-own"])
def test_a_sheet_from_an_earlier_template_is_still_read(laocai_officer: User, after: tuple[str, ...]) -> None:
    # given a sheet from the template without the column
    data = older_template_sheet([facility_row("YB-EX-1", "Cơ sở chè Sơn Thịnh")], *after)

    # when it is uploaded
    result = excel_import(data, kind="facilities", actor=laocai_officer)

    # then it is imported, the flag read as «Không»
    assert result.report.ok, [str(e) for e in result.report.errors]
    assert Facility.objects.get(code="YB-EX-1").disadvantaged_area is False
