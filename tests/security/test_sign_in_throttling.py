"""Password guessing against one staff account spread over many network addresses: slowed for
the account as a whole, never locking out its owner, and admins are told once per burst."""

from __future__ import annotations

import contextlib
import threading
from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import event, func, select

from app.accounts import services
from app.accounts.models import Role, SignInThrottle
from app.accounts.sign_in_throttle import SignInDelayed, account_key, delay_after
from app.platform.audit import AuditEvent
from app.platform.outbox import OutboxMessage
from app.platform.timezones import local_time, utcnow
from tests.factories import (
    STAFF_PASSWORD,
    csrf_token_from,
    make_staff_user,
    post_form,
)

LOGIN = "/staff/login"
HOME = "/staff/"
WRONG = "not the right password"
GENERIC_ERROR = "The e-mail address or password is not right."
DELAYED = "There were too many failed attempts to sign in to this account."


pytestmark = pytest.mark.usefixtures("isolated_requests", "fast_hashing")


def _browser(app, number: int):
    """A fresh browser at its own network address."""
    browser = app.test_client()
    browser.environ_base["REMOTE_ADDR"] = f"10.1.{number // 250}.{number % 250 + 1}"
    return browser


def _sign_in(browser, email: str, password: str):
    page = browser.get(LOGIN)
    return browser.post(
        LOGIN,
        data={"csrf_token": csrf_token_from(page.text), "email": email, "password": password},
    )


def _guess_from_many_addresses(app, email: str, tries: int = 30) -> list[int]:
    return [_sign_in(_browser(app, n), email, WRONG).status_code for n in range(tries)]


