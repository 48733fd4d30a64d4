"""Following by e-mail: asking to follow, confirming, managing, unsubscribing, and opting out
of being told what the committee did. Callers commit.

Asking to follow sends only a confirmation (double opt-in); whether the address was known
before is never said on screen, and nothing else reaches it until the link is followed.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import case, delete, func, select
from sqlalchemy.exc import IntegrityError

from app.following import links
from app.following.models import (
    Follow,
    Follower,
    FollowerNotice,
    Frequency,
    OutcomeOptOut,
    SubjectKind,
)
from app.hearings.measure_texts import measure_label
from app.hearings.models import Body, Committee, Hearing, Measure
from app.platform import audit, outbox
from app.platform.extensions import db

# Follows one address may hold; asking for more sends nothing (and says the same on screen).
MAX_FOLLOWS = 50
DIGEST_EVERY = timedelta(days=1)

_MODELS = {
    SubjectKind.BODY: Body,
    SubjectKind.COMMITTEE: Committee,
    SubjectKind.MEASURE: Measure,
    SubjectKind.HEARING: Hearing,
}


@dataclass(frozen=True)
class Subject:
    """Something that can be followed, as residents read it."""

    kind: SubjectKind
    id: int
    name: str
    # The hearing page to go back to, when there is one.
    hearing_id: int | None

    def describe(self) -> str:
        if self.kind is SubjectKind.BODY:
            return _("all hearings of %(name)s", name=self.name)
        if self.kind is SubjectKind.COMMITTEE:
            return _("the hearings of the %(name)s", name=self.name)
        if self.kind is SubjectKind.MEASURE:
            return _("the measure %(name)s", name=self.name)
        return _("the hearing “%(name)s”", name=self.name)


def find_subject(kind: str, subject_id: int, language: str | None = None) -> Subject | None:
    """The subject, a measure named in `language` (the original when None, as staff read it)."""
    try:
        subject_kind = SubjectKind(kind)
    except ValueError:
        return None
    row = db.session.get(_MODELS[subject_kind], subject_id)
    if row is None:
        return None
    if subject_kind is SubjectKind.MEASURE:
        name = measure_label(row, language)
    else:
        name = row.name if subject_kind is not SubjectKind.HEARING else row.title
    hearing_id = row.id if subject_kind is SubjectKind.HEARING else None
    return Subject(subject_kind, row.id, name, hearing_id)


def email_key(email: str) -> str:
    return email.strip().lower()


def _language(language: str) -> str:
    config = current_app.config
    return language if language in config["LANGUAGES"] else config["BABEL_DEFAULT_LOCALE"]


def _follower_for(email: str, *, frequency: Frequency, language: str, now: datetime) -> Follower:
    """The follower of this address, made when new (two requests at once make one)."""
    key = email_key(email)
    follower = db.session.scalar(select(Follower).where(Follower.email_key == key))
    if follower is None:
        try:
            with db.session.begin_nested():
                follower = Follower(
                    email=email.strip(),
                    email_key=key,
                    language=language,
                    frequency=frequency,
                    link_key=secrets.token_hex(16),
                    created_at=now,
                )
                db.session.add(follower)
        except IntegrityError:
            follower = db.session.scalar(select(Follower).where(Follower.email_key == key))
    elif not follower.is_active:
        # Nothing confirmed yet (or unsubscribed): the latest request's wishes stand.
        follower.frequency, follower.language = frequency, language
    return follower


def request_follow(
    email: str,
    subject: Subject,
    *,
    frequency: Frequency,
    language: str,
    now: datetime,
    opening_only: bool = False,
) -> None:
    """Record the wish to follow `subject` and send the confirmation link; nothing else is
    sent until it is followed. Says nothing back: the page is the same for every address."""
    language = _language(language)
    follower = _follower_for(email, frequency=frequency, language=language, now=now)
    follow = db.session.scalar(
        select(Follow).where(
            Follow.follower_id == follower.id,
            Follow.subject_kind == subject.kind,
            Follow.subject_id == subject.id,
        )
    )
    if follow is None:
        held = db.session.scalar(
            select(func.count()).select_from(Follow).where(Follow.follower_id == follower.id)
        )
        if held >= MAX_FOLLOWS:
            return
        follow = Follow(
            follower=follower,
            subject_kind=subject.kind,
            subject_id=subject.id,
            opening_only=opening_only,
            created_at=now,
        )
        db.session.add(follow)
    elif follow.confirmed_at is None:
        follow.opening_only = follow.opening_only and opening_only
    db.session.flush()
    audit.record(
        audit.RESIDENT,
        "follow.requested",
        follow,
        at=now,
        followed=f"{subject.kind.value}:{subject.id}",
        opening_only=opening_only,
    )
    scope = "opening" if opening_only else "all"
    with force_locale(follower.language):
        outbox.queue(
            "following_confirm",
            to=follower.email,
            subject=_("Confirm you want e-mail about %(what)s", what=subject.describe()),
            subject_text=subject.describe(),
            opening_only=opening_only,
            confirm_url=links.confirm_url(follow, scope),
            frequency=follower.frequency,
            headers=links.unsubscribe_headers(links.follower_url(follower, links.UNSUBSCRIBE)),
        )


def confirm_follow(follow: Follow, scope: str, *, now: datetime) -> bool:
    """Confirm the follow (and its address); False when it already was."""
    follower = follow.follower
    newly = follow.confirmed_at is None or (follow.opening_only and scope == "all")
    follow.opening_only = (follow.opening_only or follow.confirmed_at is None) and (
        scope == "opening"
    )
    if follow.confirmed_at is None:
        follow.confirmed_at = now
    if not follower.is_active:
        if follower.unsubscribed_at is not None:
            # Following again after unsubscribing: links in the mail from before stop working.
            follower.link_key = secrets.token_hex(16)
        follower.confirmed_at = follower.confirmed_at or now
        follower.unsubscribed_at = None
        follower.digest_due_at = now + DIGEST_EVERY
    db.session.flush()
    if newly:
        audit.record(audit.RESIDENT, "follow.confirmed", follow, at=now)
    return newly


def set_frequency(follower: Follower, frequency: Frequency, *, now: datetime) -> None:
    if follower.frequency is frequency:
        return
    follower.frequency = frequency
    db.session.flush()
    audit.record(audit.RESIDENT, "follower.frequency_set", follower, at=now, to=frequency.value)


def stop_following(follower: Follower, follow_id: int, *, now: datetime) -> bool:
    """Stop one follow of this follower's (someone else's id changes nothing)."""
    follow = db.session.scalar(
        select(Follow).where(Follow.id == follow_id, Follow.follower_id == follower.id)
    )
    if follow is None:
        return False
    audit.record(
        audit.RESIDENT,
        "follow.stopped",
        follow,
        at=now,
        followed=f"{follow.subject_kind.value}:{follow.subject_id}",
    )
    db.session.delete(follow)
    db.session.flush()
    return True


def unsubscribe(follower: Follower, *, now: datetime) -> bool:
    """Stop everything for this address: its follows go, and so does what was waiting for its
    digest. False when it was already unsubscribed (a second click changes nothing)."""
    if follower.unsubscribed_at is not None:
        return False
    if follower.confirmed_at is None:
        follower.confirmed_at = now  # the link reached them: the address is theirs
    follower.unsubscribed_at = now
    follower.digest_due_at = None
    db.session.execute(delete(Follow).where(Follow.follower_id == follower.id))
    db.session.execute(
        delete(FollowerNotice).where(
            FollowerNotice.follower_id == follower.id, FollowerNotice.sent_at.is_(None)
        )
    )
    db.session.flush()
    db.session.expire(follower, ["follows"])
    audit.record(audit.RESIDENT, "follower.unsubscribed", follower, at=now)
    return True


def opt_out_of_outcomes(key: str, *, now: datetime) -> bool:
    """Never tell this address what the committee did on measures it testified on; False when
    it had already asked."""
    if not key or db.session.scalar(select(OutcomeOptOut.id).where(OutcomeOptOut.email_key == key)):
        return False
    try:
        with db.session.begin_nested():
            db.session.add(OutcomeOptOut(email_key=key, created_at=now))
    except IntegrityError:
        return False
    audit.record(audit.RESIDENT, "follow.outcomes_opted_out", None, at=now)
    return True


def has_opted_out(key: str) -> bool:
    return (
        db.session.scalar(select(OutcomeOptOut.id).where(OutcomeOptOut.email_key == key))
        is not None
    )


# Addresses never confirmed are removed after UNCONFIRMED_DAYS, unsubscribed ones after
# UNSUBSCRIBED_DAYS (app/retention.py runs it with the rest of residents' personal data).
UNCONFIRMED_DAYS, UNSUBSCRIBED_DAYS = 7, 30
# The outbox's messages to followers, removed with their addresses.
MAIL_KINDS = ("following_confirm", "following_notice", "following_digest")


def _stale(now: datetime):
    never_confirmed = Follower.confirmed_at.is_(None) & (
        Follower.created_at < now - timedelta(days=UNCONFIRMED_DAYS)
    )
    left = Follower.unsubscribed_at < now - timedelta(days=UNSUBSCRIBED_DAYS)
    return never_confirmed | left


def count_stale(*, now: datetime) -> int:
    """How many follower addresses are due for removal."""
    return db.session.scalar(select(func.count()).select_from(Follower).where(_stale(now))) or 0


def forget_stale(*, now: datetime) -> int:
    """Remove the addresses never confirmed or long unsubscribed, with their follows, notices
    and the outbox's copies of mail to them; how many. Flushes."""
    keys = select(Follower.email_key).where(_stale(now))
    db.session.execute(
        delete(outbox.OutboxMessage)
        .where(
            outbox.OutboxMessage.kind.in_(MAIL_KINDS),
            func.lower(outbox.OutboxMessage.to_address).in_(keys),
        )
        .execution_options(synchronize_session=False)
    )
    removed = db.session.execute(
        delete(Follower).where(_stale(now)).execution_options(synchronize_session=False)
    ).rowcount
    db.session.flush()
    return removed


