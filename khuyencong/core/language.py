"""The language a page is read in: Vietnamese first, English when the user chose it.

Django's LocaleMiddleware would follow the browser's Accept-Language, so that a provincial officer on a browser set to
English would get English he never asked for; here the language is the user's own choice (kept on his account), or for
a visitor the cookie the switch sets, else Vietnamese.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


def chosen_language(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and getattr(user, "language", "") in dict(settings.LANGUAGES):
        return str(user.language)
    return visitor_language(request)


def visitor_language(request: HttpRequest) -> str:
    """The language of the switch's cookie, else Vietnamese: what is known of a request without its user (whose
    account is read from the database)."""
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return cookie if cookie in dict(settings.LANGUAGES) else str(settings.LANGUAGE_CODE)


class LanguageMiddleware:
    """Activates the chosen language for the request (after authentication, which it reads)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


def in_language(vietnamese: str, english: str) -> str:
    """A reference entry's text (a content's or a trade's name, read from the CSV data) in the reader's language:
    its English when English is active and the entry has one, else its Vietnamese. An official document is built
    under `translation.override("vi")`, so it reads the Vietnamese whoever downloads it."""
    return english if english and (translation.get_language() or "vi").startswith("en") else vietnamese


class CitedInTwoLanguages:
    """A reference entry with the Vietnamese citation of its legal basis (`legal_basis`, as the legal text writes it and
    as official documents and audit snapshots keep it) and its English (`legal_basis_en`, blank allowed: the Vietnamese
    stands in). Pages show `legal_basis_label`."""

    legal_basis: str
    legal_basis_en: str

    @property
    def legal_basis_label(self) -> str:
        return in_language(self.legal_basis, self.legal_basis_en)


class NamedInTwoLanguages:
    """A reference entry with a Vietnamese `name` (the legal text's own, used by official documents and records) and
    an English `name_en` (blank allowed: the Vietnamese stands in). Pages, form choices and charts show `label`, and
    so does `str()` (each model's `__str__` returns it); what is stored or filed reads `name`."""

    name: str
    name_en: str

    @property
    def label(self) -> str:
        return in_language(self.name, self.name_en)
