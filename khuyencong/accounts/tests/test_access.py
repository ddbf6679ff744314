"""One module decides what each user may see and do, from their organisation's level and territory and their roles."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser

from conftest import make_user
from khuyencong.accounts import access
from khuyencong.accounts.access import Action
from khuyencong.accounts.models import Role, User
from khuyencong.facilities.models import Facility
from khuyencong.geography.models import AdminUnit, Era, Level

pytestmark = pytest.mark.django_db


def visible(user: User | AnonymousUser) -> set[str]:
    return set(access.facilities_in_scope(user, Facility.objects.all()).values_list("name", flat=True))


@pytest.fixture
def two_facilities(yen_bai_facility: Facility, thai_nguyen_facility: Facility) -> tuple[Facility, Facility]:
    return yen_bai_facility, thai_nguyen_facility


def test_a_provincial_officer_sees_the_history_of_the_provinces_merged_into_theirs(
    laocai_officer: User, two_facilities: tuple[Facility, Facility]
) -> None:
    # Yên Bái (2022) merged into Lào Cai; Bắc Kạn (2018) into Thái Nguyên.
    assert visible(laocai_officer) == {"Cơ sở sản xuất gỗ Yên Bái số 1"}


def test_a_representative_of_no_facility_sees_nothing_of_the_body_that_registered_them(
    two_facilities: tuple[Facility, Facility],
) -> None:
    # Given a representative's account whose facility was never set, created by Thái Nguyên's Sở
    nobody = make_user("rep.nofacility", "SCT-19", Role.FACILITY_REPRESENTATIVE)
    # Then it reads nothing (it fell back on the Sở's whole province), while an officer of the same Sở reads its
    # province
    assert access.scope_of(nobody).is_empty
    assert visible(nobody) == set()
    assert visible(make_user("sct19.officer", "SCT-19", Role.OFFICER)) == {"HTX Thành Ngân"}


def test_national_bodies_see_everything(cuc_officer: User, two_facilities: tuple[Facility, Facility]) -> None:
    assert visible(cuc_officer) == {f.name for f in two_facilities}


def test_a_national_centre_sees_the_provinces_of_its_region_today(
    centre1_officer: User, two_facilities: tuple[Facility, Facility], make_facility
) -> None:
    make_facility("Cơ sở ở Cần Thơ", province="Cần Thơ")
    assert visible(centre1_officer) == {f.name for f in two_facilities}


def test_a_facility_representative_sees_only_their_facility(
    facility_rep: User, two_facilities: tuple[Facility, Facility]
) -> None:
    assert visible(facility_rep) == {"Cơ sở sản xuất gỗ Yên Bái số 1"}
    assert access.can_on_facility(facility_rep, Action.VIEW, two_facilities[0])
    assert not access.can_on_facility(facility_rep, Action.CHANGE, two_facilities[0])


def test_anonymous_and_orphan_users_see_nothing(orphan_user: User, two_facilities: tuple[Facility, Facility]) -> None:
    assert visible(AnonymousUser()) == set()
    assert visible(orphan_user) == set()


def test_an_inactive_user_sees_nothing(laocai_officer: User, two_facilities: tuple[Facility, Facility]) -> None:
    laocai_officer.is_active = False
    laocai_officer.save()
    assert visible(laocai_officer) == set()


def test_the_sở_of_a_merged_province_works_under_todays_province(two_facilities: tuple[Facility, Facility]) -> None:
    from conftest import make_user
    from khuyencong.organizations.models import Organization

    old_yen_bai = AdminUnit.objects.get(era=Era.BEFORE_2025, level=Level.PROVINCE, code="15")
    Organization.objects.create(code="SCT-YB", name="Sở Công Thương tỉnh Yên Bái", kind="provincial_department",
                                territory=old_yen_bai, valid_until=datetime.date(2025, 6, 30))  # fmt: skip
    user = make_user("yb.officer", "SCT-YB", Role.VIEWER)
    assert visible(user) == {"Cơ sở sản xuất gỗ Yên Bái số 1"}


def test_a_commune_committee_sees_its_commune_and_may_register_there(make_facility) -> None:
    from conftest import make_user
    from khuyencong.organizations.models import Organization

    commune = AdminUnit.objects.get(era=Era.FROM_2025, level=Level.COMMUNE, name="Việt Hồng")
    Organization.objects.create(code="UBND-VH", name="UBND xã Việt Hồng", kind="commune_committee", territory=commune)
    user = make_user("vh.officer", "UBND-VH", Role.OFFICER)
    make_facility("Ở Việt Hồng", province="Lào Cai", commune="Việt Hồng")
    make_facility("Ở xã khác", province="Lào Cai", commune="Bảo Thắng")
    assert visible(user) == {"Ở Việt Hồng"}
    lao_cai = AdminUnit.objects.get(era=Era.FROM_2025, level=Level.PROVINCE, code="15")
    other = AdminUnit.objects.get(era=Era.FROM_2025, level=Level.COMMUNE, name="Bảo Thắng")
    assert access.can_create_facility_in(user, lao_cai, commune=commune)
    assert not access.can_create_facility_in(user, lao_cai, commune=other)
    assert not access.can_create_facility_in(user, lao_cai)


@pytest.mark.parametrize(
    ("role", "view", "export", "create", "change"),
    [
        (Role.VIEWER, True, True, False, False),
        (Role.OFFICER, True, True, True, True),
        (Role.APPRAISER, True, True, False, False),
        (Role.APPROVER, True, True, False, False),
        (Role.ADMINISTRATOR, True, True, True, True),
    ],
)
def test_roles_decide_the_actions_inside_the_territory(
    role: str, view: bool, export: bool, create: bool, change: bool, yen_bai_facility: Facility
) -> None:
    from conftest import make_user

    user = make_user(f"u-{role}", "SCT-15", role)
    assert access.can_on_facility(user, Action.VIEW, yen_bai_facility) is view
    assert access.can_on_facility(user, Action.EXPORT, yen_bai_facility) is export
    assert access.can_on_facility(user, Action.CHANGE, yen_bai_facility) is change
    assert access.may(user, Action.CREATE) is create


def test_no_role_reaches_outside_the_territory(thai_nguyen_facility: Facility) -> None:
    from conftest import make_user

    user = make_user("all-roles", "SCT-15", *Role.values)
    for action in Action:
        assert not access.can_on_facility(user, action, thai_nguyen_facility)
