"""Imports act as a person and within the rules: the uploader is named on every row written, each step's body must
hold the authority for it, nothing outside the uploader's territory is created, moved, overwritten or attached to,
records come in any order, and corrections travel in the file and back out unchanged."""

from __future__ import annotations

import copy
import datetime
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import make_user
from khuyencong.accounts.models import Role, User
from khuyencong.accounts.services import system_user
from khuyencong.audit.models import AuditEntry
from khuyencong.consulting.models import ConsultingRecord
from khuyencong.exchange.exporter import exchange_export
from khuyencong.exchange.importer import exchange_import
from khuyencong.facilities.models import Facility
from khuyencong.programs.models import Allocation, BudgetDecision, Plan
from khuyencong.programs.selectors import plan_allocated_on, plan_budget_on
from khuyencong.projects.models import Payment, Project, ProjectEvent, Result

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

FORMAT = {"format": "khuyencong-exchange", "version": 1}


def facility(code: str, province: str, commune: str) -> dict[str, Any]:
    return {"code": code, "name": f"Cơ sở {code}", "legal_form": "household_business",
            "place": {"province": province, "commune": commune}}  # fmt: skip


def local_document() -> dict[str, Any]:
    """A Lào Cai KCĐP plan with one đề án taken to its contract, with vouchers, a result and the plan's money."""
    return {
        **FORMAT,
        "facilities": [facility("CS-LC-1", "Lào Cai", "Bảo Thắng")],
        "plans": [{
            "code": "KCDP-LC-2026", "year": 2026, "funding_source": "provincial", "owner": "UBND-15",
            "budget": [{"on": "2026-01-15", "kind": "original", "amount": 2_000_000_000, "decision": "10/QĐ-UBND"}],
            "allocations": [{"on": "2026-02-01", "to": "TTKC-15", "amount": 1_500_000_000}],
        }],
        "projects": [{
            "code": "DA-LC-1", "title": "Máy sao chè", "plan": "KCDP-LC-2026", "content": "machinery_application",
            "kind": "facility", "implementer": "TTKC-15", "beneficiaries": ["CS-LC-1"],
            "total_cost": 600_000_000, "support_requested": 300_000_000,
            "events": [
                {"on": "2026-02-01", "action": "submitted_for_appraisal", "by": "TTKC-15"},
                {"on": "2026-02-10", "action": "appraisal_passed", "by": "SCT-15", "amount": 300_000_000},
                {"on": "2026-03-01", "action": "approved", "by": "UBND-15", "amount": 300_000_000,
                 "document": "55/QĐ-UBND"},
                {"on": "2026-03-05", "action": "assigned", "by": "SCT-15"},
                {"on": "2026-03-20", "action": "contract_signed", "by": "TTKC-15", "amount": 300_000_000},
            ],
            "payments": [{"on": "2026-03-25", "kind": "advance", "amount": 100_000_000}],
            "results": [{"indicator": "machines", "value": 2, "on": "2026-06-01"}],
        }],
    }  # fmt: skip


@pytest.fixture
def importer(db: None) -> User:
    return make_user("laocai.importer", "SCT-15", Role.OFFICER, Role.APPRAISER)


def codes(report: Any) -> set[tuple[str, str]]:
    return {(issue.path, issue.code) for issue in report.errors}


def test_every_row_an_upload_writes_names_the_person_who_sent_it(importer: User) -> None:
    report = exchange_import(local_document(), actor=importer)
    assert report.ok, report.errors
    project = Project.objects.get(code="DA-LC-1")
    # The person is who recorded each step; the body named in the file is on whose authority it was taken
    assert {e.actor for e in project.events.all()} == {importer}
    assert [e.organization.code for e in project.events.order_by("seq")] == [
        "TTKC-15", "SCT-15", "UBND-15", "SCT-15", "TTKC-15",
    ]  # fmt: skip
    assert {p.actor for p in Payment.objects.filter(project=project)} == {importer}
    assert {r.actor for r in Result.objects.filter(project=project)} == {importer}
    payment = Payment.objects.get(project=project)
    assert AuditEntry.objects.get(object_id=str(payment.pk), content_type__model="payment").actor == importer


