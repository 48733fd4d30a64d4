"""Arabic, Hebrew and emoji in every field that reaches a PDF (the packet and the speaker list).

Each page is read back with pdftotext, which turns correctly drawn right-to-left text (letters
placed right to left, Arabic in its joined presentation forms) back into the order it was
typed. A name drawn backwards reads backwards; letters drawn unjoined come back as the basic
Arabic letters instead of their joined forms; an emoji sequence the fonts cannot draw as one
picture must not leave an empty box behind.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import unicodedata
from datetime import timedelta

import pytest
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from app.accounts.models import Role
from app.exports import jobs, services
from app.exports.models import ExportStatus, PacketKind
from app.exports.pdf import typesetting
from app.platform.extensions import db as _db
from app.platform.timezones import utcnow
from app.testimony.models import Position, ReviewStatus, SpeakingRequest
from app.testimony.pdf_check import CheckedPdf
from app.testimony.submissions import Upload
from tests.factories import (
    make_body,
    make_committee,
    make_hearing,
    make_measure,
    make_pdf,
    make_staff_user,
    make_testimony,
    set_review_status,
)

PDFTOTEXT = shutil.which("pdftotext")
pytestmark = pytest.mark.skipif(PDFTOTEXT is None, reason="needs pdftotext (poppler-utils)")

BODY = "مجلس مدينة بوسطن"
JURISDICTION = "مدينة بوسطن"
COMMITTEE = "ועדת הממשל"
HEARING = "جلسة استماع عن المراقبة"
LOCATION = "אולם העירייה"
SEVEN = "\u0667"  # ARABIC-INDIC DIGIT SEVEN
MEASURE_NUMBER = f"قرار {SEVEN}"
# pdftotext reads a digit inside right-to-left text out before or after its word, depending on
# how it guesses the direction of the whole line: the word and the digit are looked for.
NUMBER_WORD = "قرار"
MEASURE_TITLE = "حظر المراقبة بالوجه"
NAME = "محمد العلي"
CITY = "תל אביב"
ORGANIZATION = "جمعية الحقوق"
HEBREW_NAME = "יוסף כהן"
ARABIC_CITY = "الناصرة"
ATTACHMENT = "بيان الموقف.pdf"
# Set in right-to-left order the name reads "بيان الموقف" then ".pdf" to its left, as a reader
# in Arabic expects; pdftotext reads the line left to right, so only the name is compared.
ATTACHMENT_STEM = "بيان الموقف"
INTERPRETER = "العربية"
ACCESSIBILITY = "כתוביות בבקשה"
ARABIC_LINE = "نحن نرفض الكاميرات في الشوارع"
HEBREW_LINE = "אנחנו מתנגדים למצלמות"
DIGITS_LINE = "عدد الكاميرات 42 في المدينة"
MIXED_LINE = "The city said حظر المراقبة and then אנחנו מתנגדים today"
EMOJI_LINE = "Emoji: 👍🏽 👨\u200d👩\u200d👧 🏳\ufe0f\u200d🌈 1\ufe0f\u20e3 ❤\ufe0f end"
CAMPAIGN_TEXT = (
    "نطالب المجلس بحظر استخدام تقنية التعرف على الوجه في مدينتنا لأنها تهدد خصوصية السكان "
    "وحرياتهم الأساسية"
)
CAMPAIGN_NAMES = ("فاطمة حسن", "יעל לוי")

# What a right-to-left word looks like when drawn in typed order (the bug): read back reversed.
REVERSED_WORDS = [
    word[::-1]
    for phrase in (NAME, HEARING, COMMITTEE, MEASURE_TITLE, HEBREW_NAME, CITY, ATTACHMENT)
    for word in phrase.replace(".pdf", "").split()
    if len(word) > 2
]
BIDI_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e"), None)
BASIC_ARABIC_LETTERS = re.compile("[\u0621-\u064a]")


def pdftotext_pages(data: bytes) -> list[str]:
    """Each page as pdftotext reads it: (raw text, text as typed)."""
    # A fixed program found on PATH, fed our own PDF on stdin: no shell, nothing untrusted.
    result = subprocess.run(  # noqa: S603
        [PDFTOTEXT or "pdftotext", "-enc", "UTF-8", "-", "-"],
        input=data,
        capture_output=True,
        check=True,
    )
    return result.stdout.decode("utf-8").split("\f")[:-1]


def as_typed(raw: str) -> str:
    """Joined letter forms back to the letters typed, whitespace squeezed, bidi marks gone."""
    return " ".join(unicodedata.normalize("NFKC", raw.translate(BIDI_MARKS)).split())


def attachment(name: str) -> Upload:
    return Upload(filename=name, pdf=CheckedPdf(data=make_pdf(1), page_count=1))


def build_hearing():
    now = utcnow()
    body = make_body(name=BODY, jurisdiction=JURISDICTION, resident_places=ARABIC_CITY)
    committee = make_committee(body, name=COMMITTEE)
    measure = make_measure(committee, number=MEASURE_NUMBER, title=MEASURE_TITLE)
    hearing = make_hearing(
        committee=committee, measures=0, now=now, title=HEARING, location=LOCATION
    )
    hearing.measures.append(measure)
    _db.session.flush()
    clerk = make_staff_user(Role.CLERK, name="نور الهدى")

    def submit(minutes: int, **values):
        testimony = make_testimony(
            hearing, now=now - timedelta(minutes=60 - minutes), measure_id=measure.id, **values
        ).testimony
        set_review_status(testimony, ReviewStatus.APPROVED)
        return testimony

    submit(
        1,
        full_name=NAME,
        city=CITY,
        organization=ORGANIZATION,
        position=Position.SUPPORT,
        speaking_request=SpeakingRequest.IN_PERSON,
        interpreter_language=INTERPRETER,
        accessibility_need=ACCESSIBILITY,
        body="\n".join([ARABIC_LINE, HEBREW_LINE, DIGITS_LINE, MIXED_LINE, EMOJI_LINE]),
        uploads=(attachment(ATTACHMENT),),
    )
    submit(
        2,
        full_name=HEBREW_NAME,
        city=ARABIC_CITY,
        position=Position.OPPOSE,
        speaking_request=SpeakingRequest.REMOTE,
        body=HEBREW_LINE,
    )
    for minutes, name in enumerate(CAMPAIGN_NAMES, start=3):
        submit(minutes, full_name=name, city=ARABIC_CITY, body=CAMPAIGN_TEXT)
    _db.session.commit()
    return hearing, clerk


def export(hearing, clerk, kind: PacketKind) -> bytes:
    packet = services.request_export(clerk, hearing, kind, measure=None, now=utcnow())
    _db.session.commit()
    jobs.run(packet.id)
    _db.session.refresh(packet)
    assert packet.status is ExportStatus.READY, packet.error
    return services.packet_path(packet).read_bytes()


def drawn_as_boxes(*texts: str) -> set[str]:
    """Characters of these texts that the PDFs draw with a font's empty box (glyph 0)."""
    boxes = set()
    for text in texts:
        for line in text.splitlines():
            for font, piece in typesetting.font_runs(typesetting.visual_line(line)):
                face = pdfmetrics.getFont(font).face
                boxes |= {char for char in piece if face.charToGlyph.get(ord(char), 0) == 0}
    return boxes


