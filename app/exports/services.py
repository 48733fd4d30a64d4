"""Make an export, keep its file and record who made it. Callers commit."""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import and_, func, select
from sqlalchemy.orm import joinedload

from app.accounts.models import StaffUser
from app.exports import jobs
from app.exports.models import ExportStatus, Packet, PacketKind, PacketTestimony
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


class UnusableBase(DomainError):
    """The packet chosen for an addendum to list the changes since cannot be one."""


def recorded_packets(hearing: Hearing) -> tuple[list[Packet], int]:
    """The hearing's ready whole-hearing packets an addendum can list the changes since,
    newest first, and how many others are ready but recorded nothing of what they printed
    (made before packets kept it)."""
    recorded = (
        select(func.count())
        .where(PacketTestimony.packet_id == Packet.id)
        .correlate(Packet)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Packet, recorded)
        .where(
            Packet.hearing_id == hearing.id,
            Packet.kind == PacketKind.PACKET_PDF,
            Packet.measure_id.is_(None),
            Packet.status == ExportStatus.READY,
            Packet.sha256.is_not(None),
        )
        .options(joinedload(Packet.created_by))
        .order_by(Packet.created_at.desc(), Packet.id.desc())
    ).all()
    usable = [packet for packet, count in rows if count == packet.item_count]
    return usable, len(rows) - len(usable)


def _has_contents(packet: Packet) -> bool:
    """Whether the packet recorded every testimony it printed (one that printed none has
    nothing to record, and nothing to miss)."""
    count = db.session.scalar(select(func.count()).where(PacketTestimony.packet_id == packet.id))
    return count == packet.item_count


def addendum_base(hearing: Hearing, since_id: int | None) -> Packet:
    """The earlier packet an addendum of this hearing lists the changes since, or a clear
    refusal: it must be this hearing's, a whole-hearing packet, ready, and have recorded what
    it printed."""
    if since_id is None:
        raise UnusableBase(_("Choose the earlier packet the addendum lists the changes since."))
    since = db.session.get(Packet, since_id) if 0 < since_id < 2**31 else None
    if since is None:
        raise UnusableBase(
            _("That is not one of this hearing's packets; choose one from the list.")
        )
    if since.hearing_id != hearing.id:
        raise UnusableBase(_("That packet belongs to another hearing; choose one of this one's."))
    if since.kind is not PacketKind.PACKET_PDF:
        raise UnusableBase(
            _("That export is not a hearing packet; an addendum lists the changes since one.")
        )
    if since.measure_id is not None:
        raise UnusableBase(
            _(
                "That packet covers one measure; an addendum lists the changes since a packet of "
                "the whole hearing."
            )
        )
    if not since.is_ready():
        raise UnusableBase(_("That packet is not ready; choose one that was finished."))
    if not _has_contents(since):
        raise UnusableBase(
            _(
                "That packet was made before packets recorded what they printed, so there is "
                "nothing to compare with; make a new packet and use it next time."
            )
        )
    return since


def request_export(
    actor: StaffUser | None,
    hearing: Hearing,
    kind: PacketKind,
    *,
    measure: Measure | None = None,
    since_id: int | None = None,
    now: datetime,
) -> Packet:
    """Queue a background export (packet, addendum, speaker PDF, bundle or sign-in
    spreadsheet) and its job. The
    caller commits, then may start it at once with jobs.start().

    An addendum covers the whole hearing and needs `since_id`, the earlier packet it lists the
    changes since (see addendum_base); other kinds take none."""
    if not kind.runs_in_background:
        raise ValueError(f"{kind} is made during the request")
    if measure is not None and measure not in hearing.measures:
        raise ValueError("the measure is not on this hearing's agenda")
    if kind is PacketKind.ADDENDUM_PDF:
        if measure is not None:
            raise UnusableBase(
                _("An addendum covers the whole hearing; choose all measures on the agenda.")
            )
        since = addendum_base(hearing, since_id)
    elif since_id is not None:
        raise ValueError(f"{kind} is not made since an earlier packet")
    else:
        since = None
    same_scope = (
        Packet.measure_id == measure.id if measure is not None else Packet.measure_id.is_(None)
    )
    if since is not None:
        same_scope = and_(same_scope, Packet.since_packet_id == since.id)
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
        since_packet_id=since.id if since is not None else None,
    )
    db.session.add(packet)
    db.session.flush()
    actor_name = actor.audit_name if actor else audit.SYSTEM
    extra = {"since": since.id} if since is not None else {}
    audit.record(
        actor_name,
        "export.requested",
        packet,
        at=now,
        kind=kind.value,
        measure=measure.number if measure else None,
        **extra,
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
