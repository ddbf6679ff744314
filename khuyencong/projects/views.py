from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST, require_safe

from khuyencong.accounts import access
from khuyencong.core.collation import by_name
from khuyencong.core.db import replica_reads
from khuyencong.core.forms import VoidForm, add_service_errors, filters_that_hold, run_service
from khuyencong.core.pagination import KeyPaginator
from khuyencong.core.xlsx import Plain, list_workbook
from khuyencong.dossiers.forms36 import FORMS
from khuyencong.dossiers.signing import certificate_in_force
from khuyencong.facilities.models import Facility
from khuyencong.facilities.selectors import provinces_for_user
from khuyencong.organizations.models import Organization

from . import authority, choices, deadlines, dossier_rules, rules, selectors, services
from .documents import document_attach as attach
from .documents import document_void
from .exports import EXPORT_COLUMNS, export_row
from .forms import (
    CounterpartForm,
    DocumentForm,
    EventCorrectForm,
    EventForm,
    HistoryForm,
    PaymentForm,
    ProjectCreateForm,
    ProjectFilterForm,
    ResultForm,
)
from .models import DocumentKind, Project
from .workflow import Action

PAGE_SIZE = 50


def _get_or_404(request: HttpRequest, pk: int) -> Project:
    try:
        return selectors.project_get_for_user(request.user, pk)
    except Project.DoesNotExist as exc:
        raise Http404(_("Không tìm thấy đề án.")) from exc


def actions_for(request: HttpRequest, project: Project) -> list[Action]:
    return selectors.project_actions_for(request.user, project)


def _filtered(request: HttpRequest) -> tuple[ProjectFilterForm, QuerySet[Project], datetime.date | None]:
    """The đề án of the list page and of its Excel copy: the user's, narrowed by the filters, newest first."""
    user = request.user
    form = ProjectFilterForm(
        request.GET or None,
        provinces=provinces_for_user(user),
        implementers=by_name(access.organizations_in_scope(user, Organization.objects.all(), field="pk")),
    )
    projects = selectors.project_list_for_user(user)
    data = filters_that_hold(form)
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
    if data["overdue"]:
        projects = selectors.overdue_projects(projects)
    sort = data["sort"]
    if sort == "title":
        projects = by_name(projects, "title")
    elif sort == "code":
        projects = projects.order_by("code")
    else:
        # Newest first: the latest plan year, and within it the latest entered (ids grow with entry).
        projects = projects.order_by("-plan__year", "-pk")
    return form, projects, as_of


@login_required
@replica_reads
def project_list(request: HttpRequest) -> HttpResponse:
    form, projects, as_of = _filtered(request)
    keys, rows_of_page = projects, projects
    if as_of is not None:
        # The state on a past date is the period in force that day: filtered, counted and paginated in SQL. A đề án
        # has at most one period in force on a day, so without a state asked for, the join cannot change the count.
        state = filters_that_hold(form)["state"] or None
        rows_of_page = selectors.with_state_on(projects, as_of, state=state)
        keys = rows_of_page if state else projects
    page = KeyPaginator(keys, rows_of_page, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(p, selectors.state_on(p)) for p in page.object_list] if as_of is not None else page.object_list
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "projects/project_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "as_of": as_of,
            "querystring": query.urlencode(),
            "can_export": access.can_export(request.user),
        },
    )


