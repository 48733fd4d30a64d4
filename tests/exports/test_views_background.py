"""A clerk makes the packet, bundle and speaker list from the history page, and downloads them."""

from __future__ import annotations

import hashlib
import html
import io
import json
import re
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role
from app.exports.models import STALE_AFTER, ExportStatus, Packet, PacketKind
from app.platform.audit import AuditEvent
from app.platform.extensions import db as _db
from app.platform.timezones import utcnow
from app.testimony.models import ReviewStatus, SpeakingRequest
from tests.factories import (
    csrf_token_from,
    make_hearing,
    make_staff_user,
    make_testimony,
    make_upload,
    set_review_status,
    signed_in_client,
)

TITLE = "Hearing on a ban of face surveillance"
SLUG = "hearing-on-a-ban-of-face-surveillance"
STAMP = r"\d{8}-\d{6}"


@pytest.fixture
def scene(db):
    """A hearing on two measures: two approved testimonies on the first (one a speaker with an
    attachment), one approved on the second, one pending; another hearing with its own measure."""
    hearing = make_hearing(title=TITLE, measures=2)
    first, second = hearing.measures
    first.number, first.title = "H.1538", "An act to ban face surveillance"
    second.number, second.title = "S.927", "An act on police cameras"
    for name, measure, speaking, uploads in [
        ("Denise Okafor", first, SpeakingRequest.IN_PERSON, (make_upload("statement.pdf"),)),
        ("Luis Ortega", first, SpeakingRequest.REMOTE, ()),
        ("Mei Chen", second, SpeakingRequest.NONE, ()),
    ]:
        receipt = make_testimony(
            hearing,
            full_name=name,
            measure_id=measure.id,
            speaking_request=speaking,
            uploads=uploads,
        )
        set_review_status(receipt.testimony, ReviewStatus.APPROVED)
    make_testimony(hearing, full_name="Still Pending", measure_id=second.id)
    other = make_hearing(title="Another hearing entirely")
    clerk = make_staff_user(Role.CLERK, name="Casey Clerk")
    db.session.commit()
    return {
        "hearing_id": hearing.id,
        "first_id": first.id,
        "second_id": second.id,
        "other_measure_id": other.measures[0].id,
        "clerk_id": clerk.id,
        "clerk": clerk,
    }


def history_url(scene) -> str:
    return f"/staff/hearings/{scene['hearing_id']}/exports"


def background_url(scene) -> str:
    return f"/staff/hearings/{scene['hearing_id']}/exports/background"


def press(client, scene, kind: str | None, measure: str = "", **extra):
    """Load the history page and press one of the background export buttons on its form."""
    page = client.get(history_url(scene))
    assert page.status_code == 200
    assert f'action="{background_url(scene)}"' in page.text
    data = {"csrf_token": csrf_token_from(page.text), "measure": measure, **extra}
    if kind is not None:
        data["kind"] = kind
    return client.post(background_url(scene), data=data)


def packets() -> list[Packet]:
    _db.session.expire_all()
    return _db.session.scalars(select(Packet).order_by(Packet.id)).all()


def audit_count() -> int:
    """Audit events other than the record of refused requests (which a refusal adds)."""
    return _db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action != "request.refused")
    )


def refusals_recorded() -> int:
    return _db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "request.refused")
    )


def row_for(page: str, packet_id: int) -> str:
    """The history table row of one export (found by its download or progress link)."""
    for row in re.findall(r"<tr>.*?</tr>", page, flags=re.S):
        if f"/staff/exports/{packet_id}/" in row:
            return row
    raise AssertionError(f"no row for export {packet_id}")


def flashes(page: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(r'<p class="flash[^"]*">(.*?)</p>', page, re.S)]


def add_packet(scene, status: ExportStatus, *, age: timedelta, kind=PacketKind.PACKET_PDF):
    """An export row as another process would have left it, last heard from `age` ago."""
    heard = utcnow() - age
    packet = Packet(
        hearing_id=scene["hearing_id"],
        kind=kind,
        created_by_id=scene["clerk_id"],
        created_at=heard,
        status=status,
        heartbeat_at=heard,
        progress_done=3,
        progress_total=10,
        item_count=0,
        size_bytes=0,
    )
    _db.session.add(packet)
    _db.session.commit()
    return packet.id


