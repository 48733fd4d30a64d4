"""Reading an agenda in JSON (docs/agenda_import.md): an object with "measures" and
"hearings" lists of objects, read into the same rows as a CSV file. Pure, like
app/hearings/agenda_files.py."""

from __future__ import annotations

import json

from flask_babel import format_number
from flask_babel import gettext as _

from app.hearings.agenda_files import (
    COMMON_FIELDS,
    HEARING,
    HEARING_FIELDS,
    MAX_CELL,
    MAX_ROWS,
    MEASURE,
    MEASURE_FIELDS,
    TRANSLATED_FIELDS,
    AgendaFile,
    RawRow,
    other_kinds_field,
    too_long_cell,
    too_many_rows,
)


def read_json(text: str, languages: list[str]) -> AgendaFile:
    try:
        document = json.loads(text)
    except RecursionError:
        return AgendaFile("json", problems=[_("The JSON is nested too deeply.")])
    except ValueError as error:
        line = getattr(error, "lineno", None)
        return AgendaFile(
            "json",
            problems=[
                _(
                    "The file is not valid JSON (line %(line)s).",
                    line=format_number(line) if line else "?",
                )
            ],
        )
    if not isinstance(document, dict):
        return AgendaFile(
            "json",
            problems=[_("The JSON must be an object with “measures” and “hearings” lists.")],
        )
    problems = []
    for key in document:
        if key not in ("measures", "hearings"):
            problems.append(
                _("The key “%(name)s” is not one the import knows.", name=str(key)[:40])
            )
    rows: list[RawRow] = []
    for key, kind, label in (
        ("measures", MEASURE, lambda n: _("Measure %(number)s", number=n)),
        ("hearings", HEARING, lambda n: _("Hearing %(number)s", number=n)),
    ):
        items = document.get(key, [])
        if not isinstance(items, list):
            problems.append(_("“%(name)s” must be a list.", name=key))
            continue
        for number, item in enumerate(items, start=1):
            if len(rows) == MAX_ROWS:
                return AgendaFile("json", problems=[too_many_rows()])
            where = label(format_number(number))
            rows.append(_json_row(kind, where, item, languages))
    if problems:
        return AgendaFile("json", problems=problems)
    if not rows:
        return AgendaFile("json", problems=[_("The file lists no measures and no hearings.")])
    return AgendaFile("json", rows=rows)


def _json_row(kind: str, where: str, item: object, languages: list[str]) -> RawRow:
    row = RawRow(kind, where)
    if not isinstance(item, dict):
        row.problems.append((None, _("Each item must be a JSON object.")))
        return row
    allowed = set(COMMON_FIELDS[1:]) | set(MEASURE_FIELDS if kind == MEASURE else HEARING_FIELDS)
    for name, value in item.items():
        if name == "translations" and kind == MEASURE:
            _json_translations(row, value, languages)
        elif name in allowed:
            row.values[name] = _json_value(row, name, value)
        elif name == "type":
            row.problems.append((name, _("Leave “type” out: the list says what the item is.")))
        elif name in (*MEASURE_FIELDS, *HEARING_FIELDS, "translations"):
            row.problems.append((str(name)[:40], other_kinds_field(kind)))
        else:
            row.problems.append(
                (
                    str(name)[:40],
                    _("The field “%(name)s” is not one the import knows.", name=str(name)[:40]),
                )
            )
    return row


def _json_value(row: RawRow, name: str, value: object) -> object:
    if isinstance(value, str) and len(value) > MAX_CELL:
        row.problems.append((name, too_long_cell()))
        return ""
    return value


def _json_translations(row: RawRow, value: object, languages: list[str]) -> None:
    if not isinstance(value, dict):
        row.problems.append(
            ("translations", _('“translations” must be an object such as {"es": {"title": …}}.'))
        )
        return
    for code, texts in value.items():
        if code not in languages:
            row.problems.append(
                (
                    "translations",
                    _(
                        "“%(code)s” is not a language the site offers; translations can be "
                        "in: %(languages)s.",
                        code=str(code)[:16],
                        languages=", ".join(languages) or "—",
                    ),
                )
            )
            continue
        if not isinstance(texts, dict) or set(texts) - set(TRANSLATED_FIELDS):
            row.problems.append(
                (
                    f"translations.{code}",
                    _("A translation is an object with “title” and “summary” only."),
                )
            )
            continue
        if "summary" in texts and "title" not in texts:
            row.problems.append(
                (f"translations.{code}", _("A translated summary needs its translated title."))
            )
            continue
        row.translations[code] = {
            name: _json_value(row, f"translations.{code}.{name}", text)
            for name, text in texts.items()
        }
