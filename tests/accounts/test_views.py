"""Signing in and out through the real pages: errors, throttling, sessions, next=, TOTP."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest
from sqlalchemy import select

from app.accounts.access import LAST_SEEN, SIGNED_IN
from app.accounts.models import Role
from app.accounts.views import NEW_TOTP, PENDING
from app.platform.audit import AuditEvent
from tests.factories import (
    STAFF_PASSWORD,
    csrf_token_from,
    give_totp,
    log_in,
    make_hearing,
    make_staff_user,
    make_testimony,
    post_form,
    totp_code,
)

LOGIN = "/staff/login"
CODE = "/staff/login/code"
HOME = "/staff/"
ACCOUNT = "/staff/account"
TOTP_SETUP = "/staff/account/totp"
GENERIC_ERROR = "The e-mail address or password is not right."
OTHER_ADDRESS = {"REMOTE_ADDR": "10.0.0.2"}


pytestmark = pytest.mark.usefixtures("isolated_requests", "fast_hashing")


def _sign_in(client, email, password=STAFF_PASSWORD, *, next_page=None, **kwargs):
    """Post the login form (with `next` properly encoded) from a freshly loaded login page."""
    query = {"next": next_page} if next_page is not None else {}
    page = client.get(LOGIN, query_string=query, **kwargs)
    return client.post(
        LOGIN,
        query_string=query,
        data={"csrf_token": csrf_token_from(page.text), "email": email, "password": password},
        **kwargs,
    )


def _session_cookie(client) -> str:
    cookie = client.get_cookie(client.application.config["SESSION_COOKIE_NAME"])
    assert cookie is not None
    return cookie.value


def _copy_session(source, app):
    """A second browser holding a stolen copy of `source`'s session cookie."""
    thief = app.test_client()
    thief.set_cookie(app.config["SESSION_COOKIE_NAME"], _session_cookie(source))
    return thief


def _is_sent_to_login(response) -> bool:
    return response.status_code == 302 and urlsplit(response.location).path == LOGIN


def _events(db, action):
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def _wrong_code(secret: str) -> str:
    valid = {totp_code(secret, steps_ahead=step) for step in (-1, 0, 1, 2)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in valid)


def _log_out(client):
    return post_form(client, "/staff/account", {}, to="/staff/logout")


# The login page and the generic error.


