from __future__ import annotations

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """A cell that a spreadsheet will show as text, never run as a formula (CSV/formula injection, OWASP). Every text
    cell of every CSV and Excel file we write goes through here; numbers we wrote stay numbers.

    Control characters that XML cannot carry are dropped: openpyxl refuses to save them, and a name typed with one
    would otherwise make every report that shows it fail."""
    if not isinstance(value, str):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
