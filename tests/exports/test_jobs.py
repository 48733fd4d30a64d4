"""Background exports: claiming one, recording a failure, and running as a job in the
background thread and on Redis."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from app.accounts.models import Role, StaffUser
from app.exports import builders, jobs, services
from app.exports.models import ExportStatus, Packet, PacketKind
from app.hearings.models import Hearing
from app.platform import jobs as background_jobs
from app.platform.audit import AuditEvent
from app.platform.timezones import utcnow
from app.testimony.models import ReviewStatus, SpeakingRequest
from tests.factories import (
    REDIS_TEST_URL,
    make_hearing,
    make_staff_user,
    make_testimony,
    make_upload,
    set_review_status,
    signed_in_client,
)

WAIT_SECONDS = 60
TITLE = "Hearing on a ban of face surveillance"


@pytest.fixture
def scene(db):
    """A tiny hearing: two approved testimonies (one with an attachment), one pending."""
    hearing = make_hearing(title=TITLE)
    approved = [
        make_testimony(
            hearing,
            full_name="Denise Okafor",
            speaking_request=SpeakingRequest.IN_PERSON,
            uploads=(make_upload("statement.pdf", pages=2),),
        ).testimony,
        make_testimony(hearing, full_name="Luis Ortega").testimony,
    ]
    for testimony in approved:
        set_review_status(testimony, ReviewStatus.APPROVED)
    make_testimony(hearing, full_name="Still Pending")
    clerk = make_staff_user(Role.CLERK, name="Casey Clerk")
    db.session.commit()
    return {"hearing_id": hearing.id, "clerk_id": clerk.id, "clerk": clerk, "approved": 2}


def queue_export(db, scene, kind: PacketKind = PacketKind.PACKET_PDF) -> int:
    """Queue an export as the clerk and commit; returns its id without opening a transaction
    (on SQLite an open transaction of the test would hold the write lock the job needs)."""
    clerk = db.session.get(StaffUser, scene["clerk_id"])
    hearing = db.session.get(Hearing, scene["hearing_id"])
    packet = services.request_export(clerk, hearing, kind, now=utcnow())
    packet_id = packet.id
    db.session.commit()
    return packet_id


def fresh(db, packet_id: int) -> Packet:
    db.session.expire_all()
    return db.session.get(Packet, packet_id)


def events(db, action: str, packet_id: int) -> list[AuditEvent]:
    return db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == action,
            AuditEvent.subject_type == "packets",
            AuditEvent.subject_id == packet_id,
        )
    ).all()


def stored_files(app) -> set[Path]:
    root = Path(app.config["UPLOAD_FOLDER"])
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


def wait_until_finished(db, packet_id: int, timeout: float = WAIT_SECONDS) -> Packet:
    """Poll the database as another process would, ending each read transaction at once."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            db.session.expire_all()
            packet = db.session.get(Packet, packet_id)
            status = packet.status
            db.session.commit()
        except OperationalError:  # SQLite: the job held the write lock past the busy timeout
            db.session.rollback()
            status = None
        if status in (ExportStatus.READY, ExportStatus.FAILED):
            return fresh(db, packet_id)
        assert time.monotonic() < deadline, f"export still {status} after {timeout} s"
        time.sleep(0.05)


def assert_ready(db, packet_id: int, scene) -> Packet:
    packet = fresh(db, packet_id)
    assert packet.status is ExportStatus.READY, packet.error
    assert packet.error is None
    assert packet.is_ready()
    assert packet.finished_at is not None
    assert len(packet.sha256) == 64
    assert packet.size_bytes > 0
    assert packet.item_count == scene["approved"]
    assert services.packet_path(packet).read_bytes().startswith(b"%PDF-")
    assert len(events(db, "export.ready", packet_id)) == 1
    return packet


# Claiming.


def test_run_makes_a_queued_export_and_reports_progress(db, scene):
    packet_id = queue_export(db, scene)
    assert fresh(db, packet_id).status is ExportStatus.QUEUED
    db.session.commit()

    jobs.run(packet_id)

    packet = assert_ready(db, packet_id, scene)
    assert packet.page_count >= 3  # cover, contents, testimony and a two-page attachment
    assert len(packet.content_sha256) == 64
    # One step per testimony read, one per testimony printed.
    assert packet.progress_total == 2 * scene["approved"]
    assert packet.progress_done == packet.progress_total
    assert packet.heartbeat_at >= packet.created_at
    [ready] = events(db, "export.ready", packet_id)
    assert ready.actor == f"user:{scene['clerk_id']}"
    assert ready.data == {"kind": "packet_pdf", "items": scene["approved"]}


