"""Files kept in the database, for deployments where several machines serve the app.

The folder store (app/platform/storage.py) keeps each file on one machine's disk; with
more than one app server or export worker, a resident's attachment uploaded to one would be
missing on another.
Here every file is a row in `stored_files` and its bytes are 1 MiB rows in `file_chunks`, written
in the same transaction as whatever refers to them: a testimony and its attachments are stored
together or not at all. Files that a library must open from disk (attachments merged into the
packet, a download streamed to the browser) are copied once into a cache folder on the machine
that needs them, and checked there against their SHA-256.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    delete,
    select,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column

from app.platform.extensions import db
from app.platform.timezones import UTCDateTime, utcnow

CHUNK_BYTES = 1 << 20


class StoredFile(db.Model):
    __tablename__ = "stored_files"
    __table_args__ = (
        CheckConstraint("length(sha256) = 64", name="ck_stored_files_sha256"),
        CheckConstraint("size_bytes >= 0", name="ck_stored_files_size"),
    )

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    stored_at: Mapped[datetime] = mapped_column(UTCDateTime())


class FileChunk(db.Model):
    __tablename__ = "file_chunks"

    sha256: Mapped[str] = mapped_column(
        ForeignKey("stored_files.sha256", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


def _check(sha256: str) -> str:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError("not a SHA-256 hex digest")
    return sha256


def _digest_of(path: Path) -> tuple[str, int]:
    """SHA-256 and size of a file, read a chunk at a time."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(CHUNK_BYTES), b""):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


class DatabaseStore:
    """The same methods as the folder store; `root` holds only work files and the cache."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def _claim(self, sha256: str, size: int) -> bool:
        """Add the file's row unless it is there: True when this call must write the bytes.
        A concurrent writer of the same file waits for the first (PostgreSQL) or cannot start
        before it ends (SQLite), so the bytes are written exactly once."""
        values = {"sha256": sha256, "size_bytes": size, "stored_at": utcnow()}
        dialect = db.session.get_bind().dialect.name
        insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        statement = (
            insert(StoredFile)
            .values(**values)
            .on_conflict_do_nothing()
            .returning(StoredFile.sha256)
        )
        return db.session.execute(statement).scalar() is not None

    def _write_chunks(self, sha256: str, blocks) -> None:
        for seq, block in enumerate(blocks):
            db.session.execute(
                FileChunk.__table__.insert().values(sha256=sha256, seq=seq, data=block)
            )

    def put(self, data: bytes) -> str:
        """Store the bytes (once) and return their SHA-256."""
        digest = hashlib.sha256(data).hexdigest()
        if self._claim(digest, len(data)):
            starts = range(0, len(data), CHUNK_BYTES)
            self._write_chunks(digest, (data[start : start + CHUNK_BYTES] for start in starts))
        return digest

    def put_file(self, source: Path) -> tuple[str, int]:
        """Store a finished file (once), a chunk at a time, and remove the work file."""
        sha256, size = _digest_of(source)
        if self._claim(sha256, size):
            with source.open("rb") as handle:
                self._write_chunks(sha256, iter(lambda: handle.read(CHUNK_BYTES), b""))
        source.unlink()
        return sha256, size

    def _chunks(self, sha256: str):
        if not self.exists(sha256):
            raise FileNotFoundError(sha256)
        return db.session.execute(
            select(FileChunk.data)
            .where(FileChunk.sha256 == _check(sha256))
            .order_by(FileChunk.seq)
            .execution_options(yield_per=4)
        ).scalars()

    def get(self, sha256: str) -> bytes:
        return b"".join(self._chunks(sha256))

    def exists(self, sha256: str) -> bool:
        wanted = select(StoredFile.sha256).where(StoredFile.sha256 == _check(sha256))
        return db.session.scalar(wanted) is not None

    def discard(self, sha256: str) -> None:
        """Delete a stored file, and this machine's copy of it; the caller has made sure
        nothing refers to it any more."""
        db.session.execute(delete(FileChunk).where(FileChunk.sha256 == _check(sha256)))
        db.session.execute(delete(StoredFile).where(StoredFile.sha256 == sha256))
        (self.root / "cache" / sha256[:2] / sha256[2:4] / sha256).unlink(missing_ok=True)

    def path(self, sha256: str) -> Path:
        """A copy on this machine's disk, made on first use and checked against its digest."""
        cached = self.root / "cache" / sha256[:2] / sha256[2:4] / _check(sha256)
        if cached.exists():
            return cached
        cached.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=cached.parent, prefix=".fetch-")
        try:
            digest = hashlib.sha256()
            with os.fdopen(fd, "wb") as handle:
                for block in self._chunks(sha256):
                    digest.update(block)
                    handle.write(block)
            if digest.hexdigest() != sha256:
                raise OSError(f"stored file {sha256} does not match its digest")
            os.replace(temporary, cached)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return cached

    def work_folder(self) -> Path:
        folder = self.root / ".work"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def copy_in(self, source: Path, sha256: str) -> bool:
        """Store a file that another store holds under this digest, leaving the source as it
        is; True when it was copied, False when the database had it. Raises ValueError when
        the file's bytes do not match its digest (it was damaged on disk)."""
        found, size = _digest_of(source)
        if found != _check(sha256):
            raise ValueError(f"{source} does not match its digest")
        if not self._claim(sha256, size):
            return False
        with source.open("rb") as handle:
            self._write_chunks(sha256, iter(lambda: handle.read(CHUNK_BYTES), b""))
        return True


@dataclass
class Copied:
    copied: int = 0
    present: int = 0
    damaged: list[str] = field(default_factory=list)


def copy_folder_into_database(folder: Path) -> Copied:
    """Copy every file of a folder store (attachments, finished exports) into the database,
    committing one file at a time; files already there are left alone, so it can be run
    again after an interruption. The folder is not changed."""
    store = DatabaseStore(folder)
    found = Copied()
    for path in sorted(folder.glob("[0-9a-f][0-9a-f]/[0-9a-f][0-9a-f]/*")):
        name = path.name
        if not path.is_file() or name[:2] != path.parent.parent.name or len(name) != 64:
            continue  # not a stored file (work files and the cache live elsewhere)
        try:
            copied = store.copy_in(path, name)
        except ValueError:
            db.session.rollback()
            found.damaged.append(name)
            continue
        db.session.commit()
        if copied:
            found.copied += 1
        else:
            found.present += 1
    return found
