"""A province cannot take over another province's consulting record, by the page, the API or the service; figures
are never dated in the future; a correction within one's own territory is kept, audited before and after."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from conftest import client_for, make_user
from khuyencong.accounts import access
from khuyencong.accounts.models import Role, User
from khuyencong.audit.models import AuditEntry
from khuyencong.consulting.models import ConsultingRecord
from khuyencong.consulting.services import ConsultingRefused, consulting_record, consulting_void
from khuyencong.organizations.models import Organization

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 1, 15)
CODE = "TV-19-2025-Y"


@pytest.fixture(autouse=True)
def frozen_today() -> Iterator[datetime.date]:
    """The clock stands on 15/01/2026."""
    with time_machine.travel(datetime.datetime(2026, 1, 15, 9, 0, tzinfo=datetime.UTC), tick=False):
        yield TODAY


@pytest.fixture
def thai_nguyen_record() -> ConsultingRecord:
    """Thái Nguyên's centre's figures for 2025, recorded by the centre itself."""
    return consulting_record(
        actor=make_user("ttkc19", "TTKC-19", Role.OFFICER),
        code=CODE,
        organization=Organization.objects.get(code="TTKC-19"),
        year=2025,
        period_end=datetime.date(2025, 12, 31),
        projects=40,
        revenue=Decimal(900_000_000),
    )


def takeover(**overrides: Any) -> dict[str, Any]:
    """Lào Cai's centre's figures written under Thái Nguyên's code."""
    return {
        "code": CODE,
        "organization": Organization.objects.get(code="TTKC-15"),
        "year": 2025,
        "period_end": datetime.date(2025, 12, 31),
        "projects": 1,
        "revenue": Decimal(1),
        **overrides,
    }


def unchanged(record: ConsultingRecord, audit_rows: int) -> None:
    fresh = ConsultingRecord.objects.get(code=CODE)
    assert (fresh.organization_id, fresh.projects, fresh.revenue) == (
        record.organization_id,
        record.projects,
        record.revenue,
    )
    assert ConsultingRecord.objects.count() == 1
    assert AuditEntry.objects.count() == audit_rows


def api_for(user: User) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


# --- The capability ---------------------------------------------------------------------------------------------------


def test_who_may_record_a_centres_figures(laocai_officer: User, laocai_viewer: User, cuc_officer: User) -> None:
    lao_cai, thai_nguyen = Organization.objects.get(code="TTKC-15"), Organization.objects.get(code="TTKC-19")
    # an officer of the province records its centre's figures, not another province's
    assert access.can_record_consulting(laocai_officer, lao_cai)
    assert not access.can_record_consulting(laocai_officer, thai_nguyen)
    # a viewer records nothing, the Cục everything
    assert not access.can_record_consulting(laocai_viewer, lao_cai)
    assert access.can_record_consulting(cuc_officer, thai_nguyen)
    # an account without a role records nothing, not even its own organisation's
    assert not access.can_record_consulting(make_user("ttkc15.norole", "TTKC-15"), lao_cai)


# --- The service ------------------------------------------------------------------------------------------------------


def test_the_service_refuses_a_takeover_and_writes_nothing(
    thai_nguyen_record: ConsultingRecord, laocai_officer: User
) -> None:
    # given Thái Nguyên's record under CODE, when Lào Cai's officer writes its own centre's figures under that code
    with pytest.raises(ConsultingRefused) as refused:
        consulting_record(actor=laocai_officer, **takeover())

    # then it is refused as out of scope, and neither the record nor the audit log changes
    assert refused.value.code == "out_of_scope"
    assert CODE in refused.value.message
    unchanged(thai_nguyen_record, audit_rows=1)


def test_the_service_refuses_another_provinces_centre_as_out_of_scope(laocai_officer: User) -> None:
    with pytest.raises(ConsultingRefused) as refused:
        consulting_record(actor=laocai_officer, **takeover(organization=Organization.objects.get(code="TTKC-19")))

    assert refused.value.code == "out_of_scope"
    assert not ConsultingRecord.objects.exists()


