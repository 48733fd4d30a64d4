"""Background jobs: one way to run work off the request's path, with the database as the queue.

A job is a row in `jobs`, added by `enqueue` in the caller's own transaction: nothing is done
for a transaction that was rolled back, and nothing acknowledged is lost if a process dies,
since the row is already stored. Its id is handed to a runner only once that transaction has
committed (app/platform/committed.py).

Each domain says what a kind of job does with `register(app, kind, handler, ...)`, from the
factory; this module imports no domain. A handler takes the payloads of a batch of jobs of its
kind (receipts over one SMTP connection, several placements in one transaction). It may
commit as it goes (mail, exports), or only flush (placements): the batch's rows are deleted in
the transaction the handler leaves open, and only while this process still holds them, so a
handler that only flushes does its work exactly once.

Claiming is one conditional UPDATE that sets an owner and a lease, committed at once: two
processes never run one job, and no lock is held while the work runs. While it runs, a
heartbeat renews the lease; a dead process's claim lapses after LEASE and another process
takes the job again. A failing batch goes back to "retrying" with an exponential back-off, and
after its kind's `attempts` tries it is "dead": kept, shown on the staff admin page and in
/healthz, and tried again by hand (`retry`, `flask jobs retry`).

Where jobs run is JOBS_RUNNER:

- "thread" (the default): a thread in each app process takes its own requests' jobs in
  batches, in the gaps between requests, and every POLL_SECONDS sweeps up jobs due for a retry,
  jobs whose claim lapsed, and queued jobs older than SWEEP_AGE (their process died);
- "worker": app processes leave jobs to `flask jobs work` processes (lower priority,
  JOBS_NICE); their threads only sweep up jobs older than WORKER_MISSING_AGE, in case no
  worker runs;
- "rq": after the commit the job ids go onto a Redis queue (RQ) for `flask jobs work` workers
  (the default when REDIS_URL is set). The message only carries ids: the row stays the
  record, so a message Redis lost is swept up from the table like any other;
- "after-response": a request's jobs run in its own thread once its response is closed (the
  tests use it: it is deterministic).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import queue
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, after_this_request, current_app, has_request_context, request
from sqlalchemy import (
    Index,
    Integer,
    String,
    Text,
    and_,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from app.platform import audit, committed
from app.platform.extensions import db
from app.platform.heartbeat import Heartbeat
from app.platform.timezones import UTCDateTime, utcnow

log = logging.getLogger("opentestimony.jobs")

QUEUED, RUNNING, RETRYING, DEAD = "queued", "running", "retrying", "dead"
STATES = (QUEUED, RUNNING, RETRYING, DEAD)
RUNNERS = ("thread", "worker", "rq", "after-response")

# A claim not renewed for this long is abandoned (its process died) and retaken; a live
# process renews it every HEARTBEAT_SECONDS however long its handler runs.
LEASE = timedelta(seconds=90)
HEARTBEAT_SECONDS = 15.0
# The first retry waits this long, each next one twice as long, never more than RETRY_MAX.
RETRY_SECONDS = 5.0
RETRY_MAX = timedelta(hours=1)
# Tries before a job is dead, unless its kind says otherwise.
ATTEMPTS = 5
# How often the background thread (and a worker) looks for jobs due; a worker looks for new
# ones more often.
POLL_SECONDS = 5.0
WORKER_POLL_SECONDS = 0.2
# A queued job is left this long to the process that queued it before any other takes it.
SWEEP_AGE = timedelta(minutes=2)
# With JOBS_RUNNER=worker or rq: the age at which app processes run jobs themselves.
WORKER_MISSING_AGE = timedelta(minutes=10)
# Seconds the background thread waits for a moment with no request in progress before a batch.
GAP_WAIT = 0.05
# Jobs looked at per round.
ROUND = 200
RQ_QUEUE = "jobs"
RQ_TIMEOUT = 3 * 3600


class Job(db.Model):
    __tablename__ = "jobs"
    __table_args__ = (
        Index("ix_jobs_state_run_after", "state", "run_after"),
        Index("ix_jobs_kind_state", "kind", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(60))
    # JSON: ids of the rows the work is about, never personal data.
    payload: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(10), default=QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Not to be run before this (the back-off after a failure).
    run_after: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Set while a process runs it; renewed by its heartbeat.
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claimed_by: Mapped[str | None] = mapped_column(String(40))
    last_error: Mapped[str | None] = mapped_column(String(500))

    @property
    def data(self) -> dict:
        return json.loads(self.payload)


_INSERT_JOB = insert(Job.__table__).returning(Job.__table__.c.id)

Handler = Callable[[list[dict]], None]


@dataclass(frozen=True)
class Kind:
    """What a kind of job does, and how: `batch` jobs at once (a number, or a function of
    nothing, asked each time: placements depend on the database), `attempts` tries."""

    name: str
    handler: Handler
    batch: int | Callable[[], int] = 1
    attempts: int = ATTEMPTS

    def batch_size(self) -> int:
        return self.batch() if callable(self.batch) else self.batch


class Retry(Exception):
    """A handler's way to say the work is not done yet (it is tried again after a back-off)."""


