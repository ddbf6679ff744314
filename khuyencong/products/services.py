"""Every write to products and the typical-product selection, each atomic, checked and audited: a product, a round with
its criteria and jury, an entry, a judge's score (a correction voids and re-enters), the recognition decision with its
certificates, a revocation, a complaint and its answer."""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from khuyencong.accounts.models import User
from khuyencong.audit.models import AuditAction
from khuyencong.audit.services import audit_entry_write, audit_snapshot
from khuyencong.core.codes import (
    INVALID_CODE,
    created_under_new_code,
    require_code_form,
    require_free_code,
)
from khuyencong.core.corrections import check_void, mark_voided
from khuyencong.core.refusals import Refused, not_future, refuse
from khuyencong.core.text import fold
from khuyencong.core.xlsx import SHEET_FORBIDDEN
from khuyencong.facilities.models import Facility
from khuyencong.geography.models import AdminUnit
from khuyencong.geography.selectors import unit_current_communes
from khuyencong.organizations.models import Organization, Region
from khuyencong.projects.documents import checked_upload
from khuyencong.projects.models import Project

from . import authority
from .models import (
    Certificate,
    Complaint,
    ComplaintOutcome,
    CouncilMember,
    Entry,
    EntryDocument,
    HolderReport,
    Judge,
    Product,
    ProductPhoto,
    RoundCriterion,
    Score,
    SelectionRound,
)
from .rules import (
    COMPLAINT_DAYS,
    DEFAULT_CRITERIA,
    DEFAULT_THRESHOLD,
    GUIDE_SHEET,
    CouncilRole,
    Criterion,
    DossierItem,
    PhotoAngle,
    ProductGroup,
    RoundLevel,
    certificate_valid_until,
    certificate_years,
    level_below,
    level_in_force,
    lowest,
    working_days_after,
)
from .selectors import entry_dossiers, entry_scores

PRODUCT_FIELDS = ["code", "facility", "name", "group", "description"]


def not_organizer(selection: SelectionRound) -> str:
    """The refusal of one who does not belong to the round's organising body (pages, API and services alike)."""
    return _("Bạn không thuộc cơ quan tổ chức %(round)s.") % {"round": selection.name}


def cannot_open(organizer: Organization, level: RoundLevel) -> str:
    """The refusal of a round the user may not open for that body at that level (pages, API and services alike)."""
    return _("%(organizer)s không tổ chức bình chọn %(level)s, hoặc bạn không thuộc cơ quan tổ chức.") % {
        "organizer": organizer.name,
        "level": level.label.lower(),
    }


def only_the_judge(judge: Judge) -> str:
    return _("Chỉ giám khảo %(judge)s chấm được phiếu của mình.") % {"judge": judge.name}


def no_report_right(facility: Facility) -> str:
    return _("Bạn không có quyền ghi báo cáo của %(facility)s.") % {"facility": facility.name}


@transaction.atomic
def product_create(
    *,
    actor: User,
    facility: Facility,
    code: str,
    name: str,
    group: str,
    description: str = "",
    certificates_held: Sequence[str] = (),
) -> Product:
    if not authority.can_write_product(actor, facility):
        raise Refused(
            "out_of_scope", _("Bạn không có quyền ghi sản phẩm của cơ sở %(facility)s.") % {"facility": facility.name}
        )
    if group not in ProductGroup.values:
        raise refuse("group", _group_unknown(group), "invalid")
    if not name.strip():
        raise refuse("name", _("Ghi tên sản phẩm."), "required")
    require_code_form(code, _("sản phẩm"), addressed_by="products:detail")
    require_free_code(Product, code, _("sản phẩm"))
    product = Product(
        code=code,
        facility=facility,
        name=name.strip(),
        group=group,
        description=description.strip(),
        certificates_held=[c.strip() for c in certificates_held if c.strip()],
    )
    product.search_text = fold(f"{product.name} | {product.code} | {facility.name}")
    product.full_clean()
    with created_under_new_code(Product, code, _("sản phẩm")):
        product.save()
    audit_entry_write(
        actor=actor,
        action=AuditAction.CREATE,
        instance=product,
        before={},
        after=audit_snapshot(product, PRODUCT_FIELDS),
    )
    return product


def _group_unknown(group: str) -> str:
    return _("Nhóm sản phẩm «%(group)s» không có; chọn: %(choices)s.") % {
        "group": group,
        "choices": ", ".join(ProductGroup.values),
    }


