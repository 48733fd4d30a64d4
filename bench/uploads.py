"""What checking one uploaded PDF costs, for the worst files we can build (target: under 0.5 s
of CPU and 100 MB of memory each, refused or accepted).

Each case runs in a fresh Python process: it builds the file, then measures only the check
(app/testimony/pdf_check.check_pdf: the survey of the raw bytes, then opening, walking the page
tree, cleaning and writing the cleaned copy). CPU is the process's CPU time during the check;
memory is the rise of the process's peak resident size during the check (the kernel's
high-water mark is reset just before it), which counts qpdf's C++ memory too.

    .venv/bin/python bench/uploads.py            # every case
    .venv/bin/python bench/uploads.py bomb deep  # some of them

A last line runs six hostile checks at once in threads, as six residents sending at once to
one worker would, and reports the wall time and the process's peak memory.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.security import hostile_pdfs as hostile  # noqa: E402

MB = 1_000_000


def _worst_accepted(expanded: int = 0) -> bytes:
    """As much as the caps allow in one file: 100 pages, each drawing many tiny streams, and
    with `expanded`, one more stream on the first page expanding to that many bytes."""
    per_page = 58
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = b" ".join(b"%d 0 R" % (3 + page * (per_page + 1)) for page in range(100))
    objects.append(b"<< /Type /Pages /Kids [%s] /Count 100 >>" % kids)
    for page in range(100):
        first = 3 + page * (per_page + 1)
        refs = b" ".join(b"%d 0 R" % (first + 1 + i) for i in range(per_page))
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents [%s] >>" % refs
        )
        objects += [hostile.stream(b"0 0 m 1 1 l S " * 20, compress=True)] * per_page
    if expanded:
        objects[2] = objects[2].replace(b"/Contents [", b"/Contents [%d 0 R " % (len(objects) + 1))
        objects.append(hostile.stream(b" " * expanded, compress=True))
    return hostile.write_pdf(objects)


def _bomb_under_the_cap() -> bytes:
    return hostile.flate_bomb_pdf(79_000_000)


CASES = {
    "pages-90000": lambda: hostile.pages_pdf(90_000),
    "pages-90000-broken-xref": lambda: hostile.pages_pdf(90_000, broken_xref=True),
    "pages-5900-broken-xref": lambda: hostile.pages_pdf(5_900, broken_xref=True),
    "object-stream-90000": lambda: hostile.object_stream_pdf(90_000),
    "object-stream-5900": lambda: hostile.object_stream_pdf(5_900),
    "object-stream-bomb": lambda: hostile.object_stream_pdf(10, expanded_padding=200_000_000),
    "wide-tree-1000000": hostile.wide_tree_pdf,
    "deep-tree-5000": hostile.deep_tree_pdf,
    "looped-tree": hostile.looped_tree_pdf,
    "array-4000000": hostile.big_array_pdf,
    "streams-90000": lambda: hostile.many_streams_pdf(90_000),
    "streams-5900": lambda: hostile.many_streams_pdf(5_900),
    "flate-bomb-200mb": hostile.flate_bomb_pdf,
    "flate-bomb-hidden-filter": lambda: hostile.flate_bomb_pdf(hide_filter=True),
    "flate-bomb-behind-comment": lambda: hostile.flate_bomb_pdf(comment=True),
    "flate-bomb-endstream-inside": lambda: hostile.flate_bomb_pdf(endstream_inside=True),
    "flate-79mb": _bomb_under_the_cap,
    "obj-keywords": lambda: b"%PDF-1.7\n" + b"obj " * 2_400_000,
    "active-content": hostile.active_content_pdf,
    "worst-accepted-100-pages": _worst_accepted,
    "100-pages-and-77mb": lambda: _worst_accepted(77_000_000),
}


def _memory(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    return 0


def measure(name: str) -> dict:
    """In this process: build the file, then time the check alone."""
    from app.testimony.pdf_check import RejectedFile, check_pdf

    data = CASES[name]()
    check_pdf(hostile.pages_pdf(1), max_bytes=10 * MB, max_pages=100, scan_for_malware=False)
    Path("/proc/self/clear_refs").write_text("5")  # reset the peak to the present size
    before = _memory("VmRSS")
    cpu = time.process_time()
    try:
        result = check_pdf(data, max_bytes=10 * MB, max_pages=100, scan_for_malware=False)
        outcome = f"accepted, {result.page_count} pages"
    except RejectedFile as refused:
        outcome = f"refused: {refused}"
    cpu = time.process_time() - cpu
    peak = _memory("VmHWM") - before
    return {"case": name, "bytes": len(data), "cpu": cpu, "peak": peak, "outcome": outcome}


def together(names: list[str]) -> dict:
    """Six checks at once in one process, as one worker's threads would run them."""
    from app.testimony.pdf_check import RejectedFile, check_pdf

    files = [CASES[name]() for name in names]
    Path("/proc/self/clear_refs").write_text("5")
    before = _memory("VmRSS")

    def check(data: bytes) -> None:
        with contextlib.suppress(RejectedFile):
            check_pdf(data, max_bytes=10 * MB, max_pages=100, scan_for_malware=False)

    threads = [threading.Thread(target=check, args=(data,)) for data in files]
    wall, cpu = time.perf_counter(), time.process_time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "wall": time.perf_counter() - wall,
        "cpu": time.process_time() - cpu,
        "peak": _memory("VmHWM") - before,
    }


def main(argv: list[str]) -> int:
    if argv[:1] == ["--one"]:
        print(json.dumps(measure(argv[1])))
        return 0
    if argv[:1] == ["--together"]:
        print(json.dumps(together(argv[1:])))
        return 0
    names = argv or list(CASES)
    worst_cpu = worst_peak = 0.0
    print(f"{'case':28} {'file':>9} {'CPU s':>7} {'peak MB':>8}  outcome")
    for name in names:
        done = subprocess.run(  # noqa: S603 - this script, by its own path
            [sys.executable, __file__, "--one", name],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        row = json.loads(done.stdout.strip().splitlines()[-1])
        worst_cpu, worst_peak = max(worst_cpu, row["cpu"]), max(worst_peak, row["peak"])
        print(
            f"{row['case']:28} {row['bytes'] / MB:>7.1f}MB {row['cpu']:>7.3f} "
            f"{row['peak'] / MB:>8.1f}  {row['outcome'][:70]}"
        )
    print(f"worst: {worst_cpu:.3f} s CPU, {worst_peak / MB:.1f} MB (target < 0.5 s, < 100 MB)")
    six = ["flate-bomb-200mb", "pages-90000", "array-4000000"] * 2
    done = subprocess.run(  # noqa: S603 - this script, by its own path
        [sys.executable, __file__, "--together", *six],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    row = json.loads(done.stdout.strip().splitlines()[-1])
    print(
        f"six hostile files at once in one process: {row['wall']:.2f} s wall, "
        f"{row['cpu']:.2f} s CPU, peak {row['peak'] / MB:.0f} MB above the start"
    )
    return 0 if worst_cpu < 0.5 and worst_peak < 100 * MB else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
