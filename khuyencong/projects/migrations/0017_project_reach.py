from typing import Any

from django.db import migrations, models


def fill_reach(apps: Any, schema_editor: Any) -> None:
    """Existing đề án get their reach from their beneficiaries, as `kc_rebuild` would (on the historical models)."""
    from khuyencong.projects.reach import CHUNK, expected_reach

    project_model = apps.get_model("projects", "Project")
    changed = [
        project_model(pk=pk, reach=reach, reach_groups=groups)
        for pk, _code, _stored, _stored_groups, reach, groups in expected_reach(
            project_model.objects.all(), links=project_model.beneficiaries.through
        )
        if reach or groups
    ]
    project_model.objects.bulk_update(changed, ["reach", "reach_groups"], batch_size=CHUNK)


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0016_field_names_in_vietnamese"),
        ("facilities", "0009_priority_flags_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="project",
            name="reach",
            field=models.TextField(
                blank=True, default="", editable=False, verbose_name="cơ sở thụ hưởng và nhóm ưu tiên"
            ),
        ),
        migrations.AddField(
            model_name="project",
            name="reach_groups",
            field=models.PositiveSmallIntegerField(default=0, editable=False, verbose_name="nhóm ưu tiên được hỗ trợ"),
        ),
        migrations.RunPython(fill_reach, migrations.RunPython.noop),
    ]
