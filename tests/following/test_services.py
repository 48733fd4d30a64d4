"""Following's services called directly: asking, confirming, managing, unsubscribing, opting
out of committee news, and forgetting stale addresses."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app.following import links, services
from app.following.models import (
    Follow,
    Follower,
    FollowerNotice,
    Frequency,
    OutcomeOptOut,
    SubjectKind,
)
from app.following.notices import NoticeKind, publish
from app.platform.audit import AuditEvent
from app.platform.outbox import OutboxMessage
from app.platform.timezones import utcnow
from tests.factories import make_follower, make_hearing

DAY = timedelta(days=1)


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def ask(hearing, email="rosa@example.org", **kwargs):
    subject = services.find_subject("hearing", hearing.id)
    values = {"frequency": Frequency.DAILY, "language": "es", "now": utcnow()} | kwargs
    services.request_follow(email, subject, **values)


def test_finding_subjects_of_each_kind(db):
    hearing = make_hearing()
    measure = hearing.measures[0]
    assert services.find_subject("hearing", hearing.id).name == hearing.title
    assert services.find_subject("measure", measure.id).name == measure.label
    assert services.find_subject("committee", hearing.committee_id).name == hearing.committee.name
    assert services.find_subject("body", hearing.body.id).name == hearing.body.name
    assert services.find_subject("hearing", 999999) is None
    assert services.find_subject("planet", hearing.id) is None


def test_asking_records_an_unconfirmed_follow_and_queues_only_the_confirmation(db):
    hearing = make_hearing()
    ask(hearing, email="  Rosa@Example.org ")
    follower = db.session.scalars(select(Follower)).one()
    assert follower.email == "Rosa@Example.org" and follower.email_key == "rosa@example.org"
    assert follower.language == "es" and follower.frequency is Frequency.DAILY
    assert follower.confirmed_at is None and not follower.is_active
    (follow,) = follower.follows
    assert follow.confirmed_at is None and not follow.opening_only
    (message,) = db.session.scalars(select(OutboxMessage)).all()
    assert message.kind == "following_confirm" and message.to_address == "Rosa@Example.org"
    assert message.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Asking again keeps one follower and one follow, and sends another link.
    ask(hearing, email="rosa@example.org")
    assert count(db, Follower) == 1 and count(db, Follow) == 1
    assert count(db, OutboxMessage) == 2


def test_an_unknown_language_falls_back_to_the_default(db):
    ask(make_hearing(), language="xx")
    assert db.session.scalars(select(Follower.language)).one() == "en"


def test_confirming_starts_notices_once(db):
    hearing = make_hearing()
    ask(hearing)
    follow = db.session.scalars(select(Follow)).one()
    now = utcnow()
    assert services.confirm_follow(follow, "all", now=now) is True
    assert services.confirm_follow(follow, "all", now=now) is False
    follower = follow.follower
    assert follower.is_active and follower.digest_due_at == now + DAY
    confirmed = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "follow.confirmed")
    ).all()
    assert len(confirmed) == 1


def test_a_reminder_is_an_opening_only_follow_a_full_confirmation_widens(db):
    hearing = make_hearing()
    ask(hearing, opening_only=True)
    follow = db.session.scalars(select(Follow)).one()
    assert follow.opening_only
    services.confirm_follow(follow, "opening", now=utcnow())
    assert follow.opening_only
    # Asking for everything later, then confirming that link, widens the follow.
    assert services.confirm_follow(follow, "all", now=utcnow()) is True
    assert not follow.opening_only
    # An old "opening" link pressed afterwards does not narrow it again.
    services.confirm_follow(follow, "opening", now=utcnow())
    assert not follow.opening_only


def test_an_address_holds_a_bounded_number_of_follows(db, monkeypatch):
    monkeypatch.setattr(services, "MAX_FOLLOWS", 2)
    for _ in range(3):
        ask(make_hearing())
    assert count(db, Follow) == 2
    assert count(db, OutboxMessage) == 2


def test_unsubscribing_ends_every_follow_and_what_waited_for_a_digest(db):
    hearing = make_hearing()
    follower = make_follower(hearing, hearing.body, frequency=Frequency.DAILY)
    publish(
        NoticeKind.HEARING_CANCELLED,
        "k",
        [(SubjectKind.HEARING, hearing.id)],
        now=utcnow(),
        hearing_id=hearing.id,
    )
    assert count(db, FollowerNotice) == 1
    assert services.unsubscribe(follower, now=utcnow()) is True
    assert services.unsubscribe(follower, now=utcnow()) is False
    assert count(db, Follow) == 0 and count(db, FollowerNotice) == 0
    assert follower.unsubscribed_at is not None and follower.digest_due_at is None
    old_manage_link = links.follower_token(follower, links.MANAGE)
    # Following something again and confirming makes the address active again.
    ask(hearing, email=follower.email)
    follow = db.session.scalars(select(Follow)).one()
    services.confirm_follow(follow, "all", now=utcnow())
    assert follower.is_active and follower.frequency is Frequency.DAILY
    # The links in the mail from before no longer open the address's settings.
    assert links.find_follower(links.MANAGE, old_manage_link) is None
    assert links.find_follower(links.MANAGE, links.follower_token(follower, links.MANAGE))


def test_a_request_does_not_change_a_confirmed_followers_settings(db):
    hearing = make_hearing()
    follower = make_follower(hearing.body, email="rosa@example.org", language="en")
    ask(hearing, frequency=Frequency.DAILY, language="es")
    assert follower.frequency is Frequency.IMMEDIATE and follower.language == "en"


def test_stop_following_only_ones_own(db):
    hearing = make_hearing()
    mine = make_follower(hearing)
    theirs = make_follower(hearing, email="other@example.org")
    assert services.stop_following(mine, theirs.follows[0].id, now=utcnow()) is False
    assert services.stop_following(mine, mine.follows[0].id, now=utcnow()) is True
    assert count(db, Follow) == 1


def test_setting_the_frequency(db):
    follower = make_follower(make_hearing())
    services.set_frequency(follower, Frequency.DAILY, now=utcnow())
    services.set_frequency(follower, Frequency.DAILY, now=utcnow())
    assert follower.frequency is Frequency.DAILY
    changes = select(func.count()).where(AuditEvent.action == "follower.frequency_set")
    assert db.session.scalar(changes) == 1


def test_opting_out_of_committee_news_once(db):
    assert services.opt_out_of_outcomes("ana@example.org", now=utcnow()) is True
    assert services.opt_out_of_outcomes("ana@example.org", now=utcnow()) is False
    assert services.opt_out_of_outcomes("", now=utcnow()) is False
    assert services.has_opted_out("ana@example.org")
    assert not services.has_opted_out("bob@example.org")
    assert count(db, OutcomeOptOut) == 1


def test_stale_addresses_are_forgotten(db):
    now = utcnow()
    hearing = make_hearing()
    make_follower(hearing, email="new@example.org", confirmed_at=None, created_at=now - 2 * DAY)
    make_follower(hearing, email="old@example.org", confirmed_at=None, created_at=now - 8 * DAY)
    make_follower(hearing, email="left@example.org", unsubscribed_at=now - 31 * DAY)
    make_follower(hearing, email="recent@example.org", unsubscribed_at=now - 2 * DAY)
    make_follower(hearing, email="active@example.org", created_at=now - 400 * DAY)
    assert services.forget_stale(now=now) == 2
    kept = set(db.session.scalars(select(Follower.email)))
    assert kept == {"new@example.org", "recent@example.org", "active@example.org"}
