"""Pages of a resident's PDF attachment as images, so staff can read it on the review page.

The file drawn is the copy staff download (app/testimony/attachment_pages.py): its checksum,
the survey that refuses bombs and the stripping of scripts, forms, annotations and embedded
files all come first, and whatever the download refuses is never drawn. Only then does PDFium
draw one page, in a child process with CPU, memory and wall-clock limits
(app/moderation/page_render.py), at most MAX_SIDE pixels on its longer side.

Each page is drawn once: the PNG is kept under the upload folder, by the file's SHA-256 and the
page number, and so is a failure, so a hostile file costs its time limit once, not on every
visit. Kept images are removed a day after they were drawn, or sooner once their file has left
the store (retention), so nothing of a resident outlives the attachment by long.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.moderation import page_render
from app.platform.storage import file_store
from app.testimony.attachment_pages import UnusableAttachment, clean_bytes
from app.testimony.models import Attachment

log = logging.getLogger(__name__)

MAX_SIDE = 1600  # pixels on the longer side: a letter page at 144 dpi is 1224 x 1584
MAX_SCALE = 2.0  # never more than 144 dpi, however small the page
CPU_SECONDS = 5
WALL_SECONDS = 15
MEMORY_BYTES = 512 * 1024 * 1024
# Children drawing at once in one server process: a moderator paging quickly cannot start more.
PARALLEL = 2
WAIT_SECONDS = 20
KEEP_SECONDS = 24 * 3600
SWEEP_EVERY_SECONDS = 600
# Bump when the drawing changes, so old images are not served.
CACHE_VERSION = "v1"

_CHILD = Path(page_render.__file__).resolve()
_turns = threading.BoundedSemaphore(PARALLEL)
_last_sweep = 0.0

WHY = {
    "unsafe": _l("the file did not pass its safety checks"),
    "unreadable": _l("it could not be read as a PDF"),
    "slow": _l("drawing it took too long"),
    "memory": _l("drawing it needed too much memory"),
    "busy": _l("the viewer is busy; reload the page in a moment"),
    "missing": _l("the stored file is missing"),
}


class NoSuchPage(Exception):
    """The attachment has no page with that number."""


@dataclass(frozen=True)
class Drawn:
    """One page's image, or why it could not be drawn (a key of WHY)."""

    png: bytes | None = None
    failure: str | None = None

    @property
    def reason(self) -> str:
        return str(WHY[self.failure]) if self.failure else ""


def cache_root() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / ".page-images" / CACHE_VERSION


def _folder(sha256: str) -> Path:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError("not a SHA-256 hex digest")
    return cache_root() / sha256


def draw(attachment: Attachment, page: int) -> Drawn:
    """Page `page` (from 1) of the attachment, drawn now or taken from the cache.

    Raise NoSuchPage when the attachment has no such page.
    """
    if not 1 <= page <= attachment.page_count:
        raise NoSuchPage(page)
    folder = _folder(attachment.sha256)
    image, failed, whole = folder / f"{page}.png", folder / f"{page}.failed", folder / "file.failed"
    for marker in (whole, failed):
        if marker.exists():
            reason = marker.read_text(encoding="ascii").strip()
            if reason == "no_page":
                raise NoSuchPage(page)
            return Drawn(failure=reason if reason in WHY else "unreadable")
    if image.exists():
        return Drawn(png=image.read_bytes())
    if not _turns.acquire(timeout=WAIT_SECONDS):
        return Drawn(failure="busy")  # not kept: the next visit tries again
    try:
        outcome, whole_file = _draw_now(attachment, page)
    finally:
        _turns.release()
    if outcome == "missing":
        return Drawn(failure="missing")
    folder.mkdir(parents=True, exist_ok=True)
    if isinstance(outcome, bytes):
        _write(image, outcome)
        _sweep()
        return Drawn(png=outcome)
    _write(whole if whole_file else failed, outcome.encode("ascii"))
    _sweep()
    if outcome == "no_page":
        raise NoSuchPage(page)
    return Drawn(failure=outcome)


