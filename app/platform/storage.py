"""Content-addressed file storage for attachments and finished exports.

Files are stored once per SHA-256: under the upload folder on this machine (`folder`, the
default), or in the database (`database`, app/platform/database_store.py) when several
machines serve the app. OPENTESTIMONY_FILE_STORE chooses; both offer the same methods.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from flask import current_app


class FileStore:
    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def _path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError("not a SHA-256 hex digest")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes) -> str:
        """Store the bytes (once) and return their SHA-256."""
        digest = hashlib.sha256(data).hexdigest()
        path = self._path(digest)
        if path.exists():
            return digest
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_then_rename(path, [data])
        return digest

    def put_file(self, source: Path) -> tuple[str, int]:
        """Move a finished file into the store (once) without reading it into memory."""
        digest = hashlib.sha256()
        size = 0
        with source.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
                size += len(block)
            os.fsync(handle.fileno())
        sha256 = digest.hexdigest()
        path = self._path(sha256)
        if path.exists():
            source.unlink()
            return sha256, size
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(source, path)
        except OSError:  # another file system: copy next to the target, then rename
            with source.open("rb") as handle:
                _write_then_rename(path, iter(lambda: handle.read(1 << 20), b""))
            source.unlink()
        return sha256, size

    def path(self, sha256: str) -> Path:
        """Where the file with this digest lives, for streaming it out or reading page by page."""
        return self._path(sha256)

    def work_folder(self) -> Path:
        """A folder on the store's file system for files being built, so finishing is a rename."""
        folder = self.root / ".work"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def get(self, sha256: str) -> bytes:
        return self._path(sha256).read_bytes()

    def exists(self, sha256: str) -> bool:
        return self._path(sha256).exists()

    def discard(self, sha256: str) -> None:
        """Delete a stored file; the caller has made sure nothing refers to it any more."""
        self._path(sha256).unlink(missing_ok=True)


def _write_then_rename(path: Path, blocks: Iterable[bytes]) -> None:
    """Write the blocks beside `path`, then rename: a reader never sees half a file and a
    crash leaves no stub under the final name."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            for block in blocks:
                out.write(block)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


FILE_STORES = ("folder", "database")


def file_store():
    if current_app.config["FILE_STORE"] == "database":
        from app.platform.database_store import DatabaseStore

        return DatabaseStore(current_app.config["UPLOAD_FOLDER"])
    return FileStore(current_app.config["UPLOAD_FOLDER"])
