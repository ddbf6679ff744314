"""A đề án's whole timeline checked at once: its standing events in sequence and its payments in any order.

Records arrive late and out of order (from Word and Excel, from several people), and a correction can remove a step
that later ones relied on. So the money and workflow invariants are not checked against the last entry but over the
whole timeline, on every date: the workflow allows each move; dates never go back; advances + payments − refunds never
exceed the support in force that day nor fall below zero; nothing is paid before the contract, after settlement, or
(except refunds) after a stop; the settled amount covers what was paid (Circular 36/2013/TT-BCT Art. 12–18).
Pure Python over plain values, so that it is tested without the database.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from django.utils.translation import gettext as _

from khuyencong.core.numbers import format_money_active, format_number_active

from .dossier_rules import AdvanceCondition, AdvanceRule
from .workflow import Action, Position, State, TransitionNotAllowed, advance

PAYABLE = frozenset({State.CONTRACTED, State.IN_PROGRESS, State.ACCEPTED, State.LIQUIDATED,
                     State.ADJUSTMENT_REQUESTED})  # fmt: skip


class EventLike(Protocol):
    on: datetime.date
    action: str
    amount: Decimal | None
    percent: Decimal | None


class PaymentLike(Protocol):
    on: datetime.date
    kind: str
    amount: Decimal


@dataclass(frozen=True)
class Breach:
    """Why a timeline is not lawful: the field, a stable code, and a message naming the entry and its date."""

    field: str
    code: str
    message: str


@dataclass
class Derived:
    """What the events lead to: today's cached columns of the đề án, and the state after each event."""

    position: Position = field(default_factory=Position)
    states: list[State] = field(default_factory=list)
    percent: Decimal | None = None
    support_appraised: Decimal | None = None
    support_approved: Decimal | None = None
    support_contracted: Decimal | None = None
    support_settled: Decimal | None = None


def _label(action: str) -> str:
    return str(Action(action).label)


def derive(events: Sequence[EventLike], *, support_requested: Decimal | None = None) -> tuple[Derived, Breach | None]:
    """Replays the events in sequence; stops at the first step the workflow, the dates or the amounts forbid."""
    derived = Derived()
    previous: EventLike | None = None
    for event in events:
        if previous is not None and event.on < previous.on:
            return derived, Breach(
                "on",
                "date_order",
                _("«%(action)s» ngày %(on)s không thể trước bước liền trước nó («%(action2)s» ngày %(on2)s).")
                % {
                    "action": _label(event.action),
                    "on": f"{event.on:%d/%m/%Y}",
                    "action2": _label(previous.action),
                    "on2": f"{previous.on:%d/%m/%Y}",
                },
            )
        try:
            derived.position = advance(derived.position, event.action)
        except TransitionNotAllowed as refused:
            return derived, Breach(
                "action",
                "transition_not_allowed",
                _("Ngày %(on)s: %(refused)s") % {"on": f"{event.on:%d/%m/%Y}", "refused": refused},
            )
        breach = _amounts(derived, event, support_requested)
        if breach is not None:
            return derived, breach
        assert derived.position.state is not None
        derived.states.append(derived.position.state)
        previous = event
    return derived, None


