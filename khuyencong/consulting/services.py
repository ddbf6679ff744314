from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.accounts import access
from khuyencong.accounts.models import User
from khuyencong.audit.models import AuditAction
from khuyencong.audit.services import audit_entry_write, audit_snapshot
from khuyencong.core.codes import created_under_new_code
from khuyencong.core.corrections import check_void, mark_voided
from khuyencong.core.refusals import refuse
from khuyencong.organizations.models import Organization

from .models import ConsultingRecord

FIELDS = ["organization", "year", "period_end", "projects", "revenue", "planned_revenue"]

OUT_OF_SCOPE = "out_of_scope"
FUTURE_DATE = "future_date"
PERIOD_YEAR = "period_year"


class ConsultingRefused(PermissionDenied):
    """A refusal for who asks rather than for what they typed; `code` stays stable for programs, the message is for
    people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@transaction.atomic
def consulting_record(
    *,
    actor: User,
    code: str,
    organization: Organization,
    year: int,
    period_end: datetime.date,
    projects: int,
    revenue: Decimal,
    planned_revenue: Decimal | None = None,
) -> ConsultingRecord:
    """Records (or corrects, under the same code) a centre's consulting figures as of a date."""
    if not access.can_record_consulting(actor, organization):
        raise ConsultingRefused(OUT_OF_SCOPE, _("Bạn không có quyền ghi kết quả tư vấn của đơn vị này."))
    if period_end > timezone.localdate():
        raise ValidationError(
            {
                "period_end": ValidationError(
                    _("Ngày số liệu %(day)s chưa đến; chỉ ghi số liệu đã có.") % {"day": f"{period_end:%d/%m/%Y}"},
                    code=FUTURE_DATE,
                )
            }
        )
    if period_end.year != year:
        raise ValidationError(
            {
                "period_end": ValidationError(
                    _("Ngày số liệu %(day)s không thuộc năm %(year)s.")
                    % {"day": f"{period_end:%d/%m/%Y}", "year": year},
                    code=PERIOD_YEAR,
                )
            }
        )
    # Codes are unique across the country, so the lookup cannot be scoped; the record found must then be the writer's
    # too, or a correction would carry another province's figures into the writer's own centre.
    record = ConsultingRecord.objects.select_for_update().select_related("organization").filter(code=code).first()
    if record is not None and not access.can_record_consulting(actor, record.organization):
        raise ConsultingRefused(
            OUT_OF_SCOPE,
            _("Mã %(code)s đã dùng cho số liệu của một đơn vị ngoài địa bàn của bạn; hãy chọn mã khác.")
            % {"code": code},
        )
    if record is not None and record.is_voided:
        raise refuse(
            "code",
            _("Số liệu mã %(code)s đã bị huỷ bỏ; ghi số liệu đúng dưới một mã mới.") % {"code": code},
            "already_voided",
        )
    before = audit_snapshot(record, FIELDS) if record else {}
    record = record or ConsultingRecord(code=code)
    record.organization, record.year, record.period_end = organization, year, period_end
    record.projects, record.revenue, record.planned_revenue = projects, revenue, planned_revenue
    record.full_clean()
    # Two people saving a new code at once: the loser is refused like a code taken before (`duplicate_code`).
    with created_under_new_code(ConsultingRecord, code, _("số liệu tư vấn")):
        record.save()
    audit_entry_write(
        actor=actor,
        action=AuditAction.UPDATE if before else AuditAction.CREATE,
        instance=record,
        before=before,
        after=audit_snapshot(record, FIELDS),
    )
    return record


@transaction.atomic
def consulting_void(*, actor: User, record: ConsultingRecord, reason: str) -> ConsultingRecord:
    """Figures entered by mistake are voided (struck out, with who, when and why) and left out of the reports."""
    record = ConsultingRecord.objects.select_for_update().select_related("organization").get(pk=record.pk)
    if not access.can_record_consulting(actor, record.organization):
        raise ConsultingRefused(OUT_OF_SCOPE, _("Bạn không có quyền huỷ bỏ số liệu tư vấn của đơn vị này."))
    day = timezone.localdate()
    reason = check_void(record, on=day, reason=reason, dated=None)
    mark_voided(record, actor=actor, on=day, reason=reason)
    audit_entry_write(actor=actor, action=AuditAction.VOID, instance=record, before={"voided": None},
                      after={"voided": f"{day:%d/%m/%Y}: {reason}"}, note=reason)  # fmt: skip
    return record
