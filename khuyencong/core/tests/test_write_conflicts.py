"""A write that meets another at the same moment — a deadlock, a serialisation failure, a lock not available, a
locked SQLite file — was rolled back whole by the database: the page and the API say so with the code
`write_conflict` and a Vietnamese message, answer 503 with Retry-After, and nothing is written; the import command
says the same. Never a 500."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path
from typing import Any

import psycopg.errors
import pytest
from django.core.management import CommandError, call_command
from django.db import DataError, OperationalError
from django.urls import reverse
from rest_framework.test import APIClient

from conftest import chose_english, client_for
from khuyencong.accounts.models import User
from khuyencong.audit.models import AuditEntry
from khuyencong.core.conflicts import WRITE_CONFLICT, is_write_conflict
from khuyencong.facilities import services as facility_services
from khuyencong.facilities.models import Facility
from khuyencong.facilities.tests.test_views import valid_post

pytestmark = pytest.mark.django_db


def wrapped(cause: BaseException, kind: type[Exception] = OperationalError) -> Exception:
    """The error as Django raises it: its own class, the driver's error as its cause."""
    try:
        raise kind(str(cause)) from cause
    except Exception as error:
        return error


@pytest.mark.parametrize(
    "cause",
    [psycopg.errors.DeadlockDetected("deadlock detected"), psycopg.errors.SerializationFailure("could not serialize"),
     psycopg.errors.LockNotAvailable("could not obtain lock"), sqlite3.OperationalError("database is locked")],
)  # fmt: skip
def test_a_deadlock_a_serialisation_failure_a_lock_not_available_or_a_locked_file_is_a_write_conflict(
    cause: BaseException,
) -> None:
    assert is_write_conflict(wrapped(cause))


@pytest.mark.parametrize(
    "error",
    [wrapped(psycopg.errors.UndefinedTable("no such table")), wrapped(sqlite3.OperationalError("no such table: x")),
     wrapped(psycopg.errors.DeadlockDetected("deadlock detected"), DataError), ValueError("database is locked")],
)  # fmt: skip
def test_other_database_errors_are_not(error: Exception) -> None:
    assert not is_write_conflict(error)


def deadlock_the_audit(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on a facility's audit entry, written last inside its transaction, meets a deadlock: the row saved
    before it in the same transaction must be rolled back with it."""

    def deadlock(**_kwargs: Any) -> None:
        raise wrapped(psycopg.errors.DeadlockDetected("deadlock detected"))

    monkeypatch.setattr(facility_services, "audit_entry_write", deadlock)


@pytest.fixture
def deadlocked_audit(monkeypatch: pytest.MonkeyPatch) -> None:
    deadlock_the_audit(monkeypatch)


def test_a_page_whose_write_meets_another_says_so_and_writes_nothing(
    laocai_officer: User, yen_bai_facility: Facility, deadlocked_audit: None
) -> None:
    # Given an officer editing a facility while another write holds what the edit needs
    post = valid_post(name=yen_bai_facility.name, tax_code="", province="Yên Bái", district="Trấn Yên",
                      commune="Việt Hồng", place_recorded_on="30/06/2022", workers="25")  # fmt: skip
    audits = AuditEntry.objects.count()
    # When the edit is sent
    response = client_for(laocai_officer).post(reverse("facilities:edit", args=[yen_bai_facility.pk]), post)
    # Then the page says that nothing was written and to try again, with its code, as a 503 to retry
    assert response.status_code == 503
    assert response["Retry-After"] == "2"
    page = response.content.decode()
    assert "chưa được ghi (không có gì thay đổi). Hãy thử lại sau giây lát." in page
    assert f'data-code="{WRITE_CONFLICT}"' in page
    # and nothing was written: not the new figure saved before the conflict, not an audit entry
    yen_bai_facility.refresh_from_db()
    assert yen_bai_facility.workers != 25
    assert AuditEntry.objects.count() == audits


def test_in_english_the_page_says_it_in_english(
    laocai_officer: User, yen_bai_facility: Facility, deadlocked_audit: None
) -> None:
    post = valid_post(name=yen_bai_facility.name, tax_code="", province="Yên Bái", district="Trấn Yên",
                      commune="Việt Hồng", place_recorded_on="30/06/2022", workers="25")  # fmt: skip
    response = client_for(chose_english(laocai_officer)).post(
        reverse("facilities:edit", args=[yen_bai_facility.pk]), post
    )
    assert response.status_code == 503
    page = response.content.decode()
    assert "so yours was not recorded: nothing was changed. Please try again in a moment." in page
    assert "Not recorded: someone else is writing the same records" in page


def test_the_api_answers_a_write_conflict_with_its_code_and_writes_nothing(
    laocai_officer: User, make_facility: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    facility = make_facility("HTX Chè Bảo Thắng", province="Lào Cai", commune="Bảo Thắng")
    deadlock_the_audit(monkeypatch)
    client = APIClient()
    client.force_authenticate(laocai_officer)
    answer = client.patch(f"/api/v1/facilities/{facility.code}/", {"workers": 7}, format="json")
    assert answer.status_code == 503
    assert answer["Retry-After"] == "2"
    assert answer.json()["code"] == WRITE_CONFLICT
    assert "Hãy thử lại sau giây lát" in answer.json()["detail"]
    facility.refresh_from_db()
    assert facility.workers != 7


def test_an_import_command_that_meets_another_write_says_so_and_may_be_run_again(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from khuyencong.exchange.management.commands import kc_import

    def deadlock(*_args: Any, **_kwargs: Any) -> None:
        raise wrapped(psycopg.errors.DeadlockDetected("deadlock detected"))

    monkeypatch.setattr(kc_import, "import_file", deadlock)
    document = tmp_path / "tep.json"
    document.write_text('{"format": "khuyencong-exchange", "version": 1}', encoding="utf-8")
    with pytest.raises(CommandError, match=r"write_conflict: .*Hãy thử lại sau giây lát"):
        call_command("kc_import", str(document), stdout=io.StringIO())
