"""The packet's roster of position sign-ins and the cover's counts, read back from the PDF."""

from __future__ import annotations

import re
import secrets
import unicodedata
from datetime import timedelta

import pytest
from sqlalchemy import insert

from app.accounts.models import Role
from app.exports import jobs, services
from app.exports.builders import ExportRequest, build
from app.exports.models import ExportStatus, PacketKind
from app.exports.packet import roster as roster_module
from app.exports.packet.roster import read_roster
from app.platform.extensions import db as _db
from app.platform.timezones import utcnow
from app.signins import identity, tallies
from app.signins.models import SignIn, SignInPosition, SignInStatus
from app.signins.review import decide
from app.signins.services import withdraw_sign_in
from app.testimony.models import Position, RejectionReason, ReviewStatus
from tests.exports.packet.test_pdf import (
    BIDI_MARKS,
    bookmarks,
    heading_pages,
    needs_pdftotext,
    page_texts,
    pdftotext,
)
from tests.factories import (
    make_hearing,
    make_sign_in,
    make_staff_user,
    make_testimony,
    set_review_status,
)

ARABIC_NAME = "محمد العلي"
CHINESE_NAME = "王小明"
HEBREW_CITY = "תל אביב"


def sign_in(hearing, name, *positions, city="Dorchester", organization=None, email=None):
    receipt = make_sign_in(
        hearing,
        full_name=name,
        city=city,
        organization=organization,
        email=email or f"{secrets.token_hex(4)}@example.org",
        positions=tuple(positions),
    )
    return _db.session.get(SignIn, receipt.sign_in_id)


def export(hearing, *, measure=None):
    clerk = make_staff_user(Role.CLERK)
    packet = services.request_export(
        clerk, hearing, PacketKind.PACKET_PDF, measure=measure, now=utcnow()
    )
    _db.session.commit()
    jobs.run(packet.id)
    _db.session.refresh(packet)
    assert packet.status is ExportStatus.READY, packet.error
    return packet, services.packet_path(packet).read_bytes()


def roster_of(hearing, tmp_path, measure=None):
    return read_roster(hearing, measure, tmp_path / "roster.jsonl")


def listed(roster) -> list[tuple[str, str, str]]:
    return [
        (number, position.value, name)
        for number, position, name, *_ in roster_module._lines(roster)
    ]


# -- what the roster holds, and in which order -------------------------------------------------


def test_the_roster_is_by_measure_in_agenda_order_then_position_then_name(db, tmp_path):
    hearing = make_hearing(measures=2)
    first, second = hearing.measures
    sign_in(hearing, "zoe Quinn", (first.id, Position.SUPPORT), (second.id, Position.NEUTRAL))
    sign_in(hearing, "Ana Lima", (first.id, Position.OPPOSE))
    sign_in(hearing, "bea Cruz", (first.id, Position.SUPPORT), (second.id, Position.OPPOSE))
    sign_in(hearing, "Ben Ortiz", (second.id, Position.SUPPORT))
    sign_in(hearing, "Abe Ng", (first.id, Position.NEUTRAL))
    _db.session.commit()

    roster = roster_of(hearing, tmp_path)
    assert listed(roster) == [
        (first.number, "support", "bea Cruz"),  # name order ignores case
        (first.number, "support", "zoe Quinn"),
        (first.number, "oppose", "Ana Lima"),
        (first.number, "neutral", "Abe Ng"),
        (second.number, "support", "Ben Ortiz"),
        (second.number, "oppose", "bea Cruz"),
        (second.number, "neutral", "zoe Quinn"),
    ]


