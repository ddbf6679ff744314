"""Facility self-service, as the services decide it: the representative proposes changes to its own facility with a
reason; the body that manages the facility applies them (through the facility's update service, audited, naming the
proposal) or rejects them with a reason; a proposal overtaken by a later change is stale and refused, never applied."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from conftest import make_user
from khuyencong.accounts.models import Role, User
from khuyencong.audit.models import AuditEntry
from khuyencong.core.refusals import codes_of
from khuyencong.facilities import proposals
from khuyencong.facilities.models import ChangeProposal, Facility, ProposalState, Trade
from khuyencong.facilities.proposals import proposal_apply, proposal_create, proposal_reject
from khuyencong.facilities.services import facility_update
from khuyencong.reporting.models import Notification, NotificationKind

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


def propose(rep: User, facility: Facility, reason: str = "Đổi số điện thoại liên hệ.", **values: Any) -> ChangeProposal:
    return proposal_create(actor=rep, facility=facility, values=values, reason=reason)


def refused_codes(error: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return codes_of(error.value)


class TestProposing:
    def test_only_the_fields_that_change_are_kept_with_their_value_before_and_after(
        self, facility_rep: User, yen_bai_facility: Facility
    ) -> None:
        # Given the facility has no phone and 0 workers recorded
        # When its representative proposes a phone, its unchanged name and 12 workers
        proposal = propose(
            facility_rep, yen_bai_facility, phone="0216 3852 123", name=yen_bai_facility.name, workers="12"
        )
        # Then the proposal keeps the phone and the workers only, pending, with who asked and why
        assert proposal.state == ProposalState.PENDING
        assert proposal.changes == {
            "phone": {"before": "", "after": "0216 3852 123"},
            "workers": {"before": None, "after": 12},
        }
        assert proposal.proposed_by_name == "facility.rep"
        assert proposal.reason == "Đổi số điện thoại liên hệ."
        # and the facility itself is untouched
        yen_bai_facility.refresh_from_db()
        assert yen_bai_facility.phone == ""
        assert AuditEntry.objects.filter(object_id=str(proposal.pk), action="create").exists()

    def test_the_managing_body_is_told_after_commit(
        self,
        facility_rep: User,
        yen_bai_facility: Facility,
        laocai_officer: User,
        thainguyen_officer: User,
        laocai_viewer: User,
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        laocai_officer.email = "lan@sct.laocai.gov.vn"
        laocai_officer.save()
        with django_capture_on_commit_callbacks(execute=True):
            proposal = propose(facility_rep, yen_bai_facility, phone="0216 3852 123")
        told = Notification.objects.filter(kind=NotificationKind.FACILITY_PROPOSAL)
        # Those who may apply it, in the province that manages the facility; not a viewer, not another province
        assert list(told.values_list("user__username", flat=True)) == ["laocai.officer"]
        note = told.get()
        assert f"đề nghị số {proposal.pk}" in note.message
        assert "điện thoại" in note.message
        assert note.link.endswith("#de-nghi")
        assert [m.to for m in mail.outbox] == [["lan@sct.laocai.gov.vn"]]

    def test_a_trade_and_money_are_kept_by_code_and_whole_dong(
        self, facility_rep: User, yen_bai_facility: Facility
    ) -> None:
        trade = Trade.objects.order_by("code").first()
        assert trade is not None
        proposal = propose(facility_rep, yen_bai_facility, trade=trade.pk, annual_revenue="1.700.000.000")
        assert proposal.changes["trade"]["after"] == trade.code
        assert proposal.changes["annual_revenue"]["after"] == "1700000000"
        rows = {row.name: row for row in proposals.proposal_rows(proposal)}
        assert rows["trade"].after == trade.name
        assert rows["annual_revenue"].after == "1.700.000.000 đồng"
        # An English reader of the same proposal reads the amount and the trade the English way
        with translation.override("en"):
            rows = {row.name: row for row in proposals.proposal_rows(proposal)}
        assert rows["annual_revenue"].after == "1,700,000,000 VND"
        assert rows["trade"].after == trade.name_en


class TestApplying:
    def test_the_officer_applies_it_through_the_update_service_and_the_audit_names_the_proposal(
        self,
        facility_rep: User,
        yen_bai_facility: Facility,
        laocai_officer: User,
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        proposal = propose(facility_rep, yen_bai_facility, phone="0216 3852 123", email="goyenbai@gmail.com")
        with django_capture_on_commit_callbacks(execute=True):
            proposal_apply(actor=laocai_officer, proposal=proposal)
        yen_bai_facility.refresh_from_db()
        assert (yen_bai_facility.phone, yen_bai_facility.email) == ("0216 3852 123", "goyenbai@gmail.com")
        entry = AuditEntry.objects.filter(
            content_type__model="facility", object_id=str(yen_bai_facility.pk), action="update"
        ).get()
        assert entry.actor == laocai_officer
        assert entry.changes["phone"] == {"before": None, "after": "0216 3852 123"}
        assert entry.note.startswith(f"Theo đề nghị thay đổi số {proposal.pk} của facility.rep ngày 27/11/2026")
        proposal.refresh_from_db()
        assert proposal.state == ProposalState.APPLIED
        assert (proposal.decided_by, proposal.decided_by_name) == (laocai_officer, "laocai.officer")
        # The representative is told
        note = Notification.objects.get(user=facility_rep, kind=NotificationKind.PROPOSAL_DECIDED)
        assert "đã được cập nhật" in note.message

    def test_a_later_change_of_another_field_does_not_make_it_stale(
        self, facility_rep: User, yen_bai_facility: Facility, laocai_officer: User
    ) -> None:
        proposal = propose(facility_rep, yen_bai_facility, phone="0216 3852 123")
        _officer_sets(laocai_officer, yen_bai_facility, craft_village="Làng nghề gỗ Việt Hồng")
        proposal_apply(actor=laocai_officer, proposal=proposal)
        yen_bai_facility.refresh_from_db()
        assert (yen_bai_facility.phone, yen_bai_facility.craft_village) == ("0216 3852 123", "Làng nghề gỗ Việt Hồng")

    def test_a_proposal_overtaken_by_a_change_of_the_same_field_is_stale_named_and_refused(
        self, facility_rep: User, yen_bai_facility: Facility, laocai_officer: User
    ) -> None:
        # Given a proposal of a phone, then the officer records another phone on the facility page
        proposal = propose(facility_rep, yen_bai_facility, phone="0216 3852 123")
        _officer_sets(laocai_officer, yen_bai_facility, phone="0216 3999 999")
        # Then the proposal is named stale, field by field
        assert proposals.stale_fields(proposal, Facility.objects.get(pk=yen_bai_facility.pk)) == ["phone"]
        row = proposals.proposal_rows(proposal, Facility.objects.get(pk=yen_bai_facility.pk))[0]
        assert (row.stale, row.now) == (True, "0216 3999 999")
        # and applying it is refused with its code, writing nothing
        entries = AuditEntry.objects.count()
        with pytest.raises(ValidationError) as refused:
            proposal_apply(actor=laocai_officer, proposal=proposal)
        assert refused_codes(refused) == {"__all__": ["proposal_stale"]}
        assert f"Đề nghị số {proposal.pk} đã cũ" in refused.value.messages[0]
        assert "điện thoại nay là 0216 3999 999" in refused.value.messages[0]
        assert AuditEntry.objects.count() == entries
        yen_bai_facility.refresh_from_db()
        assert yen_bai_facility.phone == "0216 3999 999"
        proposal.refresh_from_db()
        assert proposal.state == ProposalState.PENDING
        # It can still be rejected
        proposal_reject(actor=laocai_officer, proposal=proposal, reason="Số điện thoại đã được cập nhật khác.")
        proposal.refresh_from_db()
        assert proposal.state == ProposalState.REJECTED

    def test_a_proposal_is_decided_once(
        self, facility_rep: User, yen_bai_facility: Facility, laocai_officer: User
    ) -> None:
        proposal = propose(facility_rep, yen_bai_facility, phone="0216 3852 123")
        proposal_apply(actor=laocai_officer, proposal=proposal)
        for decide in (
            lambda: proposal_apply(actor=laocai_officer, proposal=proposal),
            lambda: proposal_reject(actor=laocai_officer, proposal=proposal, reason="Nhầm"),
        ):
            with pytest.raises(ValidationError) as refused:
                decide()
            assert refused_codes(refused) == {"__all__": ["proposal_decided"]}

    def test_the_update_services_checks_still_hold(
        self, facility_rep: User, yen_bai_facility: Facility, laocai_officer: User, make_facility: Any
    ) -> None:
        # A tax code proposed, then registered for another facility before the proposal is applied
        proposal = propose(facility_rep, yen_bai_facility, tax_code="0100233488")
        make_facility("Cơ sở khác", tax_code="0100233488")
        with pytest.raises(ValidationError) as refused:
            proposal_apply(actor=laocai_officer, proposal=proposal)
        assert "tax_code" in refused.value.message_dict
        proposal.refresh_from_db()
        assert proposal.state == ProposalState.PENDING

    def test_a_trade_gone_from_the_list_meanwhile_is_refused_by_name(
        self, facility_rep: User, yen_bai_facility: Facility, laocai_officer: User
    ) -> None:
        trade = Trade.objects.create(code="TAM-THOI", name="Ngành tạm thời", legal_basis="Thử nghiệm")
        proposal = propose(facility_rep, yen_bai_facility, trade=trade.pk)
        trade.delete()
        with pytest.raises(ValidationError) as refused:
            proposal_apply(actor=laocai_officer, proposal=proposal)
        assert refused_codes(refused) == {"trade": ["unknown_trade"]}
        proposal.refresh_from_db()
        assert proposal.state == ProposalState.PENDING


class TestRejecting:
    def test_the_officer_rejects_it_with_a_reason_and_the_representative_is_told(
        self,
        facility_rep: User,
        yen_bai_facility: Facility,
        laocai_officer: User,
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        proposal = propose(facility_rep, yen_bai_facility, phone="0216 3852 123")
        with django_capture_on_commit_callbacks(execute=True):
            proposal_reject(actor=laocai_officer, proposal=proposal, reason="Số máy không liên lạc được.")
        proposal.refresh_from_db()
        assert (proposal.state, proposal.decision_reason) == (ProposalState.REJECTED, "Số máy không liên lạc được.")
        yen_bai_facility.refresh_from_db()
        assert yen_bai_facility.phone == ""
        note = Notification.objects.get(user=facility_rep, kind=NotificationKind.PROPOSAL_DECIDED)
        assert "không được chấp nhận: Số máy không liên lạc được." in note.message

    def test_a_rejection_needs_a_reason(
        self, facility_rep: User, yen_bai_facility: Facility, laocai_officer: User
    ) -> None:
        proposal = propose(facility_rep, yen_bai_facility, phone="0216 3852 123")
        with pytest.raises(ValidationError) as refused:
            proposal_reject(actor=laocai_officer, proposal=proposal, reason="   ")
        assert refused_codes(refused) == {"reason": ["reason_required"]}
        proposal.refresh_from_db()
        assert proposal.state == ProposalState.PENDING


class TestWhoMay:
    def test_another_facilitys_representative_cannot_propose(
        self, yen_bai_facility: Facility, make_facility: Any
    ) -> None:
        other = make_user("other.rep", None, Role.FACILITY_REPRESENTATIVE, facility=make_facility("Cơ sở bên cạnh"))
        with pytest.raises(PermissionDenied):
            propose(other, yen_bai_facility, phone="0216 3852 123")
        assert not ChangeProposal.objects.exists()

    def test_an_officer_proposes_nothing_they_edit_the_facility_directly(
        self, laocai_officer: User, yen_bai_facility: Facility
    ) -> None:
        with pytest.raises(PermissionDenied):
            propose(laocai_officer, yen_bai_facility, phone="0216 3852 123")

    @pytest.mark.parametrize("who", ["laocai_viewer", "thainguyen_officer", "facility_rep"])
    def test_only_those_who_may_change_the_facility_decide(
        self, request: pytest.FixtureRequest, who: str, facility_rep: User, yen_bai_facility: Facility
    ) -> None:
        proposal = propose(facility_rep, yen_bai_facility, phone="0216 3852 123")
        actor = request.getfixturevalue(who)
        with pytest.raises(PermissionDenied):
            proposal_apply(actor=actor, proposal=proposal)
        with pytest.raises(PermissionDenied):
            proposal_reject(actor=actor, proposal=proposal, reason="Không")
        proposal.refresh_from_db()
        assert proposal.state == ProposalState.PENDING


class TestBadInput:
    def _nothing_written(self, entries: int) -> None:
        assert not ChangeProposal.objects.exists()
        assert AuditEntry.objects.count() == entries

    def test_an_unknown_field_is_refused_with_its_code(self, facility_rep: User, yen_bai_facility: Facility) -> None:
        entries = AuditEntry.objects.count()
        with pytest.raises(ValidationError) as refused:
            propose(facility_rep, yen_bai_facility, phone="0216 3852 123", code="CS-KHAC", current_province="19")
        assert refused_codes(refused) == {"code": ["unknown_field"], "current_province": ["unknown_field"]}
        assert "«code» không phải thông tin cơ sở có thể đề nghị thay đổi" in refused.value.message_dict["code"][0]
        self._nothing_written(entries)

    @pytest.mark.parametrize(
        ("field", "value", "code", "message"),
        [
            ("email", "khong-phai-thu", "invalid", "Thư điện tử: Địa chỉ thư điện tử không hợp lệ."),
            ("workers", "-3", "min_value", "Số lao động: Số lao động không thể âm."),
            ("workers", "mười hai", "invalid", "Số lao động: Số lao động phải là số nguyên."),
            ("founded_year", "2030", "future_date", "Năm thành lập 2030 ở tương lai."),
            ("annual_revenue", "1,5 tỷ", "money_format", "Doanh thu năm (đồng): Số tiền phải là số nguyên đồng"),
            ("legal_form", "tap_doan", "invalid_choice", "Loại hình:"),
            ("name", "", "required", "Tên cơ sở: Xin nhập tên cơ sở."),
            ("phone", "0" * 31, "max_length", "Điện thoại:"),
        ],
    )
    def test_an_invalid_value_is_refused_with_its_code_and_a_vietnamese_message(
        self, facility_rep: User, yen_bai_facility: Facility, field: str, value: str, code: str, message: str
    ) -> None:
        entries = AuditEntry.objects.count()
        with pytest.raises(ValidationError) as refused:
            propose(facility_rep, yen_bai_facility, **{field: value})
        assert refused_codes(refused) == {field: [code]}
        assert refused.value.message_dict[field][0].startswith(message)
        self._nothing_written(entries)

    def test_a_proposal_that_changes_nothing_is_refused(self, facility_rep: User, yen_bai_facility: Facility) -> None:
        with pytest.raises(ValidationError) as refused:
            propose(facility_rep, yen_bai_facility, name=yen_bai_facility.name, phone="")
        assert refused_codes(refused) == {"__all__": ["no_change"]}
        assert not ChangeProposal.objects.exists()

    @pytest.mark.parametrize(("reason", "code"), [("", "reason_required"), ("x" * 501, "reason_too_long")])
    def test_a_proposal_needs_a_reason(
        self, facility_rep: User, yen_bai_facility: Facility, reason: str, code: str
    ) -> None:
        with pytest.raises(ValidationError) as refused:
            propose(facility_rep, yen_bai_facility, reason=reason, phone="0216 3852 123")
        assert refused_codes(refused) == {"reason": [code]}
        assert not ChangeProposal.objects.exists()


def _officer_sets(officer: User, facility: Facility, **changes: Any) -> None:
    """The officer's own edit on the facility page, between the proposal and its review."""
    fresh = Facility.objects.get(pk=facility.pk)
    data = proposals._data_of(fresh)
    for name, value in changes.items():
        setattr(data, name, value)
    facility_update(facility=fresh, actor=officer, data=data)
