"""Dated records: laws, units, memberships and caps each hold between `valid_from` and `valid_until`."""

from __future__ import annotations

import datetime

from django.db.models import Q


def valid_on(day: datetime.date, prefix: str = "") -> Q:
    """In force on `day`: an empty start means since before our data, an empty end means still in force."""
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": day})) & (
        Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gte": day})
    )
