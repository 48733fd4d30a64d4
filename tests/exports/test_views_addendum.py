"""A clerk makes a packet addendum from the history page: the earlier packets offered, the
addendum made and downloaded, and every packet that cannot be used refused with a reason."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role
from app.exports import jobs, services
from app.exports.models import ExportStatus, Packet, PacketKind, PacketTestimony
from app.hearings.models import Hearing
from app.platform.audit import AuditEvent
from app.platform.extensions import db as _db
from app.platform.storage import file_store
from app.platform.timezones import local_time, utcnow
from app.testimony.models import ReviewStatus, Testimony
from tests.factories import (
    csrf_token_from,
    make_hearing,
    make_staff_user,
    make_testimony,
    set_review_status,
    signed_in_client,
)

TITLE = "Hearing on a ban of face surveillance"
SLUG = "hearing-on-a-ban-of-face-surveillance"


@pytest.fixture
def scene(db):
    """A hearing on two measures with three approved testimonies and a clerk; another hearing
    with one approved testimony."""
    hearing = make_hearing(title=TITLE, measures=2)
    first, second = hearing.measures
    first.number, second.number = "H.1538", "S.927"
    approved = []
    for name, measure in [("Denise Okafor", first), ("Luis Ortega", first), ("Mei Chen", second)]:
        approved.append(make_testimony(hearing, full_name=name, measure_id=measure.id).testimony)
    for testimony in approved:
        set_review_status(testimony, ReviewStatus.APPROVED)
    later = make_testimony(hearing, full_name="Late Comer", measure_id=second.id).testimony
    other = make_hearing(title="Another hearing entirely")
    set_review_status(make_testimony(other).testimony, ReviewStatus.APPROVED)
    clerk = make_staff_user(Role.CLERK, name="Casey Clerk")
    _db.session.commit()
    return {
        "hearing": hearing,
        "hearing_id": hearing.id,
        "second_id": second.id,
        "other": other,
        "clerk": clerk,
        "clerk_id": clerk.id,
        "later_id": later.id,
        "later_tracking": later.tracking_number,
    }


def history_url(scene) -> str:
    return f"/staff/hearings/{scene['hearing_id']}/exports"


def background_url(scene) -> str:
    return f"/staff/hearings/{scene['hearing_id']}/exports/background"


def press(client, scene, kind: str, **extra):
    page = client.get(history_url(scene))
    assert page.status_code == 200
    data = {"csrf_token": csrf_token_from(page.text), "kind": kind, **extra}
    return client.post(background_url(scene), data=data)


def packets() -> list[Packet]:
    _db.session.expire_all()
    return _db.session.scalars(select(Packet).order_by(Packet.id)).all()


def audit_count() -> int:
    return _db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action != "request.refused")
    )


def flashes(page: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(r'<p class="flash[^"]*">(.*?)</p>', page, re.S)]


def options(page: str) -> dict[str, str]:
    """The choices of the addendum's select: packet id → label."""
    select_html = re.search(r'<select[^>]*name="since"[^>]*>(.*?)</select>', page, re.S)
    if select_html is None:
        return {}
    return {
        value: " ".join(html.unescape(label).split())
        for value, label in re.findall(
            r'<option value="([^"]*)">(.*?)</option>', select_html.group(1), re.S
        )
    }


def make_packet(hearing, clerk, *, measure=None) -> Packet:
    """A packet made by the export job, as the history page's button makes it."""
    packet = services.request_export(
        clerk, hearing, PacketKind.PACKET_PDF, measure=measure, now=utcnow()
    )
    _db.session.commit()
    packet_id = packet.id
    jobs.run(packet_id)
    packet = _db.session.get(Packet, packet_id)
    assert packet.status is ExportStatus.READY, packet.error
    return packet


