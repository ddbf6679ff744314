"""The đề án list's Excel columns, shared by the list's copy and the copy of the đề án behind a report's figure."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.core.xlsx import Plain

from . import selectors
from .models import Project

EXPORT_COLUMNS = [
    (gettext_lazy("Mã đề án"), 22),
    (gettext_lazy("Tên đề án"), 60),
    (gettext_lazy("Kế hoạch"), 18),
    (gettext_lazy("Năm"), 8),
    (gettext_lazy("Nội dung"), 30),
    (gettext_lazy("Đơn vị thực hiện"), 36),
    (gettext_lazy("Tỉnh (hiện nay)"), 18),
    (gettext_lazy("Trạng thái"), 22),
    (gettext_lazy("Kinh phí KC đề nghị (đồng)"), 18),
    (gettext_lazy("Kinh phí phê duyệt (đồng)"), 18),
]


def export_row(p: Project, as_of: datetime.date | None) -> list[Any]:
    """A đề án as a row of EXPORT_COLUMNS: today's state and support, or as of a day (read from `with_state_on`)."""
    province = p.province.name if p.province else ""
    if as_of is None:
        state = p.get_state_display() if p.state else _("Mới lập, chưa có bước nào")
        approved = p.support_approved
    else:
        on = selectors.state_on(p)
        state = str(on.state.label) if on.state else _("Chưa có bước nào đến ngày này")
        approved = on.support_approved
    return [p.code, p.title, p.plan.code, Plain(p.plan.year), p.content.label, str(p.implementer), province, state,
            p.support_requested, approved]  # fmt: skip
