"""Reading an agenda file (CSV or JSON, docs/agenda_import.md) into rows of raw values.

Pure: bytes in, rows and problems out, no database. Anything a file can hold (another
encoding, a byte-order mark, NUL bytes, a spreadsheet workbook, a cell of megabytes, a JSON
nest ten thousand deep) ends as a message saying what is wrong, never as an exception.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from flask_babel import format_number
from flask_babel import gettext as _

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
# Longer than any field allows (a summary is 5,000 characters); a longer cell is refused
# whole rather than read further.
MAX_CELL = 10_000

MEASURE, HEARING = "measure", "hearing"
KINDS = (MEASURE, HEARING)

# Every row names these.
COMMON_FIELDS = ("type", "body", "committee", "external_id")
MEASURE_FIELDS = ("kind", "number", "session", "title", "summary", "official_url")
HEARING_FIELDS = (
    "title",
    "description",
    "starts_at",
    "location",
    "remote_url",
    "testimony_opens_at",
    "testimony_closes_at",
    "speaker_signup_closes_at",
    "measures",
    "speaker_minutes",
    "max_speakers",
    "speaking_modes",
)
TRANSLATED_FIELDS = ("title", "summary")


@dataclass
class RawRow:
    """One measure or hearing as the file gives it: only the fields it gives (a field left out
    keeps what is stored), each value as written (text, or a JSON number, list or null)."""

    kind: str
    where: str  # how the clerk finds it: "Row 4" (CSV), "Hearing 2" (JSON)
    values: dict[str, object] = field(default_factory=dict)
    # {"es": {"title": ..., "summary": ...}}, the keys the file gives.
    translations: dict[str, dict[str, object]] = field(default_factory=dict)
    # Problems found while reading, as (field, message); field None for the whole row.
    problems: list[tuple[str | None, str]] = field(default_factory=list)


@dataclass
class AgendaFile:
    format: str  # "csv" or "json"; "" when the file could not be read
    rows: list[RawRow] = field(default_factory=list)
    # Problems with the whole file: nothing in it is imported.
    problems: list[str] = field(default_factory=list)


def read_agenda(data: bytes, filename: str, languages: list[str]) -> AgendaFile:
    """Read the file's rows; `languages` are those a measure may be translated into."""
    problem = _not_text(data)
    if problem:
        return AgendaFile("", problems=[problem])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return AgendaFile(
            "",
            problems=[
                _(
                    "The file is not UTF-8 text (byte %(position)s cannot be read). In a "
                    "spreadsheet, save it as “CSV UTF-8”.",
                    position=format_number(error.start + 1),
                )
            ],
        )
    stripped = text.lstrip()
    name = (filename or "").lower()
    if stripped.startswith(("{", "[")):
        # Imported here: the JSON reader builds on this module's rows and messages.
        from app.hearings.agenda_json import read_json

        return read_json(stripped, languages)
    if name.endswith(".json"):
        return AgendaFile(
            "", problems=[_("The file is named .json but does not hold a JSON object.")]
        )
    return _read_csv(text, languages)


