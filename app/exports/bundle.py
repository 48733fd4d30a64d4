"""The ZIP bundle a clerk sends to the committee, with a manifest of every file's SHA-256."""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from app.platform.extensions import db
from app.platform.file_names import attachment_file_name, safe_file_name
from app.testimony.models import Attachment, Testimony

MANIFEST_FORMAT = "opentestimony-bundle/1"


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
