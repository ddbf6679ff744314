from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Submission
from .rules import SECTIONS

TEXTAREA = forms.Textarea(attrs={"rows": 6})


class SubmissionTextForm(forms.ModelForm[Submission]):
    """What officials write: the header line, their named sections and who signs."""

    class Meta:
        model = Submission
        fields = ["number", "place", "signer", "signer_title", *(name for name, _ in SECTIONS)]
        widgets = {name: TEXTAREA for name, _ in SECTIONS}
        help_texts = {
            "number": _("Ví dụ: 125/BC-SCT"),
            "place": _("Địa danh ghi ở đầu văn bản, ví dụ: Yên Bái"),
        }


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Ý kiến"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Lý do lập lần mới"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class AttachmentForm(forms.Form):
    title = forms.CharField(label=_("Tên tài liệu"), max_length=255)
    file = forms.FileField(label=_("Tệp"))


class CalendarForm(forms.Form):
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100, required=False)
    # The duties owed in a year are known only once the year is: the view asks the year first (`asked_year`), then
    # offers that year's duties (`offer_duties`) before the form is validated.
    duty = forms.ChoiceField(label=_("Báo cáo"), required=False, choices=[("", _("Tất cả báo cáo"))])

    def asked_year(self, default: int) -> int:
        """The year asked for, or `default` when none is or it is not a valid year (the form then says why)."""
        try:
            return self.fields["year"].clean(self.data.get("year")) or default
        except forms.ValidationError:
            return default

    def offer_duties(self, duties: list[tuple[str, str]]) -> None:
        field = self.fields["duty"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Tất cả báo cáo")), *duties]
