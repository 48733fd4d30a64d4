"""The testimony intake: how a resident's testimony comes in, in one call.

The web form calls it today; an API and position sign-ins will call the same functions. It takes
plain data (the Submission or Amendment the form built, the sender's network address, the time,
the form's kept files) and decides the order of the checks:

1. already stored? (a retry or double click of a stored form gets its receipt, uncounted);
2. rate limits per network address and per e-mail address (over them: `limited`, nothing
   written, the text goes back with when to try again);
3. quarantine: does it look automated (marked for moderators, never refused);
4. the write lock: only now does the transaction start writing (app/platform/database.py), so
   checking a form, its files included, never holds up other residents' submissions;
5. the deadline read again inside that writing transaction, then the files kept from the
   form's earlier tries taken, and the testimony stored (app/testimony/services.py).

Steps 4-5 run in `transaction.attempt()`: a refusal there (the deadline passed, a measure
removed) undoes exactly what they did (the kept files stay kept) and comes back as `error`.
Nothing here commits: the request (or, later, the API call) does.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm.attributes import set_committed_value

from app.hearings.models import Hearing
from app.platform.errors import DomainError
from app.platform.extensions import db
from app.platform.transaction import attempt
from app.testimony import bot_defence, kept_files, services
from app.testimony.bot_defence import Limited
from app.testimony.held_uploads import FormScope
from app.testimony.models import Testimony
from app.testimony.submissions import Amendment, Submission


@dataclass(frozen=True)
class Kept:
    """The files kept from this form's earlier tries that go with it: its scope, and how many
    more the form may carry."""

    scope: FormScope
    room: int


@dataclass(frozen=True)
class Received:
    """How an intake ended: a receipt, a rate limit, or a refusal to show the resident."""

    receipt: services.Receipt | None = None
    limited: Limited | None = None
    error: DomainError | None = None


@dataclass(frozen=True)
class Amended:
    """How an amendment ended: `changed` (False: nothing differed), or a refusal."""

    changed: bool = False
    error: DomainError | None = None


def submit(
    hearing: Hearing,
    submission: Submission,
    *,
    address: str,
    now: datetime,
    trap: str = "",
    opened: str = "",
    kept: Kept | None = None,
) -> Received:
    """Take a resident's testimony: check it in order, then store it and queue the receipt.

    `trap` and `opened` are the bot defence's hidden field and signed opening time
    (app/testimony/bot_defence.py); `kept`: the files kept from the form's earlier tries,
    None when it shows none."""
    stored = services.already_stored(hearing, submission.submission_key)
    if not stored:
        limited = bot_defence.count_from_address(hearing.id, address) or (
            bot_defence.count_for_email(hearing.id, submission.email)
        )
        if limited is not None:
            return Received(limited=limited)
    reason = bot_defence.quarantine_reason(trap, opened, now)
    with attempt() as outcome:  # the write lock, from here on
        # The deadline, as it is now, inside the transaction that stores the testimony.
        reread_status_times(hearing)
        # A form already stored keeps its receipt and needs no files: take none, or they
        # would be let go with nothing pointing to them.
        files = kept_files.take(kept.scope, now=now, room=kept.room) if kept and not stored else ()
        # The service owns the deadline: it refuses a late form, but a retry of a form stored
        # before the deadline still gets its receipt.
        receipt = services.submit_testimony(
            hearing,
            replace(submission, quarantine_reason=reason, uploads=files + submission.uploads),
            now=now,
            known_new=not stored,
        )
    if outcome.error is not None:
        return Received(error=outcome.error)
    return Received(receipt=receipt)


def amend(
    testimony: Testimony,
    amendment: Amendment,
    *,
    now: datetime,
    seen_version: int | None,
    kept: Kept | None = None,
) -> Amended:
    """Change a resident's testimony, if it is still the version their form was built from
    (`seen_version`) and the deadline has not passed, with the files kept from the form."""
    with attempt() as outcome:  # the write lock: the form and its files are checked
        reread_status_times(testimony.hearing)
        files = kept_files.take(kept.scope, now=now, room=kept.room) if kept else ()
        changed = services.amend_testimony(
            testimony,
            replace(amendment, uploads=files + amendment.uploads),
            now=now,
            seen_version=seen_version,
        )
    if outcome.error is not None:
        return Amended(error=outcome.error)
    return Amended(changed=changed)


def reread_status_times(hearing: Hearing) -> None:
    """Read the hearing's deadline and other status times again, as stored now: one plain
    SELECT of those columns, set on the loaded hearing as if just loaded (an ORM refresh of
    the same columns costs several times as much, on every submission)."""
    stored = db.session.execute(_STATUS_TIMES, {"hearing_id": hearing.id}).one()
    for name, value in zip(Hearing.STATUS_TIMES, stored, strict=True):
        set_committed_value(hearing, name, value)


_STATUS_TIMES = select(*(getattr(Hearing, name) for name in Hearing.STATUS_TIMES)).where(
    Hearing.id == bindparam("hearing_id")
)
