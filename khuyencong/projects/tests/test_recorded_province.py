"""A đề án counts "as recorded" under the province of its own date (issue 13, item 1): the date of its earliest
standing step, else 1 January of its plan's year; on that date, its local implementer's territory, else where its
beneficiaries lay. Today's Sơn La is not pre-reform Sơn La, though they bear one name; every write that can move the
date or the places recomputes it, and `kc_rebuild --check` verifies it."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from conftest import FacilityMaker, make_user
from khuyencong.accounts.models import Role, User
from khuyencong.facilities.models import Facility, LegalForm
from khuyencong.facilities.services import FacilityData, facility_update
from khuyencong.geography.models import AdminUnit, Era, Level
from khuyencong.geography.resolver import resolve_place
from khuyencong.organizations.models import Organization
from khuyencong.organizations.services import organization_territories_fill, organization_territory_add
from khuyencong.programs.models import Plan
from khuyencong.programs.services import plan_create
from khuyencong.projects.models import Project, ProjectContent
from khuyencong.projects.services import (
    project_correct_event,
    project_create,
    project_record_event,
    project_submit,
    project_void_event,
)
from khuyencong.reports.scope import Geography, resolve_scope

pytestmark = pytest.mark.django_db

D = datetime.date
M = Decimal


def province(era: str, code: str) -> AdminUnit:
    return AdminUnit.objects.get(era=era, level=Level.PROVINCE, code=code)


def old(code: str) -> AdminUnit:
    return province(Era.BEFORE_2025, code)


def new(code: str) -> AdminUnit:
    return province(Era.FROM_2025, code)


SON_LA, YEN_BAI, OLD_LAO_CAI, LAO_CAI = "14", "15", "10", "15"


@pytest.fixture
def son_la(db: None) -> dict[str, User]:
    """Today's Sơn La bodies (Sơn La kept its name and its borders in the 2025 reform)."""
    return {
        "centre": make_user("ttkc14", "TTKC-14", Role.OFFICER),
        "department": make_user("sct14", "SCT-14", Role.OFFICER, Role.APPRAISER),
        "committee": make_user("ubnd14", "UBND-14", Role.APPROVER),
    }


@pytest.fixture
def administrator(db: None) -> User:
    return make_user("cuc.quantri", "CUC-CTDP", Role.ADMINISTRATOR)


def local_plan(committee: User, province_code: str, year: int) -> Plan:
    return plan_create(actor=committee, code=f"KCDP-{province_code}-{year}", year=year, funding_source="provincial",
                       owner=Organization.objects.get(code=f"UBND-{province_code}"))  # fmt: skip


def national_plan(year: int) -> Plan:
    return Plan.objects.create(code=f"KCQG-{year}", year=year, funding_source="national",
                               owner=Organization.objects.get(code="CUC-CTDP"))  # fmt: skip


def new_project(
    plan: Plan, actor: User, implementer: str, beneficiaries: Sequence[Facility] = (), code: str = "DA-1"
) -> Project:
    return project_create(
        actor=actor, code=code, title="Hỗ trợ ứng dụng máy móc", plan=plan,
        content=ProjectContent.objects.get(code="machinery_application"),
        kind="facility" if len(beneficiaries) == 1 else ("group" if beneficiaries else "general"),
        implementer=Organization.objects.get(code=implementer), beneficiaries=beneficiaries,
        total_cost=M(400_000_000), support_requested=M(200_000_000),
    )  # fmt: skip


def recorded(project: Project) -> AdminUnit | None:
    project.refresh_from_db()
    return project.recorded_province


def in_report(project: Project, name: str, geography: Geography, on: datetime.date) -> bool:
    scope = resolve_scope(provinces=[name], geography=geography, on=on)
    return scope.projects(Project.objects.filter(pk=project.pk)).exists()


# --- A province the reform left unchanged ----------------------------------------------------------------------------


def test_a_2024_đề_án_of_today_s_son_la_centre_counts_under_pre_reform_son_la_as_recorded(
    son_la: dict[str, User], frozen_clock: None
) -> None:
    # Given a đề án of Sơn La's 2024 plan, implemented by today's Sơn La centre (TTKC-14), submitted in 2024
    project = new_project(local_plan(son_la["committee"], SON_LA, 2024), son_la["centre"], "TTKC-14")
    project_submit(project=project, actor=son_la["centre"], on=D(2024, 3, 1), amount=M(200_000_000))
    # Then as recorded it is pre-reform Sơn La's, as current today's Sơn La's: two units of one name
    assert recorded(project) == old(SON_LA)
    assert project.province == new(SON_LA)
    assert in_report(project, "Sơn La", Geography.RECORDED, D(2024, 12, 31))
    assert in_report(project, "Sơn La", Geography.CURRENT, D(2024, 12, 31))


