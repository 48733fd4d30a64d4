"""What follows a committed request, off its path: campaign placement and receipt e-mail.

A submission's transaction stores the testimony with its wording digest, a pending placement
and its receipt e-mail, and the resident is answered as soon as it commits. Finding its
campaign (comparing it with earlier testimony) and sending the e-mail come after
(app/platform/committed.py hands over the ids), in one of two ways set by FOLLOW_UP:

- "background" (the default): a thread in each app process takes the work in batches, so in a
  surge a batch of receipts costs a few transactions and one SMTP connection, and placement
  never holds up an answer or the database's write lock while a resident waits;
- "worker": the app processes leave the work queued and `flask follow-up-worker` processes
  do it at a lower priority (app/follow_up_process.py), so answering residents never shares a
  Python process with it; the app processes' threads only sweep up work older than
  WORKER_MISSING_AGE, in case no worker runs;
- "after-response": each request's own work, in the request's thread, once its response has
  been sent (as the WSGI server closes it). Tests use this: it is deterministic.

The work is in the database before anyone is answered: if a process dies with work in hand,
the background thread of any process sweeps it up after SWEEP_AGE, or its e-mail as soon as
the dead process's claim on it lapses (app/platform/outbox.py); `flask outbox deliver` and `flask
place-campaigns` do the same by hand.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from collections.abc import Callable
from datetime import timedelta

from flask import Flask, request

from app.campaigns import placement
from app.platform import committed, outbox
from app.platform.extensions import db
from app.platform.timezones import utcnow

log = logging.getLogger("opentestimony.follow_up")

MODES = ("background", "worker", "after-response")
# How often the background thread looks for work a dead process left, and how old it must be.
SWEEP_SECONDS = 60.0
SWEEP_AGE = timedelta(minutes=2)
# With FOLLOW_UP=worker: the age at which app processes do work themselves (no worker runs).
WORKER_MISSING_AGE = timedelta(minutes=10)
# Testimony placed per transaction: on SQLite a transaction holds the one write lock, and
# submissions wait for it, so the lock is let go between a few placements; on PostgreSQL
# larger batches let more word-for-word copies be placed together (app/campaigns/placement.py).
PLACEMENTS_PER_TRANSACTION = {"sqlite": 4}
PLACEMENTS_PER_TRANSACTION_ELSEWHERE = 20
# Work that failed (the database was busy) is tried again this much later, this many times,
# before it is left to the sweep.
RETRY_SECONDS = 5.0
RETRIES = 3
# Seconds the background thread waits for a moment with no request in progress before each
# transaction of placements (see Answering).
GAP_WAIT = 0.05


def run(
    app: Flask, work: dict[str, list[int]], pause: Callable[[], None] = lambda: None
) -> dict[str, list[int]]:
    """Do this work now: send the mail, then place the testimony (`pause` is called before
    each transaction of placements). Never raises; returns the work that failed (the database
    was busy, say), which stays queued in the database for a retry or the next sweep."""
    failed: dict[str, list[int]] = {}
    with app.app_context():
        mail = work.get(committed.MAIL, [])
        if mail and app.config["MAIL_DELIVER_AFTER_RESPONSE"]:
            try:
                outbox.deliver_pending(limit=len(mail), only_ids=mail)
            except Exception:  # a mail problem must never surface to the resident
                log.exception("outbox delivery failed; it will be retried")
                db.session.rollback()
                failed[committed.MAIL] = mail
        ids = work.get(committed.PLACEMENT, [])
        size = placements_per_transaction()
        for start in range(0, len(ids), size):
            chunk = ids[start : start + size]
            pause()
            try:
                placement.place_pending(chunk)
                db.session.commit()
            except Exception:
                log.exception("campaign placement failed; it will be retried")
                db.session.rollback()
                failed.setdefault(committed.PLACEMENT, []).extend(chunk)
    return failed


def placements_per_transaction() -> int:
    dialect = db.engine.dialect.name
    return PLACEMENTS_PER_TRANSACTION.get(dialect, PLACEMENTS_PER_TRANSACTION_ELSEWHERE)


class Answering:
    """How many requests this process is answering. The background thread shares the process
    (and Python's one running thread at a time) with them, so it places testimony in the gaps
    between requests, waiting at most GAP_WAIT for one: under a steady stream it still moves
    on, and whatever it leaves is done as soon as the stream thins."""

    def __init__(self) -> None:
        self.count = 0
        self.changed = threading.Condition()

    def started(self) -> None:
        with self.changed:
            self.count += 1

    def finished(self) -> None:
        with self.changed:
            self.count -= 1
            if self.count == 0:
                self.changed.notify_all()

    def wait_for_a_gap(self) -> None:
        with self.changed:
            self.changed.wait_for(lambda: self.count == 0, timeout=GAP_WAIT)


def sweep(app: Flask, age: timedelta = SWEEP_AGE) -> None:
    """Work older than `age` that its own process never finished (it died, or failed)."""
    with app.app_context():
        before = utcnow() - age
        try:
            size = placements_per_transaction()
            while placement.place_pending(queued_before=before, limit=size):
                db.session.commit()
            db.session.commit()
            if app.config["MAIL_DELIVER_AFTER_RESPONSE"]:
                outbox.deliver_pending(limit=1000, queued_before=before)
            _forget_expired_kept_files()
        except Exception:
            log.exception("sweep of left-over work failed; the next sweep will retry")
            db.session.rollback()


def _forget_expired_kept_files() -> None:
    """Files kept from forms sent back are deleted once they expire, even on a site where no
    later form passes by to do it (`flask files forget-held` does the same by hand)."""
    from app.testimony import held_uploads

    digests = held_uploads.sweep_expired(now=utcnow(), limit=500)
    db.session.commit()  # the rows first: a file is deleted only once nothing points to it
    if digests:
        held_uploads.forget_files(digests)


class Worker:
    """One thread per app process, started by the first work handed to it (after gunicorn
    forks, so each worker has its own)."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.answering = Answering()
        self.lock = threading.Lock()
        self.inbox: queue.SimpleQueue[dict[str, list[int]]] = queue.SimpleQueue()
        self.thread: threading.Thread | None = None
        self.pid = 0

    def hand(self, work: dict[str, list[int]]) -> None:
        with self.lock:
            self._start_if_needed()
            self.inbox.put(work)

    def keep_sweeping(self) -> None:
        """FOLLOW_UP=worker: the thread only sweeps up what no worker process did."""
        with self.lock:
            self._start_if_needed()

    def _start_if_needed(self) -> None:
        if self.thread is None or not self.thread.is_alive() or self.pid != os.getpid():
            self.pid = os.getpid()
            self.inbox = queue.SimpleQueue()
            self.thread = threading.Thread(
                target=self._loop, name="opentestimony-follow-up", daemon=True
            )
            self.thread.start()

    def stop(self) -> None:
        """Finish the work in hand, then end the thread (gunicorn.conf.py's worker_exit)."""
        with self.lock:
            thread, self.thread = self.thread, None
            if thread is not None and thread.is_alive():
                self.inbox.put(_STOP)
        if thread is not None:
            thread.join(timeout=30)

    def _loop(self) -> None:
        inbox = self.inbox
        next_sweep = time.monotonic() + SWEEP_SECONDS
        retries: list[tuple[float, int, dict[str, list[int]]]] = []  # (when, tries, work)
        stopping = False
        while not stopping:
            wake = min([next_sweep] + [when for when, _tries, _work in retries])
            try:
                batch = [inbox.get(timeout=max(0.01, wake - time.monotonic()))]
            except queue.Empty:
                batch = []
            while len(batch) < placement.PLACE_BATCH:  # whatever else arrived meanwhile
                try:
                    batch.append(inbox.get_nowait())
                except queue.Empty:
                    break
            stopping = any(work is _STOP for work in batch)
            batch = [work for work in batch if work is not _STOP]
            now = time.monotonic()
            due = [(1, _merge(batch))] if batch else []
            due += [(tries + 1, work) for when, tries, work in retries if when <= now]
            retries = [entry for entry in retries if entry[0] > now]
            for tries, work in due:
                failed = run(self.app, work, pause=self.answering.wait_for_a_gap)
                if failed and tries <= RETRIES:
                    retries.append((time.monotonic() + RETRY_SECONDS, tries, failed))
            if time.monotonic() >= next_sweep:
                worker_mode = self.app.config["FOLLOW_UP"] == "worker"
                sweep(self.app, WORKER_MISSING_AGE if worker_mode else SWEEP_AGE)
                next_sweep = time.monotonic() + SWEEP_SECONDS


_STOP: dict[str, list[int]] = {}
_COUNTED = "opentestimony.follow_up.counted"


def _merge(batch: list[dict[str, list[int]]]) -> dict[str, list[int]]:
    merged: dict[str, list[int]] = {}
    for work in batch:
        for kind, ids in work.items():
            merged.setdefault(kind, []).extend(ids)
    return merged


def init_app(app: Flask) -> None:
    mode = app.config["FOLLOW_UP"]
    if mode not in MODES:
        raise ValueError(f"FOLLOW_UP must be one of {', '.join(MODES)}, not {mode!r}")
    worker = app.extensions["follow_up"] = Worker(app)

    @app.before_request
    def _count_in():
        request.environ[_COUNTED] = True
        worker.answering.started()

    @app.teardown_request
    def _count_out(_error):
        if request.environ.pop(_COUNTED, False):
            worker.answering.finished()

    @app.after_request
    def _follow_up(response):
        work = committed.take()
        if work:
            if app.config["FOLLOW_UP"] == "background":
                worker.hand(work)
            elif app.config["FOLLOW_UP"] == "worker":
                worker.keep_sweeping()  # the work itself is queued for the worker processes
            else:
                response.call_on_close(lambda: run(app, work))
        return response
