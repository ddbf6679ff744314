"""Report and dashboard pages: thin adapters over the report selectors, with the same scope rule for every format."""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet, Sum
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from khuyencong.accounts import access
from khuyencong.accounts.models import Role
from khuyencong.core.db import replica_reads
from khuyencong.core.forms import filters_that_hold
from khuyencong.core.numbers import format_number_active
from khuyencong.core.text import fold
from khuyencong.core.xlsx import list_workbook
from khuyencong.geography.models import Era
from khuyencong.projects.exports import EXPORT_COLUMNS, export_row
from khuyencong.projects.models import Project, ProjectKind
from khuyencong.projects.selectors import project_list_for_user

from .charts import report_charts
from .dashboard import (
    dashboard_data,
    dashboard_scope,
    figure_projects,
    latest_year,
    own_dashboard_data,
    products_panel,
)
from .forms import DashboardForm, MapForm, ReportForm, dashboard_units, default_report_query
from .layout import Col, Section, cell_text, figure_codes, figure_row, figure_tasks
from .provinces_map import MapFigure, map_data
from .render import render as render_report
from .render import table_context
from .scope import ReportScope
from .selectors import BuiltReport, report_build

CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
}
# Files that leave the system. The HTML "bản in" is the page itself laid out for the browser's print dialog: whoever
# may read the page may print it, so it is not gated as an export.
DOWNLOADS = frozenset({"json", "xlsx", "pdf"})


# A file name a Vietnamese reader understands ("bao-cao-tinh-…"), not the report kind's code ("provincial").
FILE_WORDS = {
    "provincial": pgettext_lazy("file name", "tinh"),
    "national": pgettext_lazy("file name", "quoc-gia"),
    "regional": pgettext_lazy("file name", "vung"),
    "programme": pgettext_lazy("file name", "chuong-trinh"),
    "products": pgettext_lazy("file name", "san-pham"),
}


def _query(request: HttpRequest, *drop: str) -> QueryDict:
    query = request.GET.copy()
    for key in drop:
        query.pop(key, None)
    return query


def _build(form: ReportForm, *, codes: bool) -> BuiltReport | None:
    data = form.cleaned_data
    try:
        return report_build(
            data["kind"],
            data["scope"],
            data["period_value"],
            program=data["program"].code if data.get("program") else None,
            user=form.user,
            codes=codes,
        )
    except ValueError as error:
        form.add_error(None, str(error))
        return None
    except PermissionDenied as error:
        # A choice of the form, not a forged address: the page stays, says why, and keeps what was chosen.
        form.add_error("provinces", _("%(reason)s Chọn tỉnh hoặc vùng thuộc địa bàn của bạn.") % {"reason": error})
        return None


def _linker(request: HttpRequest, sections: list[Section], records_url: str) -> Any:
    codes = {link[8:] for s in sections for t in s.tables for link in t.links if link and link.startswith("project:")}
    pks = dict(project_list_for_user(request.user).filter(code__in=codes).values_list("code", "pk"))
    query = _query(request, "format", "figure")

    def link(target: str) -> str | None:
        kind, _colon, value = target.partition(":")
        if kind == "project":
            pk = pks.get(value)
            return reverse("projects:detail", args=[pk]) if pk else None
        return f"{records_url}?{query.urlencode()}&{urlencode({'figure': value})}"

    return link


@login_required
@replica_reads
def report_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    fmt = request.GET.get("format", "")
    if fmt in DOWNLOADS and not access.can_export(user):
        raise PermissionDenied(_("Bạn không có quyền tải báo cáo về."))
    year = latest_year(project_list_for_user(user), timezone.localdate())
    form = ReportForm(request.GET or None, user=user, initial=default_report_query(user, year))
    # A downloaded report is an official document (Decree 30/2020/NĐ-CP Art. 8): built and written in Vietnamese
    # whatever language the page around it is read in.
    official = fmt in CONTENT_TYPES
    with translation.override("vi") if official else contextlib.nullcontext():
        # Only the JSON file carries the figures' lists of đề án; the page opens them through `report_records`.
        built = _build(form, codes=fmt == "json") if request.GET and form.is_valid() else None
        body = render_report(fmt, built.data, built.sections, built.document) if built and official else b""
    if built is not None and official:
        response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
        period = built.data["period"]
        word = FILE_WORDS[built.data["kind"]]
        name = f"{pgettext('file name', 'bao-cao')}-{word}-{period['from']}-{period['to']}.{fmt}"
        disposition = "inline" if fmt == "html" else "attachment"
        response["Content-Disposition"] = f'{disposition}; filename="{name}"'
        return response
    context: dict[str, Any] = {
        "form": form,
        "built": built,
        "query": _query(request, "format").urlencode(),
        "can_export": access.can_export(user),
    }
    if built is not None:
        link = _linker(request, built.sections, reverse("reports:records"))
        context["sections"] = table_context(built.sections, link)
        data = form.cleaned_data
        context["charts"] = report_charts(built.data, data["scope"], data["period_value"], link)
    return render(request, "reports/report_page.html", context, status=400 if form.errors else 200)


