"""The forms of a đề án's dossier under Circular 36/2013/TT-BCT, generated from its records: the đề án itself (Art. 5
headings), Mẫu 1 (cost estimate), Mẫu 3a (progress report), Mẫu 3b (completed volume and cost), Mẫu 4a/4b (appraisal
sheets), Mẫu 5a/5b (acceptance records, per site and generic), Mẫu 6 (contract liquidation), Mẫu 7 (settlement table),
Mẫu 8a/8b (voucher lists, 8b with the facilities' counterpart) and Mẫu 9 (payment request), with amounts in figures and
in words.

The circular's appendix gives each form's title; its column lists were not found in the texts read
(../shared/research/domain.md §13.3), so each form follows the circular's headings and carries what the records hold
(see docs/dossier.md). A part the records cannot fill (the need and basis of a đề án, its goals) is left as a heading
for the officials to write in the Word file.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from khuyencong.core.numbers import amount_in_words, format_number
from khuyencong.core.official import Grid, Official, Part
from khuyencong.programs.models import FundingSource
from khuyencong.projects.authority import acting_implementer
from khuyencong.projects.models import (
    CounterpartVoucher,
    Payment,
    PaymentKind,
    Project,
    ProjectEvent,
    ProjectPeriod,
    Result,
)
from khuyencong.projects.workflow import Action, State

# The forms are administrative documents (Decree 30/2020/NĐ-CP Art. 8, Phụ lục I; Circular 36/2013/TT-BCT): their text
# is Vietnamese whoever downloads them, and every form is built inside translation.override("vi") (see FORMS below),
# so the labels of the states, steps and vouchers they print are Vietnamese too. Only the forms' names in FORMS, which
# the pages list, are marked for translation.
VIETNAMESE_ONLY = "Circular 36/2013/TT-BCT forms, administrative documents under Decree 30/2020/NĐ-CP Art. 8"


@dataclass(frozen=True)
class Standing:
    """The đề án on a day, from its period in force and its standing vouchers."""

    state: str | None
    percent: Decimal | None
    # The approved (or adjusted) support in force; None before approval — never the support merely requested.
    support: Decimal | None
    contracted: Decimal | None
    settled: Decimal | None
    advanced: Decimal
    paid: Decimal
    refunded: Decimal

    @property
    def disbursed(self) -> Decimal:
        return self.advanced + self.paid - self.refunded


def standing_on(project: Project, on: datetime.date) -> Standing:
    period = (
        ProjectPeriod.objects.filter(project=project, valid_from__lte=on)
        .filter(Q(valid_to__gt=on) | Q(valid_to__isnull=True))
        .first()
    )
    sums = {
        row["kind"]: row["total"]
        for row in Payment.objects.standing()
        .filter(project=project, on__lte=on)
        .values("kind")
        .annotate(total=Sum("amount"))
    }
    return Standing(
        state=period.state if period else None,
        percent=period.percent if period else None,
        support=period.support if period is not None and period.approved_on is not None else None,
        contracted=period.support_contracted if period else None,
        settled=period.support_settled if period else None,
        advanced=sums.get(PaymentKind.ADVANCE, Decimal(0)),
        paid=sums.get(PaymentKind.PAYMENT, Decimal(0)),
        refunded=sums.get(PaymentKind.REFUND, Decimal(0)),
    )


def money(value: Decimal | int | None) -> str:
    """An amount in figures without its unit: the forms write "đồng" after it, or in the column's heading."""
    return format_number(value, places=0) if value is not None else "—"


def words(value: Decimal | int | None) -> str:
    return f"(Bằng chữ: {amount_in_words(value)})" if value is not None else ""


def _base(project: Project, on: datetime.date, title: str, subtitle: str = "") -> Official:
    # A form issued after the 2025 reform dissolved the implementer is headed by its successor, which signs it.
    implementer = acting_implementer(project, on)
    province = project.province.name if project.province else "Hà Nội"
    return Official(
        issuer=implementer.name,
        parent=implementer.parent.name if implementer.parent else "",
        title=title,
        subtitle=subtitle or f"Đề án: {project.title} (mã {project.code})",
        date=on,
        place=province,
        number="       /",
        recipients=["Sở Công Thương", "Cục quản lý khuyến công (Bộ Công Thương)"]
        if project.plan.funding_source == FundingSource.NATIONAL
        else ["Sở Công Thương"],
        signer_title="Thủ trưởng đơn vị",
    )


