from __future__ import annotations

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditEntry


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str | None
    after: str | None


def audit_entries_for(instance: models.Model) -> list[tuple[AuditEntry, list[FieldChange]]]:
    """The history of one record, newest first, with field names as people read them."""
    entries = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(instance), object_id=str(instance.pk)
    )
    labels = {f.name: str(f.verbose_name) for f in instance._meta.get_fields() if hasattr(f, "verbose_name")}
    return [
        (
            entry,
            [
                FieldChange(labels.get(name, name), change["before"], change["after"])
                for name, change in sorted(entry.changes.items(), key=lambda item: labels.get(item[0], item[0]))
            ],
        )
        for entry in entries
    ]


def audit_history(
    model: type[models.Model], pks: list[int], *, action: str | None = None
) -> dict[int, list[tuple[AuditEntry, list[FieldChange]]]]:
    """The histories of the records a page lists, in one query (their ids are the page's own, never a whole table)."""
    entries = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id__in=[str(pk) for pk in pks]
    )
    if action is not None:
        entries = entries.filter(action=action)
    labels = {f.name: str(f.verbose_name) for f in model._meta.get_fields() if hasattr(f, "verbose_name")}
    out: dict[int, list[tuple[AuditEntry, list[FieldChange]]]] = {}
    for entry in entries:
        changes = [
            FieldChange(labels.get(name, name), change["before"], change["after"])
            for name, change in sorted(entry.changes.items(), key=lambda item: labels.get(item[0], item[0]))
        ]
        out.setdefault(int(entry.object_id), []).append((entry, changes))
    return out
