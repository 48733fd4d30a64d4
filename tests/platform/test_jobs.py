"""Background jobs: queued in the caller's transaction, handed over after its commit, claimed
by one process at a time, retried with a back-off, dead after their last try and retried by
hand; the background thread, the worker command and Redis run the same rows."""

from __future__ import annotations

import os
import runpy
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select, update

from app.accounts.models import Role
from app.campaigns import placement
from app.platform import jobs
from app.platform.audit import AuditEvent
from app.platform.outbox import OutboxMessage
from app.platform.timezones import utcnow
from app.testimony import services
from app.testimony.models import Testimony
from tests.factories import (
    REDIS_TEST_URL,
    form_fields,
    make_hearing,
    make_staff_user,
    make_submission,
    signed_in_client,
)

ROOT = Path(__file__).resolve().parents[2]
LETTER = (
    "I urge the committee to pass the ban on face surveillance. The technology misidentifies "
    "people of color and women at far higher rates, and it chills our freedom of assembly."
)


def count(db, *where) -> int:
    found = db.session.scalar(select(func.count()).select_from(jobs.Job).where(*where))
    db.session.commit()  # on SQLite an open transaction would hold up the runners' writes
    return found


def unsent(db) -> int:
    found = db.session.scalar(select(func.count()).where(OutboxMessage.sent_at.is_(None)))
    db.session.commit()
    return found


def post(client, hearing, **overrides):
    page = client.get(f"/hearings/{hearing.id}/testimony/new")
    return client.post(
        f"/hearings/{hearing.id}/testimony/new", data=form_fields(hearing, page.text, **overrides)
    )


def submit(db, hearing, copies: int) -> None:
    for n in range(copies):
        services.submit_testimony(
            hearing,
            make_submission(hearing, body=LETTER, email=f"w{n}@example.org"),
            now=hearing.testimony_opens_at,
        )
    db.session.commit()
    db.session.info.clear()  # the process that committed them is gone


