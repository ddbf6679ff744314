"""Errors as the API reports them: a service's refusal is a 400 with the same Vietnamese messages the pages show,
keyed by field, so that a client can put each one where it belongs."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from khuyencong.facilities.services import DuplicateFacilityWarning
from khuyencong.geography.resolver import PlaceError

NON_FIELD = "non_field_errors"


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    body: dict[str, Any]
    if isinstance(exc, DjangoValidationError):
        body = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD: exc.messages}
        return Response({NON_FIELD if k == "__all__" else k: v for k, v in body.items()}, status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, PlaceError):
        candidates = [unit.path for unit in exc.candidates]
        body = {exc.field or "place": [exc.message], "code": exc.code, "candidates": candidates}
        return Response(body, status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DuplicateFacilityWarning):
        similar = [{"code": f.code, "name": f.name} for f in exc.similar]
        body = {
            NON_FIELD: [str(exc) + " Gửi lại với confirm_duplicate=true nếu đúng là cơ sở khác."],
            "similar": similar,
        }
        return Response(body, status.HTTP_409_CONFLICT)
    return exception_handler(exc, context)
