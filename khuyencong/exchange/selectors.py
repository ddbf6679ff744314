"""Reads of import jobs: a person sees the files they sent themselves."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import ImportJob


def import_jobs_of(user: Any) -> QuerySet[ImportJob]:
    """The user's own uploads, newest first (an upload can name records of others' territories in its errors, so
    it is its sender's only)."""
    if not user.is_authenticated:
        return ImportJob.objects.none()
    return ImportJob.objects.filter(user=user).order_by("-created_at", "-pk")
