"""Error answers that Django leaves bare, given the pages' Vietnamese and navigation."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from khuyencong.core import conflicts
from khuyencong.core.conflicts import is_write_conflict


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


class WriteConflictMiddleware:
    """A page whose write met another at the same moment (`core.conflicts`) says so and that nothing was written,
    with its code, instead of the server error page; the API's own handler answers it as JSON."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_write_conflict(exception):
            return None
        page = render(
            request, "write_conflict.html", {"message": conflicts.MESSAGE, "code": conflicts.WRITE_CONFLICT}, status=503
        )
        page["Retry-After"] = str(conflicts.RETRY_AFTER)
        return page
