"""Demo testimony in every review state, so the queue and the public page have something real.

Residents and their words are invented (addresses use Example Street, e-mail example.org);
the themes come from the 2020 public debate. Decisions are made through the moderation
services by a demo moderator whose password is random: create your own staff account with
`flask --app wsgi create-user`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.accounts.models import Role, StaffUser
from app.campaigns import placement, regrouping
from app.demo.campaigns import spun_letters
from app.demo.staff import demo_staff
from app.hearings.models import Hearing, InterpreterLanguage
from app.moderation import services as moderation
from app.platform import audit
from app.platform.extensions import db
from app.platform.storage import file_store
from app.testimony.models import (
    Attachment,
    Position,
    RejectionReason,
    ReviewStatus,
    SpeakingRequest,
    Testimony,
    TestimonyMeasure,
)
from app.testimony.services import hash_token, new_tracking_number, receipt_token_for

S, OP, N = Position.SUPPORT, Position.OPPOSE, Position.NEUTRAL
NO, IN, RE = SpeakingRequest.NONE, SpeakingRequest.IN_PERSON, SpeakingRequest.REMOTE

FORM_LETTER = (
    "As a resident of Massachusetts, I urge you to pass a moratorium on government use of face "
    "surveillance. This technology is dangerously inaccurate, especially for people of color, "
    "and it threatens our right to speak and assemble freely. Put the policy horse before the "
    "technology cart."
)

# (hearing, name, city, ZIP, organization, position, speaking, state, text, extra)
# state: pending, approved, flagged, withdrawn, or rejected:<reason>
# extra: "pdf" attaches a written statement; "redact:<text>" hides that text from the public.
ROWS = [
    (
        "held",
        "Denise Okafor",
        "Dorchester",
        "02124",
        None,
        S,
        IN,
        "approved",
        "I support the ban. Studies of facial analysis programs found error rates of up to 35% "
        "for darker-skinned women. I am a Black woman in Dorchester and I do not want a computer "
        "deciding I look like someone on a watch list.",
        "pdf",
    ),
    (
        "held",
        "Thomas Reilly",
        "South Boston",
        "02127",
        None,
        OP,
        NO,
        "approved",
        "I oppose an outright ban. Investigators should be able to use every lawful tool after a "
        "violent crime, with a warrant and with audits. Regulate it; don't ban it.",
        None,
    ),
    (
        "held",
        "Priya Raman",
        "Cambridge",
        "02139",
        "Cambridge Tenants Network",
        S,
        RE,
        "approved",
        "Cambridge, Somerville and Brookline already ban municipal face surveillance. Boston "
        "should join them so that residents who cross city lines every day are protected the "
        "same way. Please also close the loophole of asking third parties to run searches.",
        None,
    ),
    (
        "held",
        "Luis Ortega",
        "East Boston",
        "02128",
        None,
        N,
        NO,
        "approved",
        "I have no firm position yet. I would like the Council to publish which video analysis "
        "software the City already licenses, and whether an upgrade would switch on facial "
        "analysis features without a public vote.",
        "companion",  # neutral on the ordinance, for the order on that software
    ),
    (
        "held",
        "Helen Marsh",
        "West Roxbury",
        "02132",
        None,
        S,
        NO,
        "approved",
        "My neighbour Bill Carter at 617-555-0142 agrees with me: call him if you doubt it. We do "
        "not want cameras that recognise faces on our streets.",
        "redact:617-555-0142",
    ),
    (
        "held",
        "Kevin Doyle",
        "Charlestown",
        "02129",
        None,
        OP,
        IN,
        "approved",
        "Our businesses on Main Street have been broken into twice this year. Police need modern "
        "tools. I am against this ordinance as written.",
        None,
    ),
    (
        "held",
        "BEST PRICES",
        "Boston",
        "02108",
        None,
        N,
        NO,
        "rejected:spam",
        "Cheap watches and sunglasses, visit our shop today for 80% off all brands!!!",
        None,
    ),
    (
        "held",
        "Rosa Delgado",
        "Hyde Park",
        "02136",
        None,
        S,
        NO,
        "rejected:off_topic",
        "Please fix the potholes on River Street before winter, they are getting worse.",
        None,
    ),
    (
        "held",
        "Samuel Greene",
        "Roslindale",
        "02131",
        None,
        S,
        NO,
        "withdrawn",
        "I support the ordinance. (Withdrawn: I will testify in person instead.)",
        None,
    ),
    (
        "open",
        "Grace Lin",
        "Jamaica Plain",
        "02130",
        None,
        S,
        NO,
        "approved",
        "In a time of marches and protests, a tool that can identify every face in a crowd chills "
        "free speech. Put the policy before the technology. I support the ordinance.",
        None,
    ),
    (
        "open",
        "Marcus Bell",
        "Roxbury",
        "02119",
        "Roxbury Youth Forum",
        S,
        IN,
        "approved",
        "Young people in our neighbourhood are already stopped more than anyone else. A "
        "misidentification can start a record that follows someone for life. We ask the Council "
        "to pass the ban without amendments that weaken it.",
        "pdf",
    ),
    (
        "open",
        "Aisha Mohamed",
        "Mattapan",
        "02126",
        None,
        S,
        RE,
        "pending",
        "I ask the Council to keep the ban on information obtained through third parties. "
        "Otherwise the City could simply ask another agency to run the search.",
        None,
    ),
    (
        "open",
        "Patrick Sullivan",
        "Dorchester",
        "02122",
        None,
        OP,
        NO,
        "pending",
        "The Police Commissioner said the department does not use this technology. Then a ban "
        "solves a problem we do not have and ties the hands of a future administration.",
        None,
    ),
    (
        "open",
        "Mei Chen",
        "Chinatown",
        "02111",
        "Chinatown Residents Association",
        S,
        IN,
        "pending",
        "Many of our elders do not speak English and fear contact with the police. Cameras that "
        "identify faces would make them stay home. We support the ordinance.",
        None,
    ),
    (
        "open",
        "Daniel Weiss",
        "Brighton",
        "02135",
        None,
        N,
        NO,
        "pending",
        "Could the ordinance require an annual public report on every surveillance technology "
        "the City buys, not only face recognition?",
        None,
    ),
    (
        "open",
        "Fatima Diallo",
        "Roxbury",
        "02119",
        None,
        S,
        IN,
        "flagged",
        "This will protect my children. The commissioner himself said he could be misidentified. "
        "I want to speak at the session and will need a French interpreter.",
        None,
    ),
    (
        "open",
        "Robert Quinn",
        "West Roxbury",
        "02132",
        None,
        OP,
        NO,
        "flagged",
        "Whoever wrote this ordinance should be ashamed, and so should everyone voting for it.",
        None,
    ),
    (
        "open",
        "Jordan Taylor",
        "Allston",
        "02134",
        None,
        S,
        NO,
        "rejected:personal_information",
        "My ex-partner Sam lives at 40 Example Street and works for the City; ask him what the "
        "police already do.",
        None,
    ),
    (
        "open",
        "Olivia Brooks",
        "South End",
        "02118",
        None,
        S,
        NO,
        "withdrawn",
        "Support. (I sent this twice by mistake.)",
        None,
    ),
    (
        "open",
        "Ibrahim Hassan",
        "Hyde Park",
        "02136",
        None,
        S,
        NO,
        "pending",
        "I support the ban. Technology should serve residents, not watch them.",
        "pdf",
    ),
]

FORM_SIGNERS = [
    ("Ellen Park", "Somerville", "02144", None),
    ("George Alvarez", "Lowell", "01852", None),
    ("Nora Fitzgerald", "Worcester", "01609", " I live near the Worcester courthouse."),
    ("Victor Osei", "Springfield", "01103", None),
    (
        "Hannah Cole",
        "Northampton",
        "01060",
        " Northampton already banned it; the state should too.",
    ),
    ("Tomás Rivera", "Lawrence", "01841", None),
    ("Wendy Liu", "Quincy", "02169", None),
    ("Arjun Patel", "Newton", "02458", " Please also regulate private use."),
]


def _statement_pdf(title: str, text: str) -> bytes:
    """A one-page PDF with the statement's text, built by hand: no tool needed at run time."""

    def escape(value: str) -> str:
        plain = value.encode("latin-1", "replace").decode("latin-1")
        return plain.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    lines, line = [], ""
    for word in text.split():
        if len(line) + len(word) > 80:
            lines.append(line)
            line = ""
        line = f"{line} {word}".strip()
    lines.append(line)
    body = [f"BT /F1 16 Tf 72 720 Td ({escape(title)}) Tj /F1 11 Tf"]
    body += [f"0 -18 Td ({escape(item)}) Tj" for item in lines]
    body.append("ET")
    stream = "\n".join(body).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _all_rows():
    yield from ROWS
    for name, city, zip_code, added in FORM_SIGNERS:
        state = "approved" if added else "pending"
        yield ("open", name, city, zip_code, None, S, NO, state, FORM_LETTER + (added or ""), None)
    for name, city, zip_code, text in spun_letters():
        yield ("open", name, city, zip_code, None, OP, NO, "pending", text, None)


