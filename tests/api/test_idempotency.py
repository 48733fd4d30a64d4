"""Idempotency-Key: a retried request gets the first one's answer and stores nothing twice;
the same key for another request is refused; two requests with one key at the same moment
store once; answers are forgotten after 24 hours."""

from __future__ import annotations

import json
import threading
import time
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.api import batches, idempotency
from app.api.idempotency import IdempotencyRecord
from app.platform.extensions import db as _db
from app.platform.outbox import OutboxMessage
from app.platform.timezones import utcnow
from app.testimony.models import Testimony
from tests.api.submitting import closed, headers, key_for, post, post_batch, written_item
from tests.factories import make_hearing, run_threads


def _testimonies() -> int:
    return _db.session.scalar(select(func.count(Testimony.id)))


def _batch_path(hearing) -> str:
    return f"/api/v1/hearings/{hearing.id}/testimony/batch"


@pytest.fixture
def hearing(db):
    return make_hearing()


def _batch(hearing, size: int = 3) -> list[dict]:
    return [written_item(hearing, email=f"r{n}@example.org") for n in range(size)]


def test_a_retried_batch_gets_the_same_answer_and_stores_nothing_twice(client, db, hearing):
    key = key_for(hearing)
    sent = [*_batch(hearing), written_item(hearing, zip_code="bad")]
    first = post_batch(client, hearing, sent, key=key, idempotency_key="batch-2026-03-01")
    assert first.status_code == 200
    assert "Idempotent-Replayed" not in first.headers
    again = post_batch(client, hearing, sent, key=key, idempotency_key="batch-2026-03-01")
    assert again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_data() == first.get_data()
    assert _testimonies() == 3
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 3


def test_the_same_request_spaced_or_ordered_otherwise_is_the_same(client, db, hearing):
    key = key_for(hearing)
    sent = {"items": _batch(hearing, 2)}
    first = post_batch(client, hearing, sent["items"], key=key, idempotency_key="k1")
    reordered = json.dumps({"items": [dict(reversed(item.items())) for item in sent["items"]]})
    again = closed(
        client.post(
            _batch_path(hearing),
            data=reordered.replace(",", ",\n  "),
            content_type="application/json",
            headers=headers(key, "k1"),
        )
    )
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.get_data() == first.get_data()
    assert _testimonies() == 2


def test_the_same_key_for_another_request_is_refused(client, db, hearing):
    key = key_for(hearing)
    post_batch(client, hearing, _batch(hearing), key=key, idempotency_key="k1")
    other = _batch(hearing)
    other[0]["text"] = "Something else entirely."
    answer = post_batch(client, hearing, other, key=key, idempotency_key="k1")
    assert answer.status_code == 422
    assert answer.mimetype == "application/problem+json"
    assert "was used for another request" in answer.get_json()["detail"]
    assert _testimonies() == 3
    # Sign-ins are another request too, whatever they carry.
    answer = post_batch(
        client, hearing, _batch(hearing), key=key, idempotency_key="k1", kind="sign-ins"
    )
    assert answer.status_code == 422


def test_a_key_belongs_to_one_api_key(client, db, hearing):
    mine, theirs = key_for(hearing), key_for(hearing)
    post_batch(client, hearing, _batch(hearing), key=mine, idempotency_key="k1")
    answer = post_batch(client, hearing, _batch(hearing), key=theirs, idempotency_key="k1")
    assert answer.status_code == 200
    assert "Idempotent-Replayed" not in answer.headers
    assert _testimonies() == 6


def test_single_items_take_a_key_if_they_like(client, db, hearing):
    key = key_for(hearing)
    path = f"/api/v1/hearings/{hearing.id}/testimony"
    item = written_item(hearing)
    first = post(client, path, item, key=key, idempotency_key="one")
    again = post(client, path, item, key=key, idempotency_key="one")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.get_json() == first.get_json()
    assert _testimonies() == 1
    # Without one, each request is a submission of its own.
    post(client, path, item, key=key)
    post(client, path, item, key=key)
    assert _testimonies() == 3


@pytest.mark.parametrize(
    ("value", "detail"),
    [(None, "A batch needs an Idempotency-Key header"), ("x" * 256, "1 to 255 printable ASCII")],
    ids=["missing", "too-long"],
)
def test_a_batch_needs_a_well_formed_key(client, db, hearing, value, detail):
    key = key_for(hearing)
    sent = {"Authorization": f"Bearer {key.plaintext}"}
    if value is not None:
        sent["Idempotency-Key"] = value
    answer = closed(
        client.post(_batch_path(hearing), json={"items": _batch(hearing)}, headers=sent)
    )
    assert answer.status_code == 400
    assert detail in answer.get_json()["detail"]
    assert _testimonies() == 0