def _beneficiaries(project: Project) -> Grid:
    grid = Grid(["STT", "Cơ sở thụ hưởng", "Mã số thuế", "Địa chỉ"])
    for index, facility in enumerate(project.beneficiaries.select_related("commune", "province").order_by("code"), 1):
        place = facility.commune.path if facility.commune else facility.province.full_name
        grid.rows.append([str(index), facility.name, facility.tax_code or "—", f"{facility.address} {place}".strip()])
    return grid


def form_project(project: Project, on: datetime.date) -> Official:
    """The đề án (TT 36/2013/TT-BCT Art. 5): units, need and basis, goals, scale, content and schedule, cost estimate,
    organisation, effectiveness."""
    doc = _base(project, on, "ĐỀ ÁN KHUYẾN CÔNG", project.title.upper())
    requested = project.support_requested
    doc.parts = [
        Part(
            "I. CÁC ĐƠN VỊ THAM GIA",
            [
                f"Đơn vị thực hiện: {project.implementer.name}.",
                f"Nội dung khuyến công: {project.content.name}; kế hoạch {project.plan.code} năm {project.plan.year}.",
            ],
            [_beneficiaries(project)] if project.beneficiaries.exists() else [],
        ),
        Part("II. SỰ CẦN THIẾT VÀ CĂN CỨ XÂY DỰNG ĐỀ ÁN"),
        Part("III. MỤC TIÊU CỦA ĐỀ ÁN"),
        Part("IV. QUY MÔ ĐỀ ÁN", [f"Số cơ sở thụ hưởng: {project.beneficiaries.count()}."]),
        Part("V. NỘI DUNG VÀ TIẾN ĐỘ THỰC HIỆN", grids=[_timeline(project, on)]),
        Part(
            "VI. DỰ TOÁN KINH PHÍ",
            [
                f"Tổng kinh phí: {money(project.total_cost)} đồng. {words(project.total_cost)}",
                f"Kinh phí khuyến công đề nghị hỗ trợ: {money(requested)} đồng. {words(requested)}",
                f"Vốn đối ứng của cơ sở: {money(project.counterpart)} đồng. {words(project.counterpart)}",
            ],
        ),
        Part("VII. TỔ CHỨC THỰC HIỆN", [f"{project.implementer.name} chủ trì thực hiện đề án."]),
        Part("VIII. HIỆU QUẢ CỦA ĐỀ ÁN", grids=[_results(project, on)]),
    ]
    return doc


def _timeline(project: Project, on: datetime.date) -> Grid:
    grid = Grid(["Ngày", "Bước", "Cơ quan", "Số văn bản", "Số tiền (đồng)"], numeric=frozenset({4}))
    for event in project.events.standing().filter(on__lte=on).select_related("organization").order_by("seq"):
        grid.rows.append(
            [
                f"{event.on:%d/%m/%Y}",
                event.get_action_display(),
                event.organization.name,
                event.document or "—",
                money(event.amount) if event.amount is not None else "",
            ]
        )
    return grid


def _results(project: Project, on: datetime.date) -> Grid:
    grid = Grid(["Chỉ tiêu", "Giá trị", "Ngày ghi nhận"], numeric=frozenset({1}))
    for result in Result.objects.standing().filter(project=project, on__lte=on).order_by("on", "pk"):
        grid.rows.append([result.get_indicator_display(), format_number(result.value), f"{result.on:%d/%m/%Y}"])
    return grid


def form_cost_estimate(project: Project, on: datetime.date) -> Official:
    doc = _base(project, on, "DỰ TOÁN KINH PHÍ ĐỀ ÁN KHUYẾN CÔNG (Mẫu 1)")
    total = project.total_cost
    grid = Grid(["Khoản mục", "Số tiền (đồng)", "Bằng chữ"], numeric=frozenset({1}))
    for label, value in (
        ("Tổng kinh phí thực hiện đề án", total),
        ("Kinh phí khuyến công đề nghị hỗ trợ", project.support_requested),
        ("Vốn đối ứng của cơ sở thụ hưởng", project.counterpart),
    ):
        grid.rows.append([label, money(value), amount_in_words(value) if value is not None else "—"])
    doc.parts = [Part("DỰ TOÁN", grids=[grid])]
    return doc


