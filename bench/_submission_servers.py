"""The two servers bench/submissions.py compares, and the database behind them: the project's
own gunicorn command and config serving the real app (wsgi:app) and the bare one
(bench/_bare_app.py), the database emptied, migrated and given one open hearing, and the checks
made on it after the run.
"""

from __future__ import annotations

import argparse
import os
import runpy
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import sqlalchemy
from _submission_load import Client, Endpoint, cpu_seconds
from sqlalchemy import func, select, text

from app.campaigns.models import Campaign
from app.hearings.models import Body, Committee, Hearing, Measure, MeasureKind
from app.platform.audit import AuditEvent
from app.platform.extensions import db
from app.platform.jobs import Job
from app.platform.outbox import OutboxMessage
from app.platform.timezones import utcnow
from app.testimony.models import Testimony
from app.testimony.services import PLACEMENT_JOB
from app.testimony.tallies import ReviewTally

ROOT = Path(__file__).resolve().parents[1]
CONF = ROOT / "gunicorn.conf.py"
GUNICORN = Path(sys.executable).with_name("gunicorn")
SECRET_KEY = "bench-submissions-secret-key-not-for-production"  # noqa: S105 (scratch only)


# --- the two servers -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """One gunicorn (project command and config) on a free 127.0.0.1 port, stopped by PID,
    with `follow_up_workers` job worker processes beside it (JOBS_RUNNER=worker)."""

    def __init__(
        self, name: str, target: str, env: dict[str, str], folder: Path, follow_up_workers: int = 0
    ) -> None:
        self.name = name
        self.port = free_port()
        self.log = folder / f"{name}-gunicorn.log"
        if follow_up_workers:
            env = {**env, "OPENTESTIMONY_JOBS_RUNNER": "worker"}
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 (our own gunicorn, fixed arguments)
                [str(GUNICORN), "-c", str(CONF), target],
                cwd=ROOT,
                env={**env, "OPENTESTIMONY_BIND": f"127.0.0.1:{self.port}"},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            self.helpers = [
                subprocess.Popen(  # noqa: S603 (the project's own command, fixed arguments)
                    [str(GUNICORN.with_name("flask")), "--app", "wsgi", "jobs", "work"],
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
                for _ in range(follow_up_workers)
            ]

    def wait_until_healthy(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} gunicorn stopped:\n{self.tail()}")
            try:
                status, _, _ = Client(self.port).request("GET", "/healthz")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} gunicorn never became healthy:\n{self.tail()}")

    def workers(self) -> list[int]:
        """The processes doing the work: gunicorn's workers and any follow-up workers."""
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return [int(child) for child in children] + [helper.pid for helper in self.helpers]

    def cpu(self) -> dict[int, float]:
        found = {}
        for pid in self.workers():
            try:
                found[pid] = cpu_seconds(pid)
            except FileNotFoundError:
                continue
        return found

    def problems(self) -> str:
        """What the server logged besides requests and mail: busy answers, failures."""
        text = self.log.read_text(errors="replace")
        found = {
            "answered 503 (database busy)": text.count("answered 503"),
            "mail delivery failed (tried again)": text.count("outbox delivery failed"),
            "campaign placement failed (tried again)": text.count("campaign placement failed"),
            "unhandled errors (500)": text.count("unhandled error"),
            "tracebacks": text.count("Traceback"),
            "worker timeouts": text.count("WORKER TIMEOUT"),
        }
        return ", ".join(f"{n} {what}" for what, n in found.items() if n) or "nothing unusual"

    def tail(self, size: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-size:]

    def stop(self) -> None:
        for process in [self.process, *self.helpers]:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in [self.process, *self.helpers]:
            try:
                process.wait(timeout=35)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


# --- the database ----------------------------------------------------------------------------


