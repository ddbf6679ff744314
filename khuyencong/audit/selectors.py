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
