"""A trigram index on the folded search column, on PostgreSQL only.

Facility search is `search_text LIKE '%term%'` for every word typed. A B-tree cannot serve a leading wildcard, so on
PostgreSQL a GIN index with gin_trgm_ops makes it fast on a million rows; SQLite scans, which is fine for a laptop.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def create(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS facilities_search_text_trgm "
        "ON facilities_facility USING gin (search_text gin_trgm_ops)"
    )


def drop(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS facilities_search_text_trgm")


class Migration(migrations.Migration):
    dependencies = [("facilities", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
