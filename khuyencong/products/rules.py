"""The typical rural industrial product selection as rules (TT 26/2014/TT-BCT, amended by TT 14/2018/TT-BCT and
TT 38/2025/TT-BCT): levels and their order, the default criteria and threshold, scoring, the certificate's validity.
Plain Python, dated, testable without the database."""

from __future__ import annotations

import csv
import datetime
import functools
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from pathlib import Path

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

REFORM = datetime.date(2025, 7, 1)
LAST_DISTRICT_DAY = datetime.date(2025, 6, 30)
HOLIDAYS_FILE = Path(__file__).resolve().parent / "data" / "holidays_vn.csv"


class ProductGroup(models.TextChoices):
    HANDICRAFT = "handicraft", _("Thủ công mỹ nghệ")
    AGRO_FOOD = "agro_food", _("Chế biến nông, lâm, thủy sản và thực phẩm")
    MACHINERY = "machinery", _("Thiết bị, máy móc, dụng cụ và phụ tùng cơ khí")
    OTHER = "other", _("Sản phẩm khác")


class RoundLevel(models.TextChoices):
    DISTRICT = "district", _("Cấp huyện")
    COMMUNE = "commune", _("Cấp xã")
    PROVINCIAL = "provincial", _("Cấp tỉnh")
    REGIONAL = "regional", _("Cấp khu vực")
    NATIONAL = "national", _("Cấp quốc gia")


# A product rises one level at a time: a valid certificate of the level below is part of the dossier (TT 26/2014
# Art. 12; from 01/07/2025 the commune level replaces the district level, TT 38/2025).
RANK = {
    RoundLevel.DISTRICT: 1,
    RoundLevel.COMMUNE: 1,
    RoundLevel.PROVINCIAL: 2,
    RoundLevel.REGIONAL: 3,
    RoundLevel.NATIONAL: 4,
}


# When each level holds rounds, as dated data: the district level ends with the districts (30/06/2025); the commune
# level replaces it from 01/07/2025 (Nghị quyết 202/2025/QH15; TT 38/2025/TT-BCT). Old district rounds stay as they
# were recorded.
LEVEL_RULES: dict[RoundLevel, DatedRule] = {}


def level_in_force(level: RoundLevel, on: datetime.date) -> bool:
    return LEVEL_RULES[level].applies(on)


