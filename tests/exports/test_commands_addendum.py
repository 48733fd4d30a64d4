"""`flask export-addendum`: the addendum since an earlier packet, written to a folder."""

from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role
from app.exports import jobs, services
from app.exports.models import ExportStatus, Packet, PacketKind
from app.hearings.models import Hearing
from app.platform.extensions import db as _db
from app.platform.timezones import utcnow
from app.testimony.models import ReviewStatus, Testimony
from tests.exports.packet.test_pdf import page_texts
from tests.factories import make_hearing, make_staff_user, make_testimony, set_review_status

TITLE = "Hearing on a ban of face surveillance"


@pytest.fixture
def scene(db):
    """A hearing whose packet was made with one approved testimony; a second approved since."""
    hearing = make_hearing(title=TITLE)
    clerk = make_staff_user(Role.CLERK, name="Casey Clerk")
    first = make_testimony(hearing, full_name="Denise Okafor").testimony
    set_review_status(first, ReviewStatus.APPROVED)
    later = make_testimony(hearing, full_name="Luis Ortega").testimony
    later_id, later_tracking = later.id, later.tracking_number
    _db.session.commit()
    packet = services.request_export(clerk, hearing, PacketKind.PACKET_PDF, now=utcnow())
    _db.session.commit()
    packet_id = packet.id
    jobs.run(packet_id)
    set_review_status(_db.session.get(Testimony, later_id), ReviewStatus.APPROVED)
    _db.session.commit()
    return {
        "hearing_id": hearing.id,
        "clerk": clerk,
        "packet_id": packet_id,
        "later_tracking": later_tracking,
    }


def invoke(app, *args: str):
    return app.test_cli_runner().invoke(args=list(args))


def packet_count() -> int:
    _db.session.expire_all()
    return _db.session.scalar(select(func.count()).select_from(Packet))


def test_export_addendum_writes_the_pdf_and_records_it(app, db, scene, tmp_path):
    out = tmp_path / "hearing-morning"

    result = invoke(
        app,
        "export-addendum",
        str(scene["hearing_id"]),
        "--since",
        str(scene["packet_id"]),
        "--out",
        str(out),
    )

    assert result.exit_code == 0, result.output
    [written] = list(out.iterdir())
    assert re.fullmatch(
        r"hearing-on-a-ban-of-face-surveillance-addendum-\d{8}-\d{6}\.pdf", written.name
    )
    data = written.read_bytes()
    assert f"Wrote {written}" in result.output
    assert "1 changed testimonies" in result.output
    assert f"SHA-256 {hashlib.sha256(data).hexdigest()}" in result.output
    _db.session.expire_all()
    addendum = _db.session.scalars(select(Packet).order_by(Packet.id.desc())).first()
    assert addendum.kind is PacketKind.ADDENDUM_PDF
    assert addendum.status is ExportStatus.READY
    assert addendum.created_by_id is None
    assert addendum.since_packet_id == scene["packet_id"]
    texts = page_texts(data)
    assert "Generated" in texts[0] and "by the command line." in texts[0]
    assert scene["later_tracking"] in " ".join(texts[1:])


@pytest.mark.parametrize(
    ("since", "why"),
    [
        ("999999", "That is not one of this hearing's packets"),
        ("spreadsheet", "That export is not a hearing packet"),
    ],
)
def test_a_packet_that_cannot_be_used_is_refused(app, db, scene, tmp_path, since, why):
    if since == "spreadsheet":
        hearing = _db.session.get(Hearing, scene["hearing_id"])
        packet = services.export_testimony(
            scene["clerk"], hearing, PacketKind.TESTIMONY_CSV, now=utcnow()
        )
        _db.session.commit()
        since = str(packet.id)
    before = packet_count()
    out = tmp_path / "out"

    result = invoke(
        app, "export-addendum", str(scene["hearing_id"]), "--since", since, "--out", str(out)
    )

    assert result.exit_code != 0
    assert why in result.output
    assert not out.exists()
    assert packet_count() == before


def test_an_unknown_hearing_is_refused(app, db, scene, tmp_path):
    result = invoke(
        app, "export-addendum", "999999", "--since", str(scene["packet_id"]), "--out", str(tmp_path)
    )
    assert result.exit_code != 0
    assert "There is no hearing 999999." in result.output
    assert packet_count() == 1
