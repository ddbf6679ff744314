"""The authorisation matrix: every route of the URLconf and every operation of the API schema × every kind of user ×
a record inside Lào Cai's territory and one outside it (Thái Nguyên).

Each case says how to build the route's URL (and body) for the record inside and outside, and who may read or write
it. The test asserts the status (never a 500; outside the territory a record is 404, as if it did not exist), that
nothing foreign is shown (no Thái Nguyên code in what a Lào Cai user reads; no record code at all for a user without a
role or without an organisation), and that a refused write writes nothing. A route without a case, or a case without a
route, fails the suite: a new page or endpoint must say here who may use it.

The world (the Yên Bái 2022 and Bắc Kạn 2018 scenarios, plus a programme, consulting figures, a payment, a result, a
document and an import job on each side; the Sở's periodic reports — a draft with an attachment, one sent and one
accepted; products of the side's facility, a district round of 2024 that recognised them and a provincial round of 2026
they climb to) is built once for the module, inside a transaction rolled back at its end; each test runs in a savepoint
on top of it. The clock stands on 27/11/2026.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models, transaction
from django.db.models import Q
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from conftest import make_user
from khuyencong.accounts import access
from khuyencong.accounts.models import Role, User
from khuyencong.accounts.services import system_user
from khuyencong.audit.models import AuditEntry
from khuyencong.consulting.models import ConsultingRecord
from khuyencong.consulting.services import consulting_record
from khuyencong.core.page_ids import dangling_ids
from khuyencong.core.wording import file_name, file_text, leaks, page_leaks, record_texts, untranslated
from khuyencong.exchange.excel import template_workbook
from khuyencong.exchange.models import ImportJob
from khuyencong.facilities.models import ChangeProposal, Facility
from khuyencong.facilities.proposals import proposal_create
from khuyencong.geography.models import AdminUnit, Era, Level
from khuyencong.organizations.models import Organization
from khuyencong.products.models import (
    Certificate,
    Complaint,
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
from khuyencong.products.rules import RoundLevel
from khuyencong.products.services import (
    council_member_add,
    entry_document_add,
    entry_register,
    holder_report_record,
    product_create,
    product_photo_add,
    round_create,
    round_decide,
    score_record,
)
from khuyencong.products.tests.conftest import PNG
from khuyencong.programs.models import Allocation, BudgetDecision, Plan, Program, ProgramTarget
from khuyencong.programs.services import program_create
from khuyencong.projects.documents import document_attach
from khuyencong.projects.models import CounterpartVoucher, Document, Payment, Project, ProjectEvent, Result
from khuyencong.projects.services import counterpart_record, payment_record, result_record
from khuyencong.projects.tests.lawful import lawful_advance
from khuyencong.reporting.models import (
    Notification,
    NotificationKind,
    ReportingDuty,
    Submission,
    SubmissionAttachment,
    SubmissionEvent,
)
from khuyencong.reporting.notify import notify_body, notify_reviewers
from khuyencong.reporting.services import (
    submission_accept,
    submission_attach,
    submission_edit,
    submission_open,
    submission_submit,
)

NOW = datetime.datetime(2026, 11, 27, 9, 0, tzinfo=datetime.UTC)
TODAY = NOW.date()
DAY = f"{TODAY:%d/%m/%Y}"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
OPEN_LEVELS = (RoundLevel.REGIONAL, RoundLevel.NATIONAL)  # rounds open to every facility of the country

INSIDE, OUTSIDE, ANY = "inside", "outside", "any"

# --- The people -------------------------------------------------------------------------------------------------------

ADMIN, CUC, TTKC1 = "admin", "cuc_officer", "ttkc1_officer"
SCT15, TTKC15, UBND15, VIEWER15 = "laocai_sct", "laocai_centre", "laocai_ubnd", "laocai_viewer"
NO_ROLE, NO_ORG, REP, ANON = "no_role", "no_organisation", "facility_rep", "anonymous"

PERSONAS = [ANON, ADMIN, CUC, TTKC1, SCT15, TTKC15, UBND15, VIEWER15, NO_ROLE, NO_ORG, REP]
NATIONAL = frozenset({ADMIN, CUC, TTKC1})  # their territory holds Thái Nguyên as well as Lào Cai
LAO_CAI = frozenset({SCT15, TTKC15, UBND15, VIEWER15})
SCOPED = NATIONAL | LAO_CAI
EMPTY = frozenset({NO_ROLE, NO_ORG})  # no role, or no organisation: no data at all
NOBODY: frozenset[str] = frozenset()
# Those who must not see a Thái Nguyên code anywhere.
LOCAL = LAO_CAI | {REP}
OFFICERS = frozenset({ADMIN, CUC, TTKC1, SCT15, TTKC15})  # may register facilities (access.FACILITY_ROLES)
EXPORTERS = SCOPED  # access.can_export: a working or viewer role and a territory
PLANNERS = frozenset({ADMIN, CUC, TTKC1, SCT15, TTKC15, UBND15})  # access.PLAN_ROLES within the territory


@dataclass
class World:
    users: dict[str, User]
    tokens: dict[str, str]
    facility: dict[str, Facility]
    project: dict[str, Project]
    plan: dict[str, Plan]
    program: dict[str, Program]
    target: dict[str, ProgramTarget]
    consulting: dict[str, ConsultingRecord]
    job: dict[str, ImportJob]
    payment: dict[str, Payment]
    counterpart: dict[str, CounterpartVoucher]
    result: dict[str, Result]
    document: dict[str, Document]
    event: dict[str, ProjectEvent]
    unit: dict[str, AdminUnit]
    org: dict[str, Organization]
    pay_on: dict[str, datetime.date]
    # The Sở's periodic reports: a draft (h1 2026, with an attachment), one sent and awaiting the Cục (q3), one accepted
    # (q2).
    submission: dict[str, Submission]
    sent: dict[str, Submission]
    accepted: dict[str, Submission]
    attachment: dict[str, SubmissionAttachment]
    notification: dict[str, Notification]  # inside: the Sở officer's own; outside: a Thái Nguyên officer's
    # The side's facility's products: `product` climbed from the district round of 2024 (`district_round`, decided,
    # its certificate `certificate`) to the Sở's provincial round of 2026 (`selection`, open, fully scored: `entry`);
    # `spare` was recognised at the district level too (`spare_certificate`) and has not entered the provincial round.
    product: dict[str, Product]
    spare: dict[str, Product]
    district_round: dict[str, SelectionRound]
    selection: dict[str, SelectionRound]
    entry: dict[str, Entry]
    certificate: dict[str, Certificate]
    spare_certificate: dict[str, Certificate]
    neighbour_certificate: Certificate  # inside: another Lào Cai facility's, recognised in the same district round
    national_round: SelectionRound  # the Cục's, open to every facility of the country
    # A pending self-service proposal of the side's facility (its phone), by the facility's representative.
    proposal: dict[str, ChangeProposal]
    complaint: dict[str, Complaint]  # an unanswered complaint about the district round's result
    council_member: dict[str, CouncilMember]  # a member of the provincial round's council
    holder_report: dict[str, HolderReport]  # the holder's report of 2025 on the district certificate
    foreign_codes: re.Pattern[str]
    all_codes: re.Pattern[str]
    not_for_rep: re.Pattern[str]


def _province(code: str) -> AdminUnit:
    return AdminUnit.objects.get(era=Era.FROM_2025, level=Level.PROVINCE, code=code)


def _codes(*querysets: models.QuerySet[Any], numbers: Iterable[str] = ()) -> re.Pattern[str]:
    """Records' codes (and the numbers of periodic reports, which carry none) as one pattern, longest first."""
    found = {code for qs in querysets for code in qs.values_list("code", flat=True)} | {n for n in numbers if n}
    codes = sorted(found, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(" + "|".join(re.escape(c) for c in codes) + r")(?![\w-])")


def _numbers(submissions: models.QuerySet[Submission]) -> list[str]:
    return list(submissions.values_list("number", flat=True))


def _side(where: str, project: Project, actor: User, centre: Organization, committee: Organization) -> dict[str, Any]:
    """A programme with a target, consulting figures, a payment, a result and a document on one side."""
    events = list(project.events.order_by("on", "pk"))
    pay_on = max(e.on for e in events) + datetime.timedelta(days=1)
    lawful_advance(project, actor, events[-1].on)
    payment = payment_record(project=project, actor=actor, on=pay_on, kind="advance", amount=Decimal(1_000_000))
    result = result_record(project=project, actor=actor, indicator="trainees", value=Decimal(10), on=pay_on)
    counterpart = counterpart_record(project=project, actor=actor, on=pay_on, amount=Decimal(2_000_000),
                                     document="PC-MT")  # fmt: skip
    document = document_attach(project=project, actor=actor, upload=SimpleUploadedFile("hop-dong.pdf", PDF),
                               title="Hợp đồng", kind="contract")  # fmt: skip
    tag = "LC" if where == INSIDE else "TN"
    program = program_create(actor=actor, owner=committee, code=f"CT-{tag}-2026", name=f"Chương trình {tag}",
                             level="provincial", territory=committee.territory, start_year=2026, end_year=2030,
                             targets=[("Việc làm mới", Decimal(300), "người")])  # fmt: skip
    consulting = consulting_record(actor=actor, code=f"TV-{tag}-2026-9T", organization=centre, year=2026,
                                   period_end=datetime.date(2026, 9, 30), projects=4,
                                   revenue=Decimal(50_000_000))  # fmt: skip
    return {
        "payment": payment,
        "counterpart": counterpart,
        "result": result,
        "document": document,
        "program": program,
        "target": program.targets.get(),
        "consulting": consulting,
        # The step the scenario ended on, not the progress added for the advance's sake.
        "event": events[-1],
        "pay_on": pay_on,
    }


def _reporting_side(tag: str, sct: Organization, actor: User) -> dict[str, Any]:
    """The Sở's reports of 2026, written through the services: a draft with an attachment, one sent, one accepted."""

    def written(duty: str, period: str, number: str) -> Submission:
        opened = submission_open(actor=actor, duty=ReportingDuty.objects.get(code=duty), organization=sct, year=2026,
                                 period_key=period)  # fmt: skip
        return submission_edit(actor=actor, submission=opened, number=number, signer="Nguyễn Văn Ký",
                               signer_title="Giám đốc", highlights=f"Báo cáo của ma trận ({tag}).")  # fmt: skip

    draft = written("sct_half_yearly", "h1", f"61/BC-SCT-{tag}")
    attachment = submission_attach(actor=actor, submission=draft, title="Phụ lục số liệu",
                                   upload=SimpleUploadedFile("phu-luc.pdf", PDF))  # fmt: skip
    sent = submission_submit(actor=actor, submission=written("sct_quarterly", "q3", f"93/BC-SCT-{tag}"))
    accepted = submission_submit(actor=actor, submission=written("sct_quarterly", "q2", f"62/BC-SCT-{tag}"))
    accepted = submission_accept(actor=actor, submission=accepted)
    # What the services leave to the worker after commit (which never comes here): the Cục told of a report sent, the
    # Sở's officers of one accepted.
    notify_reviewers(sent.pk)
    notify_body(accepted.pk, returned=False)
    return {"submission": draft, "sent": sent, "accepted": accepted, "attachment": attachment}


def _products_side(
    tag: str, facility: Facility, sct: Organization, actor: User, judge: User, neighbour: Facility | None = None
) -> dict[str, Any]:
    """Products of the facility (and of a neighbour in its district), recognised by the district's round of 2024, and
    the Sở's provincial round of 2026 where the first has entered and been fully scored by `judge`."""
    district = facility.district
    assert district is not None
    office = Organization.objects.create(code=f"PKT-{tag}-MA-TRAN", name=f"Phòng Kinh tế {district.name}",
                                         kind="district_office", territory=district)  # fmt: skip
    district_judge = make_user(f"matrix.gk-{tag.lower()}", None, Role.VIEWER)
    owners = [facility, facility, *([neighbour] if neighbour else [])]
    products = [product_create(actor=actor, facility=owner, code=f"SP-{tag}-{n}", name=f"Sản phẩm {tag} số {n}",
                               group="handicraft") for n, owner in enumerate(owners, start=1)]  # fmt: skip
    lower = round_create(actor=actor, code=f"BC-H-{tag}-2024", name=f"Bình chọn cấp huyện {district.name} 2024",
                         level=RoundLevel.DISTRICT, year=2024, organizer=office,
                         judges=[("GK1", "Giám khảo cấp huyện", district_judge)])  # fmt: skip
    entries = [entry_register(actor=actor, selection=lower, product=p, registered_on=datetime.date(2024, 9, 2))
               for p in products]  # fmt: skip
    _score(lower, district_judge, entries, [[36, 34, 9, 9], [32, 30, 8, 8], [30, 30, 7, 7]][: len(entries)])
    for each in entries:
        _dossier(actor, each)
    round_decide(actor=actor, selection=lower, on=datetime.date(2024, 10, 7), document=f"12/QĐ-UBND-{tag}",
                 recognized=entries)  # fmt: skip
    certificates = [Certificate.objects.get(entry=entry) for entry in entries]
    provincial = round_create(actor=actor, code=f"BC-T-{tag}-2026", name=f"Bình chọn cấp tỉnh {tag} 2026",
                              level=RoundLevel.PROVINCIAL, year=2026, organizer=sct,
                              judges=[("GK1", "Giám khảo cấp tỉnh", judge)])  # fmt: skip
    entry = entry_register(actor=actor, selection=provincial, product=products[0],
                           registered_on=datetime.date(2026, 11, 2), lower_certificate=certificates[0])  # fmt: skip
    _score(provincial, judge, [entry], [[35, 33, 8, 8]])
    _dossier(actor, entry, "shortlist_letter")
    member = council_member_add(actor=actor, selection=provincial, name=f"Ủy viên {tag}", position="Phó Giám đốc Sở",
                                role="member")  # fmt: skip
    report = holder_report_record(actor=actor, certificate=certificates[0], year=2025,
                                  reported_on=datetime.date(2026, 1, 15), support_received=Decimal(50_000_000),
                                  results="Doanh thu tăng 10%")  # fmt: skip
    return {
        "council_member": member,
        "holder_report": report,
        "product": products[0],
        "spare": products[1],
        "district_round": lower,
        "selection": provincial,
        "entry": entry,
        "certificate": certificates[0],
        "spare_certificate": certificates[1],
        "neighbour_certificate": certificates[2] if neighbour else None,
    }


def _dossier(actor: User, entry: Entry, *extra: str) -> None:
    """The entry's dossier (TT 26/2014 Art. 12): the forms, and the product's three photos once."""
    for item in ("registration_form", "description", *extra):
        entry_document_add(actor=actor, entry=entry, item=item, title=item, upload=SimpleUploadedFile("hs.pdf", PDF))
    if not entry.product.photos.exists():
        for angle in ("front", "side", "detail"):
            product_photo_add(actor=actor, product=entry.product, angle=angle, upload=SimpleUploadedFile("a.png", PNG))


def _each(sides: dict[str, dict[str, Any]], name: str) -> dict[str, Any]:
    return {where: side[name] for where, side in sides.items()}


def _score(selection: SelectionRound, user: User, entries: list[Entry], sheets: list[list[int]]) -> None:
    judge = selection.judges.get(user=user)
    criteria = list(selection.criteria.order_by("position"))
    for entry, points in zip(entries, sheets, strict=True):
        for criterion, value in zip(criteria, points, strict=True):
            score_record(actor=user, entry=entry, judge=judge, criterion=criterion, points=Decimal(value))


def _build_world() -> World:
    from khuyencong.demo.loading import load_scenario, load_scenario_projects

    actor = system_user()
    for name in ("yen-bai-2022-h1.json", "bac-kan-2018-h1.json"):
        load_scenario(name, actor=actor)
        load_scenario_projects(name, actor=actor)
    project = {
        # contracted, KCDP of Yên Bái (Lào Cai today), implemented by TTKC Yên Bái: TTKC Lào Cai, its successor since
        # 01/07/2025 (`authority.successor_of`), takes the implementer's steps on it
        INSIDE: Project.objects.get(code="YB-KCDP22-01"),
        OUTSIDE: Project.objects.get(code="BK-KCDP18-03"),  # in progress, KCDP of Bắc Kạn (Thái Nguyên today)
    }
    org = {code: Organization.objects.get(code=code) for code in
           ("SCT-15", "TTKC-15", "UBND-15", "SCT-19", "TTKC-19", "UBND-19", "CUC-CTDP")}  # fmt: skip
    sides = {
        INSIDE: _side(INSIDE, project[INSIDE], actor, org["TTKC-15"], org["UBND-15"]),
        OUTSIDE: _side(OUTSIDE, project[OUTSIDE], actor, org["TTKC-19"], org["UBND-19"]),
    }
    facility: dict[str, Any] = {
        INSIDE: project[INSIDE].beneficiaries.order_by("code").first(),  # the representative's facility
        OUTSIDE: Facility.objects.filter(current_province__code="19").order_by("code").first(),
    }
    assert facility[INSIDE] is not None
    assert facility[OUTSIDE] is not None
    users = {
        ADMIN: User.objects.create_superuser(username="matrix.admin", password=None, email=""),
        CUC: make_user("matrix.cuc", "CUC-CTDP", Role.OFFICER, Role.APPRAISER, Role.APPROVER),
        TTKC1: make_user("matrix.ttkc1", "TTKC1", Role.OFFICER),
        SCT15: make_user("matrix.sct15", "SCT-15", Role.OFFICER, Role.APPRAISER),
        TTKC15: make_user("matrix.ttkc15", "TTKC-15", Role.OFFICER),
        UBND15: make_user("matrix.ubnd15", "UBND-15", Role.APPROVER),
        VIEWER15: make_user("matrix.viewer15", "TTKC-15", Role.VIEWER),
        NO_ROLE: make_user("matrix.norole", "SCT-15"),
        NO_ORG: make_user("matrix.noorg", None, Role.OFFICER),
        REP: make_user("matrix.rep", None, Role.FACILITY_REPRESENTATIVE, facility=facility[INSIDE]),
    }
    other = make_user("matrix.sct19", "SCT-19", Role.OFFICER)
    # People have names: the round form lists the accounts that may judge by their names, not their logins.
    for number, account in enumerate([*users.values(), other], start=1):
        account.first_name, account.last_name = f"Cán bộ {number}", "Nguyễn Văn"
        account.save(update_fields=["first_name", "last_name"])
    job = {}
    for where, owner in ((INSIDE, users[SCT15]), (OUTSIDE, other)):
        made = ImportJob(user=owner, kind="facilities", filename=f"{where}.xlsx")
        made.file.save(f"matrix-{where}.xlsx", ContentFile(template_workbook("facilities")), save=False)
        made.error_copy.save(f"matrix-{where}-errors.xlsx", ContentFile(template_workbook("facilities")), save=False)
        made.save()
        job[where] = made
    lao_cai, thai_nguyen = _province("15"), _province("19")
    # The national centre of the north works over both provinces; the matrix relies on it.
    assert access.scope_of(users[TTKC1]).province_ids >= {lao_cai.pk, thai_nguyen.pk}
    reporting = {
        INSIDE: _reporting_side("LC", org["SCT-15"], actor),
        OUTSIDE: _reporting_side("TN", org["SCT-19"], actor),
    }
    # A neighbour of the representative's facility in its district: its product is not the representative's to see.
    neighbour = (
        Facility.objects.filter(district=facility[INSIDE].district, current_province=lao_cai)
        .exclude(pk=facility[INSIDE].pk)
        .exclude(projects__beneficiaries=facility[INSIDE])
        .order_by("code")
        .first()
    )
    assert neighbour is not None
    # The provincial rounds' juries: the Lào Cai centre's officer sits on Lào Cai's; a Thái Nguyên officer on theirs.
    selection = {
        INSIDE: _products_side("LC", facility[INSIDE], org["SCT-15"], actor, users[TTKC15], neighbour),
        OUTSIDE: _products_side("TN", facility[OUTSIDE], org["SCT-19"], actor, other),
    }
    # The facility outside has its own representative (no persona): each side's proposal is its own facility's.
    proposers = {
        INSIDE: users[REP],
        OUTSIDE: make_user("matrix.rep19", None, Role.FACILITY_REPRESENTATIVE, facility=facility[OUTSIDE]),
    }
    proposal = {where: proposal_create(actor=proposers[where], facility=facility[where], reason="Số điện thoại mới.",
                                       values={"phone": "0912 000 111"})
                for where in (INSIDE, OUTSIDE)}  # fmt: skip
    national_round = round_create(actor=actor, code="BC-QG-2026", name="Bình chọn cấp quốc gia 2026",
                                  level=RoundLevel.NATIONAL, year=2026, organizer=org["CUC-CTDP"])  # fmt: skip
    record_models: list[type[models.Model]] = [Facility, Project, Plan, Program, ConsultingRecord, Product,
                                               SelectionRound, Certificate]  # fmt: skip
    foreign = [
        Facility.objects.filter(current_province=thai_nguyen),
        Project.objects.filter(province=thai_nguyen),
        Plan.objects.filter(owner__territory__current_province=thai_nguyen),
        Program.objects.filter(territory=thai_nguyen),
        ConsultingRecord.objects.filter(organization__territory=thai_nguyen),
        Product.objects.filter(facility__current_province=thai_nguyen),
        SelectionRound.objects.filter(Q(territory=thai_nguyen) | Q(territory__current_province=thai_nguyen)),
        Certificate.objects.filter(entry__product__facility__current_province=thai_nguyen),
    ]
    notification = {
        where: Notification.objects.create(
            user=owner, kind=NotificationKind.RETURNED, key=f"matrix:{where}", message="Bị trả lại", link="/reporting/"
        )
        for where, owner in ((INSIDE, users[SCT15]), (OUTSIDE, other))
    }
    mine = Q(territory=lao_cai) | Q(territory__current_province=lao_cai) | Q(level__in=OPEN_LEVELS)
    return World(
        users=users,
        tokens={name: Token.objects.create(user=user).key for name, user in users.items()},
        facility=facility,
        project=project,
        plan={where: p.plan for where, p in project.items()},
        program={where: side["program"] for where, side in sides.items()},
        target={where: side["target"] for where, side in sides.items()},
        consulting={where: side["consulting"] for where, side in sides.items()},
        job=job,
        payment={where: side["payment"] for where, side in sides.items()},
        counterpart={where: side["counterpart"] for where, side in sides.items()},
        result={where: side["result"] for where, side in sides.items()},
        document={where: side["document"] for where, side in sides.items()},
        event={where: side["event"] for where, side in sides.items()},
        unit={INSIDE: lao_cai, OUTSIDE: thai_nguyen},
        org=org,
        pay_on={where: side["pay_on"] for where, side in sides.items()},
        submission=_each(reporting, "submission"),
        sent=_each(reporting, "sent"),
        accepted=_each(reporting, "accepted"),
        attachment=_each(reporting, "attachment"),
        notification=notification,
        product=_each(selection, "product"),
        spare=_each(selection, "spare"),
        district_round=_each(selection, "district_round"),
        complaint={
            where: Complaint.objects.create(
                entry=side["certificate"].entry,
                on=SelectionRound.objects.get(pk=side["district_round"].pk).decision_on or TODAY,
                text="Khiếu nại kết quả",
            )
            for where, side in selection.items()
        },
        selection=_each(selection, "selection"),
        entry=_each(selection, "entry"),
        certificate=_each(selection, "certificate"),
        spare_certificate=_each(selection, "spare_certificate"),
        council_member=_each(selection, "council_member"),
        holder_report=_each(selection, "holder_report"),
        neighbour_certificate=selection[INSIDE]["neighbour_certificate"],
        national_round=national_round,
        proposal=proposal,
        foreign_codes=_codes(*foreign, numbers=_numbers(Submission.objects.filter(organization=org["SCT-19"]))),
        all_codes=_codes(
            *(m._default_manager.all() for m in record_models), numbers=_numbers(Submission.objects.all())
        ),
        # A facility's representative sees its facility, the đề án it benefits from (with their plans and other
        # beneficiaries), national plans and programmes, its own products and their certificates, and the rounds of its
        # province (and the country's); no periodic report.
        not_for_rep=_codes(
            Project.objects.exclude(beneficiaries=facility[INSIDE]),
            Facility.objects.exclude(projects__beneficiaries=facility[INSIDE]).exclude(pk=facility[INSIDE].pk),
            Plan.objects.exclude(owner__territory__isnull=True).exclude(projects__beneficiaries=facility[INSIDE]),
            Program.objects.exclude(territory__isnull=True),
            ConsultingRecord.objects.all(),
            Product.objects.exclude(facility=facility[INSIDE]),
            Certificate.objects.exclude(entry__product__facility=facility[INSIDE]),
            SelectionRound.objects.exclude(mine),
            numbers=_numbers(Submission.objects.all()),
        ),
    )


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    media = tmp_path_factory.mktemp("matrix-media")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media),
        time_machine.travel(NOW, tick=False),
        transaction.atomic(),
    ):
        try:
            yield _build_world()
        finally:
            transaction.set_rollback(True)


