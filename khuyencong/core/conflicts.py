"""A write the database gave up on because another write held what it needed at the same moment: a deadlock, a
serialisation failure or a lock not available (PostgreSQL), a locked database (SQLite). The transaction was rolled
back whole, so nothing was written; the same request a moment later succeeds. Answered as a refusal with its code
(`write_conflict`) and a Vietnamese message, never as a server error: by the pages' middleware
(`web.middleware.WriteConflictMiddleware`) and the API's exception handler."""

from __future__ import annotations

from django.db import OperationalError
from django.utils.translation import gettext_lazy

WRITE_CONFLICT = "write_conflict"
# PostgreSQL's SQLSTATEs (Appendix A): 40P01 deadlock_detected, 40001 serialization_failure, 55P03
# lock_not_available. Each ends its transaction with nothing written, and a retry is what the manual advises.
CONFLICT_STATES = frozenset({"40P01", "40001", "55P03"})
# SQLite says so in words only (sqlite3 carries no SQLSTATE): a writer waited past its busy timeout.
SQLITE_LOCKED = ("database is locked", "database table is locked")
MESSAGE = gettext_lazy(
    "Một thay đổi khác trên cùng dữ liệu đang được ghi đúng lúc này nên thao tác của bạn chưa được ghi (không có gì "
    "thay đổi). Hãy thử lại sau giây lát."
)
# Seconds a client waits before trying again (the Retry-After header of the 503 answer).
RETRY_AFTER = 2


def is_write_conflict(error: BaseException) -> bool:
    if not isinstance(error, OperationalError):
        return False
    sqlstate = getattr(error.__cause__, "sqlstate", None)
    if sqlstate is not None:
        return sqlstate in CONFLICT_STATES
    text = str(error)
    return any(words in text for words in SQLITE_LOCKED)
