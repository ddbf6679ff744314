"""Excel templates and their upload: the rows people already keep in spreadsheets, checked row by row, imported all or
nothing through the same importer (and so the same services and rules) as an exchange document.

A sheet is read in openpyxl's streaming mode, one row at a time; each row becomes an exchange record, and the
importer's JSON paths ($.facilities[12].tax_code) are mapped back to the row and column the person typed them in.
The copy of the file given back carries every message in an added "Lỗi" column.

The templates are Vietnamese for everyone, headings, lists and guide alike (`template_workbook` builds them under
`translation.override("vi")`): the importer reads the Vietnamese headings and values an official fills in. The
messages are marked: an upload's are kept on its job with their text and values and shown in the reader's language
(see `importer.Message`).
"""

from __future__ import annotations

import datetime
import functools
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, BinaryIO

from django.db import DataError, IntegrityError, models, transaction
from django.utils import translation
from django.utils.translation import gettext_noop
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum

from khuyencong.accounts.models import User
from khuyencong.core.codelists import SEPARATOR_NAME, split_codes
from khuyencong.core.csv import safe_cell
from khuyencong.facilities.models import LegalForm
from khuyencong.geography.models import AdminUnit, Era, Level
from khuyencong.geography.resolver import PlaceResolver
from khuyencong.projects.models import ProjectContent, ProjectKind

from .importer import ImportReport, Issue, Message, PathParts, database_refusal, import_records

MAX_BYTES = 50 * 1024 * 1024
# An .xlsx is a zip: a small file can expand to gigabytes (a "zip bomb"). Refuse before openpyxl inflates anything.
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
MAX_RATIO = 200
MAX_ROWS = 200_000
ERROR_HEADER = "Lỗi"  # vi-only: the heading of the error copy, a Vietnamese file


@dataclass(frozen=True)
class ColumnSpec:
    header: str
    key: str
    required: bool = False
    width: int = 18
    note: str = ""
    choices: Callable[[], list[str]] | None = None
    # Added after templates were handed out: a sheet whose header stops before it is read with the cell empty.
    added_later: bool = False


def _legal_forms() -> list[str]:
    return [str(label) for label in LegalForm.labels]


def _provinces() -> list[str]:
    current = AdminUnit.objects.filter(level=Level.PROVINCE, era=Era.FROM_2025).order_by("name")
    before = AdminUnit.objects.filter(level=Level.PROVINCE, era=Era.BEFORE_2025).order_by("name")
    return sorted({u.name for u in current} | {u.name for u in before})


def _contents() -> list[str]:
    return list(ProjectContent.objects.order_by("code").values_list("code", flat=True))


def _kinds() -> list[str]:
    return [str(label) for label in ProjectKind.labels]


YES = {"có", "co", "x", "1", "true", "yes"}  # vi-only: the values the importer reads
NO = {"", "không", "khong", "0", "false", "no"}  # vi-only: the values the importer reads

FACILITY_COLUMNS = [  # vi-only: the template's headings and notes, which the importer reads
    ColumnSpec("Mã cơ sở", "code", True, 16, "Mã của tỉnh cho cơ sở; nhập lại cùng mã thì cập nhật, không tạo mới."),
    ColumnSpec("Tên cơ sở", "name", True, 36),
    ColumnSpec("Loại hình", "legal_form", True, 26, choices=_legal_forms),
    ColumnSpec("Mã số thuế", "tax_code", False, 16, "10 chữ số, hoặc 10 chữ số-3 chữ số (chi nhánh)."),
    ColumnSpec("Tỉnh/thành phố", "province", True, 20, "Tên tỉnh tại ngày ghi địa chỉ.", _provinces),
    ColumnSpec("Huyện (trước 01/07/2025)", "district", False, 20, "Bỏ trống với địa chỉ từ 01/07/2025."),
    ColumnSpec("Xã/phường", "commune", False, 20),
    ColumnSpec("Địa chỉ tính theo ngày", "as_of", True, 14, "ngày/tháng/năm: ngày của địa giới dùng để ghi địa chỉ."),
    ColumnSpec("Thôn, số nhà", "address", False, 24),
    ColumnSpec("Ngành nghề, sản phẩm", "trade", False, 24),
    ColumnSpec("Làng nghề", "craft_village", False, 20),
    ColumnSpec("Chủ là phụ nữ", "women_owned", False, 10, choices=lambda: ["Có", "Không"]),
    ColumnSpec("Chủ là người DTTS", "ethnic_minority_owned", False, 10, choices=lambda: ["Có", "Không"]),
    ColumnSpec(
        "Ở địa bàn khó khăn",
        "disadvantaged_area",
        False,
        12,
        "Có: cơ sở ở địa bàn có điều kiện kinh tế - xã hội khó khăn, đặc biệt khó khăn.",
        lambda: ["Có", "Không"],
        added_later=True,
    ),
]

