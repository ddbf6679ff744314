"""Inserting many new records of one model at once, as `bulk_create` would, for the large imports.

`bulk_create` compiles every value through the ORM's insert compiler and, on SQLite, in statements of at most 999
parameters (about 40 facilities each); for an upload of 100,000 rows that compilation cost more than the database's
own work. Here each value is prepared as the compiler prepares it (`pre_save`, then `get_db_prep_save`), skipping only
the calls that provably return the value unchanged, and the rows go by COPY on PostgreSQL (keys drawn from the
table's sequence first) and by multi-row INSERT … RETURNING on SQLite.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connections, models, router
from django.db.backends.base.base import BaseDatabaseWrapper

# Fields whose `get_db_prep_save` hands back a value of this exact type as it is (`to_python` of a str, a bool, an int).
_PLAIN: dict[type[models.Field[Any, Any]], tuple[type, ...]] = {
    models.CharField: (str,),
    models.TextField: (str,),
    models.BooleanField: (bool,),
    models.IntegerField: (int,),
    models.PositiveIntegerField: (int,),
    models.PositiveSmallIntegerField: (int,),
    models.SmallIntegerField: (int,),
    models.BigIntegerField: (int,),
    models.AutoField: (int,),
    models.BigAutoField: (int,),
}


def _preparer(field: models.Field[Any, Any], connection: BaseDatabaseWrapper) -> Callable[[models.Model], Any]:
    """A function giving the database value of `field` for a record, exactly as the insert compiler computes it."""
    target = field.target_field if isinstance(field, models.ForeignKey) else field
    plain = _PLAIN.get(type(target), ())
    attname = field.attname
    # A field with its own pre_save (auto_now_add, …) fills the value in; the others' pre_save reads the attribute.
    own_pre_save = type(field).pre_save is not models.Field.pre_save

    def prepare(obj: models.Model) -> Any:
        value = field.pre_save(obj, True) if own_pre_save else getattr(obj, attname)
        if type(value) in plain or (value is None and plain):
            return value
        if hasattr(value, "resolve_expression"):
            raise TypeError(f"{field}: an expression cannot be inserted in bulk.")
        return field.get_db_prep_save(value, connection=connection)

    return prepare


def insert_all(objs: Sequence[models.Model]) -> None:
    """Saves new records of one model with an automatic key, as `bulk_create(objs)` would: the same column values,
    and each record given its key and marked as saved."""
    if not objs:
        return
    model = type(objs[0])
    alias = router.db_for_write(model)
    connection = connections[alias]
    if connection.vendor not in ("postgresql", "sqlite"):
        model._default_manager.bulk_create(objs)
        return
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    preparers = [_preparer(f, connection) for f in fields]
    rows = []
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="bulk_create")  # type: ignore[attr-defined]
        rows.append([prepare(obj) for prepare in preparers])
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    names = ", ".join(quote(str(f.column)) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s) ORDER BY 1",
                [meta.db_table, pk.column, len(objs)],
            )
            keys = [key for (key,) in cursor.fetchall()]
            with cursor.cursor.copy(f"COPY {table} ({quote(str(pk.column))}, {names}) FROM STDIN") as copy:
                for key, row in zip(keys, rows, strict=True):
                    copy.write_row([key, *row])
        else:
            limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
            size = max(1, min(500, limit // len(fields)))
            keys = []
            for start in range(0, len(rows), size):
                chunk = rows[start : start + size]
                marks = ", ".join(["(" + ", ".join(["%s"] * len(fields)) + ")"] * len(chunk))
                cursor.execute(
                    f"INSERT INTO {table} ({names}) VALUES {marks} RETURNING {quote(str(pk.column))}",  # noqa: S608
                    [value for row in chunk for value in row],
                )
                keys += [key for (key,) in cursor.fetchall()]
    for obj, key in zip(objs, keys, strict=True):
        obj.pk = key
        obj._state.adding = False
        obj._state.db = alias
