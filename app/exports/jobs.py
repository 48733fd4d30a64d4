"""Making exports outside the request, and reporting their progress.

Asking for an export (services.request_export) queues an "exports.build" job in the same
transaction (app/platform/jobs.py runs it: a thread of the app process by default, a `flask
jobs work` process, or a Redis queue's worker). Whoever runs it first claims the export with a
conditional update, so it is never made twice; its progress and heartbeat are written as it
goes, and its outcome is audited.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import insert, update

from app.exports.builders import ExportRequest, build
from app.exports.models import ExportStatus, Packet, PacketSignIn, PacketTestimony
from app.platform import audit, jobs
from app.platform.extensions import db
from app.platform.storage import file_store
from app.platform.timezones import utcnow

log = logging.getLogger(__name__)

JOB = "exports.build"
FAILED_MESSAGE = "The export could not be finished; the error has been logged for an administrator."


class QueueUnavailable(Exception):
    """The Redis queue could not take the job; the export has been marked failed."""


QUEUE_DOWN_MESSAGE = "The export queue could not be reached; please try again in a few minutes."


def start(packet_id: int) -> None:
    """Start making a queued export now. Call after the transaction that queued it has
    committed: its job is handed over at once instead of when the request ends.

    Raises QueueUnavailable, after marking the export failed (so the clerk is told and may try
    again at once), when the Redis queue cannot be reached."""
    try:
        jobs.hand_over()
    except jobs.BackendUnavailable as error:
        _finish(packet_id, status=ExportStatus.FAILED, error=QUEUE_DOWN_MESSAGE)
        raise QueueUnavailable from error


def queue(packet: Packet) -> None:
    """Queue the export's job in the current transaction."""
    jobs.enqueue(JOB, {"packet_id": packet.id})


def run_job(payloads: list[dict]) -> None:
    """The "exports.build" job: make each export (they record their own failures)."""
    for payload in payloads:
        run(payload["packet_id"])


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
                    since_packet_id=packet.since_packet_id,
                )
            )
            sha256, size = store.put_file(built.path)
    except Exception:
        db.session.rollback()
        log.exception("export %s failed", packet_id)
        _finish(packet_id, status=ExportStatus.FAILED, error=FAILED_MESSAGE)
        return
    if built.contents is not None:
        try:
            # committed with the "ready" below
            _record_contents(packet_id, built.contents, built.sign_ins or {})
        except Exception:
            db.session.rollback()
            log.exception("export %s: recording what it printed failed", packet_id)
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


def _record_contents(packet_id: int, contents: dict[int, int], sign_ins: dict[int, int]) -> None:
    """Which version of which testimony the packet printed, and of which sign-in its roster
    listed, in the transaction that marks it ready: a ready whole-hearing packet always has
    its contents, or none were printed."""
    if contents:
        db.session.execute(
            insert(PacketTestimony.__table__),
            [
                {"packet_id": packet_id, "testimony_id": testimony_id, "version": version}
                for testimony_id, version in sorted(contents.items())
            ],
        )
    listed = sorted(sign_ins.items())
    for start in range(0, len(listed), SIGN_IN_BATCH):  # a roster may list 100,000
        db.session.execute(
            insert(PacketSignIn.__table__),
            [
                {"packet_id": packet_id, "sign_in_id": sign_in_id, "version": version}
                for sign_in_id, version in listed[start : start + SIGN_IN_BATCH]
            ],
        )


SIGN_IN_BATCH = 5000


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