def test_only_sign_ins_on_record_are_listed_and_counted(db, tmp_path):
    """Published and not disputed: withdrawn, pending, rejected and disputed ones stay out; a
    dispute a moderator kept counts again. The counts are those of the running tallies."""
    hearing = make_hearing()
    measure = hearing.measures[0]
    moderator = make_staff_user(Role.MODERATOR)
    now = utcnow()
    stance = (measure.id, Position.SUPPORT)
    sign_in(hearing, "Kept On Record", stance)
    withdrawn = sign_in(hearing, "Withdrawn Person", stance)
    withdraw_sign_in(withdrawn, now=now, seen_version=withdrawn.version)
    disputed = sign_in(hearing, "Disputed Person", stance)
    identity.record(disputed, identity.DISPUTE, now=now)
    kept = sign_in(hearing, "Dispute Kept", (measure.id, Position.OPPOSE))
    identity.record(kept, identity.DISPUTE, now=now)
    identity.keep_disputed(moderator, kept, now=now)
    rejected = sign_in(hearing, "Rejected Person", stance)
    decide(
        moderator,
        hearing.id,
        [rejected.id],
        SignInStatus.REJECTED,
        reason=RejectionReason.SPAM,
        now=now,
    )
    hearing.committee.body.review_sign_ins = True  # from now on, sign-ins wait for review
    pending = sign_in(hearing, "Pending Person", stance)
    assert pending.status is SignInStatus.PENDING
    _db.session.commit()

    roster = roster_of(hearing, tmp_path)
    assert [name for _n, _p, name in listed(roster)] == ["Kept On Record", "Dispute Kept"]
    assert roster.noted() == [
        (measure.number, {Position.SUPPORT: 1, Position.OPPOSE: 1, Position.NEUTRAL: 0})
    ]
    published = {
        (measure_id, position): count
        for (measure_id, position, state), count in tallies.counts([hearing.id])[hearing.id].items()
        if state == "published"
    }
    assert published == {(measure.id, "support"): 1, (measure.id, "oppose"): 1}


def test_a_measures_packet_lists_only_that_measures_positions(db, tmp_path):
    hearing = make_hearing(measures=2)
    first, second = hearing.measures
    sign_in(hearing, "Both Measures", (first.id, Position.SUPPORT), (second.id, Position.OPPOSE))
    sign_in(hearing, "First Only", (first.id, Position.NEUTRAL))
    _db.session.commit()
    roster = roster_of(hearing, tmp_path, measure=second)
    assert listed(roster) == [(second.number, "oppose", "Both Measures")]


# -- the PDF -------------------------------------------------------------------------------------


def test_the_cover_counts_sign_ins_apart_from_testimony(db):
    hearing = make_hearing(measures=2)
    first, second = hearing.measures
    for index in range(3):
        sign_in(hearing, f"Supporter {index}", (first.id, Position.SUPPORT))
    sign_in(hearing, "Opponent", (first.id, Position.OPPOSE), (second.id, Position.NEUTRAL))
    gone = sign_in(hearing, "Gone Later", (first.id, Position.OPPOSE))
    withdraw_sign_in(gone, now=utcnow(), seen_version=gone.version)
    testimony = make_testimony(hearing, measure_id=first.id).testimony
    set_review_status(testimony, ReviewStatus.APPROVED)
    _db.session.commit()

    packet, data = export(hearing)
    cover = page_texts(data)[0]
    assert "Position sign-ins" in cover
    assert f"{first.number}: Noted for the record: 3 support, 1 oppose, 0 neutral" in cover
    assert f"{second.number}: Noted for the record: 0 support, 0 oppose, 1 neutral" in cover
    assert packet.item_count == 1  # the history counts testimony; sign-ins are apart
    assert "Gone Later" not in " ".join(page_texts(data))


def test_no_sign_ins_means_no_roster_and_the_same_packet_as_before(db):
    hearing = make_hearing()
    testimony = make_testimony(hearing).testimony
    set_review_status(testimony, ReviewStatus.APPROVED)
    _db.session.commit()
    _packet, data = export(hearing)
    text = " ".join(page_texts(data))
    assert "Noted for the record" not in text
    assert "Position sign-ins" not in text


