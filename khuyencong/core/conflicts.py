"""A request the database gave up on because another transaction held what it needed at the same moment: a deadlock,
a serialisation failure or a lock not available (PostgreSQL; a hot standby cancels a read that conflicts with its
replay the same way), a busy database file (SQLite). The transaction was rolled back whole, so nothing was written;
the same request a moment later succeeds. Answered as a refusal with its code and a Vietnamese message, never as a
server error: `write_conflict` for a write, `read_conflict` for a read (a reader wrote nothing, and is told so) — by
the pages' middleware (`web.middleware.ConflictMiddleware`), the API's exception handler, `kc_import` and the
background import. Each is logged with its traceback: a deadlock is a lock order to mend."""

from __future__ import annotations

import logging
import sqlite3

from django.db import OperationalError
from django.utils.translation import gettext, gettext_noop

logger = logging.getLogger("khuyencong.conflicts")

WRITE_CONFLICT = "write_conflict"
READ_CONFLICT = "read_conflict"
# Met after the view had answered (a middleware saving the session on the way out): the view's own transaction may
# have been committed, so the person cannot be told that nothing was written.
UNCONFIRMED_CONFLICT = "unconfirmed_conflict"
# PostgreSQL's SQLSTATEs (Appendix A): 40P01 deadlock_detected, 40001 serialization_failure, 55P03
# lock_not_available. Each ends its transaction with nothing written, and a retry is what the manual advises.
CONFLICT_STATES = frozenset({"40P01", "40001", "55P03"})
# SQLite's name for a writer that waited past its busy timeout. Not SQLITE_LOCKED: outside shared-cache mode that is
# one connection getting in its own way, a fault that would recur on every retry.
SQLITE_BUSY = "SQLITE_BUSY"
WRITE_TEXT = gettext_noop(
    "Một thay đổi khác trên cùng dữ liệu đang được ghi đúng lúc này nên thao tác của bạn chưa được ghi (không có gì "
    "thay đổi). Hãy thử lại sau giây lát."
)
READ_TEXT = gettext_noop("Dữ liệu đang được cập nhật đúng lúc này nên chưa đọc được. Hãy tải lại trang sau giây lát.")
UNCONFIRMED_TEXT = gettext_noop(
    "Một thay đổi khác đang được ghi đúng lúc này nên hệ thống chưa trả lời xong; thao tác của bạn có thể đã được "
    "ghi. Hãy mở lại trang để xem trước khi gửi lại."
)
# Each code's message, to be translated for its reader where the refusal is stored (an import job's report).
TEXTS = {WRITE_CONFLICT: WRITE_TEXT, READ_CONFLICT: READ_TEXT, UNCONFIRMED_CONFLICT: UNCONFIRMED_TEXT}
# Seconds a client waits before trying again (the Retry-After header of the 503 answer).
RETRY_AFTER = 2
READS = frozenset({"GET", "HEAD", "OPTIONS"})


def is_conflict(error: BaseException) -> bool:
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    if isinstance(cause, sqlite3.Error):
        return getattr(cause, "sqlite_errorname", None) == SQLITE_BUSY
    return getattr(cause, "sqlstate", None) in CONFLICT_STATES


def is_reading(method: str | None) -> bool:
    """Whether a request of this method only reads: what its refusal tells the person."""
    return (method or "GET").upper() in READS


def refused(error: BaseException, where: str, *, reading: bool, after_view: bool = False) -> tuple[str, str]:
    """Logs the conflict with its traceback (a deadlock is a lock order to mend) and gives the code and the message,
    in the language of the moment, for a read or a write that met another transaction — inside its view, or
    `after_view` (then a write's own transaction may have been committed)."""
    logger.warning("conflict with another transaction: %s", where, exc_info=error)
    code = READ_CONFLICT if reading else UNCONFIRMED_CONFLICT if after_view else WRITE_CONFLICT
    return code, gettext(TEXTS[code])
