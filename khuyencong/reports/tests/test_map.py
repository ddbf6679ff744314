"""The provinces' map: today's 34 or the 63 before the reform, coloured by a figure of a plan year, each province
opening its records; a province's officials see their province marked and only its figures."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from conftest import client_for, make_user
from khuyencong.accounts.models import Role, User
from khuyencong.facilities.models import Facility
from khuyencong.geography.models import AdminUnit, Era, Level
from khuyencong.products.tests.conftest import decided, world  # noqa: F401 - the products' own scenario
from khuyencong.reports.provinces_map import GRIDS

pytestmark = pytest.mark.django_db


def tile(html: str, name: str) -> str:
    """The SVG group of one province's tile (its <title> says name and figure)."""
    match = re.search(rf"<g>\s*<title>(?:Tỉnh|Thành phố) {name}: [^<]*</title>.*?</g>", html, re.S)
    assert match, name
    return match.group(0)


def tile_link(html: str, code: str) -> str | None:
    match = re.search(rf'<a href="([^"]+)" data-province="{code}"', html)
    return match.group(1).replace("&amp;", "&") if match else None


@pytest.mark.parametrize("era", [Era.FROM_2025, Era.BEFORE_2025])
def test_every_province_of_the_era_has_one_tile(db: None, era: Era) -> None:
    codes = set(AdminUnit.objects.filter(level=Level.PROVINCE, era=era).values_list("code", flat=True))

    assert set(GRIDS[era]) == codes
    assert len(set(GRIDS[era].values())) == len(codes)
    assert len(codes) == (34 if era == Era.FROM_2025 else 63)


def test_today_s_provinces_by_đề_án_each_opening_its_list(yen_bai: None, cuc_officer: User) -> None:
    client = client_for(cuc_officer)
    query = {"figure": "projects", "year": "2022", "as_of": "30/06/2022"}

    html = client.get(reverse("reports:map"), query).content.decode()

    # 3 KCQG and 8 KCĐP đề án of Yên Bái approved by 30/06/2022, today under Lào Cai.
    assert "<title>Tỉnh Lào Cai: 11</title>" in tile(html, "Lào Cai")
    assert "<title>Tỉnh Thái Nguyên: —</title>" in tile(html, "Thái Nguyên")
    link = tile_link(html, "15")
    lao_cai = AdminUnit.objects.get(level=Level.PROVINCE, era=Era.FROM_2025, code="15")
    assert link == f"{reverse('projects:list')}?province={lao_cai.pk}&year=2022"
    listing = client.get(link).content.decode()
    assert "YB-KCDP22-01" in listing


def test_the_provinces_before_the_reform_count_as_recorded(yen_bai: None, cuc_officer: User) -> None:
    query = {"era": Era.BEFORE_2025.value, "figure": "projects", "year": "2022", "as_of": "30/06/2022"}

    html = client_for(cuc_officer).get(reverse("reports:map"), query).content.decode()

    assert html.count("<rect x=") == 63
    assert "<title>Tỉnh Yên Bái: 11</title>" in tile(html, "Yên Bái")
    assert "<title>Tỉnh Lào Cai: —</title>" in tile(html, "Lào Cai")
    yen_bai_unit = AdminUnit.objects.get(level=Level.PROVINCE, era=Era.BEFORE_2025, code="15")
    link = tile_link(html, "15")
    assert link is not None
    assert f"provinces={yen_bai_unit.pk}" in link
    assert "geography=recorded" in link


@pytest.mark.parametrize("era", [Era.FROM_2025, Era.BEFORE_2025])
def test_the_drawing_is_as_tall_as_its_tiles_whatever_the_language(db: None, cuc_officer: User, era: Era) -> None:
    # The 63 provinces' map is more than 1,000 units high: in Vietnamese its height was written "1.154", one unit.
    html = client_for(cuc_officer).get(reverse("reports:map"), {"era": era.value}).content.decode()
    _width, height = map(int, re.search(r'<svg viewBox="0 0 (\d+) (\d+)"', html).groups())  # type: ignore[union-attr]
    bottom = max(int(y) for y in re.findall(r'<rect x="\d+" y="(\d+)"', html))
    assert bottom < height
    assert (era == Era.BEFORE_2025) == (height > 1000)
    assert not re.search(r'<(?:rect|text) [^>]*="\d+\.\d{3}"', html)


def test_the_rate_is_disbursed_over_assigned(yen_bai: None, cuc_officer: User) -> None:
    query = {"year": "2022", "as_of": "31/12/2022"}
    html = client_for(cuc_officer).get(reverse("reports:map"), query).content.decode()

    # The dashboard's ranking says the same rate for Lào Cai.
    dashboard = client_for(cuc_officer).get(reverse("reports:dashboard"), query).content.decode()
    rate = re.search(r"Lào Cai</a></th>.*?figure=provinces\.\d+\">([^<]+)</a>", dashboard, re.S)
    assert rate
    assert f"<title>Tỉnh Lào Cai: {rate.group(1)}</title>" in tile(html, "Lào Cai")


def test_a_provinces_officer_sees_his_province_marked_and_no_other(yen_bai: None, laocai_officer: User) -> None:
    query = {"figure": "projects", "year": "2022", "as_of": "30/06/2022"}
    html = client_for(laocai_officer).get(reverse("reports:map"), query).content.decode()

    assert 'stroke="#e07b00"' in tile(html, "Lào Cai")
    assert 'stroke="#e07b00"' not in tile(html, "Thái Nguyên")
    assert tile_link(html, "15") is not None
    assert tile_link(html, "19") is None
    assert "Tỉnh viền cam là địa bàn của bạn" in html


def test_a_facility_representative_is_not_promised_an_outlined_province(yen_bai: None) -> None:
    # given the representative of a facility, who has no province of its own
    facility = Facility.objects.order_by("pk").first()
    rep = make_user("rep.map", None, Role.FACILITY_REPRESENTATIVE, facility=facility)
    html = client_for(rep).get(reverse("reports:map"), {"year": "2022"}).content.decode()
    # then no tile is outlined, and the page does not say one is
    assert 'stroke="#e07b00"' not in html
    assert "Tỉnh viền cam" not in html


def test_products_colour_the_map_without_a_products_record(yen_bai: None, cuc_officer: User) -> None:
    response = client_for(cuc_officer).get(
        reverse("reports:map"), {"figure": "products", "year": "2022", "as_of": "31/12/2022"}
    )

    assert response.status_code == 200
    assert "Sản phẩm CNNT tiêu biểu được công nhận" in response.content.decode()


@pytest.mark.usefixtures("decided")
def test_the_recognised_products_colour_their_province(cuc_officer: User) -> None:
    # Given the commune's round of 2026 recognised the basket of a Lào Cai cooperative on 05/10/2026
    query = {"figure": "products", "year": "2026", "as_of": "31/12/2026"}

    html = client_for(cuc_officer).get(reverse("reports:map"), query).content.decode()

    assert "<title>Tỉnh Lào Cai: 1</title>" in tile(html, "Lào Cai")
    assert "<title>Tỉnh Thái Nguyên: —</title>" in tile(html, "Thái Nguyên")


@pytest.mark.parametrize("query", [{"figure": "nothing"}, {"era": "1999"}, {"year": "abc"}, {"as_of": "31/02/2022"}])
def test_bad_choices_are_refused_by_name(db: None, cuc_officer: User, query: dict[str, str]) -> None:
    response = client_for(cuc_officer).get(reverse("reports:map"), query)

    assert response.status_code == 400
    assert 'class="error-box"' in response.content.decode()
