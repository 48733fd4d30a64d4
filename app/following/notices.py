"""Notices to followers: what happened, to whom, when, in their language.

Each notice is made once under a unique key (a job that runs twice, or two processes seeing
the same moment, make one), together with a row per follower it concerns, in one transaction.
Immediate followers are sent it at once, up to DAILY_CAP messages a day; the rest wait for the
follower's daily digest (a periodic task; each follower's digest is claimed by moving its due
time with one conditional UPDATE, so two processes never send it twice).

Hearings cannot import this package: they queue jobs by name (HEARING_CHANGED, and the
committee's actions COMMITTEE_ACTED), which the factory registers here. Testimony opening and
the deadline a day away are noticed by a periodic scan.

When the committee acts, everyone with testimony on the measure is told too (closing the
loop), one message per address, unless the address opted out with the link in its receipt.
OUTCOME_SOURCES lists where those addresses come from; another source (position sign-ins) is
added by appending a function of the same shape.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask, current_app, render_template
from flask_babel import force_locale, format_date, ngettext
from flask_babel import gettext as _
from sqlalchemy import String, and_, cast, func, insert, literal, or_, select, update
from sqlalchemy.exc import IntegrityError

from app.following import links
from app.following.models import (
    Follow,
    Follower,
    FollowerNotice,
    FollowNotice,
    Frequency,
    NoticeKind,
    OutcomeOptOut,
    SubjectKind,
)
from app.hearings.actions import COMMITTEE_ACTED, CommitteeAction
from app.hearings.models import Hearing, Measure
from app.platform import jobs, outbox
from app.platform.extensions import db
from app.platform.timezones import utcnow
from app.signins import identity as sign_in_identity
from app.signins import services as sign_in_services
from app.signins.models import SignIn, SignInPosition, SignInStatus
from app.testimony import identity as testimony_identity
from app.testimony import services as testimony_services
from app.testimony.models import ReviewStatus, Testimony, TestimonyMeasure

log = logging.getLogger("opentestimony.following")

# The job hearings queue when a hearing is created, moved or cancelled:
# {"hearing_id": id, "change": "scheduled" | "rescheduled" | "cancelled"}.
HEARING_CHANGED = "following.hearing_changed"
# Immediate messages one follower is sent in a day; more wait for the next digest.
DAILY_CAP = 10
DAY = timedelta(days=1)
# A window that opened longer ago than this is not announced (a site just switched on).
OPENING_GRACE = timedelta(days=2)
# Followers whose digests one round of the periodic task sends, per transaction.
DIGEST_BATCH = 50


# Who is told.


def _hearing_subjects(hearing: Hearing) -> list[tuple[SubjectKind, int]]:
    subjects = [
        (SubjectKind.HEARING, hearing.id),
        (SubjectKind.COMMITTEE, hearing.committee_id),
        (SubjectKind.BODY, hearing.committee.body_id),
    ]
    return subjects + [(SubjectKind.MEASURE, measure.id) for measure in hearing.measures]


def _measure_subjects(measure: Measure, hearing_id: int | None) -> list[tuple[SubjectKind, int]]:
    subjects = [
        (SubjectKind.MEASURE, measure.id),
        (SubjectKind.COMMITTEE, measure.committee_id),
        (SubjectKind.BODY, measure.committee.body_id),
    ]
    if hearing_id is not None:
        subjects.append((SubjectKind.HEARING, hearing_id))
    return subjects


def _followers_of(subjects: list[tuple[SubjectKind, int]], *, opening: bool):
    """The ids of active followers with a confirmed follow of any of these subjects."""
    query = (
        select(Follow.follower_id)
        .join(Follower, Follower.id == Follow.follower_id)
        .where(
            or_(*(and_(Follow.subject_kind == k, Follow.subject_id == i) for k, i in subjects)),
            Follow.confirmed_at.is_not(None),
            Follower.confirmed_at.is_not(None),
            Follower.unsubscribed_at.is_(None),
        )
        .distinct()
    )
    if not opening:
        query = query.where(Follow.opening_only.is_(False))
    return query


def publish(
    kind: NoticeKind,
    key: str,
    subjects: list[tuple[SubjectKind, int]],
    *,
    now: datetime,
    hearing_id: int | None = None,
    measure_id: int | None = None,
    details: dict | None = None,
) -> FollowNotice | None:
    """Make the notice and its rows for each follower, and send it to immediate followers;
    None (and nothing done) when a notice with this key was already made. Flushes."""
    try:
        with db.session.begin_nested():
            notice = FollowNotice(
                kind=kind,
                key=key,
                hearing_id=hearing_id,
                measure_id=measure_id,
                details=details or {},
                created_at=now,
            )
            db.session.add(notice)
            db.session.flush()
    except IntegrityError:
        return None
    follower_ids = list(
        db.session.scalars(_followers_of(subjects, opening=kind is NoticeKind.TESTIMONY_OPEN))
    )
    if follower_ids:
        db.session.execute(
            insert(FollowerNotice),
            [
                {"follower_id": follower_id, "notice_id": notice.id, "created_at": now}
                for follower_id in follower_ids
            ],
        )
        _send_immediately(notice, follower_ids, now=now)
    return notice


# What a notice says.


@dataclass(frozen=True)
class Item:
    """One notice as a message shows it."""

    kind: NoticeKind
    hearing: Hearing | None
    measure: Measure | None
    action: CommitteeAction | None
    details: dict
    url: str


def _item(notice: FollowNotice) -> Item | None:
    """The notice with what it is about, or None when that is gone (an action removed)."""
    base = current_app.config["BASE_URL"].rstrip("/")
    hearing = db.session.get(Hearing, notice.hearing_id) if notice.hearing_id else None
    measure = db.session.get(Measure, notice.measure_id) if notice.measure_id else None
    action = None
    if notice.kind is NoticeKind.COMMITTEE_ACTED:
        action = db.session.get(CommitteeAction, notice.details.get("action_id"))
        if action is None or action.is_removed or measure is None:
            return None
    if hearing is None and measure is None:
        return None
    url = f"{base}/hearings/{hearing.id}" if hearing is not None else base + "/"
    return Item(notice.kind, hearing, measure, action, notice.details, url)


def _subject_line(item: Item) -> str:
    if item.kind is NoticeKind.COMMITTEE_ACTED:
        return _("Committee action on %(number)s", number=item.measure.number)
    title = item.hearing.title
    return {
        NoticeKind.HEARING_SCHEDULED: lambda: _("New hearing: %(title)s", title=title),
        NoticeKind.TESTIMONY_OPEN: lambda: _("Testimony is open: %(title)s", title=title),
        NoticeKind.DEADLINE_SOON: lambda: _(
            "Testimony closes within a day: %(title)s", title=title
        ),
        NoticeKind.HEARING_RESCHEDULED: lambda: _("Hearing rescheduled: %(title)s", title=title),
        NoticeKind.HEARING_CANCELLED: lambda: _("Hearing cancelled: %(title)s", title=title),
    }[item.kind]()


def _previous_start(item: Item) -> datetime | None:
    value = item.details.get("previous_start")
    return datetime.fromisoformat(value) if value else None


def _render(follower: Follower, template: str, **context) -> str:
    return render_template(
        f"emails/{template}.txt",
        manage_url=links.follower_url(follower, links.MANAGE),
        unsubscribe_url=links.follower_url(follower, links.UNSUBSCRIBE),
        previous_start=_previous_start,
        action_day=lambda action: format_date(action.taken_on, "long"),
        **context,
    )


def _letter(follower: Follower, items: list[Item], *, digest: bool) -> outbox.Letter:
    headers = links.unsubscribe_headers(links.follower_url(follower, links.UNSUBSCRIBE))
    if digest:
        subject = ngettext(
            "Your daily update: %(num)d change", "Your daily update: %(num)d changes", len(items)
        )
        body = _render(follower, "following_digest", items=items)
    else:
        subject = _subject_line(items[0])
        body = _render(follower, "following_notice", item=items[0])
    return outbox.Letter(to=follower.email, subject=subject, body_text=body, headers=headers)


def _sent_today(follower_ids: list[int], now: datetime) -> dict[int, int]:
    rows = db.session.execute(
        select(FollowerNotice.follower_id, func.count())
        .where(
            FollowerNotice.follower_id.in_(follower_ids),
            FollowerNotice.via == "immediate",
            FollowerNotice.sent_at > now - DAY,
        )
        .group_by(FollowerNotice.follower_id)
    ).all()
    return dict(rows)


def _send_immediately(notice: FollowNotice, follower_ids: list[int], *, now: datetime) -> None:
    """The immediate followers under their daily cap get the notice now; one statement and
    one delivery job for them all. Those over it wait for the digest, due a day on."""
    item = _item(notice)
    if item is None:
        return
    letters: list[outbox.Letter] = []
    sent: list[int] = []
    capped: list[int] = []
    for start in range(0, len(follower_ids), 500):
        chunk = follower_ids[start : start + 500]
        counts = _sent_today(chunk, now)
        followers = db.session.scalars(
            select(Follower)
            .where(Follower.id.in_(chunk), Follower.frequency == Frequency.IMMEDIATE)
            .order_by(Follower.id)
        )
        for follower in followers:
            if counts.get(follower.id, 0) >= DAILY_CAP:
                capped.append(follower.id)
                continue
            with force_locale(follower.language):
                letters.append(_letter(follower, [item], digest=False))
            sent.append(follower.id)
    if sent:
        db.session.execute(
            update(FollowerNotice)
            .where(FollowerNotice.notice_id == notice.id, FollowerNotice.follower_id.in_(sent))
            .values(sent_at=now, via="immediate")
            .execution_options(synchronize_session=False)
        )
        outbox.queue_rendered("following_notice", letters)
    if capped:
        # The overflow goes in one digest a day from now, not in a stream of them.
        db.session.execute(
            update(Follower)
            .where(
                Follower.id.in_(capped),
                or_(Follower.digest_due_at.is_(None), Follower.digest_due_at < now),
            )
            .values(digest_due_at=now + DAY)
            .execution_options(synchronize_session=False)
        )


# Digests.


def send_digests(*, now: datetime | None = None) -> int:
    """Send each follower whose digest is due what waited for it; how many digests. Commits
    per batch."""
    now = now or utcnow()
    sent = 0
    while True:
        due = list(
            db.session.scalars(
                select(Follower.id)
                .where(
                    Follower.digest_due_at <= now,
                    Follower.unsubscribed_at.is_(None),
                    select(FollowerNotice.follower_id)
                    .where(
                        FollowerNotice.follower_id == Follower.id,
                        FollowerNotice.sent_at.is_(None),
                    )
                    .exists(),
                )
                .order_by(Follower.id)
                .limit(DIGEST_BATCH)
            )
        )
        if not due:
            db.session.commit()
            return sent
        letters = []
        for follower_id in due:
            letter = _digest_for(follower_id, now)
            if letter is not None:
                letters.append(letter)
        outbox.queue_rendered("following_digest", letters)
        db.session.commit()
        sent += len(letters)


def _digest_for(follower_id: int, now: datetime) -> outbox.Letter | None:
    claimed = db.session.execute(
        update(Follower)
        .where(Follower.id == follower_id, Follower.digest_due_at <= now)
        .values(digest_due_at=now + DAY)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        return None  # another process is sending it
    follower = db.session.get(Follower, follower_id)
    notices = list(
        db.session.scalars(
            select(FollowNotice)
            .join(FollowerNotice, FollowerNotice.notice_id == FollowNotice.id)
            .where(FollowerNotice.follower_id == follower_id, FollowerNotice.sent_at.is_(None))
            .order_by(FollowNotice.created_at, FollowNotice.id)
        )
    )
    db.session.execute(
        update(FollowerNotice)
        .where(
            FollowerNotice.follower_id == follower_id,
            FollowerNotice.notice_id.in_([notice.id for notice in notices]),
        )
        .values(sent_at=now, via="digest")
        .execution_options(synchronize_session=False)
    )
    items = [item for item in map(_item, notices) if item is not None]
    if not items:
        return None
    with force_locale(follower.language):
        return _letter(follower, items, digest=True)


# What happens to hearings (jobs queued by app/hearings/services.py).


def hearing_changed(payloads: list[dict]) -> None:
    """The HEARING_CHANGED job: a hearing scheduled, moved or cancelled. Only flushes: the
    job's row is deleted in the same transaction, so each is done once."""
    now = utcnow()
    for payload in payloads:
        hearing = db.session.get(Hearing, payload["hearing_id"])
        if hearing is None:
            continue
        change = payload["change"]
        subjects = _hearing_subjects(hearing)
        if change == "scheduled":
            if hearing.cancelled_at is None and hearing.starts_at > now:
                publish(
                    NoticeKind.HEARING_SCHEDULED,
                    f"scheduled:{hearing.id}",
                    subjects,
                    now=now,
                    hearing_id=hearing.id,
                )
        elif change == "rescheduled":
            # Each move is its own notice, even back to an earlier time.
            move = payload.get("sequence", f"{hearing.starts_at:%Y%m%dT%H%M}")
            publish(
                NoticeKind.HEARING_RESCHEDULED,
                f"moved:{hearing.id}:{move}",
                subjects,
                now=now,
                hearing_id=hearing.id,
                details={"previous_start": payload.get("previous_start")},
            )
        elif change == "cancelled" and hearing.cancelled_at is not None:
            publish(
                NoticeKind.HEARING_CANCELLED,
                f"cancelled:{hearing.id}:{hearing.cancelled_at:%Y%m%dT%H%M%S}",
                subjects,
                now=now,
                hearing_id=hearing.id,
            )
    db.session.flush()


