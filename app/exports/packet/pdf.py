"""Build the hearing packet PDF in two passes, without holding the hearing in memory.

Pass one reads the approved testimony once, saves it as plain records to a work file, re-checks
every attachment and measures how many pages each testimony takes (the same layout code, drawing
nothing). Then every page number is known: the cover and contents are printed first, and pass
two prints the testimony in chunks of a few hundred, each followed by its attachments, with the
running header and "Page N of M" drawn on the page. Pages go straight to disk through
StreamingPdfWriter, so memory does not grow with the size of the hearing.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

import pikepdf
from flask_babel import gettext as _
from flask_babel import ngettext

from app.exports.packet.campaign_card import write_campaign_card
from app.exports.packet.campaigns import CampaignEntry, Signatory
from app.exports.packet.data import (
    AttachmentItem,
    Fingerprint,
    PacketCover,
    PacketEntry,
    Tallies,
)
from app.exports.packet.front import (
    TocLine,
    page_furniture,
    render_cover,
    render_furniture,
    render_toc,
    toc_page_count,
)
from app.exports.packet.roster import Roster, RosterPlan, write_roster
from app.exports.packet.roster import bookmarks as roster_bookmarks
from app.exports.packet.roster import contents_lines as roster_contents
from app.exports.packet.roster import plan as plan_roster
from app.exports.pdf.stream import Bookmark, StreamingPdfWriter
from app.exports.pdf.typesetting import BODY, HEADING, LABEL, SMALL, PageWriter, Style, isolated
from app.testimony.attachment_pages import UnusableAttachment, open_clean

SUBHEADING = Style(size=11, leading=15, bold=True)

CHUNK = 250  # testimonies per typeset document (ReportLab keeps a document in memory)
CHUNK_ATTACHMENT_PAGES = 2000  # attachment pages opened at once per chunk


@dataclass
class Placed:
    """Where one testimony and its attachments land, by page number from 1."""

    label: str
    measure: str
    text_pages: int
    # The other measures it addresses: the contents list it under each, pointing here.
    others: tuple[str, ...] = ()
    # (file name, pages or None when it cannot be included, reason when it cannot)
    attachments: list[tuple[str, int | None, str]] = field(default_factory=list)
    first_page: int = 0


@dataclass(frozen=True)
class PacketResult:
    page_count: int
    item_count: int  # testimonies printed, each campaign member counted
    content_sha256: str


@dataclass
class PacketJob:
    """What a packet needs besides its testimony: where files are and how to report progress."""

    workdir: Path
    attachment_path: Callable[[str], Path]
    max_attachment_pages: int
    lang: str
    generated_at: datetime
    progress: Callable[[int], None] = lambda done: None


def build_packet(
    out_path: Path,
    cover: PacketCover,
    entries: Iterable[PacketEntry],
    job: PacketJob,
    roster: Roster | None = None,
) -> PacketResult:
    """Write the packet to out_path. The same cover and entries always give the same bytes.
    The roster of position sign-ins, when there are any, follows the testimony.

    Progress is reported in steps: one per testimony read and measured, one per printed.
    """
    records = job.workdir / "entries.jsonl"
    placements, tallies, digest, attachment_pages = _first_pass(cover, entries, records, job)
    laid = plan_roster(roster) if roster is not None else RosterPlan(0, [])
    noted = roster.noted() if roster is not None else []
    if laid.pages:  # the fingerprint covers the roster too, when there is one
        digest = hashlib.sha256(f"{digest}\n{roster.digest}".encode()).hexdigest()
    title = _("Testimony packet: %(hearing)s", hearing=cover.hearing)
    header = f"{isolated(cover.hearing)} · {isolated(cover.committee)}"
    cover_pages = render_cover(
        None, cover, tallies, digest, title=title, attachment_pages=attachment_pages, noted=noted
    )
    lines = _toc_lines(placements, cover) + _roster_toc(roster, laid, 0, bool(placements))
    front = cover_pages + toc_page_count(len(lines))
    page = front
    for item in placements:
        item.first_page = page + 1
        page += item.text_pages + sum(pages or 0 for _n, pages, _r in item.attachments)
    roster_first = page + 1
    total = page + laid.pages
    furniture = page_furniture(header, total)
    writer = StreamingPdfWriter(out_path)
    try:
        cover_path, toc_path = job.workdir / "cover.pdf", job.workdir / "contents.pdf"
        render_cover(
            cover_path,
            cover,
            tallies,
            digest,
            title=title,
            attachment_pages=attachment_pages,
            furniture=furniture,
            noted=noted,
        )
        lines = _toc_lines(placements, cover)
        lines += _roster_toc(roster, laid, roster_first, bool(placements))
        render_toc(toc_path, lines, title=title, furniture=furniture, first_number=cover_pages + 1)
        for path in (cover_path, toc_path):
            with pikepdf.open(path) as pdf:
                copier = writer.copier(pdf)
                for pdf_page in pdf.pages:
                    copier.copy(pdf_page)
        _second_pass(writer, records, placements, job, header=header, total=total)
        if laid.pages:
            write_roster(
                writer, roster, workdir=job.workdir, furniture=furniture, first_number=roster_first
            )
        if writer.page_count != total:
            raise RuntimeError("the packet's pages do not match its page numbers")
        stamp = job.generated_at.strftime("D:%Y%m%d%H%M%SZ")
        writer.close(
            info={
                "Title": title,
                "Subject": f"{cover.body} · {cover.committee}",
                "Creator": "OpenTestimony",
                "Producer": "OpenTestimony",
                "CreationDate": stamp,
                "ModDate": stamp,
            },
            lang=job.lang,
            bookmarks=_bookmarks(placements, cover, cover_pages)
            + (roster_bookmarks(roster, laid, roster_first - 1) if laid.pages else []),
        )
    except BaseException:
        writer.abort()
        raise
    return PacketResult(total, tallies.total.count, digest)


def _first_pass(cover: PacketCover, entries, records: Path, job: PacketJob):
    only = frozenset(m.number for m in cover.measures) if cover.scope else None
    tallies, fingerprint = Tallies(only=only), Fingerprint()
    fingerprint.add_scope(cover)  # what the packet covers: a measure's packet is not the hearing's
    placements: list[Placed] = []
    checked: dict[str, int | str] = {}  # attachment digest → pages, or why it cannot be used
    attachment_pages = 0
    with records.open("w", encoding="utf-8") as out:
        for count, entry in enumerate(entries, start=1):
            out.write(json.dumps(asdict(entry), ensure_ascii=False) + "\n")
            tallies.add(entry)
            fingerprint.add(entry)
            item = Placed(_entry_label(entry), entry.measure_number, 0, _others(entry))
            if isinstance(entry, CampaignEntry):
                measuring = PageWriter(None)
                write_campaign(measuring, entry)
                item.text_pages = measuring.finish()
                placements.append(item)
                continue
            for attachment in entry.attachments:
                if attachment.sha256 not in checked:
                    checked[attachment.sha256] = _check(attachment, job)
                result = checked[attachment.sha256]
                if isinstance(result, int):
                    item.attachments.append((attachment.name, result, ""))
                    attachment_pages += result
                else:
                    item.attachments.append((attachment.name, None, result))
            measuring = PageWriter(None)
            _write_entry(measuring, entry, item.attachments)
            item.text_pages = measuring.finish()
            placements.append(item)
            if count % 100 == 0:
                job.progress(count)
    job.progress(len(placements))
    return placements, tallies, fingerprint.hexdigest(), attachment_pages


def _open_clean(attachment: AttachmentItem, job: PacketJob):
    return open_clean(
        job.attachment_path(attachment.sha256),
        attachment.sha256,
        max_pages=job.max_attachment_pages,
    )


def _check(attachment: AttachmentItem, job: PacketJob) -> int | str:
    try:
        clean = _open_clean(attachment, job)
    except UnusableAttachment as error:
        return str(error)
    clean.pdf.close()
    return clean.page_count


def _records(path: Path) -> Iterator[PacketEntry]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            data = json.loads(line)
            data["attachments"] = tuple(AttachmentItem(**a) for a in data["attachments"])
            if "signatories" in data:
                data["signatories"] = tuple(Signatory(**s) for s in data["signatories"])
                yield CampaignEntry(**data)
            else:
                yield PacketEntry(**data)


def _chunks(entries: Iterator[PacketEntry], placements: list[Placed]):
    chunk: list[tuple[PacketEntry, Placed]] = []
    attachment_pages = 0
    for entry, item in zip(entries, placements, strict=True):
        chunk.append((entry, item))
        attachment_pages += sum(pages or 0 for _n, pages, _r in item.attachments)
        if len(chunk) >= CHUNK or attachment_pages >= CHUNK_ATTACHMENT_PAGES:
            yield chunk
            chunk, attachment_pages = [], 0
    if chunk:
        yield chunk


def _second_pass(writer, records, placements, job: PacketJob, *, header: str, total: int):
    furniture = page_furniture(header, total)
    done = len(placements)
    for number, chunk in enumerate(_chunks(_records(records), placements)):
        text_path = job.workdir / f"text-{number:05d}.pdf"
        typeset = PageWriter(str(text_path), furniture=furniture)
        starts = []
        for entry, item in chunk:
            typeset.start_page()
            starts.append(typeset.pages)
            typeset.number = item.first_page
            if isinstance(entry, CampaignEntry):
                write_campaign(typeset, entry)
            else:
                _write_entry(typeset, entry, item.attachments)
        typeset.finish()
        with pikepdf.open(text_path) as text:
            copier = writer.copier(text)
            for (entry, item), start in zip(chunk, starts, strict=True):
                for index in range(start - 1, start - 1 + item.text_pages):
                    copier.copy(text.pages[index])
                page = item.first_page + item.text_pages
                for attachment, (_name, pages, _reason) in zip(
                    entry.attachments, item.attachments, strict=True
                ):
                    if pages is None:
                        continue
                    label = _(
                        "Attachment to %(tracking)s: %(name)s",
                        tracking=entry.tracking_number,
                        name=isolated(attachment.name),
                    )
                    _copy_attachment(writer, attachment, job, label, page, total)
                    page += pages
        text_path.unlink()
        done += len(chunk)
        job.progress(done)


def _copy_attachment(
    writer, attachment: AttachmentItem, job: PacketJob, header: str, first: int, total: int
) -> None:
    try:
        clean = _open_clean(attachment, job)
    except UnusableAttachment as error:
        raise RuntimeError("an attachment changed while the packet was being made") from error
    furniture_path = job.workdir / "attachment-furniture.pdf"
    try:
        placings = [_placing(page) for page in clean.pdf.pages]
        render_furniture(furniture_path, [size for size, _m in placings], header, first, total)
        with pikepdf.open(furniture_path) as overlay:
            for page, over, (_size, matrix) in zip(
                clean.pdf.pages, overlay.pages, placings, strict=True
            ):
                _lay_over(clean.pdf, page, over, matrix)
            copier = writer.copier(clean.pdf)
            for page in clean.pdf.pages:
                copier.copy(page)
    finally:
        clean.pdf.close()


def _placing(page: pikepdf.Page):
    """The page's size as a reader shows it, and the matrix that puts a furniture page of that
    size upright on it, whatever the page's /Rotate and the origin of its media box."""
    x0, y0, x1, y1 = (float(v) for v in page.mediabox)
    width, height = x1 - x0, y1 - y0
    rotate = int(page.obj.get("/Rotate", 0)) % 360
    if rotate == 90:
        return (height, width), (0, 1, -1, 0, x0 + width, y0)
    if rotate == 180:
        return (width, height), (-1, 0, 0, -1, x0 + width, y0 + height)
    if rotate == 270:
        return (height, width), (0, -1, 1, 0, x0, y0 + height)
    return (width, height), (1, 0, 0, 1, x0, y0)