def test_a_body_without_authority_for_a_step_is_refused_whoever_imports() -> None:
    # Given a national (KCQG) đề án whose file says the provincial centre approved it
    document = local_document()
    document["plans"][0].update(code="KCQG-2026", funding_source="national", owner="CUC-CTDP")
    document["plans"][0]["allocations"] = []
    document["projects"][0]["plan"] = "KCQG-2026"
    document["projects"][0]["events"][2]["by"] = "TTKC-15"
    # When even the system administrator imports it: refused, naming the step and the rule
    report = exchange_import(document, actor=system_user())
    assert ("$.projects[0].events[2].organization", "authority_denied") in codes(report)
    assert not Project.objects.exists()


def test_a_local_approval_must_name_the_ubnd_not_the_centre() -> None:
    document = local_document()
    document["projects"][0]["events"][2]["by"] = "TTKC-15"
    report = exchange_import(document, actor=system_user())
    assert ("$.projects[0].events[2].organization", "authority_denied") in codes(report)


def test_kc_import_acts_as_the_named_user_or_says_it_acts_as_the_administrator(
    importer: User, tmp_path: Path, capsys
) -> None:
    path = tmp_path / "lao-cai.json"
    path.write_text(json.dumps(local_document()), encoding="utf-8")
    call_command("kc_import", str(path), "--user", importer.username)
    assert {e.actor for e in ProjectEvent.objects.all()} == {importer}
    with pytest.raises(CommandError, match="Không có người dùng"):
        call_command("kc_import", str(path), "--user", "khong-co-ai")
    call_command("kc_import", str(path))
    assert "quản trị hệ thống" in capsys.readouterr().out


def test_an_upload_cannot_reach_another_province(importer: User, thainguyen_officer: User) -> None:
    # Given Thái Nguyên's facility, plan and consulting figures
    theirs: dict[str, Any] = {
        **FORMAT,
        "facilities": [facility("CS-TN-1", "Thái Nguyên", "Phổ Yên")],
        "plans": [{"code": "KCDP-TN-2026", "year": 2026, "funding_source": "provincial", "owner": "UBND-19"}],
        "consulting": [{"code": "TV-TN-1", "organization": "TTKC-19", "year": 2026, "period_end": "2026-06-30",
                        "projects": 3, "revenue": 100_000_000}],
    }  # fmt: skip
    assert exchange_import(theirs, actor=system_user()).ok
    # When Lào Cai's importer sends a file that moves the facility, overwrites the figures, and uses their plan
    # and their facility for a Lào Cai đề án
    moved = facility("CS-TN-1", "Lào Cai", "Bảo Thắng")
    figures = {**theirs["consulting"][0], "revenue": 1}
    project = {**local_document()["projects"][0], "plan": "KCDP-TN-2026", "events": [], "payments": [],
               "results": []}  # fmt: skip
    foreign_beneficiary = {**local_document()["projects"][0], "code": "DA-LC-2", "beneficiaries": ["CS-TN-1"],
                           "plan": "KCDP-LC-2026", "events": [], "payments": [], "results": []}  # fmt: skip
    document = {**local_document(), "facilities": [moved], "consulting": [figures],
                "projects": [project, foreign_beneficiary]}  # fmt: skip
    report = exchange_import(document, actor=importer)
    # Then each is refused as out of scope, and nothing is written
    found = codes(report)
    assert ("$.facilities[0]", "out_of_scope") in found
    assert ("$.consulting[0]", "out_of_scope") in found
    assert ("$.projects[0].plan", "out_of_scope") in found
    assert ("$.projects[1].beneficiaries[0]", "out_of_scope") in found
    assert Facility.objects.get(code="CS-TN-1").current_province.name.endswith("Thái Nguyên")
    assert ConsultingRecord.objects.get(code="TV-TN-1").revenue == Decimal(100_000_000)
    assert not Project.objects.exists()


