"""A real streaming replica of the PostgreSQL under test (pg_basebackup -R on another port): a write made through a
service lands on the primary, reaches the replica by streaming, and the list and report pages then read it there.

Needs PostgreSQL as the database under test, its server binaries on this machine, and a primary that accepts
replication connections from 127.0.0.1 (.ci/run allows it); otherwise the test says which is missing and skips."""

from __future__ import annotations

import copy
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import connections
from django.db.utils import load_backend
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import client_for, make_user
from khuyencong.accounts.models import Role
from khuyencong.core import db
from khuyencong.facilities.models import Facility

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not ON_POSTGRES, reason="a streaming replica needs PostgreSQL as the database under test"),
]


def _primary() -> dict[str, Any]:
    return connections["default"].settings_dict


def _primary_conninfo(dbname: str = "postgres") -> str:
    primary = _primary()
    host, port = primary["HOST"] or "127.0.0.1", primary["PORT"] or 5432
    return f"host={host} port={port} user={primary['USER']} dbname={dbname}"


def _server_bin() -> Path:
    major = connections["default"].pg_version // 10000  # type: ignore[attr-defined]
    found = Path(f"/usr/lib/postgresql/{major}/bin")
    if (found / "pg_basebackup").exists():
        return found
    on_path = shutil.which("pg_basebackup")
    if on_path is None:
        pytest.skip(f"no pg_basebackup for PostgreSQL {major} on this machine")
    return Path(on_path).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_server_user() -> list[str]:
    """PostgreSQL refuses to run as root: as root, the standby runs as the `postgres` user."""
    if os.geteuid() != 0:
        return []
    try:
        import pwd

        pwd.getpwnam("postgres")
    except KeyError:
        pytest.skip("running as root and there is no `postgres` user to run the standby")
    return ["runuser", "-u", "postgres", "--"]


def _check_primary(conn: psycopg.Connection[Any]) -> dict[str, str]:
    def show(name: str) -> str:
        row = conn.execute(f"SHOW {name}").fetchone()  # names below are fixed
        return str(row[0]) if row else ""

    if show("wal_level") not in ("replica", "logical"):
        pytest.skip("the primary's wal_level is 'minimal': replication needs 'replica' (and a restart)")
    if int(show("max_wal_senders")) < 1:
        pytest.skip("the primary's max_wal_senders is 0: replication needs at least 1 (and a restart)")
    # A hot standby refuses to start with less of these than its primary.
    names = ("max_connections", "max_worker_processes", "max_wal_senders", "max_prepared_transactions",
             "max_locks_per_transaction")  # fmt: skip
    return {name: show(name) for name in names}


