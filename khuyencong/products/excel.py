"""The two spreadsheets of a selection round: the entries (one product a row) and the score sheets (one judge a sheet,
one product a row, one criterion a column). Each row is checked and written through the products services, every
error named by its sheet, row and column, all or nothing. The container checks, the column specs and the cell readers
are the exchange templates' (`khuyencong/exchange/excel.py`)."""

from __future__ import annotations

import datetime
import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError, IntegrityError, transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from khuyencong.accounts.models import User
from khuyencong.core.csv import safe_cell
from khuyencong.core.untrusted import text_problem
from khuyencong.exchange.excel import MAX_BYTES, MAX_ROWS, ColumnSpec, SpreadsheetRefused, _date, _text, check_container

from . import authority, services
from .models import Certificate, Entry, Judge, Product, Score, SelectionRound
from .rules import GUIDE_SHEET
from .selectors import certificates_for, products_for

# The sheet's name, its headings and its guide are the template an official fills in and the importer reads: Vietnamese
# for everyone. The messages about a file are the reader's language.
ENTRY_SHEET = "Sản phẩm dự bình chọn"  # vi-only: the template's sheet the importer reads
ENTRY_COLUMNS = [  # vi-only: the template's headings the importer reads
    ColumnSpec("Mã sản phẩm", "product", True, 18, "Mã sản phẩm đã có trong hệ thống."),
    ColumnSpec("Ngày đăng ký", "registered_on", True, 14, "ngày/tháng/năm"),
    ColumnSpec("Số giấy chứng nhận cấp dưới", "lower_certificate", False, 24, "Bắt buộc từ cấp tỉnh trở lên."),
]
PRODUCT_HEADER, NAME_HEADER = "Mã sản phẩm", "Tên sản phẩm"  # vi-only: the template's headings the importer reads