@needs_pdftotext
def test_the_roster_prints_every_script_as_typed_with_bookmarks_per_measure(db):
    hearing = make_hearing(measures=2)
    first, second = hearing.measures
    sign_in(hearing, ARABIC_NAME, (first.id, Position.SUPPORT), city=HEBREW_CITY)
    sign_in(
        hearing,
        CHINESE_NAME,
        (first.id, Position.OPPOSE),
        (second.id, Position.SUPPORT),
        city="Quincy",
        organization='=HYPERLINK("x") <b>Neighbours</b>',
    )
    sign_in(hearing, "Zoë O'Brien", (second.id, Position.NEUTRAL), city="Roxbury")
    testimony = make_testimony(hearing, measure_id=first.id).testimony
    set_review_status(testimony, ReviewStatus.APPROVED)
    _db.session.commit()

    _packet, data = export(hearing)
    pages = pdftotext(data).translate(BIDI_MARKS).split("\f")
    marks = bookmarks(data)
    noted = next(mark for mark in marks if mark.title == "Noted for the record")
    start = noted.page - 1  # after the testimony
    assert "Noted for the record" in pages[start].splitlines()
    roster = unicodedata.normalize("NFKC", "\n".join(pages[start:]))
    lines = [line.strip() for line in roster.splitlines()]
    assert any(ARABIC_NAME in line and HEBREW_CITY in line for line in lines)
    arabic = next(line for line in lines if ARABIC_NAME in line)
    # A right-to-left entry reads from the right: the name first, then the city.
    assert arabic.index(ARABIC_NAME) < arabic.index(HEBREW_CITY)
    flat = " ".join(roster.split())
    # Printed as text, never as mark-up or a formula; a long entry wraps to a second line.
    assert f'{CHINESE_NAME} — Quincy — =HYPERLINK("x") <b>Neighbours</b>' in flat
    assert "Zoë O'Brien — Roxbury" in roster
    assert roster.index(f"{first.number}:") < roster.index(f"{second.number}:")

    assert [child.title.split(":")[0] for child in noted.children] == [first.number, second.number]
    assert [c.title for c in noted.children[0].children] == ["Support (1)", "Oppose (1)"]
    assert [c.title for c in noted.children[1].children] == ["Support (1)", "Neutral (1)"]
    assert noted.page > heading_pages(data, testimony.tracking_number)[0]
    # The contents point at each measure's roster page too.
    contents = pdftotext(data, "-layout").split("\f")[1]
    assert re.search(rf"{re.escape(first.number)}: 2 sign-ins +{noted.page}\n", contents)
    second_page = noted.children[1].page
    assert re.search(rf"{re.escape(second.number)}: 2 sign-ins +{second_page}\n", contents)


def bulk_sign_ins(hearing, count: int) -> None:
    """count published sign-ins on the hearing's first measure, inserted in bulk."""
    measure = hearing.measures[0]
    now = utcnow()
    positions = (Position.SUPPORT, Position.OPPOSE, Position.NEUTRAL)
    rows = []
    for index in range(count):
        name = f"Resident {index:05d} {secrets.token_hex(2)}"
        rows.append(
            {
                "hearing_id": hearing.id,
                "tracking_number": f"OS-{index:04d}-{secrets.token_hex(2).upper()}",
                "receipt_token_hash": secrets.token_hex(32),
                "submission_key": secrets.token_hex(8),
                "full_name": name,
                "name_key": name.lower(),
                "email": f"r{index}@example.org",
                "email_key": f"r{index}@example.org",
                "city": "Boston",
                "zip_code": "02108",
                "organization": None,
                "status": "published",
                "version": 1,
                "received_at": now - timedelta(minutes=index),
                "updated_at": now,
            }
        )
    _db.session.execute(insert(SignIn.__table__), rows)
    ids = [
        row.id
        for row in _db.session.execute(
            SignIn.__table__.select().where(SignIn.hearing_id == hearing.id)
        )
    ]
    _db.session.execute(
        insert(SignInPosition.__table__),
        [
            {"sign_in_id": sign_in_id, "measure_id": measure.id, "position": positions[i % 3]}
            for i, sign_in_id in enumerate(sorted(ids))
        ],
    )


