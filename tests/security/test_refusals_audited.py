"""Refused requests leave a trace an admin can read, without personal data and without letting
an attacker flood the audit log; and the session cookie cannot be planted by a neighbour."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app import create_app
from app.accounts.models import Role
from app.platform import audit
from app.platform.audit import AuditEvent
from app.platform.extensions import db as _db
from app.platform.timezones import utcnow
from tests.factories import (
    STAFF_PASSWORD,
    csrf_token_from,
    log_in,
    make_staff_user,
)

LOGIN = "/staff/login"
WRONG = "not the right password"


pytestmark = pytest.mark.usefixtures("isolated_requests", "fast_hashing")


def _refusals(db) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "request.refused").order_by(AuditEvent.id)
        )
    )


def _fail_sign_in(browser, email: str):
    page = browser.get(LOGIN)
    return browser.post(
        LOGIN, data={"csrf_token": csrf_token_from(page.text), "email": email, "password": WRONG}
    )


def _no_personal_data(event: AuditEvent, *secrets: str) -> None:
    text = repr((event.actor, event.subject_type, event.data, event.dedup_key)).lower()
    for secret in secrets:
        assert secret.lower() not in text


def test_a_rate_limited_sign_in_is_audited_without_address_or_e_mail(client, db):
    """Password guessing that runs into the limit shows in the audit log."""
    user = make_staff_user(email="guessed@example.gov")
    db.session.commit()
    for _ in range(5):
        assert _fail_sign_in(client, user.email).status_code == 200
    assert _fail_sign_in(client, user.email).status_code == 429
    [event] = _refusals(db)
    assert event.actor == "anonymous"
    assert event.data["status"] == 429
    assert event.data["route"] == LOGIN
    assert len(event.data["address_hash"]) == 16
    _no_personal_data(event, "127.0.0.1", "guessed@example.gov", "guessed", WRONG)


def test_hammering_a_limit_writes_one_row_per_address_and_minute_not_one_per_request(app, db):
    """Flooding the audit log by sending thousands of refused requests."""
    user = make_staff_user()
    db.session.commit()
    first, second = app.test_client(), app.test_client()
    second.environ_base["REMOTE_ADDR"] = "10.3.0.2"
    for browser in (first, second):
        statuses = [_fail_sign_in(browser, user.email).status_code for _ in range(25)]
        assert statuses.count(429) >= 15
    events = _refusals(db)
    # One per address (a minute may turn during the loop: at most one more each).
    assert 2 <= len(events) <= 4
    assert len({e.data["address_hash"] for e in events}) == 2


def test_a_forbidden_staff_page_is_audited_with_the_route_not_the_address(client, db):
    """A moderator trying the admin pages."""
    moderator = make_staff_user(Role.MODERATOR)
    target = make_staff_user(Role.CLERK)
    db.session.commit()
    log_in(client, moderator)
    assert client.get("/staff/admin/users").status_code == 403
    assert client.get(f"/staff/admin/users/{target.id}").status_code == 403
    events = _refusals(db)
    assert [(e.actor, e.data["status"]) for e in events] == [
        (f"user:{moderator.id}", 403),
        (f"user:{moderator.id}", 403),
    ]
    assert events[0].data["route"] == "/staff/admin/users"
    assert events[1].data["route"] == "/staff/admin/users/<int:user_id>"
    _no_personal_data(events[1], "127.0.0.1", moderator.email, target.email)


def test_the_same_refusal_from_another_worker_in_the_same_minute_is_not_written_twice(app, db):
    """Many workers each seeing the flood: the database still holds one row per minute."""
    now = utcnow().replace(second=10)
    with app.test_request_context():
        assert audit.record_refusal("anonymous", 429, "/x", "10.4.0.1", now=now) is not None
        db.session.commit()
        audit.forget_seen_refusals()  # another process, which has not seen it
        assert audit.record_refusal("anonymous", 429, "/x", "10.4.0.1", now=now) is None
        db.session.commit()
        later = now + timedelta(minutes=1)
        assert audit.record_refusal("anonymous", 429, "/x", "10.4.0.1", now=later) is not None
        assert audit.record_refusal("anonymous", 429, "/y", "10.4.0.1", now=later) is not None
        assert audit.record_refusal("anonymous", 403, "/y", "10.4.0.1", now=later) is not None
        assert audit.record_refusal("anonymous", 429, "/x", "10.4.0.2", now=later) is not None
        db.session.commit()
    assert len(_refusals(db)) == 5


def test_a_process_remembers_only_so_many_refusals_however_many_addresses_it_sees(
    app, db, monkeypatch
):
    """Refusals from ever new addresses (a botnet) must not grow a worker's memory."""
    monkeypatch.setattr(audit, "_REFUSALS_SEEN_LIMIT", 5)
    now = utcnow()
    with app.test_request_context():
        for number in range(40):
            audit.record_refusal("anonymous", 429, "/x", f"10.7.0.{number}", now=now)
            assert len(audit._refusals_seen) <= 5
        db.session.commit()
    assert len(_refusals(db)) == 40


