"""A key through its life as the API sees it: issued, used (its last use shown and audited),
refused once revoked, expired, used elsewhere or for something else, or its organisation
archived; and anything not shaped like a key refused without a query. The key itself never
reaches the database, the log or the audit log."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, func, select, text

from app.hearings.models import Body
from app.organisations import services
from app.organisations.authentication import authenticate_key
from app.organisations.errors import (
    BodyNotAllowed,
    KeyExpired,
    KeyRevoked,
    OrganisationArchived,
    ScopeMissing,
    UnknownKey,
)
from app.organisations.models import ApiKey, ApiScope
from app.platform.audit import AuditEvent
from app.platform.extensions import db as _db
from tests.factories import make_admin, make_api_key, make_body, make_organisation, snapshot

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
TESTIMONY = ApiScope.SUBMIT_TESTIMONY
SIGN_INS = ApiScope.SUBMIT_SIGN_INS


def _uses() -> list[AuditEvent]:
    return list(
        _db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "api_key.used").order_by(AuditEvent.id)
        )
    )


@pytest.fixture
def body(db):
    return make_body()


def test_a_key_works_until_revoked_and_each_use_is_recorded(db, body):
    issued = make_api_key(bodies=[body], now=NOW)
    key = authenticate_key(issued.plaintext, body=body, scope=TESTIMONY, now=NOW + timedelta(1))
    assert key.id == issued.key.id
    assert key.last_used_at == NOW + timedelta(days=1)
    authenticate_key(issued.plaintext, body=body, scope=SIGN_INS, now=NOW + timedelta(days=2))
    _db.session.expire_all()
    assert _db.session.get(ApiKey, key.id).last_used_at == NOW + timedelta(days=2)
    uses = _uses()
    assert [(u.actor, u.subject_type, u.subject_id) for u in uses] == [
        (f"api_key:{key.id}", "api_keys", key.id)
    ] * 2
    assert [u.data["scope"] for u in uses] == ["submit_testimony", "submit_sign_ins"]
    assert {u.data["body_id"] for u in uses} == {body.id}
    assert {u.data["organisation_id"] for u in uses} == {key.organisation_id}

    services.revoke_key(make_admin(), key, now=NOW + timedelta(days=3))
    with pytest.raises(KeyRevoked):
        authenticate_key(issued.plaintext, body=body, scope=TESTIMONY, now=NOW + timedelta(3))
    assert len(_uses()) == 2


def test_the_last_use_never_moves_back(db, body):
    issued = make_api_key(bodies=[body], now=NOW)
    authenticate_key(issued.plaintext, body=body, scope=TESTIMONY, now=NOW + timedelta(hours=2))
    authenticate_key(issued.plaintext, body=body, scope=TESTIMONY, now=NOW + timedelta(hours=1))
    _db.session.expire_all()
    assert _db.session.get(ApiKey, issued.key.id).last_used_at == NOW + timedelta(hours=2)


def test_an_expired_key_is_refused(db, body):
    issued = make_api_key(bodies=[body], now=NOW, expires_at=NOW + timedelta(days=30))
    authenticate_key(issued.plaintext, body=body, scope=TESTIMONY, now=NOW + timedelta(29))
    with pytest.raises(KeyExpired):
        authenticate_key(issued.plaintext, body=body, scope=TESTIMONY, now=NOW + timedelta(30))


def test_a_key_is_refused_for_a_body_it_was_not_issued_for(db, body):
    other = make_body(name="Massachusetts General Court")
    issued = make_api_key(bodies=[body], now=NOW)
    with pytest.raises(BodyNotAllowed):
        authenticate_key(issued.plaintext, body=other, scope=TESTIMONY, now=NOW)
    assert _uses() == []
    assert _db.session.get(ApiKey, issued.key.id).last_used_at is None


def test_a_key_with_several_bodies_works_for_each(db, body):
    other = make_body(name="Massachusetts General Court")
    issued = make_api_key(bodies=[body, other], now=NOW)
    for each in (body, other):
        authenticate_key(issued.plaintext, body=each, scope=TESTIMONY, now=NOW)
    assert len(_uses()) == 2


def test_a_key_is_refused_for_what_it_may_not_do(db, body):
    issued = make_api_key(bodies=[body], scopes=[SIGN_INS], now=NOW)
    with pytest.raises(ScopeMissing) as refused:
        authenticate_key(issued.plaintext, body=body, scope=TESTIMONY, now=NOW)
    assert refused.value.scope is TESTIMONY
    authenticate_key(issued.plaintext, body=body, scope=SIGN_INS, now=NOW)


def test_an_archived_organisations_keys_are_refused(db, body):
    organisation = make_organisation()
    issued = make_api_key(organisation, bodies=[body], now=NOW)
    services.archive_organisation(make_admin(), organisation, now=NOW + timedelta(hours=1))
    with pytest.raises(OrganisationArchived):
        authenticate_key(issued.plaintext, body=body, scope=TESTIMONY, now=NOW + timedelta(1))


def test_a_made_up_key_of_the_right_shape_is_unknown(db, body):
    issued = make_api_key(bodies=[body], now=NOW)
    # The same prefix with another secret: only the whole key opens anything.
    forged = issued.plaintext[:-1] + ("A" if issued.plaintext[-1] != "A" else "B")
    with pytest.raises(UnknownKey):
        authenticate_key(forged, body=body, scope=TESTIMONY, now=NOW)


MALFORMED = [
    "",
    "otk_",
    "Bearer otk_0123abcd_" + "A" * 43,
    "otk_0123abcd_" + "A" * 42 + "\x00",
    "otk_0123abcd_" + "A" * 42 + "é",
    "otk_0123abcd_" + "A" * 42 + "\ud800",
    "'; DROP TABLE api_keys; --",
    "x" * 5_000_000,
    "\x00" * 56,
]


@pytest.mark.parametrize("presented", MALFORMED, ids=range(len(MALFORMED)))
def test_malformed_keys_are_refused_without_asking_the_database(db, body, presented):
    make_api_key(bodies=[body], now=NOW)
    statements = []

    def count(*args):
        statements.append(args)

    event.listen(_db.engine, "before_cursor_execute", count)
    try:
        with pytest.raises(UnknownKey):
            authenticate_key(presented, body=body, scope=TESTIMONY, now=NOW)
    finally:
        event.remove(_db.engine, "before_cursor_execute", count)
    assert statements == []


def test_the_key_never_reaches_the_database_the_log_or_the_audit_log(db, body, caplog):
    caplog.set_level(logging.DEBUG)
    sent = []

    def watch(conn, cursor, statement, parameters, context, executemany):
        sent.append(f"{statement} {parameters!r}")

    event.listen(_db.engine, "before_cursor_execute", watch)
    try:
        issued = make_api_key(bodies=[body], now=NOW)
        key = issued.key
        authenticate_key(issued.plaintext, body=body, scope=TESTIMONY, now=NOW)
        services.revoke_key(make_admin(), key, now=NOW)
        with pytest.raises(KeyRevoked):
            authenticate_key(issued.plaintext, body=body, scope=TESTIMONY, now=NOW)
        _db.session.commit()
    finally:
        event.remove(_db.engine, "before_cursor_execute", watch)
    secret = issued.plaintext.split("_")[2]
    assert sent and not any(secret in text for text in sent)
    rows = snapshot(_db)
    assert not any(secret in row for table in rows.values() for row in table)
    assert secret not in caplog.text
    events = _db.session.scalars(select(AuditEvent)).all()
    assert len(events) >= 3 and not any(secret in str(e.data) for e in events)
    # What is stored is the hash, and the hash is not the key.
    stored = _db.session.scalar(select(ApiKey.key_hash).where(ApiKey.id == key.id))
    assert stored != issued.plaintext and len(stored) == 64


def test_a_refused_key_records_no_use(db, body):
    issued = make_api_key(bodies=[body], scopes=[SIGN_INS], now=NOW)
    with pytest.raises(ScopeMissing):
        authenticate_key(issued.plaintext, body=body, scope=TESTIMONY, now=NOW)
    assert (
        _db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.actor == issued.key.audit_name)
        )
        == 0
    )


def test_a_request_never_waits_for_another_using_the_same_key(app, db, body):
    """Two batches sent with one key at once: the second does not wait for the first's
    transaction (which holds the key's row until it ends); both uses are audited."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time: requests take turns there anyway")
    issued = make_api_key(bodies=[body], now=NOW)
    plaintext, body_id = issued.plaintext, body.id
    db.session.commit()
    holding, release = threading.Event(), threading.Event()

    def first_batch():
        with app.app_context():
            first_body = _db.session.get(Body, body_id)
            authenticate_key(plaintext, body=first_body, scope=TESTIMONY, now=NOW + timedelta(1))
            holding.set()
            release.wait(10)
            _db.session.commit()

    thread = threading.Thread(target=first_batch)
    thread.start()
    try:
        assert holding.wait(10)
        # Waiting for the first batch's lock would fail here instead of hanging.
        db.session.execute(text("SET LOCAL lock_timeout = '2s'"))
        authenticate_key(plaintext, body=body, scope=TESTIMONY, now=NOW + timedelta(2))
        db.session.commit()
    finally:
        release.set()
        thread.join(10)
    db.session.expire_all()
    assert len(_uses()) == 2
    # The first batch, using the key while the second came and went, holds the time.
    assert db.session.get(ApiKey, issued.key.id).last_used_at == NOW + timedelta(days=1)
