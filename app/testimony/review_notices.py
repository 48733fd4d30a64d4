"""Residents hear back: an e-mail when their testimony is published or not published, and the
same words on their receipt page.

The rule. A decision (one, many, or a campaign's) only queues a job naming the testimonies it
moved, in the decision's own transaction: a decision rolled back tells nobody, and a bulk
decision on 10,000 letters writes one job row per 500, not 10,000 letters, in the request.
After the commit the job reads each testimony as it is *then*, under its row lock, and
compares its outcome (published, or not published and why, for its current version) with what
the resident was last told (`review_notices`, one row per testimony):

- the same: nothing is written. So a second decision to the same end, two moderators deciding
  at once (only one decision is ever stored: app/moderation/services.py) or the job run twice
  sends nothing more: each outcome of each version is told once;
- different: one letter is queued (app/platform/outbox.py) and the row updated, in the one
  transaction that also ends the job, so the letter and its record commit together;
- a reversal: when the testimony left the outcome a letter was written for before that letter
  went out (still unsent and not being sent), the letter is deleted, and the resident is told
  the outcome it has now, if any (a testimony sent back to pending or flagged tells nothing).
  Only a letter already handed to the mail server stays sent; the next one then corrects it.

Who is written to: the resident's own address only (none for testimony an organisation sent
without one, whose receipt went to the organisation; none once retention removed it), not
when the address's owner said they did not send it (unless a moderator kept it, as the
committee's outcome mail does), and only while the body's setting is on.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import ForeignKey, Integer, String, delete, select
from sqlalchemy.orm import Mapped, joinedload, mapped_column

from app.hearings.models import Committee, Hearing
from app.platform import jobs, outbox
from app.platform.extensions import db
from app.platform.timezones import UTCDateTime, local_time, utcnow
from app.testimony import identity
from app.testimony.models import RejectionReason, ReviewStatus, Testimony
from app.testimony.services import hash_token, receipt_token_for

JOB = "testimony.review_notices"
# Testimonies one job names (a bulk decision queues one job per this many) and one
# transaction of the job tells.
PER_JOB = 500

PUBLISHED = "testimony_published"
NOT_PUBLISHED = "testimony_not_published"

# Why testimony was not published, said to the resident who sent it (the staff's labels are
# in app/moderation/reasons.py). Each completes "It was not published because …".
RESIDENT_REASONS: dict[RejectionReason, LazyString] = {
    RejectionReason.SPAM: _l(
        "it looked like advertising or automated messages rather than testimony on the "
        "measures of this hearing."
    ),
    RejectionReason.ABUSIVE: _l(
        "it contained threats, insults or harassment, which the committee does not publish."
    ),
    RejectionReason.OFF_TOPIC: _l("it was not about the measures on this hearing's agenda."),
    RejectionReason.DUPLICATE: _l(
        "it repeated testimony that was already received on this hearing, which is kept once."
    ),
    RejectionReason.PERSONAL_INFORMATION: _l(
        "it contained personal information, such as a phone number, a home address or "
        "private details about someone, that cannot be made public."
    ),
    RejectionReason.OTHER: _l(
        "it did not meet the committee's rules for published testimony. The clerk of the "
        "committee can tell you more."
    ),
}


def resident_reason(reason: RejectionReason | str) -> str:
    return str(RESIDENT_REASONS[RejectionReason(reason)])


@dataclass(frozen=True)
class Outcome:
    """What a resident is told of their testimony's review, in the reader's language: the
    e-mail and the receipt page print these same sentences."""

    status: ReviewStatus
    headline: str
    what_happens: str
    # What they can do now (amend before the deadline), or that the deadline has passed.
    next_step: str
    can_amend: bool


def outcome(testimony: Testimony, now: datetime) -> Outcome | None:
    """The outcome of the testimony's review, or None while it has none (pending, flagged,
    withdrawn)."""
    hearing = testimony.hearing
    deadline = local_time(hearing.testimony_closes_at, hearing.timezone)
    can_amend = testimony.can_amend(now)
    if testimony.status is ReviewStatus.APPROVED:
        if can_amend:
            step = _(
                "You can still amend or withdraw it until %(deadline)s (the hearing's local "
                "time). An amended testimony is reviewed again before it is published.",
                deadline=deadline,
            )
        else:
            step = _("The deadline for testimony has passed, so it can no longer be changed.")
        return Outcome(
            ReviewStatus.APPROVED,
            _("Your testimony is published."),
            _(
                "It is on the hearing's public page, without your street or e-mail address, "
                "and it goes to the committee."
            ),
            step,
            can_amend,
        )
    if testimony.status is ReviewStatus.REJECTED and testimony.rejection_reason is not None:
        if can_amend:
            step = _(
                "You can amend it and send it again until %(deadline)s (the hearing's local "
                "time), using “Amend testimony” on your receipt page. It is then reviewed "
                "again.",
                deadline=deadline,
            )
        else:
            step = _(
                "The deadline for testimony passed on %(deadline)s, so it can no longer be "
                "amended or sent again.",
                deadline=deadline,
            )
        return Outcome(
            ReviewStatus.REJECTED,
            _("Your testimony was not published."),
            _(
                "It was not published because %(reason)s",
                reason=resident_reason(testimony.rejection_reason),
            ),
            step,
            can_amend,
        )
    return None


class ReviewNotice(db.Model):
    """What the resident was last told of their testimony's review: one row per testimony."""

    __tablename__ = "review_notices"

    testimony_id: Mapped[int] = mapped_column(
        ForeignKey("testimonies.id", ondelete="CASCADE"), primary_key=True
    )
    # The outcome told: its version, "approved" or "rejected" with the reason; an empty status
    # when the letter was taken back before it went out (nothing is told).
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    rejection_reason: Mapped[str | None] = mapped_column(String(40))
    # The letter (an outbox row; not a foreign key: the outbox is the platform's and keeps or
    # drops its rows as it likes), taken back if still unsent when the outcome changes.
    outbox_message_id: Mapped[int | None] = mapped_column(Integer)
    told_at: Mapped[datetime] = mapped_column(UTCDateTime())


