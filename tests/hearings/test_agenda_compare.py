"""Comparing measure rows with what is stored: which fields change (old → new), what a file
leaves out is kept, translations language by language, measures typed in by hand found by
number, and numbers kept unique."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.hearings.agenda_compare import Action, Change
from app.hearings.agenda_plan import plan_agenda
from app.hearings.measure_texts import Translation, set_translations
from tests.factories import (
    agenda_csv,
    agenda_measure,
    make_agenda_bodies,
    make_committee,
    make_measure,
)

START = datetime(2030, 6, 9, 14, 0, tzinfo=UTC)  # 10:00 in Boston


@pytest.fixture
def committees(db):
    committees = make_agenda_bodies()
    db.session.commit()
    return committees


@pytest.fixture
def ordinance(db, committees):
    measure = make_measure(
        committees["council"],
        number="Docket #0683",
        session="2020",
        title="Ordinance banning face surveillance in Boston",
        summary="Prohibits city use of face surveillance.",
        official_url=None,
        external_id="boston-2020-docket-0683",
    )
    db.session.commit()
    return measure


def planned(*rows):
    return plan_agenda(agenda_csv(*rows), "agenda.csv").rows


def test_a_measure_as_stored_is_unchanged(ordinance):
    (row,) = planned(agenda_measure())
    assert (row.action, row.changes, row.target_id) == (Action.UNCHANGED, [], ordinance.id)


def test_a_changed_measure_lists_each_field_old_and_new(ordinance):
    (row,) = planned(agenda_measure(title="Face surveillance ban", summary="", kind="order"))
    assert row.action is Action.CHANGE
    assert row.changes == [
        Change("kind", "ordinance", "order"),
        Change("title", "Ordinance banning face surveillance in Boston", "Face surveillance ban"),
        Change("summary", "Prohibits city use of face surveillance.", ""),
    ]


def test_fields_a_file_leaves_out_are_kept(ordinance):
    row = agenda_measure()
    del row["summary"], row["session"]
    (plan,) = planned(row)
    assert plan.action is Action.UNCHANGED
    assert plan.values["summary"] == "Prohibits city use of face surveillance."


def test_translations_are_compared_language_by_language(db, ordinance):
    set_translations(ordinance, {"es": Translation("Ordenanza", "Prohíbe.")})
    db.session.commit()
    same = planned(agenda_measure(title_es="Ordenanza", summary_es="Prohíbe."))[0]
    assert same.action is Action.UNCHANGED
    changed = planned(agenda_measure(title_es="Ordenanza", summary_es=""))[0]
    assert changed.changes == [Change("summary_es", "Prohíbe.", "")]
    removed = planned(agenda_measure(title_es="", summary_es=""))[0]
    assert removed.changes == [
        Change("title_es", "Ordenanza", ""),
        Change("summary_es", "Prohíbe.", ""),
    ]


def test_a_measure_typed_in_by_hand_is_found_by_its_number_and_takes_the_id(db, committees):
    typed = make_measure(committees["council"], number="Docket #0683", session="2020")
    db.session.commit()
    (row,) = planned(
        agenda_measure(title=typed.title, summary=typed.summary, official_url=typed.official_url)
    )
    assert (row.action, row.target_id) == (Action.CHANGE, typed.id)
    assert row.changes == [Change("external_id", "", "boston-2020-docket-0683")]


def test_a_number_held_under_another_external_id_is_refused(ordinance):
    (row,) = planned(agenda_measure(external_id="other-id"))
    assert row.errors == [
        (
            "number",
            "This committee already has Docket #0683 in that session, under the external id "
            "“boston-2020-docket-0683”.",
        )
    ]


def test_renumbering_onto_another_measure_or_row_is_refused(db, committees, ordinance):
    make_measure(committees["council"], number="Docket #0684", session="2020")
    db.session.commit()
    rows = planned(
        agenda_measure(number="Docket #0684"),
        agenda_measure(external_id="new-1", number="Docket #0700"),
        agenda_measure(external_id="new-2", number="Docket #0700"),
    )
    message = "This committee already has a measure with that number and session."
    assert rows[0].errors == [("number", message)]
    assert (rows[1].action, rows[2].errors) == (Action.CREATE, [("number", message)])


def test_an_import_cannot_move_a_measure_to_another_committee(ordinance):
    (row,) = planned(
        agenda_measure(
            body="Massachusetts General Court", committee="Joint Committee on the Judiciary"
        )
    )
    assert row.action is Action.CREATE  # another body: another id space
    (row,) = planned(agenda_measure(committee="joint-judiciary"))
    assert row.errors == [
        ("committee", "Boston City Council has no committee called “joint-judiciary”.")
    ]


def test_a_measure_stays_before_its_committee(db, committees, ordinance):
    make_committee(committees["council"].body, name="Committee on Public Safety")
    db.session.commit()
    (row,) = planned(agenda_measure(committee="Committee on Public Safety"))
    assert row.errors == [
        (
            "committee",
            "This measure is before the Committee on Government Operations; an import cannot "
            "move it to another committee.",
        )
    ]
