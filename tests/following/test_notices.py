"""Notices to followers: each kind made and sent once, digests, the daily cap, the follower's
language, and closing the loop with everyone who testified when the committee acts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.following import links, notices
from app.following.models import FollowerNotice, FollowNotice, Frequency, OutcomeOptOut
from app.hearings import services as hearing_services
from app.hearings.actions import CommitteeActionKind
from app.platform import jobs
from app.platform.outbox import OutboxMessage
from app.platform.timezones import utcnow
from app.signins import identity as sign_in_identity
from app.signins.models import SignIn
from app.signins.services import withdraw_sign_in
from app.testimony.models import Position, RejectionReason, ReviewStatus
from tests.factories import (
    make_committee_action,
    make_follower,
    make_hearing,
    make_measure,
    make_sign_in,
    make_staff_user,
    make_testimony,
)

DAY = timedelta(days=1)

pytestmark = pytest.mark.usefixtures("fast_hashing")


def mail(db, kind: str | None = None) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind is not None:
        query = query.where(OutboxMessage.kind == kind)
    return list(db.session.scalars(query))


def scheduled_hearing(now=None, **overrides):
    now = now or utcnow()
    values = {
        "testimony_opens_at": now + 2 * DAY,
        "testimony_closes_at": now + 9 * DAY,
        "starts_at": now + 10 * DAY,
        "speaker_signup_closes_at": now + 8 * DAY,
    }
    return make_hearing(now=now, **(values | overrides))


def test_a_new_hearing_reaches_followers_of_its_committee_body_and_measures_once(db):
    hearing = scheduled_hearing()
    committee, body, measure = hearing.committee, hearing.body, hearing.measures[0]
    make_follower(committee, email="c@example.org")
    make_follower(body, email="b@example.org")
    make_follower(measure, email="m@example.org")
    make_follower(make_measure(), email="other@example.org")
    payload = {"hearing_id": hearing.id, "change": "scheduled"}

    notices.hearing_changed([payload])
    notices.hearing_changed([payload])  # the job run again

    sent = mail(db, "following_notice")
    assert sorted(m.to_address for m in sent) == [
        "b@example.org",
        "c@example.org",
        "m@example.org",
    ]
    assert {m.subject for m in sent} == {f"New hearing: {hearing.title}"}
    assert "A new hearing is scheduled" in sent[0].body_text
    assert db.session.scalar(select(FollowNotice.key)) == f"scheduled:{hearing.id}"


def test_saving_a_new_hearing_queues_the_followers_job(db):
    clerk = make_staff_user(Role.CLERK)
    measure = make_measure()
    follower = make_follower(measure.committee)
    now = utcnow()
    details = hearing_services.HearingDetails(
        title="Hearing on the ordinance",
        description="",
        starts_at=now + 10 * DAY,
        location="City Hall",
        remote_url=None,
        testimony_opens_at=now + DAY,
        testimony_closes_at=now + 9 * DAY,
        speaker_signup_closes_at=None,
        measure_ids=(measure.id,),
    )
    hearing_services.save_hearing(clerk, details, committee=measure.committee, now=now)
    db.session.commit()
    assert jobs.run_committed().by_kind.get(notices.HEARING_CHANGED) == 1
    (message,) = mail(db, "following_notice")
    assert message.to_address == follower.email


def test_moving_and_cancelling_a_hearing_tell_its_followers(db):
    clerk = make_staff_user(Role.CLERK)
    hearing = scheduled_hearing()
    make_follower(hearing)
    db.session.commit()
    previous = hearing.starts_at
    hearing_services.cancel_hearing(clerk, hearing, now=utcnow())
    db.session.commit()
    jobs.run_committed()
    (cancelled,) = mail(db, "following_notice")
    assert cancelled.subject == f"Hearing cancelled: {hearing.title}"

    # A second cancellation does nothing; a reschedule is its own notice, with the old time.
    hearing_services.cancel_hearing(clerk, hearing, now=utcnow())
    hearing.cancelled_at = None
    hearing.starts_at = previous + DAY
    db.session.flush()
    payload = {
        "hearing_id": hearing.id,
        "change": "rescheduled",
        "previous_start": previous.isoformat(),
    }
    notices.hearing_changed([payload])
    notices.hearing_changed([payload])
    messages = mail(db, "following_notice")
    assert len(messages) == 2
    assert messages[1].subject == f"Hearing rescheduled: {hearing.title}"
    assert "It was to be held:" in messages[1].body_text


def test_each_move_of_a_hearing_is_told_even_back_and_forth(db):
    clerk = make_staff_user(Role.CLERK)
    hearing = scheduled_hearing()
    follower = make_follower(hearing)
    first = hearing.starts_at
    db.session.commit()

    def move_to(start):
        details = hearing_services.HearingDetails(
            title=hearing.title,
            description="",
            starts_at=start,
            location=hearing.location,
            remote_url=hearing.remote_url,
            testimony_opens_at=hearing.testimony_opens_at,
            testimony_closes_at=hearing.testimony_closes_at,
            speaker_signup_closes_at=hearing.speaker_signup_closes_at,
            measure_ids=tuple(m.id for m in hearing.measures),
        )
        hearing_services.save_hearing(clerk, details, hearing=hearing, now=utcnow())
        db.session.commit()
        jobs.run_committed()

    for start in (first + DAY, first, first + DAY):
        move_to(start)
    moves = mail(db, "following_notice")
    assert [m.to_address for m in moves] == [follower.email] * 3
    assert {m.subject for m in moves} == {f"Hearing rescheduled: {hearing.title}"}


def test_opening_and_deadline_are_noticed_once_by_the_periodic_scan(db):
    now = utcnow()
    hearing = scheduled_hearing(now)
    reminder = make_follower((hearing, "opening"), email="remind@example.org")
    full = make_follower(hearing, email="full@example.org")
    db.session.commit()

    assert notices.scan_windows(now=now) == 0  # not open yet
    opened = now + 2 * DAY + timedelta(minutes=5)
    assert notices.scan_windows(now=opened) == 1
    assert notices.scan_windows(now=opened) == 0  # a second process, or the next sweep
    messages = mail(db, "following_notice")
    assert sorted(m.to_address for m in messages) == [full.email, reminder.email]
    assert {m.subject for m in messages} == {f"Testimony is open: {hearing.title}"}

    almost = hearing.testimony_closes_at - timedelta(hours=20)
    assert notices.scan_windows(now=almost) == 1
    assert notices.scan_windows(now=almost + timedelta(hours=1)) == 0
    deadline = mail(db, "following_notice")[2:]
    # "Remind me when testimony opens" means that one message only.
    assert [m.to_address for m in deadline] == [full.email]
    assert deadline[0].subject == f"Testimony closes within a day: {hearing.title}"


def test_unconfirmed_and_unsubscribed_followers_are_sent_nothing(db):
    hearing = scheduled_hearing()
    make_follower(hearing, email="new@example.org", confirmed_at=None)
    make_follower(hearing, email="gone@example.org", unsubscribed_at=utcnow())
    notices.hearing_changed([{"hearing_id": hearing.id, "change": "scheduled"}])
    notices.publish(
        notices.NoticeKind.HEARING_CANCELLED,
        "x",
        [(notices.SubjectKind.HEARING, hearing.id)],
        now=utcnow(),
        hearing_id=hearing.id,
    )
    assert mail(db) == []


def test_daily_followers_get_one_digest_a_day(db):
    now = utcnow()
    first, second = scheduled_hearing(now), scheduled_hearing(now)
    follower = make_follower(
        first.body, second.body, frequency=Frequency.DAILY, digest_due_at=now + DAY
    )
    for hearing in (first, second):
        notices.hearing_changed([{"hearing_id": hearing.id, "change": "scheduled"}])
    db.session.commit()
    assert mail(db) == []
    assert notices.send_digests(now=now) == 0  # not due yet

    assert notices.send_digests(now=now + DAY) == 1
    assert notices.send_digests(now=now + DAY) == 0  # sent: nothing is pending
    (digest,) = mail(db, "following_digest")
    assert digest.to_address == follower.email
    assert digest.subject == "Your daily update: 2 changes"
    assert first.title in digest.body_text and second.title in digest.body_text
    assert digest.headers["List-Unsubscribe"].startswith("<https://testimony.example.org/")
    pending = db.session.scalars(select(FollowerNotice).where(FollowerNotice.sent_at.is_(None)))
    assert list(pending) == []


def test_immediate_mail_is_capped_per_day_and_the_rest_wait_for_a_digest(db):
    now = utcnow()
    body = make_hearing().body
    follower = make_follower(body, digest_due_at=now - DAY)
    for number in range(notices.DAILY_CAP + 3):
        notices.publish(
            notices.NoticeKind.HEARING_SCHEDULED,
            f"test:{number}",
            [(notices.SubjectKind.BODY, body.id)],
            now=now,
            hearing_id=scheduled_hearing(now, committee=make_hearing().committee).id,
        )
    db.session.commit()
    assert len(mail(db, "following_notice")) == notices.DAILY_CAP
    # The overflow goes a day later in one digest, not at the next sweep.
    assert notices.send_digests(now=now + timedelta(minutes=5)) == 0
    assert notices.send_digests(now=now + DAY) == 1
    (digest,) = mail(db, "following_digest")
    assert digest.to_address == follower.email
    assert digest.subject == "Your daily update: 3 changes"


def test_mail_is_written_in_the_followers_language(db):
    hearing = scheduled_hearing()
    make_follower(hearing.body, email="es@example.org", language="es")
    make_follower(hearing.body, email="en@example.org", language="en")
    notices.hearing_changed([{"hearing_id": hearing.id, "change": "scheduled"}])
    by_address = {m.to_address: m for m in mail(db)}
    assert by_address["en@example.org"].body_text != by_address["es@example.org"].body_text
    # Dates are written in the reader's language whatever the catalogue holds.
    assert "diciembre" in by_address["es@example.org"].body_text or any(
        month in by_address["es@example.org"].body_text
        for month in ("enero", "febrero", "marzo", "noviembre", "octubre", "septiembre")
    )


def test_every_following_message_carries_one_click_unsubscribe_headers(db):
    hearing = scheduled_hearing()
    follower = make_follower(hearing.body)
    notices.hearing_changed([{"hearing_id": hearing.id, "change": "scheduled"}])
    (message,) = mail(db)
    url = links.follower_url(follower, links.UNSUBSCRIBE)
    assert message.headers == {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    assert url in message.body_text
    assert links.follower_url(follower, links.MANAGE) in message.body_text


def acted(db, measure, hearing=None, **overrides):
    action = make_committee_action(
        measure, hearing_id=hearing.id if hearing else None, note="Sent to study.", **overrides
    )
    db.session.commit()
    return action


def test_committee_action_tells_followers_and_everyone_who_testified_once(db):
    hearing = make_hearing()
    measure = hearing.measures[0]
    follower = make_follower(measure, email="follows@example.org")
    make_testimony(hearing, email="Ana@Example.org")
    make_testimony(hearing, email="ana@example.org")  # the same address twice: one message
    make_testimony(hearing, email="luis@example.org").testimony.language = "es"
    withdrawn = make_testimony(hearing, email="gone@example.org").testimony
    withdrawn.status, withdrawn.withdrawn_at = ReviewStatus.WITHDRAWN, utcnow()
    # Testimony by a follower: told once, as a follower.
    make_testimony(hearing, email="follows@example.org")
    action = acted(db, measure, hearing)
    before = {m.id for m in mail(db)}

    notices.committee_acted([{"action_id": action.id}])
    notices.committee_acted([{"action_id": action.id}])  # the job run again

    new = [m for m in mail(db) if m.id not in before]
    by_address = {m.to_address.lower(): m for m in new}
    assert sorted(by_address) == ["ana@example.org", "follows@example.org", "luis@example.org"]
    assert len(new) == 3
    assert by_address[follower.email].kind == "following_notice"
    loop = by_address["ana@example.org"]
    assert loop.kind == "committee_acted"
    assert loop.subject == f"Committee action on {measure.number}"
    assert "Sent to study" in loop.body_text
    assert "/following/no-outcomes/" in loop.headers["List-Unsubscribe"]
    assert by_address["luis@example.org"].body_text != loop.body_text  # in Spanish


def test_testimony_on_several_measures_hears_of_an_action_on_any_of_them(db):
    hearing = make_hearing(measures=2)
    first, second = hearing.measures
    make_testimony(
        hearing,
        email="several@example.org",
        measures=((first.id, Position.SUPPORT), (second.id, Position.OPPOSE)),
    )
    make_testimony(hearing, email="first-only@example.org")
    action = acted(db, second)
    before = {m.id for m in mail(db)}
    notices.committee_acted([{"action_id": action.id}])
    told = [m.to_address for m in mail(db) if m.id not in before]
    assert told == ["several@example.org"]


def test_an_address_that_opted_out_is_not_told_of_committee_actions(db):
    hearing = make_hearing()
    measure = hearing.measures[0]
    make_testimony(hearing, email="quiet@example.org")
    make_testimony(hearing, email="loud@example.org")
    db.session.add(OutcomeOptOut(email_key="quiet@example.org", created_at=utcnow()))
    action = acted(db, measure)
    before = {m.id for m in mail(db)}
    notices.committee_acted([{"action_id": action.id}])
    assert [m.to_address for m in mail(db) if m.id not in before] == ["loud@example.org"]


def test_a_removed_action_tells_no_one(db):
    hearing = make_hearing()
    make_testimony(hearing, email="someone@example.org")
    make_follower(hearing.measures[0])
    clerk = make_staff_user(Role.CLERK)
    action = acted(db, hearing.measures[0], removed_at=datetime.now(UTC), removed_by_id=clerk.id)
    before = {m.id for m in mail(db)}
    notices.committee_acted([{"action_id": action.id}])
    assert [m for m in mail(db) if m.id not in before] == []


def test_sign_ins_on_the_measure_close_the_loop_too_once_per_address(client, db):
    hearing = make_hearing(measures=2)
    first, second = hearing.measures
    make_testimony(hearing, email="both@example.org")
    make_sign_in(hearing, email="Both@example.org", positions=((first.id, Position.OPPOSE),))
    signer = make_sign_in(
        hearing, email="signer@example.org", positions=((first.id, Position.SUPPORT),)
    )
    make_sign_in(hearing, email="other@example.org", positions=((second.id, Position.SUPPORT),))
    gone = make_sign_in(
        hearing, email="gone@example.org", positions=((first.id, Position.NEUTRAL),)
    )
    withdraw_sign_in(db.session.get(SignIn, gone.sign_in_id), now=utcnow(), seen_version=1)
    # Nor those disowned by the owner of the address, or rejected as spam.
    disowned = make_sign_in(
        hearing, email="victim@example.org", positions=((first.id, Position.OPPOSE),)
    )
    sign_in_identity.record(
        db.session.get(SignIn, disowned.sign_in_id), sign_in_identity.DISPUTE, now=utcnow()
    )
    spam = make_testimony(hearing, email="spam@example.org").testimony
    spam.status, spam.rejection_reason = ReviewStatus.REJECTED, RejectionReason.SPAM
    make_testimony(hearing, email="denied@example.org").testimony.disputed_at = utcnow()
    receipt_mail = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == "signer@example.org")
    ).one()
    action = acted(db, first)
    before = {m.id for m in mail(db)}

    notices.committee_acted([{"action_id": action.id}])

    told = {m.to_address.lower(): m for m in mail(db) if m.id not in before}
    assert sorted(told) == ["both@example.org", "signer@example.org"]
    opt_out = told["signer@example.org"].headers["List-Unsubscribe"].strip("<>")
    # The sign-in's receipt e-mail carried the same link.
    assert opt_out in receipt_mail.body_text
    path = "/" + opt_out.split("://", 1)[1].split("/", 1)[1]
    assert client.post(path).status_code == 200  # one click, as a mail client sends it
    # A link with the token of another sign-in is not valid.
    assert client.get(path.replace(f"/s{signer.sign_in_id}-", "/s999999-")).status_code == 404
    again = acted(db, first, kind=CommitteeActionKind.REPORTED_FAVOURABLY)
    before = {m.id for m in mail(db)}
    notices.committee_acted([{"action_id": again.id}])
    assert sorted(m.to_address for m in mail(db) if m.id not in before) == ["both@example.org"]


def test_a_large_loop_is_written_a_chunk_at_a_time(db, monkeypatch):
    monkeypatch.setattr(notices, "LETTERS_PER_CHUNK", 2)
    hearing = make_hearing()
    measure = hearing.measures[0]
    for n in range(5):
        make_sign_in(hearing, email=f"s{n}@example.org")
    action = acted(db, measure)
    delivering = select(jobs.Job).where(jobs.Job.kind == "mail.deliver")
    before = {job.id for job in db.session.scalars(delivering)}

    notices.committee_acted([{"action_id": action.id}])

    assert len(mail(db, "committee_acted")) == 5
    # Three delivery jobs: two letters, two, and one.
    assert len([job for job in db.session.scalars(delivering) if job.id not in before]) == 3
