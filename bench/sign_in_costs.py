"""Where a sign-in's time goes: the sign-in POST through one app in one process.

Opens the sign-in form (GET) and sends it filled in (POST) again and again, on the hearing of
bench/sign_ins.py (three measures; each resident takes a position on one, two or three), and
prints the CPU milliseconds of the POST alone (this thread's time around the test client's
call), its SQL statements, and those of the bare endpoint's POST (bench/_bare_app.py) in the
same harness. With --profile the POSTs run under cProfile and the costliest functions are
printed (cumulative time, the app's and its libraries'). Receipt e-mails are left queued
(JOBS_RUNNER=worker) and delivered afterwards, timed apart: what the job runner spends per
sign-in to send them (to the log: no mail server is set).

    .venv/bin/python bench/sign_in_costs.py [--requests 1000] [--profile]
    .venv/bin/python bench/sign_in_costs.py --database-url \\
        postgresql+psycopg://postgres@127.0.0.1:5432/bench_sign_in_costs
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import shutil
import statistics
import tempfile
import time
import urllib.parse
from pathlib import Path

from _sign_in_checks import create_hearing
from _sign_in_forms import SignInResidents
from _submission_forms import Blank
from _submission_servers import SECRET_KEY, prepare_database
from sqlalchemy import event

FIELD = r'name="{}" type="hidden" value="([^"]*)"'
CSRF, KEY, OPENED = (
    re.compile(FIELD.format(name)) for name in ("csrf_token", "submission_key", "opened")
)


def environment(url: str, folder: Path) -> None:
    os.environ.update(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": SECRET_KEY,
            "OPENTESTIMONY_SECURE_COOKIES": "0",
            "OPENTESTIMONY_SUBMIT_MIN_SECONDS": "0",
            "OPENTESTIMONY_UPLOAD_FOLDER": str(folder / "uploads"),
            "OPENTESTIMONY_MAIL_SERVER": "",
            "OPENTESTIMONY_SUBMIT_LIMIT_PER_ADDRESS": "1000000000 per minute",
            "OPENTESTIMONY_SUBMIT_LIMIT_PER_EMAIL": "1000000000 per minute",
            "OPENTESTIMONY_JOBS_RUNNER": "worker",
        }
    )


class Statements:
    def __init__(self, engine) -> None:
        self.count = 0
        event.listen(engine, "before_cursor_execute", self.seen)

    def seen(self, *_args) -> None:
        self.count += 1


def run(args: argparse.Namespace, folder: Path) -> None:
    url = args.database_url or f"sqlite:///{folder}/costs.db"
    prepare_database(url)
    environment(url, folder)
    from app import create_app
    from app.platform.extensions import db

    app = create_app()
    with app.app_context():
        hearing_id, measure_ids = create_hearing()
        statements = Statements(db.engine)
    residents = SignInResidents(measure_ids)
    client = app.test_client()
    path = f"/hearings/{hearing_id}/positions/new"
    profile = cProfile.Profile(time.thread_time) if args.profile else None

    def sign_in() -> tuple[float, int]:
        page = client.get(path).text
        cookie = client.get_cookie("session")
        blank = Blank(
            f"session={cookie.value}" if cookie else "",
            CSRF.search(page).group(1),
            KEY.search(page).group(1),
            OPENED.search(page).group(1),
        )
        body = urllib.parse.parse_qsl(residents.fill(blank).body.decode())
        before = statements.count
        if profile:
            profile.enable()
        started = time.thread_time()
        posted = client.post(path, data=dict(body))
        spent = time.thread_time() - started
        if profile:
            profile.disable()
        if posted.status_code != 303:
            raise SystemExit(f"sign-in answered {posted.status_code}")
        return spent, statements.count - before

    for _ in range(args.warmup):
        sign_in()
    measured = [sign_in() for _ in range(args.requests)]
    cpu = [spent * 1000 for spent, _ in measured]
    print(
        f"sign-in POST on {url.split(':', 1)[0].split('+')[0]}: {len(cpu)} requests, CPU "
        f"median {statistics.median(cpu):.2f} ms, mean {statistics.fmean(cpu):.2f} ms, "
        f"p90 {sorted(cpu)[int(0.9 * len(cpu))]:.2f} ms; "
        f"{statistics.median(n for _, n in measured):.0f} SQL statements"
    )
    print(
        f"receipt delivery after the response: {deliver(app, len(measured) + args.warmup):.2f} ms"
    )
    print(
        f"bare endpoint POST, same harness: "
        f"{bare_post(hearing_id, measure_ids[0], args.requests):.2f} ms"
    )
    if profile:
        stats = pstats.Stats(profile)
        stats.sort_stats("cumulative").print_stats(args.top)


def deliver(app, sign_ins: int) -> float:
    """Deliver the queued receipts as the app's job runner does (to the log: no mail server),
    in batches; CPU ms per sign-in."""
    from app.platform import jobs

    started = time.thread_time()
    while jobs.run(app).done:
        pass
    return (time.thread_time() - started) * 1000 / sign_ins


def bare_post(hearing_id: int, measure_id: int, requests: int) -> float:
    """The bare endpoint's POST in the same harness: median CPU ms."""
    import _bare_app as bare  # bench/ is on the path: this script's folder

    client = bare.app.test_client()
    spent = []
    for number in range(requests):
        fields = {
            "submission_key": f"bare-{number}",
            "full_name": f"Resident {number}",
            "email": f"bare{number}@example.org",
            "street_address": "1 Example Street",
            "city": "Dorchester",
            "zip_code": "02124",
            "measure_id": str(measure_id),
            "position": "support",
            "body": "I support the ordinance.",
            "public_record_acknowledged": "y",
        }
        started = time.thread_time()
        posted = client.post(f"/hearings/{hearing_id}/testimony/new", data=fields)
        spent.append(time.thread_time() - started)
        if posted.status_code != 303:
            raise SystemExit(f"bare endpoint answered {posted.status_code}")
    return statistics.median(spent) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL to use (emptied!); default SQLite")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--profile", action="store_true", help="cProfile the POSTs")
    parser.add_argument("--top", type=int, default=45, help="functions to print with --profile")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="sign-in-costs-"))
    try:
        run(args, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
