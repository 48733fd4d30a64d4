"""The packet addendum: what changed since an earlier packet of the hearing, as a short PDF.

A whole-hearing packet records which version of which testimony it printed (PacketTestimony).
The addendum compares that with what the packet would print now, by the packet's own selection
(approved_rows: approved, not disputed unless kept, on the agenda), and lists:

- new testimony: in the packet now, not in the earlier one, printed in full as the packet
  prints it (a campaign's new letters once, with their signatories);
- amended: in both, now at a later version: the text as printed then and as it reads now, with
  any change of measure or position;
- withdrawn, and now disputed: in the earlier packet, since withdrawn or disputed by the owner
  of the e-mail address;
- no longer in the packet: in the earlier packet, out of it now for another reason (rejected,
  back in review after an amendment, ...), with the reason, so nothing drops out silently;
- position sign-ins added to the roster, changed, or no longer on record, one line each (see
  roster_changes.py), when the hearing has any.

Every section is sorted by the measure's place on the agenda, then tracking number. Only the
public fields the packet prints are read into these records (never e-mail or street address),
and text has moderators' redactions applied, those of the version shown. The same changes and
time of making give the same bytes. The changes are held in memory: an addendum is short.
"""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.exports.models import Packet, PacketTestimony
from app.exports.packet.campaigns import CampaignEntry, gather_campaigns
from app.exports.packet.data import (
    BATCH,
    PacketEntry,
    approved_rows,
    cover_notices,
    entries,
    organization_label,
    position_label,
)
from app.exports.packet.front import page_furniture, write_title_and_hearing
from app.exports.packet.pdf import (
    SUBHEADING,
    write_campaign,
    write_endorsements,
    write_measures,
)
from app.exports.packet.roster_changes import (
    SignInChanges,
    sign_in_changes,
    write_cover_counts,
    write_sections,
)
from app.exports.pdf.stream import Bookmark, write_typeset
from app.exports.pdf.typesetting import (
    BODY,
    HEADING,
    LABEL,
    SMALL,
    Furniture,
    PageWriter,
    Style,
    isolated,
)
from app.hearings.models import Hearing, Measure
from app.moderation.models import Redaction
from app.moderation.redaction import public_text
from app.platform.extensions import db
from app.platform.timezones import local_time
from app.testimony.models import (
    Position,
    ReviewStatus,
    Testimony,
    TestimonyMeasure,
    TestimonyVersion,
)

INTRO = Style(size=10.5, leading=14, bold=True)


class Section(enum.StrEnum):
    NEW = "new"
    AMENDED = "amended"
    WITHDRAWN = "withdrawn"
    DISPUTED = "disputed"
    REMOVED = "removed"


def section_title(section: Section) -> str:
    return {
        Section.NEW: _("New testimony"),
        Section.AMENDED: _("Amended"),
        Section.WITHDRAWN: _("Withdrawn"),
        Section.DISPUTED: _("Now disputed"),
        Section.REMOVED: _("No longer in the packet"),
    }[section]


def section_note(section: Section) -> str:
    return {
        Section.NEW: _(
            "Approved since the earlier packet and printed here in full. Attachments are named; "
            "their pages are in the next full packet and the bundle."
        ),
        Section.AMENDED: _(
            "Changed by the resident since the earlier packet and approved again: the text as "
            "that packet printed it, then as it reads now."
        ),
        Section.WITHDRAWN: _("In the earlier packet; the resident has since withdrawn it."),
        Section.DISPUTED: _(
            "In the earlier packet; the owner of the e-mail address has since said they did not "
            "send it, so it is left out unless a moderator decides to keep it."
        ),
        Section.REMOVED: _(
            "In the earlier packet but not in the packet now, for the reason given."
        ),
    }[section]


@dataclass(frozen=True)
class ChangedEntry:
    """A testimony of the earlier packet that changed: its public fields only."""

    tracking_number: str
    name: str
    city: str
    organization: str
    # As printed in the earlier packet; for an amendment, as it is now.
    measure_number: str
    position: str
    printed_version: int
    version: int
    # An amendment: as the earlier packet printed it, and its text now (redactions applied).
    earlier_measure_number: str = ""
    earlier_position: str = ""
    earlier_text: str = ""
    text: str = ""
    reason: str = ""  # no longer in the packet: why


@dataclass(frozen=True)
class EarlierPacket:
    made: str  # when, in the body's time zone, as the export history shows it
    made_by: str
    fingerprint: str
    items: int


