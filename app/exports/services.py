"""Make an export, keep its file and record who made it. Callers commit."""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts.models import StaffUser
from app.exports import jobs
from app.exports.models import ExportStatus, Packet, PacketKind
from app.exports.spreadsheets.rows import testimony_rows
from app.exports.spreadsheets.speakers import SPEAKER_COLUMNS, speaker_rows
from app.exports.spreadsheets.writers import to_csv, to_xlsx
from app.hearings.models import Hearing, Measure
from app.platform import audit
from app.platform.errors import DomainError
from app.platform.extensions import db
from app.platform.storage import file_store


def export_testimony(
    actor: StaffUser, hearing: Hearing, kind: PacketKind, *, now: datetime
) -> Packet:
    """Build one of the hearing's spreadsheets, store it, and add it to the history."""
    if kind is PacketKind.TESTIMONY_CSV:
        data, count = to_csv(testimony_rows(hearing))
    elif kind is PacketKind.TESTIMONY_XLSX:
        data, count = to_xlsx(testimony_rows(hearing), title=hearing.title)
    else:
        data, count = to_csv(speaker_rows(hearing), SPEAKER_COLUMNS)
    packet = Packet(
        hearing_id=hearing.id,
        kind=kind,
        created_by_id=actor.id,
        created_at=now,
        item_count=count,
        size_bytes=len(data),
        sha256=file_store().put(data),
    )
    db.session.add(packet)
    db.session.flush()
    audit.record(actor.audit_name, "export.created", packet, at=now, kind=kind.value, items=count)
    return packet


class ExportInProgress(DomainError):
    """The same export of this hearing is already being made."""


def request_export(
    actor: StaffUser | None,
    hearing: Hearing,
    kind: PacketKind,
    *,
    measure: Measure | None = None,
    now: datetime,
) -> Packet:
    """Queue a background export (packet, speaker PDF or bundle) and its job. The caller
    commits, then may start it at once with jobs.start()."""
    if not kind.runs_in_background:
        raise ValueError(f"{kind} is made during the request")
    if measure is not None and measure not in hearing.measures:
        raise ValueError("the measure is not on this hearing's agenda")
    same_scope = (
        Packet.measure_id == measure.id if measure is not None else Packet.measure_id.is_(None)
    )
    working = db.session.scalars(
        select(Packet).where(
            Packet.hearing_id == hearing.id,
            Packet.kind == kind,
            same_scope,
            Packet.status.in_((ExportStatus.QUEUED, ExportStatus.RUNNING)),
        )
    ).all()
    if any(packet.is_working(now) for packet in working):
        raise ExportInProgress(_("This export is already being made."))
    packet = Packet(
        hearing_id=hearing.id,
        kind=kind,
        measure_id=measure.id if measure else None,
        created_by_id=actor.id if actor else None,
        created_at=now,
        status=ExportStatus.QUEUED,
        heartbeat_at=now,
        item_count=0,
        size_bytes=0,
        lang=str(get_locale() or "en"),
    )
    db.session.add(packet)
    db.session.flush()
    actor_name = actor.audit_name if actor else audit.SYSTEM
    audit.record(
        actor_name,
        "export.requested",
        packet,
        at=now,
        kind=kind.value,
        measure=measure.number if measure else None,
    )
    jobs.queue(packet)
    return packet


def packet_path(packet: Packet) -> Path:
    """The stored file of a ready export, checked against its SHA-256 without loading it."""
    if not packet.is_ready():
        raise OSError("the export is not ready")
    path = file_store().path(packet.sha256)
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != packet.sha256:
        raise OSError("stored export does not match its checksum")
    return path