def scan_windows(*, now: datetime | None = None) -> int:
    """The periodic task: announce testimony windows that opened, and deadlines a day away;
    how many notices were made. Each is made once however many processes scan. Commits."""
    now = now or utcnow()
    made = 0
    made_keys = select(FollowNotice.key)
    opened = db.session.scalars(
        select(Hearing).where(
            Hearing.cancelled_at.is_(None),
            Hearing.testimony_opens_at <= now,
            Hearing.testimony_opens_at > now - OPENING_GRACE,
            Hearing.testimony_closes_at > now,
            (literal("open:") + cast(Hearing.id, String)).not_in(made_keys),
        )
    ).all()
    for hearing in opened:
        made += _publish_and_commit(
            NoticeKind.TESTIMONY_OPEN, f"open:{hearing.id}", hearing, now=now
        )
    closing = db.session.scalars(
        select(Hearing).where(
            Hearing.cancelled_at.is_(None),
            Hearing.testimony_opens_at <= now,
            Hearing.testimony_closes_at > now,
            Hearing.testimony_closes_at <= now + DAY,
        )
    ).all()
    for hearing in closing:
        key = f"deadline:{hearing.id}:{hearing.testimony_closes_at:%Y%m%dT%H%M}"
        made += _publish_and_commit(NoticeKind.DEADLINE_SOON, key, hearing, now=now)
    db.session.commit()
    return made


