"""A trigram full-text index on the folded search column, on SQLite only.

PostgreSQL serves `search_text LIKE '%term%'` from its trigram GIN index (0002). SQLite cannot use a B-tree for a
leading wildcard and would scan a million rows per word typed, so it gets an FTS5 table with the trigram tokenizer
(SQLite ≥ 3.34), which answers LIKE '%term%' for terms of three characters or more from an index.

The FTS table is external-content and kept in step by SQL triggers rather than by application code: every write path
(services, bulk loads, the admin, raw SQL) changes the search column, and a trigger cannot be forgotten by any of them.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

STATEMENTS = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS facilities_facility_fts USING fts5("
    "search_text, content='facilities_facility', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS facilities_facility_fts_insert AFTER INSERT ON facilities_facility BEGIN "
    "INSERT INTO facilities_facility_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS facilities_facility_fts_delete AFTER DELETE ON facilities_facility BEGIN "
    "INSERT INTO facilities_facility_fts(facilities_facility_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS facilities_facility_fts_update AFTER UPDATE OF search_text ON facilities_facility "
    "BEGIN INSERT INTO facilities_facility_fts(facilities_facility_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO facilities_facility_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO facilities_facility_fts(facilities_facility_fts) VALUES ('rebuild')",
]


def create(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in STATEMENTS:
        schema_editor.execute(statement)


def drop(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "sqlite":
        return
    for trigger in ("insert", "delete", "update"):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS facilities_facility_fts_{trigger}")
    schema_editor.execute("DROP TABLE IF EXISTS facilities_facility_fts")


class Migration(migrations.Migration):
    dependencies = [("facilities", "0002_search_trigram_index")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
