from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from khuyencong.accounts import access
from khuyencong.core.db import replica_reads
from khuyencong.core.forms import VoidForm, add_service_errors, run_service
from khuyencong.core.pagination import KeyPaginator
from khuyencong.dossiers.forms36 import FORMS
from khuyencong.facilities.selectors import facility_list_for_user
from khuyencong.organizations.models import Organization
from khuyencong.programs.models import Plan
from khuyencong.programs.selectors import plan_list_for_user

from . import authority, rules, selectors, services
from .documents import document_attach as attach
from .documents import document_void
from .forms import (
    DocumentForm,
    EventCorrectForm,
    EventForm,
    HistoryForm,
    PaymentForm,
    ProjectCreateForm,
    ProjectFilterForm,
    ResultForm,
)
from .models import Project
from .workflow import Action, State

PAGE_SIZE = 50


def _get_or_404(request: HttpRequest, pk: int) -> Project:
    try:
        return selectors.project_get_for_user(request.user, pk)
    except Project.DoesNotExist as exc:
        raise Http404("Không tìm thấy đề án.") from exc


def actions_for(request: HttpRequest, project: Project) -> list[Action]:
    return selectors.project_actions_for(request.user, project)


@login_required
@replica_reads
def project_list(request: HttpRequest) -> HttpResponse:
    form = ProjectFilterForm(request.GET or None)
    projects = selectors.project_list_for_user(request.user)
    as_of = None
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            projects = projects.filter(Q(code__icontains=data["q"]) | Q(title__icontains=data["q"]))
        if data["year"]:
            projects = projects.filter(plan__year=data["year"])
        for field in ("funding_source", "content", "round", "province", "implementer"):
            if data[field]:
                projects = projects.filter(**{("plan__" if field == "funding_source" else "") + field: data[field]})
        as_of = data["as_of"]
        if data["state"] and as_of is None:
            projects = projects.filter(state=data["state"])
    keys, rows_of_page = projects, projects
    if as_of is not None:
        # The state on a past date is the period in force that day: filtered, counted and paginated in SQL. A đề án
        # has at most one period in force on a day, so without a state asked for, the join cannot change the count.
        state = form.cleaned_data["state"] or None
        rows_of_page = selectors.with_state_on(projects, as_of, state=state)
        keys = rows_of_page if state else projects
    page = KeyPaginator(keys, rows_of_page, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(p, selectors.state_on(p)) for p in page.object_list] if as_of is not None else page.object_list
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "projects/project_list.html",
        {"form": form, "page": page, "rows": rows, "as_of": as_of, "querystring": query.urlencode()},
    )


@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = _get_or_404(request, pk)
    actions = actions_for(request, project)
    can_pay = project.state is not None and authority.can_act_on_project(request.user, project, Action.SETTLED)
    return render(request, "projects/project_detail.html", _detail_context(request, project, actions, can_pay))


def _detail_context(
    request: HttpRequest,
    project: Project,
    actions: list[Action],
    can_pay: bool,
    event_form: EventForm | None = None,
    payment_form: PaymentForm | None = None,
) -> dict[str, Any]:
    user: Any = request.user
    events = list(project.events.select_related("organization", "actor", "voided_by", "voided_actor"))
    can_record_result = authority.can_record_result(user, project)
    can_attach = authority.can_attach_to_project(user, project)
    return {
        "project": project,
        # Each entry with whether this user may void or correct it; voided ones stay listed, struck out.
        "events": [(e, not e.is_voided and authority.can_correct_event(user, project, e)) for e in events],
        "payments": [(p, not p.is_voided and can_pay) for p in project.payments.select_related("voided_actor")],
        "paid": services.payments_net(project),
        "results": [(r, not r.is_voided and can_record_result) for r in project.results.select_related("voided_actor")],
        "findings": rules.project_findings(project, timezone.localdate()),
        "documents": [
            (d, not d.is_voided and can_attach)
            for d in project.documents.select_related("voided_actor").prefetch_related("signatures")
        ],
        "document_form": DocumentForm(prefix="document"),
        "can_attach": can_attach,
        # Past steps are entered before the first step taken live; after it, the history is what happens here.
        "history_form": HistoryForm(prefix="history", project=project)
        if authority.can_enter_history(user, project) and not any(not e.is_voided and not e.transcribed for e in events)
        else None,
        "result_form": ResultForm(prefix="result", initial={"on": timezone.localdate()}) if can_record_result else None,
        "beneficiaries": project.beneficiaries.select_related("current_province"),
        "event_form": event_form or (EventForm(actions=actions, prefix="event") if actions else None),
        "payment_form": payment_form
        or (PaymentForm(initial={"on": timezone.localdate()}, prefix="payment") if can_pay else None),
        # The dossier's forms, generated from the records (Circular 36/2013): a download, so the export permission.
        "dossier_forms": [(key, label) for key, (label, _) in FORMS.items()] if access.can_export(user) else [],
    }


