"""A worker that dies while sending e-mail must not make residents receive their mail twice.

Against a real SMTP server (aiosmtpd on 127.0.0.1). A message the mail server has accepted is
recorded as sent before the next one is tried, so a crash leaves at most the one message in
flight unrecorded; the rest of a dead worker's batch comes back within a short lease, while a
live worker, however slow the mail server, keeps its claim with a heartbeat.
"""

from __future__ import annotations

import asyncio
import collections
import json
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from app.platform import jobs, outbox
from app.platform.outbox import OutboxMessage
from app.platform.timezones import utcnow
from app.testimony import services
from tests.factories import make_hearing, make_submission
from tests.mail_server import Collector, SmtpServer, free_port

ROOT = Path(__file__).resolve().parents[2]

# A worker process that delivers the outbox and dies (os._exit: no cleanup, no finally, as a
# SIGKILL or an out-of-memory kill would) the moment the mail server accepted its n-th message.
CRASHING_WORKER = r"""
import json, os, smtplib, sys

from app import create_app
from app.platform import jobs

settings = json.loads(sys.argv[1])
die_after = settings.pop("die_after")
app = create_app(settings)
send_message = smtplib.SMTP.send_message
accepted = 0


def send_then_die(self, *args, **kwargs):
    global accepted
    result = send_message(self, *args, **kwargs)
    accepted += 1
    if accepted == die_after:
        os._exit(3)
    return result


smtplib.SMTP.send_message = send_then_die
with app.app_context():
    jobs.run(app, kinds=["mail.deliver"])
sys.exit(0)
"""


def queue_receipts(db, count: int) -> list[str]:
    hearing = make_hearing()
    addresses = [f"resident{n}@example.org" for n in range(count)]
    for address in addresses:
        services.submit_testimony(
            hearing, make_submission(hearing, email=address), now=hearing.testimony_opens_at
        )
    db.session.commit()
    db.session.info.clear()  # left to the worker, not to this test's session
    return addresses


def copies_received(server: SmtpServer) -> collections.Counter:
    return collections.Counter(envelope.rcpt_tos[0] for envelope in server.handler.envelopes)


def unsent(db) -> list[OutboxMessage]:
    db.session.expire_all()
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.sent_at.is_(None))).all()
    db.session.commit()
    return list(rows)


@pytest.fixture
def smtp(config):
    server = SmtpServer(free_port())
    config["MAIL_SERVER"] = "127.0.0.1"
    config["MAIL_PORT"] = server.port
    config["MAIL_TIMEOUT"] = 5
    server.start()
    yield server
    server.stop()


def run_the_cli(app) -> None:
    result = app.test_cli_runner().invoke(args=["outbox", "deliver"])
    assert result.exit_code == 0, result.output


def run_a_job_worker_round(app) -> None:
    outcome = jobs.run(app)
    assert outcome.done and not outcome.failed


def run_the_app_sweep(app) -> None:
    jobs.sweep(app)


@pytest.mark.parametrize(
    "rescuer",
    [run_the_cli, run_a_job_worker_round, run_the_app_sweep],
    ids=lambda f: f.__name__,
)
def test_a_worker_killed_mid_batch_leaves_only_the_message_in_flight_to_be_sent_twice(
    app, db, smtp, rescuer
):
    """Attack: kill the process delivering receipts right after the mail server accepted its
    third message. Before, the whole batch's 'sent' marks were lost and every message the dead
    worker had sent was sent again after a five-minute lease (residents got their receipt
    twice), and only a sweep of messages two minutes old took them back at all."""
    addresses = queue_receipts(db, 6)
    settings = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": app.config["SECRET_KEY"],
        "UPLOAD_FOLDER": app.config["UPLOAD_FOLDER"],
        "BASE_URL": app.config["BASE_URL"],
        "JOBS_RUNNER": "after-response",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp.port,
        "MAIL_TIMEOUT": 5,
        "die_after": 3,
    }
    db.session.remove()
    worker = subprocess.run(  # noqa: S603 (this interpreter, a fixed script)
        [sys.executable, "-c", CRASHING_WORKER, json.dumps(settings)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert worker.returncode == 3, worker.stderr
    assert sorted(copies_received(smtp)) == addresses[:3]

    # What the mail server accepted before the one in flight is recorded as sent.
    left = unsent(db)
    assert {message.to_address for message in left} <= set(addresses[2:])
    assert {message.to_address for message in left} >= set(addresses[3:])
    # Nobody takes the dead worker's claims at once (it might have been alive and slow)...
    assert outbox.deliver_pending() == 0
    # ...but they come back within the lease, which is short: let that much time pass.
    assert timedelta(minutes=1) >= outbox.CLAIM_LEASE
    for message in left:
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message.id)
            .values(claimed_at=message.claimed_at - outbox.CLAIM_LEASE - timedelta(seconds=1))
        )
    # The dead worker's claim on its delivery jobs lapses too.
    db.session.execute(
        update(jobs.Job)
        .where(jobs.Job.state == jobs.RUNNING)
        .values(claimed_at=utcnow() - jobs.LEASE - timedelta(seconds=1))
    )
    db.session.commit()

    rescuer(app)

    received = copies_received(smtp)
    assert set(received) == set(addresses)
    in_flight = addresses[2]
    assert all(received[address] == 1 for address in addresses if address != in_flight)
    assert received[in_flight] <= 2
    assert unsent(db) == []
    # The copies of one message share its Message-ID, so a mail client can tell them apart
    # from a new message; different messages never share one.
    ids = collections.defaultdict(set)
    for mail in smtp.handler.messages:
        ids[mail["To"]].add(mail["Message-ID"])
    assert all(len(found) == 1 for found in ids.values())
    assert len({next(iter(found)) for found in ids.values()}) == len(addresses)
    assert not any("resident" in next(iter(found)) for found in ids.values())