def form_progress(project: Project, on: datetime.date) -> Official:
    """Mẫu 3a: the monthly progress report of a KCQG đề án (TT 36/2013 Art. 23.3), as of the day."""
    now = standing_on(project, on)
    doc = _base(project, on, f"BÁO CÁO TIẾN ĐỘ THỰC HIỆN ĐỀ ÁN KHUYẾN CÔNG (Mẫu 3a) tháng {on:%m/%Y}")
    state = State(now.state).label if now.state else "chưa có"
    grid = Grid(["Chỉ tiêu", "Giá trị"], numeric=frozenset({1}))
    grid.rows += [
        ["Tình trạng", str(state)],
        ["Khối lượng hoàn thành (%)", format_number(now.percent) if now.percent is not None else "—"],
        ["Kinh phí khuyến công được duyệt (đồng)", money(now.support)],
        ["Đã tạm ứng (đồng)", money(now.advanced)],
        ["Đã thanh toán (đồng)", money(now.paid)],
        ["Đã giải ngân lũy kế (đồng)", money(now.disbursed)],
    ]
    month_start = on.replace(day=1)
    doc.parts = [
        Part("I. TÌNH HÌNH THỰC HIỆN", grids=[grid]),
        Part("II. CÔNG VIỆC ĐÃ THỰC HIỆN TRONG THÁNG", grids=[_timeline_between(project, month_start, on)]),
        Part("III. KHÓ KHĂN, VƯỚNG MẮC VÀ KIẾN NGHỊ"),
    ]
    return doc


def _timeline_between(project: Project, start: datetime.date, end: datetime.date) -> Grid:
    grid = Grid(["Ngày", "Bước", "Ghi chú"])
    for event in project.events.standing().filter(on__gte=start, on__lte=end).order_by("seq"):
        grid.rows.append([f"{event.on:%d/%m/%Y}", event.get_action_display(), event.note or ""])
    return grid


def form_settlement(project: Project, on: datetime.date) -> Official:
    """Mẫu 7: the settlement table — approved, contracted, advanced, paid, refunded, settled, and what remains."""
    now = standing_on(project, on)
    doc = _base(project, on, "BẢNG TỔNG HỢP QUYẾT TOÁN KINH PHÍ ĐỀ ÁN KHUYẾN CÔNG (Mẫu 7)")
    settled = now.settled if now.settled is not None else now.disbursed
    grid = Grid(["Khoản mục", "Số tiền (đồng)"], numeric=frozenset({1}), total_rows=frozenset({6}))
    grid.rows += [
        ["Kinh phí khuyến công được duyệt", money(now.support)],
        ["Giá trị hợp đồng", money(now.contracted)],
        ["Đã tạm ứng", money(now.advanced)],
        ["Đã thanh toán", money(now.paid)],
        ["Đã thu hồi, hoàn trả", money(now.refunded)],
        ["Đã giải ngân", money(now.disbursed)],
        ["Kinh phí đề nghị quyết toán", money(settled)],
    ]
    doc.parts = [Part("QUYẾT TOÁN", [f"Kinh phí đề nghị quyết toán: {money(settled)} đồng. {words(settled)}"], [grid])]
    return doc


def form_vouchers(project: Project, on: datetime.date, *, counterpart: bool = False) -> Official:
    """Mẫu 8a (8b: with the facilities' counterpart funds): the list of vouchers."""
    code = "8b" if counterpart else "8a"
    doc = _base(project, on, f"BẢNG KÊ CHỨNG TỪ CHI (Mẫu {code})")
    grid = Grid(["STT", "Ngày", "Loại", "Số chứng từ", "Số tiền (đồng)"], numeric=frozenset({4}))
    total = Decimal(0)
    payments = Payment.objects.standing().filter(project=project, on__lte=on).order_by("on", "pk")
    for index, payment in enumerate(payments, 1):
        sign = -1 if payment.kind == PaymentKind.REFUND else 1
        total += sign * payment.amount
        grid.rows.append(
            [
                str(index),
                f"{payment.on:%d/%m/%Y}",
                payment.get_kind_display(),
                payment.document or "—",
                money(sign * payment.amount),
            ]
        )
    grid.rows.append(["", "", "Cộng kinh phí khuyến công", "", money(total)])
    grid.total_rows = frozenset({len(grid.rows) - 1})
    paragraphs = [f"Tổng kinh phí khuyến công đã chi: {money(total)} đồng. {words(total)}"]
    doc.parts = [Part("CHỨNG TỪ", paragraphs, [grid])]
    if counterpart:
        doc.parts.append(_counterpart_part(project, on))
    return doc


