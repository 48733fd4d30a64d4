"""Retention: `flask retention run` shows, then (with --apply) removes residents' e-mail and
street address from testimony older than their body's retention period, keeping the record."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from app import retention
from app.following.models import Follower
from app.hearings.models import Body
from app.platform.audit import AuditEvent
from app.platform.extensions import db as _db
from app.platform.outbox import OutboxMessage
from app.platform.timezones import utcnow
from app.signins.models import SignIn
from app.speaking.models import Speaker, SpeakerMode
from app.testimony import identity
from app.testimony.models import Attachment, Position, Testimony
from tests.factories import (
    listed_language,
    make_body,
    make_committee,
    make_follower,
    make_hearing,
    make_sign_in,
    make_testimony,
    make_upload,
)

ADDRESS = "14 Private Lane"


def send_testimony(hearing, email: str, **overrides):
    """Testimony sent while the hearing was open, with its receipt queued at that time."""
    sent_at = hearing.testimony_opens_at + timedelta(hours=1)
    return make_testimony(hearing, now=sent_at, email=email, street_address=ADDRESS, **overrides)


def backdate_mail(db, when) -> None:
    db.session.execute(
        update(OutboxMessage).where(OutboxMessage.created_at > when).values(created_at=when)
    )


@pytest.fixture
def town(db):
    """A body keeping personal data a year after each hearing, with a hearing over 400 days
    ago and one 100 days ago, and a body with no period holding an equally old hearing."""
    now = utcnow()
    council = make_body(name="Somerville City Council", retention_days=365)
    committee = make_committee(council)
    old = make_hearing(committee=committee, now=now - timedelta(days=400), title="Old hearing")
    recent = make_hearing(committee=committee, now=now - timedelta(days=100), title="Recent")
    forever = make_hearing(
        committee=make_committee(make_body(name="Kept for ever")), now=now - timedelta(days=400)
    )
    old_receipts = [
        send_testimony(
            old,
            "Ana.Silva@example.org",
            full_name="Ana Silva",
            accessibility_need="Wheelchair access",
            interpreter_language="Portuguese",
            uploads=(make_upload(),),
        ),
        send_testimony(
            old,
            "bo@example.org",
            full_name="Bo Chen",
            body="I oppose it.",
            position=Position.OPPOSE,
            interpreter_language_id=listed_language(council, "zh-yue").id,
        ),
    ]
    # Speakers on each hearing asking for an interpreter: one listed, one in their own words.
    for hearing in (old, recent):
        add_speaker(hearing, "Cantonese Speaker", language=listed_language(council, "zh-yue"))
        add_speaker(hearing, "Walk-in Speaker", other="Kriolu")
    backdate_mail(db, old.testimony_opens_at + timedelta(hours=1))
    recent_receipt = send_testimony(recent, "ana.silva@example.org", full_name="Ana Silva")
    kept_receipt = send_testimony(forever, "cy@example.org", full_name="Cy Doe")
    backdate_mail(db, recent.testimony_opens_at + timedelta(hours=1))
    db.session.commit()
    db.session.info.clear()
    return {
        "council": council,
        "old": old,
        "old_receipts": old_receipts,
        "recent": recent_receipt.testimony.id,
        "recent_hearing": recent,
        "kept": kept_receipt.testimony.id,
    }


def add_speaker(hearing, name: str, *, language=None, other: str | None = None) -> Speaker:
    speaker = Speaker(
        hearing=hearing,
        full_name=name,
        measure=hearing.measures[0],
        position=Position.SUPPORT,
        mode=SpeakerMode.IN_PERSON,
        interpreter_language_id=language.id if language else None,
        interpreter_other=other,
        signed_up_at=hearing.testimony_opens_at,
    )
    _db.session.add(speaker)
    _db.session.flush()
    return speaker


def speakers(db, hearing) -> list[tuple]:
    db.session.expire_all()
    return [
        (s.full_name, s.interpreter_language_id, s.interpreter_other)
        for s in db.session.scalars(
            select(Speaker).where(Speaker.hearing_id == hearing.id).order_by(Speaker.id)
        )
    ]


def run(app, *args):
    return app.test_cli_runner().invoke(args=["retention", "run", *args])


def audit_events(db, action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def snapshot(db) -> list[tuple]:
    db.session.expire_all()
    rows = db.session.scalars(select(Testimony).order_by(Testimony.id)).all()
    return [
        (
            t.email,
            t.email_key,
            t.street_address,
            t.accessibility_need,
            t.interpreter_language,
            t.interpreter_language_id,
        )
        for t in rows
    ] + sorted(
        (s.id, s.interpreter_language_id, s.interpreter_other)
        for s in db.session.scalars(select(Speaker))
    )


def test_a_dry_run_shows_counts_and_changes_nothing(app, db, town):
    before = snapshot(db)
    messages = db.session.scalars(select(OutboxMessage.id)).all()

    result = run(app)

    assert result.exit_code == 0, result.output
    assert "Somerville City Council (kept 365 days after a hearing):" in result.output
    assert f"hearing {town['old'].id}, over " in result.output
    assert "2 testimonies, 2 e-mail messages" in result.output
    assert "Would remove e-mail and street addresses from 2 testimonies on 1 hearing" in (
        result.output
    )
    assert "Run again with --apply" in result.output
    assert "1 body without a retention period" in result.output
    for personal in ("@", ADDRESS, "Ana", "Wheelchair", "Portuguese"):
        assert personal not in result.output
    assert snapshot(db) == before
    assert db.session.scalars(select(OutboxMessage.id)).all() == messages
    assert audit_events(db, "retention.applied") == []


def test_applying_removes_contact_details_and_keeps_the_public_record(app, client, db, town):
    old_ids = [receipt.testimony.id for receipt in town["old_receipts"]]

    result = run(app, "--apply")

    assert result.exit_code == 0, result.output
    assert "Removed e-mail and street addresses from 2 testimonies on 1 hearing" in result.output
    db.session.expire_all()
    ana, bo = (db.session.get(Testimony, id_) for id_ in old_ids)
    for testimony in (ana, bo):
        assert testimony.email == ""
        assert testimony.street_address == ""
        assert testimony.email_key == f"removed:{testimony.id}"
        assert testimony.accessibility_need is None
        assert testimony.interpreter_language is None
        assert testimony.interpreter_language_id is None
    # The old hearing's speakers no longer say which interpreter they needed; the recent
    # hearing's still do.
    assert speakers(db, town["old"]) == [
        ("Cantonese Speaker", None, None),
        ("Walk-in Speaker", None, None),
    ]
    cantonese = listed_language(town["council"], "zh-yue").id
    assert speakers(db, town["recent_hearing"]) == [
        ("Cantonese Speaker", cantonese, None),
        ("Walk-in Speaker", None, "Kriolu"),
    ]
    # The language stays on the body's list.
    assert listed_language(town["council"], "zh-yue") is not None
    # The public record stays as it was.
    assert (ana.full_name, ana.city, ana.zip_code) == ("Ana Silva", "Dorchester", "02124")
    assert ana.body == "I support the ban on face surveillance."
    assert (bo.full_name, bo.position, bo.body) == ("Bo Chen", Position.OPPOSE, "I oppose it.")
    assert [a.original_name for a in db.session.scalars(select(Attachment))] == ["statement.pdf"]
    # Two senders whose addresses are gone are not taken for one sender.
    assert identity.repeat_counts(town["old"].id, [ana, bo]) == {ana.id: 1, bo.id: 1}
    # The resident's receipt link still opens their testimony.
    receipt = client.get(f"/receipts/{town['old_receipts'][0].token}")
    assert receipt.status_code == 200
    assert ana.tracking_number in receipt.text
    # Testimony on the recent hearing, and a body without a period, keep everything.
    recent, kept = (
        db.session.get(Testimony, town["recent"]),
        db.session.get(Testimony, town["kept"]),
    )
    assert (recent.email, recent.street_address) == ("ana.silva@example.org", ADDRESS)
    assert (kept.email, kept.street_address) == ("cy@example.org", ADDRESS)
    # The old receipts are gone from the outbox; mail of the recent hearing, even to the same
    # resident, is not.
    left = sorted(db.session.scalars(select(OutboxMessage.to_address)))
    assert left == ["ana.silva@example.org", "cy@example.org"]
    # One audit event for the run, with counts and nothing personal.
    (event,) = audit_events(db, "retention.applied")
    assert event.data["testimonies"] == 2
    assert event.data["messages"] == 2
    assert event.data["hearing_ids"] == [town["old"].id]
    recorded = json.dumps(event.data)
    assert "@" not in recorded and ADDRESS not in recorded


def test_running_again_changes_nothing_more(app, db, town):
    assert run(app, "--apply").exit_code == 0
    after_first = snapshot(db)

    result = run(app, "--apply")

    assert result.exit_code == 0, result.output
    assert "from 0 testimonies on 0 hearings and 0 e-mail messages" in result.output
    assert snapshot(db) == after_first
    assert [e.data["testimonies"] for e in audit_events(db, "retention.applied")] == [2, 0]
    assert "Nothing is due for removal." in run(app).output


def test_an_administrator_sets_and_clears_a_body_period(app, db):
    body = make_body(slug="cambridge-council", name="Cambridge City Council")
    db.session.commit()
    runner = app.test_cli_runner()

    result = runner.invoke(args=["retention", "set", "cambridge-council", "--days", "730"])
    assert result.exit_code == 0, result.output
    assert "keeps residents' e-mail and street addresses 730 days after each hearing" in (
        result.output
    )
    db.session.expire_all()
    assert db.session.get(Body, body.id).retention_days == 730

    for refused in (["--days", "0"], ["--days", "40000"], [], ["--days", "5", "--keep-forever"]):
        result = runner.invoke(args=["retention", "set", "cambridge-council", *refused])
        assert result.exit_code != 0, refused
    assert (
        "between 1 and 36500 days; 0 is not"
        in runner.invoke(args=["retention", "set", "cambridge-council", "--days", "0"]).output
    )
    assert runner.invoke(args=["retention", "set", "nowhere", "--days", "5"]).exit_code == 1
    db.session.expire_all()
    assert db.session.get(Body, body.id).retention_days == 730

    result = runner.invoke(args=["retention", "set", "cambridge-council", "--keep-forever"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(Body, body.id).retention_days is None
    assert [e.data["retention_days"] for e in audit_events(db, "body.retention_set")] == [730, None]


def test_the_database_refuses_a_period_that_is_not_positive(db):
    with pytest.raises(IntegrityError):
        make_body(retention_days=0)
    db.session.rollback()


def test_a_period_counts_from_the_later_of_the_hearing_and_the_close_of_testimony(db):
    now = utcnow()
    committee = make_committee(make_body(retention_days=1))
    # The hearing started a month ago, but testimony stays open until next week.
    hearing = make_hearing(
        committee=committee,
        now=now,
        starts_at=now - timedelta(days=30),
        speaker_signup_closes_at=None,
    )
    send_testimony(hearing, "late@example.org")
    db.session.commit()

    assert retention.plan(now=now + timedelta(days=3)).testimonies == 0
    assert retention.plan(now=now + timedelta(days=9)).testimonies == 1


def test_a_run_costs_the_same_few_statements_however_many_hearings_are_due(app, db, town):
    """Set-based: the outbox is counted and cleared once per body, not once per hearing."""
    from sqlalchemy import event

    now = utcnow()
    committee = make_committee(town["council"])
    for days in (500, 600, 700):
        hearing = make_hearing(committee=committee, now=now - timedelta(days=days))
        send_testimony(hearing, f"resident{days}@example.org")
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.to_address == f"resident{days}@example.org")
            .values(created_at=hearing.testimony_opens_at + timedelta(hours=1))
        )
    db.session.commit()
    statements: list[str] = []

    def keep(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        carried_out = retention.apply(now=now)
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)

    assert carried_out.hearings == 4
    assert carried_out.testimonies == 5
    assert carried_out.messages == 5
    # One count, one delete (and one more for stale followers' mail, whatever their number).
    touching_outbox = [s for s in statements if "outbox_messages" in s and "followers" not in s]
    assert len(touching_outbox) == 2
    # One each for the testimonies, their hearings' speakers and their sign-ins.
    assert len([s for s in statements if s.lstrip().upper().startswith("UPDATE")]) == 3


def test_followers_never_confirmed_or_long_unsubscribed_are_removed(app, db):
    now = utcnow()
    hearing = make_hearing()
    make_follower(
        hearing, email="stale@example.org", confirmed_at=None, created_at=now - timedelta(days=8)
    )
    make_follower(hearing, email="left@example.org", unsubscribed_at=now - timedelta(days=40))
    make_follower(hearing, email="kept@example.org")
    db.session.add(
        OutboxMessage(
            kind="following_confirm",
            to_address="Stale@example.org",
            subject="Confirm",
            body_text="...",
            sent_at=now - timedelta(days=8),
        )
    )
    db.session.commit()

    shown = run(app)
    assert "Would remove 2 follower addresses never confirmed or unsubscribed." in shown.output
    assert _db.session.scalar(select(func.count()).select_from(Follower)) == 3

    result = run(app, "--apply")
    assert "Removed 2 follower addresses never confirmed or unsubscribed." in result.output
    _db.session.expire_all()
    assert list(_db.session.scalars(select(Follower.email))) == ["kept@example.org"]
    assert _db.session.scalars(select(OutboxMessage)).all() == []
    (event,) = audit_events(db, "retention.applied")
    assert event.data["followers"] == 2
    assert "@" not in json.dumps(event.data)


def test_sign_ins_lose_their_address_and_their_mail_but_keep_the_record(app, db):
    now = utcnow()
    council = make_body(name="Medford City Council", retention_days=30)
    hearing = make_hearing(committee=make_committee(council), now=now - timedelta(days=60))
    signed_at = hearing.testimony_opens_at + timedelta(hours=1)
    receipt = make_sign_in(hearing, email="Signer@Example.org", full_name="Li Wei", now=signed_at)
    backdate_mail(db, signed_at)
    db.session.commit()

    found = retention.plan(now=now)
    # A hearing whose only personal data is in sign-ins is due too.
    assert [
        (h.hearing_id, h.testimonies, h.sign_ins, h.messages) for h in found.bodies[0].hearings
    ] == [(hearing.id, 0, 1, 1)]
    retention.apply(now=now)
    db.session.commit()

    sign_in = db.session.get(SignIn, receipt.sign_in_id)
    assert sign_in.email == "" and sign_in.email_key == f"removed:{sign_in.id}"
    assert sign_in.full_name == "Li Wei" and sign_in.positions
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
    assert retention.plan(now=now).bodies == []
