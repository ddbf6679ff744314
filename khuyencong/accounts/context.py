"""What the menu and the buttons of every page may offer the user: the capability checks the views themselves make,
read once per request and only when a template asks."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from . import access
from .models import User


class Capabilities:
    """`may.create_project` and the like in templates: each the same function the view calls before it acts."""

    def __init__(self, user: User | AnonymousUser) -> None:
        self.user = user

    @cached_property
    def create_project(self) -> bool:
        from khuyencong.projects.authority import may_create_projects

        return may_create_projects(self.user)

    @cached_property
    def create_facility(self) -> bool:
        return access.may(self.user, access.Action.CREATE)

    @cached_property
    def facility_proposals(self) -> bool:
        """A facility's representative sends self-service proposals; whoever may change facilities reviews them."""
        return access.may_propose_facility_changes(self.user) or access.may(self.user, access.Action.CHANGE)

    @cached_property
    def export(self) -> bool:
        return access.can_export(self.user)

    @cached_property
    def body_pages(self) -> bool:
        return access.works_for_a_body(self.user)

    @cached_property
    def exchange(self) -> bool:
        """The exchange page offers downloads, Excel uploads and document imports: one of them must be the user's."""
        from khuyencong.exchange.views import can_import_documents

        return self.export or self.create_facility or can_import_documents(self.user)

    @cached_property
    def compile_reports(self) -> bool:
        from khuyencong.reporting.authority import can_compile

        return can_compile(self.user)

    @cached_property
    def records(self) -> bool:
        """Whether the user may see any record at all (a role, and a territory or a facility)."""
        return not access.scope_of(self.user).is_empty


def capabilities(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"may": Capabilities(user)}