def _amounts(derived: Derived, event: EventLike, requested: Decimal | None) -> Breach | None:
    action, amount, day = Action(event.action), event.amount, f"{event.on:%d/%m/%Y}"
    if action == Action.APPRAISAL_PASSED and amount is not None:
        if requested is not None and amount > requested:
            return Breach(
                "amount",
                "amount_above_requested",
                _("Kinh phí thẩm định %(amount)s (ngày %(day)s) lớn hơn kinh phí đề nghị %(requested)s.")
                % {"amount": format_money_active(amount), "day": day, "requested": format_money_active(requested)},
            )
        derived.support_appraised = amount
    elif action == Action.APPROVED:
        if amount is None:
            return Breach(
                "amount",
                "amount_required",
                _("Phê duyệt ngày %(day)s phải ghi kinh phí hỗ trợ được duyệt.") % {"day": day},
            )
        if derived.support_appraised is not None and amount > derived.support_appraised:
            return Breach(
                "amount",
                "amount_above_appraised",
                _("Kinh phí phê duyệt %(amount)s (ngày %(day)s) lớn hơn kinh phí đã thẩm định %(support_appraised)s.")
                % {
                    "amount": format_money_active(amount),
                    "day": day,
                    "support_appraised": format_money_active(derived.support_appraised),
                },
            )
        derived.support_approved = amount
    elif action == Action.ADJUSTMENT_APPROVED and amount is not None:
        derived.support_approved = amount
    elif action == Action.CONTRACT_SIGNED:
        if amount is not None and derived.support_approved is not None and amount > derived.support_approved:
            return Breach(
                "amount",
                "amount_above_support",
                _("Giá trị hợp đồng %(amount)s (ngày %(day)s) vượt kinh phí hỗ trợ được duyệt %(support_approved)s.")
                % {
                    "amount": format_money_active(amount),
                    "day": day,
                    "support_approved": format_money_active(derived.support_approved),
                },
            )
        derived.support_contracted = amount
    elif action == Action.PROGRESS:
        if event.percent is None:
            return Breach(
                "percent",
                "percent_required",
                _("Báo cáo tiến độ ngày %(day)s phải ghi tỷ lệ khối lượng hoàn thành (%%).") % {"day": day},
            )
        if derived.percent is not None and event.percent < derived.percent:
            message = _("Tiến độ không thể giảm: ngày %(day)s báo cáo %(percent)s%%, lần trước %(percent2)s%%.") % {
                "day": day,
                "percent": format_number_active(event.percent.normalize()),
                "percent2": format_number_active(derived.percent.normalize()),
            }
            return Breach("percent", "percent_decreased", message)
        derived.percent = event.percent
    elif action == Action.ACCEPTED:
        # TT 36/2013 Art. 16: acceptance settles the volume done within the contract; it cannot exceed it.
        ceiling = derived.support_contracted or derived.support_approved
        if amount is not None and ceiling is not None and amount > ceiling:
            return Breach(
                "amount",
                "amount_above_contract",
                _("Giá trị nghiệm thu %(amount)s (ngày %(day)s) vượt kinh phí hỗ trợ theo hợp đồng %(ceiling)s.")
                % {"amount": format_money_active(amount), "day": day, "ceiling": format_money_active(ceiling)},
            )
        derived.percent = Decimal(100)
    elif action == Action.SETTLED:
        if amount is None:
            return Breach(
                "amount",
                "amount_required",
                _("Quyết toán ngày %(day)s phải ghi số kinh phí quyết toán.") % {"day": day},
            )
        if derived.support_approved is not None and amount > derived.support_approved:
            return Breach(
                "amount",
                "amount_above_support",
                _("Số quyết toán %(amount)s (ngày %(day)s) vượt kinh phí hỗ trợ được duyệt %(support_approved)s.")
                % {
                    "amount": format_money_active(amount),
                    "day": day,
                    "support_approved": format_money_active(derived.support_approved),
                },
            )
        derived.support_settled = amount
    return None


@dataclass(frozen=True)
class _Day:
    """The đề án at the end of one day, from its events."""

    state: State | None
    support: Decimal | None
    contract_on: datetime.date | None
    settled: Decimal | None
    settled_on: datetime.date | None


def _days(events: Sequence[EventLike], states: Sequence[State]) -> list[tuple[datetime.date, _Day]]:
    out: list[tuple[datetime.date, _Day]] = []
    support = settled = None
    contract_on = settled_on = None
    for event, state in zip(events, states, strict=False):
        if event.action in (Action.APPROVED, Action.ADJUSTMENT_APPROVED) and event.amount is not None:
            support = event.amount
        if event.action == Action.CONTRACT_SIGNED and contract_on is None:
            contract_on = event.on
        if event.action == Action.SETTLED:
            settled, settled_on = event.amount, event.on
        day = _Day(state, support, contract_on, settled, settled_on)
        if out and out[-1][0] == event.on:
            out[-1] = (event.on, day)
        else:
            out.append((event.on, day))
    return out


def _on(days: list[tuple[datetime.date, _Day]], when: datetime.date) -> _Day:
    found = _Day(None, None, None, None, None)
    for on, day in days:
        if on > when:
            break
        found = day
    return found


# Steps that close the books at the end of their day: a voucher of that same day was paid before them.
CLOSING = frozenset({Action.SETTLED, Action.STOPPED})