@pytest.fixture
def clock(world: World) -> Iterator[None]:
    """The clock stands still for each test too (the module's travel already holds it; this makes it explicit)."""
    with time_machine.travel(NOW, tick=False):
        yield


# --- What a write leaves behind ---------------------------------------------------------------------------------------

COUNTED: list[type[models.Model]] = [
    Facility, Project, ProjectEvent, Payment, Result, Document, Plan, BudgetDecision, Allocation, Program,
    ProgramTarget, ConsultingRecord, ImportJob, AuditEntry, Token,
    ReportingDuty, Submission, SubmissionEvent, SubmissionAttachment, Notification,
    Product, SelectionRound, RoundCriterion, Judge, Entry, Score, Certificate, Complaint, ProductPhoto, EntryDocument,
    ChangeProposal,
]  # fmt: skip
SUBMISSION_TEXT = ["number", "place", "signer", "signer_title", "highlights", "shortcomings", "solutions",
                   "recommendations", "next_period"]  # fmt: skip


def _digest(rows: models.QuerySet[Any]) -> str:
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()


def snapshot() -> dict[str, Any]:
    """Row counts, voided counts, and the content of the records a write could change in place."""
    state: dict[str, Any] = {}
    for model in COUNTED:
        manager = model._default_manager
        state[model.__name__] = manager.count()
        if any(f.name == "voided_at" for f in model._meta.get_fields()):
            state[f"{model.__name__}.voided"] = manager.filter(voided_at__isnull=False).count()
    facilities = Facility.objects.order_by("pk").values_list("pk", "name", "province_id", "current_province_id")
    consulting = ConsultingRecord.objects.order_by("pk").values_list("code", "organization_id", "projects", "revenue")
    state["facilities"] = hashlib.sha256(repr(list(facilities)).encode()).hexdigest()
    state["consulting"] = hashlib.sha256(repr(list(consulting)).encode()).hexdigest()
    state["project_states"] = hashlib.sha256(
        repr(list(Project.objects.order_by("pk").values_list("pk", "state", "province_id"))).encode()
    ).hexdigest()
    state["submissions"] = _digest(
        Submission.objects.order_by("pk").values_list("pk", "state", "current", *SUBMISSION_TEXT)
    )
    state["notifications"] = _digest(Notification.objects.order_by("pk").values_list("pk", "read_at"))
    state["products"] = _digest(Product.objects.order_by("pk").values_list("pk", "code", "name", "facility_id"))
    state["rounds"] = _digest(
        SelectionRound.objects.order_by("pk").values_list("pk", "decision_on", "decision_document")
    )
    state["entries"] = _digest(Entry.objects.order_by("pk").values_list("pk", "recognized"))
    state["proposals"] = _digest(ChangeProposal.objects.order_by("pk").values_list("pk", "state", "decided_by_id"))
    state["certificates"] = _digest(Certificate.objects.order_by("pk").values_list("pk", "revoked_on"))
    return state


