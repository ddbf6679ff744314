"""No request to the API answers 500: every endpoint that writes is sent, field by field, a NUL byte, text longer than
its column and 30-digit numbers, and bodies no parser should choke on (100.000 nested arrays, bytes that are not
UTF-8). Each answer is a 4xx and nothing is written. Run on PostgreSQL too, where NUL and range errors come from the
database itself.

Dates are fixed days of 2018 and 2025, in the past whatever the day the suite runs, so no clock is frozen."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import models
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from conftest import make_user
from khuyencong.accounts.models import Role, User
from khuyencong.accounts.services import system_user
from khuyencong.api import serializers as s
from khuyencong.audit.models import AuditEntry
from khuyencong.consulting.models import ConsultingRecord
from khuyencong.facilities.models import Facility
from khuyencong.organizations.models import Organization
from khuyencong.projects.models import Payment, ProjectEvent, Result
from khuyencong.projects.tests.lawful import contracted_national, lawful_advance
from khuyencong.reporting.models import ReportingDuty, Submission, SubmissionEvent
from khuyencong.reporting.services import submission_edit, submission_open

pytestmark = pytest.mark.django_db

V1 = "/api/v1"
NUL = "Cơ sở\x00độc hại"
HUGE = int("1" * 30)


def api_for(user: User) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@dataclass
class Endpoint:
    method: str
    url: Callable[[], str]
    user: Callable[[], User]
    base: dict[str, Any]
    serializer: type[serializers.Serializer[Any]]
    writes: list[type[models.Model]]
    scenario: bool = False


_contracted = contracted_national


def _user(username: str, organization: str, *roles: str) -> Callable[[], User]:
    return lambda: User.objects.filter(username=username).first() or make_user(username, organization, *roles)


def _facility_code() -> str:
    facility = Facility.objects.filter(code="CS-API-1").first()
    if facility is None:
        api_for(_user("lc", "SCT-15", Role.OFFICER)()).post(
            f"{V1}/facilities/", {**FACILITY, "code": "CS-API-1"}, format="json"
        )
    return "CS-API-1"


def _report() -> str:
    """The Sở of Lào Cai's third-quarter report of 2025 (a period past whatever the day), opened and signed."""
    report = Submission.objects.filter(organization__code="SCT-15").first()
    if report is None:
        sct = _user("lc", "SCT-15", Role.OFFICER)()
        duty, body = ReportingDuty.objects.get(code="sct_quarterly"), Organization.objects.get(code="SCT-15")
        report = submission_open(actor=sct, duty=duty, organization=body, year=2025, period_key="q3")
        submission_edit(actor=sct, submission=report, signer="Nguyễn Văn A", signer_title="Giám đốc")
    return f"{V1}/reporting/submissions/{report.pk}/"


FACILITY = {
    "name": "Cơ sở chế biến chè Văn Chấn",
    "legal_form": "household_business",
    "place": {"province": "Yên Bái", "district": "Văn Chấn", "commune": "Sơn Thịnh", "as_of": "2022-03-01"},
}

ENDPOINTS = {
    "facility_create": Endpoint(
        "post",
        lambda: f"{V1}/facilities/",
        _user("lc", "SCT-15", Role.OFFICER),
        {**FACILITY, "code": "CS-API-2", "confirm_duplicate": True},
        s.FacilityWriteSerializer,
        [Facility],
    ),
    "facility_change": Endpoint(
        "patch",
        lambda: f"{V1}/facilities/{_facility_code()}/",
        _user("lc", "SCT-15", Role.OFFICER),
        {"name": "Cơ sở chè Văn Chấn"},
        s.FacilityWriteSerializer,
        [AuditEntry],
    ),
    "event": Endpoint(
        "post",
        lambda: f"{V1}/projects/{_contracted().code}/events/",
        _user("ttkc.bk", "TTKC-BK", Role.OFFICER),
        {"action": "progress", "on": "2018-06-30", "percent": "50", "note": "Đã lắp máy"},
        s.EventWriteSerializer,
        [ProjectEvent],
        scenario=True,
    ),
    "payment": Endpoint(
        "post",
        lambda: f"{V1}/projects/{_contracted().code}/payments/",
        _user("cuc", "CUC-CTDP", Role.OFFICER, Role.APPRAISER, Role.APPROVER),
        {"on": "2018-06-15", "kind": "advance", "amount": 1_000_000, "document": "UNC 12"},
        s.PaymentWriteSerializer,
        [Payment],
        scenario=True,
    ),
    "result": Endpoint(
        "post",
        lambda: f"{V1}/projects/{_contracted().code}/results/",
        _user("ttkc.bk", "TTKC-BK", Role.OFFICER),
        {"indicator": "machines", "value": "3", "on": "2018-06-30"},
        s.ResultWriteSerializer,
        [Result],
        scenario=True,
    ),
    "consulting": Endpoint(
        "post",
        lambda: f"{V1}/consulting/",
        _user("ttkc1", "TTKC1", Role.OFFICER),
        {
            "code": "TV-TTKC1-2025",
            "organization": "TTKC1",
            "year": 2025,
            "period_end": "2025-06-30",
            "projects": 12,
            "revenue": 1_200_000_000,
        },
        s.ConsultingSerializer,
        [ConsultingRecord],
    ),
    "report_open": Endpoint(
        "post",
        lambda: f"{V1}/reporting/submissions/",
        _user("lc", "SCT-15", Role.OFFICER),
        {"duty": "sct_quarterly", "organization": "SCT-15", "year": 2025, "period": "q4"},
        s.SubmissionOpenSerializer,
        [Submission],
    ),
    "report_edit": Endpoint(
        "patch",
        _report,
        _user("lc", "SCT-15", Role.OFFICER),
        {"highlights": "Hỗ trợ 3 đề án."},
        s.SubmissionTextSerializer,
        [AuditEntry],
    ),
    "report_submit": Endpoint(
        "post",
        lambda: _report() + "submit/",
        _user("lc", "SCT-15", Role.OFFICER),
        {"on": "2025-10-05"},
        s.SubmissionMoveSerializer,
        [SubmissionEvent],
    ),
}


