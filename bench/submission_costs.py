"""CPU per submission from the first thousand requests to the hundred-thousandth, in one process.

A cost that rises with the requests a process has served is a leak (a form once appended a
validator to a list its class shares, and every POST got dearer). This sends the testimony
form (GET, then POST, then the receipt page) through one app in one process, again and again,
and prints the CPU milliseconds one submission's POST and receipt took, averaged over a window
of requests, at 1,000 requests and then at every doubling up to --requests; and the process's
memory. CPU is this thread's own: an app process runs jobs older than ten minutes in a thread
of its own even with JOBS_RUNNER=worker, and that work is not the request's. The last line
compares the last window with the one at 1,000. Nothing is asserted
(tests/testimony/test_submission_costs.py counts function calls instead).

The hearing is the one bench/submissions.py makes; each resident has their own e-mail
address and a distinct text. Rate limits are raised out of the way, jobs (placement, receipt
e-mail) are left queued: this measures the request, not the follow-up work.

    .venv/bin/python bench/submission_costs.py --requests 10000
    .venv/bin/python bench/submission_costs.py --database-url \\
        postgresql+psycopg://postgres@127.0.0.1:5432/bench_submissions
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import tempfile
import time
from pathlib import Path

from _submission_servers import SECRET_KEY, create_hearing, prepare_database

FIELD = r'name="{}" type="hidden" value="([^"]*)"'
CSRF, KEY, OPENED = (
    re.compile(FIELD.format(name)) for name in ("csrf_token", "submission_key", "opened")
)
WINDOW = 500


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
            # Left queued: a `flask jobs work` process would run them.
            "OPENTESTIMONY_JOBS_RUNNER": "worker",
        }
    )


def run(args: argparse.Namespace, folder: Path) -> None:
    url = args.database_url or f"sqlite:///{folder}/costs.db"
    prepare_database(url)
    environment(url, folder)
    from app import create_app

    app = create_app()
    with app.app_context():
        hearing_id, measure_id = create_hearing()
    client = app.test_client()
    path = f"/hearings/{hearing_id}/testimony/new"
    sent = 0

    def submission() -> float:
        nonlocal sent
        sent += 1
        page = client.get(path).text
        fields = {
            "csrf_token": CSRF.search(page).group(1),
            "submission_key": KEY.search(page).group(1),
            "opened": OPENED.search(page).group(1),
            "full_name": f"Resident {sent}",
            "email": f"resident{sent}@example.org",
            "street_address": f"{sent} Example Street",
            "city": "Dorchester",
            "zip_code": "02124",
            "measure_id": str(measure_id),
            "position": ("support", "oppose", "neutral")[sent % 3],
            "body": f"Testimony {sent}: I ask the committee to adopt the ordinance. " * 8,
            "speaking_request": "none",
            "public_record_acknowledged": "y",
        }
        started = time.thread_time()
        posted = client.post(path, data=fields)
        if posted.status_code != 303:
            raise SystemExit(f"submission {sent} answered {posted.status_code}")
        client.get(posted.headers["Location"])
        return time.thread_time() - started

    marks = [1000]
    while marks[-1] * 2 <= args.requests:
        marks.append(marks[-1] * 2)
    if marks[-1] != args.requests:
        marks.append(args.requests)
    print(
        f"submission costs on {url.split(':', 1)[0].split('+')[0]}: CPU per submission "
        f"(POST and receipt page), mean of {WINDOW} requests ending at each mark",
        flush=True,
    )
    first = None
    while sent < args.requests:
        upcoming = next(mark for mark in marks if mark > sent)
        while sent < upcoming - WINDOW:
            submission()
        cpu = sum(submission() for _ in range(min(WINDOW, upcoming - sent))) / WINDOW * 1000
        first = first or cpu
        memory = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"  after {sent:>7,} requests: {cpu:5.2f} ms CPU, peak memory {memory:.0f} MB",
            flush=True,
        )
    print(
        f"submission costs: {cpu:.2f} ms after {sent:,} requests vs {first:.2f} ms after "
        f"1,000: {cpu / first:.3f}x (flat: within 1.05x)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL to use (emptied!); default SQLite")
    parser.add_argument("--requests", type=int, default=100_000)
    args = parser.parse_args()
    if args.requests < 1000:
        raise SystemExit("--requests must be at least 1000")
    folder = Path(tempfile.mkdtemp(prefix="submission-costs-"))
    try:
        run(args, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
