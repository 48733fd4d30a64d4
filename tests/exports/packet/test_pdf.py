"""The hearing packet PDF, read back the way a clerk or a committee member would read it."""

from __future__ import annotations

import io
import re
import secrets
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache

import pikepdf
import pytest
from flask_babel import force_locale
from pikepdf import Array, Dictionary, Name, String
from pypdf import PdfReader

from app.accounts.models import Role
from app.exports import jobs, services
from app.exports.builders import ExportRequest, build
from app.exports.models import ExportStatus, PacketKind
from app.exports.packet import front as packet_front
from app.exports.packet import pdf as packet_pdf
from app.moderation import services as moderation
from app.platform.extensions import db as _db
from app.platform.storage import file_store
from app.platform.timezones import utcnow
from app.testimony.models import Position, ReviewStatus, SpeakingRequest
from app.testimony.pdf_check import CheckedPdf
from app.testimony.submissions import Upload
from tests.factories import (
    make_body,
    make_committee,
    make_hearing,
    make_measure,
    make_staff_user,
    make_testimony,
    set_review_status,
)

PDFTOTEXT = shutil.which("pdftotext")
needs_pdftotext = pytest.mark.skipif(
    PDFTOTEXT is None, reason="pdftotext (poppler-utils) is not installed"
)


# -- building PDFs for attachments ------------------------------------------------------------


def text_pdf(*pages: str) -> bytes:
    """A plain PDF with one line of Helvetica text on each page."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
    )
    for text in pages:
        page = pdf.add_blank_page(page_size=(612, 792))
        page.obj.Resources = Dictionary(Font=Dictionary(F1=font))
        page.obj.Contents = pdf.make_stream(b"BT /F1 18 Tf 72 700 Td (%s) Tj ET" % text.encode())
    buffer = io.BytesIO()
    pdf.save(buffer, deterministic_id=True)
    return buffer.getvalue()


SCRIPT = "app.alert('packet script ran')"
HIDDEN_FILE = b"contents of a file hidden inside the attachment"


def hostile_pdf(text: str, field_value: str) -> bytes:
    """A one-page PDF that prints `text` but also carries scripts, a form field and a file."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
    )
    page = pdf.add_blank_page(page_size=(612, 792))
    page.obj.Resources = Dictionary(Font=Dictionary(F1=font))
    page.obj.Contents = pdf.make_stream(b"BT /F1 18 Tf 72 700 Td (%s) Tj ET" % text.encode())
    script = pdf.make_indirect(Dictionary(Type=Name.Action, S=Name.JavaScript, JS=String(SCRIPT)))
    pdf.Root.OpenAction = script
    page.obj.AA = Dictionary(O=Dictionary(Type=Name.Action, S=Name.JavaScript, JS=String(SCRIPT)))
    appearance = pdf.make_stream(
        b"BT /F1 12 Tf 2 6 Td (%s) Tj ET" % field_value.encode(),
        Type=Name.XObject,
        Subtype=Name.Form,
        BBox=Array([0, 0, 300, 24]),
        Resources=Dictionary(Font=Dictionary(F1=font)),
    )
    widget = pdf.make_indirect(
        Dictionary(
            Type=Name.Annot,
            Subtype=Name.Widget,
            FT=Name.Tx,
            T=String("comment"),
            V=String(field_value),
            Rect=Array([72, 600, 372, 624]),
            F=4,
            AP=Dictionary(N=appearance),
            P=page.obj,
            AA=Dictionary(K=Dictionary(S=Name.JavaScript, JS=String(SCRIPT))),
        )
    )
    link = pdf.make_indirect(
        Dictionary(
            Type=Name.Annot,
            Subtype=Name.Link,
            Rect=Array([72, 500, 372, 524]),
            A=Dictionary(S=Name.JavaScript, JS=String(SCRIPT)),
        )
    )
    page.obj.Annots = pdf.make_indirect(Array([widget, link]))
    pdf.Root.AcroForm = Dictionary(Fields=Array([widget]), DA=String("/Helv 0 Tf 0 g"))
    pdf.attachments["hidden.txt"] = pikepdf.AttachedFileSpec(
        pdf, HIDDEN_FILE, mime_type="text/plain"
    )
    pdf.Root.Names.JavaScript = Dictionary(Names=Array([String("startup"), script]))
    buffer = io.BytesIO()
    pdf.save(buffer, deterministic_id=True, compress_streams=False)
    return buffer.getvalue()


def upload(name: str, data: bytes) -> Upload:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pages = len(pdf.pages)
    return Upload(filename=name, pdf=CheckedPdf(data=data, page_count=pages))


# -- reading the packet -----------------------------------------------------------------------


