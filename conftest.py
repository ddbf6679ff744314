"""Shared test fixtures: reference data loaded once per test database, and the cast of people who use the system."""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils import translation
from playwright.sync_api import Browser, Page, expect, sync_playwright

from khuyencong.accounts.models import Role, User, UserRole
from khuyencong.facilities.models import Facility, LegalForm
from khuyencong.facilities.services import FacilityData, facility_create
from khuyencong.geography.resolver import resolve_place
from khuyencong.organizations.models import Organization
from khuyencong.programs.models import Plan
from khuyencong.programs.services import plan_create

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "mat-khau-thu-nghiem-2026"  # noqa: S105 - test accounts only


def pytest_sessionstart(session: pytest.Session) -> None:
    """The English catalogue as `make messages` compiles it, so that running pytest directly after editing a .po
    file tests the translation as edited, not a stale .mo (`make test` compiles it first anyway)."""
    if hasattr(session.config, "workerinput"):
        return  # an xdist worker: the controller compiled them before starting it, and two writers would race
    from khuyencong.core.catalogues import compile_catalogues

    compile_catalogues()


def _flushes_the_database(item: pytest.Item) -> bool:
    """Whether pytest-django runs `item` outside a transaction and so empties every table after it (its rule)."""
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return (
        "transactional_db" in fixtures
        or "live_server" in fixtures
        or bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """Reference data is put back as soon as a test outside a transaction has flushed it, so the next test finds it
    whatever runs next: pytest-django orders those tests last in one process, but xdist workers (`make test`
    runs `-n auto`) receive files in any order."""
    result = yield
    # With no next test, the session's fixtures are gone too: the test database no longer exists.
    if nextitem is not None and _flushes_the_database(item):
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            _put_reference_data_back()
    return result


@pytest.fixture(autouse=True)
def default_language() -> Iterator[None]:
    """Each test starts in the default language: a request from a user who chose English leaves English active in the
    thread after it (as Django's own LocaleMiddleware does; the next request activates its own)."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


# The tables that held rows once reference data was loaded, each with the name of its copy in the same database.
_REFERENCE_COPIES: list[tuple[str, str]] = []


def _keep_a_copy_of_reference_data() -> None:
    """Copies every non-empty table into a table of its own beside it, which Django's flush never names (it is no
    model's). Loading the reference data again takes seconds; putting the copy back takes a fraction of one."""
    from django.db import connection

    quote = connection.ops.quote_name
    _REFERENCE_COPIES.clear()
    with connection.cursor() as cursor:
        for index, table in enumerate(sorted(connection.introspection.django_table_names(only_existing=True))):
            cursor.execute(f"SELECT 1 FROM {quote(table)} LIMIT 1")  # noqa: S608 - names from the introspection
            if cursor.fetchone() is None:
                continue
            copy = f"kc_test_reference_{index}"
            cursor.execute(f"DROP TABLE IF EXISTS {quote(copy)}")
            cursor.execute(f"CREATE TABLE {quote(copy)} AS SELECT * FROM {quote(table)}")  # noqa: S608
            _REFERENCE_COPIES.append((table, copy))


def _put_reference_data_back() -> None:
    """After a flush: every copied table that is empty again gets its rows back, ids included (sequences were not
    reset, so new rows never collide). Foreign keys are deferred to the commit on both databases, so the order of the
    tables does not matter. A table the flush's post_migrate filled again (content types) is left as it is."""
    from django.db import connection, transaction

    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        for table, copy in _REFERENCE_COPIES:
            cursor.execute(f"SELECT 1 FROM {quote(table)} LIMIT 1")  # noqa: S608 - names from the introspection
            if cursor.fetchone() is None:
                cursor.execute(f"INSERT INTO {quote(table)} SELECT * FROM {quote(copy)}")  # noqa: S608


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """Reference data is the same for every test; each test's changes roll back on top of it."""
    with django_db_blocker.unblock():
        call_command("load_reference_data", verbosity=0)
        _keep_a_copy_of_reference_data()


@pytest.fixture
def reference_data(transactional_db: None) -> None:
    """For tests that run outside a transaction (browser tests): the flush after each one empties the tables, and
    `pytest_runtest_teardown` above puts them back before the next test, whichever it is."""


def make_user(username: str, organization_code: str | None, *roles: str, facility: Facility | None = None) -> User:
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        first_name=username,
        organization=Organization.objects.get(code=organization_code) if organization_code else None,
        facility=facility,
    )
    for role in roles:
        UserRole.objects.create(user=user, role=role)
    return user


