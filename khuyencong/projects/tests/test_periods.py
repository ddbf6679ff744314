"""The periods table equals the replay: for any lawful history, the row in force on any day says what replaying the
events and payments up to that day says; the services keep it so on every write and correction, and kc_rebuild
--check proves it (and fails when a row is tampered with)."""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import given, settings
from hypothesis import strategies as st

from khuyencong.projects.models import Project, ProjectPeriod
from khuyencong.projects.periods import MILESTONES, Period, check, derive_periods
from khuyencong.projects.selectors import snapshot
from khuyencong.projects.services import (
    payment_record,
    payment_void,
    project_correct_event,
    project_report_progress,
    project_void_event,
)
from khuyencong.projects.tests.test_services import ANY_CONTENT, new_project, to_contract
from khuyencong.projects.workflow import Position, advance, allowed_actions
from khuyencong.reports.facts import Event as FactEvent
from khuyencong.reports.facts import ProjectFacts

D = datetime.date
START = D(2024, 1, 1)


@dataclass
class E:
    on: datetime.date
    action: str
    amount: Decimal | None
    percent: Decimal | None


@dataclass
class P:
    on: datetime.date
    kind: str
    amount: Decimal


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[E], list[P]]:
    """A walk through the workflow: each step one the workflow allows from where the đề án stands, on a later or the
    same day, with an amount and a percent; then vouchers on any days."""
    position, day, events = Position(), START, []
    for _ in range(draw(st.integers(1, 12))):
        choices = allowed_actions(position)
        if not choices:
            break
        action = draw(st.sampled_from(choices))
        day += datetime.timedelta(days=draw(st.integers(0, 40)))
        amount = draw(st.one_of(st.none(), st.integers(1, 10**9).map(Decimal)))
        percent = draw(st.one_of(st.none(), st.integers(0, 100).map(Decimal)))
        events.append(E(day, action, amount, percent))
        position = advance(position, action)
    payments = [
        P(
            START + datetime.timedelta(days=draw(st.integers(0, 500))),
            draw(st.sampled_from(["advance", "payment", "refund"])),
            Decimal(draw(st.integers(1, 10**8))),
        )
        for _ in range(draw(st.integers(0, 5)))
    ]
    return events, payments


def in_force(periods: list[Period], day: datetime.date) -> Period | None:
    return next((p for p in periods if p.valid_from <= day and (p.valid_to is None or day < p.valid_to)), None)


def facts_on(events: list[E], payments: list[P], day: datetime.date, requested: Decimal | None) -> ProjectFacts:
    """The reports' own replay (reports/facts.py) of the same history, read up to `day`."""
    fact = ProjectFacts(
        1, "X", "", "facility", None, 2024, "provincial", "c", "c", "o", "o", "o", None, None, requested
    )
    fact.events = [FactEvent(n, e.on, e.action, e.amount, e.percent, "") for n, e in enumerate(events) if e.on <= day]
    fact.payments = [(p.on, p.kind, p.amount) for p in sorted(payments, key=lambda p: p.on) if p.on <= day]
    return fact


@settings(max_examples=300, deadline=None)
@given(
    history=histories(),
    offset=st.integers(-5, 600),
    requested=st.one_of(st.none(), st.integers(1, 10**9).map(Decimal)),
)
def test_the_period_in_force_on_any_day_is_the_replay(
    history: tuple[list[E], list[P]], offset: int, requested: Decimal | None
) -> None:
    events, payments = history
    periods = derive_periods(events, payments, support_requested=requested)
    for day in {START + datetime.timedelta(days=offset), *(e.on for e in events), *(p.on for p in payments)}:
        replay = snapshot(events, payments, day)  # type: ignore[arg-type]
        row = in_force(periods, day)
        if replay.state is None:
            assert row is None
            continue
        assert row is not None
        assert (row.state, row.percent, row.support_appraised, row.support, row.support_contracted,
                row.support_settled, row.disbursed) == (
            replay.state, replay.percent, replay.support_appraised, replay.support_approved,
            replay.support_contracted, replay.support_settled, replay.paid,
        )  # fmt: skip
        # And what the reports count: milestones reached by that day, the contract's amount, the support in force.
        fact = facts_on(events, payments, day, requested)
        for milestone, actions in MILESTONES.items():
            assert (getattr(row, milestone) is not None) == any(fact.reached(a, day) for a in actions), milestone
        contract_events = [e for e in fact.events if e.action == "contract_signed"]
        expected = fact.amount_at(contract_events[-1]) if contract_events else None
        assert row.contract_amount == expected
        assert row.support == fact.support_on(day)
        assert row.disbursed == fact.disbursed(datetime.date.min, day)
    # The periods never overlap, and only the last may be open.
    assert all(a.valid_to is not None and a.valid_to <= b.valid_from for a, b in itertools.pairwise(periods))
    assert all(p.valid_to is not None for p in periods[:-1])


@pytest.fixture
def frozen_clock():
    with time_machine.travel(datetime.datetime(2026, 11, 27, 9, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.mark.django_db
def test_every_write_and_correction_keeps_the_periods_equal_to_the_replay(
    frozen_clock, local_plan, cast, beneficiary
) -> None:
    project = to_contract(new_project(local_plan, cast["centre"], beneficiary, content=ANY_CONTENT), cast)
    one = Project.objects.filter(pk=project.pk)
    assert check(one) == []
    paid = payment_record(project=project, actor=cast["centre"], on=D(2026, 4, 1), kind="advance", amount=Decimal(10))
    progress = project_report_progress(project=project, actor=cast["centre"], on=D(2026, 6, 30), percent=Decimal(40))
    assert check(one) == []
    row = ProjectPeriod.objects.get(project=project, valid_from=D(2026, 6, 30))
    assert (row.state, row.percent, row.disbursed, row.valid_to) == ("in_progress", Decimal(40), Decimal(10), None)
    payment_void(project=project, payment=paid, actor=cast["centre"], reason="Ghi trùng")
    project_void_event(project=project, event=progress, actor=cast["centre"], reason="Sai")
    approval = project.events.get(action="approved")
    project_correct_event(project=project, event=approval, actor=cast["committee"], reason="Sai ngày",
                          on=D(2026, 3, 2), amount=Decimal(300_000_000), document="1/QĐ")  # fmt: skip
    assert check(one) == []
    assert ProjectPeriod.objects.get(project=project, valid_to__isnull=True).state == "contracted"
    assert not ProjectPeriod.objects.filter(project=project, valid_from=D(2026, 3, 1)).exists()


@pytest.mark.django_db
def test_kc_rebuild_check_passes_on_the_scenarios_and_fails_on_a_tampered_row(
    yen_bai: None, bac_kan: None, capsys
) -> None:
    call_command("kc_rebuild", "--check")
    assert "khớp" in capsys.readouterr().out
    row = ProjectPeriod.objects.filter(valid_to__isnull=True).first()
    assert row is not None
    ProjectPeriod.objects.filter(pk=row.pk).update(disbursed=row.disbursed + 1)
    with pytest.raises(CommandError, match="1 đề án"):
        call_command("kc_rebuild", "--check")
    call_command("kc_rebuild")
    call_command("kc_rebuild", "--check")
    with pytest.raises(CommandError, match="Không có đề án"):
        call_command("kc_rebuild", "--project", "KHONG-CO")
