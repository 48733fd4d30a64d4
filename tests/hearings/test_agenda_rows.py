"""Checking each value of an agenda row: the forms' limits and messages, formulas, external
ids, numbers, lists of measures, and times local to the body's zone or with an offset."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.hearings.agenda_files import RawRow
from app.hearings.agenda_rows import Invalid, check_row, check_time, check_value, in_zone
from app.hearings.measure_texts import Translation
from app.hearings.models import MeasureKind, SpeakingModes

BOSTON = "America/New_York"


@pytest.fixture(autouse=True)
def context(app):
    with app.test_request_context():
        yield


def refusal(name: str, value: object) -> str:
    with pytest.raises(Invalid) as caught:
        check_value(name, value)
    return str(caught.value)


def measure_row(**values) -> RawRow:
    given = {
        "body": "Boston City Council",
        "committee": "Committee on Government Operations",
        "external_id": "boston-2020-docket-0683",
        "kind": "ordinance",
        "number": "Docket #0683",
        "title": "Ordinance banning face surveillance in Boston",
    }
    return RawRow("measure", "Row 2", values=given | values)


def test_a_good_row_gives_typed_values_and_translations():
    raw = measure_row(kind=" Ordinance ", session="", summary="Line one\r\nline two")
    raw.translations = {"es": {"title": " Ordenanza ", "summary": ""}}
    row = check_row(raw)
    assert row.errors == []
    assert row.values["kind"] is MeasureKind.ORDINANCE
    assert row.values["summary"] == "Line one\nline two"
    assert row.values["session"] == ""
    assert row.translations == {"es": Translation("Ordenanza", "")}


def test_a_missing_required_field_is_named():
    raw = measure_row()
    del raw.values["title"]
    assert check_row(raw).errors == [("title", "This field is required.")]


def test_a_row_that_cannot_be_read_is_not_checked_further():
    raw = RawRow("motion", "Row 3", values={"title": "=1+1"})
    raw.problems = [("type", "Enter “measure” or “hearing” as the type.")]
    assert check_row(raw).errors == raw.problems


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("title", "", "This field is required."),
        ("title", "   ", "This field is required."),
        ("title", "x" * 301, "Use 300 characters or fewer."),
        ("title", "…!?", "Enter letters or numbers here."),
        ("title", "Two\nlines", "Keep this value on one line."),
        ("title", "Bell\x07", "Remove the control characters (such as NUL) from this field."),
        ("summary", "Tab\x0bbed", "Remove the control characters (such as NUL) from this field."),
        ("title", 1538, "Write this value as text."),
        ("title", ["a"], "Write this value as text."),
        ("number", '=HYPERLINK("http://evil")', "This value starts with “=”"),
        ("summary", "+1 for transit", "This value starts with “+”"),
        ("location", "-2+3", "This value starts with “-”"),
        ("session", "@SUM(A1)", "This value starts with “@”"),
        ("official_url", "javascript:alert(1)", "Enter a web address starting with https://"),
        ("remote_url", "//example.org/x", "Enter a web address starting with https://"),
        ("external_id", "has space", "Use up to 100 letters, digits and the signs"),
        ("external_id", "-leading", "Use up to 100 letters, digits and the signs"),
        ("external_id", "x" * 101, "Use up to 100 letters, digits and the signs"),
        ("external_id", True, "Write this value as text."),
        ("kind", "motion", "Enter the kind: ordinance, bill, order or resolution."),
        ("speaking_modes", "telepathy", "Enter how speakers take part: in_person, remote or both."),
        ("speaker_minutes", "0", "Enter a whole number between 1 and 60."),
        ("speaker_minutes", "3.5", "Enter a whole number between 1 and 60."),
        ("speaker_minutes", "٣", "Enter a whole number between 1 and 60."),
        ("speaker_minutes", True, "Enter a whole number between 1 and 60."),
        ("max_speakers", "1001", "Enter a whole number between 1 and 1000."),
        ("max_speakers", "9" * 5000, "Enter a whole number between 1 and 1000."),
        ("measures", "", "Choose at least one measure."),
        ("measures", "a;b;a", "“a” is listed twice."),
        ("measures", {"a": 1}, "List the measures' external ids."),
        ("measures", ";".join(f"m{n}" for n in range(51)), "List 50 measures or fewer."),
        ("starts_at", "", "This field is required."),
        ("starts_at", "2030-06-09", "Enter a date and time such as 2026-06-09T10:00"),
        ("starts_at", "June 9, 2030 10am", "Enter a date and time such as 2026-06-09T10:00"),
        ("starts_at", "2030-02-30T10:00", "This date does not exist."),
        ("starts_at", "2030-06-09T25:00", "This date does not exist."),
        ("starts_at", "0226-06-09T10:00", "Enter a year between 1900 and 2199."),
        ("starts_at", 20300609, "Enter a date and time such as 2026-06-09T10:00"),
    ],
)
def test_bad_values_get_specific_messages(name, value, message):
    assert refusal(name, value).startswith(message)


def test_optional_values_left_empty_take_their_defaults():
    assert check_value("speaker_minutes", "") == 3
    assert check_value("max_speakers", None) is None
    assert check_value("speaking_modes", "") is None
    assert check_value("speaker_signup_closes_at", "") is None
    assert check_value("official_url", "") is None
    assert check_value("speaking_modes", "In person") is SpeakingModes.IN_PERSON
    assert check_value("speaker_minutes", 5) == 5


def test_a_translation_is_checked_like_the_original():
    raw = measure_row()
    raw.translations = {"es": {"title": "", "summary": "Sólo el resumen"}}
    assert check_row(raw).errors == [
        ("title_es", "A translated summary needs its translated title.")
    ]
    raw.translations = {"es": {"title": "=Ordenanza", "summary": "x" * 5001}}
    assert check_row(raw).errors == [
        ("title_es", check_row(measure_row(title="=Ordenanza")).errors[0][1]),
        ("summary_es", "Use 5000 characters or fewer."),
    ]


def test_times_are_local_unless_they_give_an_offset():
    local = check_time("2030-06-09T10:00", required=True)
    assert local.tzinfo is None
    assert in_zone(local, BOSTON) == datetime(2030, 6, 9, 14, 0, tzinfo=UTC)
    for written in ("2030-06-09T14:00Z", "2030-06-09 10:00-04:00", "2030-06-09T10:00:00-0400"):
        moment = check_time(written, required=True)
        assert in_zone(moment, BOSTON) == datetime(2030, 6, 9, 14, 0, tzinfo=UTC), written
    winter = in_zone(check_time("2030-01-09T10:00", required=True), BOSTON)
    assert winter == datetime(2030, 1, 9, 15, 0, tzinfo=UTC)


def test_a_local_time_the_clocks_skip_or_repeat_is_refused_with_what_to_write():
    with pytest.raises(Invalid) as skipped:
        in_zone(check_time("2030-03-10T02:30", required=True), BOSTON)
    assert "does not exist in America/New_York: the clocks go forward then" in str(skipped.value)
    with pytest.raises(Invalid) as repeated:
        in_zone(check_time("2030-11-03T01:30", required=True), BOSTON)
    assert str(repeated.value) == (
        "This time happens twice in America/New_York (the clocks go back): add its offset "
        "from UTC, such as -04:00 or -05:00."
    )
    offset = check_time("2030-11-03T01:30-05:00", required=True)
    assert in_zone(offset, BOSTON) == datetime(2030, 11, 3, 6, 30, tzinfo=UTC)
