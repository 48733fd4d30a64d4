"""Comparing hearing rows with what is stored: times in the body's zone, hearings typed in by
hand found by title and start, agendas of the file's or the body's measures, the hearing
form's rules on the field to fix, measures with testimony or sign-ins kept on the agenda, and
an early close kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.hearings.agenda_compare import Action, Change
from app.hearings.agenda_plan import plan_agenda
from app.platform.extensions import db as _db
from app.platform.timezones import utcnow
from app.testimony.models import Position
from tests.factories import (
    agenda_csv,
    agenda_hearing,
    agenda_measure,
    make_agenda_bodies,
    make_committee,
    make_hearing,
    make_measure,
    make_sign_in,
    make_testimony,
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


@pytest.fixture
def hearing(db, committees, ordinance):
    hearing = hearing_on(
        [ordinance],
        committee=committees["council"],
        title="Hearing on a ban of face surveillance in Boston",
        description="",
        location="",
        remote_url=None,
        starts_at=START,
        testimony_opens_at=datetime(2030, 5, 26, 13, 0, tzinfo=UTC),
        testimony_closes_at=START,
        speaker_signup_closes_at=None,
        external_id="boston-2030-06-09-gov-ops",
    )
    hearing.speaking_modes = hearing.speaking_modes.IN_PERSON
    db.session.commit()
    return hearing


def hearing_on(measures, **overrides):
    hearing = make_hearing(measures=0, **overrides)
    hearing.measures = list(measures)
    _db.session.flush()
    return hearing


def planned(*rows):
    return plan_agenda(agenda_csv(*rows), "agenda.csv").rows


def test_a_hearing_as_stored_is_unchanged(hearing):
    (row,) = planned(agenda_hearing(starts_at="2030-06-09T14:00Z"))
    assert (row.action, row.changes) == (Action.UNCHANGED, [])


def test_a_moved_hearing_shows_its_times_in_the_bodys_zone(hearing):
    (row,) = planned(
        agenda_hearing(starts_at="2030-06-10T10:00", testimony_closes_at="2030-06-10T09:00")
    )
    assert row.changes == [
        Change("starts_at", "2030-06-09 10:00 EDT", "2030-06-10 10:00 EDT"),
        Change("testimony_closes_at", "2030-06-09 10:00 EDT", "2030-06-10 09:00 EDT"),
    ]


def test_a_hearing_typed_in_by_hand_is_found_by_title_and_start(db, committees, ordinance):
    typed = hearing_on(
        [ordinance],
        committee=committees["council"],
        title="Hearing on a ban of face surveillance in Boston",
        starts_at=START,
        testimony_opens_at=START - timedelta(days=14),
        testimony_closes_at=START,
    )
    db.session.commit()
    (row,) = planned(agenda_hearing())
    assert (row.action, row.target_id) == (Action.CHANGE, typed.id)
    assert row.changes[0] == Change("external_id", "", "boston-2030-06-09-gov-ops")


def test_a_hearing_lists_measures_of_the_file_or_of_the_body(db, committees, ordinance):
    rows = planned(
        agenda_measure(external_id="new-order", number="Docket #0684", kind="order"),
        agenda_hearing(measures="boston-2020-docket-0683;new-order"),
    )
    assert [row.action for row in rows] == [Action.CREATE, Action.CREATE]
    assert rows[1].agenda == [("boston-2020-docket-0683", ordinance.id), ("new-order", None)]


@pytest.mark.parametrize(
    ("measures", "message"),
    [
        (
            "nowhere",
            "There is no measure with the external id “nowhere” in this file or in this body.",
        ),
        ("broken", "The measure “broken” has errors on Row 2."),
        ("ma-191-h1538", "The measure “ma-191-h1538” is before another committee"),
    ],
)
def test_a_hearings_measures_must_exist_in_its_committee(db, committees, measures, message):
    elsewhere = make_committee(committees["council"].body, name="Committee on Public Safety")
    make_measure(elsewhere, number="H.1538", external_id="ma-191-h1538")
    db.session.commit()
    rows = planned(
        agenda_measure(external_id="broken", kind="motion"),
        agenda_hearing(measures=measures),
    )
    assert rows[1].action is Action.ERROR
    assert rows[1].errors[0][0] == "measures"
    assert rows[1].errors[0][1].startswith(message)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"testimony_opens_at": "2030-06-09T10:00"},
            "testimony_closes_at",
            "The deadline must be after testimony opens.",
        ),
        (
            {"testimony_closes_at": "2030-06-09T11:00"},
            "testimony_closes_at",
            "The testimony deadline must be no later than the hearing's start.",
        ),
        (
            {
                "speaker_signup_closes_at": "2030-06-09T11:00",
                "testimony_closes_at": "2030-06-09T09:00",
            },
            "speaker_signup_closes_at",
            "Sign-up to speak must close by the hearing's start.",
        ),
        (
            {
                "speaker_signup_closes_at": "2030-06-09T09:30",
                "testimony_closes_at": "2030-06-09T09:00",
            },
            "speaker_signup_closes_at",
            "Sign-up to speak must close by the testimony deadline.",
        ),
        ({"speaking_modes": "remote"}, "speaking_modes", "Remote speakers need the link to join"),
        (
            {"starts_at": "2030-03-10T02:30", "testimony_closes_at": "2030-03-09T10:00"},
            "starts_at",
            "This time does not exist in America/New_York",
        ),
    ],
)
def test_the_hearing_forms_rules_hold_on_the_field_to_fix(
    db, committees, ordinance, overrides, field, message
):
    (row,) = planned(agenda_hearing(**overrides))
    assert row.action is Action.ERROR
    assert row.errors[0][0] == field
    assert row.errors[0][1].startswith(message)


def test_removing_the_remote_link_of_a_hearing_with_remote_speakers_is_refused(db, hearing):
    hearing.remote_url = "https://example.org/watch"
    hearing.speaking_modes = hearing.speaking_modes.BOTH
    db.session.commit()
    (row,) = planned(agenda_hearing(remote_url=""))
    assert row.errors[0][0] == "remote_url"


@pytest.mark.parametrize("kind", ["testimony", "sign-in"])
def test_a_measure_with_testimony_or_sign_ins_stays_on_the_agenda(db, committees, ordinance, kind):
    now = utcnow()
    other = make_measure(committees["council"], number="Docket #0684", external_id="order-0684")
    live = hearing_on(
        [ordinance, other],
        committee=committees["council"],
        external_id="live",
        title="Live hearing",
        now=now,
    )
    if kind == "testimony":
        make_testimony(live, measure_id=other.id)
    else:
        make_sign_in(live, positions=((other.id, Position.OPPOSE),))
    db.session.commit()
    local = lambda moment: moment.astimezone().strftime("%Y-%m-%dT%H:%M%z")  # noqa: E731
    (row,) = planned(
        agenda_hearing(
            external_id="live",
            title="Live hearing",
            starts_at=local(live.starts_at),
            testimony_opens_at=local(live.testimony_opens_at),
            testimony_closes_at=local(live.testimony_closes_at),
            measures="boston-2020-docket-0683",
        )
    )
    assert row.errors[0][0] == "measures"
    assert "must stay on the agenda" in row.errors[0][1]


def test_a_hearing_closed_early_stays_closed_when_the_file_gives_its_published_deadline(
    db, hearing
):
    early = START - timedelta(days=3, seconds=17)
    hearing.published_closes_at, hearing.testimony_closes_at = START, early
    hearing.speaker_signup_closes_at = early
    db.session.commit()
    (row,) = planned(agenda_hearing())
    assert (row.action, row.changes) == (Action.UNCHANGED, [])
    (moved,) = planned(agenda_hearing(testimony_closes_at="2030-06-09T09:00"))
    assert moved.changes[0].field == "testimony_closes_at"
    assert moved.values["testimony_closes_at"] == START - timedelta(hours=1)