# --- The cases --------------------------------------------------------------------------------------------------------

Builder = Callable[[World, str], dict[str, Any]]


@dataclass(frozen=True)
class Case:
    """One way to call one route. `wheres`: inside/outside for a record (in the URL or the body), or `any`.

    `allowed[where]`: who may do it there. `visible[where]`: who may see the record named in the URL (others get 404,
    exactly as for a record that does not exist); None when the URL names no record.
    """

    route: str
    method: str = "GET"
    label: str = ""
    kwargs: Builder | None = None
    data: Builder | None = None
    query: Builder | None = None
    wheres: tuple[str, ...] = (INSIDE, OUTSIDE)
    allowed: dict[str, frozenset[str]] = field(default_factory=dict)
    visible: dict[str, frozenset[str]] | None = None
    ok: frozenset[int] = frozenset({200})
    refused: frozenset[int] = frozenset({403})
    api: str | None = None  # the schema's path, for API operations
    json: bool = False
    multipart: bool = False
    reference: bool = False  # reference data (geography, organisations, blank templates): the same for everyone
    anonymous_ok: bool = False
    admin_writes: bool = False  # the body is lawful: the `writer`'s call inside must write something
    writer: str = ADMIN
    xfail: dict[tuple[str, str], str] = field(default_factory=dict)  # (persona, where) → the hole

    @property
    def writes(self) -> bool:
        return self.method != "GET"

    @property
    def id(self) -> str:
        return f"{self.method} {self.route}{'[' + self.label + ']' if self.label else ''}"


WRITE_OK = frozenset({200, 201, 302, 400})
REDIRECT = frozenset({302})  # a lawful write of the reporting and products pages: done, back to the record
FORM_REFUSAL = frozenset({200, 400, 403})  # a choice outside the territory: the form says no, nothing is written


def everyone(*wheres: str) -> dict[str, frozenset[str]]:
    return {where: SCOPED | EMPTY | {REP} for where in wheres}


def seen(inside: frozenset[str] | set[str], outside: frozenset[str] | set[str] = NATIONAL) -> dict[str, frozenset[str]]:
    return {INSIDE: frozenset(inside), OUTSIDE: frozenset(outside)}


def pk_of(attribute: str, name: str = "pk") -> Builder:
    return lambda w, where: {name: getattr(w, attribute)[where].pk}


def code_of(attribute: str) -> Builder:
    return lambda w, where: {"code": getattr(w, attribute)[where].code}


def project_entry(kind: str, attribute: str) -> Builder:
    return lambda w, where: {"pk": w.project[where].pk, "kind": kind, "entry_pk": getattr(w, attribute)[where].pk}


def report_query(w: World, where: str) -> dict[str, Any]:
    year = "2022" if where == INSIDE else "2018"
    return {"kind": "provincial", "provinces": str(w.unit[where].pk), "year": year, "period": "6",
            "geography": "current"}  # fmt: skip


def facility_form(w: World, where: str) -> dict[str, Any]:
    return {"name": "Cơ sở ma trận quyền", "legal_form": "household_business", "place_recorded_on": DAY,
            "province": w.unit[where].name, "confirm_duplicate": "on"}  # fmt: skip


def facility_edit_form(w: World, where: str) -> dict[str, Any]:
    from khuyencong.facilities.forms import FacilityForm

    data: dict[str, Any] = {}
    for name, value in FacilityForm.initial_for(w.facility[where]).items():
        if value is None or value is False:
            continue
        if isinstance(value, datetime.date):
            value = f"{value:%d/%m/%Y}"
        data[name] = "on" if value is True else value
    return {**data, "name": "Tên đổi bởi ma trận", "confirm_duplicate": "on"}


def facility_move_form(w: World, where: str) -> dict[str, Any]:
    """The facility inside, moved to Thái Nguyên: only a body whose territory holds both may do it."""
    data = {k: v for k, v in facility_edit_form(w, where).items() if k not in ("district", "commune")}
    return {**data, "province": w.unit[OUTSIDE].name, "place_recorded_on": DAY}


def proposal_form(w: World, where: str) -> dict[str, Any]:
    """The self-service form as its page fills it (the facility as it stands), with a new phone and a reason."""
    from khuyencong.facilities.forms import PROPOSABLE, FacilityForm

    initial = FacilityForm.initial_for(w.facility[where])
    data = {name: initial[name] for name in PROPOSABLE if initial[name] not in (None, False)}
    return {**{k: "on" if v is True else v for k, v in data.items()}, "phone": "0912 999 999",
            "reason": "Đổi số điện thoại."}  # fmt: skip


def proposal_of(w: World, where: str) -> dict[str, Any]:
    return {"pk": w.facility[where].pk, "proposal_pk": w.proposal[where].pk}


# Facility self-service (access.can_propose_facility_change, can_review_facility_proposal): the representative proposes
# for its own facility only; those who may change the facility apply or reject.
PROPOSER = seen({REP}, NOBODY)


def project_create_form(w: World, where: str) -> dict[str, Any]:
    from khuyencong.projects.models import ProjectContent

    project = w.project[where]
    return {"title": "Đề án ma trận", "plan": project.plan_id, "content": ProjectContent.objects.first().pk,  # type: ignore[union-attr]
            "kind": project.kind, "implementer": project.implementer_id, "support_requested": "1000000"}  # fmt: skip


def project_api_body(w: World, where: str) -> dict[str, Any]:
    """The page's form as the API takes it: records named by their codes."""
    project = w.project[where]
    return {"title": "Đề án ma trận API", "plan": project.plan.code, "content": project.content.code,
            "kind": project.kind, "implementer": "TTKC-15" if where == INSIDE else "TTKC-19",
            "support_requested": 1_000_000}  # fmt: skip


def upload(name: str, content: bytes) -> Callable[[], SimpleUploadedFile]:
    return lambda: SimpleUploadedFile(name, content)


READ_ALL = everyone(INSIDE, OUTSIDE)
# A list filtered to a province: the foreign one is refused (404: not a choice in scope) or simply empty.
FILTERED = frozenset({200, 400, 404})


def province_filter(w: World, where: str) -> dict[str, Any]:
    return {"province": w.unit[where].pk}


PROJECT_SEEN = seen(SCOPED | {REP})  # the representative's facility benefits from the đề án inside
ANONYMOUS_PAGE = frozenset({302})

# The Sở's periodic reports (reporting/authority.py): seen by the body, those under it and those whose territory holds
# it; drafted by officers of the Sở or of the centre under it; sent by the Sở; taken in or sent back by the Cục.
REPORT_SEEN = seen(SCOPED)
REPORT_WRITERS = seen({ADMIN, SCT15, TTKC15}, {ADMIN})
REPORT_SENDERS = seen({ADMIN, SCT15}, {ADMIN})
REPORT_REVIEWERS = seen({ADMIN, CUC}, {ADMIN, CUC})
NATIONAL_BODIES = frozenset({ADMIN, CUC})  # scope "everything": the compilation of every province's reports


def sct_code(where: str) -> str:
    return "SCT-15" if where == INSIDE else "SCT-19"


def report_move(attribute: str, move: str) -> Builder:
    return lambda w, where: {"pk": getattr(w, attribute)[where].pk, "move": move}


def report_file(attribute: str, fmt: str) -> Builder:
    return lambda w, where: {"pk": getattr(w, attribute)[where].pk, "fmt": fmt}


def report_text(w: World, where: str) -> dict[str, Any]:
    return {"number": w.submission[where].number, "place": "Lào Cai", "signer": "Nguyễn Văn Ký",
            "signer_title": "Giám đốc", "highlights": "Sửa bởi ma trận quyền."}  # fmt: skip


# Products and the selection (products/authority.py): a product is written by its facility or an officer whose territory
# holds it; a provincial round is opened and decided by the province's Sở or UBND; an entry registered by the facility,
# an officer of its territory or the organiser; each judge scores on their own sheet only.
PRODUCT_WRITERS = seen(OFFICERS | {REP}, NATIONAL)
ROUND_ORGANISERS = seen({ADMIN, SCT15, UBND15}, {ADMIN})
ENTRANTS = seen(OFFICERS | {UBND15, REP}, NATIONAL)
# A district round is the district office's own (with the system's administrator): it alone answers its complaints; the
# facility and the officers of its territory may complain (a complaint received on paper is entered by an officer).
DISTRICT_ORGANISERS = seen({ADMIN}, {ADMIN})
COMPLAINANTS = seen(OFFICERS | {REP}, NATIONAL)
# The Lào Cai centre's officer sits on Lào Cai's provincial jury; no persona on Thái Nguyên's.
JUDGE = seen({TTKC15}, NOBODY)


def product_form(w: World, where: str) -> dict[str, Any]:
    return {"facility": w.facility[where].code, "code": "SP-MA-TRAN", "name": "Sản phẩm ma trận", "group": "handicraft"}


def round_form(w: World, where: str) -> dict[str, Any]:
    return {"code": "BC-MA-TRAN", "name": "Đợt bình chọn ma trận", "level": "provincial", "year": "2026",
            "organizer": Organization.objects.get(code=sct_code(where)).pk}  # fmt: skip


def entry_form(w: World, where: str) -> dict[str, Any]:
    return {"product": w.spare[where].code, "registered_on": DAY, "lower_certificate": w.spare_certificate[where].code}


def sheet_form(w: World, where: str) -> dict[str, Any]:
    """The judge changes one cell of their sheet (35 → 30 on the first criterion): the old score is voided."""
    first = w.selection[where].criteria.order_by("position").first()
    assert first is not None
    return {f"s-{w.entry[where].pk}-{first.pk}": "30"}


def _xlsx(title: str, header: list[str], row: list[Any]) -> bytes:
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    sheet.append(header)
    sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def entries_upload(w: World, where: str) -> dict[str, Any]:
    """The spare product entered through the Excel sheet, with its district certificate."""
    from khuyencong.products.excel import ENTRY_COLUMNS, ENTRY_SHEET

    row = [w.spare[where].code, DAY, w.spare_certificate[where].code]
    return {"upload": upload("sp.xlsx", _xlsx(ENTRY_SHEET, [c.header for c in ENTRY_COLUMNS], row))}


def scores_upload(w: World, where: str) -> dict[str, Any]:
    """The judge's sheet GK1 with a new first score (35 → 30) for the product entered."""
    from khuyencong.products.excel import NAME_HEADER, PRODUCT_HEADER, _criterion_header

    criteria = list(w.selection[where].criteria.order_by("position"))
    header = [PRODUCT_HEADER, NAME_HEADER, *(_criterion_header(c.name, c.max_points) for c in criteria)]
    row = [w.product[where].code, w.product[where].name, 30]
    return {"upload": upload("phieu.xlsx", _xlsx("GK1", header, row))}