def _publish_and_commit(kind: NoticeKind, key: str, hearing: Hearing, *, now: datetime) -> int:
    exists = db.session.scalar(select(FollowNotice.id).where(FollowNotice.key == key))
    if exists is not None:
        return 0
    notice = publish(kind, key, _hearing_subjects(hearing), now=now, hearing_id=hearing.id)
    db.session.commit()
    return int(notice is not None)


# The committee acted (closing the loop).


@dataclass(frozen=True)
class Recipient:
    """Someone with a say on a measure who is told what the committee did with it."""

    email: str
    email_key: str
    language: str | None
    # Where they stop these messages (also their List-Unsubscribe link).
    opt_out_url: str


def testimony_recipients(measure_id: int) -> list[Recipient]:
    """Each address with testimony addressing the measure (alone or among several) and not
    withdrawn; its latest testimony's language and link."""
    rows = db.session.scalars(
        select(Testimony)
        .join(TestimonyMeasure, TestimonyMeasure.testimony_id == Testimony.id)
        .where(
            TestimonyMeasure.measure_id == measure_id,
            # Not withdrawn, not rejected (spam among it), and not disowned by the owner of
            # the address: they did not have a say, and must not be written to as if they had.
            Testimony.status.not_in((ReviewStatus.WITHDRAWN, ReviewStatus.REJECTED)),
            testimony_identity.undisputed(),
            Testimony.email != "",
        )
        .order_by(Testimony.id)
    )
    latest: dict[str, Recipient] = {}
    for testimony in rows:
        latest[testimony.email_key] = Recipient(
            testimony.email, testimony.email_key, testimony.language, links.outcomes_url(testimony)
        )
    return list(latest.values())


