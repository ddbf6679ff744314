"""The typical-product selection in figures (issue 12): entries and recognised products per level, group and province
for a period, distinct facilities beside facility-times (a facility entering three products counts once among
facilities and three times among entries), and the certificates valid on the as-of date."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from khuyencong.products.models import Certificate, Entry
from khuyencong.products.rules import ProductGroup, RoundLevel

from .layout import Col, Column, Section, Table
from .periods import Period
from .provincial import period_json
from .scope import Geography, ReportScope

LEVELS = [RoundLevel.DISTRICT, RoundLevel.COMMUNE, RoundLevel.PROVINCIAL, RoundLevel.REGIONAL, RoundLevel.NATIONAL]


def _in_scope(queryset: QuerySet[Any], scope: ReportScope, prefix: str) -> QuerySet[Any]:
    """By the facility's province: as recorded, or today's."""
    if scope.national:
        return queryset
    field = "province" if scope.geography == Geography.RECORDED else "current_province"
    return queryset.filter(**{f"{prefix}facility__{field}__in": [p.pk for p in scope.provinces]})


def _day(iso: str) -> str:
    """An ISO date ("2025-06-30") as the reports write it (30/06/2025)."""
    return f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}"


def products_report(scope: ReportScope, period: Period, *, level: str | None = None) -> dict[str, Any]:
    if level is not None and level not in RoundLevel.values:
        raise ValueError(
            _("Cấp «%(level)s» không có; chọn: %(levels)s.") % {"level": level, "levels": ", ".join(RoundLevel.values)}
        )
    entries = _in_scope(
        Entry.objects.filter(registered_on__gte=period.start, registered_on__lte=period.until), scope, "product__"
    )
    if level:
        entries = entries.filter(round__level=level)
    # Recognised: by a decision dated by the as-of day.
    recognised = Q(recognized=True, round__decision_on__lte=period.as_of)
    counts = {
        (row["round__level"], row["product__group"]): row
        for row in entries.order_by()
        .values("round__level", "product__group")
        .annotate(
            entries=Count("pk"),
            facilities=Count("product__facility", distinct=True),
            recognised=Count("pk", filter=recognised),
            recognised_facilities=Count("product__facility", distinct=True, filter=recognised),
        )
    }
    totals = entries.aggregate(
        entries=Count("pk"),
        facilities=Count("product__facility", distinct=True),
        recognised=Count("pk", filter=recognised),
        recognised_facilities=Count("product__facility", distinct=True, filter=recognised),
    )
    field = "province" if scope.geography == Geography.RECORDED else "current_province"
    provinces = [
        {
            "province": row[f"product__facility__{field}__code"],
            "name": row[f"product__facility__{field}__name"],
            "entries": row["entries"],
            "recognised": row["recognised"],
            "facilities": row["facilities"],
        }
        for row in entries.order_by()
        .values(f"product__facility__{field}__code", f"product__facility__{field}__name")
        .annotate(
            entries=Count("pk"),
            recognised=Count("pk", filter=recognised),
            facilities=Count("product__facility", distinct=True),
        )
        .order_by(f"product__facility__{field}__code")
    ]
    valid = _in_scope(
        Certificate.objects.filter(issued_on__lte=period.as_of, valid_until__gte=period.as_of).filter(
            Q(revoked_on__isnull=True) | Q(revoked_on__gt=period.as_of)
        ),
        scope,
        "entry__product__",
    )
    if level:
        valid = valid.filter(entry__round__level=level)
    valid_counts = {
        row["entry__round__level"]: row["n"]
        for row in valid.order_by().values("entry__round__level").annotate(n=Count("pk"))
    }
    rows = []
    for round_level in LEVELS:
        for group in ProductGroup:
            row = counts.get((round_level.value, group.value))
            if row is None:
                continue
            rows.append({"level": round_level.value, "level_label": str(round_level.label), "group": group.value,
                         "group_label": str(group.label), "entries": row["entries"], "facilities": row["facilities"],
                         "recognised": row["recognised"],
                         "recognised_facilities": row["recognised_facilities"]})  # fmt: skip
    return {
        "kind": "products",
        "title": _("Báo cáo bình chọn sản phẩm công nghiệp nông thôn tiêu biểu %(period)s") % {"period": period.label},
        "scope": scope.as_json(),
        "period": period_json(period),
        "level": level,
        "total": {
            "entries": totals["entries"],
            # Facility-times: every entry of a facility counts; facilities: once each.
            "facility_times": totals["entries"],
            "facilities": totals["facilities"],
            "recognised": totals["recognised"],
            "recognised_facilities": totals["recognised_facilities"],
        },
        "by_level_group": rows,
        "by_province": provinces,
        "valid_certificates": {
            "on": period.as_of.isoformat(),
            "total": sum(valid_counts.values()),
            "by_level": [
                {"level": lv.value, "label": str(lv.label), "count": valid_counts[lv.value]}
                for lv in LEVELS
                if lv.value in valid_counts
            ],
        },
    }


def products_sections(report: dict[str, Any]) -> list[Section]:
    total = report["total"]
    summary = Table(
        pgettext("report", "Tổng hợp"), [Column(pgettext("report", "Chỉ tiêu")), Column(_("Số lượng"), Col.COUNT)]
    )
    summary.rows += [
        [_("Sản phẩm dự bình chọn (lượt cơ sở)"), total["entries"]],
        [_("Số cơ sở có sản phẩm dự bình chọn"), total["facilities"]],
        [_("Sản phẩm được công nhận"), total["recognised"]],
        [_("Số cơ sở có sản phẩm được công nhận"), total["recognised_facilities"]],
        [_("Giấy chứng nhận còn hiệu lực ngày %(day)s") % {"day": _day(report["period"]["as_of"])},
         report["valid_certificates"]["total"]],
    ]  # fmt: skip
    table = Table(
        _("Theo cấp và nhóm sản phẩm"),
        [Column(_("Cấp")), Column(_("Nhóm")), Column(_("Dự bình chọn"), Col.COUNT), Column(_("Số cơ sở"), Col.COUNT),
         Column(_("Được công nhận"), Col.COUNT), Column(_("Cơ sở được công nhận"), Col.COUNT)],
    )  # fmt: skip
    for row in report["by_level_group"]:
        table.rows.append([row["level_label"], row["group_label"], row["entries"], row["facilities"],
                           row["recognised"], row["recognised_facilities"]])  # fmt: skip
    provinces = Table(
        _("Theo tỉnh"),
        [Column(_("Tỉnh")), Column(_("Dự bình chọn"), Col.COUNT), Column(_("Được công nhận"), Col.COUNT),
         Column(_("Số cơ sở"), Col.COUNT)],
    )  # fmt: skip
    for row in report["by_province"]:
        provinces.rows.append([row["name"], row["entries"], row["recognised"], row["facilities"]])
    text = [
        _(
            "%(entries)d lượt sản phẩm của %(facilities)d cơ sở dự bình chọn; "
            "%(recognised)d sản phẩm của %(recognised_facilities)d cơ sở được công nhận."
        )
        % {key: total[key] for key in ("entries", "facilities", "recognised", "recognised_facilities")}
    ]
    return [Section(report["scope"]["name"], [t for t in (summary, table, provinces) if t.rows], text)]
