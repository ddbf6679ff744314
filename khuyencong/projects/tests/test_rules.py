"""Each legal rule refuses or warns with its citation, the value and the limit, by the rules of the act's date."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from conftest import make_user
from khuyencong.accounts.models import Role, User
from khuyencong.facilities.models import Facility
from khuyencong.organizations.models import Organization
from khuyencong.programs.models import Plan
from khuyencong.projects import rules
from khuyencong.projects.models import Project, ProjectContent, SupportCap
from khuyencong.projects.services import payment_record, project_create, project_record_event

pytestmark = pytest.mark.django_db

D, M = datetime.date, Decimal


@pytest.fixture
def root(db: None) -> User:
    return User.objects.create_superuser("root", None, None, organization=Organization.objects.get(code="CUC-CTDP"))


def plan(year: int, source: str = "national") -> Plan:
    owner = "CUC-CTDP" if source == "national" else "UBND-15"
    return Plan.objects.get_or_create(code=f"P-{source}-{year}", year=year, funding_source=source,
                                      owner=Organization.objects.get(code=owner))[0]  # fmt: skip


def project(root: User, facilities: list[Facility], *, year: int = 2026, content: str = "machinery_application",
            total: int | None = 600_000_000, code: str = "R-1", source: str = "national") -> Project:  # fmt: skip
    return project_create(
        actor=root, code=code, title="Thử quy tắc", plan=plan(year, source),
        content=ProjectContent.objects.get(code=content), kind="facility" if len(facilities) == 1 else "group",
        implementer=Organization.objects.get(code="TTKC-15"), beneficiaries=facilities,
        total_cost=M(total) if total else None,
    )  # fmt: skip


@pytest.fixture
def facility(make_facility) -> Facility:
    return make_facility("HTX Chè", province="Lào Cai", commune="Bảo Thắng", legal_form="cooperative")


def test_machinery_support_is_capped_at_300_million_per_facility(root, facility) -> None:
    p = project(root, [facility], total=800_000_000)
    findings = rules.support_cap_findings(p, M(350_000_000), D(2026, 3, 1))
    assert [f.rule for f in findings] == ["support_cap_amount"]
    assert findings[0].citation == "Thông tư 28/2018/TT-BTC Điều 8 khoản 4"
    assert (findings[0].value, findings[0].limit) == (M(350_000_000), M(300_000_000))
    assert "vượt mức tối đa 300.000.000 đồng" in findings[0].message


def test_machinery_support_is_capped_at_half_the_cost(root, facility) -> None:
    p = project(root, [facility], total=500_000_000)
    findings = rules.support_cap_findings(p, M(300_000_000), D(2026, 3, 1))
    assert [(f.rule, f.value, f.limit) for f in findings] == [("support_cap_percent", M("60.0"), M(50))]
    # the rates as people write them: 60 and 50, not 60.0 and 50.00
    assert "bằng 60% tổng chi phí, vượt tỷ lệ tối đa 50%" in findings[0].message


def test_a_group_đề_án_is_capped_per_facility(root, make_facility) -> None:
    group = [make_facility(f"Cơ sở {i}", province="Lào Cai", commune="Bảo Thắng") for i in range(4)]
    p = project(root, group, total=2_400_000_000)
    assert rules.support_cap_findings(p, M(1_100_000_000), D(2026, 3, 1)) == []
    assert rules.support_cap_findings(p, M(1_300_000_000), D(2026, 3, 1))[0].limit == M(1_200_000_000)


def test_old_đề_án_are_judged_by_the_caps_of_their_date(root, facility) -> None:
    p = project(root, [facility], year=2017, total=600_000_000)
    findings = rules.support_cap_findings(p, M(250_000_000), D(2017, 5, 1))
    assert findings[0].citation == "Thông tư liên tịch 26/2014/TTLT-BTC-BCT Điều 8"
    assert findings[0].limit == M(200_000_000)
    assert rules.support_cap_findings(p, M(250_000_000), D(2018, 6, 1)) == []


def test_a_demonstration_model_is_capped_per_model(root, facility) -> None:
    p = project(root, [facility], content="demonstration_model", total=4_000_000_000)
    assert rules.support_cap_findings(p, M(1_000_000_000), D(2026, 1, 1)) == []
    assert rules.support_cap_findings(p, M(1_100_000_000), D(2026, 1, 1))[0].limit == M(1_000_000_000)


def test_a_province_sets_its_own_caps_for_its_own_funds(root, facility) -> None:
    from khuyencong.geography.models import AdminUnit, Era, Level

    lao_cai = AdminUnit.objects.get(era=Era.FROM_2025, level=Level.PROVINCE, code="15")
    SupportCap.objects.create(
        content=ProjectContent.objects.get(code="machinery_application"),
        funding_source="provincial",
        province=lao_cai,
        max_amount=M(150_000_000),
        legal_basis="Nghị quyết HĐND tỉnh Lào Cai",
    )
    p = project(root, [facility], source="provincial", total=None)
    findings = rules.support_cap_findings(p, M(200_000_000), D(2026, 3, 1))
    assert findings[0].citation == "Nghị quyết HĐND tỉnh Lào Cai"
    assert findings[0].limit == M(150_000_000)


def test_without_a_total_cost_the_percentage_is_a_warning(root, facility) -> None:
    p = project(root, [facility], total=None)
    assert [(f.rule, f.severity) for f in rules.support_cap_findings(p, M(100_000_000), D(2026, 3, 1))] == [
        ("support_cap_percent_unknown", "warning")
    ]
    assert "tỷ lệ hỗ trợ tối đa 50%" in rules.support_cap_findings(p, M(100_000_000), D(2026, 3, 1))[0].message


def test_approval_over_the_cap_is_refused_with_the_citation(root, facility) -> None:
    p = project(root, [facility], total=1_000_000_000)
    project_record_event(project=p, actor=root, action="submitted_for_appraisal", on=D(2026, 1, 10))
    with pytest.raises(ValidationError) as refused:
        project_record_event(project=p, actor=root, action="appraisal_passed", on=D(2026, 1, 20), amount=M(400_000_000))
    assert "Thông tư 28/2018/TT-BTC Điều 8 khoản 4" in str(refused.value)
    assert p.events.count() == 1


def test_double_support_is_shown_with_the_other_đề_án(root, facility) -> None:
    first = project(root, [facility], code="R-1")
    second = project(root, [facility], code="R-2", source="provincial")
    findings = rules.double_support_findings(second)
    assert findings[0].severity == "warning"
    assert findings[0].related == [first]
    assert "R-1" in findings[0].message
    assert rules.double_support_findings(project(root, [facility], code="R-3", year=2030)) == []


def test_eligibility_by_legal_form_changed_on_15_10_2025(root, make_facility) -> None:
    artisan = make_facility("Nghệ nhân Lò Văn A", province="Lào Cai", commune="Bảo Thắng", legal_form="artisan")
    before = rules.facility_eligibility_findings(artisan, D(2025, 10, 14))
    assert [f.rule for f in before] == ["eligibility_legal_form"]
    assert before[0].citation == "Nghị định 45/2012/NĐ-CP Điều 1 khoản 2 điểm a"
    assert rules.facility_eligibility_findings(artisan, D(2025, 10, 15)) == []


def test_eligibility_by_place_in_a_centrally_run_city(make_facility) -> None:
    ward = make_facility("Xưởng phường", province="Hà Nội", commune="Hoàn Kiếm")
    village = make_facility("Xưởng làng nghề", province="Hà Nội", commune="Hoàn Kiếm", craft_village="Làng nghề X")
    rural = make_facility("Xưởng xã", province="Hà Nội", commune="Bát Tràng")
    after = D(2026, 1, 1)
    assert [f.rule for f in rules.facility_eligibility_findings(ward, after)] == ["eligibility_place"]
    assert rules.facility_eligibility_findings(village, after) == []
    assert rules.facility_eligibility_findings(rural, after) == []


def test_approval_of_an_ineligible_beneficiary_is_refused(root, make_facility) -> None:
    ward = make_facility("Xưởng phường", province="Hà Nội", commune="Hoàn Kiếm", legal_form="enterprise")
    p = project(root, [ward], total=None)
    project_record_event(project=p, actor=root, action="submitted_for_appraisal", on=D(2026, 1, 10))
    project_record_event(project=p, actor=root, action="appraisal_passed", on=D(2026, 1, 20))
    with pytest.raises(ValidationError, match="làng nghề"):
        project_record_event(project=p, actor=root, action="approved", on=D(2026, 2, 1), amount=M(100_000_000))


def test_vouchers_outside_the_budget_year_are_refused(root, facility) -> None:
    # A content whose vouchers are not held to a first-advance rule (Art. 13 is tested in test_dossier_rules).
    p = project(root, [facility], year=2025, total=600_000_000, content="cleaner_production")
    steps = [("submitted_for_appraisal", None), ("appraisal_passed", M(300_000_000)), ("approved", M(300_000_000)),
             ("assigned", None), ("contract_signed", M(300_000_000))]  # fmt: skip
    for action, amount in steps:
        project_record_event(project=p, actor=root, action=action, on=D(2025, 3, 1), amount=amount)
    with pytest.raises(ValidationError) as refused:
        payment_record(project=p, actor=root, on=D(2026, 1, 5), kind="payment", amount=M(100_000_000))
    assert "ngoài năm ngân sách 2025" in str(refused.value)
    assert "Luật Ngân sách nhà nước 2015" in str(refused.value)
    payment_record(project=p, actor=root, on=D(2025, 12, 20), kind="payment", amount=M(100_000_000))


def test_the_đề_án_page_shows_double_support_with_a_link(root, facility) -> None:
    from django.test import Client
    from django.urls import reverse

    first = project(root, [facility], code="R-1")
    second = project(root, [facility], code="R-2", source="provincial")
    client = Client()
    client.force_login(make_user("sct15", "SCT-15", Role.APPRAISER))
    page = client.get(reverse("projects:detail", args=[second.pk])).content.decode()
    assert "Kiểm tra theo quy định" in page
    assert reverse("projects:detail", args=[first.pk]) in page
    assert "Nghị định 45/2012/NĐ-CP Điều 6" in page