@transaction.atomic
def product_update(
    *,
    actor: User,
    product: Product,
    name: str,
    group: str,
    description: str = "",
    certificates_held: Sequence[str] = (),
) -> Product:
    """A product's name, group, description or certificates corrected; the audit keeps what it said before."""
    product = Product.objects.select_for_update().select_related("facility").get(pk=product.pk)
    if not authority.can_write_product(actor, product.facility):
        raise Refused(
            "out_of_scope",
            _("Bạn không có quyền ghi sản phẩm của cơ sở %(facility)s.") % {"facility": product.facility.name},
        )
    if group not in ProductGroup.values:
        raise refuse("group", _group_unknown(group), "invalid")
    if not name.strip():
        raise refuse("name", _("Ghi tên sản phẩm."), "required")
    before = audit_snapshot(product, [*PRODUCT_FIELDS, "certificates_held"])
    product.name, product.group, product.description = name.strip(), group, description.strip()
    product.certificates_held = [c.strip() for c in certificates_held if c.strip()]
    product.search_text = fold(f"{product.name} | {product.code} | {product.facility.name}")
    product.full_clean()
    product.save()
    audit_entry_write(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=product,
        before=before,
        after=audit_snapshot(product, [*PRODUCT_FIELDS, "certificates_held"]),
    )
    return product


# Bad input of one request (a jury naming a code twice), not a conflict with a record held: not DUPLICATE_CODE, which
# the API answers with 409.
DUPLICATE_JUDGE = "duplicate_judge"


def _check_judge_codes(codes: list[str]) -> None:
    """A judge's code names his sheet of the scoring workbook (products/excel.py): one Excel can name a sheet after
    (none of / \\ * ? : [ ], not the guide's name), once per round."""
    seen: set[str] = set()
    # Excel also refuses a sheet named "History" (its own) or beginning or ending with an apostrophe.
    taken = {unicodedata.normalize("NFC", GUIDE_SHEET).casefold(), "history"}
    for code in codes:
        plain = unicodedata.normalize("NFC", code.strip()).casefold()
        if not plain or SHEET_FORBIDDEN.search(code) or plain in taken or plain.startswith("'") or plain.endswith("'"):
            unusable = _(
                "Mã giám khảo «%(code)s» không dùng được: mã là tên trang phiếu chấm trong tệp Excel, không để trống, "
                "không chứa / \\ * ? : [ ], không bắt đầu hay kết thúc bằng dấu ' "
                "và không là «%(guide)s» hay «History»."
            ) % {"code": code, "guide": GUIDE_SHEET}
            raise refuse("judges", unusable, INVALID_CODE)
        if code.casefold() in seen:
            raise refuse(
                "judges", _("Mã giám khảo «%(code)s» ghi hai lần trong một đợt.") % {"code": code}, DUPLICATE_JUDGE
            )
        seen.add(code.casefold())


@transaction.atomic
def round_create(
    *,
    actor: User,
    code: str,
    name: str,
    level: str,
    year: int,
    organizer: Organization,
    territory: AdminUnit | None = None,
    region: Region | None = None,
    threshold: Decimal = DEFAULT_THRESHOLD,
    criteria: Iterable[Criterion] = DEFAULT_CRITERIA,
    judges: Iterable[tuple[str, str, User | None]] = (),
) -> SelectionRound:
    """A round at one level, by the body the rule names, with its criteria (default TT 26/2014 Phụ lục 4: 40/40/10/10)
    and its jury."""
    if level not in RoundLevel.values:
        raise refuse("level", _("Cấp bình chọn «%(level)s» không có.") % {"level": level}, "invalid")
    round_level = RoundLevel(level)
    if not authority.can_create_round(actor, organizer, round_level):
        raise Refused("out_of_scope", cannot_open(organizer, round_level))
    if not level_in_force(round_level, datetime.date(year, 12, 31)) and not level_in_force(
        round_level, datetime.date(year, 1, 1)
    ):
        raise refuse(
            "level",
            _("Năm %(year)s không có bình chọn %(level)s (cấp huyện đến 30/06/2025, cấp xã từ 01/07/2025).")
            % {"year": year, "level": round_level.label.lower()},
            "level_not_in_force",
        )
    judges = list(judges)
    _check_judge_codes([judge_code for judge_code, _name, _user in judges])
    criteria = list(criteria)
    if sum((c.max_points for c in criteria), Decimal(0)) != Decimal(100):
        raise refuse("criteria", _("Tổng điểm tối đa các tiêu chí phải là 100."), "criteria_total")
    if not Decimal(0) < threshold <= Decimal(100):
        raise refuse("threshold", _("Điểm công nhận phải lớn hơn 0 và không quá 100."), "invalid")
    require_code_form(code, _("đợt bình chọn"), addressed_by="products:round")
    require_free_code(SelectionRound, code, _("đợt bình chọn"))
    selection = SelectionRound(
        code=code,
        name=name.strip(),
        level=level,
        year=year,
        organizer=organizer,
        territory=territory or organizer.territory,
        region=region,
        threshold=threshold,
    )
    selection.full_clean()
    with created_under_new_code(SelectionRound, code, _("đợt bình chọn")):
        selection.save()
    RoundCriterion.objects.bulk_create(
        [
            RoundCriterion(round=selection, code=c.code, name=c.name, max_points=c.max_points, position=i)
            for i, c in enumerate(criteria)
        ]
    )
    for judge_code, judge_name, user in judges:
        Judge.objects.create(round=selection, code=judge_code, name=judge_name, user=user)
    audit_entry_write(
        actor=actor,
        action=AuditAction.CREATE,
        instance=selection,
        before={},
        after=audit_snapshot(selection, ["code", "name", "level", "year", "organizer", "threshold"]),
    )
    return selection


