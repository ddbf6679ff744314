"""Error answers that Django leaves bare, given the pages' Vietnamese and navigation."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy

from khuyencong.core import conflicts


class MethodNotAllowedPageMiddleware:
    """`require_POST` answers a GET (a bookmarked or retyped action address) with an empty 405, which a browser shows
    as a blank page. The pages' 405 says what happened and where to go; the API's own 405 (JSON) is left alone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 405 or response.content or request.path.startswith("/api/"):
            return response
        page = render(request, "405.html", status=405)
        if "Allow" in response:
            page["Allow"] = response["Allow"]
        return page


# Set on the request's environ (a dotted key, as PEP 3333 leaves such keys to the application) once its view has
# answered: a conflict met after that, saving the session on the way out, may follow a committed write.
VIEW_ANSWERED = "khuyencong.view_answered"


class ConflictMiddleware:
    """A page whose request met another transaction at the same moment (`core.conflicts`) says so — that nothing
    was written, or that the page could not be read yet — with its code, instead of the server error page; the
    API's own handler answers it as JSON. "Nothing was written" holds because a service's writes are one
    transaction, rolled back whole; a view calling two services in turn would need its own outer transaction."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        request.META[VIEW_ANSWERED] = True
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not conflicts.is_conflict(exception):
            return None
        return conflict_answer(request, exception)


# Each conflict's page title and heading, for the page and its standalone twin alike.
CONFLICT_HEADINGS = {
    conflicts.READ_CONFLICT: (gettext_lazy("Chưa đọc được"), gettext_lazy("Chưa đọc được: dữ liệu đang được cập nhật")),
    conflicts.WRITE_CONFLICT: (
        gettext_lazy("Chưa ghi được"),
        gettext_lazy("Chưa ghi được: dữ liệu đang được người khác ghi"),
    ),
    conflicts.UNCONFIRMED_CONFLICT: (
        gettext_lazy("Chưa rõ đã ghi chưa"),
        gettext_lazy("Chưa rõ đã ghi chưa: dữ liệu đang được người khác ghi"),
    ),
}


def conflict_answer(request: HttpRequest, error: BaseException, *, standalone: bool = False) -> HttpResponse:
    """The 503 a request that met another transaction is answered with, to retry after `Retry-After` seconds: the
    page, or for the API the JSON its own handler gives (`api.exceptions`). A `standalone` page asks nothing of the
    request or the database (settings' handler500 answers conflicts the database may still be in)."""
    where = f"{request.method} {request.path}"
    after_view = bool(request.META.get(VIEW_ANSWERED))
    code, message = conflicts.refused(error, where, reading=conflicts.is_reading(request.method), after_view=after_view)
    answer: HttpResponse
    title, heading = CONFLICT_HEADINGS[code]
    # A read is offered to reload; a write that surely wrote nothing, to go back to its form with what was typed.
    context = {"message": message, "code": code, "title": title, "heading": heading,
               "reading": code == conflicts.READ_CONFLICT, "back": code == conflicts.WRITE_CONFLICT}  # fmt: skip
    if request.path.startswith("/api/"):
        answer = JsonResponse({"detail": message, "code": code}, status=503)
    elif standalone:
        answer = HttpResponse(render_to_string("conflict_standalone.html", context), status=503)
    else:
        answer = render(request, "conflict.html", context, status=503)
    answer["Retry-After"] = str(conflicts.RETRY_AFTER)
    return answer
