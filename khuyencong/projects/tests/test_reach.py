"""Each đề án keeps its beneficiaries as the reports count them (`Project.reach`, `Project.reach_groups`): written
when the đề án is created, rewritten when a beneficiary's priority groups change, recomputed by `kc_rebuild` and
compared by `kc_rebuild --check` — and the reports' priority groups follow a facility's groups as recorded today."""

from __future__ import annotations

import datetime
import importlib
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from conftest import FacilityMaker
from khuyencong.accounts.models import User
from khuyencong.facilities.models import Facility, LegalForm
from khuyencong.facilities.priority import PRIORITY_FIELDS, PRIORITY_GROUPS
from khuyencong.facilities.services import FacilityData, facility_update
from khuyencong.geography.resolver import resolve_place
from khuyencong.programs.models import Plan
from khuyencong.projects.models import Project
from khuyencong.projects.reach import check_reach, derived_reach, refresh_reach
from khuyencong.projects.services import project_approve, project_record_event, project_submit
from khuyencong.projects.tests.test_recorded_province import new_project
from khuyencong.projects.tests.test_services import new_project as new_services_project
from khuyencong.projects.workflow import Action
from khuyencong.reports.figures import breakdown

D = datetime.date
M = Decimal
WOMEN, ETHNIC, DISADVANTAGED, CRAFT_VILLAGE, ARTISAN = (1 << i for i in range(len(PRIORITY_GROUPS)))


class TestDerivedReach:
    """No database: the text is a function of the beneficiaries alone."""

    def test_each_beneficiary_is_a_token_in_key_order_with_its_groups_when_it_has_any(self) -> None:
        assert derived_reach([(42, WOMEN | DISADVANTAGED), (17, 0), (5, ARTISAN)]) == ("5:16,17,42:5", 21)

    def test_no_beneficiary_is_an_empty_reach(self) -> None:
        assert derived_reach([]) == ("", 0)

    def test_the_groups_read_the_facility_s_own_fields(self) -> None:
        fields = {"women_owned", "ethnic_minority_owned", "disadvantaged_area", "craft_village", "legal_form"}
        assert fields == PRIORITY_FIELDS


def reach(project: Project) -> tuple[str, int]:
    project.refresh_from_db()
    return project.reach, project.reach_groups


def groups_of(facility: Facility, **changes: object) -> FacilityData:
    place = resolve_place(province="Lào Cai", commune=facility.commune.name if facility.commune else None)
    fields = {name: getattr(facility, name) for name in PRIORITY_FIELDS}
    return FacilityData(name=facility.name, place=place, **{**fields, **changes})


@pytest.fixture
def women_owned(make_facility: FacilityMaker) -> Facility:
    return make_facility("HTX Chè Phụ nữ Bảo Thắng", commune="Bảo Thắng", women_owned=True)


@pytest.fixture
def plain(make_facility: FacilityMaker) -> Facility:
    return make_facility("Cơ sở mộc Bảo Thắng", commune="Bảo Thắng")


def test_a_new_đề_án_names_its_beneficiaries_and_their_groups(
    national_plan: Plan, women_owned: Facility, plain: Facility, system_actor: User, frozen_clock: None
) -> None:
    # When a group đề án is created for a women-owned facility and another in no group
    project = new_project(national_plan, system_actor, "TTKC1", [plain, women_owned], code="DA-NHOM")
    # Then its reach lists both by key, the first with its group, and says which groups it serves
    expected = sorted([(plain.pk, str(plain.pk)), (women_owned.pk, f"{women_owned.pk}:{WOMEN}")])
    assert reach(project) == (",".join(token for _pk, token in expected), WOMEN)
    # And a đề án without beneficiaries has none
    assert reach(new_project(national_plan, system_actor, "TTKC1", [], code="DA-CHUNG")) == ("", 0)


def test_a_facility_s_new_groups_are_counted_in_every_đề_án_that_serves_it(
    national_plan: Plan, women_owned: Facility, plain: Facility, system_actor: User, frozen_clock: None
) -> None:
    # Given two đề án for the plain facility, one also for the women-owned one
    first = new_project(national_plan, system_actor, "TTKC1", [plain], code="DA-1")
    second = new_project(national_plan, system_actor, "TTKC1", [plain, women_owned], code="DA-2")
    # When the plain facility is found to be in a craft village and owned by ethnic-minority people
    village = groups_of(plain, craft_village="Làng nghề mộc Bảo Thắng", ethnic_minority_owned=True)
    facility_update(facility=plain, actor=system_actor, data=village)
    # Then both đề án name its new groups
    assert reach(first) == (f"{plain.pk}:{ETHNIC | CRAFT_VILLAGE}", ETHNIC | CRAFT_VILLAGE)
    assert reach(second)[1] == WOMEN | ETHNIC | CRAFT_VILLAGE
    assert check_reach(Project.objects.all()) == []
    # And when it leaves every group again, they name none of its
    facility_update(facility=plain, actor=system_actor,
                    data=groups_of(plain, craft_village="", ethnic_minority_owned=False))  # fmt: skip
    assert reach(first) == (str(plain.pk), 0)
    assert reach(second)[1] == WOMEN