def _lay_over(pdf: pikepdf.Pdf, page: pikepdf.Page, over: pikepdf.Page, matrix) -> None:
    """Draw the furniture page on top of an attachment page under a fixed resource name
    (pikepdf's add_overlay picks a random one, and the packet must come out the same)."""
    form = pdf.copy_foreign(over.as_form_xobject())
    name = page.add_resource(form, pikepdf.Name.XObject, pikepdf.Name("/OpenTestimonyFurniture"))
    numbers = b" ".join(b"%.2f" % value for value in matrix)
    page.contents_add(b"q\n", prepend=True)
    page.contents_add(b"\nQ q %s cm %s Do Q\n" % (numbers, str(name).encode("ascii")))


def _write_entry(writer: PageWriter, entry: PacketEntry, attachments) -> None:
    writer.paragraph(entry.tracking_number, HEADING)
    writer.space(4)
    writer.field(_("Name"), entry.name)
    writer.field(_("City or town"), entry.city)
    if entry.organization:
        writer.field(_("Organization"), entry.organization)
    write_measures(writer, entry)
    writer.field(_("Received"), entry.received)
    if entry.sent_by:
        writer.field(
            _("Sent by"),
            _("%(organisation)s, through the API", organisation=isolated(entry.sent_by)),
        )
    if entry.speaking:
        writer.field(_("Speaking"), entry.speaking)
    write_endorsements(writer, entry)
    for name, pages, reason in attachments:
        if pages is None:
            note = _(
                "%(name)s: not included, because %(reason)s.", name=isolated(name), reason=reason
            )
        else:
            note = ngettext(
                "%(name)s (%(num)d page, follows this testimony)",
                "%(name)s (%(num)d pages, follows this testimony)",
                pages,
                name=isolated(name),
            )
        writer.field(_("Attachment"), note)
    writer.rule()
    writer.space(6)
    writer.paragraph(entry.text, BODY)