def _payable_on(events: Sequence[EventLike], states: Sequence[State], day: datetime.date) -> tuple[State | None, bool]:
    """The state a voucher of `day` is judged against: after every step before that day and the day's own steps
    except those that close the books (the final payment and the settlement are often dated alike)."""
    state: State | None = None
    contracted = False
    for event, after in zip(events, states, strict=False):
        if event.on > day or (event.on == day and event.action in CLOSING):
            break
        state = after
        contracted = contracted or event.action == Action.CONTRACT_SIGNED
    return state, contracted


def check_payments(
    events: Sequence[EventLike],
    states: Sequence[State],
    payments: Iterable[PaymentLike],
    advance_rule: AdvanceRule | None = None,
) -> Breach | None:
    """Every voucher against the đề án as it stood on its date, and the running total on every date."""
    from .models import PaymentKind

    days = _days(events, states)
    ordered = sorted(payments, key=lambda p: (p.on, p.kind == PaymentKind.REFUND))
    contract_on = next((e.on for e in events if e.action == Action.CONTRACT_SIGNED), None)
    settled_on = next((e.on for e in events if e.action == Action.SETTLED), None)
    for payment in ordered:
        when = f"{payment.on:%d/%m/%Y}"
        if payment.kind == PaymentKind.REFUND:
            # Nothing is recorded once the đề án is settled (Circular 36/2013 Art. 18): the settlement closes its
            # books; a refund on the settlement day itself is part of them.
            if settled_on is not None and payment.on > settled_on:
                return Breach(
                    "on",
                    "after_settlement",
                    _(
                        "Chứng từ ngày %(when)s sau ngày quyết toán (%(settled_on)s); đề án đã quyết toán không "
                        "ghi thêm chứng từ."
                    )
                    % {"when": when, "settled_on": f"{settled_on:%d/%m/%Y}"},
                )
            continue
        if contract_on is not None and payment.on < contract_on:
            return Breach(
                "on",
                "before_contract",
                _("Ngày chứng từ %(when)s trước ngày ký hợp đồng (%(contract_on)s).")
                % {"when": when, "contract_on": f"{contract_on:%d/%m/%Y}"},
            )
        state, contracted = _payable_on(events, states, payment.on)
        if not contracted or state not in PAYABLE:
            label = state.label if state else _("chưa có sự kiện")
            return Breach(
                "kind",
                "not_payable",
                _(
                    "Chứng từ ngày %(when)s: chưa thể tạm ứng, thanh toán khi đề án ở trạng thái «%(label)s»; "
                    "phải có hợp đồng và chưa dừng, chưa quyết toán."
                )
                % {"when": when, "label": label},
            )
    net = Decimal(0)
    checkpoints = sorted({p.on for p in ordered} | {on for on, _ in days})
    by_day: dict[datetime.date, Decimal] = {}
    for payment in ordered:
        signed = -payment.amount if payment.kind == PaymentKind.REFUND else payment.amount
        by_day[payment.on] = by_day.get(payment.on, Decimal(0)) + signed
    for moment in checkpoints:
        net += by_day.get(moment, Decimal(0))
        day = _on(days, moment)
        if net < 0:
            return Breach(
                "amount",
                "refund_above_paid",
                _("Đến ngày %(moment)s số hoàn trả lớn hơn số đã chi, vượt %(value)s.")
                % {"moment": f"{moment:%d/%m/%Y}", "value": format_money_active(-net)},
            )
        if net > 0 and (day.support is None or net > day.support):
            limit = format_money_active(day.support) if day.support is not None else _("chưa có")
            return Breach(
                "amount",
                "payment_above_support",
                _("Vượt kinh phí hỗ trợ: đến ngày %(moment)s đã chi %(net)s, kinh phí được duyệt %(limit)s.")
                % {"moment": f"{moment:%d/%m/%Y}", "net": format_money_active(net), "limit": limit},
            )
        if day.settled is not None and day.settled_on == moment and net > day.settled:
            return Breach(
                "amount",
                "settled_below_paid",
                _(
                    "Số quyết toán %(settled)s (ngày %(moment)s) nhỏ hơn số đã chi %(net)s: phần tạm ứng không "
                    "dùng hết phải hoàn trả trước khi quyết toán (Thông tư 36/2013/TT-BCT Điều 12, 18)."
                )
                % {
                    "settled": format_money_active(day.settled),
                    "moment": f"{moment:%d/%m/%Y}",
                    "net": format_money_active(net),
                },
            )
    if advance_rule is not None:
        return _advance_breach(events, ordered, advance_rule)
    return None


