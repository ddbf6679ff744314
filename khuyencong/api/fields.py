"""Serializer fields for the exchange format's conventions: money as whole đồng, never a float."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from khuyencong.core.money import MoneyError, parse_money
from khuyencong.core.untrusted import text_problem


@extend_schema_field(OpenApiTypes.INT)
class MoneyField(serializers.Field):
    """Whole đồng. Written as a JSON integer; a string such as "1 tỷ 700 triệu" is read exactly. A JSON float is
    refused: 1.7e9 or 0.1 + 0.2 in a client's float arithmetic is exactly the error this system exists to stop."""

    def to_representation(self, value: Decimal) -> int:
        return int(value)

    def to_internal_value(self, data: Any) -> Decimal:
        try:
            amount = parse_money(data)
        except MoneyError as error:
            raise serializers.ValidationError(str(error), code="money") from error
        return amount


class CodeRelatedField(serializers.SlugRelatedField[Any]):
    """A related record named by its code. The code is checked as text before the lookup: PostgreSQL refuses a NUL
    byte even in a WHERE clause, which would otherwise surface as a server error instead of "no such code"."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str) and (problem := text_problem(data)) is not None:
            raise serializers.ValidationError(problem, code="text_invalid")
        return super().to_internal_value(data)