@transaction.atomic
def entry_register(
    *,
    actor: User,
    selection: SelectionRound,
    product: Product,
    registered_on: datetime.date,
    lower_certificate: Certificate | None = None,
) -> Entry:
    """A product enters a round; above the lowest level only with a valid certificate of the level below on the day it
    registers (TT 26/2014 Art. 12)."""
    if not authority.can_register(actor, selection, product.facility):
        raise Refused(
            "out_of_scope",
            _("Bạn không có quyền đăng ký sản phẩm của %(facility)s.") % {"facility": product.facility.name},
        )
    not_future(registered_on, _("Ngày đăng ký"))
    if selection.decided:
        raise refuse(
            "round",
            _("%(round)s đã có quyết định công nhận; không nhận thêm sản phẩm.") % {"round": selection.name},
            "round_closed",
        )
    if not _takes(selection, product.facility, registered_on):
        raise refuse(
            "product",
            _("Cơ sở %(facility)s không thuộc địa bàn của %(round)s.")
            % {"facility": product.facility.name, "round": selection.name},
            "outside_territory",
        )
    level = RoundLevel(selection.level)
    if lower_certificate is not None:
        # As it stands now: a revocation recorded meanwhile must count.
        lower_certificate = Certificate.objects.select_related("entry__round").get(pk=lower_certificate.pk)
    if not lowest(level):
        if lower_certificate is None:
            raise refuse(
                "lower_certificate",
                _("Sản phẩm dự bình chọn %(level)s phải có giấy chứng nhận còn hiệu lực của cấp dưới.")
                % {"level": level.label.lower()},
                "lower_certificate_required",
            )
        below = RoundLevel(lower_certificate.entry.round.level)
        if lower_certificate.entry.product_id != product.pk or below not in level_below(level):
            raise refuse(
                "lower_certificate",
                _("Giấy chứng nhận %(code)s không phải của sản phẩm này ở cấp liền dưới.")
                % {"code": lower_certificate.code},
                "lower_certificate_mismatch",
            )
        if not lower_certificate.valid_on(registered_on):
            raise refuse(
                "lower_certificate",
                _("Giấy chứng nhận %(code)s không còn hiệu lực ngày %(day)s.")
                % {"code": lower_certificate.code, "day": f"{registered_on:%d/%m/%Y}"},
                "lower_certificate_expired",
            )
    if Entry.objects.filter(round=selection, product=product).exists():
        raise refuse(
            "product",
            _("Sản phẩm %(product)s đã đăng ký %(round)s.") % {"product": product.name, "round": selection.name},
            "duplicate_entry",
        )
    entry = Entry.objects.create(
        round=selection,
        product=product,
        registered_on=registered_on,
        lower_certificate=lower_certificate,
        registered_by=actor,
    )
    audit_entry_write(
        actor=actor,
        action=AuditAction.CREATE,
        instance=entry,
        before={},
        after={"round": selection.code, "product": product.code, "registered_on": f"{registered_on:%d/%m/%Y}"},
    )
    return entry


def _takes(selection: SelectionRound, facility: Facility, on: datetime.date) -> bool:
    """Whether the round selects among the facility's products (TT 26/2014/TT-BCT Art. 8–10): a district's or a
    commune's round those of the facilities in its territory, a province's those of the province, a region's those of
    its provinces on the day, the nation's any. Without it a national body could enter another province's product, which
    the round's organiser would then see."""
    level = RoundLevel(selection.level)
    if level == RoundLevel.NATIONAL:
        return True
    if level == RoundLevel.REGIONAL:
        if selection.region is None:
            return True
        provinces = selection.region.provinces_on(on).values_list("pk", "current_province_id")
        return facility.current_province_id in {current or pk for pk, current in provinces}
    territory = selection.territory
    if territory is None:
        return True
    if level == RoundLevel.PROVINCIAL:
        return facility.current_province_id == (territory.current_province_id or territory.pk)
    if territory.pk in (facility.district_id, facility.commune_id, facility.current_commune_id):
        return True
    return facility.current_commune_id in {unit.pk for unit in unit_current_communes(territory)}


