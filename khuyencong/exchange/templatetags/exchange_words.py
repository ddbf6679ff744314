"""The words for what an import wrote. The importer counts by machine keys ("facilities", "budget decisions"), kept
as they are in a job's stored report and in the command's output; a page says them in the reader's words."""

from __future__ import annotations

from collections.abc import Callable

from django import template
from django.utils.translation import npgettext

register = template.Library()

# Vietnamese has one form for one and many; English needs both.
KINDS: dict[str, Callable[[int], str]] = {
    "organizations": lambda n: npgettext("records imported", "cơ quan, đơn vị", "cơ quan, đơn vị", n),
    "facilities": lambda n: npgettext("records imported", "cơ sở", "cơ sở", n),
    "programs": lambda n: npgettext("records imported", "chương trình", "chương trình", n),
    "plans": lambda n: npgettext("records imported", "kế hoạch", "kế hoạch", n),
    "budget decisions": lambda n: npgettext("records imported", "quyết định kinh phí", "quyết định kinh phí", n),
    "allocations": lambda n: npgettext("records imported", "phân bổ kinh phí", "phân bổ kinh phí", n),
    "projects": lambda n: npgettext("records imported", "đề án", "đề án", n),
    "events": lambda n: npgettext("records imported", "bước của đề án", "bước của đề án", n),
    "payments": lambda n: npgettext("records imported", "chứng từ giải ngân", "chứng từ giải ngân", n),
    "results": lambda n: npgettext("records imported", "kết quả", "kết quả", n),
    "consulting": lambda n: npgettext("records imported", "số liệu tư vấn", "số liệu tư vấn", n),
    "reporting submissions": lambda n: npgettext("records imported", "báo cáo định kỳ", "báo cáo định kỳ", n),
    "products": lambda n: npgettext("records imported", "sản phẩm", "sản phẩm", n),
    "selection rounds": lambda n: npgettext("records imported", "đợt bình chọn", "đợt bình chọn", n),
}


@register.filter
def record_kind(kind: str, count: int) -> str:
    """`{{ kind|record_kind:n }}`: the kind of record in the reader's language, for n of them."""
    words = KINDS.get(kind)
    return words(count) if words else kind