class BackendUnavailable(Exception):
    """The Redis queue could not take the jobs; they stay queued in the database."""


# Enqueueing and handing over.


def enqueue(kind: str, payload: dict[str, Any], *, at: datetime | None = None) -> int:
    """Add a job in the current transaction and return its id; it is handed to a runner once
    that commits. A plain INSERT, not the ORM: every submission queues one, and the ORM's
    object and flush cost several times the statement."""
    now = at or utcnow()
    job_id = db.session.execute(
        _INSERT_JOB,
        {
            "kind": kind,
            "payload": json.dumps(payload),
            "state": QUEUED,
            "attempts": 0,
            "created_at": now,
            "run_after": now,
        },
    ).scalar_one()
    committed.note(committed.JOBS, job_id)
    return job_id


def register(
    app: Flask,
    kind: str,
    handler: Handler,
    *,
    batch: int | Callable[[], int] = 1,
    attempts: int = ATTEMPTS,
) -> None:
    """Say what jobs of this kind do (called by each domain's init, from the factory)."""
    runner: Runner = app.extensions["jobs"]
    if kind in runner.kinds:
        raise ValueError(f"job kind {kind!r} is registered twice")
    runner.kinds[kind] = Kind(kind, handler, batch, attempts)


def register_periodic(app: Flask, task: Callable[[], None]) -> None:
    """Something to do on every sweep (deleting expired files, say); it commits itself."""
    app.extensions["jobs"].periodic.append(task)


def hand_over() -> None:
    """Hand the jobs of every transaction committed so far to the runner, now rather than when
    the request ends. With the after-response runner they run here and now. Raises
    BackendUnavailable when Redis refused them (they stay queued for the sweep)."""
    ids = committed.take().get(committed.JOBS, [])
    if ids:
        runner: Runner = current_app.extensions["jobs"]
        runner.hand(ids, now=True)


def run_committed() -> Outcome:
    """Run the jobs of every transaction committed so far in this thread (the command line)."""
    ids = committed.take().get(committed.JOBS, [])
    if not ids:
        return Outcome()
    return run(current_app._get_current_object(), ids, in_this_session=True)


# Claiming and running.


@dataclass
class Outcome:
    """What became of a round of jobs."""

    done: int = 0
    failed: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class _Claimed:
    id: int
    kind: str
    payload: dict
    attempts: int


def _lapsed(now: datetime):
    return and_(Job.state == RUNNING, Job.claimed_at < now - LEASE)


def _due(now: datetime, fresh_age: timedelta | None):
    """Jobs anyone may take now: due for a retry, abandoned by a dead process, or queued and
    older than `fresh_age` (None: however fresh)."""
    queued = Job.state == QUEUED
    if fresh_age is not None:
        queued = and_(queued, Job.created_at < now - fresh_age)
    return or_(queued, and_(Job.state == RETRYING, Job.run_after <= now), _lapsed(now))