@transaction.atomic
def score_record(
    *,
    actor: User,
    entry: Entry,
    judge: Judge,
    criterion: RoundCriterion,
    points: Decimal,
    transcribed: bool = False,
) -> Score:
    """A judge's points on a criterion, on their own sheet: never above the criterion's maximum; a second score of
    the same criterion voids the first (with who and when), never overwrites it. `transcribed`: the organiser types
    in the paper sheet of a judge without an account (an Excel sheet, an exchange file)."""
    if judge.round_id != entry.round_id or criterion.round_id != entry.round_id:
        raise refuse("judge", _("Giám khảo, tiêu chí và sản phẩm phải cùng một đợt bình chọn."), "round_mismatch")
    allowed = authority.can_transcribe_sheet(actor, judge) if transcribed else authority.can_score(actor, judge)
    if not allowed:
        if transcribed and judge.user_id is not None:
            raise Refused(
                "judge_has_account",
                _("Giám khảo %(judge)s có tài khoản và tự chấm trên phiếu của mình.") % {"judge": judge.name},
            )
        raise Refused("out_of_scope", only_the_judge(judge))
    selection = SelectionRound.objects.select_for_update().get(pk=entry.round_id)
    entry = Entry.objects.get(pk=entry.pk)
    if selection.decided:
        raise refuse(
            "round",
            _("%(round)s đã có quyết định công nhận; không chấm lại được.") % {"round": selection.name},
            "round_closed",
        )
    if not points.is_finite() or points.as_tuple().exponent < -2:  # type: ignore[operator]
        raise refuse(
            "points",
            _("Điểm «%(points)s» của tiêu chí «%(criterion)s» phải là một số có tối đa hai chữ số thập phân.")
            % {"points": points, "criterion": criterion.name},
            "points_invalid",
        )
    if points < 0 or points > criterion.max_points:
        raise refuse(
            "points",
            _("Điểm %(points)s của tiêu chí «%(criterion)s» phải từ 0 đến %(max)s.")
            % {"points": points, "criterion": criterion.name, "max": criterion.max_points},
            "points_out_of_range",
        )
    earlier = Score.objects.standing().filter(entry=entry, judge=judge, criterion=criterion).first()
    if earlier is not None:
        mark_voided(
            earlier,
            actor=actor,
            on=timezone.localdate(),
            reason=check_void(
                earlier,
                on=timezone.localdate(),
                reason=f"Chấm lại: {earlier.points} → {points}",  # vi-only: a stored record
                dated=None,
            ),
        )
    score = Score.objects.create(entry=entry, judge=judge, criterion=criterion, points=points, recorded_by=actor)
    audit_entry_write(
        actor=actor,
        action=AuditAction.CREATE,
        instance=score,
        before={},
        after={"entry": str(entry), "judge": judge.name, "criterion": criterion.code, "points": str(points)},
    )
    return score


@transaction.atomic
def round_decide(
    *,
    actor: User,
    selection: SelectionRound,
    on: datetime.date,
    document: str,
    recognized: Iterable[Entry],
    transcribed: Mapping[int, CertificateSpec] | None = None,
) -> list[Certificate]:
    """The council's decision: which products at or above the threshold are recognised (a quota or mix is its choice),
    dated and numbered; each recognised product gets its numbered certificate, valid until 31 December of the third
    year. A product below the threshold, or not scored by every judge on every criterion, cannot be recognised.
    `transcribed`: a decision taken elsewhere (an exchange file), with its certificates as issued, by entry; the
    dossier's files do not travel in the format, so its completeness was the sending system's to check."""
    selection = SelectionRound.objects.select_for_update().get(pk=selection.pk)
    if not authority.can_manage_round(actor, selection):
        raise Refused("out_of_scope", not_organizer(selection))
    if selection.decided:
        raise refuse(
            "round",
            _("%(round)s đã có quyết định công nhận ngày %(day)s.")
            % {"round": selection.name, "day": f"{selection.decision_on:%d/%m/%Y}"},
            "already_decided",
        )
    not_future(on, _("Quyết định công nhận"))
    if not document.strip():
        raise refuse("document", _("Ghi số quyết định công nhận."), "required")
    chosen = list(recognized)
    scores = entry_scores(selection)
    dossiers = entry_dossiers(selection)
    problems = []
    for entry in chosen:
        if entry.round_id != selection.pk:
            problems.append(
                _("%(product)s không dự %(round)s.") % {"product": entry.product.name, "round": selection.name}
            )
            continue
        result = scores.get(entry.pk)
        if result is None or not result.complete:
            problems.append(
                _("%(product)s chưa được mọi giám khảo chấm đủ tiêu chí.") % {"product": entry.product.name}
            )
        elif result.average is None or result.average < selection.threshold:
            problems.append(
                _("%(product)s đạt %(points)s điểm, dưới %(threshold)s.")
                % {"product": entry.product.name, "points": result.average, "threshold": selection.threshold}
            )
        elif transcribed is None and dossiers.get(entry.pk):
            problems.append(
                _("Hồ sơ của %(product)s còn thiếu: %(missing)s.")
                % {"product": entry.product.name, "missing": ", ".join(dossiers[entry.pk])}
            )
    if problems:
        raise refuse(
            "recognized", _("Không công nhận được. %(problems)s") % {"problems": " ".join(problems)}, "below_threshold"
        )
    selection.decision_on, selection.decision_document = on, document.strip()
    selection.save(update_fields=["decision_on", "decision_document"])
    if transcribed is not None:
        _check_certificate_specs(chosen, transcribed, on)
    certificates = []
    for number, entry in enumerate(sorted(chosen, key=lambda e: -(scores[e.pk].average or 0)), start=1):
        Entry.objects.filter(pk=entry.pk).update(recognized=True)
        spec = (transcribed or {}).get(entry.pk) or CertificateSpec(f"{selection.code}/{number:03d}", on)
        certificates.append(
            Certificate.objects.create(
                code=spec.code,
                entry=entry,
                issued_on=spec.issued_on,
                valid_until=spec.valid_until or certificate_valid_until(spec.issued_on),
            )
        )
    audit_entry_write(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=selection,
        before={},
        after={
            "decision": f"{document.strip()} ngày {on:%d/%m/%Y}",  # vi-only: an audit record
            "recognized": ", ".join(e.product.code for e in chosen),
        },
    )
    return certificates


