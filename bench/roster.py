"""How the packet's roster of position sign-ins, and the sign-in spreadsheets, grow with the
number of sign-ins.

Each size (default 10,000 and 100,000 sign-ins) runs in its own child process against its own
database: a fresh SQLite file in a temp folder, or with --database-url an empty PostgreSQL
database (its tables are dropped before and after each size). One hearing with three measures;
each sign-in takes a position on one to three of them (about two on average), a tenth are not
on record (withdrawn, pending, rejected or disputed), and one in twenty names is Arabic,
Hebrew or Chinese, so the right-to-left and CJK paths are part of the cost. Loading is not
timed. Then, each timed on its own:

- the packet (builders.build, as the background job runs it) for a hearing with no testimony:
  the cover with the sign-in counts, the contents and the roster; then recording which
  sign-ins it listed (PacketSignIn rows, for the addendum), as the job does;
- the same roster streamed from the database only (read_roster), and laid out only (plan);
- the sign-in CSV and XLSX as their background export makes them (the CSV written to a file
  a row at a time, the XLSX by openpyxl's write-only workbook).

Peak memory is the kernel's high-water mark (VmHWM), reset before each step on Linux, minus
the resident set the step started from.

    .venv/bin/python bench/roster.py                         # 10,000 and 100,000 (SQLite)
    .venv/bin/python bench/roster.py --sizes 2000,20000 --keep
    .venv/bin/python bench/roster.py --database-url postgresql+psycopg://postgres@127.0.0.1/x
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from packet import CITIES, FIRST, LAST, ORGANIZATIONS, proc_status_mb, reset_peak

GENERATED_AT = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
BATCH = 5000
OTHER_NAMES = ["محمد العلي", "فاطمة حداد", "יעל כהן", "דוד לוי", "王小明", "李华", "陈静"]
TIMES = "\N{MULTIPLICATION SIGN}"


def load(size: int) -> dict:
    """A hearing with three measures and `size` sign-ins, inserted in bulk."""
    from sqlalchemy import insert, select

    from app.hearings.models import Body, Committee, Hearing, Measure, MeasureKind
    from app.platform.extensions import db
    from app.signins.models import SignIn, SignInPosition

    body = Body(
        slug="commonwealth",
        name="Massachusetts General Court",
        jurisdiction="Commonwealth of Massachusetts",
        timezone="America/New_York",
    )
    committee = Committee(body=body, slug="judiciary", name="Joint Committee on the Judiciary")
    measures = [
        Measure(committee=committee, kind=MeasureKind.BILL, number=number, title=title)
        for number, title in (
            ("H.1538", "An Act establishing a moratorium on face recognition"),
            ("S.927", "An Act establishing a moratorium on face recognition (Senate)"),
            ("H.1539", "An Act relative to surveillance oversight"),
        )
    ]
    start = datetime(2026, 1, 5, 14, tzinfo=UTC)
    hearing = Hearing(
        committee=committee,
        title="Hearing on face recognition bills",
        location="Gardner Auditorium, State House",
        starts_at=start + timedelta(days=50),
        testimony_opens_at=start,
        testimony_closes_at=start + timedelta(days=49),
        measures=measures,
    )
    db.session.add(hearing)
    db.session.flush()
    rng = random.Random(size)
    window = (hearing.testimony_closes_at - start).total_seconds()
    counts = {"sign_ins": size, "positions": 0, "on_record_lines": 0}
    statuses = ["published"] * 90 + ["withdrawn"] * 4 + ["pending"] * 3 + ["rejected"] * 3
    sign_ins, next_id = [], 1
    for index in range(size):
        if rng.random() < 0.05:
            name = rng.choice(OTHER_NAMES)
        else:
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        city, zip_code = rng.choice(CITIES)
        received = start + timedelta(seconds=window * index / size)
        status = rng.choice(statuses)
        disputed = received + timedelta(hours=2) if rng.random() < 0.02 else None
        sign_ins.append(
            {
                "id": next_id,
                "hearing_id": hearing.id,
                "tracking_number": f"OS-{index:08d}"[:12],
                "receipt_token_hash": hashlib.sha256(f"{size}:{index}".encode()).hexdigest(),
                "submission_key": f"k{index}",
                "full_name": name,
                "name_key": name.lower(),
                "email": f"r{index}@example.org",
                "email_key": f"r{index}@example.org",
                "city": city,
                "zip_code": zip_code,
                "organization": rng.choice(ORGANIZATIONS) if rng.random() < 0.1 else None,
                "status": status,
                "rejection_reason": "spam" if status == "rejected" else None,
                "disputed_at": disputed,
                "version": 1,
                "received_at": received,
                "updated_at": received,
                "withdrawn_at": received + timedelta(hours=1) if status == "withdrawn" else None,
            }
        )
        next_id += 1
        if len(sign_ins) == BATCH:
            db.session.execute(insert(SignIn.__table__), sign_ins)
            sign_ins = []
    if sign_ins:
        db.session.execute(insert(SignIn.__table__), sign_ins)
    positions = []
    on_record = set(
        db.session.scalars(
            select(SignIn.id).where(SignIn.status == "published", SignIn.disputed_at.is_(None))
        )
    )
    for sign_in_id in range(1, next_id):
        chosen = rng.sample(measures, rng.choices([1, 2, 3], [40, 35, 25])[0])
        for measure in chosen:
            positions.append(
                {
                    "sign_in_id": sign_in_id,
                    "measure_id": measure.id,
                    "position": rng.choices(["support", "oppose", "neutral"], [60, 35, 5])[0],
                }
            )
            counts["positions"] += 1
            counts["on_record_lines"] += sign_in_id in on_record
        if len(positions) >= BATCH:
            db.session.execute(insert(SignInPosition.__table__), positions)
            positions = []
    if positions:
        db.session.execute(insert(SignInPosition.__table__), positions)
    db.session.commit()
    counts["hearing_id"] = hearing.id
    return counts


def measured(step):
    """Run step(); (its result, seconds, MB its peak rose above the RSS it started from)."""
    start_rss = proc_status_mb("VmRSS")
    reset = reset_peak()
    began = time.perf_counter()
    result = step()
    seconds = time.perf_counter() - began
    peak = proc_status_mb("VmHWM") if reset else None
    grown = peak - start_rss if peak is not None and start_rss is not None else None
    return result, seconds, grown


def child(size: int, folder: Path, database_url: str | None) -> None:
    import gc

    from flask_migrate import downgrade, upgrade

    from app import create_app
    from app.exports.builders import ExportRequest, build
    from app.exports.jobs import _record_contents
    from app.exports.models import Packet, PacketKind
    from app.exports.packet.roster import plan, read_roster
    from app.exports.spreadsheets.signins import SIGN_IN_COLUMNS, sign_in_rows
    from app.exports.spreadsheets.writers import to_xlsx, write_csv
    from app.hearings.models import Hearing
    from app.platform.extensions import db

    url = database_url or f"sqlite:///{folder / 'bench.db'}"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "UPLOAD_FOLDER": str(folder / "uploads"),
            "SECRET_KEY": "bench",
            "TESTING": True,
            "JOBS_RUNNER": "after-response",
        }
    )
    with app.app_context():
        began = time.perf_counter()
        upgrade()
        try:
            counts = load(size)
            loading = time.perf_counter() - began
            db.session.remove()
            gc.collect()
            hearing = db.session.get(Hearing, counts["hearing_id"])
            work = folder / "work"
            work.mkdir()

            def packet():
                return build(
                    ExportRequest(
                        kind=PacketKind.PACKET_PDF,
                        hearing=hearing,
                        measure=None,
                        generated_at=GENERATED_AT,
                        generated_by="bench/roster.py",
                        workdir=work,
                        checkpoint=db.session.commit,
                    )
                )

            built, packet_seconds, packet_mb = measured(packet)
            record = Packet(
                hearing_id=hearing.id,
                kind=PacketKind.PACKET_PDF,
                created_at=GENERATED_AT,
                item_count=0,
                size_bytes=0,
            )
            db.session.add(record)
            db.session.flush()
            _none, record_seconds, _mb = measured(
                lambda: _record_contents(record.id, {}, built.sign_ins or {})
            )
            db.session.commit()
            roster, read_seconds, read_mb = measured(
                lambda: read_roster(hearing, None, folder / "roster.jsonl")
            )
            db.session.commit()
            laid, plan_seconds, plan_mb = measured(lambda: plan(roster))
            csv_path = folder / "sign-ins.csv"
            rows, csv_seconds, csv_mb = measured(
                lambda: write_csv(csv_path, sign_in_rows(hearing), SIGN_IN_COLUMNS)
            )
            db.session.commit()
            (xlsx_bytes, _rows), xlsx_seconds, xlsx_mb = measured(
                lambda: to_xlsx(
                    sign_in_rows(hearing),
                    title=hearing.title,
                    columns=SIGN_IN_COLUMNS,
                    sheet_name="Sign-ins",
                )
            )
            db.session.commit()
        finally:
            db.session.remove()
            if database_url:
                downgrade(revision="base")
    result = {
        "size": size,
        "loading_seconds": loading,
        **counts,
        "roster_lines": roster.total,
        "pages": built.page_count,
        "roster_pages": laid.pages,
        "packet_seconds": packet_seconds,
        "packet_mb": packet_mb,
        "recorded": len(built.sign_ins or {}),
        "record_seconds": record_seconds,
        "read_seconds": read_seconds,
        "read_mb": read_mb,
        "plan_seconds": plan_seconds,
        "plan_mb": plan_mb,
        "file_mb": built.path.stat().st_size / 2**20,
        "csv_rows": rows,
        "csv_seconds": csv_seconds,
        "csv_mb": csv_mb,
        "csv_file_mb": csv_path.stat().st_size / 2**20,
        "xlsx_seconds": xlsx_seconds,
        "xlsx_mb": xlsx_mb,
        "xlsx_file_mb": len(xlsx_bytes) / 2**20,
        "pdf": str(built.path),
    }
    (folder / "result.json").write_text(json.dumps(result))


def run_size(size: int, timeout: float, keep: Path | None, database_url: str | None) -> dict:
    with tempfile.TemporaryDirectory(prefix=f"roster-bench-{size}-") as temp:
        command = [sys.executable, str(Path(__file__).resolve()), "--child", str(size)]
        command += ["--folder", temp]
        if database_url:
            command += ["--database-url", database_url]
        try:
            subprocess.run(  # noqa: S603 (our own script, our own arguments)
                command, check=True, timeout=timeout, stderr=subprocess.PIPE, text=True
            )
        except subprocess.TimeoutExpired:
            sys.exit(f"size {size:,}: gave up after {timeout:.0f} s")
        except subprocess.CalledProcessError as error:
            sys.stderr.write(error.stderr[-4000:])
            sys.exit(f"size {size:,}: the child process failed (exit {error.returncode})")
        result = json.loads((Path(temp) / "result.json").read_text())
        if keep is not None:
            kept = keep / f"roster-{size}.pdf"
            shutil.move(result["pdf"], kept)
            result["pdf"] = str(kept)
    return result


def _mb(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="sign-ins per run")
    parser.add_argument("--database-url", help="an empty PostgreSQL database to use instead")
    parser.add_argument("--keep", action="store_true", help="keep the PDFs for inspection")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per size")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.child, args.folder, args.database_url)
        return

    sizes = [int(size.replace("_", "")) for size in args.sizes.split(",") if size.strip()]
    keep = Path(tempfile.mkdtemp(prefix="roster-bench-pdfs-")) if args.keep else None
    engine = "PostgreSQL" if args.database_url else "SQLite"
    results = []
    for size in sizes:
        print(f"size {size:,} ({engine}): loading and measuring in a child process ...", flush=True)
        r = run_size(size, args.timeout, keep, args.database_url)
        results.append(r)
        print(
            f"  loaded in {r['loading_seconds']:.1f} s (not timed): {r['positions']:,} positions, "
            f"{r['roster_lines']:,} on the roster",
            flush=True,
        )
    print(
        f"\n{'sign-ins':>9} {'lines':>8} {'pages':>6} {'packet s':>8} {'+MB':>4} "
        f"{'read s':>6} {'+MB':>4} {'layout s':>8} {'+MB':>4} {'CSV rows':>8} {'CSV s':>6} "
        f"{'+MB':>4} {'XLSX s':>6} {'+MB':>4} {'PDF MB':>6}"
    )
    for r in results:
        print(
            f"{r['size']:>9,} {r['roster_lines']:>8,} {r['pages']:>6,} "
            f"{r['packet_seconds']:>8.1f} {_mb(r['packet_mb']):>4} "
            f"{r['read_seconds']:>6.1f} {_mb(r['read_mb']):>4} "
            f"{r['plan_seconds']:>8.1f} {_mb(r['plan_mb']):>4} {r['csv_rows']:>8,} "
            f"{r['csv_seconds']:>6.1f} {_mb(r['csv_mb']):>4} "
            f"{r['xlsx_seconds']:>6.1f} {_mb(r['xlsx_mb']):>4} {r['file_mb']:>6.1f}"
        )
    for r in results:
        print(
            f"{r['size']:,} sign-ins: recording the {r['recorded']:,} the roster listed (for the "
            f"addendum) took {r['record_seconds']:.1f} s"
        )
    print(
        "packet: the whole PDF (cover, contents, roster); read: the query streamed to the work "
        "file; layout: the roster laid out without drawing;\n+MB: each step's peak memory above "
        "the resident set it started from (VmHWM reset before it)."
    )
    if keep is not None:
        print(f"PDFs kept in {keep}")
    if len(results) > 1:
        small, large = results[0], results[-1]
        grown = large["roster_lines"] / small["roster_lines"]
        print(
            f"roster ({engine}): {TIMES}{grown:.0f} lines took "
            f"{TIMES}{large['packet_seconds'] / small['packet_seconds']:.1f} the time "
            f"({small['packet_seconds']:.1f} s {'→'} {large['packet_seconds']:.1f} s), "
            f"build peak +{_mb(small['packet_mb'])} {'→'} +{_mb(large['packet_mb'])} MB"
        )


if __name__ == "__main__":
    main()