KINDS = {
    "packet_pdf": ("Hearing packet, PDF", "packet", "pdf", 3),
    "bundle_zip": ("Bundle, ZIP", "bundle", "zip", 3),
    "speakers_pdf": ("Speaker list, PDF", "speakers", "pdf", 2),
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_clerk_makes_a_background_export_and_downloads_it(app, db, scene, kind):
    label, what, extension, items = KINDS[kind]
    client = signed_in_client(app, scene["clerk"])

    response = press(client, scene, kind)

    assert response.status_code == 303
    [packet] = packets()
    assert response.headers["Location"].endswith(f"/staff/exports/{packet.id}?download=1")
    assert packet.kind is PacketKind(kind)
    assert packet.status is ExportStatus.READY, packet.error
    assert packet.created_by_id == scene["clerk_id"]
    assert packet.measure_id is None
    assert packet.item_count == items
    assert packet.progress_done == packet.progress_total

    page = client.get(history_url(scene)).text
    assert any("The export has started" in message for message in flashes(page))
    row = row_for(page, packet.id)
    assert label in row
    assert "Casey Clerk" in row
    assert "Ready" in row
    assert f'<td class="num">{items}</td>' in row
    assert packet.page_count and f'<td class="num">{packet.page_count}</td>' in row
    shown = re.search(r"<code>([0-9a-f]{64})</code>", row).group(1)
    assert shown == packet.sha256
    if kind == "speakers_pdf":
        assert "Content fingerprint" not in row
    else:
        assert f"Content fingerprint <code>{packet.content_sha256[:16]}</code>" in row
    assert "data-progress-url" not in row  # finished: nothing left to poll

    download = client.get(f"/staff/exports/{packet.id}/download")
    assert download.status_code == 200
    assert download.mimetype == PacketKind(kind).media_type.split(";")[0]
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert re.search(rf'filename="?{SLUG}-{what}-{STAMP}\.{extension}"?$', disposition), disposition
    assert hashlib.sha256(download.data).hexdigest() == shown
    assert len(download.data) == packet.size_bytes
    if extension == "pdf":
        assert download.data.startswith(b"%PDF-")
    else:
        with zipfile.ZipFile(io.BytesIO(download.data)) as bundle:
            assert bundle.testzip() is None
            manifest = json.loads(bundle.read("manifest.json"))
        assert manifest["hearing"] == TITLE
        assert manifest["measure"] is None
        assert manifest["content_fingerprint"] == packet.content_sha256


def test_a_packet_for_one_measure_is_named_after_it(app, db, scene):
    client = signed_in_client(app, scene["clerk"])
    page = client.get(history_url(scene)).text
    assert f'<option value="{scene["second_id"]}">S.927: An act on police cameras</option>' in page
    assert f'<option value="{scene["other_measure_id"]}"' not in page

    assert press(client, scene, "packet_pdf", str(scene["second_id"])).status_code == 303
    assert press(client, scene, "bundle_zip", str(scene["second_id"])).status_code == 303

    pdf, bundle = packets()
    for packet in (pdf, bundle):
        assert packet.status is ExportStatus.READY, packet.error
        assert packet.measure_id == scene["second_id"]
        assert packet.item_count == 1  # only the approved testimony on S.927
    page = client.get(history_url(scene)).text
    assert '<span class="hint">S.927</span>' in row_for(page, pdf.id)
    response = client.get(f"/staff/exports/{pdf.id}/download")
    assert re.search(
        rf'filename="?{SLUG}-s-927-packet-{STAMP}\.pdf"?$', response.headers["Content-Disposition"]
    )
    response = client.get(f"/staff/exports/{bundle.id}/download")
    assert re.search(
        rf'filename="?{SLUG}-s-927-bundle-{STAMP}\.zip"?$', response.headers["Content-Disposition"]
    )
    with zipfile.ZipFile(io.BytesIO(response.data)) as opened:
        assert json.loads(opened.read("manifest.json"))["measure"] == "S.927"


@pytest.mark.parametrize(
    ("kind", "measure", "why"),
    [
        ("nonsense", "", "Choose what to make: the packet"),
        ("testimony_csv", "", "Choose what to make: the packet"),  # made in the request
        (None, "", "Choose what to make."),
        ("packet_pdf", "other-hearing", "one measure on this hearing's agenda"),
        ("packet_pdf", "999999", "one measure on this hearing's agenda"),
        ("packet_pdf", "not-a-number", "one measure on this hearing's agenda"),
    ],
)
def test_bad_choices_change_nothing_and_say_why(app, db, scene, kind, measure, why):
    if measure == "other-hearing":
        measure = str(scene["other_measure_id"])
    client = signed_in_client(app, scene["clerk"])
    audit_before = audit_count()

    response = press(client, scene, kind, measure)

    assert response.status_code == 303
    assert response.headers["Location"].endswith(history_url(scene))
    assert packets() == []
    assert audit_count() == audit_before
    page = client.get(history_url(scene)).text
    assert any(why in message for message in flashes(page)), flashes(page)
    assert "The export has started" not in page
    assert "Nothing exported yet." in page


@pytest.mark.parametrize("token", [None, "not-a-real-token"])
def test_a_post_without_a_valid_csrf_token_is_refused(app, db, scene, token):
    client = signed_in_client(app, scene["clerk"])
    audit_before = audit_count()
    data = {"kind": "packet_pdf", "measure": ""}
    if token is not None:
        data["csrf_token"] = token

    response = client.post(background_url(scene), data=data)

    assert response.status_code == 400
    assert "This page expired" in response.text
    assert packets() == []
    assert audit_count() == audit_before


@pytest.mark.parametrize("status", [ExportStatus.QUEUED, ExportStatus.RUNNING])
def test_an_export_still_being_made_is_not_started_twice(app, db, scene, status):
    working_id = add_packet(scene, status, age=timedelta(seconds=30))
    client = signed_in_client(app, scene["clerk"])
    audit_before = audit_count()

    page = client.get(history_url(scene)).text
    row = row_for(page, working_id)
    assert f'data-progress-url="/staff/exports/{working_id}/progress"' in row
    if status is ExportStatus.QUEUED:
        assert "Waiting to start" in row
    else:
        assert "Making: step 3 of 10" in row
    assert "Interrupted" not in row

    response = press(client, scene, "packet_pdf")

    assert response.status_code == 303
    assert [p.id for p in packets()] == [working_id]
    assert audit_count() == audit_before
    page = client.get(history_url(scene)).text
    assert any("already being made" in message for message in flashes(page))
    assert "The export has started" not in page


def test_another_kind_or_measure_is_not_held_up_by_one_being_made(app, db, scene):
    working_id = add_packet(scene, ExportStatus.RUNNING, age=timedelta(seconds=30))
    client = signed_in_client(app, scene["clerk"])

    assert press(client, scene, "speakers_pdf").status_code == 303
    assert press(client, scene, "packet_pdf", str(scene["first_id"])).status_code == 303

    made = [p for p in packets() if p.id != working_id]
    assert [(p.kind, p.measure_id, p.status) for p in made] == [
        (PacketKind.SPEAKERS_PDF, None, ExportStatus.READY),
        (PacketKind.PACKET_PDF, scene["first_id"], ExportStatus.READY),
    ]


def test_an_interrupted_export_says_so_and_can_be_made_again(app, db, scene):
    stale_id = add_packet(scene, ExportStatus.RUNNING, age=STALE_AFTER + timedelta(minutes=1))
    client = signed_in_client(app, scene["clerk"])
    progress = client.get(f"/staff/exports/{stale_id}/progress").get_json()
    assert progress == {"status": "interrupted", "done": 3, "total": 10, "working": False}

    response = press(client, scene, "packet_pdf")

    assert response.status_code == 303
    stale, made = packets()
    assert stale.id == stale_id
    assert stale.status is ExportStatus.RUNNING  # left as it was, shown as interrupted
    assert made.status is ExportStatus.READY, made.error
    page = client.get(history_url(scene)).text
    assert any("The export has started" in message for message in flashes(page))
    assert "Interrupted; please make it again" in page
    assert page.count("Interrupted; please make it again") == 1
    assert f"/staff/exports/{stale_id}/progress" not in page
    assert f"/staff/exports/{stale_id}/download" not in page
    assert "Ready" in row_for(page, made.id)
    assert client.get(f"/staff/exports/{stale_id}/download").status_code == 404


def test_the_progress_endpoint_reports_status_and_steps(app, db, scene):
    running_id = add_packet(scene, ExportStatus.RUNNING, age=timedelta(seconds=5))
    queued_id = add_packet(
        scene, ExportStatus.QUEUED, age=timedelta(seconds=5), kind=PacketKind.BUNDLE_ZIP
    )
    client = signed_in_client(app, scene["clerk"])
    assert press(client, scene, "speakers_pdf").status_code == 303
    ready = packets()[-1]

    response = client.get(f"/staff/exports/{running_id}/progress")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.get_json() == {"status": "running", "done": 3, "total": 10, "working": True}
    assert client.get(f"/staff/exports/{queued_id}/progress").get_json() == {
        "status": "queued",
        "done": 3,
        "total": 10,
        "working": True,
    }
    body = client.get(f"/staff/exports/{ready.id}/progress").get_json()
    assert body["status"] == "ready"
    assert body["working"] is False
    assert body["done"] == body["total"] == ready.progress_total
    assert client.get("/staff/exports/999999/progress").status_code == 404
    # Neither unfinished export can be downloaded yet.
    assert client.get(f"/staff/exports/{running_id}/download").status_code == 404
    assert client.get(f"/staff/exports/{queued_id}/download").status_code == 404


def test_requests_and_results_are_audited(app, db, scene):
    client = signed_in_client(app, scene["clerk"])
    assert press(client, scene, "packet_pdf").status_code == 303
    assert press(client, scene, "bundle_zip", str(scene["first_id"])).status_code == 303
    packet, bundle = packets()

    def events(action):
        return _db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        ).all()

    requested = events("export.requested")
    assert [(e.subject_type, e.subject_id) for e in requested] == [
        ("packets", packet.id),
        ("packets", bundle.id),
    ]
    assert {e.actor for e in requested} == {f"user:{scene['clerk_id']}"}
    assert requested[0].data == {"kind": "packet_pdf", "measure": None}
    assert requested[1].data == {"kind": "bundle_zip", "measure": "H.1538"}
    ready = events("export.ready")
    assert [(e.subject_id, e.actor) for e in ready] == [
        (packet.id, f"user:{scene['clerk_id']}"),
        (bundle.id, f"user:{scene['clerk_id']}"),
    ]
    assert ready[0].data == {"kind": "packet_pdf", "items": 3}
    assert ready[1].data == {"kind": "bundle_zip", "items": 2}
    assert events("export.failed") == []


