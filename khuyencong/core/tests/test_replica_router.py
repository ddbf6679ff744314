"""Which database a query reads: the replica only for a report, dashboard or list, outside any transaction, and
never for someone who just wrote; everything else, and everything when no replica is configured, the primary."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.urls import resolve, reverse

from khuyencong.api import views as api_views
from khuyencong.core import db
from khuyencong.facilities.models import Facility
from khuyencong.projects.models import Project

router = db.PrimaryReplicaRouter()


@pytest.fixture
def replica(monkeypatch: pytest.MonkeyPatch) -> None:
    """A replica is configured (its connection is never opened here: only the router's answer is looked at)."""
    monkeypatch.setattr(db, "replica_configured", lambda: True)


def test_without_a_replica_every_read_goes_to_the_primary(monkeypatch: pytest.MonkeyPatch) -> None:
    # given no DATABASE_REPLICA_URL
    monkeypatch.setattr(db, "replica_configured", lambda: False)
    # when a report reads
    with db.request_scope(), db.reading_replica():
        target = router.db_for_read(Project)

    # then it reads the primary
    assert target == "default"


def test_a_report_reads_the_replica_and_its_writes_go_to_the_primary(replica: None) -> None:
    # given a replica, a request, and a report page that opted in
    with db.request_scope(), db.reading_replica():
        # when it reads
        read = router.db_for_read(Project)
        # then the replica answers; a write would still go to the primary
        assert read == "replica"
        assert router.db_for_write(Project) == "default"
        # and once it has written, its reads come from the primary too
        assert router.db_for_read(Project) == "default"


def test_reads_outside_an_opted_in_page_go_to_the_primary(replica: None) -> None:
    # given a replica and a page that did not opt in (a detail page, a form, a service)
    with db.request_scope():
        # when it reads, then the primary answers
        assert router.db_for_read(Facility) == "default"


@pytest.mark.django_db
def test_reads_inside_a_transaction_go_to_the_primary(replica: None) -> None:
    # given a replica and an opted-in read
    with db.request_scope(), db.reading_replica(), transaction.atomic():
        # when it runs inside a transaction (a service's, or a test's), then it reads the primary
        assert router.db_for_read(Project) == "default"


def test_sessions_and_login_records_are_never_read_from_the_replica(replica: None) -> None:
    # given an opted-in page of a replica-served request
    with db.request_scope(), db.reading_replica():
        # when the session is read, then the primary answers (a session just created may not have reached the replica)
        assert router.db_for_read(Session) == "default"


def test_a_browser_that_wrote_reads_the_primary_for_a_while(replica: None, settings: Any) -> None:
    # given a browser whose last request saved something
    settings.REPLICA_PIN_SECONDS = 7

    def saving(request: HttpRequest) -> HttpResponse:
        router.db_for_write(Project)
        return HttpResponse("ok")

    response = db.ReadYourWritesMiddleware(saving)(RequestFactory().post("/projects/1/"))
    cookie = response.cookies[db.PIN_COOKIE]
    assert cookie["max-age"] == 7

    # when its next request is a list page that may read the replica
    seen: list[str] = []

    def listing(request: HttpRequest) -> HttpResponse:
        with db.reading_replica():
            seen.append(router.db_for_read(Project))
        return HttpResponse("list")

    request = RequestFactory().get("/projects/")
    request.COOKIES[db.PIN_COOKIE] = "1"
    db.ReadYourWritesMiddleware(listing)(request)

    # then it still reads the primary, so it sees what it saved
    assert seen == ["default"]


def test_a_browser_that_only_read_is_not_pinned(replica: None) -> None:
    # given a request that only reads
    def reading(request: HttpRequest) -> HttpResponse:
        with db.reading_replica():
            assert router.db_for_read(Project) == "replica"
        return HttpResponse("list")

    # when it answers, then no cookie keeps the browser on the primary
    response = db.ReadYourWritesMiddleware(reading)(RequestFactory().get("/projects/"))
    assert db.PIN_COOKIE not in response.cookies


def test_migrations_run_on_the_primary_only() -> None:
    assert router.allow_migrate("default", "projects")
    assert not router.allow_migrate("replica", "projects")


@pytest.mark.parametrize(
    "name",
    ["reports:page", "reports:records", "reports:dashboard", "reports:dashboard_records", "projects:list",
     "facilities:list"],
)  # fmt: skip
def test_report_dashboard_and_list_pages_opt_into_the_replica(name: str) -> None:
    # given the page's view, when the router asks whether it opted in, then it did (through @replica_reads)
    assert getattr(resolve(reverse(name)).func, db.OPTED_IN, False), name


@pytest.mark.parametrize(
    "viewset",
    [api_views.OrganizationViewSet, api_views.UnitViewSet, api_views.FacilityViewSet, api_views.PlanViewSet,
     api_views.ProgramViewSet, api_views.ProjectViewSet, api_views.ConsultingViewSet],
)  # fmt: skip
def test_api_lists_opt_into_the_replica(viewset: type) -> None:
    assert issubclass(viewset, api_views.ReplicaListMixin)
