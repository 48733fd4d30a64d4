"""`flask create-user`: create or update a staff account, password from a prompt or stdin."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import select

import app.accounts.commands as cli_module
from app.accounts.models import Role, StaffUser
from app.accounts.passwords import verify_password
from app.platform.audit import AuditEvent
from tests.factories import STAFF_PASSWORD, log_in, make_admin, make_staff_user

PASSWORD = "a sturdy passphrase for spring"


pytestmark = pytest.mark.usefixtures("isolated_requests", "fast_hashing")


def _run(app, db, *args, input=f"{PASSWORD}\n"):
    """Run the command as an operator would; the test's own session is committed first."""
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["create-user", *args], input=input)
    db.session.expire_all()
    return result


def _users(db) -> list[StaffUser]:
    return list(db.session.scalars(select(StaffUser).order_by(StaffUser.id)))


def _actions(db) -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_creates_a_user_from_standard_input(app, db, client):
    result = _run(app, db, "Casey@Example.GOV", "--role", "clerk")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Created casey@example.gov as clerk."
    assert PASSWORD not in result.output
    [user] = _users(db)
    assert (user.email, user.role, user.active) == ("casey@example.gov", Role.CLERK, True)
    assert user.name.lower() == "casey@example.gov"  # no --name: the address stands in
    assert user.password_hash.startswith("$argon2") and PASSWORD not in user.password_hash
    assert verify_password(user.password_hash, PASSWORD)
    event = db.session.scalar(select(AuditEvent))
    assert (event.actor, event.action, event.data) == ("system", "staff.created", {"role": "clerk"})
    assert log_in(client, user, PASSWORD).status_code == 303


@pytest.mark.parametrize("role", ["moderator", "clerk", "admin"])
def test_each_role_can_be_given(app, db, role):
    result = _run(app, db, f"{role}@example.gov", "--role", role, "--name", "Sam Staff")
    assert result.exit_code == 0, result.output
    [user] = _users(db)
    assert user.role is Role(role) and user.name == "Sam Staff"


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("password1234", "one of the most common"),
        ("qwertyuiop123", "one of the most common"),
        ("Password1234", "one of the most common"),
        ("shortpass", "Use at least 12 characters."),
        ("", "Use at least 12 characters."),
        ("casey-the-clerk-2025", "Do not use your e-mail address"),
    ],
)
def test_weak_passwords_are_refused_and_nothing_is_created(app, db, password, message):
    result = _run(app, db, "casey@example.gov", "--role", "admin", input=f"{password}\n")
    assert result.exit_code == 1
    assert "Error:" in result.output
    assert message in result.output
    assert _users(db) == []
    assert _actions(db) == []


def test_no_input_at_all_is_refused(app, db):
    result = _run(app, db, "casey@example.gov", "--role", "clerk", input="")
    assert result.exit_code == 1
    assert _users(db) == []


def test_only_the_first_line_is_the_password_and_line_endings_are_dropped(app, db, client):
    result = _run(app, db, "casey@example.gov", "--role", "clerk", input=f"{PASSWORD}\r\nextra\n")
    assert result.exit_code == 0, result.output
    [user] = _users(db)
    assert verify_password(user.password_hash, PASSWORD)
    assert log_in(client, user, PASSWORD).status_code == 303


def test_an_invalid_email_is_refused(app, db):
    result = _run(app, db, "not-an-email", "--role", "clerk")
    assert result.exit_code == 1
    assert "Enter an e-mail address like name@example.org." in result.output
    assert _users(db) == []


@pytest.mark.parametrize("args", [["--role", "superuser"], ["--role", ""], []])
def test_a_missing_or_unknown_role_is_refused(app, db, args):
    result = _run(app, db, "casey@example.gov", *args)
    assert result.exit_code == 2
    assert "--role" in result.output
    assert _users(db) == []


def test_the_password_is_never_a_command_line_option(app):
    result = app.test_cli_runner().invoke(args=["create-user", "--help"])
    assert result.exit_code == 0
    assert "--password" not in result.output
    assert "--role" in result.output