def _counterpart_part(project: Project, on: datetime.date) -> Part:
    """Mẫu 8b's second list: the facility's own vouchers (Circular 36/2013 Art. 5: the estimate splits support and
    counterpart), standing and dated by the form's day, beside the counterpart the approved estimate planned."""
    grid = Grid(["STT", "Ngày", "Nội dung chi", "Số chứng từ", "Số tiền (đồng)"], numeric=frozenset({4}))
    vouchers = CounterpartVoucher.objects.standing().filter(project=project, on__lte=on).order_by("on", "pk")
    evidenced = Decimal(0)
    for index, voucher in enumerate(vouchers, 1):
        evidenced += voucher.amount
        grid.rows.append([str(index), f"{voucher.on:%d/%m/%Y}", voucher.description or "—", voucher.document,
                          money(voucher.amount)])  # fmt: skip
    grid.rows.append(["", "", "Cộng vốn đối ứng có chứng từ", "", money(evidenced)])
    grid.total_rows = frozenset({len(grid.rows) - 1})
    planned = project.counterpart or Decimal(0)
    paragraphs = [
        f"Vốn đối ứng theo dự toán: {money(planned)} đồng. {words(planned)}",
        f"Vốn đối ứng có chứng từ: {money(evidenced)} đồng. {words(evidenced)}",
    ]
    if evidenced < planned:
        paragraphs.append(f"Còn thiếu chứng từ đối ứng: {money(planned - evidenced)} đồng.")
    return Part("VỐN ĐỐI ỨNG CỦA CƠ SỞ THỤ HƯỞNG", paragraphs, [grid])


def form_payment_request(project: Project, on: datetime.date) -> Official:
    """Mẫu 9: the payment request — what remains of the support (settled, else approved) after what was disbursed."""
    now = standing_on(project, on)
    basis = now.settled if now.settled is not None else now.support
    # Nothing can be asked for a đề án not yet approved: the request says so rather than pay what was only requested.
    requested = max(basis - now.disbursed, Decimal(0)) if basis is not None else Decimal(0)
    doc = _base(project, on, "GIẤY ĐỀ NGHỊ THANH TOÁN KINH PHÍ ĐỀ ÁN KHUYẾN CÔNG (Mẫu 9)")
    which = "được quyết toán" if now.settled is not None else "được duyệt" if basis is not None else "(chưa phê duyệt)"
    doc.parts = [
        Part(
            "NỘI DUNG ĐỀ NGHỊ",
            [
                f"Kinh phí khuyến công {which}: {money(basis)} đồng.",
                f"Đã giải ngân: {money(now.disbursed)} đồng.",
                f"Đề nghị thanh toán: {money(requested)} đồng. {words(requested)}",
            ],
        )
    ]
    return doc


def _last(project: Project, on: datetime.date, *actions: Action) -> ProjectEvent | None:
    """The latest standing step of one of these kinds on or before the day (a voided one never fills a form)."""
    return (
        project.events.standing()
        .filter(on__lte=on, action__in=actions)
        .select_related("organization")
        .order_by("-on", "-seq")
        .first()
    )


def _step(event: ProjectEvent | None, what: str) -> str:
    if event is None:
        return f"{what}: chưa có trong hồ sơ."
    number = f", văn bản số {event.document}" if event.document else ""
    return f"{what}: ngày {event.on:%d/%m/%Y}, {event.organization.name}{number}."


def _amount_line(label: str, value: Decimal | None) -> str:
    return f"{label}: {money(value)} đồng. {words(value)}".strip()


