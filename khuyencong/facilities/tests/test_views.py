"""The facility pages: scoped to the user's territory (404 outside it), clear Vietnamese messages on bad input."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import client_for
from khuyencong.accounts.models import User
from khuyencong.audit.models import AuditEntry
from khuyencong.core.page_ids import dangling_ids
from khuyencong.facilities.models import Facility

pytestmark = pytest.mark.django_db


def valid_post(**overrides: str) -> dict[str, str]:
    return {
        "name": "HTX Chè Shan Tuyết Bảo Thắng",
        "legal_form": "cooperative",
        "tax_code": "0100233488",
        "place_recorded_on": "10/01/2026",
        "province": "lao cai",
        "commune": "bao thang",
        "annual_revenue": "1.700.000.000",
        "workers": "12",
        **overrides,
    }


@pytest.mark.parametrize("url_name", ["facilities:detail", "facilities:edit"])
def test_another_provinces_facility_is_not_found_by_url(
    laocai_officer: User, thai_nguyen_facility: Facility, url_name: str
) -> None:
    response = client_for(laocai_officer).get(reverse(url_name, args=[thai_nguyen_facility.pk]))
    assert response.status_code == 404


def test_another_provinces_facility_cannot_be_edited_by_post(
    laocai_officer: User, thai_nguyen_facility: Facility
) -> None:
    response = client_for(laocai_officer).post(reverse("facilities:edit", args=[thai_nguyen_facility.pk]), valid_post())
    assert response.status_code == 404
    thai_nguyen_facility.refresh_from_db()
    assert thai_nguyen_facility.name == "HTX Thành Ngân"


def test_the_list_and_export_never_show_another_provinces_facility(
    laocai_officer: User, yen_bai_facility: Facility, thai_nguyen_facility: Facility
) -> None:
    client = client_for(laocai_officer)
    listing = client.get(reverse("facilities:list")).content.decode()
    assert yen_bai_facility.name in listing
    assert thai_nguyen_facility.name not in listing
    export = client.get(reverse("facilities:export")).getvalue().decode("utf-8-sig")
    assert yen_bai_facility.name in export
    assert thai_nguyen_facility.name not in export


def test_filtering_on_another_province_names_it_as_outside_and_shows_nothing_of_it(
    laocai_officer: User, yen_bai_facility: Facility, thai_nguyen_facility: Facility
) -> None:
    # Given a link to the Thái Nguyên facilities, made by the Cục and opened by a Lào Cai officer
    client = client_for(laocai_officer)
    asked = {"province": thai_nguyen_facility.current_province_id}
    # When the list opens, it says the province is outside the officer's territory, and lists the officer's own
    listing = client.get(reverse("facilities:list"), asked)
    page = listing.content.decode()
    assert "Không có địa bàn này trong phạm vi của bạn." in page
    assert [f.pk for f in listing.context["page"].object_list] == [yen_bai_facility.pk]
    assert thai_nguyen_facility.name not in page
    # And the export of that list is the same list: nothing of Thái Nguyên
    export = client.get(reverse("facilities:export"), asked).getvalue().decode("utf-8-sig")
    assert yen_bai_facility.name in export
    assert thai_nguyen_facility.name not in export


def test_anonymous_users_are_sent_to_login(yen_bai_facility: Facility) -> None:
    response = Client().get(reverse("facilities:detail", args=[yen_bai_facility.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))


def test_a_viewer_may_not_open_the_create_page(laocai_viewer: User) -> None:
    assert client_for(laocai_viewer).get(reverse("facilities:create")).status_code == 403


def test_a_facility_representative_sees_their_page_but_cannot_edit(facility_rep: User) -> None:
    client = client_for(facility_rep)
    assert client.get(reverse("facilities:detail", args=[facility_rep.facility_id])).status_code == 200
    assert client.get(reverse("facilities:edit", args=[facility_rep.facility_id])).status_code == 403
    assert client.get(reverse("facilities:export")).status_code == 403


def test_an_officer_registers_a_facility_typed_without_diacritics(laocai_officer: User) -> None:
    response = client_for(laocai_officer).post(reverse("facilities:create"), valid_post())
    facility = Facility.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("facilities:detail", args=[facility.pk])
    assert facility.current_commune is not None
    assert facility.current_commune.name == "Bảo Thắng"
    assert facility.annual_revenue == 1_700_000_000
    page = client_for(laocai_officer).get(response["Location"]).content.decode()
    assert "1.700.000.000 đồng" in page
    assert "Lịch sử thay đổi" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("tax_code", "0100233489", "sai chữ số kiểm tra"),
        ("name", "", "Xin nhập tên cơ sở."),
        ("province", "Atlantis", "Không tìm thấy tỉnh"),
        ("commune", "Quang Phong", "Không tìm thấy xã"),
        ("place_recorded_on", "31/02/2026", "Ngày không hợp lệ: ghi một ngày có thật"),
        ("place_recorded_on", "01/01/2099", "không thể ở tương lai"),
        ("annual_revenue", "-5", "Số tiền phải là số nguyên đồng"),
        ("annual_revenue", "1,5", "Số tiền phải là số nguyên đồng"),
        ("workers", "mười", "Số lao động phải là số nguyên."),
        ("email", "khong-phai-email", "Địa chỉ thư điện tử không hợp lệ."),
        ("district", "Trấn Yên", "không còn cấp huyện"),
    ],
)
def test_bad_input_says_what_and_where_and_writes_nothing(
    laocai_officer: User, field: str, value: str, message: str
) -> None:
    response = client_for(laocai_officer).post(reverse("facilities:create"), valid_post(**{field: value}))
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert any(message in error for error in form.errors[field])
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    # The box above the long form names the field and leads to it; every reference of the page leads somewhere
    assert f'<li><a href="#{form[field].id_for_label}">{form[field].label}</a>: ' in html
    assert dangling_ids(html) == []
    assert not Facility.objects.exists()
    assert not AuditEntry.objects.exists()


def test_an_ambiguous_commune_lists_the_candidates(laocai_officer: User) -> None:
    from khuyencong.geography.models import AdminUnit, Era, Level
    from khuyencong.organizations.models import Organization

    # Two communes of today's Lào Cai share no name in our data, so use a national officer and an ambiguous name.
    laocai_officer.organization = Organization.objects.get(code="CUC-CTDP")
    laocai_officer.save()
    names = AdminUnit.objects.filter(era=Era.BEFORE_2025, level=Level.COMMUNE, name="Quang Phong")
    assert names.count() == 3
    response = client_for(laocai_officer).post(
        reverse("facilities:create"),
        valid_post(province="Nghệ An", commune="Quang Phong", place_recorded_on="01/01/2020"),
    )
    errors = response.context["form"].errors["commune"][0]
    assert "trùng tên 2 đơn vị" in errors
    assert "Thị xã Thái Hòa" in errors
    assert "Huyện Quế Phong" in errors


def test_a_duplicate_name_asks_for_confirmation(laocai_officer: User) -> None:
    client = client_for(laocai_officer)
    client.post(reverse("facilities:create"), valid_post(tax_code=""))
    response = client.post(reverse("facilities:create"), valid_post(tax_code=""))
    assert response.status_code == 200
    assert "Đã có cơ sở cùng tên trong cùng xã" in response.content.decode()
    assert Facility.objects.count() == 1
    response = client.post(reverse("facilities:create"), valid_post(tax_code="", confirm_duplicate="on"))
    assert response.status_code == 302
    assert Facility.objects.count() == 2


def test_an_edit_is_shown_in_the_history_with_before_and_after(
    laocai_officer: User, yen_bai_facility: Facility
) -> None:
    client = client_for(laocai_officer)
    post = valid_post(
        name=yen_bai_facility.name, tax_code="", province="Yên Bái", district="Trấn Yên", commune="Việt Hồng",
        place_recorded_on="30/06/2022", workers="25",
    )  # fmt: skip
    assert client.post(reverse("facilities:edit", args=[yen_bai_facility.pk]), post).status_code == 302
    page = client.get(reverse("facilities:detail", args=[yen_bai_facility.pk])).content.decode()
    assert "Số lao động" in page
    assert "<ins>25</ins>" in page
    assert "laocai.officer" in page


def test_the_export_neutralises_spreadsheet_formulas(cuc_officer: User, make_facility) -> None:
    make_facility('=HYPERLINK("http://evil","x")', province="Hà Nội")
    response = client_for(cuc_officer).get(reverse("facilities:export"))
    # Streamed a line at a time, not built in memory
    assert response.streaming
    content = response.getvalue().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[0][0] == "Mã cơ sở"
    assert rows[1][1].startswith("'=")


def test_names_with_html_are_escaped(cuc_officer: User, make_facility) -> None:
    facility = make_facility("<script>alert(1)</script>", province="Hà Nội")
    page = client_for(cuc_officer).get(reverse("facilities:detail", args=[facility.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_the_list_filters_by_legal_form_and_paginates(cuc_officer: User, make_facility) -> None:
    for i in range(55):
        make_facility(f"Hộ {i:02d}", province="Hà Nội")
    make_facility("HTX duy nhất", province="Hà Nội", legal_form="cooperative")
    client = client_for(cuc_officer)
    first = client.get(reverse("facilities:list"))
    assert first.context["page"].paginator.count == 56
    assert len(first.context["page"].object_list) == 50
    coop = client.get(reverse("facilities:list") + "?legal_form=cooperative")
    assert [f.name for f in coop.context["page"].object_list] == ["HTX duy nhất"]


def test_editing_a_facility_keeps_the_commune_as_written(cuc_officer: User, system_actor: User) -> None:
    import datetime

    from khuyencong.facilities.services import FacilityData, facility_create
    from khuyencong.geography.resolver import resolve_place

    place = resolve_place(
        province="Yên Bái",
        district="Trấn Yên",
        commune="Xã Cũ",
        on=datetime.date(2019, 1, 1),
        allow_district_fallback=True,
    )
    facility = facility_create(
        actor=system_actor,
        data=FacilityData(name="Cơ sở xã cũ", legal_form="other", place=place, commune_as_written="Xã Cũ"),
    )
    client = client_for(cuc_officer)
    form_page = client.get(reverse("facilities:edit", args=[facility.pk])).content.decode()
    assert 'value="Xã Cũ"' in form_page
    post = {
        "name": "Cơ sở xã cũ", "legal_form": "other", "place_recorded_on": "01/01/2019", "province": "Yên Bái",
        "district": "Trấn Yên", "commune_as_written": "Xã Cũ", "workers": "3",
    }  # fmt: skip
    assert client.post(reverse("facilities:edit", args=[facility.pk]), post).status_code == 302
    facility.refresh_from_db()
    assert facility.commune_as_written == "Xã Cũ"
    assert facility.workers == 3
    assert "Xã Cũ, Huyện Trấn Yên, Tỉnh Yên Bái" in facility.recorded_place


def test_the_founding_year_is_written_as_a_year(laocai_officer: User, yen_bai_facility: Facility) -> None:
    # Given a facility founded in 2019 (set here: what is under test is how the page writes it)
    Facility.objects.filter(pk=yen_bai_facility.pk).update(founded_year=2019)

    page = client_for(laocai_officer).get(reverse("facilities:detail", args=[yen_bai_facility.pk])).content.decode()

    # Then the year has no thousands separator ("2.019" read as two thousand and nineteen thousandths)
    assert "<dd>2019</dd>" in page
    assert "2.019" not in page


@pytest.mark.parametrize("url_name", ["facilities:export", "facilities:export_xlsx"])
def test_an_export_reads_its_rows_in_a_few_queries_whatever_their_number(
    cuc_officer: User, make_facility: Any, url_name: str
) -> None:
    # given facilities of three provinces, one owned by a woman
    for index, province in enumerate(["Hà Nội", "Lào Cai", "Thái Nguyên"] * 4):
        make_facility(f"Cơ sở {index}", province=province)
    Facility.objects.filter(name="Cơ sở 0").update(women_owned=True)
    client = client_for(cuc_officer)
    # when the list is exported, as CSV and as Excel
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(url_name))
        body = response.getvalue()
    # then the rows' provinces, communes and trades are read with the rows, not one query per facility
    assert len(queries.captured_queries) < 15
    assert body
    if url_name == "facilities:export":
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
        owned = {row[1]: row[10] for row in rows[1:]}
        # and a yes or a no is written out, not a blank that reads as unknown
        assert owned["Cơ sở 0"] == "Có"
        assert owned["Cơ sở 1"] == "Không"
