"""A report laid out as titled tables, the one shape every format renders: the page, the Excel file and the PDF show
the same cells, so that a figure read from any of them is the figure in the JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from khuyencong.core.numbers import active_locale, format_money_compact, format_number, format_percent


def as_text(value: Any) -> Any:
    """A label given lazily (a module's constant, marked for translation) as the text of the language in force now:
    a report is laid out in the reader's language, and an official file under `translation.override("vi")`."""
    return str(value) if isinstance(value, Promise) else value


class Col(StrEnum):
    TEXT = "text"
    COUNT = "count"
    MONEY = "money"
    PERCENT = "percent"
    # A quantity that may have a fraction (a programme's target: 3.000 người, 12,5 km), or else a word saying why
    # there is none ("chưa có số liệu kết quả").
    NUMBER = "number"


@dataclass(frozen=True)
class Column:
    title: str
    kind: Col = Col.TEXT

    def __post_init__(self) -> None:
        object.__setattr__(self, "title", as_text(self.title))


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    # Per row, where its figure comes from (shown on screen as a link): "figure:<path in the report's JSON>" for the
    # đề án behind a number, "project:<code>" for one đề án.
    links: list[str | None] = field(default_factory=list)
    note: str = ""
    total_rows: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        self.title = as_text(self.title)

    def add(self, row: list[Any], link: str | None = None, *, total: bool = False) -> None:
        if total:
            self.total_rows = self.total_rows | {len(self.rows)}
        self.links += [None] * (len(self.rows) - len(self.links)) + [link]
        self.rows.append([as_text(value) for value in row])


@dataclass
class Section:
    title: str
    tables: list[Table]
    text: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.title = as_text(self.title)


def cell_text(value: Any, kind: Col) -> str:
    """A figure written in the language in force: the reader's on a page, Vietnamese in an official file (built
    under `translation.override("vi")`)."""
    if value is None or value == "":
        return "—" if kind != Col.TEXT else ""
    locale = active_locale()
    if kind == Col.MONEY:
        return format_number(Decimal(value), places=0, locale=locale)
    if kind == Col.COUNT:
        return format_number(Decimal(value), locale=locale)
    if kind == Col.PERCENT:
        return format_percent(Decimal(value), locale=locale)
    if kind == Col.NUMBER and (number := as_number(value)) is not None:
        return format_number(number, locale=locale)
    return str(value)


def as_number(value: Any) -> Decimal | None:
    """A figure of a NUMBER column as a decimal, or None for the words standing in its place."""
    if isinstance(value, int | Decimal):
        return Decimal(value)
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return None
    return number if number.is_finite() else None


def percent_of(part: int | Decimal | None, whole: int | Decimal | None) -> Decimal | None:
    """part ÷ whole × 100 to one decimal, or None when the whole is zero or unknown (a rate of nothing is not 0%)."""
    if part is None or not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


def rate(part: int | Decimal | None, whole: int | Decimal | None) -> str | None:
    """`percent_of` as the report JSON carries it: an exact decimal string ("20.7"), never a float; None for no base."""
    value = percent_of(part, whole)
    return None if value is None else str(value)


def plain(value: Decimal) -> str:
    """A decimal as the report JSON carries it: exact, without exponent or trailing zeros ("50", "12.5")."""
    return format(value.normalize(), "f")


def say_money(value: int | None) -> str:
    return format_money_compact(value, locale=active_locale()) if value is not None else "—"


def figure_codes(data: dict[str, Any], path: str) -> list[str]:
    """The đề án codes behind the figure at `path` ("sources.0.projects.submitted") of a report's JSON."""
    node = _figure(data, path)
    if isinstance(node, dict):
        node = node["codes"]
    if not isinstance(node, list) or not all(isinstance(code, str) for code in node):
        raise ValueError(_("«%(path)s» không phải một số liệu có danh sách đề án.") % {"path": path})
    return node


def figure_tasks(data: dict[str, Any], path: str) -> int:
    """How many of the codes behind the figure at `path` are other KC tasks: a row of the breakdown counts its đề án
    and its tasks apart, and lists them together (its support is theirs together)."""
    node = _figure(data, path)
    tasks = node.get("tasks") if isinstance(node, dict) else None
    return tasks if isinstance(tasks, int) else 0


def _figure(data: dict[str, Any], path: str) -> Any:
    node: Any = data
    # The empty path is the report's own figure (the programme's total: "figure:").
    for part in path.split(".") if path else []:
        # One figure, one address: a position is plain digits (not "-1", "+0", "0_0" or "٠", which int() reads too).
        if isinstance(node, list) and not (part.isascii() and part.isdigit()):
            raise ValueError(_("«%(path)s» không phải một số liệu có danh sách đề án.") % {"path": path})
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


@dataclass(frozen=True)
class FigureRow:
    """What a figure of a report is, in the report's own words, for the page that lists its đề án: the row's label,
    where it stands (section and table) and the row's figures with their column titles."""

    label: str
    where: str
    figures: list[tuple[str, str]]


def figure_row(sections: list[Section], path: str) -> FigureRow | None:
    """The first row of the laid-out report whose figure is `path`, or None (a figure no table shows)."""
    target = f"figure:{path}"
    for section in sections:
        for table in section.tables:
            for index, link in enumerate(table.links):
                if link != target:
                    continue
                cells = list(zip(table.rows[index], table.columns, strict=True))
                texts = [str(value) for value, column in cells if column.kind == Col.TEXT and value not in (None, "")]
                figures = [(column.title, cell_text(value, column.kind)) for value, column in cells
                           if column.kind != Col.TEXT]  # fmt: skip
                return FigureRow(" — ".join(texts) or table.title, f"{section.title} › {table.title}", figures)
    return None