@login_required
@require_POST
def project_act(request: HttpRequest, pk: int) -> HttpResponse:
    project = _get_or_404(request, pk)
    actions = actions_for(request, project)
    if not actions:
        raise PermissionDenied
    form = EventForm(request.POST, actions=actions, prefix="event")
    user: Any = request.user
    if (
        form.is_valid()
        and run_service(form, lambda: services.project_record_event(project=project, actor=user, **form.cleaned_data))
        is not None
    ):
        messages.success(request, f"Đã ghi «{Action(form.cleaned_data['action']).label}» cho đề án {project.code}.")
        if form.cleaned_data["action"] == Action.CONTRACT_SIGNED:
            for finding in rules.contract_year_findings(project, form.cleaned_data["on"]):
                messages.warning(request, f"{finding.message} ({finding.citation}).")
        return redirect("projects:detail", pk=project.pk)
    can_pay = authority.can_act_on_project(request.user, project, Action.SETTLED)
    context = _detail_context(request, project, actions, can_pay, event_form=form)
    return render(request, "projects/project_detail.html", context, status=400)


@login_required
@require_POST
def project_pay(request: HttpRequest, pk: int) -> HttpResponse:
    project = _get_or_404(request, pk)
    if not authority.can_act_on_project(request.user, project, Action.SETTLED):
        raise PermissionDenied
    form = PaymentForm(request.POST, prefix="payment")
    user: Any = request.user
    if (
        form.is_valid()
        and run_service(form, lambda: services.payment_record(project=project, actor=user, **form.cleaned_data))
        is not None
    ):
        messages.success(request, f"Đã ghi chứng từ cho đề án {project.code}.")
        return redirect("projects:detail", pk=project.pk)
    context = _detail_context(request, project, actions_for(request, project), True, payment_form=form)
    return render(request, "projects/project_detail.html", context, status=400)


QUEUES = [
    ("Chờ thẩm định", State.SUBMITTED, Action.APPRAISAL_PASSED),
    ("Chờ phê duyệt", State.APPRAISED, Action.APPROVED),
    ("Chờ phê duyệt (đã chuyển Bộ)", State.FORWARDED, Action.APPROVED),
    ("Chờ giao thực hiện", State.APPROVED, Action.ASSIGNED),
    ("Chờ ký hợp đồng", State.ASSIGNED, Action.CONTRACT_SIGNED),
    ("Xin điều chỉnh chờ quyết định", State.ADJUSTMENT_REQUESTED, Action.ADJUSTMENT_APPROVED),
    ("Xin dừng chờ quyết định", State.STOP_REQUESTED, Action.STOPPED),
]


@login_required
def project_queue(request: HttpRequest) -> HttpResponse:
    """Đề án waiting for something this user may do, one list per step."""
    visible = selectors.project_list_for_user(request.user)
    queues = []
    for title, state, action in QUEUES:
        # One query per queue: the authority table as a database condition, not a check per đề án.
        waiting = visible.filter(authority.actionable(request.user, action), state=state).distinct()
        queues.append((title, list(waiting)))
    return render(
        request, "projects/project_queue.html", {"queues": queues, "overdue": selectors.overdue_projects(visible)}
    )