def test_a_đề_án_spanning_the_reform_is_recorded_under_the_province_of_its_registration(
    son_la: dict[str, User], frozen_clock: None
) -> None:
    # Given a đề án of 2025 registered and appraised before 01/07/2025, approved and carried on after it
    project = new_project(local_plan(son_la["committee"], SON_LA, 2025), son_la["centre"], "TTKC-14")
    project_submit(project=project, actor=son_la["centre"], on=D(2025, 5, 10), amount=M(200_000_000))
    project_record_event(project=project, actor=son_la["department"], action="appraisal_passed", on=D(2025, 5, 20),
                         amount=M(150_000_000))  # fmt: skip
    project_record_event(project=project, actor=son_la["committee"], action="approved", on=D(2025, 7, 15),
                         amount=M(150_000_000), document="QĐ 12/QĐ-UBND")  # fmt: skip
    project_record_event(project=project, actor=son_la["department"], action="assigned", on=D(2025, 7, 20))
    project_record_event(project=project, actor=son_la["centre"], action="contract_signed", on=D(2025, 8, 1),
                         amount=M(150_000_000))  # fmt: skip
    # Then its date is its registration: as recorded it is pre-reform Sơn La's, as current today's
    assert recorded(project) == old(SON_LA)
    assert project.province == new(SON_LA)
    assert in_report(project, "Sơn La", Geography.RECORDED, D(2025, 6, 30))
    assert in_report(project, "Sơn La", Geography.CURRENT, D(2025, 12, 31))


# --- A merged province (Lào Cai = Yên Bái + Lào Cai) -----------------------------------------------------------------


def test_a_pre_reform_đề_án_of_a_merged_province_s_body_is_placed_by_its_beneficiary(
    cast: dict[str, User], yen_bai_facility: Facility, frozen_clock: None
) -> None:
    # Given today's Lào Cai centre implementing a 2024 đề án for a facility recorded in Yên Bái in 2022
    project = new_project(local_plan(cast["committee"], LAO_CAI, 2024), cast["centre"], "TTKC-15", [yen_bai_facility])
    project_submit(project=project, actor=cast["centre"], on=D(2024, 3, 1), amount=M(200_000_000))
    # Then the centre's territory in 2024 is unknown (two old provinces), and the facility places it in Yên Bái
    assert recorded(project) == old(YEN_BAI)
    assert project.province == new(LAO_CAI)
    assert in_report(project, "Yên Bái", Geography.RECORDED, D(2024, 12, 31))
    assert in_report(project, "Lào Cai", Geography.CURRENT, D(2024, 12, 31))
    assert not in_report(project, "Lào Cai", Geography.RECORDED, D(2024, 12, 31))


def test_a_merged_province_s_body_is_placed_once_an_administrator_says_which_old_province_it_served(
    cast: dict[str, User], administrator: User, frozen_clock: None
) -> None:
    # Given a 2024 đề án without beneficiaries of today's Lào Cai centre: nothing says where it was
    project = new_project(local_plan(cast["committee"], LAO_CAI, 2024), cast["centre"], "TTKC-15")
    project_submit(project=project, actor=cast["centre"], on=D(2024, 3, 1), amount=M(200_000_000))
    assert recorded(project) is None
    # When the administrator records that the centre served pre-reform Lào Cai until 30/06/2025
    organization_territory_add(actor=administrator, organization=Organization.objects.get(code="TTKC-15"),
                               territory=old(OLD_LAO_CAI), valid_from=None, valid_until=D(2025, 6, 30),
                               reason="Trung tâm của tỉnh Lào Cai cũ")  # fmt: skip
    # Then the đề án is recorded under pre-reform Lào Cai, in the same transaction
    assert recorded(project) == old(OLD_LAO_CAI)


def test_a_pre_reform_body_places_its_đề_án_in_its_old_province(system_actor: User, frozen_clock: None) -> None:
    # Given the Yên Bái centre, dissolved by the reform (its territory pre-reform Yên Bái)
    body = Organization.objects.create(
        code="TTKC-YB", name="Trung tâm Khuyến công tỉnh Yên Bái", kind="provincial_centre", territory=old(YEN_BAI),
        valid_until=D(2025, 6, 30),
    )  # fmt: skip
    organization_territories_fill(body)
    # When it implements a đề án of 2022
    project = new_project(national_plan(2022), system_actor, "TTKC-YB")
    # Then it is Yên Bái's as recorded, Lào Cai's as current
    assert recorded(project) == old(YEN_BAI)
    assert project.province == new(LAO_CAI)


# --- Beneficiaries recorded after the reform -------------------------------------------------------------------------


@pytest.fixture
def viet_hong(make_facility: FacilityMaker) -> Facility:
    """Recorded in 2025-08 in today's commune Việt Hồng (Lào Cai), which was Việt Hồng of Yên Bái before."""
    return make_facility("Cơ sở mây tre Việt Hồng", province="Lào Cai", commune="Việt Hồng", on=D(2025, 8, 1))


