"""The packet addendum: what changed since an earlier packet, read back from the PDF."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.exports import jobs, services
from app.exports.builders import ExportRequest, build
from app.exports.models import ExportStatus, Packet, PacketKind, PacketTestimony
from app.moderation import services as moderation
from app.platform.extensions import db as _db
from app.platform.timezones import utcnow
from app.testimony.models import Position, ReviewStatus, SpeakingRequest, Testimony
from app.testimony.services import amend_testimony, withdraw_testimony
from app.testimony.submissions import Amendment
from tests.exports.packet.test_campaigns import LETTER
from tests.exports.packet.test_pdf import (
    BIDI_MARKS,
    bookmarks,
    needs_pdftotext,
    page_texts,
    pdftotext,
)
from tests.factories import (
    make_hearing,
    make_staff_user,
    make_testimony,
    make_upload,
    set_review_status,
)

TITLE = "Hearing on a ban of face surveillance"
FURNITURE = re.compile(rf"Page \d+ of \d+|{TITLE} · .*")
TRACKING = re.compile(r"OT-[0-9A-Z]{4}-[0-9A-Z]{4}")
SECTIONS = ("New testimony", "Amended", "Withdrawn", "Now disputed", "No longer in the packet")
PHONE = "617-555-0199"
FIRST_TEXT = f"Please ban it. Call me at {PHONE} about the cameras on my street."
SECOND_TEXT = "I have changed my mind: the cameras keep my street safe."


@dataclass
class Scene:
    hearing: object
    first: object  # measures, in agenda order
    second: object
    clerk: object
    moderator: object
    ids: dict[str, int]  # key -> testimony id
    tracking: dict[str, str]  # key -> tracking number

    def get(self, key: str) -> Testimony:
        """The testimony as the session has it now (an export lets go of what it read)."""
        return _db.session.get(Testimony, self.ids[key])


def approve(*testimonies) -> None:
    for testimony in testimonies:
        set_review_status(testimony, ReviewStatus.APPROVED)


def build_scene() -> Scene:
    """A hearing on two measures, as it stood when its packet was made: approved testimony
    that will change in every way, some that will not (a campaign of two among it), and some
    not yet approved."""
    now = utcnow()
    hearing = make_hearing(title=TITLE, measures=2, now=now)
    first, second = hearing.measures
    first.number, first.title = "H.1538", "An act to ban face surveillance"
    second.number, second.title = "S.927", "An act on police cameras"
    clerk = make_staff_user(Role.CLERK, name="Casey Clerk")
    moderator = make_staff_user(Role.MODERATOR, name="Morgan Moderator")
    people: dict[str, object] = {}

    def submit(key, name, measure, body=None, *, minutes=60, **extra):
        people[key] = make_testimony(
            hearing,
            now=now - timedelta(minutes=minutes),
            full_name=name,
            email=f"{key}@example.org",
            street_address=f"{len(people) + 1} Secret Lane",
            city="Dorchester",
            measure_id=measure.id,
            body=body or f"Testimony of {name}: please consider my view on this measure.",
            **extra,
        ).testimony
        return people[key]

    submit("amended", "Amelia Amend", first, FIRST_TEXT)
    submit("withdrawn", "Walter Withdraw", first)
    submit("disputed", "Dora Dispute", first)
    submit("rejected", "Rhea Reject", second)
    submit("unchanged", "Una Unchanged", second)
    submit("reviewing", "Ravi Review", second)
    submit("member1", "Signer One", second, LETTER)
    submit("member2", "Signer Two", second, LETTER)
    approve(*people.values())
    moderation.redact_phrase(moderator, people["amended"], PHONE, now=now)
    # Not yet approved when the packet is made.
    submit("new_b", "Nadia New", first, minutes=30)
    submit("new_a", "Nico Newer", first, minutes=20, uploads=(make_upload("plan.pdf", 2),))
    submit("member3", "Signer Three", second, LETTER, minutes=10)
    submit("pending", "Still Pending", first, minutes=5)
    _db.session.commit()
    ids = {key: t.id for key, t in people.items()}
    tracking = {key: t.tracking_number for key, t in people.items()}
    return Scene(hearing, first, second, clerk, moderator, ids, tracking)


def run_export(
    scene: Scene, kind=PacketKind.PACKET_PDF, *, now=None, **values
) -> tuple[Packet, bytes]:
    """Queue and run an export as the clerk would; the ready export and its bytes."""
    packet = services.request_export(
        scene.clerk, scene.hearing, kind, now=now or utcnow(), **values
    )
    _db.session.commit()
    jobs.run(packet.id)
    _db.session.refresh(packet)
    assert packet.status is ExportStatus.READY, packet.error
    return packet, services.packet_path(packet).read_bytes()


def recorded(packet: Packet) -> dict[int, int]:
    return dict(
        _db.session.execute(
            select(PacketTestimony.testimony_id, PacketTestimony.version).where(
                PacketTestimony.packet_id == packet.id
            )
        ).all()
    )


def change_everything(scene: Scene) -> None:
    """After the packet: one approved, one amended, withdrawn, disputed, rejected, one amended
    and waiting for review again, a third campaign letter approved."""
    now = utcnow()
    get = scene.get
    approve(get("new_a"), get("new_b"), get("member3"))
    amend(get("amended"), scene.second.id, Position.OPPOSE, SECOND_TEXT, now=now)
    approve(get("amended"))
    withdraw_testimony(get("withdrawn"), now=now)
    get("disputed").disputed_at = now
    set_review_status(get("rejected"), ReviewStatus.REJECTED)
    amend(get("reviewing"), scene.second.id, Position.SUPPORT, "Something else now.", now=now)
    _db.session.commit()


def amend(testimony, measure_id, position, body, *, now) -> None:
    amend_testimony(
        testimony,
        Amendment(
            measure_id=measure_id,
            position=position,
            body=body,
            speaking_request=SpeakingRequest.NONE,
            reason="I thought again",
        ),
        now=now,
    )


def section_texts(data: bytes) -> dict[str, str]:
    """The text of each section, after the cover, by its heading line (without the running
    header and page numbers)."""
    lines = [
        line.strip()
        for line in "\n".join(page_texts_lines(data)[1:]).splitlines()
        if not FURNITURE.fullmatch(line.strip())
    ]
    found: dict[str, str] = {}
    at = 0
    starts = []
    for title in SECTIONS:
        at = lines.index(title, at)
        starts.append(at)
    for index, title in enumerate(SECTIONS):
        end = starts[index + 1] if index + 1 < len(SECTIONS) else len(lines)
        found[title] = "\n".join(lines[starts[index] + 1 : end])
    return found


def page_texts_lines(data: bytes) -> list[str]:
    """Each page's text as pdftotext gives it, in reading order."""
    return pdftotext(data).translate(BIDI_MARKS).split("\f")


