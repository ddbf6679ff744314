"""Every write to a đề án: one event per action, through the workflow, under a row lock, with the money rules."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from khuyencong.accounts import access
from khuyencong.accounts.models import User
from khuyencong.audit.models import AuditAction
from khuyencong.audit.services import audit_entry_write, audit_snapshot
from khuyencong.core.codes import created_under_new_code, require_free_code
from khuyencong.core.numbers import format_money
from khuyencong.facilities.models import Facility
from khuyencong.geography.models import Level
from khuyencong.organizations.models import Organization, OrganizationLevel
from khuyencong.programs.models import Plan

from . import rules
from .models import Payment, PaymentKind, Project, ProjectContent, ProjectEvent, ProjectKind, Result
from .workflow import FORWARDED_SOURCES, Action, Position, State, TransitionNotAllowed, advance

PAYABLE = {State.CONTRACTED, State.IN_PROGRESS, State.ACCEPTED, State.LIQUIDATED, State.ADJUSTMENT_REQUESTED}


def project_provinces(implementer: Organization, beneficiaries: Iterable[Facility]) -> tuple[int | None, int | None]:
    """(today's province, the province as recorded): a local implementer's, else the beneficiaries' if shared."""
    if implementer.level in (OrganizationLevel.PROVINCE, OrganizationLevel.DISTRICT, OrganizationLevel.COMMUNE):
        territory = implementer.territory
        if territory is not None:
            province = territory if territory.level == Level.PROVINCE else territory.ancestors()[-1]
            return territory.current_province_id or territory.pk, province.pk
    beneficiaries = list(beneficiaries)
    today = {f.current_province_id for f in beneficiaries}
    recorded = {f.province_id for f in beneficiaries}
    return (
        today.pop() if len(today) == 1 else None,
        recorded.pop() if len(recorded) == 1 else None,
    )


@transaction.atomic
def project_create(
    *,
    actor: User,
    code: str,
    title: str,
    plan: Plan,
    content: ProjectContent,
    kind: str,
    implementer: Organization,
    beneficiaries: Iterable[Facility] = (),
    round: int | None = None,
    total_cost: Decimal | None = None,
    support_requested: Decimal | None = None,
    counterpart: Decimal | None = None,
) -> Project:
    beneficiaries = list(beneficiaries)
    project = Project(
        code=code, title=title, plan=plan, content=content, kind=kind, round=round, implementer=implementer,
        total_cost=total_cost, support_requested=support_requested, counterpart=counterpart,
    )  # fmt: skip
    project.province_id, project.recorded_province_id = project_provinces(implementer, beneficiaries)
    if not access.can_create_project(actor, implementer=implementer, province_id=project.province_id):
        raise PermissionDenied("Bạn không có quyền lập đề án cho đơn vị thực hiện và địa bàn này.")
    errors: dict[str, str] = {}
    if kind == ProjectKind.TASK and beneficiaries:
        errors["beneficiaries"] = "Nhiệm vụ khuyến công khác không có cơ sở thụ hưởng."
    if kind == ProjectKind.FACILITY and len(beneficiaries) > 1:
        errors["beneficiaries"] = "Đề án hỗ trợ một cơ sở chỉ có một cơ sở thụ hưởng; nhiều cơ sở là đề án nhóm."
    if total_cost is not None and support_requested is not None and support_requested > total_cost:
        errors["support_requested"] = (
            f"Kinh phí đề nghị hỗ trợ {format_money(support_requested)} lớn hơn tổng kinh phí "
            f"{format_money(total_cost)}."
        )
    if errors:
        raise ValidationError(errors)
    require_free_code(Project, code, "đề án")
    project.full_clean(exclude=["province", "recorded_province"])
    with created_under_new_code(Project, code, "đề án"):
        project.save()
    project.beneficiaries.set(beneficiaries)
    audit_entry_write(
        actor=actor,
        action=AuditAction.CREATE,
        instance=project,
        before={},
        after=audit_snapshot(project, ["code", "title", "plan", "content", "kind", "round", "implementer",
                                       "total_cost", "support_requested", "counterpart"]),
    )  # fmt: skip
    return project


def _money_rules(project: Project, action: Action, amount: Decimal | None, percent: Decimal | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    current = project.support_approved
    requested = project.support_requested
    if action == Action.APPRAISAL_PASSED and amount is not None and requested is not None and amount > requested:
        errors["amount"] = (
            f"Kinh phí thẩm định {format_money(amount)} lớn hơn kinh phí đề nghị {format_money(requested)}."
        )
    if action == Action.APPROVED:
        if amount is None:
            errors["amount"] = "Phê duyệt phải ghi kinh phí hỗ trợ được duyệt."
        elif project.support_appraised is not None and amount > project.support_appraised:
            errors["amount"] = (
                f"Kinh phí phê duyệt {format_money(amount)} lớn hơn kinh phí đã thẩm định "
                f"{format_money(project.support_appraised)}."
            )
    if (
        action in (Action.CONTRACT_SIGNED, Action.SETTLED)
        and amount is not None
        and current is not None
        and amount > current
    ):
        errors["amount"] = f"Số tiền {format_money(amount)} vượt kinh phí hỗ trợ được duyệt {format_money(current)}."
    if action == Action.SETTLED:
        if amount is None:
            errors["amount"] = "Quyết toán phải ghi số kinh phí quyết toán."
        else:
            paid = payments_net(project)
            if amount < paid:
                errors["amount"] = f"Số quyết toán {format_money(amount)} nhỏ hơn số đã chi {format_money(paid)}."
    if action == Action.PROGRESS:
        if percent is None:
            errors["percent"] = "Báo cáo tiến độ phải ghi tỷ lệ khối lượng hoàn thành (%)."
        elif project.percent is not None and percent < project.percent:
            errors["percent"] = f"Tiến độ không thể giảm (lần trước {project.percent}%)."
    return errors


@transaction.atomic
def project_record_event(
    *,
    project: Project,
    actor: User,
    action: str,
    on: datetime.date,
    amount: Decimal | None = None,
    percent: Decimal | None = None,
    note: str = "",
    document: str = "",
    organization: Organization | None = None,
) -> ProjectEvent:
    """Records one step of the đề án's life. Back-dating is allowed (records entered after the fact), but never before
    the previous event, and never into the future."""
    # Two people acting on the same đề án at once: the row lock makes the second wait and see the first's result.
    project = Project.objects.select_for_update().select_related("plan").get(pk=project.pk)
    act = Action(action)
    if not access.can_act_on_project(actor, project, act):
        raise PermissionDenied(f"Bạn không có quyền «{act.label}» đề án {project.code}.")
    # A beneficiary's request reaches the approving body through the implementer (Circular 36/2013 Art. 11).
    by = organization or actor.organization or (project.implementer if actor.facility_id else None)
    if by is None:
        raise ValidationError({"organization": "Không xác định được cơ quan thực hiện thao tác."})
    if on > timezone.localdate():
        raise ValidationError({"on": "Ngày của sự kiện không thể ở tương lai."})
    last = project.events.order_by("-seq").first()
    if last is not None and on < last.on:
        raise ValidationError({"on": f"Ngày {on:%d/%m/%Y} trước sự kiện liền trước ({last.on:%d/%m/%Y})."})
    if act == Action.FORWARDED and project.plan.funding_source not in FORWARDED_SOURCES:
        raise ValidationError(
            {"action": "Chỉ đề án khuyến công quốc gia mới chuyển lên Bộ; đề án địa phương do UBND tỉnh phê duyệt."}
        )
    try:
        position = advance(Position(State(project.state) if project.state else None,
                                    State(project.resume_to) if project.resume_to else None), act)  # fmt: skip
    except TransitionNotAllowed as refused:
        raise ValidationError({"action": f"Đề án {project.code}: {refused}"}) from refused
    errors = _money_rules(project, act, amount, percent)
    if errors:
        raise ValidationError(errors)
    # Old đề án are judged by the rules in force on the date of the act, not today's.
    legal: dict[str, list[str]] = {}
    if act in (Action.APPRAISAL_PASSED, Action.APPROVED, Action.ADJUSTMENT_APPROVED) and amount is not None:
        legal["amount"] = [str(f) for f in rules.support_cap_findings(project, amount, on) if f.severity == rules.ERROR]
    if act == Action.APPROVED:
        legal["action"] = [str(f) for f in rules.eligibility_findings(project, on) if f.severity == rules.ERROR]
    if any(legal.values()):
        raise ValidationError({name: messages for name, messages in legal.items() if messages})

    assert position.state is not None
    event = ProjectEvent.objects.create(
        project=project, seq=(last.seq + 1) if last else 1, on=on, action=act, organization=by, actor=actor,
        amount=amount, percent=percent, note=note, document=document, state_after=position.state,
    )  # fmt: skip
    project.state, project.resume_to = position.state, position.resume_to
    _apply_amounts(project, act, amount, percent)
    project.save()
    return event


def _apply_amounts(project: Project, action: Action, amount: Decimal | None, percent: Decimal | None) -> None:
    if action == Action.APPRAISAL_PASSED and amount is not None:
        project.support_appraised = amount
    elif action == Action.APPROVED or (action == Action.ADJUSTMENT_APPROVED and amount is not None):
        # The previous approved amount stays on its own event: the adjustment keeps the earlier version.
        project.support_approved = amount
    elif action == Action.CONTRACT_SIGNED:
        project.support_contracted = amount
    elif action == Action.PROGRESS:
        project.percent = percent
    elif action == Action.ACCEPTED:
        project.percent = Decimal(100)
    elif action == Action.SETTLED:
        project.support_settled = amount


def project_submit(
    *,
    project: Project,
    actor: User,
    on: datetime.date,
    amount: Decimal | None = None,
    note: str = "",
    document: str = "",
) -> ProjectEvent:
    return project_record_event(
        project=project, actor=actor, action=Action.SUBMITTED_FOR_APPRAISAL, on=on, amount=amount, note=note,
        document=document,
    )  # fmt: skip


def project_approve(
    *, project: Project, actor: User, on: datetime.date, amount: Decimal, note: str = "", document: str = ""
) -> ProjectEvent:
    return project_record_event(
        project=project, actor=actor, action=Action.APPROVED, on=on, amount=amount, note=note, document=document
    )


def project_sign_contract(
    *,
    project: Project,
    actor: User,
    on: datetime.date,
    amount: Decimal | None = None,
    note: str = "",
    document: str = "",
) -> ProjectEvent:
    return project_record_event(
        project=project, actor=actor, action=Action.CONTRACT_SIGNED, on=on, amount=amount, note=note, document=document
    )


def project_report_progress(
    *, project: Project, actor: User, on: datetime.date, percent: Decimal, note: str = ""
) -> ProjectEvent:
    return project_record_event(project=project, actor=actor, action=Action.PROGRESS, on=on, percent=percent, note=note)


def payments_net(project: Project) -> Decimal:
    """Advances and payments less refunds."""
    payments = project.payments.all()
    out = payments.exclude(kind=PaymentKind.REFUND).aggregate(total=Sum("amount", default=Decimal(0)))["total"]
    back = payments.filter(kind=PaymentKind.REFUND).aggregate(total=Sum("amount", default=Decimal(0)))["total"]
    return out - back


@transaction.atomic
def payment_record(
    *, project: Project, actor: User, on: datetime.date, kind: str, amount: Decimal, document: str = ""
) -> Payment:
    """Advances + payments − refunds never exceed the approved (or adjusted) support; nothing is paid before the
    contract or after settlement (Circular 36/2013 Art. 12–18); after a stop only refunds are recorded."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if not access.can_act_on_project(actor, project, Action.SETTLED):
        raise PermissionDenied(f"Bạn không có quyền ghi thanh toán của đề án {project.code}.")
    if amount <= 0:
        raise ValidationError({"amount": "Số tiền phải lớn hơn 0."})
    if on > timezone.localdate():
        raise ValidationError({"on": "Ngày chứng từ không thể ở tương lai."})
    contract = project.events.filter(action=Action.CONTRACT_SIGNED).order_by("seq").first()
    state = State(project.state) if project.state else None
    if kind != PaymentKind.REFUND:
        if contract is None or state not in PAYABLE:
            label = state.label if state else "—"
            raise ValidationError(
                {"kind": f"Chưa thể tạm ứng, thanh toán khi đề án ở trạng thái «{label}»; "
                         "phải có hợp đồng và chưa dừng, chưa quyết toán."}
            )  # fmt: skip
        if on < contract.on:
            raise ValidationError({"on": f"Ngày chứng từ trước ngày ký hợp đồng ({contract.on:%d/%m/%Y})."})
    elif state == State.SETTLED:
        raise ValidationError({"kind": "Đề án đã quyết toán; không ghi thêm chứng từ."})
    out_of_year = rules.fiscal_year_findings(project, on) if kind != PaymentKind.REFUND else []
    if out_of_year:
        raise ValidationError({"on": [str(f) for f in out_of_year]})
    paid = payments_net(project)
    support = project.support_approved
    if kind == PaymentKind.REFUND:
        if amount > paid:
            raise ValidationError(
                {"amount": f"Số hoàn trả {format_money(amount)} lớn hơn số đã chi {format_money(paid)}."}
            )
    elif support is None or paid + amount > support:
        raise ValidationError(
            {"amount": f"Vượt kinh phí hỗ trợ: đã chi {format_money(paid)}, thêm {format_money(amount)}, "
                       f"kinh phí được duyệt {format_money(support) if support is not None else 'chưa có'}."}
        )  # fmt: skip
    payment = Payment(project=project, on=on, kind=kind, amount=amount, document=document, actor=actor)
    payment.full_clean()
    payment.save()
    return payment


@transaction.atomic
def result_record(*, project: Project, actor: User, indicator: str, value: Decimal, on: datetime.date) -> Result:
    if not access.can_act_on_project(actor, project, Action.PROGRESS):
        raise PermissionDenied(f"Bạn không có quyền ghi kết quả của đề án {project.code}.")
    result = Result(project=project, indicator=indicator, value=value, on=on)
    result.full_clean()
    result.save()
    return result