def write_measures(writer: PageWriter, entry: PacketEntry) -> None:
    """The measure and position of a testimony; of one on several measures, each with its
    position (the addendum prints new testimony this way too)."""
    if not entry.also:
        writer.field(_("Measure"), entry.measure_number)
        writer.field(_("Position"), entry.position)
        return
    stances = ((entry.measure_number, entry.position), *entry.also)
    writer.field(
        _("Measures"),
        " · ".join(f"{isolated(number)}: {position}" for number, position in stances),
    )


def _names(names) -> str:
    return " · ".join(isolated(name) for name in names)


def write_endorsements(writer: PageWriter, entry: PacketEntry) -> None:
    """Who endorses a testimony: registered organisations signed on to it and to its campaign's
    letter, then the organisations its sender named, printed as the sender's statement (the
    addendum prints new testimony this way too)."""
    if entry.signed_on_by:
        writer.field(_("Signed on by"), _names(entry.signed_on_by))
    if entry.campaign_signed_on_by:
        writer.field(
            _("Signed on by"),
            _("%(names)s (to its campaign's letter)", names=_names(entry.campaign_signed_on_by)),
        )
    if entry.named_endorsers:
        writer.field(
            _("Endorsed by"),
            _("%(names)s (as stated by the sender)", names=_names(entry.named_endorsers)),
        )