# The yes/no columns of the facility sheet.
FLAGS = ("women_owned", "ethnic_minority_owned", "disadvantaged_area")

PROJECT_COLUMNS = [  # vi-only: the template's headings and notes, which the importer reads
    ColumnSpec("Mã đề án", "code", True, 18),
    ColumnSpec("Tên đề án", "title", True, 40),
    ColumnSpec("Mã kế hoạch", "plan", True, 16, "Mã kế hoạch năm đã có trong hệ thống, ví dụ KCĐP-2026."),
    ColumnSpec("Nội dung khuyến công", "content", True, 24, "Mã nội dung (xem danh mục).", _contents),
    ColumnSpec("Loại đề án", "kind", True, 26, choices=_kinds),
    ColumnSpec("Đợt", "round", False, 6),
    ColumnSpec("Đơn vị thực hiện (mã)", "implementer", True, 18, "Mã tổ chức, ví dụ TTKC-15."),
    ColumnSpec("Cơ sở thụ hưởng (mã)", "beneficiaries", False, 28, f"Mã cơ sở, cách nhau bằng {SEPARATOR_NAME}."),
    ColumnSpec("Tổng kinh phí (đồng)", "total_cost", False, 18),
    ColumnSpec("Kinh phí khuyến công đề nghị (đồng)", "support_requested", False, 18),
    ColumnSpec("Vốn đối ứng (đồng)", "counterpart", False, 18),
]

SHEETS = {"facilities": ("Cơ sở", FACILITY_COLUMNS), "projects": ("Đề án", PROJECT_COLUMNS)}  # vi-only: sheet names


def template_workbook(kind: str) -> bytes:
    """An empty template: Vietnamese headers, a note on each, dropdowns for the enumerations and provinces. Vietnamese
    for every reader, its lists included: the importer reads what an official picks from them."""
    with translation.override("vi"):
        return _template_workbook(kind)


def _template_workbook(kind: str) -> bytes:  # vi-only: the template is Vietnamese for everyone
    title, columns = SHEETS[kind]
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    lists = workbook.create_sheet("Danh mục")
    guide = workbook.create_sheet("Hướng dẫn")
    guide.append(["Mỗi dòng một bản ghi, từ dòng 2. Cột có dấu * là bắt buộc. Không đổi tên, thứ tự các cột."])
    guide.append(["Tải tệp lên tại trang Trao đổi dữ liệu. Tệp có lỗi không ghi gì."])
    guide.append(["Khi có lỗi, tải bản sao kèm cột «Lỗi» chỉ rõ từng dòng, sửa rồi tải lên lại."])
    guide.append(["Số tiền ghi số nguyên đồng (1700000000 hoặc 1.700.000.000) hoặc như «1 tỷ 700 triệu»."])
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(1, index, column.header + (" *" if column.required else ""))
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[letter].width = column.width
        if column.note:
            guide.append([safe_cell(f"{column.header}: {column.note}")])
        if column.choices is not None:
            values = column.choices()
            for row, value in enumerate(values, start=1):
                # Province and content names come from the database, which an import may have filled.
                lists.cell(row, index, safe_cell(value))
            source = f"'Danh mục'!${letter}$1:${letter}${max(len(values), 1)}"
            validation = DataValidation(type="list", formula1=source, allow_blank=not column.required)
            validation.error = f"Chọn {column.header.lower()} trong danh sách."
            validation.errorTitle = column.header
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{MAX_ROWS}")
    sheet.freeze_panes = "A2"
    lists.sheet_state = "hidden"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


NOT_XLSX = gettext_noop("Tệp không phải bảng tính Excel (.xlsx).")


