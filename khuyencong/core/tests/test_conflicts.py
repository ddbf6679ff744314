"""A request that meets another transaction at the same moment — a deadlock, a serialisation failure, a lock not
available, a busy SQLite file — was rolled back whole by the database. The page and the API say so with a code and a
Vietnamese message and answer 503 with Retry-After: a write is `write_conflict` (nothing was written), a read
`read_conflict` (it wrote nothing and is not told otherwise); the import command and the background import say the
same. An outage is not a conflict. Never a 500."""

from __future__ import annotations

import datetime
import io
import json
import sqlite3
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
import psycopg.errors
import pytest
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import DataError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.test import APIClient

from conftest import PASSWORD, chose_english, client_for, make_user
from khuyencong.accounts.models import Role, User
from khuyencong.audit.models import AuditEntry
from khuyencong.core.conflicts import READ_CONFLICT, UNCONFIRMED_CONFLICT, WRITE_CONFLICT, is_conflict
from khuyencong.exchange.models import ImportJob, JobStatus
from khuyencong.exchange.tests.test_excel import GOOD, sheet
from khuyencong.exchange.tests.test_excel_pages import upload
from khuyencong.facilities import services as facility_services
from khuyencong.facilities.models import Facility
from khuyencong.facilities.tests.test_views import valid_post
from khuyencong.programs.models import FundingSource
from khuyencong.projects import services as project_services
from khuyencong.projects.models import Project
from khuyencong.projects.workflow import Action, State
from khuyencong.web.middleware import VIEW_ANSWERED, ConflictMiddleware
from khuyencong.web.views import server_error

pytestmark = pytest.mark.django_db


def wrapped(cause: BaseException, kind: type[Exception] = OperationalError) -> Exception:
    """The error as Django raises it: its own class, the driver's error as its cause."""
    try:
        raise kind(str(cause)) from cause
    except Exception as error:
        return error


def sqlite_busy(tmp_path: Path) -> sqlite3.OperationalError:
    """A real SQLITE_BUSY: a second connection writes while the first holds the file."""
    path = tmp_path / "busy.sqlite3"
    holder, other = sqlite3.connect(path, timeout=0), sqlite3.connect(path, timeout=0)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        with pytest.raises(sqlite3.OperationalError) as raised:
            other.execute("CREATE TABLE t (x)")
        return raised.value
    finally:
        holder.close()
        other.close()


class TestWhatIsAConflict:
    @pytest.mark.parametrize(
        "cause",
        [psycopg.errors.DeadlockDetected("deadlock detected"),
         psycopg.errors.SerializationFailure("canceling statement due to conflict with recovery"),
         psycopg.errors.LockNotAvailable("could not obtain lock")],
    )  # fmt: skip
    def test_a_deadlock_a_serialisation_failure_or_a_lock_not_available_is(self, cause: BaseException) -> None:
        assert is_conflict(wrapped(cause))

    def test_a_busy_sqlite_file_is(self, tmp_path: Path) -> None:
        busy = sqlite_busy(tmp_path)
        assert busy.sqlite_errorname == "SQLITE_BUSY"
        assert is_conflict(wrapped(busy))

    @pytest.mark.parametrize(
        "error",
        [wrapped(psycopg.OperationalError("connection failed: Connection refused")),
         wrapped(psycopg.errors.QueryCanceled("canceling statement due to statement timeout")),
         wrapped(psycopg.errors.AdminShutdown("terminating connection due to administrator command")),
         wrapped(psycopg.errors.UndefinedTable("no such table")),
         wrapped(sqlite3.OperationalError("no such table: x")),
         # the words alone are not enough: SQLite names a busy file itself
         wrapped(sqlite3.OperationalError("database is locked")),
         wrapped(psycopg.errors.DeadlockDetected("deadlock detected"), DataError),
         ValueError("deadlock detected")],
    )  # fmt: skip
    def test_an_outage_or_any_other_error_is_not(self, error: Exception) -> None:
        assert not is_conflict(error)