# fmt: off
CASES: list[Case] = [
    # web
    Case("web:home", wheres=(ANY,), allowed=everyone(ANY)),
    Case("web:login", wheres=(ANY,), allowed={ANY: NOBODY}, refused=frozenset({302}), anonymous_ok=True),
    Case("web:logout", "POST", wheres=(ANY,), allowed=everyone(ANY), ok=frozenset({302}), anonymous_ok=True),
    Case("web:favicon", wheres=(ANY,), allowed=everyone(ANY), ok=REDIRECT, anonymous_ok=True, reference=True),
    # Everyone chooses his own language (a visitor's in a cookie): nobody else's, no record.
    Case("web:language", "POST", wheres=(ANY,), allowed=everyone(ANY), ok=REDIRECT, anonymous_ok=True,
         data=lambda w, where: {"language": "en", "next": "/"}),
    # facilities
    # one's own account: every signed-in user, on their own account only (no record in the URL); the reset pages
    # are for the signed-out too
    Case("accounts:profile", wheres=(ANY,), allowed=everyone(ANY)),
    Case("accounts:password_change", wheres=(ANY,), allowed=everyone(ANY)),
    Case("accounts:password_change", "POST", wheres=(ANY,), allowed=everyone(ANY),
         data=lambda w, where: {"old_password": "sai", "new_password1": "x", "new_password2": "y"}),
    Case("accounts:password_reset", wheres=(ANY,), allowed=everyone(ANY), anonymous_ok=True),
    Case("accounts:password_reset", "POST", wheres=(ANY,), allowed=everyone(ANY), anonymous_ok=True, ok=REDIRECT,
         data=lambda w, where: {"email": "khong.co@example.vn"}),
    Case("accounts:password_reset_done", wheres=(ANY,), allowed=everyone(ANY), anonymous_ok=True),
    Case("accounts:password_reset_confirm", wheres=(ANY,), allowed=everyone(ANY), anonymous_ok=True,
         kwargs=lambda w, where: {"uidb64": "MQ", "token": "sai-ma"}),
    Case("accounts:password_reset_complete", wheres=(ANY,), allowed=everyone(ANY), anonymous_ok=True),
    Case("accounts:api_token", wheres=(ANY,), allowed=everyone(ANY)),
    Case("accounts:api_token_issue", "POST", wheres=(ANY,), allowed=everyone(ANY)),
    Case("accounts:api_token_revoke", "POST", wheres=(ANY,), allowed=everyone(ANY), ok=REDIRECT),
    Case("facilities:list", wheres=(ANY,), allowed=everyone(ANY)),
    Case("facilities:list", label="province", query=province_filter, allowed=everyone(INSIDE, OUTSIDE), ok=FILTERED),
    Case("facilities:export", wheres=(ANY,), allowed={ANY: EXPORTERS}),
    Case("facilities:export", label="province", query=province_filter, allowed=seen(EXPORTERS, EXPORTERS),
         ok=FILTERED),
    Case("facilities:export_xlsx", wheres=(ANY,), allowed={ANY: EXPORTERS}),
    Case("facilities:export_xlsx", label="province", query=province_filter, allowed=seen(EXPORTERS, EXPORTERS),
         ok=FILTERED),
    Case("facilities:create", wheres=(ANY,), allowed={ANY: OFFICERS}),
    Case("facilities:create", "POST", data=facility_form, allowed=seen(OFFICERS, NATIONAL), ok=WRITE_OK,
         refused=FORM_REFUSAL, admin_writes=True),
    Case("facilities:detail", kwargs=pk_of("facility"), allowed=PROJECT_SEEN, visible=PROJECT_SEEN),
    Case("facilities:edit", kwargs=pk_of("facility"), allowed=seen(OFFICERS), visible=PROJECT_SEEN),
    Case("facilities:edit", "POST", kwargs=pk_of("facility"), data=facility_edit_form, allowed=seen(OFFICERS),
         visible=PROJECT_SEEN, ok=WRITE_OK, admin_writes=True),
    Case("facilities:proposals", wheres=(ANY,), allowed=everyone(ANY)),
    Case("facilities:proposal_export", wheres=(ANY,), allowed={ANY: EXPORTERS}),
    Case("facilities:proposals", label="all", wheres=(ANY,), query=lambda w, where: {"state": "all"},
         allowed=everyone(ANY)),
    Case("facilities:propose", kwargs=pk_of("facility"), allowed=PROPOSER, visible=PROJECT_SEEN),
    Case("facilities:propose", "POST", kwargs=pk_of("facility"), data=proposal_form, allowed=PROPOSER,
         visible=PROJECT_SEEN, ok=WRITE_OK, admin_writes=True, writer=REP),
    Case("facilities:proposal_apply", "POST", kwargs=proposal_of, allowed=seen(OFFICERS), visible=PROJECT_SEEN,
         ok=WRITE_OK, admin_writes=True),
    Case("facilities:proposal_reject", "POST", kwargs=proposal_of, data=lambda w, where: {"reason": "Ma trận"},
         allowed=seen(OFFICERS), visible=PROJECT_SEEN, ok=WRITE_OK, admin_writes=True),
    # A proposal of the facility outside reached through the facility inside: not found, for everyone.
    Case("facilities:proposal_apply", "POST", label="cross", wheres=(INSIDE,), allowed={INSIDE: NOBODY},
         refused=frozenset({404}),
         kwargs=lambda w, where: {"pk": w.facility[INSIDE].pk, "proposal_pk": w.proposal[OUTSIDE].pk}),
    # geography: reference data, the same for every signed-in user
    Case("facilities:edit", "POST", label="move", kwargs=pk_of("facility"), data=facility_move_form,
         wheres=(INSIDE,), allowed={INSIDE: OFFICERS & NATIONAL}, visible=PROJECT_SEEN, ok=WRITE_OK,
         refused=FORM_REFUSAL, admin_writes=True),
    Case("geography:index", wheres=(ANY,), allowed=everyone(ANY), reference=True),
    Case("geography:unit", kwargs=lambda w, where: {"pk": w.unit[where].pk}, allowed=READ_ALL, reference=True),
    # projects
    Case("projects:list", wheres=(ANY,), allowed=everyone(ANY)),
    Case("projects:list", label="province", query=province_filter, allowed=everyone(INSIDE, OUTSIDE), ok=FILTERED),
    Case("projects:queue", wheres=(ANY,), allowed=everyone(ANY)),
    Case("projects:queue_export", wheres=(ANY,), allowed={ANY: EXPORTERS}),
    Case("projects:create", wheres=(ANY,), allowed={ANY: OFFICERS}),
    # "Lập đề án" from a facility's page: the facility named must be one the officer may choose, else not found.
    Case("projects:create", label="beneficiary", query=lambda w, where: {"beneficiary": w.facility[where].pk},
         allowed=seen(OFFICERS, OFFICERS & NATIONAL),
         visible={INSIDE: SCOPED | EMPTY | {REP}, OUTSIDE: (SCOPED | EMPTY | {REP}) - {SCT15, TTKC15}}),
    Case("projects:export", wheres=(ANY,), allowed={ANY: EXPORTERS}),
    Case("projects:export", label="province", query=province_filter, allowed=seen(EXPORTERS, EXPORTERS),
         ok=FILTERED),
    # The đề án form's pickers: for those who may open the form, each answered within what they may choose (an empty
    # search lists the first of everything in scope, so a foreign code would show).
    Case("projects:pick_facilities", wheres=(ANY,), allowed={ANY: OFFICERS}),
    Case("projects:pick_organizations", wheres=(ANY,), allowed={ANY: OFFICERS}),
    Case("projects:pick_plans", wheres=(ANY,), allowed={ANY: OFFICERS}),
    Case("projects:create", "POST", data=project_create_form, allowed=seen(OFFICERS), ok=WRITE_OK,
         refused=FORM_REFUSAL),
    Case("projects:create", "POST", label="foreign beneficiary", wheres=(INSIDE,), ok=WRITE_OK, refused=FORM_REFUSAL,
         allowed={INSIDE: OFFICERS & NATIONAL},
         data=lambda w, where: {**project_create_form(w, where), "beneficiaries": w.facility[OUTSIDE].code}),
    Case("projects:detail", kwargs=pk_of("project"), allowed=PROJECT_SEEN, visible=PROJECT_SEEN),
    Case("projects:act", "POST", kwargs=pk_of("project"), visible=PROJECT_SEEN, ok=WRITE_OK,
         data=lambda w, where: {"event-action": "inspected", "event-on": DAY},
         # Those who may take some other step get the form back (400): "inspected" is not among their choices.
         refused=frozenset({400, 403}),
         allowed=seen({TTKC15, ADMIN, CUC, SCT15}, {ADMIN, CUC}), admin_writes=True, writer=SCT15),
    Case("projects:pay", "POST", kwargs=pk_of("project"), visible=PROJECT_SEEN, ok=WRITE_OK,
         data=lambda w, where: {"payment-kind": "advance", "payment-on": f"{w.pay_on[where]:%d/%m/%Y}",
                                "payment-amount": "1000"},
         allowed=seen({TTKC15, ADMIN, UBND15}, {ADMIN}), admin_writes=True),
    Case("projects:attach", "POST", kwargs=pk_of("project"), visible=PROJECT_SEEN, ok=WRITE_OK, multipart=True,
         data=lambda w, where: {"document-kind": "other", "document-title": "Ma trận",
                                "document-upload": upload("ma-tran.pdf", PDF)},
         # The representative sends a beneficiary's kinds ("other" among them) for its facility's đề án.
         allowed=seen({TTKC15, ADMIN, CUC, SCT15, UBND15, REP}, {ADMIN, CUC}), admin_writes=True),
    Case("projects:attach", "POST", label="decision", kwargs=pk_of("project"), visible=PROJECT_SEEN, ok=WRITE_OK,
         multipart=True, refused=frozenset({400, 403}),
         data=lambda w, where: {"document-kind": "decision", "document-title": "Ma trận",
                                "document-upload": upload("ma-tran.pdf", PDF)},
         allowed=seen({TTKC15, ADMIN, CUC, SCT15, UBND15}, {ADMIN, CUC}), admin_writes=True),
    # Counterpart vouchers are kept by those who keep the đề án's vouchers (`can_record_counterpart`).
    Case("projects:counterpart", "POST", kwargs=pk_of("project"), visible=PROJECT_SEEN, ok=WRITE_OK,
         data=lambda w, where: {"counterpart-on": f"{w.pay_on[where]:%d/%m/%Y}", "counterpart-amount": "1000",
                                "counterpart-document": "PC-1"},
         allowed=seen({TTKC15, ADMIN, UBND15}, {ADMIN}), admin_writes=True),
    Case("projects:result", "POST", kwargs=pk_of("project"), visible=PROJECT_SEEN, ok=WRITE_OK,
         data=lambda w, where: {"result-indicator": "machines", "result-value": "2", "result-on": DAY},
         allowed=seen({TTKC15, ADMIN}, {ADMIN}), admin_writes=True),
    Case("projects:history", "POST", kwargs=pk_of("project"), visible=PROJECT_SEEN, ok=WRITE_OK,
         data=lambda w, where: {"history-action": "inspected", "history-on": DAY,
                                "history-organization": w.org["SCT-15" if where == INSIDE else "SCT-19"].pk},
         allowed=seen({ADMIN, CUC, TTKC1, SCT15, TTKC15}), admin_writes=True),
    Case("projects:document", kwargs=lambda w, where: {"pk": w.project[where].pk, "document_pk": w.document[where].pk},
         allowed=PROJECT_SEEN, visible=PROJECT_SEEN),
    Case("projects:void", "POST", label="event", kwargs=project_entry("event", "event"), visible=PROJECT_SEEN,
         data=lambda w, where: {"reason": "Nhập nhầm"}, ok=WRITE_OK, allowed=seen({TTKC15, ADMIN, UBND15}, {ADMIN})),
    Case("projects:void", "POST", label="payment", kwargs=project_entry("payment", "payment"), visible=PROJECT_SEEN,
         data=lambda w, where: {"reason": "Nhập nhầm"}, ok=WRITE_OK, allowed=seen({TTKC15, ADMIN, UBND15}, {ADMIN}),
         admin_writes=True),
    Case("projects:void", "POST", label="counterpart", kwargs=project_entry("counterpart", "counterpart"),
         visible=PROJECT_SEEN, data=lambda w, where: {"reason": "Nhập nhầm"}, ok=WRITE_OK,
         allowed=seen({TTKC15, ADMIN, UBND15}, {ADMIN}), admin_writes=True),
    Case("projects:void", "POST", label="result", kwargs=project_entry("result", "result"), visible=PROJECT_SEEN,
         data=lambda w, where: {"reason": "Nhập nhầm"}, ok=WRITE_OK, allowed=seen({TTKC15, ADMIN}, {ADMIN}),
         admin_writes=True),
    Case("projects:void", "POST", label="document", kwargs=project_entry("document", "document"),
         visible=PROJECT_SEEN, data=lambda w, where: {"reason": "Nhập nhầm"}, ok=WRITE_OK,
         allowed=seen({TTKC15, ADMIN, CUC, SCT15, UBND15}, {ADMIN, CUC}), admin_writes=True),
    Case("projects:correct", "POST", kwargs=lambda w, where: {"pk": w.project[where].pk,
                                                               "entry_pk": w.event[where].pk},
         visible=PROJECT_SEEN, ok=WRITE_OK, allowed=seen({TTKC15, ADMIN, UBND15}, {ADMIN}),
         data=lambda w, where: {"reason": "Sai ngày", "on": f"{w.event[where].on:%d/%m/%Y}",
                                "document": "Số 1/QĐ"}),
    # An entry of the đề án outside reached through the đề án inside: not found, for everyone.
    Case("projects:document", label="cross", wheres=(INSIDE,), allowed={INSIDE: NOBODY}, refused=frozenset({404}),
         kwargs=lambda w, where: {"pk": w.project[INSIDE].pk, "document_pk": w.document[OUTSIDE].pk}),
    Case("projects:void", "POST", label="cross payment", wheres=(INSIDE,), allowed={INSIDE: NOBODY},
         refused=frozenset({404}), data=lambda w, where: {"reason": "Nhập nhầm"},
         kwargs=lambda w, where: {"pk": w.project[INSIDE].pk, "kind": "payment", "entry_pk": w.payment[OUTSIDE].pk}),
    Case("projects:correct", "POST", label="cross", wheres=(INSIDE,), allowed={INSIDE: NOBODY},
         refused=frozenset({404}), data=lambda w, where: {"reason": "Sai", "on": DAY},
         kwargs=lambda w, where: {"pk": w.project[INSIDE].pk, "entry_pk": w.event[OUTSIDE].pk}),
    # programmes and plans
    Case("programs:list", wheres=(ANY,), allowed=everyone(ANY)),
    Case("programs:export", wheres=(ANY,), allowed={ANY: EXPORTERS}),
    Case("programs:list", "POST", ok=WRITE_OK, refused=FORM_REFUSAL, allowed=seen(PLANNERS), admin_writes=True,
         data=lambda w, where: {"code": "KH-MA-TRAN", "year": "2026", "funding_source": "provincial",
                                "owner": w.org["UBND-15" if where == INSIDE else "UBND-19"].pk}),
    Case("programs:programs", wheres=(ANY,), allowed=everyone(ANY)),
    Case("programs:program_export", wheres=(ANY,), allowed={ANY: EXPORTERS}),
    Case("programs:programs", "POST", ok=WRITE_OK, refused=FORM_REFUSAL, allowed=seen(PLANNERS), admin_writes=True,
         data=lambda w, where: {"code": "CT-MA-TRAN", "name": "Ma trận", "start_year": "2026", "end_year": "2027",
                                "owner": w.org["UBND-15" if where == INSIDE else "UBND-19"].pk,
                                "targets": "Việc làm | 10 | người"}),
    Case("programs:target_void", "POST", kwargs=pk_of("target"), data=lambda w, where: {"reason": "Nhập nhầm"},
         ok=WRITE_OK, allowed=seen(PLANNERS), visible=seen(SCOPED), admin_writes=True),
    Case("programs:detail", kwargs=pk_of("plan"), allowed=seen(SCOPED), visible=seen(SCOPED)),
    Case("programs:budget", "POST", kwargs=pk_of("plan"), ok=WRITE_OK, allowed=seen(PLANNERS),
         visible=seen(SCOPED), data=lambda w, where: {"on": DAY, "kind": "revised", "amount": "9000000000"}),
    Case("programs:allocate", "POST", kwargs=pk_of("plan"), ok=WRITE_OK, allowed=seen(PLANNERS),
         visible=seen(SCOPED), data=lambda w, where: {
             "on": DAY, "amount": "1000", "to": w.org["TTKC-15" if where == INSIDE else "TTKC-19"].pk}),
    Case("programs:allocate", "POST", label="foreign unit", kwargs=pk_of("plan"), wheres=(INSIDE,), ok=WRITE_OK,
         allowed={INSIDE: PLANNERS & NATIONAL}, visible=seen(SCOPED), refused=FORM_REFUSAL,
         data=lambda w, where: {"on": DAY, "amount": "1000", "to": w.org["TTKC-19"].pk}),
    Case("programs:void", "POST", label="allocation", ok=WRITE_OK, allowed=seen(PLANNERS), visible=seen(SCOPED),
         kwargs=lambda w, where: {"pk": w.plan[where].pk, "kind": "allocation",
                                  "entry_pk": w.plan[where].allocations.get().pk},
         data=lambda w, where: {"reason": "Nhập nhầm"}, admin_writes=True),
    Case("programs:void", "POST", label="cross allocation", wheres=(INSIDE,), allowed={INSIDE: NOBODY},
         refused=frozenset({404}), data=lambda w, where: {"reason": "Nhập nhầm"},
         kwargs=lambda w, where: {"pk": w.plan[INSIDE].pk, "kind": "allocation",
                                  "entry_pk": w.plan[OUTSIDE].allocations.get().pk}),
    Case("programs:void", "POST", label="budget", ok=WRITE_OK, allowed=seen(PLANNERS), visible=seen(SCOPED),
         kwargs=lambda w, where: {"pk": w.plan[where].pk, "kind": "budget",
                                  "entry_pk": w.plan[where].budget_decisions.get().pk},
         data=lambda w, where: {"reason": "Nhập nhầm"}),
    # consulting
    Case("consulting:list", wheres=(ANY,), allowed=everyone(ANY)),
    Case("consulting:export", wheres=(ANY,), allowed={ANY: EXPORTERS}),
    Case("consulting:list", "POST", ok=WRITE_OK, refused=FORM_REFUSAL, admin_writes=True,
         allowed=seen({ADMIN, CUC, TTKC1, SCT15, TTKC15, UBND15}),
         data=lambda w, where: {"code": "TV-MA-TRAN", "organization": w.org["TTKC-15" if where == INSIDE
                                                                              else "TTKC-19"].pk,
                                "year": "2026", "period_end": "30/06/2026", "projects": "3",
                                "revenue": "1000000"}),
    Case("consulting:void", "POST", kwargs=pk_of("consulting"), ok=WRITE_OK, admin_writes=True,
         allowed=seen({ADMIN, CUC, TTKC1, SCT15, TTKC15, UBND15}), visible=seen(SCOPED),
         data=lambda w, where: {"reason": "Nhập nhầm"}),
    Case("consulting:list", "POST", label="takeover", wheres=(OUTSIDE,), ok=WRITE_OK, refused=FORM_REFUSAL,
         allowed={OUTSIDE: NATIONAL},
         data=lambda w, where: {"code": w.consulting[OUTSIDE].code, "organization": w.org["TTKC-15"].pk,
                                "year": "2026", "period_end": "30/09/2026", "projects": "3",
                                "revenue": "1000000"}),
    # reporting: the periodic reports
    Case("reporting:export", wheres=(ANY,), allowed={ANY: EXPORTERS}),
    Case("reporting:calendar", wheres=(ANY,), allowed=everyone(ANY)),
    Case("reporting:calendar", label="year", wheres=(ANY,), query=lambda w, where: {"year": "2026"},
         allowed=everyone(ANY)),
    Case("reporting:open", "POST", ok=REDIRECT, allowed=REPORT_WRITERS, admin_writes=True,
         data=lambda w, where: {"duty": "sct_yearly", "organization": sct_code(where), "year": "2026", "period": "y"}),
    Case("reporting:compilation", wheres=(ANY,), allowed={ANY: NATIONAL_BODIES}),
    Case("reporting:compilation_export", wheres=(ANY,), allowed={ANY: NATIONAL_BODIES & EXPORTERS}),
    Case("reporting:compilation", label="period", wheres=(ANY,), allowed={ANY: NATIONAL_BODIES},
         query=lambda w, where: {"duty": "sct_quarterly", "year": "2026", "period": "q2"}),
    Case("reporting:notifications", wheres=(ANY,), allowed=everyone(ANY)),
    Case("reporting:notifications", "POST", wheres=(ANY,), allowed=everyone(ANY), ok=REDIRECT),
    Case("reporting:notification_open", kwargs=pk_of("notification"), ok=REDIRECT,
         allowed=seen({SCT15}, NOBODY), visible=seen({SCT15}, NOBODY)),
    Case("reporting:submission", kwargs=pk_of("submission"), allowed=REPORT_SEEN, visible=REPORT_SEEN),
    Case("reporting:submission", label="sent", kwargs=pk_of("sent"), allowed=REPORT_SEEN, visible=REPORT_SEEN),
    Case("reporting:submission", label="accepted", kwargs=pk_of("accepted"), allowed=REPORT_SEEN,
         visible=REPORT_SEEN),
    Case("reporting:edit", "POST", kwargs=pk_of("submission"), data=report_text, allowed=REPORT_WRITERS,
         visible=REPORT_SEEN, ok=REDIRECT, admin_writes=True),
    Case("reporting:attach", "POST", kwargs=pk_of("submission"), multipart=True, allowed=REPORT_WRITERS,
         visible=REPORT_SEEN, ok=REDIRECT, admin_writes=True,
         data=lambda w, where: {"title": "Phụ lục ma trận", "file": upload("phu-luc-ma-tran.pdf", PDF)}),
    Case("reporting:detach", "POST", kwargs=lambda w, where: {"pk": w.submission[where].pk,
                                                               "attachment": w.attachment[where].pk},
         allowed=REPORT_WRITERS, visible=REPORT_SEEN, ok=REDIRECT, admin_writes=True),
    # An attachment of the report outside reached through the report inside: not found, for everyone.
    Case("reporting:detach", "POST", label="cross", wheres=(INSIDE,), allowed={INSIDE: NOBODY},
         refused=frozenset({404}), kwargs=lambda w, where: {"pk": w.submission[INSIDE].pk,
                                                             "attachment": w.attachment[OUTSIDE].pk}),
    Case("reporting:move", "POST", label="submit", kwargs=report_move("submission", "submit"),
         allowed=REPORT_SENDERS, visible=REPORT_SEEN, ok=REDIRECT, admin_writes=True),
    Case("reporting:move", "POST", label="return", kwargs=report_move("sent", "return"), allowed=REPORT_REVIEWERS,
         visible=REPORT_SEEN, ok=REDIRECT, admin_writes=True,
         data=lambda w, where: {"comment": "Bổ sung số liệu giải ngân."}),
    Case("reporting:move", "POST", label="accept", kwargs=report_move("sent", "accept"), allowed=REPORT_REVIEWERS,
         visible=REPORT_SEEN, ok=REDIRECT, admin_writes=True),
    Case("reporting:move", "POST", label="new version", kwargs=report_move("accepted", "new-version"),
         allowed=REPORT_WRITERS, visible=REPORT_SEEN, ok=REDIRECT, admin_writes=True,
         data=lambda w, where: {"reason": "Bổ sung đề án ghi muộn."}),
    Case("reporting:download", label="docx", kwargs=report_file("submission", "docx"), allowed=REPORT_SEEN,
         visible=REPORT_SEEN),
    Case("reporting:download", label="pdf", kwargs=report_file("submission", "pdf"), allowed=REPORT_SEEN,
         visible=REPORT_SEEN),
    Case("reporting:download", label="xlsx", kwargs=report_file("submission", "xlsx"), allowed=REPORT_SEEN,
         visible=REPORT_SEEN),
    Case("reporting:download", label="json", kwargs=report_file("submission", "json"), allowed=REPORT_SEEN,
         visible=REPORT_SEEN),
    Case("reporting:download", label="sent pdf", kwargs=report_file("sent", "pdf"), allowed=REPORT_SEEN,
         visible=REPORT_SEEN),
    # products and the typical-product selection
    Case("products:document_add", "POST", kwargs=code_of("selection"), allowed=ENTRANTS, visible=PROJECT_SEEN,
         ok=REDIRECT, admin_writes=True, multipart=True,
         data=lambda w, where: {"entry": w.entry[where].pk, "item": "description",
                                "upload": upload("mo-ta.pdf", PDF)}),
    Case("products:list", wheres=(ANY,), allowed=everyone(ANY)),
    Case("products:export", wheres=(ANY,), allowed={ANY: EXPORTERS}),
    Case("products:round_export", wheres=(ANY,), allowed={ANY: EXPORTERS}),
    Case("products:list", label="search", wheres=(ANY,), query=lambda w, where: {"q": "san pham"},
         allowed=everyone(ANY)),
    Case("products:list", "POST", data=product_form, allowed=PRODUCT_WRITERS, ok=REDIRECT, refused=FORM_REFUSAL,
         admin_writes=True),
    Case("products:detail", kwargs=code_of("product"), allowed=PROJECT_SEEN, visible=PROJECT_SEEN),
    # The products pages' pickers: asked only by those the page offers the form to (403 JSON to others), each
    # answered within what they may choose (test_pickers checks the rows).
    Case("products:pick_facilities", wheres=(ANY,), allowed={ANY: OFFICERS | {REP}}),
    Case("products:pick_products", wheres=(ANY,), allowed=everyone(ANY)),
    Case("products:pick_organizers", wheres=(ANY,), allowed={ANY: frozenset({ADMIN, CUC, SCT15, UBND15})}),
    Case("products:pick_judges", wheres=(ANY,), allowed={ANY: frozenset({ADMIN, CUC, SCT15, UBND15})}),
    Case("products:rounds", wheres=(ANY,), allowed=everyone(ANY)),
    Case("products:rounds", "POST", data=round_form, allowed=ROUND_ORGANISERS, ok=REDIRECT, refused=FORM_REFUSAL,
         admin_writes=True),
    Case("products:round", kwargs=code_of("selection"), allowed=PROJECT_SEEN, visible=PROJECT_SEEN),
    Case("products:round", label="district", kwargs=code_of("district_round"), allowed=PROJECT_SEEN,
         visible=PROJECT_SEEN),
    # The Cục's national round is open to every facility of the country: seen by all who may see records at all.
    Case("products:round", label="national", wheres=(ANY,), kwargs=lambda w, where: {"code": w.national_round.code},
         allowed={ANY: SCOPED | {REP}}, refused=frozenset({404})),
    Case("reports:dashboard_records", label="xlsx", wheres=(ANY,),
         query=lambda w, where: {"figure": "funnel.0", "format": "xlsx"}, allowed={ANY: EXPORTERS},
         refused=frozenset({403, 404})),
    Case("products:entry_add", "POST", kwargs=code_of("selection"), data=entry_form, allowed=ENTRANTS,
         visible=PROJECT_SEEN, ok=REDIRECT, admin_writes=True),
    # A Thái Nguyên product in Lào Cai's provincial round: no one may enter it, not even a national body.
    Case("products:entry_add", "POST", label="foreign product", wheres=(INSIDE,), kwargs=code_of("selection"),
         data=lambda w, where: entry_form(w, OUTSIDE), allowed={INSIDE: NOBODY}, visible=PROJECT_SEEN,
         refused=FORM_REFUSAL),
    Case("products:sheet", kwargs=code_of("selection"), allowed=JUDGE, visible=PROJECT_SEEN),
    Case("products:sheet", "POST", kwargs=code_of("selection"), data=sheet_form, allowed=JUDGE,
         visible=PROJECT_SEEN, ok=REDIRECT, admin_writes=True, writer=TTKC15),
    Case("products:decide", "POST", kwargs=code_of("selection"), allowed=ROUND_ORGANISERS, visible=PROJECT_SEEN,
         ok=REDIRECT, admin_writes=True,
         data=lambda w, where: {"on": DAY, "document": "99/QĐ-SCT", "entry": [w.entry[where].pk]}),
    Case("products:certificate", kwargs=code_of("certificate"), allowed=PROJECT_SEEN, visible=PROJECT_SEEN),
    Case("products:certificate", label="neighbour", wheres=(INSIDE,), allowed={INSIDE: SCOPED},
         visible={INSIDE: SCOPED}, kwargs=lambda w, where: {"code": w.neighbour_certificate.code}),
    Case("products:excel_template", label="entries", allowed=PROJECT_SEEN, visible=PROJECT_SEEN,
         kwargs=lambda w, where: {"code": w.selection[where].code, "kind": "entries"}),
    Case("products:excel_template", label="scores", allowed=JUDGE, visible=PROJECT_SEEN,
         kwargs=lambda w, where: {"code": w.selection[where].code, "kind": "scores"}),
    # The sheets uploaded: written through the same services, row by row; a refusal names its rows (400).
    Case("products:excel_upload", "POST", label="entries", allowed=ENTRANTS, visible=PROJECT_SEEN, ok=REDIRECT,
         refused=frozenset({400, 403}), admin_writes=True, multipart=True, data=entries_upload,
         kwargs=lambda w, where: {"code": w.selection[where].code, "kind": "entries"}),
    Case("products:excel_upload", "POST", label="scores", allowed=JUDGE, visible=PROJECT_SEEN, ok=REDIRECT,
         refused=frozenset({400, 403}), admin_writes=True, writer=TTKC15, multipart=True, data=scores_upload,
         kwargs=lambda w, where: {"code": w.selection[where].code, "kind": "scores"}),
    Case("products:council_add", "POST", kwargs=code_of("selection"), allowed=ROUND_ORGANISERS, visible=PROJECT_SEEN,
         ok=REDIRECT, admin_writes=True,
         data=lambda w, where: {"name": "Nguyễn Văn Ủy", "position": "Chuyên viên", "role": "member"}),
    Case("products:council_void", "POST", allowed=ROUND_ORGANISERS, visible=PROJECT_SEEN, ok=REDIRECT,
         admin_writes=True, data=lambda w, where: {"reason": "Ghi nhầm người"},
         kwargs=lambda w, where: {"code": w.selection[where].code, "pk": w.council_member[where].pk}),
    # The district round of 2024 was announced long ago: whoever may complain is told the 15 working days have passed
    # (400, nothing written); others are refused.
    Case("products:complaint_add", "POST", kwargs=code_of("district_round"), allowed=COMPLAINANTS, visible=PROJECT_SEEN,
         ok=frozenset({400}), data=lambda w, where: {"entry": w.certificate[where].entry_id, "on": DAY,
                                                      "text": "Khiếu nại của ma trận"}),
    Case("products:complaint_answer", "POST", allowed=DISTRICT_ORGANISERS, visible=PROJECT_SEEN, ok=REDIRECT,
         admin_writes=True, data=lambda w, where: {"on": DAY, "outcome": "dismissed"},
         kwargs=lambda w, where: {"code": w.district_round[where].code, "pk": w.complaint[where].pk}),
    # The side's đề án is not of the selection's content: the organiser is told so (400), others refused.
    Case("products:fund", "POST", kwargs=code_of("selection"), allowed=ROUND_ORGANISERS, visible=PROJECT_SEEN,
         ok=frozenset({400}), data=lambda w, where: {"project": w.project[where].pk}),
    Case("products:holder_report_add", "POST", kwargs=code_of("product"), allowed=PRODUCT_WRITERS,
         visible=PROJECT_SEEN, ok=REDIRECT, admin_writes=True,
         data=lambda w, where: {"certificate": w.certificate[where].code, "year": "2026", "reported_on": DAY,
                                "support_received": "1.000.000", "results": "Mở rộng thị trường"}),
    Case("products:holder_report_void", "POST", allowed=PRODUCT_WRITERS, visible=PROJECT_SEEN, ok=REDIRECT,
         admin_writes=True, data=lambda w, where: {"reason": "Ghi nhầm số tiền"},
         kwargs=lambda w, where: {"code": w.product[where].code, "pk": w.holder_report[where].pk}),
    # Public by law (TT 26/2014): valid certificates without personal data, the same for everyone, signed in or not.
    Case("public_products:list", wheres=(ANY,), allowed=everyone(ANY), anonymous_ok=True, reference=True),
    # the đề án's dossier (Circular 36): a download, so the export permission within what the user sees
    Case("dossiers:form", kwargs=lambda w, where: {"pk": w.project[where].pk, "form": "mau-9", "fmt": "docx"},
         allowed=seen(EXPORTERS), visible=PROJECT_SEEN),
    Case("dossiers:form", label="pdf", wheres=(INSIDE,), allowed={INSIDE: EXPORTERS},
         visible={INSIDE: PROJECT_SEEN[INSIDE]},
         kwargs=lambda w, where: {"pk": w.project[where].pk, "form": "de-an", "fmt": "pdf"}),
    Case("dossiers:auditor", kwargs=pk_of("project"), allowed=seen(EXPORTERS), visible=PROJECT_SEEN),
    # a form signed with the implementer's certificate: a download too; no certificate is loaded here, so the lawful
    # ask answers 400 (nothing to sign with) and writes nothing
    Case("dossiers:signed", "POST", kwargs=pk_of("project"), allowed=seen(EXPORTERS), visible=PROJECT_SEEN,
         ok=WRITE_OK, data=lambda w, where: {"form": "mau-9", "password": "sai"}),
    # an organisation's signing certificate (dossiers/authority.py): its own administrator only, and none of the
    # personas administers an organisation (the superuser does not handle an organisation's key)
    Case("dossiers:certificate", wheres=(ANY,), allowed={ANY: NOBODY}),
    Case("dossiers:certificate", "POST", wheres=(ANY,), allowed={ANY: NOBODY}, ok=WRITE_OK, multipart=True,
         data=lambda w, where: {"upload": upload("chung-thu.p12", b"0\x82 not a certificate"), "password": "x"}),
    # exchange
    Case("exchange:index", wheres=(ANY,), allowed=everyone(ANY)),
    Case("exchange:jobs", wheres=(ANY,), allowed=everyone(ANY)),
    # One's own uploads, but a file: for those who may take files.
    Case("exchange:jobs_export", wheres=(ANY,), allowed={ANY: EXPORTERS}),
    # organisations: the bodies of the user's territory
    Case("organizations:list", wheres=(ANY,), allowed=everyone(ANY)),
    Case("organizations:list", label="province", query=province_filter, allowed=everyone(INSIDE, OUTSIDE),
         ok=FILTERED),
    Case("organizations:export", wheres=(ANY,), allowed={ANY: EXPORTERS}),
    Case("exchange:export", wheres=(ANY,), allowed={ANY: EXPORTERS}),
    Case("exchange:export", label="province", query=province_filter, allowed=seen(EXPORTERS, EXPORTERS),
         ok=FILTERED),
    Case("exchange:import", wheres=(ANY,), allowed={ANY: frozenset({ADMIN})}),
    Case("exchange:import", "POST", wheres=(ANY,), allowed={ANY: frozenset({ADMIN})}, ok=WRITE_OK, multipart=True,
         data=lambda w, where: {"upload": upload("trao-doi.json", b'{"format": "khuyencong"}')}),
    Case("exchange:template", kwargs=lambda w, where: {"kind": "facilities"}, wheres=(ANY,), allowed=everyone(ANY),
         reference=True),
    Case("exchange:excel", "POST", wheres=(ANY,), allowed={ANY: OFFICERS}, ok=WRITE_OK, multipart=True,
         admin_writes=True,
         data=lambda w, where: {"kind": "facilities", "upload": upload("co-so.xlsx", template_workbook("facilities"))}),
    Case("exchange:job", kwargs=pk_of("job"), allowed=seen({ADMIN, SCT15}, {ADMIN}),
         visible=seen({ADMIN, SCT15}, {ADMIN})),
    Case("exchange:job_errors", kwargs=pk_of("job"), allowed=seen({ADMIN, SCT15}, {ADMIN}),
         visible=seen({ADMIN, SCT15}, {ADMIN})),
    # reports
    Case("reports:dashboard", wheres=(ANY,), allowed=everyone(ANY)),
    Case("reports:dashboard_records", wheres=(ANY,), query=lambda w, where: {"figure": "funnel.0"},
         allowed={ANY: SCOPED | {REP}}, refused=frozenset({404})),
    Case("reports:dashboard", label="province", query=province_filter, allowed=everyone(INSIDE, OUTSIDE),
         ok=FILTERED),
    Case("reports:page", wheres=(ANY,), allowed=everyone(ANY)),
    # The nation is for national bodies; a regional centre has its region, a province its province (the form says so).
    Case("reports:page", label="national", wheres=(ANY,), allowed={ANY: frozenset({ADMIN, CUC})},
         refused=frozenset({400, 403}),
         query=lambda w, where: {**report_query(w, INSIDE), "kind": "national", "provinces": []}),
    Case("reports:page", label="provincial", query=report_query, allowed=seen(SCOPED),
         refused=frozenset({400, 403})),
    Case("reports:page", label="json", query=lambda w, where: {**report_query(w, where), "format": "json"},
         allowed=seen(SCOPED), refused=frozenset({400, 403})),
    Case("reports:records", query=lambda w, where: {**report_query(w, where), "figure": "sources.0.projects.submitted"},
         allowed=seen(SCOPED), refused=frozenset({400, 403, 404})),
    Case("reports:records", label="xlsx", allowed=seen(EXPORTERS), refused=frozenset({400, 403, 404}),
         query=lambda w, where: {**report_query(w, where), "figure": "sources.0.projects.submitted", "format": "xlsx"}),
    # The map: everyone sees it, coloured by what they may see (no territory: a page saying so).
    Case("reports:map", wheres=(ANY,), allowed=everyone(ANY)),
    Case("reports:map", label="63 products", wheres=(ANY,), allowed=everyone(ANY),
         query=lambda w, where: {"era": "2025-pre", "figure": "products", "year": "2022"}),
    # the API (its root, and the schema's operations below)
    Case("api:api-root", wheres=(ANY,), allowed=everyone(ANY), reference=True),
    Case("api:resolve", api="/api/v1/geography/resolve/", wheres=(ANY,), allowed=everyone(ANY), reference=True,
         query=lambda w, where: {"province": "Lào Cai"}),
    Case("api:organization-list", api="/api/v1/organizations/", wheres=(ANY,), allowed=everyone(ANY),
         reference=True),
    # The bodies are reference data for whoever works for one (an exchange file names other provinces' bodies); an
    # account without a role or a body, or a facility's representative, reads none (the list is empty for them).
    Case("api:organization-detail", api="/api/v1/organizations/{code}/", allowed=seen(SCOPED, SCOPED),
         refused=frozenset({404}), reference=True,
         kwargs=lambda w, where: {"code": "TTKC-15" if where == INSIDE else "TTKC-19"}),
    Case("api:unit-list", api="/api/v1/geography/units/", wheres=(ANY,), allowed=everyone(ANY), reference=True,
         query=lambda w, where: {"q": "Lào Cai"}),
    Case("api:facility-list", api="/api/v1/facilities/", wheres=(ANY,), allowed=everyone(ANY)),
    Case("api:facility-list", label="province", query=lambda w, where: {"province": w.unit[where].code},
         allowed=everyone(INSIDE, OUTSIDE)),
    Case("api:facility-list", "POST", api="/api/v1/facilities/", json=True, ok=WRITE_OK, admin_writes=True,
         allowed=seen(OFFICERS), refused=frozenset({403}),
         data=lambda w, where: {"name": "Cơ sở API ma trận", "legal_form": "household_business",
                                "place": {"province": w.unit[where].code}, "confirm_duplicate": True}),
    Case("api:facility-detail", api="/api/v1/facilities/{code}/", kwargs=code_of("facility"), allowed=PROJECT_SEEN,
         visible=PROJECT_SEEN),
    Case("api:facility-detail", "PATCH", api="/api/v1/facilities/{code}/", kwargs=code_of("facility"), json=True,
         data=lambda w, where: {"name": "Tên đổi qua API"}, allowed=seen(OFFICERS), visible=PROJECT_SEEN,
         ok=WRITE_OK, admin_writes=True),
    Case("api:facility-detail", "PATCH", label="move", api="/api/v1/facilities/{code}/", kwargs=code_of("facility"),
         json=True, wheres=(INSIDE,), allowed={INSIDE: OFFICERS & NATIONAL}, visible=PROJECT_SEEN, ok=WRITE_OK,
         refused=frozenset({400, 403}), admin_writes=True,
         data=lambda w, where: {"place": {"province": w.unit[OUTSIDE].code, "as_of": TODAY.isoformat()}}),
    Case("api:programme-list", api="/api/v1/programmes/", wheres=(ANY,), allowed=everyone(ANY)),
    Case("api:programme-detail", api="/api/v1/programmes/{code}/", kwargs=code_of("program"), allowed=seen(SCOPED),
         visible=seen(SCOPED)),
    Case("api:plan-list", api="/api/v1/plans/", wheres=(ANY,), allowed=everyone(ANY)),
    Case("api:plan-detail", api="/api/v1/plans/{code}/", kwargs=code_of("plan"), allowed=seen(SCOPED),
         visible=seen(SCOPED)),
    Case("api:project-list", api="/api/v1/projects/", wheres=(ANY,), allowed=everyone(ANY)),
    Case("api:project-list", label="province", query=lambda w, where: {"province": w.unit[where].code},
         allowed=everyone(INSIDE, OUTSIDE)),
    Case("api:project-list", "POST", api="/api/v1/projects/", json=True, data=project_api_body, allowed=seen(OFFICERS),
         ok=WRITE_OK, refused=frozenset({400, 403}), admin_writes=True),
    Case("api:project-list", "POST", label="foreign beneficiary", api="/api/v1/projects/", json=True, wheres=(INSIDE,),
         allowed={INSIDE: OFFICERS & NATIONAL}, ok=WRITE_OK, refused=frozenset({400, 403}),
         data=lambda w, where: {**project_api_body(w, where), "beneficiaries": [w.facility[OUTSIDE].code]}),
    Case("api:project-detail", api="/api/v1/projects/{code}/", kwargs=code_of("project"), allowed=PROJECT_SEEN,
         visible=PROJECT_SEEN),
    Case("api:project-events", "POST", api="/api/v1/projects/{code}/events/", kwargs=code_of("project"), json=True,
         data=lambda w, where: {"action": "inspected", "on": TODAY.isoformat()}, visible=PROJECT_SEEN, ok=WRITE_OK,
         allowed=seen({TTKC15, ADMIN, CUC, SCT15}, {ADMIN, CUC}), admin_writes=True, writer=SCT15),
    Case("api:project-payments", "POST", api="/api/v1/projects/{code}/payments/", kwargs=code_of("project"),
         json=True, visible=PROJECT_SEEN, ok=WRITE_OK, allowed=seen({TTKC15, ADMIN, UBND15}, {ADMIN}),
         admin_writes=True,
         data=lambda w, where: {"on": w.pay_on[where].isoformat(), "kind": "advance", "amount": "1000"}),
    Case("api:project-void", "POST", api="/api/v1/projects/{code}/void/", kwargs=code_of("project"), json=True,
         visible=PROJECT_SEEN, ok=WRITE_OK, allowed=seen({TTKC15, ADMIN, UBND15}, {ADMIN}), admin_writes=True,
         data=lambda w, where: {"entry": "payment", "id": w.payment[where].pk, "reason": "Nhập nhầm"}),
    Case("api:project-results", "POST", api="/api/v1/projects/{code}/results/", kwargs=code_of("project"),
         json=True, visible=PROJECT_SEEN, ok=WRITE_OK, allowed=seen({TTKC15, ADMIN}, {ADMIN}), admin_writes=True,
         data=lambda w, where: {"indicator": "machines", "value": "2", "on": TODAY.isoformat()}),
    Case("api:consulting-list", api="/api/v1/consulting/", wheres=(ANY,), allowed=everyone(ANY)),
    Case("api:consulting-list", "POST", api="/api/v1/consulting/", json=True, ok=WRITE_OK, admin_writes=True,
         allowed=seen({ADMIN, CUC, TTKC1, SCT15, TTKC15, UBND15}), refused=frozenset({400, 403}),
         data=lambda w, where: {"code": "TV-API-MA-TRAN", "organization": "TTKC-15" if where == INSIDE else "TTKC-19",
                                "year": 2026, "period_end": "2026-06-30", "projects": 3, "revenue": "1000000"}),
    Case("api:consulting-list", "POST", label="takeover", api="/api/v1/consulting/", json=True, ok=WRITE_OK,
         wheres=(OUTSIDE,), allowed={OUTSIDE: NATIONAL}, refused=frozenset({400, 403}),
         data=lambda w, where: {"code": w.consulting[OUTSIDE].code, "organization": "TTKC-15", "year": 2026,
                                "period_end": "2026-09-30", "projects": 3, "revenue": "1000000"}),
    # the periodic reports through the API: the same checks as the pages
    Case("api:submission-list", api="/api/v1/reporting/submissions/", wheres=(ANY,), allowed=everyone(ANY)),
    Case("api:submission-list", "POST", api="/api/v1/reporting/submissions/", json=True, ok=WRITE_OK,
         allowed=REPORT_WRITERS, refused=frozenset({403, 404}), admin_writes=True,
         data=lambda w, where: {"duty": "sct_yearly", "organization": sct_code(where), "year": 2026, "period": "y"}),
    Case("api:submission-detail", api="/api/v1/reporting/submissions/{id}/", allowed=REPORT_SEEN,
         visible=REPORT_SEEN, kwargs=pk_of("submission")),
    Case("api:submission-detail", "PATCH", api="/api/v1/reporting/submissions/{id}/", json=True, ok=WRITE_OK,
         allowed=REPORT_WRITERS, visible=REPORT_SEEN, admin_writes=True, kwargs=pk_of("submission"),
         data=lambda w, where: {"highlights": "Sửa qua API bởi ma trận quyền."}),
    Case("api:submission-submit", "POST", api="/api/v1/reporting/submissions/{id}/submit/", json=True, ok=WRITE_OK,
         allowed=REPORT_SENDERS, visible=REPORT_SEEN, admin_writes=True, kwargs=pk_of("submission")),
    Case("api:submission-return", "POST", api="/api/v1/reporting/submissions/{id}/return/", json=True, ok=WRITE_OK,
         allowed=REPORT_REVIEWERS, visible=REPORT_SEEN, admin_writes=True, kwargs=pk_of("sent"),
         data=lambda w, where: {"comment": "Bổ sung số liệu."}),
    Case("api:submission-accept", "POST", api="/api/v1/reporting/submissions/{id}/accept/", json=True, ok=WRITE_OK,
         allowed=REPORT_REVIEWERS, visible=REPORT_SEEN, admin_writes=True, kwargs=pk_of("sent")),
    Case("api:submission-new-version", "POST", api="/api/v1/reporting/submissions/{id}/new-version/", json=True,
         ok=WRITE_OK, allowed=REPORT_WRITERS, visible=REPORT_SEEN, admin_writes=True, kwargs=pk_of("accepted"),
         data=lambda w, where: {"reason": "Bổ sung đề án ghi muộn."}),
    Case("api:reporting-calendar", api="/api/v1/reporting/calendar/", wheres=(ANY,), allowed=everyone(ANY),
         query=lambda w, where: {"year": "2026"}),
    # products and the selection through the API: the same selectors and services as the pages
    Case("api:product-list", api="/api/v1/products/", wheres=(ANY,), allowed=everyone(ANY)),
    Case("api:product-list", "POST", api="/api/v1/products/", json=True, ok=WRITE_OK, admin_writes=True,
         allowed=PRODUCT_WRITERS, refused=frozenset({400, 403}), data=product_form),
    Case("api:product-detail", api="/api/v1/products/{code}/", kwargs=code_of("product"), allowed=PROJECT_SEEN,
         visible=PROJECT_SEEN),
    Case("api:product-detail", "PATCH", api="/api/v1/products/{code}/", kwargs=code_of("product"), json=True,
         data=lambda w, where: {"name": "Tên đổi qua API"}, allowed=PRODUCT_WRITERS, visible=PROJECT_SEEN,
         ok=WRITE_OK, admin_writes=True),
    Case("api:selection-round-list", api="/api/v1/selection-rounds/", wheres=(ANY,), allowed=everyone(ANY)),
    Case("api:selection-round-list", "POST", api="/api/v1/selection-rounds/", json=True, ok=WRITE_OK,
         admin_writes=True, allowed=ROUND_ORGANISERS, refused=frozenset({400, 403}),
         data=lambda w, where: {"code": "BC-API-MA-TRAN", "name": "Đợt ma trận", "level": "provincial",
                                "year": 2026, "organizer": sct_code(where)}),
    Case("api:selection-round-detail", api="/api/v1/selection-rounds/{code}/", kwargs=code_of("selection"),
         allowed=PROJECT_SEEN, visible=PROJECT_SEEN),
    Case("api:selection-round-entries", api="/api/v1/selection-rounds/{code}/entries/", kwargs=code_of("selection"),
         allowed=PROJECT_SEEN, visible=PROJECT_SEEN),
    Case("api:selection-round-entries", "POST", api="/api/v1/selection-rounds/{code}/entries/", json=True,
         kwargs=code_of("selection"), allowed=ENTRANTS, visible=PROJECT_SEEN, ok=WRITE_OK, admin_writes=True,
         refused=frozenset({400, 403}),
         data=lambda w, where: {"product": w.spare[where].code, "registered_on": TODAY.isoformat(),
                                "lower_certificate": w.spare_certificate[where].code}),
    Case("api:selection-round-scores", "POST", api="/api/v1/selection-rounds/{code}/scores/", json=True,
         kwargs=code_of("selection"), allowed=JUDGE, visible=PROJECT_SEEN, ok=WRITE_OK, admin_writes=True,
         writer=TTKC15,
         data=lambda w, where: {"judge": "GK1", "product": w.product[where].code, "criterion": "market",
                                "points": "30"}),
    Case("api:selection-round-decide", "POST", api="/api/v1/selection-rounds/{code}/decide/", json=True,
         kwargs=code_of("selection"), allowed=ROUND_ORGANISERS, visible=PROJECT_SEEN, ok=WRITE_OK, admin_writes=True,
         data=lambda w, where: {"on": TODAY.isoformat(), "document": "99/QĐ-SCT",
                                "recognized": [w.product[where].code]}),
    # The đề án of the side is not of the selection's content: the organiser is told so (400), others refused.
    Case("api:selection-round-fund", "POST", api="/api/v1/selection-rounds/{code}/fund/", json=True,
         kwargs=code_of("selection"), allowed=ROUND_ORGANISERS, visible=PROJECT_SEEN, ok=WRITE_OK,
         data=lambda w, where: {"project": w.project[where].code}),
    Case("api:product-certificate-list", api="/api/v1/product-certificates/", wheres=(ANY,),
         allowed=everyone(ANY)),
    Case("api:product-certificate-detail", api="/api/v1/product-certificates/{id}/", kwargs=pk_of("certificate"),
         allowed=PROJECT_SEEN, visible=PROJECT_SEEN),
    # The district round's certificate: revoked by its organiser, the district office (no persona) or the admin.
    Case("api:product-certificate-revoke", "POST", api="/api/v1/product-certificates/{id}/revoke/", json=True,
         kwargs=pk_of("certificate"), allowed=seen({ADMIN}, {ADMIN}), visible=PROJECT_SEEN, ok=WRITE_OK,
         admin_writes=True, data=lambda w, where: {"on": TODAY.isoformat(), "reason": "Thu hồi bởi ma trận"}),
    # the council, the complaints and the holders' reports through the API: the pages' services and scoping
    Case("api:selection-round-council", api="/api/v1/selection-rounds/{code}/council/", kwargs=code_of("selection"),
         allowed=PROJECT_SEEN, visible=PROJECT_SEEN),
    Case("api:selection-round-council", "POST", api="/api/v1/selection-rounds/{code}/council/", json=True,
         kwargs=code_of("selection"), allowed=ROUND_ORGANISERS, visible=PROJECT_SEEN, ok=WRITE_OK, admin_writes=True,
         data=lambda w, where: {"name": "Nguyễn Văn Ủy", "position": "Chuyên viên", "role": "member"}),
    Case("api:selection-round-council-void", "POST", api="/api/v1/selection-rounds/{code}/council/{member}/void/",
         json=True, allowed=ROUND_ORGANISERS, visible=PROJECT_SEEN, ok=WRITE_OK, admin_writes=True,
         kwargs=lambda w, where: {"code": w.selection[where].code, "member": w.council_member[where].pk},
         data=lambda w, where: {"reason": "Ghi nhầm người"}),
    Case("api:selection-round-complaints", api="/api/v1/selection-rounds/{code}/complaints/",
         kwargs=code_of("district_round"), allowed=PROJECT_SEEN, visible=PROJECT_SEEN),
    # As on the page: the district round of 2024 was announced long ago, so whoever may complain is told the 15 working
    # days have passed (400, nothing written); others are refused.
    Case("api:selection-round-complaints", "POST", api="/api/v1/selection-rounds/{code}/complaints/", json=True,
         kwargs=code_of("district_round"), allowed=COMPLAINANTS, visible=PROJECT_SEEN, ok=frozenset({400}),
         data=lambda w, where: {"product": w.certificate[where].entry.product.code, "on": TODAY.isoformat(),
                                "text": "Khiếu nại của ma trận"}),
    Case("api:selection-round-complaint-answer", "POST",
         api="/api/v1/selection-rounds/{code}/complaints/{complaint}/answer/", json=True, allowed=DISTRICT_ORGANISERS,
         visible=PROJECT_SEEN, ok=WRITE_OK, admin_writes=True,
         data=lambda w, where: {"on": TODAY.isoformat(), "outcome": "dismissed"},
         kwargs=lambda w, where: {"code": w.district_round[where].code, "complaint": w.complaint[where].pk}),
    Case("api:product-certificate-reports", api="/api/v1/product-certificates/{id}/reports/",
         kwargs=pk_of("certificate"), allowed=PROJECT_SEEN, visible=PROJECT_SEEN),
    Case("api:product-certificate-reports", "POST", api="/api/v1/product-certificates/{id}/reports/", json=True,
         kwargs=pk_of("certificate"), allowed=PRODUCT_WRITERS, visible=PROJECT_SEEN, ok=WRITE_OK,
         admin_writes=True, data=lambda w, where: {"year": 2026, "reported_on": TODAY.isoformat(),
                                                   "support_received": 1000000, "results": "Mở rộng thị trường"}),
    Case("api:product-certificate-report-void", "POST",
         api="/api/v1/product-certificates/{id}/reports/{report}/void/", json=True, allowed=PRODUCT_WRITERS,
         visible=PROJECT_SEEN, ok=WRITE_OK, admin_writes=True, data=lambda w, where: {"reason": "Ghi nhầm số tiền"},
         kwargs=lambda w, where: {"pk": w.certificate[where].pk, "report": w.holder_report[where].pk}),
]
# fmt: on

