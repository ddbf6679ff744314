"""The provinces on a map, coloured by one figure of a plan year: the disbursement rate, the đề án approved, the
support disbursed, the products recognised. Today's 34 provinces, or the 63 before the reform of 01/07/2025 (the
records counted under the province of their own date, as "as recorded" reports count them).

A tile-grid map: one square per province at its approximate place. No boundary data can be installed from a package
registry under a licence we could name, and the project copies no third-party data into its tree (docs/reports.md):
a tile grid needs only each province's row and column, written here by hand from the map of Việt Nam, and gives a
small province the same room as a large one, which a choropleth of rates should anyway.

The figures are the dashboard's, per province in one grouped query over the đề án the user may see (their periods
in force on the as-of day); the products are the products report's per province."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.accounts import access
from khuyencong.accounts.models import User
from khuyencong.core.collation import python_key
from khuyencong.core.numbers import active_locale, format_money_compact, format_number, format_percent
from khuyencong.geography.models import AdminUnit, Era, Level
from khuyencong.projects.models import ProjectKind
from khuyencong.projects.selectors import project_list_for_user

from .dashboard import APPROVED, ASSIGNED, _annotated
from .layout import percent_of
from .periods import Period
from .products_report import products_report
from .scope import Geography, ReportScope, scope_from_units


class MapFigure(StrEnum):
    RATE = "rate"
    PROJECTS = "projects"
    DISBURSED = "disbursed"
    PRODUCTS = "products"


FIGURE_LABELS = {
    MapFigure.RATE: gettext_lazy("Tỷ lệ giải ngân (đã giải ngân ÷ kinh phí đã giao)"),
    MapFigure.PROJECTS: gettext_lazy("Số đề án được phê duyệt"),
    MapFigure.DISBURSED: gettext_lazy("Kinh phí hỗ trợ đã giải ngân"),
    MapFigure.PRODUCTS: gettext_lazy("Sản phẩm CNNT tiêu biểu được công nhận"),
}

ERA_LABELS = {
    Era.FROM_2025: gettext_lazy("34 tỉnh, thành phố (từ 01/07/2025)"),
    Era.BEFORE_2025: gettext_lazy("63 tỉnh, thành phố (trước 01/07/2025)"),
}

# (column, row) of each province by its official code, west to east and north to south.
GRID_34: dict[str, tuple[int, int]] = {
    "12": (1, 0), "15": (2, 0), "08": (3, 0), "04": (4, 0),
    "11": (0, 1), "14": (1, 1), "25": (2, 1), "19": (3, 1), "20": (4, 1),
    "01": (2, 2), "24": (3, 2), "22": (4, 2),
    "37": (2, 3), "33": (3, 3), "31": (4, 3),
    "38": (2, 4), "40": (2, 5), "42": (3, 6), "44": (3, 7), "46": (4, 8), "48": (4, 9), "51": (4, 10),
    "52": (4, 11), "66": (4, 12), "68": (3, 13), "56": (4, 13),
    "80": (1, 14), "79": (2, 14), "75": (3, 14),
    "91": (0, 15), "82": (1, 15), "86": (2, 15),
    "92": (1, 16), "96": (1, 17),
}  # fmt: skip
GRID_63: dict[str, tuple[int, int]] = {
    "02": (3, 0), "04": (4, 0),
    "12": (1, 1), "10": (2, 1), "08": (3, 1), "06": (4, 1), "20": (5, 1),
    "11": (0, 2), "15": (2, 2), "25": (3, 2), "19": (4, 2), "24": (5, 2), "22": (6, 2),
    "14": (1, 3), "26": (3, 3), "27": (4, 3), "30": (5, 3), "31": (6, 3),
    "17": (2, 4), "01": (3, 4), "33": (4, 4), "34": (5, 4),
    "35": (3, 5), "36": (4, 5),
    "38": (2, 6), "37": (3, 6),
    "40": (2, 7), "42": (3, 8), "44": (3, 9), "45": (4, 10), "46": (4, 11),
    "49": (4, 12), "48": (5, 12), "62": (3, 13), "51": (5, 13), "64": (4, 14), "52": (5, 14),
    "66": (4, 15), "54": (5, 15), "67": (3, 16), "68": (4, 16), "56": (5, 16),
    "70": (2, 17), "75": (3, 17), "60": (4, 17), "58": (5, 17),
    "72": (1, 18), "74": (2, 18), "79": (3, 18), "77": (4, 18),
    "89": (0, 19), "87": (1, 19), "80": (2, 19), "82": (3, 19),
    "91": (0, 20), "92": (1, 20), "86": (2, 20), "83": (3, 20),
    "93": (1, 21), "94": (2, 21), "84": (3, 21),
    "96": (0, 22), "95": (1, 22),
}  # fmt: skip
GRIDS = {Era.FROM_2025: GRID_34, Era.BEFORE_2025: GRID_63}

TILE_W, TILE_H, GAP = 84, 46, 4
# Five classes of a sequential blue scale (ColorBrewer "Blues", readable in grey and by the colour-blind), and the
# tile of a province with nothing to show.
SCALE = ("#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
NO_DATA = "#f0f0f0"


@dataclass(frozen=True)
class Tile:
    pk: int
    code: str
    name: str
    full_name: str
    x: int
    y: int
    value: Decimal | None
    text: str
    fill: str
    dark: bool
    mine: bool
    link: str | None

    @property
    def short(self) -> str:
        return (
            self.name if len(self.name) <= 12 else self.name.replace("Bà Rịa - Vũng Tàu", "BR - Vũng Tàu")
        )  # vi-only: a name

    @property
    def small(self) -> bool:
        return len(self.short) > 11


def map_data(
    user: User | AnonymousUser, *, era: Era, figure: MapFigure, year: int, as_of: datetime.date
) -> dict[str, Any]:
    units = list(AdminUnit.objects.filter(level=Level.PROVINCE, era=era).order_by("code"))
    values = (
        _products(user, units, era, year, as_of) if figure == MapFigure.PRODUCTS else _figures(user, era, year, as_of)
    )
    shown = {pk: _value(figure, row) for pk, row in values.items()}
    largest = max((v for v in shown.values() if v is not None), default=Decimal(0))
    seen = access.scope_of(user)
    grid = GRIDS[era]
    tiles = []
    for unit in units:
        col, row = grid[unit.code]
        value = shown.get(unit.pk)
        level = _class(value, largest)
        mine = not seen.everything and seen.covers_province(unit.current_province_id or unit.pk)
        tiles.append(
            Tile(
                pk=unit.pk,
                code=unit.code,
                name=unit.name,
                full_name=unit.full_name,
                x=GAP + col * (TILE_W + GAP),
                y=GAP + row * (TILE_H + GAP),
                value=value,
                text=_text(figure, value),
                fill=NO_DATA if level is None else SCALE[level],
                dark=level is not None and level >= 3,
                mine=mine,
                link=_records_link(unit, era, year) if seen.everything or mine else None,
            )
        )
    columns = max(col for col, _row in grid.values()) + 1
    rows = max(row for _col, row in grid.values()) + 1
    return {
        "era": era.value,
        "figure": figure.value,
        "figure_label": str(FIGURE_LABELS[figure]),
        "era_label": str(ERA_LABELS[era]),
        "year": year,
        "as_of": as_of,
        "tiles": tiles,
        # By the figure, and provinces of equal figures in Vietnamese order ("Đ…" after "D…", not after "V…").
        "ranked": sorted(tiles, key=lambda t: (t.value is None, -(t.value or 0), python_key(t.name))),
        "legend": _legend(figure, largest),
        "width": GAP + columns * (TILE_W + GAP),
        "height": GAP + rows * (TILE_H + GAP),
        "tile": {"w": TILE_W, "h": TILE_H},
        "everything": seen.everything,
        # Whether any tile is outlined as the user's (a facility's representative has no province of its own).
        "outlined": any(tile.mine for tile in tiles),
    }


def _figures(user: User | AnonymousUser, era: Era, year: int, as_of: datetime.date) -> dict[int, dict[str, Any]]:
    """Per province, the year's đề án the user may see: approved (tasks apart), support assigned, disbursed on the
    assigned, disbursed on all approved — the dashboard's conditions, grouped by the province of the era."""
    field = "province" if era == Era.FROM_2025 else "recorded_province"
    rows = _annotated(project_list_for_user(user).filter(plan__year=year), as_of)
    if era == Era.BEFORE_2025:
        # A đề án dated after the reform is recorded under a province of today, which the 63 do not include.
        rows = rows.filter(recorded_province__era=Era.BEFORE_2025)
    grouped = (
        rows.exclude(**{f"{field}__isnull": True})
        .values(field)
        .annotate(
            projects=Count("pk", filter=APPROVED & ~Q(kind=ProjectKind.TASK)),
            assigned_support=Sum("on_support", filter=ASSIGNED, default=Decimal(0)),
            assigned_disbursed=Sum("on_disbursed", filter=ASSIGNED, default=Decimal(0)),
            disbursed=Sum("on_disbursed", filter=APPROVED, default=Decimal(0)),
        )
    )
    return {row[field]: row for row in grouped}