def _claim(job_ids: list[int], owner: str, now: datetime) -> list[_Claimed]:
    """Take these jobs for `owner` if nobody else holds them: one conditional UPDATE, committed
    at once, so two processes never both run a job and no lock is held while it runs."""
    if not job_ids:
        return []
    rows = db.session.execute(
        update(Job)
        .where(
            Job.id.in_(job_ids),
            or_(
                Job.state == QUEUED, and_(Job.state == RETRYING, Job.run_after <= now), _lapsed(now)
            ),
        )
        .values(state=RUNNING, claimed_at=now, claimed_by=owner, attempts=Job.attempts + 1)
        .returning(Job.id, Job.kind, Job.payload, Job.attempts)
        .execution_options(synchronize_session=False)
    ).all()
    db.session.commit()
    return sorted(
        (_Claimed(row.id, row.kind, json.loads(row.payload), row.attempts) for row in rows),
        key=lambda job: job.id,
    )


def _heartbeat(owner: str, job_ids: list[int]) -> Heartbeat:
    """Renews the claim on a batch while its handler runs."""

    def renew(connection) -> int:
        return connection.execute(
            update(Job)
            .where(Job.id.in_(job_ids), Job.claimed_by == owner)
            .values(claimed_at=utcnow())
        ).rowcount

    return Heartbeat(db.engine, renew, seconds=HEARTBEAT_SECONDS, lease=LEASE, what="running jobs")


def backoff(attempts: int) -> timedelta:
    """How long a job that failed its `attempts`-th try waits before the next."""
    seconds = RETRY_SECONDS * 2 ** max(0, attempts - 1)
    return min(timedelta(seconds=seconds), RETRY_MAX)


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:500]


def _run_batch(kind: Kind, batch: list[_Claimed], owner: str) -> bool:
    """Run one batch of claimed jobs; True when it was done. Never raises."""
    ids = [job.id for job in batch]
    try:
        with _heartbeat(owner, ids):
            kind.handler([job.payload for job in batch])
        finished = db.session.execute(
            delete(Job)
            .where(Job.id.in_(ids), Job.claimed_by == owner)
            .execution_options(synchronize_session=False)
        ).rowcount
        if finished != len(ids):
            # The claim lapsed (this process stalled past the lease) and another process took
            # some of these jobs: what this handler left uncommitted is theirs to do.
            db.session.rollback()
            log.warning(
                "claim on %d %s job(s) lapsed; left to another process", len(ids), kind.name
            )
            return False
        db.session.commit()
        return True
    except Exception as error:
        db.session.rollback()
        if isinstance(error, Retry):
            log.warning("%s job(s) %s not done yet: %s", kind.name, ids, error)
        else:
            log.exception("%s job(s) %s failed; they will be retried", kind.name, ids)
        _fail(kind, batch, owner, _describe(error))
        return False


def _fail(kind: Kind, batch: list[_Claimed], owner: str, error: str) -> None:
    now = utcnow()
    for job in batch:
        dead = job.attempts >= kind.attempts
        try:
            db.session.execute(
                update(Job)
                .where(Job.id == job.id, Job.claimed_by == owner)
                .values(
                    state=DEAD if dead else RETRYING,
                    run_after=now if dead else now + backoff(job.attempts),
                    claimed_at=None,
                    claimed_by=None,
                    last_error=error,
                )
                .execution_options(synchronize_session=False)
            )
            db.session.commit()
        except SQLAlchemyError:
            # The database itself is failing: the claim lapses and the job is taken again.
            db.session.rollback()
            log.exception("failure of %s job %s not recorded", kind.name, job.id)
        if dead:
            log.error(
                "%s job %s is dead after %d tries: %s", kind.name, job.id, job.attempts, error
            )


