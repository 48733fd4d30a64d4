"""Work that follows a committed submission: campaign placement and the receipt e-mail.

The suite runs it after each response ("after-response"); these tests also run the background
thread production uses, the sweep that finishes what a dead process left, and what a failure
of that work does (nothing acknowledged is lost; it is done later).
"""

from __future__ import annotations

import runpy
import sqlite3
import threading
import time
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select, update

from app import follow_up
from app.campaigns import placement
from app.campaigns.models import PendingPlacement
from app.platform.outbox import OutboxMessage
from app.platform.timezones import utcnow
from app.testimony import services
from app.testimony.models import Testimony
from tests.factories import form_fields, make_hearing, make_submission

LETTER = (
    "I urge the committee to pass the ban on face surveillance. The technology misidentifies "
    "people of color and women at far higher rates, and it chills our freedom of assembly."
)


def post(client, hearing, **overrides):
    page = client.get(f"/hearings/{hearing.id}/testimony/new")
    return client.post(
        f"/hearings/{hearing.id}/testimony/new", data=form_fields(hearing, page.text, **overrides)
    )


def count(db, model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def wait_for(check, seconds: float = 15.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()


@pytest.fixture
def background(app, config):
    config["FOLLOW_UP"] = "background"
    yield app.extensions["follow_up"]
    app.extensions["follow_up"].stop()


def test_the_background_thread_groups_copies_and_sends_receipts(app, db, background):
    hearing = make_hearing()
    db.session.commit()
    answers = [
        post(app.test_client(), hearing, body=LETTER, email=f"resident{n}@example.org")
        for n in range(3)
    ]
    assert [answer.status_code for answer in answers] == [303, 303, 303]
    db.session.commit()

    def done() -> bool:
        unsent = count(db, OutboxMessage, OutboxMessage.sent_at.is_(None))
        pending = count(db, PendingPlacement)
        db.session.commit()  # on SQLite the test's own transaction would hold the write lock
        return pending == 0 and unsent == 0

    assert wait_for(done), "the follow-up work was not done"
    campaigns = set(db.session.scalars(select(Testimony.campaign_id)))
    assert len(campaigns) == 1 and None not in campaigns
    assert count(db, OutboxMessage) == 3


def test_work_a_dead_process_left_is_swept_up_later(app, db):
    hearing = make_hearing()
    db.session.commit()
    for n in range(2):  # stored and committed, but nobody placed or mailed them
        services.submit_testimony(
            hearing,
            make_submission(hearing, body=LETTER, email=f"r{n}@example.org"),
            now=hearing.testimony_opens_at,
        )
    db.session.commit()
    db.session.info.clear()  # the process that committed them is gone

    follow_up.sweep(app)  # too fresh: maybe its own process is still on it
    assert count(db, PendingPlacement) == 2

    long_ago = utcnow() - follow_up.SWEEP_AGE - timedelta(seconds=5)
    db.session.execute(update(PendingPlacement).values(queued_at=long_ago))
    db.session.execute(update(OutboxMessage).values(created_at=long_ago))
    db.session.commit()
    follow_up.sweep(app)

    db.session.expire_all()
    assert count(db, PendingPlacement) == 0
    assert count(db, Testimony, Testimony.campaign_id.is_not(None)) == 2
    assert count(db, OutboxMessage, OutboxMessage.sent_at.is_(None)) == 0


def test_a_failing_placement_costs_the_resident_nothing(app, client, db, monkeypatch):
    hearing = make_hearing()
    db.session.commit()

    def broken(_testimony):
        raise RuntimeError("placement broke")

    monkeypatch.setattr(placement, "place", broken)
    answer = post(client, hearing, body=LETTER)
    answer.close()  # the follow-up work runs, and fails

    assert answer.status_code == 303
    db.session.expire_all()
    assert count(db, Testimony) == 1
    assert count(db, PendingPlacement) == 1  # still to do
    assert count(db, OutboxMessage, OutboxMessage.sent_at.is_not(None)) == 1  # receipt went
    receipt = client.get(answer.headers["Location"])
    assert receipt.status_code == 200

    monkeypatch.undo()
    testimony_id = db.session.scalar(select(Testimony.id))
    assert placement.place_pending([testimony_id]) == 1
    db.session.commit()
    assert count(db, PendingPlacement) == 0


def test_two_processes_never_place_the_same_testimony(db):
    hearing = make_hearing()
    receipt = services.submit_testimony(
        hearing, make_submission(hearing), now=hearing.testimony_opens_at
    )
    db.session.commit()
    assert placement.place_pending([receipt.testimony.id]) == 1
    assert placement.place_pending([receipt.testimony.id]) == 0  # claimed: nothing left
    db.session.commit()


def test_an_unknown_follow_up_setting_is_refused(app):
    from app import create_app

    with pytest.raises(ValueError, match="FOLLOW_UP"):
        create_app({**app.config, "FOLLOW_UP": "later"})


def test_a_form_with_mistakes_is_answered_while_another_request_writes(app, client, db):
    """A submission checks its form before it asks for SQLite's one write lock, so a resident
    who left a field empty hears so at once even while the database is busy writing."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL writers lock only their rows")
    hearing = make_hearing()
    db.session.commit()
    page = client.get(f"/hearings/{hearing.id}/testimony/new")
    fields = form_fields(hearing, page.text, body="")
    path = f"/hearings/{hearing.id}/testimony/new"
    db.session.commit()  # the test's own reads (outside a request) took the write lock

    writer = sqlite3.connect(db.engine.url.database, timeout=0)
    writer.execute("BEGIN IMMEDIATE")  # another process's write transaction, held
    try:
        started = time.monotonic()
        answer = client.post(path, data=fields)
        waited = time.monotonic() - started
    finally:
        writer.rollback()
        writer.close()

    assert answer.status_code == 200
    assert "Write your testimony." in answer.text
    assert waited < 2.0  # the busy timeout is 5 s: it never waited for the lock
    assert count(db, Testimony) == 0


def test_the_command_places_whatever_is_waiting(app, db):
    hearing = make_hearing()
    for n in range(3):
        services.submit_testimony(
            hearing,
            make_submission(hearing, body=LETTER, email=f"c{n}@example.org"),
            now=hearing.testimony_opens_at,
        )
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["place-campaigns"])

    assert result.exit_code == 0, result.output
    assert "Placed 3 testimonies." in result.output
    db.session.expire_all()
    assert count(db, PendingPlacement) == 0
    assert len(set(db.session.scalars(select(Testimony.campaign_id)))) == 1
    again = app.test_cli_runner().invoke(args=["place-campaigns"])
    assert "Placed 0 testimonies." in again.output


def test_a_worker_leaving_finishes_the_work_in_hand_first(app, db, background):
    hearing = make_hearing()
    db.session.commit()
    answer = post(app.test_client(), hearing, body=LETTER)
    assert answer.status_code == 303
    thread = background.thread
    assert thread is not None

    conf = runpy.run_path(str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))
    conf["worker_exit"](None, SimpleNamespace(wsgi=app))  # what gunicorn calls on the way out

    assert not thread.is_alive()
    assert count(db, PendingPlacement) == 0
    assert count(db, OutboxMessage, OutboxMessage.sent_at.is_(None)) == 0
    db.session.commit()


def test_placement_waits_for_a_gap_between_requests_but_not_for_ever(monkeypatch):
    answering = follow_up.Answering()
    monkeypatch.setattr(follow_up, "GAP_WAIT", 30.0)
    answering.started()  # a resident's request in progress
    waiter = threading.Thread(target=answering.wait_for_a_gap)
    waiter.start()
    waiter.join(timeout=0.3)
    assert waiter.is_alive()  # the background work holds back while it is answered
    answering.finished()
    waiter.join(timeout=5)
    assert not waiter.is_alive()  # and goes on as soon as nobody is waiting

    monkeypatch.setattr(follow_up, "GAP_WAIT", 0.2)
    answering.started()  # a steady stream: it goes on after GAP_WAIT all the same
    waiter = threading.Thread(target=answering.wait_for_a_gap)
    waiter.start()
    waiter.join(timeout=5)
    assert not waiter.is_alive()
    answering.finished()


def test_the_background_thread_tries_failed_work_again_soon(app, db, background, monkeypatch):
    monkeypatch.setattr(follow_up, "RETRY_SECONDS", 0.1)
    real_place, calls = placement.place, []

    def busy_once(testimony):
        calls.append(testimony.id)
        if len(calls) == 1:
            raise RuntimeError("database is locked")  # as SQLite says when it stays busy
        real_place(testimony)

    monkeypatch.setattr(placement, "place", busy_once)
    hearing = make_hearing()
    db.session.commit()
    answer = post(app.test_client(), hearing, body=LETTER)
    assert answer.status_code == 303
    db.session.commit()

    def placed() -> bool:
        pending = count(db, PendingPlacement)
        db.session.commit()
        return pending == 0

    assert wait_for(placed), "the failed placement was not tried again"
    assert len(calls) == 2


def test_placements_on_one_hearing_take_turns_between_processes(app, db, database_url):
    """Two processes placing copies of one letter at once could deadlock on its campaign's
    rows; on PostgreSQL they take turns by hearing."""
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has one writer at a time anyway")
    import psycopg

    hearing = make_hearing()
    receipt = services.submit_testimony(
        hearing, make_submission(hearing, body=LETTER), now=hearing.testimony_opens_at
    )
    db.session.commit()
    hearing_id, testimony_id = hearing.id, receipt.testimony.id
    db.session.commit()
    other = psycopg.connect(database_url.replace("postgresql+psycopg://", "postgresql://"))
    other.execute("SELECT pg_advisory_lock(%s, %s)", (placement.PLACEMENT_LOCK, hearing_id))
    done = threading.Event()

    def place_in_another_thread() -> None:
        with app.app_context():
            placement.place_pending([testimony_id])
            db.session.commit()
        done.set()

    worker = threading.Thread(target=place_in_another_thread)
    worker.start()
    try:
        assert not done.wait(0.5)  # another process is placing on this hearing: it waits
    finally:
        other.execute("SELECT pg_advisory_unlock(%s, %s)", (placement.PLACEMENT_LOCK, hearing_id))
        other.close()
    assert done.wait(10)
    worker.join()
    assert count(db, PendingPlacement) == 0
    db.session.commit()
