"""Reading agenda files: CSV and JSON as documented, and every hostile file a clerk's
computer (or anyone else) can produce ends as a specific message, never an exception."""

from __future__ import annotations

import pytest

from app.hearings.agenda_files import MAX_FILE_BYTES, MAX_ROWS, read_agenda
from tests.factories import EXAMPLES, agenda_csv, agenda_hearing, agenda_measure, example_agenda

LANGUAGES = ["es"]


@pytest.fixture(autouse=True)
def context(app):
    with app.test_request_context():
        yield


def read(data: bytes, name: str = "agenda.csv"):
    return read_agenda(data, name, LANGUAGES)


def only_problem(data: bytes, name: str = "agenda.csv") -> str:
    agenda = read(data, name)
    assert agenda.rows == []
    assert len(agenda.problems) == 1, agenda.problems
    return agenda.problems[0]


def test_the_example_csv_reads_as_three_measures_and_two_hearings():
    agenda = read(example_agenda("agenda.csv"))
    assert agenda.format == "csv" and agenda.problems == []
    assert [(row.kind, row.where) for row in agenda.rows] == [
        ("measure", "Row 2"),
        ("measure", "Row 3"),
        ("measure", "Row 4"),
        ("hearing", "Row 5"),
        ("hearing", "Row 6"),
    ]
    ordinance, *_rest, moratorium = agenda.rows
    assert ordinance.translations["es"]["title"].startswith("Ordenanza")
    assert moratorium.values["measures"] == ["ma-191-h1538", "ma-191-s1385"]
    assert all(row.problems == [] for row in agenda.rows)


def test_a_byte_order_mark_semicolons_and_blank_lines_are_read():
    data = agenda_csv(agenda_measure()).decode().replace(",", ";")
    agenda = read(("\ufeff" + data + "\r\n;;;\r\n\r\n").encode())
    assert agenda.problems == []
    assert [row.values["number"] for row in agenda.rows] == ["Docket #0683"]


def test_columns_left_out_are_not_given_and_headers_ignore_case_and_spaces():
    data = b" TYPE ,Body,committee,external_id,Title\nmeasure,b,c,x,T\n"
    row = read(data).rows[0]
    assert row.values == {"body": "b", "committee": "c", "external_id": "x", "title": "T"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"  \r\n ", "The file is empty."),
        ("type,body\n".encode("utf-16"), "The file is saved as UTF-16."),
        (b"PK\x03\x04\x14\x00\x06\x00", "This is a workbook (such as .xlsx)"),
        (b"%PDF-1.7\n%\xe2\xe3", "This is a PDF, not CSV or JSON."),
        (b"type,body\x00,committee\n", "The file holds NUL bytes"),
        (b"type,body\ncaf\xe9,x\n", "The file is not UTF-8 text (byte 14 cannot be read)."),
        (b"type,body,committee,external_id\n", "The file has a header but no rows."),
        (b"type,body,committee,external_id\n\n,,,\n", "The file has a header but no rows."),
    ],
)
def test_files_that_are_not_agendas_say_what_they_are(data, message):
    assert only_problem(data).startswith(message)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read():
    data = agenda_csv(agenda_measure()) + b"#" * MAX_FILE_BYTES
    assert only_problem(data) == "The file is larger than 2 MB. Split it into several files."


def test_more_rows_than_allowed_are_refused():
    rows = [agenda_measure(external_id=f"m{n}", number=f"#{n}") for n in range(MAX_ROWS + 1)]
    assert only_problem(agenda_csv(*rows)).startswith("The file has more than 2,000 rows.")
    assert read(agenda_csv(*rows[:MAX_ROWS])).problems == []


def test_unknown_repeated_and_missing_columns_are_named():
    data = b"type,body,body,colour,title_fr,summary_es,,title\nmeasure,a,b,c,d,e,f,g\n"
    problems = read(data).problems
    assert "The column “body” appears twice." in problems
    assert "The column “colour” is not one the import knows." in problems
    assert (
        "The column “title_fr” is for a language the site does not offer; translations can "
        "be in: es." in problems
    )
    assert "A column has no name: name it or delete it." in problems
    assert "The file needs the columns “committee”, “external_id”." in problems
    assert "The column “summary_es” needs a “title_es” column." in problems


def test_a_row_with_the_wrong_number_of_cells_is_a_row_error():
    data = agenda_csv(agenda_measure()) + b"measure,a,b\n"
    row = read(data).rows[1]
    assert row.problems == [(None, "This row has 3 cells; the header names 9 columns.")]


def test_a_huge_cell_is_refused_for_its_row_and_an_enormous_one_for_the_file():
    long_row = read(agenda_csv(agenda_measure(summary="x" * 10_001))).rows[0]
    assert long_row.problems == [("summary", "This value is longer than 10,000 characters.")]
    enormous = agenda_csv(agenda_measure(summary="x" * 200_000))
    assert only_problem(enormous).startswith("Line 2 cannot be read as CSV")


def test_an_unclosed_quotation_mark_is_reported_with_its_line():
    data = b'type,body,committee,external_id\nmeasure,"a,b,c\n'
    assert only_problem(data).startswith("Line ")


def test_a_wrong_type_and_fields_of_the_other_kind_are_row_errors():
    rows = read(
        agenda_csv(
            agenda_measure(type="motion"),
            agenda_measure(external_id="x", starts_at="2030-01-01T10:00"),
            agenda_hearing(kind="bill", title_es="Audiencia"),
        )
    ).rows
    assert rows[0].problems == [("type", "Enter “measure” or “hearing” as the type.")]
    assert rows[1].problems == [
        ("starts_at", "This field is for hearings; leave it empty on a measure.")
    ]
    assert ("kind", "This field is for measures; leave it empty on a hearing.") in rows[2].problems
    assert ("title_es", "Only measures have translations.") in rows[2].problems


def test_the_documented_examples_are_the_files_shipped():
    doc = (EXAMPLES.parent / "agenda_import.md").read_text()
    for name, language in (("agenda.csv", "csv"), ("agenda.json", "json")):
        block = doc.split(f"```{language}\n", 1)[1].split("```", 1)[0]
        assert block == example_agenda(name).decode(), name
