"""Import of an exchange document: all or nothing, every error listed with its JSON path, a code and a message.

Each record is applied in its own savepoint so that one bad record does not hide the errors of the next; if any error
was found, the whole import is rolled back. The checks are one pass: a record the schema refuses is not applied, but its
references and place that can be read are still looked up, and every other record is checked as usual, so that one
answer lists the errors of the schema, the references, the places and the rules together. Events are replayed through
the same workflow services and legal rules as the web pages. Importing the same document again changes nothing and
reports every record as unchanged.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import json
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError, IntegrityError, transaction
from django.utils.translation import gettext, gettext_noop

from khuyencong.accounts import access
from khuyencong.accounts.models import User
from khuyencong.consulting.models import ConsultingRecord
from khuyencong.consulting.services import consulting_record
from khuyencong.core.codes import DUPLICATE_CODE, is_unique_violation
from khuyencong.core.corrections import VoidNote
from khuyencong.core.money import MoneyError, parse_money
from khuyencong.core.refusals import first_code
from khuyencong.core.untrusted import InputRefused, Limits, column_limits, hostile_values, load_json
from khuyencong.facilities.models import Facility, Trade
from khuyencong.facilities.services import (
    LOOKUP_CHUNK,
    DuplicateFacilityWarning,
    FacilityBatchRefused,
    FacilityData,
    NewFacility,
    facility_create,
    facility_create_many,
    facility_update,
)
from khuyencong.facilities.validators import normalize_tax_code
from khuyencong.geography.models import LAST_DAY_BEFORE_REFORM
from khuyencong.geography.resolver import PlaceError, PlaceResolver, ResolvedPlace
from khuyencong.organizations.models import Organization, Region
from khuyencong.organizations.services import organization_territories_fill
from khuyencong.products import authority as product_authority
from khuyencong.products import services as product_services
from khuyencong.products.models import (
    Certificate,
    CouncilMember,
    Entry,
    HolderReport,
    Judge,
    Product,
    RoundCriterion,
    Score,
    SelectionRound,
)
from khuyencong.products.rules import DEFAULT_CRITERIA, DEFAULT_THRESHOLD, Criterion
from khuyencong.programs.models import Allocation, BudgetDecision, Plan, Program, ProgramTarget
from khuyencong.programs.services import (
    plan_allocate,
    plan_budget_decide,
    plan_create,
    plan_entry_void,
    program_create,
)
from khuyencong.projects.models import Payment, Project, ProjectContent, ProjectEvent, Result
from khuyencong.projects.services import (
    payment_record,
    payment_void,
    project_create,
    project_province,
    project_record_event,
    project_void_event,
    result_record,
    result_void,
)
from khuyencong.reporting import authority as reporting_authority
from khuyencong.reporting.models import ReportingDuty, Submission, SubmissionAction, SubmissionEvent
from khuyencong.reporting.rules import TRANSITIONS, Frequency, Move, SubmissionState, period_of
from khuyencong.reporting.services import (
    MOVE_ACTIONS,
    TEXT_FIELDS,
    ReceivedFigures,
    submission_accept,
    submission_edit,
    submission_new_version,
    submission_open,
    submission_return,
    submission_submit,
)

# Money is read by parse_money, whose messages say more than a column's width; a tax code is normalised first.
_SKIPPED = {"total_cost", "support_requested", "counterpart", "amount", "revenue", "planned_revenue", "tax_code"}


def _exchange_limits() -> Limits:
    """What the columns behind each exchange field hold, read from the models so that the two cannot drift."""
    records: dict[str, Any] = {
        "organizations": Organization, "facilities": Facility, "programs": Program, "programs.targets": ProgramTarget,
        "plans": Plan, "plans.budget": BudgetDecision, "plans.allocations": Allocation, "projects": Project,
        "projects.events": ProjectEvent, "projects.payments": Payment, "projects.results": Result,
        "consulting": ConsultingRecord, "reporting_submissions": Submission,
        "reporting_submissions.events": SubmissionEvent, "products": Product, "selection_rounds": SelectionRound,
        "selection_rounds.criteria": RoundCriterion, "selection_rounds.judges": Judge,
    }  # fmt: skip
    fields = {
        f"{prefix}.{field.name}": field
        for prefix, model in records.items()
        for field in model._meta.concrete_fields
        if not field.is_relation and field.name not in _SKIPPED
    }
    fields["facilities.trade"] = Facility._meta.get_field("trade_description")
    fields["reporting_submissions.period"] = Submission._meta.get_field("period_key")
    fields["facilities.place.commune"] = Facility._meta.get_field("commune_as_written")
    return column_limits(fields)


def database_refusal(error: DataError | IntegrityError | OverflowError) -> Issue:
    """The last line: a value the checks above missed and the database refused. Everything is rolled back."""
    if isinstance(error, IntegrityError) and is_unique_violation(error):
        return Issue(
            "$",
            DUPLICATE_CODE,
            Message(gettext_noop("Một mã trong tệp vừa được người khác ghi vào hệ thống; hãy nhập lại tệp.")),
        )
    return Issue(
        "$", "value_refused", Message(gettext_noop("Cơ sở dữ liệu không nhận một giá trị trong tệp; không ghi gì."))
    )


def import_bytes(raw: bytes, *, actor: User) -> ImportReport:
    """An uploaded or read file imported whole, or refused with coded issues: never an exception from its content."""
    report = ImportReport()
    try:
        document = load_json(raw)
    except InputRefused as refused:
        report.errors.append(Issue("$", refused.code, str(refused)))
        return report
    try:
        return exchange_import(document, actor=actor)
    except (DataError, IntegrityError, OverflowError) as error:
        report.errors.append(database_refusal(error))
        return report


SCHEMA = json.loads((Path(__file__).resolve().parent / "schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


class Message(str):
    """A message in the language of the moment that keeps the Vietnamese text it was made from (marked where it is
    written, with `gettext_noop`) and its values.

    An Excel upload's issues are stored on its import job and read later, by whoever opens the job, in his language.
    They are not stored translated into the uploader's language of the moment, nor only as Vietnamese: the job keeps
    each message's text and values (`Issue.stored`) and the page translates them when it shows them (`shown`), so
    the Vietnamese page reads exactly as before and an English reader reads English. The stored words themselves
    stay Vietnamese (the worker writes them under `translation.override("vi")`, as it writes the error copy, a
    Vietnamese file): they are what a message from another app (a service's refusal, a place not found), which has
    no text kept, is shown as."""

    text: str
    values: dict[str, str | int]

    def __new__(cls, text: str, /, **values: Any) -> Message:
        plain = {name: value if isinstance(value, int) else str(value) for name, value in values.items()}
        made = super().__new__(cls, gettext(text) % plain if plain else gettext(text))
        made.text, made.values = text, plain
        return made


def shown(kept: dict[str, Any]) -> dict[str, Any]:
    """An issue stored by `Issue.stored`, in the reader's language; a message without its text as it was stored."""
    result = dict(kept)
    for name in ("path", "message"):
        text = kept.get(f"{name}_text")
        if isinstance(text, str) and text:
            values = kept.get(f"{name}_values") or {}
            # A catalogue's English that would not take the values: the stored words.
            with contextlib.suppress(KeyError, TypeError, ValueError):
                result[name] = gettext(text) % values if values else gettext(text)
    return result


@dataclass(frozen=True)
class Issue:
    path: str
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.path} [{self.code}] {self.message}"

    def stored(self) -> dict[str, Any]:
        """The issue as an import job keeps it: its words, and the text and values of those this app wrote."""
        kept: dict[str, Any] = {"path": str(self.path), "code": self.code, "message": str(self.message)}
        for name in ("path", "message"):
            value = getattr(self, name)
            if isinstance(value, Message):
                kept[f"{name}_text"], kept[f"{name}_values"] = value.text, value.values
        return kept


@dataclass
class ImportReport:
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changed_nothing(self) -> bool:
        return self.ok and not self.created and not self.updated


class RecordError(Exception):
    def __init__(self, path: str, code: str, message: str) -> None:
        super().__init__(message)
        self.issue = Issue(path, code, message)


def _json_path(parts: Any) -> str:
    path = "$"
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


# The validator's own words (English, from jsonschema) follow the reason, as %(detail)s.
SCHEMA_MESSAGES = {
    "required": gettext_noop("thiếu trường bắt buộc: %(detail)s"),
    "additionalProperties": gettext_noop(
        "trường không có trong định dạng (ghi thêm dữ liệu riêng dưới «extra»): %(detail)s"
    ),
    "enum": gettext_noop("giá trị không thuộc danh mục cho phép: %(detail)s"),
    "const": gettext_noop("giá trị không đúng: %(detail)s"),
    "type": gettext_noop("sai kiểu dữ liệu: %(detail)s"),
    "pattern": gettext_noop("sai dạng (ngày phải là YYYY-MM-DD): %(detail)s"),
    "minimum": gettext_noop("nhỏ hơn giá trị tối thiểu: %(detail)s"),
    "maximum": gettext_noop("lớn hơn giá trị tối đa: %(detail)s"),
    "minLength": gettext_noop("không được để trống: %(detail)s"),
    "oneOf": gettext_noop("phải là số nguyên đồng hoặc chuỗi số tiền: %(detail)s"),
}
SCHEMA_INVALID = gettext_noop("không hợp lệ: %(detail)s")


# The keywords `_plainly_valid` walks through itself; a schema node with any other keyword is a leaf, checked whole.
_STRUCTURE = {"type", "properties", "required", "additionalProperties", "items"}
_ANNOTATIONS = {"$schema", "$id", "title", "description"}
# Leaves whose answer was already found, by schema node and value: most columns of a large file repeat a few values.
_LEAF_ANSWERS: dict[tuple[int, type, Any], bool] = {}
# A node is checked apart from the document only if nothing in it refers to another part of the schema.
_SELF_CONTAINED = not any(word in json.dumps(SCHEMA) for word in ("$ref", "$dynamicRef", "unevaluated", "$anchor"))


