"""How the cost of the hearing packet PDF grows with the number of approved testimonies.

Each size (default 1,000 and 10,000) runs in its own child process against its own SQLite
database in a temp folder: one hearing with two measures and N approved testimonies of real
public-comment text (regulations.gov dockets in ../shared/data; built-in paragraphs if that
folder is missing), most 100-400 words and some up to ~1,500, mixed positions, ~10% asking to
speak, ~5% with a small real PDF attachment and a few redactions, plus some testimony that is
not approved and must stay out. Loading is not timed: only the build call is. Peak memory is
the child's peak RSS (ru_maxrss), read right after loading (the baseline) and again after the
build. The app's start-up alone already sets a high peak, which can hide what the build adds,
so on Linux the high-water mark is also reset just before the build ("build peak"). Each size
starts from a clean process, so the numbers do not bleed into each other; --timeout stops a
size that runs too long, and the temp folders are removed either way.

    .venv/bin/python bench/packet.py                        # 1,000 and 10,000 (a few minutes)
    .venv/bin/python bench/packet.py --sizes 500,2000 --keep
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from itertools import islice
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"
BATCH = 1000
TIMES = "\N{MULTIPLICATION SIGN}"
ARROW = "\N{RIGHTWARDS ARROW}"
GENERATED_AT = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)

FALLBACK_PARAGRAPHS = [
    "I live in Dorchester and I am writing in support of the ordinance banning municipal use "
    "of face surveillance. Cameras already watch the bus stops and the library steps on my "
    "street, and I do not want software matching my face to a database every time I walk my "
    "daughter to school. The technology is known to misidentify Black and brown residents far "
    "more often than white residents, and a wrong match can mean a police stop or worse.",
    "As a small business owner on Centre Street I oppose this measure. Our shop was broken into "
    "twice last winter and the footage helped the police find the people responsible. I worry "
    "that a blanket ban ties the hands of investigators without giving us anything in return. "
    "I would support clear rules on retention and audits instead of an outright prohibition.",
    "I am a nurse and a parent. Public health depends on people trusting public institutions, "
    "and people stop seeking care, reporting crimes and attending meetings when they feel "
    "watched. Please adopt the ban and require the council to approve any future surveillance "
    "technology in public, with a chance for residents to testify as we are doing today.",
    "The proposed order does not define what counts as face surveillance closely enough. Does "
    "it cover a doorbell camera shared with the department, or a vendor who runs recognition on "
    "footage the city sends them? I ask the committee to amend the text so that these cases are "
    "covered, and to require an annual public report on every request made under it.",
    "Our neighborhood association voted unanimously to support this ordinance. We discussed it "
    "at two meetings and heard from residents who had been wrongly stopped. We also heard from "
    "people who want the police to have every tool available. In the end the risk of mistakes "
    "and of chilling lawful protest outweighed the claimed benefits for our members.",
    "I have no strong view for or against, but I want to know how much the current systems "
    "cost, who has access to the images and how long they are kept. Before voting, the council "
    "should publish the contracts and the data-sharing agreements so that residents can judge "
    "for themselves. Transparency should come first, whatever the final decision.",
]

FIRST = [
    "Denise",
    "Marcus",
    "Aaliyah",
    "Tomás",
    "Mei",
    "Patrick",
    "Fatima",
    "Jonathan",
    "Keisha",
    "Nguyen",
    "Olga",
    "Samuel",
    "Priya",
    "Rafael",
    "Bridget",
    "Andre",
    "Hannah",
    "Kwame",
    "Lucia",
    "Michael",
    "Rosa",
    "Daniel",
    "Amara",
    "Sean",
    "Yuki",
    "Carlos",
    "Grace",
    "Ibrahim",
    "Maureen",
    "Dmitri",
]
LAST = [
    "Okafor",
    "O'Brien",
    "Nguyen",
    "Rodriguez",
    "Chen",
    "Walsh",
    "Haddad",
    "Johnson",
    "Pereira",
    "Murphy",
    "Silva",
    "Kim",
    "Greene",
    "Abebe",
    "Sullivan",
    "Santos",
    "Cohen",
    "Williams",
    "Fitzgerald",
    "Ortiz",
    "Patel",
    "Brown",
    "Lopez",
    "Kelly",
    "Mensah",
    "Rossi",
    "Tran",
    "Jackson",
    "Levine",
    "Moreno",
]
CITIES = [
    ("Boston", "02108"),
    ("Dorchester", "02124"),
    ("Roxbury", "02119"),
    ("Jamaica Plain", "02130"),
    ("East Boston", "02128"),
    ("Mattapan", "02126"),
    ("Roslindale", "02131"),
    ("South Boston", "02127"),
    ("Cambridge", "02139"),
    ("Somerville", "02144"),
    ("Quincy", "02169"),
    ("Brookline", "02445"),
]
ORGANIZATIONS = [
    "Dorchester Neighborhood Association",
    "Boston Small Business Alliance",
    "Roxbury Tenants Union",
    "Jamaica Plain Parents Network",
    "Massachusetts Civil Liberties Coalition",
    "Greater Boston Chamber of Commerce",
]
ATTACHMENT_NAMES = ["statement.pdf", "letter.pdf", "petition-signatures.pdf", "Testimony.pdf"]


# --- data ------------------------------------------------------------------------------------


def paragraphs() -> tuple[list[str], str]:
    """Realistic testimony paragraphs: real public comments if ../shared/data is there."""
    texts: dict[str, None] = {}
    csv.field_size_limit(sys.maxsize)
    for path in sorted(DATA.glob("**/*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                text = " ".join((row.get("text") or "").split())
                if len(text.split()) >= 20:
                    texts[text] = None
    if texts:
        return list(texts), f"{len(texts):,} public comments from {DATA}"
    return FALLBACK_PARAGRAPHS, "built-in sample paragraphs (../shared/data not found)"


def word_target(rng: random.Random) -> int:
    # Most testimony is 100-400 words; a long tail runs up to ~1,500.
    if rng.random() < 0.7:
        return rng.randint(100, 400)
    return int(400 + 1100 * rng.random() ** 1.3)


def testimony_text(rng: random.Random, pool: list[str], words: int) -> str:
    parts, count = [], 0
    while count < words:
        paragraph = rng.choice(pool)
        parts.append(paragraph)
        count += len(paragraph.split())
    text = "\n\n".join(parts)
    # Cut to the target at a word boundary, keeping the paragraph breaks.
    last = next(islice(re.finditer(r"\S+", text), words - 1, None), None)
    if last is not None:
        text = text[: last.end()]
    text = text.rstrip(" ,;:")
    return text if text.endswith((".", "!", "?")) else text + "."


def attachment_pdf(rng: random.Random, pool: list[str], title: str) -> tuple[bytes, int]:
    """A small real PDF: a typed letter of one to three pages."""
    from reportlab.lib.pagesizes import LETTER
    from reportlab.pdfgen.canvas import Canvas

    pages = rng.choices([1, 2, 3], weights=[6, 3, 1])[0]
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=LETTER, invariant=1)
    canvas.setTitle(title)
    for page in range(pages):
        canvas.setFont("Helvetica-Bold", 13)
        canvas.drawString(72, 720, f"{title} (page {page + 1} of {pages})")
        canvas.setFont("Helvetica", 10)
        y = 696
        words = rng.choice(pool).encode("latin-1", "replace").decode("latin-1").split()
        line: list[str] = []
        for word in words * 3:
            if len(" ".join([*line, word])) > 95:
                canvas.drawString(72, y, " ".join(line))
                line, y = [word], y - 13
                if y < 90:
                    break
            else:
                line.append(word)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue(), pages


def tracking_numbers(rng: random.Random, count: int) -> list[str]:
    from app.testimony.services import TRACKING_ALPHABET

    seen: set[str] = set()
    while len(seen) < count:
        chars = "".join(rng.choices(TRACKING_ALPHABET, k=8))
        seen.add(f"OT-{chars[:4]}-{chars[4:]}")
    numbers = sorted(seen)
    rng.shuffle(numbers)
    return numbers


def load(size: int, pool: list[str]) -> dict[str, int]:
    """One hearing with two measures and `size` approved testimonies, inserted in bulk."""
    from _bulk import count_into_tallies
    from sqlalchemy import insert

    from app.accounts.models import Role, StaffUser
    from app.hearings.models import Body, Committee, Hearing, Measure, MeasureKind
    from app.moderation.models import Redaction
    from app.platform.extensions import db
    from app.platform.storage import file_store
    from app.testimony.models import Attachment, Testimony

    body = Body(
        slug="boston",
        name="Boston City Council",
        jurisdiction="City of Boston",
        timezone="America/New_York",
        resident_places="Boston, Dorchester, Roxbury, Jamaica Plain, East Boston, Mattapan, "
        "Roslindale, South Boston",
        resident_zip_prefixes="021",
    )
    committee = Committee(body=body, slug="gov-ops", name="Committee on Government Operations")
    measures = [
        Measure(
            committee=committee,
            kind=MeasureKind.ORDINANCE,
            number="Docket #0683",
            title="Ordinance banning face surveillance in the City of Boston",
        ),
        Measure(
            committee=committee,
            kind=MeasureKind.ORDER,
            number="Docket #0714",
            title="Order for a hearing on surveillance technology oversight",
        ),
    ]
    start = datetime(2026, 1, 5, 14, tzinfo=UTC)
    hearing = Hearing(
        committee=committee,
        title="Hearing on face surveillance and surveillance oversight",
        location="Iannella Chamber, Boston City Hall",
        starts_at=start + timedelta(days=50),
        testimony_opens_at=start,
        testimony_closes_at=start + timedelta(days=49),
        measures=measures,
    )
    moderator = StaffUser(
        email="moderator@example.org", name="Bench Moderator", role=Role.MODERATOR
    )
    moderator.password_hash = "!"  # noqa: S105 (not a hash: this account can never log in)
    db.session.add_all([hearing, moderator])
    db.session.flush()

    rng = random.Random(size)
    store = file_store()
    others = size // 20  # pending, rejected and withdrawn: the packet must leave them out
    total = size + others
    numbers = tracking_numbers(rng, total)
    window = (hearing.testimony_closes_at - start).total_seconds()
    rows, attachments, redactions = [], [], []
    counts = {"approved": 0, "not approved": 0, "attachments": 0, "redactions": 0, "words": 0}
    statuses = ["approved"] * size + [
        rng.choice(["pending", "rejected", "withdrawn", "flagged"]) for _ in range(others)
    ]
    rng.shuffle(statuses)
    for index, status in enumerate(statuses):
        testimony_id = index + 1  # a fresh database: ids are ours to choose
        counts["approved" if status == "approved" else "not approved"] += 1
        first, last = rng.choice(FIRST), rng.choice(LAST)
        city, zip_code = rng.choice(CITIES)
        organization = rng.choice(ORGANIZATIONS) if rng.random() < 0.08 else None
        words = word_target(rng)
        counts["words"] += words
        body_text = testimony_text(rng, pool, words)
        received = start + timedelta(seconds=window * index / total + rng.random() * 60)
        speaking = rng.random()
        rows.append(
            {
                "id": testimony_id,
                "hearing_id": hearing.id,
                "measure_id": measures[0 if rng.random() < 0.65 else 1].id,
                "tracking_number": numbers[index],
                "receipt_token_hash": hashlib.sha256(f"{size}:{index}".encode()).hexdigest(),
                "submission_key": f"k{index}",
                "full_name": f"{first} {last}",
                "email": f"{first.lower()}.{index}@example.org",
                "email_key": f"{first.lower()}.{index}@example.org",
                "name_key": f"{first} {last}".lower(),
                "street_address": f"{rng.randint(1, 400)} Example Street",
                "city": city,
                "zip_code": zip_code,
                "organization": organization,
                "speaks_for_organization": bool(organization) and rng.random() < 0.5,
                "public_record_acknowledged": True,
                "position": rng.choices(["support", "oppose", "neutral"], [55, 35, 10])[0],
                "body": body_text,
                "speaking_request": (
                    "in_person" if speaking < 0.07 else "remote" if speaking < 0.10 else "none"
                ),
                "interpreter_language": "Spanish" if speaking < 0.01 else None,
                "status": status,
                "rejection_reason": "off_topic" if status == "rejected" else None,
                "version": 1,
                "received_at": received,
                "updated_at": received,
                "withdrawn_at": received + timedelta(hours=1) if status == "withdrawn" else None,
            }
        )
        if rng.random() < 0.05:
            data, pages = attachment_pdf(rng, pool, f"Written statement of {first} {last}")
            attachments.append(
                {
                    "testimony_id": testimony_id,
                    "original_name": rng.choice(ATTACHMENT_NAMES),
                    "content_type": "application/pdf",
                    "size_bytes": len(data),
                    "sha256": store.put(data),
                    "page_count": pages,
                    "uploaded_at": received,
                }
            )
        if rng.random() < 0.01 and len(body_text) > 80:
            at = rng.randrange(0, len(body_text) - 40)
            redactions.append(
                {
                    "testimony_id": testimony_id,
                    "testimony_version": 1,
                    "start_offset": at,
                    "end_offset": at + rng.randint(8, 40),
                    "created_by_id": moderator.id,
                    "created_at": received + timedelta(days=1),
                }
            )
        if len(rows) == BATCH:
            db.session.execute(insert(Testimony.__table__), rows)
            rows = []
    if rows:
        db.session.execute(insert(Testimony.__table__), rows)
    if attachments:
        db.session.execute(insert(Attachment.__table__), attachments)
    if redactions:
        db.session.execute(insert(Redaction.__table__), redactions)
    count_into_tallies(hearing.id)
    db.session.commit()
    counts["attachments"], counts["redactions"] = len(attachments), len(redactions)
    counts["hearing_id"] = hearing.id
    return counts


# --- one size, in a child process ------------------------------------------------------------


def peak_rss_mb() -> float:
    """The process's peak resident set so far (ru_maxrss), in MB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes there, KiB here