class SpreadsheetRefused(ValueError):
    """The file is not a spreadsheet we will open: too large, not an .xlsx, or a zip bomb."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def check_container(data: bytes) -> None:
    if len(data) > MAX_BYTES:
        message = Message(gettext_noop("Tệp lớn hơn %(mb)s MB."), mb=MAX_BYTES // (1024 * 1024))
        raise SpreadsheetRefused("file_too_large", message)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as error:
        raise SpreadsheetRefused("not_xlsx", Message(NOT_XLSX)) from error
    if "[Content_Types].xml" not in {e.filename for e in entries}:
        raise SpreadsheetRefused("not_xlsx", Message(NOT_XLSX))
    unpacked = sum(e.file_size for e in entries)
    packed = sum(e.compress_size for e in entries) or 1
    if unpacked > MAX_UNPACKED_BYTES or unpacked / packed > MAX_RATIO:
        message = Message(gettext_noop("Tệp giải nén ra dung lượng bất thường (có thể là tệp độc hại); không mở."))
        raise SpreadsheetRefused("zip_bomb", message)


@dataclass
class SheetRow:
    number: int
    values: list[Any]


@dataclass
class ExcelImport:
    kind: str
    report: ImportReport = field(default_factory=ImportReport)
    # Messages per sheet row number, for the copy with the error column.
    row_errors: dict[int, list[str]] = field(default_factory=dict)
    rows: int = 0

    def add(self, row: int, column: str | None, code: str, message: str) -> None:
        """`column`: the template's (Vietnamese) heading; `message`: a `Message`, shown in its reader's language."""
        self.report.errors.append(Issue(_where((row, column)), code, message))
        self.row_errors.setdefault(row, []).append((f"{column}: " if column else "") + message)


# A cell holding a formula, a cell holding an error value, and a row element: in any namespace prefix.
_FORMULA_OR_ERROR = re.compile(rb"<(?:\w+:)?f[\s>/]|\st\s*=\s*[\"']e[\"']")
_ROW_NUMBER = re.compile(rb"<(?:\w+:)?row\b[^>]*?\sr\s*=\s*[\"'](\d+)[\"']")
_LAST_ROW_WINDOW = 1 << 16


def _plain_values(data: bytes) -> bool:
    """Whether every worksheet of the file holds plain values only, within the row limit: no formula (which openpyxl
    gives as its text, "=…", for the formula check, where the fast reader gives the last computed value), no error
    value, no row numbered past the limit (openpyxl reads every row element, even empty ones). The sheets are
    inflated in pieces and searched, not parsed."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            tail = b""
            with archive.open(name) as stream:
                while piece := stream.read(1 << 20):
                    window = tail + piece
                    if _FORMULA_OR_ERROR.search(window):
                        return False
                    tail = window[-_LAST_ROW_WINDOW:]
            numbers = _ROW_NUMBER.findall(tail)
            if not numbers or int(numbers[-1]) > MAX_ROWS + 1:
                return False
    return True