def tracking_in(text: str) -> list[str]:
    """Tracking numbers in the order first seen."""
    return list(dict.fromkeys(TRACKING.findall(text)))


def numbers(scene: Scene, *keys: str) -> list[str]:
    return [scene.tracking[key] for key in keys]


# -- what a packet records --------------------------------------------------------------------


def test_a_whole_hearing_packet_records_each_testimony_it_printed_and_its_version(db):
    scene = build_scene()
    packet, _data = run_export(scene)
    approved = {t.id: t.version for t in map(scene.get, scene.ids) if t.status.value == "approved"}
    assert packet.item_count == len(approved) == 8
    # The two campaign letters, printed as one entry, are both recorded.
    assert scene.get("member1").campaign_id == scene.get("member2").campaign_id is not None
    assert recorded(packet) == approved
    assert set(recorded(packet).values()) == {1}


def test_measure_packets_speaker_lists_and_bundles_record_nothing(db):
    scene = build_scene()
    measure_packet, _ = run_export(scene, measure=scene.first)
    speakers, _ = run_export(scene, PacketKind.SPEAKERS_PDF)
    bundle, _ = run_export(scene, PacketKind.BUNDLE_ZIP)
    for packet in (measure_packet, speakers, bundle):
        assert recorded(packet) == {}


# -- the addendum -----------------------------------------------------------------------------