@dataclass(frozen=True)
class CertificateSpec:
    """A certificate as another system issued it: its number, day of issue and validity (default by the rule)."""

    code: str
    issued_on: datetime.date
    valid_until: datetime.date | None = None


def _check_certificate_specs(chosen: list[Entry], specs: Mapping[int, CertificateSpec], on: datetime.date) -> None:
    codes = [spec.code for spec in specs.values()]
    if len(codes) != len(set(codes)):
        raise refuse("certificate", _("Hai giấy chứng nhận cùng một số."), "duplicate_code")
    for entry in chosen:
        spec = specs.get(entry.pk)
        if spec is None:
            continue
        names = {"code": spec.code, "product": entry.product.name}
        if not spec.code.strip():
            message = _("Giấy chứng nhận %(code)s của %(product)s: ghi số giấy chứng nhận.") % names
            raise refuse("certificate", message, "required")
        if spec.issued_on < on:
            message = _("Giấy chứng nhận %(code)s của %(product)s cấp trước ngày quyết định %(day)s.") % {
                **names,
                "day": f"{on:%d/%m/%Y}",
            }
            raise refuse("certificate", message, "date_order")
        not_future(spec.issued_on, _("Giấy chứng nhận %(code)s của %(product)s") % names)
        if spec.valid_until is not None and spec.valid_until < spec.issued_on:
            message = _("Giấy chứng nhận %(code)s của %(product)s hết hiệu lực trước ngày cấp.") % names
            raise refuse("certificate", message, "date_order")
        require_free_code(Certificate, spec.code, _("giấy chứng nhận"))


@transaction.atomic
def certificate_revoke(*, actor: User, certificate: Certificate, on: datetime.date, reason: str) -> Certificate:
    certificate = Certificate.objects.select_for_update().select_related("entry__round").get(pk=certificate.pk)
    if not authority.can_manage_round(actor, certificate.entry.round):
        raise Refused("out_of_scope", _("Chỉ cơ quan tổ chức thu hồi được giấy chứng nhận."))
    if certificate.revoked_on is not None:
        raise refuse(
            "certificate",
            _("Giấy chứng nhận %(code)s đã thu hồi ngày %(day)s.")
            % {"code": certificate.code, "day": f"{certificate.revoked_on:%d/%m/%Y}"},
            "already_revoked",
        )
    not_future(on, _("Thu hồi"))
    if on < certificate.issued_on:
        raise refuse("on", _("Ngày thu hồi trước ngày cấp."), "date_order")
    if not reason.strip():
        raise refuse("reason", _("Ghi lý do thu hồi giấy chứng nhận."), "reason_required")
    certificate.revoked_on, certificate.revoked_reason = on, reason.strip()[:500]
    certificate.save(update_fields=["revoked_on", "revoked_reason"])
    audit_entry_write(
        actor=actor,
        action=AuditAction.VOID,
        instance=certificate,
        before={},
        after={"revoked": f"{on:%d/%m/%Y}: {reason.strip()}"},
        note=reason.strip(),
    )
    return certificate