@login_required
@replica_reads
def project_export(request: HttpRequest) -> FileResponse:
    """The list as an Excel workbook, with the page's filters; as of a day, each đề án's state and approved support
    that day, as the page shows them."""
    access.require_list_export(request.user)
    form, projects, as_of = _filtered(request)
    if as_of is not None:
        projects = selectors.with_state_on(projects, as_of, state=filters_that_hold(form)["state"] or None)
    rows = (export_row(p, as_of) for p in projects.select_related("content").iterator(chunk_size=2000))
    columns = [(str(heading), width) for heading, width in EXPORT_COLUMNS]
    return list_workbook(pgettext("file name", "de-an"), _("Đề án"), columns, rows)


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
    missing: dict[Action, list[str]] | None = None,
) -> dict[str, Any]:
    """`missing`: the documents the steps offered lack, when the caller has read them already."""
    user: Any = request.user
    events = list(project.events.select_related("organization", "actor", "voided_by", "voided_actor"))
    if missing is None:
        missing = _missing_for(project, actions, [e for e in events if not e.is_voided])
    can_record_result = authority.can_record_result(user, project)
    can_attach = authority.can_attach_to_project(user, project)
    # A beneficiary's representative attaches its own kinds of document (self-service), and voids none.
    document_kinds = authority.document_kinds_for(user, project)
    can_counterpart = authority.can_record_counterpart(user, project)
    # Vouchers are offered only once a contract stands (Circular 36/2013 Art. 13: no advance before it), dated by
    # default inside the plan's budget year, the only days a voucher may carry.
    contracted = project.events.standing().filter(action=Action.CONTRACT_SIGNED).exists()
    today = timezone.localdate()
    voucher_day = today if project.plan.year >= today.year else datetime.date(project.plan.year, 12, 31)
    return {
        "project": project,
        # Each entry with whether this user may void or correct it; voided ones stay listed, struck out.
        "events": [(e, not e.is_voided and authority.can_correct_event(user, project, e)) for e in events],
        "payments": [(p, not p.is_voided and can_pay) for p in project.payments.select_related("voided_actor")],
        "paid": services.payments_net(project),
        "results": [(r, not r.is_voided and can_record_result) for r in project.results.select_related("voided_actor")],
        "findings": rules.project_findings(project, timezone.localdate()),
        "checklist": selectors.document_checklist(project),
        "counterpart_vouchers": [
            (v, not v.is_voided and can_counterpart)
            for v in project.counterpart_vouchers.select_related("voided_actor")
        ],
        "counterpart_evidenced": selectors.counterpart_total(project),
        "counterpart_form": CounterpartForm(prefix="counterpart", initial={"on": voucher_day})
        if can_counterpart and contracted
        else None,
        "documents": [
            (d, not d.is_voided and can_attach)
            for d in project.documents.select_related("voided_actor").prefetch_related("signatures")
        ],
        "document_form": DocumentForm(prefix="document", kinds=document_kinds),
        "can_attach": document_kinds is not None,
        # Past steps are entered before the first step taken live; after it, the history is what happens here.
        "history_form": HistoryForm(prefix="history", project=project)
        if authority.can_enter_history(user, project) and not any(not e.is_voided and not e.transcribed for e in events)
        else None,
        "result_form": ResultForm(prefix="result", initial={"on": timezone.localdate()}) if can_record_result else None,
        "beneficiaries": project.beneficiaries.select_related("current_province"),
        # Linked only where the user may open the facility (a representative sees the other beneficiaries' names).
        "visible_beneficiaries": set(
            access.facilities_in_scope(user, project.beneficiaries.all()).values_list("pk", flat=True)
        ),
        "event_form": event_form
        or (EventForm(actions=actions, blocked=set(missing), prefix="event") if actions else None),
        # The steps offered that the dossier does not allow yet, and what each waits for (refused if sent).
        "missing_documents": list(missing.items()),
        # To whoever takes no step now: what comes next and whose it is.
        "next_steps": [] if actions else selectors.project_next_steps(project),
        "payment_form": payment_form
        or (PaymentForm(initial={"on": voucher_day}, prefix="payment") if can_pay and contracted else None),
        # The dossier's forms, generated from the records (Circular 36/2013): a download, so the export permission.
        "dossier_forms": [(key, label) for key, (label, _) in FORMS.items()] if access.can_export(user) else [],
        # Signing is offered only where it can succeed: the body acting as implementer today (its successor once the
        # 2025 reform dissolved it) has loaded its certificate.
        "can_sign": access.can_export(user) and certificate_in_force(authority.acting_implementer(project)) is not None,
    }


def _missing_for(project: Project, actions: list[Action], events: list[Any]) -> dict[Action, list[str]]:
    """For each step offered, the documents it still lacks (`services.documents_lacking`), named."""
    if not actions:
        return {}
    day = dossier_rules.relevant_date(events, timezone.localdate())
    lacking = services.documents_lacking(project, actions, day)
    return {Action(step): [str(DocumentKind(r.kind).label) for r in documents] for step, documents in lacking.items()}


