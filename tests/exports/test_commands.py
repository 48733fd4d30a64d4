"""The export commands: write a hearing's bundle to a folder, and run the queue worker."""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.exports.models import ExportStatus, Packet, PacketKind
from app.platform.audit import SYSTEM, AuditEvent
from app.platform.extensions import db as _db
from app.testimony.models import ReviewStatus, SpeakingRequest
from tests.factories import make_hearing, make_testimony, make_upload, set_review_status

TITLE = "Hearing on a ban of face surveillance"


@pytest.fixture
def scene(db):
    """A hearing on two measures with approved testimony on each; committed for the command,
    which runs in its own application context and database session."""
    hearing = make_hearing(title=TITLE, measures=2)
    first, second = hearing.measures
    first.number, second.number = "H.1538", "S.927"
    on_first = make_testimony(
        hearing,
        measure_id=first.id,
        speaking_request=SpeakingRequest.IN_PERSON,
        uploads=(make_upload("statement.pdf"),),
    ).testimony
    on_second = make_testimony(hearing, measure_id=second.id).testimony
    for testimony in (on_first, on_second):
        set_review_status(testimony, ReviewStatus.APPROVED)
    make_testimony(hearing, measure_id=second.id)  # pending: not in the packet
    db.session.commit()
    return {
        "hearing_id": hearing.id,
        "tracking": (on_first.tracking_number, on_second.tracking_number),
    }


def invoke(app, *args: str):
    return app.test_cli_runner().invoke(args=list(args))


def packet_count() -> int:
    _db.session.expire_all()
    return _db.session.scalar(select(func.count()).select_from(Packet))


def test_export_packet_writes_the_bundle_and_records_it(app, db, scene, tmp_path):
    out = tmp_path / "committee" / "packets"  # created when missing

    result = invoke(app, "export-packet", str(scene["hearing_id"]), "--out", str(out))

    assert result.exit_code == 0, result.output
    [written] = list(out.iterdir())
    assert re.fullmatch(
        r"hearing-on-a-ban-of-face-surveillance-bundle-\d{8}-\d{6}\.zip", written.name
    )
    data = written.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    assert f"Wrote {written}" in result.output
    assert f"SHA-256 {digest}" in result.output
    assert "2 approved testimonies" in result.output

    _db.session.expire_all()
    [packet] = _db.session.scalars(select(Packet)).all()
    assert packet.hearing_id == scene["hearing_id"]
    assert packet.kind is PacketKind.BUNDLE_ZIP
    assert packet.status is ExportStatus.READY
    assert packet.created_by_id is None
    assert packet.measure_id is None
    assert packet.sha256 == digest
    assert packet.size_bytes == len(data)
    assert packet.item_count == 2
    assert f"{packet.page_count} packet pages" in result.output

    with zipfile.ZipFile(written) as bundle:
        assert bundle.testzip() is None
        manifest = json.loads(bundle.read("manifest.json"))
        names = bundle.namelist()
    assert manifest["measure"] is None
    assert manifest["generated_by"] == "the command line"
    assert f"attachments/{scene['tracking'][0]}/1-statement.pdf" in names

    actions = {
        (event.action, event.actor)
        for event in _db.session.scalars(
            select(AuditEvent).where(AuditEvent.subject_id == packet.id)
        )
    }
    assert {("export.requested", SYSTEM), ("export.ready", SYSTEM)} <= actions


def test_the_command_line_export_shows_in_the_history(app, db, scene, tmp_path):
    from app.accounts.models import Role
    from tests.factories import make_staff_user, signed_in_client

    assert (
        invoke(app, "export-packet", str(scene["hearing_id"]), "--out", str(tmp_path)).exit_code
        == 0
    )
    clerk = make_staff_user(Role.CLERK)
    _db.session.commit()
    page = signed_in_client(app, clerk).get(f"/staff/hearings/{scene['hearing_id']}/exports").text
    assert "Command line" in page
    assert "Bundle, ZIP" in page
    assert "Ready" in page


def test_measure_limits_the_bundle_to_that_measure(app, db, scene, tmp_path):
    result = invoke(
        app, "export-packet", str(scene["hearing_id"]), "--out", str(tmp_path), "--measure", "S.927"
    )

    assert result.exit_code == 0, result.output
    [written] = list(tmp_path.glob("*.zip"))
    assert written.name.startswith("hearing-on-a-ban-of-face-surveillance-s-927-bundle-")
    with zipfile.ZipFile(written) as bundle:
        manifest = json.loads(bundle.read("manifest.json"))
        names = bundle.namelist()
        csv_text = bundle.read("testimony.csv").decode("utf-8-sig")
    assert manifest["measure"] == "S.927"
    assert manifest["approved_testimony"] == 1
    assert "1 approved testimonies" in result.output
    assert not any(name.startswith("attachments/") for name in names)
    assert scene["tracking"][1] in csv_text
    assert scene["tracking"][0] not in csv_text
    _db.session.expire_all()
    packet = _db.session.scalar(select(Packet))
    assert packet.measure.number == "S.927"


def test_an_unknown_hearing_is_refused(app, db, scene, tmp_path):
    out = tmp_path / "out"

    result = invoke(app, "export-packet", "999999", "--out", str(out))

    assert result.exit_code != 0
    assert "There is no hearing 999999." in result.output
    assert not out.exists()
    assert packet_count() == 0


def test_an_unknown_measure_is_refused_with_the_hearings_measures(app, db, scene, tmp_path):
    out = tmp_path / "out"

    result = invoke(
        app, "export-packet", str(scene["hearing_id"]), "--out", str(out), "--measure", "H.9999"
    )

    assert result.exit_code != 0
    assert "Measure H.9999 is not on this hearing's agenda" in result.output
    assert "H.1538, S.927" in result.output
    assert not out.exists()
    assert packet_count() == 0


def test_a_hearing_id_must_be_a_number(app, db, tmp_path):
    result = invoke(app, "export-packet", "latest", "--out", str(tmp_path))
    assert result.exit_code == 2
    assert "is not a valid integer" in result.output


def test_a_bundle_already_being_made_is_not_made_again(app, db, scene, tmp_path):
    from app.exports import services
    from app.hearings.models import Hearing
    from app.platform.timezones import utcnow

    hearing = _db.session.get(Hearing, scene["hearing_id"])
    services.request_export(None, hearing, PacketKind.BUNDLE_ZIP, now=utcnow())
    _db.session.commit()

    result = invoke(app, "export-packet", str(scene["hearing_id"]), "--out", str(tmp_path))

    assert result.exit_code != 0
    assert "already being made" in result.output
    assert list(tmp_path.iterdir()) == []
    assert packet_count() == 1


def test_export_packet_writes_nothing_when_the_export_fails(app, db, scene, tmp_path, monkeypatch):
    from app.exports import jobs

    monkeypatch.setattr(jobs, "build", lambda request: 1 / 0)
    out = tmp_path / "out"

    result = invoke(app, "export-packet", str(scene["hearing_id"]), "--out", str(out))

    assert result.exit_code != 0
    assert jobs.FAILED_MESSAGE in result.output
    assert not out.exists() or not any(Path(out).iterdir())
    _db.session.expire_all()
    assert _db.session.scalar(select(Packet)).status is ExportStatus.FAILED
