"""Staff sessions kept on the server, one row per signed-in browser, so they can be listed and
ended one by one.

The browser's signed session cookie carries a random token (under SESSION_KEY); the row holds its
SHA-256, so a copy of the table signs nobody in. A token of 256 random bits needs no slow or
keyed hash: nothing about it can be guessed. Every staff request looks its row up
(app/accounts/access.py): a deleted or expired row signs that browser out at once.

Rows stay small and few: the last-seen time is written at most once per TOUCH_INTERVAL, the
browser is described in two words, the address is cut to its network, and each sign-in deletes
expired rows (a bounded batch, everyone's) and the user's oldest sessions beyond
SESSIONS_PER_USER.

Services here flush and write audit rows; callers commit.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select, update

from app.accounts.models import StaffSession, StaffUser
from app.platform import audit
from app.platform.extensions import db

# Where the browser's session cookie keeps the session token.
SESSION_KEY = "_staff_session"
# The last-seen time is written at most this often per session.
TOUCH_INTERVAL = timedelta(minutes=5)
# A person signed in on more browsers than this loses the least recently used sessions.
SESSIONS_PER_USER = 10
# Expired rows (anyone's) deleted by one sign-in, at most.
PRUNE_BATCH = 100

# (pattern, name), first match wins: Edge and Opera also say "Chrome", Chrome says "Safari".
_BROWSERS = [
    (r"Edg(e|A|iOS)?/", "Edge"),
    (r"OPR/|Opera", "Opera"),
    (r"SamsungBrowser/", "Samsung Internet"),
    (r"Firefox/|FxiOS/", "Firefox"),
    (r"Chrome/|CriOS/|Chromium/", "Chrome"),
    (r"Version/[\d.]+.*Safari/", "Safari"),
]
# iPhones and iPads say "like Mac OS X", Android says "Linux": the specific ones go first.
_SYSTEMS = [
    (r"iPhone|iPod", "iOS"),
    (r"iPad", "iPadOS"),
    (r"Android", "Android"),
    (r"Windows", "Windows"),
    (r"CrOS", "ChromeOS"),
    (r"Mac OS X|Macintosh", "macOS"),
    (r"Linux|X11", "Linux"),
]


def new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def describe_browser(user_agent: str) -> tuple[str | None, str | None]:
    """A coarse (browser, system) pair such as ("Firefox", "Windows"); None for unknown parts."""
    user_agent = user_agent[:512]
    browser = next((name for pattern, name in _BROWSERS if re.search(pattern, user_agent)), None)
    system = next((name for pattern, name in _SYSTEMS if re.search(pattern, user_agent)), None)
    return browser, system


def shorten_address(address: str | None) -> str | None:
    """The network an address is in, /24 for IPv4 and /48 for IPv6: where, not who."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return None
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def _live(now: datetime):
    """The condition for a row that has expired neither by idling nor by age.

    The idle limit allows one TOUCH_INTERVAL more, since the last-seen time is written only that
    often; the cookie's own times still end an idle session to the minute.
    """
    config = current_app.config
    idle = config["STAFF_IDLE_TIMEOUT"] + TOUCH_INTERVAL
    return (StaffSession.last_seen_at >= now - idle) & (
        StaffSession.created_at >= now - config["PERMANENT_SESSION_LIFETIME"]
    )


def start_session(
    user: StaffUser, *, now: datetime, user_agent: str, address: str | None
) -> tuple[str, StaffSession]:
    """Record a new signed-in browser; return the token for its cookie and its row."""
    _prune_expired(now)
    _end_beyond_the_limit(user, now=now)
    token = new_token()
    browser, system = describe_browser(user_agent)
    row = StaffSession(
        user_id=user.id,
        token_hash=hash_token(token),
        created_at=now,
        last_seen_at=now,
        browser=browser,
        system=system,
        network=shorten_address(address),
    )
    db.session.add(row)
    db.session.flush()
    return token, row