def _draw_now(attachment: Attachment, page: int) -> tuple[bytes | str, bool]:
    """(the PNG or a failure key, whether the failure is the whole file's)."""
    store = file_store()
    try:
        path = store.path(attachment.sha256)
    except FileNotFoundError:
        return "missing", True
    if not path.exists():
        return "missing", True
    try:
        data = clean_bytes(
            path, attachment.sha256, max_pages=current_app.config["ATTACHMENT_MAX_PAGES"]
        )
    except UnusableAttachment as error:
        # Checksum, survey, page count or encryption: the same refusal as the download.
        log.warning("Attachment %s not drawn: %s", attachment.id, error)
        return "unsafe", True
    return _run_child(data, page - 1), False


def _run_child(
    data: bytes,
    page_index: int,
    *,
    cpu_seconds: int | None = None,
    memory_bytes: int | None = None,
    wall_seconds: float | None = None,
) -> bytes | str:
    """The page as a PNG, or a failure key, from a child process under the limits."""
    cpu_seconds = CPU_SECONDS if cpu_seconds is None else cpu_seconds
    memory_bytes = MEMORY_BYTES if memory_bytes is None else memory_bytes
    wall_seconds = WALL_SECONDS if wall_seconds is None else wall_seconds
    command = [
        sys.executable,
        "-I",  # isolated: no environment variables, no user site, not the app's folder
        str(_CHILD),
        str(page_index),
        str(MAX_SIDE),
        str(cpu_seconds),
        str(memory_bytes),
        str(MAX_SCALE),
    ]
    return _run_child_command(command, data, wall_seconds=wall_seconds)


def _run_child_command(command: list[str], data: bytes, *, wall_seconds: float) -> bytes | str:
    started = time.monotonic()
    try:
        done = subprocess.run(  # noqa: S603 - our own program, no shell, the PDF on stdin
            command,
            input=data,
            capture_output=True,
            timeout=wall_seconds,
            check=False,
            env={},
        )
    except subprocess.TimeoutExpired:  # run() has killed the child
        log.warning("Page drawing stopped after %ss", wall_seconds)
        return "slow"
    if done.returncode == 0 and done.stdout.startswith(b"\x89PNG\r\n\x1a\n"):
        return done.stdout
    failure = {
        page_render.UNREADABLE: "unreadable",
        page_render.NO_SUCH_PAGE: "no_page",
        page_render.OUT_OF_MEMORY: "memory",
        page_render.TOO_BIG: "memory",
        # SIGXCPU at the soft CPU limit, SIGKILL at the hard one
        -signal.SIGXCPU: "slow",
        -signal.SIGKILL: "slow",
    }.get(done.returncode, "unreadable")
    if failure != "no_page":
        log.warning(
            "Page drawing failed (exit %s after %.1fs)", done.returncode, time.monotonic() - started
        )
    return failure


def _write(path: Path, data: bytes) -> None:
    """Write beside the target, then rename: a reader never sees half an image."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".draw-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _sweep(*, now: float | None = None, force: bool = False) -> None:
    """Remove images drawn more than KEEP_SECONDS ago, and those whose file is gone."""
    global _last_sweep
    now = time.time() if now is None else now
    if not force and now - _last_sweep < SWEEP_EVERY_SECONDS:
        return
    _last_sweep = now
    root = cache_root()
    if not root.is_dir():
        return
    store = file_store()
    for folder in root.iterdir():
        try:
            gone = not store.exists(folder.name)
        except ValueError:  # not one of ours
            gone = True
        if gone or now - folder.stat().st_mtime > KEEP_SECONDS:
            shutil.rmtree(folder, ignore_errors=True)


def sweep(*, now: float | None = None) -> None:
    """Remove old and orphaned page images now (the drawing does it every few minutes)."""
    _sweep(now=now, force=True)
