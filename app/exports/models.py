"""A record of every export: what, for which hearing, by whom, when, and its checksum."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import StaffUser
from app.hearings.models import Hearing, Measure
from app.platform.columns import enum_column
from app.platform.extensions import db
from app.platform.timezones import UTCDateTime


class PacketKind(enum.StrEnum):
    TESTIMONY_CSV = "testimony_csv"
    TESTIMONY_XLSX = "testimony_xlsx"
    SPEAKERS_CSV = "speakers_csv"
    SPEAKERS_PDF = "speakers_pdf"
    PACKET_PDF = "packet_pdf"
    ADDENDUM_PDF = "addendum_pdf"
    BUNDLE_ZIP = "bundle_zip"
    SIGN_INS_CSV = "sign_ins_csv"
    SIGN_INS_XLSX = "sign_ins_xlsx"

    @property
    def runs_in_background(self) -> bool:
        """Testimony spreadsheets are quick enough to make during the request; PDFs and bundles
        are not, nor the sign-in spreadsheets (a bill can draw 100,000 sign-ins: a minute of
        XLSX, see docs/benchmarks.md)."""
        return self.extension in ("pdf", "zip") or self.value.startswith("sign_ins_")

    @property
    def extension(self) -> str:
        return self.value.rsplit("_", 1)[1]

    @property
    def media_type(self) -> str:
        return {
            "csv": "text/csv; charset=utf-8",
            "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "pdf": "application/pdf",
            "zip": "application/zip",
        }[self.extension]


class ExportStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    READY = "ready"
    FAILED = "failed"


# A running export reports progress at least this often; one silent for longer was interrupted
# (its process stopped) and can be started again. A queued one may wait behind others on the
# Redis queue, so it is only given up on after the longest an export may run.
STALE_AFTER = timedelta(minutes=10)
QUEUED_STALE_AFTER = timedelta(hours=2)


class Packet(db.Model):
    __tablename__ = "packets"
    __table_args__ = (Index("ix_packets_hearing_created", "hearing_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(ForeignKey("hearings.id", ondelete="RESTRICT"))
    kind: Mapped[PacketKind] = mapped_column(enum_column(PacketKind, "packet_kind"))
    # One measure's packet, or the whole hearing's when empty.
    measure_id: Mapped[int | None] = mapped_column(ForeignKey("measures.id", ondelete="RESTRICT"))
    # Empty when made from the command line.
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="RESTRICT")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[ExportStatus] = mapped_column(
        enum_column(ExportStatus, "export_status"), default=ExportStatus.READY
    )
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int] = mapped_column(Integer, default=0)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Why it failed, in words for the clerk (never resident data).
    error: Mapped[str | None] = mapped_column(String(300))
    item_count: Mapped[int] = mapped_column(Integer, default=0)
    size_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    page_count: Mapped[int | None] = mapped_column(Integer)
    # The file itself is kept in the file store under this digest, once it is ready.
    sha256: Mapped[str | None] = mapped_column(String(64))
    # For packets: a digest of the testimony printed, the same whenever nothing changed.
    content_sha256: Mapped[str | None] = mapped_column(String(64))
    # The language of whoever asked for it: the packet's fixed text (cover, headings, labels)
    # is printed in it, even when a worker makes the file later.
    lang: Mapped[str] = mapped_column(String(12), default="en", server_default="en")
    # For an addendum: the earlier packet it lists the changes since.
    since_packet_id: Mapped[int | None] = mapped_column(
        ForeignKey("packets.id", ondelete="RESTRICT")
    )

    hearing: Mapped[Hearing] = relationship()
    since_packet: Mapped[Packet | None] = relationship(remote_side=[id])
    created_by: Mapped[StaffUser | None] = relationship()
    measure: Mapped[Measure | None] = relationship()

    def is_ready(self) -> bool:
        return self.status is ExportStatus.READY and self.sha256 is not None

    def is_interrupted(self, now: datetime) -> bool:
        """Queued or running, but given up on: see STALE_AFTER and QUEUED_STALE_AFTER."""
        if self.status is ExportStatus.QUEUED:
            return now - self.created_at > QUEUED_STALE_AFTER
        if self.status is ExportStatus.RUNNING:
            return now - (self.heartbeat_at or self.created_at) > STALE_AFTER
        return False

    def is_working(self, now: datetime) -> bool:
        return self.status in (ExportStatus.QUEUED, ExportStatus.RUNNING) and not (
            self.is_interrupted(now)
        )


class PacketTestimony(db.Model):
    """Which version of which testimony a packet printed: what its addendum compares with."""

    __tablename__ = "packet_testimonies"

    packet_id: Mapped[int] = mapped_column(
        ForeignKey("packets.id", ondelete="CASCADE"), primary_key=True
    )
    testimony_id: Mapped[int] = mapped_column(
        ForeignKey("testimonies.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    version: Mapped[int] = mapped_column(Integer)


class PacketSignIn(db.Model):
    """Which version of which sign-in a whole-hearing packet listed on its roster: what its
    addendum compares with."""

    __tablename__ = "packet_sign_ins"

    packet_id: Mapped[int] = mapped_column(
        ForeignKey("packets.id", ondelete="CASCADE"), primary_key=True
    )
    sign_in_id: Mapped[int] = mapped_column(
        ForeignKey("sign_ins.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    version: Mapped[int] = mapped_column(Integer)