@dataclass
class Changes:
    since: EarlierPacket
    new: list[PacketEntry | CampaignEntry]
    amended: list[ChangedEntry]
    withdrawn: list[ChangedEntry]
    disputed: list[ChangedEntry]
    removed: list[ChangedEntry]
    # The roster's changes, or None when the hearing has no sign-in to speak of.
    sign_ins: SignInChanges | None = None

    def sections(self) -> list[tuple[Section, list]]:
        return [
            (Section.NEW, self.new),
            (Section.AMENDED, self.amended),
            (Section.WITHDRAWN, self.withdrawn),
            (Section.DISPUTED, self.disputed),
            (Section.REMOVED, self.removed),
        ]

    def count(self, section: Section) -> int:
        """Testimonies in the section, each of a campaign's letters counted."""
        items = dict(self.sections())[section]
        return sum(len(e.signatories) if isinstance(e, CampaignEntry) else 1 for e in items)

    @property
    def item_count(self) -> int:
        return sum(self.count(section) for section in Section)

    def fingerprint(self, scope: dict) -> str:
        """A digest of the changes and what they are relative to, not of when they were made."""
        digest = hashlib.sha256()
        head = {"scope": scope, "since": self.since.fingerprint}
        digest.update(json.dumps(head, sort_keys=True).encode() + b"\n")
        for section, items in self.sections():
            for entry in items:
                record = {"section": section.value, "entry": asdict(entry)}
                digest.update(json.dumps(record, sort_keys=True).encode() + b"\n")
        if self.sign_ins is not None:
            for record in self.sign_ins.records():
                digest.update(json.dumps(record, sort_keys=True).encode() + b"\n")
        return digest.hexdigest()


@dataclass(frozen=True)
class AddendumCover:
    body: str
    committee: str
    hearing: str
    starts: str
    location: str
    measures: tuple[str, ...]
    since: EarlierPacket
    generated_at: str
    generated_by: str
    notices: tuple[str, ...] = ()


# -- what changed --------------------------------------------------------------------------------


def changes_since(
    hearing: Hearing, since_packet_id: int, on_batch: Callable[[], None] | None = None
) -> Changes:
    """What changed in the hearing's packet since the earlier packet (checked by the service
    that queued the addendum: this hearing's, whole-hearing, ready, contents recorded).

    on_batch runs between batches, when no database object is in use (see data.entries)."""
    since = db.session.scalars(
        select(Packet).where(Packet.id == since_packet_id).options(joinedload(Packet.created_by))
    ).one()
    zone = hearing.timezone
    earlier = EarlierPacket(
        made=local_time(since.created_at, zone, "short"),
        made_by=since.created_by.name if since.created_by else _("the command line"),
        fingerprint=since.content_sha256 or "",
        items=since.item_count,
    )
    agenda = {measure.id: place for place, measure in enumerate(hearing.measures)}
    printed = dict(
        db.session.execute(
            select(PacketTestimony.testimony_id, PacketTestimony.version).where(
                PacketTestimony.packet_id == since_packet_id
            )
        ).all()
    )
    rows = approved_rows(hearing)
    selected = {row.id for row in rows}
    fresh = sorted(
        (row for row in rows if row.id not in printed),
        key=lambda row: (agenda.get(row.measure_id, len(agenda)), row.tracking_number),
    )
    amended = [row.id for row in rows if row.id in printed and row.version > printed[row.id]]
    gone = sorted(set(printed) - selected)
    if on_batch is not None:
        on_batch()
    new = list(entries(hearing, gather_campaigns(fresh), on_batch=on_batch))
    sorted_out: dict[Section, list[tuple[tuple, ChangedEntry]]] = {s: [] for s in Section}
    ids = amended + gone
    for start in range(0, len(ids), BATCH):
        wanted = ids[start : start + BATCH]
        for section, key, entry in _changed(wanted, printed, selected, agenda):
            sorted_out[section].append((key, entry))
        if on_batch is not None:
            on_batch()

    def ordered(section: Section) -> list[ChangedEntry]:
        return [entry for _key, entry in sorted(sorted_out[section], key=lambda pair: pair[0])]

    return Changes(
        since=earlier,
        new=new,
        amended=ordered(Section.AMENDED),
        withdrawn=ordered(Section.WITHDRAWN),
        disputed=ordered(Section.DISPUTED),
        removed=ordered(Section.REMOVED),
        sign_ins=sign_in_changes(hearing, since_packet_id),
    )