@needs_pdftotext
def test_each_section_lists_exactly_what_changed(db):
    scene = build_scene()
    earlier, _ = run_export(scene)
    change_everything(scene)

    addendum, data = run_export(scene, PacketKind.ADDENDUM_PDF, since_id=earlier.id)

    assert addendum.since_packet_id == earlier.id
    assert addendum.measure_id is None
    sections = section_texts(data)
    # New: agenda order of measures, then tracking number; the lone new campaign letter alone.
    first_measure = sorted(numbers(scene, "new_a", "new_b"))
    assert tracking_in(sections["New testimony"]) == [*first_measure, *numbers(scene, "member3")]
    assert tracking_in(sections["Amended"]) == numbers(scene, "amended")
    assert tracking_in(sections["Withdrawn"]) == numbers(scene, "withdrawn")
    assert tracking_in(sections["Now disputed"]) == numbers(scene, "disputed")
    assert tracking_in(sections["No longer in the packet"]) == sorted(
        numbers(scene, "rejected", "reviewing")
    )
    everything = "\n".join(sections.values())
    for key in ("unchanged", "member1", "member2", "pending"):
        assert scene.tracking[key] not in everything
    assert addendum.item_count == 8
    assert addendum.page_count == len(page_texts(data))
    assert re.fullmatch(r"[0-9a-f]{64}", addendum.content_sha256)

    removed = " ".join(sections["No longer in the packet"].split())
    assert "Rejected by a moderator." in removed
    assert "Amended by the resident (now version 2); the new text awaits review." in removed
    new = " ".join(sections["New testimony"].split())
    assert "Testimony of Nadia New: please consider my view on this measure." in new
    assert "plan.pdf (2 pages; in the full packet, not in this addendum)" in new


@needs_pdftotext
def test_an_amendment_shows_the_text_printed_and_the_text_now(db):
    scene = build_scene()
    earlier, _ = run_export(scene)
    change_everything(scene)
    _addendum, data = run_export(scene, PacketKind.ADDENDUM_PDF, since_id=earlier.id)

    amended = " ".join(section_texts(data)["Amended"].split())
    printed = amended.index("As the earlier packet printed it (version 1)")
    now = amended.index("As it reads now (version 2)")
    assert printed < now
    old_text = FIRST_TEXT.replace(PHONE, "[redacted]")  # the redaction of version 1 applies
    assert old_text in amended[printed:now]
    assert SECOND_TEXT in amended[now:]
    assert PHONE not in amended
    assert "S.927 (was H.1538)" in amended
    assert "Oppose (was Support)" in amended
    assert "Amelia Amend" in amended and "Dorchester" in amended


def test_the_cover_names_the_earlier_packet_and_counts_each_section(db):
    scene = build_scene()
    earlier, _ = run_export(scene)
    change_everything(scene)
    _addendum, data = run_export(scene, PacketKind.ADDENDUM_PDF, since_id=earlier.id)

    cover = page_texts(data)[0]
    assert "Packet addendum" in cover
    assert TITLE in cover
    assert scene.hearing.committee.name in cover
    assert f"(fingerprint {earlier.content_sha256[:16]})" in cover
    assert "printed 8 testimonies" in cover
    for title, count in zip(SECTIONS, (3, 1, 1, 1, 2), strict=True):
        assert f"{title} {count}" in cover
    assert "All changes 8" in cover
    marks = bookmarks(data)
    assert [m.title for m in marks] == [
        "Cover",
        "New testimony (3)",
        "Amended (1)",
        "Withdrawn (1)",
        "Now disputed (1)",
        "No longer in the packet (2)",
    ]
    assert len(marks[1].children) == 3
    assert marks[2].children[0].title.startswith(scene.tracking["amended"])


def test_nothing_private_is_printed(db):
    scene = build_scene()
    earlier, _ = run_export(scene)
    change_everything(scene)
    _addendum, data = run_export(scene, PacketKind.ADDENDUM_PDF, since_id=earlier.id)

    text = "\n".join(page_texts(data))
    assert "@example.org" not in text
    assert "Secret Lane" not in text
    assert PHONE not in text


@needs_pdftotext
def test_with_nothing_changed_every_section_says_none(db):
    scene = build_scene()
    earlier, _ = run_export(scene)
    addendum, data = run_export(scene, PacketKind.ADDENDUM_PDF, since_id=earlier.id)

    assert addendum.item_count == 0
    for title, text in section_texts(data).items():
        assert text.split()[-1] == "None", title
        assert tracking_in(text) == []


