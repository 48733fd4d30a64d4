"""Running exports outside the request, and reporting their progress.

Where they run is EXPORT_RUNNER: "rq" puts a job on the Redis queue (the default when REDIS_URL
is set) for `flask --app wsgi export-worker`; "thread" runs it in a background thread of the web
process (the default otherwise); "inline" runs it at once (tests and the command line). Whoever
runs it first claims the export with a conditional update, so it is never made twice.
"""

from __future__ import annotations

import logging
import tempfile
import threading
from pathlib import Path

from flask import Flask, current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import update

from app.exports.builders import ExportRequest, build
from app.exports.models import ExportStatus, Packet
from app.platform import audit
from app.platform.extensions import db
from app.platform.storage import file_store
from app.platform.timezones import utcnow

log = logging.getLogger(__name__)

QUEUE_NAME = "exports"
JOB_TIMEOUT = 2 * 3600
FAILED_MESSAGE = "The export could not be finished; the error has been logged for an administrator."


def runner(app: Flask) -> str:
    chosen = app.config.get("EXPORT_RUNNER") or ""
    if chosen:
        return chosen
    return "rq" if app.config.get("REDIS_URL") else "thread"


class QueueUnavailable(Exception):
    """The Redis queue could not take the job; the export has been marked failed."""


QUEUE_DOWN_MESSAGE = "The export queue could not be reached; please try again in a few minutes."


def start(packet_id: int) -> None:
    """Start making a queued export. Call after the transaction that queued it has committed.

    Raises QueueUnavailable, after marking the export failed (so it does not block another
    try), when Redis cannot be reached."""
    app = current_app._get_current_object()
    how = runner(app)
    if how == "inline":
        run(packet_id)
    elif how == "rq":
        from redis.exceptions import RedisError

        try:
            _queue(app).enqueue(
                "app.exports.jobs.run_in_worker",
                packet_id,
                job_timeout=JOB_TIMEOUT,
                result_ttl=0,
                job_id=f"export-{packet_id}",
            )
        except RedisError as error:
            log.error("export %s could not be queued: %s", packet_id, type(error).__name__)
            _finish(packet_id, status=ExportStatus.FAILED, error=QUEUE_DOWN_MESSAGE)
            raise QueueUnavailable from error
    else:
        thread = threading.Thread(
            target=_run_in_thread, args=(app, packet_id), name=f"export-{packet_id}", daemon=True
        )
        thread.start()


def _queue(app: Flask):
    from redis import Redis
    from rq import Queue

    return Queue(QUEUE_NAME, connection=Redis.from_url(app.config["REDIS_URL"]))


def _run_in_thread(app: Flask, packet_id: int) -> None:
    with app.app_context():
        try:
            run(packet_id)
        finally:
            db.session.remove()


_worker_app: Flask | None = None


def run_in_worker(packet_id: int) -> None:
    """Entry point for the Redis queue worker: one application per worker process."""
    global _worker_app  # built once, on the first job this worker process takes
    if _worker_app is None:
        from app import create_app

        _worker_app = create_app()
    with _worker_app.app_context():
        try:
            run(packet_id)
        finally:
            db.session.remove()


def run(packet_id: int) -> None:
    """Claim the export, make its file, and record the outcome. Commits as it goes."""
    now = utcnow()
    claimed = db.session.execute(
        update(Packet)
        .where(Packet.id == packet_id, Packet.status == ExportStatus.QUEUED)
        .values(status=ExportStatus.RUNNING, heartbeat_at=now)
    ).rowcount
    db.session.commit()
    if not claimed:
        return
    packet = db.session.get(Packet, packet_id)
    try:
        store = file_store()
        with (
            tempfile.TemporaryDirectory(dir=store.work_folder()) as work,
            force_locale(packet.lang),
        ):
            built = build(
                ExportRequest(
                    kind=packet.kind,
                    hearing=packet.hearing,
                    measure=packet.measure,
                    generated_at=packet.created_at,
                    generated_by=(
                        packet.created_by.name if packet.created_by else _("the command line")
                    ),
                    workdir=Path(work),
                    progress=lambda done, total: _progress(packet_id, done, total),
                    checkpoint=db.session.commit,
                )
            )
            sha256, size = store.put_file(built.path)
    except Exception:
        db.session.rollback()
        log.exception("export %s failed", packet_id)
        _finish(packet_id, status=ExportStatus.FAILED, error=FAILED_MESSAGE)
        return
    _finish(
        packet_id,
        status=ExportStatus.READY,
        sha256=sha256,
        size_bytes=size,
        item_count=built.item_count,
        page_count=built.page_count,
        content_sha256=built.content_sha256,
    )


def _progress(packet_id: int, done: int, total: int) -> None:
    db.session.execute(
        update(Packet)
        .where(Packet.id == packet_id)
        .values(progress_done=done, progress_total=total, heartbeat_at=utcnow())
    )
    db.session.commit()


def _finish(packet_id: int, **values) -> None:
    now = utcnow()
    db.session.execute(
        update(Packet)
        .where(Packet.id == packet_id)
        .values(finished_at=now, heartbeat_at=now, **values)
    )
    packet = db.session.get(Packet, packet_id)
    db.session.refresh(packet)
    audit.record(
        packet.created_by.audit_name if packet.created_by else audit.SYSTEM,
        f"export.{values['status'].value}",
        packet,
        at=now,
        kind=packet.kind.value,
        items=packet.item_count,
    )
    db.session.commit()
