"""The reference lists read from the CSV data whose names people read on the pages — the khuyến công contents
(Decree 45/2012/NĐ-CP Art. 4), the eligible trades (Art. 5) and the national reporting duties — carry an English name
beside the Vietnamese one. Pages show the name in the reader's language; official documents and records read the
Vietnamese. Organisation and place names are proper names and have no English column. The citations of their legal
basis (and of the support caps, the former names of units, the duties' recipients) have an English column too."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import translation

from khuyencong.core.data import csv_rows
from khuyencong.core.language import in_language
from khuyencong.facilities.loading import DATA_DIR as FACILITIES_DATA
from khuyencong.facilities.models import Trade
from khuyencong.geography.loading import DATA_DIR as GEOGRAPHY_DATA
from khuyencong.projects.loading import DATA_DIR as PROJECTS_DATA
from khuyencong.projects.models import ProjectContent, SupportCap
from khuyencong.reporting.loading import DATA_DIR as REPORTING_DATA
from khuyencong.reporting.models import ReportingDuty

TABLES = [
    pytest.param(PROJECTS_DATA / "contents.csv", ProjectContent, id="contents"),
    pytest.param(FACILITIES_DATA / "trades.csv", Trade, id="trades"),
    pytest.param(REPORTING_DATA / "duties.csv", ReportingDuty, id="duties"),
]


@pytest.mark.parametrize(("path", "model"), TABLES)
def test_every_row_of_the_table_has_an_english_name(path: Path, model: Any) -> None:
    rows = list(csv_rows(path))

    assert rows
    missing = [row["code"] for row in rows if not row["name_en"].strip()]
    assert not missing, f"{path.name}: no English name for {missing}"
    # An English name is a translation, not the Vietnamese copied over, and holds no stray spaces.
    assert not [row["code"] for row in rows if row["name_en"] == row["name"]]
    assert all(row["name_en"] == row["name_en"].strip() for row in rows)


CITED = [
    pytest.param(PROJECTS_DATA / "contents.csv", "legal_basis", id="contents"),
    pytest.param(PROJECTS_DATA / "support_caps.csv", "legal_basis", id="support caps"),
    pytest.param(FACILITIES_DATA / "trades.csv", "legal_basis", id="trades"),
    pytest.param(REPORTING_DATA / "duties.csv", "legal_basis", id="duties"),
    pytest.param(REPORTING_DATA / "duties.csv", "recipients", id="duties' recipients"),
    pytest.param(GEOGRAPHY_DATA / "former_names.csv", "legal_basis", id="former names"),
]


@pytest.mark.parametrize(("path", "column"), CITED)
def test_every_citation_has_its_english(path: Path, column: str) -> None:
    rows = [row for row in csv_rows(path) if row[column]]

    assert rows
    english = f"{column}_en"
    assert not [row[column] for row in rows if not row[english].strip()], f"{path.name}: {column} without English"
    assert not [row[column] for row in rows if row[english] == row[column]]
    # No Vietnamese word of a citation is left in the English ("Điều", "khoản", "Thông tư", "Nghị định", "hạn gửi")
    leftovers = ("Điều", "khoản", "điểm", "Thông tư ", "Nghị định ", "Nghị quyết ", "hạn gửi", "Cục ", "UBND", "Bộ ")
    assert not [row[english] for row in rows if any(word in row[english] for word in leftovers)]


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "model"), TABLES)
def test_loading_again_fills_the_english_names_of_rows_already_there(path: Path, model: Any) -> None:
    # Given a database loaded before the English columns existed
    model.objects.update(name_en="", legal_basis_en="")

    # When the reference data is loaded again
    call_command("load_reference_data", verbosity=0)

    # Then each row has the English of its CSV row, and its Vietnamese is unchanged
    expected = {row["code"]: (row["name"], row["name_en"], row["legal_basis_en"]) for row in csv_rows(path)}
    loaded = model.objects.filter(code__in=expected)
    assert {entry.code: (entry.name, entry.name_en, entry.legal_basis_en) for entry in loaded} == expected


@pytest.mark.django_db
def test_a_citation_reads_in_the_readers_language_and_in_vietnamese_in_a_document() -> None:
    cap = SupportCap.objects.get(content__code="demonstration_model", legal_basis__endswith="khoản 3")
    duty = ReportingDuty.objects.get(code="ubnd_quarterly")

    with translation.override("en"):
        assert cap.legal_basis_label == "Circular 28/2018/TT-BTC Art. 8(3)"
        assert duty.recipients_label == "Ministry of Industry and Trade"
        with translation.override("vi"):
            assert cap.legal_basis_label == "Thông tư 28/2018/TT-BTC Điều 8 khoản 3"
            assert duty.recipients_label == "Bộ Công Thương"


@pytest.mark.django_db
def test_a_page_shows_the_name_in_the_readers_language_and_a_document_the_vietnamese() -> None:
    content = ProjectContent.objects.get(code="machinery_application")

    with translation.override("en"):
        assert content.label == str(content) == "Support for applying advanced machinery and equipment"
        with translation.override("vi"):  # an official document is built so, whoever downloads it
            assert content.label == "Hỗ trợ ứng dụng máy móc thiết bị tiên tiến"
    with translation.override("vi"):
        assert str(content) == content.name == "Hỗ trợ ứng dụng máy móc thiết bị tiên tiến"


def test_an_entry_without_english_shows_its_vietnamese_to_an_english_reader() -> None:
    # A province's own reporting duty may be entered in Vietnamese only
    with translation.override("en"):
        assert in_language("Báo cáo tháng của tỉnh", "") == "Báo cáo tháng của tỉnh"
        assert in_language("Báo cáo tháng của tỉnh", "Provincial monthly report") == "Provincial monthly report"
    with translation.override("vi"):
        assert in_language("Báo cáo tháng của tỉnh", "Provincial monthly report") == "Báo cáo tháng của tỉnh"
