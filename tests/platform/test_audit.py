"""The audit log: a row goes with the change it records, and a refused request is written once
per address, route and minute, with the address only as a keyed hash."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from app.platform.audit import (
    ANONYMOUS,
    REFUSED,
    AuditEvent,
    address_hash,
    forget_seen_refusals,
    record,
    record_anonymous,
    record_refusal,
)
from tests.factories import make_hearing

NOW = datetime(2026, 5, 4, 10, 15, 30, tzinfo=UTC)
ROUTE = "/staff/admin/users/<int:user_id>"


def events(db) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def test_a_row_names_who_did_what_to_which_row(db):
    hearing = make_hearing()
    record("user:7", "hearing.closed", hearing, at=NOW, reason="early")
    db.session.commit()
    [event] = events(db)
    assert (event.actor, event.action, event.subject_type, event.subject_id) == (
        "user:7",
        "hearing.closed",
        hearing.__tablename__,
        hearing.id,
    )
    assert event.data == {"reason": "early"}


def test_a_row_is_undone_with_the_change_it_records(db):
    hearing = make_hearing()
    db.session.commit()
    record("user:7", "hearing.closed", hearing, at=NOW)
    db.session.rollback()
    assert events(db) == []


def test_someone_not_signed_in_is_recorded_as_anonymous(db):
    record_anonymous("login.failed", at=NOW, email="nobody@example.org")
    db.session.commit()
    [event] = events(db)
    assert (event.actor, event.subject_type, event.subject_id) == (ANONYMOUS, None, None)


def test_a_refusal_is_written_once_a_minute_for_one_address_and_route(db):
    assert record_refusal("anonymous", 429, ROUTE, "203.0.113.9", now=NOW) is not None
    assert record_refusal("anonymous", 429, ROUTE, "203.0.113.9", now=NOW) is None
    assert record_refusal("anonymous", 429, ROUTE, "198.51.100.4", now=NOW) is not None
    assert record_refusal("anonymous", 429, "/other", "203.0.113.9", now=NOW) is not None
    later = NOW + timedelta(minutes=1)
    assert record_refusal("anonymous", 429, ROUTE, "203.0.113.9", now=later) is not None
    db.session.commit()
    assert len(events(db)) == 4


def test_a_refusal_another_worker_already_wrote_is_not_written_again(db):
    record_refusal("anonymous", 403, ROUTE, "203.0.113.9", now=NOW)
    db.session.commit()
    forget_seen_refusals()  # as a second process would start: knowing nothing
    assert record_refusal("anonymous", 403, ROUTE, "203.0.113.9", now=NOW) is None
    db.session.commit()
    count = db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == REFUSED))
    assert count == 1


def test_the_address_is_kept_only_as_a_keyed_hash(db, config):
    event = record_refusal("anonymous", 429, ROUTE, "203.0.113.9", now=NOW)
    db.session.commit()
    assert "203.0.113.9" not in str(event.data) and "203.0.113.9" not in event.dedup_key
    assert event.data == {
        "status": 429,
        "route": ROUTE,
        "address_hash": address_hash("203.0.113.9"),
    }
    config["SECRET_KEY"] = "another deployment's secret"
    assert address_hash("203.0.113.9") != event.data["address_hash"]
