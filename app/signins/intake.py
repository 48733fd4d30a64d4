"""How a sign-in comes in, in one call, in the order testimony's intake uses
(app/testimony/intake.py): a form already stored gets its receipt; then the rate limits per
network address and per e-mail address; then the automated-looking marks; then, inside the
write, the deadline read again and the rows stored. Nothing here commits."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from app.hearings.models import Hearing
from app.platform.errors import DomainError
from app.platform.transaction import attempt
from app.signins import services
from app.signins.services import Receipt, SignInSubmission
from app.testimony import bot_defence
from app.testimony.bot_defence import Limited

SCOPE = "sign-in"


@dataclass(frozen=True)
class Received:
    receipt: Receipt | None = None
    limited: Limited | None = None
    error: DomainError | None = None


def submit(
    hearing: Hearing,
    submission: SignInSubmission,
    *,
    address: str,
    now: datetime,
    trap: str = "",
    opened: str = "",
) -> Received:
    stored = services.stored_id(hearing.id, submission.submission_key) is not None
    if not stored:
        limited = bot_defence.count_from_address(hearing.id, address, scope=SCOPE) or (
            bot_defence.count_for_email(hearing.id, submission.email, scope=SCOPE)
        )
        if limited is not None:
            return Received(limited=limited)
    reason = bot_defence.quarantine_reason(trap, opened, now)
    with attempt() as outcome:  # the write lock, from here on
        # It reads the deadline again, with the agenda, before it writes.
        receipt = services.record_sign_in(
            hearing,
            replace(submission, quarantine_reason=reason),
            now=now,
            known_new=not stored,
        )
    if outcome.error is not None:
        return Received(error=outcome.error)
    return Received(receipt=receipt)