@lru_cache(maxsize=4)
def page_lines(data: bytes) -> tuple[tuple[str, ...], ...]:
    """Each page's text lines as pypdf extracts them."""
    reader = PdfReader(io.BytesIO(data))
    return tuple(
        tuple(line.strip() for line in page.extract_text().splitlines()) for page in reader.pages
    )


def page_texts(data: bytes) -> list[str]:
    """Each page's text on one line, whitespace squeezed."""
    return [" ".join(" ".join(lines).split()) for lines in page_lines(data)]


def pdftotext(data: bytes, *args: str) -> str:
    # A fixed program found on PATH, fed our own PDF on stdin: no shell, nothing untrusted.
    result = subprocess.run(  # noqa: S603
        [PDFTOTEXT or "pdftotext", "-enc", "UTF-8", *args, "-", "-"],
        input=data,
        capture_output=True,
        check=True,
    )
    return result.stdout.decode("utf-8")


@dataclass
class Mark:
    title: str
    page: int  # from 1
    children: list[Mark] = field(default_factory=list)


def bookmarks(data: bytes) -> list[Mark]:
    reader = PdfReader(io.BytesIO(data))

    def walk(items) -> list[Mark]:
        marks: list[Mark] = []
        for item in items:
            if isinstance(item, list):
                marks[-1].children = walk(item)
            else:
                marks.append(Mark(item.title, reader.get_destination_page_number(item) + 1))
        return marks

    return walk(reader.outline)


# -- the scene --------------------------------------------------------------------------------


@dataclass
class Scene:
    hearing: object
    measures: list
    clerk: object
    moderator: object
    approved: dict[str, object]  # key -> testimony
    hidden: dict[str, object]  # status -> testimony that must not be printed
    secret_words: dict[str, str]  # status -> a word only that testimony uses
    private: list[str]  # street and e-mail addresses


REDACTED = "my neighbour Jo Bloggs at 617-555-0199"
LONG_LINES = 75


def build_scene(*, attachments: bool = True) -> Scene:
    """A small hearing: two measures, five approved testimonies and one in each other status."""
    now = utcnow()
    body = make_body(
        name="Boston City Council",
        jurisdiction="City of Boston",
        resident_places="Boston, Dorchester",
        resident_zip_prefixes="0211",
    )
    committee = make_committee(body, name="Committee on Government Operations")
    first = make_measure(committee, number="Docket #0101", title="Face surveillance ban")
    second = make_measure(committee, number="Docket #0202", title="Parking meter hours")
    hearing = make_hearing(
        committee=committee, measures=0, now=now, title="Hearing on two city ordinances"
    )
    hearing.measures.extend([first, second])
    _db.session.flush()
    moderator = make_staff_user(Role.MODERATOR, name="Morgan Moderator")
    clerk = make_staff_user(Role.CLERK, name="Casey Clerk")

    def submit(key: str, minutes: int, **values):
        values.setdefault("email", f"{key}.resident@mailbox.example.net")
        values.setdefault("street_address", f"{100 + minutes} {key.title()} Secret Lane")
        return make_testimony(
            hearing, now=now - timedelta(minutes=60 - minutes), **values
        ).testimony

    approved = {
        "alpha": submit(
            "alpha",
            1,
            full_name="Alice Alpha",
            city="Dorchester",
            zip_code="02124",
            measure_id=first.id,
            position=Position.SUPPORT,
            speaking_request=SpeakingRequest.IN_PERSON,
            body=f"Alphaword testimony. I spoke with {REDACTED} about the cameras. Alphaend",
            uploads=(
                (upload("alpha-statement.pdf", hostile_pdf("ALPHA ATTACHMENT", "ALPHAFIELD")),)
                if attachments
                else ()
            ),
        ),
        "bravo": submit(
            "bravo",
            2,
            full_name="Bruno Bravo",
            city="Cambridge",
            zip_code="02139",
            measure_id=first.id,
            position=Position.OPPOSE,
            body="\n".join(
                [f"Bravoword line {i} of a long testimony." for i in range(LONG_LINES)]
                + ["Bravoend"]
            ),
            uploads=(
                (
                    upload(
                        "bravo-report.pdf",
                        text_pdf(
                            f"BRAVO REPORT PAGE ONE {secrets.token_hex(4)}",
                            "BRAVO REPORT PAGE TWO",
                        ),
                    ),
                )
                if attachments
                else ()
            ),
        ),
        "charlie": submit(
            "charlie",
            3,
            full_name="Chidi Charlie",
            city="Roxbury",
            zip_code="02119",
            measure_id=first.id,
            position=Position.SUPPORT,
            speaking_request=SpeakingRequest.REMOTE,
            body="Charlieword testimony. Charlieend",
        ),
        "delta": submit(
            "delta",
            4,
            full_name="Dana Delta",
            city="Cambridge",
            zip_code="02138",
            measure_id=second.id,
            position=Position.NEUTRAL,
            speaking_request=SpeakingRequest.IN_PERSON,
            body="Deltaword testimony. Deltaend",
        ),
        "echo": submit(
            "echo",
            5,
            full_name="Eli Echo",
            city="Boston",
            zip_code="02108",
            measure_id=second.id,
            position=Position.OPPOSE,
            body="Echoword testimony. Echoend",
        ),
    }
    moderation.redact_phrase(moderator, approved["alpha"], REDACTED, now=now)
    for testimony in approved.values():
        set_review_status(testimony, ReviewStatus.APPROVED)

    hidden, secret_words = {}, {}
    for minutes, status in enumerate(
        (ReviewStatus.PENDING, ReviewStatus.FLAGGED, ReviewStatus.REJECTED, ReviewStatus.WITHDRAWN),
        start=10,
    ):
        word = f"Unpublished{status.value.title()}Zebra"
        testimony = submit(
            status.value,
            minutes,
            full_name=f"Hidden {status.value.title()} Person",
            city="Dorchester",
            zip_code="02124",
            body=f"{word} testimony that must stay out of the packet.",
        )
        set_review_status(testimony, status)
        hidden[status.value], secret_words[status.value] = testimony, word

    every = [*approved.values(), *hidden.values()]
    private = [t.email for t in every] + [t.street_address for t in every]
    return Scene(
        hearing, [first, second], clerk, moderator, approved, hidden, secret_words, private
    )