def queue(testimony_ids: Iterable[int]) -> None:
    """After a decision: have the residents of these testimonies told, once it commits."""
    ids = sorted(set(testimony_ids))
    for start in range(0, len(ids), PER_JOB):
        jobs.enqueue(JOB, {"testimony_ids": ids[start : start + PER_JOB]})


def run_job(payloads: list[dict]) -> None:
    """The JOB: tell the residents of the testimonies named. Only flushes: the runner commits
    the letters, their records and the job's end together."""
    ids = sorted({int(i) for payload in payloads for i in payload.get("testimony_ids", [])})
    for start in range(0, len(ids), PER_JOB):
        tell(ids[start : start + PER_JOB], now=utcnow())


def _told(status: ReviewStatus | None, testimony: Testimony) -> tuple:
    if status is None:
        return ("",)
    reason = testimony.rejection_reason.value if testimony.rejection_reason else None
    return (testimony.version, status.value, reason)


def tell(testimony_ids: list[int], *, now: datetime) -> int:
    """Write the letters these testimonies' outcomes call for (see the module's rule); how
    many were queued."""
    # Their rows locked first, in id order, so a decision on one waits for this and queues a
    # job that then sees what this told (on SQLite this transaction writes alone already).
    db.session.execute(
        select(Testimony.id)
        .where(Testimony.id.in_(testimony_ids))
        .order_by(Testimony.id)
        .with_for_update()
    ).all()
    testimonies = db.session.scalars(
        select(Testimony)
        .where(Testimony.id.in_(testimony_ids))
        .options(
            joinedload(Testimony.hearing).joinedload(Hearing.committee).joinedload(Committee.body),
            joinedload(Testimony.organisation),
        )
        .order_by(Testimony.id)
        .execution_options(populate_existing=True)
    ).all()
    notices = {
        notice.testimony_id: notice
        for notice in db.session.scalars(
            select(ReviewNotice)
            .where(ReviewNotice.testimony_id.in_(testimony_ids))
            .execution_options(populate_existing=True)
        )
    }
    changed: list[tuple[Testimony, Outcome | None]] = []
    for testimony in testimonies:
        result = outcome(testimony, now) if _writes_to(testimony) else None
        now_told = _told(result.status if result else None, testimony)
        notice = notices.get(testimony.id)
        before = ("",) if notice is None or not notice.status else _notice_told(notice)
        if now_told != before:
            changed.append((testimony, result))
    if not changed:
        return 0
    _take_back([notices[t.id] for t, _r in changed if t.id in notices])
    letters: dict[str, list[tuple[Testimony, outbox.Letter]]] = {PUBLISHED: [], NOT_PUBLISHED: []}
    for testimony, result in changed:
        notice = notices.get(testimony.id)
        if result is None:
            # Nothing to tell now; what was told (if it went out) stays the last word.
            continue
        kind = PUBLISHED if result.status is ReviewStatus.APPROVED else NOT_PUBLISHED
        letters[kind].append((testimony, _letter(kind, testimony, now)))
        if notice is None:
            notice = ReviewNotice(testimony_id=testimony.id)
            db.session.add(notice)
            notices[testimony.id] = notice
        told = _told(result.status, testimony)
        notice.version, notice.status, notice.rejection_reason = told
        notice.told_at = now
    queued = 0
    for kind, written in letters.items():
        ids = outbox.queue_rendered(kind, [letter for _t, letter in written])
        for (testimony, _written), message_id in zip(written, ids, strict=True):
            notices[testimony.id].outbox_message_id = message_id
        queued += len(ids)
    db.session.flush()
    return queued


