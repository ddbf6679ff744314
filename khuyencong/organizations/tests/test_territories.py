"""A body's territory is dated (issue 13): the Sở Công Thương of Sơn La served pre-reform Sơn La until 30/06/2025 and
today's Sơn La since; today's bodies of a merged province get no pre-reform territory unless an administrator records
one (dated, with a reason, audited); a wrong one is voided, never edited."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from conftest import client_for, make_user
from khuyencong.accounts.models import Role, User
from khuyencong.audit.models import AuditAction, AuditEntry
from khuyencong.core.refusals import codes_of
from khuyencong.exchange.importer import exchange_import
from khuyencong.geography.models import AdminUnit, Era, Level
from khuyencong.organizations.loading import load_organizations
from khuyencong.organizations.models import Organization, OrganizationTerritory
from khuyencong.organizations.services import organization_territory_add, organization_territory_void

pytestmark = pytest.mark.django_db

D = datetime.date
IN_2024, FIRST_DAY = D(2024, 5, 1), D(2025, 7, 1)


def province(era: str, code: str) -> AdminUnit:
    return AdminUnit.objects.get(era=era, level=Level.PROVINCE, code=code)


@pytest.fixture
def administrator(db: None) -> User:
    """The Cục's system administrator."""
    return make_user("cuc.quantri", "CUC-CTDP", Role.ADMINISTRATOR)


def test_today_s_bodies_of_an_unchanged_province_served_its_pre_reform_namesake_before_the_reform() -> None:
    # Given the reference data as loaded
    centre = Organization.objects.get(code="TTKC-14")
    # Then today's Sơn La centre served pre-reform Sơn La until 30/06/2025, and today's Sơn La since
    assert [(t.territory, t.valid_from, t.valid_until) for t in centre.territories.all()] == [
        (province(Era.BEFORE_2025, "14"), None, D(2025, 6, 30)),
        (province(Era.FROM_2025, "14"), FIRST_DAY, None),
    ]
    assert centre.territory_on(IN_2024) == province(Era.BEFORE_2025, "14")
    assert centre.territory_on(FIRST_DAY) == province(Era.FROM_2025, "14")
    assert centre.territory == province(Era.FROM_2025, "14")


def test_today_s_bodies_of_a_merged_province_have_no_pre_reform_territory_by_default() -> None:
    # Given today's Lào Cai centre (Lào Cai = Yên Bái + Lào Cai)
    centre = Organization.objects.get(code="TTKC-15")
    # Then it served today's Lào Cai from 01/07/2025, and nothing is known of it before
    assert [(t.territory, t.valid_from, t.valid_until) for t in centre.territories.all()] == [
        (province(Era.FROM_2025, "15"), FIRST_DAY, None)
    ]
    assert centre.territory_on(IN_2024) is None


def test_loading_the_reference_data_again_changes_no_dated_territory(administrator: User) -> None:
    # Given an administrator's correction of a body's territories
    centre = Organization.objects.get(code="TTKC-15")
    organization_territory_add(actor=administrator, organization=centre, territory=province(Era.BEFORE_2025, "10"),
                               valid_from=None, valid_until=D(2025, 6, 30), reason="QĐ hợp nhất trung tâm")  # fmt: skip
    before = list(OrganizationTerritory.objects.order_by("pk").values_list("pk", "territory", "valid_from"))
    # When the organisations are loaded again
    load_organizations()
    # Then nothing is added or undone
    assert list(OrganizationTerritory.objects.order_by("pk").values_list("pk", "territory", "valid_from")) == before