def export(scene: Scene, *, measure=None, now=None):
    """Queue and run the packet export as a clerk would; returns the packet and its bytes."""
    packet = services.request_export(
        scene.clerk, scene.hearing, PacketKind.PACKET_PDF, measure=measure, now=now or utcnow()
    )
    _db.session.commit()
    jobs.run(packet.id)
    _db.session.refresh(packet)
    assert packet.status is ExportStatus.READY, packet.error
    return packet, services.packet_path(packet).read_bytes()


FORBIDDEN_NAMES = {
    "/JavaScript",
    "/JS",
    "/AcroForm",
    "/EmbeddedFiles",
    "/EmbeddedFile",
    "/OpenAction",
    "/AA",
    "/Annots",
}
BIDI_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e"), None)


def pdf_names(data: bytes) -> set[str]:
    """Every name used as a dictionary key or a value in any object of the file."""
    found: set[str] = set()

    def visit(obj, top: bool = False) -> None:
        if isinstance(obj, Name):
            found.add(str(obj))
            return
        if not isinstance(obj, pikepdf.Object) or (obj.is_indirect and not top):
            return  # every indirect object is visited from pdf.objects itself
        if isinstance(obj, Dictionary | pikepdf.Stream):
            for key in obj.keys():  # noqa: SIM118 (a pikepdf object, not a dict)
                found.add(key)
                visit(obj[key])
        elif isinstance(obj, Array):
            for item in obj:
                visit(item)

    with pikepdf.open(io.BytesIO(data)) as pdf:
        for obj in pdf.objects:
            visit(obj, top=True)
        visit(pdf.trailer, top=True)
    return found


def everything_printed(data: bytes) -> str:
    """All the text a reader could see: page text, bookmarks and document properties."""
    parts = page_texts(data)
    if PDFTOTEXT:
        parts.append(pdftotext(data))

    def titles(marks: list[Mark]) -> list[str]:
        return [t for m in marks for t in (m.title, *titles(m.children))]

    parts += titles(bookmarks(data))
    metadata = PdfReader(io.BytesIO(data)).metadata or {}
    parts += [str(value) for value in metadata.values()]
    return "\n".join(parts)


def heading_pages(data: bytes, tracking: str) -> list[int]:
    """Pages (from 1) with a line that is just this tracking number: the testimony's heading."""
    return [n for n, lines in enumerate(page_lines(data), start=1) if tracking in lines]


def page_of(texts: list[str], needle: str) -> int:
    pages = [n for n, text in enumerate(texts, start=1) if needle in text]
    assert len(pages) == 1, f"{needle!r} is on pages {pages}"
    return pages[0]


def label(testimony) -> str:
    """How the contents and the bookmarks name a testimony (after its tracking number)."""
    return f"{testimony.full_name}, {testimony.city} ({testimony.position.value.title()})"


# -- 1. exactly the approved testimony --------------------------------------------------------


