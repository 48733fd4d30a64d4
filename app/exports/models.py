"""A record of every export: what, for which hearing, by whom, when, and its checksum."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import StaffUser
from app.extensions import db
from app.hearings.models import enum_column
from app.timezones import UTCDateTime


class PacketKind(enum.StrEnum):
    TESTIMONY_CSV = "testimony_csv"
    TESTIMONY_XLSX = "testimony_xlsx"
    SPEAKERS_CSV = "speakers_csv"

    @property
    def extension(self) -> str:
        return self.value.rsplit("_", 1)[1]

    @property
    def media_type(self) -> str:
        return {
            "csv": "text/csv; charset=utf-8",
            "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }[self.extension]


class Packet(db.Model):
    __tablename__ = "packets"
    __table_args__ = (Index("ix_packets_hearing_created", "hearing_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(ForeignKey("hearings.id", ondelete="RESTRICT"))
    kind: Mapped[PacketKind] = mapped_column(enum_column(PacketKind, "packet_kind"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    item_count: Mapped[int] = mapped_column(Integer)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    # The file itself is kept in the attachment store under this digest.
    sha256: Mapped[str] = mapped_column(String(64))

    created_by: Mapped[StaffUser] = relationship()