def run(
    app: Flask,
    job_ids: list[int] | None = None,
    *,
    kinds: list[str] | None = None,
    fresh_age: timedelta | None = None,
    limit: int = ROUND,
    pause: Callable[[], None] = lambda: None,
    in_this_session: bool = False,
) -> Outcome:
    """Claim and run jobs: these ids (whatever their age), or up to `limit` due ones (of these
    kinds; queued ones only once older than `fresh_age`), kind by kind in batches, calling
    `pause` before each batch. Never raises: what fails stays in the table for a retry."""
    outcome = Outcome()
    runner: Runner = app.extensions["jobs"]
    # In the caller's own session when asked (the work it just committed, run here and now:
    # on SQLite a second connection would wait for the caller's lock); otherwise in a context
    # of its own, as a background thread or a closed response needs.
    context = contextlib.nullcontext() if in_this_session else app.app_context()
    with context:
        try:
            if job_ids is None:
                query = (
                    select(Job.id).where(_due(utcnow(), fresh_age)).order_by(Job.id).limit(limit)
                )
                if kinds is not None:
                    query = query.where(Job.kind.in_(kinds))
                job_ids = list(db.session.scalars(query))
                db.session.commit()
            owner = secrets.token_hex(16)
            for start in range(0, len(job_ids), limit):
                claimed = _claim(job_ids[start : start + limit], owner, utcnow())
                by_kind: dict[str, list[_Claimed]] = {}
                for job in claimed:
                    by_kind.setdefault(job.kind, []).append(job)
                for name, jobs_of_kind in by_kind.items():
                    kind = runner.kinds.get(name)
                    if kind is None:
                        # Queued by a newer release, or a kind since removed: kept, and shown.
                        _fail(Kind(name, _unknown, attempts=1), jobs_of_kind, owner, "unknown kind")
                        outcome.failed += len(jobs_of_kind)
                        continue
                    size = max(1, kind.batch_size())
                    for first in range(0, len(jobs_of_kind), size):
                        batch = jobs_of_kind[first : first + size]
                        pause()
                        if _run_batch(kind, batch, owner):
                            outcome.done += len(batch)
                            outcome.by_kind[name] = outcome.by_kind.get(name, 0) + len(batch)
                        else:
                            outcome.failed += len(batch)
        except SQLAlchemyError:
            db.session.rollback()
            log.exception("jobs could not be claimed; the next round will try again")
        finally:
            if not in_this_session:
                db.session.remove()
    return outcome


def _unknown(_payloads: list[dict]) -> None:
    raise RuntimeError("unknown kind")


def sweep(app: Flask, fresh_age: timedelta = SWEEP_AGE) -> Outcome:
    """Jobs due for a retry, left by a dead process, or queued longer than `fresh_age`; then
    the periodic tasks. Never raises."""
    outcome = Outcome()
    while True:  # round after round, until a round finds nothing more to do
        found = run(app, fresh_age=fresh_age)
        outcome.done += found.done
        outcome.failed += found.failed
        if found.done + found.failed < ROUND or not found.done:
            break
    run_periodic(app)
    return outcome


def run_periodic(app: Flask) -> None:
    """The periodic tasks (forgetting expired kept files, say), each on its own: one that
    fails is logged and tried again at the next sweep. Never raises."""
    with app.app_context():
        for task in app.extensions["jobs"].periodic:
            try:
                task()
            except Exception:
                db.session.rollback()
                log.exception("periodic task failed; the next sweep will try again")
        db.session.remove()


# Retrying dead jobs by hand, and what the table holds.


def retry(actor: str, job: Job, *, now: datetime) -> None:
    """Queue a dead job again with fresh tries (a staff admin or the command line). Flushes."""
    if job.state != DEAD:
        raise ValueError("only a dead job is retried by hand")
    job.state = QUEUED
    job.attempts = 0
    job.run_after = now
    job.created_at = now
    job.last_error = None
    db.session.flush()
    committed.note(committed.JOBS, job.id)
    audit.record(actor, "job.retried", job, at=now, kind=job.kind)


@dataclass(frozen=True)
class Summary:
    """Counts of jobs by kind and state, and how long the oldest queued one has waited."""

    counts: dict[str, dict[str, int]]
    oldest_queued_seconds: int

    def total(self, state: str) -> int:
        return sum(states.get(state, 0) for states in self.counts.values())


