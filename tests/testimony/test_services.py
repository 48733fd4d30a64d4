"""The testimony services called directly, with an explicit clock."""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.platform.audit import AuditEvent
from app.platform.outbox import OutboxMessage
from app.testimony import services
from app.testimony.models import (
    Position,
    ReviewStatus,
    SpeakingRequest,
    Testimony,
    TestimonyVersion,
)
from app.testimony.services import (
    NoRemoteOption,
    SpeakerSignupClosed,
    TestimonyLocked,
    UnknownInterpreterLanguage,
    UnknownMeasure,
    WindowClosed,
    amend_testimony,
    find_by_receipt_token,
    submit_testimony,
    withdraw_testimony,
)
from app.testimony.submissions import Amendment, Interpreter
from tests.factories import (
    listed_language,
    make_body,
    make_hearing,
    make_measure,
    make_submission,
    make_upload,
)

NOW = datetime(2025, 3, 10, 15, 0, tzinfo=UTC)
TRACKING = re.compile(
    r"^OT-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{4}-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{4}$"
)

# What make_submission fills in: none of it may reach the audit log or an e-mail body.
PERSONAL = {
    "full_name": "Denise Okafor",
    "email": "denise@example.org",
    "street_address": "12 Example Street",
    "zip_code": "02124",
    "body": "I support the ban on face surveillance.",
}


def open_hearing(**overrides):
    """Window opened a day before NOW, speaker sign-up closes in 6 days, testimony in 7."""
    return make_hearing(now=NOW, **overrides)


def closed_hearing():
    return make_hearing(
        now=NOW,
        testimony_opens_at=NOW - timedelta(days=10),
        testimony_closes_at=NOW - timedelta(minutes=1),
        speaker_signup_closes_at=NOW - timedelta(days=2),
        starts_at=NOW + timedelta(days=1),
    )


def counts(db) -> dict[str, int]:
    def count(model) -> int:
        return db.session.scalar(select(func.count(model.id)))

    return {
        "testimonies": count(Testimony),
        "versions": count(TestimonyVersion),
        "outbox": count(OutboxMessage),
        "audit": count(AuditEvent),
    }


NOTHING = {"testimonies": 0, "versions": 0, "outbox": 0, "audit": 0}


def amendment_for(testimony: Testimony, **overrides) -> Amendment:
    values = {
        "measure_id": testimony.measure_id,
        "position": testimony.position,
        "body": testimony.body,
        "speaking_request": testimony.speaking_request,
        "reason": "I found a mistake.",
    }
    return Amendment(**(values | overrides))


# Windows


@pytest.mark.parametrize("late", [timedelta(0), timedelta(seconds=1), timedelta(days=30)])
def test_submit_refused_at_and_after_deadline(db, late):
    hearing = open_hearing()
    with pytest.raises(WindowClosed):
        submit_testimony(hearing, make_submission(hearing), now=hearing.testimony_closes_at + late)
    assert counts(db) == NOTHING


def test_submit_accepted_one_second_before_deadline(db):
    hearing = open_hearing()
    receipt = submit_testimony(
        hearing, make_submission(hearing), now=hearing.testimony_closes_at - timedelta(seconds=1)
    )
    assert receipt.testimony.id is not None


def test_submit_refused_after_deadline_stores_nothing(db):
    hearing = closed_hearing()
    with pytest.raises(WindowClosed) as raised:
        submit_testimony(hearing, make_submission(hearing), now=NOW)
    assert "deadline" in str(raised.value)
    assert counts(db) == NOTHING


def test_submit_refused_before_window_opens(db):
    hearing = make_hearing(now=NOW, testimony_opens_at=NOW + timedelta(hours=1))
    with pytest.raises(WindowClosed):
        submit_testimony(hearing, make_submission(hearing), now=NOW)
    assert counts(db) == NOTHING


def test_submit_refused_on_cancelled_hearing(db):
    hearing = open_hearing(cancelled_at=NOW - timedelta(hours=1))
    with pytest.raises(WindowClosed):
        submit_testimony(hearing, make_submission(hearing), now=NOW)
    assert counts(db) == NOTHING


# Content rules


