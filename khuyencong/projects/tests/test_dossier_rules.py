"""The dossier rules of Circular 36/2013/TT-BCT as data, read without the database, and the first advance judged over
the whole timeline at each boundary (Art. 13, 14)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest

from khuyencong.core.data import csv_rows
from khuyencong.projects import dossier_rules
from khuyencong.projects.dossier_rules import AdvanceCondition, DeadlineKind, DossierStep
from khuyencong.projects.models import DocumentKind, PaymentKind
from khuyencong.projects.timeline import check
from khuyencong.projects.workflow import Action

D = datetime.date
M = Decimal
CONTENTS = {row["code"] for row in csv_rows(dossier_rules.DATA_DIR / "contents.csv")}


@dataclass
class E:
    on: datetime.date
    action: str
    amount: Decimal | None = None
    percent: Decimal | None = None


@dataclass
class P:
    on: datetime.date
    kind: str
    amount: Decimal


def test_every_rule_names_a_known_content_a_known_kind_and_its_article() -> None:
    for rule in dossier_rules.required_documents():
        assert rule.content in CONTENTS
        assert DocumentKind(rule.kind)
        assert "36/2013" in rule.citation
        assert "Điều" in rule.citation
    for advance in dossier_rules.advance_rules():
        assert advance.content in CONTENTS
        assert M(0) < advance.first_percent <= 100
        assert (advance.threshold is not None) == (advance.condition == AdvanceCondition.PROGRESS)
        assert "Điều 13" in advance.citation
    assert {d.kind for d in dossier_rules.deadlines()} == set(DeadlineKind)


def test_the_rates_of_article_13_per_content() -> None:
    day = D(2026, 1, 1)
    assert dossier_rules.advance_rule_for("vocational_training", day).first_percent == 70  # type: ignore[union-attr]
    machinery = dossier_rules.advance_rule_for("machinery_application", day)
    assert machinery is not None
    assert (machinery.first_percent, machinery.threshold) == (70, 70)
    cluster = dossier_rules.advance_rule_for("linkage_cluster", day)
    assert cluster is not None
    assert (cluster.first_percent, cluster.threshold) == (30, 50)
    setup = dossier_rules.advance_rule_for("enterprise_setup", day)
    assert setup is not None
    assert (setup.first_percent, setup.condition) == (100, AdvanceCondition.ACCEPTANCE)


def test_a_training_acceptance_needs_the_signed_trainee_list_and_the_employment_confirmations() -> None:
    missing = dossier_rules.missing_documents("vocational_training", DossierStep.ACCEPTED, D(2026, 5, 1), [])
    assert {r.kind for r in missing} == {DocumentKind.TRAINEES, DocumentKind.EMPLOYMENT}
    assert (
        dossier_rules.missing_documents(
            "vocational_training", DossierStep.ACCEPTED, D(2026, 5, 1), [DocumentKind.TRAINEES, DocumentKind.EMPLOYMENT]
        )
        == []
    )


def test_a_rule_does_not_reach_before_its_start() -> None:
    assert dossier_rules.missing_documents("vocational_training", DossierStep.ACCEPTED, D(2013, 6, 1), []) == []
    assert dossier_rules.advance_rule_for("machinery_application", D(2013, 6, 1)) is None


def test_the_relevant_date_is_the_approval_whenever_the_step_is_entered() -> None:
    events = [E(D(2019, 2, 1), Action.SUBMITTED_FOR_APPRAISAL),
              E(D(2019, 3, 1), Action.APPROVED, M(1))]  # fmt: skip
    assert dossier_rules.relevant_date(events, D(2026, 1, 1)) == D(2019, 3, 1)
    assert dossier_rules.relevant_date(events[:1], D(2026, 1, 1)) == D(2019, 2, 1)
    assert dossier_rules.relevant_date([], D(2026, 1, 1)) == D(2026, 1, 1)


SUPPORT = M(100_000_000)


def contracted(*later: E) -> list[E]:
    return [
        E(D(2026, 2, 1), Action.SUBMITTED_FOR_APPRAISAL),
        E(D(2026, 2, 10), Action.APPRAISAL_PASSED, SUPPORT),
        E(D(2026, 3, 1), Action.APPROVED, SUPPORT),
        E(D(2026, 3, 5), Action.ASSIGNED),
        E(D(2026, 3, 20), Action.CONTRACT_SIGNED, SUPPORT),
        *later,
    ]


def judged(content: str, events: list[E], payments: list[P]) -> str | None:
    rule = dossier_rules.advance_rule_for(content, D(2026, 3, 1))
    _derived, breach = check(events, payments, advance_rule=rule)
    return breach.code if breach else None


@pytest.mark.parametrize(("done", "allowed"), [(69, False), (70, False), (71, True)])
def test_a_machinery_advance_waits_for_more_than_70_percent_of_the_investment(done: int, allowed: bool) -> None:
    events = contracted(E(D(2026, 5, 1), Action.PROGRESS, percent=M(done)))
    payments = [P(D(2026, 5, 2), PaymentKind.ADVANCE, M(70_000_000))]
    assert judged("machinery_application", events, payments) == (None if allowed else "advance_condition")


@pytest.mark.parametrize(("amount", "allowed"), [(69_999_999, True), (70_000_000, True), (70_000_001, False)])
def test_the_first_advance_is_at_most_70_percent_of_the_contract(amount: int, allowed: bool) -> None:
    payments = [P(D(2026, 3, 25), PaymentKind.ADVANCE, M(amount))]
    assert judged("vocational_training", contracted(), payments) == (None if allowed else "advance_above_rate")


@pytest.mark.parametrize(("done", "allowed"), [(49, False), (50, False), (51, True)])
def test_cluster_infrastructure_advances_30_percent_once_more_than_half_the_works_is_done(
    done: int, allowed: bool
) -> None:
    events = contracted(E(D(2026, 5, 1), Action.PROGRESS, percent=M(done)))
    assert judged("linkage_cluster", events, [P(D(2026, 5, 2), PaymentKind.ADVANCE, M(30_000_000))]) == (
        None if allowed else "advance_condition"
    )
    events = contracted(E(D(2026, 5, 1), Action.PROGRESS, percent=M(60)))
    assert judged("linkage_cluster", events, [P(D(2026, 5, 2), PaymentKind.ADVANCE, M(30_000_001))]) == (
        "advance_above_rate"
    )


def test_an_advance_entered_late_is_judged_by_the_progress_reported_by_its_own_date() -> None:
    # The voucher is dated before the 71% report: recorded after it, it is still refused.
    events = contracted(
        E(D(2026, 5, 1), Action.PROGRESS, percent=M(40)), E(D(2026, 6, 1), Action.PROGRESS, percent=M(71))
    )
    assert judged("machinery_application", events, [P(D(2026, 5, 15), PaymentKind.ADVANCE, M(1))]) == (
        "advance_condition"
    )
    assert judged("machinery_application", events, [P(D(2026, 6, 1), PaymentKind.ADVANCE, M(1))]) is None


def test_the_rest_is_paid_after_acceptance() -> None:
    events = contracted(E(D(2026, 8, 1), Action.ACCEPTED))
    before = [P(D(2026, 3, 25), PaymentKind.ADVANCE, M(70_000_000)), P(D(2026, 7, 1), PaymentKind.PAYMENT, M(1))]
    assert judged("vocational_training", events, before) == "advance_above_rate"
    after = [
        P(D(2026, 3, 25), PaymentKind.ADVANCE, M(70_000_000)),
        P(D(2026, 8, 1), PaymentKind.PAYMENT, SUPPORT - M(70_000_000)),
    ]
    assert judged("vocational_training", events, after) is None


def test_a_refund_makes_room_for_a_later_advance() -> None:
    payments = [
        P(D(2026, 3, 25), PaymentKind.ADVANCE, M(70_000_000)),
        P(D(2026, 4, 1), PaymentKind.REFUND, M(10_000_000)),
        P(D(2026, 4, 2), PaymentKind.ADVANCE, M(10_000_000)),
    ]
    assert judged("vocational_training", contracted(), payments) is None


def test_enterprise_set_up_is_paid_in_full_only_after_acceptance() -> None:
    events = contracted(E(D(2026, 8, 1), Action.ACCEPTED))
    assert judged("enterprise_setup", events, [P(D(2026, 7, 31), PaymentKind.ADVANCE, M(1))]) == (
        "advance_before_acceptance"
    )
    assert judged("enterprise_setup", events, [P(D(2026, 8, 1), PaymentKind.PAYMENT, SUPPORT)]) is None


def test_each_refusal_cites_its_article() -> None:
    rule = dossier_rules.advance_rule_for("vocational_training", D(2026, 3, 1))
    _derived, breach = check(contracted(), [P(D(2026, 3, 25), PaymentKind.ADVANCE, M(80_000_000))], advance_rule=rule)
    assert breach is not None
    assert "Điều 13" in breach.message
    assert "Điều 14" in breach.message
    assert "80.000.000" in breach.message
    assert "70.000.000" in breach.message


def test_unused_advances_are_refunded_before_settlement() -> None:
    events = contracted(E(D(2026, 8, 1), Action.ACCEPTED), E(D(2026, 9, 1), Action.SETTLED, M(50_000_000)))
    _derived, breach = check(events, [P(D(2026, 3, 25), PaymentKind.ADVANCE, M(70_000_000))])
    assert breach is not None
    assert breach.code == "settled_below_paid"
    assert "hoàn trả" in breach.message