@transaction.atomic
def complaint_record(*, actor: User, entry: Entry, on: datetime.date, text: str) -> Complaint:
    """A complaint about a round's result, within 15 working days of the announcement (TT 26/2014 Art. 20)."""
    entry = Entry.objects.select_related("round", "product__facility").get(pk=entry.pk)
    if not authority.can_register(actor, entry.round, entry.product.facility):
        raise Refused("out_of_scope", _("Bạn không có quyền ghi khiếu nại cho sản phẩm này."))
    not_future(on, _("Khiếu nại"))
    decided = entry.round.decision_on
    if decided is None:
        raise refuse("on", _("Đợt bình chọn chưa có kết quả công bố; chưa khiếu nại được."), "not_announced")
    deadline = working_days_after(decided, COMPLAINT_DAYS)
    if not decided <= on <= deadline:
        raise refuse(
            "on",
            _("Khiếu nại trong %(days)s ngày làm việc kể từ ngày công bố %(announced)s, tức đến %(deadline)s.")
            % {"days": COMPLAINT_DAYS, "announced": f"{decided:%d/%m/%Y}", "deadline": f"{deadline:%d/%m/%Y}"},
            "complaint_out_of_time",
        )
    if not text.strip():
        raise refuse("text", _("Ghi nội dung khiếu nại."), "required")
    complaint = Complaint.objects.create(entry=entry, on=on, text=text.strip())
    audit_entry_write(
        actor=actor,
        action=AuditAction.CREATE,
        instance=complaint,
        before={},
        after={"on": f"{on:%d/%m/%Y}", "text": text.strip()[:200]},
    )
    return complaint


@transaction.atomic
def complaint_answer(*, actor: User, complaint: Complaint, on: datetime.date, outcome: str) -> Complaint:
    """The organiser's answer; one recorded after the 10 working days the rule gives stays on record as late."""
    complaint = Complaint.objects.select_for_update().select_related("entry__round").get(pk=complaint.pk)
    if not authority.can_manage_round(actor, complaint.entry.round):
        raise Refused("out_of_scope", _("Chỉ cơ quan tổ chức trả lời được khiếu nại."))
    if complaint.answered_on is not None:
        raise refuse("complaint", _("Khiếu nại đã được trả lời."), "already_answered")
    if outcome not in ComplaintOutcome.values:
        raise refuse("outcome", _("Kết quả phải là chấp nhận hoặc không chấp nhận khiếu nại."), "invalid")
    not_future(on, _("Trả lời khiếu nại"))
    if on < complaint.on:
        raise refuse("on", _("Ngày trả lời trước ngày khiếu nại."), "date_order")
    complaint.answered_on, complaint.outcome = on, outcome
    complaint.save(update_fields=["answered_on", "outcome"])
    audit_entry_write(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=complaint,
        before={},
        after={"answered_on": f"{on:%d/%m/%Y}", "outcome": outcome},
    )
    return complaint


def _vietnamese(label: object) -> str:
    """A choice's label as an audit record holds it: Vietnamese whoever makes the change."""
    with translation.override("vi"):
        return str(label)


PHOTO_TYPES = {".jpg", ".jpeg", ".png"}
DOCUMENT_TYPES = {".pdf", ".docx", ".doc", ".jpg", ".jpeg", ".png"}


@transaction.atomic
def product_photo_add(*, actor: User, product: Product, angle: str, upload: UploadedFile) -> ProductPhoto:
    """A photo from one angle; the earlier photo of that angle is voided (kept), not overwritten."""
    if not authority.can_write_product(actor, product.facility):
        raise Refused(
            "out_of_scope",
            _("Bạn không có quyền ghi ảnh sản phẩm của %(facility)s.") % {"facility": product.facility.name},
        )
    if angle not in PhotoAngle.values:
        raise refuse("angle", _("Góc chụp «%(angle)s» không có.") % {"angle": angle}, "invalid")
    content_type = checked_upload(upload, PHOTO_TYPES, "upload")
    earlier = ProductPhoto.objects.standing().select_for_update().filter(product=product, angle=angle).first()
    if earlier is not None:
        today = timezone.localdate()
        reason = check_void(earlier, on=today, reason="Thay bằng ảnh mới", dated=None)  # vi-only: a stored record
        mark_voided(earlier, actor=actor, on=today, reason=reason)
    photo = ProductPhoto.objects.create(
        product=product, angle=angle, file=upload, content_type=content_type, size=upload.size or 0, uploaded_by=actor
    )
    audit_entry_write(
        actor=actor,
        action=AuditAction.CREATE,
        instance=photo,
        before={},
        after={"product": product.code, "angle": _vietnamese(PhotoAngle(angle).label)},
    )
    return photo