def test_a_period_ending_after_today_is_refused(laocai_officer: User) -> None:
    # when figures are dated tomorrow
    with pytest.raises(ValidationError) as refused:
        consulting_record(
            actor=laocai_officer, **takeover(code="TV-15-2026", year=2026, period_end=TODAY.replace(day=16))
        )

    # then the period end is refused as a future date, and nothing is written
    assert [error.code for error in refused.value.error_dict["period_end"]] == ["future_date"]
    assert "chưa đến" in refused.value.message_dict["period_end"][0]
    assert not ConsultingRecord.objects.exists()
    assert not AuditEntry.objects.exists()
    # while today itself is accepted
    consulting_record(actor=laocai_officer, **takeover(code="TV-15-2026", year=2026, period_end=TODAY))


def test_a_correction_in_ones_own_territory_is_kept_and_audited_before_and_after(laocai_officer: User) -> None:
    # given Lào Cai's centre's figures
    consulting_record(actor=laocai_officer, **takeover(code="TV-15-2025-Y"))

    # when the officer writes them again under the same code with another revenue
    consulting_record(actor=laocai_officer, **takeover(code="TV-15-2025-Y", revenue=Decimal(2)))

    # then the record holds the new figure, and the audit log the old and the new
    assert ConsultingRecord.objects.get(code="TV-15-2025-Y").revenue == Decimal(2)
    latest = AuditEntry.objects.order_by("-pk").first()
    assert latest is not None
    assert latest.action == "update"
    assert latest.changes["revenue"] == {"before": "1", "after": "2"}


# --- The page ---------------------------------------------------------------------------------------------------------


def post(record: dict[str, Any]) -> dict[str, str]:
    return {
        "code": record["code"],
        "organization": str(record["organization"].pk),
        "year": str(record["year"]),
        "period_end": record["period_end"].strftime("%d/%m/%Y"),
        "projects": str(record["projects"]),
        "revenue": str(record["revenue"]),
    }


def test_the_page_refuses_a_takeover_and_writes_nothing(
    thai_nguyen_record: ConsultingRecord, laocai_officer: User
) -> None:
    # when Lào Cai's officer posts its centre's figures under Thái Nguyên's code
    response = client_for(laocai_officer).post(reverse("consulting:list"), post(takeover()))

    # then the page says why, and nothing is written
    assert response.status_code == 400
    assert "ngoài địa bàn của bạn" in response.content.decode()
    unchanged(thai_nguyen_record, audit_rows=1)


def test_the_page_offers_only_the_centres_the_user_may_record(laocai_officer: User, laocai_viewer: User) -> None:
    form = client_for(laocai_officer).get(reverse("consulting:list")).context["form"]
    offered = {unit.code for unit in form.fields["organization"].queryset}

    assert "TTKC-15" in offered
    assert "TTKC-19" not in offered
    # a viewer is offered no form, and a post is refused
    viewer = client_for(laocai_viewer)
    assert viewer.get(reverse("consulting:list")).context["form"] is None
    assert viewer.post(reverse("consulting:list"), post(takeover(code="TV-15"))).status_code == 403
    assert not ConsultingRecord.objects.exists()


def test_the_page_refuses_a_future_period_end(laocai_officer: User) -> None:
    record = takeover(code="TV-15-2026", year=2026, period_end=datetime.date(2026, 3, 31))

    response = client_for(laocai_officer).post(reverse("consulting:list"), post(record))

    assert response.status_code == 400
    assert "chưa đến" in response.content.decode()
    assert not ConsultingRecord.objects.exists()


# --- The API ----------------------------------------------------------------------------------------------------------


def api_body(record: dict[str, Any]) -> dict[str, Any]:
    return {**record, "organization": record["organization"].code, "period_end": record["period_end"].isoformat(),
            "revenue": int(record["revenue"])}  # fmt: skip


