"""Each API key's hourly allowance of items (its `items_per_hour`, set by the admin who issued
it): testimony and sign-ins together, counted as they arrive, whether each is then stored or
refused (checking a refused one costs the same). A request that would go over it is refused
as a whole with 429 and Retry-After, and counts nothing.

Counted where the rest of the app counts its limits (Flask-Limiter's storage: memory, or
Redis shared by every process), per key. When that storage cannot be reached the items are
taken, as the web form's limits do: an outage of the counter must not stop submissions.
"""

from __future__ import annotations

import logging
import time

from flask_babel import format_number
from limits import RateLimitItemPerHour
from limits.strategies import MovingWindowRateLimiter

from app.api.problems import Problem
from app.organisations.models import ApiKey
from app.platform.extensions import limiter

log = logging.getLogger(__name__)


def _identifiers(key: ApiKey) -> tuple[str, ...]:
    return ("api-key-items", str(key.id))


def count_items(key: ApiKey, items: int) -> None:
    """Count `items` against the key's hour, or refuse them all with 429."""
    allowance = RateLimitItemPerHour(key.items_per_hour)
    # A moving window takes the items only if they all fit, in one step of the store (a
    # script on Redis): two batches sent at once with one key cannot both pass a check and
    # then both count, going over the allowance together.
    strategy = MovingWindowRateLimiter(limiter.storage)
    try:
        if items <= key.items_per_hour and strategy.hit(allowance, *_identifiers(key), cost=items):
            return
        reset_at, remaining = strategy.get_window_stats(allowance, *_identifiers(key))
    except Exception as error:  # the counting store (Redis) is down: take the items
        log.warning("API key limits not checked: %s", type(error).__name__)
        return
    wait = max(1, int(reset_at - time.time()) + 1)
    if items > key.items_per_hour:
        detail = (
            f"This request has {format_number(items)} items, more than this key may send in "
            f"an hour ({format_number(key.items_per_hour)}): send them in smaller batches."
        )
    else:
        detail = (
            f"This key may send {format_number(key.items_per_hour)} items an hour and has "
            f"{format_number(remaining)} left: this request has {format_number(items)}. "
            "Nothing was stored; try again after the time in Retry-After."
        )
    raise Problem(429, detail, headers={"Retry-After": str(wait)})
