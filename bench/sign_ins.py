"""Sign-in throughput: the real position sign-in form against the bare endpoint, in one run.

The real path is `wsgi:app` taking the sign-in form at /hearings/<id>/positions/new (CSRF
token, validation, rate limits per address and e-mail, trap field and timing mark, the agenda
read again inside the write, the sign-in row, its positions, the sharded tally counts, the
audit row and the receipt e-mail queued in the transaction and delivered after the response).
The bare endpoint is the same one bench/submissions.py measures testimony against
(bench/_bare_app.py: a plain Flask + Flask-SQLAlchemy app that stores one row and nothing
else), given the same testimony form as there. Both are served side by side by the project's
own gunicorn command and gunicorn.conf.py, against the same database, opened with the same
settings; the machinery (servers, load, phases) is bench/submissions.py's.

Residents sign in to an open hearing on three measures, each choosing a position on one, two
or all three (names generated, in several scripts: ../shared/data holds no names). Forms are
opened (GET) before each timed phase, so only the POSTs are timed. Per round, endpoints
interleaved:

  A. saturation: --clients closed-loop clients for --seconds. "Acknowledged": sign-ins the
     servers answered per second; "sustained": counted until the receipt e-mails the phase
     queued were delivered too (acknowledged / (seconds + catch-up));
  B. half load: Poisson arrivals at 50% of that endpoint's own sustained rate from A; latency
     from each sign-in's scheduled start.

Targets (issue 19): at least 0.5 of the bare endpoint's rate, and p99 < 100 ms at half load,
on SQLite and PostgreSQL. Measurements, not assertions: the exit code is 0 either way.

Afterwards the database is checked: every acknowledged sign-in stored exactly once, with the
positions its form chose; the tallies (summed over their shards) equal to the stored positions
by measure, position and state; one audit row and one delivered receipt per sign-in; no 5xx.

    .venv/bin/python bench/sign_ins.py                      # SQLite in a temp folder
    .venv/bin/python bench/sign_ins.py --seconds 5 --rounds 2
    .venv/bin/python bench/sign_ins.py \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_sign_ins

The PostgreSQL database is made if missing and emptied first, so its name must contain
"bench"; never point this at real data.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
from collections import Counter
from pathlib import Path

from _sign_in_checks import check_sign_ins, create_hearing
from _sign_in_forms import SignInResidents
from _submission_forms import Residents, load_texts
from _submission_load import Endpoint, Phase, bare_blanks, half_load, open_forms, saturate
from _submission_load import percentile as percentile_of
from _submission_servers import (
    SECRET_KEY,
    Server,
    follow_up_catch_up,
    gunicorn_settings,
    prepare_database,
    server_environment,
)
from submissions import catch_up, ms

from app import create_app
from app.platform.extensions import db

TARGET_RATIO = 0.5
TARGET_P99 = 0.100


def run(args: argparse.Namespace, folder: Path) -> None:
    url = args.database_url or f"sqlite:///{folder}/bench.db"
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    dialect = url.split(":", 1)[0].split("+", 1)[0]
    prepare_database(url)
    setup = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET_KEY, "TESTING": True})
    with setup.app_context():
        hearing_id, measure_ids = create_hearing()
        db.engine.dispose()
    texts, _source = load_texts()
    env = server_environment(url, folder, args)
    conf = gunicorn_settings(env)
    servers: list[Server] = []
    residents = SignInResidents(measure_ids, seed=1)
    try:
        servers.append(Server("full", "wsgi:app", env, folder))
        servers.append(Server("bare", "bench._bare_app:app", env, folder))
        for server in servers:
            server.wait_until_healthy()
        full, bare = servers
        endpoints = {
            "full": Endpoint(
                "full",
                full,
                f"/hearings/{hearing_id}/positions/new",
                lambda count: open_forms(full.port, hearing_id, count, form="positions"),
                residents,
            ),
            # The bare endpoint of bench/submissions.py, sent what it is sent there.
            "bare": Endpoint(
                "bare",
                bare,
                f"/hearings/{hearing_id}/testimony/new",
                bare_blanks,
                Residents(texts, measure_ids[0], seed=2),
            ),
        }
        print(
            f"sign-ins on {dialect}: gunicorn workers={conf['workers']} "
            f"threads={conf['threads']} ({conf['worker_class']}), {args.clients} clients, "
            f"{args.seconds:g} s per phase, {args.rounds} rounds; 3 measures on the hearing",
            flush=True,
        )
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
                if name == "full":
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
        follow_up_catch_up(url)
    finally:
        for server in servers:
            server.stop()
    for server in servers:
        print(f"{server.name} server log: {server.problems()}")
    sent = endpoints["full"].sent
    statuses = Counter(s.status for s in sent)
    errors = sum(n for status, n in statuses.items() if status >= 500 or status == 0)
    with setup.app_context():
        ok, lines = check_sign_ins(hearing_id, sum(s.acknowledged for s in sent), residents.chosen)
        db.engine.dispose()
    summarise(dialect, conf, rounds)
    ok &= errors == 0
    print(
        f"check: {'every acknowledged sign-in stored once' if ok else 'PROBLEMS'}; "
        f"statuses {dict(sorted(statuses.items()))}, 5xx/failed {errors}"
    )
    print("\n".join(lines))


def print_round(number: int, phases: dict[str, Phase]) -> None:
    for name in ("full", "bare"):
        sat, half = phases[f"{name} saturation"], phases[f"{name} half"]
        extra = f", {sat.forms_reused} forms re-sent with a new key" if sat.forms_reused else ""
        if name == "full":
            extra += (
                f"; receipts delivered {sat.catch_up:.1f} s after the phase "
                f"({sat.rate:.1f}/s acknowledged)"
            )
        print(
            f"round {number} {'sign-in' if name == 'full' else 'bare'}: saturation "
            f"{sat.sustained:.1f}/s, p50 {ms(sat.percentile(0.5))}; server CPU "
            f"{sat.cpu_per_submission_ms:.1f} ms per request; load generator "
            f"{sat.generator_cpu / sat.seconds:.0%} of a core; machine {sat.machine_busy:.0%} "
            f"busy, {sat.others:.1f} cores by others{extra}"
        )
        print(
            f"round {number} {'sign-in' if name == 'full' else 'bare'}: half load "
            f"{half.rate:.1f}/s ({half.offered:.1f} offered): p50 {ms(half.percentile(0.5))} "
            f"p99 {ms(half.percentile(0.99))} max {ms(half.percentile(1.0))}; machine "
            f"{half.machine_busy:.0%} busy, {half.others:.1f} cores by others",
            flush=True,
        )


def summarise(dialect: str, conf: dict, rounds: list[dict[str, Phase]]) -> None:
    def median(values) -> float:
        return statistics.median(list(values))

    def verdict(met: bool) -> str:
        return "met" if met else "NOT met"

    bare = median(r["bare saturation"].sustained for r in rounds)
    sustained = median(r["full saturation"].sustained for r in rounds)
    acknowledged = median(r["full saturation"].rate for r in rounds)
    sustained_ratio = median(
        r["full saturation"].sustained / r["bare saturation"].sustained for r in rounds
    )
    acknowledged_ratio = median(
        r["full saturation"].rate / r["bare saturation"].sustained for r in rounds
    )
    pooled = [s.latency for r in rounds for s in r["full half"].sent if s.acknowledged]
    bare_pooled = [s.latency for r in rounds for s in r["bare half"].sent if s.acknowledged]
    p50, p99 = percentile_of(pooled, 0.5), percentile_of(pooled, 0.99)
    cpu_full = median(r["full saturation"].cpu_per_submission_ms for r in rounds)
    cpu_bare = median(r["bare saturation"].cpu_per_submission_ms for r in rounds)
    others = max(p.others for r in rounds for p in r.values())
    generator = max(
        p.generator_cpu / p.seconds for r in rounds for p in r.values() if p.kind == "saturation"
    )
    ratios = ", ".join(
        f"{r['full saturation'].sustained / r['bare saturation'].sustained:.2f}" for r in rounds
    )
    print(
        f"detail: sustained ratio is the median of {len(rounds)} per-round ratios ({ratios}); "
        f"server CPU per request at saturation: sign-in {cpu_full:.1f} ms (receipt delivery "
        f"included), bare {cpu_bare:.1f} ms ({cpu_full / cpu_bare:.1f}x)"
    )
    print(
        f"detail: half load pooled over rounds: sign-ins {len(pooled)}, p50 {ms(p50)} p99 "
        f"{ms(p99)}; bare {len(bare_pooled)}, p50 {ms(percentile_of(bare_pooled, 0.5))} "
        f"p99 {ms(percentile_of(bare_pooled, 0.99))}"
    )
    print(
        f"detail: load generator at most {generator:.0%} of one core; other work on the "
        f"machine at most {others:.1f} cores (of {os.cpu_count()}; on PostgreSQL its server "
        f"counts here too)"
    )
    print(
        f"sign-ins {dialect} workers={conf['workers']} threads={conf['threads']}: bare "
        f"{bare:.0f}/s; acknowledged {acknowledged:.0f}/s, ratio {acknowledged_ratio:.2f} "
        f"(target >= {TARGET_RATIO}: {verdict(acknowledged_ratio >= TARGET_RATIO)}); sustained "
        f"{sustained:.0f}/s, ratio {sustained_ratio:.2f} "
        f"({verdict(sustained_ratio >= TARGET_RATIO)}); CPU {cpu_full:.1f} / {cpu_bare:.1f} ms; "
        f"half load p50 {ms(p50)} p99 {ms(p99)} "
        f"(target < {ms(TARGET_P99)}: {verdict(p99 < TARGET_P99)})"
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
    parser.add_argument("--keep", action="store_true", help="keep the temp folder (logs, db)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-sign-ins-"))
    try:
        run(args, folder)
    finally:
        if args.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