@dataclass
class SheetErrors:
    """Every message of an upload, by sheet and row (row 0: the sheet as a whole)."""

    rows: int = 0
    written: int = 0
    errors: list[tuple[str, int, str | None, str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, sheet: str, row: int, column: str | None, code: str, message: str) -> None:
        self.errors.append((sheet, row, column, code, message))

    def lines(self) -> list[str]:
        out = []
        for sheet, row, column, code, message in self.errors:
            names = {"sheet": sheet, "row": row, "column": column, "message": message, "code": code}
            if row and column:
                line = _("Trang «%(sheet)s», dòng %(row)s, cột «%(column)s»: %(message)s [%(code)s]") % names
            elif row:
                line = _("Trang «%(sheet)s», dòng %(row)s: %(message)s [%(code)s]") % names
            elif column:
                line = _("Trang «%(sheet)s», cột «%(column)s»: %(message)s [%(code)s]") % names
            else:
                line = _("Trang «%(sheet)s»: %(message)s [%(code)s]") % names
            out.append(line)
        return out


def _header(sheet: Any, title: str, headers: list[str], errors: SheetErrors) -> bool:
    found = [str(v or "").replace("*", "").strip() for v in next(sheet.iter_rows(max_row=1, values_only=True), ())]
    if found[: len(headers)] != headers:
        missing = [h for h in headers if h not in found]
        if missing:
            message = _("Dòng tiêu đề không đúng mẫu; thiếu cột: %(columns)s.") % {"columns": ", ".join(missing)}
        else:
            message = _("Dòng tiêu đề không đúng mẫu; các cột phải đúng thứ tự của mẫu.")
        errors.add(title, 1, None, "header", message)
        return False
    return True


def _rows(sheet: Any, title: str, width: int, errors: SheetErrors) -> Any:
    for number, values in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        if number - 1 > MAX_ROWS:
            errors.add(title, number, None, "too_many_rows", _("Trang có hơn %(n)s dòng.") % {"n": MAX_ROWS})
            return
        cells = list(values[:width]) + [None] * (width - len(values[:width]))
        if all(v is None or str(v).strip() == "" for v in cells):
            continue
        yield number, cells


def _cell_text(value: Any, title: str, number: int, column: str, errors: SheetErrors) -> str | None:
    """A cell as text; a formula or a control character is refused (a sheet is data, never a program)."""
    text = _text(value)
    if text.startswith("="):
        errors.add(title, number, column, "formula", _("Ô có công thức; ghi giá trị."))
        return None
    if (problem := text_problem(text)) is not None:
        errors.add(title, number, column, "text_invalid", problem)
        return None
    return text


def _refusal(error: ValidationError | PermissionDenied) -> list[tuple[str | None, str, str]]:
    """A service's refusal as (field, code, message) rows."""
    if isinstance(error, PermissionDenied):
        return [(None, getattr(error, "code", "permission_denied"), str(error))]
    if hasattr(error, "error_dict"):
        return [
            (name, item.code or "rule_violated", " ".join(item.messages))
            for name, items in error.error_dict.items()
            for item in items
        ]
    return [(None, item.code or "rule_violated", " ".join(item.messages)) for item in error.error_list]


def _open(data: bytes, errors: SheetErrors) -> Any:
    try:
        check_container(data)
        return load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except SpreadsheetRefused as refused:
        errors.add(_("Tệp"), 0, None, refused.code, str(refused))
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        errors.add(_("Tệp"), 0, None, "not_xlsx", _("Không đọc được bảng tính: %(error)s") % {"error": error})
    return None


def _styled_header(sheet: Any, headers: list[tuple[str, int]]) -> None:
    for index, (header, width) in enumerate(headers, start=1):
        cell = sheet.cell(1, index, header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"


def _saved(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- entries ----------------------------------------------------------------------------------------------------------


def entries_template(selection: SelectionRound) -> bytes:  # vi-only: the template an official fills in
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = ENTRY_SHEET
    _styled_header(sheet, [(c.header + (" *" if c.required else ""), c.width) for c in ENTRY_COLUMNS])
    guide = workbook.create_sheet(GUIDE_SHEET)
    guide.append([safe_cell(f"{selection.name} ({selection.code}): mỗi dòng một sản phẩm, từ dòng 2.")])
    guide.append(["Tệp có lỗi không ghi gì; mỗi lỗi ghi rõ dòng và cột."])
    for column in ENTRY_COLUMNS:
        guide.append([safe_cell(f"{column.header}: {column.note}")])
    return _saved(workbook)


def entries_import(data: bytes, *, selection: SelectionRound, actor: User) -> SheetErrors:
    """Each row registers one product (`entry_register`, with the same checks as the page), in one transaction:
    any error anywhere and nothing is written."""
    errors = SheetErrors()
    workbook = _open(data, errors)
    if workbook is None:
        return errors
    columns = {c.key: c.header for c in ENTRY_COLUMNS}
    seen: dict[str, int] = {}
    try:
        sheet = workbook[ENTRY_SHEET] if ENTRY_SHEET in workbook.sheetnames else workbook.worksheets[0]
        if not _header(sheet, ENTRY_SHEET, [c.header for c in ENTRY_COLUMNS], errors):
            return errors
        with transaction.atomic():
            for number, cells in _rows(sheet, ENTRY_SHEET, len(ENTRY_COLUMNS), errors):
                errors.rows += 1
                _entry_row(number, cells, selection, actor, columns, seen, errors)
            if not errors.ok:
                transaction.set_rollback(True)
    except (DataError, IntegrityError) as error:
        errors.add(ENTRY_SHEET, 0, None, "value_refused", _value_refused(error))
    finally:
        workbook.close()
    if not errors.ok:
        errors.written = 0
    return errors


def _value_refused(error: Exception) -> str:
    return _("Cơ sở dữ liệu không nhận một giá trị: %(error)s") % {"error": error}


def _entry_row(
    number: int,
    cells: list[Any],
    selection: SelectionRound,
    actor: User,
    columns: dict[str, str],
    seen: dict[str, int],
    errors: SheetErrors,
) -> None:
    before = len(errors.errors)
    code = _cell_text(cells[0], ENTRY_SHEET, number, columns["product"], errors)
    certificate_code = _cell_text(cells[2], ENTRY_SHEET, number, columns["lower_certificate"], errors)
    registered_on: datetime.date | None = None
    try:
        registered_on = datetime.date.fromisoformat(_date(cells[1])) if _text(cells[1]) else None
        if registered_on is None:
            errors.add(ENTRY_SHEET, number, columns["registered_on"], "required", _("Ghi ngày đăng ký."))
    except ValueError as error:
        errors.add(ENTRY_SHEET, number, columns["registered_on"], "date_invalid", str(error))
    product: Product | None = None
    if code == "":
        errors.add(ENTRY_SHEET, number, columns["product"], "required", _("Ghi mã sản phẩm."))
    elif code is not None:
        if code in seen:
            message = _("Trùng dòng %(row)s.") % {"row": seen[code]}
            errors.add(ENTRY_SHEET, number, columns["product"], "duplicate_entry", message)
        seen.setdefault(code, number)
        product = products_for(actor).select_related("facility").filter(code=code).first()
        if product is None:
            message = _("Không có sản phẩm «%(code)s».") % {"code": code}
            errors.add(ENTRY_SHEET, number, columns["product"], "reference_missing", message)
    lower: Certificate | None = None
    if certificate_code:
        lower = certificates_for(actor).filter(code=certificate_code).first()
        if lower is None:
            message = _("Không có giấy chứng nhận «%(code)s».") % {"code": certificate_code}
            errors.add(ENTRY_SHEET, number, columns["lower_certificate"], "reference_missing", message)
    if len(errors.errors) != before or product is None or registered_on is None:
        return
    try:
        with transaction.atomic():
            services.entry_register(
                actor=actor, selection=selection, product=product, registered_on=registered_on, lower_certificate=lower
            )
        errors.written += 1
    except (ValidationError, PermissionDenied) as error:
        fields = {"product": columns["product"], "lower_certificate": columns["lower_certificate"],
                  "on": columns["registered_on"]}  # fmt: skip
        for name, code_, message in _refusal(error):
            errors.add(ENTRY_SHEET, number, fields.get(name or ""), code_, message)


# --- score sheets -----------------------------------------------------------------------------------------------------


def _criterion_header(name: str, max_points: Decimal) -> str:  # vi-only: a heading the importer reads
    return f"{name} (tối đa {max_points.normalize():f})"


def scores_template(selection: SelectionRound, actor: User) -> bytes:  # vi-only: the template an official fills in
    """One sheet per judge the user may fill in (their own; for the organiser, the judges without an account, whose
    paper sheets it types in), named by the judge's code, one row per entry, one column per criterion."""
    criteria = list(selection.criteria.order_by("position"))
    entries = list(Entry.objects.filter(round=selection).select_related("product").order_by("product__code"))
    workbook = Workbook()
    first = workbook.active
    assert first is not None
    guide = first
    guide.title = GUIDE_SHEET
    guide.append([safe_cell(f"{selection.name} ({selection.code}): mỗi trang là phiếu chấm của một giám khảo.")])
    guide.append(["Ghi điểm từng tiêu chí, không quá điểm tối đa, tối đa hai chữ số thập phân; ô trống: chưa chấm."])
    guide.append(["Tệp có lỗi không ghi gì; mỗi lỗi ghi rõ trang, dòng và cột."])
    for judge in _judges_for(selection, actor):
        sheet = workbook.create_sheet(judge.code[:31])
        headers = [(PRODUCT_HEADER, 16), (NAME_HEADER, 32)]
        headers += [(_criterion_header(c.name, c.max_points), 18) for c in criteria]
        _styled_header(sheet, headers)
        for entry in entries:
            sheet.append([safe_cell(entry.product.code), safe_cell(entry.product.name)])
    return _saved(workbook)


def _judges_for(selection: SelectionRound, actor: User) -> list[Judge]:
    return [
        judge
        for judge in selection.judges.order_by("code")
        if authority.can_score(actor, judge) or authority.can_transcribe_sheet(actor, judge)
    ]


def scores_import(data: bytes, *, selection: SelectionRound, actor: User) -> SheetErrors:
    """Each sheet is one judge's (by its name, the judge's code): their own sheet for a judge, or a paper sheet the
    organiser types in for a judge without an account. Every cell is checked (a number, two decimals at most, not
    above the criterion's maximum) and recorded by `score_record`; any error anywhere and nothing is written."""
    errors = SheetErrors()
    workbook = _open(data, errors)
    if workbook is None:
        return errors
    criteria = list(selection.criteria.order_by("position"))
    headers = [PRODUCT_HEADER, NAME_HEADER] + [_criterion_header(c.name, c.max_points) for c in criteria]
    judges = {j.code: j for j in selection.judges.all()}
    entries = {e.product.code: e for e in Entry.objects.filter(round=selection).select_related("product")}
    try:
        with transaction.atomic():
            for title in workbook.sheetnames:
                if title == GUIDE_SHEET:
                    continue
                judge = judges.get(title)
                if judge is None:
                    message = _("Đợt không có giám khảo mã «%(code)s».") % {"code": title}
                    errors.add(title, 0, None, "reference_missing", message)
                    continue
                transcribed = not authority.can_score(actor, judge)
                if transcribed and not authority.can_transcribe_sheet(actor, judge):
                    message = _("Bạn không chấm hay nhập được phiếu của %(judge)s.") % {"judge": judge.name}
                    errors.add(title, 0, None, "out_of_scope", message)
                    continue
                sheet = workbook[title]
                if not _header(sheet, title, headers, errors):
                    continue
                seen: dict[str, int] = {}
                for number, cells in _rows(sheet, title, len(headers), errors):
                    errors.rows += 1
                    _score_row(title, number, cells, judge, criteria, headers, entries, seen, actor, transcribed,
                               errors)  # fmt: skip
            if not errors.ok:
                transaction.set_rollback(True)
    except (DataError, IntegrityError) as error:
        errors.add(_("Tệp"), 0, None, "value_refused", _value_refused(error))
    finally:
        workbook.close()
    if not errors.ok:
        errors.written = 0
    return errors


def _score_row(
    title: str,
    number: int,
    cells: list[Any],
    judge: Judge,
    criteria: list[Any],
    headers: list[str],
    entries: dict[str, Entry],
    seen: dict[str, int],
    actor: User,
    transcribed: bool,
    errors: SheetErrors,
) -> None:
    code = _cell_text(cells[0], title, number, PRODUCT_HEADER, errors)
    if not code:
        if code == "":
            errors.add(title, number, PRODUCT_HEADER, "required", _("Ghi mã sản phẩm."))
        return
    entry = entries.get(code)
    if entry is None:
        message = _("Sản phẩm «%(code)s» không dự đợt này.") % {"code": code}
        errors.add(title, number, PRODUCT_HEADER, "reference_missing", message)
        return
    if code in seen:
        errors.add(title, number, PRODUCT_HEADER, "duplicate_entry", _("Trùng dòng %(row)s.") % {"row": seen[code]})
        return
    seen[code] = number
    # A sheet uploaded again: a cell that says what stands is not a correction.
    standing = dict(Score.objects.standing().filter(entry=entry, judge=judge).values_list("criterion", "points"))
    for criterion, header, value in zip(criteria, headers[2:], cells[2:], strict=True):
        text = _cell_text(value, title, number, header, errors)
        if not text:
            continue  # not scored yet
        try:
            points = Decimal(text.replace(",", ".")) if isinstance(value, str) else Decimal(str(value))
        except InvalidOperation:
            message = _("«%(value)s» không phải số điểm.") % {"value": text}
            errors.add(title, number, header, "points_invalid", message)
            continue
        if standing.get(criterion.pk) == points:
            continue
        try:
            with transaction.atomic():
                services.score_record(
                    actor=actor, entry=entry, judge=judge, criterion=criterion, points=points, transcribed=transcribed
                )
            errors.written += 1
        except (ValidationError, PermissionDenied) as error:
            for _field, refusal_code, message in _refusal(error):
                errors.add(title, number, header, refusal_code, message)


def error_lines_copy(errors: SheetErrors) -> bytes:  # vi-only: a sheet beside the Vietnamese template it answers
    """The messages as a sheet of their own, one a row: what to fix and where."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Lỗi"
    _styled_header(sheet, [("Trang", 22), ("Dòng", 8), ("Cột", 28), ("Mã lỗi", 22), ("Nội dung", 80)])
    for title, row, column, code, message in errors.errors:
        sheet.append([safe_cell(title), row or None, safe_cell(column or ""), code, safe_cell(message)])
    return _saved(workbook)


__all__ = ["MAX_BYTES", "entries_import", "entries_template", "error_lines_copy", "scores_import", "scores_template"]
