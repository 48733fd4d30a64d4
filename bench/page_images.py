"""What drawing one page of an attachment costs in the child process (app/moderation/page_render.py
run as app/moderation/pdf_pages.py runs it): wall time, the child's CPU time, its peak memory and
the PNG's size, for ordinary pages and for the worst we can build.

    .venv/bin/python bench/page_images.py

The cleaning before it (the same as the download's) is measured by bench/uploads.py; a page
once drawn is served from the cache at the cost of reading a file.
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.moderation import pdf_pages  # noqa: E402
from tests.moderation.drawn_pdfs import drawn_pdf  # noqa: E402
from tests.security import hostile_pdfs as hostile  # noqa: E402


def one_page(content: bytes, media_box: bytes = b"[0 0 612 792]") -> bytes:
    return hostile.write_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox %s /Contents 4 0 R >>" % media_box,
            hostile.stream(content, compress=True),
        ]
    )


CASES = {
    "letter page": lambda: drawn_pdf(1),
    "page 50 of 100": lambda: drawn_pdf(100),
    "huge page (200 in square)": lambda: one_page(
        b"0 0 0 rg 0 0 14400 7200 re f", b"[0 0 14400 14400]"
    ),
    "200,000 fills (stopped by CPU limit)": lambda: one_page(
        b"0 0 m 612 792 l 0 792 l h f\n" * 200_000
    ),
}


def measure(name: str, data: bytes) -> None:
    page = 49 if "50" in name else 0
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    outcome = pdf_pages._run_child(data, page)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    # ru_maxrss of children is the largest child so far (KiB on Linux).
    result = f"{len(outcome) / 1000:.0f} kB PNG" if isinstance(outcome, bytes) else outcome
    print(
        f"{name:40} {wall:6.2f} s wall {cpu:6.2f} s CPU "
        f"{after.ru_maxrss / 1024:6.0f} MB peak so far  {result}"
    )


if __name__ == "__main__":
    for case, build in CASES.items():
        measure(case, build())