def test_every_approved_testimony_is_printed_once_and_nothing_else_is(db):
    scene = build_scene()
    packet, data = export(scene)
    assert packet.item_count == len(scene.approved) == 5
    marks = bookmarks(data)
    body_starts = marks[2].page  # the first measure's first testimony, after cover and contents
    assert body_starts == 3
    testimony_marks = [t for m in marks[2:] for t in m.children]
    texts = page_texts(data)

    for key, testimony in scene.approved.items():
        tracking = testimony.tracking_number
        (heading,) = heading_pages(data, tracking)  # one heading, in the body
        assert heading >= body_starts
        assert len([m for m in testimony_marks if m.title.startswith(tracking)]) == 1
        # Its own words are printed once (Bravo's long text uses its word on every line).
        word = f"{key.title()}word"
        expected = LONG_LINES if key == "bravo" else 1
        assert sum(text.count(word) for text in texts) == expected, key
        assert sum(text.count(f"{key.title()}end") for text in texts) == 1, key
        assert tracking in texts[1]  # listed in the contents

    printed = everything_printed(data)
    for status, testimony in scene.hidden.items():
        assert testimony.tracking_number not in printed, status
        assert scene.secret_words[status] not in printed, status
        assert testimony.full_name not in printed, status
    assert "Unpublished" not in printed


# -- 2. redactions and private addresses ------------------------------------------------------


def test_redactions_are_applied_and_addresses_are_never_printed(db):
    scene = build_scene()
    _packet, data = export(scene)
    printed = everything_printed(data)
    alpha = page_texts(data)[heading_pages(data, scene.approved["alpha"].tracking_number)[0] - 1]
    assert "I spoke with [redacted] about the cameras." in alpha
    assert REDACTED not in printed
    for piece in ("Jo Bloggs", "617-555-0199", "555-0199"):
        assert piece not in printed
    for private in scene.private:
        assert private not in printed
    assert "Secret Lane" not in printed
    assert "mailbox.example.net" not in printed
    assert "@" not in printed


# -- 3. bookmarks and page numbers ------------------------------------------------------------


@pytest.mark.parametrize("chunk", [None, 2], ids=["one-chunk", "chunks-of-two"])
def test_bookmarks_and_page_numbers(db, monkeypatch, chunk):
    if chunk:  # print the testimony a couple at a time, as a large hearing would be
        monkeypatch.setattr(packet_pdf, "CHUNK", chunk)
    scene = build_scene()
    packet, data = export(scene)
    reader = PdfReader(io.BytesIO(data))
    total = len(reader.pages)
    assert packet.page_count == total
    # cover, contents, alpha 1 + 1 attached, charlie 1, bravo 2 + 2 attached, echo 1, delta 1
    assert total == 11
    texts = page_texts(data)
    for number, text in enumerate(texts, start=1):
        footers = re.findall(r"Page (\d+) of (\d+)", text)
        assert footers == [(str(number), str(total))], (number, text[-80:])
    assert texts[-1].endswith(f"Page {total} of {total}")

    marks = bookmarks(data)
    a = scene.approved
    assert [(m.title, m.page) for m in marks[:2]] == [("Cover", 1), ("Contents", 2)]
    assert [m.title for m in marks[2:]] == [
        "Docket #0101: Face surveillance ban",
        "Docket #0202: Parking meter hours",
    ]
    expected = {
        0: [a["alpha"], a["charlie"], a["bravo"]],  # support, then oppose; by arrival
        1: [a["echo"], a["delta"]],  # oppose, then neutral
    }
    for index, measure_mark in enumerate(marks[2:]):
        children = measure_mark.children
        assert [c.title for c in children] == [
            f"{t.tracking_number}  {label(t)}" for t in expected[index]
        ]
        assert measure_mark.page == children[0].page
        for child, testimony in zip(children, expected[index], strict=True):
            assert heading_pages(data, testimony.tracking_number) == [child.page]
            names = [attachment.original_name for attachment in testimony.attachments]
            assert [g.title for g in child.children] == [f"Attachment: {n}" for n in names]
            for grandchild, name in zip(child.children, names, strict=True):
                assert (
                    f"Attachment to {testimony.tracking_number}: {name}"
                    in texts[grandchild.page - 1]
                )
                assert grandchild.children == []
    alpha_mark = marks[2].children[0]
    assert "ALPHA ATTACHMENT" in texts[alpha_mark.children[0].page - 1]
    bravo_mark = marks[2].children[2]
    assert "BRAVO REPORT PAGE ONE" in texts[bravo_mark.children[0].page - 1]


# -- 4. the contents page ---------------------------------------------------------------------