def _count(db, model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_thirty_wrong_passwords_from_thirty_addresses_are_not_thirty_tries(app, db):
    """Each address stays under its own limit; the account's limit stops the sum."""
    user = make_staff_user()
    db.session.commit()
    statuses = _guess_from_many_addresses(app, user.email)
    # Five failures are free; the sixth starts the waits; everything after is refused unseen.
    assert statuses[:6] == [200] * 6
    assert statuses[6:] == [429] * 24
    assert _count(db, AuditEvent, AuditEvent.action == "login.failed") == 6


def test_the_right_password_is_refused_during_the_wait_and_told_when_to_come_back(app, db):
    """An attacker who guesses right during the wait learns nothing; a person is told when."""
    user = make_staff_user()
    db.session.commit()
    _guess_from_many_addresses(app, user.email, tries=6)
    owner = _browser(app, 99)
    response = _sign_in(owner, user.email, STAFF_PASSWORD)
    assert response.status_code == 429
    assert DELAYED in response.text
    until = db.session.scalar(select(SignInThrottle.delayed_until))
    with app.test_request_context(), force_locale("en"):
        when = local_time(until, "America/New_York", "time")
    assert f"try again after {when}." in response.text
    assert int(response.headers["Retry-After"]) > 0
    assert GENERIC_ERROR not in response.text  # it does not say whether the password was right
    assert owner.get(HOME).status_code == 302
    assert _count(db, AuditEvent, AuditEvent.action == "login.succeeded") == 0


def test_unknown_addresses_are_slowed_alike_so_a_wait_reveals_no_account(app, db):
    """Probing which e-mail addresses have accounts by watching for the wait."""
    db.session.commit()
    statuses = _guess_from_many_addresses(app, "nobody@example.gov", tries=8)
    assert statuses == [200] * 6 + [429] * 2
    assert _count(db, OutboxMessage) == 0


def test_a_stranger_cannot_lock_out_a_browser_that_signed_in_before(app, db):
    """Guessing from everywhere to keep the owner out: their own browser still gets in."""
    user = make_staff_user()
    db.session.commit()
    owner = _browser(app, 200)
    assert _sign_in(owner, user.email, STAFF_PASSWORD).status_code == 303
    assert post_form(owner, "/staff/account", {}, to="/staff/logout").status_code == 303
    assert _guess_from_many_addresses(app, user.email)[-1] == 429
    response = _sign_in(owner, user.email, STAFF_PASSWORD)
    assert response.status_code == 303
    assert owner.get(HOME).status_code == 200


def test_a_device_cookie_for_another_account_or_forged_does_not_skip_the_wait(app, db):
    """An attacker signs in to an account of their own, then uses its cookie on the target."""
    target = make_staff_user()
    own = make_staff_user()
    db.session.commit()
    attacker = _browser(app, 201)
    assert _sign_in(attacker, own.email, STAFF_PASSWORD).status_code == 303
    post_form(attacker, "/staff/account", {}, to="/staff/logout")
    _guess_from_many_addresses(app, target.email, tries=6)
    assert _sign_in(attacker, target.email, STAFF_PASSWORD).status_code == 429
    forger = _browser(app, 202)
    name = app.config["SESSION_COOKIE_NAME"].replace("session", "staff_device")
    forger.set_cookie(name, "eyJmb3JnZWQiOnRydWV9.forged.signature")
    assert _sign_in(forger, target.email, STAFF_PASSWORD).status_code == 429


def test_the_wait_doubles_and_is_capped_so_the_account_is_only_ever_slowed(app, db):
    """A patient attacker waiting out each delay: the waits grow, to 15 minutes at most."""
    user = make_staff_user()
    db.session.commit()
    now = utcnow()
    waits = []
    with app.test_request_context():
        for _ in range(14):
            services.authenticate(user.email, WRONG, now=now, address="10.2.0.1")
            until = db.session.scalar(select(SignInThrottle.delayed_until))
            waits.append(round((until - now).total_seconds()) if until else 0)
            now = (until or now) + timedelta(seconds=1)
    assert waits == [0, 0, 0, 0, 0, 30, 60, 120, 240, 480, 900, 900, 900, 900]


def test_tries_refused_during_the_wait_do_not_lengthen_it(app, db):
    """Hammering the account to keep it waiting for ever."""
    user = make_staff_user()
    db.session.commit()
    now = utcnow()
    with app.test_request_context():
        for _ in range(6):
            services.authenticate(user.email, WRONG, now=now, address="10.2.0.1")
        until = db.session.scalar(select(SignInThrottle.delayed_until))
        for second in range(1, 30):
            with pytest.raises(SignInDelayed):
                services.authenticate(
                    user.email, WRONG, now=now + timedelta(seconds=second), address="10.2.0.2"
                )
        assert db.session.scalar(select(SignInThrottle.delayed_until)) == until
        later = until + timedelta(seconds=1)
        assert services.authenticate(user.email, STAFF_PASSWORD, now=later, address="10.2.0.3")


def test_a_successful_sign_in_and_a_quiet_hour_each_start_the_count_again(app, db):
    user = make_staff_user()
    db.session.commit()
    now = utcnow()
    with app.test_request_context():
        for _ in range(5):
            services.authenticate(user.email, WRONG, now=now, address="10.2.0.1")
        assert services.authenticate(user.email, STAFF_PASSWORD, now=now, address="10.2.0.1")
        for _ in range(5):
            services.authenticate(user.email, WRONG, now=now, address="10.2.0.1")
        quiet = now + app.config["SIGN_IN_FAILURE_MEMORY"] + timedelta(seconds=1)
        services.authenticate(user.email, WRONG, now=quiet, address="10.2.0.1")
        assert db.session.scalar(select(SignInThrottle.failures)) == 1
        assert db.session.scalar(select(SignInThrottle.delayed_until)) is None


def test_admins_are_alerted_once_per_burst_not_per_try(app, db):
    """Thirty guesses must not become thirty e-mails to every admin."""
    user = make_staff_user(name="Robin Target")
    first = make_staff_user(Role.ADMIN, email="first-admin@example.gov")
    second = make_staff_user(Role.ADMIN, email="second-admin@example.gov")
    make_staff_user(Role.ADMIN, email="former-admin@example.gov", active=False)
    make_staff_user(Role.CLERK, email="clerk@example.gov")
    db.session.commit()
    _guess_from_many_addresses(app, user.email)
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "login.throttled"))
    assert (event.subject_type, event.subject_id) == ("staff_users", user.id)
    assert event.data["failures"] == 6
    mails = list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.to_address)))
    assert [m.to_address for m in mails] == [first.email, second.email]
    for mail in mails:
        assert mail.kind == "sign_in_throttled"
        assert "Robin Target" in mail.body_text and user.email in mail.body_text
        assert "https://testimony.example.org/staff/admin/audit?action=login." in mail.body_text
        assert WRONG not in mail.body_text and "10.1." not in mail.body_text