class SlowCollector(Collector):
    """Holds the first message until released, as a mail server that is slow to answer."""

    def __init__(self) -> None:
        super().__init__()
        self.holding = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        if not self.holding.is_set():
            self.holding.set()
            while not self.release.is_set():  # without blocking the server's other sessions
                await asyncio.sleep(0.02)
        return await super().handle_DATA(server, session, envelope)


def test_a_live_worker_waiting_on_a_slow_mail_server_keeps_its_claim(app, db, config, monkeypatch):
    """Attack: a mail server that takes longer than the lease to accept a message. Before,
    another process took the slow worker's claims once the lease ran out and sent them too:
    every resident of the batch got two copies."""
    lease = timedelta(seconds=2)
    monkeypatch.setattr(outbox, "CLAIM_LEASE", lease)
    monkeypatch.setattr(outbox, "HEARTBEAT_SECONDS", 0.2, raising=False)
    server = SmtpServer(free_port())
    server.handler = SlowCollector()
    config["MAIL_SERVER"] = "127.0.0.1"
    config["MAIL_PORT"] = server.port
    config["MAIL_TIMEOUT"] = 30
    server.start()
    try:
        addresses = queue_receipts(db, 3)
        db.session.remove()
        failures: list[BaseException] = []

        def slow_worker() -> None:
            with app.app_context():
                try:
                    outbox.deliver_pending()
                except BaseException as error:  # reported by the test below
                    failures.append(error)

        thread = threading.Thread(target=slow_worker)
        thread.start()
        try:
            assert server.handler.holding.wait(timeout=30)
            time.sleep(2.5 * lease.total_seconds())  # well past the lease of the first claim
            taken_by_another = outbox.deliver_pending()
            db.session.commit()
        finally:
            server.handler.release.set()
            thread.join(timeout=60)
        assert not failures
        assert taken_by_another == 0
        received = copies_received(server)
        assert sorted(received) == addresses
        assert set(received.values()) == {1}
        assert unsent(db) == []
    finally:
        server.stop()


def test_the_deliver_command_leaves_a_live_workers_messages_to_it(app, db, smtp, monkeypatch):
    """Attack: an operator runs `flask outbox deliver` while a worker is still sending (its
    claim renewed by its heartbeat). The command must wait and then leave those messages to
    the worker, saying so, instead of sending them a second time."""
    monkeypatch.setattr(outbox, "CLAIM_LEASE", timedelta(seconds=1))
    queue_receipts(db, 2)
    held, free = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    held_id, free_address = held.id, free.to_address
    db.session.commit()
    stop = threading.Event()
    engine = db.engine

    def renew() -> None:
        with engine.begin() as connection:
            connection.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == held_id)
                .values(claimed_at=outbox.utcnow(), claimed_by="a-live-worker", attempts=1)
            )

    def live_worker_heartbeat() -> None:
        while not stop.wait(0.1):
            renew()

    renew()  # the worker has claimed it
    beating = threading.Thread(target=live_worker_heartbeat)
    beating.start()
    try:
        result = app.test_cli_runner().invoke(args=["outbox", "deliver"])
    finally:
        stop.set()
        beating.join()

    assert result.exit_code == 0, result.output
    assert "Delivered 1 message(s)." in result.output
    assert "1 message(s) are being sent by another process." in result.output
    assert [envelope.rcpt_tos for envelope in smtp.handler.envelopes] == [[free_address]]
    db.session.expire_all()
    assert db.session.get(OutboxMessage, held_id).sent_at is None