@pytest.mark.parametrize("capacity", [None, (4, 5)], ids=["one-page", "two-pages"])
def test_contents_gives_the_page_each_testimony_starts_on(db, monkeypatch, capacity):
    if capacity:  # a short contents page, so the contents run over two pages
        monkeypatch.setattr(packet_front, "toc_capacity", lambda: capacity)
    scene = build_scene()
    _packet, data = export(scene)
    texts = page_texts(data)
    marks = bookmarks(data)
    contents_pages = marks[2].page - 2  # between the cover and the first testimony
    assert contents_pages == (2 if capacity else 1)
    assert marks[1].page == 2
    contents = " ".join(texts[1 : 1 + contents_pages])
    assert contents.startswith("Contents ")
    for testimony in scene.approved.values():
        tracking = testimony.tracking_number
        match = re.search(rf"{re.escape(tracking)} {re.escape(label(testimony))} (\d+) ", contents)
        assert match, f"{tracking} is not listed with a page number"
        assert heading_pages(data, tracking) == [int(match.group(1))]
    # Measures are headings in agenda order, each before its own testimony.
    first, second = (contents.index(f"{m.number}: {m.title}") for m in scene.measures)
    assert first < contents.index(scene.approved["alpha"].tracking_number) < second
    assert second < contents.index(scene.approved["echo"].tracking_number)


# -- 5. attachments ---------------------------------------------------------------------------


def test_attachments_follow_their_testimony(db):
    scene = build_scene()
    _packet, data = export(scene)
    texts = page_texts(data)
    alpha, bravo, charlie = (
        scene.approved[k].tracking_number for k in ("alpha", "bravo", "charlie")
    )

    alpha_end = page_of(texts, "Alphaend")
    assert page_of(texts, "ALPHA ATTACHMENT") == alpha_end + 1
    assert heading_pages(data, charlie) == [alpha_end + 2]
    # The flattened form field still shows what it said.
    assert "ALPHAFIELD" in texts[alpha_end]

    bravo_start, bravo_end = heading_pages(data, bravo)[0], page_of(texts, "Bravoend")
    assert bravo_end == bravo_start + 1  # a testimony two pages long
    assert page_of(texts, "BRAVO REPORT PAGE ONE") == bravo_end + 1
    assert page_of(texts, "BRAVO REPORT PAGE TWO") == bravo_end + 2
    assert heading_pages(data, scene.approved["echo"].tracking_number) == [bravo_end + 3]
    for page in (bravo_end + 1, bravo_end + 2):
        assert f"Attachment to {bravo}: bravo-report.pdf" in texts[page - 1]
    assert f"Attachment to {alpha}: alpha-statement.pdf" in texts[alpha_end]
    # The testimony says what follows it.
    assert "alpha-statement.pdf (1 page, follows this testimony)" in texts[alpha_end - 1]
    assert "bravo-report.pdf (2 pages, follows this testimony)" in texts[bravo_start - 1]


def test_scripts_forms_and_files_in_an_attachment_do_not_reach_the_packet(db):
    source = hostile_pdf("ALPHA ATTACHMENT", "ALPHAFIELD")
    assert pdf_names(source) >= FORBIDDEN_NAMES  # the attachment really carries all of them
    assert b"app.alert" in source and HIDDEN_FILE in source

    scene = build_scene()
    _packet, data = export(scene)
    assert pdf_names(data) & FORBIDDEN_NAMES == set()
    assert b"app.alert" not in data
    assert HIDDEN_FILE not in data
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert len(pdf.attachments) == 0
        assert "/Names" not in pdf.Root
        assert all("/Annots" not in page.obj for page in pdf.pages)
    # ... while what the page shows is still printed.
    assert "ALPHA ATTACHMENT" in everything_printed(data)


def test_a_file_associated_with_an_attachment_page_does_not_reach_the_packet(db):
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
    )
    page = pdf.add_blank_page(page_size=(612, 792))
    page.obj.Resources = Dictionary(Font=Dictionary(F1=font))
    page.obj.Contents = pdf.make_stream(b"BT /F1 18 Tf 72 700 Td (ASSOCIATED PAGE) Tj ET")
    hidden = pdf.make_stream(HIDDEN_FILE, Type=Name.EmbeddedFile)
    page.obj.AF = Array(
        [
            pdf.make_indirect(
                Dictionary(
                    Type=Name.Filespec,
                    F=String("hidden.txt"),
                    UF=String("hidden.txt"),
                    EF=Dictionary(F=hidden),
                    AFRelationship=Name.Data,
                )
            )
        ]
    )
    buffer = io.BytesIO()
    pdf.save(buffer, compress_streams=False)
    scene = build_scene(attachments=False)
    testimony = make_testimony(
        scene.hearing,
        measure_id=scene.measures[0].id,
        uploads=(upload("associated.pdf", buffer.getvalue()),),
    ).testimony
    set_review_status(testimony, ReviewStatus.APPROVED)
    _db.session.commit()
    _packet, data = export(scene)
    assert "ASSOCIATED PAGE" in everything_printed(data)
    assert HIDDEN_FILE not in data
    assert pdf_names(data) & (FORBIDDEN_NAMES | {"/AF", "/EF"}) == set()


