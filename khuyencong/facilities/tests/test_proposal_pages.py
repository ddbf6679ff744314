"""The self-service pages: the representative is offered its proposal form (never the edit button it cannot use); the
managing body sees the proposals with their buttons; everyone else reads; out of scope is 404, as if missing."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from conftest import client_for, make_user
from khuyencong.accounts.models import Role, User
from khuyencong.audit.models import AuditEntry
from khuyencong.facilities.models import ChangeProposal, Facility, ProposalState, Trade
from khuyencong.facilities.proposals import proposal_create

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


def proposal_post(facility: Facility, **changes: str) -> dict[str, str]:
    """The proposal form as the browser sends it: every field as it stands, some changed, and the reason."""
    data = {
        "name": facility.name,
        "legal_form": facility.legal_form,
        "reason": "Đổi số điện thoại liên hệ.",
    }
    return {**data, **changes}


@pytest.fixture
def pending(facility_rep: User, yen_bai_facility: Facility) -> ChangeProposal:
    return proposal_create(
        actor=facility_rep, facility=yen_bai_facility, values={"phone": "0216 3852 123"}, reason="Số mới."
    )


def test_the_representative_is_offered_its_proposal_form_not_the_edit_button(
    facility_rep: User, yen_bai_facility: Facility
) -> None:
    page = client_for(facility_rep).get(reverse("facilities:detail", args=[yen_bai_facility.pk])).content.decode()
    assert reverse("facilities:propose", args=[yen_bai_facility.pk]) in page
    assert reverse("facilities:edit", args=[yen_bai_facility.pk]) not in page
    assert "Sửa thông tin</a>" not in page


def test_the_officer_is_offered_the_edit_button_not_the_proposal_form(
    laocai_officer: User, yen_bai_facility: Facility
) -> None:
    page = client_for(laocai_officer).get(reverse("facilities:detail", args=[yen_bai_facility.pk])).content.decode()
    assert reverse("facilities:edit", args=[yen_bai_facility.pk]) in page
    assert reverse("facilities:propose", args=[yen_bai_facility.pk]) not in page
    assert client_for(laocai_officer).get(reverse("facilities:propose", args=[yen_bai_facility.pk])).status_code == 403


def test_the_representative_proposes_through_the_page(facility_rep: User, yen_bai_facility: Facility) -> None:
    client = client_for(facility_rep)
    form = client.get(reverse("facilities:propose", args=[yen_bai_facility.pk]))
    assert form.status_code == 200
    assert yen_bai_facility.name in form.content.decode()  # the fields come filled with the record
    response = client.post(
        reverse("facilities:propose", args=[yen_bai_facility.pk]), proposal_post(yen_bai_facility, phone="0912345678")
    )
    assert response.status_code == 302
    proposal = ChangeProposal.objects.get()
    assert proposal.changes == {"phone": {"before": "", "after": "0912345678"}}
    page = client.get(response["Location"]).content.decode()
    assert f"Đề nghị số {proposal.pk}" in page
    assert "Chờ xem xét" in page
    # The representative sees the state but is offered no decision
    assert reverse("facilities:proposal_apply", args=[yen_bai_facility.pk, proposal.pk]) not in page


def test_a_bad_value_comes_back_on_the_form_and_nothing_is_written(
    facility_rep: User, yen_bai_facility: Facility
) -> None:
    entries = AuditEntry.objects.count()
    response = client_for(facility_rep).post(
        reverse("facilities:propose", args=[yen_bai_facility.pk]),
        proposal_post(yen_bai_facility, email="khong-phai-thu", workers="-1"),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Địa chỉ thư điện tử không hợp lệ." in page
    assert "Số lao động không thể âm." in page
    assert not ChangeProposal.objects.exists()
    assert AuditEntry.objects.count() == entries


def test_a_proposal_that_changes_nothing_is_said_so(facility_rep: User, yen_bai_facility: Facility) -> None:
    response = client_for(facility_rep).post(
        reverse("facilities:propose", args=[yen_bai_facility.pk]), proposal_post(yen_bai_facility)
    )
    assert response.status_code == 400
    assert "Đề nghị không thay đổi thông tin nào" in response.content.decode()
    assert not ChangeProposal.objects.exists()


def test_the_officer_applies_from_the_facility_page(
    laocai_officer: User, yen_bai_facility: Facility, pending: ChangeProposal
) -> None:
    client = client_for(laocai_officer)
    page = client.get(reverse("facilities:detail", args=[yen_bai_facility.pk])).content.decode()
    apply_url = reverse("facilities:proposal_apply", args=[yen_bai_facility.pk, pending.pk])
    assert apply_url in page
    response = client.post(apply_url)
    assert response.status_code == 302
    page = client.get(reverse("facilities:detail", args=[yen_bai_facility.pk])).content.decode()
    assert "0216 3852 123" in page
    assert f"Theo đề nghị thay đổi số {pending.pk} của facility.rep" in page


def test_the_name_check_is_asked_only_of_a_proposal_that_renames_the_facility(
    laocai_officer: User, facility_rep: User, yen_bai_facility: Facility, pending: ChangeProposal
) -> None:
    # given a proposal of a new telephone number, and one of a new name
    renaming = proposal_create(
        actor=facility_rep, facility=yen_bai_facility, values={"name": "Xưởng mộc Yên Bái"}, reason="Đổi tên."
    )
    page = client_for(laocai_officer).get(reverse("facilities:detail", args=[yen_bai_facility.pk])).content.decode()
    # then only the renaming one asks whether the new name was checked against the commune's facilities
    assert f'id="confirm-duplicate-{renaming.pk}"' in page
    assert f'id="confirm-duplicate-{pending.pk}"' not in page
    assert page.count("tên mới không trùng") == 1


def test_a_stale_proposal_is_named_on_the_page_and_refused_at_apply(
    laocai_officer: User, yen_bai_facility: Facility, pending: ChangeProposal
) -> None:
    Facility.objects.filter(pk=yen_bai_facility.pk).update(phone="0216 3999 999")
    client = client_for(laocai_officer)
    page = client.get(reverse("facilities:detail", args=[yen_bai_facility.pk])).content.decode()
    assert f"Đề nghị số {pending.pk} đã cũ: điện thoại đã được sửa sau khi đề nghị (nay là 0216 3999 999)" in page
    response = client.post(reverse("facilities:proposal_apply", args=[yen_bai_facility.pk, pending.pk]))
    assert response.status_code == 400
    assert f"Đề nghị số {pending.pk} đã cũ" in response.content.decode()
    pending.refresh_from_db()
    assert pending.state == ProposalState.PENDING


def test_a_refused_renaming_keeps_the_name_check_as_the_officer_ticked_it(
    laocai_officer: User, facility_rep: User, yen_bai_facility: Facility
) -> None:
    # Given a renaming proposal that went stale (the name was corrected since)
    renaming = proposal_create(
        actor=facility_rep, facility=yen_bai_facility, values={"name": "Xưởng mộc Yên Bái"}, reason="Đổi tên."
    )
    Facility.objects.filter(pk=yen_bai_facility.pk).update(name="Xưởng gỗ Yên Bái")
    # When the officer ticks the name check and applies it
    url = reverse("facilities:proposal_apply", args=[yen_bai_facility.pk, renaming.pk])
    response = client_for(laocai_officer).post(url, {"confirm_duplicate": "on"})
    # Then it is refused, and the box comes back ticked as it was sent
    assert response.status_code == 400
    assert f'id="confirm-duplicate-{renaming.pk}" checked>' in response.content.decode()


def test_a_rejection_without_a_reason_is_refused_on_the_page(
    laocai_officer: User, yen_bai_facility: Facility, pending: ChangeProposal
) -> None:
    url = reverse("facilities:proposal_reject", args=[yen_bai_facility.pk, pending.pk])
    response = client_for(laocai_officer).post(url, {"reason": ""})
    assert response.status_code == 400
    assert "Xin ghi lý do không chấp nhận." in response.content.decode()
    # a reason carrying a NUL is refused with what and where, and nothing is written (PostgreSQL refuses it in text)
    audited = AuditEntry.objects.count()
    response = client_for(laocai_officer).post(url, {"reason": "Số\x00 máy"})
    assert response.status_code == 400
    assert "ký tự điều khiển U+0000" in response.content.decode()
    assert AuditEntry.objects.count() == audited
    response = client_for(laocai_officer).post(url, {"reason": "Số máy sai."})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert (pending.state, pending.decision_reason) == (ProposalState.REJECTED, "Số máy sai.")


def test_a_viewer_reads_the_proposals_but_cannot_decide(
    laocai_viewer: User, yen_bai_facility: Facility, pending: ChangeProposal
) -> None:
    client = client_for(laocai_viewer)
    page = client.get(reverse("facilities:detail", args=[yen_bai_facility.pk])).content.decode()
    assert f"Đề nghị số {pending.pk}" in page
    apply_url = reverse("facilities:proposal_apply", args=[yen_bai_facility.pk, pending.pk])
    assert apply_url not in page
    assert client.post(apply_url).status_code == 403
    pending.refresh_from_db()
    assert pending.state == ProposalState.PENDING


@pytest.mark.parametrize("route", ["facilities:proposal_apply", "facilities:proposal_reject"])
def test_another_provinces_officer_finds_nothing(
    thainguyen_officer: User, yen_bai_facility: Facility, pending: ChangeProposal, route: str
) -> None:
    url = reverse(route, args=[yen_bai_facility.pk, pending.pk])
    assert client_for(thainguyen_officer).post(url, {"reason": "x"}).status_code == 404
    pending.refresh_from_db()
    assert pending.state == ProposalState.PENDING


def test_another_facilitys_representative_finds_nothing(
    yen_bai_facility: Facility, make_facility: Any, pending: ChangeProposal
) -> None:
    other = make_user("other.rep", None, Role.FACILITY_REPRESENTATIVE, facility=make_facility("Cơ sở bên cạnh"))
    client = client_for(other)
    assert client.get(reverse("facilities:propose", args=[yen_bai_facility.pk])).status_code == 404
    post = client.post(reverse("facilities:propose", args=[yen_bai_facility.pk]), proposal_post(yen_bai_facility))
    assert post.status_code == 404
    assert ChangeProposal.objects.count() == 1
    listing = client.get(reverse("facilities:proposals"), {"state": "all"}).content.decode()
    assert yen_bai_facility.name not in listing


def test_a_proposal_reached_through_another_facility_is_not_found(
    laocai_officer: User, make_facility: Any, pending: ChangeProposal
) -> None:
    neighbour = make_facility("Cơ sở bên cạnh")
    url = reverse("facilities:proposal_apply", args=[neighbour.pk, pending.pk])
    assert client_for(laocai_officer).post(url).status_code == 404
    pending.refresh_from_db()
    assert pending.state == ProposalState.PENDING


def test_the_queue_lists_the_pending_proposals_in_scope(
    laocai_officer: User, thainguyen_officer: User, yen_bai_facility: Facility, pending: ChangeProposal
) -> None:
    page = client_for(laocai_officer).get(reverse("facilities:proposals")).content.decode()
    assert yen_bai_facility.name in page
    assert "0216 3852 123" in page
    assert '<span class="muted">1 đề nghị</span>' in page
    other = client_for(thainguyen_officer).get(reverse("facilities:proposals")).content.decode()
    assert yen_bai_facility.name not in other
    assert '<span class="muted">0 đề nghị</span>' in other
    decided = client_for(laocai_officer).get(reverse("facilities:proposals"), {"state": "applied"}).content.decode()
    assert yen_bai_facility.name not in decided
    # A state that is not one is read as the default, never an error
    assert client_for(laocai_officer).get(reverse("facilities:proposals"), {"state": "<x>"}).status_code == 200


def test_the_proposals_as_excel_say_each_change_as_it_was_asked_and_is(
    laocai_officer: User, thainguyen_officer: User, yen_bai_facility: Facility, pending: ChangeProposal
) -> None:
    # Given the pending proposal of a new telephone number, when Lào Cai takes the proposals as Excel
    page = client_for(laocai_officer).get(reverse("facilities:proposals")).content.decode()
    assert f'href="{reverse("facilities:proposal_export")}?state=pending"' in page
    response: Any = client_for(laocai_officer).get(reverse("facilities:proposal_export"), {"state": "pending"})
    rows = [list(r) for r in load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
            .iter_rows(values_only=True)]  # fmt: skip
    # Then one row says the field, the number before, the one asked, and today's; the proposer and the reason
    assert rows[0][:3] == ["Số đề nghị", "Mã cơ sở", "Tên cơ sở"]
    assert len(rows) == 2
    row = rows[1]
    assert (row[0], row[1], row[5], row[6]) == (pending.pk, yen_bai_facility.code, "Số mới.", "Chờ xem xét")
    assert row[9] == "0216 3852 123"
    # And Thái Nguyên's file holds nothing of Lào Cai
    other: Any = client_for(thainguyen_officer).get(reverse("facilities:proposal_export"), {"state": "all"})
    assert len(list(load_workbook(io.BytesIO(b"".join(other.streaming_content))).worksheets[0].iter_rows())) == 1


def test_the_proposals_export_reads_a_fixed_number_of_queries_whatever_their_number(
    laocai_officer: User, facility_rep: User, yen_bai_facility: Facility, django_assert_max_num_queries: Any
) -> None:
    # Given three proposals that each change the facility's trade (whose label is read from the list of trades)
    trades = list(Trade.objects.order_by("code")[:4])
    for trade in trades[1:]:
        proposal_create(actor=facility_rep, facility=yen_bai_facility, values={"trade": trade.pk}, reason="Đổi.")
    client = client_for(laocai_officer)
    # When every proposal is taken as Excel, then the queries do not grow with them (no trade read per row)
    with django_assert_max_num_queries(8):  # 7; reading each proposal's trades made it 10
        response: Any = client.get(reverse("facilities:proposal_export"), {"state": "all"})
        content = b"".join(response.streaming_content)
    rows = list(load_workbook(io.BytesIO(content)).worksheets[0].iter_rows(min_row=2, values_only=True))
    assert sorted(row[9] for row in rows) == sorted(trade.label for trade in trades[1:])