def _not_text(data: bytes) -> str | None:
    if not data.strip():
        return _("The file is empty.")
    if len(data) > MAX_FILE_BYTES:
        return _(
            "The file is larger than %(limit)s MB. Split it into several files.",
            limit=format_number(MAX_FILE_BYTES // (1024 * 1024)),
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _("The file is saved as UTF-16. In a spreadsheet, save it as “CSV UTF-8”.")
    if data.startswith(b"PK\x03\x04"):
        return _(
            "This is a workbook (such as .xlsx) or another ZIP file, not CSV or JSON. In a "
            "spreadsheet, save it as “CSV UTF-8”."
        )
    if data.startswith(b"%PDF"):
        return _("This is a PDF, not CSV or JSON.")
    if b"\x00" in data:
        return _("The file holds NUL bytes, so it is not a text file. Save it as CSV or JSON.")
    return None


# CSV.


def _csv_columns(languages: list[str]) -> set[str]:
    translated = {f"{name}_{code}" for name in TRANSLATED_FIELDS for code in languages}
    return {*COMMON_FIELDS, *MEASURE_FIELDS, *HEARING_FIELDS, *translated}


def _read_csv(text: str, languages: list[str]) -> AgendaFile:
    first_line = text.split("\n", 1)[0]
    # Spreadsheets in some countries separate cells with ";" or tabs: the header says which.
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = [cell.strip().lower() for cell in next(reader)]
    except (csv.Error, StopIteration):
        return AgendaFile("csv", problems=[_("The first line must name the columns.")])
    problems = _header_problems(header, languages)
    if problems:
        return AgendaFile("csv", problems=problems)
    rows: list[RawRow] = []
    try:
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue  # a blank line
            if len(rows) == MAX_ROWS:
                return AgendaFile("csv", problems=[too_many_rows()])
            rows.append(_csv_row(header, cells, line))
    except csv.Error:
        return AgendaFile(
            "csv",
            problems=[
                _(
                    "Line %(line)s cannot be read as CSV: a cell is longer than the file "
                    "allows, or a quotation mark is not closed.",
                    line=format_number(reader.line_num),
                )
            ],
        )
    if not rows:
        return AgendaFile("csv", problems=[_("The file has a header but no rows.")])
    return AgendaFile("csv", rows=rows)


def _header_problems(header: list[str], languages: list[str]) -> list[str]:
    known = _csv_columns(languages)
    problems = []
    for name in sorted({name for name in header if header.count(name) > 1}):
        problems.append(_("The column “%(name)s” appears twice.", name=name[:40]))
    for name in header:
        if name in known:
            continue
        if not name:
            problems.append(_("A column has no name: name it or delete it."))
        elif _is_translation(name):
            problems.append(_translation_language_problem(name, languages))
        else:
            problems.append(_("The column “%(name)s” is not one the import knows.", name=name[:40]))
    missing = [name for name in COMMON_FIELDS if name not in header]
    if missing:
        problems.append(
            _("The file needs the columns %(names)s.", names=", ".join(f"“{n}”" for n in missing))
        )
    for code in languages:
        if f"summary_{code}" in header and f"title_{code}" not in header:
            problems.append(
                _("The column “summary_%(code)s” needs a “title_%(code)s” column.", code=code)
            )
    return problems


def _is_translation(name: str) -> bool:
    prefix, _sep, code = name.partition("_")
    return prefix in TRANSLATED_FIELDS and bool(code) and len(code) <= 16


def _translation_language_problem(name: str, languages: list[str]) -> str:
    return _(
        "The column “%(name)s” is for a language the site does not offer; translations can "
        "be in: %(languages)s.",
        name=name[:40],
        languages=", ".join(languages) or "—",
    )


def _csv_row(header: list[str], cells: list[str], line: int) -> RawRow:
    where = _("Row %(line)s", line=format_number(line))
    values = dict(zip(header, cells, strict=False))
    kind = (values.pop("type", "") or "").strip().lower()
    row = RawRow(kind, where)
    if len(cells) != len(header):
        row.problems.append(
            (
                None,
                _(
                    "This row has %(cells)s cells; the header names %(columns)s columns.",
                    cells=format_number(len(cells)),
                    columns=format_number(len(header)),
                ),
            )
        )
        return row
    _check_kind(row)
    allowed = set(COMMON_FIELDS) | set(MEASURE_FIELDS if kind == MEASURE else HEARING_FIELDS)
    for name, value in values.items():
        if len(value) > MAX_CELL:
            row.problems.append((name, too_long_cell()))
            continue
        prefix, _sep, code = name.partition("_")
        if _is_translation(name) and name not in allowed:
            if kind == HEARING and value.strip():
                row.problems.append((name, _("Only measures have translations.")))
            elif kind == MEASURE:
                row.translations.setdefault(code, {})[prefix] = value
            continue
        if name in allowed:
            row.values[name] = value
        elif value.strip() and row.kind in KINDS:
            row.problems.append((name, other_kinds_field(kind)))
    if kind == HEARING and "measures" in row.values:
        row.values["measures"] = _split_ids(str(row.values["measures"]))
    return row


def _split_ids(value: str) -> list[str]:
    """A hearing's measures in a CSV cell: external ids separated by semicolons."""
    return [part.strip() for part in value.split(";") if part.strip()]


# Shared.


def _check_kind(row: RawRow) -> None:
    if row.kind not in KINDS:
        row.problems.append(("type", _("Enter “measure” or “hearing” as the type.")))


def other_kinds_field(kind: str) -> str:
    if kind == MEASURE:
        return _("This field is for hearings; leave it empty on a measure.")
    return _("This field is for measures; leave it empty on a hearing.")


def too_long_cell() -> str:
    return _("This value is longer than %(max)s characters.", max=format_number(MAX_CELL))


def too_many_rows() -> str:
    return _(
        "The file has more than %(max)s rows. Split it into several files.",
        max=format_number(MAX_ROWS),
    )