def _plainly_valid(schema: Any, value: Any) -> bool:
    """True only if `value` is valid against `schema` (then the validator would find nothing); False if it may not
    be, and the validator is asked. Objects and arrays are walked here; their leaves are asked of the validator once
    per distinct value, where a whole document costs the validator one descent per value (most of a large upload's
    schema check)."""
    if not isinstance(schema, dict):
        return False
    keywords = schema.keys() - _ANNOTATIONS
    kind = schema.get("type")
    if keywords <= _STRUCTURE and kind in ("object", "array"):
        if kind == "array":
            return isinstance(value, list) and (
                "items" not in schema or all(_plainly_valid(schema["items"], item) for item in value)
            )
        if not isinstance(value, dict) or "items" in schema:
            return False
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        if extra is not True and extra is not False:
            return False
        if extra is False and not value.keys() <= properties.keys():
            return False
        if not all(key in value for key in schema.get("required", [])):
            return False
        return all(_plainly_valid(properties[key], item) for key, item in value.items() if key in properties)
    try:
        key = (id(schema), type(value), value)
        hash(key)
    except TypeError:
        return VALIDATOR.evolve(schema=schema).is_valid(value)
    if key not in _LEAF_ANSWERS:
        if len(_LEAF_ANSWERS) > 100_000:
            _LEAF_ANSWERS.clear()
        _LEAF_ANSWERS[key] = VALIDATOR.evolve(schema=schema).is_valid(value)
    return _LEAF_ANSWERS[key]


# The sections of a document, in the order they are imported.
KINDS = (
    "organizations",
    "facilities",
    "programs",
    "plans",
    "projects",
    "consulting",
    "reporting_submissions",
    "products",
    "selection_rounds",
)
# A periodic report has no code of its own: it is named by its duty, body, year, period and version.
SUBMISSION_KEY = ("duty", "organization", "year", "period", "version")


def submission_key(item: Any) -> str | None:
    """A report's name in the file ("sct_half_yearly/SCT-15/2026/h1/1"), or None if its parts cannot be read."""
    parts = [item.get(name) for name in SUBMISSION_KEY] if isinstance(item, dict) else []
    types = (str, str, int, str, int)
    if len(parts) != len(types) or not all(isinstance(p, t) for p, t in zip(parts, types, strict=True)):
        return None
    return "/".join(str(part) for part in parts)


def _record_code(kind: str, item: Any, readable: Callable[..., bool]) -> str | None:
    """What names a record of the file in the messages of the records that refer to it: its code, or a report's key."""
    if kind == "reporting_submissions":
        return submission_key(item) if all(readable(name) for name in SUBMISSION_KEY) else None
    code = item.get("code") if isinstance(item, dict) else None
    return code if isinstance(code, str) and readable("code") else None


# A JSON path as its keys and indexes: ("projects", 3, "events", 1, "on") is $.projects[3].events[1].on.
PathParts = tuple[str | int, ...]

_PATH_PART = re.compile(r"\.([^.\[]+)|\[(\d+)\]")


def _path_parts(path: str) -> PathParts:
    return tuple(key if index == "" else int(index) for key, index in _PATH_PART.findall(path.removeprefix("$")))


class Unreadable:
    """The parts of a document the checks after the schema cannot read, by record. A record with any of them is not
    written and its later checks are skipped, except its references and places that are themselves readable: one
    answer then lists the schema's errors and those of every check after it. What the importer never reads (an
    unknown field, anything under `extra`) leaves its record readable."""

    def __init__(self) -> None:
        self.whole = False
        self.by_record: dict[tuple[str, int], set[PathParts]] = {}

    def add(self, path: PathParts) -> None:
        if "extra" in path:
            return
        if not path:
            self.whole = True
        elif len(path) >= 2 and isinstance(path[0], str) and isinstance(path[1], int):
            self.by_record.setdefault((path[0], path[1]), set()).add(path[2:])

    def skipped(self, kind: str, index: int) -> bool:
        return (kind, index) in self.by_record

    def readable(self, kind: str, index: int, *parts: str | int) -> bool:
        """Whether nothing at, under or above these parts of the record is broken."""
        return not any(broken[: len(parts)] == parts[: len(broken)] for broken in self.by_record.get((kind, index), ()))


def _covered(path: PathParts, known: Collection[PathParts]) -> bool:
    return any(path[: len(k)] == k for k in known)


def _required_key(error: jsonschema.ValidationError) -> str | None:
    """The property a `required` error is about: the validator yields one error per missing property, named first."""
    instance = error.instance if isinstance(error.instance, dict) else {}
    return next(
        (key for key in error.validator_value if key not in instance and error.message.startswith(repr(key))), None
    )


