"""The same form posted twice at the same moment (a double click) stores one testimony.

The form's submission key is first looked up (`services.already_stored`), then
`services.submit_testimony` inserts with ON CONFLICT DO NOTHING; when a concurrent request
stored the same key in between, the insert stores nothing (`services._insert_row` returning
None) and the stored testimony is handed back instead.

Which path two simultaneous requests take depends on the database:

* SQLite: every transaction starts with BEGIN IMMEDIATE (app/platform/database.py), so the second
  request waits for the first to commit and then finds its row in the pre-check. The
  conflicting insert is never reached by real concurrency on SQLite.
* PostgreSQL: both requests can pass the pre-check; the second insert then blocks on the
  unique index until the first commits, stores nothing, and finds the first one's row.

`test_simultaneous_posts_store_one_testimony` runs on both. The conflicting insert itself is
exercised on both databases by `test_insert_that_loses_the_race_returns_the_stored_testimony`
(deterministically, in one thread) and, with real threads, on PostgreSQL only by
`test_both_requests_pass_the_precheck_on_postgresql`.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from app.platform.audit import AuditEvent
from app.platform.outbox import OutboxMessage
from app.testimony import services
from app.testimony.models import Testimony
from tests.factories import csrf_token_from, form_fields, make_hearing, make_submission

TIMEOUT = 10


def count(db, model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def two_posts_of_one_form(app, db, hearing):
    """Two clients (two browser tabs' worth of cookies) with posts carrying one submission key."""
    url = f"/hearings/{hearing.id}/testimony/new"
    # End the test's own transaction: on SQLite it holds the write lock (BEGIN IMMEDIATE).
    db.session.commit()
    clients = [app.test_client(), app.test_client()]
    pages = []
    for client in clients:
        # A fresh app context per page: Flask-WTF caches the CSRF token in `g`, which would
        # otherwise be shared with the test's context and give both clients the same token.
        with app.app_context():
            pages.append(client.get(url).text)
    fields = form_fields(hearing, pages[0])
    posts = [fields, dict(fields, csrf_token=csrf_token_from(pages[1]))]
    db.session.commit()
    return url, clients, posts


def post_at_once(app, url, clients, posts) -> list:
    """Post from two threads released together; each thread has its own app context."""
    barrier = threading.Barrier(len(clients), timeout=TIMEOUT)
    results: list = [None] * len(clients)
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            with app.app_context():
                barrier.wait()
                response = clients[index].post(url, data=posts[index])
                results[index] = (response.status_code, response.headers.get("Location"))
        except BaseException as error:  # reported in the main thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT * 2)
    assert not any(thread.is_alive() for thread in threads), "a request hung"
    if errors:
        raise errors[0]
    return results


def spy_on_insert(monkeypatch) -> list[bool]:
    outcomes: list[bool] = []
    insert = services._insert_row

    def recording_insert(row, *args, **kwargs):
        stored = insert(row, *args, **kwargs)
        outcomes.append(stored is not None)
        return stored

    monkeypatch.setattr(services, "_insert_row", recording_insert)
    return outcomes


def assert_one_testimony_and_one_receipt(db, results) -> None:
    (status_a, location_a), (status_b, location_b) = results
    assert status_a == status_b == 303
    assert location_a == location_b
    assert location_a.startswith("/receipts/")
    db.session.expire_all()
    assert count(db, Testimony) == 1
    assert count(db, OutboxMessage) == 1
    assert count(db, AuditEvent) == 1


def test_simultaneous_posts_store_one_testimony(app, db, client, monkeypatch):
    hearing = make_hearing()
    db.session.commit()
    url, clients, posts = two_posts_of_one_form(app, db, hearing)
    outcomes = spy_on_insert(monkeypatch)

    results = post_at_once(app, url, clients, posts)

    assert_one_testimony_and_one_receipt(db, results)
    # One request inserted; the other found the row either in the pre-check (no insert at
    # all) or, on PostgreSQL when both passed the pre-check, by the insert that found its key taken.
    assert sorted(outcomes) in ([True], [False, True])
    receipt = clients[1].get(results[1][1])
    assert receipt.status_code == 200


def test_both_requests_pass_the_precheck_on_postgresql(app, db, client, monkeypatch):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises writers with BEGIN IMMEDIATE: no two requests race")
    hearing = make_hearing()
    db.session.commit()
    url, clients, posts = two_posts_of_one_form(app, db, hearing)

    # Hold each request after its pre-check until the other has made its own, so that both
    # go on to insert the same submission key.
    check = services.already_stored
    prechecked = threading.Barrier(2, timeout=TIMEOUT)

    def check_then_wait(hearing, key):
        found = check(hearing, key)
        prechecked.wait()
        return found

    monkeypatch.setattr(services, "already_stored", check_then_wait)
    outcomes = spy_on_insert(monkeypatch)

    results = post_at_once(app, url, clients, posts)

    assert_one_testimony_and_one_receipt(db, results)
    assert sorted(outcomes) == [False, True], "the conflicting insert was not taken"


def test_insert_that_loses_the_race_returns_the_stored_testimony(db, monkeypatch):
    hearing = make_hearing()
    submission = make_submission(hearing)
    first = services.submit_testimony(hearing, submission, now=hearing.testimony_opens_at)
    db.session.commit()

    # As if this request had made its pre-check just before the first one committed.
    find = services._stored_id
    calls = []

    def miss_once(hearing_id, key):
        calls.append(key)
        return None if len(calls) == 1 else find(hearing_id, key)

    monkeypatch.setattr(services, "_stored_id", miss_once)
    outcomes = spy_on_insert(monkeypatch)

    second = services.submit_testimony(hearing, submission, now=hearing.testimony_opens_at)
    db.session.commit()

    assert outcomes == [False]
    assert second.testimony.id == first.testimony.id
    assert second.token == first.token
    assert count(db, Testimony) == 1
    assert count(db, OutboxMessage) == 1
    assert count(db, AuditEvent) == 1
    # The transaction is still usable after the insert that stored nothing.
    third = services.submit_testimony(
        hearing, make_submission(hearing), now=hearing.testimony_opens_at
    )
    db.session.commit()
    assert third.testimony.id != first.testimony.id


def test_a_hearing_cancelled_while_the_form_is_checked_takes_nothing(app, db, monkeypatch):
    """The form is checked before the write begins; the deadline is read again inside the
    transaction that would store the testimony, so a change made in between counts."""
    from sqlalchemy import update

    from app.hearings.models import Hearing
    from app.platform.timezones import utcnow
    from app.testimony import bot_defence

    hearing = make_hearing()
    db.session.commit()
    url, clients, posts = two_posts_of_one_form(app, db, hearing)
    hearing_id = hearing.id
    db.session.commit()
    checked = bot_defence.quarantine_reason

    def cancel_meanwhile(*args):
        with db.engine.begin() as other:  # a clerk, in another request
            other.execute(
                update(Hearing).where(Hearing.id == hearing_id).values(cancelled_at=utcnow())
            )
        return checked(*args)

    monkeypatch.setattr(bot_defence, "quarantine_reason", cancel_meanwhile)

    refused = clients[0].post(url, data=posts[0])

    assert refused.status_code == 200
    assert "has been cancelled" in refused.text
    assert count(db, Testimony) == 0
    assert count(db, OutboxMessage) == 0