@pytest.fixture
def standby() -> Iterator[int]:
    """A hot standby of the primary on a free port, removed afterwards whatever happens."""
    server_bin = _server_bin()
    runner = _as_server_user()
    with psycopg.connect(_primary_conninfo(), autocommit=True) as server:
        limits = _check_primary(server)
    home = Path(tempfile.mkdtemp(prefix="kc-standby-"))
    data = home / "data"
    port = _free_port()
    started = False
    try:
        if runner:
            shutil.chown(home, user="postgres")
        primary = _primary()
        backup = subprocess.run(  # noqa: S603 - fixed arguments
            [*runner, str(server_bin / "pg_basebackup"), "-h", primary["HOST"] or "127.0.0.1",
             "-p", str(primary["PORT"] or 5432), "-U", primary["USER"], "-D", str(data), "-R", "-X", "stream",
             "--checkpoint=fast", "--no-sync"],
            capture_output=True, text=True, check=False, timeout=600,
        )  # fmt: skip
        if backup.returncode != 0:
            if "pg_hba.conf" in backup.stderr:
                pytest.skip(f"the primary refuses replication connections (pg_hba.conf): {backup.stderr.strip()}")
            pytest.fail(f"pg_basebackup failed: {backup.stderr}")
        # Debian keeps the configuration outside the data directory: the standby gets its own, minimal one. The
        # copied postgresql.auto.conf keeps only what -R wrote, so no primary setting (a port) leaks into it.
        auto = data / "postgresql.auto.conf"
        kept = [line for line in auto.read_text().splitlines() if line.startswith(("primary_conninfo", "#"))]
        auto.write_text("\n".join(kept) + "\n")
        lines = [f"port = {port}", "listen_addresses = '127.0.0.1'", f"unix_socket_directories = '{home}'",
                 "hot_standby = on", "shared_buffers = 32MB", "fsync = off", f"hba_file = '{home / 'pg_hba.conf'}'",
                 f"ident_file = '{home / 'pg_ident.conf'}'"] + [f"{k} = {v}" for k, v in limits.items()]  # fmt: skip
        (data / "postgresql.conf").write_text("\n".join(lines) + "\n")
        (home / "pg_hba.conf").write_text("host all all 127.0.0.1/32 trust\nlocal all all trust\n")
        (home / "pg_ident.conf").write_text("")
        if runner:
            for path in (data / "postgresql.conf", auto, home / "pg_hba.conf", home / "pg_ident.conf"):
                shutil.chown(path, user="postgres")
        start = subprocess.run(  # noqa: S603 - fixed arguments
            [*runner, str(server_bin / "pg_ctl"), "-D", str(data), "-l", str(home / "standby.log"), "-w", "-t", "120",
             "start"],
            capture_output=True, text=True, check=False, timeout=180,
        )  # fmt: skip
        started = True
        if start.returncode != 0:
            log = (home / "standby.log").read_text() if (home / "standby.log").exists() else ""
            pytest.fail(f"the standby did not start: {start.stderr}\n{log}")
        yield port
    finally:
        if started:
            subprocess.run(  # noqa: S603 - fixed arguments
                [*runner, str(server_bin / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                capture_output=True, check=False, timeout=120,
            )  # fmt: skip
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def replica_alias(standby: int, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """DATABASE_REPLICA_URL as the settings would read it: the test database, on the standby's port."""
    replica = copy.deepcopy(_primary())
    replica.update(HOST="127.0.0.1", PORT=str(standby), CONN_MAX_AGE=0)
    # Made here rather than listed in DATABASES: Django's test case lets a connection made during the test through,
    # where a listed one would have to be a test database of its own (flushed, hence written: a standby cannot be).
    monkeypatch.setattr(db, "replica_configured", lambda: True)
    connections[db.REPLICA] = load_backend(replica["ENGINE"]).DatabaseWrapper(replica, db.REPLICA)
    yield db.REPLICA
    connections[db.REPLICA].close()
    del connections[db.REPLICA]


def _replicated() -> None:
    """Waits until the standby has replayed everything the primary has written so far."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        lsn = cursor.fetchone()[0]
    with connections[db.REPLICA].cursor() as cursor:
        for _ in range(600):
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])
            if cursor.fetchone()[0]:
                return
            time.sleep(0.05)
    pytest.fail("the standby did not replay the primary's writes within 30 s")


def _in_recovery(alias: str) -> bool:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        return bool(cursor.fetchone()[0])


def test_a_list_and_a_report_are_served_from_the_replica_while_the_write_lands_on_the_primary(
    reference_data: None, replica_alias: str, make_facility: Any
) -> None:
    # given a standby streaming from the primary, and a Cục officer
    officer = make_user("cuc.officer", "CUC-CTDP", Role.OFFICER)
    assert _in_recovery(replica_alias)
    assert not _in_recovery("default")

    # when a facility is created through the service
    with CaptureQueriesContext(connections[replica_alias]) as on_replica_during_write:
        facility = make_facility("Cơ sở chép qua bản sao")

    # then the write landed on the primary and nothing of it touched the replica
    assert on_replica_during_write.captured_queries == []
    assert Facility.objects.using("default").filter(pk=facility.pk).exists()

    # and once streamed, the facility list reads it from the replica
    _replicated()
    client = client_for(officer)
    with (
        CaptureQueriesContext(connections[replica_alias]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        page = client.get(reverse("facilities:list"), {"q": "chep qua ban sao"})
    assert page.status_code == 200
    assert "Cơ sở chép qua bản sao" in page.content.decode()
    assert any("facilities_facility" in q["sql"] for q in on_replica.captured_queries)
    assert not any("facilities_facility" in q["sql"] for q in on_primary.captured_queries)

    # and the dashboard, a report, is computed on the replica too (the session and the user came from the primary)
    with CaptureQueriesContext(connections[replica_alias]) as on_replica:
        dashboard = client.get(reverse("reports:dashboard"))
    assert dashboard.status_code == 200
    assert any("projects_project" in q["sql"] for q in on_replica.captured_queries)
    assert not any("django_session" in q["sql"] for q in on_replica.captured_queries)

    # and the replica itself refuses writes: the router is what keeps them on the primary
    with pytest.raises(Exception, match="read-only transaction"), connections[replica_alias].cursor() as cursor:
        cursor.execute("CREATE TABLE kc_never (id int)")
