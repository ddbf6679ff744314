"""A person's name is written the Vietnamese way, family name first, wherever the system names them."""

from __future__ import annotations

import pytest

from khuyencong.accounts.models import User


def test_the_family_name_comes_first() -> None:
    # Given an account with the family and middle name "Nguyễn Văn" and the given name "Giám"
    user = User(username="giam", first_name="Giám", last_name="Nguyễn Văn")
    # Then it is named "Nguyễn Văn Giám", as a Vietnamese reader says it
    assert user.get_full_name() == "Nguyễn Văn Giám"


@pytest.mark.parametrize(("first", "last", "named"), [("Nguyễn Thị Hoa", "", "Nguyễn Thị Hoa"), ("", "Trần", "Trần"),
                                                     ("", "", "")])  # fmt: skip
def test_a_name_kept_in_one_field_reads_as_written(first: str, last: str, named: str) -> None:
    # Given a whole name kept in one field (as the demo's accounts are), or none
    # Then it is shown as written, with no stray space
    assert User(username="x", first_name=first, last_name=last).get_full_name() == named