def deadlock_the_audit(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on a facility's audit entry, written last inside its transaction, meets a deadlock: the row saved
    before it in the same transaction must be rolled back with it."""

    def deadlock(**_kwargs: Any) -> None:
        raise wrapped(psycopg.errors.DeadlockDetected("deadlock detected"))

    monkeypatch.setattr(facility_services, "audit_entry_write", deadlock)


@pytest.fixture
def deadlocked_audit(monkeypatch: pytest.MonkeyPatch) -> None:
    deadlock_the_audit(monkeypatch)


def edit_post(facility: Facility) -> dict[str, str]:
    return valid_post(name=facility.name, tax_code="", province="Yên Bái", district="Trấn Yên", commune="Việt Hồng",
                      place_recorded_on="30/06/2022", workers="25")  # fmt: skip


class TestAPage:
    def test_whose_write_meets_another_says_so_and_writes_nothing(
        self, laocai_officer: User, yen_bai_facility: Facility, deadlocked_audit: None
    ) -> None:
        # Given an officer editing a facility while another write holds what the edit needs
        audits = AuditEntry.objects.count()
        # When the edit is sent
        response = client_for(laocai_officer).post(
            reverse("facilities:edit", args=[yen_bai_facility.pk]), edit_post(yen_bai_facility)
        )
        # Then the page says that nothing was written and to try again, with its code, as a 503 to retry
        assert response.status_code == 503
        assert response["Retry-After"] == "2"
        page = response.content.decode()
        assert "chưa được ghi (không có gì thay đổi). Hãy thử lại sau giây lát." in page
        assert f'data-code="{WRITE_CONFLICT}"' in page
        assert "nút Quay lại của trình duyệt" in page
        # and nothing was written: not the new figure saved before the conflict, not an audit entry
        yen_bai_facility.refresh_from_db()
        assert yen_bai_facility.workers != 25
        assert AuditEntry.objects.count() == audits

    def test_in_english_says_it_in_english(
        self, laocai_officer: User, yen_bai_facility: Facility, deadlocked_audit: None
    ) -> None:
        # Given an officer reading in English, when his edit meets another write
        response = client_for(chose_english(laocai_officer)).post(
            reverse("facilities:edit", args=[yen_bai_facility.pk]), edit_post(yen_bai_facility)
        )
        # Then the page says it in English
        assert response.status_code == 503
        page = response.content.decode()
        assert "so yours was not recorded: nothing was changed. Please try again in a moment." in page
        assert "Not recorded: someone else is writing the same records" in page

    @pytest.mark.parametrize("method", ["get", "head"])
    def test_read_cancelled_by_the_replica_s_replay_is_not_told_it_wrote_nothing(
        self, laocai_officer: User, method: str
    ) -> None:
        # Given a page read from a standby that cancels the read (a conflict with its replay: SQLSTATE 40001)
        def cancelled(_request: HttpRequest) -> HttpResponse:
            raise wrapped(psycopg.errors.SerializationFailure("canceling statement due to conflict with recovery"))

        request = getattr(RequestFactory(), method)("/reports/")
        request.user = laocai_officer
        middleware = ConflictMiddleware(cancelled)
        # When the view raises it
        try:
            cancelled(request)
        except OperationalError as error:
            response = middleware.process_exception(request, error)
        # Then the reader is asked to reload, with the read's code, and is not told a change of his was not recorded
        assert response is not None
        assert response.status_code == 503
        page = response.content.decode()
        assert f'data-code="{READ_CONFLICT}"' in page
        assert "Hãy tải lại trang sau giây lát." in page
        assert "chưa được ghi" not in page

    def test_whose_sign_in_meets_another_write_is_refused_and_writes_nothing(
        self, laocai_officer: User, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # Given the session table held by another write when signing in creates the session (inside the view)
        last_login = laocai_officer.last_login
        session_held(monkeypatch)
        # When the officer signs in
        response = Client(raise_request_exception=False).post(
            reverse("web:login"), {"username": laocai_officer.username, "password": PASSWORD}
        )
        # Then the page says his sign-in was not recorded, with its code, and his last sign-in is as it was
        assert response.status_code == 503
        assert f'data-code="{WRITE_CONFLICT}"' in response.content.decode()
        laocai_officer.refresh_from_db()
        assert laocai_officer.last_login == last_login

    def test_any_other_error_is_left_to_the_server_error_page(self, laocai_officer: User) -> None:
        request = RequestFactory().post("/facilities/1/edit/")
        request.user = laocai_officer
        outage = wrapped(psycopg.OperationalError("connection failed: Connection refused"))
        assert ConflictMiddleware(lambda _r: HttpResponse()).process_exception(request, outage) is None


def session_held(monkeypatch: pytest.MonkeyPatch, method: str = "save") -> None:
    """From now on the session table is held by another write whenever a session is saved (or read)."""

    def busy(*_args: Any, **_kwargs: Any) -> None:
        raise wrapped(psycopg.errors.LockNotAvailable("could not obtain lock on relation django_session"))

    monkeypatch.setattr(SessionStore, method, busy)


def reset_password(client: Client, user: User, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, str]:
    """A new password sent through a reset link, the session held when it is saved on the way out of the page."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    link = reverse("accounts:password_reset_confirm", args=[uid, default_token_generator.make_token(user)])
    form_page = client.get(link, follow=True)
    session_held(monkeypatch)
    new = "mat-khau-moi-2026-rat-dai"
    return client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}), new


