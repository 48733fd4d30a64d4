"""The addendum's sign-in sections: added to the roster, changed, no longer on record."""

from __future__ import annotations

import unicodedata
from datetime import timedelta

from sqlalchemy import func, select

from app.accounts.models import Role
from app.exports import jobs, services
from app.exports.models import ExportStatus, PacketKind, PacketSignIn
from app.exports.packet.roster_changes import sign_in_changes
from app.platform.extensions import db as _db
from app.platform.timezones import utcnow
from app.signins import identity
from app.signins.services import change_positions, withdraw_sign_in
from app.testimony.models import Position, ReviewStatus
from tests.exports.packet.test_pdf import (
    BIDI_MARKS,
    bookmarks,
    needs_pdftotext,
    page_texts,
    pdftotext,
)
from tests.exports.packet.test_roster import ARABIC_NAME, sign_in
from tests.factories import make_hearing, make_staff_user, make_testimony, set_review_status


def run(clerk, hearing, kind, *, since=None, measure=None, now):
    packet = services.request_export(clerk, hearing, kind, since_id=since, measure=measure, now=now)
    _db.session.commit()
    jobs.run(packet.id)
    _db.session.refresh(packet)
    assert packet.status is ExportStatus.READY, packet.error
    return packet, services.packet_path(packet).read_bytes()


@needs_pdftotext
def test_a_packet_records_its_roster_and_its_addendum_lists_what_changed(db):
    hearing = make_hearing(measures=2)
    first, second = hearing.measures
    clerk = make_staff_user(Role.CLERK)
    now = utcnow()
    leaving = sign_in(hearing, "Ana Leaving", (first.id, Position.SUPPORT))
    disputed = sign_in(hearing, "Bo Disputed", (second.id, Position.OPPOSE))
    changing = sign_in(hearing, "Cy Changing", (first.id, Position.SUPPORT))
    sign_in(hearing, "Dee Staying", (first.id, Position.NEUTRAL), (second.id, Position.SUPPORT))
    testimony = make_testimony(hearing, measure_id=first.id).testimony
    set_review_status(testimony, ReviewStatus.APPROVED)
    _db.session.commit()
    packet, _data = run(clerk, hearing, PacketKind.PACKET_PDF, now=now)
    recorded = _db.session.scalar(select(func.count()).where(PacketSignIn.packet_id == packet.id))
    assert recorded == 4  # each sign-in once, however many measures it is listed under

    withdraw_sign_in(leaving, now=now, seen_version=leaving.version)
    identity.record(disputed, identity.DISPUTE, now=now)
    change_positions(
        changing,
        ((first.id, Position.OPPOSE), (second.id, Position.OPPOSE)),
        now=now,
        seen_version=changing.version,
    )
    sign_in(hearing, ARABIC_NAME, (second.id, Position.SUPPORT), city="Quincy")
    _db.session.commit()

    changes = sign_in_changes(hearing, packet.id)
    assert [c.name for c in changes.added] == [ARABIC_NAME]
    assert [(c.name, c.positions) for c in changes.changed] == [
        ("Cy Changing", f"{first.number}: Oppose · {second.number}: Oppose")
    ]
    assert [(c.name, c.reason) for c in changes.gone] == [
        ("Ana Leaving", "withdrawn by the resident"),
        ("Bo Disputed", "the owner of the e-mail address said they did not sign it"),
    ]

    addendum, data = run(
        clerk, hearing, PacketKind.ADDENDUM_PDF, since=packet.id, now=now + timedelta(hours=1)
    )
    assert addendum.item_count == 0  # testimonies that changed; sign-ins are apart
    cover = page_texts(data)[0]
    assert "Position sign-ins added 1" in cover
    assert "Position sign-ins changed 1" in cover
    assert "Position sign-ins no longer on record 2" in cover
    text = " ".join(page_texts(data))
    assert f"Cy Changing — Dorchester: {first.number}: Oppose · {second.number}: Oppose" in text
    assert "Ana Leaving — Dorchester: " in text and "(withdrawn by the resident)" in text
    assert "Dee Staying" not in text
    copied = unicodedata.normalize("NFKC", pdftotext(data).translate(BIDI_MARKS))
    assert ARABIC_NAME in copied  # a right-to-left name copies out as typed
    titles = [mark.title for mark in bookmarks(data)]
    assert "Position sign-ins added (1)" in titles
    assert "Position sign-ins no longer on record (2)" in titles


def test_a_packet_of_one_measure_records_no_roster(db):
    hearing = make_hearing(measures=2)
    first, _second = hearing.measures
    clerk = make_staff_user(Role.CLERK)
    sign_in(hearing, "Ana Lima", (first.id, Position.SUPPORT))
    _db.session.commit()
    run(clerk, hearing, PacketKind.PACKET_PDF, measure=first, now=utcnow())
    assert _db.session.scalar(select(func.count()).select_from(PacketSignIn)) == 0


def test_an_addendum_of_a_hearing_without_sign_ins_says_nothing_of_them(db):
    hearing = make_hearing()
    clerk = make_staff_user(Role.CLERK)
    testimony = make_testimony(hearing).testimony
    set_review_status(testimony, ReviewStatus.APPROVED)
    _db.session.commit()
    now = utcnow()
    packet, _data = run(clerk, hearing, PacketKind.PACKET_PDF, now=now)
    assert sign_in_changes(hearing, packet.id) is None
    _addendum, data = run(
        clerk, hearing, PacketKind.ADDENDUM_PDF, since=packet.id, now=now + timedelta(hours=1)
    )
    assert "sign-in" not in " ".join(page_texts(data)).lower()


def test_sign_ins_before_the_first_roster_count_as_added(db):
    """A packet that listed no sign-in (none were on record, or it was made before packets
    had a roster): every sign-in on record now is new to the committee."""
    hearing = make_hearing()
    clerk = make_staff_user(Role.CLERK)
    now = utcnow()
    packet, _data = run(clerk, hearing, PacketKind.PACKET_PDF, now=now)
    sign_in(hearing, "Zed Later", (hearing.measures[0].id, Position.SUPPORT))
    sign_in(hearing, "Amy Later", (hearing.measures[0].id, Position.OPPOSE))
    _db.session.commit()
    changes = sign_in_changes(hearing, packet.id)
    assert [c.name for c in changes.added] == ["Amy Later", "Zed Later"]
    assert changes.changed == [] and changes.gone == []