def old_packet(scene, **values) -> int:
    """A ready whole-hearing packet as made before packets recorded what they printed."""
    packet = Packet(
        hearing_id=scene["hearing_id"],
        kind=PacketKind.PACKET_PDF,
        created_by_id=scene["clerk_id"],
        created_at=utcnow() - timedelta(days=2),
        status=ExportStatus.READY,
        item_count=3,
        size_bytes=9,
        sha256=file_store().put(b"%PDF-old\n"),
        content_sha256="0" * 64,
    )
    for name, value in values.items():
        setattr(packet, name, value)
    _db.session.add(packet)
    _db.session.commit()
    return packet.id


# -- what the page offers ---------------------------------------------------------------------


def test_the_page_offers_recorded_whole_hearing_packets_and_says_why_others_are_not(app, db, scene):
    clerk = scene["clerk"]
    packet = make_packet(scene["hearing"], clerk)
    hearing = _db.session.get(Hearing, scene["hearing_id"])
    make_packet(hearing, clerk, measure=hearing.measures[1])  # one measure: not offered
    old_packet(scene)  # made before contents were recorded: not offered
    services.export_testimony(clerk, hearing, PacketKind.TESTIMONY_CSV, now=utcnow())
    _db.session.commit()
    client = signed_in_client(app, clerk)

    page = client.get(history_url(scene)).text

    packet = _db.session.get(Packet, packet.id)
    made = local_time(packet.created_at, "America/New_York", "short")
    assert options(page) == {
        str(packet.id): f"{made} · Casey Clerk · 3 items · fingerprint {packet.content_sha256[:12]}"
    }
    unrecorded = html.unescape(re.search(r'id="unrecorded-packets">(.*?)</p>', page, re.S)[1])
    assert unrecorded == (
        "1 earlier packet is not offered: it was made before packets recorded which testimony "
        "they printed, so there is nothing to compare with."
    )
    assert 'value="addendum_pdf"' in page


def test_with_no_packet_yet_the_page_says_to_make_one_first(app, db, scene):
    client = signed_in_client(app, scene["clerk"])
    page = client.get(history_url(scene)).text
    assert options(page) == {}
    assert 'value="addendum_pdf"' not in page
    assert 'id="no-addendum-base"' in page
    assert 'id="unrecorded-packets"' not in page


# -- making one -------------------------------------------------------------------------------


def test_a_clerk_makes_the_addendum_and_downloads_it(app, db, scene):
    earlier = make_packet(scene["hearing"], scene["clerk"])
    earlier_id, fingerprint = earlier.id, earlier.content_sha256
    set_review_status(_db.session.get(Testimony, scene["later_id"]), ReviewStatus.APPROVED)
    _db.session.commit()
    client = signed_in_client(app, scene["clerk"])

    response = press(client, scene, "addendum_pdf", since=str(earlier_id))

    assert response.status_code == 303
    addendum = packets()[-1]
    assert response.headers["Location"].endswith(f"/staff/exports/{addendum.id}?download=1")
    assert addendum.kind is PacketKind.ADDENDUM_PDF
    assert addendum.status is ExportStatus.READY, addendum.error
    assert addendum.since_packet_id == earlier_id
    assert addendum.measure_id is None
    assert addendum.created_by_id == scene["clerk_id"]
    assert addendum.item_count == 1  # the one approved since
    assert addendum.page_count >= 2
    assert re.fullmatch(r"[0-9a-f]{64}", addendum.content_sha256)
    [requested] = _db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "export.requested", AuditEvent.subject_id == addendum.id
        )
    ).all()
    assert requested.data == {"kind": "addendum_pdf", "measure": None, "since": earlier_id}

    shown = client.get(f"/staff/exports/{addendum.id}").text
    assert "Packet addendum, PDF" in shown
    assert f"(fingerprint {fingerprint[:16]})" in html.unescape(shown)
    page = client.get(history_url(scene)).text
    assert "Since the packet of" in page
    download = client.get(f"/staff/exports/{addendum.id}/download")
    assert download.status_code == 200
    assert download.mimetype == "application/pdf"
    assert download.data.startswith(b"%PDF-")
    assert re.search(
        rf'filename="?{SLUG}-addendum-\d{{8}}-\d{{6}}\.pdf"?$',
        download.headers["Content-Disposition"],
    )
    # The addendum is not itself a base for another addendum.
    assert str(addendum.id) not in options(page)


