"""Errors as the API reports them: a service's refusal is a 400 with the same Vietnamese messages the pages show,
keyed by field, so that a client can put each one where it belongs."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler

from khuyencong.core import conflicts
from khuyencong.core.codes import DUPLICATE_CODE, is_unique_violation
from khuyencong.core.refusals import codes_of
from khuyencong.facilities.services import DuplicateFacilityWarning
from khuyencong.geography.resolver import PlaceError

NON_FIELD = "non_field_errors"

# DRF's own refusals, in the words of the pages: its Vietnamese catalogue leaves most of them in English
# ("Authentication credentials were not provided.", "Invalid page."), and Django's 404 text would name the model.
DRF_MESSAGES = {
    "not_authenticated": gettext_lazy(
        "Chưa xác thực: hãy gửi mã truy cập API trong tiêu đề «Authorization: Token <mã>»."
    ),
    "authentication_failed": gettext_lazy(
        "Mã truy cập API không đúng, đã bị thu hồi, hoặc tài khoản đã ngừng hoạt động."
    ),
    "permission_denied": gettext_lazy("Bạn không có quyền thực hiện thao tác này."),
    "not_found": gettext_lazy("Không tìm thấy: bản ghi (hoặc trang kết quả) không có, hoặc nằm ngoài phạm vi của bạn."),
    "method_not_allowed": gettext_lazy("Địa chỉ này không nhận phương thức {method}."),
    "not_acceptable": gettext_lazy("Không trả lời được theo kiểu dữ liệu yêu cầu; API trả lời bằng JSON."),
    "unsupported_media_type": gettext_lazy(
        "Kiểu dữ liệu gửi lên không được nhận; hãy gửi JSON (Content-Type: application/json)."
    ),
    "parse_error": gettext_lazy("Không đọc được dữ liệu gửi lên (JSON không đúng cú pháp)."),
    "throttled": gettext_lazy("Quá nhiều yêu cầu trong thời gian ngắn; hãy thử lại sau."),
}


def _field_with(error: DjangoValidationError, code: str) -> str | None:
    """The field whose refusal carries `code` (NON_FIELD for a refusal of the whole record), or None."""
    by_field = error.error_dict if hasattr(error, "error_dict") else {"__all__": error.error_list}
    for name, errors in by_field.items():
        if any(e.code == code for e in errors):
            return NON_FIELD if name == "__all__" else name
    return None


def _duplicate(detail: str, field: str) -> Response:
    return Response({"detail": detail, "code": DUPLICATE_CODE, "field": field}, status.HTTP_409_CONFLICT)


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    body: dict[str, Any]
    if isinstance(exc, DjangoPermissionDenied):
        # A refusal for who asks: its message and stable code, as the pages say it.
        detail = str(exc) or _("Bạn không có quyền thực hiện thao tác này.")
        return Response(
            {"detail": detail, "code": getattr(exc, "code", "permission_denied")}, status.HTTP_403_FORBIDDEN
        )
    if isinstance(exc, DjangoValidationError):
        body = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD: exc.messages}
        body = {NON_FIELD if k == "__all__" else k: v for k, v in body.items()}
        if (field := _field_with(exc, DUPLICATE_CODE)) is not None:
            # A conflict with the present state, not bad input: someone holds the code, perhaps since a moment ago.
            # The field is itself called "code", so the machine code and the field are given apart.
            return _duplicate(" ".join(body[field]), field)
        # Each refused field's stable machine codes (`future_date`, `out_of_scope`, …) beside its messages.
        body["codes"] = {NON_FIELD if k == "__all__" else k: v for k, v in codes_of(exc).items()}
        return Response(body, status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, RecursionError):
        # DRF's JSON parser recurses once per nesting level; a body of nested brackets exhausts the stack there.
        return Response(
            {"detail": _("Dữ liệu JSON lồng nhau quá sâu."), "code": "json_too_deep"}, status.HTTP_400_BAD_REQUEST
        )
    if conflicts.is_conflict(exc):
        # Rolled back whole by the database (a deadlock, a serialisation failure): nothing written, worth a retry.
        request = context.get("request")
        method = request.method if request is not None else "POST"
        where = f"API {method} {request.path if request is not None else ''}"
        code, message = conflicts.refused(exc, where, reading=conflicts.is_reading(method))
        return Response(
            {"detail": message, "code": code},
            status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(conflicts.RETRY_AFTER)},
        )
    if isinstance(exc, IntegrityError) and is_unique_violation(exc):
        return _duplicate(_("Bản ghi cùng mã vừa được người khác ghi; hãy tải lại và thử lại."), "code")
    if isinstance(exc, DataError | OverflowError):
        # The last line behind the serializers' own checks: a value the database cannot store is the client's error.
        detail = _("Cơ sở dữ liệu không nhận một giá trị gửi lên (quá dài, quá lớn hoặc có ký tự không hợp lệ).")
        return Response({NON_FIELD: [detail], "code": "value_refused"}, status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, PlaceError):
        candidates = [unit.path for unit in exc.candidates]
        body = {exc.field or "place": [exc.message], "code": exc.code, "candidates": candidates}
        return Response(body, status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DuplicateFacilityWarning):
        similar = [{"code": f.code, "name": f.name} for f in exc.similar]
        body = {
            NON_FIELD: [str(exc) + " " + _("Gửi lại với confirm_duplicate=true nếu đúng là cơ sở khác.")],
            "similar": similar,
        }
        return Response(body, status.HTTP_409_CONFLICT)
    response = exception_handler(exc, context)
    if (
        response is not None
        and isinstance(exc, APIException | Http404)
        and not isinstance(exc, DRFValidationError)
        and isinstance(response.data, dict)
    ):
        code = "not_found" if isinstance(exc, Http404) else str(exc.get_codes())
        if code in DRF_MESSAGES:
            request = context.get("request")
            method = getattr(request, "method", "")
            response.data = {"detail": str(DRF_MESSAGES[code]).format(method=method), "code": code}
    if isinstance(exc, DRFValidationError) and response is not None and isinstance(response.data, dict):
        # The serializers' refusals carry their codes too (`required`, `invalid`, `future_date`, …).
        codes = exc.get_codes()
        response.data["codes"] = codes if isinstance(codes, dict) else {NON_FIELD: codes}
    return response
