"""The rows of a testimony spreadsheet, as plain data from one streamed query."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.orm import joinedload, selectinload

from app.campaigns.models import campaign_label
from app.hearings.models import Hearing, Measure
from app.moderation.queries import active_spans_for
from app.moderation.reasons import codes_in_words
from app.moderation.redaction import public_text
from app.platform.extensions import db
from app.platform.timezones import to_local
from app.testimony.identity import confidence, repeat_counts
from app.testimony.models import Testimony, TestimonyMeasure

# (heading, what the README says it holds) — the README's column table is built from these.
COLUMNS = [
    ("Tracking number", "The resident's tracking number, e.g. OT-7K3M-Q9XP"),
    ("Received at", "When it was received, in the body's local time (YYYY-MM-DD HH:MM)"),
    ("Name", "Full name as submitted"),
    ("City or town", "City or town as submitted"),
    ("ZIP", "ZIP code"),
    ("Organization", "Organization, if any; '(on its behalf)' when testifying for it"),
    ("Measure", "The measure's number"),
    ("Position", "support, oppose or neutral"),
    (
        "Measures",
        "Every measure it addresses with the position on each, in agenda order, e.g. "
        "'H.1538: support; S.927: support' (Measure and Position hold the first of them)",
    ),
    ("Speaking request", "none, in_person or remote"),
    ("Status", "pending, approved, rejected, flagged or withdrawn"),
    ("Rejection reason", codes_in_words()),
    (
        "Identity",
        "disputed (the e-mail's owner said they did not send it), disposable (a throwaway e-mail "
        "service), repeated (several on this hearing from the same e-mail, or the same name and "
        "ZIP), confirmed (the sender followed the confirmation link) or unconfirmed",
    ),
    (
        "Campaign",
        "The form-letter campaign it belongs to, e.g. C-12 (same number as on the moderators' "
        "campaign page), or empty",
    ),
    (
        "Sent by",
        "The registered organisation that sent it through the API, or empty (the web form)",
    ),
    ("Text", "The testimony as last amended, with moderators' redactions applied"),
]


BATCH = 500


@dataclass(frozen=True)
class SheetRow:
    cells: tuple[str, ...]


def testimony_rows(hearing: Hearing, measure: Measure | None = None) -> Iterator[SheetRow]:
    """Every testimony of the hearing (or one of its measures) in the order it arrived, BATCH
    rows in memory at a time: one row per testimony, however many measures it addresses (a
    clerk counting rows counts testimonies, and the text is there once); the Measures column
    lists them all."""
    zone = hearing.timezone
    last_id = 0
    while True:
        query = (
            select(Testimony)
            .where(Testimony.hearing_id == hearing.id, Testimony.id > last_id)
            .options(
                joinedload(Testimony.measure),
                selectinload(Testimony.stances).joinedload(TestimonyMeasure.measure),
                selectinload(Testimony.organisation),
            )
            .order_by(Testimony.id)
            .limit(BATCH)
        )
        if measure is not None:
            # Every testimony addressing the measure, alone or among others.
            query = query.where(
                exists().where(
                    TestimonyMeasure.testimony_id == Testimony.id,
                    TestimonyMeasure.measure_id == measure.id,
                )
            )
        batch = list(db.session.scalars(query))
        if not batch:
            return
        spans = active_spans_for(batch)
        repeats = repeat_counts(hearing.id, batch)
        for t in batch:
            organization = t.organization or ""
            if organization and t.speaks_for_organization:
                organization += " (on its behalf)"
            yield SheetRow(
                (
                    t.tracking_number,
                    to_local(t.received_at, zone).strftime("%Y-%m-%d %H:%M"),
                    t.full_name,
                    t.city,
                    t.zip_code,
                    organization,
                    t.measure.number,
                    t.position.value,
                    "; ".join(
                        f"{stance.measure.number}: {stance.position.value}"
                        for stance in t.in_agenda_order()
                    ),
                    t.speaking_request.value,
                    t.status.value,
                    t.rejection_reason.value if t.rejection_reason else "",
                    confidence(t, repeats[t.id]).value,
                    campaign_label(t.campaign_id) if t.campaign_id else "",
                    t.organisation.name if t.organisation else "",
                    public_text(t.body, spans[t.id]),
                )
            )
        last_id = batch[-1].id
        for t in batch:  # keep memory flat however large the hearing
            db.session.expunge(t)