def test_an_administrator_records_which_old_province_a_merged_province_s_body_continues(administrator: User) -> None:
    # Given today's Lào Cai centre
    centre = Organization.objects.get(code="TTKC-15")
    # When the administrator records that it continues pre-reform Lào Cai's centre
    row = organization_territory_add(
        actor=administrator, organization=centre, territory=province(Era.BEFORE_2025, "10"), valid_from=None,
        valid_until=D(2025, 6, 30), reason="Trung tâm tỉnh Lào Cai cũ tiếp tục hoạt động", legal_basis="QĐ 1/2025",
    )  # fmt: skip
    # Then its territory in 2024 is pre-reform Lào Cai, today's unchanged, and the audit log says who and why
    assert centre.territory_on(IN_2024) == province(Era.BEFORE_2025, "10")
    assert centre.territory_on(FIRST_DAY) == province(Era.FROM_2025, "15")
    entry = AuditEntry.objects.get(object_id=str(row.pk), action=AuditAction.CREATE)
    assert entry.actor == administrator
    assert entry.note == "Trung tâm tỉnh Lào Cai cũ tiếp tục hoạt động"
    assert entry.changes["territory"]["after"] == "Tỉnh Lào Cai"


@pytest.mark.parametrize(
    ("code", "era", "territory_code", "valid_from", "valid_until", "reason", "refusal"),
    [
        # another province's unit: another province's centre is another organisation
        ("TTKC-15", Era.BEFORE_2025, "02", None, D(2025, 6, 30), "lý do", "territory_unrelated"),
        # a pre-reform unit cannot be served after the reform
        ("TTKC-15", Era.BEFORE_2025, "10", None, None, "lý do", "territory_out_of_force"),
        # periods of one body do not overlap
        ("TTKC-14", Era.BEFORE_2025, "14", D(2020, 1, 1), D(2024, 12, 31), "lý do", "territory_overlap"),
        ("TTKC-15", Era.BEFORE_2025, "10", None, D(2025, 6, 30), "  ", "reason_required"),
        ("TTKC-15", Era.BEFORE_2025, "10", D(2025, 6, 30), D(2025, 1, 1), "lý do", "date_order"),
        ("CUC-CTDP", Era.BEFORE_2025, "10", None, D(2025, 6, 30), "lý do", "territory_not_allowed"),
    ],
)
def test_a_wrong_dated_territory_is_refused_with_its_code(
    administrator: User, code, era, territory_code, valid_from, valid_until, reason, refusal
) -> None:
    body = Organization.objects.get(code=code)
    before = OrganizationTerritory.objects.count()
    with pytest.raises(ValidationError) as refused:
        organization_territory_add(actor=administrator, organization=body, territory=province(era, territory_code),
                                   valid_from=valid_from, valid_until=valid_until, reason=reason)  # fmt: skip
    assert refusal in [c for codes in codes_of(refused.value).values() for c in codes]
    assert OrganizationTerritory.objects.count() == before


def test_only_a_national_administrator_records_a_body_s_territory(laocai_officer: User) -> None:
    # Given a provincial officer (even of the body's own province)
    centre = Organization.objects.get(code="TTKC-15")
    # When they try to record the centre's pre-reform territory, then they are refused and nothing is written
    with pytest.raises(PermissionDenied):
        organization_territory_add(actor=laocai_officer, organization=centre, territory=province(Era.BEFORE_2025,
                                   "10"), valid_from=None, valid_until=D(2025, 6, 30), reason="lý do")  # fmt: skip
    assert centre.territories.count() == 1


def test_a_wrong_territory_is_voided_and_stays_in_the_history(administrator: User) -> None:
    # Given a pre-reform territory recorded for the wrong old province
    centre = Organization.objects.get(code="TTKC-15")
    wrong = organization_territory_add(actor=administrator, organization=centre,
                                       territory=province(Era.BEFORE_2025, "15"), valid_from=None,
                                       valid_until=D(2025, 6, 30), reason="nhầm")  # fmt: skip
    # When it is voided, and the right one recorded
    with pytest.raises(ValidationError, match="lý do"):
        organization_territory_void(actor=administrator, row=wrong, reason="")
    organization_territory_void(actor=administrator, row=wrong, reason="Ghi nhầm tỉnh Yên Bái")
    organization_territory_add(actor=administrator, organization=centre, territory=province(Era.BEFORE_2025, "10"),
                               valid_from=None, valid_until=D(2025, 6, 30), reason="Đúng là Lào Cai cũ")  # fmt: skip
    # Then the wrong one is still there, struck out with why, and no longer counts
    wrong.refresh_from_db()
    assert wrong.is_voided
    assert wrong.voided_reason == "Ghi nhầm tỉnh Yên Bái"
    assert centre.territories.count() == 3
    assert centre.territory_on(IN_2024) == province(Era.BEFORE_2025, "10")
    assert AuditEntry.objects.filter(object_id=str(wrong.pk), action=AuditAction.VOID).exists()