@login_required
@replica_reads
def report_records(request: HttpRequest) -> HttpResponse | FileResponse:
    """The đề án behind one figure of a report: the list has exactly as many rows as the figure's row counts (its
    đề án and, said apart, its other KC tasks)."""
    form = ReportForm(request.GET, user=request.user)
    built = _build(form, codes=True) if form.is_valid() else None
    if built is None:
        return render(request, "reports/report_page.html", {"form": form}, status=400)
    data = built.data
    row = figure_row(built.sections, request.GET.get("figure", ""))
    as_of = datetime.date.fromisoformat(data["period"]["as_of"])
    shown = RecordsHeading(
        label=row.label if row else data["title"],
        where=row.where if row else "",
        about=_("%(report)s · %(scope)s · số liệu tính đến ngày %(day)s")
        % {"report": data["title"], "scope": data["scope"]["name"], "day": f"{as_of:%d/%m/%Y}"},
        figures=row.figures if row else [],
    )
    return _records(request, data, shown, reverse("reports:page"))


@dataclass(frozen=True)
class RecordsHeading:
    """What a list of đề án behind a figure says above it: which figure (its label in the report), where it stands,
    of which report, and the figure's own totals as the report states them."""

    label: str
    where: str
    about: str
    figures: list[tuple[str, str]]


def _records(
    request: HttpRequest, data: dict[str, Any], heading: RecordsHeading, back: str
) -> HttpResponse | FileResponse:
    """A page of the figure's đề án at a time: only the page's codes reach the database (a programme's figure can
    stand for tens of thousands of đề án, more than SQLite binds in one statement)."""
    path = request.GET.get("figure", "")
    try:
        codes = figure_codes(data, path)
        tasks = figure_tasks(data, path)
    except (KeyError, IndexError, ValueError, TypeError) as error:
        raise Http404(_("Không có số liệu này trong báo cáo.")) from error
    if request.GET.get("format") == "xlsx":
        access.require_list_export(request.user)
        return _records_workbook(request, heading, _visible_by_code(request, sorted(codes)), expected=len(codes))
    page = Paginator(sorted(codes), RECORDS_PAGE).get_page(request.GET.get("page"))
    projects = list(
        project_list_for_user(request.user)
        .filter(code__in=list(page.object_list))
        .select_related("plan", "implementer", "province")
        .order_by("code")
    )
    hidden = len(page.object_list) - len(projects)
    return _records_page(request, heading, back, page, projects, hidden=hidden, tasks=tasks)


RECORDS_PAGE = 50
# The codes of a figure asked of the database at a time, for its Excel copy: under SQLite's bound parameters.
CODES_AT_A_TIME = 500


def _visible_by_code(request: HttpRequest, codes: list[str]) -> Iterator[Project]:
    """The figure's đề án that the user may see, in the order of their codes, a slice of codes at a time."""
    visible = project_list_for_user(request.user).select_related("plan", "implementer", "province", "content")
    for start in range(0, len(codes), CODES_AT_A_TIME):
        yield from visible.filter(code__in=codes[start : start + CODES_AT_A_TIME]).order_by("code")


def _records_workbook(
    request: HttpRequest, heading: RecordsHeading, projects: Iterable[Project], *, expected: int | None = None
) -> FileResponse:
    """Every đề án behind the figure as Excel (the page shows 50 at a time), in the đề án list's columns; `expected`:
    how many the figure counts, when some may lie outside what the user may see (said on the last row, as the page
    says it)."""
    access.require_list_export(request.user)
    columns = [(str(name), width) for name, width in EXPORT_COLUMNS]

    def rows() -> Iterator[list[Any]]:
        written = 0
        for project in projects:
            written += 1
            yield export_row(project, None)
        if expected is not None and expected > written:
            yield [_("%(n)s đề án của số liệu nằm ngoài phạm vi bạn được xem nên không có trong tệp.")
                   % {"n": format_number_active(expected - written)}]  # fmt: skip

    # The figure in the file's name («…-da-ky-hop-dong-…»): two figures taken the same minute are told apart.
    figure = slugify(fold(str(heading.label)))[:40].strip("-")
    return list_workbook(
        "-".join(filter(None, [pgettext("file name", "de-an-theo-so-lieu"), figure])),
        heading.label,
        columns,
        rows(),
    )