def test_an_attachment_that_no_longer_matches_its_checksum_is_left_out(db):
    scene = build_scene(attachments=False)
    token = secrets.token_hex(6)
    testimony = make_testimony(
        scene.hearing,
        full_name="Frankie Foxtrot",
        city="Dorchester",
        measure_id=scene.measures[1].id,
        position=Position.SUPPORT,
        body="Foxtrotword testimony.",
        uploads=(
            upload("tampered.pdf", text_pdf(f"TAMPERED ORIGINAL {token}")),
            upload("intact.pdf", text_pdf(f"INTACT ATTACHMENT {token}")),
        ),
    ).testimony
    set_review_status(testimony, ReviewStatus.APPROVED)
    _db.session.commit()
    tampered, _intact = testimony.attachments
    stored = file_store().path(tampered.sha256)
    original = stored.read_bytes()
    try:
        stored.write_bytes(text_pdf(f"TAMPERED REPLACEMENT {token}"))
        packet, data = export(scene)
    finally:
        stored.write_bytes(original)

    texts = page_texts(data)
    start = heading_pages(data, testimony.tracking_number)[0]
    assert (
        "tampered.pdf: not included, because the stored file does not match its checksum."
        in (texts[start - 1])
    )
    assert "intact.pdf (1 page, follows this testimony)" in texts[start - 1]
    printed = everything_printed(data)
    assert "TAMPERED" not in printed
    assert page_of(texts, f"INTACT ATTACHMENT {token}") == start + 1
    # cover and contents, the scene's six pages of testimony, Frankie's page and one attached
    assert packet.page_count == len(texts) == 2 + 6 + 1 + 1
    (frankie,) = [
        t
        for m in bookmarks(data)
        for t in m.children
        if t.title.startswith(testimony.tracking_number)
    ]
    assert [g.title for g in frankie.children] == ["Attachment: intact.pdf"]
    assert texts[-1].endswith(f"Page {len(texts)} of {len(texts)}")


# -- 6. text prints as typed ------------------------------------------------------------------

HEBREW = "שלום עולם"
ARABIC = "مرحبا بالعالم"
EMOJI = "😀 👍"


@needs_pdftotext
def test_testimony_prints_exactly_as_typed(db):
    scene = build_scene(attachments=False)
    text = "\n".join(
        [
            "Markup: <script>alert(1)</script> stays text.",
            "Template: {{ 7*7 }} stays text.",
            HEBREW,
            ARABIC,
            f"Mixed: {HEBREW} and {ARABIC} in one line.",
            f"Emoji: {EMOJI} end.",
        ]
    )
    testimony = make_testimony(
        scene.hearing,
        full_name="Zoë <b>O'Brien</b> {{ name }}",
        city="Dorchester",
        measure_id=scene.measures[0].id,
        body=text,
    ).testimony
    set_review_status(testimony, ReviewStatus.APPROVED)
    _db.session.commit()
    _packet, data = export(scene)

    pages = pdftotext(data).translate(BIDI_MARKS).split("\f")
    start = heading_pages(data, testimony.tracking_number)[0]
    page = pages[start - 1]
    flat = " ".join(page.split())
    assert "Markup: <script>alert(1)</script> stays text." in flat
    assert "Template: {{ 7*7 }} stays text." in flat
    assert "49" not in re.search(r"Template:(.*?)stays text", flat).group(1)
    assert "Template: 49" not in flat
    assert f"Emoji: {EMOJI} end." in flat
    assert "Zoë <b>O'Brien</b> {{ name }}" in flat
    assert HEBREW in page
    normal = unicodedata.normalize("NFKC", page)
    assert unicodedata.normalize("NFKC", ARABIC) in normal
    lines = [line.strip() for line in normal.splitlines()]
    assert HEBREW in lines  # its own line, read in the order it was typed
    assert ARABIC in lines
    # Mixed on one line: each script still reads in the order it was typed.
    mixed = next(line for line in lines if line.startswith("Mixed:"))
    assert HEBREW in mixed and ARABIC in mixed