def _advance_breach(events: Sequence[EventLike], ordered: Sequence[PaymentLike], rule: AdvanceRule) -> Breach | None:
    """Before acceptance only the first advance: at most the rule's rate of the contract (else the support in force),
    once its condition holds on the voucher's date; the rest after acceptance (Circular 36/2013 Art. 13, 14). Judged
    on every voucher's date, so a voucher entered late is checked against the progress reported by then."""
    from .models import PaymentKind

    net = Decimal(0)
    for payment in ordered:
        signed = -payment.amount if payment.kind == PaymentKind.REFUND else payment.amount
        net += signed
        # A voucher paid on paper before the system counts in the total, but is not judged: the progress and
        # invoices it was paid on were not transcribed with it (a live voucher after it is judged in full).
        if payment.kind == PaymentKind.REFUND or getattr(payment, "transcribed", False):
            continue
        accepted = any(e.action == Action.ACCEPTED and e.on <= payment.on for e in events)
        if accepted:
            continue
        when, cite = f"{payment.on:%d/%m/%Y}", rule.citation
        if rule.condition == AdvanceCondition.ACCEPTANCE:
            share = format_number_active(rule.first_percent.normalize())
            return Breach(
                "kind",
                "advance_before_acceptance",
                _(
                    "Chứng từ ngày %(when)s: nội dung này chỉ được tạm ứng, thanh toán %(share)s%% sau khi "
                    "nghiệm thu (%(cite)s)."
                )
                % {"when": when, "share": share, "cite": cite},
            )
        if rule.condition == AdvanceCondition.PROGRESS:
            done = _progress_on(events, payment.on)
            assert rule.threshold is not None
            if done is None or done <= rule.threshold:
                shown = f"{format_number_active(done.normalize())}%" if done is not None else _("chưa báo cáo")
                above = format_number_active(rule.threshold.normalize())
                return Breach(
                    "kind",
                    "advance_condition",
                    _(
                        "Chứng từ ngày %(when)s: chỉ được tạm ứng khi khối lượng thực hiện trên %(above)s%% (đến "
                        "ngày đó: %(shown)s) (%(cite)s)."
                    )
                    % {"when": when, "above": above, "shown": shown, "cite": cite},
                )
        base = _advance_base(events, payment.on)
        if base is None:
            continue
        ceiling = rule.ceiling(base)
        if net > ceiling:
            return Breach(
                "amount",
                "advance_above_rate",
                _(
                    "Đến ngày %(when)s, trước nghiệm thu, đã tạm ứng %(net)s, vượt %(first_percent)s%% giá trị "
                    "hợp đồng, kinh phí hỗ trợ %(base)s (tối đa %(ceiling)s); phần còn lại thanh toán sau "
                    "nghiệm thu (%(cite)s; Điều 14)."
                )
                % {
                    "when": when,
                    "net": format_money_active(net),
                    "first_percent": format_number_active(rule.first_percent.normalize()),
                    "base": format_money_active(base),
                    "ceiling": format_money_active(ceiling),
                    "cite": cite,
                },
            )
    return None


def _progress_on(events: Sequence[EventLike], day: datetime.date) -> Decimal | None:
    done: Decimal | None = None
    for event in events:
        if event.on > day:
            break
        if event.action == Action.PROGRESS and event.percent is not None:
            done = event.percent
    return done


def _advance_base(events: Sequence[EventLike], day: datetime.date) -> Decimal | None:
    """The contract's amount, else the support approved (or adjusted) in force on `day`."""
    support = contract = None
    for event in events:
        if event.on > day:
            break
        if event.action in (Action.APPROVED, Action.ADJUSTMENT_APPROVED) and event.amount is not None:
            support = event.amount
        if event.action == Action.CONTRACT_SIGNED and event.amount is not None:
            contract = event.amount
    if contract is not None and support is not None:
        return min(contract, support)
    return contract if contract is not None else support


def check(
    events: Sequence[EventLike],
    payments: Iterable[PaymentLike],
    *,
    support_requested: Decimal | None = None,
    advance_rule: AdvanceRule | None = None,
) -> tuple[Derived, Breach | None]:
    derived, breach = derive(events, support_requested=support_requested)
    if breach is None:
        breach = check_payments(events, derived.states, payments, advance_rule)
    return derived, breach
