from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0016_field_names_in_vietnamese"),
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
    ]