@transaction.atomic
def entry_document_add(*, actor: User, entry: Entry, item: str, title: str, upload: UploadedFile) -> EntryDocument:
    entry = Entry.objects.select_related("round", "product__facility").get(pk=entry.pk)
    if not authority.can_register(actor, entry.round, entry.product.facility):
        raise Refused(
            "out_of_scope", _("Bạn không có quyền bổ sung hồ sơ của %(product)s.") % {"product": entry.product.name}
        )
    if entry.round.decided:
        raise refuse(
            "round",
            _("%(round)s đã có quyết định công nhận; hồ sơ đã khép lại.") % {"round": entry.round.name},
            "round_closed",
        )
    if item not in DossierItem.values:
        raise refuse("item", _("Loại giấy tờ «%(item)s» không có.") % {"item": item}, "invalid")
    content_type = checked_upload(upload, DOCUMENT_TYPES, "upload")
    document = EntryDocument.objects.create(
        entry=entry,
        item=item,
        title=(title.strip() or upload.name or "")[:255],
        file=upload,
        content_type=content_type,
        size=upload.size or 0,
        uploaded_by=actor,
    )
    audit_entry_write(
        actor=actor,
        action=AuditAction.CREATE,
        instance=document,
        before={},
        after={"entry": str(entry), "item": _vietnamese(DossierItem(item).label)},
    )
    return document


FUNDING_CONTENT = "typical_product_selection"


def round_province_id(selection: SelectionRound) -> int | None:
    """Today's province of a district's, commune's or province's round; None for a regional or national one."""
    territory = selection.territory
    if territory is None or RoundLevel(selection.level) in (RoundLevel.REGIONAL, RoundLevel.NATIONAL):
        return None
    return territory.current_province_id or territory.pk


@transaction.atomic
def round_fund(*, actor: User, selection: SelectionRound, project: Project) -> SelectionRound:
    """The đề án that pays for the round (Decree 45/2012 Art. 4 as amended; TT 26/2014 Art. 19: district and provincial
    rounds from local KC funds, regional and national from KCQG). Its content must be the typical-product selection,
    its province the round's (a national đề án for a regional or national round), and its beneficiaries are the
    round's entrants: a đề án that names facilities of its own may name only entrants."""
    selection = SelectionRound.objects.select_for_update(of=("self",)).select_related("territory").get(pk=selection.pk)
    if not authority.can_manage_round(actor, selection):
        raise Refused("out_of_scope", not_organizer(selection))
    project = Project.objects.select_related("content", "plan").get(pk=project.pk)
    if selection.project_id == project.pk:
        return selection
    if selection.project_id is not None:
        raise refuse(
            "project",
            _("%(round)s đã có đề án kinh phí «%(project)s».")
            % {"round": selection.name, "project": selection.project.code if selection.project else ""},
            "already_funded",
        )
    if project.content.code != FUNDING_CONTENT:
        raise refuse(
            "project",
            _(
                "Đề án «%(project)s» có nội dung «%(content)s», không phải tổ chức bình chọn sản phẩm công nghiệp "
                "nông thôn tiêu biểu."
            )
            % {"project": project.code, "content": project.content.label},
            "content_mismatch",
        )
    if project.province_id != round_province_id(selection):
        raise refuse(
            "project",
            _(
                "Đề án «%(project)s» không cùng địa bàn với %(round)s (đề án của tỉnh cho đợt cấp xã, huyện, tỉnh "
                "của tỉnh đó; đề án trung ương cho đợt cấp khu vực, quốc gia)."
            )
            % {"project": project.code, "round": selection.name},
            "territory_mismatch",
        )
    entrants = set(Entry.objects.filter(round=selection).values_list("product__facility", flat=True))
    outsiders = project.beneficiaries.exclude(pk__in=entrants) if entrants else project.beneficiaries.all()
    names = list(outsiders.values_list("name", flat=True)[:5])
    if names:
        raise refuse(
            "project",
            _("Cơ sở thụ hưởng của đề án «%(project)s» là các cơ sở dự bình chọn; %(facilities)s không dự %(round)s.")
            % {"project": project.code, "facilities": ", ".join(names), "round": selection.name},
            "beneficiaries_not_entrants",
        )
    selection.project = project
    selection.save(update_fields=["project"])
    audit_entry_write(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=selection,
        before={"project": ""},
        after={"project": project.code},
    )
    return selection


@transaction.atomic
def council_member_add(*, actor: User, selection: SelectionRound, name: str, position: str, role: str) -> CouncilMember:
    """A member of the round's council (TT 26/2014 Art. 8–10), named by the organiser; one chair at a time."""
    selection = SelectionRound.objects.select_for_update().get(pk=selection.pk)
    if not authority.can_manage_round(actor, selection):
        raise Refused("out_of_scope", not_organizer(selection))
    if role not in CouncilRole.values:
        raise refuse(
            "role",
            _("Vai trò «%(role)s» không có; chọn: %(choices)s.")
            % {"role": role, "choices": ", ".join(CouncilRole.values)},
            "invalid",
        )
    if not name.strip():
        raise refuse("name", _("Ghi họ và tên thành viên hội đồng."), "required")
    if not position.strip():
        raise refuse("position", _("Ghi chức vụ, đơn vị công tác của thành viên."), "required")
    if role == CouncilRole.CHAIR and CouncilMember.objects.standing().filter(round=selection, role=role).exists():
        raise refuse(
            "role",
            _("%(round)s đã có Chủ tịch Hội đồng; huỷ bỏ người cũ trước.") % {"round": selection.name},
            "chair_exists",
        )
    member = CouncilMember(round=selection, name=name.strip(), position=position.strip(), role=role, recorded_by=actor)
    member.full_clean(exclude=["round", "recorded_by", "voided_by", "voided_actor"])
    member.save()
    audit_entry_write(
        actor=actor,
        action=AuditAction.CREATE,
        instance=member,
        before={},
        after={"round": selection.code, "name": member.name, "position": member.position, "role": role},
    )
    return member