def test_a_second_run_of_the_same_export_does_nothing(db, scene):
    packet_id = queue_export(db, scene)
    jobs.run(packet_id)
    first = fresh(db, packet_id)
    before = (first.status, first.sha256, first.finished_at, first.heartbeat_at)
    audit_count = len(db.session.scalars(select(AuditEvent)).all())
    db.session.commit()

    jobs.run(packet_id)

    again = fresh(db, packet_id)
    assert (again.status, again.sha256, again.finished_at, again.heartbeat_at) == before
    assert len(db.session.scalars(select(AuditEvent)).all()) == audit_count
    assert len(events(db, "export.ready", packet_id)) == 1


@pytest.mark.parametrize("status", [ExportStatus.RUNNING, ExportStatus.READY, ExportStatus.FAILED])
def test_run_leaves_an_export_it_did_not_find_queued_alone(db, scene, monkeypatch, status):
    packet_id = queue_export(db, scene)
    packet = fresh(db, packet_id)
    packet.status = status
    db.session.commit()
    monkeypatch.setattr(jobs, "build", lambda request: pytest.fail("built an unclaimed export"))

    jobs.run(packet_id)
    jobs.run(999_999)  # one that does not exist

    packet = fresh(db, packet_id)
    assert packet.status is status
    assert packet.finished_at is None
    assert packet.sha256 is None
    assert len(events(db, "export.requested", packet_id)) == 1
    assert events(db, "export.ready", packet_id) == []
    assert events(db, "export.failed", packet_id) == []


# Failing.


def test_a_failing_build_is_recorded_as_failed_and_leaves_nothing_behind(
    app, db, scene, monkeypatch, caplog
):
    packet_id = queue_export(db, scene)
    files_before = stored_files(app)
    seen = {}

    def broken_build(request):
        request.progress(1, 4)
        (request.workdir / "packet.pdf").write_bytes(b"%PDF-1.7 half a packet")
        seen["workdir"] = request.workdir
        raise RuntimeError("renderer crashed on Denise Okafor's testimony")

    monkeypatch.setattr(jobs, "build", broken_build)
    with caplog.at_level(logging.ERROR, logger="app.exports.jobs"):
        jobs.run(packet_id)

    packet = fresh(db, packet_id)
    assert packet.status is ExportStatus.FAILED
    assert packet.error == jobs.FAILED_MESSAGE
    assert "Denise" not in packet.error
    assert packet.sha256 is None
    assert packet.content_sha256 is None
    assert packet.page_count is None
    assert packet.size_bytes == 0
    assert packet.item_count == 0
    assert packet.finished_at is not None
    assert not packet.is_ready()
    assert not packet.is_working(utcnow())
    assert not packet.is_interrupted(utcnow())
    [failed] = events(db, "export.failed", packet_id)
    assert failed.actor == f"user:{scene['clerk_id']}"
    assert failed.data["kind"] == "packet_pdf"
    assert events(db, "export.ready", packet_id) == []
    # The half-made file went with its work folder; nothing new is in the file store.
    assert not seen["workdir"].exists()
    assert stored_files(app) == files_before
    assert f"export {packet_id} failed" in caplog.text
    assert "renderer crashed" in caplog.text  # the administrator gets the traceback


def test_the_clerk_sees_the_failure_and_can_make_it_again(app, db, scene, monkeypatch):
    packet_id = queue_export(db, scene)
    monkeypatch.setattr(jobs, "build", lambda request: 1 / 0)
    jobs.run(packet_id)
    monkeypatch.undo()

    client = signed_in_client(app, scene["clerk"])
    page = client.get(f"/staff/hearings/{scene['hearing_id']}/exports").text
    assert f"Failed: {jobs.FAILED_MESSAGE}" in page
    assert f"/staff/exports/{packet_id}/download" not in page
    assert client.get(f"/staff/exports/{packet_id}/download").status_code == 404
    progress = client.get(f"/staff/exports/{packet_id}/progress").get_json()
    assert progress["status"] == "failed"
    assert progress["working"] is False

    again = queue_export(db, scene)
    jobs.run(again)
    assert_ready(db, again, scene)


# Runners.


