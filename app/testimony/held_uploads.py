"""Files kept from a form that was sent back, so a resident never attaches them twice.

A resident attaches a PDF and submits with another answer missing: the file has been checked,
so it is kept here, bound to that one form (the form's random submission key, stored only as a
digest, with its hearing, and for an amendment its testimony). The re-shown form lists it with
a "remove" button, and the next successful submission takes it. Nothing else can reach it: every
lookup needs the key, which only that resident's browser has. What is never taken expires after
HOLD_FOR and is deleted, row and stored file (unless something else stored the same bytes).
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    delete,
    exists,
    or_,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.platform.extensions import db
from app.platform.storage import file_store
from app.platform.timezones import UTCDateTime, utcnow
from app.testimony.pdf_check import CheckedPdf
from app.testimony.submissions import Upload

# Long enough to look something up and come back to the form; short enough that a file
# nobody sends does not linger.
HOLD_FOR = timedelta(hours=3)


class HeldUpload(db.Model):
    __tablename__ = "held_uploads"
    __table_args__ = (
        CheckConstraint("size_bytes > 0", name="size_positive"),
        CheckConstraint("page_count > 0", name="page_count_positive"),
        CheckConstraint("length(key_digest) = 64", name="key_digest_length"),
        Index("ix_held_uploads_form", "hearing_id", "key_digest"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(ForeignKey("hearings.id", ondelete="CASCADE"))
    # Set for an amendment: the testimony being amended. Empty for a first submission.
    testimony_id: Mapped[int | None] = mapped_column(
        ForeignKey("testimonies.id", ondelete="CASCADE"), index=True
    )
    # SHA-256 of the form's submission key: the key itself, which unlocks the file, is not kept.
    key_digest: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    original_name: Mapped[str] = mapped_column(String(255))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    page_count: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class FormScope:
    """One form: its hearing, its key and, for an amendment, the testimony it changes."""

    def __init__(self, hearing_id: int, key: str, testimony_id: int | None = None) -> None:
        self.hearing_id = hearing_id
        self.testimony_id = testimony_id
        self.key_digest = hashlib.sha256(f"held-upload:{key}".encode()).hexdigest()

    def where(self, now: datetime) -> tuple:
        same_testimony = (
            HeldUpload.testimony_id.is_(None)
            if self.testimony_id is None
            else HeldUpload.testimony_id == self.testimony_id
        )
        return (
            HeldUpload.hearing_id == self.hearing_id,
            HeldUpload.key_digest == self.key_digest,
            same_testimony,
            HeldUpload.created_at > now - HOLD_FOR,
        )


def held_for(scope: FormScope, *, now: datetime) -> list[HeldUpload]:
    """The files still kept for this form, oldest first."""
    return list(
        db.session.scalars(select(HeldUpload).where(*scope.where(now)).order_by(HeldUpload.id))
    )


def hold(
    scope: FormScope, uploads: tuple[Upload, ...], *, now: datetime, limit: int
) -> list[HeldUpload]:
    """Keep checked files for this form, never more than `limit` in all (the form refuses more,
    but two copies of one form sent at once could each add some)."""
    store = file_store()
    rows = []
    room = limit - len(held_for(scope, now=now))
    for upload in uploads[: max(0, room)]:
        row = HeldUpload(
            hearing_id=scope.hearing_id,
            testimony_id=scope.testimony_id,
            key_digest=scope.key_digest,
            sha256=store.put(upload.pdf.data),
            original_name=upload.filename,
            size_bytes=len(upload.pdf.data),
            page_count=upload.pdf.page_count,
            created_at=now,
        )
        db.session.add(row)
        rows.append(row)
    db.session.flush()
    return rows


def release(scope: FormScope, held_id: int, *, now: datetime) -> HeldUpload | None:
    """Remove one kept file from this form; None when this form holds no such file. Its
    stored bytes go once this is committed (forget_files)."""
    row = db.session.scalar(select(HeldUpload).where(HeldUpload.id == held_id, *scope.where(now)))
    if row is None:
        return None
    db.session.execute(delete(HeldUpload).where(HeldUpload.id == row.id))
    return row


def take(scope: FormScope, *, now: datetime, limit: int) -> tuple[Upload, ...]:
    """The form's kept files (the first `limit`) as uploads for its submission, and forget
    them: call inside the transaction that stores the testimony, so a failure there keeps them
    for the next try."""
    rows = held_for(scope, now=now)[: max(0, limit)]
    if not rows:
        return ()
    store = file_store()
    uploads = tuple(
        Upload(
            filename=row.original_name,
            pdf=CheckedPdf(data=store.get(row.sha256), page_count=row.page_count),
        )
        for row in rows
    )
    # A statement, not session.delete: a concurrent copy of the same form (a double click)
    # may have taken them already, and that is not an error.
    db.session.execute(delete(HeldUpload).where(HeldUpload.id.in_([row.id for row in rows])))
    return uploads


def sweep_expired(*, now: datetime, limit: int) -> list[str]:
    """Delete up to `limit` files kept longer than HOLD_FOR; returns their digests, for
    forget_files once this is committed."""
    expired = db.session.execute(
        select(HeldUpload.id, HeldUpload.sha256)
        .where(HeldUpload.created_at <= now - HOLD_FOR)
        .order_by(HeldUpload.created_at)
        .limit(limit)
    ).all()
    if expired:
        db.session.execute(delete(HeldUpload).where(HeldUpload.id.in_([row.id for row in expired])))
    return [row.sha256 for row in expired]


def forget_expired() -> None:
    """Files kept from forms sent back are deleted once they expire, even on a site where no
    later form passes by to do it: run on every sweep of the background jobs (`flask files
    forget-held` does the same by hand). Commits."""
    digests = sweep_expired(now=utcnow(), limit=500)
    db.session.commit()  # the rows first: a file is deleted only once nothing points to it
    if digests:
        forget_files(digests)


def forget_files(digests) -> int:
    """Delete the stored files that nothing refers to any more: no attachment, kept file or
    export (any column holding a file digest). Call after the commit that let go of them, so a
    rollback never leaves a row pointing at a deleted file; returns how many were deleted."""
    store = file_store()
    deleted = 0
    for sha256 in sorted(set(digests)):
        if not _in_use(sha256):
            store.discard(sha256)
            deleted += 1
    return deleted


def _in_use(sha256: str) -> bool:
    checks = [
        exists().where(column == sha256)
        for table in db.metadata.sorted_tables
        if table.name not in _STORE_TABLES
        for column in table.columns
        if column.name == "sha256" or column.name.endswith("_sha256")
    ]
    return bool(db.session.scalar(select(or_(*checks))))


# The file store's own tables (database store): they hold the file, they do not use it.
_STORE_TABLES = frozenset({"stored_files", "file_chunks"})