# -- refusals ---------------------------------------------------------------------------------


def _other_hearings_packet(scene) -> str:
    other = _db.session.get(Hearing, scene["other"].id)
    return str(make_packet(other, scene["clerk"]).id)


def _spreadsheet(scene) -> str:
    hearing = _db.session.get(Hearing, scene["hearing_id"])
    packet = services.export_testimony(
        scene["clerk"], hearing, PacketKind.TESTIMONY_CSV, now=utcnow()
    )
    _db.session.commit()
    return str(packet.id)


def _measure_packet(scene) -> str:
    hearing = _db.session.get(Hearing, scene["hearing_id"])
    return str(make_packet(hearing, scene["clerk"], measure=hearing.measures[0]).id)


def _unready(scene) -> str:
    return str(old_packet(scene, status=ExportStatus.QUEUED, sha256=None, item_count=0))


def _without_contents(scene) -> str:
    return str(old_packet(scene))


def _contents_lost(scene) -> str:
    hearing = _db.session.get(Hearing, scene["hearing_id"])
    packet = make_packet(hearing, scene["clerk"])
    _db.session.execute(
        PacketTestimony.__table__.delete().where(PacketTestimony.packet_id == packet.id)
    )
    _db.session.commit()
    return str(packet.id)


NOT_ONE = "That is not one of this hearing's packets; choose one from the list."


@pytest.mark.parametrize(
    ("since", "why"),
    [
        (_other_hearings_packet, "That packet belongs to another hearing"),
        (_spreadsheet, "That export is not a hearing packet"),
        (_measure_packet, "That packet covers one measure"),
        (_unready, "That packet is not ready"),
        (_without_contents, "made before packets recorded what they printed"),
        (_contents_lost, "made before packets recorded what they printed"),
        ("", "Choose the earlier packet the addendum lists the changes since."),
        ("999999", NOT_ONE),
        ("0", NOT_ONE),
        ("abc", NOT_ONE),
        ("-1", NOT_ONE),
        ("1e3", NOT_ONE),
        ("99999999999999999999", NOT_ONE),
        ("1\x00", NOT_ONE),
        ("<script>alert(1)</script>", NOT_ONE),
    ],
)
def test_a_packet_that_cannot_be_used_is_refused_and_nothing_changes(app, db, scene, since, why):
    if callable(since):
        since = since(scene)
    client = signed_in_client(app, scene["clerk"])
    before = [p.id for p in packets()]
    audit_before = audit_count()

    response = press(client, scene, "addendum_pdf", since=since)

    assert response.status_code == 303
    assert response.headers["Location"].endswith(history_url(scene))
    assert [p.id for p in packets()] == before
    assert audit_count() == audit_before
    page = client.get(history_url(scene)).text
    assert any(why in message for message in flashes(page)), flashes(page)
    assert "The export has started" not in page


def test_an_addendum_of_one_measure_is_refused(app, db, scene):
    earlier = make_packet(scene["hearing"], scene["clerk"])
    before = [p.id for p in packets()]
    client = signed_in_client(app, scene["clerk"])

    response = press(
        client, scene, "addendum_pdf", since=str(earlier.id), measure=str(scene["second_id"])
    )

    assert response.status_code == 303
    assert [p.id for p in packets()] == before
    page = client.get(history_url(scene)).text
    assert any("An addendum covers the whole hearing" in m for m in flashes(page))


def test_a_moderator_cannot_make_an_addendum(app, db, scene):
    earlier = make_packet(scene["hearing"], scene["clerk"])
    earlier_id = earlier.id
    moderator = make_staff_user(Role.MODERATOR, name="Morgan Moderator")
    _db.session.commit()
    client = signed_in_client(app, moderator)
    token = csrf_token_from(client.get("/staff/account").text)
    audit_before = audit_count()

    response = client.post(
        background_url(scene),
        data={"csrf_token": token, "kind": "addendum_pdf", "since": str(earlier_id)},
    )

    assert response.status_code == 403
    assert [p.id for p in packets()] == [earlier_id]
    assert audit_count() == audit_before