@pytest.mark.parametrize("speaking", [SpeakingRequest.IN_PERSON, SpeakingRequest.REMOTE])
def test_speaking_request_after_signup_cutoff_refused(db, speaking):
    hearing = open_hearing(speaker_signup_closes_at=NOW - timedelta(minutes=1))
    with pytest.raises(SpeakerSignupClosed):
        submit_testimony(hearing, make_submission(hearing, speaking_request=speaking), now=NOW)
    assert counts(db) == NOTHING


def test_written_testimony_accepted_after_signup_cutoff(db):
    hearing = open_hearing(speaker_signup_closes_at=NOW - timedelta(minutes=1))
    receipt = submit_testimony(hearing, make_submission(hearing), now=NOW)
    assert receipt.testimony.speaking_request is SpeakingRequest.NONE
    assert counts(db)["testimonies"] == 1


def test_speaking_accepted_before_signup_cutoff(db):
    hearing = open_hearing()
    for speaking in (SpeakingRequest.IN_PERSON, SpeakingRequest.REMOTE):
        receipt = submit_testimony(
            hearing, make_submission(hearing, speaking_request=speaking), now=NOW
        )
        assert receipt.testimony.speaking_request is speaking


def test_remote_refused_when_hearing_has_no_remote_url(db):
    hearing = open_hearing(remote_url=None)
    with pytest.raises(NoRemoteOption, match="no remote option"):
        submit_testimony(
            hearing,
            make_submission(hearing, speaking_request=SpeakingRequest.REMOTE),
            now=NOW,
        )
    assert counts(db) == NOTHING
    # Speaking in person is still possible at that hearing.
    receipt = submit_testimony(
        hearing, make_submission(hearing, speaking_request=SpeakingRequest.IN_PERSON), now=NOW
    )
    assert receipt.testimony.speaking_request is SpeakingRequest.IN_PERSON


def test_a_listed_interpreter_language_is_kept_and_other_text_dropped(db):
    hearing = open_hearing()
    french = listed_language(hearing.committee.body, "fr")
    submission = make_submission(
        hearing, interpreter_language_id=french.id, interpreter_language="French please"
    )
    testimony = submit_testimony(hearing, submission, now=NOW).testimony
    assert (testimony.interpreter_language_id, testimony.interpreter_language) == (french.id, None)
    assert testimony.interpreter_label("es") == "Francés"


@pytest.mark.parametrize("which", ["another body's", "unknown"])
def test_an_interpreter_language_not_on_the_bodys_list_is_refused(db, which):
    hearing = open_hearing()
    elsewhere = make_body(name="Cambridge City Council")
    language_id = listed_language(elsewhere, "es").id if which == "another body's" else 999_999
    with pytest.raises(UnknownInterpreterLanguage):
        submit_testimony(
            hearing, make_submission(hearing, interpreter_language_id=language_id), now=NOW
        )
    assert counts(db) == NOTHING


def test_an_amendment_changes_the_interpreter_or_leaves_it(db):
    hearing = open_hearing()
    spanish, french = (listed_language(hearing.committee.body, code) for code in ("es", "fr"))
    testimony = submit_testimony(
        hearing, make_submission(hearing, interpreter_language_id=spanish.id), now=NOW
    ).testimony
    # None leaves it; the same choice again is no change.
    assert not amend_testimony(testimony, amendment_for(testimony), now=NOW)
    same = Interpreter(language_id=spanish.id)
    assert not amend_testimony(testimony, amendment_for(testimony, interpreter=same), now=NOW)

    assert amend_testimony(
        testimony, amendment_for(testimony, interpreter=Interpreter(other="Kriolu")), now=NOW
    )
    assert (testimony.interpreter_language_id, testimony.interpreter_language) == (None, "Kriolu")
    assert testimony.interpreter_label("en") == "Kriolu"
    assert amend_testimony(
        testimony, amendment_for(testimony, interpreter=Interpreter(language_id=french.id)), now=NOW
    )
    assert (testimony.interpreter_language_id, testimony.interpreter_language) == (french.id, None)
    assert testimony.interpreter_label("en") == "French"
    assert amend_testimony(testimony, amendment_for(testimony, interpreter=Interpreter()), now=NOW)
    assert testimony.interpreter_label("en") == ""
    assert testimony.version == 4

    foreign = listed_language(make_body(name="Elsewhere"), "es")
    with pytest.raises(UnknownInterpreterLanguage):
        amend_testimony(
            testimony,
            amendment_for(testimony, interpreter=Interpreter(language_id=foreign.id)),
            now=NOW,
        )
    assert testimony.version == 4


