"""Make an export, keep its file and record who made it. Callers commit."""

from __future__ import annotations

import hashlib
from datetime import datetime

from app import audit
from app.accounts.models import StaffUser
from app.exports.models import Packet, PacketKind
from app.exports.rows import SPEAKER_COLUMNS, speaker_rows, testimony_rows
from app.exports.spreadsheets import to_csv, to_xlsx
from app.extensions import db
from app.hearings.models import Hearing
from app.storage import file_store


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


def packet_file(packet: Packet) -> bytes:
    data = file_store().get(packet.sha256)
    if hashlib.sha256(data).hexdigest() != packet.sha256:
        raise OSError("stored export does not match its checksum")
    return data