def _notice_told(notice: ReviewNotice) -> tuple:
    return (notice.version, notice.status, notice.rejection_reason)


def _take_back(notices: list[ReviewNotice]) -> None:
    """Delete the letters of these notices that have not gone out (nor are going out): their
    outcome changed before they left. A letter taken back tells nothing, so its record says
    so; one that went out stays the last thing told."""
    pending = [n.outbox_message_id for n in notices if n.outbox_message_id is not None]
    if not pending:
        return
    messages = outbox.OutboxMessage
    taken = set(
        db.session.scalars(
            delete(messages)
            .where(
                messages.id.in_(pending),
                messages.sent_at.is_(None),
                messages.claimed_at.is_(None),
            )
            .returning(messages.id)
            .execution_options(synchronize_session=False)
        )
    )
    for notice in notices:
        if notice.outbox_message_id in taken:
            notice.status, notice.rejection_reason, notice.outbox_message_id = "", None, None


def _writes_to(testimony: Testimony) -> bool:
    """Whether this testimony's resident is e-mailed about its review at all."""
    if not testimony.email:  # none given (an organisation's receipt), or removed since
        return False
    if testimony.disputed_at is not None and testimony.dispute_kept_at is None:
        return False
    return testimony.hearing.committee.body.notify_review_outcomes


SUBJECTS = {
    PUBLISHED: lambda t: _("Your testimony is published: %(number)s", number=t.tracking_number),
    NOT_PUBLISHED: lambda t: _(
        "Your testimony was not published: %(number)s", number=t.tracking_number
    ),
}


def _letter(kind: str, testimony: Testimony, now: datetime) -> outbox.Letter:
    config = current_app.config
    language = testimony.language
    if language not in config["LANGUAGES"]:
        language = config["BABEL_DEFAULT_LOCALE"]
    with force_locale(language):
        result = outcome(testimony, now)
        body = render_template(
            f"emails/{kind}.txt",
            testimony=testimony,
            hearing=testimony.hearing,
            outcome=result,
            receipt_url=receipt_url(testimony),
            dispute_url=identity.link(testimony, identity.DISPUTE),
        )
        return outbox.Letter(to=testimony.email, subject=SUBJECTS[kind](testimony), body_text=body)


def receipt_url(testimony: Testimony) -> str | None:
    """The testimony's private receipt link, made again from its form's key as on the first
    receipt; None for one whose link was made otherwise."""
    token = receipt_token_for(testimony.hearing_id, testimony.submission_key)
    if not hmac.compare_digest(hash_token(token), testimony.receipt_token_hash):
        return None
    return f"{current_app.config['BASE_URL'].rstrip('/')}/receipts/{token}"
