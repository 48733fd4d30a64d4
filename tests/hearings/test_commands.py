"""`flask import-agenda FILE [--dry-run]`, run as an operator would: the plan printed, one
commit, nothing from a file with errors, and nothing again for the same file."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.hearings.models import Hearing, Measure
from app.platform.audit import AuditEvent
from tests.factories import (
    EXAMPLES,
    agenda_csv,
    agenda_hearing,
    agenda_measure,
    make_agenda_bodies,
)


@pytest.fixture
def committees(db):
    committees = make_agenda_bodies()
    db.session.commit()
    return committees


def run(app, *args: str):
    return app.test_cli_runner().invoke(args=["import-agenda", *args])


def counts(db) -> tuple[int, int, int]:
    result = tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Measure, Hearing, AuditEvent)
    )
    db.session.rollback()  # end the read so the command can write
    return result


def test_a_dry_run_prints_the_plan_and_changes_nothing(app, db, committees):
    result = run(app, str(EXAMPLES / "agenda.csv"), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "agenda.csv (CSV): 5 to create, 0 to change, 0 unchanged, 0 with errors" in result.output
    assert "Row 2: measure boston-2020-docket-0683: create" in result.output
    assert "Dry run: nothing was changed." in result.output
    assert counts(db) == (0, 0, 0)


def test_the_example_imports_once_and_again_changes_nothing(app, db, committees):
    result = run(app, str(EXAMPLES / "agenda.json"))
    assert result.exit_code == 0, result.output
    assert "Imported." in result.output
    imported = counts(db)
    assert imported[:2] == (3, 2)
    again = run(app, str(EXAMPLES / "agenda.json"))
    assert again.exit_code == 0, again.output
    assert "0 to create, 0 to change, 5 unchanged" in again.output
    assert "Nothing to change" in again.output
    assert counts(db) == imported


def test_changes_are_printed_old_and_new(app, db, committees, tmp_path):
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_bytes(agenda_csv(agenda_measure()))
    second.write_bytes(agenda_csv(agenda_measure(title="Face surveillance ban")))
    assert run(app, str(first)).exit_code == 0
    result = run(app, str(second), "--dry-run")
    assert (
        "    title: Ordinance banning face surveillance in Boston → Face surveillance ban"
        in result.output
    )


def test_a_file_with_errors_prints_them_and_imports_nothing(app, db, committees, tmp_path):
    path = tmp_path / "agenda.csv"
    path.write_bytes(agenda_csv(agenda_measure(), agenda_hearing(starts_at="tomorrow")))
    result = run(app, str(path))
    assert result.exit_code == 1
    assert "    starts_at: Enter a date and time such as 2026-06-09T10:00" in result.output
    assert "The file has errors, so nothing was imported." in result.output
    assert counts(db) == (0, 0, 0)


def test_a_file_that_is_not_an_agenda_says_so(app, db, committees, tmp_path):
    path = tmp_path / "agenda.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    result = run(app, str(path), "--dry-run")
    assert result.exit_code == 1
    assert "agenda.xlsx: This is a workbook (such as .xlsx)" in result.output