def test_login_page_is_private_and_has_the_form(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert 'autocomplete="current-password"' in response.text
    assert 'name="csrf_token"' in response.text


def test_right_password_signs_in_and_is_audited(client, db):
    user = make_staff_user(email="mod@example.gov")
    db.session.commit()
    response = _sign_in(client, "Mod@Example.gov")
    assert response.status_code == 303
    assert response.location == HOME
    page = client.get(HOME)
    assert page.status_code == 200
    assert "Sign out" in page.text
    [event] = _events(db, "login.succeeded")
    assert event.actor == f"user:{user.id}"
    assert event.data == {"address": "127.0.0.1", "second_factor": False}
    db.session.refresh(user)
    assert user.last_login_at is not None


def _normalised(html: str, email: str) -> str:
    html = re.sub(r'value="[^"]*"(?=[^>]*csrf)|(?<=name="csrf_token")[^>]*', "", html)
    html = re.sub(r'name="csrf_token"[^>]*>', "", html)
    return html.replace(email, "EMAIL")


def test_unknown_email_wrong_password_and_deactivated_give_identical_pages(client, db):
    user = make_staff_user(email="real@example.gov")
    gone = make_staff_user(email="gone@example.gov", active=False)
    db.session.commit()
    unknown = _sign_in(client, "nobody@example.gov", STAFF_PASSWORD)
    wrong = _sign_in(client, user.email, "not the right password")
    deactivated = _sign_in(client, gone.email, STAFF_PASSWORD)
    assert unknown.status_code == wrong.status_code == deactivated.status_code == 200
    for response in (unknown, wrong, deactivated):
        assert GENERIC_ERROR in response.text
        assert STAFF_PASSWORD not in response.text
        assert "not the right password" not in response.text
    assert _normalised(unknown.text, "nobody@example.gov") == _normalised(wrong.text, user.email)
    assert _normalised(wrong.text, user.email) == _normalised(deactivated.text, gone.email)
    assert client.get(HOME).status_code == 302


def test_failed_logins_are_audited_and_unknown_emails_are_not_recorded(client, db):
    user = make_staff_user()
    db.session.commit()
    _sign_in(client, user.email, "not the right password")
    _sign_in(client, "Typed.Address@Nowhere.example", STAFF_PASSWORD)
    known, unknown = _events(db, "login.failed")
    assert known.data == {"user_id": user.id, "address": "127.0.0.1"}
    assert unknown.data == {"user_id": None, "address": "127.0.0.1"}
    for event in (known, unknown):
        assert event.actor == "anonymous"
        text = repr((event.actor, event.subject_type, event.data)).lower()
        assert "typed.address" not in text and "nowhere" not in text
        assert STAFF_PASSWORD not in text and "not the right password" not in text


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("", STAFF_PASSWORD, "Enter your e-mail address."),
        ("mod@example.gov", "", "Enter your password."),
        ("not an email", STAFF_PASSWORD, "Enter an e-mail address like name@example.org."),
        ("mod@example.gov", "x" * 300, "Use 256 characters or fewer."),
    ],
)
def test_incomplete_forms_get_a_specific_error_and_sign_nobody_in(
    client, db, email, password, message
):
    make_staff_user(email="mod@example.gov")
    db.session.commit()
    response = _sign_in(client, email, password)
    assert response.status_code == 200
    assert message in response.text
    assert client.get(HOME).status_code == 302


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("mod\x00@example.gov", STAFF_PASSWORD),
        ("mod@example.gov", "correct horse\x00battery staple"),
        ("\u202emod@example.gov", STAFF_PASSWORD),
        ("😀@example.gov", "😀" * 20),
        ("<script>@example.gov", "{{ 7*7 }} {% raw %}"),
        ("x" * 5000 + "@example.gov", "y" * 5000),
    ],
)
def test_junk_in_the_login_form_gets_a_page_not_an_error(client, db, email, password):
    make_staff_user(email="mod@example.gov")
    db.session.commit()
    response = _sign_in(client, email, password)
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "<script>@" not in response.text
    assert client.get(HOME).status_code == 302


@pytest.mark.parametrize("target", ["/staff/\x00", "/staff/account\r\nSet-Cookie: x=1", "/%0d%0a"])
def test_next_with_control_characters_is_harmless(client, db, target):
    user = make_staff_user()
    db.session.commit()
    response = _sign_in(client, user.email, next_page=target)
    assert response.status_code == 303
    assert "\n" not in response.location and "\x00" not in response.location
    assert "x=1" not in response.headers.get("Set-Cookie", "")


def test_login_without_csrf_token_is_refused(client, db):
    user = make_staff_user()
    db.session.commit()
    client.get(LOGIN)
    response = client.post(LOGIN, data={"email": user.email, "password": STAFF_PASSWORD})
    assert response.status_code == 400
    assert client.get(HOME).status_code == 302


# Throttling.


def test_five_failures_for_one_account_from_one_address_are_throttled(client, app, db):
    user = make_staff_user()
    db.session.commit()
    for _ in range(5):
        assert _sign_in(client, user.email, "not the right password").status_code == 200
    blocked = _sign_in(client, user.email, STAFF_PASSWORD)
    assert blocked.status_code == 429
    assert "Too many requests" in blocked.text
    assert client.get(HOME).status_code == 302
    # Someone else, somewhere else, is not locked out by the attacker's failures...
    elsewhere = app.test_client()
    response = _sign_in(elsewhere, user.email, STAFF_PASSWORD, environ_base=OTHER_ADDRESS)
    assert response.status_code == 303
    # ...and the attacker's address can still try other accounts.
    other = make_staff_user()
    db.session.commit()
    assert _sign_in(client, other.email, STAFF_PASSWORD).status_code == 303