def test_measure_not_on_hearing_refused(db):
    hearing = open_hearing()
    other = make_measure()
    with pytest.raises(UnknownMeasure):
        submit_testimony(hearing, make_submission(hearing, measure_id=other.id), now=NOW)
    assert counts(db) == NOTHING


def test_testimony_on_second_measure_of_hearing_accepted(db):
    hearing = open_hearing(measures=2)
    receipt = submit_testimony(
        hearing, make_submission(hearing, measure_id=hearing.measures[1].id), now=NOW
    )
    assert receipt.testimony.measure_id == hearing.measures[1].id


# Idempotency, tracking numbers and receipt tokens


def test_same_submission_key_twice_gives_one_testimony_and_same_token(db):
    hearing = open_hearing()
    submission = make_submission(hearing)
    first = submit_testimony(hearing, submission, now=NOW)
    second = submit_testimony(hearing, submission, now=NOW + timedelta(seconds=2))
    assert second.testimony.id == first.testimony.id
    assert second.token == first.token
    assert second.testimony.tracking_number == first.testimony.tracking_number
    assert counts(db) == {"testimonies": 1, "versions": 0, "outbox": 1, "audit": 1}


def test_retry_after_deadline_of_stored_submission_returns_its_receipt(db):
    hearing = open_hearing()
    submission = make_submission(hearing)
    first = submit_testimony(hearing, submission, now=NOW)
    retry = submit_testimony(hearing, submission, now=hearing.testimony_closes_at + timedelta(1))
    assert retry.testimony.id == first.testimony.id
    assert retry.token == first.token


def test_same_submission_key_on_another_hearing_is_a_separate_testimony(db):
    first_hearing, second_hearing = open_hearing(), open_hearing()
    key = secrets.token_urlsafe(24)
    first = submit_testimony(
        first_hearing, make_submission(first_hearing, submission_key=key), now=NOW
    )
    second = submit_testimony(
        second_hearing, make_submission(second_hearing, submission_key=key), now=NOW
    )
    assert first.testimony.id != second.testimony.id
    assert first.token != second.token


def test_tracking_numbers_have_the_documented_format_and_are_unique(db):
    hearing = open_hearing()
    numbers = [
        submit_testimony(hearing, make_submission(hearing), now=NOW).testimony.tracking_number
        for _ in range(25)
    ]
    assert all(TRACKING.match(number) for number in numbers), numbers
    assert len(set(numbers)) == len(numbers)


def test_tracking_number_generator_uses_only_the_readable_alphabet():
    seen = set()
    for _ in range(500):
        number = services.new_tracking_number()
        assert TRACKING.match(number), number
        seen.update(number[3:7] + number[8:])
    assert seen <= set(services.TRACKING_ALPHABET)
    assert not seen & set("01ILOU")


def test_taken_tracking_number_is_drawn_again(db, monkeypatch):
    hearing = open_hearing()
    taken = submit_testimony(hearing, make_submission(hearing), now=NOW).testimony.tracking_number
    draws = iter([taken, taken, "OT-2345-6789"])
    monkeypatch.setattr(services, "new_tracking_number", lambda: next(draws))

    receipt = submit_testimony(hearing, make_submission(hearing), now=NOW)

    assert receipt.testimony.tracking_number == "OT-2345-6789"
    assert counts(db)["testimonies"] == 2
    assert counts(db)["audit"] == 2
    assert counts(db)["outbox"] == 2


