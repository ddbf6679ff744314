"""Legal rules checked on đề án, each with its citation, judged by the rules in force on the date of the act.

A finding is an error (the act is refused) or a warning (shown to the appraiser, with a link to what it concerns).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from khuyencong.core.numbers import active_locale, format_money, format_money_active, format_number
from khuyencong.core.validity import valid_on
from khuyencong.facilities.models import Facility, LegalForm
from khuyencong.geography.models import Kind, Level

from .models import Project, SupportCap
from .workflow import State

DECREE_235_EFFECTIVE = datetime.date(2025, 10, 15)
ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Finding:
    rule: str
    citation: str
    message: str
    severity: str
    value: Decimal | None = None
    limit: Decimal | None = None
    related: list[Project] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.message} ({self.citation})"


def support_cap_findings(project: Project, amount: Decimal, day: datetime.date) -> list[Finding]:
    """The support may not exceed the cap for the content and funding source in force on `day`, a province's own
    cap taking precedence over the national one."""
    caps = SupportCap.objects.filter(valid_on(day), content=project.content_id,
                                     funding_source=project.plan.funding_source)  # fmt: skip
    cap = caps.filter(province=project.province_id).first() or caps.filter(province__isnull=True).first()
    if cap is None:
        return []
    findings = []
    count = max(project.beneficiaries.count(), 1) if cap.basis == "facility" else 1
    if cap.max_amount is not None and amount > cap.max_amount * count:
        limit = cap.max_amount * count
        per = (
            _(" (%(count)s cơ sở × %(max_amount)s)")
            % {"count": count, "max_amount": format_money_active(cap.max_amount)}
            if count > 1
            else ""
        )
        findings.append(
            Finding(
                "support_cap_amount",
                cap.legal_basis_label,
                _("Kinh phí hỗ trợ %(amount)s vượt mức tối đa %(limit)s%(per)s cho nội dung «%(content)s»")
                % {
                    "amount": format_money(amount, locale=active_locale()),
                    "limit": format_money(limit, locale=active_locale()),
                    "per": per,
                    "content": project.content,
                },
                ERROR,
                amount,
                limit,
            )
        )
    if cap.max_percent is not None:
        if project.total_cost:
            percent = (amount * 100 / project.total_cost).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            if percent > cap.max_percent:
                findings.append(
                    Finding(
                        "support_cap_percent",
                        cap.legal_basis_label,
                        _("Kinh phí hỗ trợ bằng %(percent)s%% tổng chi phí, vượt tỷ lệ tối đa %(max_percent)s%%")
                        % {"percent": _percent(percent), "max_percent": _percent(cap.max_percent)},
                        ERROR,
                        percent,
                        cap.max_percent,
                    )
                )
        else:
            findings.append(
                Finding(
                    "support_cap_percent_unknown",
                    cap.legal_basis_label,
                    _("Chưa có tổng chi phí nên chưa kiểm tra được tỷ lệ hỗ trợ tối đa %(max_percent)s%%")
                    % {"max_percent": _percent(cap.max_percent)},
                    WARNING,
                )
            )
    return findings


def _percent(value: Decimal) -> str:
    """A rate as people write it, in the reader's language: 50 (not 50.00), 33,3."""
    return format_number(value.normalize(), locale=active_locale())


def double_support_findings(project: Project) -> list[Finding]:
    """The same facility supported for the same content by other đề án of overlapping years, any funding source."""
    others = (
        Project.objects.filter(beneficiaries__in=project.beneficiaries.all(), content=project.content_id,
                               plan__year__gte=project.plan.year - 1, plan__year__lte=project.plan.year + 1)
        .exclude(pk=project.pk)
        .exclude(state__in=[State.FAILED, State.REJECTED, State.STOPPED])
        .select_related("plan")
        .distinct()
    )  # fmt: skip
    if not others:
        return []
    listed = ", ".join(f"{o.code} ({o.plan})" for o in others)
    return [
        Finding(
            "double_support",
            _("Nghị định 45/2012/NĐ-CP Điều 6 (nguyên tắc ưu tiên, không hỗ trợ trùng lặp)"),
            _("Cơ sở thụ hưởng đã được hỗ trợ cùng nội dung «%(content)s» trong các đề án: %(listed)s")
            % {"content": project.content, "listed": listed},
            WARNING,
            related=list(others),
        )
    ]


ELIGIBLE_FORMS_DECREE_45 = {LegalForm.ENTERPRISE, LegalForm.COOPERATIVE, LegalForm.COOPERATIVE_GROUP,
                            LegalForm.HOUSEHOLD_BUSINESS}  # fmt: skip