@needs_pdftotext
def test_text_in_a_script_the_fonts_lack_still_copies_out_as_typed(db):
    scene = build_scene(attachments=False)
    words = ["안녕하세요", "नमस्ते", "สวัสดี", "🇺🇸"]
    testimony = make_testimony(
        scene.hearing,
        measure_id=scene.measures[0].id,
        body="\n".join(f"Line: {word} end." for word in words),
    ).testimony
    set_review_status(testimony, ReviewStatus.APPROVED)
    _db.session.commit()
    _packet, data = export(scene)
    page = pdftotext(data).split("\f")[heading_pages(data, testimony.tracking_number)[0] - 1]
    assert "\x00" not in page
    for word in words:
        assert f"Line: {word} end." in page


# -- 7. determinism and the content fingerprint -----------------------------------------------


def test_the_same_hearing_builds_to_the_same_bytes(db, tmp_path):
    scene = build_scene()
    _db.session.commit()
    when = utcnow().replace(microsecond=0)
    files = []
    for name in ("first", "second"):
        workdir = tmp_path / name
        workdir.mkdir()
        built = build(
            ExportRequest(
                kind=PacketKind.PACKET_PDF,
                hearing=scene.hearing,
                measure=None,
                generated_at=when,
                generated_by="Casey Clerk",
                workdir=workdir,
            )
        )
        assert built.item_count == 5 and built.page_count == 11
        files.append((built.path.read_bytes(), built.content_sha256))
    (first, first_digest), (second, second_digest) = files
    assert first == second
    assert first_digest == second_digest


def test_the_fingerprint_ignores_when_a_packet_was_made_but_not_new_testimony(db):
    scene = build_scene()
    now = utcnow()
    earlier, earlier_data = export(scene, now=now)
    later, later_data = export(scene, now=now + timedelta(hours=3))
    assert earlier_data != later_data  # the cover says when each was made
    assert earlier.sha256 != later.sha256
    assert earlier.content_sha256 == later.content_sha256
    assert re.fullmatch(r"[0-9a-f]{64}", earlier.content_sha256)
    # The cover prints the start of it.
    assert f"Content fingerprint: {earlier.content_sha256[:16]}." in page_texts(earlier_data)[0]

    pending = scene.hidden["pending"]
    moderation.decide(
        scene.moderator,
        pending,
        moderation.Decision(ReviewStatus.APPROVED),
        expected=ReviewStatus.PENDING,
        now=now + timedelta(hours=4),
    )
    _db.session.commit()
    after, after_data = export(scene, now=now + timedelta(hours=5))
    assert after.item_count == 6
    assert after.content_sha256 != earlier.content_sha256
    assert pending.tracking_number in everything_printed(after_data)


def test_the_fingerprint_tells_packets_of_different_scope_apart(db):
    scene = build_scene(attachments=False)
    for testimony in scene.approved.values():  # all approved testimony on the second measure
        if testimony.measure_id == scene.measures[0].id:
            set_review_status(testimony, ReviewStatus.FLAGGED)
    _db.session.commit()
    whole, whole_data = export(scene)
    one, one_data = export(scene, measure=scene.measures[1])
    assert whole.item_count == one.item_count == 2
    assert page_texts(whole_data)[0] != page_texts(one_data)[0]  # different covers
    assert whole.content_sha256 != one.content_sha256


# -- 8. one measure's packet ------------------------------------------------------------------


def test_a_measure_packet_holds_only_that_measures_testimony(db):
    scene = build_scene()
    first, second = scene.measures
    packet, data = export(scene, measure=second)
    assert packet.measure_id == second.id
    assert packet.item_count == 2
    printed = everything_printed(data)
    for key in ("echo", "delta"):
        assert len(heading_pages(data, scene.approved[key].tracking_number)) == 1
    for key in ("alpha", "bravo", "charlie"):
        testimony = scene.approved[key]
        assert testimony.tracking_number not in printed
        assert f"{key.title()}word" not in printed
    assert "ATTACHMENT" not in printed and "BRAVO" not in printed
    cover = page_texts(data)[0]
    assert cover.startswith("Testimony packet: Docket #0202 ")
    assert "Measures Docket #0202: Parking meter hours " in cover
    assert first.number not in printed and first.title not in printed
    assert "All 2 1 1" in cover
    marks = bookmarks(data)
    assert [m.title for m in marks] == ["Cover", "Contents", "Docket #0202: Parking meter hours"]
    assert len(PdfReader(io.BytesIO(data)).pages) == packet.page_count == 4


# -- 9. the cover's tallies -------------------------------------------------------------------


