"""`flask jobs ...`: run background jobs in a worker process, see them, retry dead ones."""

from __future__ import annotations

import os
import signal
import threading

import click
from flask import Flask
from sqlalchemy import select

from app.platform import audit, jobs
from app.platform.extensions import db
from app.platform.timezones import utcnow


def register(app: Flask) -> None:
    @app.cli.group("jobs")
    def jobs_group() -> None:
        """Background jobs: e-mail delivery, campaign placement, exports."""

    @jobs_group.command("work")
    @click.option("--burst", is_flag=True, help="Stop once nothing more can be done.")
    def work(burst: bool) -> None:
        """Run background jobs as they come (JOBS_RUNNER=worker, or rq with Redis), at a lower
        priority than the app (OPENTESTIMONY_JOBS_NICE), until stopped (SIGTERM or Ctrl-C),
        finishing the batch in hand first. Run one or more."""
        jobs.lower_priority(app)
        click.echo(f"Job worker {os.getpid()} started.")
        if jobs.runner_name(app) == "rq":
            jobs.work_from_rq(app, burst=burst)
        else:
            stop = threading.Event()
            for signal_number in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signal_number, lambda *_: stop.set())
            jobs.work(app, stop, burst=burst)
        click.echo(f"Job worker {os.getpid()} stopped.")

    @jobs_group.command("run")
    @click.option("--kind", "kinds", multiple=True, help="Only jobs of this kind (repeatable).")
    def run(kinds: tuple[str, ...]) -> None:
        """Run every job that is due now, however fresh (after an outage, say)."""
        total = jobs.Outcome()
        while True:
            outcome = jobs.run(app, kinds=list(kinds) or None)
            total.done += outcome.done
            total.failed += outcome.failed
            if not outcome.done:
                break
        click.echo(f"Ran {total.done} job(s); {total.failed} failed and wait for a retry.")

    @jobs_group.command("list")
    def list_jobs() -> None:
        """Count jobs by kind and state, and list failed and dead ones with their error."""
        found = jobs.summary(now=utcnow())
        for kind, states in sorted(found.counts.items()):
            counts = ", ".join(f"{states[state]} {state}" for state in jobs.STATES)
            click.echo(f"{kind}: {counts}")
        for job in jobs.listing((jobs.RETRYING, jobs.DEAD)):
            click.echo(f"#{job.id} {job.kind} {job.state} after {job.attempts}: {job.last_error}")
        db.session.commit()

    @jobs_group.command("retry")
    @click.argument("job_ids", type=int, nargs=-1)
    @click.option("--all-dead", is_flag=True, help="Every dead job.")
    def retry(job_ids: tuple[int, ...], all_dead: bool) -> None:
        """Queue dead jobs again with fresh tries (recorded in the audit log)."""
        query = select(jobs.Job).where(jobs.Job.state == jobs.DEAD)
        if not all_dead:
            if not job_ids:
                raise click.ClickException("Name the jobs to retry, or say --all-dead.")
            query = query.where(jobs.Job.id.in_(job_ids))
        now = utcnow()
        found = list(db.session.scalars(query))
        for job in found:
            jobs.retry(audit.SYSTEM, job, now=now)
        db.session.commit()
        click.echo(f"Queued {len(found)} dead job(s) again.")