# Routes the matrix leaves out, each with its reason.
SKIPPED = {
    "admin": "the Django admin: staff-only, read-only for facilities and the audit log, covered by Django's own checks",
    "api:schema": "the OpenAPI document: describes the API, holds no records",
    "api:docs": "Swagger UI over the schema: no records",
    "api:redoc": "ReDoc over the schema: no records",
}


def _walk(patterns: list[Any], namespace: str | None = None) -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            name = f"{namespace}:{inner}" if namespace and inner else inner or namespace
            if name == "admin":
                yield "admin"
                continue
            yield from _walk(pattern.url_patterns, name)
        elif isinstance(pattern, URLPattern):
            assert pattern.name, f"an unnamed route: {pattern.pattern}"
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def url_routes() -> set[str]:
    return set(_walk(get_resolver().url_patterns))


def schema_operations() -> set[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {(path, method.upper()) for path, operations in schema["paths"].items() for method in operations}


# --- Coverage: a route without a case, or a case without a route, fails ---------------------------------------------


def test_every_route_has_a_case() -> None:
    covered = {case.route for case in CASES} | set(SKIPPED)
    missing = url_routes() - covered
    assert not missing, f"routes without a case in the authorisation matrix: {sorted(missing)}"


def test_every_case_names_an_existing_route() -> None:
    routes = url_routes()
    stale = {case.route for case in CASES} | set(SKIPPED)
    assert stale <= routes, f"cases for routes that no longer exist: {sorted(stale - routes)}"


def test_every_api_operation_has_a_case() -> None:
    operations = schema_operations()
    cased = {(case.api, case.method) for case in CASES if case.api}
    assert operations - cased == set(), f"API operations without a case: {sorted(operations - cased)}"
    assert cased - operations == set(), f"API cases for operations that no longer exist: {sorted(cased - operations)}"


def test_every_case_is_consistent() -> None:
    for case in CASES:
        assert set(case.allowed) == set(case.wheres), case.id
        if case.visible is not None:
            for where in case.wheres:
                assert case.allowed[where] <= case.visible[where], f"{case.id}: allowed beyond visible ({where})"


# --- The matrix -------------------------------------------------------------------------------------------------------


def _params() -> Iterator[Any]:
    for case in CASES:
        for where in case.wheres:
            for persona in PERSONAS:
                marks = []
                if (persona, where) in case.xfail:
                    marks.append(pytest.mark.xfail(strict=True, reason=case.xfail[(persona, where)]))
                yield pytest.param(case, persona, where, id=f"{case.id}|{persona}|{where}", marks=marks)


def _client(world: World, persona: str, case: Case) -> Client:
    if case.route.startswith("api:") and case.route != "api:api-root":
        api = APIClient()
        if persona != ANON:
            api.credentials(HTTP_AUTHORIZATION=f"Token {world.tokens[persona]}")
        return api
    client = Client()
    if persona != ANON:
        client.force_login(world.users[persona])
    return client


def _content(response: Any) -> bytes:
    streaming = getattr(response, "streaming", False)
    return b"".join(response.streaming_content) if streaming else bytes(response.content)


def _body(response: Any) -> str:
    content = _content(response)
    if content[:2] == b"PK":
        # A workbook's cells are read for another territory's records like a page (a list's Excel copy is built from
        # its own query, not from the page checked); a Word file or a ZIP by the same reader.
        return file_text(content) or ""
    if content[:4] == b"%PDF":
        return ""  # the report's PDF is laid out from the same figures as its JSON and HTML, checked here
    return content.decode("utf-8", errors="replace")


def _fixed_texts() -> list[str]:
    from khuyencong.projects.forms import ProjectCreateForm

    return [str(ProjectCreateForm.base_fields["beneficiaries"].help_text)]


FIXED_TEXTS = _fixed_texts()


def _errors(response: Any, body: str) -> str:
    """The error messages of a refused form or API call, for the failure's message."""
    found = []
    for context in getattr(response, "context", None) or []:
        for key, value in context.flatten().items():
            errors = getattr(value, "errors", None)
            if isinstance(errors, dict) and errors:
                found.append(f"{key}: {dict(errors)}")
            elif key == "correction_errors" and value:
                found.append(f"{key}: {value}")
    return "; ".join(dict.fromkeys(found))[:800] or body[:500]


def expected_statuses(case: Case, persona: str, where: str) -> frozenset[int]:
    if persona == ANON:
        if case.anonymous_ok:
            return frozenset({200, 302})
        return frozenset({401, 403}) if case.route.startswith("api:") else ANONYMOUS_PAGE
    if persona in case.allowed[where]:
        return case.ok
    if case.visible is not None and persona not in case.visible[where]:
        return frozenset({404})  # out of scope: exactly like a record that does not exist
    return case.refused


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "persona", "where"), list(_params()))
def test_matrix(world: World, clock: None, case: Case, persona: str, where: str) -> None:
    url = reverse(case.route, kwargs=case.kwargs(world, where) if case.kwargs else None)
    client = _client(world, persona, case)
    query = case.query(world, where) if case.query else {}
    before = snapshot() if case.writes else None
    data: dict[str, Any] = {}

    if case.writes:
        data = {k: (v() if callable(v) else v) for k, v in (case.data(world, where) if case.data else {}).items()}
        if case.json:
            response = getattr(client, case.method.lower())(url, data, format="json")
        else:
            response = client.generic(case.method, url) if not data else client.post(url, data)
    else:
        response = client.get(url, query)

    status = response.status_code
    assert status != 500, f"{case.id} answered 500 to {persona} ({where})"
    wanted = expected_statuses(case, persona, where)
    assert status in wanted, (
        f"{case.id} for {persona} ({where}): {status}, expected one of {sorted(wanted)}; "
        f"{_errors(response, _body(response))[:300]}"
    )

    # What the user typed comes back in a refused form, and help texts cite example codes; neither is a leak.
    body = _body(response)
    for text in FIXED_TEXTS:
        body = body.replace(text, "")
    for value in data.values() if case.writes else ():
        for text in value if isinstance(value, list) else [value]:
            if isinstance(text, str) and len(text) > 3:
                body = body.replace(text, "")
    if not case.reference and persona in LOCAL:
        leaked = sorted(set(world.foreign_codes.findall(body)))
        assert not leaked, f"{case.id} shows {persona} Thái Nguyên records: {leaked[:10]}"
    if not case.reference and persona == REP:
        leaked = sorted(set(world.not_for_rep.findall(body)))
        assert not leaked, f"{case.id} shows the facility's representative others' records: {leaked[:10]}"
    if not case.reference and persona in EMPTY | {ANON}:
        leaked = sorted(set(world.all_codes.findall(body)))
        assert not leaked, f"{case.id} shows {persona} records although they may see none: {leaked[:10]}"

    if (
        status == 200
        and response.get("Content-Type", "").startswith("text/html")
        and not case.route.startswith(("api:", "admin:"))
    ):
        # The header names the user: the test accounts' names ("matrix.viewer15") are not the page's words.
        own_name = frozenset(re.findall(r"[a-z]+", world.users[persona].username)) if persona != ANON else frozenset()
        leaked_words = page_leaks(body, allowed=own_name)
        assert not leaked_words, f"{case.id} shows {persona} codes or English words: {leaked_words[:10]}"
    if status in (200, 400) and response.get("Content-Type", "").startswith("text/html"):
        # A refused form (400) is where the references to its errors are written.
        dangling = dangling_ids(_body(response))
        assert not dangling, f"{case.id} for {persona}: references to no element {dangling[:10]}"

    if case.writes and case.route != "web:logout":
        after = snapshot()
        if persona not in case.allowed[where]:
            assert before is not None
            changed = {key for key in before if before[key] != after[key]}
            assert not changed, f"{case.id} refused to {persona} ({where}) but wrote: {sorted(changed)}"
        elif case.admin_writes and persona == case.writer and where == INSIDE:
            assert before != after, (
                f"{case.id}: {persona}'s lawful call wrote nothing ({status}): {_errors(response, body)}"
            )