def test_a_moderator_is_refused_everywhere(app, db, scene):
    clerk = signed_in_client(app, scene["clerk"])
    assert press(clerk, scene, "packet_pdf").status_code == 303
    [packet] = packets()
    moderator = make_staff_user(Role.MODERATOR, name="Morgan Moderator")
    _db.session.commit()
    client = signed_in_client(app, moderator)
    token = csrf_token_from(client.get("/staff/account").text)
    audit_before = audit_count()

    assert client.get(history_url(scene)).status_code == 403
    response = client.post(
        background_url(scene), data={"csrf_token": token, "kind": "packet_pdf", "measure": ""}
    )
    assert response.status_code == 403
    assert client.get(f"/staff/exports/{packet.id}/progress").status_code == 403
    download = client.get(f"/staff/exports/{packet.id}/download")
    assert download.status_code == 403
    assert not download.data.startswith(b"%PDF")
    assert [p.id for p in packets()] == [packet.id]
    assert audit_count() == audit_before
    assert refusals_recorded() >= 1


def test_an_anonymous_visitor_is_sent_to_sign_in(app, db, scene):
    clerk = signed_in_client(app, scene["clerk"])
    assert press(clerk, scene, "packet_pdf").status_code == 303
    [packet] = packets()
    client = app.test_client()
    token = csrf_token_from(client.get("/staff/login").text)
    audit_before = audit_count()

    for response in [
        client.get(history_url(scene)),
        client.post(
            background_url(scene),
            data={"csrf_token": token, "kind": "packet_pdf", "measure": ""},
        ),
        client.get(f"/staff/exports/{packet.id}/progress"),
        client.get(f"/staff/exports/{packet.id}/download"),
    ]:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/staff/login")
        assert not response.data.startswith(b"%PDF")
    assert [p.id for p in packets()] == [packet.id]
    assert audit_count() == audit_before


def test_when_the_queue_cannot_be_reached_the_clerk_is_told_and_can_try_again(
    app, db, scene, config
):
    config.update(JOBS_RUNNER="rq", REDIS_URL="redis://127.0.0.1:1/0")  # nothing listens
    client = signed_in_client(app, scene["clerk"])

    response = press(client, scene, "packet_pdf")

    assert response.status_code == 303  # back on the history page with a message, not a 500
    config.update(JOBS_RUNNER="after-response")  # the queue is back
    assert press(client, scene, "packet_pdf").status_code == 303
    page = client.get(history_url(scene)).text
    assert not any("already being made" in message for message in flashes(page))
    assert any(p.status is ExportStatus.READY for p in packets())