def test_twenty_failures_from_one_address_are_throttled(client, app, db):
    user = make_staff_user()
    db.session.commit()
    for number in range(20):
        response = _sign_in(client, f"guess{number}@example.gov", "not the right password")
        assert response.status_code == 200
    assert _sign_in(client, user.email, STAFF_PASSWORD).status_code == 429
    elsewhere = app.test_client()
    response = _sign_in(elsewhere, user.email, STAFF_PASSWORD, environ_base=OTHER_ADDRESS)
    assert response.status_code == 303


def test_successful_logins_do_not_count_towards_the_throttle(client, db):
    user = make_staff_user()
    db.session.commit()
    for _ in range(4):
        _sign_in(client, user.email, "not the right password")
    for _ in range(3):
        assert _sign_in(client, user.email).status_code == 303
        assert _log_out(client).status_code == 303


# Session rotation and ending sessions on the server.


def test_login_rotates_the_session_and_the_csrf_token(client, app, db):
    user = make_staff_user()
    db.session.commit()
    page = client.get(LOGIN)
    old_token = csrf_token_from(page.text)
    before = _session_cookie(client)
    fixated = _copy_session(client, app)  # an attacker planted or copied the pre-login cookie
    response = client.post(
        LOGIN, data={"csrf_token": old_token, "email": user.email, "password": STAFF_PASSWORD}
    )
    assert response.status_code == 303
    assert _session_cookie(client) != before
    # The token from before sign-in no longer validates: using it to sign out fails.
    assert client.get(ACCOUNT).status_code == 200  # a page with the new session's token
    refused = client.post("/staff/logout", data={"csrf_token": old_token})
    assert refused.status_code == 400
    assert client.get(HOME).status_code == 200
    # The pre-login cookie did not become a signed-in session.
    assert _is_sent_to_login(fixated.get(HOME))
    # A token from a page served after sign-in works.
    assert _log_out(client).status_code == 303


def test_logout_ends_every_copy_of_the_session(client, app, db):
    user = make_staff_user()
    db.session.commit()
    log_in(client, user)
    thief = _copy_session(client, app)
    assert thief.get(HOME).status_code == 200  # the copy works while the session lives
    response = _log_out(client)
    assert response.status_code == 303
    assert response.location == LOGIN
    assert "You are signed out." in client.get(LOGIN).text
    assert _is_sent_to_login(thief.get(HOME))
    assert _is_sent_to_login(thief.get(ACCOUNT))
    assert _is_sent_to_login(client.get(HOME))
    [event] = _events(db, "logout")
    assert event.actor == f"user:{user.id}"


def test_logout_needs_a_post_with_a_csrf_token(client, db):
    user = make_staff_user()
    db.session.commit()
    log_in(client, user)
    assert client.get("/staff/logout").status_code == 405
    assert client.post("/staff/logout").status_code == 400
    assert client.get(HOME).status_code == 200


def test_signing_in_again_after_logout_works(client, db):
    user = make_staff_user()
    db.session.commit()
    log_in(client, user)
    _log_out(client)
    assert log_in(client, user).status_code == 303
    assert client.get(HOME).status_code == 200


def test_idle_session_expires_with_a_notice(client, db, config):
    config["STAFF_IDLE_TIMEOUT"] = timedelta(minutes=5)
    user = make_staff_user()
    db.session.commit()
    log_in(client, user)
    with client.session_transaction() as session:
        session[LAST_SEEN] = time.time() - 4 * 60
    assert client.get(HOME).status_code == 200  # four idle minutes are fine...
    with client.session_transaction() as session:
        assert session[LAST_SEEN] > time.time() - 60  # ...and activity resets the clock
        session[LAST_SEEN] = time.time() - 6 * 60
    response = client.get(HOME)
    assert response.status_code == 302
    assert response.location == "/staff/login?expired=1"
    assert "signed out after a period without activity" in client.get(response.location).text
    assert _is_sent_to_login(client.get(HOME))


