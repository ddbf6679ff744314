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

from khuyencong.projects.models import Project, ProjectPeriod, ProjectYearEnd
from khuyencong.projects.periods import MILESTONES, Period, YearEnd, check, derive_periods, derive_year_ends
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


def year_end_of(year_ends: list[YearEnd], year: int) -> Period | None:
    return next((r.period for r in year_ends if r.year_from <= year and (r.year_to is None or year <= r.year_to)), None)


@settings(max_examples=300, deadline=None)
@given(history=histories(), requested=st.one_of(st.none(), st.integers(1, 10**9).map(Decimal)))
def test_the_year_end_of_any_year_is_the_replay_on_31_december(
    history: tuple[list[E], list[P]], requested: Decimal | None
) -> None:
    events, payments = history
    periods = derive_periods(events, payments, support_requested=requested)
    year_ends = derive_year_ends(periods)
    for year in range(2022, 2029):
        day = D(year, 12, 31)
        # The year end is the period in force that day, and so what the replay says of that day.
        assert year_end_of(year_ends, year) == in_force(periods, day), year
        replay = snapshot(events, payments, day)  # type: ignore[arg-type]
        row = year_end_of(year_ends, year)
        assert (row.state if row else None) == replay.state
        if row is not None:
            assert (row.support, row.disbursed, row.percent) == (replay.support_approved, replay.paid, replay.percent)
    # Runs never overlap, are never two of the same period side by side, and only the last may be open.
    assert all(a.year_to is not None and a.year_to < b.year_from for a, b in itertools.pairwise(year_ends))
    assert all(a.period != b.period or a.year_to + 1 < b.year_from  # type: ignore[operator]
               for a, b in itertools.pairwise(year_ends))  # fmt: skip
    assert len(year_ends) <= len(periods)


def test_year_ends_join_the_years_that_ended_in_the_same_period() -> None:
    # Given a đề án approved in 2021, contracted in 2023 and unchanged since
    approved = Period(D(2021, 3, 1), D(2023, 5, 1), "approved", None, None, Decimal(5), None, None, Decimal(0), None,
                      D(2021, 3, 1), D(2021, 3, 1), None, None, None, None)  # fmt: skip
    contracted = Period(D(2023, 5, 1), None, "contracted", None, None, Decimal(5), Decimal(5), None, Decimal(0),
                        Decimal(5), D(2021, 3, 1), D(2021, 3, 1), None, D(2023, 5, 1), None, None)  # fmt: skip
    # Then 2021 and 2022 ended approved, and 2023 and every later year contracted
    assert derive_year_ends([approved, contracted]) == [YearEnd(2021, 2022, approved), YearEnd(2023, None, contracted)]
    # And a history with nothing in force yet on a 31 December has no year end for that year
    assert derive_year_ends([]) == []
    january = Period(D(2024, 1, 5), None, "registered", None, None, None, None, None, Decimal(0), None,
                     None, None, None, None, None, None)  # fmt: skip
    assert derive_year_ends([january]) == [YearEnd(2024, None, january)]


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
    # And the year end written in the same transaction says the same as the open period
    year_end = ProjectYearEnd.objects.get(project=project)
    assert (year_end.year_from, year_end.year_to, year_end.state) == (2026, None, "contracted")


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
    # A tampered year end is found too, and rebuilt
    year_end = ProjectYearEnd.objects.filter(year_to__isnull=True).first()
    assert year_end is not None
    ProjectYearEnd.objects.filter(pk=year_end.pk).update(support=(year_end.support or 0) + 1)
    with pytest.raises(CommandError, match="1 đề án"):
        call_command("kc_rebuild", "--check")
    ProjectYearEnd.objects.filter(pk=year_end.pk).delete()
    with pytest.raises(CommandError, match="1 đề án"):
        call_command("kc_rebuild", "--check")
    call_command("kc_rebuild")
    call_command("kc_rebuild", "--check")
    # A state kept on the đề án that is not today's period's (the deadlines find đề án by it) is found, and rebuilt
    drifted = ProjectPeriod.objects.filter(valid_to__isnull=True).exclude(state="settled").first()
    assert drifted is not None
    Project.objects.filter(pk=drifted.project_id).update(state="settled")
    with pytest.raises(CommandError, match="1 đề án"):
        call_command("kc_rebuild", "--check")
    call_command("kc_rebuild")
    call_command("kc_rebuild", "--check")
    assert Project.objects.get(pk=drifted.project_id).state == drifted.state
    with pytest.raises(CommandError, match="Không có đề án"):
        call_command("kc_rebuild", "--project", "KHONG-CO")