@login_required
def project_document(request: HttpRequest, pk: int, document_pk: int) -> FileResponse:
    """Served only through the đề án's scope; MEDIA_ROOT is never exposed as static files."""
    project = _get_or_404(request, pk)
    document = get_object_or_404(project.documents, pk=document_pk)
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )


@login_required
@require_POST
def project_attach(request: HttpRequest, pk: int) -> HttpResponse:
    project = _get_or_404(request, pk)
    form = DocumentForm(request.POST, request.FILES, prefix="document")
    user: Any = request.user
    if (
        form.is_valid()
        and run_service(form, lambda: attach(project=project, actor=user, **form.cleaned_data)) is not None
    ):
        messages.success(request, "Đã đính kèm tài liệu.")
        return redirect("projects:detail", pk=project.pk)
    context = _detail_context(request, project, actions_for(request, project), False)
    context["document_form"] = form
    return render(request, "projects/project_detail.html", context, status=400)


def _next_code(plan: Plan) -> str:
    prefix = f"{plan.code}-"
    numbers = [
        int(c[len(prefix) :])
        for c in Project.objects.filter(code__startswith=prefix).values_list("code", flat=True)
        if c[len(prefix) :].isdigit()
    ]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


@login_required
def project_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not authority.may_create_projects(user):
        raise PermissionDenied(
            "Bạn không có quyền lập đề án (cần vai trò cán bộ nghiệp vụ của một cơ quan có địa bàn)."
        )
    form = ProjectCreateForm(
        request.POST or None,
        plans=plan_list_for_user(user),
        # Bodies dissolved by the 2025 reform implement no new đề án.
        implementers=access.organizations_in_scope(
            user, Organization.objects.active_on(timezone.localdate()), field="pk"
        ),
        facilities=facility_list_for_user(user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            project = services.project_create(
                actor=user,
                code=data["code"] or _next_code(data["plan"]),
                title=data["title"],
                plan=data["plan"],
                content=data["content"],
                kind=data["kind"],
                implementer=data["implementer"],
                beneficiaries=data["beneficiaries"],
                round=data["round"],
                total_cost=data["total_cost"],
                support_requested=data["support_requested"],
                counterpart=data["counterpart"],
            )
        except PermissionDenied as denied:
            form.add_error("implementer", str(denied))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Đã lập đề án {project.code}.")
            return redirect("projects:detail", pk=project.pk)
    return render(request, "projects/project_form.html", {"form": form})


@login_required
@require_POST
def project_result(request: HttpRequest, pk: int) -> HttpResponse:
    project = _get_or_404(request, pk)
    if not authority.can_act_on_project(request.user, project, Action.PROGRESS):
        raise PermissionDenied
    form = ResultForm(request.POST, prefix="result")
    user: Any = request.user
    if (
        form.is_valid()
        and run_service(form, lambda: services.result_record(project=project, actor=user, **form.cleaned_data))
        is not None
    ):
        messages.success(request, "Đã ghi kết quả.")
        return redirect("projects:detail", pk=project.pk)
    context = _detail_context(request, project, actions_for(request, project), False)
    context["result_form"] = form
    return render(request, "projects/project_detail.html", context, status=400)


@login_required
@require_POST
def project_history(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Nhập lịch sử": a step taken before the đề án was in the system, in the name of the body that took it."""
    project = _get_or_404(request, pk)
    if not authority.can_enter_history(request.user, project):
        raise PermissionDenied
    form = HistoryForm(request.POST, prefix="history", project=project)
    user: Any = request.user
    if form.is_valid():
        data = form.cleaned_data
        written = run_service(
            form,
            lambda: services.project_record_event(project=project, actor=user, transcribed=True, **data),
        )
        if written is not None:
            messages.success(request, f"Đã nhập lịch sử «{written.get_action_display()}» của {written.organization}.")
            return redirect("projects:detail", pk=project.pk)
    context = _detail_context(request, project, actions_for(request, project), authority.can_pay(user, project))
    context["history_form"] = form
    return render(request, "projects/project_detail.html", context, status=400)


def _void_one(request: HttpRequest, project: Project, kind: str, entry_pk: int, reason: str) -> str:
    """Voids one entry of the đề án through its service; returns what to tell the user."""
    user: Any = request.user
    if kind == "event":
        event = get_object_or_404(project.events, pk=entry_pk)
        if not authority.can_correct_event(user, project, event):
            raise PermissionDenied(f"Bạn không có quyền đính chính «{event.get_action_display()}».")
        services.project_void_event(project=project, event=event, actor=user, reason=reason)
        return f"Đã huỷ bỏ «{event.get_action_display()}» ngày {event.on:%d/%m/%Y}."
    if kind == "payment":
        payment = get_object_or_404(project.payments, pk=entry_pk)
        if not authority.can_pay(user, project):
            raise PermissionDenied("Bạn không có quyền đính chính thanh toán của đề án này.")
        services.payment_void(project=project, payment=payment, actor=user, reason=reason)
        return f"Đã huỷ bỏ chứng từ ngày {payment.on:%d/%m/%Y}."
    if kind == "result":
        result = get_object_or_404(project.results, pk=entry_pk)
        if not authority.can_record_result(user, project):
            raise PermissionDenied("Bạn không có quyền đính chính kết quả của đề án này.")
        services.result_void(project=project, result=result, actor=user, reason=reason)
        return f"Đã huỷ bỏ kết quả «{result.get_indicator_display()}»."
    document = get_object_or_404(project.documents, pk=entry_pk)
    if not authority.can_attach_to_project(user, project):
        raise PermissionDenied("Bạn không có quyền đính chính tài liệu của đề án này.")
    document_void(project=project, document=document, actor=user, reason=reason)
    return f"Đã huỷ bỏ tài liệu «{document.title}»."


VOIDABLE = ("event", "payment", "result", "document")


@login_required
@require_POST
def project_void(request: HttpRequest, pk: int, kind: str, entry_pk: int) -> HttpResponse:
    project = _get_or_404(request, pk)
    if kind not in VOIDABLE:
        raise Http404
    form = VoidForm(request.POST)
    errors: list[str] = []
    if form.is_valid():
        try:
            message = _void_one(request, project, kind, entry_pk, form.cleaned_data["reason"])
        except ValidationError as refused:
            errors = refused.messages
        else:
            messages.success(request, message)
            return redirect("projects:detail", pk=project.pk)
    else:
        errors = [str(e) for field in form.errors.values() for e in field]
    user: Any = request.user
    context = _detail_context(request, project, actions_for(request, project), authority.can_pay(user, project))
    context["correction_errors"] = errors
    return render(request, "projects/project_detail.html", context, status=400)


@login_required
@require_POST
def project_correct(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    """Supersedes a step: the wrong one is voided and the corrected one takes its place in the history."""
    project = _get_or_404(request, pk)
    event = get_object_or_404(project.events, pk=entry_pk)
    user: Any = request.user
    if not authority.can_correct_event(user, project, event):
        raise PermissionDenied
    form = EventCorrectForm(request.POST)
    errors: list[str] = []
    if form.is_valid():
        try:
            services.project_correct_event(project=project, event=event, actor=user, **form.cleaned_data)
        except ValidationError as refused:
            errors = refused.messages
        else:
            messages.success(request, f"Đã đính chính «{event.get_action_display()}».")
            return redirect("projects:detail", pk=project.pk)
    else:
        errors = [f"{form.fields[name].label}: {e}" if name in form.fields else str(e)
                  for name, field in form.errors.items() for e in field]  # fmt: skip
    context = _detail_context(request, project, actions_for(request, project), authority.can_pay(user, project))
    context["correction_errors"] = errors
    return render(request, "projects/project_detail.html", context, status=400)