def summary(*, now: datetime) -> Summary:
    """What the table holds: a running job whose claim lapsed counts as queued (it will be)."""
    counts: dict[str, dict[str, int]] = {}
    for kind, state, number in db.session.execute(
        select(Job.kind, Job.state, func.count()).group_by(Job.kind, Job.state)
    ):
        counts.setdefault(kind, dict.fromkeys(STATES, 0))[state] = number
    for kind, number in db.session.execute(
        select(Job.kind, func.count()).where(_lapsed(now)).group_by(Job.kind)
    ):
        counts[kind][RUNNING] -= number
        counts[kind][QUEUED] += number
    oldest = db.session.scalar(
        select(func.min(Job.created_at)).where(or_(Job.state == QUEUED, _lapsed(now)))
    )
    waited = int((now - oldest).total_seconds()) if oldest is not None else 0
    return Summary(counts, max(0, waited))


def listing(states: tuple[str, ...] = (QUEUED, RETRYING, DEAD), limit: int = 200) -> list[Job]:
    """Jobs in these states, dead ones first, then the oldest."""
    dead_first = (Job.state != DEAD).label("dead_first")
    return list(
        db.session.scalars(
            select(Job).where(Job.state.in_(states)).order_by(dead_first, Job.id).limit(limit)
        )
    )


# Runners.


class Answering:
    """How many requests this process is answering. The background thread shares the process
    (and Python's one running thread at a time) with them, so it runs batches in the gaps
    between requests, waiting at most GAP_WAIT for one: under a steady stream it still moves
    on, and whatever it leaves is done as soon as the stream thins."""

    def __init__(self) -> None:
        self.count = 0
        self.changed = threading.Condition()

    def started(self) -> None:
        with self.changed:
            self.count += 1

    def finished(self) -> None:
        with self.changed:
            self.count -= 1
            if self.count == 0:
                self.changed.notify_all()

    def wait_for_a_gap(self) -> None:
        with self.changed:
            self.changed.wait_for(lambda: self.count == 0, timeout=GAP_WAIT)


_STOP: list[int] = []