def write_campaign(writer: PageWriter, entry: CampaignEntry) -> None:
    """A campaign's letters: the shared text once, the signatories, what each changed (the
    addendum prints new campaign letters this way too)."""
    count = len(entry.signatories)
    writer.paragraph(
        ngettext(
            "Campaign %(label)s: %(num)d letter",
            "Campaign %(label)s: %(num)d letters",
            count,
            label=entry.label,
        ),
        HEADING,
    )
    writer.space(4)
    writer.field(_("Measure"), entry.measure_number)
    positions = Counter(s.position for s in entry.signatories)
    writer.field(_("Positions"), " · ".join(f"{p}: {n}" for p, n in positions.most_common()))
    writer.field(_("Shared text from"), entry.representative)
    if entry.signed_on_by:
        writer.field(_("Signed on by"), _names(entry.signed_on_by))
    write_campaign_card(writer, entry)
    writer.paragraph(
        _(
            "These letters share one text, printed once below. Each signatory is listed after "
            "it; whatever a signatory added or worded differently is printed in full at the end.",
        ),
        SMALL,
    )
    writer.rule()
    writer.space(6)
    writer.paragraph(entry.text, BODY)
    writer.space(10)
    writer.paragraph(_("Signatories"), SUBHEADING)
    for person in entry.signatories:
        position = person.position
        if person.also:
            stances = ((entry.measure_number, person.position), *person.also)
            position = "; ".join(f"{number}: {label}" for number, label in stances)
        details = [person.name, person.city, person.organization, position, person.speaking]
        if person.signed_on_by:
            details.append(_("signed on by %(names)s", names=_names(person.signed_on_by)))
        if person.named_endorsers:
            details.append(
                _(
                    "endorsed by %(names)s (as stated by the sender)",
                    names=_names(person.named_endorsers),
                )
            )
        line = " · ".join(isolated(part) for part in details if part)
        writer.paragraph(f"{person.tracking_number}  {line}  ({person.received})", SMALL)
    differing = [
        person
        for person in entry.signatories
        if person.personal_text or person.reworded_text or person.left_out
    ]
    if differing:
        writer.space(10)
        writer.paragraph(_("What signatories added or changed"), SUBHEADING)
        for person in differing:
            writer.space(4)
            who = ", ".join(isolated(part) for part in (person.name, person.city) if part)
            writer.paragraph(f"{person.tracking_number}  {who}", LABEL)
            if person.personal_text:
                writer.field(_("Added"), person.personal_text)
            if person.reworded_text:
                writer.field(_("Reworded"), person.reworded_text)
            if person.left_out:
                writer.paragraph(
                    ngettext(
                        "Leaves out %(num)d sentence of the letter.",
                        "Leaves out %(num)d sentences of the letter.",
                        person.left_out,
                    ),
                    SMALL,
                )


