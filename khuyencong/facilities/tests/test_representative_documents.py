"""A facility's representative sends the documents of its own đề án (self-service): only to a đề án its facility
benefits from, only the kinds a beneficiary sends, through the đề án's document service and its upload checks; the
đề án page offers it exactly that, and nothing it cannot do."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from conftest import client_for, make_user
from khuyencong.accounts.models import Role, User
from khuyencong.audit.models import AuditEntry
from khuyencong.facilities.models import Facility
from khuyencong.organizations.models import Organization
from khuyencong.programs.models import Plan
from khuyencong.projects import authority
from khuyencong.projects.documents import document_attach
from khuyencong.projects.models import Document, DocumentKind, Project, ProjectContent
from khuyencong.projects.selectors import document_checklist
from khuyencong.projects.services import project_create

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(tmp_path: object) -> object:
    with override_settings(MEDIA_ROOT=str(tmp_path)):
        yield


def _project(cast: dict[str, User], plan: Plan, code: str, beneficiaries: list[Facility]) -> Project:
    return project_create(
        actor=cast["centre"], code=code, title="Ứng dụng máy chế biến gỗ", plan=plan,
        content=ProjectContent.objects.get(code="machinery_application"), kind="group",
        implementer=Organization.objects.get(code="TTKC-15"), beneficiaries=beneficiaries,
        total_cost=Decimal(600_000_000), support_requested=Decimal(300_000_000),
    )  # fmt: skip


@pytest.fixture
def group_project(cast: dict[str, User], local_plan: Plan, make_facility: Any) -> Project:
    """A Lào Cai đề án with three beneficiaries."""
    facilities = [make_facility(f"Xưởng gỗ Bảo Thắng {n}", commune="Bảo Thắng") for n in (1, 2, 3)]
    return _project(cast, local_plan, "DA-NHOM-1", facilities)


@pytest.fixture
def other_project(cast: dict[str, User], local_plan: Plan, make_facility: Any) -> Project:
    return _project(cast, local_plan, "DA-KHAC-1", [make_facility("Xưởng mây tre Bảo Thắng", commune="Bảo Thắng")])


@pytest.fixture
def rep(group_project: Project) -> User:
    own = group_project.beneficiaries.get(name="Xưởng gỗ Bảo Thắng 1")
    return make_user("rep.r2", None, Role.FACILITY_REPRESENTATIVE, facility=own)


def attach(user: User, project: Project, kind: str, name: str = "hoa-don.pdf", content: bytes = PDF) -> Document:
    return document_attach(
        project=project, actor=user, upload=SimpleUploadedFile(name, content), title="Hoá đơn mua máy", kind=kind
    )


@pytest.mark.parametrize("kind", authority.BENEFICIARY_DOCUMENT_KINDS)
def test_the_representative_attaches_a_beneficiarys_kind_to_its_own_project(
    rep: User, group_project: Project, kind: str
) -> None:
    document = attach(rep, group_project, kind)
    assert (document.project, document.kind, document.uploaded_by) == (group_project, kind, rep)
    assert AuditEntry.objects.filter(content_type__model="document", object_id=str(document.pk)).exists()


@pytest.mark.parametrize("kind", ["decision", "appraisal", "contract", "acceptance"])
def test_the_representative_cannot_attach_what_another_body_issues(
    rep: User, group_project: Project, kind: str
) -> None:
    with pytest.raises(PermissionDenied):
        attach(rep, group_project, kind)
    assert not Document.objects.exists()


def test_the_representative_cannot_attach_to_another_facilitys_project(rep: User, other_project: Project) -> None:
    other = other_project
    with pytest.raises(PermissionDenied):
        attach(rep, other, "voucher")
    # and the page does not even find it
    response = client_for(rep).post(
        reverse("projects:attach", args=[other.pk]),
        {"document-kind": "voucher", "document-upload": SimpleUploadedFile("a.pdf", PDF)},
    )
    assert response.status_code == 404
    assert not Document.objects.exists()


def test_the_upload_checks_hold_for_the_representative(rep: User, group_project: Project) -> None:
    with pytest.raises(ValidationError, match="chỉ nhận PDF"):
        attach(rep, group_project, "voucher", name="virus.exe", content=b"MZ\x90\x00" + b"\x00" * 100)
    with pytest.raises(ValidationError, match=r"không đúng định dạng \.pdf"):
        attach(rep, group_project, "voucher", name="gia.pdf", content=b"MZ\x90\x00" + b"\x00" * 100)
    assert not Document.objects.exists()


def test_the_page_offers_the_representative_its_kinds_and_nothing_it_cannot_do(
    rep: User, group_project: Project
) -> None:
    client = client_for(rep)
    response = client.get(reverse("projects:detail", args=[group_project.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    offered = [value for value, _ in response.context["document_form"].fields["kind"].choices]
    assert offered == [k for k in DocumentKind.values if k in authority.BENEFICIARY_DOCUMENT_KINDS]
    assert reverse("projects:attach", args=[group_project.pk]) in page
    # No dossier downloads (an export), no history entry, no payment form
    assert "Biểu mẫu hồ sơ" not in page
    assert response.context["history_form"] is None
    assert response.context["payment_form"] is None
    # Its own facility linked; the other beneficiaries named, not linked (their pages are not its to open)
    assert rep.facility is not None
    assert reverse("facilities:detail", args=[rep.facility.pk]) in page
    for other in group_project.beneficiaries.exclude(pk=rep.facility.pk):
        assert other.name in page
        assert reverse("facilities:detail", args=[other.pk]) not in page


def test_the_representative_sends_a_voucher_through_the_page_but_cannot_void_it(
    rep: User, group_project: Project
) -> None:
    client = client_for(rep)
    url = reverse("projects:attach", args=[group_project.pk])
    refused = client.post(url, {"document-kind": "decision", "document-upload": SimpleUploadedFile("q.pdf", PDF)})
    assert refused.status_code == 400
    assert not Document.objects.exists()
    sent = client.post(
        url,
        {
            "document-kind": "voucher",
            "document-title": "Hoá đơn mua máy",
            "document-upload": SimpleUploadedFile("hoa-don.pdf", PDF),
        },
    )
    assert sent.status_code == 302
    document = Document.objects.get()
    page = client.get(reverse("projects:detail", args=[group_project.pk])).content.decode()
    assert "Hoá đơn mua máy" in page
    assert reverse("projects:void", args=[group_project.pk, "document", document.pk]) not in page


def test_a_party_with_a_working_role_still_attaches_every_kind(group_project: Project, cast: dict[str, User]) -> None:
    assert authority.document_kinds_for(cast["centre"], group_project) == tuple(DocumentKind.values)
    assert attach(cast["centre"], group_project, "decision").kind == "decision"


def test_the_representatives_investment_invoices_are_the_ones_acceptance_waits_for(
    rep: User, group_project: Project
) -> None:
    # given a machinery đề án, whose acceptance waits for the invoices of the investment made (Circular 36/2013 Art. 16)
    investment = str(DocumentKind.INVESTMENT.label)
    assert [row.attached for row in document_checklist(group_project) if row.kind == investment] == [False, False]
    # when its facility's representative sends them
    attach(rep, group_project, DocumentKind.INVESTMENT)
    # then the dossier has them, for the advance and for acceptance
    assert [row.attached for row in document_checklist(group_project) if row.kind == investment] == [True, True]
