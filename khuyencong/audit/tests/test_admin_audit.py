"""The admin is no path around the audit log: a change of a user's organisation or roles, or of an organisation,
made in the admin is logged with who, when, and each value before and after."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import client_for, make_user
from khuyencong.accounts.models import Role, User
from khuyencong.audit.models import AuditAction, AuditEntry
from khuyencong.organizations.models import Organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator(db: None) -> User:
    return User.objects.create_superuser("quantri", "qt@example.vn", "mat-khau-quan-tri-2026")


def user_form(user: User, organization: Organization, roles: list[str]) -> dict[str, str]:
    data = {
        "username": user.username, "first_name": user.first_name, "last_name": "", "email": "",
        "is_active": "on", "organization": str(organization.pk), "facility": "",
        "last_login_0": "", "last_login_1": "", "date_joined_0": "27/11/2026", "date_joined_1": "09:00:00",
        "roles-TOTAL_FORMS": str(len(roles) + 1), "roles-INITIAL_FORMS": "0",
        "roles-MIN_NUM_FORMS": "0", "roles-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    for index, role in enumerate(roles):
        data[f"roles-{index}-role"] = role
    return data


def test_moving_a_user_to_another_organisation_with_new_roles_is_logged(administrator: User) -> None:
    # Given a Lào Cai viewer
    user = make_user("nguoi.dung", "TTKC-15", Role.VIEWER)
    user.roles.all().delete()
    client = client_for(administrator)
    # When the administrator moves them to Thái Nguyên's Sở as an officer
    response = client.post(
        reverse("admin:accounts_user_change", args=[user.pk]),
        user_form(user, Organization.objects.get(code="SCT-19"), [Role.OFFICER]),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    # Then the log says who changed what, from what to what
    entries = AuditEntry.objects.filter(object_id=str(user.pk), action=AuditAction.UPDATE)
    changes = {name: change for entry in entries for name, change in entry.changes.items()}
    assert changes["organization"]["before"] == "Trung tâm Khuyến công tỉnh Lào Cai"
    assert "Thái Nguyên" in changes["organization"]["after"]
    assert changes["roles"] == {"before": None, "after": "Cán bộ nghiệp vụ"}
    assert {e.actor for e in entries} == {administrator}
    assert "password" not in changes


def test_an_organisation_changed_in_the_admin_is_logged(administrator: User) -> None:
    centre = Organization.objects.get(code="TTKC-15")
    client = client_for(administrator)
    page = client.get(reverse("admin:organizations_organization_change", args=[centre.pk]))
    form = page.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    # The page also holds the body's dated territories (read-only rows, none added here).
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({management[name].html_name: management[name].value() for name in management.fields})
    data["valid_until"] = "31/12/2026"
    response = client.post(reverse("admin:organizations_organization_change", args=[centre.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(object_id=str(centre.pk), action=AuditAction.UPDATE)
    assert entry.changes == {"valid_until": {"before": None, "after": "31/12/2026"}}
    assert entry.actor == administrator
