"""Account services called directly, with an explicit clock."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from argon2 import PasswordHasher
from flask import session
from sqlalchemy import func, select

from app.accounts import passwords, services, staff_sessions
from app.accounts.access import is_idle, load_user
from app.accounts.models import Role, StaffPolicy, StaffUser
from app.accounts.passwords import verify_password
from app.platform import audit
from app.platform.audit import AuditEvent
from app.platform.timezones import utcnow
from tests.factories import STAFF_PASSWORD, give_totp, make_admin, make_staff_user

NOW = datetime(2025, 3, 10, 15, 0, 7, tzinfo=UTC)
NEW_PASSWORD = "a brand new passphrase for spring"


pytestmark = pytest.mark.usefixtures("fast_hashing")


def _events(action: str | None = None) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.id)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(db_session().scalars(query))


def db_session():
    from app.platform.extensions import db

    return db.session


def _count(model) -> int:
    return db_session().scalar(select(func.count()).select_from(model))


def _code(secret: str, at: datetime) -> str:
    return pyotp.TOTP(secret).at(at)


# Roles.


def test_roles_are_ordered_moderator_clerk_admin():
    assert Role.MODERATOR.rank < Role.CLERK.rank < Role.ADMIN.rank


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.MODERATOR, {Role.MODERATOR}),
        (Role.CLERK, {Role.MODERATOR, Role.CLERK}),
        (Role.ADMIN, {Role.MODERATOR, Role.CLERK, Role.ADMIN}),
    ],
)
def test_each_role_includes_the_roles_below_it(db, role, allowed):
    user = make_staff_user(role)
    assert {r for r in Role if user.has_role(r)} == allowed


def test_a_deactivated_user_has_no_role(db):
    user = make_staff_user(Role.ADMIN, active=False)
    assert not any(user.has_role(r) for r in Role)


# Creating accounts.


def test_create_user_normalises_email_hashes_password_and_audits(db):
    user = services.create_user(
        "system",
        email="  Morgan.Reviewer@Example.GOV ",
        name="Morgan Reviewer",
        role=Role.CLERK,
        password=STAFF_PASSWORD,
        now=NOW,
    )
    db.session.commit()
    assert user.email == "morgan.reviewer@example.gov"
    assert user.role is Role.CLERK and user.active and user.totp_secret is None
    assert user.password_hash.startswith("$argon2")
    assert verify_password(user.password_hash, STAFF_PASSWORD)
    [event] = _events("staff.created")
    assert (event.actor, event.subject_type, event.subject_id) == ("system", "staff_users", user.id)
    assert event.data == {"role": "clerk"}


@pytest.mark.parametrize("password", ["short", "password1234", "qwertyuiop123", ""])
def test_create_user_refuses_weak_passwords_and_creates_nothing(db, password):
    with pytest.raises(services.WeakPassword) as error:
        services.create_user(
            "system",
            email="new@example.gov",
            name="New",
            role=Role.MODERATOR,
            password=password,
            now=NOW,
        )
    assert error.value.problems and str(error.value)
    assert _count(StaffUser) == 0
    assert _count(AuditEvent) == 0


@pytest.mark.parametrize("email", ["not-an-email", "a@b", "@example.gov", "two@@example.gov"])
def test_create_user_refuses_invalid_email(db, email):
    with pytest.raises(services.InvalidEmail):
        services.create_user(
            "system", email=email, name="X", role=Role.CLERK, password=STAFF_PASSWORD, now=NOW
        )
    assert _count(StaffUser) == 0


def test_create_user_refuses_an_email_already_used_in_any_case(db):
    make_staff_user(email="taken@example.gov")
    with pytest.raises(services.EmailTaken):
        services.create_user(
            "system",
            email="TAKEN@example.gov",
            name="X",
            role=Role.CLERK,
            password=STAFF_PASSWORD,
            now=NOW,
        )
    assert _count(StaffUser) == 1


def test_find_user_ignores_case_and_surrounding_space(db):
    user = make_staff_user(email="clerk@example.gov")
    assert services.find_user(" Clerk@Example.gov ") is user
    assert services.find_user("other@example.gov") is None


# Passwords, roles and activation: every change ends the user's sessions.


def test_set_password_changes_the_hash_and_ends_sessions(db):
    user = make_staff_user()
    version = user.session_version
    services.set_password("system", user, NEW_PASSWORD, now=NOW)
    assert verify_password(user.password_hash, NEW_PASSWORD)
    assert not verify_password(user.password_hash, STAFF_PASSWORD)
    assert user.session_version == version + 1
    assert [e.action for e in _events()] == ["staff.password_changed"]


def test_set_password_refuses_a_weak_one_and_keeps_the_old(db):
    user = make_staff_user()
    old_hash, version = user.password_hash, user.session_version
    with pytest.raises(services.WeakPassword):
        services.set_password("system", user, "password1234", now=NOW)
    assert user.password_hash == old_hash
    assert user.session_version == version
    assert _events() == []


def test_change_role_records_old_and_new_and_ends_sessions(db):
    admin = make_admin()
    user = make_staff_user(Role.MODERATOR)
    services.change_role(admin.audit_name, user, Role.CLERK, now=NOW)
    assert user.role is Role.CLERK
    assert user.session_version == 2
    [event] = _events("staff.role_changed")
    assert event.actor == f"user:{admin.id}"
    assert event.data == {"old": "moderator", "new": "clerk", "sessions_ended": 0}


def test_change_role_to_the_same_role_changes_nothing(db):
    user = make_staff_user(Role.CLERK)
    services.change_role("system", user, Role.CLERK, now=NOW)
    assert user.session_version == 1
    assert _events() == []


def test_the_last_active_admin_cannot_be_demoted(db):
    admin = make_admin()
    make_admin(active=False)  # a deactivated admin does not count
    with pytest.raises(services.LastAdmin):
        services.change_role("system", admin, Role.CLERK, now=NOW)
    assert admin.role is Role.ADMIN
    assert admin.session_version == 1
    assert _events() == []


def test_an_admin_can_be_demoted_while_another_admin_remains(db):
    first, second = make_admin(), make_admin()
    services.change_role(second.audit_name, first, Role.MODERATOR, now=NOW)
    assert first.role is Role.MODERATOR
    with pytest.raises(services.LastAdmin):
        services.change_role(second.audit_name, second, Role.CLERK, now=NOW)


def test_the_last_active_admin_cannot_be_deactivated(db):
    admin = make_admin()
    with pytest.raises(services.LastAdmin):
        services.set_active("system", admin, False, now=NOW)
    assert admin.active
    assert _events() == []


def test_deactivate_and_reactivate_end_sessions_and_are_audited(db):
    make_admin()
    user = make_staff_user(Role.CLERK)
    services.set_active("system", user, False, now=NOW)
    assert not user.active and user.session_version == 2
    services.set_active("system", user, False, now=NOW)  # already inactive: nothing happens
    services.set_active("system", user, True, now=NOW)
    assert user.active and user.session_version == 3
    assert [e.action for e in _events()] == ["staff.deactivated", "staff.activated"]


def test_an_admin_can_be_deactivated_while_another_admin_remains(db):
    first, second = make_admin(), make_admin()
    services.set_active(second.audit_name, first, False, now=NOW)
    assert not first.active
    with pytest.raises(services.LastAdmin):
        services.set_active(second.audit_name, second, False, now=NOW)


def _load_in_browser(app, identifier: str, token: str | None):
    """load_user as a request from a browser whose session holds `token` runs it."""
    with app.test_request_context("/staff/"):
        if token is not None:
            session[staff_sessions.SESSION_KEY] = token
        return load_user(identifier)


def test_session_cookie_id_carries_the_session_version(app, db):
    user = make_staff_user()
    token, _row = services.start_session(user, now=utcnow(), user_agent="", address=None)
    db.session.commit()
    cookie_id = user.get_id()
    assert _load_in_browser(app, cookie_id, token) is user
    services.end_sessions(user, now=NOW, reason="logout")
    assert _load_in_browser(app, cookie_id, token) is None
    # Signing out ended the server's session too: the new version alone lets nobody in.
    assert _load_in_browser(app, user.get_id(), token) is None
    [event] = _events()
    assert (event.action, event.data) == ("logout", {"sessions_ended": 1})


def test_a_cookie_without_a_live_session_token_loads_nobody(app, db):
    user = make_staff_user()
    token, _row = services.start_session(user, now=utcnow(), user_agent="", address=None)
    other = make_staff_user()
    theirs, _row = services.start_session(other, now=utcnow(), user_agent="", address=None)
    db.session.commit()
    assert _load_in_browser(app, user.get_id(), token) is user
    for wrong in [None, "", "x" * 43, theirs, token + "x", "a" * 5000]:
        assert _load_in_browser(app, user.get_id(), wrong) is None, wrong


@pytest.mark.parametrize("identifier", ["", "abc", "1", "1:", ":1", "1:x", "999:1"])
def test_malformed_or_unknown_session_ids_load_nobody(db, identifier):
    make_staff_user()
    assert load_user(identifier) is None


def test_a_deactivated_users_session_id_loads_nobody(db):
    user = make_staff_user(active=False)
    assert load_user(user.get_id()) is None


def test_idle_check():
    limit = timedelta(minutes=30)
    assert is_idle(None, NOW, limit)
    assert not is_idle((NOW - timedelta(minutes=29)).timestamp(), NOW, limit)
    assert is_idle((NOW - timedelta(minutes=31)).timestamp(), NOW, limit)


# Checking credentials.


def test_authenticate_returns_the_user_for_the_right_password(db):
    user = make_staff_user(email="mod@example.gov")
    assert services.authenticate(" MOD@example.gov", STAFF_PASSWORD, now=NOW, address="1.2.3.4")
    assert services.authenticate("mod@example.gov", STAFF_PASSWORD, now=NOW, address="x") is user
    assert _events() == []


def test_authenticate_records_a_wrong_password_against_the_account(db):
    user = make_staff_user()
    assert services.authenticate(user.email, "wrong password!", now=NOW, address="10.0.0.9") is None
    [event] = _events("login.failed")
    assert event.actor == audit.ANONYMOUS
    assert event.data == {"user_id": user.id, "address": "10.0.0.9"}


def test_authenticate_records_an_unknown_email_without_the_email(db):
    typed = "Someone.Unknown@Example.org"
    assert services.authenticate(typed, STAFF_PASSWORD, now=NOW, address="10.0.0.9") is None
    [event] = _events("login.failed")
    assert event.subject_type is None and event.subject_id is None
    assert event.data == {"user_id": None, "address": "10.0.0.9"}
    assert "someone" not in json.dumps(event.data).lower()


def test_authenticate_refuses_a_deactivated_user_with_the_right_password(db):
    user = make_staff_user(active=False)
    assert services.authenticate(user.email, STAFF_PASSWORD, now=NOW, address="x") is None
    assert [e.action for e in _events()] == ["login.failed"]


def test_authenticate_upgrades_a_hash_made_with_old_parameters(db, monkeypatch):
    monkeypatch.setattr(
        passwords, "_hasher", PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)
    )
    old = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(STAFF_PASSWORD)
    user = make_staff_user(password_hash=old)
    assert services.authenticate(user.email, STAFF_PASSWORD, now=NOW, address="x") is user
    assert user.password_hash != old
    assert verify_password(user.password_hash, STAFF_PASSWORD)
    assert not passwords.needs_rehash(user.password_hash)


def test_record_login_sets_last_login_and_audits(db):
    user = make_staff_user()
    services.record_login(user, now=NOW, address="10.1.1.1", second_factor=True)
    assert user.last_login_at == NOW
    [event] = _events("login.succeeded")
    assert event.actor == user.audit_name
    assert event.data == {"address": "10.1.1.1", "second_factor": True}


# Second factor.


def test_verify_totp_accepts_a_current_code_once(db):
    user = make_staff_user()
    secret = give_totp(user)
    code = _code(secret, NOW)
    assert services.verify_totp(user, code, now=NOW)
    assert not services.verify_totp(user, code, now=NOW)
    assert not services.verify_totp(user, code, now=NOW + timedelta(seconds=20))


def test_verify_totp_refuses_a_code_older_than_the_last_one_used(db):
    user = make_staff_user()
    secret = give_totp(user)
    assert services.verify_totp(user, _code(secret, NOW), now=NOW)
    earlier = _code(secret, NOW - timedelta(seconds=30))
    assert not services.verify_totp(user, earlier, now=NOW)
    assert services.verify_totp(user, _code(secret, NOW + timedelta(seconds=30)), now=NOW)


def test_verify_totp_allows_one_step_of_clock_drift_but_not_two(db):
    user = make_staff_user()
    secret = give_totp(user)
    assert not services.verify_totp(user, _code(secret, NOW - timedelta(seconds=65)), now=NOW)
    assert not services.verify_totp(user, _code(secret, NOW + timedelta(seconds=65)), now=NOW)
    assert services.verify_totp(user, _code(secret, NOW - timedelta(seconds=30)), now=NOW)


def test_verify_totp_tolerates_spaces_but_not_other_junk(db):
    user = make_staff_user()
    secret = give_totp(user)
    code = _code(secret, NOW)
    for junk in ["", "12345", "1234567", "abcdef", code + "x", "-" + code[1:]]:
        assert not services.verify_totp(user, junk, now=NOW)
    assert services.verify_totp(user, f" {code[:3]} {code[3:]} ", now=NOW)


def test_verify_totp_is_false_without_a_second_factor(db):
    user = make_staff_user()
    assert not services.verify_totp(user, "123456", now=NOW)


def test_enable_totp_needs_a_matching_code(db):
    user = make_staff_user()
    secret = services.new_totp_secret()
    wrong = _code(pyotp.random_base32(), NOW)
    if wrong == _code(secret, NOW):  # pragma: no cover - one in a million
        wrong = "000000" if wrong != "000000" else "111111"
    assert not services.enable_totp(user, secret, wrong, now=NOW)
    assert user.totp_secret is None
    assert _events() == []
    assert services.enable_totp(user, secret, _code(secret, NOW), now=NOW)
    assert user.uses_totp and user.totp_secret == secret
    # The code used to set it up cannot be replayed to sign in.
    assert not services.verify_totp(user, _code(secret, NOW), now=NOW)
    [event] = _events("staff.totp_enabled")
    assert secret not in json.dumps(event.data)


def test_totp_uri_names_the_user_and_the_app(db):
    user = make_staff_user(email="mod@example.gov")
    secret = services.new_totp_secret()
    uri = services.totp_uri(user, secret)
    assert uri.startswith("otpauth://totp/OpenTestimony:mod%40example.gov?")
    assert f"secret={secret}" in uri


def test_reset_totp_clears_the_factor_and_ends_sessions(db):
    admin = make_admin()
    user = make_staff_user()
    give_totp(user)
    services.reset_totp(admin.audit_name, user, now=NOW)
    assert not user.uses_totp and user.totp_last_step is None
    assert user.session_version == 2
    [event] = _events("staff.totp_reset")
    assert event.actor == admin.audit_name and event.subject_id == user.id


def test_disable_totp_is_refused_while_the_policy_requires_it(db):
    user = make_staff_user()
    give_totp(user)
    services.set_policy("system", require_totp=True, now=NOW)
    with pytest.raises(services.SecondFactorRequired):
        services.disable_totp(user, now=NOW)
    assert user.uses_totp
    services.set_policy("system", require_totp=False, now=NOW)
    services.disable_totp(user, now=NOW)
    assert not user.uses_totp


def test_policy_defaults_to_off_and_is_a_single_audited_row(db):
    assert services.staff_policy().require_totp is False
    services.set_policy("user:1", require_totp=True, now=NOW)
    services.set_policy("user:1", require_totp=True, now=NOW)
    assert services.staff_policy().require_totp is True
    assert _count(StaffPolicy) == 1
    events = _events("staff.policy_changed")
    assert [e.data for e in events] == [{"require_totp": True}] * 2


def test_no_audit_row_holds_a_password_hash_or_secret(db):
    admin = make_admin()
    user = services.create_user(
        admin.audit_name,
        email="new@example.gov",
        name="New",
        role=Role.MODERATOR,
        password=STAFF_PASSWORD,
        now=NOW,
    )
    services.authenticate(user.email, "wrong but long password", now=NOW, address="x")
    services.authenticate("ghost@example.gov", STAFF_PASSWORD, now=NOW, address="x")
    services.set_password(admin.audit_name, user, NEW_PASSWORD, now=NOW)
    secret = services.new_totp_secret()
    services.enable_totp(user, secret, _code(secret, NOW), now=NOW)
    services.record_login(user, now=NOW, address="x", second_factor=True)
    services.reset_totp(admin.audit_name, user, now=NOW)
    services.change_role(admin.audit_name, user, Role.CLERK, now=NOW)
    services.set_active(admin.audit_name, user, False, now=NOW)
    db.session.flush()
    events = _events()
    assert len(events) >= 8
    dumped = json.dumps([[e.actor, e.action, e.data] for e in events])
    for forbidden in [
        STAFF_PASSWORD,
        NEW_PASSWORD,
        "wrong but long password",
        user.password_hash,
        admin.password_hash,
        "$argon2",
        secret,
        "ghost",
    ]:
        assert forbidden not in dumped