def test_the_address_hash_is_keyed_so_it_cannot_be_looked_up_in_a_table(app):
    with app.test_request_context():
        hashed = audit.address_hash("192.0.2.7")
        assert hashed == audit.address_hash("192.0.2.7")
        assert hashed != audit.address_hash("192.0.2.8")
    other = dict(app.config)
    try:
        app.config["SECRET_KEY"] = "a different secret"
        with app.test_request_context():
            assert audit.address_hash("192.0.2.7") != hashed
    finally:
        app.config.clear()
        app.config.update(other)


# The session cookie.


def _set_cookies(response) -> list[str]:
    return response.headers.getlist("Set-Cookie")


def test_in_production_the_session_cookie_is_host_only(app, client, db):
    """A sibling subdomain or a plain-HTTP attacker planting a session cookie (fixation)."""
    user = make_staff_user()
    db.session.commit()
    base = "https://testimony.example.org"
    page = client.get(LOGIN, base_url=base)
    [session_cookie] = [c for c in _set_cookies(page) if c.startswith("__Host-session=")]
    assert "; Secure" in session_cookie and "; Path=/" in session_cookie
    assert "Domain=" not in session_cookie
    # Sign-in and CSRF work with the prefixed cookie over HTTPS (where Flask-WTF also wants a
    # same-site Referer, which browsers send under our Referrer-Policy).
    response = client.post(
        LOGIN,
        base_url=base,
        headers={"Referer": base + LOGIN},
        data={
            "csrf_token": csrf_token_from(page.text),
            "email": user.email,
            "password": STAFF_PASSWORD,
        },
    )
    assert response.status_code == 303
    device = [c for c in _set_cookies(response) if c.startswith("__Host-staff_device=")]
    assert device and "; Secure" in device[0] and "Domain=" not in device[0]
    assert client.get("/staff/account", base_url=base).status_code == 200
    assert client.get_cookie("session") is None  # no unprefixed copy to be overwritten


def test_a_planted_unprefixed_session_cookie_is_ignored(app, client, db):
    """A neighbour sets `session=...` for the parent domain: the app never reads it."""
    user = make_staff_user()
    db.session.commit()
    victim = app.test_client()
    log_in(victim, user)
    stolen = victim.get_cookie("__Host-session").value
    client.set_cookie("session", stolen)
    response = client.get("/staff/account")
    assert response.status_code == 302


def test_local_http_keeps_the_plain_cookie_names(database_url, tmp_path):
    """`make run` (OPENTESTIMONY_SECURE_COOKIES=0): browsers refuse __Host- over plain HTTP."""
    local = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "local",
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
            "SESSION_COOKIE_SECURE": False,
        }
    )
    try:
        assert local.config["SESSION_COOKIE_NAME"] == "session"
        page = local.test_client().get(LOGIN)
        [cookie] = [c for c in _set_cookies(page) if c.startswith("session=")]
        assert "Secure" not in cookie
    finally:
        with local.app_context():
            _db.engine.dispose()