@dataclass(frozen=True)
class SubjectCount:
    """How many confirmed, subscribed addresses follow one subject (reminders apart)."""

    subject: Subject
    followers: int
    reminders: int


def subject_counts() -> list[SubjectCount]:
    """What is followed and by how many, most followed first (for administrators); counts
    only, never an address."""
    rows = db.session.execute(
        select(
            Follow.subject_kind,
            Follow.subject_id,
            func.sum(case((Follow.opening_only.is_(False), 1), else_=0)),
            func.sum(case((Follow.opening_only.is_(True), 1), else_=0)),
        )
        .join(Follower, Follower.id == Follow.follower_id)
        .where(
            Follow.confirmed_at.is_not(None),
            Follower.confirmed_at.is_not(None),
            Follower.unsubscribed_at.is_(None),
        )
        .group_by(Follow.subject_kind, Follow.subject_id)
    ).all()
    counts = []
    for kind, subject_id, followers, reminders in rows:
        subject = find_subject(kind, subject_id)
        if subject is not None:
            counts.append(SubjectCount(subject, int(followers or 0), int(reminders or 0)))
    return sorted(counts, key=lambda c: (-(c.followers + c.reminders), c.subject.name))


def follower_totals() -> dict[str, int]:
    """Addresses by state: confirmed and subscribed, waiting for confirmation, unsubscribed."""
    confirmed = Follower.confirmed_at.is_not(None)
    subscribed = Follower.unsubscribed_at.is_(None)
    row = db.session.execute(
        select(
            func.count().filter(confirmed & subscribed),
            func.count().filter(Follower.confirmed_at.is_(None)),
            func.count().filter(Follower.unsubscribed_at.is_not(None)),
        ).select_from(Follower)
    ).one()
    return {"active": row[0], "unconfirmed": row[1], "unsubscribed": row[2]}
