from __future__ import annotations

import sys
from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone, translation
from django.views import defaults

from khuyencong.accounts import access
from khuyencong.core import conflicts
from khuyencong.core.language import visitor_language
from khuyencong.facilities.selectors import facility_list_for_user
from khuyencong.geography.models import AdminUnit
from khuyencong.projects.authority import may_create_projects
from khuyencong.reporting.selectors import reports_due

from .middleware import conflict_answer
from .selectors import home_inbox, territory_money


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    facilities = facility_list_for_user(user)
    organization = user.organization
    today = timezone.localdate()
    money = territory_money(user, today=today)
    return render(
        request,
        "web/home.html",
        {
            # Issue 15: the home page is the day's work — steps waiting, overdue đề án, reports due, recent changes,
            # and the territory's money this year.
            "inbox": home_inbox(user, today=today),
            "money": money,
            "today": today,
            "can_create_project": may_create_projects(user),
            "facility_count": facilities.count(),
            "scope": access.scope_of(user),
            # A template reading user.organization.territory fails loudly (a 500) when there is no organisation.
            "territory": (organization.territory or organization.region) if organization is not None else None,
            "can_create": access.may(user, access.Action.CREATE),
            "province_count": AdminUnit.objects.current().provinces().count(),
            # Issue 11: each body sees its own periodic reports on its home page, the Cục how many are late.
            "reports": reports_due(user, today=today),
        },
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """settings.CSRF_FAILURE_VIEW: a form sent from a page kept open too long, or after signing out and in again,
    answers in Vietnamese with the way back, not Django's English "403 Forbidden"."""
    return render(request, "403_csrf.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    """settings' handler500, for an error no view answered. A conflict with another transaction met outside a view —
    the session its middleware reads on the way in or saves on the way out — is still a refusal with its code, on a
    page that asks nothing of the database (the conflict may last), in the language known without it; met after the
    view answered, a write is not told that nothing was written. Django logs it too, as the uncaught error it is
    there. Anything else is the standalone server error page."""
    error = sys.exc_info()[1]
    if error is not None and conflicts.is_conflict(error):
        with translation.override(getattr(request, "LANGUAGE_CODE", None) or visitor_language(request)):
            return conflict_answer(request, error, standalone=True)
    return defaults.server_error(request)


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers and tools that ask for /favicon.ico without reading the page's icon link get the icon, not a 404."""
    return redirect(static("web/favicon.svg"))