def _records_page(
    request: HttpRequest,
    heading: RecordsHeading,
    back: str,
    page: Page,
    projects: list[Project],
    *,
    hidden: int,
    tasks: int = 0,
) -> HttpResponse:
    """`tasks`: how many of the figure's records are other KC tasks, which its row counts apart from its đề án."""
    context = {
        "heading": heading,
        # Both amounts: a figure of đề án not yet approved (sent for appraisal) sums what was asked for.
        "page_requested": sum((p.support_requested or 0 for p in projects), Decimal(0)),
        "page_support": sum((p.support_approved or 0 for p in projects), Decimal(0)),
        "page": page,
        "projects": projects,
        "expected": page.paginator.count,
        "tasks": tasks,
        "projects_counted": page.paginator.count - tasks,
        "task_kind": ProjectKind.TASK,
        "hidden": hidden,
        "querystring": _query(request, "page").urlencode(),
        "back": f"{back}?{_query(request, 'figure', 'format', 'page').urlencode()}",
        "export": f"?{_query(request, 'format', 'page').urlencode()}&format=xlsx",
        "can_export": access.can_export(request.user),
    }
    return render(request, "reports/records.html", context)


@dataclass(frozen=True)
class DashboardView:
    """What a dashboard shows and what it was computed over, so that a figure can be opened as its list."""

    scope: ReportScope
    projects: QuerySet[Project]
    data: dict[str, Any]


def _dashboard(request: HttpRequest) -> tuple[DashboardForm, DashboardView | None]:
    """The figures the user may see, or None when they may see none (no role, no territory)."""
    user = request.user
    form = DashboardForm(request.GET or None, user=user)
    seen = access.scope_of(user)
    if seen.is_empty:
        return form, None
    # A refused choice (a province outside the territory, a day 31/02) is named above the figures and left out.
    data = filters_that_hold(form) if form.is_bound else {}
    today = timezone.localdate()
    as_of = data.get("as_of") or today
    units, region = dashboard_units(user, data.get("province"))
    visible = project_list_for_user(user)
    if not units and not seen.everything:
        # No province to show (a facility, a district, a commune): no units would otherwise mean the nation.
        year = data.get("year") or latest_year(visible, today)
        own = own_dashboard_data(_own_name(user), visible, year=year, as_of=as_of)
        return form, DashboardView(dashboard_scope([]), visible, own)
    scope = dashboard_scope(units, region=region)
    year = data.get("year") or latest_year(scope.projects(visible), today)
    return form, DashboardView(scope, visible, dashboard_data(scope, visible, year=year, as_of=as_of))


def _own_name(user: Any) -> str:
    if user.facility is not None and user.has_role(Role.FACILITY_REPRESENTATIVE):
        return str(user.facility.name)
    return str(user.organization) if user.organization is not None else str(user)


@login_required
@replica_reads
def dashboard(request: HttpRequest) -> HttpResponse:
    form, shown = _dashboard(request)
    if shown is None:
        return render(request, "reports/dashboard.html", {"form": form, "data": None})
    data = shown.data
    _agree(form, request.user)
    query = _query(request, "figure")
    query["year"] = str(data["year"])
    records = f"{reverse('reports:dashboard_records')}?{query.urlencode()}&"
    money_max = max((row["amount"] for row in data["money"]), default=0)
    funnel_max = max((row["count"] for row in data["funnel"]), default=0)
    content_max = max((row["count"] for row in data["contents"]), default=0)
    context = {
        "form": form,
        "data": data,
        "records": records,
        "money": [{**row, "width": _width(row["amount"], money_max)} for row in data["money"]],
        "funnel": [{**row, "width": _width(row["count"], funnel_max)} for row in data["funnel"]],
        "contents": [{**row, "width": _width(row["count"], content_max)} for row in data["contents"]],
        "provinces": [{**row, "width": _width(Decimal(row["percent"] or 0), 100)} for row in data["provinces"]],
        # The typical-product selection of a territory (not of a facility's or a district's own dashboard).
        "products": None
        if data.get("own")
        else products_panel(shown.scope, year=data["year"], as_of=datetime.date.fromisoformat(data["as_of"])),
    }
    return render(request, "reports/dashboard.html", context)


def _agree(form: DashboardForm, user: Any) -> None:
    """The selector says what the heading says: its empty choice is what the dashboard shows when no province is
    asked for ("Toàn quốc", the region) — and a province's own officials, who have no other choice, see their
    province selected."""
    field: Any = form.fields["province"]
    if access.scope_of(user).everything:
        field.empty_label = _("Toàn quốc")
        return
    units, region = dashboard_units(user, None)
    if region is None and len(units) == 1:
        field.empty_label = None
        field.initial = units[0].pk
        if form.is_bound and not form.data.get("province"):
            data = QueryDict(mutable=True)
            data.update(form.data)
            data["province"] = str(units[0].pk)
            form.data = data
    else:
        field.empty_label = region.name if region is not None else _("Cả địa bàn được giao")