def test_the_runner_is_chosen_from_the_configuration(app, config):
    config.update(JOBS_RUNNER="", REDIS_URL="")
    assert background_jobs.runner_name(app) == "thread"
    config.update(REDIS_URL=REDIS_TEST_URL)
    assert background_jobs.runner_name(app) == "rq"
    config.update(JOBS_RUNNER="after-response")
    assert background_jobs.runner_name(app) == "after-response"


@pytest.fixture
def thread_runner(app, config):
    config["JOBS_RUNNER"] = "thread"
    yield
    app.extensions["jobs"].stop()


def test_the_thread_runner_finishes_in_the_background(app, db, scene, thread_runner, monkeypatch):
    ran_in = []
    original_run = jobs.run

    def recording_run(packet_id):
        ran_in.append(threading.current_thread().name)
        original_run(packet_id)

    monkeypatch.setattr(jobs, "run", recording_run)
    packet_id = queue_export(db, scene)

    jobs.start(packet_id)
    packet = wait_until_finished(db, packet_id)

    assert ran_in == ["opentestimony-jobs"]
    assert packet.status is ExportStatus.READY, packet.error
    packet = assert_ready(db, packet_id, scene)
    assert packet.progress_done == packet.progress_total == 2 * scene["approved"]


def test_the_thread_runner_records_a_failure(app, db, scene, thread_runner, monkeypatch):
    monkeypatch.setattr(jobs, "build", lambda request: 1 / 0)
    packet_id = queue_export(db, scene)

    jobs.start(packet_id)
    packet = wait_until_finished(db, packet_id)

    assert packet.status is ExportStatus.FAILED
    assert packet.error == jobs.FAILED_MESSAGE
    assert packet.sha256 is None
    assert len(events(db, "export.failed", packet_id)) == 1


def test_the_rq_runner_queues_the_export_for_a_worker(app, db, scene, config, redis_db):
    from rq import Queue, SimpleWorker

    config.update(JOBS_RUNNER="rq", REDIS_URL=REDIS_TEST_URL)
    try:
        packet_id = queue_export(db, scene, PacketKind.BUNDLE_ZIP)

        jobs.start(packet_id)

        queue = Queue(background_jobs.RQ_QUEUE, connection=redis_db)
        [message] = queue.jobs
        assert message.func_name == "app.platform.jobs.run_from_rq"
        assert fresh(db, packet_id).status is ExportStatus.QUEUED  # nothing ran in the request
        db.session.commit()

        with app.app_context():
            assert SimpleWorker([queue], connection=redis_db).work(burst=True) is True

        packet = fresh(db, packet_id)
        assert packet.status is ExportStatus.READY, packet.error
        assert services.packet_path(packet).read_bytes().startswith(b"PK\x03\x04")
        assert packet.progress_done == packet.progress_total == 2 * scene["approved"]
        assert len(events(db, "export.ready", packet_id)) == 1
        assert queue.count == 0
    finally:
        app.extensions["jobs"].stop()


# Transactions while printing.


def in_transaction() -> bool:
    from app.platform.extensions import db as _db

    return _db.session().in_transaction()


def watch_transactions(monkeypatch, module, name: str, held: dict) -> None:
    """Record whether the job's session is inside a transaction before and after module.name."""
    original = getattr(module, name)

    def wrapper(*args, **kwargs):
        held[f"{name} before"] = in_transaction()
        result = original(*args, **kwargs)
        held[f"{name} after"] = in_transaction()
        return result

    monkeypatch.setattr(module, name, wrapper)


def test_the_packet_is_printed_outside_any_transaction(db, scene, monkeypatch):
    from app.exports.packet import pdf as packet_pdf

    held = {}
    watch_transactions(monkeypatch, packet_pdf, "_second_pass", held)
    packet_id = queue_export(db, scene)

    jobs.run(packet_id)

    assert fresh(db, packet_id).status is ExportStatus.READY
    assert held["_second_pass before"] is False


def test_a_bundle_is_printed_and_zipped_outside_any_transaction(db, scene, monkeypatch):
    held = {}
    watch_transactions(monkeypatch, builders, "build_speakers_pdf", held)
    watch_transactions(monkeypatch, builders, "write_bundle", held)
    packet_id = queue_export(db, scene, PacketKind.BUNDLE_ZIP)

    jobs.run(packet_id)

    assert fresh(db, packet_id).status is ExportStatus.READY
    assert held == {
        "build_speakers_pdf before": False,
        "build_speakers_pdf after": False,
        "write_bundle before": False,
        "write_bundle after": False,
    }