def _fast_values(data: bytes, title: str) -> Iterator[tuple[Any, ...]] | None:
    """The sheet's rows as openpyxl's read-only `iter_rows(values_only=True)` gives them, read by calamine (Rust; an
    upload of 100,000 rows took openpyxl about 28 s on its own, calamine about 1 s); None if the file holds anything
    on which the two could differ, and openpyxl reads it."""
    if not _plain_values(data):
        return None
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        worksheets = [m.name for m in workbook.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
        if not worksheets or (title in workbook.sheet_names and title not in worksheets):
            return None
        # The whole sheet is parsed here, so that a broken one is found before its first row is imported.
        sheet = workbook.get_sheet_by_name(title if title in worksheets else worksheets[0])
    except CalamineError:
        return None
    return _as_openpyxl(sheet.iter_rows(), sheet.start[1] if sheet.start else 0)


def _as_openpyxl(rows: Iterator[list[Any]], first_column: int) -> Iterator[tuple[Any, ...]]:
    # calamine starts rows at the first row but cells at the first used column, gives "" for an empty cell, and a
    # date (without a time) as a date where openpyxl gives a datetime at midnight.
    pad = (None,) * first_column
    for row in rows:
        yield pad + tuple(
            None
            if value == "" and isinstance(value, str)
            else datetime.datetime.combine(value, datetime.time())
            if type(value) is datetime.date
            else value
            for value in row
        )


def _rows(data: bytes, kind: str, result: ExcelImport) -> Iterator[SheetRow]:
    title, columns = SHEETS[kind]
    fast = _fast_values(data, title)
    if fast is not None:
        yield from _sheet_rows(fast, columns, result)
        return
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        sheet = workbook[title] if title in workbook.sheetnames else workbook.worksheets[0]
        yield from _sheet_rows(sheet.iter_rows(values_only=True), columns, result)
    finally:
        workbook.close()


def _sheet_rows(rows: Iterator[tuple[Any, ...]], columns: list[ColumnSpec], result: ExcelImport) -> Iterator[SheetRow]:
    header = [str(v or "").replace("*", "").strip() for v in next(rows, ())]
    expected = [c.header for c in columns]
    older = expected[: next((i for i, c in enumerate(columns) if c.added_later), len(columns))]
    if header[: len(expected)] == expected:
        width = len(expected)
    elif header[: len(older)] == older and not set(header[len(older) :]) & set(expected):
        # An earlier template: what lies beyond its last column is the person's own, not a newer column.
        width = len(older)
    else:
        missing = [h for h in expected if h not in header]
        message = (
            Message(gettext_noop("Dòng tiêu đề không đúng mẫu; thiếu cột: %(columns)s."), columns=", ".join(missing))
            if missing
            else Message(gettext_noop("Dòng tiêu đề không đúng mẫu; các cột phải đúng thứ tự của mẫu."))
        )
        result.add(1, None, "header", message)
        return
    for number, values in enumerate(rows, start=2):
        if number - 1 > MAX_ROWS:
            message = Message(gettext_noop("Tệp có hơn %(rows)s dòng; hãy chia thành nhiều tệp."), rows=MAX_ROWS)
            result.add(number, None, "too_many_rows", message)
            return
        cells = list(values[:width]) + [None] * (len(columns) - len(values[:width]))
        if all(v is None or str(v).strip() == "" for v in cells):
            continue
        yield SheetRow(number, cells)


def row_estimate(data: bytes) -> int | None:
    """The number of data rows the sheet declares (its dimension), for a progress bar; None if it does not say."""
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return None
    try:
        sheet = workbook.worksheets[0]
        return max(sheet.max_row - 1, 0) if sheet.max_row else None
    finally:
        workbook.close()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _date(value: Any) -> str:
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = _text(value)
    try:
        return datetime.datetime.strptime(text, "%d/%m/%Y").date().isoformat()  # noqa: DTZ007 - a calendar date
    except ValueError as error:
        raise ValueError(
            Message(gettext_noop("«%(value)s» không phải một ngày viết ngày/tháng/năm."), value=text)
        ) from error


def _money(value: Any) -> Any:
    """Numbers from Excel arrive as int or float; a float with a fraction is refused by the importer's money rule."""
    if isinstance(value, float):
        return int(value) if value.is_integer() else str(Decimal(str(value))).replace(".", ",")
    return value if isinstance(value, int) else _text(value)


def _choice(text: str, choices: type[models.TextChoices]) -> str | None:
    """A value of an enumeration written by its Vietnamese label (as the template's list offers) or its code."""
    if text in choices.values:
        return text
    return _labels(choices, translation.get_language()).get(text.lower())


@functools.lru_cache(maxsize=16)
def _labels(choices: type[models.TextChoices], language: str | None) -> dict[str, str]:
    # Translating every label of every row cost more than the rest of the row's conversion; they change by language.
    return {str(label).lower(): value for value, label in choices.choices}


def _flag(value: Any) -> bool:
    text = _text(value).lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError(Message(gettext_noop("ghi «Có» hoặc «Không», không phải «%(value)s»."), value=text))


def _facility(row: SheetRow, result: ExcelImport, bad: set[str]) -> dict[str, Any]:
    """The row as an exchange record. A cell that cannot be read is reported, added to `bad` and left out, so that the
    importer still checks the rest of the row (its place, its tax code) without reporting that cell again."""
    v = {c.key: value for c, value in zip(FACILITY_COLUMNS, row.values, strict=True) if c.key not in bad}
    headers = {c.key: c.header for c in FACILITY_COLUMNS}
    record: dict[str, Any] = {key: _text(v[key]) for key in ("code", "name") if key in v}
    if "legal_form" in v:
        form = _text(v["legal_form"])
        if (legal_form := _choice(form, LegalForm)) is not None:
            record["legal_form"] = legal_form
        elif form:
            message = Message(gettext_noop("«%(value)s» không có trong danh sách loại hình."), value=form)
            result.add(row.number, headers["legal_form"], "enum", message)
            bad.add("legal_form")
    place: dict[str, Any] = {}
    for key in ("province", "district", "commune"):
        if key in v and _text(v[key]):
            place[key] = _text(v[key])
    if "as_of" in v and v["as_of"] not in (None, ""):
        try:
            place["as_of"] = _date(v["as_of"])
        except ValueError as error:
            result.add(row.number, headers["as_of"], "date", error.args[0])
            bad.add("as_of")
    record["place"] = place
    for key in ("tax_code", "address", "trade", "craft_village"):
        if key in v and _text(v[key]):
            record[key] = _text(v[key])
    for key in FLAGS:
        if key not in v:
            continue
        try:
            if _flag(v[key]):
                record[key] = True
        except ValueError as error:
            result.add(row.number, headers[key], "flag", error.args[0])
            bad.add(key)
    return record


def _project(row: SheetRow, result: ExcelImport, bad: set[str]) -> dict[str, Any]:
    """As `_facility`, for a đề án."""
    v = {c.key: value for c, value in zip(PROJECT_COLUMNS, row.values, strict=True) if c.key not in bad}
    record: dict[str, Any] = {
        key: _text(v[key]) for key in ("code", "title", "plan", "content", "implementer") if key in v
    }
    if "kind" in v:
        kind = _text(v["kind"])
        if (project_kind := _choice(kind, ProjectKind)) is not None:
            record["kind"] = project_kind
        elif kind:
            message = Message(gettext_noop("«%(value)s» không có trong danh sách loại đề án."), value=kind)
            result.add(row.number, "Loại đề án", "enum", message)  # vi-only: the template's heading
            bad.add("kind")
    if "round" in v and _text(v["round"]):
        try:
            record["round"] = int(_text(v["round"]))
        except ValueError:
            message = Message(gettext_noop("«%(value)s» không phải số đợt."), value=_text(v["round"]))
            result.add(row.number, "Đợt", "type", message)  # vi-only: the template's heading
            bad.add("round")
    codes = split_codes(_text(v.get("beneficiaries")))
    if codes:
        record["beneficiaries"] = codes
    for key in ("total_cost", "support_requested", "counterpart"):
        if key in v and v[key] not in (None, ""):
            record[key] = _money(v[key])
    return record


def _cell_problems(row: SheetRow, kind: str, result: ExcelImport) -> set[str]:
    """Formulas (we take values, never computations) and empty required cells: the keys of the cells refused."""
    found: set[str] = set()
    for value, column in zip(row.values, SHEETS[kind][1], strict=True):
        if isinstance(value, str) and value.startswith("="):
            message = Message(gettext_noop("Ô chứa công thức; hãy dán giá trị (Paste Values)."))
            result.add(row.number, column.header, "formula", message)
            found.add(column.key)
        elif column.required and _text(value) == "":
            message = Message(gettext_noop("Chưa nhập «%(column)s»."), column=column.header)
            result.add(row.number, column.header, "required", message)
            found.add(column.key)
    return found


# Cells that are parts of the record's place in the exchange format.
_PLACE_KEYS = {"province", "district", "commune", "as_of"}


def _record_parts(kind: str, index: int, key: str) -> PathParts:
    """Where a column's value sits in the part's exchange document ("as_of" → facilities[3].place.as_of)."""
    if kind == "facilities" and key in _PLACE_KEYS:
        return (kind, index, "place", key)
    return (kind, index, key)


# Rows imported per part: memory stays bounded by a part, whatever the file's length.
CHUNK = 500


def excel_import(
    data: bytes | BinaryIO,
    *,
    kind: str,
    actor: User,
    progress: Callable[[int], None] | None = None,
) -> ExcelImport:
    """Reads the sheet row by row and imports it part by part through the exchange importer, acting as `actor` (so
    with the actor's own permissions), in one transaction: any error anywhere and nothing is written. Every error is
    found — the sheet's own (formulas, empty or unknown values, repeated codes) and the importer's, mapped back to
    their rows and columns."""
    raw = data if isinstance(data, bytes) else data.read()
    result = ExcelImport(kind)
    try:
        check_container(raw)
    except SpreadsheetRefused as refused:
        result.report.errors.append(Issue(Message(THE_FILE), refused.code, refused.message))
        return result
    convert = _facility if kind == "facilities" else _project
    code_header = SHEETS[kind][1][0].header
    first_row: dict[str, int] = {}
    part: list[tuple[int, dict[str, Any], set[str]]] = []
    with transaction.atomic():
        places = PlaceResolver()
        try:
            for row in _rows(raw, kind, result):
                result.rows += 1
                # Every check of the row at once: a cell refused here is left out, and the importer checks the rest.
                bad = _cell_problems(row, kind, result)
                record = convert(row, result, bad)
                if "code" in record:
                    first = first_row.setdefault(record["code"], row.number)
                    if first != row.number:
                        message = Message(
                            gettext_noop("Mã «%(code)s» trùng dòng %(row)s."), code=record.pop("code"), row=first
                        )
                        result.add(row.number, code_header, "duplicate_code", message)
                        bad.add("code")
                part.append((row.number, record, bad))
                if len(part) == CHUNK:
                    _import_part(part, kind, actor, result, places)
                    part = []
                    if progress is not None:
                        progress(result.rows)
            _import_part(part, kind, actor, result, places)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
            message = Message(gettext_noop("Không đọc được bảng tính: %(error)s"), error=error)
            result.report.errors.append(Issue(Message(THE_FILE), "not_xlsx", message))
        if result.report.errors:
            transaction.set_rollback(True)
    if progress is not None:
        progress(result.rows)
    return result


def _import_part(
    part: list[tuple[int, dict[str, Any], set[str]]],
    kind: str,
    actor: User,
    result: ExcelImport,
    places: PlaceResolver,
) -> None:
    if not part:
        return
    numbers = [number for number, _, _ in part]
    report = ImportReport()
    document = {"format": "khuyencong-exchange", "version": 1, kind: [record for _, record, _ in part]}
    # The cells already reported: the importer leaves their rows unwritten and checks what else it can read.
    known = [_record_parts(kind, index, key) for index, (_, _, bad) in enumerate(part) for key in bad]
    try:
        with transaction.atomic():
            import_records(document, actor=actor, report=report, places=places, known=known)
    except (DataError, IntegrityError, OverflowError) as error:
        report.errors.append(database_refusal(error))
    columns = {c.key: c.header for c in SHEETS[kind][1]}
    for issue in report.errors:
        line, column = _locate(issue.path, kind, numbers, columns)
        if line is None:
            result.report.errors.append(issue)
        else:
            result.add(line, column, issue.code, issue.message)
    result.report.warnings += [
        Issue(_where(_locate(w.path, kind, numbers, columns)), w.code, w.message) for w in report.warnings
    ]
    result.report.created.update(report.created)
    result.report.updated.update(report.updated)
    result.report.unchanged.update(report.unchanged)


def _locate(path: str, kind: str, numbers: list[int], columns: dict[str, str]) -> tuple[int | None, str | None]:
    """$.facilities[3].place.commune → (the sheet row of record 3, "Xã/phường")."""
    prefix = f"$.{kind}["
    if not path.startswith(prefix):
        return None, None
    index_text, _, rest = path[len(prefix) :].partition("]")
    if not index_text.isdigit() or int(index_text) >= len(numbers):
        return None, None
    key = rest.lstrip(".").split(".")[-1].split("[")[0] if rest else ""
    return numbers[int(index_text)], columns.get(key)


THE_FILE = gettext_noop("Tệp")


def _where(located: tuple[int | None, str | None]) -> str:
    """Where an issue is, as a whole phrase: the file, a row, or a row and the (Vietnamese) heading of a column."""
    row, column = located
    if row is None:
        return Message(THE_FILE)
    if column:
        return Message(gettext_noop("Dòng %(row)s, cột «%(column)s»"), row=row, column=column)
    return Message(gettext_noop("Dòng %(row)s"), row=row)


def error_copy(data: bytes, result: ExcelImport) -> bytes:
    """The uploaded rows with a "Lỗi" column: what to fix, on the line to fix. Cells are written back as text values
    (formulas neutralised), so the copy cannot run anything either."""
    title, columns = SHEETS[result.kind]
    source = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        sheet = source[title] if title in source.sheetnames else source.worksheets[0]
        out = Workbook(write_only=True)
        target = out.create_sheet(title)
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [safe_cell(v) for v in list(values[: len(columns)])]
            cells += [None] * (len(columns) - len(cells))
            note = ERROR_HEADER if number == 1 else "; ".join(result.row_errors.get(number, []))
            # Messages quote the values typed, which may begin with "=".
            target.append([*cells, safe_cell(note)])
    finally:
        source.close()
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()