def test_the_throttle_keeps_no_e_mail_address_or_network_address(app, db):
    make_staff_user(email="kept-private@example.gov")
    db.session.commit()
    _guess_from_many_addresses(app, "kept-private@example.gov", tries=7)
    _guess_from_many_addresses(app, "Typed.Stranger@Nowhere.example", tries=7)
    rows = db.session.scalars(select(SignInThrottle)).all()
    assert len(rows) == 2
    stored = repr([(r.account_key, r.failures) for r in rows]).lower()
    assert "kept-private" not in stored and "nowhere" not in stored and "10.1." not in stored
    throttled = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "login.throttled")
    ).all()
    assert "nowhere" not in repr([(e.actor, e.data) for e in throttled]).lower()


def test_failures_landing_at_once_from_many_workers_are_each_counted_and_alert_once(app, db):
    """Guesses sent in parallel to race past the count: none is lost, and one alert goes.

    On PostgreSQL they run side by side; on SQLite sign-ins take turns, so those after the
    sixth already find the account waiting.
    """
    user = make_staff_user()
    make_staff_user(Role.ADMIN)
    email, now = user.email, utcnow()
    db.session.commit()  # and read nothing more here: on SQLite this session would hold the lock
    start = threading.Barrier(12)
    counted: list[int] = []
    problems: list[BaseException] = []

    def guess(number: int) -> None:
        with app.test_request_context(method="POST"):  # a sign-in, as the login page
            try:
                start.wait(timeout=30)
                services.authenticate(email, WRONG, now=now, address=f"10.5.0.{number}")
                db.session.commit()
                counted.append(number)
            except SignInDelayed:
                pass
            except BaseException as error:  # reported below
                problems.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert problems == []
    assert len(counted) >= 6
    db.session.expire_all()
    assert db.session.scalar(select(SignInThrottle.failures)) == len(counted)
    assert _count(db, AuditEvent, AuditEvent.action == "login.failed") == len(counted)
    assert _count(db, AuditEvent, AuditEvent.action == "login.throttled") == 1
    assert _count(db, OutboxMessage) == 1
    # The longest wait of those counted, not whichever was written last.
    with app.test_request_context():
        longest = delay_after(len(counted))
    assert db.session.scalar(select(SignInThrottle.delayed_until)) == now + longest


def test_failures_on_two_accounts_at_once_never_wait_on_each_others_clean_up(app, db):
    """Every failure also deletes throttles left from more than an hour ago. Two guesses at two
    accounts that each have such an old throttle run side by side (PostgreSQL), each pausing
    after its first write to the table until the other has made its own: neither may then wait
    on a row the other holds (each deleting the other's old row before counting on its own is
    a deadlock), and each account's count starts again from one."""
    now = utcnow()
    emails = ["sprayed-1@example.gov", "sprayed-2@example.gov"]
    with app.test_request_context():
        keys = [account_key(email) for email in emails]
    old = now - app.config["SIGN_IN_FAILURE_MEMORY"] - timedelta(minutes=5)
    for number, key in enumerate(keys):
        db.session.add(
            SignInThrottle(
                account_key=key, failures=3, last_failure_at=old + timedelta(seconds=number)
            )
        )
    db.session.commit()  # and read nothing more here: on SQLite this session would hold the lock
    start, first_writes = threading.Barrier(2), threading.Barrier(2)
    paused = threading.local()
    problems: list[BaseException] = []

    def pause_after_first_write(_conn, _cursor, statement, *_args) -> None:
        text = statement.lstrip().upper()
        writes = "SIGN_IN_THROTTLES" in text and text.startswith(("DELETE", "INSERT", "UPDATE"))
        if writes and getattr(paused, "active", False) and not getattr(paused, "done", False):
            paused.done = True
            # SQLite: the other waits for the write lock this one holds, so nobody comes.
            with contextlib.suppress(threading.BrokenBarrierError):
                first_writes.wait(timeout=3)

    def guess(email: str) -> None:
        with app.test_request_context(method="POST"):
            paused.active = True
            try:
                start.wait(timeout=30)
                services.authenticate(email, WRONG, now=now, address="10.6.0.1")
                db.session.commit()
            except BaseException as error:  # reported below
                problems.append(error)
            finally:
                db.session.remove()

    with app.app_context():
        engine = db.engine
    event.listen(engine, "after_cursor_execute", pause_after_first_write)
    try:
        threads = [threading.Thread(target=guess, args=(email,)) for email in emails]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        event.remove(engine, "after_cursor_execute", pause_after_first_write)
    assert problems == []
    db.session.expire_all()
    rows = db.session.execute(select(SignInThrottle.failures, SignInThrottle.last_failure_at))
    assert sorted(rows) == [(1, now)] * len(emails)
