"""Issue 15: the đề án form's pickers find facilities, bodies and plans without diacritics, and only among what the
user may choose; "Lập đề án" from a facility's page names it as beneficiary; one separator for lists of codes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import client_for, make_user
from khuyencong.accounts.models import Role, User
from khuyencong.core.codelists import join_codes, split_codes
from khuyencong.facilities.models import Facility
from khuyencong.organizations.models import Organization
from khuyencong.programs.models import Plan
from khuyencong.programs.services import plan_create
from khuyencong.projects.models import Project, ProjectContent

pytestmark = pytest.mark.django_db


def pick(user: User, kind: str, q: str) -> list[str]:
    response = client_for(user).get(reverse(f"projects:pick_{kind}"), {"q": q})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return [row["code"] for row in response.json()["results"]]


def test_a_lao_cai_officer_finds_a_yen_bai_facility_without_diacritics_and_no_thai_nguyen_one(
    laocai_officer: User, thainguyen_officer: User, yen_bai_facility: Facility, thai_nguyen_facility: Facility
) -> None:
    # Given a facility of Việt Hồng (Yên Bái, now Lào Cai) and one of Cường Lợi (Bắc Kạn, now Thái Nguyên)
    # When the Lào Cai officer types words without diacritics
    # Then the Yên Bái facility is found by its name or its commune
    assert pick(laocai_officer, "facilities", "go yen bai") == [yen_bai_facility.code]
    assert pick(laocai_officer, "facilities", "viet hong") == [yen_bai_facility.code]
    # And the Thái Nguyên one is not found, whatever is typed, even its exact code
    assert pick(laocai_officer, "facilities", "thanh ngan") == []
    assert pick(laocai_officer, "facilities", thai_nguyen_facility.code) == []
    # While Thái Nguyên's officer finds it, and not the Lào Cai one
    assert pick(thainguyen_officer, "facilities", "THÀNH NGÂN") == [thai_nguyen_facility.code]
    assert pick(thainguyen_officer, "facilities", "") == [thai_nguyen_facility.code]


def test_the_facility_picker_puts_the_names_spelled_as_typed_first(laocai_officer: User, make_facility) -> None:
    # Given two Lào Cai facilities whose names fold alike, «Gò» before «gỗ» in the alphabet
    make_facility("An Gò", province="Lào Cai", commune="Bảo Thắng")
    wood = make_facility("Xưởng gỗ", province="Lào Cai", commune="Bảo Thắng")
    # When the officer types «gỗ» with its marks in the beneficiary picker, then the wood workshop comes first
    assert pick(laocai_officer, "facilities", "gỗ")[0] == wood.code


def test_the_implementer_picker_offers_the_bodies_of_the_territory_only(laocai_officer: User) -> None:
    # When the Lào Cai officer looks for a centre without diacritics
    found = pick(laocai_officer, "organizations", "trung tam khuyen cong")
    # Then Lào Cai's centre is offered, Thái Nguyên's is not
    assert "TTKC-15" in found
    assert "TTKC-19" not in found
    # And a body of the territory is found by its code too
    assert pick(laocai_officer, "organizations", "sct-15") == ["SCT-15"]


def test_the_plan_picker_offers_national_plans_and_the_territory_s(
    laocai_officer: User, thainguyen_officer: User, local_plan: Plan, national_plan: Plan
) -> None:
    foreign = plan_create(actor=thainguyen_officer, code="KCDP-19-2026", year=2026, funding_source="provincial",
                          owner=Organization.objects.get(code="SCT-19"))  # fmt: skip
    # When the Lào Cai officer types the year, or the source without diacritics
    assert set(pick(laocai_officer, "plans", "2026")) == {local_plan.code, national_plan.code}
    assert pick(laocai_officer, "plans", "dia phuong") == [local_plan.code]
    assert pick(laocai_officer, "plans", "lao cai 2026") == [local_plan.code]
    # Then Thái Nguyên's plan is never offered
    assert foreign.code not in pick(laocai_officer, "plans", "")
    assert pick(thainguyen_officer, "plans", "thai nguyen") == [foreign.code]


def test_bad_input_to_a_picker_is_refused_in_vietnamese_and_nothing_leaks(laocai_officer: User) -> None:
    client = client_for(laocai_officer)
    # A search longer than the box allows
    response = client.get(reverse("projects:pick_facilities"), {"q": "x" * 101})
    assert response.status_code == 400
    assert response.json()["code"] == "query_too_long"
    assert "dài quá" in response.json()["message"]
    # A number too long to be a year is searched as text, never compared with the year column (it overflowed it)
    assert pick(laocai_officer, "plans", "9" * 30) == []
    # Only reading: a POST is not allowed; a HEAD is answered as its GET (it was refused, 405)
    assert client.post(reverse("projects:pick_plans"), {"q": "2026"}).status_code == 405
    head = client.head(reverse("projects:pick_plans"), {"q": "2026"})
    assert head.status_code == 200
    assert head["Content-Type"] == "application/json"
    # Punctuation only: nothing to match, the whole (scoped) list, never an error
    assert client.get(reverse("projects:pick_organizations"), {"q": "%_'\"\\;"}).status_code == 200
    # Not signed in: to the login page
    assert client_for_anonymous_status(reverse("projects:pick_facilities")) == 302


def client_for_anonymous_status(url: str) -> int:
    from django.test import Client

    return Client().get(url).status_code


@pytest.mark.parametrize("roles", [(), (Role.VIEWER,), (Role.FACILITY_REPRESENTATIVE,)])
def test_who_may_not_open_the_form_is_refused_by_its_pickers(
    roles: tuple[str, ...], yen_bai_facility: Facility, local_plan: Plan
) -> None:
    # Given an account of Lào Cai's Sở without a role, a viewer, or a facility's representative
    user = make_user("khong.lap.de.an", "SCT-15", *roles)
    client = client_for(user)
    # When it asks a picker of the đề án form (which it may not open), then it is refused with the form's code
    for kind in ("facilities", "organizations", "plans"):
        response = client.get(reverse(f"projects:pick_{kind}"), {"q": ""})
        assert response.status_code == 403
        assert response.json()["code"] == "no_project_role"
        assert "results" not in response.json()


def test_lập_đề_án_from_a_facility_names_it_as_beneficiary(
    laocai_officer: User, laocai_viewer: User, yen_bai_facility: Facility, thai_nguyen_facility: Facility
) -> None:
    create = reverse("projects:create")
    # Given the facility's page, an officer is offered "Lập đề án", a viewer is not
    page = client_for(laocai_officer).get(reverse("facilities:detail", args=[yen_bai_facility.pk])).content.decode()
    assert f"{create}?beneficiary={yen_bai_facility.pk}" in page
    page = client_for(laocai_viewer).get(reverse("facilities:detail", args=[yen_bai_facility.pk])).content.decode()
    assert "Lập đề án" not in page
    # When the officer follows it, then the form names the facility
    response = client_for(laocai_officer).get(create, {"beneficiary": yen_bai_facility.pk})
    assert response.context["form"]["beneficiaries"].value() == yen_bai_facility.code
    # And a facility outside the territory, or no facility at all, is answered as missing
    assert client_for(laocai_officer).get(create, {"beneficiary": thai_nguyen_facility.pk}).status_code == 404
    assert client_for(laocai_officer).get(create, {"beneficiary": "abc"}).status_code == 404


def test_one_separator_is_said_and_both_are_read(laocai_officer: User, local_plan: Plan, make_facility) -> None:
    a = make_facility("Cơ sở A", province="Lào Cai", commune="Bảo Thắng")
    b = make_facility("Cơ sở B", province="Lào Cai", commune="Bảo Thắng")
    assert split_codes(f"{a.code}; {b.code}, {a.code};") == [a.code, b.code]
    assert join_codes([a.code, b.code]) == f"{a.code}; {b.code}"
    page = client_for(laocai_officer).get(reverse("projects:create")).content.decode()
    assert "dấu chấm phẩy (;)" in page
    assert "dấu phẩy," not in page
    response = client_for(laocai_officer).post(reverse("projects:create"), {
        "title": "Hỗ trợ máy sấy chè", "plan": str(local_plan.pk),
        "content": str(ProjectContent.objects.get(code="machinery_application").pk), "kind": "group",
        "implementer": str(Organization.objects.get(code="TTKC-15").pk), "beneficiaries": f"{a.code}, {b.code}",
    })  # fmt: skip
    assert response.status_code == 302
    assert set(Project.objects.get().beneficiaries.all()) == {a, b}


def test_the_excel_template_says_the_same_separator() -> None:
    from khuyencong.exchange.excel import PROJECT_COLUMNS

    (column,) = [c for c in PROJECT_COLUMNS if c.key == "beneficiaries"]
    assert "dấu chấm phẩy (;)" in (column.note or "")


def test_the_form_works_without_the_script_it_is_plain_lists_and_a_box(laocai_officer: User) -> None:
    page = client_for(laocai_officer).get(reverse("projects:create")).content.decode()
    assert 'data-picker="select"' in page
    assert 'data-picker="codes"' in page
    assert "<select" in page
    assert "web/picker.js" in page
