"""A đề án's reach stays right whatever writes meet at once: a facility's groups changed while a đề án naming it is
created, two facilities of one đề án changed together, and an import that holds a đề án while a facility of it is
edited or moved (no deadlock). PostgreSQL only: SQLite serialises writers on its own."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction

from conftest import FacilityMaker, make_user
from khuyencong.accounts.models import Role, User
from khuyencong.facilities.models import Facility
from khuyencong.facilities.proposals import proposal_apply, proposal_create
from khuyencong.facilities.services import facility_update
from khuyencong.geography.resolver import resolve_place
from khuyencong.programs.models import Plan
from khuyencong.projects.models import Project
from khuyencong.projects.reach import check_reach
from khuyencong.projects.recorded import check_recorded_provinces
from khuyencong.projects.tests.test_reach import groups_of
from khuyencong.projects.tests.test_recorded_province import new_project

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not ON_POSTGRES, reason="row locks are tested on PostgreSQL"),
]
# How long the other thread may take to reach the lock it must wait on (connecting, under load).
REACH_THE_LOCK = 20.0


def until_another_waits_for_a_lock() -> None:
    """Returns once another session of this database waits for a lock — the overlap each test is about — and fails
    the test if none does in time (then the writes did not meet, and the test would prove nothing)."""
    deadline = time.monotonic() + REACH_THE_LOCK
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            # The activity view is a snapshot kept for the transaction: cleared before each look.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            row = cursor.fetchone()
            if row and row[0]:
                return
            time.sleep(0.05)
    pytest.fail("the other transaction never waited for a lock: the writes did not meet")


def meanwhile(work: Callable[[], object], outcome: dict[str, Any]) -> threading.Thread:
    """`work` in another thread (its own connection), its end time or its error in `outcome`."""

    def run() -> None:
        try:
            work()
            outcome["done"] = time.monotonic()
        except Exception as error:  # the test asserts there was none
            outcome["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def second_waits(first: Callable[[], None], second: Callable[[], None]) -> None:
    """`first` in a transaction held open while `second` starts in another; `second` must end without error, and
    only after `first` committed (it waited for a lock, not for nothing)."""
    outcome: dict[str, Any] = {}
    with transaction.atomic():
        first()
        thread = meanwhile(second, outcome)
        until_another_waits_for_a_lock()
        committed = time.monotonic()
    thread.join(timeout=30)
    assert "error" not in outcome
    assert outcome["done"] >= committed


def edit(facility: Facility, actor: User, **groups: object) -> None:
    facility_update(facility=Facility.objects.get(pk=facility.pk), actor=actor, data=groups_of(facility, **groups))


def test_two_facilities_of_one_đề_án_changed_at_once_both_count(
    national_plan: Plan, system_actor: User, make_facility: FacilityMaker
) -> None:
    # Given a group đề án of two facilities in no group
    first = make_facility("Cơ sở mây tre một", commune="Bảo Thắng")
    second = make_facility("Cơ sở mây tre hai", commune="Bảo Thắng")
    new_project(national_plan, system_actor, "TTKC1", [first, second], code="DA-CHUNG")
    # When one is found women-owned while the other is found ethnic-minority-owned at the same moment
    second_waits(
        lambda: edit(first, system_actor, women_owned=True),
        lambda: edit(second, system_actor, ethnic_minority_owned=True),
    )
    # Then the second waited for the first, and the đề án names both changes
    assert check_reach(Project.objects.all()) == []
    assert Project.objects.get(code="DA-CHUNG").reach_groups == 0b11


@pytest.mark.parametrize("first", ["create", "edit"])
def test_a_đề_án_created_while_its_facility_s_groups_change_names_the_new_groups(
    national_plan: Plan, system_actor: User, make_facility: FacilityMaker, first: str
) -> None:
    facility = make_facility("Cơ sở mộc chung", commune="Bảo Thắng")

    def create() -> None:
        new_project(national_plan, system_actor, "TTKC1", [facility], code="DA-MOI")

    def change() -> None:
        edit(facility, system_actor, women_owned=True)

    # When a đề án naming the facility is created while its groups change, in either order
    second_waits(*((create, change) if first == "create" else (change, create)))
    # Then the second waited for the first, and the đề án names the facility's groups as they are now
    assert check_reach(Project.objects.all()) == []
    assert Project.objects.get(code="DA-MOI").reach_groups == 1


def import_holding_its_đề_án_meanwhile(
    plan: Plan, actor: User, facility: Facility, held: Project, edit_meanwhile: Callable[[], object]
) -> None:
    """An import records a step on `held` (locking it), `edit_meanwhile` runs in another transaction, and the import
    then names the facility in a new đề án (its second lock comes after the edit started: not `second_waits`). Both
    must end without error, the edit only after the import committed."""
    outcome: dict[str, Any] = {}
    with transaction.atomic():
        Project.objects.select_for_update(of=("self",)).get(pk=held.pk)
        thread = meanwhile(edit_meanwhile, outcome)
        until_another_waits_for_a_lock()
        new_project(plan, actor, "TTKC1", [facility], code="DA-MOI")
        committed = time.monotonic()
    thread.join(timeout=30)
    assert "error" not in outcome
    assert outcome["done"] >= committed


def test_an_import_holding_a_đề_án_and_an_edit_of_its_facility_do_not_deadlock(
    national_plan: Plan, system_actor: User, make_facility: FacilityMaker
) -> None:
    # Given a đề án of a facility
    facility = make_facility("Cơ sở gốm chung", commune="Bảo Thắng")
    held = new_project(national_plan, system_actor, "TTKC1", [facility], code="DA-CU")
    # When an import holding it meets an edit of the facility's groups, neither fails (the edit waits)
    import_holding_its_đề_án_meanwhile(
        national_plan, system_actor, facility, held, lambda: edit(facility, system_actor, women_owned=True)
    )
    # Then both đề án name the facility's new groups
    assert check_reach(Project.objects.all()) == []
    assert set(Project.objects.values_list("reach_groups", flat=True)) == {1}


def test_an_import_holding_a_đề_án_and_a_move_of_its_facility_do_not_deadlock(
    national_plan: Plan, system_actor: User, make_facility: FacilityMaker
) -> None:
    # Given a đề án of a facility in Lào Cai
    facility = make_facility("Cơ sở mộc chung", commune="Bảo Thắng")
    held = new_project(national_plan, system_actor, "TTKC1", [facility], code="DA-CU")
    before = Project.objects.get(pk=held.pk).recorded_province_id
    moved = groups_of(facility)
    moved.place = resolve_place(province="Sơn La")

    def move() -> None:
        facility_update(facility=Facility.objects.get(pk=facility.pk), actor=system_actor, data=moved)

    # When an import holding it meets a move of the facility to Sơn La (its đề án's province as recorded is
    # recomputed, under their locks), neither fails (the move waits)
    import_holding_its_đề_án_meanwhile(national_plan, system_actor, facility, held, move)
    # Then the facility is in Sơn La, and both đề án stand where the rule puts them: the old one moved with it
    assert Facility.objects.get(pk=facility.pk).province == moved.place.province
    assert Project.objects.get(pk=held.pk).recorded_province_id != before
    assert check_recorded_provinces(Project.objects.all()) == []


def test_a_proposal_applied_while_an_import_holds_a_đề_án_of_its_facility_does_not_deadlock(
    national_plan: Plan, system_actor: User, make_facility: FacilityMaker
) -> None:
    # Given a representative's proposal that its facility is women-owned, and a đề án of the facility
    facility = make_facility("Cơ sở dệt chung", commune="Bảo Thắng")
    held = new_project(national_plan, system_actor, "TTKC1", [facility], code="DA-CU")
    representative = make_user("dai.dien", None, Role.FACILITY_REPRESENTATIVE, facility=facility)
    proposal = proposal_create(
        actor=representative, facility=facility, values={"women_owned": True}, reason="Chủ cơ sở là phụ nữ."
    )
    # When an import holding the đề án meets the Sở applying the proposal, neither fails (the applying waits)
    import_holding_its_đề_án_meanwhile(
        national_plan, system_actor, facility, held, lambda: proposal_apply(actor=system_actor, proposal=proposal)
    )
    # Then both đề án name the facility's new group
    assert check_reach(Project.objects.all()) == []
    assert set(Project.objects.values_list("reach_groups", flat=True)) == {1}