def prepare_database(url: str) -> None:
    """Empty a PostgreSQL database (a SQLite file is new), then migrate it to head."""
    if url.startswith("postgresql"):
        import psycopg
        from psycopg import sql

        name = urllib.parse.urlsplit(url).path.lstrip("/")
        if "bench" not in name:
            raise SystemExit(f"refusing to empty database {name!r}: its name must contain 'bench'")
        plain = url.replace("postgresql+psycopg://", "postgresql://")
        server = urllib.parse.urlsplit(plain)._replace(path="/postgres").geturl()
        with psycopg.connect(server, autocommit=True) as connection:  # made if missing
            if not connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
            ).fetchone():
                connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        with psycopg.connect(plain) as connection:
            connection.autocommit = True
            connection.execute("DROP SCHEMA IF EXISTS public CASCADE")
            connection.execute("CREATE SCHEMA public")
    migrated = subprocess.run(  # noqa: S603 (the project's own CLI, fixed arguments)
        [str(GUNICORN.with_name("flask")), "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url, "SECRET_KEY": SECRET_KEY},
        capture_output=True,
        text=True,
        check=False,
    )
    if migrated.returncode != 0:
        raise RuntimeError(f"migration failed:\n{migrated.stdout}{migrated.stderr}")


def create_hearing() -> tuple[int, int]:
    """One open hearing on one ordinance, speaker sign-up open, as residents would find it."""
    now = utcnow()
    body = Body(
        slug="boston-city-council",
        name="Boston City Council",
        jurisdiction="City of Boston",
        timezone="America/New_York",
    )
    committee = Committee(body=body, slug="gov-ops", name="Committee on Government Operations")
    measure = Measure(
        committee=committee,
        kind=MeasureKind.ORDINANCE,
        number="Docket #0683",
        title="Ordinance banning the use of face surveillance in the City of Boston",
        summary="Prohibits city agencies from obtaining or using face surveillance.",
    )
    hearing = Hearing(
        committee=committee,
        title="Hearing on Docket #0683, face surveillance",
        location="Iannella Chamber, Boston City Hall",
        starts_at=now + timedelta(days=31),
        testimony_opens_at=now - timedelta(days=1),
        testimony_closes_at=now + timedelta(days=30),
        measures=[measure],
    )
    db.session.add(hearing)
    db.session.commit()
    return hearing.id, measure.id


@dataclass
class Stored:
    rows: int
    distinct_keys: int


def stored(hearing_id: int, prefix: str) -> Stored:
    rows = select(Testimony.submission_key).where(
        Testimony.hearing_id == hearing_id, Testimony.tracking_number.startswith(prefix)
    )
    count = db.session.scalar(select(func.count()).select_from(rows.subquery()))
    distinct = db.session.scalar(select(func.count(func.distinct(rows.subquery().c[0]))))
    return Stored(count, distinct)


def follow_up_catch_up(url: str, limit: float = 120.0) -> float:
    """Wait until no placement or receipt e-mail is left to do; return the seconds waited.

    Polls with a plain engine: reading takes no lock (the app's own settings would take
    SQLite's write lock for a read outside a request)."""
    engine = sqlalchemy.create_engine(url)
    started = time.monotonic()
    try:
        while time.monotonic() - started < limit:
            with engine.connect() as connection:
                left = connection.execute(
                    text(
                        "SELECT (SELECT count(*) FROM jobs WHERE state <> 'dead')"
                        " + (SELECT count(*) FROM outbox_messages WHERE sent_at IS NULL)"
                    )
                ).scalar()
            if not left:
                break
            time.sleep(0.05)
    finally:
        engine.dispose()
    return time.monotonic() - started


def check_database(hearing_id: int, endpoints: dict[str, Endpoint]) -> tuple[bool, list[str]]:
    """Every acknowledged submission stored once, nothing else; the real path's side rows."""
    lines, ok = [], True
    for name, prefix in (("full", "OT-"), ("bare", "BA-")):
        endpoint = endpoints[name]
        acknowledged = sum(s.acknowledged for s in endpoint.sent)
        statuses = Counter(s.status for s in endpoint.sent)
        errors = sum(n for status, n in statuses.items() if status >= 500 or status == 0)
        found = stored(hearing_id, prefix)
        good = found.rows == acknowledged == found.distinct_keys and errors == 0
        ok &= good
        lines.append(
            f"  {name}: {acknowledged} acknowledged (303), {found.rows} rows stored "
            f"({found.distinct_keys} distinct forms); statuses "
            f"{dict(sorted(statuses.items()))}; 5xx/failed {errors}; resent after idle close "
            f"{endpoint.resent}: {'OK' if good else 'MISMATCH'}"
        )
    real = stored(hearing_id, "OT-").rows
    audited = db.session.scalar(
        select(func.count(AuditEvent.id)).where(AuditEvent.action == "testimony.submitted")
    )
    queued = db.session.scalar(
        select(func.count(OutboxMessage.id)).where(OutboxMessage.kind == "testimony_received")
    )
    sent = db.session.scalar(
        select(func.count(OutboxMessage.id)).where(
            OutboxMessage.kind == "testimony_received", OutboxMessage.sent_at.is_not(None)
        )
    )
    tallied = db.session.scalar(
        select(func.coalesce(func.sum(ReviewTally.count), 0)).where(
            ReviewTally.hearing_id == hearing_id
        )
    )
    quarantined = db.session.scalar(
        select(func.count(Testimony.id)).where(
            Testimony.hearing_id == hearing_id, Testimony.quarantine_reason.is_not(None)
        )
    )
    grouped = db.session.scalar(
        select(func.count(Testimony.id)).where(
            Testimony.hearing_id == hearing_id, Testimony.campaign_id.is_not(None)
        )
    )
    campaigns = db.session.scalar(
        select(func.count(Campaign.id)).where(Campaign.hearing_id == hearing_id)
    )
    pending = db.session.scalar(select(func.count()).where(Job.kind == PLACEMENT_JOB))
    side_ok = audited == queued == tallied == real and quarantined == 0 and pending == 0
    ok &= side_ok
    lines.append(
        f"  full path side rows: {audited} audit, {queued} receipt mails queued ({sent} "
        f"delivered after the response), tallies count {tallied}, {quarantined} quarantined; "
        f"{grouped} placed in {campaigns} campaigns, {pending} waiting to be placed: "
        f"{'OK' if side_ok else 'MISMATCH'}"
    )
    lines.append(
        f"  columns the bare row leaves empty that the full path fills: {unfilled(hearing_id)}"
    )
    db.session.rollback()
    return ok, lines


def unfilled(hearing_id: int) -> str:
    """Compare one stored row of each: only campaign placement's columns should differ."""
    rows = {}
    for prefix in ("OT-", "BA-"):
        rows[prefix] = (
            db.session.execute(
                select(Testimony.__table__)
                .where(
                    Testimony.hearing_id == hearing_id,
                    Testimony.tracking_number.startswith(prefix),
                    Testimony.organization.is_(None),  # optional: some residents fill it in
                    Testimony.campaign_id.is_not(None) if prefix == "OT-" else True,
                )
                .limit(1)
            )
            .mappings()
            .first()
        )
    if None in rows.values():
        return "(no rows to compare)"
    empty = (None, "")
    missing = [
        column
        for column, value in rows["OT-"].items()
        if value not in empty and rows["BA-"][column] in empty
    ]
    expected = {"campaign_id", "wording_key"}
    verdict = "as expected" if set(missing) == expected else "CHECK _bare_app.py"
    return f"{', '.join(missing) or 'none'} ({verdict}: placement sets campaign_id, wording_key)"


# --- gunicorn settings -----------------------------------------------------------------------


def server_environment(url: str, folder: Path, args: argparse.Namespace) -> dict[str, str]:
    inherited = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("OPENTESTIMONY_") and key not in ("DATABASE_URL", "SECRET_KEY")
    }
    env = {
        **inherited,
        "DATABASE_URL": url,
        "SECRET_KEY": SECRET_KEY,
        "OPENTESTIMONY_SECURE_COOKIES": "0",
        "OPENTESTIMONY_SUBMIT_MIN_SECONDS": "0",
        "OPENTESTIMONY_UPLOAD_FOLDER": str(folder / "uploads"),
        "OPENTESTIMONY_MAIL_SERVER": "",  # mail goes to the log, after the response
        "OPENTESTIMONY_SUBMIT_LIMIT_PER_ADDRESS": "1000000 per minute",
        "OPENTESTIMONY_SUBMIT_LIMIT_PER_EMAIL": "1000000 per minute",
        # A worker replaced mid-phase would time its start-up, not submissions.
        "OPENTESTIMONY_MAX_REQUESTS": "0",
        "OPENTESTIMONY_JOBS_RUNNER": "thread",
    }
    for name, value in (("WEB_CONCURRENCY", args.workers), ("OPENTESTIMONY_THREADS", args.threads)):
        if value:
            env[name] = str(value)
    return env


def gunicorn_settings(env: dict[str, str]) -> dict:
    """What gunicorn.conf.py makes of this environment (workers, threads, ...)."""
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        return runpy.run_path(str(CONF))
    finally:
        os.environ.clear()
        os.environ.update(saved)
