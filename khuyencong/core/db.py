"""Reads that may come from a streaming replica, and the router that keeps every other query on the primary.

A page opts in (`@reading_replica` on report, dashboard and list views); nothing else ever reads the replica. Inside
the opt-in the primary is still read when the replica is not configured, inside a transaction, after this request or
task wrote anything, and for a short while after this browser wrote (a cookie): a person who just saved sees what they
saved, whatever the replica's lag.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
PIN_COOKIE = "kc_primary"
# Marks an opted-in view; functools.wraps carries it through login_required, so tests can find it on the URL's view.
OPTED_IN = "reads_replica"
# Rows that decide who is signed in, what they may see (roles, organisation), what is locked out or which task runs
# must never be a moment old: a role revoked on the primary must not keep working on the replica for its lag.
PRIMARY_ONLY_APPS = frozenset({"sessions", "accounts", "axes", "authtoken", "django_tasks_db", "django_tasks"})

P = ParamSpec("P")
R = TypeVar("R")


@dataclass
class _State:
    replica: bool = False
    wrote: bool = False
    pinned: bool = False


_state: contextvars.ContextVar[_State | None] = contextvars.ContextVar("kc_db_state", default=None)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def _current() -> _State:
    state = _state.get()
    if state is None:
        state = _State()
        _state.set(state)
    return state


@contextmanager
def reading_replica() -> Iterator[None]:
    """Reads inside may come from the replica (see the module's rules); writes still go to the primary."""
    state = _current()
    before = state.replica
    state.replica = True
    try:
        yield
    finally:
        state.replica = before


def replica_reads(view: Callable[P, R]) -> Callable[P, R]:
    """A view (or selector) whose reads may come from the replica; put it inside `login_required`."""

    @functools.wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        with reading_replica():
            return view(*args, **kwargs)

    setattr(wrapped, OPTED_IN, True)
    return wrapped


@contextmanager
def request_scope(*, pinned: bool = False) -> Iterator[_State]:
    """A fresh state for one request or task: what an earlier one wrote no longer pins this one to the primary."""
    state = _State(pinned=pinned)
    token = _state.set(state)
    try:
        yield state
    finally:
        _state.reset(token)


def reads_replica_now() -> bool:
    """Whether a read issued here would go to the replica (tests and the router share this one rule)."""
    state = _state.get()
    if state is None or not state.replica or state.wrote or state.pinned or not replica_configured():
        return False
    return not connections[DEFAULT_DB_ALIAS].in_atomic_block


class PrimaryReplicaRouter:
    """Every write and every migration on the primary; reads on the replica only where `reads_replica_now()`."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        if model._meta.app_label in PRIMARY_ONLY_APPS or not reads_replica_now():
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        _current().wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        # The replica is a copy of the primary: an object read from either may point to one read from the other.
        return True

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS


class ReadYourWritesMiddleware:
    """One state per request; after a write, this browser reads the primary for REPLICA_PIN_SECONDS."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with request_scope(pinned=PIN_COOKIE in request.COOKIES) as state:
            response = self.get_response(request)
        if state.wrote and replica_configured():
            seconds = int(getattr(settings, "REPLICA_PIN_SECONDS", 10))
            response.set_cookie(PIN_COOKIE, "1", max_age=seconds, httponly=True, samesite="Lax",
                                secure=settings.SESSION_COOKIE_SECURE)  # fmt: skip
        return response
