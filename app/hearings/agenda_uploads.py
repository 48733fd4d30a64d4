"""Keeping an uploaded agenda file between its preview and the clerk's confirmation.

The file goes into the file store (so any app server can read it back, with either store)
behind a header naming it an agenda upload and holding a random token: its digest is then
its own, never shared with an attachment or export that a deletion could take away. The
confirmation form carries the digest with the plan's fingerprint, signed and bound to the
clerk, valid for KEEP; a job deletes the file then, and confirming deletes it at once.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from app.platform import jobs
from app.platform.storage import file_store

KEEP = timedelta(hours=1)
FORGET_JOB = "hearings.forget_agenda_upload"
_HEADER = b"opentestimony agenda upload\n"
_SALT = "agenda-import-preview"


@dataclass(frozen=True)
class Preview:
    """What the clerk saw: the kept file, its name and the plan's fingerprint."""

    sha256: str
    filename: str
    fingerprint: str


def keep(data: bytes, *, now: datetime) -> str:
    """Store the file until it is confirmed or KEEP has passed; return its digest."""
    sha256 = file_store().put(_HEADER + secrets.token_hex(16).encode() + b"\n" + data)
    jobs.enqueue(FORGET_JOB, {"sha256": sha256}, at=now + KEEP)
    return sha256


def kept(sha256: str) -> bytes | None:
    """The file kept under this digest, or None once it is gone."""
    store = file_store()
    try:
        if not store.exists(sha256):
            return None
        blob = store.get(sha256)
    except (OSError, ValueError):
        return None
    if not blob.startswith(_HEADER):
        return None
    return blob.split(b"\n", 2)[2]


def forget(sha256: str) -> None:
    """Delete a kept file (only ever an agenda upload: its header says so)."""
    if kept(sha256) is not None:
        file_store().discard(sha256)


def forget_job(payloads: list[dict]) -> None:
    for payload in payloads:
        forget(str(payload.get("sha256", "")))


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=_SALT)


def sign(preview: Preview, user_id: int) -> str:
    return _serializer().dumps(
        {"s": preview.sha256, "n": preview.filename, "f": preview.fingerprint, "u": user_id}
    )


def read(token: str, user_id: int) -> Preview | None:
    """The preview behind a signed token, if it is this clerk's and not older than KEEP."""
    try:
        data = _serializer().loads(token, max_age=int(KEEP.total_seconds()))
    except BadSignature:  # tampered with, or expired (SignatureExpired is one)
        return None
    if not isinstance(data, dict) or data.get("u") != user_id:
        return None
    return Preview(str(data["s"]), str(data["n"]), str(data["f"]))
