"""The language switch: the choice is kept on the account (and in a cookie, so that the login page follows it)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from khuyencong.accounts import access
from khuyencong.accounts.services import user_language_set


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    language = request.POST.get("language", "")
    # Back to the page the switch was pressed on (the Referer; `next` when given): the page does not echo its own
    # address into a form, so that a page refusing an address never shows it back.
    target = request.POST.get("next") or request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("web:home")
    response = HttpResponseRedirect(target)
    if language not in dict(settings.LANGUAGES):
        messages.error(request, _("Ngôn ngữ «%(code)s» không có.") % {"code": language[:20]})
        return response
    if access.can_choose_language(user):
        try:
            user_language_set(actor=user, language=language)
        except ValidationError as error:  # a race with a removed language: said, nothing written
            messages.error(request, " ".join(error.messages))
            return response
    translation.activate(language)
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax",
                        secure=request.is_secure())  # fmt: skip
    return response