def hostile_values(serializer: type[serializers.Serializer[Any]]) -> list[tuple[str, str, Any]]:
    """(field, label, value) for every writable field of the serializer: what each kind of field must refuse."""
    values: list[tuple[str, str, Any]] = []
    for name, field in serializer().fields.items():
        if field.read_only or isinstance(field, serializers.BooleanField):
            continue
        if isinstance(field, serializers.Serializer):
            values += [(name, "nul", {"province": NUL}), (name, "long", {"province": "x" * 101})]
            continue
        values.append((name, "nul", NUL))
        if isinstance(field, serializers.CharField):
            # Digits are lawful text (a phone number, a code): text fields get the text-valued attacks only.
            if field.max_length:
                values.append((name, "too long", "x" * (field.max_length + 1)))
        else:
            values += [(name, "30 digits", HUGE), (name, "-30 digits", -HUGE), (name, "30 digits text", str(HUGE))]
    return values


def _cases() -> list[Any]:
    return [
        pytest.param(endpoint, name, value, id=f"{endpoint}-{name}-{label}")
        for endpoint, spec in ENDPOINTS.items()
        for name, label, value in hostile_values(spec.serializer)
    ]


@pytest.fixture
def prepare(request: pytest.FixtureRequest) -> Callable[[str], Endpoint]:
    def setup(endpoint: str) -> Endpoint:
        spec = ENDPOINTS[endpoint]
        if spec.scenario:
            request.getfixturevalue("bac_kan")
        if endpoint == "payment":
            # The advance is lawful (Circular 36/2013 Art. 13): a refusal in the hostile cases is the field's alone.
            lawful_advance(_contracted(), system_user(), datetime.date(2018, 6, 10))
        _facility_code()
        spec.url()  # what the address names exists before anything is counted
        return spec

    return setup


def _counts(spec: Endpoint) -> list[int]:
    return [model._default_manager.count() for model in spec.writes]


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_the_lawful_request_to_each_endpoint_is_accepted(endpoint: str, prepare: Callable[[str], Endpoint]) -> None:
    """The control: each hostile case changes one field of this request, so a refusal there is the field's."""
    # given an endpoint that writes and a lawful request
    spec = prepare(endpoint)
    before = _counts(spec)

    # when it is sent
    response = getattr(api_for(spec.user()), spec.method)(spec.url(), spec.base, format="json")

    # then it is accepted and writes
    assert response.status_code in (200, 201), response.content
    assert _counts(spec)[0] > before[0]


@pytest.mark.parametrize(("endpoint", "name", "value"), _cases())
def test_a_hostile_value_in_any_field_is_refused_and_writes_nothing(
    endpoint: str, name: str, value: Any, prepare: Callable[[str], Endpoint]
) -> None:
    # given an endpoint that writes, and its lawful request with one field replaced by a hostile value
    spec = prepare(endpoint)
    before = _counts(spec)

    # when it is sent
    response = getattr(api_for(spec.user()), spec.method)(spec.url(), {**spec.base, name: value}, format="json")

    # then it is a 400 naming the field, never a 500, and nothing was written
    assert response.status_code == 400, response.content
    assert name in response.json()
    assert _counts(spec) == before


BODIES = [
    pytest.param(b"[" * 100_000 + b"]" * 100_000, "application/json", id="100000-nested-arrays"),
    pytest.param(b'{"name": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "application/json", id="nested-in-a-field"),
    pytest.param(b'{"name": "\xff\xfe"}', "application/json", id="not-utf8"),
    pytest.param(b'{"name": NaN}', "application/json", id="nan"),
]


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
@pytest.mark.parametrize(("body", "content_type"), BODIES)
def test_a_body_no_parser_should_choke_on_is_a_400(
    endpoint: str, body: bytes, content_type: str, prepare: Callable[[str], Endpoint]
) -> None:
    # given an endpoint that writes
    spec = prepare(endpoint)
    before = _counts(spec)

    # when the body is hostile as a whole
    response = getattr(api_for(spec.user()), spec.method)(spec.url(), body, content_type=content_type)

    # then it is a 400, never a 500, and nothing was written
    assert response.status_code == 400, response.content
    assert _counts(spec) == before


def test_a_deeply_nested_body_is_refused_with_its_code(prepare: Callable[[str], Endpoint]) -> None:
    # given an officer
    spec = prepare("facility_create")

    # when they send 100.000 nested arrays
    response = api_for(spec.user()).post(spec.url(), b"[" * 100_000 + b"]" * 100_000, content_type="application/json")

    # then the answer says what is wrong, with a stable code
    assert response.status_code == 400
    assert response.json()["code"] == "json_too_deep"