@needs_pdftotext
@pytest.mark.parametrize("chunk", [roster_module.CHUNK_PAGES, 3])
def test_a_large_roster_is_complete_and_in_order(db, monkeypatch, chunk):
    monkeypatch.setattr(roster_module, "CHUNK_PAGES", chunk)
    hearing = make_hearing()
    bulk_sign_ins(hearing, 2000)
    _db.session.commit()

    packet, data = export(hearing)
    text = pdftotext(data, "-raw")
    names = re.findall(r"Resident (\d{5}) [0-9a-f]{4} — Boston", text)
    assert len(names) == 2000
    assert len(set(names)) == 2000
    # Support, then oppose, then neutral; by name within each.
    groups = [sorted(f"{i:05d}" for i in range(start, 2000, 3)) for start in range(3)]
    assert names == groups[0] + groups[1] + groups[2]
    assert packet.page_count == len(text.split("\f")) - 1  # pdftotext ends with a form feed
    pages = text.split("\f")
    # Many to a page: 2,000 lines fit on a few dozen pages.
    roster_pages = [page for page in pages if "— Boston" in page]
    assert len(roster_pages) <= 2000 // 100
    assert "Support (continued)" in text


def test_the_roster_builds_to_the_same_bytes_and_counts_in_the_fingerprint(db, tmp_path):
    hearing = make_hearing(measures=2)
    first, second = hearing.measures
    sign_in(hearing, ARABIC_NAME, (first.id, Position.SUPPORT), city=HEBREW_CITY)
    sign_in(hearing, "Zoë O'Brien", (second.id, Position.NEUTRAL), organization="Tenants")
    _db.session.commit()
    when = utcnow().replace(microsecond=0)

    def built(name):
        workdir = tmp_path / name
        workdir.mkdir()
        return build(
            ExportRequest(
                kind=PacketKind.PACKET_PDF,
                hearing=hearing,
                measure=None,
                generated_at=when,
                generated_by="Casey Clerk",
                workdir=workdir,
            )
        )

    first_build, second_build = built("first"), built("second")
    assert first_build.path.read_bytes() == second_build.path.read_bytes()
    assert first_build.content_sha256 == second_build.content_sha256
    assert first_build.item_count == 0  # testimonies printed; sign-ins are counted apart

    sign_in(hearing, "Late Arrival", (first.id, Position.OPPOSE))
    _db.session.commit()
    assert built("third").content_sha256 != first_build.content_sha256


def test_a_long_entry_wraps_in_its_column_and_a_roster_page_holds_many(db, tmp_path):
    hearing = make_hearing()
    measure = hearing.measures[0]
    long_organization = "Coalition " * 17 + "of Neighbours"  # near the 200-character limit
    sign_in(hearing, "Abe Long", (measure.id, Position.SUPPORT), organization=long_organization)
    for index in range(150):
        sign_in(hearing, f"Resident {index:03d}", (measure.id, Position.OPPOSE))
    _db.session.commit()
    roster = roster_of(hearing, tmp_path)
    pages = list(roster_module.layout(roster))
    entries = [draw for page in pages for draw in page.draws if draw.style == roster_module.ENTRY]
    # The long entry takes several lines, the later ones indented; every line fits its column.
    first_lines = [draw for draw in entries if draw.text.startswith("Abe Long")]
    assert len(first_lines) == 1
    start = entries.index(first_lines[0])
    follow = entries[start + 1]
    assert follow.x == first_lines[0].x + roster_module.HANGING
    for draw in entries:
        width = roster_module.text_width(draw.text, draw.style.size)
        assert width <= roster_module.COLUMN_WIDTH + 0.01
    # 151 entries (and their headings) on two pages: two columns of about 60 lines each.
    assert len(pages) == 2
    assert roster_module.plan(roster).pages == 2