def load_testimony(hearings: dict[str, Hearing], now: datetime) -> int:
    """Add the demo testimony that is missing and move it to its review state."""
    moderator, created = demo_staff(
        "demo-moderator@example.gov", "Demo Moderator", Role.MODERATOR, now
    )
    rows = list(_all_rows())
    per_hearing = {key: sum(1 for row in rows if row[0] == key) for key in hearings}
    seen = dict.fromkeys(hearings, 0)
    for index, row in enumerate(rows):
        key, name, city, zip_code, org, position, speaking, state, text, extra = row
        hearing = hearings[key]
        seen[key] += 1
        submission_key = f"demo-testimony-{index:04d}-{key}"
        if db.session.scalar(select(Testimony.id).filter_by(submission_key=submission_key)):
            continue
        # Spread over the part of the window that has passed, as if sent through the form.
        elapsed = min(now, hearing.testimony_closes_at) - hearing.testimony_opens_at
        received = hearing.testimony_opens_at + elapsed * seen[key] / (per_hearing[key] + 1)
        testimony = Testimony(
            hearing=hearing,
            measure=hearing.measures[0],
            tracking_number=new_tracking_number(),
            receipt_token_hash=hash_token(receipt_token_for(hearing.id, submission_key)),
            submission_key=submission_key,
            full_name=name,
            email=f"{name.split()[0].lower()}.{index}@example.org",
            street_address=f"{10 + index} Example Street",
            city=city,
            zip_code=zip_code,
            organization=org,
            speaks_for_organization=org is not None,
            public_record_acknowledged=True,
            position=position,
            body=text,
            speaking_request=speaking,
            interpreter=_listed(hearing, "fr") if "French interpreter" in text else None,
            status=ReviewStatus.PENDING,
            received_at=received,
            updated_at=received,
        )
        db.session.add(testimony)
        if extra == "pdf":
            data = _statement_pdf(f"Written statement of {name}", text)
            testimony.attachments.append(
                Attachment(
                    original_name=f"Statement - {name}.pdf",
                    content_type="application/pdf",
                    size_bytes=len(data),
                    sha256=file_store().put(data),
                    page_count=1,
                    uploaded_at=received,
                )
            )
        db.session.flush()
        # The measures it addresses: its main one, and for "companion" testimony the
        # hearing's second measure too, as the form stores them (app/testimony/services.py).
        db.session.add(
            TestimonyMeasure(
                testimony_id=testimony.id, measure_id=testimony.measure_id, position=position
            )
        )
        if extra == "companion":
            db.session.add(
                TestimonyMeasure(
                    testimony_id=testimony.id, measure_id=hearing.measures[1].id, position=S
                )
            )
        db.session.flush()
        placement.place(testimony)  # as the form does: into its campaign as it arrives
        _move_to_state(moderator, testimony, state, extra, received + (now - received) / 2)
        created += 1
    db.session.flush()
    if created:
        # What a clerk's `flask regroup-campaigns` does: also finds the bot campaign above.
        for hearing in hearings.values():
            regrouping.regroup(hearing, audit.SYSTEM, now=now)
    return created


def _listed(hearing: Hearing, code: str) -> InterpreterLanguage | None:
    """The hearing's body's interpreter language with this code."""
    return db.session.scalar(
        select(InterpreterLanguage).filter_by(body_id=hearing.committee.body_id, code=code)
    )


def _move_to_state(
    moderator: StaffUser, testimony: Testimony, state: str, extra: str | None, when: datetime
) -> None:
    if extra and extra.startswith("redact:"):
        moderation.redact_phrase(moderator, testimony, extra.removeprefix("redact:"), now=when)
    if state == "withdrawn":
        testimony.status = ReviewStatus.WITHDRAWN
        testimony.withdrawn_at = when
        return
    if state == "pending":
        return
    status, _, reason = state.partition(":")
    decision = moderation.Decision(
        to_status=ReviewStatus(status),
        reason=RejectionReason(reason) if reason else None,
        note="Demo decision." if reason else None,
    )
    moderation.decide(moderator, testimony, decision, expected=ReviewStatus.PENDING, now=when)