def _changed(wanted: list[int], printed: dict[int, int], selected: set[int], agenda: dict):
    """(section, sort key, entry) for each of these testimonies of the earlier packet."""
    rows = db.session.scalars(
        select(Testimony)
        .where(Testimony.id.in_(wanted))
        .options(
            joinedload(Testimony.measure),
            selectinload(Testimony.versions).joinedload(TestimonyVersion.measure),
            selectinload(Testimony.stances).joinedload(TestimonyMeasure.measure),
        )
    ).all()
    numbers = _measure_numbers(rows)
    spans: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for row in db.session.execute(
        select(
            Redaction.testimony_id,
            Redaction.testimony_version,
            Redaction.start_offset,
            Redaction.end_offset,
        ).where(Redaction.testimony_id.in_(wanted), Redaction.removed_at.is_(None))
    ):
        spans.setdefault((row.testimony_id, row.testimony_version), []).append(
            (row.start_offset, row.end_offset)
        )
    found = []
    for t in rows:
        version = printed[t.id]
        then_measure, then_body, then_stances = _as_printed(t, version)
        now_stances = [(stance.measure_id, stance.position) for stance in t.in_agenda_order()]
        common = {
            "tracking_number": t.tracking_number,
            "name": t.full_name,
            "city": t.city,
            "organization": organization_label(t),
            "printed_version": version,
            "version": t.version,
        }
        if t.status is ReviewStatus.WITHDRAWN:
            section = Section.WITHDRAWN
        elif t.is_disputed:
            section = Section.DISPUTED
        elif t.id not in selected:
            section = Section.REMOVED
        else:
            section = Section.AMENDED
        if section is Section.AMENDED:
            earlier_text = (
                public_text(then_body, spans.get((t.id, version), []))
                if then_body is not None
                else ""
            )
            entry = ChangedEntry(
                **common,
                measure_number=_numbers_text(now_stances, numbers),
                position=_positions_text(now_stances, numbers),
                earlier_measure_number=_numbers_text(then_stances, numbers),
                earlier_position=_positions_text(then_stances, numbers),
                earlier_text=earlier_text,
                text=public_text(t.body, spans.get((t.id, t.version), [])),
            )
            measure_id = t.measure_id
        else:
            entry = ChangedEntry(
                **common,
                measure_number=_numbers_text(then_stances, numbers),
                position=_positions_text(then_stances, numbers),
                reason=_reason(t, version, agenda) if section is Section.REMOVED else "",
            )
            measure_id = then_measure.id
        found.append((section, (agenda.get(measure_id, len(agenda)), t.tracking_number), entry))
    for t in rows:
        db.session.expunge(t)
    return found


def _as_printed(t: Testimony, version: int):
    """(main measure, text, every measure with its position) of the testimony
    at the version the earlier packet printed; the text is None if that version is not kept."""
    if t.version != version:
        for earlier in t.versions:
            if earlier.version == version:
                return earlier.measure, earlier.body, earlier.stances()
    stances = [(stance.measure_id, stance.position) for stance in t.in_agenda_order()]
    return t.measure, t.body if t.version == version else None, stances


def _measure_numbers(rows: list[Testimony]) -> dict[int, str]:
    """The number of every measure these testimonies address or addressed, in one query at
    most (earlier versions may name measures since taken off the agenda)."""
    numbers = {}
    for t in rows:
        numbers[t.measure_id] = t.measure.number
        numbers.update((stance.measure_id, stance.measure.number) for stance in t.stances)
        numbers.update((v.measure_id, v.measure.number) for v in t.versions)
    wanted = {
        measure_id
        for t in rows
        for v in t.versions
        for measure_id, _position in v.stances()
        if measure_id not in numbers
    }
    if wanted:
        numbers.update(
            db.session.execute(
                select(Measure.id, Measure.number).where(Measure.id.in_(wanted))
            ).tuples()
        )
    return numbers


def _numbers_text(stances: list[tuple[int, Position]], numbers: dict[int, str]) -> str:
    """The measures addressed: "H.1538", or "H.1538, S.927" for several."""
    return ", ".join(numbers.get(measure_id, "") for measure_id, _position in stances)


def _positions_text(stances: list[tuple[int, Position]], numbers: dict[int, str]) -> str:
    """The position: "Support"; on several measures, each with its measure's number."""
    if len(stances) == 1:
        return position_label(stances[0][1])
    return "; ".join(
        f"{numbers.get(measure_id, '')}: {position_label(position)}"
        for measure_id, position in stances
    )


