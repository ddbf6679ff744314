"""Tax codes: 10 digits with the official check digit, or 10 + "-" + 3 for a branch."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st
from stdnum.vn import mst

from khuyencong.facilities.validators import normalize_tax_code, validate_tax_code


@pytest.mark.parametrize("code", ["0100233488", "0100233488-013", "0100233488013", " 0100233488 "])
def test_valid_tax_codes_pass(code: str) -> None:
    validate_tax_code(code)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("0100233489", "sai chữ số kiểm tra"),
        ("010023348", "phải có 10 chữ số"),
        ("01002334881", "phải có 10 chữ số"),
        ("01002334AB", "chỉ gồm chữ số"),
        ("0100000000", "không thể đều là 0"),
        ("0100233488-000", "không thể là 000"),
    ],
)
def test_invalid_tax_codes_say_what_is_wrong(code: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        validate_tax_code(code)


def test_branch_codes_are_stored_with_their_hyphen() -> None:
    assert normalize_tax_code("0100233488013") == "0100233488-013"
    assert normalize_tax_code(" 0100233488 ") == "0100233488"


nine_digits = st.text(alphabet="0123456789", min_size=9, max_size=9).filter(lambda s: s[2:9] != "0000000")


@given(nine_digits)
def test_the_check_digit_decides(body: str) -> None:
    check = mst.calc_check_digit(body)
    if len(check) != 1:
        return  # no valid code has this body
    validate_tax_code(body + check)
    wrong = str((int(check) + 1) % 10)
    with pytest.raises(ValidationError):
        validate_tax_code(body + wrong)