EVERY_TEXT = (
    BODY,
    JURISDICTION,
    COMMITTEE,
    HEARING,
    LOCATION,
    MEASURE_NUMBER,
    MEASURE_TITLE,
    NAME,
    CITY,
    ORGANIZATION,
    HEBREW_NAME,
    ARABIC_CITY,
    ATTACHMENT,
    INTERPRETER,
    ACCESSIBILITY,
    ARABIC_LINE,
    HEBREW_LINE,
    DIGITS_LINE,
    MIXED_LINE,
    EMOJI_LINE,
    CAMPAIGN_TEXT,
    *CAMPAIGN_NAMES,
)


def test_right_to_left_text_reads_as_typed_on_every_page_of_the_packet(db):
    """An Arabic name, Hebrew committee and Arabic file name are drawn backwards and unjoined
    on the contents page, the running header and the cover's tally cells: every page must
    read back in the order typed, Arabic letters joined."""
    hearing, clerk = build_hearing()
    data = export(hearing, clerk, PacketKind.PACKET_PDF)
    raw_pages = pdftotext_pages(data)
    pages = [as_typed(raw) for raw in raw_pages]

    for number, (raw, page) in enumerate(zip(raw_pages, pages, strict=True), start=1):
        if "Attachment to" in page:  # an attachment's pages are headed with its file name
            assert ATTACHMENT_STEM in page, f"running header on page {number}"
        else:
            assert HEARING in page and COMMITTEE in page, f"running header on page {number}"
        assert not BASIC_ARABIC_LETTERS.search(raw), f"unjoined Arabic on page {number}"
        for reversed_word in REVERSED_WORDS:
            assert reversed_word not in page, f"{reversed_word!r} backwards on page {number}"

    cover, contents, testimony = pages[0], pages[1], pages[2]
    for text in (BODY, COMMITTEE, JURISDICTION, HEARING, LOCATION, MEASURE_TITLE):
        assert text in cover
    # The measure's number in the list of measures, the tally table's rows and the bar chart.
    assert cover.count(NUMBER_WORD) >= 5 and cover.count(SEVEN) >= 5
    assert MEASURE_TITLE in contents and NUMBER_WORD in contents and SEVEN in contents
    for name in (NAME, HEBREW_NAME, CITY, ARABIC_CITY):
        assert name in contents
    for text in (NAME, CITY, ORGANIZATION, ATTACHMENT_STEM, ARABIC_LINE, HEBREW_LINE):
        assert text in testimony
    for words in (DIGITS_LINE, MIXED_LINE):
        for part in re.split(r" ?(\d+|[A-Za-z ]+) ?", words):
            assert part.strip() in testimony
    # Each emoji sequence prints as its first emoji and still copies out as it was typed.
    assert EMOJI_LINE in testimony
    campaign = next(p for p in pages if "Signatories" in p)
    assert CAMPAIGN_TEXT in campaign
    for name in CAMPAIGN_NAMES:
        assert name in campaign
    assert drawn_as_boxes(*EVERY_TEXT) == set()


