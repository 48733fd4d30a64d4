"""Reading agenda files in JSON: the documented shape, the same rows as CSV, and broken or
hostile JSON (invalid, nested ten thousand deep, huge numbers, unknown keys) as messages."""

from __future__ import annotations

import json

import pytest

from app.hearings.agenda_files import read_agenda
from tests.factories import example_agenda

LANGUAGES = ["es"]


@pytest.fixture(autouse=True)
def context(app):
    with app.test_request_context():
        yield


def read(data: bytes, name: str = "agenda.json"):
    return read_agenda(data, name, LANGUAGES)


def only_problem(data: bytes, name: str = "agenda.json") -> str:
    agenda = read(data, name)
    assert agenda.rows == []
    assert len(agenda.problems) == 1, agenda.problems
    return agenda.problems[0]


def test_the_example_json_reads_the_same_rows():
    agenda = read(example_agenda("agenda.json"), "agenda.json")
    assert agenda.format == "json" and agenda.problems == []
    assert [(row.kind, row.where) for row in agenda.rows][::4] == [
        ("measure", "Measure 1"),
        ("hearing", "Hearing 2"),
    ]
    csv_rows = read(example_agenda("agenda.csv"), "agenda.csv").rows
    assert agenda.rows[0].translations == csv_rows[0].translations
    assert agenda.rows[4].values["measures"] == csv_rows[4].values["measures"]


def test_a_json_file_is_recognised_by_its_content_whatever_its_name():
    data = json.dumps({"measures": [{"external_id": "x"}]}).encode()
    assert read(data, "agenda.csv").format == "json"
    assert only_problem(b"type,body\n", "agenda.json") == (
        "The file is named .json but does not hold a JSON object."
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'{"measures": [', "The file is not valid JSON (line 1)."),
        (b"[1, 2]", "The JSON must be an object with “measures” and “hearings” lists."),
        (b'{"measures": {}}', "“measures” must be a list."),
        (b'{"measures": [], "notes": 1}', "The key “notes” is not one the import knows."),
        (b'{"measures": []}', "The file lists no measures and no hearings."),
        (
            b'{"measures": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
            "The JSON is nested too deeply.",
        ),
        (b'{"measures": [{"number": 1' + b"0" * 5000 + b"}]}", "The file is not valid JSON"),
    ],
)
def test_broken_json_says_what_is_wrong(data, message):
    assert only_problem(data, "agenda.json").startswith(message)


def test_json_items_are_checked_field_by_field():
    document = {
        "measures": [
            "not an object",
            {"type": "measure", "colour": "red", "starts_at": "2030-01-01T10:00"},
            {"translations": {"fr": {"title": "Ordonnance"}, "es": {"summary": "Sólo"}}},
            {"translations": {"es": {"title": "Ordenanza", "note": "x"}}},
            {"summary": "x" * 10_001, "translations": []},
        ]
    }
    rows = read(json.dumps(document).encode(), "agenda.json").rows
    assert rows[0].problems == [(None, "Each item must be a JSON object.")]
    assert rows[1].problems == [
        ("type", "Leave “type” out: the list says what the item is."),
        ("colour", "The field “colour” is not one the import knows."),
        ("starts_at", "This field is for hearings; leave it empty on a measure."),
    ]
    assert rows[2].problems == [
        (
            "translations",
            "“fr” is not a language the site offers; translations can be in: es.",
        ),
        ("translations.es", "A translated summary needs its translated title."),
    ]
    assert rows[3].problems == [
        ("translations.es", "A translation is an object with “title” and “summary” only.")
    ]
    assert ("summary", "This value is longer than 10,000 characters.") in rows[4].problems
    assert (
        "translations",
        '“translations” must be an object such as {"es": {"title": …}}.',
    ) in rows[4].problems
