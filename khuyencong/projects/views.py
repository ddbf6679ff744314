from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from khuyencong.accounts import access
from khuyencong.core.forms import add_service_errors, run_service
from khuyencong.facilities.selectors import facility_list_for_user
from khuyencong.organizations.models import Organization
from khuyencong.programs.models import Plan
from khuyencong.programs.selectors import plan_list_for_user

from . import authority, rules, selectors, services
from .documents import document_attach as attach
from .forms import DocumentForm, EventForm, PaymentForm, ProjectCreateForm, ProjectFilterForm, ResultForm
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
    rows: Any = projects
    if as_of is not None:
        # The state on a past date comes from replaying each đề án's events up to that date.
        snapshots = selectors.projects_as_of(projects, as_of)
        wanted = form.cleaned_data["state"]
        rows = [(p, snapshots[p.pk]) for p in projects if not wanted or snapshots[p.pk].state == wanted]
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "projects/project_list.html",
        {"form": form, "page": page, "as_of": as_of, "querystring": query.urlencode()},
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
    return {
        "project": project,
        "events": project.events.select_related("organization", "actor"),
        "payments": project.payments.all(),
        "paid": services.payments_net(project),
        "results": project.results.all(),
        "findings": rules.project_findings(project, timezone.localdate()),
        "documents": project.documents.all(),
        "document_form": DocumentForm(prefix="document"),
        "can_attach": authority.can_attach_to_project(request.user, project),
        "result_form": ResultForm(prefix="result", initial={"on": timezone.localdate()})
        if authority.can_act_on_project(request.user, project, Action.PROGRESS)
        else None,
        "beneficiaries": project.beneficiaries.select_related("current_province"),
        "event_form": event_form or (EventForm(actions=actions, prefix="event") if actions else None),
        "payment_form": payment_form
        or (PaymentForm(initial={"on": timezone.localdate()}, prefix="payment") if can_pay else None),
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
        waiting = [p for p in visible.filter(state=state) if authority.can_act_on_project(request.user, p, action)]
        queues.append((title, waiting))
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
    if not (user.is_superuser or user.has_role("officer", "administrator")):
        raise PermissionDenied
    form = ProjectCreateForm(
        request.POST or None,
        plans=plan_list_for_user(user),
        implementers=access.organizations_in_scope(user, Organization.objects.all(), field="pk"),
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