@login_required
@require_POST
def project_act(request: HttpRequest, pk: int) -> HttpResponse:
    project = _get_or_404(request, pk)
    actions = actions_for(request, project)
    if not actions:
        raise PermissionDenied
    missing = _missing_for(project, actions, list(project.events.standing()))
    form = EventForm(request.POST, actions=actions, blocked=set(missing), prefix="event")
    user: Any = request.user
    if (
        form.is_valid()
        and run_service(form, lambda: services.project_record_event(project=project, actor=user, **form.cleaned_data))
        is not None
    ):
        messages.success(
            request,
            _("Đã ghi «%(label)s» cho đề án %(code)s.")
            % {"label": Action(form.cleaned_data["action"]).label, "code": project.code},
        )
        if form.cleaned_data["action"] == Action.CONTRACT_SIGNED:
            for finding in rules.contract_year_findings(project, form.cleaned_data["on"]):
                messages.warning(request, f"{finding.message} ({finding.citation}).")
        return redirect("projects:detail", pk=project.pk)
    can_pay = authority.can_act_on_project(request.user, project, Action.SETTLED)
    context = _detail_context(request, project, actions, can_pay, event_form=form, missing=missing)
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
        messages.success(request, _("Đã ghi chứng từ cho đề án %(code)s.") % {"code": project.code})
        return redirect("projects:detail", pk=project.pk)
    context = _detail_context(request, project, actions_for(request, project), True, payment_form=form)
    return render(request, "projects/project_detail.html", context, status=400)


@login_required
@require_POST
def project_counterpart(request: HttpRequest, pk: int) -> HttpResponse:
    """Declares a voucher of the facility's own share (vốn đối ứng)."""
    project = _get_or_404(request, pk)
    user: Any = request.user
    if not authority.can_record_counterpart(user, project):
        raise PermissionDenied
    form = CounterpartForm(request.POST, prefix="counterpart")
    if (
        form.is_valid()
        and run_service(form, lambda: services.counterpart_record(project=project, actor=user, **form.cleaned_data))
        is not None
    ):
        messages.success(request, _("Đã ghi chứng từ vốn đối ứng cho đề án %(code)s.") % {"code": project.code})
        return redirect("projects:detail", pk=project.pk)
    context = _detail_context(request, project, actions_for(request, project), authority.can_pay(user, project))
    context["counterpart_form"] = form
    return render(request, "projects/project_detail.html", context, status=400)


@login_required
def project_queue(request: HttpRequest) -> HttpResponse:
    """Đề án waiting for something this user may do, one list per step, and the dossier's deadlines passed."""
    visible = selectors.project_list_for_user(request.user)
    today = timezone.localdate()
    # Each list is counted and shows its first rows only: nationally the late items run to tens of thousands, and a page
    # that listed them all took 26 s on the 200,000-đề án benchmark. The due date of each row shown is read from its
    # annotations.
    late = []
    for queue in deadlines.overdue_deadlines(visible, today=today):
        count, rows = _first_rows(selectors.as_queue_rows(queue.projects), count=queue.count)
        late.append((queue, count, [(p, deadlines.due_date(queue, p, today)) for p in rows]))
    overdue_count, overdue = _first_rows(selectors.as_queue_rows(selectors.overdue_projects(visible)))
    queues = selectors.work_queues(request.user, limit=QUEUE_ROWS)
    # The lists with nothing in them are named in one line, not a heading each ("Không có." eleven times over).
    empty = [str(q.title) for q in queues if not q.count] + [str(q.label) for q, count, _rows in late if not count]
    if not overdue_count:
        empty.append(_("Quá hạn năm ngân sách"))
    return render(
        request,
        "projects/project_queue.html",
        {
            "queues": queues,
            "empty": empty,
            "overdue": overdue,
            "overdue_count": overdue_count,
            "deadlines": late,
            "shown": QUEUE_ROWS,
            "today": today,
            "can_export": access.can_export(request.user),
        },
    )


QUEUE_ROWS = 100


