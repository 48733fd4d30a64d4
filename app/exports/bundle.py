"""The ZIP bundle a clerk sends to the committee, with a manifest of every file's SHA-256."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from app.platform.extensions import db
from app.testimony.models import Attachment, Testimony

MANIFEST_FORMAT = "opentestimony-bundle/1"
_SEPARATORS = re.compile(r"_{2,}")
_DEVICES = {"CON", "PRN", "AUX", "NUL"} | {f"{k}{n}" for k in ("COM", "LPT") for n in range(1, 10)}


def _plain(text: str) -> str:
    """Letters, digits and their accents and vowel marks, '-', '_' and spaces; the rest '_'.
    A mark stays only on a letter or digit kept: the variation selector of an emoji that
    became '_' would otherwise begin the name, unseen."""
    kept: list[str] = []
    for c in text:
        mark = _is_mark(c)
        on_letter = bool(kept) and (kept[-1].isalnum() or _is_mark(kept[-1]))
        kept.append(c if c.isalnum() or c in "-_ " or (mark and on_letter) else "_")
    return _SEPARATORS.sub("_", "".join(kept))


def _is_mark(c: str) -> bool:
    return unicodedata.category(c) in ("Mn", "Mc")


def safe_file_name(name: str, *, fallback: str = "attachment", limit: int = 80) -> str:
    """A file name that is only a name on every system: no folders, no control characters,
    no dots but the one before the extension, nothing Windows reserves, at most `limit`
    characters."""
    name = unicodedata.normalize("NFKC", name).replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    extension = "".join(c for c in extension if c.isascii() and c.isalnum())[:10]
    stem = _plain(stem).strip(" _-") or fallback
    if stem.upper() in _DEVICES:
        stem = f"_{stem}"
    stem = stem[: limit - len(extension) - 1].rstrip(" _-") or fallback
    return f"{stem}.{extension}" if extension else stem


@dataclass(frozen=True)
class BundleFile:
    """One file for the bundle: its name inside the ZIP, where it is now, and what it is."""

    name: str
    source: Path
    description: str


def approved_attachments(ids: list[int]) -> Iterator[tuple[str, int, Attachment]]:
    """(tracking number, position among its attachments, attachment) in packet order."""
    for start in range(0, len(ids), 500):
        wanted = ids[start : start + 500]
        rows = db.session.execute(
            select(Testimony.id, Testimony.tracking_number, Attachment)
            .join(Attachment, Attachment.testimony_id == Testimony.id)
            .where(Testimony.id.in_(wanted))
            .order_by(Attachment.id)
        ).all()
        by_testimony: dict[int, list[tuple[str, Attachment]]] = {}
        for testimony_id, tracking, attachment in rows:
            by_testimony.setdefault(testimony_id, []).append((tracking, attachment))
        for testimony_id in wanted:
            for index, (tracking, attachment) in enumerate(
                by_testimony.get(testimony_id, []), start=1
            ):
                yield tracking, index, attachment
                db.session.expunge(attachment)


def attachment_file_name(index: int, original: str) -> str:
    """`<n>-<safe name>.pdf` whatever the resident called the file: the file is always the
    cleaned PDF, so `app.py` becomes `1-app_py.pdf` and `passwd` `1-passwd.pdf`."""
    name = unicodedata.normalize("NFKC", original).replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, extension = name.rpartition(".")
    if dot and extension.lower() == "pdf":
        name = stem
    stem = safe_file_name(name.replace(".", "_"), fallback="attachment", limit=76)
    return f"{index}-{stem}.pdf"


def attachment_entry_name(tracking: str, index: int, original: str) -> str:
    return f"attachments/{safe_file_name(tracking)}/{attachment_file_name(index, original)}"


def write_bundle(
    out_path: Path,
    files: list[BundleFile],
    *,
    about: dict,
    when: datetime,
    on_file: Callable[[], None] = lambda: None,
) -> None:
    """Write the ZIP: every file, then manifest.json listing each with its size and SHA-256.

    Entries carry the export's time rather than the files' own, so the same files always make
    the same ZIP.
    """
    stamp = when.timetuple()[:6]
    listed = []
    with zipfile.ZipFile(out_path, "w") as bundle:
        for item in files:
            compress = (
                zipfile.ZIP_STORED
                if item.name.endswith((".pdf", ".xlsx"))
                else (zipfile.ZIP_DEFLATED)
            )
            info = _entry(item.name, stamp, compress)
            digest, size = hashlib.sha256(), 0
            with item.source.open("rb") as source, bundle.open(info, "w") as target:
                for block in iter(lambda: source.read(1 << 20), b""):
                    digest.update(block)
                    size += len(block)
                    target.write(block)
            listed.append(
                {
                    "path": item.name,
                    "bytes": size,
                    "sha256": digest.hexdigest(),
                    "description": item.description,
                }
            )
        manifest = {"format": MANIFEST_FORMAT, **about, "files": listed}
        data = json.dumps(manifest, ensure_ascii=False, indent=2).encode() + b"\n"
        bundle.writestr(_entry("manifest.json", stamp, zipfile.ZIP_DEFLATED), data)


def _entry(name: str, stamp, compress: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=stamp)
    info.compress_type = compress
    info.external_attr = 0o644 << 16
    return info