# The pages (by URL namespace) whose app's English is still being written; see core/tests/test_translations.py.
ENGLISH_PENDING: frozenset[str] = frozenset()
# Who reads each page in English: the first of these the case allows inside its territory.
READERS = [SCT15, CUC, ADMIN, TTKC15, UBND15, VIEWER15, TTKC1, REP, NO_ROLE, NO_ORG]


def _first_reader(case: Case, wheres: Sequence[str]) -> tuple[str, str] | None:
    """The first place, of those given, where a reader may open the page, and that reader."""
    for where in wheres:
        reader = next((persona for persona in READERS if persona in case.allowed.get(where, ())), None)
        if reader is not None:
            return where, reader
    return None


def _reads() -> Iterator[Case]:
    return (case for case in CASES if not case.writes and not case.route.startswith(("api:", "admin:")))


def _pages() -> Iterator[Any]:
    for case in _reads():
        found = _first_reader(case, [INSIDE if INSIDE in case.wheres else case.wheres[0]])
        if found is not None:
            where, reader = found
            pending = case.route.split(":")[0] in ENGLISH_PENDING
            marks = [pytest.mark.xfail(reason="this app's English is not complete yet (issue 15)")] if pending else []
            yield pytest.param(case, reader, where, id=f"{case.id}|{reader}|{where}", marks=marks)