@transaction.atomic
def council_member_void(*, actor: User, member: CouncilMember, reason: str) -> CouncilMember:
    member = CouncilMember.objects.select_for_update().select_related("round").get(pk=member.pk)
    if not authority.can_manage_round(actor, member.round):
        raise Refused("out_of_scope", not_organizer(member.round))
    today = timezone.localdate()
    mark_voided(member, actor=actor, on=today, reason=check_void(member, on=today, reason=reason, dated=None))
    audit_entry_write(
        actor=actor, action=AuditAction.VOID, instance=member, before={}, after={"voided": reason}, note=reason
    )
    return member


@transaction.atomic
def holder_report_record(
    *,
    actor: User,
    certificate: Certificate,
    year: int,
    reported_on: datetime.date,
    support_received: Decimal,
    results: str,
    support_text: str = "",
) -> HolderReport:
    """The holder's yearly report on the support received and the results (TT 26/2014 Art. 22): by the facility or an
    officer of its territory, for a year the certificate was held, once a year (a wrong one is voided first)."""
    certificate = (
        Certificate.objects.select_for_update().select_related("entry__product__facility").get(pk=certificate.pk)
    )
    facility = certificate.entry.product.facility
    if not authority.can_write_product(actor, facility):
        raise Refused("out_of_scope", no_report_right(facility))
    not_future(reported_on, _("Báo cáo"))
    held = certificate_years(certificate.issued_on, certificate.revoked_on or certificate.valid_until)
    if year not in held:
        raise refuse(
            "year",
            _("Giấy chứng nhận %(code)s có hiệu lực trong các năm %(first)s–%(last)s; không có báo cáo năm %(year)s.")
            % {"code": certificate.code, "first": held.start, "last": held.stop - 1, "year": year},
            "year_not_held",
        )
    if reported_on.year < year:
        raise refuse(
            "reported_on",
            _("Báo cáo năm %(year)s ghi ngày %(day)s, trước năm đó.")
            % {"year": year, "day": f"{reported_on:%d/%m/%Y}"},
            "date_order",
        )
    if support_received < 0 or support_received != support_received.to_integral_value():
        raise refuse("support_received", _("Số tiền hỗ trợ là số nguyên đồng, không âm."), "money_invalid")
    if not results.strip():
        raise refuse("results", _("Ghi kết quả sản xuất, kinh doanh trong năm."), "required")
    if HolderReport.objects.standing().filter(certificate=certificate, year=year).exists():
        raise refuse(
            "year",
            _("Đã có báo cáo năm %(year)s của giấy chứng nhận %(code)s; huỷ bỏ báo cáo đó (kèm lý do) rồi ghi lại.")
            % {"year": year, "code": certificate.code},
            "duplicate_report",
        )
    report = HolderReport.objects.create(
        certificate=certificate,
        year=year,
        reported_on=reported_on,
        support_received=support_received,
        support_text=support_text.strip(),
        results=results.strip(),
        recorded_by=actor,
    )
    audit_entry_write(
        actor=actor,
        action=AuditAction.CREATE,
        instance=report,
        before={},
        after={
            "certificate": certificate.code,
            "year": str(year),
            "reported_on": f"{reported_on:%d/%m/%Y}",
            "support_received": str(support_received),
        },
    )
    return report


@transaction.atomic
def holder_report_void(*, actor: User, report: HolderReport, reason: str) -> HolderReport:
    report = (
        HolderReport.objects.select_for_update()
        .select_related("certificate__entry__product__facility")
        .get(pk=report.pk)
    )
    if not authority.can_write_product(actor, report.certificate.entry.product.facility):
        raise Refused("out_of_scope", _("Bạn không có quyền huỷ bỏ báo cáo này."))
    today = timezone.localdate()
    mark_voided(
        report, actor=actor, on=today, reason=check_void(report, on=today, reason=reason, dated=report.reported_on)
    )
    audit_entry_write(
        actor=actor, action=AuditAction.VOID, instance=report, before={}, after={"voided": reason}, note=reason
    )
    return report