def levels_in_force_in(year: int) -> list[RoundLevel]:
    """The levels a round of that year may have: those in force on some day of it (2025 has both the district and the
    commune level, each for half the year)."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return [level for level in RoundLevel if level_in_force(level, first) or level_in_force(level, last)]


def lowest(level: RoundLevel) -> bool:
    return RANK[level] == 1


def level_below(level: RoundLevel) -> frozenset[RoundLevel]:
    """The levels whose certificate admits a product to this one."""
    return frozenset(other for other, rank in RANK.items() if rank == RANK[level] - 1)


@dataclass(frozen=True)
class Criterion:
    code: str
    name: str
    max_points: Decimal


@dataclass(frozen=True)
class DatedRule:
    """A rule with its citation and the days it applies."""

    basis: str
    valid_from: datetime.date | None = None
    valid_until: datetime.date | None = None

    def applies(self, on: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_until is None or on <= self.valid_until
        )


LEVEL_RULES.update(
    {
        RoundLevel.DISTRICT: DatedRule(
            "Thông tư 26/2014/TT-BCT Điều 8", valid_until=REFORM - datetime.timedelta(days=1)
        ),
        RoundLevel.COMMUNE: DatedRule("Thông tư 38/2025/TT-BCT", valid_from=REFORM),
        RoundLevel.PROVINCIAL: DatedRule("Thông tư 26/2014/TT-BCT Điều 9"),
        RoundLevel.REGIONAL: DatedRule("Thông tư 26/2014/TT-BCT Điều 10"),
        RoundLevel.NATIONAL: DatedRule("Thông tư 26/2014/TT-BCT Điều 10"),
    }
)  # vi-only: citations


# TT 26/2014/TT-BCT Phụ lục 4: each judge scores alone on four criteria, 100 points in all; recognised at an average of
# 70 or more. Configurable per round.
SCORING_RULE = DatedRule(
    "Thông tư 26/2014/TT-BCT Phụ lục 4", valid_from=datetime.date(2014, 10, 15)
)  # vi-only: a citation
# The criteria's names are stored on each round (`RoundCriterion.name`) and head the columns of the score sheet the
# importer reads: Vietnamese, as TT 26/2014 Phụ lục 4 words them.
DEFAULT_CRITERIA: tuple[Criterion, ...] = (  # vi-only: stored on the round, read back as the score sheet's headings
    Criterion("market", "Đáp ứng thị trường và tiềm năng phát triển sản xuất", Decimal(40)),
    Criterion("economic", "Hiệu quả kinh tế - kỹ thuật - xã hội - môi trường", Decimal(40)),
    Criterion("culture", "Giá trị văn hóa, thẩm mỹ", Decimal(10)),
    Criterion("other", "Các tiêu chí khác", Decimal(10)),
)
DEFAULT_THRESHOLD = Decimal(70)

# TT 26/2014/TT-BCT Art. 17 (certificate, Phụ lục 6): valid until 31 December of the third year, counting the year
# of issue as the first.
CERTIFICATE_RULE = DatedRule(
    "Thông tư 26/2014/TT-BCT Điều 17", valid_from=datetime.date(2014, 10, 15)
)  # vi-only: a citation
CERTIFICATE_YEARS = 3

# Art. 20: complaints within 15 working days of the announcement, answered within 10 working days.
COMPLAINT_DAYS = 15
ANSWER_DAYS = 10


def certificate_valid_until(issued_on: datetime.date) -> datetime.date:
    return datetime.date(issued_on.year + CERTIFICATE_YEARS - 1, 12, 31)


def average(totals: list[Decimal]) -> Decimal | None:
    """The entry's score: the mean of the judges' totals, to two decimals (half up); None before any judge scored."""
    if not totals:
        return None
    return (sum(totals, Decimal(0)) / len(totals)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class DayKind(StrEnum):
    HOLIDAY = "holiday"  # a public holiday (Labour Code 2019 Art. 112)
    DAY_OFF = "day_off"  # a weekday off by a yearly notice (swapped, or in lieu of a holiday on a weekend)
    WORKDAY = "workday"  # a Saturday worked to make up a swapped day


@dataclass(frozen=True)
class Calendar:
    """Vietnam's days off and worked Saturdays as dated data (`data/holidays_vn.csv`, each row with its legal
    source): public holidays of the Labour Code 2019 Art. 112 and the days the yearly notices, issued at the Prime
    Minister's instruction, give off or ask to be worked. Years outside `years` count Monday to Friday only."""

    off: frozenset[datetime.date]
    worked: frozenset[datetime.date]
    years: frozenset[int]

    def working(self, day: datetime.date) -> bool:
        if day in self.worked:
            return True
        return day.weekday() < 5 and day not in self.off

    def covers(self, day: datetime.date) -> bool:
        return day.year in self.years


def load_calendar(path: Path = HOLIDAYS_FILE) -> Calendar:
    off: set[datetime.date] = set()
    worked: set[datetime.date] = set()
    years: set[int] = set()
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            day, kind = datetime.date.fromisoformat(row["date"]), DayKind(row["kind"])
            years.add(day.year)
            (worked if kind == DayKind.WORKDAY else off).add(day)
    return Calendar(frozenset(off), frozenset(worked), frozenset(years))


@functools.cache
def vietnam_calendar() -> Calendar:
    return load_calendar()


WEEKDAYS_ONLY = Calendar(frozenset(), frozenset(), frozenset())


def working_days_after(start: datetime.date, days: int, calendar: Calendar | None = None) -> datetime.date:
    """The day `days` working days after `start` (Monday to Friday, less the days off, plus the worked Saturdays of
    the calendar; Vietnam's by default)."""
    calendar = calendar or vietnam_calendar()
    day, left = start, days
    while left:
        day += datetime.timedelta(days=1)
        if calendar.working(day):
            left -= 1
    return day


def answer_due(complained_on: datetime.date, calendar: Calendar | None = None) -> datetime.date:
    """The day by which a complaint is answered: 10 working days from its day (TT 26/2014 Art. 20)."""
    return working_days_after(complained_on, ANSWER_DAYS, calendar)