def sign_in_recipients(measure_id: int) -> list[Recipient]:
    """Each address with a sign-in on the measure not withdrawn; its latest sign-in's language
    and link. Plain rows, not objects: a bill may have tens of thousands of sign-ins."""
    rows = db.session.execute(
        select(
            SignIn.id, SignIn.email, SignIn.email_key, SignIn.language, SignIn.receipt_token_hash
        )
        .join(SignInPosition, SignInPosition.sign_in_id == SignIn.id)
        .where(
            SignInPosition.measure_id == measure_id,
            SignIn.status.not_in((SignInStatus.WITHDRAWN, SignInStatus.REJECTED)),
            sign_in_identity.undisputed(),
            SignIn.email != "",
        )
        .order_by(SignIn.id)
        .execution_options(yield_per=2000)
    )
    latest: dict[str, Recipient] = {}
    for sign_in_id, email, email_key, language, token_hash in rows:
        latest[email_key] = Recipient(
            email, email_key, language, links.sign_in_outcomes_url(sign_in_id, token_hash)
        )
    return list(latest.values())


# Where the addresses to tell come from: each a function of the measure's id. Testimony
# first: an address with both is told once, with its testimony's link.
OUTCOME_SOURCES: list[Callable[[int], list[Recipient]]] = [
    testimony_recipients,
    sign_in_recipients,
]