def _reason(t: Testimony, version: int, agenda: dict) -> str:
    if t.status is ReviewStatus.REJECTED:
        return _("Rejected by a moderator.")
    if t.status in (ReviewStatus.PENDING, ReviewStatus.FLAGGED) and t.version > version:
        return _(
            "Amended by the resident (now version %(version)d); the new text awaits review.",
            version=t.version,
        )
    if t.status in (ReviewStatus.PENDING, ReviewStatus.FLAGGED):
        return _("Under review again.")
    if t.measure_id not in agenda:
        return _("Its measure is no longer on this hearing's agenda.")
    return _("No longer approved.")


def addendum_cover(
    hearing: Hearing, changes: Changes, *, generated_at: datetime, generated_by: str
) -> AddendumCover:
    zone = hearing.timezone
    return AddendumCover(
        body=hearing.body.name,
        committee=hearing.committee.name,
        hearing=hearing.title,
        starts=local_time(hearing.starts_at, zone),
        location=hearing.location or "",
        measures=tuple(f"{m.number}: {m.title}" for m in hearing.measures),
        since=changes.since,
        generated_at=local_time(generated_at, zone),
        generated_by=generated_by,
        notices=cover_notices(hearing, None),
    )


# -- the PDF -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AddendumResult:
    page_count: int
    item_count: int  # changed testimonies, each of a campaign's letters counted
    content_sha256: str


def build_addendum(
    out_path: Path,
    cover: AddendumCover,
    changes: Changes,
    *,
    workdir: Path,
    generated_at: datetime,
    lang: str,
) -> AddendumResult:
    """Write the addendum; the same cover and changes always give the same bytes."""
    scope = {
        "body": cover.body,
        "committee": cover.committee,
        "hearing": cover.hearing,
        "measures": list(cover.measures),
    }
    digest = changes.fingerprint(scope)
    title = _("Packet addendum: %(hearing)s", hearing=cover.hearing)
    total, _marks = _write(None, cover, changes, digest, title=title, furniture=None)
    header = f"{isolated(cover.hearing)} · {isolated(cover.committee)}"
    typeset = workdir / "addendum-typeset.pdf"
    pages, marks = _write(
        typeset, cover, changes, digest, title=title, furniture=page_furniture(header, total)
    )
    if pages != total:
        raise RuntimeError("the addendum's pages do not match its page numbers")
    write_typeset(
        out_path,
        typeset,
        title=title,
        subject=f"{cover.body} · {cover.committee}",
        generated_at=generated_at,
        lang=lang,
        bookmarks=marks,
    )
    return AddendumResult(total, changes.item_count, digest)


def _write(
    path: Path | None,
    cover: AddendumCover,
    changes: Changes,
    digest: str,
    *,
    title: str,
    furniture: Furniture | None,
) -> tuple[int, list[Bookmark]]:
    """Lay the addendum out (only counting pages when path is None): its page count and
    bookmarks, one per section with one per entry under it."""
    writer = PageWriter(str(path) if path else None, title=title, furniture=furniture)
    marks = [Bookmark(_("Cover"), 0)]
    _write_cover(writer, cover, changes, digest)
    writer.start_page()
    for section, items in changes.sections():
        writer.space(0 if writer.blank else 14)
        writer.ensure(HEADING.leading + SMALL.leading * 2 + BODY.leading * 2)
        mark = Bookmark(f"{section_title(section)} ({changes.count(section)})", writer.pages - 1)
        marks.append(mark)
        writer.paragraph(section_title(section), HEADING)
        writer.paragraph(section_note(section), SMALL)
        writer.space(4)
        if not items:
            writer.paragraph(_("None"), BODY)
        for entry in items:
            writer.ensure(SUBHEADING.leading + BODY.leading * 6)
            mark.children.append(Bookmark(_entry_label(entry), writer.pages - 1))
            writer.rule()
            if isinstance(entry, CampaignEntry):
                write_campaign(writer, entry)
            elif isinstance(entry, PacketEntry):
                _write_new(writer, entry)
            elif section is Section.AMENDED:
                _write_amended(writer, entry)
            else:
                _write_listed(writer, entry)
            writer.space(6)
    if changes.sign_ins is not None:
        marks.extend(write_sections(writer, changes.sign_ins))
    return writer.finish(), marks


