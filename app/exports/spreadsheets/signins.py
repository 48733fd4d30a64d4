"""The rows of the sign-in spreadsheet: one per sign-in per measure, every status, in the
roster's order, streamed from one query as plain tuples."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select

from app.exports.packet.roster import roster_query
from app.exports.spreadsheets.rows import SheetRow
from app.hearings.models import Hearing, Measure
from app.organisations.models import Organisation
from app.platform.extensions import db
from app.platform.timezones import to_local
from app.signins.models import SignIn, SignInPosition

# (heading, what the docs say it holds)
SIGN_IN_COLUMNS = [
    ("Tracking number", "The sign-in's tracking number, e.g. OS-7K3M-Q9XP"),
    ("Received at", "When it was first received, in the body's local time (YYYY-MM-DD HH:MM)"),
    ("Name", "Full name as submitted"),
    ("City or town", "City or town as submitted"),
    ("ZIP", "ZIP code"),
    ("Organization", "Organization, if any"),
    ("Measure", "The measure's number"),
    ("Position", "support, oppose or neutral"),
    ("Status", "published, pending, rejected or withdrawn"),
    ("Confirmed e-mail", "yes when the resident followed the confirmation link, else no"),
    (
        "Disputed",
        "yes when the e-mail's owner said they did not sign it (out of the counts and the "
        "roster), kept when a moderator kept it despite that, else no",
    ),
    (
        "Possibly automated",
        "hidden_field, too_fast or no_form when the form's trap field or timing marks suggest a "
        "program sent it, else empty",
    ),
    (
        "Sent by",
        "The registered organisation that sent it through the API, or empty (the web form)",
    ),
]

STREAM_BATCH = 2000


def has_sign_ins(hearing: Hearing, measure: Measure | None = None) -> bool:
    """Whether the hearing (or measure) has any sign-in, whatever its status."""
    query = roster_query(hearing, measure, SignIn.id).order_by(None).limit(1)
    return db.session.execute(query).first() is not None


def sign_in_rows(hearing: Hearing, measure: Measure | None = None) -> Iterator[SheetRow]:
    """Every sign-in of the hearing (or one measure), whatever its status, one row per
    measure it takes a position on; in the roster's order (agenda, position, name)."""
    zone = hearing.timezone
    query = roster_query(
        hearing,
        measure,
        SignIn.tracking_number,
        SignIn.received_at,
        SignIn.full_name,
        SignIn.city,
        SignIn.zip_code,
        SignIn.organization,
        SignIn.organisation_id,
        SignInPosition.measure_id,
        SignInPosition.position,
        SignIn.status,
        SignIn.email_confirmed_at,
        SignIn.disputed_at,
        SignIn.dispute_kept_at,
        SignIn.quarantine_reason,
    )
    numbers = {m.id: m.number for m in hearing.measures}
    senders = _senders(hearing)
    result = db.session.execute(query.execution_options(yield_per=STREAM_BATCH))
    for (
        tracking,
        received,
        name,
        city,
        zip_code,
        organization,
        organisation_id,
        measure_id,
        position,
        status,
        confirmed,
        disputed,
        kept,
        automated,
    ) in result:
        yield SheetRow(
            (
                tracking,
                to_local(received, zone).strftime("%Y-%m-%d %H:%M"),
                name,
                city,
                zip_code,
                organization or "",
                numbers.get(measure_id, ""),
                position.value,
                status.value,
                "yes" if confirmed else "no",
                "no" if disputed is None else ("kept" if kept else "yes"),
                automated.value if automated else "",
                senders.get(organisation_id, ""),
            )
        )


def _senders(hearing: Hearing) -> dict[int, str]:
    """The names of the organisations that sent the hearing's sign-ins (one query)."""
    sent_by = select(SignIn.organisation_id).where(
        SignIn.hearing_id == hearing.id, SignIn.organisation_id.is_not(None)
    )
    rows = db.session.execute(
        select(Organisation.id, Organisation.name).where(Organisation.id.in_(sent_by))
    )
    return dict(rows.all())