def test_the_same_changes_build_to_the_same_bytes(db, tmp_path):
    scene = build_scene()
    earlier, _ = run_export(scene)
    change_everything(scene)
    when = utcnow().replace(microsecond=0)
    files = []
    for name in ("first", "second"):
        workdir = tmp_path / name
        workdir.mkdir()
        built = build(
            ExportRequest(
                kind=PacketKind.ADDENDUM_PDF,
                hearing=scene.hearing,
                measure=None,
                generated_at=when,
                generated_by="Casey Clerk",
                workdir=workdir,
                since_packet_id=earlier.id,
            )
        )
        assert built.item_count == 8
        files.append((built.path.read_bytes(), built.content_sha256))
    assert files[0] == files[1]

    # Later, with nothing more changed: other bytes (the cover says when), same fingerprint.
    later, data = run_export(
        scene, PacketKind.ADDENDUM_PDF, since_id=earlier.id, now=utcnow() + timedelta(hours=2)
    )
    assert later.content_sha256 == files[0][1]
    assert data != files[0][0]


def test_an_addendum_since_a_later_packet_lists_only_what_changed_after_it(db):
    scene = build_scene()
    first, _ = run_export(scene)
    change_everything(scene)
    second, _ = run_export(scene)
    # The second packet printed the amended testimony at version 2.
    assert recorded(second)[scene.ids["amended"]] == 2
    set_review_status(scene.get("unchanged"), ReviewStatus.FLAGGED)
    _db.session.commit()

    addendum, _data = run_export(scene, PacketKind.ADDENDUM_PDF, since_id=second.id)

    assert addendum.item_count == 1
    since_first, _ = run_export(scene, PacketKind.ADDENDUM_PDF, since_id=first.id)
    assert since_first.item_count == 9  # the 8 changes above, and the one flagged since
    assert since_first.content_sha256 != addendum.content_sha256


HEBREW = "שלום עולם"
ARABIC = "مرحبا بالعالم"
EMOJI = "😀 👍"
LONG_WORD = "Surveillance" * 40


@needs_pdftotext
def test_hostile_text_survives_as_typed(db):
    scene = build_scene()
    hostile_old = f"Markup: <script>alert(1)</script> stays text.\n{HEBREW}\nEmoji: {EMOJI} end."
    victim = scene.get("unchanged")
    amend(victim, victim.measure_id, Position.SUPPORT, hostile_old, now=utcnow())
    approve(victim)
    _db.session.commit()
    earlier, _ = run_export(scene)
    hostile_new = f"{ARABIC}\nMixed: {HEBREW} and {ARABIC} in one line.\n{LONG_WORD}"
    victim = scene.get("unchanged")
    amend(victim, victim.measure_id, Position.SUPPORT, hostile_new, now=utcnow())
    approve(victim)
    newcomer = make_testimony(
        scene.hearing,
        full_name=f"Zoë <b>O'Brien</b> {{{{ name }}}} {HEBREW}",
        email="zoe@example.org",
        city=ARABIC,
        measure_id=scene.first.id,
        body=f"{{{{ 7*7 }}}} <script>alert(2)</script> {EMOJI}\n{LONG_WORD}",
    ).testimony
    approve(newcomer)
    newcomer_number = newcomer.tracking_number
    _db.session.commit()

    _addendum, data = run_export(scene, PacketKind.ADDENDUM_PDF, since_id=earlier.id)

    text = "\n".join(page_texts_lines(data))
    flat = " ".join(text.split())
    normal = unicodedata.normalize("NFKC", text)
    assert "Markup: <script>alert(1)</script> stays text." in flat
    assert f"Emoji: {EMOJI} end." in flat
    assert "{{ 7*7 }} <script>alert(2)</script>" in flat
    assert "Zoë <b>O'Brien</b> {{ name }}" in flat
    assert HEBREW in text
    assert unicodedata.normalize("NFKC", ARABIC) in normal
    assert LONG_WORD in "".join(text.split())  # broken across lines, every letter kept
    sections = section_texts(data)
    assert tracking_in(sections["Amended"]) == [scene.tracking["unchanged"]]
    assert tracking_in(sections["New testimony"]) == [newcomer_number]


def test_a_packet_made_before_contents_were_recorded_is_refused(db):
    scene = build_scene()
    earlier, _ = run_export(scene)
    _db.session.execute(
        PacketTestimony.__table__.delete().where(PacketTestimony.packet_id == earlier.id)
    )
    _db.session.commit()
    with pytest.raises(services.UnusableBase, match="made before packets recorded"):
        services.request_export(
            scene.clerk, scene.hearing, PacketKind.ADDENDUM_PDF, since_id=earlier.id, now=utcnow()
        )