def test_the_command_records_and_lists_a_body_s_territories() -> None:
    out = StringIO()
    call_command("kc_org_territory", "TTKC-15", "--province", "Lào Cai", "--until", "2025-06-30", "--reason",
                 "Trung tâm tỉnh Lào Cai cũ", stdout=out)  # fmt: skip
    # "Lào Cai" on 30/06/2025 is the pre-reform province
    assert Organization.objects.get(code="TTKC-15").territory_on(IN_2024) == province(Era.BEFORE_2025, "10")
    assert "Tỉnh Lào Cai (… – 30/06/2025)" in out.getvalue()
    assert "Tỉnh Lào Cai (01/07/2025 – nay)" in out.getvalue()


def test_an_imported_body_of_a_pre_reform_place_has_its_dated_territory(system_actor: User) -> None:
    # Given an exchange file naming the Sở of pre-reform Yên Bái
    document = {
        "format": "khuyencong-exchange",
        "version": 1,
        "organizations": [{"code": "SCT-YB", "name": "Sở Công Thương tỉnh Yên Bái", "kind": "provincial_department",
                           "place": {"province": "Yên Bái", "as_of": "2022-01-01"}}],
    }  # fmt: skip
    # When it is imported
    report = exchange_import(document, actor=system_actor)
    assert report.ok, report.errors
    # Then the body served pre-reform Yên Bái until 30/06/2025
    body = Organization.objects.get(code="SCT-YB")
    row = body.territories.get()
    assert (row.territory, row.valid_until) == (province(Era.BEFORE_2025, "15"), D(2025, 6, 30))
    assert body.territory_on(D(2025, 7, 1)) is None


@pytest.fixture
def superuser(db: None) -> User:
    return User.objects.create_superuser("quantri", "qt@example.vn", "mat-khau-quan-tri-2026")


def _admin_form(page) -> dict[str, str]:
    """The change form as the page holds it: the body's fields and the territories' management form."""
    form = page.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        data.update({management[name].html_name: management[name].value() for name in management.fields})
    return data


def test_the_admin_shows_a_body_s_territories_and_adds_one_through_the_service(superuser: User) -> None:
    centre = Organization.objects.get(code="TTKC-15")
    client = client_for(superuser)
    url = reverse("admin:organizations_organization_change", args=[centre.pk])
    # Given the centre's page, which shows its dated territory
    page = client.get(url)
    assert "Tỉnh Lào Cai" in page.content.decode()
    assert "địa bàn theo thời kỳ" in page.content.decode().lower()
    data = _admin_form(page)
    # When the administrator adds an overlapping period, then it is refused on the page and nothing is written
    data.update({"territories-TOTAL_FORMS": "2", "territories-1-territory": str(province(Era.BEFORE_2025, "10").pk),
                 "territories-1-valid_from": "", "territories-1-valid_until": "31/12/2025",
                 "territories-1-note": "lý do"})  # fmt: skip
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert centre.territories.count() == 1
    # When the period is right, then it is recorded through the service, audited
    data["territories-1-valid_until"] = "30/06/2025"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert centre.territory_on(IN_2024) == province(Era.BEFORE_2025, "10")
    row = centre.territories.get(valid_until=D(2025, 6, 30))
    assert AuditEntry.objects.get(object_id=str(row.pk), action=AuditAction.CREATE).note == "lý do"