def _width(value: int | Decimal, largest: int | Decimal) -> str:
    """A bar's share of the chart, in %, for an SVG width attribute."""
    if not largest or value <= 0:
        return "0"
    return str(min(Decimal(value) * 100 / Decimal(largest), Decimal(100)).quantize(Decimal("0.1")))


@login_required
@replica_reads
def dashboard_records(request: HttpRequest) -> HttpResponse | FileResponse:
    """The đề án behind one figure of the dashboard, read by the figure's own condition."""
    _form, shown = _dashboard(request)
    if shown is None:
        raise Http404(_("Không có số liệu này."))
    path = request.GET.get("figure", "")
    data = shown.data
    try:
        listed = figure_projects(shown.scope, shown.projects, data, path)
        _check_figure(data, path)
    except (KeyError, IndexError, ValueError, TypeError) as error:
        raise Http404(_("Không có số liệu này trong bảng điều khiển.")) from error
    ordered = listed.select_related("plan", "implementer", "province").order_by("code")
    if request.GET.get("format") == "xlsx":
        access.require_list_export(request.user)
        label = RecordsHeading(label=_dashboard_label(data, path), where="", about="", figures=[])
        return _records_workbook(request, label, ordered.select_related("content").iterator(chunk_size=500))
    page = Paginator(ordered, RECORDS_PAGE).get_page(request.GET.get("page"))
    if "on_support" in listed.query.annotations:
        sums = {"support": Sum("on_support", default=Decimal(0)), "disbursed": Sum("on_disbursed", default=Decimal(0))}
    else:
        # The overdue are today's state of each đề án, not a period's: their support is the one approved.
        sums = {"support": Sum("support_approved", default=Decimal(0))}
    totals = listed.order_by().aggregate(**sums)
    heading = RecordsHeading(
        label=_dashboard_label(data, path),
        where="",
        about=_("Bảng điều khiển năm %(year)s · %(scope)s · số liệu tính đến ngày %(day)s")
        % {
            "year": data["year"],
            "scope": data["scope"]["name"],
            "day": f"{datetime.date.fromisoformat(data['as_of']):%d/%m/%Y}",
        },
        figures=[(_("Kinh phí hỗ trợ (đồng)"), cell_text(totals["support"], Col.MONEY))]
        + ([(_("Đã giải ngân (đồng)"), cell_text(totals["disbursed"], Col.MONEY))] if "disbursed" in totals else []),
    )
    return _records_page(request, heading, reverse("reports:dashboard"), page, list(page.object_list), hidden=0)


def _dashboard_label(data: dict[str, Any], path: str) -> str:
    """A dashboard figure in words, as its tile or chart names it."""
    if path == "overdue":
        return _("Đề án quá hạn (hết năm kế hoạch, chưa nghiệm thu)")
    part, _dot, index = path.partition(".")
    row = data[part][int(index)]
    if part == "contents":
        return _("Đề án, nhiệm vụ được phê duyệt — %(content)s") % {"content": row["label"]}
    if part == "provinces":
        return _("Đề án đã giao thực hiện — %(province)s") % {"province": row["name"]}
    return str(row["label"])


def _check_figure(data: dict[str, Any], path: str) -> None:
    """A path that names a counted figure of the dashboard, else ValueError, KeyError or IndexError."""
    node: Any = data
    for part in filter(None, path.split(".")):
        node = node[int(part)] if isinstance(node, list) else node[part]
    if not isinstance(node, dict) or not isinstance(node.get("count"), int):
        raise ValueError(_("«%(path)s» không có danh sách đề án.") % {"path": path})


@login_required
@replica_reads
def provinces_map(request: HttpRequest) -> HttpResponse:
    """The provinces coloured by a figure of a plan year, each opening its records; over what the user may see."""
    form = MapForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    if access.scope_of(request.user).is_empty:
        return render(request, "reports/map.html", {"form": form, "map": None})
    today = timezone.localdate()
    year = data.get("year") or latest_year(project_list_for_user(request.user), today)
    shown = map_data(
        request.user,
        era=Era(data.get("era") or Era.FROM_2025),
        figure=MapFigure(data.get("figure") or MapFigure.RATE),
        year=year,
        as_of=data.get("as_of") or today,
    )
    status = 400 if form.errors else 200
    return render(request, "reports/map.html", {"form": form, "map": shown}, status=status)
