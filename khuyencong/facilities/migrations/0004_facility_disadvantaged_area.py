"""The facility flag "in a disadvantaged area", a priority group of Decree 235/2025/NĐ-CP.

SQLite cannot add a NOT NULL column in place: Django rebuilds the table, and dropping the old one drops the triggers
that keep the FTS5 search table in step (0003). They are created again after the rebuild, both ways. The rows keep
their ids, so the index itself stays valid.
"""

import importlib

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

search_fts = importlib.import_module("khuyencong.facilities.migrations.0003_search_fts_sqlite")


def restore_search_triggers(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in search_fts.STATEMENTS:
        if statement.startswith("CREATE TRIGGER"):
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("facilities", "0003_search_fts_sqlite"),
    ]

    operations = [
        # Reversed last: the field's removal rebuilds the table again.
        migrations.RunPython(migrations.RunPython.noop, restore_search_triggers, elidable=False),
        migrations.AddField(
            model_name="facility",
            name="disadvantaged_area",
            field=models.BooleanField(
                default=False, verbose_name="ở địa bàn có điều kiện kinh tế - xã hội khó khăn, đặc biệt khó khăn"
            ),
        ),
        migrations.RunPython(restore_search_triggers, migrations.RunPython.noop, elidable=False),
    ]