def test_a_polling_console_does_not_keep_a_session_alive(client, db, config):
    config["STAFF_IDLE_TIMEOUT"] = timedelta(minutes=5)
    user = make_staff_user(Role.CLERK)
    hearing = make_hearing()
    db.session.commit()
    log_in(client, user)
    with client.session_transaction() as session:
        session[LAST_SEEN] = time.time() - 4 * 60
    assert client.get(f"/staff/hearings/{hearing.id}/floor.json").status_code == 200
    with client.session_transaction() as session:
        assert session[LAST_SEEN] < time.time() - 3 * 60  # the poll was not activity
        session[LAST_SEEN] = time.time() - 6 * 60
    response = client.get(f"/staff/hearings/{hearing.id}/floor.json")
    assert response.location == "/staff/login?expired=1"


def test_idle_timeout_comes_from_config(client, db, config):
    config["STAFF_IDLE_TIMEOUT"] = timedelta(seconds=1)
    user = make_staff_user()
    db.session.commit()
    log_in(client, user)
    with client.session_transaction() as session:
        session[LAST_SEEN] = time.time() - 2
    assert _is_sent_to_login(client.get(HOME))


def test_a_busy_session_still_ends_after_the_absolute_limit(client, db, config):
    config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=12)
    user = make_staff_user()
    db.session.commit()
    log_in(client, user)
    with client.session_transaction() as session:
        session[SIGNED_IN] = time.time() - 11 * 3600
    assert client.get(HOME).status_code == 200
    with client.session_transaction() as session:
        session[SIGNED_IN] = time.time() - 13 * 3600
        session[LAST_SEEN] = time.time()  # active a moment ago
    response = client.get(HOME)
    assert response.location == "/staff/login?expired=1"
    assert _is_sent_to_login(client.get(HOME))


def test_a_session_without_a_last_seen_time_is_treated_as_idle(client, db):
    user = make_staff_user()
    db.session.commit()
    log_in(client, user)
    with client.session_transaction() as session:
        del session[LAST_SEEN]
    assert _is_sent_to_login(client.get(HOME))


# Caching.


@pytest.mark.parametrize("path", [LOGIN, HOME, ACCOUNT, TOTP_SETUP, "/staff/admin/users"])
def test_staff_pages_are_never_cached(client, db, path):
    user = make_staff_user(Role.ADMIN)
    db.session.commit()
    anonymous = client.get(path)
    assert anonymous.headers["Cache-Control"] == "no-store"
    log_in(client, user)
    response = client.get(path)
    assert response.status_code in {200, 302}
    assert response.headers["Cache-Control"] == "no-store"


def test_the_login_redirect_is_not_cached(client, db):
    user = make_staff_user()
    db.session.commit()
    response = log_in(client, user)
    assert response.status_code == 303
    assert response.headers["Cache-Control"] == "no-store"


# Where sign-in leads.


def _lands_on_this_site(location: str) -> bool:
    # Browsers drop tabs and newlines and read a backslash as a slash.
    cleaned = re.sub(r"[\t\r\n]", "", location).replace("\\", "/")
    parts = urlsplit(cleaned)
    return not parts.scheme and not parts.netloc and cleaned.startswith("/")


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "https://evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
        "http:/evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "/\\/evil.example",
        " //evil.example",
        "https:evil.example",
        "///evil.example",
    ],
)
def test_next_never_leads_off_site(client, db, target):
    user = make_staff_user()
    db.session.commit()
    response = _sign_in(client, user.email, next_page=target)
    assert response.status_code == 303
    assert _lands_on_this_site(response.location), response.location
    assert "evil" not in response.location