def _entry_label(entry: PacketEntry | CampaignEntry) -> str:
    if isinstance(entry, CampaignEntry):
        return ngettext(
            "Campaign %(label)s (%(num)d letters)",
            "Campaign %(label)s (%(num)d letters)",
            len(entry.signatories),
            label=entry.label,
        )
    who = ", ".join(isolated(part) for part in (entry.name, entry.city) if part)
    return f"{entry.tracking_number}  {who} ({entry.position})"


def _others(entry: PacketEntry | CampaignEntry) -> tuple[str, ...]:
    """The measures besides its own that an entry addresses (for a campaign: that any of
    its letters addresses), in agenda order."""
    people = entry.signatories if isinstance(entry, CampaignEntry) else (entry,)
    numbers = [number for person in people for number, _position in person.also]
    return tuple(dict.fromkeys(number for number in numbers if number != entry.measure_number))


def _toc_lines(placements: list[Placed], cover: PacketCover) -> list[TocLine]:
    """Under each measure, the testimony printed there, then the testimony printed under
    another measure that addresses this one too ("see page N")."""
    titles = {m.number: m.title for m in cover.measures}
    order = list(titles)
    for item in placements:
        if item.measure not in order:
            order.append(item.measure)
    lines: list[TocLine] = []
    for measure in order:
        own = [item for item in placements if item.measure == measure]
        also = [item for item in placements if measure in item.others]
        if not own and not also:
            continue
        heading = f"{isolated(measure)}: {isolated(titles.get(measure, ''))}"
        lines.append(TocLine(heading, None, heading=True))
        lines.extend(TocLine(item.label, item.first_page or None) for item in own)
        for item in also:
            text = _("%(entry)s: see page %(page)d", entry=item.label, page=item.first_page)
            lines.append(TocLine(text, item.first_page or None))
    return lines


def _roster_toc(
    roster: Roster | None, laid: RosterPlan, first_page: int, has_testimony: bool
) -> list[TocLine]:
    """The contents' lines for the roster of sign-ins: a heading, then each measure's first
    page (none when nobody signed in)."""
    if not laid.pages:
        return []
    lines = [] if has_testimony else [TocLine(_("No approved testimony."), None)]
    lines.append(TocLine(_("Noted for the record"), None, heading=True))
    for text, page in roster_contents(roster, laid, first_page):
        lines.append(TocLine(text, page or None))
    return lines


def _bookmarks(placements: list[Placed], cover: PacketCover, cover_pages: int) -> list[Bookmark]:
    titles = {m.number: m.title for m in cover.measures}
    marks = [Bookmark(_("Cover"), 0), Bookmark(_("Contents"), cover_pages)]
    measure = None
    for item in placements:
        if item.measure != measure:
            measure = item.measure
            marks.append(Bookmark(f"{measure}: {titles.get(measure, '')}", item.first_page - 1))
        entry = Bookmark(item.label, item.first_page - 1)
        page = item.first_page + item.text_pages
        for name, pages, _reason in item.attachments:
            if pages is not None:
                entry.children.append(Bookmark(_("Attachment: %(name)s", name=name), page - 1))
                page += pages
        marks[-1].children.append(entry)
    return marks
