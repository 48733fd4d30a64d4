"""Server-side staff sessions called directly: what a row keeps about a browser, expiry,
the cap per person, pruning, and who may end what."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.accounts import services, staff_sessions
from app.accounts.models import StaffSession
from app.platform.audit import AuditEvent
from app.platform.timezones import utcnow
from tests.factories import make_admin, make_staff_user

FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0"
CHROME_MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"
)
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1"
)
EDGE_WINDOWS = CHROME_MAC.replace("Macintosh; Intel Mac OS X 10_15_7", "Windows NT 10.0") + (
    " Edg/120.0.2210.61"
)
CHROME_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Mobile Safari/537.36"
)
FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"


def _count(user=None) -> int:
    query = select(func.count(StaffSession.id))
    if user is not None:
        query = query.where(StaffSession.user_id == user.id)
    return services.db.session.scalar(query)


def _start(user, now=None, agent=FIREFOX_WINDOWS, address="203.0.113.77"):
    return services.start_session(user, now=now or utcnow(), user_agent=agent, address=address)


def _events(action: str) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    return list(services.db.session.scalars(query))


@pytest.mark.parametrize(
    ("agent", "expected"),
    [
        (FIREFOX_WINDOWS, ("Firefox", "Windows")),
        (CHROME_MAC, ("Chrome", "macOS")),
        (SAFARI_IPHONE, ("Safari", "iOS")),
        (EDGE_WINDOWS, ("Edge", "Windows")),
        (CHROME_ANDROID, ("Chrome", "Android")),
        (FIREFOX_LINUX, ("Firefox", "Linux")),
        ("curl/8.5.0", (None, None)),
        ("", (None, None)),
        ("<script>alert(1)</script>" * 100, (None, None)),
    ],
)
def test_the_browser_is_described_in_two_words(agent, expected):
    assert staff_sessions.describe_browser(agent) == expected


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("203.0.113.77", "203.0.113.0/24"),
        ("2001:db8:1234:5678::9", "2001:db8:1234::/48"),
        ("::ffff:198.51.100.23", "198.51.100.0/24"),
        ("not an address", None),
        ("", None),
        (None, None),
    ],
)
def test_the_address_is_shortened_to_its_network(address, network):
    assert staff_sessions.shorten_address(address) == network


def test_a_session_row_keeps_only_a_hash_and_coarse_facts(db):
    user = make_staff_user()
    token, row = _start(user)
    assert len(token) >= 40
    assert row.token_hash == staff_sessions.hash_token(token) != token
    assert (row.browser, row.system, row.network) == ("Firefox", "Windows", "203.0.113.0/24")
    assert staff_sessions.find_session(user.id, token, now=utcnow()) is row


def test_a_session_expires_when_idle_or_too_old(db, config):
    user = make_staff_user()
    now = utcnow()
    token, row = _start(user, now=now)
    idle = config["STAFF_IDLE_TIMEOUT"] + staff_sessions.TOUCH_INTERVAL
    assert staff_sessions.find_session(user.id, token, now=now + idle) is row
    assert (
        staff_sessions.find_session(user.id, token, now=now + idle + timedelta(seconds=1)) is None
    )
    # Kept busy, it still ends after the absolute lifetime.
    lifetime = config["PERMANENT_SESSION_LIFETIME"]
    row.last_seen_at = now + lifetime
    assert staff_sessions.find_session(user.id, token, now=now + lifetime) is row
    assert (
        staff_sessions.find_session(user.id, token, now=now + lifetime + timedelta(seconds=1))
        is None
    )


def test_last_seen_is_written_at_most_once_per_interval(db):
    user = make_staff_user()
    now = utcnow()
    _token, row = _start(user, now=now)
    soon = now + staff_sessions.TOUCH_INTERVAL - timedelta(seconds=1)
    assert not staff_sessions.needs_touch(row, soon)
    staff_sessions.touch(row.id, now=soon)
    services.db.session.refresh(row)
    assert row.last_seen_at == now
    later = now + staff_sessions.TOUCH_INTERVAL + timedelta(seconds=1)
    assert staff_sessions.needs_touch(row, later)
    staff_sessions.touch(row.id, now=later)
    services.db.session.refresh(row)
    assert row.last_seen_at == later


def test_a_thousand_sign_ins_leave_at_most_the_cap_of_live_rows(db):
    user = make_staff_user()
    start = utcnow()
    tokens = []
    for i in range(1000):
        token, _row = _start(user, now=start + timedelta(milliseconds=i))
        tokens.append(token)
    assert _count(user) == staff_sessions.SESSIONS_PER_USER
    # The newest are the ones kept.
    now = start + timedelta(seconds=1)
    assert staff_sessions.find_session(user.id, tokens[-1], now=now) is not None
    assert staff_sessions.find_session(user.id, tokens[0], now=now) is None
    ended = _events("staff.sessions_ended")
    assert sum(e.data["count"] for e in ended) == 1000 - staff_sessions.SESSIONS_PER_USER
    assert {e.data["reason"] for e in ended} == {"limit"}


def test_a_sign_in_prunes_everyones_expired_rows(db, config):
    old_user, new_user = make_staff_user(), make_staff_user()
    long_ago = utcnow() - config["PERMANENT_SESSION_LIFETIME"] - timedelta(hours=1)
    for _ in range(3):
        _start(old_user, now=long_ago)
    assert _count(old_user) == 3
    _start(new_user)
    assert _count(old_user) == 0
    assert _count(new_user) == 1


def test_ending_one_session_needs_it_to_be_that_users(db):
    admin, user, other = make_admin(), make_staff_user(), make_staff_user()
    token, row = _start(user)
    _other_token, other_row = _start(other)
    assert not staff_sessions.end_session(admin.audit_name, user, other_row.id, now=utcnow())
    assert _count(other) == 1
    assert staff_sessions.end_session(admin.audit_name, user, row.id, now=utcnow())
    assert staff_sessions.find_session(user.id, token, now=utcnow()) is None
    [event] = _events("staff.session_ended")
    assert (event.actor, event.subject_id, event.data) == (
        admin.audit_name,
        user.id,
        {"session": row.id},
    )


def test_ending_the_others_keeps_this_one(db):
    user = make_staff_user()
    _kept_token, kept = _start(user)
    for _ in range(3):
        _start(user)
    assert staff_sessions.end_other_sessions(user.audit_name, user, kept.id, now=utcnow()) == 3
    assert [r.id for r in staff_sessions.live_sessions(user, now=utcnow())] == [kept.id]
    [event] = _events("staff.sessions_ended")
    assert event.data == {"count": 3, "kept": kept.id}


def test_everything_that_signs_out_everywhere_deletes_the_rows(db):
    admin, user = make_admin(), make_staff_user()
    steps = [
        lambda: services.end_all_sessions(admin.audit_name, user, now=utcnow()),
        lambda: services.end_sessions(user, now=utcnow(), reason="logout"),
        lambda: services.set_password(
            user.audit_name, user, "a fresh long passphrase", now=utcnow()
        ),
        lambda: services.reset_totp(admin.audit_name, user, now=utcnow()),
        lambda: services.set_active(admin.audit_name, user, False, now=utcnow()),
    ]
    for step in steps:
        _start(user)
        _start(user)
        version = user.session_version
        step()
        assert _count(user) == 0
        assert user.session_version == version + 1
    [all_ended] = _events("staff.sessions_ended")
    assert all_ended.data == {"count": 2, "reason": "all"}
    for action in ["logout", "staff.password_changed", "staff.totp_reset", "staff.deactivated"]:
        assert _events(action)[-1].data["sessions_ended"] == 2, action
