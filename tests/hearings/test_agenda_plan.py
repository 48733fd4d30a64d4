"""Planning an import: bodies and committees found by slug or name, external ids unique within
a body, file errors, and the fingerprint that ties a confirmation to its preview. Nothing is
written while planning."""

from __future__ import annotations

import pytest

from app.hearings.agenda_compare import Action
from app.hearings.agenda_plan import plan_agenda
from tests.factories import (
    agenda_csv,
    agenda_hearing,
    agenda_measure,
    example_agenda,
    make_agenda_bodies,
    make_measure,
    snapshot,
)


@pytest.fixture
def committees(db):
    committees = make_agenda_bodies()
    db.session.commit()
    return committees


def plan_of(*rows):
    return plan_agenda(agenda_csv(*rows), "agenda.csv")


def actions(plan) -> list[str]:
    return [row.action.value for row in plan.rows]


@pytest.mark.parametrize("name", ["agenda.csv", "agenda.json"])
def test_the_example_files_plan_to_create_everything_and_write_nothing(db, committees, name):
    before = snapshot(db)
    plan = plan_agenda(example_agenda(name), name)
    assert plan.file_errors == [] and not plan.has_errors
    assert actions(plan) == ["create"] * 5
    assert plan.counts()[Action.CREATE] == 5
    assert plan.body_ids() == sorted(c.body_id for c in committees.values())
    assert snapshot(db) == before


def test_bodies_and_committees_are_found_by_slug_or_name_ignoring_case_and_spaces(db, committees):
    plan = plan_of(
        agenda_measure(body=" BOSTON  city council", committee="government-operations"),
        agenda_measure(
            external_id="two",
            number="#2",
            body="boston-city-council",
            committee="COMMITTEE ON GOVERNMENT OPERATIONS",
        ),
    )
    assert actions(plan) == ["create", "create"]
    assert {row.committee_id for row in plan.rows} == {committees["council"].id}


def test_an_unknown_body_or_committee_is_a_row_error(db, committees):
    plan = plan_of(
        agenda_measure(body="Springfield City Council"),
        agenda_measure(external_id="two", committee="Committee on Ways and Means"),
    )
    assert plan.rows[0].errors == [("body", "There is no body called “Springfield City Council”.")]
    assert plan.rows[1].errors == [
        (
            "committee",
            "Boston City Council has no committee called “Committee on Ways and Means”.",
        )
    ]
    assert actions(plan) == ["error", "error"] and plan.has_errors


def test_an_external_id_twice_in_one_body_is_refused_but_may_repeat_across_bodies_and_kinds(
    db, committees
):
    plan = plan_of(
        agenda_measure(),
        agenda_measure(number="#2"),
        agenda_measure(
            body="Massachusetts General Court",
            committee="Joint Committee on the Judiciary",
            number="H.1538",
        ),
        agenda_hearing(external_id="boston-2020-docket-0683"),
    )
    assert plan.rows[1].errors == [
        ("external_id", "The external id “boston-2020-docket-0683” is also on Row 2.")
    ]
    assert actions(plan) == ["create", "error", "create", "create"]


def test_a_file_error_plans_no_rows(db, committees):
    plan = plan_agenda(b"\x00\x01", "agenda.csv")
    assert plan.rows == [] and plan.has_errors
    assert plan.file_errors[0].startswith("The file holds NUL bytes")


def test_the_fingerprint_follows_what_the_clerk_is_shown(db, committees):
    data = agenda_csv(agenda_measure())
    first = plan_agenda(data, "agenda.csv")
    assert plan_agenda(data, "agenda.csv").fingerprint() == first.fingerprint()
    # Another clerk types the measure in meanwhile: the same file now plans a change.
    make_measure(committees["council"], number="Docket #0683", session="2020", title="Typed")
    again = plan_agenda(data, "agenda.csv")
    assert actions(again) == ["change"]
    assert again.fingerprint() != first.fingerprint()


def test_a_hostile_file_name_is_kept_short(db, committees):
    plan = plan_agenda(agenda_csv(agenda_measure()), "x" * 1000 + ".csv")
    assert len(plan.filename) == 255
