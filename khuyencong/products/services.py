"""Every write to products and the typical-product selection, each atomic, checked and audited: a product, a round with
its criteria and jury, an entry, a judge's score (a correction voids and re-enters), the recognition decision with its
certificates, a revocation, a complaint and its answer."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from khuyencong.accounts.models import User
from khuyencong.audit.models import AuditAction
from khuyencong.audit.services import audit_entry_write, audit_snapshot
from khuyencong.core.codes import created_under_new_code, require_free_code
from khuyencong.core.corrections import check_void, mark_voided
from khuyencong.core.refusals import Refused, not_future, refuse
from khuyencong.core.text import fold
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
        raise Refused("out_of_scope", f"Bạn không có quyền ghi sản phẩm của cơ sở {facility.name}.")
    if group not in ProductGroup.values:
        raise refuse("group", f"Nhóm sản phẩm «{group}» không có; chọn: {', '.join(ProductGroup.values)}.", "invalid")
    if not name.strip():
        raise refuse("name", "Ghi tên sản phẩm.", "required")
    require_free_code(Product, code, "sản phẩm")
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
    with created_under_new_code(Product, code, "sản phẩm"):
        product.save()
    audit_entry_write(
        actor=actor,
        action=AuditAction.CREATE,
        instance=product,
        before={},
        after=audit_snapshot(product, PRODUCT_FIELDS),
    )
    return product


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
        raise Refused("out_of_scope", f"Bạn không có quyền ghi sản phẩm của cơ sở {product.facility.name}.")
    if group not in ProductGroup.values:
        raise refuse("group", f"Nhóm sản phẩm «{group}» không có; chọn: {', '.join(ProductGroup.values)}.", "invalid")
    if not name.strip():
        raise refuse("name", "Ghi tên sản phẩm.", "required")
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
        raise refuse("level", f"Cấp bình chọn «{level}» không có.", "invalid")
    round_level = RoundLevel(level)
    if not authority.can_create_round(actor, organizer, round_level):
        raise Refused(
            "out_of_scope",
            f"{organizer.name} không tổ chức bình chọn {round_level.label.lower()}, hoặc "
            "bạn không thuộc cơ quan tổ chức.",
        )
    if not level_in_force(round_level, datetime.date(year, 12, 31)) and not level_in_force(
        round_level, datetime.date(year, 1, 1)
    ):
        raise refuse(
            "level",
            f"Năm {year} không có bình chọn {round_level.label.lower()} (cấp huyện đến 30/06/2025, "
            "cấp xã từ 01/07/2025).",
            "level_not_in_force",
        )
    criteria = list(criteria)
    if sum((c.max_points for c in criteria), Decimal(0)) != Decimal(100):
        raise refuse("criteria", "Tổng điểm tối đa các tiêu chí phải là 100.", "criteria_total")
    if not Decimal(0) < threshold <= Decimal(100):
        raise refuse("threshold", "Điểm công nhận phải lớn hơn 0 và không quá 100.", "invalid")
    require_free_code(SelectionRound, code, "đợt bình chọn")
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
    with created_under_new_code(SelectionRound, code, "đợt bình chọn"):
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
        raise Refused("out_of_scope", f"Bạn không có quyền đăng ký sản phẩm của {product.facility.name}.")
    not_future(registered_on, "Ngày đăng ký")
    if selection.decided:
        raise refuse("round", f"{selection.name} đã có quyết định công nhận; không nhận thêm sản phẩm.", "round_closed")
    if not _takes(selection, product.facility, registered_on):
        raise refuse(
            "product",
            f"Cơ sở {product.facility.name} không thuộc địa bàn của {selection.name}.",
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
                f"Sản phẩm dự bình chọn {level.label.lower()} phải có giấy chứng nhận còn hiệu lực của cấp dưới.",
                "lower_certificate_required",
            )
        below = RoundLevel(lower_certificate.entry.round.level)
        if lower_certificate.entry.product_id != product.pk or below not in level_below(level):
            raise refuse(
                "lower_certificate",
                f"Giấy chứng nhận {lower_certificate.code} không phải của sản phẩm này ở cấp liền dưới.",
                "lower_certificate_mismatch",
            )
        if not lower_certificate.valid_on(registered_on):
            raise refuse(
                "lower_certificate",
                f"Giấy chứng nhận {lower_certificate.code} không còn hiệu lực ngày {registered_on:%d/%m/%Y}.",
                "lower_certificate_expired",
            )
    if Entry.objects.filter(round=selection, product=product).exists():
        raise refuse("product", f"Sản phẩm {product.name} đã đăng ký {selection.name}.", "duplicate_entry")
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
        raise refuse("judge", "Giám khảo, tiêu chí và sản phẩm phải cùng một đợt bình chọn.", "round_mismatch")
    allowed = authority.can_transcribe_sheet(actor, judge) if transcribed else authority.can_score(actor, judge)
    if not allowed:
        if transcribed and judge.user_id is not None:
            raise Refused("judge_has_account", f"Giám khảo {judge.name} có tài khoản và tự chấm trên phiếu của mình.")
        raise Refused("out_of_scope", f"Chỉ giám khảo {judge.name} chấm được phiếu của mình.")
    selection = SelectionRound.objects.select_for_update().get(pk=entry.round_id)
    entry = Entry.objects.get(pk=entry.pk)
    if selection.decided:
        raise refuse("round", f"{selection.name} đã có quyết định công nhận; không chấm lại được.", "round_closed")
    if not points.is_finite() or points.as_tuple().exponent < -2:  # type: ignore[operator]
        raise refuse("points", f"Điểm «{points}» của tiêu chí «{criterion.name}» phải là một số có tối đa hai chữ số "
                               "thập phân.", "points_invalid")  # fmt: skip
    if points < 0 or points > criterion.max_points:
        raise refuse(
            "points",
            f"Điểm {points} của tiêu chí «{criterion.name}» phải từ 0 đến {criterion.max_points}.",
            "points_out_of_range",
        )
    earlier = Score.objects.standing().filter(entry=entry, judge=judge, criterion=criterion).first()
    if earlier is not None:
        mark_voided(
            earlier,
            actor=actor,
            on=timezone.localdate(),
            reason=check_void(
                earlier, on=timezone.localdate(), reason=f"Chấm lại: {earlier.points} → {points}", dated=None
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
        raise Refused("out_of_scope", f"Bạn không thuộc cơ quan tổ chức {selection.name}.")
    if selection.decided:
        raise refuse(
            "round",
            f"{selection.name} đã có quyết định công nhận ngày {selection.decision_on:%d/%m/%Y}.",
            "already_decided",
        )
    not_future(on, "Quyết định công nhận")
    if not document.strip():
        raise refuse("document", "Ghi số quyết định công nhận.", "required")
    chosen = list(recognized)
    scores = entry_scores(selection)
    dossiers = entry_dossiers(selection)
    problems = []
    for entry in chosen:
        if entry.round_id != selection.pk:
            problems.append(f"{entry.product.name} không dự {selection.name}")
            continue
        result = scores.get(entry.pk)
        if result is None or not result.complete:
            problems.append(f"{entry.product.name} chưa được mọi giám khảo chấm đủ tiêu chí")
        elif result.average is None or result.average < selection.threshold:
            problems.append(f"{entry.product.name} đạt {result.average} điểm, dưới {selection.threshold}")
        elif transcribed is None and dossiers.get(entry.pk):
            problems.append(f"hồ sơ của {entry.product.name} còn thiếu: {', '.join(dossiers[entry.pk])}")
    if problems:
        raise refuse("recognized", "Không công nhận được: " + "; ".join(problems) + ".", "below_threshold")
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
            "decision": f"{document.strip()} ngày {on:%d/%m/%Y}",
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
        raise refuse("certificate", "Hai giấy chứng nhận cùng một số.", "duplicate_code")
    for entry in chosen:
        spec = specs.get(entry.pk)
        if spec is None:
            continue
        where = f"Giấy chứng nhận {spec.code} của {entry.product.name}"
        if not spec.code.strip():
            raise refuse("certificate", f"{where}: ghi số giấy chứng nhận.", "required")
        if spec.issued_on < on:
            raise refuse("certificate", f"{where} cấp trước ngày quyết định {on:%d/%m/%Y}.", "date_order")
        not_future(spec.issued_on, where)
        if spec.valid_until is not None and spec.valid_until < spec.issued_on:
            raise refuse("certificate", f"{where} hết hiệu lực trước ngày cấp.", "date_order")
        require_free_code(Certificate, spec.code, "giấy chứng nhận")


@transaction.atomic
def certificate_revoke(*, actor: User, certificate: Certificate, on: datetime.date, reason: str) -> Certificate:
    certificate = Certificate.objects.select_for_update().select_related("entry__round").get(pk=certificate.pk)
    if not authority.can_manage_round(actor, certificate.entry.round):
        raise Refused("out_of_scope", "Chỉ cơ quan tổ chức thu hồi được giấy chứng nhận.")
    if certificate.revoked_on is not None:
        raise refuse(
            "certificate",
            f"Giấy chứng nhận {certificate.code} đã thu hồi ngày {certificate.revoked_on:%d/%m/%Y}.",
            "already_revoked",
        )
    not_future(on, "Thu hồi")
    if on < certificate.issued_on:
        raise refuse("on", "Ngày thu hồi trước ngày cấp.", "date_order")
    if not reason.strip():
        raise refuse("reason", "Ghi lý do thu hồi giấy chứng nhận.", "reason_required")
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
        raise Refused("out_of_scope", "Bạn không có quyền ghi khiếu nại cho sản phẩm này.")
    not_future(on, "Khiếu nại")
    decided = entry.round.decision_on
    if decided is None:
        raise refuse("on", "Đợt bình chọn chưa có kết quả công bố; chưa khiếu nại được.", "not_announced")
    deadline = working_days_after(decided, COMPLAINT_DAYS)
    if not decided <= on <= deadline:
        raise refuse(
            "on",
            f"Khiếu nại trong {COMPLAINT_DAYS} ngày làm việc kể từ ngày công bố "
            f"{decided:%d/%m/%Y}, tức đến {deadline:%d/%m/%Y}.",
            "complaint_out_of_time",
        )
    if not text.strip():
        raise refuse("text", "Ghi nội dung khiếu nại.", "required")
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
        raise Refused("out_of_scope", "Chỉ cơ quan tổ chức trả lời được khiếu nại.")
    if complaint.answered_on is not None:
        raise refuse("complaint", "Khiếu nại đã được trả lời.", "already_answered")
    if outcome not in ComplaintOutcome.values:
        raise refuse("outcome", "Kết quả phải là chấp nhận hoặc không chấp nhận khiếu nại.", "invalid")
    not_future(on, "Trả lời khiếu nại")
    if on < complaint.on:
        raise refuse("on", "Ngày trả lời trước ngày khiếu nại.", "date_order")
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


PHOTO_TYPES = {".jpg", ".jpeg", ".png"}
DOCUMENT_TYPES = {".pdf", ".docx", ".doc", ".jpg", ".jpeg", ".png"}


@transaction.atomic
def product_photo_add(*, actor: User, product: Product, angle: str, upload: UploadedFile) -> ProductPhoto:
    """A photo from one angle; the earlier photo of that angle is voided (kept), not overwritten."""
    if not authority.can_write_product(actor, product.facility):
        raise Refused("out_of_scope", f"Bạn không có quyền ghi ảnh sản phẩm của {product.facility.name}.")
    if angle not in PhotoAngle.values:
        raise refuse("angle", f"Góc chụp «{angle}» không có.", "invalid")
    content_type = checked_upload(upload, PHOTO_TYPES, "upload")
    earlier = ProductPhoto.objects.standing().select_for_update().filter(product=product, angle=angle).first()
    if earlier is not None:
        today = timezone.localdate()
        mark_voided(
            earlier, actor=actor, on=today, reason=check_void(earlier, on=today, reason="Thay bằng ảnh mới", dated=None)
        )
    photo = ProductPhoto.objects.create(
        product=product, angle=angle, file=upload, content_type=content_type, size=upload.size or 0, uploaded_by=actor
    )
    audit_entry_write(
        actor=actor,
        action=AuditAction.CREATE,
        instance=photo,
        before={},
        after={"product": product.code, "angle": str(PhotoAngle(angle).label)},
    )
    return photo


@transaction.atomic
def entry_document_add(*, actor: User, entry: Entry, item: str, title: str, upload: UploadedFile) -> EntryDocument:
    entry = Entry.objects.select_related("round", "product__facility").get(pk=entry.pk)
    if not authority.can_register(actor, entry.round, entry.product.facility):
        raise Refused("out_of_scope", f"Bạn không có quyền bổ sung hồ sơ của {entry.product.name}.")
    if entry.round.decided:
        raise refuse("round", f"{entry.round.name} đã có quyết định công nhận; hồ sơ đã khép lại.", "round_closed")
    if item not in DossierItem.values:
        raise refuse("item", f"Loại giấy tờ «{item}» không có.", "invalid")
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
        after={"entry": str(entry), "item": str(DossierItem(item).label)},
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
        raise Refused("out_of_scope", f"Bạn không thuộc cơ quan tổ chức {selection.name}.")
    project = Project.objects.select_related("content", "plan").get(pk=project.pk)
    if selection.project_id == project.pk:
        return selection
    if selection.project_id is not None:
        raise refuse(
            "project",
            f"{selection.name} đã có đề án kinh phí «{selection.project.code if selection.project else ''}».",
            "already_funded",
        )
    if project.content.code != FUNDING_CONTENT:
        raise refuse(
            "project",
            f"Đề án «{project.code}» có nội dung «{project.content.name}», không phải tổ chức bình chọn sản phẩm "
            "công nghiệp nông thôn tiêu biểu.",
            "content_mismatch",
        )
    if project.province_id != round_province_id(selection):
        raise refuse(
            "project",
            f"Đề án «{project.code}» không cùng địa bàn với {selection.name} (đề án của tỉnh cho đợt cấp xã, huyện, "
            "tỉnh của tỉnh đó; đề án trung ương cho đợt cấp khu vực, quốc gia).",
            "territory_mismatch",
        )
    entrants = set(Entry.objects.filter(round=selection).values_list("product__facility", flat=True))
    outsiders = project.beneficiaries.exclude(pk__in=entrants) if entrants else project.beneficiaries.all()
    names = list(outsiders.values_list("name", flat=True)[:5])
    if names:
        raise refuse(
            "project",
            f"Cơ sở thụ hưởng của đề án «{project.code}» là các cơ sở dự bình chọn; "
            f"{', '.join(names)} không dự {selection.name}.",
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
        raise Refused("out_of_scope", f"Bạn không thuộc cơ quan tổ chức {selection.name}.")
    if role not in CouncilRole.values:
        raise refuse("role", f"Vai trò «{role}» không có; chọn: {', '.join(CouncilRole.values)}.", "invalid")
    if not name.strip():
        raise refuse("name", "Ghi họ và tên thành viên hội đồng.", "required")
    if not position.strip():
        raise refuse("position", "Ghi chức vụ, đơn vị công tác của thành viên.", "required")
    if role == CouncilRole.CHAIR and CouncilMember.objects.standing().filter(round=selection, role=role).exists():
        raise refuse("role", f"{selection.name} đã có Chủ tịch Hội đồng; huỷ bỏ người cũ trước.", "chair_exists")
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
        raise Refused("out_of_scope", f"Bạn không thuộc cơ quan tổ chức {member.round.name}.")
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
        raise Refused("out_of_scope", f"Bạn không có quyền ghi báo cáo của {facility.name}.")
    not_future(reported_on, "Báo cáo")
    held = certificate_years(certificate.issued_on, certificate.revoked_on or certificate.valid_until)
    if year not in held:
        raise refuse(
            "year",
            f"Giấy chứng nhận {certificate.code} có hiệu lực trong các năm {held.start}–{held.stop - 1}; "
            f"không có báo cáo năm {year}.",
            "year_not_held",
        )
    if reported_on.year < year:
        raise refuse("reported_on", f"Báo cáo năm {year} ghi ngày {reported_on:%d/%m/%Y}, trước năm đó.", "date_order")
    if support_received < 0 or support_received != support_received.to_integral_value():
        raise refuse("support_received", "Số tiền hỗ trợ là số nguyên đồng, không âm.", "money_invalid")
    if not results.strip():
        raise refuse("results", "Ghi kết quả sản xuất, kinh doanh trong năm.", "required")
    if HolderReport.objects.standing().filter(certificate=certificate, year=year).exists():
        raise refuse(
            "year",
            f"Đã có báo cáo năm {year} của giấy chứng nhận {certificate.code}; huỷ bỏ báo cáo đó (kèm lý do) rồi "
            "ghi lại.",
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
        raise Refused("out_of_scope", "Bạn không có quyền huỷ bỏ báo cáo này.")
    today = timezone.localdate()
    mark_voided(
        report, actor=actor, on=today, reason=check_void(report, on=today, reason=reason, dated=report.reported_on)
    )
    audit_entry_write(
        actor=actor, action=AuditAction.VOID, instance=report, before={}, after={"voided": reason}, note=reason
    )
    return report