def validate_document(document: Any, report: ImportReport, known: Collection[PathParts] = ()) -> Unreadable:
    """Every error of the document's own shape, each with its JSON path: values no column can store (control
    characters, text or numbers wider than their column, absurd depth), the schema, codes repeated within a kind.
    Returns what the later checks cannot read. `known` are parts the caller has already found unreadable and
    reported (a spreadsheet's cell): they are left out of the document and not reported again."""
    unreadable = Unreadable()
    hostile: set[PathParts] = set()
    for problem in hostile_values(document, _exchange_limits()):
        parts = _path_parts(problem.path)
        if not _covered(parts, known):
            report.errors.append(Issue(problem.path, problem.code, problem.message))
        if problem.code == "json_too_deep":
            # Nothing deeper is walked, not even by the schema's validator, which recurses once per level.
            unreadable.whole = True
            return unreadable
        unreadable.add(parts)
        hostile.add(parts)
    for part in known:
        unreadable.add(part)
    if _SELF_CONTAINED and _plainly_valid(SCHEMA, document):
        errors = []
    else:
        errors = sorted(VALIDATOR.iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
    for error in errors:
        path = tuple(error.absolute_path)
        missing = _required_key(error) if error.validator == "required" else None
        if _covered(path if missing is None else (*path, missing), known):
            continue
        if path in hostile and not isinstance(error.instance, dict | list):
            continue  # the same value, already named (a code too long for its column is also too long for the schema)
        reason = SCHEMA_MESSAGES.get(str(error.validator), SCHEMA_INVALID)
        message = Message(reason, detail=error.message)
        report.errors.append(Issue(_json_path(path), f"schema_{error.validator}", message))
        if error.validator == "required" and isinstance(error.instance, dict):
            for key in error.validator_value:
                if key not in error.instance:
                    unreadable.add((*path, key))
        elif error.validator != "additionalProperties":
            unreadable.add(path)
    if unreadable.whole or not isinstance(document, dict):
        unreadable.whole = True
        return unreadable
    for kind in KINDS:
        items = document.get(kind)
        seen: dict[str, int] = {}
        for index, item in enumerate(items if isinstance(items, list) else []):
            code = _record_code(kind, item, functools.partial(unreadable.readable, kind, index))
            if code is None:
                continue
            if code in seen and kind == "reporting_submissions":
                message = Message(
                    gettext_noop("Báo cáo «%(code)s» (chế độ/cơ quan/năm/kỳ/lần) trùng với %(first)s."),
                    code=code,
                    first=f"$.{kind}[{seen[code]}]",
                )
                report.errors.append(Issue(f"$.{kind}[{index}]", "duplicate_record", message))
                unreadable.add((kind, index, "version"))
            elif code in seen:
                message = Message(
                    gettext_noop("Mã «%(code)s» trùng với %(first)s."), code=code, first=f"$.{kind}[{seen[code]}]"
                )
                report.errors.append(Issue(f"$.{kind}[{index}].code", "duplicate_code", message))
                # The first record of that code is the one imported; this one is only checked.
                unreadable.add((kind, index, "code"))
            seen.setdefault(code, index)
    return unreadable


def import_file(path: Path, *, actor: User) -> ImportReport:
    return import_bytes(path.read_bytes(), actor=actor)


def exchange_import(document: Any, *, actor: User) -> ImportReport:
    """Imports as `actor`, the person who sends the file: every row written names them, every record must lie in
    their territory, and each step names the body that took it, which must hold the authority for it."""
    report = ImportReport()
    with transaction.atomic():
        import_records(document, actor=actor, report=report)
        if report.errors:
            transaction.set_rollback(True)
    return report


def import_records(
    document: Any,
    *,
    actor: User,
    report: ImportReport,
    places: PlaceResolver | None = None,
    known: Collection[PathParts] = (),
) -> None:
    """Adds one document's records to `report`, inside the caller's transaction: a large upload is imported in
    parts, and the caller rolls everything back if any part had an error. The parts of one upload share `places`,
    so that each place as written is resolved once per upload, not once per part. Every check runs in one pass: a
    record the schema refuses is skipped, the others are still checked (`validate_document`; `known` as there)."""
    part = ImportReport()
    unreadable = validate_document(document, part, known)
    if not unreadable.whole:
        _Importer(document, actor, part, places, unreadable).run()
    report.errors += part.errors
    report.warnings += part.warnings
    report.created.update(part.created)
    report.updated.update(part.updated)
    report.unchanged.update(part.unchanged)


def _date(value: str, path: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        message = Message(gettext_noop("Ngày «%(value)s» không có thật."), value=value)
        raise RecordError(path, "date_invalid", message) from error


def _money(value: Any, path: str) -> Decimal:
    try:
        return parse_money(value)
    except MoneyError as error:
        raise RecordError(path, "money_invalid", str(error)) from error


def _said(items: list[ValidationError]) -> str:
    """A service's refusal as its words: one message keeps its text and values (`Message`: a job shows it in its
    reader's language; the service said it in the language of the moment, which is the catalogue's Vietnamese where a
    job is written), several are joined as said."""
    text = items[0].message if len(items) == 1 else None
    if isinstance(text, str):
        with contextlib.suppress(KeyError, TypeError, ValueError):
            return Message(text, **(items[0].params or {}))
    return " ".join(message for item in items for message in item.messages)


def _service_error(path: str, error: ValidationError | PermissionDenied) -> RecordError:
    if isinstance(error, PermissionDenied):
        return RecordError(path, getattr(error, "code", "permission_denied"), Message(str(error)))
    code = first_code(error)
    if hasattr(error, "error_dict"):
        fields = {name: items for name, items in error.error_dict.items() if name != "__all__"}
        if len(fields) == 1 and len(error.error_dict) == 1:
            # One field refused: the path names it, as for a schema error.
            ((name, items),) = fields.items()
            return RecordError(f"{path}.{name}", code, _said(items))
        parts = [f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()]
        return RecordError(path, code, "; ".join(parts))
    return RecordError(path, code, _said(error.error_list))


class _Held:
    """The records the system holds for one list of a file, by value: matched whatever order either comes in."""

    def __init__(self, records: Iterable[Any], key: Callable[[Any], tuple[Any, ...]]) -> None:
        self.by_key: dict[tuple[Any, ...], list[Any]] = {}
        for record in records:
            self.by_key.setdefault(key(record), []).append(record)

    def take(self, key: tuple[Any, ...], voided: bool) -> Any | None:
        """A held record of that value, preferably one voided or not as the file says; None if there is none."""
        candidates = self.by_key.get(key, [])
        for record in candidates:
            if record.is_voided == voided:
                candidates.remove(record)
                return record
        return candidates.pop(0) if candidates else None


def _record_issue(path: str, error: RecordError | ValidationError | PermissionDenied | PlaceError) -> Issue:
    """How a record's refusal is reported, whichever check raised it."""
    if isinstance(error, RecordError):
        return error.issue
    if isinstance(error, PlaceError):
        return Issue(f"{path}.place.{error.field or 'province'}", error.code, error.message)
    return _service_error(path, error).issue


# Facilities new to the system are created this many at a time: bounded memory whatever the document's length.
FACILITY_BATCH = 2000


@dataclass
class _FacilityRow:
    """A facility of the file on its way to `facility_create_many`, with what its row already has to report."""

    index: int
    path: str
    code: str
    data: FacilityData | None = None
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)


def _chunks(values: list[str], size: int = LOOKUP_CHUNK) -> Iterator[list[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


# What each kind of record is looked up in when another names it, how its absence is told, and how a record of the
# file that was refused is told.
_TARGETS: dict[str, tuple[Any, str, str]] = {
    "organizations": (
        Organization,
        gettext_noop("Không có tổ chức mã «%(codes)s» (trong tệp hoặc trong hệ thống)."),
        gettext_noop("Tổ chức mã «%(code)s» có trong tệp nhưng bản ghi đó có lỗi (%(path)s) nên chưa nhập được."),
    ),
    "programs": (
        Program,
        gettext_noop("Không có chương trình «%(codes)s»."),
        gettext_noop("Chương trình «%(code)s» có trong tệp nhưng bản ghi đó có lỗi (%(path)s) nên chưa nhập được."),
    ),
    "plans": (
        Plan,
        gettext_noop("Không có kế hoạch «%(codes)s»."),
        gettext_noop("Kế hoạch «%(code)s» có trong tệp nhưng bản ghi đó có lỗi (%(path)s) nên chưa nhập được."),
    ),
    "facilities": (
        Facility,
        gettext_noop("Không có cơ sở: %(codes)s."),
        gettext_noop("Cơ sở «%(code)s» có trong tệp nhưng bản ghi đó có lỗi (%(path)s) nên chưa nhập được."),
    ),
    "duties": (
        ReportingDuty,
        gettext_noop("Không có chế độ báo cáo «%(codes)s» trong hệ thống."),
        gettext_noop("Chế độ báo cáo «%(code)s» có trong tệp nhưng bản ghi đó có lỗi (%(path)s) nên chưa nhập được."),
    ),
    "projects": (
        Project,
        gettext_noop("Không có đề án «%(codes)s»."),
        gettext_noop("Đề án «%(code)s» có trong tệp nhưng bản ghi đó có lỗi (%(path)s) nên chưa nhập được."),
    ),
    "products": (
        Product,
        gettext_noop("Không có sản phẩm: %(codes)s."),
        gettext_noop("Sản phẩm «%(code)s» có trong tệp nhưng bản ghi đó có lỗi (%(path)s) nên chưa nhập được."),
    ),
}

FACILITY_OUTSIDE = gettext_noop("Cơ sở nằm ngoài địa bàn bạn được nhập dữ liệu.")
PROJECT_OUTSIDE = gettext_noop("Đề án nằm ngoài địa bàn bạn được nhập dữ liệu.")
SIMILAR_NAME = gettext_noop("Trùng tên với cơ sở cùng xã: %(names)s.")

# The references each kind of record holds, by their parts ("*": every item of a list), and the kind they name.
_REFERENCES: dict[str, list[tuple[PathParts, str]]] = {
    "organizations": [(("parent",), "organizations")],
    "plans": [
        (("owner",), "organizations"),
        (("program",), "programs"),
        (("budget", "*", "voided", "by"), "organizations"),
        (("allocations", "*", "to"), "organizations"),
        (("allocations", "*", "voided", "by"), "organizations"),
    ],
    "projects": [
        (("plan",), "plans"),
        (("implementer",), "organizations"),
        (("beneficiaries", "*"), "facilities"),
        (("events", "*", "by"), "organizations"),
        (("events", "*", "voided", "by"), "organizations"),
        (("payments", "*", "voided", "by"), "organizations"),
        (("results", "*", "voided", "by"), "organizations"),
    ],
    "consulting": [(("organization",), "organizations")],
    "reporting_submissions": [
        (("duty",), "duties"),
        (("organization",), "organizations"),
        (("events", "*", "by"), "organizations"),
    ],
    "products": [(("facility",), "facilities")],
    "selection_rounds": [
        (("organizer",), "organizations"),
        (("project",), "projects"),
        (("entries", "*", "product"), "products"),
    ],
}


def _walk(value: Any, pattern: PathParts, at: PathParts = ()) -> Iterator[tuple[PathParts, Any]]:
    """The values `pattern` names in `value`, with their parts; whatever is not of the expected shape is passed by."""
    if not pattern:
        yield at, value
        return
    head, rest = pattern[0], pattern[1:]
    if head == "*":
        for index, item in enumerate(value if isinstance(value, list) else []):
            yield from _walk(item, rest, (*at, index))
    elif isinstance(value, dict) and head in value:
        yield from _walk(value[head], rest, (*at, head))


class _Importer:
    def __init__(
        self,
        document: dict[str, Any],
        actor: User,
        report: ImportReport,
        places: PlaceResolver | None = None,
        unreadable: Unreadable | None = None,
    ) -> None:
        self.document, self.actor, self.report = document, actor, report
        self.scope = access.scope_of(actor)
        # Places are resolved once per place as written, not once per record.
        self.places = places or PlaceResolver()
        self._trades: dict[str, Trade] | None = None
        self._found: set[tuple[str, str]] = set()
        self.unreadable = unreadable or Unreadable()
        # Records of the file that are not imported, by kind and code, with their path: a record naming one of them
        # is told where its error is, not that it does not exist.
        # Duties are reference data, never in a file: none is refused, but a report may name one that is missing.
        self.refused: dict[str, dict[str, str]] = {kind: {} for kind in (*KINDS, "duties")}
        for kind, index in sorted(self.unreadable.by_record):
            items = document.get(kind)
            item = items[index] if kind in KINDS and isinstance(items, list) and index < len(items) else None
            code = _record_code(kind, item, functools.partial(self.unreadable.readable, kind, index))
            if code is not None:
                self.refused[kind].setdefault(code, f"$.{kind}[{index}]")
        # The state each report of the file says it reached, by key: a later version waits for an acceptance that
        # is the receiving level's to give here (`submission`).
        self.file_states: dict[str, str] = {}
        self.waiting: set[str] = set()

    def guard(self, path: str, province_id: int | None, text: str, **values: Any) -> None:
        """`text`: the whole sentence that refuses the record outside the sender's territory, marked with
        `gettext_noop` and translated only if it is said."""
        if not self.scope.covers_province(province_id):
            raise RecordError(path, "out_of_scope", Message(text, **values))

    @contextmanager
    def record(self, path: str, kind: str, code: str) -> Iterator[None]:
        """One record in a savepoint: its failure is listed, and the import goes on to find the next one."""
        try:
            with transaction.atomic():
                yield
        except (RecordError, ValidationError, PermissionDenied, PlaceError) as error:
            self.report.errors.append(_record_issue(path, error))
            self.refused[kind].setdefault(code, path)

    def run(self) -> None:
        steps: list[tuple[str, Callable[[dict[str, Any], str], None]]] = [
            ("organizations", self.organization),
            ("facilities", self.facility),
            ("programs", self.program),
            ("plans", self.plan),
            ("projects", self.project),
            ("consulting", self.consulting),
            ("reporting_submissions", self.submission),
            ("products", self.product),
            ("selection_rounds", self.selection_round),
        ]
        for key, step in steps:
            items = self.document.get(key, [])
            if not isinstance(items, list):
                continue
            if key == "facilities":
                self.facilities(items)
                continue
            for index, item in enumerate(items):
                path = f"$.{key}[{index}]"
                if self.unreadable.skipped(key, index):
                    self.check_readable(key, index, item, self.report.errors, self.report.warnings)
                    continue
                code = item["code"] if key != "reporting_submissions" else submission_key(item)
                assert code is not None, "a record the schema accepted has its code or its key"
                with self.record(path, key, code):
                    step(item, path)

    # --- references -------------------------------------------------------------------------------------------

    def missing(self, kind: str, codes: list[str], path: str) -> RecordError:
        """A reference to codes the system does not hold: either nowhere, or in a record of the file that was
        refused (then its path is given, so that the one error is fixed where it is)."""
        _, absent_text, refused_text = _TARGETS[kind]
        refused = self.refused[kind]
        absent = [code for code in codes if code not in refused]
        parts = [Message(absent_text, codes=", ".join(absent))] if absent else []
        parts += [Message(refused_text, code=code, path=refused[code]) for code in codes if code in refused]
        # One sentence is kept whole (its text and values, for the job page); several are joined as said.
        return RecordError(path, "reference_missing", parts[0] if len(parts) == 1 else " ".join(parts))

    def org(self, code: str, path: str) -> Organization:
        found = Organization.objects.filter(code=code).first()
        if found is None:
            raise self.missing("organizations", [code], path)
        return found

    def check_readable(self, kind: str, index: int, item: Any, errors: list[Issue], warnings: list[Issue]) -> None:
        """A record that is not imported (the schema refused part of it, or its code is repeated): its references
        and place, where they can be read, are checked all the same and nothing of it is written, so that one answer
        lists their errors with the schema's. A code of a refused record of the file counts as found: that record's
        own error says what to fix."""
        readable = functools.partial(self.unreadable.readable, kind, index)
        for pattern, target in _REFERENCES.get(kind, []):
            model = _TARGETS[target][0]
            missing: dict[PathParts, list[str]] = {}
            for parts, code in _walk(item, pattern):
                if not isinstance(code, str) or not readable(*parts) or code in self.refused[target]:
                    continue
                if (target, code) in self._found or model.objects.filter(code=code).exists():
                    # Nothing is removed between two records of a file: a code found stays found.
                    self._found.add((target, code))
                    continue
                # A list of codes is answered in one message, as the record-by-record check does.
                missing.setdefault(parts[:-1] if pattern[-1] == "*" else parts, []).append(code)
            for parts, codes in missing.items():
                errors.append(self.missing(target, codes, _json_path((kind, index, *parts))).issue)
        if kind == "reporting_submissions" and isinstance(item, dict):
            self.check_period(item, readable, f"$.{kind}[{index}]", errors)
        if kind not in ("organizations", "programs", "facilities") or not isinstance(item, dict):
            return
        spec, code = item.get("place"), item.get("code")
        if not isinstance(spec, dict) or not readable("place"):
            return
        if kind != "facilities" and isinstance(code, str) and _TARGETS[kind][0].objects.filter(code=code).exists():
            return  # an organisation or programme the system holds is kept as it is; its place is not read
        path = f"$.{kind}[{index}]"
        try:
            place = self.place(spec, f"{path}.place", warnings=warnings)
            if kind == "facilities":
                self.guard(path, place.unit.current_province_id, FACILITY_OUTSIDE)
        except (RecordError, PlaceError) as error:
            errors.append(_record_issue(path, error))

    def place(
        self,
        spec: dict[str, Any],
        path: str,
        default_day: datetime.date | None = None,
        warnings: list[Issue] | None = None,
    ) -> ResolvedPlace:
        day = _date(spec["as_of"], f"{path}.as_of") if "as_of" in spec else default_day
        place = self.places.resolve(
            province=spec.get("province"),
            district=spec.get("district"),
            commune=spec.get("commune"),
            on=day,
            allow_district_fallback=True,
        )
        for warning in place.warnings:
            (self.report.warnings if warnings is None else warnings).append(
                Issue(f"{path}.commune", "commune_resolved_to_district", warning)
            )
        return place

    def trade(self, code: str) -> Trade | None:
        if self._trades is None:
            self._trades = {trade.code: trade for trade in Trade.objects.all()}
        return self._trades.get(code)

    # --- records ----------------------------------------------------------------------------------------------

    def organization(self, item: dict[str, Any], path: str) -> None:
        existing = Organization.objects.filter(code=item["code"]).first()
        if existing is not None:
            if existing.name != item["name"] or existing.kind != item["kind"]:
                self.report.warnings.append(
                    Issue(
                        path,
                        "organization_kept",
                        Message(
                            gettext_noop("Tổ chức «%(code)s» đã có trong hệ thống với tên «%(name)s»; giữ nguyên."),
                            code=item["code"],
                            name=existing.name,
                        ),
                    )
                )
            self.report.unchanged["organizations"] += 1
            return
        territory = self.place(item["place"], f"{path}.place").unit if "place" in item else None
        self.guard(
            path,
            territory.current_province_id or territory.pk if territory else None,
            gettext_noop("Tổ chức nằm ngoài địa bàn bạn được nhập dữ liệu."),
        )
        org = Organization(
            code=item["code"],
            name=item["name"],
            kind=item["kind"],
            territory=territory,
            parent=self.org(item["parent"], f"{path}.parent") if "parent" in item else None,
            valid_until=LAST_DAY_BEFORE_REFORM if territory is not None and not territory.is_current else None,
        )
        org.full_clean()
        org.save()
        # Its territory over that unit's validity (a pre-reform place: until 30/06/2025), dated. Derived from the
        # body's place like the body itself, which the import does not audit either.
        organization_territories_fill(org)
        self.report.created["organizations"] += 1

    def facilities(self, items: list[Any]) -> None:
        """Facilities in file order. Those the system holds are updated one by one (`facility`); the new ones are
        created in batches by `facility_create_many`, which checks each as `facility_create` would with the rows before
        it already written. Every row's errors and warnings are reported in file order, as record by record."""
        skipped = {index for index in range(len(items)) if self.unreadable.skipped("facilities", index)}
        codes = [item["code"] for index, item in enumerate(items) if index not in skipped]
        held: set[str] = set()
        for chunk in _chunks(codes):
            held.update(Facility.objects.filter(code__in=chunk).values_list("code", flat=True))
        batch: list[_FacilityRow] = []
        for index, item in enumerate(items):
            path = f"$.facilities[{index}]"
            if index in skipped:
                # Not created; in the batch so that its messages keep their place in file order.
                row = _FacilityRow(index, path, "")
                self.check_readable("facilities", index, item, row.errors, row.warnings)
                batch.append(row)
                continue
            if item["code"] in held:
                self.create_facilities(batch)
                batch = []
                with self.record(path, "facilities", item["code"]):
                    self.facility(item, path)
                continue
            row = _FacilityRow(index, path, item["code"])
            try:
                row.data = self.facility_data(item, path, row.warnings)
            except (RecordError, ValidationError, PermissionDenied, PlaceError) as error:
                row.errors.append(_record_issue(path, error))
            batch.append(row)
            if len(batch) == FACILITY_BATCH:
                self.create_facilities(batch)
                batch = []
        self.create_facilities(batch)

    def create_facilities(self, batch: list[_FacilityRow]) -> None:
        rows = [row for row in batch if row.data is not None]
        while rows:
            try:
                created = facility_create_many(
                    actor=self.actor, rows=[NewFacility(row.data, row.code) for row in rows if row.data is not None]
                )
            except FacilityBatchRefused as refused:
                for position, error in refused.errors.items():
                    rows[position].errors.append(_record_issue(rows[position].path, error))
                # The others are written as record by record they would have been, so that the rest of the file is
                # checked against them (tax codes, names); the whole import is rolled back at its end.
                rows = [row for position, row in enumerate(rows) if position not in refused.errors]
                continue
            except ValidationError as error:
                # Someone else took a code or tax code since the batch's look-ups.
                self.report.errors.append(_service_error("$.facilities", error).issue)
                break
            for row, similar in zip(rows, created.similar, strict=True):
                if similar:
                    names = ", ".join(f"{f.code} {f.name}" for f in similar)
                    row.warnings.append(Issue(row.path, "facility_similar_name", Message(SIMILAR_NAME, names=names)))
            self.report.created["facilities"] += len(created.facilities)
            break
        for row in batch:
            self.report.errors += row.errors
            self.report.warnings += row.warnings
            if row.errors and row.code:
                self.refused["facilities"].setdefault(row.code, row.path)

    def facility_data(self, item: dict[str, Any], path: str, warnings: list[Issue] | None = None) -> FacilityData:
        place = self.place(item["place"], f"{path}.place", warnings=warnings)
        self.guard(path, place.unit.current_province_id, FACILITY_OUTSIDE)
        trade = self.trade(item.get("trade", ""))
        return FacilityData(
            name=item["name"],
            legal_form=item["legal_form"],
            place=place,
            tax_code=item.get("tax_code") or None,
            commune_as_written=str(item["place"].get("commune", ""))
            if place.commune is None and "commune" in item["place"]
            else "",
            address=item.get("address", ""),
            trade=trade,
            trade_description="" if trade else item.get("trade", ""),
            craft_village=item.get("craft_village", ""),
            women_owned=item.get("women_owned", False),
            ethnic_minority_owned=item.get("ethnic_minority_owned", False),
            disadvantaged_area=item.get("disadvantaged_area", False),
        )

    def facility(self, item: dict[str, Any], path: str) -> None:
        data = self.facility_data(item, path)
        existing = Facility.objects.filter(code=item["code"]).first()
        if existing is not None:
            # A file may not move another province's facility into the sender's: the facility as held is checked too.
            self.guard(
                path,
                existing.current_province_id,
                gettext_noop("Cơ sở «%(code)s» đã có trong hệ thống nằm ngoài địa bàn bạn được nhập dữ liệu."),
                code=existing.code,
            )
            if _differs(existing, data):
                facility_update(facility=existing, actor=self.actor, data=data, confirm_duplicate=True)
                self.report.updated["facilities"] += 1
            else:
                self.report.unchanged["facilities"] += 1
            return
        try:
            facility_create(actor=self.actor, data=data, code=item["code"])
            self.report.created["facilities"] += 1
        except DuplicateFacilityWarning as warning:
            names = ", ".join(f"{f.code} {f.name}" for f in warning.similar)
            self.report.warnings.append(Issue(path, "facility_similar_name", Message(SIMILAR_NAME, names=names)))
            facility_create(actor=self.actor, data=data, code=item["code"], confirm_duplicate=True)
            self.report.created["facilities"] += 1

    def program(self, item: dict[str, Any], path: str) -> None:
        if Program.objects.filter(code=item["code"]).exists():
            self.report.unchanged["programs"] += 1
            return
        territory = self.place(item["place"], f"{path}.place").province if "place" in item else None
        owner = (
            Organization.objects.filter(kind="department").first()
            if territory is None
            else (
                Organization.objects.filter(
                    kind="provincial_committee", territory=territory.current_province or territory
                ).first()
            )
        )
        if owner is None:
            message = Message(gettext_noop("Không xác định được cơ quan phê duyệt chương trình."))
            raise RecordError(path, "reference_missing", message)
        targets = [(t["indicator"], Decimal(str(t["value"])), t["unit"]) for t in item.get("targets", [])]
        program_create(
            actor=self.actor,
            owner=owner,
            targets=targets,
            code=item["code"],
            name=item["name"],
            level=item["level"],
            territory=territory,
            start_year=item["start_year"],
            end_year=item["end_year"],
        )
        self.report.created["programs"] += 1

    def plan(self, item: dict[str, Any], path: str) -> None:
        owner = self.org(item["owner"], f"{path}.owner")
        territory = owner.territory
        # A province's file names the national plan its đề án belong to; it may refer to it, not write it.
        owner_province = territory.current_province_id or territory.pk if territory else None
        plan = Plan.objects.filter(code=item["code"]).first()
        if plan is None:
            self.guard(path, owner_province, gettext_noop("Kế hoạch nằm ngoài địa bàn bạn được nhập dữ liệu."))
            program = Program.objects.filter(code=item["program"]).first() if "program" in item else None
            if "program" in item and program is None:
                raise self.missing("programs", [item["program"]], f"{path}.program")
            plan = plan_create(
                actor=self.actor,
                code=item["code"],
                year=item["year"],
                funding_source=item["funding_source"],
                owner=owner,
                program=program,
            )
            self.report.created["plans"] += 1
        elif (plan.year, plan.funding_source, plan.owner_id) != (item["year"], item["funding_source"], owner.pk):
            message = Message(
                gettext_noop("Kế hoạch «%(code)s» đã có với năm, nguồn hoặc cơ quan khác."), code=plan.code
            )
            raise RecordError(path, "plan_conflict", message)
        else:
            self.report.unchanged["plans"] += 1
        self.plan_entries(plan, item, path, owner_province)

    def voided(self, spec: dict[str, Any], path: str) -> VoidNote | None:
        if "voided" not in spec:
            return None
        note = spec["voided"]
        return VoidNote(
            on=_date(note["on"], f"{path}.voided.on"),
            by=self.org(note["by"], f"{path}.voided.by"),
            reason=note["reason"],
        )

    def plan_entries(self, plan: Plan, item: dict[str, Any], path: str, owner_province: int | None) -> None:
        """Budget decisions and allocations, in any order: each one the system already holds (same date and values)
        is matched, and voided if the file says it was; the rest are added, originals first and then by date, and
        the plan's timeline must hold on every date once they are all in."""
        held = _Held(plan.budget_decisions.all(), lambda d: (d.on, d.kind, d.amount))
        new_budget: list[tuple[str, dict[str, Any], datetime.date, Decimal]] = []
        for index, budget in enumerate(item.get("budget", [])):
            at = f"{path}.budget[{index}]"
            on, amount = _date(budget["on"], f"{at}.on"), _money(budget["amount"], f"{at}.amount")
            if self.matched(held, (on, budget["kind"], amount), budget, at, "budget decisions"):
                continue
            new_budget.append((at, budget, on, amount))
        new_budget.sort(key=lambda x: ("voided" in x[1], x[1]["kind"] != "original", x[2]))
        for at, budget, on, amount in new_budget:
            self.guard(at, owner_province, gettext_noop("Quyết định dự toán nằm ngoài địa bàn bạn được nhập dữ liệu."))
            try:
                plan_budget_decide(
                    plan=plan, actor=self.actor, on=on, kind=budget["kind"], amount=amount,
                    decision=budget.get("decision", ""), voided=self.voided(budget, at),
                )  # fmt: skip
            except (ValidationError, PermissionDenied) as error:
                raise _service_error(at, error) from error
            self.report.created["budget decisions"] += 1
        held = _Held(plan.allocations.all(), lambda a: (a.on, a.to_id, a.amount))
        new_allocations: list[tuple[str, dict[str, Any], datetime.date, Decimal, Organization]] = []
        for index, allocation in enumerate(item.get("allocations", [])):
            at = f"{path}.allocations[{index}]"
            on, amount = _date(allocation["on"], f"{at}.on"), _money(allocation["amount"], f"{at}.amount")
            to = self.org(allocation["to"], f"{at}.to")
            if self.matched(held, (on, to.pk, amount), allocation, at, "allocations"):
                continue
            new_allocations.append((at, allocation, on, amount, to))
        new_allocations.sort(key=lambda x: ("voided" in x[1], x[2]))
        for at, allocation, on, amount, to in new_allocations:
            self.guard(at, owner_province, gettext_noop("Phân bổ kinh phí nằm ngoài địa bàn bạn được nhập dữ liệu."))
            try:
                plan_allocate(
                    plan=plan, actor=self.actor, on=on, to=to, amount=amount,
                    decision=allocation.get("decision", ""), voided=self.voided(allocation, at),
                )  # fmt: skip
            except (ValidationError, PermissionDenied) as error:
                raise _service_error(at, error) from error
            self.report.created["allocations"] += 1

    def matched(self, held: _Held, key: tuple[Any, ...], spec: dict[str, Any], at: str, kind: str) -> bool:
        """Whether the file's record is one the system holds. One held in force that the file says was voided is
        voided now, with the file's date, body and reason (a correction made elsewhere); one voided here that the
        file has in force is a conflict: a file never revives a voided record."""
        wanted_voided = "voided" in spec
        record = held.take(key, wanted_voided)
        if record is None:
            return False
        if wanted_voided == record.is_voided:
            return True
        if record.is_voided:
            message = Message(gettext_noop("Bản ghi này đã bị huỷ bỏ trong hệ thống; tệp không khôi phục."))
            raise RecordError(at, "history_conflict", message)
        note = self.voided(spec, at)
        assert note is not None
        try:
            if isinstance(record, BudgetDecision | Allocation):
                plan_entry_void(entry=record, actor=self.actor, reason=note.reason, on=note.on, by=note.by)
            elif isinstance(record, Payment):
                payment_void(project=record.project, payment=record, actor=self.actor, reason=note.reason,
                             on=note.on, by=note.by)  # fmt: skip
            else:
                result_void(project=record.project, result=record, actor=self.actor, reason=note.reason,
                            on=note.on, by=note.by)  # fmt: skip
        except (ValidationError, PermissionDenied) as error:
            raise _service_error(f"{at}.voided", error) from error
        self.report.updated[kind] += 1
        return True

    def project(self, item: dict[str, Any], path: str) -> None:
        plan = Plan.objects.select_related("owner__territory").filter(code=item["plan"]).first()
        if plan is None:
            raise self.missing("plans", [item["plan"]], f"{path}.plan")
        territory = plan.owner.territory
        if territory is not None:
            # A national plan takes đề án from every province; a province's plan only its own.
            self.guard(
                f"{path}.plan",
                territory.current_province_id or territory.pk,
                gettext_noop("Kế hoạch «%(code)s» nằm ngoài địa bàn bạn được nhập dữ liệu."),
                code=plan.code,
            )
        implementer = self.org(item["implementer"], f"{path}.implementer")
        codes = item.get("beneficiaries", [])
        found = {f.code: f for f in Facility.objects.filter(code__in=codes)}
        missing = [c for c in codes if c not in found]
        if missing:
            raise self.missing("facilities", missing, f"{path}.beneficiaries")
        for index, code in enumerate(codes):
            self.guard(
                f"{path}.beneficiaries[{index}]",
                found[code].current_province_id,
                gettext_noop("Cơ sở «%(code)s» nằm ngoài địa bàn bạn được nhập dữ liệu."),
                code=code,
            )
        money = {
            k: _money(item[k], f"{path}.{k}") for k in ("total_cost", "support_requested", "counterpart") if k in item
        }
        province_id = project_province(implementer, [found[c] for c in codes])
        self.guard(path, province_id, PROJECT_OUTSIDE)
        project = Project.objects.filter(code=item["code"]).first()
        if project is None:
            project = project_create(
                actor=self.actor,
                code=item["code"],
                title=item["title"],
                plan=plan,
                content=ProjectContent.objects.get(code=item["content"]),
                kind=item["kind"],
                implementer=implementer,
                beneficiaries=[found[c] for c in codes],
                round=item.get("round"),
                **money,
            )
            self.report.created["projects"] += 1
        elif (project.title, project.plan_id, project.implementer_id) != (item["title"], plan.pk, implementer.pk):
            message = Message(
                gettext_noop("Đề án «%(code)s» đã có với tên, kế hoạch hoặc đơn vị thực hiện khác."), code=project.code
            )
            raise RecordError(path, "project_conflict", message)
        else:
            self.guard(path, project.province_id, PROJECT_OUTSIDE)
            self.report.unchanged["projects"] += 1
        self.history(project, item, path)

    def history(self, project: Project, item: dict[str, Any], path: str) -> None:
        """Appends the events the system does not have yet (what it has must match the file, in order), then the
        payments and results it does not have, in any order. Each step is transcribed by the person importing, in the
        name of the body the file says took it, which must hold the authority for it."""
        known_events = list(project.events.select_related("organization").order_by("seq"))
        for index, spec in enumerate(item.get("events", [])):
            at = f"{path}.events[{index}]"
            on = _date(spec["on"], f"{at}.on")
            amount = _money(spec["amount"], f"{at}.amount") if "amount" in spec else None
            percent = Decimal(str(spec["percent"])) if "percent" in spec else None
            if index < len(known_events):
                known = known_events[index]
                if (known.on, known.action, known.organization.code, known.amount, known.percent) != (
                    on, spec["action"], spec["by"], amount, percent,
                ):  # fmt: skip
                    message = Message(gettext_noop("Khác với sự kiện đã ghi trong hệ thống."))
                    raise RecordError(at, "history_conflict", message)
                self.void_known_event(project, known, spec, at)
                continue
            try:
                project_record_event(
                    project=project,
                    actor=self.actor,
                    action=spec["action"],
                    on=on,
                    amount=amount,
                    percent=percent,
                    note=spec.get("note", ""),
                    document=spec.get("document", ""),
                    organization=self.org(spec["by"], f"{at}.by"),
                    transcribed=True,
                    voided=self.voided(spec, at),
                )
            except (ValidationError, PermissionDenied) as error:
                raise _service_error(at, error) from error
            self.report.created["events"] += 1
        self.payments(project, item, path)
        held = _Held(project.results.all(), lambda r: (r.indicator, r.value, r.on))
        for index, result in enumerate(item.get("results", [])):
            at = f"{path}.results[{index}]"
            key = (result["indicator"], Decimal(str(result["value"])), _date(result["on"], f"{at}.on"))
            if self.matched(held, key, result, at, "results"):
                continue
            try:
                result_record(
                    project=project, actor=self.actor, indicator=key[0], value=key[1], on=key[2], transcribed=True,
                    voided=self.voided(result, at),
                )  # fmt: skip
            except (ValidationError, PermissionDenied) as error:
                raise _service_error(at, error) from error
            self.report.created["results"] += 1

    def void_known_event(self, project: Project, known: Any, spec: dict[str, Any], at: str) -> None:
        """A file may void a step the system holds (a correction made elsewhere); it may not revive a voided one."""
        if known.is_voided == ("voided" in spec):
            return
        if known.is_voided:
            raise RecordError(at, "history_conflict", Message(gettext_noop("Sự kiện này đã bị huỷ bỏ trong hệ thống.")))
        note = self.voided(spec, at)
        assert note is not None
        try:
            project_void_event(
                project=project, event=known, actor=self.actor, reason=note.reason, on=note.on, by=note.by
            )
        except (ValidationError, PermissionDenied) as error:
            raise _service_error(f"{at}.voided", error) from error
        self.report.updated["events"] += 1

    def payments(self, project: Project, item: dict[str, Any], path: str) -> None:
        """Vouchers in any order: those the system holds are matched by value (and voided if the file says so), the
        others added standing ones first by date (each is checked against the whole timeline)."""
        held = _Held(project.payments.all(), lambda p: (p.on, p.kind, p.amount))
        new: list[tuple[str, dict[str, Any], datetime.date, Decimal]] = []
        for index, spec in enumerate(item.get("payments", [])):
            at = f"{path}.payments[{index}]"
            on, amount = _date(spec["on"], f"{at}.on"), _money(spec["amount"], f"{at}.amount")
            if self.matched(held, (on, spec["kind"], amount), spec, at, "payments"):
                continue
            new.append((at, spec, on, amount))
        # Refunds after the vouchers of their day, so that a refund never looks larger than what was paid so far.
        new.sort(key=lambda x: ("voided" in x[1], x[2], x[1]["kind"] == "refund"))
        for at, spec, on, amount in new:
            try:
                payment_record(
                    project=project, actor=self.actor, on=on, kind=spec["kind"], amount=amount,
                    document=spec.get("document", ""), transcribed=True, voided=self.voided(spec, at),
                )  # fmt: skip
            except (ValidationError, PermissionDenied) as error:
                raise _service_error(at, error) from error
            self.report.created["payments"] += 1

    def consulting(self, item: dict[str, Any], path: str) -> None:
        values = {
            "organization": self.org(item["organization"], f"{path}.organization"),
            "year": item["year"],
            "period_end": _date(item["period_end"], f"{path}.period_end"),
            "projects": item["projects"],
            "revenue": _money(item["revenue"], f"{path}.revenue"),
            "planned_revenue": _money(item["planned_revenue"], f"{path}.planned_revenue")
            if "planned_revenue" in item
            else None,
        }
        territory = values["organization"].territory
        self.guard(
            path,
            territory.current_province_id or territory.pk if territory else None,
            gettext_noop("Số liệu tư vấn nằm ngoài địa bàn bạn được nhập dữ liệu."),
        )
        existing = ConsultingRecord.objects.select_related("organization__territory").filter(code=item["code"]).first()
        if existing is not None:
            held = existing.organization.territory
            self.guard(
                path,
                held.current_province_id or held.pk if held else None,
                gettext_noop("Số liệu tư vấn đã có nằm ngoài địa bàn bạn được nhập dữ liệu."),
            )
            if existing.is_voided:
                message = Message(gettext_noop("Số liệu tư vấn «%(code)s» đã bị huỷ bỏ."), code=existing.code)
                raise RecordError(path, "history_conflict", message)
        if existing is not None and all(getattr(existing, k) == v for k, v in values.items()):
            self.report.unchanged["consulting"] += 1
            return
        consulting_record(actor=self.actor, code=item["code"], **values)
        (self.report.updated if existing else self.report.created)["consulting"] += 1

    # --- products and the typical-product selection ----------------------------------------------------------

    def product(self, item: dict[str, Any], path: str) -> None:
        facility = Facility.objects.filter(code=item["facility"]).first()
        if facility is None:
            raise self.missing("facilities", [item["facility"]], f"{path}.facility")
        # Who may write the facility's products (its representative, its commune, its Sở) is the services' check.
        values = {
            "name": item["name"].strip(),
            "group": item["group"],
            "description": str(item.get("description", "")).strip(),
            "certificates_held": [c.strip() for c in item.get("certificates_held", []) if c.strip()],
        }
        existing = Product.objects.filter(code=item["code"]).first()
        try:
            if existing is None:
                product_services.product_create(actor=self.actor, facility=facility, code=item["code"], **values)
                self.report.created["products"] += 1
                return
            if existing.facility_id != facility.pk:
                message = Message(gettext_noop("Sản phẩm «%(code)s» đã có, của một cơ sở khác."), code=existing.code)
                raise RecordError(f"{path}.facility", "product_conflict", message)
            if all(getattr(existing, name) == value for name, value in values.items()):
                self.report.unchanged["products"] += 1
                return
            product_services.product_update(actor=self.actor, product=existing, **values)
            self.report.updated["products"] += 1
        except (ValidationError, PermissionDenied) as error:
            raise _service_error(path, error) from error

    def selection_round(self, item: dict[str, Any], path: str) -> None:
        """A round as the organiser ran it, replayed through the same services as the pages, as the uploader: opened,
        funded, each entry registered (with its lower certificate), each judge's sheet transcribed, the decision with
        its certificates, complaints and revocations. What the system holds must be what the file says; what it
        lacks is added."""
        organizer = self.org(item["organizer"], f"{path}.organizer")
        selection = SelectionRound.objects.filter(code=item["code"]).first()
        created = wrote = selection is None
        try:
            if selection is None:
                selection = self.round_open(item, path, organizer)
            else:
                self.round_matches(selection, item, path, organizer)
            if "project" in item:
                project = Project.objects.filter(code=item["project"]).first()
                if project is None:
                    raise self.missing("projects", [item["project"]], f"{path}.project")
                if selection.project_id != project.pk:
                    product_services.round_fund(actor=self.actor, selection=selection, project=project)
                    wrote = True
            wrote = self.round_council(selection, item) or wrote
            entries: list[tuple[str, dict[str, Any], Entry]] = []
            for index, spec in enumerate(item.get("entries", [])):
                at = f"{path}.entries[{index}]"
                entry, new = self.round_entry(selection, spec, at)
                entries.append((at, spec, entry))
                wrote = self.round_scores(selection, entry, spec, at) or new or wrote
            wrote = self.round_decision(selection, item, path, entries) or wrote
            for at, spec, entry in entries:
                wrote = self.round_aftermath(entry, spec, at) or wrote
        except (ValidationError, PermissionDenied) as error:
            raise _service_error(path, error) from error
        counter = self.report.created if created else self.report.updated if wrote else self.report.unchanged
        counter["selection rounds"] += 1

    def round_open(self, item: dict[str, Any], path: str, organizer: Organization) -> SelectionRound:
        territory, region = None, None
        spec = item.get("place")
        if isinstance(spec, dict) and "region" in spec:
            region = Region.objects.filter(code=spec["region"]).first()
            if region is None:
                message = Message(gettext_noop("Không có vùng «%(code)s»."), code=spec["region"])
                raise RecordError(f"{path}.place.region", "reference_missing", message)
        elif isinstance(spec, dict):
            territory = self.place(spec, f"{path}.place", datetime.date(item["year"], 12, 31)).unit
        elif organizer.territory is not None:
            territory = organizer.territory
        criteria = [Criterion(c["code"], c["name"], Decimal(str(c["max"]))) for c in item.get("criteria", [])] or list(
            DEFAULT_CRITERIA
        )
        return product_services.round_create(
            actor=self.actor,
            code=item["code"],
            name=item["name"],
            level=item["level"],
            year=item["year"],
            organizer=organizer,
            territory=territory,
            region=region,
            threshold=Decimal(str(item["threshold"])) if "threshold" in item else DEFAULT_THRESHOLD,
            criteria=criteria,
            judges=[(j["code"], j["name"], None) for j in item.get("judges", [])],
        )

    def round_matches(
        self, selection: SelectionRound, item: dict[str, Any], path: str, organizer: Organization
    ) -> None:
        """A round the system holds is the file's: same level, year, organiser, threshold, criteria and jury."""
        if not product_authority.can_manage_round(self.actor, selection):
            message = Message(gettext_noop("Bạn không thuộc cơ quan tổ chức %(name)s."), name=selection.name)
            raise RecordError(path, "out_of_scope", message)
        criteria = [(c.code, c.max_points) for c in selection.criteria.order_by("position")]
        wanted = [(c["code"], Decimal(str(c["max"]))) for c in item.get("criteria", [])] or [
            (c.code, c.max_points) for c in DEFAULT_CRITERIA
        ]
        judges = sorted(selection.judges.values_list("code", flat=True))
        threshold = Decimal(str(item["threshold"])) if "threshold" in item else DEFAULT_THRESHOLD
        held = (selection.level, selection.year, selection.organizer_id, selection.threshold, criteria, judges)
        if held != (item["level"], item["year"], organizer.pk, threshold, wanted,
                    sorted(j["code"] for j in item.get("judges", []))):  # fmt: skip
            message = Message(
                gettext_noop(
                    "Đợt bình chọn «%(code)s» đã có với cấp, năm, cơ quan tổ chức, điểm công nhận, tiêu chí hoặc "
                    "giám khảo khác."
                ),
                code=selection.code,
            )
            raise RecordError(path, "history_conflict", message)

    def round_council(self, selection: SelectionRound, item: dict[str, Any]) -> bool:
        """The members the file names and the round lacks are named, as on the round's page; one already standing
        (same name, position and role) is left as it is."""
        held = {(m.name, m.position, m.role) for m in CouncilMember.objects.standing().filter(round=selection)}
        wrote = False
        for member in item.get("council", []):
            if (member["name"].strip(), member["position"].strip(), member["role"]) not in held:
                product_services.council_member_add(
                    actor=self.actor, selection=selection, name=member["name"], position=member["position"],
                    role=member["role"],
                )  # fmt: skip
                wrote = True
        return wrote

    def round_entry(self, selection: SelectionRound, spec: dict[str, Any], at: str) -> tuple[Entry, bool]:
        product = Product.objects.select_related("facility").filter(code=spec["product"]).first()
        if product is None:
            raise self.missing("products", [spec["product"]], f"{at}.product")
        registered_on = _date(spec["registered_on"], f"{at}.registered_on")
        lower = None
        if "lower_certificate" in spec:
            lower = Certificate.objects.filter(code=spec["lower_certificate"]).first()
            if lower is None:
                message = Message(
                    gettext_noop("Không có giấy chứng nhận «%(code)s» (trong tệp hoặc trong hệ thống)."),
                    code=spec["lower_certificate"],
                )
                raise RecordError(f"{at}.lower_certificate", "reference_missing", message)
        held = Entry.objects.filter(round=selection, product=product).select_related("lower_certificate").first()
        if held is not None:
            if held.registered_on != registered_on or held.lower_certificate_id != (lower.pk if lower else None):
                message = Message(
                    gettext_noop(
                        "Sản phẩm «%(code)s» đã đăng ký đợt này với ngày đăng ký hoặc giấy chứng nhận cấp dưới khác."
                    ),
                    code=product.code,
                )
                raise RecordError(at, "history_conflict", message)
            return held, False
        try:
            entry = product_services.entry_register(
                actor=self.actor, selection=selection, product=product, registered_on=registered_on,
                lower_certificate=lower,
            )  # fmt: skip
        except (ValidationError, PermissionDenied) as error:
            raise _service_error(at, error) from error
        return entry, True

    def round_scores(self, selection: SelectionRound, entry: Entry, spec: dict[str, Any], at: str) -> bool:
        judges = {j.code: j for j in selection.judges.all()}
        criteria = {c.code: c for c in selection.criteria.all()}
        held = {(s.judge_id, s.criterion_id): s.points for s in Score.objects.standing().filter(entry=entry)}
        wrote = False
        for index, score in enumerate(spec.get("scores", [])):
            where = f"{at}.scores[{index}]"
            judge, criterion = judges.get(score["judge"]), criteria.get(score["criterion"])
            if judge is None:
                message = Message(gettext_noop("Đợt không có giám khảo «%(code)s»."), code=score["judge"])
                raise RecordError(f"{where}.judge", "reference_missing", message)
            if criterion is None:
                message = Message(gettext_noop("Đợt không có tiêu chí «%(code)s»."), code=score["criterion"])
                raise RecordError(f"{where}.criterion", "reference_missing", message)
            points = Decimal(str(score["points"]))
            if held.get((judge.pk, criterion.pk)) == points:
                continue
            try:
                product_services.score_record(
                    actor=self.actor, entry=entry, judge=judge, criterion=criterion, points=points, transcribed=True
                )
            except (ValidationError, PermissionDenied) as error:
                raise _service_error(where, error) from error
            wrote = True
        return wrote

    def round_decision(
        self,
        selection: SelectionRound,
        item: dict[str, Any],
        path: str,
        entries: list[tuple[str, dict[str, Any], Entry]],
    ) -> bool:
        recognized = [entry for _, spec, entry in entries if spec.get("recognized")]
        for at, spec, _ in entries:
            if "certificate" in spec and not spec.get("recognized"):
                message = Message(
                    gettext_noop("Chỉ sản phẩm được công nhận («recognized»: true) mới có giấy chứng nhận.")
                )
                raise RecordError(f"{at}.certificate", "not_recognized", message)
        if "decision" not in item:
            if recognized:
                at = next(at for at, spec, _ in entries if spec.get("recognized"))
                message = Message(
                    gettext_noop("Sản phẩm được công nhận phải kèm quyết định công nhận của đợt («decision»).")
                )
                raise RecordError(f"{at}.recognized", "no_decision", message)
            return False
        on = _date(item["decision"]["on"], f"{path}.decision.on")
        document = item["decision"]["document"].strip()
        selection.refresh_from_db()
        if selection.decided:
            held = set(Entry.objects.filter(round=selection, recognized=True).values_list("pk", flat=True))
            if (selection.decision_on, selection.decision_document) != (on, document) or held != {
                e.pk for e in recognized
            }:
                message = Message(
                    gettext_noop("Đợt đã có quyết định %(document)s ngày %(on)s với kết quả khác tệp."),
                    document=selection.decision_document,
                    on=f"{selection.decision_on:%d/%m/%Y}",
                )
                raise RecordError(f"{path}.decision", "history_conflict", message)
            for at, spec, entry in entries:
                if "certificate" in spec and entry.certificate.code != spec["certificate"]["code"]:
                    message = Message(gettext_noop("Giấy chứng nhận đã cấp số %(code)s."), code=entry.certificate.code)
                    raise RecordError(f"{at}.certificate.code", "history_conflict", message)
            return False
        specs = {}
        for at, spec, entry in entries:
            certificate = spec.get("certificate")
            if certificate is not None:
                until = certificate.get("valid_until")
                specs[entry.pk] = product_services.CertificateSpec(
                    certificate["code"],
                    _date(certificate["on"], f"{at}.certificate.on"),
                    _date(until, f"{at}.certificate.valid_until") if until else None,
                )
        product_services.round_decide(
            actor=self.actor, selection=selection, on=on, document=document, recognized=recognized, transcribed=specs
        )
        return True

    def round_aftermath(self, entry: Entry, spec: dict[str, Any], at: str) -> bool:
        """Complaints (matched by day and text) with their answers, then the revocation of the certificate."""
        wrote = False
        held = {(c.on, c.text): c for c in entry.complaints.all()}
        for index, complaint in enumerate(spec.get("complaints", [])):
            where = f"{at}.complaints[{index}]"
            on = _date(complaint["on"], f"{where}.on")
            try:
                found = held.get((on, complaint["text"].strip()))
                if found is None:
                    found = product_services.complaint_record(
                        actor=self.actor, entry=entry, on=on, text=complaint["text"]
                    )
                    wrote = True
                if "answered_on" in complaint:
                    answered = _date(complaint["answered_on"], f"{where}.answered_on")
                    if "outcome" not in complaint:
                        message = Message(gettext_noop("Khiếu nại đã trả lời phải có kết quả."))
                        raise RecordError(f"{where}.outcome", "required", message)
                    if found.answered_on is None:
                        product_services.complaint_answer(
                            actor=self.actor, complaint=found, on=answered, outcome=complaint["outcome"]
                        )
                        wrote = True
                    elif (found.answered_on, found.outcome) != (answered, complaint["outcome"]):
                        message = Message(gettext_noop("Khiếu nại đã được trả lời khác tệp."))
                        raise RecordError(where, "history_conflict", message)
            except (ValidationError, PermissionDenied) as error:
                raise _service_error(where, error) from error
        if "revoked" in spec:
            certificate = getattr(Entry.objects.select_related("certificate").get(pk=entry.pk), "certificate", None)
            where = f"{at}.revoked"
            if certificate is None:
                message = Message(gettext_noop("Sản phẩm chưa có giấy chứng nhận để thu hồi."))
                raise RecordError(where, "not_recognized", message)
            on = _date(spec["revoked"]["on"], f"{where}.on")
            if certificate.revoked_on is None:
                try:
                    product_services.certificate_revoke(
                        actor=self.actor, certificate=certificate, on=on, reason=spec["revoked"]["reason"]
                    )
                except (ValidationError, PermissionDenied) as error:
                    raise _service_error(where, error) from error
                wrote = True
            elif certificate.revoked_on != on:
                message = Message(
                    gettext_noop("Giấy chứng nhận đã thu hồi ngày %(on)s."), on=f"{certificate.revoked_on:%d/%m/%Y}"
                )
                raise RecordError(where, "history_conflict", message)
        return self.holder_reports(entry, spec, at) or wrote

    def holder_reports(self, entry: Entry, spec: dict[str, Any], at: str) -> bool:
        """The holder's yearly reports on the certificate: one per year; a year the system holds with other figures
        is a conflict (a wrong report is voided on the product's page, then the file imported again)."""
        reports = spec.get("certificate", {}).get("reports", [])
        if not reports:
            return False
        certificate = Certificate.objects.get(entry=entry)
        held = {h.year: h for h in HolderReport.objects.standing().filter(certificate=certificate)}
        wrote = False
        for index, report in enumerate(reports):
            where = f"{at}.certificate.reports[{index}]"
            values = (
                _date(report["reported_on"], f"{where}.reported_on"),
                _money(report["support_received"], f"{where}.support_received"),
                report["results"].strip(),
                report.get("support_text", "").strip(),
            )
            found = held.get(report["year"])
            if found is None:
                try:
                    product_services.holder_report_record(
                        actor=self.actor, certificate=certificate, year=report["year"], reported_on=values[0],
                        support_received=values[1], results=values[2], support_text=values[3],
                    )  # fmt: skip
                except (ValidationError, PermissionDenied) as error:
                    raise _service_error(where, error) from error
                wrote = True
            elif (found.reported_on, found.support_received, found.results, found.support_text) != values:
                message = Message(
                    gettext_noop("Đã có báo cáo năm %(year)s của giấy chứng nhận %(code)s với số liệu khác tệp."),
                    year=found.year,
                    code=certificate.code,
                )
                raise RecordError(where, "history_conflict", message)
        return wrote

    # --- periodic reports -------------------------------------------------------------------------------------

    def check_period(self, item: dict[str, Any], readable: Callable[..., bool], path: str, errors: list[Issue]) -> None:
        """A refused report's period is still checked against its duty, where both can be read."""
        duty_code, year, key = item.get("duty"), item.get("year"), item.get("period")
        if not (readable("duty") and readable("year") and readable("period")):
            return
        if not (isinstance(duty_code, str) and isinstance(year, int) and isinstance(key, str)):
            return
        duty = ReportingDuty.objects.filter(code=duty_code).first()
        if duty is None:
            return  # told by the reference check
        try:
            period_of(Frequency(duty.frequency), year, key)
        except ValueError as error:
            errors.append(Issue(f"{path}.period", "unknown_period", str(error)))

    def submission(self, item: dict[str, Any], path: str) -> None:
        """A body's report for one period, one version: opened (or, for a later version, made from the accepted one
        it replaces), written, and taken through its moves by the same services as the pages, as the person who
        uploads the file. The figures are kept as the body sent them. A move that only the receiving level may make
        here (taking a report in, sending it back) is not transcribed unless the uploader is that level: the report
        then stays sent, waiting for it (a warning, not an error)."""
        duty = ReportingDuty.objects.filter(code=item["duty"]).first()
        if duty is None:
            raise self.missing("duties", [item["duty"]], f"{path}.duty")
        organization = self.org(item["organization"], f"{path}.organization")
        try:
            period = period_of(Frequency(duty.frequency), item["year"], item["period"])
        except ValueError as error:
            raise RecordError(f"{path}.period", "unknown_period", str(error)) from error
        events = enumerate(item.get("events", []))
        moves = [self.submission_move(spec, f"{path}.events[{index}]") for index, spec in events]
        _check_moves(item, moves, path)
        received = self.received_figures(item, path)
        key = submission_key(item)
        assert key is not None
        self.file_states[key] = item["state"]
        if "due_on" in item and _date(item["due_on"], f"{path}.due_on") != duty.due_rule.due(period.end):
            due = duty.due_rule.due(period.end)
            message = Message(
                gettext_noop(
                    "Hạn gửi trong tệp khác hạn theo chế độ báo cáo ở hệ thống này (%(due)s); giữ hạn %(due)s."
                ),
                due=f"{due:%d/%m/%Y}",
            )
            self.report.warnings.append(Issue(f"{path}.due_on", "due_on_differs", message))
        text = {name: str(item.get(name, "")).strip() for name in TEXT_FIELDS}
        found = {"duty": duty, "organization": organization, "year": item["year"], "period_key": item["period"]}
        held = Submission.objects.filter(**found, version=item["version"]).first()
        if held is None:
            submission = self.submission_create(item, path, key, found)
            if submission is None:
                return
            self.submission_history(submission, item, path, moves, received, text)
            self.report.created["reporting submissions"] += 1
            return
        if not reporting_authority.can_view(self.actor, organization):
            message = Message(
                gettext_noop("Báo cáo của %(organization)s nằm ngoài phạm vi của bạn."), organization=organization.name
            )
            raise RecordError(path, "out_of_scope", message)
        if held.version > 1 and held.version_reason != str(item.get("version_reason", "")).strip():
            message = Message(gettext_noop("Khác lý do lập lần mới đã ghi."))
            raise RecordError(f"{path}.version_reason", "history_conflict", message)
        wrote = self.submission_history(held, item, path, moves, received, text)
        (self.report.updated if wrote else self.report.unchanged)["reporting submissions"] += 1

    def submission_move(self, spec: dict[str, Any], at: str) -> _Move:
        by = self.org(spec["by"], f"{at}.by") if "by" in spec else None
        return _Move(_date(spec["on"], f"{at}.on"), spec["action"], by, str(spec.get("comment", "")).strip())

    def received_figures(self, item: dict[str, Any], path: str) -> ReceivedFigures | None:
        """The figures the body froze when it sent the report: a report sent carries them, a draft has none yet."""
        if item["state"] == SubmissionState.DRAFT:
            if "figures" in item or "figures_as_of" in item:
                message = Message(gettext_noop("Báo cáo đang soạn chưa gửi nên chưa có số liệu chốt khi gửi."))
                raise RecordError(f"{path}.figures", "figures_not_sent", message)
            return None
        for name in ("figures", "figures_as_of"):
            if name not in item:
                message = Message(
                    gettext_noop(
                        "Báo cáo đã gửi phải kèm số liệu chốt khi gửi («figures», «figures_as_of»): hệ thống nhận giữ "
                        "nguyên số liệu cơ quan đã gửi, không tính lại."
                    )
                )
                raise RecordError(f"{path}.{name}", "figures_required", message)
        return ReceivedFigures(item["figures"], _date(item["figures_as_of"], f"{path}.figures_as_of"))

    def submission_create(self, item: dict[str, Any], path: str, key: str, found: dict[str, Any]) -> Submission | None:
        """The first version is opened; a later one is made from the version it replaces, which must be accepted
        here. None if that acceptance is the receiving level's to give and it has not given it (a warning)."""
        version = item["version"]
        if version == 1:
            opened = submission_open(actor=self.actor, **found)
            if opened.version != 1:
                refusal = Message(
                    gettext_noop("Hệ thống đã có lần %(version)s của báo cáo này mà không có lần 1."),
                    version=opened.version,
                )
                raise RecordError(f"{path}.version", "history_conflict", refusal)
            return opened
        previous_key = key.rsplit("/", 1)[0] + f"/{version - 1}"
        previous = Submission.objects.filter(**found, version=version - 1).first()
        if previous is None:
            message: str
            if previous_key in self.refused["reporting_submissions"]:
                where = self.refused["reporting_submissions"][previous_key]
                message = Message(
                    gettext_noop(
                        "Lần %(version)s của báo cáo này có trong tệp nhưng có lỗi (%(path)s) nên chưa nhập được."
                    ),
                    version=version - 1,
                    path=where,
                )
            elif previous_key in self.waiting:
                message = ""
            else:
                message = Message(
                    gettext_noop("Không có lần %(version)s của báo cáo này (trong tệp hoặc trong hệ thống)."),
                    version=version - 1,
                )
            if message:
                raise RecordError(f"{path}.version", "reference_missing", message)
        lowered = previous is not None and previous.state != SubmissionState.ACCEPTED
        if previous is None or (lowered and self.file_states.get(previous_key) == SubmissionState.ACCEPTED):
            # Accepted at the sender, not here: the replacing version waits for the receiving level's acceptance.
            self.waiting.add(key)
            message = Message(
                gettext_noop(
                    "Lần %(version)s chưa nhập: lần %(previous)s chưa được cơ quan tiếp nhận tiếp nhận ở hệ thống này. "
                    "Nhập lại tệp sau khi lần %(previous)s được tiếp nhận."
                ),
                version=version,
                previous=version - 1,
            )
            self.report.warnings.append(Issue(path, "version_waits", message))
            return None
        try:
            return submission_new_version(
                actor=self.actor, submission=previous, reason=str(item.get("version_reason", ""))
            )
        except (ValidationError, PermissionDenied) as error:
            raise _service_error(path, error) from error

    def submission_history(
        self,
        submission: Submission,
        item: dict[str, Any],
        path: str,
        moves: list[_Move],
        received: ReceivedFigures | None,
        text: dict[str, str],
    ) -> bool:
        """Adds the moves the system does not have yet (those it has must be the file's, in order), with the text as
        the body sent it; returns whether anything was written."""
        held = list(
            submission.events.filter(action__in=MOVE_ACTIONS).select_related("organization").order_by("at", "pk")
        )
        for index, (move, known) in enumerate(zip(moves, held, strict=False)):
            if not move.matches(known):
                message = Message(
                    gettext_noop("Khác với diễn biến đã ghi trong hệ thống: %(action)s ngày %(on)s."),
                    action=known.get_action_display().lower(),
                    on=f"{known.on:%d/%m/%Y}",
                )
                raise RecordError(f"{path}.events[{index}]", "history_conflict", message)
        if len(held) > len(moves):
            return False  # the system is ahead of the file (a later move made here): the file has nothing new
        wrote = False
        for index, move in enumerate(moves[len(held) :], start=len(held)):
            at = f"{path}.events[{index}]"
            if move.action == SubmissionAction.SUBMITTED:
                wrote = self.submission_text(submission, text, path) or wrote
                call: Callable[[], Submission] = functools.partial(
                    submission_submit, actor=self.actor, submission=submission, on=move.on, by=move.by,
                    received=received,
                )  # fmt: skip
            elif not reporting_authority.can_review(self.actor, submission.duty, submission.organization):
                self.report.warnings.append(Issue(at, "review_not_transcribed", _not_transcribed(submission, move)))
                return wrote
            else:
                service = submission_accept if move.action == SubmissionAction.ACCEPTED else submission_return
                call = functools.partial(service, actor=self.actor, submission=submission, comment=move.comment,
                                         on=move.on, by=move.by)  # fmt: skip
            try:
                submission = call()
            except (ValidationError, PermissionDenied) as error:
                # A refusal of the move's day or body is the event's; one of the report (its signer, its figures) the
                # report's.
                fields = (
                    set(error.error_dict)
                    if isinstance(error, ValidationError) and hasattr(error, "error_dict")
                    else set()
                )
                raise _service_error(path if fields - {"on", "by"} else at, error) from error
            wrote = True
        submission.refresh_from_db()
        if submission.is_editable:
            return self.submission_text(submission, text, path) or wrote
        differs = [name for name in TEXT_FIELDS if getattr(submission, name) != text[name]]
        if differs:
            message = Message(
                gettext_noop("Báo cáo đã gửi trong hệ thống có nội dung khác tệp; báo cáo đã gửi không sửa được.")
            )
            raise RecordError(f"{path}.{differs[0]}", "history_conflict", message)
        if received is not None and not wrote and submission.figures != received.figures:
            message = Message(gettext_noop("Số liệu khác số liệu đã nhận của báo cáo này."))
            raise RecordError(f"{path}.figures", "history_conflict", message)
        return wrote

    def submission_text(self, submission: Submission, text: dict[str, str], path: str) -> bool:
        submission.refresh_from_db()
        changed = {name: value for name, value in text.items() if getattr(submission, name) != value}
        if not changed:
            return False
        try:
            submission_edit(actor=self.actor, submission=submission, **changed)
        except (ValidationError, PermissionDenied) as error:
            raise _service_error(path, error) from error
        return True


@dataclass(frozen=True)
class _Move:
    """A report's move as the file gives it."""

    on: datetime.date
    action: str
    by: Organization | None
    comment: str

    def matches(self, known: SubmissionEvent) -> bool:
        """The move the system holds at this place in the report's history: the same day, step and comment, and the
        same body where both name one (an administrator's move names none)."""
        same_body = self.by is None or known.organization_id is None or known.organization_id == self.by.pk
        return (known.on, known.action, known.comment) == (self.on, self.action, self.comment) and same_body


_MOVE_OF = {
    SubmissionAction.SUBMITTED: Move.SUBMIT,
    SubmissionAction.RETURNED: Move.RETURN,
    SubmissionAction.ACCEPTED: Move.ACCEPT,
}


# One whole sentence per move, so that each reads right in either language; the words of the reporting service's
# own refusal (reporting.services.WRONG_STATE), kept here as message ids because an import stores its errors
# untranslated and translates them when shown.
_WRONG_STATE = {
    Move.SUBMIT: gettext_noop("Báo cáo đang ở trạng thái «%(state)s»: không thể gửi."),
    Move.RETURN: gettext_noop("Báo cáo đang ở trạng thái «%(state)s»: không thể trả lại."),
    Move.ACCEPT: gettext_noop("Báo cáo đang ở trạng thái «%(state)s»: không thể tiếp nhận."),
}


def _check_moves(item: dict[str, Any], moves: list[_Move], path: str) -> None:
    """The file's history must be one the workflow allows, in date order, and end in the state the file gives: the
    whole of it is checked before anything is written, even the moves that are not transcribed here."""
    state = SubmissionState.DRAFT
    for index, move in enumerate(moves):
        transition = TRANSITIONS[_MOVE_OF[SubmissionAction(move.action)]]
        if state not in transition.source:
            message = Message(_WRONG_STATE[_MOVE_OF[SubmissionAction(move.action)]], state=SubmissionState(state).label)
            raise RecordError(f"{path}.events[{index}].action", "wrong_state", message)
        if index and move.on < moves[index - 1].on:
            message = Message(
                gettext_noop("Ngày %(on)s trước việc trước đó (%(before)s)."),
                on=f"{move.on:%d/%m/%Y}",
                before=f"{moves[index - 1].on:%d/%m/%Y}",
            )
            raise RecordError(f"{path}.events[{index}].on", "out_of_order", message)
        state = transition.target
    if item["state"] != state:
        message = Message(
            gettext_noop("Trạng thái «%(state)s» không khớp diễn biến trong «events» (dẫn tới «%(reached)s»)."),
            state=item["state"],
            reached=state,
        )
        raise RecordError(f"{path}.state", "state_mismatch", message)


def _not_transcribed(submission: Submission, move: _Move) -> str:
    values = {
        "action": SubmissionAction(move.action).label.lower(),
        "on": f"{move.on:%d/%m/%Y}",
        "reviewer": submission.duty.get_reviewer_kind_display(),
    }
    if move.by is None:
        return Message(
            gettext_noop(
                "Việc «%(action)s» ngày %(on)s ở hệ thống gửi không được ghi lại: ở hệ thống này, chỉ cơ quan tiếp "
                "nhận (%(reviewer)s) tiếp nhận hoặc trả lại báo cáo. Báo cáo ở trạng thái «Đã gửi», chờ cơ quan tiếp "
                "nhận xem xét; số liệu giữ như cơ quan đã gửi."
            ),
            **values,
        )
    return Message(
        gettext_noop(
            "Việc «%(action)s» ngày %(on)s của %(organization)s ở hệ thống gửi không được ghi lại: ở hệ thống này, "
            "chỉ cơ quan tiếp nhận (%(reviewer)s) tiếp nhận hoặc trả lại báo cáo. Báo cáo ở trạng thái «Đã gửi», chờ "
            "cơ quan tiếp nhận xem xét; số liệu giữ như cơ quan đã gửi."
        ),
        organization=move.by.name,
        **values,
    )


def _differs(facility: Facility, data: FacilityData) -> bool:
    """Whether importing `data` would change the facility (so that re-importing the same file changes nothing)."""
    place = data.place
    recorded = (facility.place_recorded_on, facility.province_id, facility.district_id, facility.commune_id)
    wanted = (
        place.as_of,
        place.province.pk,
        place.district.pk if place.district else None,
        place.commune.pk if place.commune else None,
    )
    fields = [
        "name",
        "legal_form",
        "commune_as_written",
        "address",
        "trade",
        "trade_description",
        "craft_village",
        "women_owned",
        "ethnic_minority_owned",
        "disadvantaged_area",
    ]
    tax_code = normalize_tax_code(data.tax_code) if data.tax_code else None
    return (
        recorded != wanted
        or tax_code != facility.tax_code
        or any(getattr(facility, name) != getattr(data, name) for name in fields)
    )
