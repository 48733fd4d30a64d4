"""Admin pages: staff accounts, roles, activation, the second-factor policy and the audit log."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role, StaffPolicy, StaffUser
from app.platform.audit import AuditEvent
from tests.factories import (
    STAFF_PASSWORD,
    csrf_token_from,
    give_totp,
    log_in,
    make_admin,
    make_staff_user,
    post_form,
    totp_code,
)

USERS = "/staff/admin/users"
NEW_USER = "/staff/admin/users/new"
AUDIT = "/staff/admin/audit"
HOME = "/staff/"
LOGIN = "/staff/login"
NEW_PASSWORD = "a passphrase for the new clerk"


pytestmark = pytest.mark.usefixtures("isolated_requests", "fast_hashing")


@pytest.fixture
def admin(db):
    user = make_admin(email="admin@example.gov")
    db.session.commit()
    return user


@pytest.fixture
def admin_client(client, admin):
    assert log_in(client, admin).status_code == 303
    return client


def _user_page(user) -> str:
    return f"/staff/admin/users/{user.id}"


def _is_sent_to_login(response) -> bool:
    return response.status_code == 302 and urlsplit(response.location).path == LOGIN


def _events(db, action=None):
    query = select(AuditEvent).order_by(AuditEvent.id)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(db.session.scalars(query))


def _count_users(db) -> int:
    return db.session.scalar(select(func.count(StaffUser.id)))


def _signed_in_client(app, user):
    other = app.test_client()
    assert log_in(other, user).status_code == 303
    assert other.get(HOME).status_code == 200
    return other


def _admin_routes(user_id: int) -> list[tuple[str, str]]:
    return [
        ("GET", USERS),
        ("GET", NEW_USER),
        ("POST", NEW_USER),
        ("GET", f"/staff/admin/users/{user_id}"),
        ("POST", f"/staff/admin/users/{user_id}"),
        ("POST", f"/staff/admin/users/{user_id}/deactivate"),
        ("POST", f"/staff/admin/users/{user_id}/activate"),
        ("POST", f"/staff/admin/users/{user_id}/reset-second-factor"),
        ("POST", "/staff/admin/policy"),
        ("GET", AUDIT),
        ("POST", f"{AUDIT}/export"),
    ]


# Who may see the admin pages.


def test_every_admin_route_requires_the_admin_role(app):
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("staff_admin.")]
    assert {"staff_admin.users", "staff_admin.audit_log", "staff_admin.audit_export"} <= {
        rule.endpoint for rule in rules
    }
    for rule in rules:
        view = app.view_functions[rule.endpoint]
        assert getattr(view, "required_role", None) is Role.ADMIN, rule.endpoint


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    target = make_staff_user()
    db.session.commit()
    token = csrf_token_from(client.get(LOGIN).text)
    for method, path in _admin_routes(target.id):
        data = {"csrf_token": token} if method == "POST" else None
        response = client.open(path, method=method, data=data)
        assert _is_sent_to_login(response), (method, path, response.status_code)
        if method == "GET":
            assert parse_qs(urlsplit(response.location).query)["next"] == [path]
        assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.CLERK])
def test_moderators_and_clerks_get_403(client, db, role):
    user = make_staff_user(role)
    target = make_staff_user(Role.MODERATOR)
    make_admin()
    db.session.commit()
    log_in(client, user)
    page = client.get(HOME)
    assert "Audit log" not in page.text  # no admin links in their navigation
    token = csrf_token_from(client.get("/staff/account").text)
    for method, path in _admin_routes(target.id):
        data = {"csrf_token": token, "role": "admin", "require_totp": "y"}
        response = client.open(path, method=method, data=data if method == "POST" else None)
        assert response.status_code == 403, (method, path)
    # Nothing they posted took effect.
    db.session.refresh(target)
    assert target.role is Role.MODERATOR and target.active
    assert db.session.get(StaffPolicy, 1) is None
    # Only the sign-in and the refusals themselves are on record (tests/security covers those).
    actions = [e.action for e in _events(db)]
    assert [a for a in actions if a != "request.refused"] == ["login.succeeded"]


def test_an_admin_sees_the_staff_list(admin_client, db):
    make_staff_user(Role.CLERK, name="Casey Clerk", email="casey@example.gov")
    make_staff_user(Role.MODERATOR, name="Old Moderator", active=False)
    response = admin_client.get(USERS)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    for text in ["Casey Clerk", "casey@example.gov", "Clerk", "Deactivated", "Avery Admin"]:
        assert text in response.text
    assert 'name="require_totp"' in response.text
    assert "$argon2" not in response.text


def test_an_unknown_user_is_404(admin_client):
    assert admin_client.get("/staff/admin/users/999999").status_code == 404
    assert admin_client.get("/staff/admin/users/99999999999").status_code == 404


# Adding staff.


def test_an_admin_adds_a_staff_member_who_can_then_sign_in(admin_client, app, admin, db):
    response = post_form(
        admin_client,
        NEW_USER,
        {
            "name": "Casey Clerk",
            "email": " Casey@Example.GOV ",
            "role": "clerk",
            "password": NEW_PASSWORD,
        },
    )
    assert response.status_code == 303
    assert response.location == USERS
    listing = admin_client.get(USERS).text
    assert "Staff account created." in listing and "Casey Clerk" in listing
    user = db.session.scalar(select(StaffUser).where(StaffUser.email == "casey@example.gov"))
    assert user.role is Role.CLERK and user.active
    [event] = _events(db, "staff.created")
    assert event.actor == admin.audit_name
    assert event.subject_id == user.id and event.data == {"role": "clerk"}
    newcomer = app.test_client()
    assert log_in(newcomer, user, NEW_PASSWORD).status_code == 303


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"password": "password1234"}, "one of the most common"),
        ({"password": "qwertyuiop123"}, "one of the most common"),
        ({"password": "short one"}, "Use at least 12 characters."),
        ({"password": ""}, "Choose a password."),
        ({"email": "admin@example.gov"}, "already exists"),
        ({"email": "ADMIN@example.gov"}, "already exists"),
        ({"email": "not an address"}, "Enter an e-mail address like name@example.org."),
        ({"name": ""}, "Enter the person's name."),
        ({"role": "superuser"}, "Not a valid choice"),
        ({"role": ""}, "Choose a role."),
        ({"name": "Casey\x00Clerk"}, "control characters"),
        ({"email": "casey\x00@example.gov"}, "Enter an e-mail address like"),
        ({"name": "x" * 201}, "200 characters or fewer"),
        ({"password": "p" * 300}, "256 characters or fewer"),
    ],
)
def test_adding_staff_with_bad_input_explains_and_creates_nothing(
    admin_client, db, fields, message
):
    data = {
        "name": "Casey Clerk",
        "email": "casey@example.gov",
        "role": "clerk",
        "password": NEW_PASSWORD,
    } | fields
    response = post_form(admin_client, NEW_USER, data)
    assert response.status_code == 200
    assert message in response.text
    assert "There is a problem" in response.text
    assert _count_users(db) == 1
    assert _events(db, "staff.created") == []
    assert data["password"] not in response.text or not data["password"]


# Roles.


def test_changing_a_role_ends_that_users_sessions(admin_client, app, admin, db):
    user = make_staff_user(Role.MODERATOR)
    db.session.commit()
    theirs = _signed_in_client(app, user)
    edit = admin_client.get(_user_page(user))
    assert '<input checked id="role-0" name="role" required type="radio" value="moderator">' in (
        edit.text
    )
    response = post_form(admin_client, _user_page(user), {"role": "clerk"})
    assert response.status_code == 303
    assert "Role saved." in admin_client.get(USERS).text
    assert _is_sent_to_login(theirs.get(HOME))
    db.session.refresh(user)
    assert user.role is Role.CLERK
    [event] = _events(db, "staff.role_changed")
    assert event.actor == admin.audit_name
    assert event.data == {"old": "moderator", "new": "clerk", "sessions_ended": 1}


def test_a_promoted_user_gets_admin_pages_after_signing_in_again(admin_client, app, db):
    user = make_staff_user(Role.CLERK)
    db.session.commit()
    theirs = _signed_in_client(app, user)
    assert theirs.get(USERS).status_code == 403
    post_form(admin_client, _user_page(user), {"role": "admin"})
    assert _is_sent_to_login(theirs.get(USERS))
    log_in(theirs, user)
    assert theirs.get(USERS).status_code == 200


def test_a_demoted_admin_loses_admin_pages(admin_client, app, db):
    other = make_admin()
    db.session.commit()
    theirs = _signed_in_client(app, other)
    post_form(admin_client, _user_page(other), {"role": "moderator"})
    log_in(theirs, other)
    assert theirs.get(USERS).status_code == 403
    assert theirs.get(HOME).status_code == 200


def test_the_last_active_admin_cannot_be_demoted(admin_client, admin, db):
    make_admin(active=False)
    response = post_form(admin_client, _user_page(admin), {"role": "clerk"})
    assert response.status_code == 200
    assert "At least one active admin must remain." in response.text
    db.session.refresh(admin)
    assert admin.role is Role.ADMIN
    assert admin_client.get(USERS).status_code == 200  # still signed in, still an admin
    assert _events(db, "staff.role_changed") == []


def test_an_admin_can_demote_themself_while_another_admin_remains(admin_client, admin, db):
    make_admin()
    response = post_form(admin_client, _user_page(admin), {"role": "moderator"})
    assert response.status_code == 303
    db.session.refresh(admin)
    assert admin.role is Role.MODERATOR
    assert _is_sent_to_login(admin_client.get(USERS))


# Deactivation.


def test_deactivating_ends_sessions_and_stops_sign_in_until_reactivated(
    admin_client, app, admin, db
):
    user = make_staff_user(Role.CLERK)
    db.session.commit()
    theirs = _signed_in_client(app, user)
    response = post_form(admin_client, _user_page(user), {}, to=f"{_user_page(user)}/deactivate")
    assert response.status_code == 303
    assert response.location == _user_page(user)
    page = admin_client.get(_user_page(user)).text
    assert "Saved." in page and "Deactivated" in page and "Reactivate" in page
    assert _is_sent_to_login(theirs.get(HOME))
    refused = log_in(theirs, user)
    assert refused.status_code == 200
    assert "The e-mail address or password is not right." in refused.text

    response = post_form(admin_client, _user_page(user), {}, to=f"{_user_page(user)}/activate")
    assert response.status_code == 303
    assert log_in(theirs, user).status_code == 303
    actions = [(e.actor, e.action, e.subject_id) for e in _events(db) if e.action[:6] == "staff."]
    assert actions == [
        (admin.audit_name, "staff.deactivated", user.id),
        (admin.audit_name, "staff.activated", user.id),
    ]


def test_the_last_active_admin_cannot_be_deactivated(admin_client, admin, db):
    response = post_form(admin_client, _user_page(admin), {}, to=f"{_user_page(admin)}/deactivate")
    assert response.status_code == 303
    assert "At least one active admin must remain." in admin_client.get(_user_page(admin)).text
    db.session.refresh(admin)
    assert admin.active
    assert admin_client.get(USERS).status_code == 200
    assert _events(db, "staff.deactivated") == []


def test_another_admin_can_be_deactivated(admin_client, app, db):
    other = make_admin()
    db.session.commit()
    theirs = _signed_in_client(app, other)
    post_form(admin_client, _user_page(other), {}, to=f"{_user_page(other)}/deactivate")
    db.session.refresh(other)
    assert not other.active
    assert _is_sent_to_login(theirs.get(USERS))


def test_admin_buttons_need_a_csrf_token(admin_client, db):
    user = make_staff_user()
    db.session.commit()
    response = admin_client.post(f"{_user_page(user)}/deactivate")
    assert response.status_code == 400
    db.session.refresh(user)
    assert user.active


# The second factor: reset and policy.


def test_an_admin_resets_a_lost_second_factor(admin_client, app, admin, db):
    user = make_staff_user()
    secret = give_totp(user)
    db.session.commit()
    theirs = app.test_client()
    log_in(theirs, user)
    assert post_form(theirs, "/staff/login/code", {"code": totp_code(secret)}).status_code == 303
    page = admin_client.get(_user_page(user)).text
    assert "Second factor on" in page and "Reset lost second factor" in page
    response = post_form(
        admin_client, _user_page(user), {}, to=f"{_user_page(user)}/reset-second-factor"
    )
    assert response.status_code == 303
    assert "Second factor off" in admin_client.get(_user_page(user)).text
    db.session.refresh(user)
    assert user.totp_secret is None
    assert _is_sent_to_login(theirs.get(HOME))
    # With the factor gone (and no policy), the password alone signs them in.
    assert log_in(theirs, user).location == HOME
    [event] = _events(db, "staff.totp_reset")
    assert event.actor == admin.audit_name and event.subject_id == user.id
    assert secret not in json.dumps(event.data)


def _set_policy(client, require: bool):
    data = {"require_totp": "y"} if require else {}
    return post_form(client, USERS, data, to="/staff/admin/policy")


def test_requiring_a_second_factor_forces_setup(admin_client, app, admin, db):
    response = _set_policy(admin_client, True)
    assert response.status_code == 303
    [event] = _events(db, "staff.policy_changed")
    assert event.actor == admin.audit_name and event.data == {"require_totp": True}

    user = make_staff_user()
    db.session.commit()
    theirs = app.test_client()
    assert log_in(theirs, user).status_code == 303
    for path in [HOME, "/staff/account", "/staff/hearings/1/queue", "/"]:
        response = theirs.get(path)
        assert response.status_code == 302, path
        assert response.location == "/staff/account/totp", path
    setup = theirs.get("/staff/account/totp")
    assert setup.status_code == 200
    secret = re.search(r"<code>([A-Z2-7]+)</code>", setup.text).group(1)
    done = theirs.post(
        "/staff/account/totp",
        data={"csrf_token": csrf_token_from(setup.text), "code": totp_code(secret)},
    )
    assert done.status_code == 200
    assert "Your recovery codes" in done.text
    assert theirs.get(HOME).status_code == 200


def test_a_user_forced_to_set_up_can_still_sign_out(admin_client, app, db):
    _set_policy(admin_client, True)
    user = make_staff_user()
    db.session.commit()
    theirs = app.test_client()
    log_in(theirs, user)
    setup = theirs.get("/staff/account/totp")
    response = theirs.post("/staff/logout", data={"csrf_token": csrf_token_from(setup.text)})
    assert response.status_code == 303
    assert _is_sent_to_login(theirs.get(HOME))


def test_the_policy_also_applies_to_admins(admin_client):
    _set_policy(admin_client, True)
    assert admin_client.get(USERS).location == "/staff/account/totp"


def test_the_second_factor_cannot_be_turned_off_while_required(admin_client, app, db):
    user = make_staff_user()
    secret = give_totp(user)
    db.session.commit()
    _set_policy(admin_client, True)
    theirs = app.test_client()
    log_in(theirs, user)
    post_form(theirs, "/staff/login/code", {"code": totp_code(secret)})
    response = post_form(
        theirs, "/staff/account", {"password": STAFF_PASSWORD}, to="/staff/account/totp/disable"
    )
    assert response.status_code == 303
    assert "requires a second factor" in theirs.get("/staff/account").text
    db.session.refresh(user)
    assert user.totp_secret == secret


def test_an_admin_who_required_it_must_set_up_before_changing_anything(admin_client, admin, db):
    _set_policy(admin_client, True)
    # Even the policy form waits until the admin has a second factor of their own.
    token = csrf_token_from(admin_client.get("/staff/account/totp").text)
    response = admin_client.post("/staff/admin/policy", data={"csrf_token": token})
    assert response.location == "/staff/account/totp"
    assert db.session.get(StaffPolicy, 1).require_totp is True


def test_turning_the_policy_off_again(client, app, db):
    admin = make_admin()
    admin_secret = give_totp(admin)
    user = make_staff_user()
    secret = give_totp(user)
    db.session.commit()
    log_in(client, admin)
    post_form(client, "/staff/login/code", {"code": totp_code(admin_secret)})
    theirs = app.test_client()
    log_in(theirs, user)
    post_form(theirs, "/staff/login/code", {"code": totp_code(secret)})
    refused = post_form(theirs, "/staff/account", {"require_totp": "y"}, to="/staff/admin/policy")
    assert refused.status_code == 403
    assert db.session.get(StaffPolicy, 1) is None
    _set_policy(client, True)
    assert 'checked id="require_totp"' in client.get(USERS).text
    _set_policy(client, False)
    assert db.session.get(StaffPolicy, 1).require_totp is False
    page = client.get(USERS).text
    assert "Policy saved." in page
    assert 'checked id="require_totp"' not in page
    assert [e.data for e in _events(db, "staff.policy_changed")] == [
        {"require_totp": True},
        {"require_totp": False},
    ]


def test_every_admin_action_is_audited_without_secrets(admin_client, app, admin, db):
    user = make_staff_user(email="mod@example.gov")
    secret = give_totp(user)
    db.session.commit()
    wrong = "a wrong but plausible password"
    log_in(app.test_client(), user, wrong)
    post_form(
        admin_client,
        NEW_USER,
        {"name": "New", "email": "new@example.gov", "role": "clerk", "password": NEW_PASSWORD},
    )
    post_form(admin_client, _user_page(user), {"role": "clerk"})
    post_form(admin_client, _user_page(user), {}, to=f"{_user_page(user)}/reset-second-factor")
    post_form(admin_client, _user_page(user), {}, to=f"{_user_page(user)}/deactivate")
    post_form(admin_client, _user_page(user), {}, to=f"{_user_page(user)}/activate")
    _set_policy(admin_client, False)

    admin_actions = [e.action for e in _events(db) if e.actor == admin.audit_name]
    assert admin_actions == [
        "login.succeeded",
        "staff.created",
        "staff.role_changed",
        "staff.totp_reset",
        "staff.deactivated",
        "staff.activated",
        "staff.policy_changed",
    ]
    hashes = [u.password_hash for u in db.session.scalars(select(StaffUser))]
    rows = json.dumps([[e.actor, e.action, e.subject_type, e.data] for e in _events(db)])
    for forbidden in [STAFF_PASSWORD, NEW_PASSWORD, wrong, secret, "$argon2", *hashes]:
        assert forbidden not in rows
    log_page = admin_client.get(AUDIT).text
    for forbidden in [STAFF_PASSWORD, NEW_PASSWORD, wrong, secret, "$argon2"]:
        assert forbidden not in log_page