def test_next_leads_to_a_page_of_this_app(client, db):
    user = make_staff_user()
    db.session.commit()
    response = _sign_in(client, user.email, next_page="/staff/hearings/1/queue")
    assert response.status_code == 303
    assert response.location == "/staff/hearings/1/queue"


def test_next_is_kept_when_a_staff_page_sends_you_to_sign_in(client, db):
    user = make_staff_user()
    db.session.commit()
    bounce = client.get("/staff/account")
    assert bounce.status_code == 302
    assert urlsplit(bounce.location).path == LOGIN
    assert parse_qs(urlsplit(bounce.location).query) == {"next": ["/staff/account"]}
    page = client.get(bounce.location)
    response = client.post(
        bounce.location,
        data={
            "csrf_token": csrf_token_from(page.text),
            "email": user.email,
            "password": STAFF_PASSWORD,
        },
    )
    assert response.location == "/staff/account"


@pytest.mark.parametrize("target", ["//evil.example", "/staff/account"])
def test_an_already_signed_in_user_visiting_login_is_sent_on_safely(client, db, target):
    user = make_staff_user()
    db.session.commit()
    log_in(client, user)
    response = client.get(LOGIN, query_string={"next": target})
    assert response.status_code == 302
    assert response.location == (target if target.startswith("/staff") else HOME)


# The second factor.


def test_setting_up_totp_then_signing_in_with_it(client, db):
    user = make_staff_user()
    db.session.commit()
    log_in(client, user)
    page = client.get(TOTP_SETUP)
    assert page.status_code == 200
    secret = re.search(r"<code>([A-Z2-7]+)</code>", page.text).group(1)
    with client.session_transaction() as session:
        assert session[NEW_TOTP] == secret
    assert "<svg" in page.text
    # A wrong code does not turn it on.
    wrong = client.post(
        TOTP_SETUP, data={"csrf_token": csrf_token_from(page.text), "code": _wrong_code(secret)}
    )
    assert wrong.status_code == 200
    assert "That code does not match" in wrong.text
    db.session.refresh(user)
    assert user.totp_secret is None
    # The secret shown stays the same while the person types the code.
    assert secret in wrong.text
    setup_code = totp_code(secret)
    done = client.post(
        TOTP_SETUP, data={"csrf_token": csrf_token_from(wrong.text), "code": setup_code}
    )
    # The answer itself shows the first recovery codes, once (test_views_recovery.py).
    assert done.status_code == 200
    assert "Second factor turned on." in done.text
    assert "Your recovery codes" in done.text
    db.session.refresh(user)
    assert user.totp_secret == secret
    with client.session_transaction() as session:
        assert NEW_TOTP not in session
    [event] = _events(db, "staff.totp_enabled")
    assert secret not in repr(event.data)

    _log_out(client)
    response = log_in(client, user)
    assert response.status_code == 303
    assert response.location == CODE
    assert _is_sent_to_login(client.get(HOME))  # the password alone is not enough
    # The code used during setup cannot be replayed (the very same code, even if the clock
    # has moved on to the next 30-second step meanwhile); the next one works.
    replay = post_form(client, CODE, {"code": setup_code})
    assert replay.status_code == 200
    assert "not right, or was already used" in replay.text
    signed_in = post_form(client, CODE, {"code": totp_code(secret, steps_ahead=1)})
    assert signed_in.status_code == 303
    assert signed_in.location == HOME
    assert client.get(HOME).status_code == 200
    assert _events(db, "login.succeeded")[-1].data["second_factor"] is True