def find_session(user_id: int, token: str | None, *, now: datetime) -> StaffSession | None:
    """The live session of `user_id` whose cookie holds `token`."""
    if not isinstance(token, str) or not token or len(token) > 100:
        return None
    return db.session.scalar(
        select(StaffSession).where(
            StaffSession.token_hash == hash_token(token),
            StaffSession.user_id == user_id,
            _live(now),
        )
    )


def needs_touch(row: StaffSession, now: datetime) -> bool:
    return row.last_seen_at < now - TOUCH_INTERVAL


def touch(session_id: int, *, now: datetime) -> None:
    """Note that the session was used; a no-op if another request just did, or it ended."""
    db.session.execute(
        update(StaffSession)
        .where(StaffSession.id == session_id, StaffSession.last_seen_at < now - TOUCH_INTERVAL)
        .values(last_seen_at=now)
        .execution_options(synchronize_session="fetch")
    )


def live_sessions(user: StaffUser, *, now: datetime) -> list[StaffSession]:
    """The user's sessions that still sign a browser in, most recently used first."""
    return list(
        db.session.scalars(
            select(StaffSession)
            .where(StaffSession.user_id == user.id, _live(now))
            .order_by(StaffSession.last_seen_at.desc(), StaffSession.id.desc())
        )
    )


def end_session(actor: str, user: StaffUser, session_id: int, *, now: datetime) -> bool:
    """End one of `user`'s sessions: that browser is signed out at its next request."""
    ended = db.session.execute(
        delete(StaffSession)
        .where(StaffSession.id == session_id, StaffSession.user_id == user.id)
        .execution_options(synchronize_session="fetch")
    ).rowcount
    if ended:
        audit.record(actor, "staff.session_ended", user, at=now, session=session_id)
    return bool(ended)


def end_other_sessions(actor: str, user: StaffUser, keep_id: int, *, now: datetime) -> int:
    """End every session of `user` but the one in use."""
    ended = db.session.execute(
        delete(StaffSession)
        .where(StaffSession.user_id == user.id, StaffSession.id != keep_id)
        .execution_options(synchronize_session="fetch")
    ).rowcount
    audit.record(actor, "staff.sessions_ended", user, at=now, count=ended, kept=keep_id)
    return ended


def delete_all(user: StaffUser) -> int:
    """Delete every session row of `user`; the caller's audit row says why and how many."""
    return db.session.execute(
        delete(StaffSession)
        .where(StaffSession.user_id == user.id)
        .execution_options(synchronize_session="fetch")
    ).rowcount


def _end_beyond_the_limit(user: StaffUser, *, now: datetime) -> None:
    """Make room for one more session: the user's expired rows go, and the least recently
    used live ones beyond SESSIONS_PER_USER - 1 are ended (audited)."""
    db.session.execute(
        delete(StaffSession)
        .where(StaffSession.user_id == user.id, ~_live(now))
        .execution_options(synchronize_session="fetch")
    )
    oldest = list(
        db.session.scalars(
            select(StaffSession.id)
            .where(StaffSession.user_id == user.id)
            .order_by(StaffSession.last_seen_at.desc(), StaffSession.id.desc())
            .offset(SESSIONS_PER_USER - 1)
        )
    )
    if not oldest:
        return
    db.session.execute(
        delete(StaffSession)
        .where(StaffSession.id.in_(oldest))
        .execution_options(synchronize_session="fetch")
    )
    # The person's own sign-in ended them: the audit row is theirs.
    audit.record(
        user.audit_name, "staff.sessions_ended", user, at=now, count=len(oldest), reason="limit"
    )


def _prune_expired(now: datetime) -> None:
    """Delete a bounded batch of anyone's expired sessions, oldest first, skipping rows another
    transaction holds (PostgreSQL), as the sign-in throttle does with its quiet rows."""
    expired = (
        select(StaffSession.id)
        .where(~_live(now))
        .order_by(StaffSession.last_seen_at)
        .limit(PRUNE_BATCH)
        .with_for_update(skip_locked=True)
    )
    db.session.execute(
        delete(StaffSession)
        .where(StaffSession.id.in_(expired))
        .execution_options(synchronize_session="fetch")
    )
