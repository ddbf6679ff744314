"""Pages of a wide list sorted across a join, at national volume.

A list of 200,000 đề án sorted by plan year and code, each row with its plan, content, implementer, province and the
period in force on a date, made PostgreSQL sort every wide row (on disk past work_mem) to keep fifty: 270 ms of a
300 ms page. Here the page's keys are chosen on a narrow query (a top-N sort of keys, in memory), then only those
fifty rows are read in full. The count is taken on the narrow query too, since the joins that only annotate cannot
change it.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property


class KeyPaginator(Paginator):
    """`keys`: the rows in the list's order, narrow (no annotation, no select_related); `rows`: the same rows as
    shown (annotated, related), read only for the page's keys."""

    def __init__(self, keys: QuerySet[Any], rows: QuerySet[Any], per_page: int) -> None:
        super().__init__(keys, per_page)
        self.rows = rows

    @cached_property
    def count(self) -> int:
        keys: QuerySet[Any] = self.object_list  # type: ignore[assignment]
        return keys.order_by().count()

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        keys: QuerySet[Any] = self.object_list  # type: ignore[assignment]
        page_keys = list(keys.values_list("pk", flat=True)[bottom : bottom + self.per_page])
        found = {row.pk: row for row in self.rows.filter(pk__in=page_keys).order_by()}
        return Page([found[key] for key in page_keys if key in found], number, self)