def proc_status_mb(field: str) -> float | None:
    """VmRSS (now) or VmHWM (peak) from /proc/self/status, in MB; None off Linux."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1]) / 2**10
    except OSError:
        pass
    return None


def reset_peak() -> bool:
    """Restart the kernel's high-water mark (Linux), so VmHWM then covers the build alone.

    ru_maxrss cannot show what the build adds on its own: the app's start-up already sets a
    high peak that the build may stay below.
    """
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def child(size: int, folder: Path) -> None:
    import gc

    from flask_migrate import upgrade

    from app import create_app
    from app.exports.builders import ExportRequest, build
    from app.exports.models import PacketKind
    from app.hearings.models import Hearing
    from app.platform.extensions import db

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}",
            "UPLOAD_FOLDER": str(folder / "uploads"),
            "SECRET_KEY": "bench",
            "TESTING": True,
            "JOBS_RUNNER": "after-response",
        }
    )
    with app.app_context():
        began = time.perf_counter()
        upgrade()
        pool, source = paragraphs()
        counts = load(size, pool)
        loading = time.perf_counter() - began
        del pool
        db.session.remove()
        gc.collect()

        workdir = folder / "work"
        workdir.mkdir()
        hearing = db.session.get(Hearing, counts["hearing_id"])
        baseline = peak_rss_mb()
        start_rss = proc_status_mb("VmRSS")
        build_only = reset_peak()
        began = time.perf_counter()
        built = build(
            ExportRequest(
                kind=PacketKind.PACKET_PDF,
                hearing=hearing,
                measure=None,
                generated_at=GENERATED_AT,
                generated_by="bench/packet.py",
                workdir=workdir,
                checkpoint=db.session.commit,  # as the background job does
            )
        )
        seconds = time.perf_counter() - began
        # A reset high-water mark can take ru_maxrss down with it: the child's peak is the larger.
        peak = max(baseline, peak_rss_mb())
        build_peak = proc_status_mb("VmHWM") if build_only else None
    result = {
        "size": size,
        "source": source,
        "loading_seconds": loading,
        **counts,
        "testimonies": built.item_count,
        "pages": built.page_count,
        "seconds": seconds,
        "baseline_mb": baseline,
        "peak_mb": peak,
        "start_rss_mb": start_rss,
        "build_peak_mb": build_peak,
        "file_mb": built.path.stat().st_size / 2**20,
        "pdf": str(built.path),
    }
    (folder / "result.json").write_text(json.dumps(result))


# --- the parent: one child per size ------------------------------------------------------------


def run_size(size: int, timeout: float, keep: Path | None) -> dict:
    with tempfile.TemporaryDirectory(prefix=f"packet-bench-{size}-") as temp:
        folder = Path(temp)
        command = [sys.executable, str(Path(__file__).resolve()), "--child", str(size)]
        try:
            # run() kills the child if it times out or we are interrupted. Its stderr (the
            # migration log) is shown only when something goes wrong.
            subprocess.run(  # noqa: S603
                [*command, "--folder", temp],
                check=True,
                timeout=timeout,
                stderr=subprocess.PIPE,
                text=True,
            )
        except subprocess.TimeoutExpired as error:
            sys.stderr.write(_text(error.stderr)[-4000:])
            sys.exit(f"size {size:,}: gave up after {timeout:.0f} s")
        except subprocess.CalledProcessError as error:
            sys.stderr.write(error.stderr[-4000:])
            sys.exit(f"size {size:,}: the child process failed (exit {error.returncode})")
        result = json.loads((folder / "result.json").read_text())
        if keep is not None:
            kept = keep / f"packet-{size}.pdf"
            shutil.move(result["pdf"], kept)
            result["pdf"] = str(kept)
    return result


def _text(output: str | bytes | None) -> str:
    if isinstance(output, bytes):
        return output.decode(errors="replace")
    return output or ""


def _mb(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="approved testimonies per run")
    parser.add_argument("--keep", action="store_true", help="keep the PDFs for inspection")
    parser.add_argument(
        "--timeout", type=float, default=1800, help="seconds before giving up on one size"
    )
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.child, args.folder)
        return

    sizes = [int(size.replace("_", "")) for size in args.sizes.split(",") if size.strip()]
    keep = Path(tempfile.mkdtemp(prefix="packet-bench-pdfs-")) if args.keep else None
    results = []
    for size in sizes:
        print(f"size {size:,}: loading and building in a child process ...", flush=True)
        r = run_size(size, args.timeout, keep)
        results.append(r)
        print(
            f"  loaded in {r['loading_seconds']:.1f} s (not timed): {r['approved']:,} approved "
            f"+ {r['not approved']:,} not approved, {r['words'] / r['approved']:.0f} words on "
            f"average, {r['attachments']:,} PDF attachments, {r['redactions']:,} redactions",
            flush=True,
        )

    print(f"\ntext: {results[0]['source']}")
    print(
        f"{'testimonies':>11} {'pages':>7} {'seconds':>7} {'pages/s':>7} {'baseline MB':>11} "
        f"{'peak RSS MB':>11} {'+MB':>4} {'build peak MB':>13} {'build +MB':>9} {'file MB':>7}"
    )
    for r in results:
        start, build_peak = r["start_rss_mb"], r["build_peak_mb"]
        grown = build_peak - start if build_peak is not None and start is not None else None
        print(
            f"{r['testimonies']:>11,} {r['pages']:>7,} {r['seconds']:>7.1f} "
            f"{r['pages'] / r['seconds']:>7.1f} {r['baseline_mb']:>11.0f} {r['peak_mb']:>11.0f} "
            f"{r['peak_mb'] - r['baseline_mb']:>4.0f} {_mb(build_peak):>13} {_mb(grown):>9} "
            f"{r['file_mb']:>7.1f}"
        )
    print(
        "baseline and peak RSS: the child's ru_maxrss after loading and after the build (the "
        "app's start-up sets much of it);\nbuild peak: the high-water mark of the build alone "
        "(VmHWM, reset just before it), build +MB: that over the RSS the build started from."
    )
    if keep is not None:
        print(f"PDFs kept in {keep}")
    line = "; ".join(
        f"{r['testimonies']:,} {ARROW} {r['seconds']:.1f} s, {r['peak_mb']:.0f} MB" for r in results
    )
    if len(results) > 1:
        small, large = results[0], results[-1]
        line += (
            f"; time {TIMES}{large['seconds'] / small['seconds']:.1f} for "
            f"{TIMES}{large['testimonies'] / small['testimonies']:.0f} testimonies, "
            f"peak memory {TIMES}{large['peak_mb'] / small['peak_mb']:.2f}"
        )
        if small["build_peak_mb"] and large["build_peak_mb"]:
            line += (
                f" (build alone {small['build_peak_mb']:.0f} {ARROW} "
                f"{large['build_peak_mb']:.0f} MB, "
                f"{TIMES}{large['build_peak_mb'] / small['build_peak_mb']:.2f})"
            )
    print(f"packet: {line}")


if __name__ == "__main__":
    main()
