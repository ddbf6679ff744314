"""The plans page: the creation form is on the page (it once sat inside <title>), and only for those who may plan."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse

from conftest import client_for
from khuyencong.accounts.models import User
from khuyencong.programs import selectors

pytestmark = pytest.mark.django_db


def test_an_officer_sees_the_form_to_create_a_plan_in_the_page(laocai_officer: User) -> None:
    html = client_for(laocai_officer).get(reverse("programs:list")).content.decode()

    title = html[html.index("<title>") : html.index("</title>")]
    assert "<form" not in title
    assert "Lập kế hoạch năm" in html[html.index("<main") :]


def test_a_viewer_has_no_form_to_create_a_plan(laocai_viewer: User) -> None:
    html = client_for(laocai_viewer).get(reverse("programs:list")).content.decode()

    assert "Lập kế hoạch năm" not in html


@pytest.mark.parametrize(
    ("url", "heading"), [("programs:programs", "Lập chương trình"), ("consulting:list", "Ghi số liệu tư vấn")]
)
def test_the_other_creation_forms_are_in_the_page_too(laocai_officer: User, url: str, heading: str) -> None:
    html = client_for(laocai_officer).get(reverse(url)).content.decode()

    title = html[html.index("<title>") : html.index("</title>")]
    assert "<form" not in title
    assert heading in html[html.index("<main") :]


def test_years_are_not_grouped_like_amounts(bac_kan: None, thainguyen_officer: User) -> None:
    client = client_for(thainguyen_officer)
    for language in ("vi", "en"):
        html = client.get(reverse("programs:list"), HTTP_ACCEPT_LANGUAGE=language).content.decode()

        assert ">2018</td>" in html
        assert "2.018" not in html
        assert "2,018" not in html


def test_the_list_reads_each_plans_money_in_its_own_query_whatever_their_number(
    bac_kan: None, thainguyen_officer: User, django_assert_max_num_queries: Any
) -> None:
    # given the plans of Thái Nguyên and former Bắc Kạn, with their budgets and allocations
    client = client_for(thainguyen_officer)
    # when the list is read as of a day
    with django_assert_max_num_queries(15):
        response = client.get(reverse("programs:list"), {"as_of": "30/06/2018"})
    # then each plan's figures are those of the plan's own page, dated the same day
    day = datetime.date(2018, 6, 30)
    listed = response.context["plans"]
    assert listed
    for plan, figures in listed:
        assert figures == selectors.plan_figures(plan, day)
    # and a year narrows the list to that year's plans
    years = [int(value) for value, _label in response.context["filters"].fields["year"].choices if value]
    narrowed = client.get(reverse("programs:list"), {"year": str(years[-1])}).context["plans"]
    assert {plan.year for plan, _figures in narrowed} == {years[-1]}
    # and the day asked for stays in the filter, while today's is not pinned into it (a link kept for later shows
    # that later day's figures)
    assert 'name="as_of" value="30/06/2018"' in response.content.decode()
    assert 'name="as_of" value=' not in client.get(reverse("programs:list")).content.decode()
    # a year that is not one of the user's plans', or a day that is none, is named above the list and left out:
    # every year, today's figures
    for asked, words in (({"year": "２０１８"}, "Hãy chọn một năm có kế hoạch trong phạm vi của bạn."),
                         ({"year": "9" * 5000}, "Hãy chọn một năm có kế hoạch trong phạm vi của bạn."),
                         ({"as_of": "31/02/2018"}, "Tính đến ngày</a>:")):  # fmt: skip
        refused = client.get(reverse("programs:list"), asked)
        assert refused.status_code == 200
        assert words in refused.content.decode()
        assert refused.context["page"].paginator.count == response.context["page"].paginator.count


def test_the_year_filter_and_the_creation_form_each_have_their_own_box(laocai_officer: User) -> None:
    html = client_for(laocai_officer).get(reverse("programs:list")).content.decode()
    assert html.count('id="id_year"') == 1
    assert 'id="filter-year"' in html


def test_on_a_phone_each_figure_of_a_plan_says_what_it_is(bac_kan: None, thainguyen_officer: User) -> None:
    html = client_for(thainguyen_officer).get(reverse("programs:list")).content.decode()
    for label in ("Dự toán (đồng)", "Đã phân bổ (đồng)", "Tỷ lệ"):
        assert f'class="num" data-label="{label}"' in html
