from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from khuyencong.accounts import access
from khuyencong.accounts.models import User
from khuyencong.audit.models import AuditAction
from khuyencong.audit.services import audit_entry_write, audit_snapshot
from khuyencong.organizations.models import Organization

from .models import ConsultingRecord

FIELDS = ["organization", "year", "period_end", "projects", "revenue", "planned_revenue"]


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
    if not access.can_manage_plan(actor, organization):
        raise PermissionDenied("Bạn không có quyền ghi kết quả tư vấn của đơn vị này.")
    if period_end.year != year:
        raise ValidationError({"period_end": f"Ngày số liệu {period_end:%d/%m/%Y} không thuộc năm {year}."})
    record = ConsultingRecord.objects.select_for_update().filter(code=code).first()
    before = audit_snapshot(record, FIELDS) if record else {}
    record = record or ConsultingRecord(code=code)
    record.organization, record.year, record.period_end = organization, year, period_end
    record.projects, record.revenue, record.planned_revenue = projects, revenue, planned_revenue
    record.full_clean()
    record.save()
    audit_entry_write(
        actor=actor,
        action=AuditAction.UPDATE if before else AuditAction.CREATE,
        instance=record,
        before=before,
        after=audit_snapshot(record, FIELDS),
    )
    return record