def test_receipt_token_is_stored_only_as_its_sha256(db):
    hearing = open_hearing()
    receipt = submit_testimony(hearing, make_submission(hearing), now=NOW)
    db.session.commit()
    token = receipt.token
    assert len(token) >= 32
    row = db.session.execute(select(Testimony.__table__)).mappings().one()
    assert row["receipt_token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert not any(token in str(value) for value in row.values())


def test_find_by_receipt_token(db):
    hearing = open_hearing()
    receipt = submit_testimony(hearing, make_submission(hearing), now=NOW)
    other = submit_testimony(hearing, make_submission(hearing), now=NOW)
    db.session.commit()

    assert find_by_receipt_token(receipt.token).id == receipt.testimony.id
    assert find_by_receipt_token(other.token).id == other.testimony.id
    wrong = [
        secrets.token_hex(20),  # right shape, unknown
        receipt.token[:-1] + ("0" if receipt.token[-1] != "0" else "1"),
        receipt.token.upper(),
        receipt.token[:10],  # too short to look up
        "",
        receipt.token * 2,  # too long to look up
        hashlib.sha256(receipt.token.encode()).hexdigest(),  # the stored hash is not a token
    ]
    for token in wrong:
        assert find_by_receipt_token(token) is None, token


# Amendments


def test_amend_keeps_earlier_versions_with_reasons(db):
    hearing = open_hearing(measures=2)
    testimony = submit_testimony(hearing, make_submission(hearing), now=NOW).testimony
    testimony.status = ReviewStatus.APPROVED  # a moderator had published it
    db.session.flush()

    first = NOW + timedelta(hours=1)
    assert amend_testimony(
        testimony,
        amendment_for(testimony, body="Second draft.", reason="Fixed a typo."),
        now=first,
    )
    second = NOW + timedelta(hours=2)
    assert amend_testimony(
        testimony,
        amendment_for(
            testimony,
            body="Third draft.",
            position=Position.OPPOSE,
            measure_id=hearing.measures[1].id,
            reason="Changed my mind.",
        ),
        now=second,
    )
    db.session.commit()
    db.session.expire_all()

    testimony = db.session.get(Testimony, testimony.id)
    assert testimony.version == 3
    assert testimony.body == "Third draft."
    assert testimony.position is Position.OPPOSE
    assert testimony.measure_id == hearing.measures[1].id
    assert testimony.status is ReviewStatus.PENDING
    assert testimony.updated_at == second
    assert testimony.received_at == NOW
    assert [
        (v.version, v.body, v.amendment_reason, v.superseded_at, v.position)
        for v in testimony.versions
    ] == [
        (1, PERSONAL["body"], "Fixed a typo.", first, Position.SUPPORT),
        (2, "Second draft.", "Changed my mind.", second, Position.SUPPORT),
    ]
    assert testimony.versions[0].measure_id == hearing.measures[0].id


def test_identical_amendment_changes_nothing(db):
    hearing = open_hearing()
    testimony = submit_testimony(hearing, make_submission(hearing), now=NOW).testimony
    testimony.status = ReviewStatus.APPROVED
    db.session.flush()
    before = counts(db)

    changed = amend_testimony(testimony, amendment_for(testimony), now=NOW + timedelta(hours=1))

    assert changed is False
    assert counts(db) == before
    assert testimony.version == 1
    assert testimony.status is ReviewStatus.APPROVED
    assert testimony.updated_at == NOW


def test_amendment_with_only_a_new_attachment_is_a_change(db):
    hearing = open_hearing()
    testimony = submit_testimony(hearing, make_submission(hearing), now=NOW).testimony

    changed = amend_testimony(
        testimony,
        amendment_for(testimony, uploads=(make_upload("later.pdf", pages=2),)),
        now=NOW + timedelta(hours=1),
    )

    assert changed is True
    assert testimony.version == 2
    assert [(a.original_name, a.page_count) for a in testimony.attachments] == [("later.pdf", 2)]


def test_amend_after_deadline_refused(db):
    hearing = open_hearing()
    testimony = submit_testimony(hearing, make_submission(hearing), now=NOW).testimony
    before = counts(db)
    with pytest.raises(WindowClosed):
        amend_testimony(
            testimony,
            amendment_for(testimony, body="Too late."),
            now=hearing.testimony_closes_at,
        )
    assert counts(db) == before
    assert testimony.body == PERSONAL["body"]
    assert testimony.version == 1


def test_amend_after_withdrawal_refused(db):
    hearing = open_hearing()
    testimony = submit_testimony(hearing, make_submission(hearing), now=NOW).testimony
    withdraw_testimony(testimony, now=NOW + timedelta(minutes=5))
    before = counts(db)
    with pytest.raises(TestimonyLocked):
        amend_testimony(
            testimony, amendment_for(testimony, body="Back again."), now=NOW + timedelta(hours=1)
        )
    assert counts(db) == before
    assert testimony.status is ReviewStatus.WITHDRAWN
    assert testimony.body == PERSONAL["body"]


def test_amend_to_measure_not_on_hearing_refused(db):
    hearing = open_hearing()
    testimony = submit_testimony(hearing, make_submission(hearing), now=NOW).testimony
    with pytest.raises(UnknownMeasure):
        amend_testimony(testimony, amendment_for(testimony, measure_id=make_measure().id), now=NOW)
    assert testimony.version == 1


def test_after_signup_cutoff_a_speaker_keeps_or_drops_their_slot(db):
    hearing = open_hearing()
    cutoff = hearing.speaker_signup_closes_at
    testimony = submit_testimony(
        hearing,
        make_submission(hearing, speaking_request=SpeakingRequest.IN_PERSON),
        now=NOW,
    ).testimony
    later = cutoff + timedelta(minutes=1)

    # Keeping the slot while changing the text is fine.
    assert amend_testimony(testimony, amendment_for(testimony, body="Edited."), now=later)
    assert testimony.speaking_request is SpeakingRequest.IN_PERSON

    # Switching to another kind of slot is taking a new one.
    with pytest.raises(SpeakerSignupClosed):
        amend_testimony(
            testimony,
            amendment_for(testimony, speaking_request=SpeakingRequest.REMOTE),
            now=later,
        )

    # Dropping it is fine...
    assert amend_testimony(
        testimony, amendment_for(testimony, speaking_request=SpeakingRequest.NONE), now=later
    )
    assert testimony.speaking_request is SpeakingRequest.NONE

    # ...but it cannot be taken back after the cut-off.
    with pytest.raises(SpeakerSignupClosed):
        amend_testimony(
            testimony,
            amendment_for(testimony, speaking_request=SpeakingRequest.IN_PERSON),
            now=later,
        )
    assert testimony.version == 3


def test_after_signup_cutoff_a_written_testimony_cannot_take_a_slot(db):
    hearing = open_hearing()
    testimony = submit_testimony(hearing, make_submission(hearing), now=NOW).testimony
    with pytest.raises(SpeakerSignupClosed):
        amend_testimony(
            testimony,
            amendment_for(testimony, speaking_request=SpeakingRequest.IN_PERSON),
            now=hearing.speaker_signup_closes_at,
        )
    assert testimony.speaking_request is SpeakingRequest.NONE
    assert testimony.version == 1


def test_before_signup_cutoff_a_written_testimony_can_take_a_slot(db):
    hearing = open_hearing()
    testimony = submit_testimony(hearing, make_submission(hearing), now=NOW).testimony
    assert amend_testimony(
        testimony,
        amendment_for(testimony, speaking_request=SpeakingRequest.REMOTE),
        now=NOW + timedelta(hours=1),
    )
    assert testimony.speaking_request is SpeakingRequest.REMOTE


# Withdrawal


def test_withdraw_sets_status_and_time(db):
    hearing = open_hearing()
    testimony = submit_testimony(hearing, make_submission(hearing), now=NOW).testimony
    when = NOW + timedelta(hours=3)

    withdraw_testimony(testimony, now=when)
    db.session.commit()
    db.session.expire_all()

    testimony = db.session.get(Testimony, testimony.id)
    assert testimony.status is ReviewStatus.WITHDRAWN
    assert testimony.withdrawn_at == when
    assert testimony.updated_at == when
    assert testimony.is_withdrawn
    assert not testimony.can_withdraw(when)


def test_withdraw_twice_is_harmless(db):
    hearing = open_hearing()
    testimony = submit_testimony(hearing, make_submission(hearing), now=NOW).testimony
    first = NOW + timedelta(hours=1)
    withdraw_testimony(testimony, now=first)
    before = counts(db)

    withdraw_testimony(testimony, now=NOW + timedelta(hours=2))
    # Even after the deadline a repeated withdrawal is no error.
    withdraw_testimony(testimony, now=hearing.testimony_closes_at + timedelta(days=1))

    assert counts(db) == before
    assert testimony.withdrawn_at == first


def test_withdraw_after_deadline_refused(db):
    hearing = open_hearing()
    testimony = submit_testimony(hearing, make_submission(hearing), now=NOW).testimony
    before = counts(db)
    with pytest.raises(WindowClosed):
        withdraw_testimony(testimony, now=hearing.testimony_closes_at)
    assert counts(db) == before
    assert testimony.status is ReviewStatus.PENDING
    assert testimony.withdrawn_at is None


# Audit and outbox


def test_audit_rows_record_resident_actions_without_personal_data(db):
    hearing = open_hearing()
    submission = make_submission(
        hearing,
        organization="Dorchester Neighbours",
        interpreter_language="Haitian Creole",
        accessibility_need="Wheelchair seating",
    )
    testimony = submit_testimony(hearing, submission, now=NOW).testimony
    amend_testimony(
        testimony,
        amendment_for(testimony, body="My amended words.", reason="Personal reason here."),
        now=NOW + timedelta(hours=1),
    )
    withdraw_testimony(testimony, now=NOW + timedelta(hours=2))
    db.session.commit()

    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.actor, e.action) for e in events] == [
        ("resident", "testimony.submitted"),
        ("resident", "testimony.amended"),
        ("resident", "testimony.withdrawn"),
    ]
    assert {(e.subject_type, e.subject_id) for e in events} == {("testimonies", testimony.id)}
    assert [e.occurred_at for e in events] == [
        NOW,
        NOW + timedelta(hours=1),
        NOW + timedelta(hours=2),
    ]
    personal = [
        *PERSONAL.values(),
        "Dorchester",
        "Dorchester Neighbours",
        "Haitian Creole",
        "Wheelchair",
        "My amended words.",
        "Personal reason here.",
        testimony.submission_key,
    ]
    for event in events:
        stored = json.dumps(event.data)
        for value in personal:
            assert value not in stored, (event.action, value)


