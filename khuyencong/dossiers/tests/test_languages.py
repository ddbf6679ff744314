"""The dossier in two languages: the forms and the auditor's file are administrative documents, Vietnamese whoever
downloads them; the forms' names on the pages follow the reader's language."""

from __future__ import annotations

import datetime
import io
import json
import zipfile

import pytest
from django.utils import translation

from khuyencong.core.official import to_docx
from khuyencong.dossiers.auditor import dossier_zip
from khuyencong.dossiers.forms36 import FORMS
from khuyencong.dossiers.tests.reading import text_of_docx
from khuyencong.projects.models import Project

pytestmark = pytest.mark.django_db
ON = datetime.date(2022, 12, 31)


def test_a_form_built_for_an_english_reader_is_the_same_vietnamese_document(project: Project) -> None:
    # Given the progress report built once in Vietnamese
    vietnamese = text_of_docx(to_docx(FORMS["mau-3a"][1](project, ON)))

    # When an English reader asks for it
    with translation.override("en"):
        english = text_of_docx(to_docx(FORMS["mau-3a"][1](project, ON)))

    # Then it is the same document, its state label included
    assert english == vietnamese
    assert "Tình trạng" in english


def test_the_auditors_manifest_is_vietnamese_for_an_english_reader(project: Project) -> None:
    with translation.override("en"):
        archive = zipfile.ZipFile(io.BytesIO(dossier_zip(project, on=ON)))
    with translation.override("vi"):
        expected = zipfile.ZipFile(io.BytesIO(dossier_zip(project, on=ON)))

    assert (
        json.loads(archive.read("manifest.json"))["documents"]
        == json.loads(expected.read("manifest.json"))["documents"]
    )
    assert archive.read("dien-bien.csv") == expected.read("dien-bien.csv")


def test_the_forms_names_follow_the_readers_language() -> None:
    with translation.override("en"):
        assert str(FORMS["mau-1"][0]) == "Form 1 — Cost estimate"
    with translation.override("vi"):
        assert str(FORMS["mau-1"][0]) == "Mẫu 1 — Dự toán kinh phí"


def test_the_appraisal_sheet_names_the_content_in_vietnamese_for_an_english_reader(project: Project) -> None:
    # Given the machinery đề án's appraisal sheet (Circular 36/2013 Form 4a), asked for by an English reader
    with translation.override("en"):
        text = text_of_docx(to_docx(FORMS["mau-4a"][1](project, ON)))

    # Then it names the content in the Decree's Vietnamese words, never in the English the pages show
    assert "Nội dung khuyến công: Hỗ trợ ứng dụng máy móc thiết bị tiên tiến." in text
    assert "Support for applying advanced machinery and equipment" not in text
