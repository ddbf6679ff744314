"""Token authentication that also reads the client in the language its user chose.

LanguageMiddleware runs before DRF authenticates a token (DRF does it in the view), so for a token request it only
sees an anonymous visitor and activates Vietnamese; without this, an English user's API errors would come in Vietnamese.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation
from rest_framework.authentication import TokenAuthentication
from rest_framework.request import Request


class LanguageTokenAuthentication(TokenAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        result = super().authenticate(request)
        if result is not None:
            language = getattr(result[0], "language", "")
            if language in dict(settings.LANGUAGES):
                translation.activate(language)
                request._request.LANGUAGE_CODE = language
        return result
