"""Keeping an uploaded agenda between its preview and the confirmation: stored under a digest
of its own, read back, forgotten by its job or on confirming, and the signed preview bound to
the clerk and to an hour."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.hearings import agenda_uploads
from app.platform.jobs import Job
from app.platform.storage import file_store
from app.platform.timezones import utcnow

DATA = b"type,body,committee,external_id\n"


@pytest.fixture
def context(app, db):
    with app.test_request_context():
        yield


def test_a_kept_file_reads_back_and_its_forgetting_is_queued_for_an_hour_later(context, db):
    now = utcnow()
    sha256 = agenda_uploads.keep(DATA, now=now)
    assert agenda_uploads.kept(sha256) == DATA
    job = db.session.scalars(select(Job).where(Job.kind == agenda_uploads.FORGET_JOB)).one()
    assert json.loads(job.payload) == {"sha256": sha256}
    assert job.run_after == now + agenda_uploads.KEEP
    agenda_uploads.forget_job([json.loads(job.payload)])
    assert agenda_uploads.kept(sha256) is None


def test_the_same_file_twice_is_kept_twice_and_never_under_another_files_digest(context, db):
    first, second = agenda_uploads.keep(DATA, now=utcnow()), agenda_uploads.keep(DATA, now=utcnow())
    assert first != second
    plain = file_store().put(DATA)
    agenda_uploads.forget(plain)  # not an agenda upload: left alone
    assert file_store().exists(plain)
    assert agenda_uploads.kept(plain) is None


def test_a_preview_is_only_the_clerks_own(context):
    preview = agenda_uploads.Preview("a" * 64, "agenda.csv", "f" * 64)
    token = agenda_uploads.sign(preview, user_id=7)
    assert agenda_uploads.read(token, 7) == preview
    assert agenda_uploads.read(token, 8) is None
    assert agenda_uploads.read(token[:-2] + "xx", 7) is None
    assert agenda_uploads.read("", 7) is None


def test_a_preview_expires(context, monkeypatch):
    token = agenda_uploads.sign(agenda_uploads.Preview("a" * 64, "a.csv", "f"), user_id=7)
    assert timedelta(hours=1) == agenda_uploads.KEEP
    # Read as if the hour had passed: it is older than what may be kept.
    monkeypatch.setattr(agenda_uploads, "KEEP", timedelta(seconds=-1))
    assert agenda_uploads.read(token, 7) is None


def test_a_digest_that_is_not_one_reads_as_nothing(context):
    assert agenda_uploads.kept("../../etc/passwd") is None
    assert agenda_uploads.kept("0" * 64) is None