class TestAnErrorNoViewAnswered:
    """Met outside a view, in a middleware (settings' handler500, `web.views.server_error`)."""

    def test_a_new_password_whose_session_meets_another_write_is_not_told_nothing_was_written(
        self, laocai_officer: User, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # Given a password-reset link opened, and the session table held by another write when the session
        # middleware saves the session on the way out of the next page
        # When the new password is sent
        response, new = reset_password(Client(raise_request_exception=False), laocai_officer, monkeypatch)
        # Then the answer is a 503 with its code that does not say nothing was written — the view's own
        # transaction had been committed: the password is the new one
        assert response.status_code == 503
        assert response["Retry-After"] == "2"
        page = response.content.decode()
        assert f'data-code="{UNCONFIRMED_CONFLICT}"' in page
        assert "thao tác của bạn có thể đã được ghi. Hãy mở lại trang để xem trước khi gửi lại." in page
        assert "không có gì thay đổi" not in page
        assert "nút Quay lại" not in page
        laocai_officer.refresh_from_db()
        assert laocai_officer.check_password(new)

    def test_in_english_says_it_in_english(self, laocai_officer: User, monkeypatch: pytest.MonkeyPatch) -> None:
        client = Client(raise_request_exception=False)
        client.cookies["django_language"] = "en"
        response, _new = reset_password(client, laocai_officer, monkeypatch)
        assert response.status_code == 503
        page = response.content.decode()
        assert '<html lang="en">' in page
        assert "Not known whether recorded: someone else is writing the same records" in page
        assert "your action may have been recorded. Open the page again to check before sending it again." in page

    @pytest.mark.parametrize(("method", "code"), [("get", READ_CONFLICT), ("post", WRITE_CONFLICT)])
    def test_met_reading_the_session_before_the_view_answers_while_it_lasts(
        self, laocai_officer: User, monkeypatch: pytest.MonkeyPatch, method: str, code: str
    ) -> None:
        # Given a signed-in officer whose session cannot be read: another write holds its table, and goes on
        # holding it while the answer is written
        client = Client(raise_request_exception=False)
        client.force_login(laocai_officer)
        session_held(monkeypatch, "load")
        # When he opens a page or sends a new facility
        response = getattr(client, method)(reverse("facilities:create"), valid_post(name="HTX Chè Bảo Thắng"))
        # Then the answer, which asks nothing more of the database, says so with its code: the view never ran, so
        # a write is told nothing was written, and nothing was
        assert response.status_code == 503
        assert response["Retry-After"] == "2"
        page = response.content.decode()
        assert f'data-code="{code}"' in page
        assert '<html lang="vi">' in page
        assert not Facility.objects.filter(name="HTX Chè Bảo Thắng").exists()

    def test_any_other_error_there_is_the_server_error_page(
        self, laocai_officer: User, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        def broken(*_args: Any, **_kwargs: Any) -> None:
            raise wrapped(psycopg.OperationalError("connection failed: Connection refused"))

        monkeypatch.setattr(SessionStore, "save", broken)
        response = Client(raise_request_exception=False).post(
            reverse("web:login"), {"username": laocai_officer.username, "password": PASSWORD}
        )
        assert response.status_code == 500
        assert "Hệ thống gặp lỗi" in response.content.decode()

    def test_on_the_api_it_is_answered_as_the_api_answers_it(self) -> None:
        request = RequestFactory().get("/api/v1/facilities/")
        try:
            raise wrapped(psycopg.errors.DeadlockDetected("deadlock detected"))
        except OperationalError:
            response = server_error(request)
        assert response.status_code == 503
        assert response["Retry-After"] == "2"
        assert json.loads(response.content)["code"] == READ_CONFLICT

    def test_on_the_api_a_write_handled_before_it_is_not_told_nothing_was_written(self) -> None:
        # Given an API write whose view had answered (ConflictMiddleware marks the request)
        request = RequestFactory().post("/api/v1/facilities/")
        request.META[VIEW_ANSWERED] = True
        # When a conflict is met on the way out
        try:
            raise wrapped(psycopg.errors.DeadlockDetected("deadlock detected"))
        except OperationalError:
            response = server_error(request)
        # Then it is answered as the API answers, with the code that says it may have been recorded
        assert response.status_code == 503
        assert json.loads(response.content)["code"] == UNCONFIRMED_CONFLICT


class TestTheApi:
    def test_answers_a_write_conflict_with_its_code_and_writes_nothing(
        self, laocai_officer: User, make_facility: Any, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # Given a facility, and a write that will meet another
        facility = make_facility("HTX Chè Bảo Thắng", province="Lào Cai", commune="Bảo Thắng")
        deadlock_the_audit(monkeypatch)
        client = APIClient()
        client.force_authenticate(laocai_officer)
        # When its workers are changed through the API
        answer = client.patch(f"/api/v1/facilities/{facility.code}/", {"workers": 7}, format="json")
        # Then the answer is a 503 to retry, with its code, and nothing changed
        assert answer.status_code == 503
        assert answer["Retry-After"] == "2"
        assert answer.json()["code"] == WRITE_CONFLICT
        assert "Hãy thử lại sau giây lát" in answer.json()["detail"]
        facility.refresh_from_db()
        assert facility.workers != 7

    def test_answers_a_cancelled_read_as_a_read(
        self, laocai_officer: User, make_facility: Any, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # Given a read of the facilities that a standby cancels
        from khuyencong.api import views

        def cancelled(*_args: Any, **_kwargs: Any) -> None:
            raise wrapped(psycopg.errors.SerializationFailure("canceling statement due to conflict with recovery"))

        monkeypatch.setattr(views.FacilityViewSet, "list", cancelled)
        client = APIClient()
        client.force_authenticate(laocai_officer)
        # When it is asked, then it is a read's conflict
        answer = client.get("/api/v1/facilities/")
        assert answer.status_code == 503
        assert answer.json()["code"] == READ_CONFLICT


class TestAWriteWithoutTheRight:
    """A person who may read a đề án but not write it is refused before its row is locked: refused (403), not
    told to try again, and holding no lock that the đề án's writers would wait for."""

    @pytest.fixture
    def held(self, monkeypatch: pytest.MonkeyPatch) -> list[int]:
        """From now on every đề án is held by another writer: locking one meets a deadlock (and is counted)."""
        locked: list[int] = []

        def deadlock(project: Project) -> Project:
            locked.append(project.pk)
            raise wrapped(psycopg.errors.DeadlockDetected("deadlock detected"))

        monkeypatch.setattr(project_services, "_lock", deadlock)
        return locked

    @pytest.fixture
    def contracted(self, bac_kan: None) -> Project:
        project = Project.objects.filter(state=State.CONTRACTED, plan__funding_source=FundingSource.NATIONAL).first()
        assert project is not None
        return project

    def test_through_the_api_is_refused_before_any_lock(self, contracted: Project, held: list[int]) -> None:
        # Given a viewer of the đề án's province, and the đề án held by another writer
        viewer = make_user("bk.viewer", "SCT-19", Role.VIEWER)
        client = APIClient()
        client.force_authenticate(viewer)
        event = contracted.events.order_by("-seq").first()
        assert event is not None
        base = f"/api/v1/projects/{contracted.code}"
        # When he records a step, a voucher or a result, or voids a step
        answers = {
            "events": client.post(f"{base}/events/", {"action": "progress", "on": "2018-06-30", "percent": "50"},
                                  format="json"),
            "payments": client.post(f"{base}/payments/", {"on": "2018-06-30", "kind": "payment", "amount": 1000000},
                                    format="json"),
            "results": client.post(f"{base}/results/", {"indicator": "machines", "value": "3", "on": "2018-06-30"},
                                   format="json"),
            "void": client.post(f"{base}/void/", {"entry": "event", "id": event.pk, "reason": "nhầm"}, format="json"),
        }  # fmt: skip
        # Then each is refused for his right, and no lock was asked for
        assert {name: answer.status_code for name, answer in answers.items()} == dict.fromkeys(answers, 403)
        assert held == []

    def test_through_any_service_is_refused_before_any_lock(self, contracted: Project, held: list[int]) -> None:
        viewer = make_user("bk.viewer", "SCT-19", Role.VIEWER)
        event = contracted.events.order_by("-seq").first()
        assert event is not None
        day = datetime.date(2018, 6, 30)
        writes: list[Callable[[], object]] = [
            lambda: project_services.project_correct_event(project=contracted, event=event, actor=viewer,
                                                           reason="nhầm", on=day),
            lambda: project_services.project_record_event(project=contracted, actor=viewer, action=Action.PROGRESS,
                                                          on=day, percent=Decimal(50), transcribed=True),
            lambda: project_services.counterpart_record(project=contracted, actor=viewer, on=day,
                                                        amount=Decimal(1_000_000), document="PC-01"),
        ]  # fmt: skip
        for write in writes:
            with pytest.raises(PermissionDenied):
                write()
        assert held == []


class TestAnImport:
    def test_command_that_meets_another_write_says_so_and_may_be_run_again(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        from khuyencong.exchange.management.commands import kc_import

        # Given an import that will meet another write
        def deadlock(*_args: Any, **_kwargs: Any) -> None:
            raise wrapped(psycopg.errors.DeadlockDetected("deadlock detected"))

        monkeypatch.setattr(kc_import, "import_file", deadlock)
        document = tmp_path / "tep.json"
        document.write_text('{"format": "khuyencong-exchange", "version": 1}', encoding="utf-8")
        # When it runs, then it stops with the code and the message
        with pytest.raises(CommandError, match=r"write_conflict: .*Hãy thử lại sau giây lát"):
            call_command("kc_import", str(document), stdout=io.StringIO())

    def test_upload_that_meets_another_write_is_refused_with_its_code_not_failed(
        self,
        laocai_officer: User,
        monkeypatch: pytest.MonkeyPatch,
        settings: Any,
        tmp_path: Path,
        django_capture_on_commit_callbacks: Callable[..., Any],
    ) -> None:
        # Given an Excel upload of two facilities whose import will meet another write
        from khuyencong.exchange import tasks

        def deadlock(*_args: Any, **_kwargs: Any) -> None:
            raise wrapped(psycopg.errors.DeadlockDetected("deadlock detected"))

        settings.MEDIA_ROOT = tmp_path
        monkeypatch.setattr(tasks, "excel_import", deadlock)
        client = client_for(laocai_officer)
        # When it is uploaded and its job runs
        with django_capture_on_commit_callbacks(execute=True):
            upload(client, sheet("facilities", GOOD))
        # Then the job is refused with the code (the upload may be sent again), not failed, and no facility written
        job = ImportJob.objects.get()
        assert job.status == JobStatus.REFUSED
        assert [e["code"] for e in job.report["errors"]] == [WRITE_CONFLICT]
        assert not Facility.objects.exists()
        page = client.get(reverse("exchange:job", args=[job.pk])).content.decode()
        assert "Hãy thử lại sau giây lát." in page