@login_required
@replica_reads
def project_queue_export(request: HttpRequest) -> FileResponse:
    """The whole work queue as Excel, a row per item (the page shows the first 100 of each list): the steps waiting for
    this user, the dossier duties past their deadline, the budget years ended with work open; each with its due day."""
    access.require_list_export(request.user)
    visible = selectors.project_list_for_user(request.user)
    today = timezone.localdate()
    columns = [(_("Việc"), 34), (_("Mã đề án"), 20), (_("Tên đề án"), 50), (_("Kế hoạch"), 18), (_("Năm kế hoạch"), 8),
               (_("Trạng thái"), 22), (_("Chờ từ ngày"), 12), (_("Hạn"), 12)]  # fmt: skip

    def rows() -> Iterator[list[Any]]:
        for title, _state, _action, waiting in selectors.waiting_lists(request.user):
            for p in waiting.select_related("plan").iterator(chunk_size=500):
                since = p.waiting_since  # type: ignore[attr-defined]
                yield [str(title), p.code, p.title, p.plan.code, Plain(p.plan.year), p.get_state_display(), since,
                       selectors.budget_year_end(p.plan.year)]  # fmt: skip
        for queue in deadlines.overdue_deadlines(visible, today=today):
            label = _("Quá hạn: %(label)s") % {"label": queue.label}
            for p in queue.projects.select_related("plan").iterator(chunk_size=500):
                yield [label, p.code, p.title, p.plan.code, Plain(p.plan.year), p.get_state_display(), None,
                       deadlines.due_date(queue, p, today)]  # fmt: skip
        for p in selectors.overdue_projects(visible, today=today).select_related("plan").iterator(chunk_size=500):
            yield [str(_("Quá hạn năm ngân sách")), p.code, p.title, p.plan.code, Plain(p.plan.year),
                   p.get_state_display(), None, selectors.budget_year_end(p.plan.year)]  # fmt: skip

    return list_workbook(pgettext("file name", "viec-cho-xu-ly"), _("Việc chờ xử lý"), columns, rows())


def _first_rows(projects: QuerySet[Project], *, count: Callable[[], int] | None = None) -> tuple[int, list[Project]]:
    """The count (by `count` when the list has a cheaper one) and the first rows in the list's order. The keys of the
    first rows are found first: ordering tens of thousands of whole rows, with their plan and organisations joined,
    took twice as long as ordering their keys (the Cục's late liquidations on the 200,000-đề án benchmark)."""
    keys = list(projects.values_list("pk", flat=True)[:QUEUE_ROWS])
    found = {project.pk: project for project in projects.filter(pk__in=keys)}
    return (count or projects.count)(), [found[key] for key in keys]


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
    user: Any = request.user
    kinds = authority.document_kinds_for(user, project)
    if kinds is None:
        raise PermissionDenied(_("Bạn không có quyền đính kèm tài liệu vào đề án %(code)s.") % {"code": project.code})
    form = DocumentForm(request.POST, request.FILES, prefix="document", kinds=kinds)
    if (
        form.is_valid()
        and run_service(form, lambda: attach(project=project, actor=user, **form.cleaned_data)) is not None
    ):
        messages.success(request, _("Đã đính kèm tài liệu."))
        return redirect("projects:detail", pk=project.pk)
    context = _detail_context(request, project, actions_for(request, project), False)
    context["document_form"] = form
    return render(request, "projects/project_detail.html", context, status=400)


def _prefill(request: HttpRequest) -> dict[str, Any]:
    """ "Lập đề án" from a facility's page names it as beneficiary; a facility outside the user's scope, or no
    facility at all, is answered as missing."""
    given = request.GET.get("beneficiary")
    if request.method != "GET" or not given:
        return {}
    try:
        facility = choices.beneficiary_choices(request.user).get(pk=int(given))
    except (ValueError, Facility.DoesNotExist) as exc:
        raise Http404(_("Không tìm thấy cơ sở.")) from exc
    return {"beneficiaries": facility.code}


