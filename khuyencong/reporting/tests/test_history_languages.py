"""Edits of a periodic report recorded before an edit kept its fields by name (migration reporting 0006): the fields
are read back from the edit's Vietnamese comment, label by label (the labels hold commas themselves)."""

from __future__ import annotations

import importlib

import pytest

edited_fields = importlib.import_module("khuyencong.reporting.migrations.0006_event_edited_fields")


@pytest.mark.parametrize(
    ("comment", "fields"),
    [
        ("số, ký hiệu, người ký", ["number", "signer"]),
        ("tồn tại, hạn chế và nguyên nhân, kiến nghị, đề xuất", ["shortcomings", "recommendations"]),
        ("kế hoạch kỳ tới", ["next_period"]),
        # anything else stays the comment it was
        ("số, ký hiệu, chữ ký", []),
        ("Sửa theo ý kiến của Cục", []),
    ],
)
def test_an_earlier_edits_fields_are_read_from_its_comment(comment: str, fields: list[str]) -> None:
    assert edited_fields.fields_named(comment) == fields