def _products(
    user: User | AnonymousUser, units: list[AdminUnit], era: Era, year: int, as_of: datetime.date
) -> dict[int, dict[str, Any]]:
    """The products report's recognised products per province, over the provinces the user may see."""
    seen = access.scope_of(user)
    geography = Geography.CURRENT if era == Era.FROM_2025 else Geography.RECORDED
    if seen.everything:
        scope = ReportScope(geography)
    else:
        allowed = [u for u in units if seen.covers_province(u.current_province_id or u.pk)]
        if not allowed:
            return {}
        scope = scope_from_units(allowed, geography=geography, on=as_of)
    try:
        period = Period.year(year, as_of=as_of)
    except ValueError:
        return {}
    by_code_name = {(u.code, u.name): u.pk for u in units}
    result = {}
    for row in products_report(scope, period)["by_province"]:
        # Matched by code and name: the two generations share codes (15 was Yên Bái, is Lào Cai).
        pk = by_code_name.get((row["province"], row["name"]))
        if pk is not None:
            result[pk] = row
    return result


def _value(figure: MapFigure, row: dict[str, Any]) -> Decimal | None:
    if figure == MapFigure.RATE:
        return percent_of(row["assigned_disbursed"], row["assigned_support"])
    if figure == MapFigure.PROJECTS:
        return Decimal(row["projects"]) if row["projects"] else None
    if figure == MapFigure.DISBURSED:
        return Decimal(row["disbursed"]) if row["disbursed"] else None
    return Decimal(row["recognised"]) if row["recognised"] else None