def form_completed(project: Project, on: datetime.date) -> Official:
    """Mẫu 3b: the completed volume and cost (TT 36/2013 Art. 23.3 — sent with a progress report that supports an
    advance request, and at the end with the results report)."""
    now = standing_on(project, on)
    doc = _base(project, on, "BÁO CÁO KHỐI LƯỢNG HOÀN THÀNH VÀ KINH PHÍ THỰC HIỆN ĐỀ ÁN KHUYẾN CÔNG (Mẫu 3b)")
    volume = Grid(["Chỉ tiêu", "Giá trị"], numeric=frozenset({1}))
    volume.rows.append(["Khối lượng hoàn thành (%)", format_number(now.percent) if now.percent is not None else "—"])
    for result in Result.objects.standing().filter(project=project, on__lte=on).order_by("on", "pk"):
        volume.rows.append([f"{result.get_indicator_display()} ({result.on:%d/%m/%Y})", format_number(result.value)])
    cost = Grid(["Khoản mục", "Dự toán được duyệt (đồng)", "Thực hiện đến ngày báo cáo (đồng)"],
                numeric=frozenset({1, 2}))  # fmt: skip
    cost.rows += [
        ["Kinh phí khuyến công", money(now.support), money(now.disbursed)],
        ["Vốn đối ứng của cơ sở thụ hưởng", money(project.counterpart), "—"],
        ["Tổng kinh phí đề án", money(project.total_cost), "—"],
    ]
    doc.parts = [
        Part("I. KHỐI LƯỢNG CÔNG VIỆC HOÀN THÀNH", grids=[volume]),
        Part(
            "II. KINH PHÍ THỰC HIỆN",
            [
                _amount_line("Kinh phí khuyến công được duyệt", now.support),
                _amount_line("Kinh phí khuyến công đã thực hiện (giải ngân lũy kế)", now.disbursed),
            ],
            [cost],
        ),
        Part("III. ĐỀ NGHỊ"),
    ]
    return doc


# TT 36/2013 Art. 9: what the appraisal of a đề án looks at.
APPRAISAL_CRITERIA = (
    "Sự phù hợp với nguyên tắc, đối tượng, nội dung của chương trình khuyến công",
    "Mục tiêu và sự cần thiết của đề án",
    "Tính hợp lý của dự toán kinh phí",
    "Năng lực của đơn vị thực hiện và cơ sở thụ hưởng",
    "Sự lồng ghép với các chương trình, dự án khác",
    "Tính đầy đủ của hồ sơ đề án",
)


def _criteria(outcome: str = "") -> Grid:
    grid = Grid(["STT", "Tiêu chí thẩm định (Điều 9)", "Đạt", "Không đạt", "Ý kiến"])
    for index, criterion in enumerate(APPRAISAL_CRITERIA, 1):
        passed, failed = ("x" if outcome == "đạt" else ""), ("x" if outcome == "không đạt" else "")
        grid.rows.append([str(index), criterion, passed, failed, ""])
    return grid


def form_appraisal_sheet(project: Project, on: datetime.date) -> Official:
    """Mẫu 4a: one member's appraisal sheet — the đề án as submitted and the criteria of Art. 9, to be marked."""
    doc = _base(project, on, "PHIẾU THẨM ĐỊNH ĐỀ ÁN KHUYẾN CÔNG (Mẫu 4a)")
    doc.signer_title = "Người thẩm định"
    submitted = _last(project, on, Action.SUBMITTED_FOR_APPRAISAL)
    requested = (
        submitted.amount if submitted is not None and submitted.amount is not None else project.support_requested
    )
    doc.parts = [
        Part(
            "I. THÔNG TIN ĐỀ ÁN",
            [
                f"Đơn vị thực hiện: {project.implementer.name}.",
                f"Nội dung khuyến công: {project.content.name}.",
                _step(submitted, "Gửi thẩm định"),
                _amount_line("Tổng kinh phí", project.total_cost),
                _amount_line("Kinh phí khuyến công đề nghị hỗ trợ", requested),
            ],
        ),
        Part("II. Ý KIẾN THẨM ĐỊNH", grids=[_criteria()]),
        Part("III. KẾT LUẬN", ["Kinh phí đề nghị sau thẩm định: ........................ đồng."]),
    ]
    return doc


