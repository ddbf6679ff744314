"""A dropdown's width follows its longest choice (core/templatetags/vn.py `choice_width`): the class that lets it span
two or three columns of a form's grid, or the whole row."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy

from khuyencong.core.templatetags.vn import choice_width
from khuyencong.facilities.models import Facility


class Choices(forms.Form):
    short = forms.ChoiceField(choices=[("6", "6 tháng"), ("12", "Cả năm")])
    province = forms.ChoiceField(choices=[("", "Tất cả"), ("79", "Thành phố Hồ Chí Minh")])
    report = forms.ChoiceField(choices=[("n", "Thực hiện kế hoạch khuyến công quốc gia")])
    trade = forms.ChoiceField(
        choices=[("t", "Áp dụng sản xuất sạch hơn tại các cơ sở sản xuất công nghiệp; xử lý ô nhiễm")]
    )
    grouped = forms.ChoiceField(choices=[("Vùng", [("1", "Trung du và miền núi phía Bắc")])])
    text = forms.CharField()
    hidden = forms.ChoiceField(choices=[("x", "Một lựa chọn rất dài, dài hơn mọi ô")], widget=forms.HiddenInput)
    spoken = forms.ChoiceField(choices=[("rate", gettext_lazy("Tỷ lệ giải ngân"))])


def test_the_width_follows_the_longest_choice() -> None:
    form = Choices()

    assert choice_width(form["short"]) == ""
    assert choice_width(form["province"]) == "wide"
    assert choice_width(form["report"]) == "wider"
    assert choice_width(form["trade"]) == "widest"
    # a group's own name is not a choice; its choices are
    assert choice_width(form["grouped"]) == "wide"


def test_a_field_without_choices_or_not_shown_has_no_width() -> None:
    form = Choices()

    assert choice_width(form["text"]) == ""
    assert choice_width(form["hidden"]) == ""


def test_a_bare_list_of_choices_is_measured_too() -> None:
    assert choice_width([("h1", "6 tháng đầu năm"), ("y", "Cả năm")]) == ""
    assert choice_width([("q", "Báo cáo định kỳ 6 tháng của Sở Công Thương")]) == "wider"


def test_the_width_is_measured_in_the_readers_language() -> None:
    # "Tỷ lệ giải ngân" (15 characters) is "Disbursement rate" (17) to an English reader
    with translation.override("vi"):
        assert choice_width(Choices()["spoken"]) == ""
    with translation.override("en"):
        assert choice_width(Choices()["spoken"]) == "wide"


class Picked(forms.Form):
    """A choice among a model's rows made with the search picker: its widget is a text box, not a list."""

    facility: forms.ModelChoiceField[Facility] = forms.ModelChoiceField(
        queryset=Facility.objects.all(), widget=forms.TextInput
    )


@pytest.mark.django_db
def test_a_picker_over_a_models_rows_is_not_measured_by_reading_them(django_assert_num_queries: Any) -> None:
    # given a choice among every facility of the country, made in a text box (a million rows at national scale)
    form = Picked()
    # when its width is asked, then no row is read: the box shows none of them
    with django_assert_num_queries(0):
        assert choice_width(form["facility"]) == ""
