"""Attacks on recovery codes and staff sessions: a used code again, someone else's code,
guessing codes from many addresses, and cookies that must no longer sign anyone in (an ended
session's, an old one, forged ones)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from app.accounts import recovery_codes, staff_sessions
from app.accounts.models import RecoveryCode, StaffSession
from app.platform.audit import AuditEvent
from app.platform.timezones import utcnow
from tests.factories import give_totp, log_in, make_admin, make_staff_user, post_form

CODE = "/staff/login/code"
HOME = "/staff/"
LOGIN = "/staff/login"
ACCOUNT = "/staff/account"
REFUSED = "That code is not right, or was already used."
DELAYED = "There were too many failed attempts to sign in to this account."

pytestmark = pytest.mark.usefixtures("isolated_requests", "fast_hashing")


def _is_sent_to_login(response) -> bool:
    return response.status_code == 302 and urlsplit(response.location).path == LOGIN


def _with_codes(db):
    user = make_staff_user()
    give_totp(user)
    codes = recovery_codes.replace_codes(user.audit_name, user, now=utcnow())
    db.session.commit()
    return user, codes


def _at_code_step(app, user, address="10.9.0.1"):
    browser = app.test_client()
    browser.environ_base["REMOTE_ADDR"] = address
    assert log_in(browser, user).location == CODE
    return browser


def _session_cookie(app, browser) -> str:
    return browser.get_cookie(app.config["SESSION_COOKIE_NAME"]).value


def _with_cookie(app, value: str):
    thief = app.test_client()
    thief.set_cookie(app.config["SESSION_COOKIE_NAME"], value)
    return thief


def _count(db, *where) -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)).where(*where))


# Recovery codes.


def test_a_used_recovery_code_does_not_sign_in_again(app, db):
    user, codes = _with_codes(db)
    first = _at_code_step(app, user)
    assert post_form(first, CODE, {"code": codes[0]}).status_code == 303
    # Someone who saw it typed, or found the printed sheet after it was used.
    second = _at_code_step(app, user, "10.9.0.2")
    for typed in [codes[0], codes[0].upper(), codes[0].replace("-", "")]:
        replay = post_form(second, CODE, {"code": typed})
        assert replay.status_code == 200
        assert REFUSED in replay.text
    assert _is_sent_to_login(second.get(HOME))
    assert _count(db, AuditEvent.action == "login.code_failed") == 3
    assert recovery_codes.remaining(user) == 9


def test_a_recovery_code_of_another_user_is_refused(app, db):
    owner, owner_codes = _with_codes(db)
    attacker, _their_codes = _with_codes(db)
    browser = _at_code_step(app, attacker)
    response = post_form(browser, CODE, {"code": owner_codes[0]})
    assert response.status_code == 200 and REFUSED in response.text
    assert _is_sent_to_login(browser.get(HOME))
    db.session.expire_all()
    assert recovery_codes.remaining(owner) == 10
    assert recovery_codes.remaining(attacker) == 10


def test_guessing_recovery_codes_from_many_addresses_makes_the_account_wait(app, db):
    """Wrong codes count against the account with wrong passwords: after five, every try
    waits, the right code too, and the code is not used up by the refused try."""
    user, codes = _with_codes(db)
    browsers = [_at_code_step(app, user, f"10.9.1.{n}") for n in range(1, 10)]
    statuses = []
    for n, browser in enumerate(browsers[:-1]):
        guess = f"{n:04d}-aaaa-bbbb"
        statuses.append(post_form(browser, CODE, {"code": guess}).status_code)
    assert statuses == [200] * 6 + [429] * 2
    refused = post_form(browsers[-1], CODE, {"code": codes[0]})
    assert refused.status_code == 429
    assert DELAYED in refused.text and int(refused.headers["Retry-After"]) > 0
    assert _is_sent_to_login(browsers[-1].get(HOME))
    assert recovery_codes.remaining(user) == 10
    assert _count(db, AuditEvent.action == "login.throttled") == 1


def test_recovery_codes_are_never_stored_or_logged_in_clear(app, db):
    user, codes = _with_codes(db)
    browser = _at_code_step(app, user)
    post_form(browser, CODE, {"code": codes[2]})
    stored = repr(db.session.execute(select(RecoveryCode.salt, RecoveryCode.code_hash)).all())
    logged = repr(db.session.execute(select(AuditEvent.data)).all())
    for code in codes:
        for form in (code, code.replace("-", "")):
            assert form not in stored and form not in logged


# Sessions.


def test_an_ended_sessions_cookie_is_refused(app, db):
    admin, user = make_admin(), make_staff_user()
    db.session.commit()
    victim = app.test_client()
    assert log_in(victim, user).status_code == 303
    stolen = _session_cookie(app, victim)
    thief = _with_cookie(app, stolen)
    assert thief.get(HOME).status_code == 200  # a copied cookie works until the session ends
    row_id = db.session.scalar(select(StaffSession.id).where(StaffSession.user_id == user.id))
    admin_browser = app.test_client()
    log_in(admin_browser, admin)
    page = f"/staff/admin/users/{user.id}"
    assert post_form(admin_browser, page, {}, to=f"{page}/sessions/{row_id}/end").status_code == 303
    assert _is_sent_to_login(thief.get(HOME))
    assert _is_sent_to_login(victim.get(HOME))
    # Nor can the ended cookie act: a post with a fresh token from it goes nowhere.
    assert _is_sent_to_login(_with_cookie(app, stolen).get(ACCOUNT))


def test_a_cookie_kept_from_before_signing_out_is_refused(app, db):
    user = make_staff_user()
    db.session.commit()
    browser = app.test_client()
    log_in(browser, user)
    old = _session_cookie(app, browser)
    post_form(browser, ACCOUNT, {}, to="/staff/logout")
    assert _is_sent_to_login(_with_cookie(app, old).get(HOME))
    # Signing in again makes a new session; the old cookie stays dead.
    log_in(browser, user)
    assert browser.get(HOME).status_code == 200
    assert _is_sent_to_login(_with_cookie(app, old).get(HOME))


def test_forged_session_cookies_are_refused(app, db):
    user = make_staff_user()
    db.session.commit()
    browser = app.test_client()
    log_in(browser, user)
    real = _session_cookie(app, browser)
    row = db.session.scalar(select(StaffSession).where(StaffSession.user_id == user.id))
    # A cookie whose signature does not match.
    tampered = real[:-3] + ("AAA" if not real.endswith("AAA") else "BBB")
    assert _is_sent_to_login(_with_cookie(app, tampered).get(HOME))
    # Correctly signed (someone with the key, or a bug) but naming a made-up session, the
    # stored hash itself, or no session at all (a cookie from before sessions were recorded).
    for token in [staff_sessions.new_token(), row.token_hash, None]:
        forger = _with_cookie(app, real)
        with forger.session_transaction() as session:
            if token is None:
                session.pop(staff_sessions.SESSION_KEY)
            else:
                session[staff_sessions.SESSION_KEY] = token
        assert _is_sent_to_login(forger.get(HOME)), token
    assert browser.get(HOME).status_code == 200


def test_another_users_session_token_does_not_open_your_account_as_theirs(app, db):
    user, other = make_staff_user(), make_staff_user()
    db.session.commit()
    mine, theirs = app.test_client(), app.test_client()
    log_in(mine, user)
    log_in(theirs, other)
    with theirs.session_transaction() as session:
        their_token = session[staff_sessions.SESSION_KEY]
    with mine.session_transaction() as session:
        session[staff_sessions.SESSION_KEY] = their_token
    assert _is_sent_to_login(mine.get(HOME))
    assert theirs.get(HOME).status_code == 200
