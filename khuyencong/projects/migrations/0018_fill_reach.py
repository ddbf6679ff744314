"""Existing đề án get their reach from their beneficiaries, as `kc_rebuild` would, a chunk of đề án per transaction:
outside the migration's transaction, so that the table is not held locked for the whole fill (about a minute and a
half at 200,000 đề án). The groups are those of Decree 235/2025 as they stood when this was written, frozen here
on the historical models: a later change to `facilities.priority.PRIORITY_GROUPS` must ship with its own refill."""

from collections import defaultdict
from typing import Any

from django.db import migrations
from django.db.models import Case, ExpressionWrapper, IntegerField, Q, Value, When

CHUNK = 2_000
# Bit i: group i of facilities.priority.PRIORITY_GROUPS on 29/11/2026.
GROUPS = (
    Q(facility__women_owned=True),
    Q(facility__ethnic_minority_owned=True),
    Q(facility__disadvantaged_area=True),
    ~Q(facility__craft_village=""),
    Q(facility__legal_form="artisan"),
)


def fill_reach(apps: Any, schema_editor: Any) -> None:
    project_model = apps.get_model("projects", "Project")
    links = project_model.beneficiaries.through
    mask: Any = Value(0)
    for index, condition in enumerate(GROUPS):
        mask = mask + Case(When(condition, then=Value(1 << index)), default=Value(0))
    last = 0
    while chunk := list(project_model.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:CHUNK]):
        first, last = chunk[0], chunk[-1]
        served: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for project, facility, groups in (
            links.objects.filter(project_id__gte=first, project_id__lte=last)
            .annotate(groups=ExpressionWrapper(mask, output_field=IntegerField()))
            .values_list("project_id", "facility_id", "groups")
        ):
            served[project].append((facility, groups))
        changed = []
        for pk, beneficiaries in served.items():
            tokens = [f"{facility}:{groups}" if groups else str(facility) for facility, groups in sorted(beneficiaries)]
            reach_groups = 0
            for _facility, groups in beneficiaries:
                reach_groups |= groups
            changed.append(project_model(pk=pk, reach=",".join(tokens), reach_groups=reach_groups))
        project_model.objects.bulk_update(changed, ["reach", "reach_groups"], batch_size=CHUNK)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("projects", "0017_project_reach"),
        ("facilities", "0009_priority_flags_index"),
    ]

    operations = [migrations.RunPython(fill_reach, migrations.RunPython.noop)]
