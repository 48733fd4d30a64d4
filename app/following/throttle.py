"""Limits on follow requests: per network address (shown, with when to try again) and per
e-mail address (silent: the page must not tell whether an address is being mailed)."""

from __future__ import annotations

import hashlib
import logging
import time

from flask import current_app
from limits import parse_many

from app.platform.extensions import limiter

log = logging.getLogger(__name__)


def _hit(setting: str, *identifiers: str) -> int | None:
    """Count one request; the seconds to wait when over a limit (app/config.py), else None."""
    strategy = limiter.limiter
    try:
        for limit in parse_many(current_app.config[setting]):
            if not strategy.hit(limit, *identifiers):
                reset_at, _remaining = strategy.get_window_stats(limit, *identifiers)
                return max(1, int(reset_at - time.time()) + 1)
    except Exception as error:  # the counting store (Redis) is down: take the request
        log.warning("follow limits not checked: %s", type(error).__name__)
    return None


def count_from_address(address: str) -> int | None:
    return _hit("FOLLOW_LIMIT_PER_ADDRESS", "follow-address", address)


def count_for_email(email: str) -> bool:
    """Count one confirmation to this address; False when it has had enough for now. Only a
    keyed digest of the address reaches the counting store."""
    secret = current_app.config["SECRET_KEY"].encode()
    digest = hashlib.blake2b(email.strip().lower().encode(), key=secret[:64], digest_size=16)
    return _hit("FOLLOW_LIMIT_PER_EMAIL", "follow-email", digest.hexdigest()) is None
