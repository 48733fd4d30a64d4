"""Files kept for a resident's form between tries, as the testimony pages use them.

A form sent back (a field missing, a rate limit, a language switch) keeps the PDFs that passed
their checks (app/testimony/held_uploads.py holds the rows), so the resident never attaches them
twice: the next successful submission or amendment takes them (app/testimony/intake.py). Here:
which form's files these are, keeping newly checked ones, the "remove" button, and the address
limit asked before any file is read. Plain data in (the form's key, the checked uploads, the
address and the time), never the request; stored bytes are deleted only after the transaction
that let go of them commits (app/platform/transaction.py, after_commit).
"""

from __future__ import annotations

from datetime import datetime

from app.platform.database import begin_writing
from app.platform.transaction import after_commit
from app.testimony import bot_defence, held_uploads
from app.testimony.bot_defence import Limited
from app.testimony.forms import has_good_key
from app.testimony.held_uploads import FormScope, HeldUpload
from app.testimony.submissions import Upload

# Expired kept files forgotten in passing by each form sent back, so a site nobody sweeps still
# lets them go.
SWEEP_IN_PASSING = 20


def scope_for(
    hearing_id: int, key: str | None, testimony_id: int | None = None
) -> FormScope | None:
    """The form whose files these are; None when its key is missing or damaged (then nothing
    is kept or shown)."""
    if not has_good_key(key):
        return None
    return FormScope(hearing_id, key, testimony_id)


def held(scope: FormScope | None, *, now: datetime) -> list[HeldUpload]:
    """The files still kept for this form, oldest first."""
    return [] if scope is None else held_uploads.held_for(scope, now=now)


def over_limit(hearing_id: int, address: str, *, new_files: bool) -> Limited | None:
    """Before any file is read: an address over its limit has its files left unread (checking
    a PDF costs the server time)."""
    if not new_files:
        return None
    return bot_defence.over_address_limit(hearing_id, address)


def remove(scope: FormScope | None, wanted: str, *, now: datetime) -> HeldUpload | None:
    """Let go of one kept file at the resident's request ("remove" beside it); None when this
    form keeps no such file. Its stored bytes go once this is committed."""
    if scope is None or not (wanted.isascii() and wanted.isdigit() and len(wanted) < 11):
        return None
    begin_writing()
    removed = held_uploads.release(scope, int(wanted), now=now)
    if removed is not None:
        digest = removed.sha256
        after_commit(lambda: held_uploads.forget_files([digest]))
    return removed


def keep(
    scope: FormScope | None,
    uploads: tuple[Upload, ...],
    *,
    hearing_id: int,
    address: str,
    files_read: int,
    limit: int,
    now: datetime,
) -> list[HeldUpload]:
    """The form is going back to the resident: keep the files that passed their checks (never
    more than `limit` in all), and count every file read toward the address's limit."""
    if files_read:
        bot_defence.count_from_address(hearing_id, address, cost=files_read)
    if scope is None or not uploads:
        return []
    begin_writing()
    rows = held_uploads.hold(scope, uploads, now=now, limit=limit)
    expired = held_uploads.sweep_expired(now=now, limit=SWEEP_IN_PASSING)
    if expired:
        after_commit(lambda: held_uploads.forget_files(expired))
    return rows


def take(scope: FormScope | None, *, now: datetime, room: int) -> tuple[Upload, ...]:
    """The form's kept files (at most `room`) as uploads for its submission, forgotten as
    kept: call inside the transaction that stores it, so a refusal keeps them for next time."""
    if scope is None:
        return ()
    return held_uploads.take(scope, now=now, limit=room)
