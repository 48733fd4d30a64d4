"""Telling automated submissions apart without losing a resident's words.

Nothing here refuses testimony outright. A hidden field people never see and the time between
opening the form and sending it only mark a submission for moderators (QuarantineReason); the
sender gets the same receipt either way, so a bot learns nothing. Rate limits per network
address and per e-mail address on a hearing ask a resident to wait, and hand their text back.
Reading an attached PDF costs the server time, so a form sent back after its files were read
counts toward the address's limit too (one per file), and an address over its limit has no
file read at all.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from limits import parse_many

from app.platform.extensions import limiter
from app.testimony.models import QuarantineReason

log = logging.getLogger(__name__)

_SALT = "testimony-form-opened"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def opened_stamp(now: datetime) -> str:
    """A signed record of when the form was shown, carried in a hidden field."""
    return _serializer().dumps(round(now.timestamp(), 3))


def quarantine_reason(trap: str, stamp: str, now: datetime) -> QuarantineReason | None:
    """Why this submission looks automated, or None when it looks like a person's."""
    if trap:
        return QuarantineReason.HIDDEN_FIELD
    try:
        opened = float(_serializer().loads(stamp or ""))
    except (BadSignature, TypeError, ValueError):
        return QuarantineReason.NO_FORM
    if now.timestamp() - opened < current_app.config["SUBMIT_MIN_SECONDS"]:
        return QuarantineReason.TOO_FAST
    return None


@dataclass(frozen=True)
class Limited:
    """A submission over a limit: how long until it may be sent again."""

    retry_after: int


def _hit(setting: str, *identifiers: str, cost: int = 1) -> Limited | None:
    strategy = limiter.limiter
    try:
        for limit in parse_many(current_app.config[setting]):
            if not strategy.hit(limit, *identifiers, cost=cost):
                reset_at, _remaining = strategy.get_window_stats(limit, *identifiers)
                return Limited(retry_after=max(1, int(reset_at - time.time()) + 1))
    except Exception as error:  # the counting store (Redis) is down: take the testimony
        log.warning("submission limits not checked: %s", type(error).__name__)
    return None


def count_from_address(
    hearing_id: int, address: str, *, cost: int = 1, scope: str = "testimony"
) -> Limited | None:
    """Count one submission from this network address to this hearing; `cost` counts a form
    sent back after its files were read as that many submissions (one per file). `scope`
    keeps testimony and position sign-ins ("sign-in") counted apart."""
    return _hit("SUBMIT_LIMIT_PER_ADDRESS", f"{scope}-address", str(hearing_id), address, cost=cost)


def over_address_limit(hearing_id: int, address: str) -> Limited | None:
    """Whether this address has used up its submissions to this hearing, without counting:
    asked before a form's files are read, so over the limit they cost nothing."""
    strategy = limiter.limiter
    identifiers = ("testimony-address", str(hearing_id), address)
    try:
        for limit in parse_many(current_app.config["SUBMIT_LIMIT_PER_ADDRESS"]):
            if not strategy.test(limit, *identifiers):
                reset_at, _remaining = strategy.get_window_stats(limit, *identifiers)
                return Limited(retry_after=max(1, int(reset_at - time.time()) + 1))
    except Exception as error:  # the counting store (Redis) is down: take the testimony
        log.warning("submission limits not checked: %s", type(error).__name__)
    return None


def count_for_email(hearing_id: int, email: str, *, scope: str = "testimony") -> Limited | None:
    """Count one submission with this e-mail address on this hearing. The address itself never
    reaches the rate-limit store: only a keyed digest of it."""
    secret = current_app.config["SECRET_KEY"].encode()
    digest = hashlib.blake2b(email.strip().lower().encode(), key=secret[:64], digest_size=16)
    return _hit("SUBMIT_LIMIT_PER_EMAIL", f"{scope}-email", str(hearing_id), digest.hexdigest())