def test_budget_decisions_and_allocations_come_in_any_order(importer: User) -> None:
    # Given a plan whose revision is listed before its original, and allocations out of date order, one of which
    # is only lawful under the revised (larger) budget
    document = local_document()
    plan = document["plans"][0]
    plan["budget"] = [
        {"on": "2026-06-01", "kind": "revised", "amount": 3_000_000_000},
        {"on": "2026-01-15", "kind": "original", "amount": 2_000_000_000},
    ]
    plan["allocations"] = [
        {"on": "2026-07-01", "to": "TTKC-15", "amount": 1_000_000_000},
        {"on": "2026-02-01", "to": "TTKC-15", "amount": 1_500_000_000},
    ]
    report = exchange_import(document, actor=importer)
    assert report.ok, report.errors
    held = Plan.objects.get(code="KCDP-LC-2026")
    assert plan_budget_on(held, datetime.date(2026, 3, 1)) == Decimal(2_000_000_000)
    assert plan_allocated_on(held, datetime.date(2026, 12, 31)) == Decimal(2_500_000_000)
    # And the same file again changes nothing
    assert exchange_import(document, actor=importer).changed_nothing
    # But an allocation above the budget in force on its own date is refused, wherever it sits in the file
    plan["allocations"].insert(0, {"on": "2026-03-01", "to": "TTKC-15", "amount": 600_000_000})
    report = exchange_import(document, actor=importer)
    assert ("$.plans[0].allocations[0].amount", "allocation_above_budget") in codes(report)


def with_corrections() -> dict[str, Any]:
    document = local_document()
    voided = {"on": "2026-04-02", "by": "TTKC-15", "reason": "Ghi nhầm"}
    project = document["projects"][0]
    project["events"].insert(
        4, {"on": "2026-03-10", "action": "progress", "by": "TTKC-15", "percent": 90, "voided": voided}
    )
    project["payments"].append({"on": "2026-03-26", "kind": "advance", "amount": 900_000_000, "voided": voided})
    project["results"].append({"indicator": "trainees", "value": 5, "on": "2026-06-01",
                               "voided": {**voided, "on": "2026-06-02"}})  # fmt: skip
    plan = document["plans"][0]
    plan["budget"].append({"on": "2026-01-20", "kind": "revised", "amount": 1, "voided": {**voided, "by": "UBND-15"}})
    plan["allocations"].append({"on": "2026-02-02", "to": "TTKC-15", "amount": 9_000_000_000,
                                "voided": {**voided, "by": "UBND-15"}})  # fmt: skip
    return document


def test_corrections_travel_in_the_file_and_are_left_out_of_the_figures(importer: User) -> None:
    report = exchange_import(with_corrections(), actor=importer)
    assert report.ok, report.errors
    project = Project.objects.get(code="DA-LC-1")
    assert project.state == "contracted"
    assert project.percent is None
    voided = ProjectEvent.objects.get(project=project, action="progress")
    assert voided.is_voided
    assert voided.voided_by is not None
    assert voided.voided_by.code == "TTKC-15"
    assert voided.voided_actor == importer
    assert Payment.objects.voided().count() == 1
    assert Result.objects.voided().count() == 1
    assert BudgetDecision.objects.voided().count() == 1
    assert Allocation.objects.voided().count() == 1
    held = Plan.objects.get(code="KCDP-LC-2026")
    assert plan_budget_on(held, datetime.date(2026, 2, 1)) == Decimal(2_000_000_000)
    assert plan_allocated_on(held, datetime.date(2026, 12, 31)) == Decimal(1_500_000_000)


class Rollback(Exception):
    pass


def test_export_import_export_keeps_every_correction() -> None:
    actor = system_user()
    try:
        with transaction.atomic():
            assert exchange_import(with_corrections(), actor=actor).ok
            exported = exchange_export()
            raise Rollback
    except Rollback:
        pass
    project = next(p for p in exported["projects"] if p["code"] == "DA-LC-1")
    assert [e.get("voided", {}).get("reason") for e in project["events"]].count("Ghi nhầm") == 1
    again = exchange_import(copy.deepcopy(exported), actor=actor)
    assert again.ok, again.errors
    assert exchange_export() == exported