def answered_late(complained_on: datetime.date, answered_on: datetime.date | None, today: datetime.date) -> bool:
    """An answer after the due day, or none by a day past it: flagged, never refused (the answer is still owed)."""
    due = answer_due(complained_on)
    return (answered_on or today) > due


class CouncilRole(models.TextChoices):
    CHAIR = "chair", _("Chủ tịch Hội đồng")
    VICE_CHAIR = "vice_chair", _("Phó Chủ tịch Hội đồng")
    SECRETARY = "secretary", _("Thư ký Hội đồng")
    MEMBER = "member", _("Ủy viên")


# TT 26/2014/TT-BCT Art. 8–10 (as amended by TT 38/2025/TT-BCT): the council's size at each level. Members are named one
# by one, so a size outside these is shown on the round's page, not refused.
COUNCIL_RULE = DatedRule(
    "Thông tư 26/2014/TT-BCT Điều 8–10", valid_from=datetime.date(2014, 10, 15)
)  # vi-only: a citation
COUNCIL_SIZES: dict[str, frozenset[int]] = {
    "district": frozenset({5, 7}),
    "commune": frozenset({5, 7}),
    "provincial": frozenset({7, 9}),
    "regional": frozenset({9, 11}),
    "national": frozenset({11, 13}),
}


def council_size_ok(level: str, members: int) -> bool:
    return members in COUNCIL_SIZES[level]


def certificate_years(issued_on: datetime.date, valid_until: datetime.date) -> range:
    """The years a certificate's holder reports on (TT 26/2014 Art. 22): each year it is held."""
    return range(issued_on.year, valid_until.year + 1)


class PhotoAngle(models.TextChoices):
    FRONT = "front", _("Ảnh chính diện")
    SIDE = "side", _("Ảnh mặt bên")
    DETAIL = "detail", _("Ảnh góc khác, chi tiết")


class DossierItem(models.TextChoices):
    REGISTRATION_FORM = "registration_form", _("Phiếu đăng ký tham gia bình chọn (Phụ lục 1)")
    DESCRIPTION = "description", _("Bản thuyết minh, mô tả sản phẩm (Phụ lục 2)")
    QUALITY_CERTIFICATE = "quality_certificate", _("Giấy chứng nhận chất lượng, an toàn thực phẩm, giải thưởng")
    SHORTLIST_LETTER = "shortlist_letter", _("Văn bản đề nghị của cấp dưới kèm danh sách sản phẩm (Phụ lục 5)")


# TT 26/2014/TT-BCT Art. 12: the dossier of an entry — the registration form, the product's description with three
# colour photos from three angles, its quality and safety certificates where it holds any; above the lowest level,
# also the lower level's valid certificate and the lower authority's letter with its shortlist.
DOSSIER_RULE = DatedRule(
    "Thông tư 26/2014/TT-BCT Điều 12", valid_from=datetime.date(2014, 10, 15)
)  # vi-only: a citation
PHOTOS_REQUIRED = (PhotoAngle.FRONT, PhotoAngle.SIDE, PhotoAngle.DETAIL)


def dossier_required(level: RoundLevel) -> tuple[DossierItem, ...]:
    items = (DossierItem.REGISTRATION_FORM, DossierItem.DESCRIPTION)
    return items if lowest(level) else (*items, DossierItem.SHORTLIST_LETTER)


def dossier_missing(level: RoundLevel, documents: set[str], photos: set[str], has_lower_certificate: bool) -> list[str]:
    """What the entry's dossier still lacks, item by item, in the officials' words."""
    missing = [str(DossierItem(item).label) for item in dossier_required(level) if item not in documents]
    missing += [str(PhotoAngle(angle).label) for angle in PHOTOS_REQUIRED if angle not in photos]
    if not lowest(level) and not has_lower_certificate:
        missing.append(gettext("Giấy chứng nhận sản phẩm tiêu biểu cấp dưới còn hiệu lực"))
    return missing


GUIDE_SHEET = "Hướng dẫn"  # vi-only: the template's guide sheet, skipped by the importer
