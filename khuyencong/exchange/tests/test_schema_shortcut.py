"""The schema check's shortcut must never call valid what the validator refuses."""

import copy
from typing import Any

import pytest

from khuyencong.exchange.importer import SCHEMA, VALIDATOR, _plainly_valid

FACILITY: dict[str, Any] = {
    "code": "CS-1",
    "name": "Cơ sở chè",
    "legal_form": "household_business",
    "place": {"province": "Lào Cai", "commune": "Sa Pa", "as_of": "2025-08-01"},
    "tax_code": None,
    "women_owned": True,
}


def document(**changes: Any) -> dict[str, Any]:
    facility = copy.deepcopy(FACILITY)
    for key, value in changes.items():
        if key.startswith("place_"):
            facility["place"][key.removeprefix("place_")] = value
        elif value is ...:
            facility.pop(key)
        else:
            facility[key] = value
    return {"format": "khuyencong-exchange", "version": 1, "facilities": [facility]}


CASES = [
    document(),
    document(code=""),
    document(code="x" * 61),
    document(code=12),
    document(name=...),
    document(legal_form="company"),
    document(tax_code=123),
    document(women_owned="yes"),
    document(women_owned=1),
    document(place_as_of="01/08/2025"),
    document(place_province=True),
    document(place_extra={"a": 1}),
    document(place_unknown="x"),
    document(unknown="x"),
    document(extra={"any": [1, 2]}),
    {"format": "khuyencong-exchange", "version": 1, "facilities": {}},
    {"format": "khuyencong-exchange", "version": True, "facilities": []},
    {"format": "other", "version": 1},
    {"version": 1},
    [],
]


@pytest.mark.parametrize("instance", CASES)
def test_shortcut_agrees_with_the_validator(instance: Any) -> None:
    valid = VALIDATOR.is_valid(instance)
    assert _plainly_valid(SCHEMA, instance) == valid
