"""Building a report by kind: the one entry point for the command line, the pages and the tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.accounts.models import User
from khuyencong.organizations.models import Organization

from .layout import Section
from .national import national_report, national_sections
from .periods import Period
from .products_report import products_report, products_sections
from .programme import programme_named, programme_report, programme_scope, programme_sections
from .provincial import provincial_report, provincial_sections
from .regional import regional_report, regional_sections
from .render import Document
from .scope import ReportScope, scope_allowed

KINDS = {
    "provincial": gettext_lazy("Báo cáo định kỳ của tỉnh"),
    "national": gettext_lazy("Thực hiện kế hoạch khuyến công quốc gia"),
    "regional": gettext_lazy("Tổng hợp vùng, nhiều tỉnh"),
    "programme": gettext_lazy("Tiến độ chương trình khuyến công"),
    "products": gettext_lazy("Bình chọn sản phẩm CNNT tiêu biểu"),
}


@dataclass
class BuiltReport:
    data: dict[str, Any]
    sections: list[Section]
    document: Document


def report_build(
    kind: str,
    scope: ReportScope,
    period: Period,
    *,
    program: str | None = None,
    plan: str | None = None,
    level: str | None = None,
    user: User | AnonymousUser | None = None,
    codes: bool = True,
) -> BuiltReport:
    """The report of this kind over the scope and period. With a user, the scope must lie within theirs. Without
    `codes`, the breakdown's figures list no đề án: for a page, whose figures open their list through the records
    page (which builds the report with them), and for files that show no list."""
    if kind == "programme" and program:
        # A provincial programme asked for the whole country is the province's: narrowed before the permission
        # check, so that the province's own officials may open it.
        scope = programme_scope(programme_named(program), scope, period.as_of)
    if user is not None and not scope_allowed(user, scope):
        raise PermissionDenied(_("Báo cáo vượt quá phạm vi địa bàn bạn được xem."))
    builders: dict[str, tuple[Callable[[], dict[str, Any]], Callable[[dict[str, Any]], list[Section]]]] = {
        "provincial": (lambda: provincial_report(scope, period, codes=codes), provincial_sections),
        "national": (lambda: national_report(scope, period, plan_code=plan, codes=codes), national_sections),
        "regional": (lambda: regional_report(scope, period, codes=codes), regional_sections),
        "programme": (
            lambda: programme_report(scope, period, program_code=program or "", codes=codes),
            programme_sections,
        ),
        "products": (lambda: products_report(scope, period, level=level), products_sections),
    }
    if kind not in builders:
        raise ValueError(
            _("Loại báo cáo «%(kind)s» không có; chọn một trong: %(kinds)s.")
            % {"kind": kind, "kinds": ", ".join(KINDS)}
        )
    if kind == "programme" and not program:
        raise ValueError(_("Báo cáo chương trình cần mã chương trình (--program)."))
    build, lay_out = builders[kind]
    data = build()
    return BuiltReport(data, lay_out(data), default_document(kind, scope, period))


def default_document(kind: str, scope: ReportScope, period: Period) -> Document:  # vi-only: an official heading
    """A province's report is the Sở Công Thương's; the others are the Cục's, issued in Hà Nội."""
    if len(scope.provinces) == 1 and kind in ("provincial", "programme"):
        province = scope.provinces[0]
        return Document(
            parent=f"UBND {province.full_name}",
            issuer=f"Sở Công Thương {province.full_name[0].lower()}{province.full_name[1:]}",
            place=province.name,
            date=period.as_of,
            number="       /BC-SCT",
        )
    cuc = Organization.objects.filter(code="CUC-CTDP").first()
    return Document(
        parent="Bộ Công Thương",
        issuer=cuc.name if cuc else "Cục Công Thương địa phương",
        place="Hà Nội",
        date=period.as_of,
        number="       /BC-CTĐP",
        signer_title="Cục trưởng",
    )
