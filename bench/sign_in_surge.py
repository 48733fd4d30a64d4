"""A surge of position sign-ins on one hearing, through the real app, on PostgreSQL.

Serves `wsgi:app` with the project's gunicorn command and gunicorn.conf.py on 127.0.0.1 (rate
limits raised out of the way, workers not recycled, receipt e-mail delivered after the
response as configured), opens --forms sign-in forms (GET: session cookie, CSRF token, signed
opening time), then lets --clients concurrent clients send --sign-ins sign-ins as fast as the
server answers, each a distinct resident (own name, e-mail and positions on one to three of
the hearing's three measures) on one of the opened forms with a fresh submission key, which
costs the server the same as a form opened anew. Bounded in time: it stops sending after
--max-seconds and says how many it sent.

A sign-in answered with anything but a redirect to its receipt (a busy page, a dropped
connection) is sent again with the same form, as a resident would press the button again,
up to three times; the same form twice is one sign-in, and the check proves it.

Afterwards it waits for the receipt e-mails, stops the server and checks the database: every
acknowledged sign-in stored exactly once with the positions its form chose, the tallies summed
over their shards equal to the stored positions, one audit row and one delivered receipt per
sign-in; no 5xx, no deadlock, no worker timeout in the server's log. It reports the rate,
p50/p99/max latency, the errors and the time taken.

    .venv/bin/python bench/sign_in_surge.py \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_sign_in_surge \\
        [--sign-ins 100000] [--clients 32] [--max-seconds 1200]

The database is made if missing and emptied first, so its name must contain "bench".
"""

from __future__ import annotations

import argparse
import itertools
import secrets
import shutil
import statistics
import tempfile
import threading
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

from _sign_in_checks import check_sign_ins, create_hearing
from _sign_in_forms import SignInResidents
from _submission_load import Client, Meter, open_forms, percentile, send
from _submission_servers import (
    SECRET_KEY,
    Server,
    follow_up_catch_up,
    gunicorn_settings,
    prepare_database,
    server_environment,
)

from app import create_app
from app.platform.extensions import db

RETRIES = 3


class Surge:
    """The clients' shared state: what to send next, and what came back."""

    def __init__(self, total: int, deadline: float) -> None:
        self.total = total
        self.deadline = deadline
        self.next = itertools.count()
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.statuses: Counter[int] = Counter()  # every answer, retries included
        self.acknowledged: set[str] = set()
        self.retried = 0
        self.given_up = 0

    def take(self) -> int | None:
        number = next(self.next)
        if number >= self.total or time.perf_counter() > self.deadline:
            return None
        return number


def run(args: argparse.Namespace, folder: Path) -> None:
    url = args.database_url
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    prepare_database(url)
    setup = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET_KEY, "TESTING": True})
    with setup.app_context():
        hearing_id, measure_ids = create_hearing()
        db.engine.dispose()
    env = server_environment(url, folder, args)
    conf = gunicorn_settings(env)
    residents = SignInResidents(measure_ids, seed=7)
    path = f"/hearings/{hearing_id}/positions/new"
    server = Server("full", "wsgi:app", env, folder, args.follow_up_workers)
    try:
        server.wait_until_healthy()
        began = time.perf_counter()
        blanks = open_forms(server.port, hearing_id, args.forms, form="positions")
        print(
            f"surge on {url.split('@')[-1]}: gunicorn workers={conf['workers']} "
            f"threads={conf['threads']}, {args.clients} clients, {args.sign_ins:,} sign-ins "
            f"(at most {args.max_seconds:g} s); {len(blanks):,} forms opened in "
            f"{time.perf_counter() - began:.1f} s",
            flush=True,
        )
        surge = Surge(args.sign_ins, time.perf_counter() + args.max_seconds)
        meter = Meter(server)
        started = time.perf_counter()
        clients = [
            threading.Thread(target=client_loop, args=(server.port, path, blanks, residents, surge))
            for _ in range(args.clients)
        ]
        for client in clients:
            client.start()
        next_report = started + args.report_every
        while alive := [client for client in clients if client.is_alive()]:
            alive[0].join(timeout=max(0.0, next_report - time.perf_counter()))
            if time.perf_counter() < next_report:
                continue
            next_report += args.report_every
            elapsed = time.perf_counter() - started
            with surge.lock:
                done, errors = (
                    len(surge.acknowledged),
                    sum(n for status, n in surge.statuses.items() if status != 303),
                )
            print(
                f"  {elapsed:6.0f} s: {done:,} acknowledged ({done / elapsed:.0f}/s), "
                f"{errors} other answers",
                flush=True,
            )
        for client in clients:
            client.join()
        elapsed = time.perf_counter() - started
        print(f"  sending done in {elapsed:.0f} s; waiting for the receipt e-mails", flush=True)
        mail_wait = follow_up_catch_up(url, limit=args.max_seconds)
        # Over the sending and the mail left after it.
        server_cpu, generator_cpu, busy, others = meter.read()
    finally:
        server.stop()
    problems = server.problems()
    log_text = server.log.read_text(errors="replace")
    deadlocks = log_text.lower().count("deadlock")
    done = len(surge.acknowledged)
    report(args, surge, elapsed, mail_wait, server_cpu, generator_cpu, busy, others)
    print(f"server log: {problems}; 'deadlock' mentioned {deadlocks} times")
    with setup.app_context():
        ok, lines = check_sign_ins(hearing_id, done, residents.chosen)
        db.engine.dispose()
    fivexx = sum(n for status, n in surge.statuses.items() if status >= 500 or status == 0)
    ok &= fivexx == 0 and deadlocks == 0 and surge.given_up == 0
    print(f"check: {'nothing lost' if ok else 'PROBLEMS'}")
    print("\n".join(lines))


