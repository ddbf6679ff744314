from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import translation

from khuyencong.accounts.models import User
from khuyencong.core.bulk import insert_all
from khuyencong.core.numbers import format_number

from .models import AuditAction, AuditEntry

Snapshot = dict[str, str | None]


def _display(instance: models.Model, field: models.Field[Any, Any]) -> str | None:
    # A snapshot is a stored record: Vietnamese whoever makes the change (choice labels included).
    with translation.override("vi"):
        return _display_vi(instance, field)


def _display_vi(instance: models.Model, field: models.Field[Any, Any]) -> str | None:
    value = getattr(instance, field.attname)
    if value is None or value == "":
        return None
    if field.choices:
        return str(getattr(instance, f"get_{field.name}_display")())
    if isinstance(field, models.ForeignKey):
        return str(getattr(instance, field.name))
    if isinstance(value, bool):
        return "Có" if value else "Không"  # vi-only
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal):
        return format_number(value)
    return str(value)


def audit_snapshot(instance: models.Model, fields: list[str]) -> Snapshot:
    """Field values as people read them, so that the log stays meaningful after codes or choices change."""
    return {name: _display(instance, instance._meta.get_field(name)) for name in fields}  # type: ignore[arg-type]


def audit_snapshots(instances: list[models.Model], fields: list[str]) -> list[Snapshot]:
    """`audit_snapshot` of many records of one model (a bulk import). Choice labels and related records' names are
    read once per value: translating a label or naming a unit cost more than the rest of a record's snapshot."""
    if not instances:
        return []
    meta = instances[0]._meta
    spec: list[tuple[str, models.Field[Any, Any]]] = [(name, meta.get_field(name)) for name in fields]  # type: ignore[misc]
    shown: dict[tuple[str, Any], str | None] = {}
    snapshots = []
    for instance in instances:
        snapshot: Snapshot = {}
        for name, field in spec:
            if field.choices or isinstance(field, models.ForeignKey):
                # Within one batch a label depends only on the stored value (the code, or the related record's key).
                key = (name, getattr(instance, field.attname))
                if key not in shown:
                    shown[key] = _display(instance, field)
                snapshot[name] = shown[key]
            else:
                snapshot[name] = _display(instance, field)
        snapshots.append(snapshot)
    return snapshots


def audit_entry_build(
    *,
    actor: User,
    action: AuditAction,
    instance: models.Model,
    before: Snapshot,
    after: Snapshot,
    note: str = "",
) -> AuditEntry | None:
    """The entry a change records, not yet saved; None for an update that changed nothing."""
    changes = {
        name: {"before": before.get(name), "after": after.get(name)}
        for name in after.keys() | before.keys()
        if before.get(name) != after.get(name)
    }
    if action == AuditAction.UPDATE and not changes:
        return None
    with translation.override("vi"):
        # Like the snapshots, a record: a reference entry (and the system account) named in Vietnamese whoever makes
        # the change.
        shown = str(instance)[:255]
        actor_name = actor.get_full_name() or actor.get_username()
    return AuditEntry(
        actor=actor,
        actor_name=actor_name,
        organization_name=str(actor.organization) if actor.organization_id else "",
        action=action,
        content_type=ContentType.objects.get_for_model(instance),
        object_id=str(instance.pk),
        object_repr=shown,
        changes=changes,
        note=note,
    )


def audit_entry_write(
    *,
    actor: User,
    action: AuditAction,
    instance: models.Model,
    before: Snapshot,
    after: Snapshot,
    note: str = "",
) -> AuditEntry | None:
    """Records a change; an update that changed nothing leaves no entry."""
    entry = audit_entry_build(actor=actor, action=action, instance=instance, before=before, after=after, note=note)
    if entry is not None:
        entry.save(force_insert=True)
    return entry


def audit_entries_write(entries: list[AuditEntry]) -> None:
    """Entries built by `audit_entry_build` for many records at once (a bulk import), by COPY or multi-row inserts: the
    same rows `audit_entry_write` would have written one by one."""
    insert_all(entries)