def test_receipt_mail_queued_with_link_from_base_url(db, config):
    config["BASE_URL"] = "https://hearings.example.gov/"
    hearing = open_hearing()
    submission = make_submission(hearing, email="resident.one@example.net")
    receipt = submit_testimony(hearing, submission, now=NOW)
    db.session.commit()

    message = db.session.scalars(select(OutboxMessage)).one()
    assert message.kind == "testimony_received"
    assert message.to_address == "resident.one@example.net"
    assert message.sent_at is None
    assert message.attempts == 0
    assert receipt.testimony.tracking_number in message.subject
    assert f"https://hearings.example.gov/receipts/{receipt.token}\n" in message.body_text
    assert "example.gov//" not in message.body_text
    assert receipt.testimony.tracking_number in message.body_text
    assert hearing.title in message.body_text
    for value in (
        submission.street_address,
        submission.zip_code,
        submission.body,
        submission.email,
    ):
        assert value not in message.body_text, value


def test_amended_and_withdrawn_mail_carry_no_link_and_no_text(db):
    hearing = open_hearing()
    receipt = submit_testimony(hearing, make_submission(hearing), now=NOW)
    testimony = receipt.testimony
    amend_testimony(
        testimony,
        amendment_for(testimony, body="Amended text for the mail test."),
        now=NOW + timedelta(hours=1),
    )
    withdraw_testimony(testimony, now=NOW + timedelta(hours=2))
    db.session.commit()

    messages = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [m.kind for m in messages] == [
        "testimony_received",
        "testimony_amended",
        "testimony_withdrawn",
    ]
    for message in messages[1:]:
        assert message.to_address == PERSONAL["email"]
        assert testimony.tracking_number in message.subject
        assert receipt.token not in message.body_text
        assert "/receipts/" not in message.body_text
        for value in (PERSONAL["street_address"], PERSONAL["body"], "Amended text"):
            assert value not in message.body_text


def test_refused_submission_queues_no_mail(db):
    hearing = closed_hearing()
    with pytest.raises(WindowClosed):
        submit_testimony(hearing, make_submission(hearing), now=NOW)
    assert not db.session.info.get("outbox_queued")
    assert counts(db)["outbox"] == 0
