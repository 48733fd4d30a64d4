"""The clerks' hearing services called directly: slugs, measures, hearings and their agenda,
opening, closing, cancelling and reinstating, and the audit rows each writes."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role
from app.hearings.models import Body, Hearing, HearingStatus, Measure, MeasureKind, SpeakingModes
from app.hearings.services import (
    BadWindow,
    DuplicateNumber,
    HearingDetails,
    MeasureDetails,
    cancel_hearing,
    close_window,
    create_body,
    create_committee,
    open_window,
    reinstate_hearing,
    save_hearing,
    save_measure,
    slugify,
    update_body,
    update_committee,
)
from app.platform.audit import AuditEvent
from app.testimony.models import Position
from tests.factories import (
    make_body,
    make_committee,
    make_hearing,
    make_measure,
    make_sign_in,
    make_staff_user,
    make_testimony,
)

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
DAY = timedelta(days=1)


pytestmark = pytest.mark.usefixtures("fast_hashing")


@pytest.fixture
def clerk(db):
    return make_staff_user(Role.CLERK, name="Casey Clerk")


def events(db, action: str) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    return list(db.session.scalars(query))


def assert_audited(db, action: str, subject, clerk, **data) -> AuditEvent:
    (row,) = events(db, action)
    assert row.actor == f"user:{clerk.id}"
    assert (row.subject_type, row.subject_id) == (subject.__tablename__, subject.id)
    assert row.occurred_at == NOW
    for key, value in data.items():
        assert row.data[key] == value, key
    return row


def measure_details(**overrides) -> MeasureDetails:
    values = {
        "kind": MeasureKind.BILL,
        "number": "H.1538",
        "title": "An Act establishing a moratorium on face recognition",
        "summary": "Pauses government use of face recognition.",
        "official_url": "https://malegislature.gov/Bills/191/H1538",
        "session": "191st General Court",
    }
    return MeasureDetails(**(values | overrides))


def hearing_details(measure_ids, **overrides) -> HearingDetails:
    values = {
        "title": "Hearing on the moratorium",
        "description": "",
        "starts_at": NOW + 8 * DAY,
        "location": "Gardner Auditorium",
        "remote_url": None,
        "testimony_opens_at": NOW - DAY,
        "testimony_closes_at": NOW + 7 * DAY,
        "speaker_signup_closes_at": None,
        "measure_ids": tuple(measure_ids),
    }
    return HearingDetails(**(values | overrides))


def hearing_at(**times) -> Hearing:
    """A hearing whose times are set relative to NOW."""
    values = {
        "testimony_opens_at": NOW - DAY,
        "testimony_closes_at": NOW + 7 * DAY,
        "speaker_signup_closes_at": None,
        "starts_at": NOW + 8 * DAY,
    }
    return make_hearing(now=NOW, **(values | times))


# Bodies and committees


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Boston City Council", "boston-city-council"),
        ("Cámara de Representantes de Puerto Rico", "camara-de-representantes-de-puerto-rico"),
        ("  Joint Committee -- on the Judiciary!  ", "joint-committee-on-the-judiciary"),
        ("東京都議会", "untitled"),
        ("x" * 200, "x" * 80),
    ],
)
def test_slugify(name, slug):
    assert slugify(name) == slug


def test_create_body_gives_a_unique_slug_and_is_audited(db, clerk):
    first = create_body(
        clerk, name="Boston City Council", jurisdiction="Boston", timezone="UTC", now=NOW
    )
    second = create_body(
        clerk, name="Boston City Council", jurisdiction="Boston", timezone="UTC", now=NOW
    )
    assert (first.slug, second.slug) == ("boston-city-council", "boston-city-council-2")
    assert len(events(db, "body.created")) == 2
    assert events(db, "body.created")[0].actor == f"user:{clerk.id}"


def test_update_body_changes_it_and_is_audited(db, clerk):
    body = make_body()
    update_body(
        clerk,
        body,
        name="Massachusetts General Court",
        jurisdiction="Commonwealth of Massachusetts",
        timezone="America/New_York",
        now=NOW,
    )
    assert body.name == "Massachusetts General Court"
    assert_audited(db, "body.updated", body, clerk, name=body.name, timezone="America/New_York")


def test_update_body_sets_the_resident_rule_or_keeps_it_when_not_given(db, clerk):
    body = make_body()
    same = {"name": body.name, "jurisdiction": body.jurisdiction, "timezone": body.timezone}
    update_body(clerk, body, **same, now=NOW, resident_places="Boston", resident_zip_prefixes="021")
    assert (body.resident_places, body.resident_zip_prefixes) == ("Boston", "021")
    update_body(clerk, body, **same, now=NOW)
    assert (body.resident_places, body.resident_zip_prefixes) == ("Boston", "021")


def test_committee_slugs_are_unique_within_their_body_only(db, clerk):
    boston, cambridge = make_body(), make_body()
    names = ("Committee on Government Operations",) * 2
    first, second = (create_committee(clerk, boston, name=name, now=NOW) for name in names)
    elsewhere = create_committee(clerk, cambridge, name=names[0], now=NOW)
    assert first.slug == elsewhere.slug == "committee-on-government-operations"
    assert second.slug == "committee-on-government-operations-2"
    assert len(events(db, "committee.created")) == 3

    update_committee(clerk, first, name="Committee on Public Safety", now=NOW)
    assert first.name == "Committee on Public Safety"
    assert_audited(db, "committee.updated", first, clerk, name="Committee on Public Safety")


# Measures


def test_save_measure_creates_and_audits(db, clerk):
    committee = make_committee()
    measure = save_measure(clerk, measure_details(), committee=committee, now=NOW)
    assert measure.committee_id == committee.id
    assert (measure.kind, measure.number, measure.session) == (
        MeasureKind.BILL,
        "H.1538",
        "191st General Court",
    )
    assert_audited(db, "measure.created", measure, clerk, number="H.1538")


def test_duplicate_number_in_the_same_committee_and_session_is_refused(db, clerk):
    committee = make_committee()
    existing = make_measure(committee, number="H.1538", session="191st General Court")
    other = make_measure(committee, number="S.1385", session="191st General Court")

    with pytest.raises(DuplicateNumber, match="already has a measure with that number"):
        save_measure(clerk, measure_details(), committee=committee, now=NOW)
    with pytest.raises(DuplicateNumber):
        save_measure(clerk, measure_details(), measure=other, now=NOW)

    assert other.number == "S.1385"
    assert db.session.scalar(select(func.count(Measure.id))) == 2
    assert events(db, "measure.created") == events(db, "measure.updated") == []
    # The measure may keep its own number; the number is free in another session or committee.
    save_measure(clerk, measure_details(title="Retitled"), measure=existing, now=NOW)
    assert existing.title == "Retitled"
    save_measure(clerk, measure_details(session="192nd"), committee=committee, now=NOW)
    save_measure(clerk, measure_details(), committee=make_committee(committee.body), now=NOW)


def test_updating_a_measure_keeps_its_committee(db, clerk):
    measure = make_measure()
    other = make_committee()
    save_measure(clerk, measure_details(), committee=other, measure=measure, now=NOW)
    assert measure.committee_id != other.id


# Hearings and their agenda


def test_save_hearing_creates_with_the_agenda_in_the_order_given(db, clerk):
    committee = make_committee()
    first, second, third = (make_measure(committee) for _ in range(3))

    hearing = save_hearing(
        clerk,
        hearing_details([third.id, first.id, second.id, first.id]),
        committee=committee,
        now=NOW,
    )

    assert hearing.committee_id == committee.id
    assert [m.id for m in hearing.measures] == [third.id, first.id, second.id]
    assert hearing.status(NOW) is HearingStatus.OPEN
    assert_audited(
        db,
        "hearing.created",
        hearing,
        clerk,
        opens=(NOW - DAY).isoformat(),
        closes=(NOW + 7 * DAY).isoformat(),
    )


def test_editing_reorders_the_agenda_and_keeps_the_committee(db, clerk):
    hearing = hearing_at(measures=2)
    first, second = hearing.measures
    committee_id = hearing.committee_id
    other = make_committee()

    save_hearing(
        clerk,
        hearing_details([second.id, first.id], title="Rescheduled", starts_at=NOW + 9 * DAY),
        committee=other,
        hearing=hearing,
        now=NOW,
    )

    db.session.expire_all()
    assert hearing.committee_id == committee_id
    assert hearing.title == "Rescheduled"
    assert hearing.starts_at == NOW + 9 * DAY
    assert [m.id for m in hearing.measures] == [second.id, first.id]


@pytest.mark.parametrize(
    ("times", "message"),
    [
        ({"testimony_closes_at": NOW - DAY}, "The deadline must be after testimony opens."),
        ({"testimony_closes_at": NOW - 2 * DAY}, "The deadline must be after testimony opens."),
        (
            {"speaker_signup_closes_at": NOW + 7 * DAY + timedelta(seconds=1)},
            "Sign-up to speak must close by the testimony deadline.",
        ),
    ],
    ids=["deadline-equals-opening", "deadline-before-opening", "signup-after-deadline"],
)
def test_bad_windows_are_refused(db, clerk, times, message):
    committee = make_committee()
    measure = make_measure(committee)
    with pytest.raises(BadWindow, match=re.escape(message)):
        save_hearing(clerk, hearing_details([measure.id], **times), committee=committee, now=NOW)
    assert db.session.scalar(select(func.count(Hearing.id))) == 0
    assert events(db, "hearing.created") == []


def test_signup_may_close_exactly_at_the_deadline(db, clerk):
    committee = make_committee()
    measure = make_measure(committee)
    details = hearing_details([measure.id], speaker_signup_closes_at=NOW + 7 * DAY)
    hearing = save_hearing(clerk, details, committee=committee, now=NOW)
    assert hearing.speaker_signup_deadline == NOW + 7 * DAY


def test_save_hearing_stores_the_speaking_rules_and_records_them(db, clerk):
    committee = make_committee()
    measure = make_measure(committee)
    details = hearing_details(
        [measure.id],
        remote_url="https://example.org/join",
        speaker_minutes=2,
        max_speakers=15,
        speaking_modes=SpeakingModes.REMOTE,
        officials_first=True,
        remote_pin="4321",
        speaker_signup_closes_at=NOW + 6 * DAY,
    )
    hearing = save_hearing(clerk, details, committee=committee, now=NOW)
    assert (
        hearing.speaker_minutes,
        hearing.max_speakers,
        hearing.speaking_modes,
        hearing.officials_first,
        hearing.remote_pin,
    ) == (2, 15, SpeakingModes.REMOTE, True, "4321")
    assert_audited(
        db,
        "hearing.created",
        hearing,
        clerk,
        signup_closes=(NOW + 6 * DAY).isoformat(),
        speaker_minutes=2,
        max_speakers=15,
        speaking_modes="remote",
        officials_first=True,
        remote_pin=True,
    )


@pytest.mark.parametrize(
    ("remote_url", "expected"),
    [(None, SpeakingModes.IN_PERSON), ("https://example.org/join", SpeakingModes.BOTH)],
)
def test_without_a_way_of_taking_part_it_follows_the_remote_link(db, clerk, remote_url, expected):
    committee = make_committee()
    measure = make_measure(committee)
    details = hearing_details([measure.id], remote_url=remote_url)
    assert save_hearing(clerk, details, committee=committee, now=NOW).speaking_modes is expected


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ({"speaker_minutes": 0}, "Give each speaker between 1 and 60 minutes."),
        ({"speaker_minutes": 61}, "Give each speaker between 1 and 60 minutes."),
        ({"max_speakers": 0}, "The maximum number of speakers must be at least 1."),
        ({"speaking_modes": SpeakingModes.REMOTE}, "Remote speakers need the link to join"),
        ({"speaking_modes": SpeakingModes.BOTH}, "Remote speakers need the link to join"),
        (
            {"speaker_signup_closes_at": NOW + 8 * DAY + timedelta(minutes=1)},
            "Sign-up to speak must close by the hearing's start.",
        ),
    ],
)
def test_bad_speaking_rules_are_refused_whoever_calls(db, clerk, rules, message):
    committee = make_committee()
    measure = make_measure(committee)
    with pytest.raises(BadWindow, match=re.escape(message)):
        save_hearing(clerk, hearing_details([measure.id], **rules), committee=committee, now=NOW)
    assert db.session.scalar(select(func.count(Hearing.id))) == 0


@pytest.mark.parametrize("which", ["none", "foreign", "foreign-among-own", "unknown"])
def test_measures_must_belong_to_the_committee(db, clerk, which):
    committee = make_committee()
    own = make_measure(committee)
    foreign = make_measure(make_committee(committee.body))
    ids = {
        "none": [],
        "foreign": [foreign.id],
        "foreign-among-own": [own.id, foreign.id],
        "unknown": [own.id, 999_999],
    }[which]
    with pytest.raises(BadWindow, match=re.escape("Choose measures of this committee.")):
        save_hearing(clerk, hearing_details(ids), committee=committee, now=NOW)
    assert db.session.scalar(select(func.count(Hearing.id))) == 0


def test_editing_cannot_bring_in_another_committees_measure(db, clerk):
    hearing = hearing_at()
    (own,) = hearing.measures
    foreign = make_measure()
    with pytest.raises(BadWindow):
        save_hearing(clerk, hearing_details([own.id, foreign.id]), hearing=hearing, now=NOW)
    assert [m.id for m in hearing.measures] == [own.id]


def test_a_measure_with_testimony_stays_on_the_agenda(db, clerk):
    hearing = hearing_at(measures=3)
    first, second, third = hearing.measures
    make_testimony(hearing, measure_id=first.id, now=NOW)

    # As a view does (app/platform/transaction.py, attempt): the refused call is undone.
    savepoint = db.session.begin_nested()
    with pytest.raises(BadWindow, match="already has testimony must stay on the agenda"):
        save_hearing(clerk, hearing_details([second.id, third.id]), hearing=hearing, now=NOW)
    savepoint.rollback()
    assert [m.id for m in hearing.measures] == [first.id, second.id, third.id]

    save_hearing(clerk, hearing_details([third.id, first.id]), hearing=hearing, now=NOW)
    assert [m.id for m in hearing.measures] == [third.id, first.id]


def test_a_measure_with_position_sign_ins_stays_on_the_agenda(db, clerk):
    hearing = hearing_at(measures=2)
    first, second = hearing.measures
    make_sign_in(hearing, positions=((second.id, Position.SUPPORT),), now=NOW)

    savepoint = db.session.begin_nested()
    with pytest.raises(BadWindow, match="already has position sign-ins must stay on the agenda"):
        save_hearing(clerk, hearing_details([first.id]), hearing=hearing, now=NOW)
    savepoint.rollback()
    assert [m.id for m in hearing.measures] == [first.id, second.id]


def test_services_leave_the_commit_to_the_caller(db, clerk):
    committee = make_committee()
    measure = make_measure(committee)
    db.session.commit()
    save_hearing(clerk, hearing_details([measure.id]), committee=committee, now=NOW)
    db.session.rollback()
    assert db.session.scalar(select(func.count(Hearing.id))) == 0
    assert db.session.scalar(select(func.count(AuditEvent.id))) == 0
    assert db.session.scalar(select(func.count(Body.id))) == 1


# Opening and closing the window


def test_open_window_starts_a_scheduled_hearing_now(db, clerk):
    hearing = hearing_at(testimony_opens_at=NOW + 3 * DAY, testimony_closes_at=NOW + 9 * DAY)
    assert hearing.status(NOW) is HearingStatus.SCHEDULED

    open_window(clerk, hearing, now=NOW)

    assert hearing.testimony_opens_at == NOW
    assert hearing.testimony_closes_at == NOW + 9 * DAY
    assert hearing.is_accepting_testimony(NOW)
    assert_audited(db, "hearing.opened", hearing, clerk)


def test_open_window_leaves_an_earlier_opening_alone(db, clerk):
    hearing = hearing_at(testimony_opens_at=NOW - 2 * DAY)
    open_window(clerk, hearing, now=NOW)
    assert hearing.testimony_opens_at == NOW - 2 * DAY


@pytest.mark.parametrize(
    ("times", "message"),
    [
        (
            {"testimony_opens_at": NOW - 9 * DAY, "testimony_closes_at": NOW - DAY},
            "The deadline has passed. Set a new deadline first (Edit).",
        ),
        (
            {"testimony_opens_at": NOW - 9 * DAY, "testimony_closes_at": NOW},
            "The deadline has passed. Set a new deadline first (Edit).",
        ),
        ({"cancelled_at": NOW - DAY}, "Reinstate the hearing before opening testimony."),
    ],
    ids=["after-deadline", "at-deadline", "cancelled"],
)
def test_open_window_refusals(db, clerk, times, message):
    hearing = hearing_at(**times)
    before = (hearing.testimony_opens_at, hearing.testimony_closes_at, hearing.cancelled_at)
    with pytest.raises(BadWindow, match=re.escape(message)):
        open_window(clerk, hearing, now=NOW)
    assert (hearing.testimony_opens_at, hearing.testimony_closes_at, hearing.cancelled_at) == before
    assert events(db, "hearing.opened") == []


def test_close_window_ends_testimony_and_speaker_sign_up_now(db, clerk):
    hearing = hearing_at(speaker_signup_closes_at=NOW + 6 * DAY)

    close_window(clerk, hearing, now=NOW)

    assert hearing.testimony_closes_at == NOW
    assert hearing.speaker_signup_closes_at == NOW
    assert hearing.status(NOW) is HearingStatus.CLOSED
    assert not hearing.is_accepting_speakers(NOW)
    assert_audited(db, "hearing.closed", hearing, clerk)


def test_close_window_keeps_an_earlier_speaker_cut_off(db, clerk):
    hearing = hearing_at(speaker_signup_closes_at=NOW - timedelta(hours=2))
    close_window(clerk, hearing, now=NOW)
    assert hearing.speaker_signup_closes_at == NOW - timedelta(hours=2)


@pytest.mark.parametrize(
    "times",
    [
        {"testimony_opens_at": NOW + DAY},
        {"testimony_opens_at": NOW - 9 * DAY, "testimony_closes_at": NOW - DAY},
        {"cancelled_at": NOW - DAY},
    ],
    ids=["scheduled", "closed", "cancelled"],
)
def test_close_window_refuses_when_not_open(db, clerk, times):
    hearing = hearing_at(**times)
    closes = hearing.testimony_closes_at
    with pytest.raises(
        BadWindow, match=re.escape("Testimony is not open, so there is nothing to close.")
    ):
        close_window(clerk, hearing, now=NOW)
    assert hearing.testimony_closes_at == closes
    assert events(db, "hearing.closed") == []


# Cancelling and reinstating


def test_cancel_and_reinstate_are_audited_once_each(db, clerk):
    hearing = hearing_at()

    cancel_hearing(clerk, hearing, now=NOW)
    cancel_hearing(clerk, hearing, now=NOW + DAY)  # again: nothing changes

    assert hearing.cancelled_at == NOW
    assert hearing.status(NOW) is HearingStatus.CANCELLED
    assert not hearing.is_accepting_testimony(NOW)
    assert_audited(db, "hearing.cancelled", hearing, clerk)

    reinstate_hearing(clerk, hearing, now=NOW)
    reinstate_hearing(clerk, hearing, now=NOW + DAY)

    assert hearing.cancelled_at is None
    assert hearing.status(NOW) is HearingStatus.OPEN
    assert_audited(db, "hearing.reinstated", hearing, clerk)
