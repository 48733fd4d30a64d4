"""The hearing bench/sign_ins.py and bench/sign_in_surge.py sign residents in to (three measures,
open), and the check made on the database afterwards: every acknowledged sign-in stored once
with the positions its form chose, the tallies summing to the stored positions, one audit row
and one receipt e-mail each, none of them left unsent.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select

from app.hearings.models import Body, Committee, Hearing, Measure, MeasureKind
from app.platform.audit import AuditEvent
from app.platform.extensions import db
from app.platform.jobs import Job
from app.platform.outbox import OutboxMessage
from app.platform.timezones import utcnow
from app.signins.models import SignIn, SignInPosition, SignInTally

MEASURES = [
    ("Docket #0683", "Ordinance banning the use of face surveillance in the City of Boston"),
    ("Docket #0684", "Order for a hearing on surveillance technology procurement"),
    ("Docket #0685", "Ordinance on community control over police surveillance"),
]


def create_hearing() -> tuple[int, list[int]]:
    """One open hearing on three companion measures, as residents would find it."""
    now = utcnow()
    body = Body(
        slug="boston-city-council",
        name="Boston City Council",
        jurisdiction="City of Boston",
        timezone="America/New_York",
    )
    committee = Committee(body=body, slug="gov-ops", name="Committee on Government Operations")
    measures = [
        Measure(
            committee=committee,
            kind=MeasureKind.ORDINANCE,
            number=number,
            title=title,
            summary="Companion measures heard together.",
        )
        for number, title in MEASURES
    ]
    hearing = Hearing(
        committee=committee,
        title="Hearing on face surveillance (three measures)",
        location="Iannella Chamber, Boston City Hall",
        starts_at=now + timedelta(days=31),
        testimony_opens_at=now - timedelta(days=1),
        testimony_closes_at=now + timedelta(days=30),
        measures=measures,
    )
    db.session.add(hearing)
    db.session.commit()
    return hearing.id, [measure.id for measure in measures]


def check_sign_ins(
    hearing_id: int, acknowledged: int, chosen: dict[str, dict[int, str]]
) -> tuple[bool, list[str]]:
    """`acknowledged`: how many forms were answered 303 to a receipt; `chosen`: what each
    form sent chose (measure id -> position), by submission key."""
    lines: list[str] = []
    stored = {
        key: sign_in_id
        for sign_in_id, key in db.session.execute(
            select(SignIn.id, SignIn.submission_key).where(SignIn.hearing_id == hearing_id)
        )
    }
    rows = db.session.scalar(select(func.count(SignIn.id)).where(SignIn.hearing_id == hearing_id))
    quarantined = db.session.scalar(
        select(func.count(SignIn.id)).where(
            SignIn.hearing_id == hearing_id, SignIn.quarantine_reason.is_not(None)
        )
    )
    once = rows == len(stored) == acknowledged
    verdict = "OK" if once and not quarantined else "MISMATCH"
    lines.append(
        f"  sign-ins: {acknowledged} acknowledged (303), {rows} rows stored ({len(stored)} "
        f"distinct forms), {quarantined} quarantined: {verdict}"
    )
    # Each stored sign-in's positions against its form's.
    found: dict[int, dict[int, str]] = {}
    for sign_in_id, measure_id, position in db.session.execute(
        select(SignInPosition.sign_in_id, SignInPosition.measure_id, SignInPosition.position)
        .join(SignIn)
        .where(SignIn.hearing_id == hearing_id)
    ):
        found.setdefault(sign_in_id, {})[measure_id] = str(position.value)
    wrong = sum(found.get(sign_in_id) != chosen.get(key) for key, sign_in_id in stored.items())
    positions = sum(len(p) for p in found.values())
    lines.append(
        f"  positions: {positions} stored, {wrong} sign-ins whose positions differ from their "
        f"form's: {'OK' if not wrong else 'MISMATCH'}"
    )
    # Tallies: by (measure, position, state), summed over the shards, against the rows.
    tallied = Counter(
        {
            (measure_id, position, state): int(count)
            for measure_id, position, state, count in db.session.execute(
                select(
                    SignInTally.measure_id,
                    SignInTally.position,
                    SignInTally.state,
                    func.sum(SignInTally.count),
                )
                .where(SignInTally.hearing_id == hearing_id)
                .group_by(SignInTally.measure_id, SignInTally.position, SignInTally.state)
            )
        }
    )
    counted = Counter(
        {
            (measure_id, str(position.value), str(status.value)): n
            for measure_id, position, status, n in db.session.execute(
                select(
                    SignInPosition.measure_id,
                    SignInPosition.position,
                    SignIn.status,
                    func.count(),
                )
                .join(SignIn)
                .where(SignIn.hearing_id == hearing_id)
                .group_by(SignInPosition.measure_id, SignInPosition.position, SignIn.status)
            )
        }
    )
    tallies_ok = +tallied == +counted
    lines.append(
        f"  tallies: sum {sum(tallied.values())} over {len(+tallied)} counts, rows give "
        f"{sum(counted.values())}: {'OK' if tallies_ok else 'MISMATCH'}"
    )
    audited = db.session.scalar(
        select(func.count(AuditEvent.id)).where(AuditEvent.action == "sign_in.recorded")
    )
    queued = db.session.scalar(
        select(func.count(OutboxMessage.id)).where(OutboxMessage.kind == "sign_in_received")
    )
    sent = db.session.scalar(
        select(func.count(OutboxMessage.id)).where(
            OutboxMessage.kind == "sign_in_received", OutboxMessage.sent_at.is_not(None)
        )
    )
    dead = db.session.scalar(select(func.count(Job.id)).where(Job.state == "dead"))
    side_ok = audited == queued == sent == rows and not dead
    lines.append(
        f"  side rows: {audited} audit, {queued} receipts queued, {sent} delivered, "
        f"{dead} dead jobs: {'OK' if side_ok else 'MISMATCH'}"
    )
    db.session.rollback()
    return once and not quarantined and not wrong and tallies_ok and side_ok, lines
