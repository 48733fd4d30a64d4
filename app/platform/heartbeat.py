"""Keeping a claim alive while its work runs: the jobs queue and the outbox both claim rows
with a lease, and renew it from a thread of their own for as long as the work takes."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger("opentestimony.claims")


class Heartbeat:
    """Every `seconds`, runs `renew` in a transaction of its own (a context manager).

    `renew` updates the claimed rows still held by this process and returns how many it
    renewed: none means the claim lapsed and another process took them, so renewing stops.
    A failed renewal is logged and tried again at the next beat, within the lease."""

    def __init__(
        self,
        engine: Engine,
        renew: Callable[[Connection], int],
        *,
        seconds: float,
        lease: timedelta,
        what: str,
    ) -> None:
        self.engine = engine
        self.renew = renew
        self.seconds = seconds
        self.lease = lease
        self.what = what
        self.renewed = time.monotonic()  # the claim was taken just now
        self.lost = False  # another process retook the rows: never renewed again
        self.stopped = threading.Event()
        self.thread = threading.Thread(
            target=self._beat, name=f"opentestimony-heartbeat-{what}", daemon=True
        )

    def __enter__(self) -> Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.stopped.set()
        self.thread.join()

    def _beat(self) -> None:
        while not self.stopped.wait(self.seconds):
            started = time.monotonic()
            try:
                with self.engine.begin() as connection:
                    renewed = self.renew(connection)
            except SQLAlchemyError as error:
                log.warning("claim on %s not renewed: %s", self.what, type(error).__name__)
            else:
                if renewed:
                    self.renewed = started
                else:
                    self.lost = True
                    return

    def holds(self) -> bool:
        """Whether the claim surely still stands: renewed well within the lease. Past that,
        another process may have taken the rows, and working on one would do it twice."""
        if self.lost:
            return False
        return time.monotonic() - self.renewed < self.lease.total_seconds() * 2 / 3