def test_a_wrong_code_is_refused_and_recorded(client, db):
    user = make_staff_user()
    secret = give_totp(user)
    db.session.commit()
    log_in(client, user)
    response = post_form(client, CODE, {"code": _wrong_code(secret)})
    assert response.status_code == 200
    assert "That code is not right, or was already used." in response.text
    assert _is_sent_to_login(client.get(HOME))
    [event] = _events(db, "login.code_failed")
    assert event.subject_id == user.id
    assert secret not in repr(event.data)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "Enter the 6-digit code from your app, or a recovery code."),
        ("12ab56", "6 digits"),
        ("7k3m-q9xa-2bc", "or a recovery code (12 letters and digits"),
        ("x" * 41, "Use 40 characters or fewer."),
    ],
)
def test_malformed_codes_get_a_clear_error(client, db, code, message):
    user = make_staff_user()
    give_totp(user)
    db.session.commit()
    log_in(client, user)
    response = post_form(client, CODE, {"code": code})
    assert response.status_code == 200
    assert message in response.text


def test_the_same_code_cannot_sign_in_twice(client, app, db):
    user = make_staff_user()
    secret = give_totp(user)
    db.session.commit()
    code = totp_code(secret)
    log_in(client, user)
    assert post_form(client, CODE, {"code": code}).status_code == 303
    other = app.test_client()  # someone who watched the code being typed
    assert log_in(other, user).location == CODE
    replay = post_form(other, CODE, {"code": code})
    assert replay.status_code == 200
    assert "already used" in replay.text
    assert _is_sent_to_login(other.get(HOME))


def test_the_code_step_keeps_next(client, db):
    user = make_staff_user()
    secret = give_totp(user)
    db.session.commit()
    assert _sign_in(client, user.email, next_page="/staff/account").location == CODE
    response = post_form(client, CODE, {"code": totp_code(secret)})
    assert response.location == "/staff/account"


def test_the_code_step_refuses_an_off_site_next(client, db):
    user = make_staff_user()
    secret = give_totp(user)
    db.session.commit()
    _sign_in(client, user.email, next_page="//evil.example")
    response = post_form(client, CODE, {"code": totp_code(secret)})
    assert response.location == HOME


def test_the_code_step_without_a_password_goes_back_to_sign_in(client, db):
    response = client.get(CODE)
    assert _is_sent_to_login(response)
    assert "Please sign in again." in client.get(LOGIN).text


def test_the_code_step_expires(client, db):
    user = make_staff_user()
    secret = give_totp(user)
    db.session.commit()
    log_in(client, user)
    page = client.get(CODE)
    assert page.status_code == 200
    with client.session_transaction() as session:
        pending = dict(session[PENDING])
        pending["until"] = time.time() - 1
        session[PENDING] = pending
    late = client.post(
        CODE, data={"csrf_token": csrf_token_from(page.text), "code": totp_code(secret)}
    )
    assert _is_sent_to_login(late)
    assert "Please sign in again." in client.get(LOGIN).text
    assert _is_sent_to_login(client.get(HOME))
    assert _is_sent_to_login(client.get(CODE))


def test_code_guessing_is_throttled(client, db):
    user = make_staff_user()
    secret = give_totp(user)
    db.session.commit()
    log_in(client, user)
    for _ in range(5):
        assert post_form(client, CODE, {"code": _wrong_code(secret)}).status_code == 200
    assert post_form(client, CODE, {"code": totp_code(secret)}).status_code == 429
    assert _is_sent_to_login(client.get(HOME))


def test_code_guessing_spread_over_addresses_is_throttled_per_account(app, db):
    user = make_staff_user()
    secret = give_totp(user)
    db.session.commit()
    guesses = 0
    for address in ("10.0.0.11", "10.0.0.12", "10.0.0.13"):
        browser = app.test_client()
        browser.environ_base["REMOTE_ADDR"] = address
        log_in(browser, user)
        for _ in range(5):
            response = post_form(browser, CODE, {"code": _wrong_code(secret)})
            if response.status_code == 429:
                break
            guesses += 1
    # Ten wrong codes in all, whatever the number of addresses they came from.
    assert guesses == 10


