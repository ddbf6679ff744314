from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from khuyencong.geography.models import AdminUnit, Era, Level
from khuyencong.organizations.models import Organization, OrganizationKind, OrganizationLevel, Region

pytestmark = pytest.mark.django_db


def test_the_kc_system_is_seeded_for_real() -> None:
    assert Organization.objects.get(code="BCT").kind == OrganizationKind.MINISTRY
    assert Organization.objects.get(code="CUC-CTDP").level == OrganizationLevel.NATIONAL
    for code in ["TTKC1", "TTKC2", "TTKC3"]:
        assert Organization.objects.get(code=code).level == OrganizationLevel.REGION
    for kind in ["provincial_department", "provincial_centre", "provincial_committee"]:
        assert Organization.objects.filter(kind=kind).count() == 34
    assert Organization.objects.get(code="SCT-15").name == "Sở Công Thương tỉnh Lào Cai"
    assert Organization.objects.get(code="UBND-01").name == "Ủy ban nhân dân thành phố Hà Nội"


def test_each_region_is_served_by_a_national_centre() -> None:
    assert {r.code: r.centre.code for r in Region.objects.all() if r.centre} == {
        "north": "TTKC1",
        "central": "TTKC2",
        "south": "TTKC3",
    }


def test_region_membership_is_dated() -> None:
    south = Region.objects.get(code="south")
    central = Region.objects.get(code="central")
    binh_thuan = AdminUnit.objects.get(era=Era.BEFORE_2025, level=Level.PROVINCE, code="60")
    lam_dong = AdminUnit.objects.get(era=Era.FROM_2025, level=Level.PROVINCE, code="68")
    in_2022, in_2026 = datetime.date(2022, 9, 30), datetime.date(2026, 1, 1)
    assert binh_thuan in south.provinces_on(in_2022)
    assert south.provinces_on(in_2022).count() == 20
    assert lam_dong in central.provinces_on(in_2026)
    assert south.provinces_on(in_2026).count() == 8
    assert sum(r.provinces_on(in_2026).count() for r in Region.objects.all()) == 34
    assert sum(r.provinces_on(in_2022).count() for r in Region.objects.all()) == 63


def test_a_provincial_body_needs_a_province_as_territory() -> None:
    commune = AdminUnit.objects.filter(era=Era.FROM_2025, level=Level.COMMUNE).first()
    org = Organization(code="X", name="X", kind=OrganizationKind.PROVINCIAL_DEPARTMENT, territory=commune)
    with pytest.raises(ValidationError, match="Địa bàn phải là đơn vị"):
        org.full_clean()
    org.territory = None
    with pytest.raises(ValidationError, match="phải có địa bàn"):
        org.full_clean()


def test_a_national_centre_needs_a_region() -> None:
    with pytest.raises(ValidationError, match="gắn với một vùng"):
        Organization(code="Y", name="Y", kind=OrganizationKind.NATIONAL_CENTRE).full_clean()