def form_appraisal_summary(project: Project, on: datetime.date) -> Official:
    """Mẫu 4b: the summary of the base-level appraisal, from the appraisal step recorded (passed or failed)."""
    doc = _base(project, on, "PHIẾU TỔNG HỢP KẾT QUẢ THẨM ĐỊNH ĐỀ ÁN KHUYẾN CÔNG (Mẫu 4b)")
    submitted = _last(project, on, Action.SUBMITTED_FOR_APPRAISAL)
    outcome = _last(project, on, Action.APPRAISAL_PASSED, Action.APPRAISAL_FAILED)
    requested = (
        submitted.amount if submitted is not None and submitted.amount is not None else project.support_requested
    )
    verdict = (
        "chưa thẩm định" if outcome is None else "đạt" if outcome.action == Action.APPRAISAL_PASSED else "không đạt"
    )
    appraised = outcome.amount if outcome is not None and outcome.action == Action.APPRAISAL_PASSED else None
    comparison = Grid(["Khoản mục", "Số tiền (đồng)"], numeric=frozenset({1}))
    comparison.rows += [["Kinh phí đề nghị hỗ trợ", money(requested)], ["Kinh phí sau thẩm định", money(appraised)]]
    if requested is not None and appraised is not None:
        comparison.rows.append(["Chênh lệch (đề nghị − thẩm định)", money(requested - appraised)])
    doc.parts = [
        Part(
            "I. THÔNG TIN ĐỀ ÁN",
            [_step(submitted, "Gửi thẩm định"), _amount_line("Kinh phí đề nghị hỗ trợ", requested)],
        ),
        Part("II. KẾT QUẢ THẨM ĐỊNH THEO TIÊU CHÍ", grids=[_criteria(verdict)]),
        Part(
            "III. KẾT LUẬN",
            [
                _step(outcome, "Thẩm định"),
                f"Kết luận: đề án {verdict}.",
                _amount_line("Kinh phí khuyến công sau thẩm định", appraised),
            ],
            [comparison],
        ),
    ]
    return doc


def _acceptance_facts(project: Project, on: datetime.date) -> tuple[ProjectEvent | None, list[str]]:
    now = standing_on(project, on)
    accepted = _last(project, on, Action.ACCEPTED)
    value = accepted.amount if accepted is not None else None
    lines = [
        _step(_last(project, on, Action.CONTRACT_SIGNED), "Hợp đồng"),
        _step(accepted, "Nghiệm thu"),
        _amount_line("Giá trị hợp đồng", now.contracted),
        _amount_line("Giá trị nghiệm thu", value),
    ]
    return accepted, lines


def form_acceptance_site(project: Project, on: datetime.date) -> Official:
    """Mẫu 5a: the acceptance record at each site — one section per beneficiary facility."""
    doc = _base(project, on, "BIÊN BẢN NGHIỆM THU TẠI CƠ SỞ THỤ HƯỞNG (Mẫu 5a)")
    doc.signer_title = "Đại diện đơn vị thực hiện"
    _accepted, lines = _acceptance_facts(project, on)
    doc.parts = [Part("I. CĂN CỨ NGHIỆM THU", lines)]
    facilities = project.beneficiaries.select_related("commune", "province").order_by("code")
    for index, facility in enumerate(facilities, 1):
        place = facility.commune.path if facility.commune else facility.province.full_name
        doc.parts.append(
            Part(
                f"{index + 1}. CƠ SỞ: {facility.name}",
                [
                    f"Mã số thuế: {facility.tax_code or '—'}. Địa chỉ: {facility.address} {place}".strip() + ".",
                    "Khối lượng, chất lượng nghiệm thu tại cơ sở: ........................",
                    "Ý kiến của cơ sở thụ hưởng: ........................",
                ],
            )
        )
    if not doc.parts[1:]:
        doc.parts.append(Part("II. ĐỀ ÁN CHUNG", ["Đề án không có cơ sở thụ hưởng riêng."]))
    return doc


def form_acceptance(project: Project, on: datetime.date) -> Official:
    """Mẫu 5b: the acceptance record of the đề án (TT 36/2013 Art. 16) — what was contracted, what was accepted, the
    results recorded."""
    doc = _base(project, on, "BIÊN BẢN NGHIỆM THU ĐỀ ÁN KHUYẾN CÔNG (Mẫu 5b)")
    accepted, lines = _acceptance_facts(project, on)
    now = standing_on(project, on)
    verdict = "Đề án đã được nghiệm thu." if accepted is not None else "Đề án chưa được nghiệm thu."
    doc.parts = [
        Part("I. CĂN CỨ VÀ THÀNH PHẦN", lines),
        Part(
            "II. KẾT QUẢ THỰC HIỆN",
            [f"Khối lượng hoàn thành: {format_number(now.percent) if now.percent is not None else '—'}%."],
            [_results(project, on)],
        ),
        Part("III. KẾT LUẬN", [verdict]),
    ]
    return doc


