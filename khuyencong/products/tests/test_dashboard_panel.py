"""The dashboard's products panel: a province's entries, distinct facilities, recognised products and valid
certificates of the year, each opening the products report behind it; nothing of another province."""

from __future__ import annotations

import datetime
import html
import re
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from conftest import client_for
from khuyencong.products.tests.conftest import NOW
from khuyencong.reports.dashboard import dashboard_scope, products_panel

pytestmark = pytest.mark.django_db


def test_the_panel_counts_the_provinces_selection_and_drills_through(decided: dict[str, Any]) -> None:
    with time_machine.travel(NOW, tick=False):
        page = client_for(decided["people"]["sct"]).get(reverse("reports:dashboard"), {"year": 2026}).content.decode()
        # two entries of one facility, one recognised, its certificate valid today
        assert "2 lượt sản phẩm dự bình chọn</a> của 1 cơ sở" in page
        assert "1 sản phẩm được công nhận</a> (1 cơ sở)" in page
        assert "1 giấy chứng nhận còn hiệu lực</a>" in page
        link = html.unescape(re.search(r'href="(/reports/report/\?kind=products[^"]*)"', page).group(1))  # type: ignore[union-attr]
        report = client_for(decided["people"]["sct"]).get(link)
        assert report.status_code == 200
        assert "Bình chọn sản phẩm CNNT tiêu biểu" in report.content.decode()


def test_another_province_counts_none_of_it(decided: dict[str, Any]) -> None:
    from khuyencong.geography.models import AdminUnit, Era, Level

    thai_nguyen = AdminUnit.objects.get(era=Era.FROM_2025, level=Level.PROVINCE, code="19")
    panel = products_panel(dashboard_scope([thai_nguyen]), year=2026, as_of=datetime.date(2026, 11, 27))
    assert (panel["entries"], panel["recognised"], panel["valid_certificates"]) == (0, 0, 0)
    assert f"provinces={thai_nguyen.pk}" in panel["query"]


def test_a_facilitys_own_dashboard_has_no_panel(decided: dict[str, Any]) -> None:
    with time_machine.travel(NOW, tick=False):
        page = client_for(decided["people"]["rep"]).get(reverse("reports:dashboard")).content.decode()
    assert "lượt sản phẩm dự bình chọn" not in page
