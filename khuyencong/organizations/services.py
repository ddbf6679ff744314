"""Writes to the reference list of bodies: their dated territories (issue 13). Each is atomic, checks the
capability, records an audit entry, and keeps the province every đề án of the body is reported under in step."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.accounts import access
from khuyencong.accounts.models import User
from khuyencong.audit.models import AuditAction
from khuyencong.audit.services import audit_entry_write, audit_snapshot
from khuyencong.core.corrections import REASON_MAX, check_void, mark_voided
from khuyencong.core.refusals import Refused, refuse
from khuyencong.geography.models import LAST_DAY_BEFORE_REFORM, REFORM_DATE, AdminUnit, Era, Level, Succession

from .models import LEVEL_OF_KIND, TERRITORY_LEVEL, Organization, OrganizationLevel, OrganizationTerritory

TERRITORY_FIELDS = ["organization", "territory", "valid_from", "valid_until", "legal_basis", "note"]
REFORM_BASIS = "Nghị quyết 202/2025/QH15"  # vi-only
# Both are written into the record (its legal basis and note), and records stay Vietnamese.
UNCHANGED_NOTE = "Tỉnh giữ nguyên khi sắp xếp năm 2025: cùng cơ quan, địa bàn là tỉnh trước 01/07/2025."  # vi-only


def sole_predecessor_province(province: AdminUnit) -> AdminUnit | None:
    """The pre-reform province a province of today continues, if it continues exactly one (Sơn La, Thanh Hóa, Hà Nội:
    the 11 the reform left unchanged); None for a merged one (Lào Cai = Yên Bái + Lào Cai)."""
    if province.era != Era.FROM_2025 or province.level != Level.PROVINCE:
        return None
    found = list(
        Succession.objects.filter(successor=province, predecessor__level=Level.PROVINCE).select_related("predecessor")
    )
    return found[0].predecessor if len(found) == 1 else None


def default_territories(organization: Organization) -> list[OrganizationTerritory]:
    """A body's dated territories when nothing else is known, unsaved: its territory over that unit's own validity; and
    for a provincial body of an unchanged province, also the pre-reform province until 30/06/2025 (the same Sở, the same
    centre). A body of today's merged province gets no pre-reform territory: the old provinces' bodies are separate
    organisations, and which of them it continues is for an administrator to record (`organization_territory_add`)."""
    unit = organization.territory
    if unit is None or organization.level not in TERRITORY_LEVEL:
        return []
    if unit.era == Era.BEFORE_2025:
        return [
            OrganizationTerritory(
                organization=organization, territory=unit, valid_from=unit.valid_from, valid_until=unit.valid_until
            )
        ]
    rows = []
    before = sole_predecessor_province(unit) if organization.level == OrganizationLevel.PROVINCE else None
    if before is not None:
        rows.append(
            OrganizationTerritory(
                organization=organization,
                territory=before,
                valid_until=LAST_DAY_BEFORE_REFORM,
                legal_basis=REFORM_BASIS,
                note=UNCHANGED_NOTE,
            )
        )
    start = max(unit.valid_from or REFORM_DATE, REFORM_DATE)
    rows.append(
        OrganizationTerritory(organization=organization, territory=unit, valid_from=start, legal_basis=REFORM_BASIS)
    )
    return rows


@transaction.atomic
def organization_territories_fill(
    organization: Organization, *, actor: User | None = None, note: str = ""
) -> list[OrganizationTerritory]:
    """Gives a body that has no dated territory (none at all, not even a voided one) its default ones; a body that has
    any is left as it is, so that loading the reference data again never undoes an administrator's correction. With
    an actor (an import), each row is audited in their name; the reference load has none."""
    if organization.territory_id is None or organization.territories.exists():
        return []
    rows = default_territories(organization)
    for row in rows:
        row.save()
        if actor is not None:
            audit_entry_write(actor=actor, action=AuditAction.CREATE, instance=row, before={},
                              after=audit_snapshot(row, TERRITORY_FIELDS), note=note[:REASON_MAX])  # fmt: skip
    _refresh_projects(organization)
    return rows


def _refresh_projects(organization: Organization) -> None:
    """The province each đề án of the body is reported under depends on the body's territory on the đề án's date."""
    # projects sits above organizations (a đề án names its implementer); the import is here, at the one call.
    from khuyencong.projects.models import Project
    from khuyencong.projects.recorded import refresh_recorded_provinces

    projects = Project.objects.filter(implementer=organization)
    if projects.exists():
        refresh_recorded_provinces(projects)


def _check_territory(
    organization: Organization,
    territory: AdminUnit,
    valid_from: datetime.date | None,
    valid_until: datetime.date | None,
) -> None:
    level = LEVEL_OF_KIND.get(organization.kind)
    if level is not None and level not in TERRITORY_LEVEL:
        raise refuse("territory", _("%(name)s là cơ quan trung ương hoặc vùng: không gắn với một địa bàn.")
                     % {"name": organization.name}, "territory_not_allowed")  # fmt: skip
    if level is not None and territory.level != TERRITORY_LEVEL[level]:
        raise refuse("territory", _("Địa bàn của %(name)s phải là đơn vị %(level)s.")
                     % {"name": organization.name, "level": Level(TERRITORY_LEVEL[level]).label.lower()},
                     "territory_level")  # fmt: skip
    if valid_from is not None and valid_until is not None and valid_from > valid_until:
        raise refuse("valid_until", _("Ngày kết thúc %(end)s trước ngày bắt đầu %(start)s.")
                     % {"end": f"{valid_until:%d/%m/%Y}", "start": f"{valid_from:%d/%m/%Y}"}, "date_order")  # fmt: skip
    starts_before = territory.valid_from is not None and (valid_from is None or valid_from < territory.valid_from)
    ends_after = territory.valid_until is not None and (valid_until is None or valid_until > territory.valid_until)
    if starts_before or ends_after:
        raise refuse("territory", _("%(unit)s chỉ có hiệu lực %(dates)s; thời kỳ ghi phải nằm trong đó.")
                     % {"unit": territory.full_name, "dates": _dates(territory)}, "territory_out_of_force")  # fmt: skip
    today_unit = organization.territory
    if today_unit is not None:
        today = today_unit.current_province_id or today_unit.pk
        if (territory.current_province_id or territory.pk) != today:
            raise refuse("territory", _("%(unit)s không thuộc địa giới của %(name)s (%(today)s) hiện nay; cơ quan "
                                        "của tỉnh khác là một tổ chức khác.")
                         % {"unit": territory.full_name, "name": organization.name, "today": today_unit.full_name},
                         "territory_unrelated")  # fmt: skip
    if organization.valid_until is not None and valid_from is not None and valid_from > organization.valid_until:
        raise refuse("valid_from", _("%(name)s đã ngừng hoạt động từ sau ngày %(date)s.")
                     % {"name": organization.name, "date": f"{organization.valid_until:%d/%m/%Y}"},
                     "organization_dissolved")  # fmt: skip
    for other in organization.territories.standing().select_related("territory"):
        if spans_overlap((valid_from, valid_until), (other.valid_from, other.valid_until)):
            raise refuse("valid_from", _("Trùng thời kỳ với địa bàn đã ghi: %(other)s. Hãy huỷ bỏ bản ghi đó trước "
                                         "nếu nó sai.") % {"other": other}, "territory_overlap")  # fmt: skip


def _dates(unit: AdminUnit) -> str:
    start = _("từ %(date)s") % {"date": f"{unit.valid_from:%d/%m/%Y}"} if unit.valid_from else ""
    end = _("đến %(date)s") % {"date": f"{unit.valid_until:%d/%m/%Y}"} if unit.valid_until else ""
    return " ".join(part for part in (start, end) if part)


def spans_overlap(
    a: tuple[datetime.date | None, datetime.date | None], b: tuple[datetime.date | None, datetime.date | None]
) -> bool:
    low, high = datetime.date.min, datetime.date.max
    return (a[0] or low) <= (b[1] or high) and (b[0] or low) <= (a[1] or high)


def organization_territory_check(
    *,
    actor: User,
    organization: Organization,
    territory: AdminUnit,
    valid_from: datetime.date | None,
    valid_until: datetime.date | None,
    reason: str,
) -> str:
    """Every refusal of `organization_territory_add`, without writing (the admin's form asks it before saving);
    returns the cleaned reason."""
    if not access.can_manage_organizations(actor):
        raise Refused(
            "permission_denied", _("Chỉ quản trị hệ thống ở cơ quan trung ương được ghi địa bàn của tổ chức.")
        )
    reason = (reason or "").strip()
    if not reason:
        raise refuse("reason", _("Phải ghi lý do, căn cứ của địa bàn theo thời kỳ."), "reason_required")
    if len(reason) > REASON_MAX:
        raise refuse("reason", _("Lý do dài quá %(max)s ký tự.") % {"max": REASON_MAX}, "too_long")
    _check_territory(organization, territory, valid_from, valid_until)
    return reason


@transaction.atomic
def organization_territory_add(
    *,
    actor: User,
    organization: Organization,
    territory: AdminUnit,
    valid_from: datetime.date | None,
    valid_until: datetime.date | None,
    reason: str,
    legal_basis: str = "",
) -> OrganizationTerritory:
    """Records a territory the body served over a period: e.g. that today's Trung tâm Khuyến công Lào Cai continues
    pre-reform Lào Cai's centre, so that its đề án of 2024 are reported under pre-reform Lào Cai. Periods of one
    body never overlap; a wrong one is voided first. Every đề án the body implements is re-placed in the same
    transaction."""
    organization = (
        Organization.objects.select_for_update(of=("self",)).select_related("territory").get(pk=organization.pk)
    )
    reason = organization_territory_check(actor=actor, organization=organization, territory=territory,
                                          valid_from=valid_from, valid_until=valid_until, reason=reason)  # fmt: skip
    row = OrganizationTerritory(
        organization=organization, territory=territory, valid_from=valid_from, valid_until=valid_until,
        legal_basis=legal_basis.strip(), note=reason,
    )  # fmt: skip
    row.full_clean(exclude=["organization", "territory", "voided_by", "voided_actor"])
    row.save()
    audit_entry_write(actor=actor, action=AuditAction.CREATE, instance=row, before={},
                      after=audit_snapshot(row, TERRITORY_FIELDS), note=reason)  # fmt: skip
    _follow_today(organization, actor, reason)
    _refresh_projects(organization)
    return row


@transaction.atomic
def organization_territory_void(
    *, actor: User, row: OrganizationTerritory, reason: str, on: datetime.date | None = None
) -> OrganizationTerritory:
    """Voids a dated territory recorded by mistake (it stays, struck out, with who, when and why)."""
    organization = (
        Organization.objects.select_for_update(of=("self",)).select_related("territory").get(pk=row.organization_id)
    )
    if not access.can_manage_organizations(actor):
        raise Refused(
            "permission_denied", _("Chỉ quản trị hệ thống ở cơ quan trung ương được sửa địa bàn của tổ chức.")
        )
    row = organization.territories.select_for_update().get(pk=row.pk)
    reason = check_void(row, on=on or timezone.localdate(), reason=reason, dated=None)
    mark_voided(row, actor=actor, on=on or timezone.localdate(), reason=reason)
    audit_entry_write(actor=actor, action=AuditAction.VOID, instance=row, before={"voided": None},
                      after={"voided": f"{row.voided_on:%d/%m/%Y}: {reason}"}, note=reason)  # fmt: skip
    _refresh_projects(organization)
    return row


def _follow_today(organization: Organization, actor: User, reason: str) -> None:
    """`Organization.territory` is today's: a period in force today that names another unit replaces it (audited)."""
    now = organization.territory_on(timezone.localdate())
    if now is None or now.pk == organization.territory_id:
        return
    before = audit_snapshot(organization, ["territory"])
    organization.territory = now
    organization.save(update_fields=["territory"])
    audit_entry_write(actor=actor, action=AuditAction.UPDATE, instance=organization, before=before,
                      after=audit_snapshot(organization, ["territory"]), note=reason)  # fmt: skip