def form_liquidation(project: Project, on: datetime.date) -> Official:
    """Mẫu 6: the liquidation of the contract — its value, what was accepted and disbursed, and who owes the rest
    (TT 36/2013 Art. 16: the rest is paid after acceptance; an unused advance is refunded)."""
    now = standing_on(project, on)
    doc = _base(project, on, "BIÊN BẢN THANH LÝ HỢP ĐỒNG (Mẫu 6)")
    contract = _last(project, on, Action.CONTRACT_SIGNED)
    assigned = _last(project, on, Action.ASSIGNED, Action.APPROVED)
    accepted = _last(project, on, Action.ACCEPTED)
    value = accepted.amount if accepted is not None and accepted.amount is not None else now.contracted
    grid = Grid(["Khoản mục", "Số tiền (đồng)"], numeric=frozenset({1}), total_rows=frozenset({4}))
    grid.rows += [
        ["Giá trị hợp đồng", money(now.contracted)],
        ["Giá trị nghiệm thu, thanh lý", money(value)],
        ["Đã tạm ứng, thanh toán", money(now.advanced + now.paid)],
        ["Đã thu hồi, hoàn trả", money(now.refunded)],
    ]
    if value is None:
        balance = "Chưa có giá trị hợp đồng, nghiệm thu để thanh lý."
        grid.rows.append(["Còn lại", "—"])
    else:
        rest = value - now.disbursed
        grid.rows.append(["Còn lại", money(rest)])
        balance = (
            _amount_line("Bên A thanh toán tiếp cho Bên B", rest)
            if rest > 0
            else _amount_line("Bên B hoàn trả Bên A số tạm ứng chưa sử dụng", -rest)
            if rest < 0
            else "Hai bên đã thanh toán đủ, không còn số phải trả."
        )
    doc.parts = [
        Part(
            "I. CÁC BÊN",
            [
                f"Bên A (bên giao): {assigned.organization.name if assigned else '........................'}.",
                f"Bên B (bên thực hiện): {project.implementer.name}.",
                _step(contract, "Hợp đồng"),
                _step(accepted, "Nghiệm thu"),
            ],
        ),
        Part("II. GIÁ TRỊ THANH LÝ", [_amount_line("Giá trị thanh lý", value)], [grid]),
        Part("III. THANH TOÁN", [balance]),
    ]
    return doc


Build = Callable[[Project, datetime.date], Official]


def _in_vietnamese(build: Build) -> Build:
    """The form built in Vietnamese, whatever the language of the page that asks for it."""

    @functools.wraps(build)
    def built(project: Project, on: datetime.date) -> Official:
        with translation.override("vi"):
            return build(project, on)

    return built


def _counterpart_vouchers(project: Project, on: datetime.date) -> Official:
    return form_vouchers(project, on, counterpart=True)


# key: (the form's name as the pages list it, its builder).
FORMS: dict[str, tuple[Promise, Build]] = {
    key: (label, _in_vietnamese(build))
    for key, (label, build) in {
        "de-an": (_("Đề án khuyến công (Điều 5)"), form_project),
        "mau-1": (_("Mẫu 1 — Dự toán kinh phí"), form_cost_estimate),
        "mau-3a": (_("Mẫu 3a — Báo cáo tiến độ"), form_progress),
        "mau-3b": (_("Mẫu 3b — Khối lượng hoàn thành và kinh phí"), form_completed),
        "mau-4a": (_("Mẫu 4a — Phiếu thẩm định"), form_appraisal_sheet),
        "mau-4b": (_("Mẫu 4b — Tổng hợp kết quả thẩm định"), form_appraisal_summary),
        "mau-5a": (_("Mẫu 5a — Biên bản nghiệm thu tại cơ sở"), form_acceptance_site),
        "mau-5b": (_("Mẫu 5b — Biên bản nghiệm thu đề án"), form_acceptance),
        "mau-6": (_("Mẫu 6 — Biên bản thanh lý hợp đồng"), form_liquidation),
        "mau-7": (_("Mẫu 7 — Bảng tổng hợp quyết toán"), form_settlement),
        "mau-8a": (_("Mẫu 8a — Bảng kê chứng từ"), form_vouchers),
        "mau-8b": (_("Mẫu 8b — Bảng kê chứng từ, có vốn đối ứng"), _counterpart_vouchers),
        "mau-9": (_("Mẫu 9 — Giấy đề nghị thanh toán"), form_payment_request),
    }.items()
}
