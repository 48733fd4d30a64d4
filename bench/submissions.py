"""Submission throughput: the real testimony form against a bare endpoint, in one run.

The real path is `wsgi:app` taking the testimony form (CSRF token, validation, rate limits,
campaign placement, running tallies, audit row, outbox mail queued in the transaction and
delivered after the response). The bare endpoint (bench/_bare_app.py) is a plain Flask +
Flask-SQLAlchemy app that parses the same urlencoded form and inserts the same row into the same
`testimonies` table, and nothing else. Both are served side by side by the project's own
gunicorn command and gunicorn.conf.py (same workers and threads), against the same database,
opened with the same settings (SQLite WAL, synchronous=FULL, BEGIN IMMEDIATE; or PostgreSQL).

Each simulated resident opens the form (a GET: session cookie, CSRF token, submission key,
signed opening time) and sends it filled in (a POST) with a distinct e-mail address and a real
public comment as testimony (../shared/data/regulations-comments, read at run time; built-in
paragraphs if missing). The GETs are done before each timed phase, so only submissions are
timed. Per round, endpoints interleaved so background load falls on both:

  A. saturation: a closed loop of --clients concurrent clients for --seconds; submissions/s.
     The real path answers once a submission is stored and leaves its campaign placement and
     receipt e-mail to a background thread, so its rate counts until that work is done too:
     acknowledged / (seconds + time the follow-up work took to catch up after the phase).
     The summary also gives the acknowledged rate alone: what the app servers answer while
     that work waits (done after the burst, or by follow-up workers on another machine);
  B. half load: Poisson arrivals at 50% of that endpoint's own rate from A, for --seconds;
     latency from each submission's scheduled start (queueing in the client included).

The round order alternates (real first, then bare first), and the summary takes the median of
the per-round ratios; half-load latencies are pooled over rounds. Targets: acknowledged
submissions >= 0.5 of the bare endpoint's rate on PostgreSQL and >= 0.4 on SQLite, sustained
>= 0.3 on both, and p99 < 100 ms at half load. These are
measurements, never assertions: the exit code is 0 either way.

Afterwards the database is checked: one row per acknowledged (303) submission for each
endpoint, nothing lost or doubled, no 5xx, and for the real path one audit row, one outbox
message and one tally count per testimony. Rate limits are raised out of the way and workers
are not recycled (max_requests=0) during the run; everything else is the production config.

    .venv/bin/python bench/submissions.py                      # SQLite in a temp folder
    .venv/bin/python bench/submissions.py --seconds 5 --rounds 2
    .venv/bin/python bench/submissions.py --follow-up-workers 1 --database-url ...
    .venv/bin/python bench/submissions.py \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_submissions

With --follow-up-workers N the full path runs as JOBS_RUNNER=worker: N `flask jobs work`
processes beside gunicorn do placement and receipts, and their CPU counts to the full path.

The PostgreSQL database is made if missing and emptied first (its public schema dropped and
recreated), so its name must contain "bench"; never point this at real data.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
from pathlib import Path

from _submission_forms import Residents, load_texts
from _submission_load import (
    Endpoint,
    Phase,
    bare_blanks,
    half_load,
    open_forms,
    percentile,
    saturate,
)
from _submission_servers import (
    SECRET_KEY,
    Server,
    check_database,
    create_hearing,
    follow_up_catch_up,
    gunicorn_settings,
    prepare_database,
    server_environment,
)

from app import create_app
from app.platform.extensions import db

# Of the bare endpoint's rate: acknowledged submissions per database, and sustained ones
# (placement and receipt e-mail done too) on both.
ACKNOWLEDGED_TARGETS = {"postgresql": 0.5, "sqlite": 0.4}
SUSTAINED_TARGET = 0.3

# --- the run ---------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def run(args: argparse.Namespace, folder: Path) -> None:
    url = args.database_url or f"sqlite:///{folder}/bench.db"
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    dialect = url.split(":", 1)[0].split("+", 1)[0]
    prepare_database(url)
    setup = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET_KEY, "TESTING": True})
    with setup.app_context():
        hearing_id, measure_id = create_hearing()
        db.engine.dispose()
    texts, source = load_texts()
    env = server_environment(url, folder, args)
    conf = gunicorn_settings(env)
    servers: list[Server] = []
    try:
        servers.append(Server("full", "wsgi:app", env, folder, args.follow_up_workers))
        servers.append(Server("bare", "bench._bare_app:app", env, folder))
        for server in servers:
            server.wait_until_healthy()
        path = f"/hearings/{hearing_id}/testimony/new"
        full, bare = servers
        endpoints = {
            "full": Endpoint(
                "full",
                full,
                path,
                lambda count: open_forms(full.port, hearing_id, count),
                Residents(texts, measure_id, seed=1),
            ),
            "bare": Endpoint("bare", bare, path, bare_blanks, Residents(texts, measure_id, seed=2)),
        }
        print(
            f"submissions on {dialect}: gunicorn workers={conf['workers']} "
            f"threads={conf['threads']} ({conf['worker_class']}), {follow_up_name(args)}, "
            f"{args.clients} clients, "
            f"{args.seconds:g} s per phase, {args.rounds} rounds; texts: {source}",
            flush=True,
        )
        # Warm up (imports, caches, connections) and estimate how many forms a phase needs.
        expected = {}
        for name, endpoint in endpoints.items():
            warm = saturate(endpoint, args.clients, args.warmup, expected_rate=50)
            expected[name] = max(warm.rate, 10.0)
        follow_up_catch_up(url)
        rounds: list[dict[str, Phase]] = []
        for number in range(args.rounds):
            order = ["full", "bare"] if number % 2 == 0 else ["bare", "full"]
            phases: dict[str, Phase] = {}
            for name in order:
                phase = saturate(endpoints[name], args.clients, args.seconds, expected[name])
                if name == "full":  # the bare endpoint leaves nothing to follow up
                    catch_up(phase, endpoints[name].server, url)
                phases[f"{name} saturation"] = phase
                expected[name] = phase.sustained
            for name in order:
                rate = phases[f"{name} saturation"].sustained / 2
                phases[f"{name} half"] = half_load(
                    endpoints[name], rate, args.seconds, seed=1000 * number + len(name)
                )
                if name == "full":
                    catch_up(phases[f"{name} half"], endpoints[name].server, url)
            rounds.append(phases)
            print_round(number + 1, phases)
    finally:
        for server in servers:
            server.stop()
    for server in servers:
        print(f"{server.name} server log: {server.problems()}")
    with setup.app_context():
        ok, lines = check_database(hearing_id, endpoints)
        db.engine.dispose()
    summarise(dialect, conf, rounds, follow_up_name(args))
    print(f"check: {'every acknowledged submission stored once' if ok else 'PROBLEMS'}")
    print("\n".join(lines))


def follow_up_name(args: argparse.Namespace) -> str:
    """How the full path's placement and receipts are done in this run."""
    count = args.follow_up_workers
    return f"follow-up workers={count}" if count else "follow-up in a thread of each app process"


