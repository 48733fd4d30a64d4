"""The speaker list after a hearing: speaking order, what happened, time used, walk-ins; as
CSV and as PDF."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from app.accounts.models import Role
from app.exports import jobs, services
from app.exports.models import PacketKind
from app.platform.extensions import db as _db
from app.platform.timezones import utcnow
from app.speaking import floor
from app.speaking.floor import WalkIn
from app.speaking.models import SpeakerMode
from app.testimony.models import Position, SpeakingRequest
from tests.exports.packet.test_pdf import needs_pdftotext, pdftotext
from tests.factories import make_hearing, make_staff_user
from tests.speaking.helpers import propose, sign_up, version


def _named(hearing, name: str):
    return next(s for s in floor.speakers(hearing) if s.full_name == name)


def _hearing_day(db):
    """Three sign-ups and a walk-in: one spoke 2:05, one did not show, the walk-in spoke 1:30,
    one was never called."""
    hearing = make_hearing()
    clerk = make_staff_user(Role.CLERK)
    sign_up(hearing, "Ana Reyes", minutes_ago=40, speaking_request=SpeakingRequest.REMOTE)
    sign_up(hearing, "Bo Chen", minutes_ago=30, interpreter_language="Tigrinya")
    sign_up(hearing, "=Cy Dubois", minutes_ago=20)
    propose(clerk, hearing)
    start = utcnow().replace(microsecond=0)
    floor.call_next(clerk, hearing, seen_version=version(hearing), now=start)
    bo = _named(hearing, "Bo Chen")
    floor.mark_no_show(clerk, hearing, bo.id, seen_version=version(hearing), now=start)
    floor.add_walk_in(
        clerk,
        hearing,
        WalkIn(
            full_name="Dee Walker",
            city="Roxbury",
            organization=None,
            measure_id=hearing.measures[0].id,
            position=Position.OPPOSE,
            mode=SpeakerMode.IN_PERSON,
            interpreter_language_id=None,
            interpreter_other=None,
            language="en",
        ),
        now=start,
    )
    walk_in = _named(hearing, "Dee Walker")
    # The walk-in is heard before the last signed-up speaker.
    floor.skip_to_later(
        clerk,
        hearing,
        _named(hearing, "=Cy Dubois").id,
        seen_version=version(hearing),
        now=start,
    )
    moment = start + timedelta(minutes=2, seconds=5)
    floor.call_next(clerk, hearing, seen_version=version(hearing), now=moment)
    floor.finish_current(
        clerk, hearing, seen_version=version(hearing), now=moment + timedelta(seconds=90)
    )
    _db.session.commit()
    return hearing, clerk, walk_in


def _csv(db, hearing, clerk) -> list[list[str]]:
    packet = services.export_testimony(clerk, hearing, PacketKind.SPEAKERS_CSV, now=utcnow())
    text = services.packet_path(packet).read_bytes().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_csv_records_who_spoke_in_order_and_the_time_used(db):
    hearing, clerk, _walk_in = _hearing_day(db)
    header, *rows = _csv(db, hearing, clerk)
    column = {name: index for index, name in enumerate(header)}
    cells = [
        (
            r[column["Order"]],
            r[column["Name"]],
            r[column["Outcome"]],
            r[column["Time used"]],
            r[column["Walk-in"]],
        )
        for r in rows
    ]
    assert cells == [
        ("1", "Ana Reyes", "spoke", "2:05", ""),
        ("2", "Bo Chen", "no_show", "", ""),
        ("3", "Dee Walker", "spoke", "1:30", "yes"),
        ("4", "'=Cy Dubois", "waiting", "", ""),
    ]
    by_name = {r[column["Name"]]: r for r in rows}
    assert by_name["Ana Reyes"][column["Speaking"]] == "remote"
    assert by_name["Bo Chen"][column["Interpreter"]] == "Tigrinya"
    assert by_name["Dee Walker"][column["Tracking number"]] == ""
    assert by_name["Dee Walker"][column["Status"]] == ""
    assert by_name["Ana Reyes"][column["Started at"]]
    assert "@example.org" not in repr(rows)


@needs_pdftotext
def test_the_pdf_says_who_spoke_and_for_how_long(app, db):
    hearing, clerk, _walk_in = _hearing_day(db)
    packet = services.request_export(clerk, hearing, PacketKind.SPEAKERS_PDF, now=utcnow())
    _db.session.commit()
    jobs.run(packet.id)
    _db.session.refresh(packet)
    path = services.packet_path(packet)
    text = " ".join(pdftotext(path.read_bytes(), "-layout").split())
    assert "In speaking order" in text
    assert "2 spoke (1 of them walk-ins), 1 did not show." in text
    assert "for 2:05" in text and "for 1:30" in text
    assert "Did not show" in text
    assert "At the hearing (walk-in)" in text
    assert "Not called" in text