@pytest.fixture
def frozen_clock() -> Iterator[None]:
    """The clock stands on 27/11/2026, 16:00 in Hà Nội: no test depends on the day it runs."""
    with time_machine.travel(datetime.datetime(2026, 11, 27, 9, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def system_actor(db: None) -> User:
    return User.objects.create_superuser(username="system", password=None, email="")


@pytest.fixture
def laocai_officer(db: None) -> User:
    return make_user("laocai.officer", "SCT-15", Role.OFFICER)


@pytest.fixture
def laocai_viewer(db: None) -> User:
    return make_user("laocai.viewer", "TTKC-15", Role.VIEWER)


@pytest.fixture
def thainguyen_officer(db: None) -> User:
    return make_user("thainguyen.officer", "SCT-19", Role.OFFICER)


@pytest.fixture
def cuc_officer(db: None) -> User:
    return make_user("cuc.officer", "CUC-CTDP", Role.OFFICER, Role.APPRAISER, Role.APPROVER)


@pytest.fixture
def centre1_officer(db: None) -> User:
    return make_user("ttkc1.officer", "TTKC1", Role.OFFICER)


@pytest.fixture
def orphan_user(db: None) -> User:
    """Logged in, but belonging to no organisation: sees nothing."""
    return make_user("orphan", None, Role.OFFICER)


FacilityMaker = Callable[..., Facility]


@pytest.fixture
def make_facility(system_actor: User) -> FacilityMaker:
    counter = iter(range(1, 10_000))

    def make(
        name: str | None = None,
        *,
        province: str = "Lào Cai",
        district: str | None = None,
        commune: str | None = None,
        on: datetime.date = datetime.date(2025, 8, 1),
        **fields: Any,
    ) -> Facility:
        place = resolve_place(province=province, district=district, commune=commune, on=on)
        data = FacilityData(
            name=name or f"Cơ sở thử nghiệm {next(counter)}",
            legal_form=fields.pop("legal_form", LegalForm.HOUSEHOLD_BUSINESS),
            place=place,
            **fields,
        )
        return facility_create(actor=system_actor, data=data, confirm_duplicate=True)

    return make


@pytest.fixture
def yen_bai_facility(make_facility: FacilityMaker) -> Facility:
    """Recorded in 2022 in Yên Bái, which merged into Lào Cai on 01/07/2025."""
    return make_facility(
        "Cơ sở sản xuất gỗ Yên Bái số 1",
        province="Yên Bái",
        district="Trấn Yên",
        commune="Việt Hồng",
        on=datetime.date(2022, 6, 30),
    )


@pytest.fixture
def thai_nguyen_facility(make_facility: FacilityMaker) -> Facility:
    """Recorded in 2018 in Bắc Kạn, which merged into Thái Nguyên on 01/07/2025."""
    return make_facility(
        "HTX Thành Ngân",
        province="Bắc Kạn",
        district="Na Rì",
        commune="Cường Lợi",
        on=datetime.date(2018, 6, 30),
        legal_form=LegalForm.COOPERATIVE,
    )


@pytest.fixture
def facility_rep(yen_bai_facility: Facility) -> User:
    return make_user("facility.rep", None, Role.FACILITY_REPRESENTATIVE, facility=yen_bai_facility)


def _scenario(name: str) -> None:
    from khuyencong.accounts.services import system_user
    from khuyencong.demo.loading import load_scenario, load_scenario_projects

    actor = system_user()
    load_scenario(name, actor=actor)
    load_scenario_projects(name, actor=actor)


@pytest.fixture
def bac_kan(db: None) -> None:
    """The Bắc Kạn 2018 scenario: its organisations, facilities, plans and đề án, built through the services."""
    _scenario("bac-kan-2018-h1.json")


@pytest.fixture
def yen_bai(db: None) -> None:
    """The Yên Bái 2022 scenario (Yên Bái is part of Lào Cai since 01/07/2025)."""
    _scenario("yen-bai-2022-h1.json")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium through Playwright (browsers cannot be downloaded here), one per test module."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        yield browser
        browser.close()


def browser_session(browser: Browser, live_server: object, username: str) -> Page:
    """A new browser context signed in through the login form, on the home page."""
    page = browser.new_context(locale="vi-VN").new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server}/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xin chào")
    return page


def chose_english(user: User) -> User:
    """The user reads the system in English (his account's choice, as the footer's switch records it)."""
    user.language = "en"
    user.save(update_fields=["language"])
    return user


def client_for(user: User) -> Client:
    """A test client signed in as `user` (without the login form, which the browser tests cover)."""
    client = Client()
    client.force_login(user)
    return client


# --- A local đề án's cast, shared by the đề án, plan and API tests --------------------------------------------------


@pytest.fixture
def cast(db: None) -> dict[str, User]:
    return {
        "centre": make_user("ttkc15", "TTKC-15", Role.OFFICER),
        "department": make_user("sct15", "SCT-15", Role.OFFICER, Role.APPRAISER),
        "committee": make_user("ubnd15", "UBND-15", Role.APPROVER),
        "cuc": make_user("cuc", "CUC-CTDP", Role.OFFICER, Role.APPRAISER, Role.APPROVER),
        "other_centre": make_user("ttkc19", "TTKC-19", Role.OFFICER),
        "other_department": make_user("sct19", "SCT-19", Role.OFFICER, Role.APPRAISER, Role.APPROVER),
    }


@pytest.fixture
def local_plan(cast: dict[str, User]) -> Plan:
    return plan_create(actor=cast["committee"], code="KCDP-15-2026", year=2026, funding_source="provincial",
                       owner=Organization.objects.get(code="UBND-15"))  # fmt: skip


@pytest.fixture
def national_plan(db: None) -> Plan:
    return Plan.objects.create(code="KCQG-2026", year=2026, funding_source="national",
                               owner=Organization.objects.get(code="CUC-CTDP"))  # fmt: skip


@pytest.fixture
def beneficiary(make_facility) -> Facility:
    return make_facility("HTX Chè Bảo Thắng", province="Lào Cai", commune="Bảo Thắng")
