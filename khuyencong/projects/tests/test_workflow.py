"""The lifecycle as data, without the database: every action from every state is either the documented move or
refused with a message naming the action, the state and the states it is allowed from."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import translation

from khuyencong.projects.models import Project
from khuyencong.projects.timeline import Derived, _amounts
from khuyencong.projects.workflow import (
    AMOUNT_REQUIRED,
    AUTHORITY,
    CANNOT_OPEN,
    EVENT_AMOUNTS,
    MOVES,
    PERCENT_ACTIONS,
    RESUME,
    STAY,
    Action,
    Party,
    Position,
    State,
    TransitionNotAllowed,
    advance,
    allowed_actions,
    may_act,
    replay,
)

ALL_PAIRS = [(state, action) for state in State for action in Action]


@pytest.mark.parametrize(("state", "action"), ALL_PAIRS, ids=[f"{s.value}-{a.value}" for s, a in ALL_PAIRS])
def test_every_action_from_every_state_is_the_documented_move_or_refused(state: State, action: Action) -> None:
    position = Position(state, State.CONTRACTED)
    move = MOVES[action]
    if state in move.sources:
        after = advance(position, action)
        if move.target == STAY:
            assert after == position
        elif move.target == RESUME:
            assert after.state == State.CONTRACTED
        else:
            assert after.state == move.target
    else:
        with pytest.raises(TransitionNotAllowed) as refused:
            advance(position, action)
        assert f"«{action.label}»" in str(refused.value)
        assert f"«{state.label}»" in str(refused.value)


def test_terminal_states_allow_no_action() -> None:
    for state in [State.FAILED, State.REJECTED, State.STOPPED, State.SETTLED]:
        assert allowed_actions(Position(state)) == []


def test_the_scenarios_histories_replay() -> None:
    assert replay(["approved", "assigned", "contract_signed", "progress"]).state == State.IN_PROGRESS
    assert replay(["approved", "assigned", "stop_requested"]).state == State.STOP_REQUESTED
    assert replay(["approved", "assigned", "contract_signed", "accepted", "settled"]).state == State.SETTLED
    assert replay(["submitted_for_appraisal", "appraisal_passed", "forwarded"]).state == State.FORWARDED
    assert replay(["registered", "submitted_for_appraisal", "appraisal_failed"]).state == State.FAILED


def test_a_history_may_begin_at_any_step_but_not_with_a_reply_or_a_request() -> None:
    # A request suspends a running đề án: with nothing on record, its answer would have no state to resume to
    assert {Action.ADJUSTMENT_REQUESTED, Action.STOP_REQUESTED} <= CANNOT_OPEN
    assert replay(["contract_signed"]).state == State.CONTRACTED
    for action in CANNOT_OPEN:
        with pytest.raises(TransitionNotAllowed, match="chưa có sự kiện nào"):
            advance(Position(), action)


def test_a_returned_đề_án_can_be_resubmitted() -> None:
    assert (
        replay(["submitted_for_appraisal", "returned_for_supplement", "submitted_for_appraisal"]).state
        == State.SUBMITTED
    )


def test_answering_a_request_resumes_where_the_đề_án_was() -> None:
    assert replay(["approved", "assigned", "contract_signed", "progress", "adjustment_requested",
                   "adjustment_approved"]).state == State.IN_PROGRESS  # fmt: skip
    assert replay(["approved", "assigned", "stop_requested", "stop_refused"]).state == State.ASSIGNED
    assert replay(["approved", "adjustment_requested", "stop_requested", "stop_refused"]).state == State.APPROVED
    assert replay(["approved", "assigned", "stop_requested", "stopped"]).state == State.STOPPED


def test_nothing_after_stop_or_settlement() -> None:
    stopped = replay(["approved", "stop_requested", "stopped"])
    settled = replay(["approved", "assigned", "contract_signed", "accepted", "settled"])
    for action in Action:
        for position in (stopped, settled):
            with pytest.raises(TransitionNotAllowed):
                advance(position, action)


def test_every_action_says_who_may_take_it() -> None:
    assert set(AUTHORITY) == set(Action)
    assert set(MOVES) == set(Action)


@pytest.mark.parametrize(
    ("action", "parties", "roles", "allowed", "source"),
    [
        (Action.SUBMITTED_FOR_APPRAISAL, {Party.IMPLEMENTER}, {"officer"}, True, "provincial"),
        (Action.SUBMITTED_FOR_APPRAISAL, {Party.DEPARTMENT}, {"officer", "appraiser"}, False, "provincial"),
        (Action.APPRAISAL_PASSED, {Party.DEPARTMENT}, {"appraiser"}, True, "provincial"),
        (Action.APPRAISAL_PASSED, {Party.DEPARTMENT}, {"officer"}, False, "provincial"),
        (Action.APPRAISAL_PASSED, {Party.IMPLEMENTER}, {"appraiser"}, False, "provincial"),
        (Action.APPROVED, {Party.APPROVER}, {"approver"}, True, "provincial"),
        # The Sở records the UBND tỉnh's decision on a local đề án on its behalf; a national one is the Ministry's.
        (Action.APPROVED, {Party.DEPARTMENT}, {"officer"}, True, "provincial"),
        (Action.APPROVED, {Party.DEPARTMENT}, {"approver"}, False, "national"),
        (Action.APPROVED, {Party.DEPARTMENT}, {"appraiser"}, False, "provincial"),
        (Action.STOP_REQUESTED, {Party.BENEFICIARY}, {"facility_representative"}, True, "provincial"),
        (Action.STOPPED, {Party.BENEFICIARY}, {"facility_representative"}, False, "provincial"),
        (Action.PROGRESS, {Party.IMPLEMENTER}, {"viewer"}, False, "provincial"),
    ],
)
def test_who_may_act(action: Action, parties: set[Party], roles: set[str], allowed: bool, source: str) -> None:
    assert may_act(action, parties, roles, funding_source=source) is allowed


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_đề_án_shows_its_states_label_in_the_readers_language(language: str) -> None:
    with translation.override(language):
        assert [Project(state=state).get_state_display() for state in State] == [str(s.label) for s in State]
        assert Project(state=None).get_state_display() is None


@dataclass
class _Step:
    action: str
    on: datetime.date = datetime.date(2022, 3, 1)
    amount: Decimal | None = None
    percent: Decimal | None = None


@pytest.mark.parametrize("action", list(Action), ids=lambda action: action.value)
def test_the_event_form_asks_for_exactly_what_the_timeline_reads(action: Action) -> None:
    """The page shows an amount or a percent box per step (`EVENT_AMOUNTS`, `AMOUNT_REQUIRED`, `PERCENT_ACTIONS`); the
    timeline's rules are the law on them. The two must say the same of every step."""

    # Given a đề án whose every figure so far is 1 đồng
    def derived() -> Derived:
        return Derived(support_appraised=Decimal(1), support_approved=Decimal(1), support_contracted=Decimal(1))

    # When the step is recorded without an amount or percent
    missing = _amounts(derived(), _Step(action.value), Decimal(1))
    # Then the timeline requires an amount exactly of the steps the form marks required, and a percent of the steps
    # it asks one of
    assert (missing is not None and missing.code == "amount_required") == (action in AMOUNT_REQUIRED)
    assert (missing is not None and missing.code == "percent_required") == (action in PERCENT_ACTIONS)
    assert EVENT_AMOUNTS.keys() >= AMOUNT_REQUIRED
    # And when it states a billion đồng, a step whose amount the timeline reads (it checks or keeps it) is one the form
    # offers an amount box for
    after = derived()
    breach = _amounts(after, _Step(action.value, amount=Decimal(10**9), percent=Decimal(50)), Decimal(1))
    money = (after.support_appraised, after.support_approved, after.support_contracted, after.support_settled)
    if (breach is not None and breach.field == "amount") or money != (1, 1, 1, None):
        assert action in EVENT_AMOUNTS
