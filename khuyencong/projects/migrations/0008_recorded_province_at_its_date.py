from typing import Any

from django.db import migrations


def replace_projects(apps: Any, schema_editor: Any) -> None:
    """Existing đề án are placed by the rule of issue 13 (the province on the đề án's own date, not today's unit of a
    province that kept its name), as `kc_rebuild` would; the rule runs on the historical models."""
    from khuyencong.geography.selectors import PlaceLineage
    from khuyencong.organizations.selectors import BodyTerritories
    from khuyencong.projects.recorded import RecordedProvinces, expected_provinces

    project_model = apps.get_model("projects", "Project")
    if not project_model.objects.exists():
        return
    rule = RecordedProvinces(
        PlaceLineage(apps.get_model("geography", "AdminUnit"), apps.get_model("geography", "Succession")).preload(),
        BodyTerritories(
            apps.get_model("organizations", "Organization"), apps.get_model("organizations", "OrganizationTerritory")
        ).preload(),
    )
    changed = [
        project_model(pk=pk, recorded_province_id=expected)
        for pk, _code, stored, expected in expected_provinces(
            project_model.objects.all(),
            rule=rule,
            events=apps.get_model("projects", "ProjectEvent"),
            links=project_model.beneficiaries.through,
        )
        if stored != expected
    ]
    project_model.objects.bulk_update(changed, ["recorded_province"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0007_event_transcribed"),
        ("organizations", "0002_organization_territory"),
    ]

    operations = [migrations.RunPython(replace_projects, migrations.RunPython.noop)]