def test_the_api_refuses_a_takeover_and_writes_nothing(
    thai_nguyen_record: ConsultingRecord, laocai_officer: User
) -> None:
    # when Lào Cai's officer posts its centre's figures under Thái Nguyên's code
    response = api_for(laocai_officer).post("/api/v1/consulting/", api_body(takeover()), format="json")

    # then the API refuses with the stable code, and nothing is written
    assert response.status_code == 403
    assert response.json()["code"] == "out_of_scope"
    unchanged(thai_nguyen_record, audit_rows=1)


def test_the_api_refuses_another_provinces_centre_with_a_code(laocai_officer: User) -> None:
    body = api_body(takeover(organization=Organization.objects.get(code="TTKC-19")))

    response = api_for(laocai_officer).post("/api/v1/consulting/", body, format="json")

    assert response.status_code == 403
    assert response.json()["code"] == "out_of_scope"
    assert not ConsultingRecord.objects.exists()


def test_the_api_refuses_a_future_period_end_with_a_code(laocai_officer: User) -> None:
    body = api_body(takeover(code="TV-15-2026", year=2026, period_end=datetime.date(2026, 3, 31)))

    response = api_for(laocai_officer).post("/api/v1/consulting/", body, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "future_date"
    assert "chưa đến" in response.json()["period_end"][0]
    assert not ConsultingRecord.objects.exists()


def test_figures_entered_by_mistake_are_voided_and_left_out_of_the_region(laocai_officer: User) -> None:
    """Corrections of consulting figures: voided with the reason, struck out on the page, out of the reports."""
    with time_machine.travel(datetime.datetime(2026, 11, 27, 9, 0, tzinfo=datetime.UTC), tick=False):
        record = consulting_record(
            actor=laocai_officer, code="TV-LC-1", organization=Organization.objects.get(code="TTKC-15"), year=2026,
            period_end=datetime.date(2026, 6, 30), projects=3, revenue=Decimal(100_000_000),
        )  # fmt: skip
        client = client_for(laocai_officer)
        assert client.post(reverse("consulting:void", args=[record.pk]), {"reason": ""}).status_code == 400
        assert client.post(reverse("consulting:void", args=[record.pk]), {"reason": "Nhầm kỳ"}).status_code == 302
        record.refresh_from_db()
        assert record.is_voided
        assert "Nhầm kỳ" in client.get(reverse("consulting:list")).content.decode()
        # The date is free again for the right figures, under a new code; the voided code is not reused
        consulting_record(
            actor=laocai_officer, code="TV-LC-2", organization=record.organization, year=2026,
            period_end=datetime.date(2026, 6, 30), projects=2, revenue=Decimal(80_000_000),
        )  # fmt: skip
        with pytest.raises(ValidationError):
            consulting_record(
                actor=laocai_officer, code="TV-LC-1", organization=record.organization, year=2026,
                period_end=datetime.date(2026, 5, 31), projects=1, revenue=Decimal(1),
            )  # fmt: skip
        assert ConsultingRecord.objects.standing().count() == 1
        with pytest.raises(PermissionDenied):
            consulting_void(actor=make_user("tn.cv", "SCT-19", Role.OFFICER), record=record, reason="x")


def test_figures_re_entered_under_the_same_code_show_their_earlier_values(laocai_officer: User) -> None:
    """A correction under the same code is no silent overwrite: the page shows what the figures were before."""
    with time_machine.travel(datetime.datetime(2026, 11, 27, 9, 0, tzinfo=datetime.UTC), tick=False):
        centre = Organization.objects.get(code="TTKC-15")
        values: dict[str, Any] = {"actor": laocai_officer, "code": "TV-LC-9T", "organization": centre,
                                  "year": 2026, "period_end": datetime.date(2026, 9, 30), "projects": 3}  # fmt: skip
        consulting_record(**values, revenue=Decimal(850_000_000))
        consulting_record(**values, revenue=Decimal(870_000_000))
        page = client_for(laocai_officer).get(reverse("consulting:list")).content.decode()
    assert "Đã đính chính 1 lần" in page
    assert "<del>850.000.000</del> → 870.000.000" in page