def test_a_later_file_voids_a_step_already_held(importer: User) -> None:
    document = local_document()
    document["projects"][0]["events"].append({"on": "2026-06-30", "action": "progress", "by": "TTKC-15", "percent": 80})
    assert exchange_import(document, actor=importer).ok
    document["projects"][0]["events"][-1]["voided"] = {"on": "2026-07-02", "by": "TTKC-15", "reason": "Sai số liệu"}
    centre = make_user("laocai.centre", "TTKC-15", Role.OFFICER)
    report = exchange_import(document, actor=centre)
    assert report.ok, report.errors
    assert report.updated["events"] == 1
    assert Project.objects.get(code="DA-LC-1").percent is None
    # A file may not bring a voided step back
    del document["projects"][0]["events"][-1]["voided"]
    assert ("$.projects[0].events[5]", "history_conflict") in codes(exchange_import(document, actor=centre))


def test_a_later_file_voids_held_vouchers_budgets_allocations_and_results(importer: User) -> None:
    # Given a file imported once
    document = local_document()
    plan = document["plans"][0]
    plan["budget"].append({"on": "2026-02-20", "kind": "revised", "amount": 2_500_000_000})
    assert exchange_import(document, actor=importer).ok
    # When the same records come back voided by the bodies that voided them elsewhere
    voided = {"on": "2026-07-01", "by": "UBND-15", "reason": "Sai số liệu"}
    plan["budget"][1]["voided"] = voided
    plan["allocations"][0]["voided"] = voided
    project = document["projects"][0]
    project["payments"][0]["voided"] = {**voided, "by": "TTKC-15"}
    project["results"][0]["voided"] = {**voided, "by": "TTKC-15"}
    report = exchange_import(document, actor=system_user())
    # Then the held records are voided, in place: no copies, the file's body and date kept
    assert report.ok, report.errors
    assert (Payment.objects.count(), Payment.objects.voided().count()) == (1, 1)
    payment = Payment.objects.get()
    assert payment.voided_by is not None
    assert payment.voided_by.code == "TTKC-15"
    assert payment.voided_on == datetime.date(2026, 7, 1)
    assert (BudgetDecision.objects.count(), BudgetDecision.objects.voided().count()) == (2, 1)
    assert (Allocation.objects.count(), Allocation.objects.voided().count()) == (1, 1)
    assert (Result.objects.count(), Result.objects.voided().count()) == (1, 1)
    assert exchange_import(document, actor=system_user()).changed_nothing
    # And a file that has them in force again is a conflict: a file never revives a voided record
    del project["payments"][0]["voided"]
    assert ("$.projects[0].payments[0]", "history_conflict") in codes(exchange_import(document, actor=system_user()))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.permutations(range(4)), allocation_order=st.permutations(range(3)))
def test_a_file_lists_vouchers_and_allocations_in_any_order(
    importer: User, order: list[int], allocation_order: list[int]
) -> None:
    """Any permutation of a lawful set in one file is accepted whole and gives the same figures: the importer adds
    them in date order (refunds after their day's vouchers), whatever order the file lists them in."""
    document = local_document()
    vouchers = [
        {"on": "2026-03-25", "kind": "advance", "amount": 100_000_000},
        {"on": "2026-04-10", "kind": "payment", "amount": 50_000_000},
        {"on": "2026-05-02", "kind": "refund", "amount": 30_000_000},
        {"on": "2026-06-15", "kind": "payment", "amount": 120_000_000},
    ]
    allocations = [
        {"on": "2026-02-01", "to": "TTKC-15", "amount": 700_000_000},
        {"on": "2026-03-01", "to": "TTKC-15", "amount": 600_000_000},
        {"on": "2026-05-01", "to": "TTKC-15", "amount": 500_000_000},
    ]
    document["projects"][0]["payments"] = [vouchers[i] for i in order]
    document["plans"][0]["allocations"] = [allocations[i] for i in allocation_order]
    with transaction.atomic():
        report = exchange_import(document, actor=importer)
        assert report.ok, report.errors
        project = Project.objects.get(code="DA-LC-1")
        assert project.payments.count() == 4
        from khuyencong.projects.selectors import projects_as_of

        one = Project.objects.filter(pk=project.pk)
        assert projects_as_of(one, datetime.date(2026, 12, 31))[project.pk].paid == Decimal(240_000_000)
        assert plan_allocated_on(Plan.objects.get(code="KCDP-LC-2026"), datetime.date(2026, 12, 31)) == Decimal(
            1_800_000_000
        )
        transaction.set_rollback(True)