@login_required
def project_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not authority.may_create_projects(user):
        raise authority.creation_refused()
    offered = selectors.project_creation_choices(user)
    initial = _prefill(request)
    # A centre mostly enters its own đề án: its body is the implementer offered first, where it may be one.
    if user.organization_id is not None and offered.implementers.filter(pk=user.organization_id).exists():
        initial.setdefault("implementer", user.organization_id)
    form = ProjectCreateForm(
        request.POST or None,
        initial=initial,
        plans=offered.plans,
        implementers=offered.implementers,
        facilities=offered.facilities,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            project = services.project_create(
                actor=user,
                code=data["code"] or selectors.next_project_code(data["plan"]),
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
            messages.success(request, _("Đã lập đề án %(code)s.") % {"code": project.code})
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
        messages.success(request, _("Đã ghi kết quả."))
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
            messages.success(
                request,
                _("Đã nhập lịch sử «%(action)s» của %(organization)s.")
                % {"action": written.get_action_display(), "organization": written.organization},
            )
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
            raise PermissionDenied(
                _("Bạn không có quyền đính chính «%(action)s».") % {"action": event.get_action_display()}
            )
        services.project_void_event(project=project, event=event, actor=user, reason=reason)
        return _("Đã huỷ bỏ «%(action)s» ngày %(on)s.") % {
            "action": event.get_action_display(),
            "on": f"{event.on:%d/%m/%Y}",
        }
    if kind == "payment":
        payment = get_object_or_404(project.payments, pk=entry_pk)
        if not authority.can_pay(user, project):
            raise PermissionDenied(_("Bạn không có quyền đính chính thanh toán của đề án này."))
        services.payment_void(project=project, payment=payment, actor=user, reason=reason)
        return _("Đã huỷ bỏ chứng từ ngày %(on)s.") % {"on": f"{payment.on:%d/%m/%Y}"}
    if kind == "counterpart":
        voucher = get_object_or_404(project.counterpart_vouchers, pk=entry_pk)
        if not authority.can_record_counterpart(user, project):
            raise PermissionDenied(_("Bạn không có quyền đính chính vốn đối ứng của đề án này."))
        services.counterpart_void(project=project, voucher=voucher, actor=user, reason=reason)
        return _("Đã huỷ bỏ chứng từ đối ứng ngày %(on)s.") % {"on": f"{voucher.on:%d/%m/%Y}"}
    if kind == "result":
        result = get_object_or_404(project.results, pk=entry_pk)
        if not authority.can_record_result(user, project):
            raise PermissionDenied(_("Bạn không có quyền đính chính kết quả của đề án này."))
        services.result_void(project=project, result=result, actor=user, reason=reason)
        return _("Đã huỷ bỏ kết quả «%(indicator)s».") % {"indicator": result.get_indicator_display()}
    document = get_object_or_404(project.documents, pk=entry_pk)
    if not authority.can_attach_to_project(user, project):
        raise PermissionDenied(_("Bạn không có quyền đính chính tài liệu của đề án này."))
    document_void(project=project, document=document, actor=user, reason=reason)
    return _("Đã huỷ bỏ tài liệu «%(title)s».") % {"title": document.title}


VOIDABLE = ("event", "payment", "result", "document", "counterpart")


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
            messages.success(request, _("Đã đính chính «%(action)s».") % {"action": event.get_action_display()})
            return redirect("projects:detail", pk=project.pk)
    else:
        errors = [f"{form.fields[name].label}: {e}" if name in form.fields else str(e)
                  for name, field in form.errors.items() for e in field]  # fmt: skip
    context = _detail_context(request, project, actions_for(request, project), authority.can_pay(user, project))
    context["correction_errors"] = errors
    return render(request, "projects/project_detail.html", context, status=400)


PICKERS: dict[str, Callable[..., list[choices.Choice]]] = {
    "facilities": choices.search_facilities,
    "organizations": choices.search_organizations,
    "plans": choices.search_plans,
}


def picker_answer(request: HttpRequest, search: Callable[..., list[choices.Choice]]) -> JsonResponse:
    """A picker's answer to what was typed (here and on the products pages): at most PICKER_ROWS rows, and whether
    there are more; a query longer than any name is refused with its code."""
    query = request.GET.get("q", "")
    if len(query) > choices.QUERY_MAX:
        return JsonResponse(
            {
                "code": "query_too_long",
                "message": _("Ô tìm kiếm dài quá %(QUERY_MAX)s ký tự.") % {"QUERY_MAX": choices.QUERY_MAX},
            },
            status=400,
        )
    found = search(request.user, query, limit=choices.PICKER_ROWS + 1)
    return JsonResponse(
        {"results": [c.as_json() for c in found[: choices.PICKER_ROWS]], "more": len(found) > choices.PICKER_ROWS}
    )


def _picker(kind: str) -> Callable[[HttpRequest], JsonResponse]:
    @login_required
    @require_safe
    def view(request: HttpRequest) -> JsonResponse:
        """The rows a picker of the đề án form offers for what was typed: only what the user may choose there, and
        only to those who may open that form."""
        if not authority.may_create_projects(request.user):
            refused = authority.creation_refused()
            return JsonResponse({"code": refused.code, "message": str(refused)}, status=403)
        return picker_answer(request, PICKERS[kind])

    view.__name__ = f"pick_{kind}"
    return view


pick_facilities = _picker("facilities")
pick_organizations = _picker("organizations")
pick_plans = _picker("plans")