def _text(figure: MapFigure, value: Decimal | None) -> str:
    if value is None:
        return "—"
    if figure == MapFigure.RATE:
        return format_percent(value, locale=active_locale())
    if figure == MapFigure.DISBURSED:
        return format_money_compact(int(value), locale=active_locale()).replace(_(" đồng"), "")
    return format_number(value, locale=active_locale())


def _class(value: Decimal | None, largest: Decimal) -> int | None:
    """Five equal steps from zero to the largest value shown (a rate above 100% is the top class)."""
    if value is None:
        return None
    if largest <= 0:
        return 0
    return min(int(value * len(SCALE) / largest), len(SCALE) - 1)


def _legend(figure: MapFigure, largest: Decimal) -> list[dict[str, str]]:
    steps = [largest * i / len(SCALE) for i in range(len(SCALE) + 1)]
    legend = [
        {"fill": SCALE[i], "text": f"{_text(figure, steps[i])} – {_text(figure, steps[i + 1])}"}
        for i in range(len(SCALE))
        if largest > 0
    ]
    return [*legend, {"fill": NO_DATA, "text": _("Không có số liệu")}]


def _records_link(unit: AdminUnit, era: Era, year: int) -> str:
    """Today's province opens its đề án of the year; a province before the reform, its report of the year as
    recorded (the đề án list filters by today's provinces)."""
    if era == Era.FROM_2025:
        return f"{reverse('projects:list')}?{urlencode({'province': unit.pk, 'year': year})}"
    query = {"kind": "provincial", "provinces": unit.pk, "year": year, "period": "12", "geography": "recorded"}
    return f"{reverse('reports:page')}?{urlencode(query)}"