def test_the_cover_tallies_testimony_residents_and_speakers(db):
    scene = build_scene()
    _packet, data = export(scene)
    cover = page_texts(data)[0]
    # Residents of the City of Boston: Dorchester and Boston by name, Roxbury (02119) by ZIP;
    # Cambridge is not. Speakers: Alpha and Delta in person, Charlie remotely.
    table = (
        "Measure Position Testimony Residents To speak "
        "Docket #0101 Support 2 2 2 "
        "Docket #0101 Oppose 1 0 0 "
        "Docket #0202 Oppose 1 1 0 "
        "Docket #0202 Neutral 1 0 1 "
        "All 5 3 3 "
    )
    assert table in cover
    assert "Residents: from City of Boston." in cover
    assert "5 approved testimonies; 3 pages of attachments follow their testimony." in cover
    # The bar chart labels each bar with its count.
    chart = cover[cover.index("Approved testimony by measure and position") :]
    for row in ("Docket #0101 · Support 2", "Docket #0101 · Oppose 1", "Docket #0202 · Neutral 1"):
        assert row in chart
    assert "Generated " in cover and " by Casey Clerk." in cover
    # Nothing that was not approved is counted.
    assert "All 9" not in cover


# -- 10. document properties ------------------------------------------------------------------


def test_the_packet_is_a_well_formed_titled_document(db):
    scene = build_scene()
    _packet, data = export(scene)
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data), strict=True)
    assert reader.metadata.title == "Testimony packet: Hearing on two city ordinances"
    assert reader.metadata.title.startswith("Testimony packet")
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert str(pdf.Root.Lang) == "en"
        assert str(pdf.docinfo.Title).startswith("Testimony packet")
        check = getattr(pdf, "check_pdf_syntax", None) or pdf.check
        assert check() == []
        assert len(pdf.pages) == 11


def test_a_packet_asked_for_in_spanish_is_marked_spanish_for_screen_readers(app, db):
    scene = build_scene(attachments=False)
    with app.test_request_context(), force_locale("es"):
        packet = services.request_export(
            scene.clerk, scene.hearing, PacketKind.PACKET_PDF, now=utcnow()
        )
    _db.session.commit()
    jobs.run(packet.id)
    _db.session.refresh(packet)
    data = services.packet_path(packet).read_bytes()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert str(pdf.Root.Lang) == "es"
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle)
        assert str(pdf.docinfo.Title).startswith("Paquete de testimonios")
    # Real text, as typed, that a reader can select and have read aloud.
    assert "Paquete de testimonios" in page_texts(data)[0]
    assert any("Charlieword testimony. Charlieend" in text for text in page_texts(data))


# -- 11. a hearing with nothing approved ------------------------------------------------------


def test_a_hearing_with_no_approved_testimony_still_makes_a_packet(db):
    scene = build_scene(attachments=False)
    for testimony in scene.approved.values():
        set_review_status(testimony, ReviewStatus.PENDING)
    _db.session.commit()
    packet, data = export(scene)
    assert packet.item_count == 0
    assert packet.page_count == 2
    texts = page_texts(data)
    assert len(texts) == 2
    assert "No approved testimony." in texts[1]
    assert texts[1].startswith("Contents ")
    assert texts[1].endswith("Page 2 of 2")
    assert "All 0 0 0" in texts[0]
    assert "0 approved testimonies" in texts[0]
    assert [(m.title, m.page) for m in bookmarks(data)] == [("Cover", 1), ("Contents", 2)]
    printed = everything_printed(data)
    for testimony in [*scene.approved.values(), *scene.hidden.values()]:
        assert testimony.tracking_number not in printed
    with pikepdf.open(io.BytesIO(data)) as pdf:
        check = getattr(pdf, "check_pdf_syntax", None) or pdf.check
        assert check() == []


def _shown_at(rotate: int, x: float, y: float, width: float, height: float):
    """Where a reader shows page point (x, y) once it turns the page by /Rotate (clockwise)."""
    return {
        0: (x, y),
        90: (y, width - x),
        180: (width - x, height - y),
        270: (height - y, x),
    }[rotate]


@pytest.mark.parametrize("rotate", [0, 90, 180, 270])
def test_page_numbers_stand_upright_on_turned_attachment_pages(rotate):
    from app.exports.packet.pdf import _placing

    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(612, 792))
    page.obj.Rotate = rotate
    (shown_width, shown_height), (a, b, c, d, e, f) = _placing(page)
    assert (shown_width, shown_height) == ((612, 792) if rotate in (0, 180) else (792, 612))
    # The furniture's bottom-left corner and a point along its bottom edge, drawn through the
    # matrix onto the page, must appear bottom-left and to the right of it once turned.
    for u, v in ((0, 0), (100, 0), (0, 50)):
        x, y = a * u + c * v + e, b * u + d * v + f
        assert _shown_at(rotate, x, y, 612, 792) == pytest.approx((u, v))