def test_updates_an_existing_users_password_and_role_and_ends_their_sessions(app, db, client):
    user = make_staff_user(Role.MODERATOR, email="casey@example.gov", name="Casey Clerk")
    make_admin()
    db.session.commit()
    assert log_in(client, user).status_code == 303
    assert client.get("/staff/").status_code == 200

    result = _run(app, db, "CASEY@example.gov", "--role", "clerk")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Updated casey@example.gov as clerk."
    assert len(_users(db)) == 2
    db.session.refresh(user)
    assert user.role is Role.CLERK
    assert user.name == "Casey Clerk"  # kept when --name is not given
    assert verify_password(user.password_hash, PASSWORD)
    assert not verify_password(user.password_hash, STAFF_PASSWORD)
    # The old session is over, the old password refused, the new one accepted.
    response = client.get("/staff/")
    assert response.status_code == 302 and response.location.startswith("/staff/login")
    assert log_in(client, user, STAFF_PASSWORD).status_code == 200
    assert log_in(client, user, PASSWORD).status_code == 303
    assert _actions(db)[-4:] == [
        "staff.password_changed",
        "staff.role_changed",
        "login.failed",
        "login.succeeded",
    ]


def test_update_reactivates_a_deactivated_user_and_renames(app, db):
    make_staff_user(Role.CLERK, email="casey@example.gov", active=False)
    result = _run(app, db, "casey@example.gov", "--role", "clerk", "--name", "Casey Renamed")
    assert result.exit_code == 0, result.output
    [user] = _users(db)
    assert user.active and user.name == "Casey Renamed"
    assert "staff.activated" in _actions(db)


def test_update_with_a_weak_password_changes_nothing(app, db):
    user = make_staff_user(Role.MODERATOR, email="casey@example.gov")
    db.session.commit()
    old_hash, old_version = user.password_hash, user.session_version
    result = _run(app, db, "casey@example.gov", "--role", "admin", input="password1234\n")
    assert result.exit_code == 1
    assert "one of the most common" in result.output
    db.session.refresh(user)
    assert (user.password_hash, user.role, user.session_version) == (
        old_hash,
        Role.MODERATOR,
        old_version,
    )
    assert _actions(db) == []


def test_update_cannot_demote_the_last_admin_and_rolls_back_the_password(app, db):
    admin = make_admin(email="boss@example.gov")
    db.session.commit()
    old_hash = admin.password_hash
    result = _run(app, db, "boss@example.gov", "--role", "moderator")
    assert result.exit_code == 1
    assert "At least one active admin must remain." in result.output
    db.session.refresh(admin)
    assert admin.role is Role.ADMIN
    assert admin.password_hash == old_hash  # the password change in the same run was undone
    assert _actions(db) == []


def test_at_a_terminal_the_password_is_prompted_twice_and_not_echoed(app, db, monkeypatch):
    monkeypatch.setattr(
        cli_module, "sys", SimpleNamespace(stdin=SimpleNamespace(isatty=lambda: True))
    )
    result = _run(
        app, db, "casey@example.gov", "--role", "clerk", input=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert result.exit_code == 0, result.output
    assert "Password" in result.output and "Repeat for confirmation" in result.output
    assert PASSWORD not in result.output
    [user] = _users(db)
    assert verify_password(user.password_hash, PASSWORD)


def test_at_a_terminal_a_mismatched_confirmation_creates_nothing(app, db, monkeypatch):
    monkeypatch.setattr(
        cli_module, "sys", SimpleNamespace(stdin=SimpleNamespace(isatty=lambda: True))
    )
    result = _run(
        app, db, "casey@example.gov", "--role", "clerk", input=f"{PASSWORD}\nsomething else\n"
    )
    assert result.exit_code != 0
    assert "do not match" in result.output
    assert _users(db) == []


def test_at_a_terminal_a_weak_password_is_refused(app, db, monkeypatch):
    monkeypatch.setattr(
        cli_module, "sys", SimpleNamespace(stdin=SimpleNamespace(isatty=lambda: True))
    )
    result = _run(
        app, db, "casey@example.gov", "--role", "clerk", input="password1234\npassword1234\n"
    )
    assert result.exit_code == 1
    assert "one of the most common" in result.output
    assert _users(db) == []