_RECORD_TEXTS: dict[int, frozenset[str]] = {}


def _records(world: World) -> frozenset[str]:
    """The world's stored texts, read once: the world does not change between its read-only tests."""
    if id(world) not in _RECORD_TEXTS:
        _RECORD_TEXTS[id(world)] = record_texts()
    return _RECORD_TEXTS[id(world)]


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "persona", "where"), list(_pages()))
def test_every_page_reads_in_english(world: World, clock: None, case: Case, persona: str, where: str) -> None:
    # Given a user who chose English on his account
    user = world.users[persona]
    User.objects.filter(pk=user.pk).update(language="en")
    url = reverse(case.route, kwargs=case.kwargs(world, where) if case.kwargs else None)

    # When he opens the page he may open
    response = _client(world, persona, case).get(url, case.query(world, where) if case.query else {})

    # Then it answers as in Vietnamese, in English, with none of the interface's Vietnamese left
    assert response.status_code in case.ok, f"{case.id} for {persona}: {response.status_code}"
    if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
        return
    body = _body(response)
    assert '<html lang="en"' in body
    left = untranslated(body, records=_records(world))
    assert not left, f"{case.id} shows {persona} untranslated Vietnamese in English: {left[:15]}"


# A document someone uploaded is his own file, under his own name.
UPLOADED = frozenset({"projects:document"})