def committee_acted(payloads: list[dict]) -> None:
    """The COMMITTEE_ACTED job: tell the followers of the measure (its committee, body,
    hearing), and close the loop with everyone who had a say on it. Only flushes; done once
    per action (its notice's key), even when the job runs again."""
    now = utcnow()
    for payload in payloads:
        action = db.session.get(CommitteeAction, payload["action_id"])
        if action is None or action.is_removed:
            continue
        measure = action.measure
        notice = publish(
            NoticeKind.COMMITTEE_ACTED,
            f"acted:{action.id}",
            _measure_subjects(measure, action.hearing_id),
            now=now,
            hearing_id=action.hearing_id,
            measure_id=measure.id,
            details={"action_id": action.id},
        )
        if notice is not None:
            _close_the_loop(notice, measure.id, now=now)
    db.session.flush()


def _close_the_loop(notice: FollowNotice, measure_id: int, *, now: datetime) -> int:
    """One message per address that had a say on the measure, unless it opted out or already
    hears of it as a follower; how many."""
    item = _item(notice)
    if item is None:
        return 0
    told = set(
        db.session.scalars(
            select(Follower.email_key)
            .join(FollowerNotice, FollowerNotice.follower_id == Follower.id)
            .where(FollowerNotice.notice_id == notice.id)
        )
    )
    told.update(db.session.scalars(select(OutcomeOptOut.email_key)))
    chosen: dict[str, Recipient] = {}
    for source in OUTCOME_SOURCES:
        for recipient in source(measure_id):
            if recipient.email_key not in told:
                chosen.setdefault(recipient.email_key, recipient)
    config = current_app.config
    recipients = list(chosen.values())
    # Rendered and queued a chunk at a time: a bill with 100,000 signers never holds 100,000
    # letters in memory, and each chunk's delivery job stays a reasonable size.
    for start in range(0, len(recipients), LETTERS_PER_CHUNK):
        letters = []
        for recipient in recipients[start : start + LETTERS_PER_CHUNK]:
            language = recipient.language
            if language not in config["LANGUAGES"]:
                language = config["BABEL_DEFAULT_LOCALE"]
            with force_locale(language):
                body = render_template(
                    "emails/committee_acted.txt",
                    item=item,
                    opt_out_url=recipient.opt_out_url,
                    action_day=format_date(item.action.taken_on, "long"),
                )
                letters.append(
                    outbox.Letter(
                        to=recipient.email,
                        subject=_subject_line(item),
                        body_text=body,
                        headers=links.unsubscribe_headers(recipient.opt_out_url),
                    )
                )
        outbox.queue_rendered("committee_acted", letters)
    return len(recipients)


LETTERS_PER_CHUNK = 500


def init_app(app: Flask) -> None:
    """Register the jobs and periodic tasks (called by the factory)."""
    jobs.register(app, HEARING_CHANGED, hearing_changed, batch=20)
    jobs.register(app, COMMITTEE_ACTED, committee_acted, batch=5)
    jobs.register_periodic(app, scan_windows)
    jobs.register_periodic(app, send_digests)
    app.extensions[testimony_services.RECEIPT_LINKS] = receipt_links
    app.extensions[sign_in_services.RECEIPT_LINKS] = sign_in_receipt_links


def sign_in_receipt_links(sign_in: SignIn) -> dict[str, str]:
    """What a sign-in's receipt e-mail adds: the same opt-out, for its address."""
    url = links.sign_in_outcomes_url(sign_in.id, sign_in.receipt_token_hash)
    return {"outcomes_opt_out_url": url}


def receipt_links(testimony: Testimony) -> dict[str, str]:
    """What the receipt e-mail adds: the link to stop hearing what the committee did."""
    return {"outcomes_opt_out_url": links.outcomes_url(testimony)}