def test_a_change_outside_the_groups_rewrites_no_đề_án(
    national_plan: Plan, plain: Facility, system_actor: User, frozen_clock: None
) -> None:
    # Given a đề án for the plain facility, whose reach is then altered behind the services' back
    project = new_project(national_plan, system_actor, "TTKC1", [plain], code="DA-1")
    Project.objects.filter(pk=project.pk).update(reach="stale")
    # When only the facility's address changes
    data = groups_of(plain)
    data.address = "Thôn 3"
    facility_update(facility=plain, actor=system_actor, data=data)
    # Then its đề án were not recomputed (the groups did not change)
    assert reach(project)[0] == "stale"


def test_the_report_counts_a_facility_in_the_groups_it_is_in_today(
    national_plan: Plan, cast: dict[str, User], beneficiary: Facility, system_actor: User, frozen_clock: None
) -> None:
    # Given a national đề án for a facility in no priority group, approved in March
    project = new_services_project(national_plan, cast["centre"], beneficiary)
    project_submit(project=project, actor=cast["centre"], on=D(2026, 2, 1))
    project_record_event(project=project, actor=cast["department"], action=Action.APPRAISAL_PASSED,
                         on=D(2026, 2, 2), amount=M(300_000_000))  # fmt: skip
    project_record_event(project=project, actor=cast["department"], action=Action.FORWARDED, on=D(2026, 2, 3))
    project_approve(project=project, actor=cast["cuc"], on=D(2026, 3, 1), amount=M(300_000_000))

    def artisans() -> tuple[int, int, int]:
        groups = breakdown(Project.objects.all(), D(2026, 11, 27))["priority_groups"]
        row = next(g for g in groups if g["group"] == "artisan")
        return row["projects"], row["facilities"], row["facility_times"]

    assert artisans() == (0, 0, 0)
    # When the facility is recorded as an artisan
    facility_update(facility=beneficiary, actor=system_actor,
                    data=groups_of(beneficiary, legal_form=LegalForm.ARTISAN))  # fmt: skip
    # Then the đề án and its facility count among the artisans' (its groups are as recorded today)
    assert artisans() == (1, 1, 1)


def test_kc_rebuild_finds_and_mends_a_reach_left_behind(
    national_plan: Plan, women_owned: Facility, system_actor: User, frozen_clock: None
) -> None:
    # Given a đề án whose reach a bulk load left empty
    project = new_project(national_plan, system_actor, "TTKC1", [women_owned], code="DA-1")
    Project.objects.filter(pk=project.pk).update(reach="", reach_groups=0)
    # When the derived data are checked, the đề án is named with what is stored and what it should be
    with pytest.raises(CommandError):
        call_command("kc_rebuild", "--check", stderr=(err := StringIO()), stdout=StringIO())
    assert f"DA-1: cơ sở thụ hưởng đã lưu cho báo cáo là «|0», tính lại là «{women_owned.pk}:{WOMEN}|{WOMEN}»" in (
        err.getvalue()
    )
    # And a rebuild mends it, after which the check passes
    call_command("kc_rebuild", stdout=(out := StringIO()))
    assert "1 đề án đổi cơ sở thụ hưởng tính cho báo cáo" in out.getvalue()
    assert reach(project) == (f"{women_owned.pk}:{WOMEN}", WOMEN)
    call_command("kc_rebuild", "--check", stdout=StringIO())
    # And a refresh with nothing to mend writes nothing
    assert refresh_reach(Project.objects.all()) == 0


def test_the_migration_fills_the_reach_of_đề_án_recorded_before_it(
    national_plan: Plan, women_owned: Facility, plain: Facility, system_actor: User, frozen_clock: None
) -> None:
    # Given đề án recorded before the reach was kept (as the column's default leaves them)
    new_project(national_plan, system_actor, "TTKC1", [women_owned, plain], code="DA-1")
    new_project(national_plan, system_actor, "TTKC1", [], code="DA-2")
    Project.objects.update(reach="", reach_groups=0)
    # When the migration's step runs, on the models as they stood then
    migration = importlib.import_module("khuyencong.projects.migrations.0018_fill_reach")
    then = MigrationLoader(connection).project_state(("projects", "0018_fill_reach")).apps
    migration.fill_reach(then, None)
    # Then every đề án's reach is what its beneficiaries give
    assert check_reach(Project.objects.all()) == []
    assert Project.objects.get(code="DA-1").reach_groups == WOMEN


def test_another_province_s_edit_of_the_groups_is_refused_and_rewrites_nothing(
    national_plan: Plan, plain: Facility, system_actor: User, cast: dict[str, User], frozen_clock: None
) -> None:
    # Given a đề án for a Lào Cai facility in no group
    project = new_project(national_plan, system_actor, "TTKC1", [plain], code="DA-1")
    # When another province's department tries to record the facility as women-owned
    with pytest.raises(PermissionDenied):
        facility_update(facility=plain, actor=cast["other_department"], data=groups_of(plain, women_owned=True))
    # Then neither the facility nor its đề án's reach changed
    plain.refresh_from_db()
    assert not plain.women_owned
    assert reach(project) == (str(plain.pk), 0)
