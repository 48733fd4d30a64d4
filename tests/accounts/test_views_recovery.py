"""Recovery codes through the real pages: shown once when the second factor goes on and when
new ones are made, signing in with one, what the person is told, and the account page."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from sqlalchemy import select

from app.accounts import recovery_codes
from app.platform.audit import AuditEvent
from app.platform.timezones import utcnow
from tests.factories import (
    STAFF_PASSWORD,
    csrf_token_from,
    give_totp,
    log_in,
    make_staff_user,
    post_form,
    totp_code,
)

CODE = "/staff/login/code"
HOME = "/staff/"
ACCOUNT = "/staff/account"
TOTP_SETUP = "/staff/account/totp"
REGENERATE = "/staff/account/recovery-codes"
CODE_PATTERN = re.compile(r"<code>([0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4})</code>")

pytestmark = pytest.mark.usefixtures("isolated_requests", "fast_hashing")


def _codes_on(page: str) -> list[str]:
    return CODE_PATTERN.findall(page)


def _events(db, action):
    query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    return list(db.session.scalars(query))


def _user_with_codes(db):
    """A staff member with a second factor and a fresh set of codes (and the codes)."""
    user = make_staff_user()
    secret = give_totp(user)
    codes = recovery_codes.replace_codes(user.audit_name, user, now=utcnow())
    db.session.commit()
    return user, secret, codes


def test_turning_the_second_factor_on_shows_ten_codes_once_with_a_download(client, db):
    user = make_staff_user()
    db.session.commit()
    log_in(client, user)
    page = client.get(TOTP_SETUP)
    secret = re.search(r"<code>([A-Z2-7]+)</code>", page.text).group(1)
    done = client.post(
        TOTP_SETUP, data={"csrf_token": csrf_token_from(page.text), "code": totp_code(secret)}
    )
    assert done.status_code == 200
    assert done.headers["Cache-Control"] == "no-store"
    codes = _codes_on(done.text)
    assert len(codes) == len(set(codes)) == 10
    # The file is inside this answer (a data: link), not at an address to fetch again.
    link = re.search(r'href="(data:text/plain;charset=utf-8,[^"]+)" download="([^"]+)"', done.text)
    assert link and link.group(2) == "opentestimony-recovery-codes.txt"
    text = unquote(link.group(1).split(",", 1)[1].replace("&amp;", "&"))
    assert all(code in text for code in codes) and user.email in text
    # Never again: the account page counts them but does not show them.
    account = client.get(ACCOUNT).text
    assert "You have 10 unused recovery codes." in account
    assert not any(code in account for code in codes)
    assert not any(code in client.get(TOTP_SETUP, follow_redirects=True).text for code in codes)
    assert _events(db, "staff.recovery_codes_generated")[0].data == {"count": 10, "replaced": 0}


def test_signing_in_with_a_recovery_code_says_how_many_are_left(client, db):
    user, _secret, codes = _user_with_codes(db)
    log_in(client, user)
    response = post_form(client, CODE, {"code": codes[0].upper().replace("-", " ")})
    assert response.status_code == 303
    home = client.get(HOME)
    assert home.status_code == 200
    assert "You signed in with a recovery code. You have 9 left." in home.text
    assert "You have 9 unused recovery codes." in client.get(ACCOUNT).text
    [event] = _events(db, "login.recovery_code_used")
    assert event.data == {"address": "127.0.0.1", "remaining": 9}
    assert _events(db, "login.succeeded")[-1].data["second_factor"] is True


def test_a_warning_when_few_codes_remain_and_when_none_do(app, db):
    user, _secret, codes = _user_with_codes(db)
    for used in codes[:6]:
        recovery_codes.use_code(user, used, now=utcnow(), address="x")
    db.session.commit()
    messages = []
    for code in codes[6:]:
        browser = app.test_client()
        log_in(browser, user)
        assert post_form(browser, CODE, {"code": code}).status_code == 303
        messages.append(browser.get(ACCOUNT).text)
    assert "Only 3 recovery codes are left" in messages[0]
    assert "Only 1 recovery code is left" in messages[2]
    assert "You signed in with your last recovery code." in messages[3]
    assert "You are running out of recovery codes." in messages[3]
    assert "You have 0 unused recovery codes." in messages[3]


def test_making_new_codes_needs_the_password_and_replaces_the_old(client, db):
    user, secret, old = _user_with_codes(db)
    log_in(client, user)
    post_form(client, CODE, {"code": totp_code(secret)})
    wrong = post_form(client, ACCOUNT, {"confirmation": "not my password"}, to=REGENERATE)
    assert wrong.status_code == 200
    assert "Your recovery codes did not change." in wrong.text
    assert not _codes_on(wrong.text)
    assert recovery_codes.remaining(user) == 10
    empty = post_form(client, ACCOUNT, {"confirmation": ""}, to=REGENERATE)
    assert "Enter your password or a current code." in empty.text

    response = post_form(client, ACCOUNT, {"confirmation": STAFF_PASSWORD}, to=REGENERATE)
    assert response.status_code == 200
    assert "The old ones no longer work." in response.text
    new = _codes_on(response.text)
    assert len(new) == 10 and not set(new) & set(old)
    db.session.expire_all()
    assert recovery_codes.find_code(user, old[0]) is None
    assert recovery_codes.find_code(user, new[0]) is not None


def test_making_new_codes_with_a_current_authenticator_code(client, db):
    user, secret, _old = _user_with_codes(db)
    log_in(client, user)
    post_form(client, CODE, {"code": totp_code(secret)})
    response = post_form(
        client, ACCOUNT, {"confirmation": totp_code(secret, steps_ahead=1)}, to=REGENERATE
    )
    assert response.status_code == 200
    assert len(_codes_on(response.text)) == 10


def test_without_a_second_factor_there_are_no_codes_to_make(client, db):
    user = make_staff_user()
    db.session.commit()
    log_in(client, user)
    assert "Generate new recovery codes" not in client.get(ACCOUNT).text
    response = post_form(client, ACCOUNT, {"confirmation": STAFF_PASSWORD}, to=REGENERATE)
    assert response.status_code == 303
    assert recovery_codes.remaining(user) == 0


def test_turning_the_second_factor_off_deletes_the_codes(client, db):
    user, secret, codes = _user_with_codes(db)
    log_in(client, user)
    post_form(client, CODE, {"code": totp_code(secret)})
    post_form(client, ACCOUNT, {"password": STAFF_PASSWORD}, to="/staff/account/totp/disable")
    db.session.expire_all()
    assert recovery_codes.remaining(user) == 0
    assert recovery_codes.find_code(user, codes[1]) is None