def wait_for(check, seconds: float = 15.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()


@pytest.fixture
def recorded(app):
    """A job kind "test.record" whose handler notes the payloads it was given, in batches of
    three; `fail` makes it raise."""
    seen = SimpleNamespace(batches=[], fail=0)

    def handler(payloads):
        seen.batches.append([payload["n"] for payload in payloads])
        if seen.fail:
            seen.fail -= 1
            raise RuntimeError("the service is down")

    jobs.register(app, "test.record", handler, batch=3, attempts=3)
    yield seen
    del app.extensions["jobs"].kinds["test.record"]


def test_a_job_is_handed_over_only_after_its_transaction_commits(app, db, recorded):
    job = db.session.get(jobs.Job, jobs.enqueue("test.record", {"n": 1}))
    assert jobs.Job.__tablename__ == "jobs" and job.state == jobs.QUEUED
    assert jobs.run_committed().done == 0  # not committed yet: nothing to hand over
    db.session.commit()

    assert jobs.run_committed().done == 1
    assert recorded.batches == [[1]]
    assert count(db) == 0  # done jobs leave the table


def test_a_rolled_back_transaction_queues_nothing(app, db, recorded):
    jobs.enqueue("test.record", {"n": 1})
    db.session.rollback()

    assert jobs.run_committed().done == 0
    assert jobs.run(app).done == 0
    assert count(db) == 0 and recorded.batches == []


def test_jobs_of_a_kind_run_in_its_batches(app, db, recorded):
    for n in range(7):
        jobs.enqueue("test.record", {"n": n})
    db.session.commit()
    assert jobs.run_committed().done == 7
    assert recorded.batches == [[0, 1, 2], [3, 4, 5], [6]]


def test_a_failure_is_retried_after_a_growing_back_off_then_dead(app, db, recorded):
    recorded.fail = 3
    job_id = jobs.enqueue("test.record", {"n": 1})
    db.session.commit()

    assert jobs.run_committed().failed == 1
    job = db.session.get(jobs.Job, job_id)
    assert job.state == jobs.RETRYING and job.attempts == 1
    assert "the service is down" in job.last_error
    wait = job.run_after - utcnow()
    assert timedelta(seconds=3) < wait <= jobs.backoff(1)
    db.session.commit()
    assert jobs.run(app).done + jobs.run(app).failed == 0  # not due yet: left alone
    assert jobs.backoff(2) == 2 * jobs.backoff(1) and jobs.backoff(30) == jobs.RETRY_MAX

    for _try in (2, 3):
        db.session.execute(update(jobs.Job).values(run_after=utcnow()))
        db.session.commit()
        assert jobs.run(app).failed == 1
    db.session.expire_all()
    job = db.session.get(jobs.Job, job_id)
    assert (job.state, job.attempts) == (jobs.DEAD, 3)  # kept, and shown
    db.session.commit()
    db.session.execute(update(jobs.Job).values(run_after=utcnow() - timedelta(days=1)))
    db.session.commit()
    assert jobs.run(app).done + jobs.run(app).failed == 0  # never tried again by itself

    jobs.retry("user:1", db.session.get(jobs.Job, job_id), now=utcnow())
    db.session.commit()
    assert jobs.run_committed().done == 1
    assert recorded.batches == [[1]] * 4
    assert count(db) == 0


def test_two_claimers_never_both_run_one_job(app, db, recorded, database_url):
    """Many processes (threads here, each with its own connection) racing for the same jobs:
    each job runs exactly once."""
    job_ids = [jobs.enqueue("test.record", {"n": n}) for n in range(30)]
    db.session.commit()
    db.session.info.clear()
    racers = 4 if database_url.startswith("postgresql") else 2
    start = threading.Barrier(racers)

    def race():
        start.wait()
        jobs.run(app, job_ids)

    threads = [threading.Thread(target=race) for _ in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    ran = sorted(n for batch in recorded.batches for n in batch)
    assert ran == list(range(30))
    assert count(db) == 0


def test_a_dead_processs_claim_lapses_and_another_takes_the_job(app, db, recorded):
    job_id = jobs.enqueue("test.record", {"n": 5})
    db.session.commit()
    # A process claimed it and died: its lease is not renewed.
    db.session.execute(
        update(jobs.Job).values(state=jobs.RUNNING, claimed_by="dead", claimed_at=utcnow())
    )
    db.session.commit()
    assert jobs.run(app, [job_id]).done == 0  # a live claim is respected
    db.session.execute(update(jobs.Job).values(claimed_at=utcnow() - jobs.LEASE))
    db.session.commit()

    assert jobs.run(app).done == 1
    assert recorded.batches == [[5]]


def test_a_kind_nobody_registered_is_kept_dead(app, db):
    jobs.enqueue("test.unknown", {"n": 1})
    db.session.commit()
    assert jobs.run_committed().failed == 1
    assert count(db, jobs.Job.state == jobs.DEAD) == 1


# The runners.


@pytest.fixture
def background(app, config):
    config["JOBS_RUNNER"] = "thread"
    yield app.extensions["jobs"]
    app.extensions["jobs"].stop()


def test_the_background_thread_groups_copies_and_sends_receipts(app, db, background):
    hearing = make_hearing()
    db.session.commit()
    answers = [
        post(app.test_client(), hearing, body=LETTER, email=f"resident{n}@example.org")
        for n in range(3)
    ]
    assert [answer.status_code for answer in answers] == [303, 303, 303]
    assert wait_for(lambda: count(db) == 0 and unsent(db) == 0), "the jobs were not done"
    campaigns = set(db.session.scalars(select(Testimony.campaign_id)))
    assert len(campaigns) == 1 and None not in campaigns


def test_a_worker_leaving_finishes_the_jobs_in_hand_first(app, db, background):
    hearing = make_hearing()
    db.session.commit()
    assert post(app.test_client(), hearing, body=LETTER).status_code == 303
    thread = background.thread
    assert thread is not None

    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    conf["worker_exit"](None, SimpleNamespace(wsgi=app))  # what gunicorn calls on the way out

    assert not thread.is_alive()
    assert count(db) == 0 and unsent(db) == 0


def test_jobs_a_dead_process_left_are_swept_up_later(app, db):
    hearing = make_hearing()
    submit(db, hearing, 2)  # stored and committed, but nobody placed or mailed them

    jobs.sweep(app)  # too fresh: maybe its own process is still on it
    assert count(db) == 4

    db.session.execute(update(jobs.Job).values(created_at=utcnow() - jobs.SWEEP_AGE))
    db.session.commit()
    jobs.sweep(app)

    assert count(db) == 0 and unsent(db) == 0
    assert count(db) == 0
    grouped = db.session.scalar(select(func.count()).where(Testimony.campaign_id.is_not(None)))
    assert grouped == 2


def test_a_failing_placement_costs_the_resident_nothing(app, client, db, monkeypatch):
    hearing = make_hearing()
    db.session.commit()

    def broken(*_args):
        raise RuntimeError("placement broke")

    # Where both ways of placing (a batch, or one testimony) look for the campaign.
    monkeypatch.setattr(placement, "_find_campaign", broken)
    answer = post(client, hearing, body=LETTER)
    answer.close()  # the jobs run, and placement fails

    assert answer.status_code == 303
    assert client.get(answer.headers["Location"]).status_code == 200
    assert unsent(db) == 0  # the receipt went
    assert count(db, jobs.Job.kind == placement.JOB, jobs.Job.state == jobs.RETRYING) == 1

    monkeypatch.undo()
    db.session.execute(update(jobs.Job).values(run_after=utcnow()))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["place-campaigns"])
    assert "Placed 1 testimonies." in result.output
    assert count(db) == 0


def test_the_worker_does_the_jobs_then_stops_when_idle(app, db):
    submit(db, make_hearing(), 3)

    jobs.work(app, threading.Event(), burst=True)

    assert count(db) == 0 and unsent(db) == 0
    campaigns = set(db.session.scalars(select(Testimony.campaign_id)))
    assert len(campaigns) == 1 and None not in campaigns


def test_the_worker_command_runs_at_lower_priority_and_stops_on_sigterm(app, db, database_url):
    submit(db, make_hearing(), 2)
    db.session.remove()
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "jobs-test-secret-key-not-for-production",
        "OPENTESTIMONY_JOBS_RUNNER": "worker",
        "OPENTESTIMONY_JOBS_NICE": "7",
        "OPENTESTIMONY_MAIL_SERVER": "",
    }
    flask = Path(sys.executable).with_name("flask")
    worker = subprocess.Popen(  # noqa: S603 (the project's own command, fixed arguments)
        [str(flask), "--app", "wsgi", "jobs", "work"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert wait_for(lambda: count(db) == 0, 30)
        niceness = os.getpriority(os.PRIO_PROCESS, worker.pid)
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    assert unsent(db) == 0
    assert niceness == os.getpriority(os.PRIO_PROCESS, 0) + 7
    assert worker.returncode == 0, output
    assert "stopped" in output


def test_in_worker_mode_the_app_leaves_jobs_to_the_worker(app, db, config):
    config["JOBS_RUNNER"] = "worker"
    try:
        hearing = make_hearing()
        db.session.commit()
        answer = post(app.test_client(), hearing, body=LETTER)
        answer.close()
        assert answer.status_code == 303
        assert count(db) == 2  # the receipt and the placement, for the worker
        assert app.extensions["jobs"].thread.is_alive()  # it only sweeps, much later
    finally:
        app.extensions["jobs"].stop()


def test_redis_carries_only_ids_and_a_lost_message_is_swept_up(app, db, config, redis_db):
    from rq import Queue, SimpleWorker

    config.update(JOBS_RUNNER="rq", REDIS_URL=REDIS_TEST_URL)
    try:
        submit(db, make_hearing(), 1)
        ids = list(db.session.scalars(select(jobs.Job.id).order_by(jobs.Job.id)))
        db.session.commit()
        jobs.push_to_rq(app, ids)
        queue = Queue(jobs.RQ_QUEUE, connection=redis_db)
        [message] = queue.jobs
        assert message.args == (ids,)  # ids only: the row stays the record
        with app.app_context():
            assert SimpleWorker([queue], connection=redis_db).work(burst=True)
        assert count(db) == 0 and unsent(db) == 0

        submit(db, make_hearing(), 1)  # queued, and its Redis message lost
        db.session.execute(update(jobs.Job).values(created_at=utcnow() - jobs.SWEEP_AGE))
        db.session.commit()
        jobs.work_from_rq(app, burst=True)
        assert count(db) == 0
    finally:
        app.extensions["jobs"].stop()


# What staff and monitoring see.


def test_healthz_counts_jobs_by_kind_and_state(client, db, recorded):
    idle = client.get("/healthz").get_json()["checks"]["jobs"]
    assert idle == {
        "ok": True,
        "detail": "0 queued, 0 running, 0 retrying, 0 dead",
        "waiting": 0,
        "oldest_seconds": 0,
        "counts": {},
    }
    submit(db, make_hearing(), 1)
    jobs.enqueue("test.record", {"n": 1})
    db.session.commit()
    db.session.execute(update(jobs.Job).values(created_at=utcnow() - timedelta(minutes=30)))
    db.session.execute(
        update(jobs.Job).where(jobs.Job.kind == "test.record").values(state=jobs.DEAD)
    )
    db.session.commit()

    response = client.get("/healthz")

    assert response.status_code == 200  # never a failure
    found = response.get_json()["checks"]["jobs"]
    assert found["counts"]["campaigns.place"] == {
        "queued": 1,
        "running": 0,
        "retrying": 0,
        "dead": 0,
    }
    assert found["counts"]["mail.deliver"]["queued"] == 1
    assert found["counts"]["test.record"]["dead"] == 1
    assert found["waiting"] == 2
    assert 1790 <= found["oldest_seconds"] <= 1900
    assert found["detail"].startswith("2 queued, 0 running, 0 retrying, 1 dead; the oldest")
    assert found["warning"] == "1 dead job to look at"
    assert "@" not in response.text  # nothing personal


def test_staff_admins_see_dead_jobs_and_retry_them(app, db, recorded):
    recorded.fail = 1
    job_id = jobs.enqueue("test.record", {"n": 1})
    db.session.execute(update(jobs.Job).values(state=jobs.DEAD, last_error="Boom: down"))
    db.session.commit()
    for role in (Role.MODERATOR, Role.CLERK):
        other = signed_in_client(app, make_staff_user(role, email=f"{role.value}@example.gov"))
        assert other.get("/staff/admin/jobs").status_code == 403
        assert other.post(f"/staff/admin/jobs/{job_id}/retry").status_code in (400, 403)
    admin = make_staff_user(Role.ADMIN, email="admin@example.gov")
    db.session.commit()
    client = signed_in_client(app, admin)

    page = client.get("/staff/admin/jobs")
    assert page.status_code == 200
    assert "Boom: down" in page.text and "test.record" in page.text
    assert f'aria-label="Retry job {job_id}"' in page.text
    assert client.post(f"/staff/admin/jobs/{job_id}/retry").status_code == 400  # no CSRF token
    assert count(db, jobs.Job.state == jobs.DEAD) == 1

    token = page.text.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    answer = client.post(f"/staff/admin/jobs/{job_id}/retry", data={"csrf_token": token})
    answer.close()  # the retried job runs once the response is sent

    assert answer.status_code == 303
    assert recorded.batches == [[1]]  # it failed again: retrying, not dead
    assert count(db, jobs.Job.state == jobs.RETRYING) == 1
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "job.retried"))
    assert event.actor == admin.audit_name
    assert (event.subject_type, event.subject_id) == ("jobs", job_id)
    assert event.data == {"kind": "test.record"}


def test_the_command_line_lists_and_retries_dead_jobs(app, db, recorded):
    job_id = jobs.enqueue("test.record", {"n": 1})
    db.session.execute(update(jobs.Job).values(state=jobs.DEAD, last_error="Boom"))
    db.session.commit()
    runner = app.test_cli_runner()
    listing = runner.invoke(args=["jobs", "list"])
    assert "test.record: 0 queued, 0 running, 0 retrying, 1 dead" in listing.output
    assert f"#{job_id} test.record dead" in listing.output
    assert (
        "Queued 1 dead job(s) again." in runner.invoke(args=["jobs", "retry", "--all-dead"]).output
    )
    assert "Ran 1 job(s)" in runner.invoke(args=["jobs", "run"]).output
    assert count(db) == 0