def test_a_beneficiary_recorded_with_a_post_reform_address_is_placed_where_it_was_then(
    viet_hong: Facility, system_actor: User, frozen_clock: None
) -> None:
    # Given đề án of 2024 (before the reform) for a facility recorded with its address of today
    plan = national_plan(2024)
    by_national_centre = new_project(plan, system_actor, "TTKC1", [viet_hong], code="DA-QG")
    by_today_s_centre = new_project(plan, system_actor, "TTKC-15", [viet_hong], code="DA-LC")
    by_another_province = new_project(plan, system_actor, "TTKC-19", [viet_hong], code="DA-TN")
    # Then a national centre's and today's Lào Cai centre's đề án count under Yên Bái, where the facility was
    assert recorded(by_national_centre) == old(YEN_BAI)
    assert recorded(by_today_s_centre) == old(YEN_BAI)
    # And a Thái Nguyên body's is not placed in Yên Bái, which was never part of Thái Nguyên
    assert recorded(by_another_province) is None
    # While a đề án of 2026 for the same facility counts under today's Lào Cai
    later = new_project(national_plan(2026), system_actor, "TTKC1", [viet_hong], code="DA-2026")
    assert recorded(later) == new(LAO_CAI)


def test_a_beneficiary_s_corrected_place_moves_its_đề_án(
    viet_hong: Facility, system_actor: User, frozen_clock: None
) -> None:
    # Given a 2024 đề án of a national centre for the Việt Hồng facility (Yên Bái then)
    project = new_project(national_plan(2024), system_actor, "TTKC1", [viet_hong])
    assert recorded(project) == old(YEN_BAI)
    # When the facility's place is corrected to Bảo Thắng, which lay in pre-reform Lào Cai
    place = resolve_place(province="Lào Cai", commune="Bảo Thắng", on=D(2025, 8, 1))
    data = FacilityData(name=viet_hong.name, legal_form=LegalForm.HOUSEHOLD_BUSINESS, place=place)
    facility_update(facility=viet_hong, actor=system_actor, data=data)
    # Then the đề án counts under pre-reform Lào Cai
    assert recorded(project) == old(OLD_LAO_CAI)


# --- History arriving late -------------------------------------------------------------------------------------------


def test_history_arriving_late_moves_the_date_across_the_reform_and_the_province_with_it(
    son_la: dict[str, User], frozen_clock: None
) -> None:
    # Given a đề án of Sơn La's 2026 plan, entered without its history: placed on 01/01/2026, today's Sơn La
    project = new_project(local_plan(son_la["committee"], SON_LA, 2026), son_la["centre"], "TTKC-14")
    assert recorded(project) == new(SON_LA)
    # When its registration of 20/06/2025 arrives (history entered after the fact)
    registered = project_record_event(project=project, actor=son_la["centre"], action="registered",
                                      on=D(2025, 6, 20), organization=Organization.objects.get(code="TTKC-14"),
                                      transcribed=True)  # fmt: skip
    # Then its date is before the reform: pre-reform Sơn La as recorded
    assert recorded(project) == old(SON_LA)
    # When the registration's date is corrected to 02/07/2025, then it is today's Sơn La again
    corrected = project_correct_event(project=project, event=registered, actor=son_la["centre"],
                                      reason="Sai ngày đăng ký", on=D(2025, 7, 2))  # fmt: skip
    assert recorded(project) == new(SON_LA)
    # When the registration is voided, then the plan's year places it: today's Sơn La
    project_void_event(project=project, event=corrected, actor=son_la["centre"], reason="Nhập nhầm đề án")
    assert recorded(project) == new(SON_LA)


# --- Rebuild and check -----------------------------------------------------------------------------------------------


def test_kc_rebuild_check_finds_a_wrong_recorded_province_and_kc_rebuild_mends_it(
    son_la: dict[str, User], frozen_clock: None
) -> None:
    # Given a 2024 Sơn La đề án whose province as recorded was stored by the old rule (today's unit)
    project = new_project(local_plan(son_la["committee"], SON_LA, 2024), son_la["centre"], "TTKC-14")
    Project.objects.filter(pk=project.pk).update(recorded_province=new(SON_LA))
    # When the derived data are checked, then the difference is named and the command fails
    errors = StringIO()
    with pytest.raises(CommandError):
        call_command("kc_rebuild", "--check", stdout=StringIO(), stderr=errors)
    assert "DA-1" in errors.getvalue()
    assert "Tỉnh Sơn La" in errors.getvalue()
    # When rebuilt, then it is right, and the check passes
    call_command("kc_rebuild", stdout=StringIO())
    assert recorded(project) == old(SON_LA)
    call_command("kc_rebuild", "--check", stdout=StringIO())