def test_the_totp_secret_is_not_in_the_signed_in_session(client, db):
    user = make_staff_user()
    secret = give_totp(user)
    db.session.commit()
    log_in(client, user)
    post_form(client, CODE, {"code": totp_code(secret)})
    with client.session_transaction() as session:
        assert secret not in repr(dict(session))


def test_turning_the_second_factor_off(client, db):
    user = make_staff_user()
    secret = give_totp(user)
    db.session.commit()
    log_in(client, user)
    post_form(client, CODE, {"code": totp_code(secret)})
    wrong = post_form(client, ACCOUNT, {"password": "not it"}, to="/staff/account/totp/disable")
    assert wrong.status_code == 303
    assert "still on" in client.get(ACCOUNT).text
    db.session.refresh(user)
    assert user.uses_totp
    # Replacing it is not a way round the password either.
    assert client.get("/staff/account/totp").location == ACCOUNT

    response = post_form(
        client, ACCOUNT, {"password": STAFF_PASSWORD}, to="/staff/account/totp/disable"
    )
    assert response.status_code == 303
    assert "Second factor turned off." in client.get(ACCOUNT).text
    db.session.refresh(user)
    assert not user.uses_totp
    _log_out(client)
    assert log_in(client, user).location == HOME


def test_a_code_generated_by_a_different_secret_is_refused(client, db):
    user = make_staff_user()
    give_totp(user)
    db.session.commit()
    log_in(client, user)
    stranger = pyotp.TOTP(pyotp.random_base32()).now()
    user_codes = {totp_code(user.totp_secret, steps_ahead=s) for s in (-1, 0, 1)}
    if stranger in user_codes:  # pragma: no cover - one in a few hundred thousand
        return
    assert post_form(client, CODE, {"code": stranger}).status_code == 200


# The staff member's own password.


def test_changing_password_signs_out_other_sessions_but_not_this_one(client, app, db):
    user = make_staff_user()
    db.session.commit()
    log_in(client, user)
    other = _copy_session(client, app)
    response = post_form(
        client,
        ACCOUNT,
        {"current_password": STAFF_PASSWORD, "new_password": "a much newer passphrase"},
        to="/staff/account/password",
    )
    assert response.status_code == 303
    assert "Other sessions were signed out." in client.get(ACCOUNT).text
    assert _is_sent_to_login(other.get(HOME))
    # The audit log records a password change, not a second sign-in.
    actions = [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions.count("login.succeeded") == 1
    assert actions[-1] == "staff.password_changed"
    _log_out(client)
    assert log_in(client, user).status_code == 200
    assert log_in(client, user, "a much newer passphrase").status_code == 303


@pytest.mark.parametrize(
    ("current", "new", "message"),
    [
        ("not my password", "a much newer passphrase", "Your current password is not right."),
        (STAFF_PASSWORD, "password1234", "one of the most common"),
        (STAFF_PASSWORD, "short", "at least 12 characters"),
    ],
)
def test_password_change_failures_change_nothing(client, db, current, new, message):
    user = make_staff_user()
    db.session.commit()
    old_hash = user.password_hash
    log_in(client, user)
    response = post_form(
        client,
        ACCOUNT,
        {"current_password": current, "new_password": new},
        to="/staff/account/password",
    )
    assert response.status_code == 200
    assert message in response.text
    db.session.refresh(user)
    assert user.password_hash == old_hash
    assert client.get(HOME).status_code == 200


def test_moderator_signs_in_and_sees_the_queue(client, db):
    user = make_staff_user(Role.MODERATOR)
    hearing = make_hearing()
    make_testimony(hearing)
    db.session.commit()
    response = log_in(client, user)
    assert response.status_code == 303
    assert client.get("/staff/").status_code == 200
    queue = client.get(f"/staff/hearings/{hearing.id}/queue")
    assert queue.status_code == 200
    assert "Denise Okafor" in queue.text