ELIGIBLE_FORMS_DECREE_235 = {*ELIGIBLE_FORMS_DECREE_45, LegalForm.COOPERATIVE_UNION, LegalForm.ARTISAN}


def facility_eligibility_findings(facility: Facility, day: datetime.date) -> list[Finding]:
    """Who and where may be supported, by the rule in force on `day`."""
    findings = []
    if day < DECREE_235_EFFECTIVE:
        citation, forms = _("Nghị định 45/2012/NĐ-CP Điều 1 khoản 2 điểm a"), ELIGIBLE_FORMS_DECREE_45
    else:
        citation, forms = (
            _("Nghị định 45/2012/NĐ-CP Điều 1 khoản 2 điểm a, sửa đổi bởi Nghị định 235/2025/NĐ-CP"),
            ELIGIBLE_FORMS_DECREE_235,
        )
    if facility.legal_form not in forms:
        findings.append(
            Finding(
                "eligibility_legal_form",
                citation,
                _("Cơ sở %(name)s: loại hình «%(legal_form)s» không thuộc đối tượng được hỗ trợ")
                % {"name": facility.name, "legal_form": facility.get_legal_form_display()},
                ERROR,
            )
        )
    place = facility.commune
    if place is not None and place.kind == Kind.WARD:
        province = place.province
        central_city = province.kind == Kind.CITY and province.level == Level.PROVINCE
        if day < DECREE_235_EFFECTIVE and central_city:
            # Decree 45 admits wards of class-2/3 cities only; every ward of a centrally-run city is class 1 or special.
            findings.append(
                Finding(
                    "eligibility_place",
                    citation,
                    _("Cơ sở %(name)s ở %(full_name)s thuộc thành phố trực thuộc trung ương, ngoài địa bàn được hỗ trợ")
                    % {"name": facility.name, "full_name": place.full_name},
                    ERROR,
                )
            )
        elif day >= DECREE_235_EFFECTIVE and central_city and not facility.craft_village:
            findings.append(
                Finding(
                    "eligibility_place",
                    citation,
                    _(
                        "Cơ sở %(name)s ở %(full_name)s của thành phố trực thuộc trung ương chỉ được hỗ trợ khi "
                        "thuộc làng nghề được UBND cấp tỉnh công nhận"
                    )
                    % {"name": facility.name, "full_name": place.full_name},
                    ERROR,
                )
            )
    return findings


def eligibility_findings(project: Project, day: datetime.date) -> list[Finding]:
    return [f for facility in project.beneficiaries.select_related("commune__parent__parent")
            for f in facility_eligibility_findings(facility, day)]  # fmt: skip


def fiscal_year_findings(project: Project, day: datetime.date) -> list[Finding]:
    """Expenditure vouchers must fall inside the budget year of the plan that funds them."""
    if day.year == project.plan.year:
        return []
    return [
        Finding(
            "fiscal_year",
            _("Luật Ngân sách nhà nước 2015 Điều 14; Thông tư 36/2013/TT-BCT Điều 17 (chứng từ chi)"),
            _("Chứng từ ngày %(day)s nằm ngoài năm ngân sách %(year)s của kế hoạch %(code)s")
            % {"day": f"{day:%d/%m/%Y}", "year": project.plan.year, "code": project.plan.code},
            ERROR,
            Decimal(day.year),
            Decimal(project.plan.year),
        )
    ]


def contract_year_findings(project: Project, day: datetime.date) -> list[Finding]:
    """A contract signed outside the plan's budget year leaves no lawful date for its vouchers (they must fall inside
    that year): said at signing, before payments become impossible."""
    if day.year == project.plan.year:
        return []
    return [
        Finding(
            "contract_year",
            _("Luật Ngân sách nhà nước 2015 Điều 14; Thông tư 36/2013/TT-BCT Điều 17 (chứng từ chi)"),
            _(
                "Hợp đồng ký ngày %(day)s, ngoài năm ngân sách %(year)s của kế hoạch %(code)s: chứng từ "
                "tạm ứng, thanh toán phải nằm trong năm ngân sách"
            )
            % {"day": f"{day:%d/%m/%Y}", "year": project.plan.year, "code": project.plan.code},
            WARNING,
            Decimal(day.year),
            Decimal(project.plan.year),
        )
    ]


def project_findings(project: Project, day: datetime.date) -> list[Finding]:
    """Everything an appraiser should see about this đề án on `day`."""
    findings = [*double_support_findings(project), *eligibility_findings(project, day)]
    amount = project.support_approved or project.support_appraised or project.support_requested
    if amount is not None:
        findings += support_cap_findings(project, amount, day)
    return findings