def _write_cover(writer: PageWriter, cover: AddendumCover, changes: Changes, digest: str) -> None:
    write_title_and_hearing(writer, _("Packet addendum"), cover)
    writer.space(10)
    since = cover.since
    writer.paragraph(
        _(
            "Changes since the packet of %(when)s (fingerprint %(digest)s).",
            when=since.made,
            digest=since.fingerprint[:16],
        ),
        INTRO,
    )
    writer.paragraph(
        ngettext(
            "That packet was made by %(who)s and printed %(num)d testimony. Read this addendum "
            "with it: it lists only what changed.",
            "That packet was made by %(who)s and printed %(num)d testimonies. Read this "
            "addendum with it: it lists only what changed.",
            since.items,
            who=isolated(since.made_by),
        ),
        SMALL,
    )
    writer.space(8)
    writer.paragraph(_("Changes"), HEADING)
    for section, _items in changes.sections():
        writer.field(section_title(section), str(changes.count(section)), label_width=200.0)
    writer.field(_("All changes"), str(changes.item_count), label_width=200.0)
    if changes.sign_ins is not None:
        write_cover_counts(writer, changes.sign_ins)
    writer.space(10)
    for notice in cover.notices:  # closed early; testimony awaiting review, left out
        writer.paragraph(notice, BODY)
    for line in (
        _(
            "Generated %(when)s by %(who)s.",
            when=cover.generated_at,
            who=isolated(cover.generated_by),
        ),
        _("Content fingerprint of this addendum: %(digest)s.", digest=digest[:16]),
        _(
            "Testimony is printed as submitted, with moderators' redactions shown as [redacted]. "
            "Street and e-mail addresses are never printed."
        ),
    ):
        writer.paragraph(line, SMALL)


def _write_person(writer: PageWriter, tracking_number: str, name: str, city: str, org: str):
    writer.paragraph(tracking_number, SUBHEADING)
    writer.field(_("Name"), name)
    writer.field(_("City or town"), city)
    if org:
        writer.field(_("Organization"), org)


def _write_new(writer: PageWriter, entry: PacketEntry) -> None:
    _write_person(writer, entry.tracking_number, entry.name, entry.city, entry.organization)
    write_measures(writer, entry)
    writer.field(_("Received"), entry.received)
    if entry.speaking:
        writer.field(_("Speaking"), entry.speaking)
    write_endorsements(writer, entry)
    for attachment in entry.attachments:
        writer.field(
            _("Attachment"),
            ngettext(
                "%(name)s (%(num)d page; in the full packet, not in this addendum)",
                "%(name)s (%(num)d pages; in the full packet, not in this addendum)",
                attachment.page_count,
                name=isolated(attachment.name),
            ),
        )
    writer.space(4)
    writer.paragraph(entry.text, BODY)


def _changed_value(before: str, now: str) -> str:
    if before == now or not before:
        return now
    return _("%(now)s (was %(before)s)", now=isolated(now), before=isolated(before))


def _write_amended(writer: PageWriter, entry: ChangedEntry) -> None:
    _write_person(writer, entry.tracking_number, entry.name, entry.city, entry.organization)
    writer.field(_("Measure"), _changed_value(entry.earlier_measure_number, entry.measure_number))
    writer.field(_("Position"), _changed_value(entry.earlier_position, entry.position))
    writer.field(
        _("Version"),
        _(
            "%(now)d; the earlier packet printed version %(then)d",
            now=entry.version,
            then=entry.printed_version,
        ),
    )
    writer.space(4)
    if entry.earlier_text == entry.text:
        writer.paragraph(_("The text is unchanged."), SMALL)
        return
    writer.paragraph(
        _("As the earlier packet printed it (version %(num)d)", num=entry.printed_version), LABEL
    )
    writer.paragraph(entry.earlier_text or _("(That version's text is not kept.)"), BODY)
    writer.space(6)
    writer.paragraph(_("As it reads now (version %(num)d)", num=entry.version), LABEL)
    writer.paragraph(entry.text, BODY)


def _write_listed(writer: PageWriter, entry: ChangedEntry) -> None:
    _write_person(writer, entry.tracking_number, entry.name, entry.city, entry.organization)
    writer.field(_("Measure"), entry.measure_number)
    writer.field(_("Position"), entry.position)
    if entry.reason:
        writer.field(_("Reason"), entry.reason)


def _entry_label(entry: PacketEntry | CampaignEntry | ChangedEntry) -> str:
    if isinstance(entry, CampaignEntry):
        return ngettext(
            "Campaign %(label)s (%(num)d letters)",
            "Campaign %(label)s (%(num)d letters)",
            len(entry.signatories),
            label=entry.label,
        )
    who = ", ".join(part for part in (entry.name, entry.city) if part)
    return f"{entry.tracking_number}  {who}"
