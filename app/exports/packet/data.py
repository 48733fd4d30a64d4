"""What goes into a hearing packet, as plain data: the PDF renderer never sees an ORM object.

Approved testimony is read in a stable order (agenda order of measures, then support, oppose,
neutral, then arrival) a batch at a time, so memory stays flat however large the hearing.
Street and e-mail addresses are not part of these records, so no template can print them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.orm import joinedload, selectinload

from app.campaigns.provenance import throwaway_address
from app.endorsements.queries import (
    EndorsementLine,
    endorsements_for_campaigns,
    endorsements_for_testimony,
)
from app.exports.packet.campaigns import (
    CampaignEntry,
    CampaignItem,
    campaign_entry,
    gather_campaigns,
    item_ids,
)
from app.hearings.models import Hearing, Measure, hearing_measures
from app.moderation.queries import active_spans_for
from app.moderation.redaction import public_text
from app.platform.extensions import db
from app.platform.timezones import local_time, to_local
from app.testimony.identity import undisputed
from app.testimony.models import (
    Attachment,
    Position,
    ReviewStatus,
    SpeakingRequest,
    Testimony,
    TestimonyMeasure,
)

BATCH = 200
POSITION_ORDER = (Position.SUPPORT, Position.OPPOSE, Position.NEUTRAL)


def position_label(position: Position) -> str:
    return {
        Position.SUPPORT: _("Support"),
        Position.OPPOSE: _("Oppose"),
        Position.NEUTRAL: _("Neutral"),
    }[position]


@dataclass(frozen=True)
class AttachmentItem:
    name: str
    sha256: str
    page_count: int


@dataclass(frozen=True)
class PacketEntry:
    tracking_number: str
    name: str
    city: str
    organization: str
    measure_number: str
    position: str
    received: str
    text: str
    speaking: str
    attachments: tuple[AttachmentItem, ...]
    resident: bool
    asked_to_speak: bool
    # The other measures it addresses, in agenda order, each (number, position): it is printed
    # once, under measure_number (its main measure), and listed and counted under these too.
    also: tuple[tuple[str, str], ...] = ()
    # Endorsing organisations (app/endorsements): registered ones signed on to it, those its
    # sender named (their statement, printed apart), and those signed on to its campaign.
    signed_on_by: tuple[str, ...] = ()
    named_endorsers: tuple[str, ...] = ()
    campaign_signed_on_by: tuple[str, ...] = ()
    # The registered organisation that sent it through the API for the resident, or "".
    sent_by: str = ""
    # What a campaign's provenance card counts of it: "confirmed" (its e-mail), "automated"
    # (marked possibly automated), "throwaway" (a throwaway address). Printed only as counts.
    marks: tuple[str, ...] = ()
    # The local time's offset from UTC in minutes when it arrived: `received` is a wall-clock
    # time, and across a change of the clocks only the offset tells which came first.
    received_offset: int = 0


@dataclass(frozen=True)
class MeasureLine:
    number: str
    title: str


@dataclass(frozen=True)
class PacketCover:
    body: str
    jurisdiction: str
    committee: str
    hearing: str
    starts: str
    location: str
    measures: tuple[MeasureLine, ...]
    generated_at: str
    generated_by: str
    scope: str  # the one measure this packet covers, or "" for the whole hearing
    # Lines the cover prints under the tallies: testimony closed early, and how much testimony
    # awaits review and is left out. Not part of the fingerprint: they say nothing about the
    # testimony printed, and the count changes as moderators work.
    notices: tuple[str, ...] = ()


@dataclass
class Tally:
    """Approved testimony for one measure and position."""

    count: int = 0
    residents: int = 0
    speakers: int = 0


@dataclass
class Tallies:
    """Approved testimony by measure and position: a testimony on several measures counts
    under each, with its position there; the total counts every testimony once. `only`: the
    measures the packet covers (a measure's own packet counts that measure alone)."""

    rows: dict[tuple[str, str], Tally] = field(default_factory=dict)
    only: frozenset[str] | None = None
    _total: Tally = field(default_factory=Tally)

    def add(self, entry: PacketEntry | CampaignEntry) -> None:
        people = entry.signatories if isinstance(entry, CampaignEntry) else (entry,)
        for person in people:
            for measure, position in ((entry.measure_number, person.position), *person.also):
                if self.only is not None and measure not in self.only:
                    continue
                self._count(self.rows.setdefault((measure, position), Tally()), person)
            self._count(self._total, person)

    @staticmethod
    def _count(tally: Tally, person) -> None:
        tally.count += 1
        tally.residents += person.resident
        tally.speakers += person.asked_to_speak

    @property
    def total(self) -> Tally:
        return self._total

    def in_order(self, measure_numbers: list[str]) -> list[tuple[tuple[str, str], Tally]]:
        """The rows by measure in agenda order, then support, oppose, neutral (a testimony
        counted under a later measure too must not put that measure's row first)."""
        measures = {number: place for place, number in enumerate(measure_numbers)}
        positions = {position_label(p): place for place, p in enumerate(POSITION_ORDER)}
        arrival = {key: place for place, key in enumerate(self.rows)}
        return sorted(
            self.rows.items(),
            key=lambda row: (
                measures.get(row[0][0], len(measures)),
                positions.get(row[0][1], len(positions)),
                arrival[row[0]],
            ),
        )


# Fields a record leaves out of its fingerprint when empty, so a packet without them is
# fingerprinted as it was before they existed.
OPTIONAL_FIELDS = ("also", "signed_on_by", "named_endorsers", "campaign_signed_on_by")
# Fields the fingerprint never reads: like the cover's notices they say nothing about the
# testimony printed (a sender confirming their e-mail does not change their letter).
UNFINGERPRINTED_FIELDS = ("marks", "received_offset")


def _fingerprinted(record: dict) -> dict:
    """A record as the fingerprint reads it: without `also` when empty, so testimony on one
    measure is fingerprinted as it was before testimony could address several (and likewise
    without empty endorsements)."""
    record = {k: v for k, v in record.items() if k not in UNFINGERPRINTED_FIELDS}
    if any(not record.get(name, True) for name in OPTIONAL_FIELDS):
        record = {
            key: value for key, value in record.items() if key not in OPTIONAL_FIELDS or value
        }
    if "signatories" in record:
        record = record | {"signatories": [_fingerprinted(s) for s in record["signatories"]]}
    return record


class Fingerprint:
    """A digest of everything the packet says about the testimony, but not when it was made.

    Two packets with the same fingerprint print the same testimony, so a clerk can tell at a
    glance whether anything changed since the last export.
    """

    def __init__(self) -> None:
        self._digest = hashlib.sha256()

    def add(self, entry: PacketEntry) -> None:
        record = _fingerprinted(asdict(entry))
        self._digest.update(json.dumps(record, sort_keys=True).encode() + b"\n")

    def add_scope(self, cover: PacketCover) -> None:
        fixed = {
            k: v
            for k, v in asdict(cover).items()
            if k not in ("generated_at", "generated_by", "notices")
        }
        self._digest.update(json.dumps(fixed, sort_keys=True).encode() + b"\n")

    def hexdigest(self) -> str:
        return self._digest.hexdigest()


def cover_for(
    hearing: Hearing, measure: Measure | None, *, generated_at: datetime, generated_by: str
) -> PacketCover:
    zone = hearing.timezone
    measures = [measure] if measure else list(hearing.measures)
    return PacketCover(
        body=hearing.body.name,
        jurisdiction=hearing.body.jurisdiction,
        committee=hearing.committee.name,
        hearing=hearing.title,
        starts=local_time(hearing.starts_at, zone),
        location=hearing.location or "",
        measures=tuple(MeasureLine(m.number, m.title) for m in measures),
        generated_at=local_time(generated_at, zone),
        generated_by=generated_by,
        scope=measure.number if measure else "",
        notices=cover_notices(hearing, measure),
    )


AWAITING_REVIEW = (ReviewStatus.PENDING, ReviewStatus.FLAGGED)


def awaiting_review(hearing: Hearing, measure: Measure | None = None) -> int:
    """How many testimonies of the hearing (or one measure) await a moderator's decision: the
    packet leaves them out until they are approved."""
    query = select(func.count(Testimony.id)).where(
        Testimony.hearing_id == hearing.id, Testimony.status.in_(AWAITING_REVIEW)
    )
    if measure is not None:
        query = query.where(addresses(measure))
    return db.session.scalar(query) or 0


def addresses(measure: Measure):
    """Testimony that addresses the measure, as its main measure or one of several."""
    return exists().where(
        TestimonyMeasure.testimony_id == Testimony.id, TestimonyMeasure.measure_id == measure.id
    )


def awaiting_review_notice(count: int) -> str:
    return ngettext(
        "%(num)d testimony awaits review and is not in this packet.",
        "%(num)d testimonies await review and are not in this packet.",
        count,
    )


def closed_early_notice(hearing: Hearing) -> str:
    zone = hearing.timezone
    return _(
        "Testimony closed early on %(closed)s; the published deadline was %(published)s.",
        closed=local_time(hearing.testimony_closes_at, zone),
        published=local_time(hearing.published_closes_at, zone),
    )


def cover_notices(hearing: Hearing, measure: Measure | None) -> tuple[str, ...]:
    notices = []
    if hearing.closed_early:
        notices.append(closed_early_notice(hearing))
    waiting = awaiting_review(hearing, measure)
    if waiting:
        notices.append(awaiting_review_notice(waiting))
    return tuple(notices)


def _approved_in_packet_order(hearing: Hearing, measure: Measure | None, *columns):
    """A SELECT of the columns for approved testimony, in packet order: agenda order of
    measures, then support, oppose, neutral, then arrival."""
    order = case({p: i for i, p in enumerate(POSITION_ORDER)}, value=Testimony.position)
    query = (
        select(*columns)
        .join(
            hearing_measures,
            and_(
                hearing_measures.c.hearing_id == Testimony.hearing_id,
                hearing_measures.c.measure_id == Testimony.measure_id,
            ),
        )
        .where(
            Testimony.hearing_id == hearing.id,
            Testimony.status == ReviewStatus.APPROVED,
            undisputed(),  # "I did not send this" keeps it out unless a moderator kept it
        )
        .order_by(
            hearing_measures.c.position,
            hearing_measures.c.measure_id,
            order,
            Testimony.received_at,
            Testimony.id,
        )
    )
    if measure is not None:
        query = query.where(addresses(measure))
    return query


def approved_ids(hearing: Hearing, measure: Measure | None = None) -> list[int]:
    """Ids of the approved testimony in packet order (ids only: a few bytes each)."""
    return list(db.session.scalars(_approved_in_packet_order(hearing, measure, Testimony.id)))


def approved_rows(hearing: Hearing, measure: Measure | None = None) -> list:
    """The testimony the packet prints, in packet order, as small rows: id, measure_id,
    campaign_id, has_files, tracking_number and version (what gather_campaigns and the
    addendum need; a few dozen bytes each)."""
    has_files = exists().where(Attachment.testimony_id == Testimony.id)
    return list(
        db.session.execute(
            _approved_in_packet_order(
                hearing,
                measure,
                Testimony.id,
                Testimony.measure_id,
                Testimony.campaign_id,
                has_files.label("has_files"),
                Testimony.tracking_number,
                Testimony.version,
            )
        ).all()
    )


def packet_items(hearing: Hearing, measure: Measure | None = None) -> list[int | CampaignItem]:
    """The same testimony, with campaign members gathered into one item per campaign and
    measure, placed where its first member would be (see app/exports/packet/campaigns.py)."""
    return gather_campaigns(approved_rows(hearing, measure))


def entries(
    hearing: Hearing,
    items: list[int | CampaignItem],
    on_batch: Callable[[], None] | None = None,
    printed: dict[int, int] | None = None,
) -> Iterator[PacketEntry | CampaignEntry]:
    """The packet records for these items (testimony ids, or campaigns' member ids), in the
    same order, BATCH testimonies at a time; a campaign becomes one CampaignEntry.

    on_batch runs after each batch is read and turned into plain records, when no database
    object is in use: a background export ends its transaction there, so a long export never
    holds SQLite's write lock while it prints.

    printed, when given, is filled with the id and version of every testimony yielded (alone
    or as a campaign's member): what the packet printed, which its addendum compares with.
    """
    zone = hearing.timezone
    is_resident = hearing.body.resident_matcher()
    ids = item_ids(items)
    owners = [item for item in items for _ in (item.member_ids if _is_campaign(item) else (0,))]
    gathered: list[PacketEntry] = []
    keys: dict[int, str] = {}
    campaigns: dict[int, list[EndorsementLine]] = {}  # campaign id → its sign-ons
    for start in range(0, len(ids), BATCH):
        wanted = ids[start : start + BATCH]
        rows = db.session.scalars(
            select(Testimony)
            .where(
                Testimony.id.in_(wanted),
                Testimony.status == ReviewStatus.APPROVED,
                undisputed(),
            )
            .options(
                joinedload(Testimony.measure),
                selectinload(Testimony.attachments),
                selectinload(Testimony.stances).joinedload(TestimonyMeasure.measure),
                selectinload(Testimony.organisation),
            )
        ).all()
        by_id = {t.id: t for t in rows}
        spans = active_spans_for(rows)
        endorsed = endorsements_for_testimony(by_id)
        campaigns.update(endorsements_for_campaigns({t.campaign_id for t in rows} - {None}))
        # Withdrawn or reviewed again since the export started: left out.
        records = {
            i: _entry(by_id[i], spans[i], zone, is_resident, endorsed[i], campaigns) for i in by_id
        }
        if printed is not None:
            # Every record read is printed: alone, or as a signatory of its campaign's entry.
            printed.update((t.id, t.version) for t in rows)
        keys.update((t.id, t.wording_key or "") for t in rows)
        for t in rows:
            db.session.expunge(t)
        if on_batch is not None:
            on_batch()
        ready: list[PacketEntry | CampaignEntry] = []
        for offset, testimony_id in enumerate(wanted, start=start):
            owner = owners[offset]
            if not _is_campaign(owner):
                keys.pop(testimony_id, None)
                if testimony_id in records:
                    ready.append(records[testimony_id])
                continue
            if testimony_id in records:
                gathered.append(records[testimony_id])
            else:
                keys.pop(testimony_id, None)
            if testimony_id == owner.member_ids[-1]:
                if len(gathered) >= 2:
                    entry = campaign_entry(owner, gathered, keys)
                    signed = _names(campaigns.get(owner.campaign_id, []))
                    ready.append(replace(entry, signed_on_by=signed))
                else:
                    ready.extend(gathered)
                gathered = []
                for member in owner.member_ids:
                    keys.pop(member, None)
        yield from ready


def _is_campaign(item) -> bool:
    return isinstance(item, CampaignItem)


def organization_label(t: Testimony) -> str:
    """The organization as the packet prints it: empty for none, and said when the resident
    testifies on its behalf."""
    organization = t.organization or ""
    if organization and t.speaks_for_organization:
        organization = _("%(organization)s (testifying on its behalf)", organization=organization)
    return organization


def _names(lines: list[EndorsementLine], *, registered: bool = True) -> tuple[str, ...]:
    return tuple(line.name for line in lines if line.is_registered is registered)


def _entry(
    t: Testimony,
    spans,
    zone: str,
    is_resident,
    endorsed: list[EndorsementLine],
    campaigns: dict[int, list[EndorsementLine]],
) -> PacketEntry:
    organization = organization_label(t)
    local = to_local(t.received_at, zone)
    speaking = {
        SpeakingRequest.NONE: "",
        SpeakingRequest.IN_PERSON: _("Asked to speak in person"),
        SpeakingRequest.REMOTE: _("Asked to speak remotely"),
    }[t.speaking_request]
    return PacketEntry(
        tracking_number=t.tracking_number,
        name=t.full_name,
        city=t.city,
        organization=organization,
        measure_number=t.measure.number,
        position=position_label(t.position),
        received=local.strftime("%Y-%m-%d %H:%M"),
        received_offset=int(local.utcoffset().total_seconds() // 60),
        text=public_text(t.body, spans),
        speaking=speaking,
        attachments=tuple(
            AttachmentItem(a.original_name, a.sha256, a.page_count)
            for a in sorted(t.attachments, key=lambda a: a.id)
        ),
        resident=is_resident(t.city, t.zip_code),
        asked_to_speak=t.speaking_request is not SpeakingRequest.NONE,
        sent_by=t.organisation.name if t.organisation_id else "",
        also=tuple(
            (stance.measure.number, position_label(stance.position))
            for stance in t.in_agenda_order()
            if stance.measure_id != t.measure_id
        ),
        signed_on_by=_names(endorsed),
        named_endorsers=_names(endorsed, registered=False),
        campaign_signed_on_by=_names(campaigns.get(t.campaign_id, [])),
        marks=tuple(
            mark
            for mark, present in (
                ("confirmed", t.email_confirmed_at is not None),
                ("automated", t.quarantine_reason is not None),
                ("throwaway", throwaway_address(t.email)),
            )
            if present
        ),
    )