def client_loop(port, path, blanks, residents, surge: Surge) -> None:
    client = Client(port)
    while (number := surge.take()) is not None:
        blank = replace(blanks[number % len(blanks)], submission_key=secrets.token_urlsafe(24))
        form = residents.fill(blank)
        started = time.perf_counter()
        for attempt in range(1 + RETRIES):
            sent = send(client, path, form, started)
            with surge.lock:
                surge.statuses[sent.status] += 1
                if sent.acknowledged:
                    surge.latencies.append(sent.finished - started)
                    surge.acknowledged.add(blank.submission_key)
                elif attempt < RETRIES:
                    surge.retried += 1
                else:
                    surge.given_up += 1
            if sent.acknowledged:
                break
            if attempt < RETRIES:
                time.sleep(0.5)
    client.close()


def report(args, surge: Surge, elapsed, mail_wait, server_cpu, generator_cpu, busy, others):
    done = len(surge.acknowledged)
    lat = surge.latencies
    ms = lambda seconds: f"{seconds * 1000:.0f} ms"  # noqa: E731
    print(
        f"surge: {done:,} of {args.sign_ins:,} sign-ins acknowledged in {elapsed:.0f} s: "
        f"{done / elapsed:.1f}/s; latency p50 {ms(percentile(lat, 0.5))} p99 "
        f"{ms(percentile(lat, 0.99))} max {ms(max(lat, default=0))} (mean "
        f"{ms(statistics.fmean(lat) if lat else 0)}); "
        f"answers {dict(sorted(surge.statuses.items()))}, "
        f"sent again {surge.retried}, given up {surge.given_up}; receipts all delivered "
        f"{mail_wait:.1f} s after the last sign-in"
    )
    if done:
        print(
            f"detail: app servers' CPU {1000 * server_cpu / done:.1f} ms per sign-in (receipt "
            f"delivery included); over sending and delivery: load generator "
            f"{generator_cpu / (elapsed + mail_wait):.0%} of a core, machine {busy:.0%} busy, "
            f"{others:.1f} cores by others (PostgreSQL included); sustained "
            f"{done / (elapsed + mail_wait):.1f}/s (receipts delivered)"
        )
    if done < args.sign_ins:
        print(
            f"detail: at {done / elapsed:.1f}/s, {args.sign_ins:,} would take "
            f"{args.sign_ins / (done / elapsed) / 60:.0f} minutes"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="PostgreSQL (emptied!)")
    parser.add_argument("--sign-ins", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=32, help="concurrent clients")
    parser.add_argument("--forms", type=int, default=2000, help="forms opened first")
    parser.add_argument("--max-seconds", type=float, default=1200, help="stop sending after")
    parser.add_argument("--report-every", type=float, default=30, help="progress, seconds")
    parser.add_argument("--workers", type=int, help="WEB_CONCURRENCY (gunicorn.conf.py default)")
    parser.add_argument("--threads", type=int, help="OPENTESTIMONY_THREADS (default from conf)")
    parser.add_argument(
        "--follow-up-workers",
        type=int,
        default=0,
        help="deliver receipts from this many `flask jobs work` processes (JOBS_RUNNER=worker); "
        "0: a background thread in each app process",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temp folder (server log)")
    args = parser.parse_args()
    if not args.database_url.startswith("postgresql"):
        raise SystemExit("the surge is measured on PostgreSQL: give --database-url")
    folder = Path(tempfile.mkdtemp(prefix="bench-sign-in-surge-"))
    try:
        run(args, folder)
    finally:
        if args.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
