"""SQLite as Django ships it, with the Vietnamese collation «vi» on every connection (`core.collation`).

SQLite has no ICU collation to order Vietnamese names, and the folded text it orders by ties "Bắc" with "Bạc": each
connection is given the order of `vietnamese_key` as a collation, asked only to break such ties (`by_name`), so that
the index on the folded text still does the work. A database backend, rather than the `connection_created` signal,
because the project's writes and reads take no signals, and the collation is part of what a connection is."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.db.backends.sqlite3 import base

from khuyencong.core.collation import SQLITE_VIETNAMESE, vietnamese_key

# A sort compares each name with many others: its key is computed once per name, not at every comparison.
_key = lru_cache(maxsize=65_536)(vietnamese_key)


def _compare(left: str, right: str) -> int:
    a, b = _key(left), _key(right)
    return (a > b) - (a < b)


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        connection = super().get_new_connection(conn_params)
        connection.create_collation(SQLITE_VIETNAMESE, _compare)
        return connection
