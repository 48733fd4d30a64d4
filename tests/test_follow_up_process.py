"""FOLLOW_UP=worker: the app processes answer and leave placement and receipts queued; the
`flask follow-up-worker` process does them, at a lower priority, and stops when told to."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from app import follow_up, follow_up_process
from app.campaigns.models import PendingPlacement
from app.platform.outbox import OutboxMessage
from app.platform.timezones import utcnow
from app.testimony import services
from app.testimony.models import Testimony
from tests.factories import form_fields, make_hearing, make_submission

ROOT = Path(__file__).resolve().parents[1]
LETTER = (
    "Please vote yes on the face surveillance ban. No agency should be able to identify "
    "everyone at a protest, a clinic or a house of worship from a camera on a pole."
)


def count(db, model, *where) -> int:
    found = db.session.scalar(select(func.count()).select_from(model).where(*where))
    db.session.commit()  # on SQLite an open transaction would hold up the worker's writes
    return found


def submit(db, hearing, copies: int) -> None:
    for n in range(copies):
        services.submit_testimony(
            hearing,
            make_submission(hearing, body=LETTER, email=f"w{n}@example.org"),
            now=hearing.testimony_opens_at,
        )
    db.session.commit()
    db.session.info.clear()  # left to a worker, as FOLLOW_UP=worker leaves it


@pytest.fixture
def worker_mode(app, config):
    config["FOLLOW_UP"] = "worker"
    yield
    app.extensions["follow_up"].stop()


def test_the_app_answers_and_leaves_the_work_to_the_worker(app, db, worker_mode):
    hearing = make_hearing()
    db.session.commit()
    client = app.test_client()
    url = f"/hearings/{hearing.id}/testimony/new"
    answer = client.post(url, data=form_fields(hearing, client.get(url).text, body=LETTER))
    answer.close()

    assert answer.status_code == 303
    assert count(db, PendingPlacement) == 1
    assert count(db, OutboxMessage, OutboxMessage.sent_at.is_(None)) == 1
    # The process keeps a thread that only sweeps up what no worker did, much later.
    assert app.extensions["follow_up"].thread.is_alive()


def test_the_worker_groups_copies_and_sends_receipts_then_stops_when_idle(app, db):
    hearing = make_hearing()
    submit(db, hearing, 3)

    follow_up_process.work(app, threading.Event(), burst=True)

    assert count(db, PendingPlacement) == 0
    assert count(db, OutboxMessage, OutboxMessage.sent_at.is_(None)) == 0
    campaigns = set(db.session.scalars(select(Testimony.campaign_id)))
    assert len(campaigns) == 1 and None not in campaigns


def test_a_receipt_that_failed_is_left_for_the_sweep_not_tried_again_at_once(app, db, config):
    hearing = make_hearing()
    submit(db, hearing, 1)
    config["MAIL_SERVER"] = "127.0.0.1"
    config["MAIL_PORT"] = 9  # nothing listens: the mail server is down
    config["MAIL_TIMEOUT"] = 2

    done, _failed = follow_up_process.one_round(app)
    again, _failed = follow_up_process.one_round(app)

    assert done == 1 and again == 0  # the placement; the mail was tried once, not twice
    message = db.session.scalars(select(OutboxMessage)).one()
    assert message.sent_at is None and message.attempts == 1 and message.last_error
    db.session.commit()

    config["MAIL_SERVER"] = ""  # back up (the log stands in for it)
    long_ago = utcnow() - follow_up.SWEEP_AGE - timedelta(seconds=5)
    db.session.execute(update(OutboxMessage).values(created_at=long_ago))
    db.session.commit()
    follow_up.sweep(app)
    assert count(db, OutboxMessage, OutboxMessage.sent_at.is_(None)) == 0


def test_a_failing_placement_waits_before_it_is_tried_again(app, db, monkeypatch):
    hearing = make_hearing()
    submit(db, hearing, 1)
    tries = []

    def busy(_testimony):
        tries.append(time.monotonic())
        raise RuntimeError("database is locked")

    monkeypatch.setattr(follow_up_process.placement, "place", busy)
    monkeypatch.setattr(follow_up, "RETRY_SECONDS", 0.3)
    stop = threading.Event()
    threading.Timer(1.0, stop.set).start()

    follow_up_process.work(app, stop)

    assert 2 <= len(tries) <= 5  # about every 0.3 s, not a busy loop
    assert count(db, PendingPlacement) == 1  # still queued


def test_when_no_worker_runs_the_app_still_does_old_work_itself(app, db, worker_mode):
    hearing = make_hearing()
    submit(db, hearing, 2)
    long_ago = utcnow() - follow_up.WORKER_MISSING_AGE - timedelta(seconds=5)
    db.session.execute(update(PendingPlacement).values(queued_at=long_ago))
    db.session.execute(update(OutboxMessage).values(created_at=long_ago))
    db.session.commit()

    follow_up.sweep(app, follow_up.WORKER_MISSING_AGE)

    assert count(db, PendingPlacement) == 0
    assert count(db, OutboxMessage, OutboxMessage.sent_at.is_(None)) == 0


def test_the_command_runs_at_lower_priority_and_stops_on_sigterm(app, db, database_url):
    hearing = make_hearing()
    submit(db, hearing, 2)
    db.session.remove()
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "follow-up-test-secret-key-not-for-production",
        "OPENTESTIMONY_FOLLOW_UP": "worker",
        "OPENTESTIMONY_FOLLOW_UP_NICE": "7",
        "OPENTESTIMONY_MAIL_SERVER": "",
    }
    flask = Path(sys.executable).with_name("flask")
    worker = subprocess.Popen(  # noqa: S603 (the project's own command, fixed arguments)
        [str(flask), "--app", "wsgi", "follow-up-worker"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and count(db, PendingPlacement) > 0:
            time.sleep(0.1)
        niceness = os.getpriority(os.PRIO_PROCESS, worker.pid)
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()

    assert count(db, PendingPlacement) == 0
    assert count(db, OutboxMessage, OutboxMessage.sent_at.is_(None)) == 0
    assert niceness == os.getpriority(os.PRIO_PROCESS, 0) + 7
    assert worker.returncode == 0, output
    assert "stopped" in output


def test_burst_stops_when_nothing_new_can_be_done_and_leaves_failures_queued(app, db, monkeypatch):
    hearing = make_hearing()
    submit(db, hearing, 1)

    def broken(_testimony):
        raise RuntimeError("placement broke")

    monkeypatch.setattr(follow_up_process.placement, "place", broken)
    guard = threading.Event()
    timer = threading.Timer(30, guard.set)
    timer.start()
    try:
        follow_up_process.work(app, guard, burst=True)
    finally:
        timer.cancel()

    assert not guard.is_set()  # it ended by itself, not by the guard
    assert count(db, PendingPlacement) == 1  # for the sweep, later
    assert count(db, OutboxMessage, OutboxMessage.sent_at.is_(None)) == 0  # the receipt went