def _downloads() -> Iterator[Any]:
    for case in _reads():
        found = None if case.route in UPLOADED else _first_reader(case, case.wheres)
        if found is not None:
            where, reader = found
            yield pytest.param(case, reader, where, id=f"{case.id}|{reader}|{where}")


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "persona", "where"), list(_downloads()))
def test_every_generated_file_and_its_name_are_vietnamese(
    world: World, clock: None, case: Case, persona: str, where: str
) -> None:
    # Given a Vietnamese user who may download it
    url = reverse(case.route, kwargs=case.kwargs(world, where) if case.kwargs else None)

    # When he downloads what the route gives (pages are scanned by test_matrix)
    response = _client(world, persona, case).get(url, case.query(world, where) if case.query else {})
    text = file_text(_content(response))
    disposition = response.get("Content-Disposition", "")
    if text is None and not disposition:
        return

    # Then neither the file's name nor what it says holds an enumeration's code or an English word
    name = file_name(disposition)
    assert not leaks(re.sub(r"\.(\w+)$", "", name).replace("-", " ").replace("_", " ")), (
        f"{case.id}: file name {name!r}"
    )
    found = leaks(text or "")
    assert not found, f"{case.id} ({name}) says {found[:10]}"


def test_the_matrix_is_large_enough() -> None:
    """The count reported with the matrix: every case × place × persona."""
    count = sum(len(case.wheres) for case in CASES) * len(PERSONAS)
    assert count > 700