class Runner:
    """The jobs of one application: its kinds, and the background thread of this process
    (started by the first job handed to it, after gunicorn forks, so each worker has its own)."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.kinds: dict[str, Kind] = {}
        self.periodic: list[Callable[[], None]] = []
        self.answering = Answering()
        self.lock = threading.Lock()
        self.inbox: queue.SimpleQueue[list[int]] = queue.SimpleQueue()
        self.thread: threading.Thread | None = None
        self.pid = 0

    @property
    def mode(self) -> str:
        return runner_name(self.app)

    def hand(self, job_ids: list[int], *, response=None, now: bool = False) -> None:
        """Committed jobs, to run as JOBS_RUNNER says. With the after-response runner they run
        once `response` is closed, or at once when the caller asks for `now` (it waits for
        nothing after this) or there is no request."""
        mode = self.mode
        if mode == "after-response":
            if response is not None and not now:
                response.call_on_close(lambda: run(self.app, job_ids))
            elif has_request_context() and not now:

                @after_this_request
                def _later(later_response):
                    later_response.call_on_close(lambda: run(self.app, job_ids))
                    return later_response

            else:
                run(self.app, job_ids, in_this_session=has_request_context())
            return
        with self.lock:
            self._start_if_needed()  # in every mode: it sweeps up what no one else did
            if mode == "thread":
                self.inbox.put(job_ids)
        if mode == "rq":
            push_to_rq(self.app, job_ids)

    def _start_if_needed(self) -> None:
        if self.thread is None or not self.thread.is_alive() or self.pid != os.getpid():
            self.pid = os.getpid()
            self.inbox = queue.SimpleQueue()
            self.thread = threading.Thread(target=self._loop, name="opentestimony-jobs")
            self.thread.daemon = True
            self.thread.start()

    def stop(self) -> None:
        """Finish the jobs in hand, then end the thread (gunicorn.conf.py's worker_exit)."""
        with self.lock:
            thread, self.thread = self.thread, None
            if thread is not None and thread.is_alive():
                self.inbox.put(_STOP)
        if thread is not None:
            thread.join(timeout=30)

    def _loop(self) -> None:
        inbox = self.inbox
        next_sweep = time.monotonic() + POLL_SECONDS
        stopping = False
        while not stopping:
            try:
                handed = [inbox.get(timeout=max(0.01, next_sweep - time.monotonic()))]
            except queue.Empty:
                handed = []
            while len(handed) < ROUND:  # whatever else arrived meanwhile
                try:
                    handed.append(inbox.get_nowait())
                except queue.Empty:
                    break
            stopping = any(ids is _STOP for ids in handed)
            ids = [job_id for ids in handed if ids is not _STOP for job_id in ids]
            if ids:
                run(self.app, ids, pause=self.answering.wait_for_a_gap)
            if time.monotonic() >= next_sweep and not stopping:
                age = SWEEP_AGE if self.mode == "thread" else WORKER_MISSING_AGE
                sweep(self.app, age)
                next_sweep = time.monotonic() + POLL_SECONDS


def runner_name(app: Flask) -> str:
    chosen = app.config.get("JOBS_RUNNER") or ""
    if chosen:
        return chosen
    return "rq" if app.config.get("REDIS_URL") else "thread"


def _rq_queue(app: Flask):
    from redis import Redis
    from rq import Queue

    return Queue(RQ_QUEUE, connection=Redis.from_url(app.config["REDIS_URL"]))


def push_to_rq(app: Flask, job_ids: list[int]) -> None:
    """Put the ids on the Redis queue; raises BackendUnavailable if Redis cannot take them."""
    from redis.exceptions import RedisError

    try:
        _rq_queue(app).enqueue(
            "app.platform.jobs.run_from_rq", job_ids, job_timeout=RQ_TIMEOUT, result_ttl=0
        )
    except RedisError as error:
        log.error("jobs %s not put on the Redis queue: %s", job_ids, type(error).__name__)
        raise BackendUnavailable from error


def run_from_rq(job_ids: list[int]) -> None:
    """What an RQ worker runs: the jobs by id, in the application `flask jobs work` made."""
    run(current_app._get_current_object(), job_ids)


def work(app: Flask, stop: threading.Event, *, burst: bool = False) -> Outcome:
    """`flask jobs work` without Redis: run jobs as they come, until `stop` (or, with burst,
    until a round finds nothing it can do). A failure waits for its back-off."""
    total = Outcome()
    next_sweep = time.monotonic()
    while not stop.is_set():
        outcome = run(app)
        total.done += outcome.done
        total.failed += outcome.failed
        if time.monotonic() >= next_sweep:
            run_periodic(app)
            next_sweep = time.monotonic() + POLL_SECONDS
        if burst and not outcome.done:
            break
        if not outcome.done:
            stop.wait(WORKER_POLL_SECONDS)
    return total


def work_from_rq(app: Flask, *, burst: bool = False) -> None:
    """`flask jobs work` with Redis: an RQ worker on the jobs queue, in this process (no fork:
    the application and its database pool stay this process's own), after a sweep of the
    table for anything Redis lost."""
    from rq import SimpleWorker

    sweep(app, SWEEP_AGE)
    queue_ = _rq_queue(app)
    with app.app_context():
        SimpleWorker([queue_], connection=queue_.connection).work(burst=burst)


def lower_priority(app: Flask) -> None:
    niceness = int(app.config["JOBS_NICE"])
    if niceness > 0:
        os.nice(niceness)


_COUNTED = "opentestimony.jobs.counted"


def init_app(app: Flask) -> None:
    mode = runner_name(app)
    if mode not in RUNNERS:
        raise ValueError(f"JOBS_RUNNER must be one of {', '.join(RUNNERS)}, not {mode!r}")
    runner = app.extensions["jobs"] = Runner(app)

    @app.before_request
    def _count_in():
        request.environ[_COUNTED] = True
        runner.answering.started()

    @app.teardown_request
    def _count_out(_error):
        if request.environ.pop(_COUNTED, False):
            runner.answering.finished()

    @app.after_request
    def _hand_over(response):
        ids = committed.take().get(committed.JOBS, [])
        if ids:
            # When Redis refuses them (logged), the rows stay queued and the sweep takes them.
            with contextlib.suppress(BackendUnavailable):
                runner.hand(ids, response=response)
        return response
