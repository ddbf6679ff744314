from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from conftest import make_user
from khuyencong.accounts.models import Role
from khuyencong.audit.models import AuditEntry
from khuyencong.consulting.models import ConsultingRecord
from khuyencong.consulting.services import consulting_record, consulting_void
from khuyencong.organizations.models import Organization

pytestmark = pytest.mark.django_db


def record(actor, **kw):
    values: dict[str, Any] = {
        "code": "TV-15-2022-9T",
        "organization": Organization.objects.get(code="TTKC-15"),
        "year": 2022,
        "period_end": datetime.date(2022, 9, 30),
        "projects": 12,
        "revenue": Decimal(485_000_000),
        "planned_revenue": Decimal(600_000_000),
    }
    values.update(kw)
    return consulting_record(actor=actor, **values)


def test_a_centre_records_its_figures_and_corrects_them_under_the_same_code() -> None:
    centre = make_user("ttkc15", "TTKC-15", Role.OFFICER)
    record(centre)
    record(centre, revenue=Decimal(490_000_000))
    assert ConsultingRecord.objects.get().revenue == Decimal(490_000_000)
    assert [e.action for e in AuditEntry.objects.order_by("pk")] == ["create", "update"]


def test_another_provinces_centre_cannot_record() -> None:
    with pytest.raises(PermissionDenied):
        record(make_user("ttkc19", "TTKC-19", Role.OFFICER))


def test_figures_must_be_dated_in_their_year_and_not_negative() -> None:
    centre = make_user("ttkc15", "TTKC-15", Role.OFFICER)
    with pytest.raises(ValidationError, match="không thuộc năm 2022"):
        record(centre, period_end=datetime.date(2023, 1, 1))
    with pytest.raises(ValidationError):
        record(centre, revenue=Decimal(-1))
    assert not ConsultingRecord.objects.exists()


def test_the_list_is_scoped() -> None:
    record(make_user("ttkc15", "TTKC-15", Role.OFFICER))
    inside, outside = Client(), Client()
    inside.force_login(make_user("sct15", "SCT-15", Role.VIEWER))
    outside.force_login(make_user("sct19", "SCT-19", Role.VIEWER))
    assert len(inside.get(reverse("consulting:list")).context["records"]) == 1
    assert len(outside.get(reverse("consulting:list")).context["records"]) == 0


def test_figures_are_entered_through_the_page_with_clear_errors() -> None:
    client = Client()
    client.force_login(make_user("ttkc15", "TTKC-15", Role.OFFICER))
    centre = Organization.objects.get(code="TTKC-15")
    post = {
        "code": "TV-1",
        "organization": str(centre.pk),
        "year": "2022",
        "period_end": "30/09/2022",
        "projects": "12",
        "revenue": "485.000.000",
    }
    wrong = client.post(reverse("consulting:list"), {**post, "period_end": "30/09/2023"})
    assert wrong.status_code == 400
    assert "không thuộc năm 2022" in wrong.content.decode()
    assert client.post(reverse("consulting:list"), post).status_code == 302
    assert ConsultingRecord.objects.get().revenue == Decimal(485_000_000)


def test_the_list_as_excel_is_the_territory_s_with_its_voided_records_said_so() -> None:
    # Given Lào Cai's centre's figures for 2022, one of them voided, and a Thái Nguyên record
    centre = make_user("ttkc15", "TTKC-15", Role.OFFICER)
    record(centre)
    wrong = record(centre, code="TV-15-2022-SAI", projects=3, period_end=datetime.date(2022, 6, 30))
    consulting_void(actor=centre, record=wrong, reason="Nhập nhầm kỳ.")
    record(make_user("ttkc19", "TTKC-19", Role.OFFICER), code="TV-19-2022", organization=Organization.objects.get(
        code="TTKC-19"))  # fmt: skip
    # When the Sở's viewer takes the list as Excel
    viewer = Client()
    viewer.force_login(make_user("sct15", "SCT-15", Role.VIEWER))
    response: Any = viewer.get(reverse("consulting:export"))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    # Then it holds Lào Cai's two records, never Thái Nguyên's, the money as numbers and the voided one said so
    assert set(rows) == {"TV-15-2022-9T", "TV-15-2022-SAI"}
    assert rows["TV-15-2022-9T"][2:8] == (2022, datetime.datetime(2022, 9, 30), 12, 485_000_000, 600_000_000, None)
    assert rows["TV-15-2022-SAI"][7].startswith("Đã huỷ bỏ ngày")
    assert rows["TV-15-2022-SAI"][7].endswith("Nhập nhầm kỳ.")
    # And a facility's representative may not take it
    rep = Client()
    rep.force_login(make_user("rep", None, Role.FACILITY_REPRESENTATIVE))
    assert rep.get(reverse("consulting:export")).status_code == 403
