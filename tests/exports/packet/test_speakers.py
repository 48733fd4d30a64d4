"""The speaker list: who asked to speak, in sign-up order, with their needs."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from app.accounts.models import Role
from app.exports import services
from app.exports.models import PacketKind
from app.platform.timezones import utcnow
from app.testimony.models import SpeakingRequest
from app.testimony.services import withdraw_testimony
from tests.factories import make_hearing, make_staff_user, make_testimony


def read(packet) -> list[list[str]]:
    text = services.packet_path(packet).read_bytes().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_speakers_are_listed_in_sign_up_order_with_their_needs(db):
    now = utcnow()
    hearing = make_hearing(now=now)
    clerk = make_staff_user(Role.CLERK)
    later = make_testimony(
        hearing,
        now=now,
        full_name="Second Speaker",
        speaking_request=SpeakingRequest.REMOTE,
        accessibility_need="Captions, please",
    )
    make_testimony(
        hearing,
        now=now - timedelta(hours=2),
        full_name="First Speaker",
        speaking_request=SpeakingRequest.IN_PERSON,
        interpreter_language="Haitian Creole",
    )
    make_testimony(hearing, now=now - timedelta(hours=1), full_name="Written Only")
    withdrawn = make_testimony(
        hearing,
        now=now - timedelta(minutes=30),
        full_name="Changed Mind",
        speaking_request=SpeakingRequest.IN_PERSON,
    )
    withdraw_testimony(withdrawn.testimony, now=now)
    make_testimony(
        make_hearing(now=now),
        now=now,
        full_name="Other Hearing",
        speaking_request=SpeakingRequest.IN_PERSON,
    )

    packet = services.export_testimony(clerk, hearing, PacketKind.SPEAKERS_CSV, now=now)

    rows = read(packet)
    assert rows[0][:4] == ["Order", "Tracking number", "Signed up at", "Name"]
    body = rows[1:]
    assert [row[3] for row in body] == ["First Speaker", "Second Speaker"]
    assert [row[0] for row in body] == ["1", "2"]
    assert body[0][8:10] == ["in_person", "Haitian Creole"]
    assert body[1][8] == "remote"
    assert body[1][10] == "Captions, please"
    assert body[1][1] == later.testimony.tracking_number
    assert packet.item_count == 2
    flat = repr(rows)
    assert "Example Street" not in flat
    assert "@example.org" not in flat


def test_a_speakers_formula_like_name_is_neutralised(db):
    hearing = make_hearing()
    make_testimony(hearing, full_name="=HYPERLINK(1)", speaking_request=SpeakingRequest.IN_PERSON)
    packet = services.export_testimony(
        make_staff_user(Role.CLERK), hearing, PacketKind.SPEAKERS_CSV, now=utcnow()
    )
    assert read(packet)[1][3] == "'=HYPERLINK(1)"
