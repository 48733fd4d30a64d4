"""A claim kept alive while its work runs (app/platform/heartbeat.py)."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from app.platform.heartbeat import Heartbeat


def _wait_for(condition, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


def test_a_claim_is_renewed_while_the_work_runs_and_no_longer_after(db):
    beats: list[int] = []

    def renew(connection) -> int:
        beats.append(connection.execute(text("SELECT 1")).scalar_one())
        return 1

    with Heartbeat(db.engine, renew, seconds=0.02, lease=timedelta(seconds=1), what="t") as beat:
        assert _wait_for(lambda: len(beats) >= 3)
        assert beat.holds()
    stopped_at = len(beats)
    time.sleep(0.1)
    assert len(beats) == stopped_at


def test_a_claim_another_process_took_is_never_renewed_again(db):
    beats: list[int] = []

    def renew(_connection) -> int:
        beats.append(0)
        return 0  # no row is ours any more

    with Heartbeat(db.engine, renew, seconds=0.02, lease=timedelta(seconds=60), what="t") as beat:
        assert _wait_for(lambda: beat.lost)
        time.sleep(0.1)
        assert not beat.holds()
    assert beats == [0]


def test_a_failed_renewal_is_tried_again_and_the_claim_lapses_if_none_succeeds(db, caplog):
    def renew(_connection) -> int:
        raise OperationalError("UPDATE", {}, Exception("database is locked"))

    lease = timedelta(seconds=0.3)
    with Heartbeat(db.engine, renew, seconds=0.02, lease=lease, what="test rows") as beat:
        assert beat.holds()  # taken just now
        assert _wait_for(lambda: not beat.holds())
        assert not beat.lost  # not known to be taken: only not surely held
    assert "claim on test rows not renewed: OperationalError" in caplog.text
