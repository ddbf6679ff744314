"""Issue 15: the main menu in English names each section as a list of records, in the plural ("Facilities",
"Projects", "Reports", "Plans"), whatever the same Vietnamese word means elsewhere (a form's "Đề án" is one project)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from conftest import chose_english, client_for, make_user
from khuyencong.accounts.models import Role

pytestmark = pytest.mark.django_db


def menu_items(html: str) -> list[str]:
    menu = html[html.index('<nav class="mainnav"') : html.index("</nav>")]
    return [re.sub(r"<[^>]+>", "", label).strip() for label in re.findall(r"<a [^>]*>(.*?)</a>", menu, flags=re.S)]


def test_the_english_menu_names_the_sections_in_the_plural() -> None:
    # Given an officer of Lào Cai's Sở who reads the system in English
    officer = chose_english(make_user("sct.en", "SCT-15", Role.OFFICER, Role.ADMINISTRATOR))
    # When they open the home page
    items = menu_items(client_for(officer).get(reverse("web:home")).content.decode())
    # Then the sections are named as lists of records
    for label in ("Facilities", "Projects", "Reports", "Products", "Periodic reports", "Plans"):
        assert label in items, items
    for singular in ("Project", "Report", "Plan", "Rural industrial facilities", "Administrator"):
        assert singular not in items, items


def test_the_vietnamese_menu_is_unchanged() -> None:
    officer = make_user("sct.vi", "SCT-15", Role.OFFICER)
    items = menu_items(client_for(officer).get(reverse("web:home")).content.decode())
    for label in ("Cơ sở CNNT", "Đề án", "Báo cáo", "Sản phẩm", "Kế hoạch"):
        assert label in items, items
