"""The follow-up worker: a process of its own for campaign placement and receipt e-mail.

With FOLLOW_UP=worker the app processes only answer requests: what follows a submission
(app/follow_up.py) is left queued in the database, and `flask --app wsgi follow-up-worker`
takes it from there. It runs at a lower scheduling priority (FOLLOW_UP_NICE), so in a surge
the machine's cores go to answering residents first and the follow-up work fills the time
between; the app processes' requests no longer share one Python process (and its one running
thread at a time) with it.

It looks for new work every POLL_SECONDS: fresh receipts first (a batch over one SMTP
connection), and receipts whose claim lapsed because the process sending them died
(app/platform/outbox.py), then placements in batches (app/follow_up.py says how many).
Work that failed (a mail server down, a busy database) is not tried again at once: failed
receipts and placements older than SWEEP_AGE are swept up every SWEEP_SECONDS, as in the
background thread. Should no
worker run, the app processes still sweep up work older than WORKER_MISSING_AGE, so nothing
waits for ever.
"""

from __future__ import annotations

import logging
import os
import threading
import time

from flask import Flask

from app import follow_up
from app.campaigns import placement
from app.platform import outbox
from app.platform.extensions import db

log = logging.getLogger("opentestimony.follow_up")

POLL_SECONDS = 0.2
# Placements between two looks at the mail, so receipts never wait behind a long backlog.
PLACEMENTS_PER_ROUND = 40


def work(app: Flask, stop: threading.Event, *, burst: bool = False) -> None:
    """Do follow-up work until `stop` is set (or, with burst, until none is left)."""
    next_sweep = time.monotonic()
    while not stop.is_set():
        done, failed = one_round(app)
        if time.monotonic() >= next_sweep:
            follow_up.sweep(app)
            next_sweep = time.monotonic() + follow_up.SWEEP_SECONDS
        if burst and not done:
            return  # what keeps failing stays queued for the sweep
        if failed:
            stop.wait(follow_up.RETRY_SECONDS)
        elif not done:
            stop.wait(POLL_SECONDS)


def one_round(app: Flask) -> tuple[int, bool]:
    """Send fresh receipts, then place up to PLACEMENTS_PER_ROUND testimonies. Returns how
    much was done and whether anything failed (it stays queued). Never raises."""
    done, failed = 0, False
    with app.app_context():
        if app.config["MAIL_DELIVER_AFTER_RESPONSE"]:
            try:
                done += outbox.deliver_pending(limit=outbox.BATCH, fresh_only=True)
            except Exception:  # the mail server or the database: try again later
                log.exception("outbox delivery failed; it will be retried")
                db.session.rollback()
                failed = True
        placed = 0
        while placed < PLACEMENTS_PER_ROUND:
            try:
                now = placement.place_pending(limit=follow_up.placements_per_transaction())
                db.session.commit()
            except Exception:
                log.exception("campaign placement failed; it will be retried")
                db.session.rollback()
                failed = True
                break
            if not now:
                break
            placed += now
        done += placed
        db.session.remove()
    return done, failed


def lower_priority(app: Flask) -> None:
    niceness = int(app.config["FOLLOW_UP_NICE"])
    if niceness > 0:
        os.nice(niceness)