def catch_up(phase: Phase, server: Server, url: str) -> None:
    """Wait for the follow-up work the phase left, and count its time and CPU to the phase."""
    before = server.cpu()
    phase.catch_up = follow_up_catch_up(url)
    after = server.cpu()
    phase.server_cpu += sum(after[pid] - before.get(pid, 0.0) for pid in after)


def print_round(number: int, phases: dict[str, Phase]) -> None:
    for name in ("full", "bare"):
        sat, half = phases[f"{name} saturation"], phases[f"{name} half"]
        extra = f", {sat.forms_reused} forms re-sent with a new key" if sat.forms_reused else ""
        if name == "full":
            extra += (
                f"; placement and receipts caught up {sat.catch_up:.1f} s after the phase "
                f"({sat.rate:.1f}/s acknowledged)"
            )
        print(
            f"round {number} {name}: saturation {sat.sustained:.1f}/s, "
            f"p50 {ms(sat.percentile(0.5))}; "
            f"server CPU {sat.cpu_per_submission_ms:.1f} ms per submission; load generator "
            f"{sat.generator_cpu / sat.seconds:.0%} of a core; machine {sat.machine_busy:.0%} "
            f"busy, {sat.others:.1f} cores by others{extra}"
        )
        print(
            f"round {number} {name}: half load {half.rate:.1f}/s ({half.offered:.1f} offered): "
            f"p50 {ms(half.percentile(0.5))} p99 {ms(half.percentile(0.99))} "
            f"max {ms(half.percentile(1.0))}; machine {half.machine_busy:.0%} busy, "
            f"{half.others:.1f} cores by others",
            flush=True,
        )


