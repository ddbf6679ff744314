"""The đề án lifecycle as data: states, the moves each action makes, and who may take it. Pure Python, no database.

Sources: Circular 36/2013/TT-BCT (as amended by 17/2018/TT-BCT) Art. 6, 10, 11, 12–19 for KCQG — registration with the
Sở, base-level appraisal, forwarding to the Cục, appraisal and approval by the Ministry, assignment, contract,
adjustment/supplement/stop (Art. 11), advances, acceptance, liquidation and settlement; for KCĐP the UBND tỉnh
approves (Decree 45/2012 Art. 16). The state of a đề án is whatever its events, replayed in order, lead to.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class State(models.TextChoices):
    REGISTERED = "registered", _("Đã đăng ký")
    SURVEYED = "surveyed", _("Đã khảo sát")
    DRAFTED = "drafted", _("Đã xây dựng đề án")
    SUBMITTED = "submitted", _("Chờ thẩm định")
    RETURNED = "returned", _("Trả lại để bổ sung")
    APPRAISED = "appraised", _("Đạt thẩm định")
    FAILED = "failed", _("Không đạt thẩm định")
    FORWARDED = "forwarded", _("Đã chuyển cấp phê duyệt")
    APPROVED = "approved", _("Đã phê duyệt")
    REJECTED = "rejected", _("Không phê duyệt")
    ASSIGNED = "assigned", _("Đã giao thực hiện")
    CONTRACTED = "contracted", _("Đã ký hợp đồng")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    ADJUSTMENT_REQUESTED = "adjustment_requested", _("Xin điều chỉnh")
    STOP_REQUESTED = "stop_requested", _("Xin dừng thực hiện")
    STOPPED = "stopped", _("Đã dừng")
    ACCEPTED = "accepted", _("Đã nghiệm thu")
    LIQUIDATED = "liquidated", _("Đã thanh lý hợp đồng")
    SETTLED = "settled", _("Đã quyết toán")


class Action(models.TextChoices):
    # A step's name shares its Vietnamese with a state's («Xin điều chỉnh» is done and then waited in): in English a
    # step is named as a deed («Adjustment request»), a state as a condition («Adjustment requested»).
    REGISTERED = "registered", pgettext_lazy("step", "Đăng ký")
    SURVEYED = "surveyed", pgettext_lazy("step", "Khảo sát")
    DRAFTED = "drafted", pgettext_lazy("step", "Xây dựng đề án")
    SUBMITTED_FOR_APPRAISAL = "submitted_for_appraisal", pgettext_lazy("step", "Gửi thẩm định")
    RETURNED_FOR_SUPPLEMENT = "returned_for_supplement", pgettext_lazy("step", "Trả lại để bổ sung")
    APPRAISAL_PASSED = "appraisal_passed", pgettext_lazy("step", "Thẩm định đạt")
    APPRAISAL_FAILED = "appraisal_failed", pgettext_lazy("step", "Thẩm định không đạt")
    FORWARDED = "forwarded", pgettext_lazy("step", "Chuyển cấp phê duyệt")
    APPROVED = "approved", pgettext_lazy("step", "Phê duyệt")
    REJECTED = "rejected", pgettext_lazy("step", "Không phê duyệt")
    ASSIGNED = "assigned", pgettext_lazy("step", "Giao thực hiện")
    CONTRACT_SIGNED = "contract_signed", pgettext_lazy("step", "Ký hợp đồng")
    PROGRESS = "progress", pgettext_lazy("step", "Báo cáo tiến độ")
    INSPECTED = "inspected", pgettext_lazy("step", "Kiểm tra")
    ADJUSTMENT_REQUESTED = "adjustment_requested", pgettext_lazy("step", "Xin điều chỉnh")
    ADJUSTMENT_APPROVED = "adjustment_approved", pgettext_lazy("step", "Chấp thuận điều chỉnh")
    ADJUSTMENT_REFUSED = "adjustment_refused", pgettext_lazy("step", "Không chấp thuận điều chỉnh")
    STOP_REQUESTED = "stop_requested", pgettext_lazy("step", "Xin dừng thực hiện")
    STOPPED = "stopped", pgettext_lazy("step", "Chấp thuận dừng")
    # Not in the exchange draft's list; added so that a stop request can end otherwise than stopped.
    STOP_REFUSED = "stop_refused", pgettext_lazy("step", "Không chấp thuận dừng")
    ACCEPTED = "accepted", pgettext_lazy("step", "Nghiệm thu")
    LIQUIDATED = "liquidated", pgettext_lazy("step", "Thanh lý hợp đồng")
    SETTLED = "settled", pgettext_lazy("step", "Quyết toán")


# What an event's amount states, by action (exchange format, "events"; a submission states the support requested).
# The format carries an amount on any event and an import keeps it; the event form asks for one only here.
EVENT_AMOUNTS: dict[Action, Promise] = {
    Action.SUBMITTED_FOR_APPRAISAL: _("Kinh phí đề nghị hỗ trợ (đồng)"),
    Action.APPRAISAL_PASSED: _("Kinh phí thẩm định (đồng)"),
    Action.APPROVED: _("Kinh phí hỗ trợ được duyệt (đồng)"),
    Action.CONTRACT_SIGNED: _("Giá trị hợp đồng, phần hỗ trợ (đồng)"),
    Action.ADJUSTMENT_APPROVED: _("Kinh phí hỗ trợ sau điều chỉnh, nếu đổi (đồng)"),
    Action.ACCEPTED: _("Giá trị nghiệm thu (đồng)"),
    Action.SETTLED: _("Kinh phí quyết toán (đồng)"),
}
# The steps whose amount or percent the timeline's rules require (`amount_required`, `percent_required`).
AMOUNT_REQUIRED = frozenset({Action.APPROVED, Action.SETTLED})
PERCENT_ACTIONS = frozenset({Action.PROGRESS})

# A move that returns to the state the đề án was in before the request (adjustment or stop request answered).
RESUME = "resume"
# Recorded without changing the state (an inspection).
STAY = "stay"

PRE_SUBMISSION = {State.REGISTERED, State.SURVEYED, State.DRAFTED}
RUNNING = {State.APPROVED, State.ASSIGNED, State.CONTRACTED, State.IN_PROGRESS}
TERMINAL = {State.FAILED, State.REJECTED, State.STOPPED, State.SETTLED}


@dataclass(frozen=True)
class Move:
    sources: frozenset[State]
    target: State | str


def _move(sources: Iterable[State], target: State | str) -> Move:
    return Move(frozenset(sources), target)


MOVES: dict[Action, Move] = {
    Action.REGISTERED: _move([], State.REGISTERED),
    Action.SURVEYED: _move([State.REGISTERED], State.SURVEYED),
    Action.DRAFTED: _move([State.REGISTERED, State.SURVEYED], State.DRAFTED),
    Action.SUBMITTED_FOR_APPRAISAL: _move([*PRE_SUBMISSION, State.RETURNED], State.SUBMITTED),
    Action.RETURNED_FOR_SUPPLEMENT: _move([State.SUBMITTED, State.FORWARDED], State.RETURNED),
    Action.APPRAISAL_PASSED: _move([State.SUBMITTED, State.FORWARDED], State.APPRAISED),
    Action.APPRAISAL_FAILED: _move([State.SUBMITTED, State.FORWARDED], State.FAILED),
    Action.FORWARDED: _move([State.APPRAISED], State.FORWARDED),
    Action.APPROVED: _move([State.APPRAISED, State.FORWARDED], State.APPROVED),
    Action.REJECTED: _move([State.SUBMITTED, State.APPRAISED, State.FORWARDED], State.REJECTED),
    Action.ASSIGNED: _move([State.APPROVED], State.ASSIGNED),
    Action.CONTRACT_SIGNED: _move([State.ASSIGNED], State.CONTRACTED),
    Action.PROGRESS: _move([State.CONTRACTED, State.IN_PROGRESS], State.IN_PROGRESS),
    Action.INSPECTED: _move([*RUNNING, State.ACCEPTED, State.STOP_REQUESTED, State.ADJUSTMENT_REQUESTED], STAY),
    Action.ADJUSTMENT_REQUESTED: _move(RUNNING, State.ADJUSTMENT_REQUESTED),
    Action.ADJUSTMENT_APPROVED: _move([State.ADJUSTMENT_REQUESTED], RESUME),
    Action.ADJUSTMENT_REFUSED: _move([State.ADJUSTMENT_REQUESTED], RESUME),
    Action.STOP_REQUESTED: _move([*RUNNING, State.ADJUSTMENT_REQUESTED], State.STOP_REQUESTED),
    Action.STOPPED: _move([State.STOP_REQUESTED], State.STOPPED),
    Action.STOP_REFUSED: _move([State.STOP_REQUESTED], RESUME),
    Action.ACCEPTED: _move([State.CONTRACTED, State.IN_PROGRESS], State.ACCEPTED),
    Action.LIQUIDATED: _move([State.ACCEPTED], State.LIQUIDATED),
    Action.SETTLED: _move([State.ACCEPTED, State.LIQUIDATED], State.SETTLED),
}

# Actions that cannot open a history entered after the fact: a reply answers a request that is not on record, and a
# request (Circular 36/2013 Art. 11) suspends a running đề án whose state must be on record to resume to — a
# history opened by a request and then answered would leave the đề án with no state at all.
CANNOT_OPEN = {Action.ADJUSTMENT_APPROVED, Action.ADJUSTMENT_REFUSED, Action.STOP_REFUSED, Action.INSPECTED,
               Action.ADJUSTMENT_REQUESTED, Action.STOP_REQUESTED}  # fmt: skip
# A đề án recorded as it happens starts with its registration or its submission for appraisal (Circular 36/2013
# Art. 10); a history that begins at a later step is entered after the fact, in the name of the bodies that took it.
LIVE_OPENINGS = frozenset({Action.REGISTERED, Action.SUBMITTED_FOR_APPRAISAL})


class TransitionNotAllowed(ValueError):
    def __init__(self, action: str, state: State | None) -> None:
        label = Action(action).label
        where = (
            _("khi đề án ở trạng thái «%(label)s»") % {"label": State(state).label}
            if state
            else _("khi đề án chưa có sự kiện nào")
        )
        allowed = ", ".join(f"«{State(s).label}»" for s in sorted(MOVES[Action(action)].sources)) or "—"
        super().__init__(
            _("Không thể «%(label)s» %(where)s. Chỉ được khi đề án ở: %(allowed)s.")
            % {"label": label, "where": where, "allowed": allowed}
        )
        self.action = action
        self.state = state


@dataclass(frozen=True)
class Position:
    """Where a đề án stands: its state, and the state to resume when a pending request is answered."""

    state: State | None = None
    resume_to: State | None = None


def advance(position: Position, action: str) -> Position:
    """The position after `action`, or TransitionNotAllowed. A history may begin with any action but a reply."""
    act = Action(action)
    move = MOVES[act]
    if position.state is None:
        if act in CANNOT_OPEN:
            raise TransitionNotAllowed(act, None)
        target = move.target
        return Position(State(target) if target not in (RESUME, STAY) else None)
    if position.state not in move.sources:
        raise TransitionNotAllowed(act, position.state)
    if move.target == STAY:
        return position
    if move.target == RESUME:
        return Position(position.resume_to)
    target = State(move.target)
    if target in (State.ADJUSTMENT_REQUESTED, State.STOP_REQUESTED):
        # A stop requested while an adjustment is pending resumes to what preceded the adjustment.
        keep = position.resume_to if position.state == State.ADJUSTMENT_REQUESTED else position.state
        return Position(target, keep)
    return Position(target)


def replay(actions: Iterable[str]) -> Position:
    position = Position()
    for action in actions:
        position = advance(position, action)
    return position


def allowed_actions(position: Position, *, live: bool = False) -> list[Action]:
    """The moves from here; `live`: as they happen (a new đề án opens only at registration or submission)."""
    if position.state is None:
        return [a for a in Action if (a in LIVE_OPENINGS if live else a not in CANNOT_OPEN)]
    return [a for a, move in MOVES.items() if position.state in move.sources]


class Party(models.TextChoices):
    """The parts organisations play towards one đề án; `authority.project_parties` says which a user plays."""

    IMPLEMENTER = "implementer", _("Đơn vị thực hiện")
    BENEFICIARY = "beneficiary", _("Cơ sở thụ hưởng")
    DEPARTMENT = "department", _("Sở Công Thương của tỉnh")
    APPROVER = "approver", _("Cấp phê duyệt")
    NATIONAL = "national", _("Bộ Công Thương, Cục")


OFFICER, APPRAISER, APPROVER, REPRESENTATIVE = "officer", "appraiser", "approver", "facility_representative"


@dataclass(frozen=True)
class Authority:
    parties: frozenset[Party]
    roles: frozenset[str]
    # Parties that act only on local funds: the Sở assigns and decides adjustments and stops for the UBND tỉnh,
    # while for national đề án these belong to the Cục (Circular 36/2013 Art. 11).
    local_parties: frozenset[Party] = frozenset()
    # The roles the local parties act with, when they differ (the Sở's officer records the UBND's decision).
    local_roles: frozenset[str] | None = None


def _who(
    parties: Iterable[Party], roles: Iterable[str], *, local: Iterable[Party] = (), local_roles: Iterable[str] = ()
) -> Authority:
    return Authority(frozenset(parties), frozenset(roles), frozenset(local), frozenset(local_roles) or None)


# Circular 36/2013 Art. 10 (the Sở receives registrations and appraises at base level, Art. 6 the Cục appraises and
# the Minister approves KCQG), Art. 11 (the implementer requests adjustment or stop for the beneficiary), Art. 12–19
# (contracts, acceptance, liquidation, settlement with the implementer); Decree 45 Art. 16 (UBND tỉnh approves KCĐP).
AUTHORITY: dict[Action, Authority] = {
    Action.REGISTERED: _who([Party.IMPLEMENTER, Party.DEPARTMENT], [OFFICER]),
    Action.SURVEYED: _who([Party.IMPLEMENTER], [OFFICER]),
    Action.DRAFTED: _who([Party.IMPLEMENTER], [OFFICER]),
    Action.SUBMITTED_FOR_APPRAISAL: _who([Party.IMPLEMENTER], [OFFICER]),
    Action.RETURNED_FOR_SUPPLEMENT: _who([Party.DEPARTMENT, Party.NATIONAL], [APPRAISER]),
    Action.APPRAISAL_PASSED: _who([Party.DEPARTMENT, Party.NATIONAL], [APPRAISER]),
    Action.APPRAISAL_FAILED: _who([Party.DEPARTMENT, Party.NATIONAL], [APPRAISER]),
    Action.FORWARDED: _who([Party.DEPARTMENT], [APPRAISER]),
    # For local funds the UBND tỉnh decides (Decree 45/2012 Art. 16); the Sở records its decision on its behalf.
    Action.APPROVED: _who([Party.APPROVER], [APPROVER], local=[Party.DEPARTMENT], local_roles=[OFFICER, APPROVER]),
    Action.REJECTED: _who([Party.APPROVER], [APPROVER], local=[Party.DEPARTMENT], local_roles=[OFFICER, APPROVER]),
    Action.ASSIGNED: _who([Party.APPROVER], [OFFICER, APPROVER], local=[Party.DEPARTMENT]),
    Action.CONTRACT_SIGNED: _who([Party.IMPLEMENTER, Party.APPROVER], [OFFICER, APPROVER]),
    Action.PROGRESS: _who([Party.IMPLEMENTER], [OFFICER]),
    Action.INSPECTED: _who([Party.DEPARTMENT, Party.NATIONAL, Party.IMPLEMENTER], [OFFICER, APPRAISER]),
    Action.ADJUSTMENT_REQUESTED: _who([Party.IMPLEMENTER, Party.BENEFICIARY], [OFFICER, REPRESENTATIVE]),
    Action.ADJUSTMENT_APPROVED: _who([Party.APPROVER], [APPROVER], local=[Party.DEPARTMENT]),
    Action.ADJUSTMENT_REFUSED: _who([Party.APPROVER], [APPROVER], local=[Party.DEPARTMENT]),
    Action.STOP_REQUESTED: _who([Party.IMPLEMENTER, Party.BENEFICIARY], [OFFICER, REPRESENTATIVE]),
    Action.STOPPED: _who([Party.APPROVER], [APPROVER], local=[Party.DEPARTMENT]),
    Action.STOP_REFUSED: _who([Party.APPROVER], [APPROVER], local=[Party.DEPARTMENT]),
    Action.ACCEPTED: _who([Party.IMPLEMENTER, Party.APPROVER], [OFFICER, APPROVER]),
    Action.LIQUIDATED: _who([Party.IMPLEMENTER, Party.APPROVER], [OFFICER, APPROVER]),
    Action.SETTLED: _who([Party.IMPLEMENTER, Party.APPROVER], [OFFICER, APPROVER]),
}

# The bodies that approve each funding source's đề án.
APPROVING_KINDS: dict[str, frozenset[str]] = {
    "national": frozenset({"department", "ministry"}),
    "provincial": frozenset({"provincial_committee"}),
    "district": frozenset({"district_office"}),
    "energy_saving": frozenset({"provincial_committee", "department"}),
    "trade_promotion": frozenset({"provincial_committee", "department"}),
    "other": frozenset({"provincial_committee", "department"}),
}

# Only national đề án go up to the Ministry after the Sở's appraisal (Circular 36/2013 Art. 6, 10).
FORWARDED_SOURCES = frozenset({"national"})


def may_act(action: str, parties: Iterable[str], roles: Iterable[str], *, funding_source: str = "provincial") -> bool:
    authority = AUTHORITY[Action(action)]
    parties, roles = frozenset(parties), frozenset(roles)
    if authority.parties & parties and authority.roles & roles:
        return True
    if funding_source in FORWARDED_SOURCES or not authority.local_parties & parties:
        return False
    return bool((authority.local_roles or authority.roles) & roles)
