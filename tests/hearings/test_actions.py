"""Committee actions: a clerk records what the committee did with a measure, corrects or removes
a wrong entry, every change is audited, and the notices of a new action are queued."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role
from app.hearings.actions import (
    COMMITTEE_ACTED,
    ActionDetails,
    ActionRefused,
    CommitteeAction,
    CommitteeActionKind,
    correct_action,
    latest_actions,
    measure_actions,
    record_action,
    remove_action,
)
from app.platform.audit import AuditEvent
from app.platform.jobs import Job
from tests.factories import (
    make_committee_action,
    make_hearing,
    make_measure,
    make_staff_user,
)

# 03:00 UTC on December 8 is still December 7 in Boston (UTC-5).
NOW = datetime(2026, 12, 8, 3, 0, tzinfo=UTC)
BOSTON_TODAY = date(2026, 12, 7)


@pytest.fixture
def clerk(db):
    return make_staff_user(Role.CLERK, name="Casey Clerk")


def events(db, action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def count_actions(db) -> int:
    return db.session.scalar(select(func.count(CommitteeAction.id)))


def test_recording_an_action_stores_it_audits_it_and_queues_the_notices(db, clerk):
    hearing = make_hearing(now=NOW - timedelta(days=30))
    measure = hearing.measures[0]
    details = ActionDetails(
        kind=CommitteeActionKind.REPORTED_WITH_AMENDMENT,
        taken_on=BOSTON_TODAY,
        note="Reported in a new draft, Docket #0683A.",
        hearing_id=hearing.id,
    )

    action = record_action(clerk, measure, details, now=NOW)

    assert measure_actions(measure.id) == [action]
    assert (action.kind, action.taken_on, action.hearing_id) == (
        CommitteeActionKind.REPORTED_WITH_AMENDMENT,
        BOSTON_TODAY,
        hearing.id,
    )
    assert action.recorded_by_id == clerk.id
    assert action.label == "Reported favourably with an amendment"
    [event] = events(db, "committee_action.recorded")
    assert event.actor == clerk.audit_name
    assert event.data["note"] == details.note
    assert event.data["taken_on"] == "2026-12-07"
    [job] = db.session.scalars(select(Job).where(Job.kind == COMMITTEE_ACTED))
    assert json.loads(job.payload) == {"action_id": action.id}
    assert COMMITTEE_ACTED == "following.committee_acted"


def test_a_day_still_to_come_in_the_bodys_time_zone_is_refused(db, clerk):
    measure = make_measure()
    # December 8 has begun in UTC, not yet in Boston.
    with pytest.raises(ActionRefused, match="future"):
        record_action(
            clerk,
            measure,
            ActionDetails(kind=CommitteeActionKind.SENT_TO_STUDY, taken_on=date(2026, 12, 8)),
            now=NOW,
        )
    assert count_actions(db) == 0
    assert db.session.scalar(select(func.count(Job.id))) == 0
    assert events(db, "committee_action.recorded") == []


def test_other_needs_a_note_saying_what_was_done(db, clerk):
    measure = make_measure()
    with pytest.raises(ActionRefused, match="note"):
        record_action(
            clerk,
            measure,
            ActionDetails(kind=CommitteeActionKind.OTHER, taken_on=BOSTON_TODAY, note="  "),
            now=NOW,
        )
    assert count_actions(db) == 0


def test_the_hearing_must_have_had_the_measure_on_its_agenda(db, clerk):
    measure = make_measure()
    elsewhere = make_hearing(now=NOW - timedelta(days=30))
    with pytest.raises(ActionRefused, match="agenda"):
        record_action(
            clerk,
            measure,
            ActionDetails(
                kind=CommitteeActionKind.HELD, taken_on=BOSTON_TODAY, hearing_id=elsewhere.id
            ),
            now=NOW,
        )
    assert count_actions(db) == 0


def test_several_actions_over_time_and_the_latest_is_the_one_taken_last(db, clerk):
    measure = make_measure()
    other = make_measure()
    amended = make_committee_action(
        measure, kind=CommitteeActionKind.REPORTED_WITH_AMENDMENT, taken_on=date(2026, 10, 1)
    )
    # Recorded later, but taken earlier: not the latest.
    held = make_committee_action(measure, kind=CommitteeActionKind.HELD, taken_on=date(2026, 9, 1))
    favourable = make_committee_action(
        measure, kind=CommitteeActionKind.REPORTED_FAVOURABLY, taken_on=date(2026, 11, 1)
    )

    assert measure_actions(measure.id) == [favourable, amended, held]
    assert latest_actions({measure.id, other.id}) == {measure.id: favourable}
    assert latest_actions(set()) == {}


def test_a_correction_changes_the_entry_and_the_audit_log_keeps_what_it_said(db, clerk):
    action = make_committee_action(kind=CommitteeActionKind.REPORTED_FAVOURABLY, note="")
    fixer = make_staff_user(Role.CLERK, name="Robin Records")

    correct_action(
        fixer,
        action,
        ActionDetails(
            kind=CommitteeActionKind.REPORTED_UNFAVOURABLY,
            taken_on=date(2026, 11, 20),
            note="Ought not to pass.",
        ),
        now=NOW,
    )

    assert action.kind is CommitteeActionKind.REPORTED_UNFAVOURABLY
    assert (action.corrected_by_id, action.corrected_at) == (fixer.id, NOW)
    [event] = events(db, "committee_action.corrected")
    assert event.data["before"]["kind"] == "reported_favourably"
    assert event.data["kind"] == "reported_unfavourably"
    assert event.data["note"] == "Ought not to pass."
    assert db.session.scalar(select(func.count(Job.id))) == 0


def test_a_refused_correction_changes_nothing(db, clerk):
    action = make_committee_action(kind=CommitteeActionKind.SENT_TO_STUDY)
    with pytest.raises(ActionRefused):
        correct_action(
            clerk,
            action,
            ActionDetails(kind=CommitteeActionKind.REFERRED, taken_on=date(2027, 1, 1)),
            now=NOW,
        )
    db.session.expire_all()
    assert db.session.get(CommitteeAction, action.id).kind is CommitteeActionKind.SENT_TO_STUDY
    assert events(db, "committee_action.corrected") == []


def test_a_removed_entry_is_kept_but_shown_nowhere_and_cannot_be_corrected(db, clerk):
    measure = make_measure()
    earlier = make_committee_action(measure, taken_on=date(2026, 10, 1))
    wrong = make_committee_action(measure, taken_on=date(2026, 11, 1))

    remove_action(clerk, wrong, now=NOW)
    remove_action(clerk, wrong, now=NOW)  # twice: one record

    assert measure_actions(measure.id) == [earlier]
    assert latest_actions([measure.id]) == {measure.id: earlier}
    assert db.session.get(CommitteeAction, wrong.id).removed_by_id == clerk.id
    assert len(events(db, "committee_action.removed")) == 1
    with pytest.raises(ActionRefused, match="removed"):
        correct_action(
            clerk,
            wrong,
            ActionDetails(kind=CommitteeActionKind.HELD, taken_on=date(2026, 11, 1)),
            now=NOW,
        )


def test_the_same_entry_sent_twice_is_recorded_once_and_told_once(db, clerk):
    hearing = make_hearing(now=NOW - timedelta(days=30))
    measure = hearing.measures[0]
    details = ActionDetails(
        kind=CommitteeActionKind.SENT_TO_STUDY, taken_on=BOSTON_TODAY, note="", hearing_id=None
    )

    first = record_action(clerk, measure, details, now=NOW)
    again = record_action(clerk, measure, details, now=NOW + timedelta(seconds=2))

    assert again.id == first.id
    assert count_actions(db) == 1
    assert len(events(db, "committee_action.recorded")) == 1
    jobs = db.session.scalars(select(Job).where(Job.kind == COMMITTEE_ACTED)).all()
    assert len(jobs) == 1
    # A different entry, or the same one much later, is another action.
    later = record_action(clerk, measure, details, now=NOW + timedelta(minutes=11))
    assert later.id != first.id


def test_removing_an_entry_another_clerk_removed_meanwhile_records_nothing_more(db, clerk):
    action = make_committee_action()
    other = make_staff_user(Role.CLERK, name="Robin Records")
    # The first clerk's page loaded the entry; the second removes it meanwhile.
    db.session.execute(
        CommitteeAction.__table__.update()
        .where(CommitteeAction.id == action.id)
        .values(removed_at=NOW, removed_by_id=other.id)
    )
    remove_action(clerk, action, now=NOW)
    assert action.removed_by_id == other.id
    assert events(db, "committee_action.removed") == []
    with pytest.raises(ActionRefused):
        correct_action(
            clerk,
            action,
            ActionDetails(
                kind=CommitteeActionKind.HELD, taken_on=BOSTON_TODAY, note="", hearing_id=None
            ),
            now=NOW,
        )
