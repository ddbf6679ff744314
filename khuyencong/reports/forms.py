from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import AnonymousUser
from django.db.models import Case, Q, QuerySet, Value, When
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from khuyencong.accounts import access
from khuyencong.accounts.models import User
from khuyencong.core.collation import by_name
from khuyencong.core.forms import DATE_ERRORS, OUTSIDE_PLACE, KeyedMultipleChoiceField
from khuyencong.geography.models import AdminUnit, Era, Level
from khuyencong.organizations.models import OrganizationLevel, Region
from khuyencong.programs.models import Program
from khuyencong.programs.selectors import program_list_for_user

from .periods import Period
from .programme import programme_period
from .scope import Geography, scope_from_units
from .selectors import KINDS

PERIODS = [
    ("6", gettext_lazy("6 tháng đầu năm")),
    ("9", pgettext_lazy("report period", "9 tháng")),
    ("12", gettext_lazy("Cả năm")),
    ("q1", gettext_lazy("Quý I")),
    ("q2", gettext_lazy("Quý II")),
    ("q3", gettext_lazy("Quý III")),
    ("q4", gettext_lazy("Quý IV")),
    ("range", gettext_lazy("Từ ngày … đến ngày …")),
]


class ProvinceChoice(KeyedMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name if obj.era == Era.FROM_2025 else _("%(name)s (trước 01/07/2025)") % {"name": obj.name}


def provinces_for(user: User | AnonymousUser) -> QuerySet[AdminUnit]:
    """Provinces of both generations the user may report on: Lào Cai's officials also choose Yên Bái as it was."""
    provinces = AdminUnit.objects.filter(level=Level.PROVINCE)
    scope = access.scope_of(user)
    if not scope.everything:
        ids = scope.province_ids
        provinces = provinces.filter(Q(pk__in=ids) | Q(current_province__in=ids))
    # Today's provinces first, then those of before the reform, each in Vietnamese alphabetical order ("Bắc Kạn"
    # before "Bình Dương"). Named, not by the era's code: "2025-pre" sorts after "2025-07" either way round.
    today_first = Case(When(era=Era.FROM_2025, then=Value(0)), default=Value(1))
    return by_name(provinces, folded="search_key", first=(today_first,))


def regions_for(user: User | AnonymousUser) -> QuerySet[Region]:
    """The regions the user may report on: all for national bodies, a regional centre's own, none for the others."""
    scope = access.scope_of(user)
    if scope.everything:
        return Region.objects.order_by("code")
    region = centres_region(user, scope)
    return Region.objects.filter(pk=region) if region is not None else Region.objects.none()


def centres_region(user: User | AnonymousUser, scope: access.Scope) -> int | None:
    """The region of a regional body (a national centre, TTKC I–III) whose user may read its territory (a role
    granted), else None."""
    org = getattr(user, "organization", None)
    if scope.is_empty or org is None or org.level != OrganizationLevel.REGION:
        return None
    region: int | None = org.region_id
    return region


class ReportForm(forms.Form):
    # The reading order of the page, and one that fills the form's grid rows (a region beside the report's kind, the
    # boundaries beside the provinces).
    field_order = ["kind", "region", "provinces", "geography", "program", "year", "period", "start", "end", "as_of"]

    kind = forms.ChoiceField(label=gettext_lazy("Báo cáo"), choices=list(KINDS.items()))
    provinces = ProvinceChoice(
        label=gettext_lazy("Tỉnh"),
        required=False,
        queryset=AdminUnit.objects.none(),
        help_text=gettext_lazy("Bỏ trống: toàn quốc (hoặc cả vùng)."),
    )
    region = forms.ModelChoiceField(
        label=gettext_lazy("Vùng"),
        required=False,
        queryset=Region.objects.order_by("code"),
        empty_label=gettext_lazy("— Không chọn vùng —"),
    )
    program = forms.ModelChoiceField(
        label=gettext_lazy("Chương trình"),
        required=False,
        queryset=Program.objects.none(),
        to_field_name="code",
        empty_label=gettext_lazy("— Chọn chương trình —"),
    )
    year = forms.IntegerField(
        label=gettext_lazy("Năm"),
        min_value=2000,
        max_value=2100,
        required=False,
        help_text=gettext_lazy("Báo cáo chương trình: bỏ trống để lấy từ đầu chương trình đến ngày tính số liệu."),
    )
    period = forms.ChoiceField(label=gettext_lazy("Kỳ"), choices=PERIODS, initial="6")
    start = forms.DateField(label=gettext_lazy("Từ ngày"), required=False, error_messages=DATE_ERRORS)
    end = forms.DateField(label=gettext_lazy("Đến ngày"), required=False, error_messages=DATE_ERRORS)
    as_of = forms.DateField(
        label=gettext_lazy("Số liệu tính đến ngày"),
        required=False,
        error_messages=DATE_ERRORS,
        help_text=gettext_lazy("Mặc định: ngày cuối kỳ."),
    )
    geography = forms.ChoiceField(
        label=gettext_lazy("Địa giới"),
        choices=[
            (Geography.RECORDED.value, gettext_lazy("Như khi ghi nhận")),
            (Geography.CURRENT.value, pgettext_lazy("boundaries", "Hiện nay")),
        ],
        initial=Geography.RECORDED.value,
        help_text=gettext_lazy(
            "Khi chọn tỉnh: theo thời kỳ của tỉnh đã chọn (tỉnh trước 01/07/2025 là địa giới khi ghi nhận)."
        ),
    )

    def __init__(self, *args: Any, user: User | AnonymousUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        provinces: Any = self.fields["provinces"]
        provinces.queryset = provinces_for(user)
        program: Any = self.fields["program"]
        program.queryset = program_list_for_user(user)
        regions = regions_for(user)
        if regions.exists():
            region: Any = self.fields["region"]
            region.queryset = regions
        else:
            # A province's officials report on their province: a list of regions would offer only refusals, and an
            # empty province (the whole country) is refused too.
            del self.fields["region"]
            provinces.help_text = gettext_lazy("Chọn tỉnh thuộc địa bàn của bạn.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            data["period_value"] = self._period(data)
        except ValueError as error:
            self.add_error("period", str(error))
            return data
        period: Period = data["period_value"]
        if data["kind"] == "programme" and data.get("program") is None:
            self.add_error("program", _("Chọn chương trình khuyến công."))
        units = list(data.get("provinces") or [])
        geography = chosen_geography(units, Geography(data["geography"]), period.as_of)
        if geography.value != data["geography"]:
            # The page shows the report it heads: the unit picked, of its own era ("Yên Bái (trước 01/07/2025)"
            # reports on Yên Bái as recorded, not on today's Lào Cai), and the form says so.
            data["geography"] = geography.value
            shown = QueryDict(mutable=True)
            shown.update(self.data)
            shown["geography"] = geography.value
            self.data = shown
        if data.get("region") is not None:
            units += list(data["region"].provinces_on(period.as_of))
        try:
            data["scope"] = scope_from_units(units, geography=geography, on=period.as_of, region=data.get("region"))
        except ValueError as error:
            self.add_error("provinces", str(error))
        return data

    def _period(self, data: dict[str, Any]) -> Period:
        choice, year, as_of = data["period"], data.get("year"), data.get("as_of")
        if choice == "range":
            if not (data.get("start") and data.get("end")):
                raise ValueError(_("Ghi cả ngày bắt đầu và ngày kết thúc."))
            return Period.of(data["start"], data["end"], as_of=as_of)
        if year is None:
            if data["kind"] == "programme" and data.get("program") is not None:
                return programme_period(data["program"], as_of=as_of, today=timezone.localdate())
            raise ValueError(_("Nhập năm báo cáo."))
        if choice.startswith("q"):
            return Period.quarter(year, int(choice[1]), as_of=as_of)
        return Period.year(year, months=int(choice), as_of=as_of)


def chosen_geography(units: list[AdminUnit], asked: Geography, on: Any) -> Geography:
    """The provinces picked decide which generation the report is in: a unit of before the reform is reported as
    recorded (it exists in no other), a unit of today on a date before the reform as it is today (it did not exist
    then). Otherwise, as asked — and for the nation or a region, always as asked."""
    if any(unit.era != Era.FROM_2025 for unit in units):
        return Geography.RECORDED
    if units and Era.on(on) != Era.FROM_2025:
        return Geography.CURRENT
    return asked


def default_report_query(user: User | AnonymousUser, year: int) -> dict[str, Any]:
    """What a report page opens on, six months of the given year: the national report for national bodies, the
    region's for a regional centre, else the user's own provinces (as they are today) — never a report the user would
    be refused."""
    scope = access.scope_of(user)
    initial: dict[str, Any] = {"kind": "provincial", "year": year, "period": "6", "geography": "current"}
    if scope.everything:
        initial["kind"] = "national"
    elif (region := centres_region(user, scope)) is not None:
        initial["kind"] = "regional"
        initial["region"] = region
    elif len(scope.province_ids) > 1:
        initial["kind"] = "regional"
        initial["provinces"] = sorted(scope.province_ids)
    elif scope.province_ids:
        initial["provinces"] = list(scope.province_ids)
    return initial


class DashboardForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Năm kế hoạch"), required=False, min_value=2000, max_value=2100)
    province = forms.ModelChoiceField(label=gettext_lazy("Tỉnh"), required=False, queryset=AdminUnit.objects.none(),
                                      error_messages={"invalid_choice": OUTSIDE_PLACE})  # fmt: skip
    as_of = forms.DateField(label=gettext_lazy("Tính đến ngày"), required=False, error_messages=DATE_ERRORS)

    def __init__(self, *args: Any, user: User | AnonymousUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["province"]
        field.queryset = provinces_for(user).filter(era=Era.FROM_2025)


def dashboard_units(user: User | AnonymousUser, province: AdminUnit | None) -> tuple[list[AdminUnit], Region | None]:
    """The provinces the dashboard is about: the one asked for, else the user's own territory (none: the nation)."""
    if province is not None:
        return [province], None
    scope = access.scope_of(user)
    if scope.everything:
        return [], None
    org = getattr(user, "organization", None)
    region = org.region if org is not None and org.region_id else None
    return list(AdminUnit.objects.filter(pk__in=scope.province_ids).order_by("name")), region


class MapForm(forms.Form):
    """The map's choices: which provinces (today's 34 or the 63 before the reform), which figure, which plan year."""

    era = forms.ChoiceField(
        label=gettext_lazy("Địa giới"),
        required=False,
        choices=[(Era.FROM_2025.value, gettext_lazy("34 tỉnh, thành phố (từ 01/07/2025)")),
                 (Era.BEFORE_2025.value, gettext_lazy("63 tỉnh, thành phố (trước 01/07/2025)"))],
    )  # fmt: skip
    figure = forms.ChoiceField(
        label=gettext_lazy("Tô màu theo"),
        required=False,
        choices=[
            ("rate", gettext_lazy("Tỷ lệ giải ngân")),
            ("projects", gettext_lazy("Số đề án được phê duyệt")),
            ("disbursed", gettext_lazy("Kinh phí đã giải ngân")),
            ("products", gettext_lazy("Sản phẩm CNNT tiêu biểu được công nhận")),
        ],
    )
    year = forms.IntegerField(label=gettext_lazy("Năm kế hoạch"), required=False, min_value=2000, max_value=2100)
    as_of = forms.DateField(label=gettext_lazy("Tính đến ngày"), required=False, error_messages=DATE_ERRORS)