def test_a_request_that_stored_nothing_keeps_no_answer(client, db, hearing):
    key = key_for(hearing)
    refused = [written_item(hearing, zip_code="bad")]
    answer = post_batch(client, hearing, refused, key=key, idempotency_key="k1")
    assert answer.get_json()["stored"] == 0
    assert db.session.scalar(select(func.count(IdempotencyRecord.id))) == 0
    # Corrected and sent again under the same key: taken, as nothing was stored the first time.
    answer = post_batch(client, hearing, _batch(hearing, 1), key=key, idempotency_key="k1")
    assert answer.get_json()["stored"] == 1


def test_answers_are_forgotten_after_a_day(client, db, hearing):
    key = key_for(hearing)
    post_batch(client, hearing, _batch(hearing), key=key, idempotency_key="k1")
    record = db.session.scalars(select(IdempotencyRecord)).one()
    assert record.fingerprint and json.loads(record.answer)["stored"] == 3
    # Not yet a day old: kept.
    assert idempotency.forget_expired(utcnow() + timedelta(hours=23)) == 0
    # A day old and not yet forgotten: no longer replayed, the batch is taken afresh.
    record.created_at = utcnow() - timedelta(hours=24, seconds=1)
    db.session.commit()
    answer = post_batch(client, hearing, _batch(hearing), key=key, idempotency_key="k1")
    assert "Idempotent-Replayed" not in answer.headers
    assert _testimonies() == 6
    assert idempotency.forget_expired(utcnow() + timedelta(hours=25)) == 1
    assert db.session.scalar(select(func.count(IdempotencyRecord.id))) == 0


def test_the_periodic_sweep_forgets_them(app, client, db, hearing):
    from app.platform import jobs

    key = key_for(hearing)
    post_batch(client, hearing, _batch(hearing, 1), key=key, idempotency_key="k1")
    db.session.execute(
        IdempotencyRecord.__table__.update().values(created_at=utcnow() - timedelta(days=2))
    )
    db.session.commit()
    jobs.run_periodic(app)
    assert db.session.scalar(select(func.count(IdempotencyRecord.id))) == 0


def _slow_first_store(monkeypatch, seconds: float) -> threading.Event:
    """The first request to store items holds its transaction `seconds` before storing, so
    the second arrives while the first holds the key; returns an event set once it waits."""
    real = batches._store
    waiting = threading.Event()
    first = threading.Lock()

    def slow(*args, **kwargs):
        if first.acquire(blocking=False):
            waiting.set()
            time.sleep(seconds)
        return real(*args, **kwargs)

    monkeypatch.setattr(batches, "_store", slow)
    return waiting


def test_two_requests_with_one_key_at_once_store_once(
    app, db, hearing, monkeypatch, isolated_requests
):
    key = key_for(hearing)
    sent = {"items": _batch(hearing, 4)}
    waiting = _slow_first_store(monkeypatch, 1.0)
    idempotency_key = str(uuid.uuid4())

    def send():
        with app.app_context(), app.test_client() as browser:
            answer = closed(browser.post(path, json=sent, headers=headers(key, idempotency_key)))
            return answer.status_code, answer.get_data(), answer.headers.get("Idempotent-Replayed")

    def send_when_first_waits():
        assert waiting.wait(10)
        return send()

    path = _batch_path(hearing)
    # The test's own transaction holds SQLite's write lock: let it go, and touch none of its
    # objects from the threads (reading one would take the lock again).
    db.session.commit()
    first, second = run_threads(send, send_when_first_waits, join_seconds=30)
    db.session.expire_all()
    assert _testimonies() == 4
    assert first[0] == second[0] == 200
    assert first[1] == second[1]
    assert sorted([first[2], second[2]], key=str) == [None, "true"]
    assert db.session.scalar(select(func.count(IdempotencyRecord.id))) == 1


def test_a_request_waits_a_bounded_time_for_another_with_its_key(
    app, db, hearing, monkeypatch, isolated_requests
):
    if _db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time: the second waits for the write lock")
    monkeypatch.setattr(idempotency, "WAIT_SECONDS", 1)
    key = key_for(hearing)
    sent = {"items": _batch(hearing, 2)}
    waiting = _slow_first_store(monkeypatch, 3.0)

    def send():
        with app.app_context(), app.test_client() as browser:
            answer = closed(browser.post(path, json=sent, headers=headers(key, "k1")))
            return answer.status_code, answer.get_json(), answer.headers.get("Retry-After")

    def send_when_first_waits():
        assert waiting.wait(10)
        return send()

    path = _batch_path(hearing)
    # The test's own transaction holds SQLite's write lock: let it go, and touch none of its
    # objects from the threads (reading one would take the lock again).
    db.session.commit()
    first, second = run_threads(send, send_when_first_waits, join_seconds=30)
    assert first[0] == 200
    assert second[0] == 409 and second[2]
    assert "still being stored" in second[1]["detail"]
    db.session.expire_all()
    assert _testimonies() == 2