def test_bookmarks_and_document_properties_keep_the_order_typed(db):
    """Outline entries and the title are shown by the reader's own text layout, which applies
    the bidi algorithm itself: put in visual order they would be shown backwards."""
    hearing, clerk = build_hearing()
    data = export(hearing, clerk, PacketKind.PACKET_PDF)
    reader = PdfReader(io.BytesIO(data))

    def titles(items) -> list[str]:
        return [t for i in items for t in (titles(i) if isinstance(i, list) else [i.title])]

    marks = titles(reader.outline)
    assert f"{MEASURE_NUMBER}: {MEASURE_TITLE}" in marks
    assert any(NAME in mark and CITY in mark for mark in marks)
    assert f"Attachment: {ATTACHMENT}" in marks
    assert HEARING in reader.metadata.title
    assert reader.metadata.subject == f"{BODY} · {COMMITTEE}"


def test_right_to_left_text_reads_as_typed_in_the_speaker_list(db):
    """The speaker list prints names, places, interpreter languages and needs in Arabic and
    Hebrew: each must read back as typed, joined, without boxes."""
    hearing, clerk = build_hearing()
    data = export(hearing, clerk, PacketKind.SPEAKERS_PDF)
    raw_pages = pdftotext_pages(data)
    text = " ".join(as_typed(raw) for raw in raw_pages)
    for value in (
        HEARING,
        COMMITTEE,
        LOCATION,
        NAME,
        CITY,
        ORGANIZATION,
        HEBREW_NAME,
        ARABIC_CITY,
        INTERPRETER,
        ACCESSIBILITY,
    ):
        assert value in text
    assert NUMBER_WORD in text and SEVEN in text  # the measure, beside each speaker's position
    for raw in raw_pages:
        assert not BASIC_ARABIC_LETTERS.search(raw)
    for reversed_word in REVERSED_WORDS:
        assert reversed_word not in text
    assert drawn_as_boxes(*EVERY_TEXT) == set()


def test_a_bidi_override_in_a_name_cannot_turn_the_rest_of_a_line_around(db):
    """A resident ends their name with a right-to-left override (and an isolate closer, to
    break out of any fence): the contents line, the testimony page and the bookmark must
    still read "..., Boston (Support)", not the rest of the line reversed."""
    now = utcnow()
    hearing = make_hearing(now=now)
    clerk = make_staff_user(Role.CLERK)
    for name in ("Mallory\u202e", "Trudy\u2069\u202e"):
        testimony = make_testimony(
            hearing, now=now, full_name=name, city="Boston", body=f"{name} says no."
        ).testimony
        set_review_status(testimony, ReviewStatus.APPROVED)
    _db.session.commit()
    data = export(hearing, clerk, PacketKind.PACKET_PDF)
    pages = [as_typed(raw) for raw in pdftotext_pages(data)]
    contents = pages[1]
    assert "Mallory, Boston (Support)" in contents
    assert "Trudy, Boston (Support)" in contents
    for page in pages[2:]:
        assert "Boston" in page and "notsoB" not in page and "troppuS" not in page
    reader = PdfReader(io.BytesIO(data))
    titles = [mark.title for item in reader.outline if isinstance(item, list) for mark in item]
    assert any(t.endswith("Mallory, Boston (Support)") for t in titles)
    assert any(t.endswith("Trudy, Boston (Support)") for t in titles)