def summarise(dialect: str, conf: dict, rounds: list[dict[str, Phase]], follow_up: str) -> None:
    # The full path counts until its follow-up work (placement, receipts) was done as well.
    full = statistics.median(r["full saturation"].sustained for r in rounds)
    bare = statistics.median(r["bare saturation"].sustained for r in rounds)
    ratio = statistics.median(
        r["full saturation"].sustained / r["bare saturation"].sustained for r in rounds
    )
    # What the app servers answer while the follow-up work waits (it is done after the burst,
    # or elsewhere: by follow-up workers on another machine).
    answered = statistics.median(r["full saturation"].rate for r in rounds)
    answered_ratio = statistics.median(
        r["full saturation"].rate / r["bare saturation"].sustained for r in rounds
    )
    pooled = [s.latency for r in rounds for s in r["full half"].sent if s.acknowledged]
    bare_pooled = [s.latency for r in rounds for s in r["bare half"].sent if s.acknowledged]
    half_rate = statistics.median(r["full half"].rate for r in rounds)
    p50, p99 = percentile(pooled, 0.5), percentile(pooled, 0.99)
    cpu_full = statistics.median(r["full saturation"].cpu_per_submission_ms for r in rounds)
    cpu_bare = statistics.median(r["bare saturation"].cpu_per_submission_ms for r in rounds)
    generator = max(
        p.generator_cpu / p.seconds for r in rounds for p in r.values() if p.kind == "saturation"
    )

    def verdict(met: bool) -> str:
        return "met" if met else "NOT met"

    ratios = ", ".join(
        f"{r['full saturation'].sustained / r['bare saturation'].sustained:.2f}" for r in rounds
    )
    print(
        f"detail: ratio is the median of {len(rounds)} per-round ratios ({ratios}); "
        f"server CPU per submission at saturation: full {cpu_full:.1f} ms, bare {cpu_bare:.1f} ms "
        f"({cpu_full / cpu_bare:.1f}x)"
    )
    print(
        f"detail: half load pooled over rounds: full {len(pooled)} submissions p50 {ms(p50)} "
        f"p99 {ms(p99)}; bare {len(bare_pooled)} submissions p50 "
        f"{ms(percentile(bare_pooled, 0.5))} p99 {ms(percentile(bare_pooled, 0.99))}"
    )
    warning = "; it may be what limits the bare endpoint" if generator > 0.6 else ""
    print(
        f"detail: the load generator used at most {generator:.0%} of one core "
        f"({os.cpu_count()} cores in all{warning})"
    )
    acknowledged_target = ACKNOWLEDGED_TARGETS.get(dialect, 0.5)
    print(
        f"submissions {dialect} workers={conf['workers']} threads={conf['threads']} "
        f"{follow_up}: "
        f"full {full:.0f}/s, bare {bare:.0f}/s, sustained ratio {ratio:.2f} "
        f"(target >= {SUSTAINED_TARGET:.2f}: {verdict(ratio >= SUSTAINED_TARGET)}); "
        f"acknowledged {answered:.0f}/s, ratio {answered_ratio:.2f} "
        f"(target >= {acknowledged_target:.2f}: {verdict(answered_ratio >= acknowledged_target)}); "
        f"CPU per submission full {cpu_full:.1f} ms, bare {cpu_bare:.1f} ms; "
        f"half load {half_rate:.0f}/s "
        f"p50 {ms(p50)} p99 {ms(p99)} (target p99 < 100 ms: {verdict(p99 < 0.1)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL to use (emptied!); default SQLite")
    parser.add_argument("--seconds", type=float, default=8, help="length of each timed phase")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=12, help="closed-loop clients")
    parser.add_argument("--warmup", type=float, default=2, help="seconds per endpoint")
    parser.add_argument("--workers", type=int, help="WEB_CONCURRENCY (gunicorn.conf.py default)")
    parser.add_argument("--threads", type=int, help="OPENTESTIMONY_THREADS (default from conf)")
    parser.add_argument(
        "--follow-up-workers",
        type=int,
        default=0,
        help="run the full path with JOBS_RUNNER=worker and this many job worker processes "
        "(their CPU counts to the full path); 0: the default background thread",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temp folder (logs, db)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-submissions-"))
    try:
        run(args, folder)
    finally:
        if args.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
