"""Who may reach what, derived from the application's own URL map, so a new route is covered
the day it is added: every staff route refuses anonymous users and lower roles, GET never
changes anything, and every POST needs its CSRF token."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.accounts import services as accounts
from app.accounts.models import Role
from app.exports import services as exports
from app.exports.models import PacketKind
from app.moderation import services as moderation
from app.platform.audit import AuditEvent
from app.platform.extensions import db as _db
from app.platform.timezones import utcnow
from app.speaking import services as speaking
from app.testimony.models import ReviewStatus, SpeakingRequest, Testimony
from tests.factories import (
    STAFF_PASSWORD,
    csrf_token_from,
    log_in,
    make_api_key,
    make_committee_action,
    make_hearing,
    make_sign_in,
    make_staff_user,
    make_testimony,
    make_upload,
)

# Staff pages anyone may open: signing in needs no account yet.
OPEN_STAFF_ENDPOINTS = {"accounts.login", "accounts.second_factor"}
# Pages for any signed-in staff member, whatever the role.
ANY_STAFF_ENDPOINTS = {
    "accounts.logout",
    "accounts.account",
    "accounts.change_password",
    "accounts.totp_setup",
    "accounts.totp_disable",
    "accounts.regenerate_codes",
    "accounts.end_own_session",
    "accounts.end_other_sessions",
}


def staff_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/staff") and rule.endpoint not in OPEN_STAFF_ENDPOINTS:
            yield rule


def required_role(app, endpoint: str) -> Role | None:
    return getattr(app.view_functions[endpoint], "required_role", None)


def test_every_staff_route_declares_who_may_use_it(app):
    for rule in staff_rules(app):
        role = required_role(app, rule.endpoint)
        assert role is not None or rule.endpoint in ANY_STAFF_ENDPOINTS, rule.rule


def concrete_path(rule, ids: dict[str, int]) -> str:
    def fill(match: re.Match) -> str:
        converter, name = match.group(1), match.group(2)
        if converter and converter.startswith("any("):
            return converter[4:-1].split(",")[0].strip()
        return str(ids.get(name, 1))

    return re.sub(r"<(?:([^:<>]+):)?([^<>]+)>", fill, rule.rule)


def table_counts(db) -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def table_rows(db) -> dict[str, list]:
    return {
        table.name: sorted(map(repr, db.session.execute(select(table)).all()))
        for table in db.metadata.sorted_tables
    }


@pytest.fixture
def world(db):
    """One of everything a staff URL can name, so each route finds a real record."""
    hearing = make_hearing()
    receipt = make_testimony(hearing, uploads=(make_upload(),))
    # A copy of the same letter: the two form a campaign.
    make_testimony(hearing, body=receipt.testimony.body)
    moderator = make_staff_user(Role.MODERATOR)
    moderation.redact_phrase(moderator, receipt.testimony, "support", now=utcnow())
    clerk = make_staff_user(Role.CLERK)
    packet = exports.export_testimony(clerk, hearing, PacketKind.TESTIMONY_CSV, now=utcnow())
    make_testimony(hearing, speaking_request=SpeakingRequest.IN_PERSON, full_name="Ana Reyes")
    speaking.refresh(clerk, hearing, now=utcnow())
    sign_in = make_sign_in(hearing)
    action = make_committee_action(hearing.measures[0], recorded_by=clerk)
    api_key = make_api_key(bodies=[hearing.committee.body]).key
    _token, staff_session = accounts.start_session(
        moderator, now=utcnow(), user_agent="Firefox/120.0 (Windows NT 10.0)", address="10.1.2.3"
    )
    db.session.commit()
    testimony = receipt.testimony
    ids = {
        "hearing_id": hearing.id,
        "testimony_id": testimony.id,
        "attachment_id": testimony.attachments[0].id,
        "page": 1,
        "redaction_id": 1,
        "user_id": moderator.id,
        "body_id": hearing.committee.body_id,
        "committee_id": hearing.committee_id,
        "measure_id": hearing.measures[0].id,
        "packet_id": packet.id,
        "campaign_id": testimony.campaign_id,
        "speaker_id": speaking.speakers(hearing)[0].id,
        "sign_in_id": sign_in.sign_in_id,
        "action_id": action.id,
        "organisation_id": api_key.organisation_id,
        "key_id": api_key.id,
        "session_id": staff_session.id,
    }
    return ids


ROLES_BELOW = {
    Role.MODERATOR: [],
    Role.CLERK: [Role.MODERATOR],
    Role.ADMIN: [Role.MODERATOR, Role.CLERK],
}


def test_anonymous_visitors_are_sent_to_sign_in_and_change_nothing(app, client, db, world):
    before = table_rows(db)
    for rule in staff_rules(app):
        path = concrete_path(rule, world)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(path, method=method, data={"role": "admin"})
            # A POST without a token is refused before anything else looks at it.
            assert response.status_code in {302, 400}, (method, path, response.status_code)
            if response.status_code == 302:
                assert response.headers["Location"].startswith("/staff/login"), path
    db.session.expire_all()
    assert table_rows(db) == before


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.CLERK])
def test_lower_roles_are_refused_and_change_nothing(app, client, db, world, role):
    user = make_staff_user(role, email=f"{role.value}@example.gov")
    db.session.commit()
    assert log_in(client, user).status_code == 303
    token = csrf_token_from(client.get("/staff/account").text)
    before = table_counts(db)
    last_event = db.session.scalar(select(func.max(AuditEvent.id)))
    checked = 0
    for rule in staff_rules(app):
        needed = required_role(app, rule.endpoint)
        if needed is None or needed.rank <= role.rank:
            continue
        path = concrete_path(rule, world)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            data = {"csrf_token": token, "role": "admin", "name": "x", "require_totp": "y"}
            response = client.open(path, method=method, data=data)
            assert response.status_code == 403, (role, method, path, response.status_code)
            checked += 1
    assert checked > 0
    db.session.expire_all()
    after = table_counts(db)
    # The only trace: the refusals themselves, in the audit log (tests/security covers them).
    refusals = list(db.session.scalars(select(AuditEvent).where(AuditEvent.id > last_event)))
    assert refusals and {(e.action, e.data["status"]) for e in refusals} == {
        ("request.refused", 403)
    }
    after["audit_events"] -= len(refusals)
    assert after == before


def test_each_role_reaches_the_pages_of_its_level(app, client, db, world):
    for role in Role:
        user = make_staff_user(role, email=f"reach-{role.value}@example.gov")
        _db.session.commit()
        client.cookie_jar.clear() if hasattr(client, "cookie_jar") else None
        fresh = app.test_client()
        assert log_in(fresh, user).status_code == 303
        for rule in staff_rules(app):
            needed = required_role(app, rule.endpoint)
            if "GET" not in rule.methods or (needed and needed.rank > role.rank):
                continue
            response = fresh.get(concrete_path(rule, world))
            assert response.status_code in {200, 302}, (role, rule.rule, response.status_code)
            assert response.status_code != 403


def test_get_requests_change_nothing(app, client, db, world):
    admin = make_staff_user(Role.ADMIN, email="getter@example.gov")
    db.session.commit()
    assert log_in(client, admin).status_code == 303
    before = table_rows(db)
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        path = concrete_path(rule, world | {"token": "x" * 40})
        response = client.get(path)
        assert response.status_code < 500, path
    db.session.expire_all()
    assert table_rows(db) == before


def test_every_staff_post_needs_its_csrf_token(app, client, db, world):
    admin = make_staff_user(Role.ADMIN, email="poster@example.gov")
    db.session.commit()
    assert log_in(client, admin).status_code == 303
    before = table_rows(db)
    for rule in staff_rules(app):
        if "POST" not in rule.methods:
            continue
        path = concrete_path(rule, world)
        response = client.post(path, data={"action": "approved", "body": "note", "role": "admin"})
        assert response.status_code == 400, (path, response.status_code)
        assert "This page expired" in response.text
    db.session.expire_all()
    assert table_rows(db) == before


def test_extra_fields_cannot_set_status_or_role(app, client, db, world):
    testimony = db.session.get(Testimony, world["testimony_id"])
    moderator = make_staff_user(Role.MODERATOR, email="extra@example.gov")
    db.session.commit()
    assert log_in(client, moderator).status_code == 303
    page = client.get(f"/staff/testimony/{testimony.id}")
    response = client.post(
        f"/staff/testimony/{testimony.id}/notes",
        data={
            "csrf_token": csrf_token_from(page.text),
            "body": "Looks fine",
            "status": "approved",
            "role": "admin",
            "author_id": "999",
        },
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Testimony, testimony.id).status is ReviewStatus.PENDING
    refreshed = db.session.get(type(moderator), moderator.id)
    assert refreshed.role is Role.MODERATOR
    assert log_in(app.test_client(), refreshed, STAFF_PASSWORD).status_code == 303
