"""The packet's cover (with tallies and a bar chart), its contents pages and page furniture."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _
from flask_babel import ngettext
from reportlab.pdfgen.canvas import Canvas

from app.exports.packet.data import POSITION_ORDER, PacketCover, Tallies, position_label
from app.exports.packet.roster import write_noted
from app.exports.pdf.typesetting import (
    BODY,
    BOTTOM,
    HEADING,
    LABEL,
    MARGIN,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    SMALL,
    TITLE,
    TOP,
    Furniture,
    PageWriter,
    Style,
    draw_text,
    fonts,
    isolated,
    text_width,
    truncate,
)

TOC_STYLE = Style(size=9.5, leading=13)
TOC_TITLE_SPACE = HEADING.leading + 10
# Support green, oppose red, neutral grey; every bar is also labelled, so colour is never the
# only way to tell them apart.
BAR_COLOURS = dict(
    zip(POSITION_ORDER, ((0.16, 0.45, 0.27), (0.62, 0.16, 0.16), (0.40, 0.40, 0.45)), strict=True)
)


@dataclass(frozen=True)
class TocLine:
    text: str
    page: int | None  # None for a measure's heading line
    heading: bool = False


def toc_capacity() -> tuple[int, int]:
    """Lines on the first contents page and on each following one."""
    height = TOP - BOTTOM
    return int((height - TOC_TITLE_SPACE) // TOC_STYLE.leading), int(height // TOC_STYLE.leading)


def toc_page_count(lines: int) -> int:
    first, others = toc_capacity()
    return 1 if lines <= first else 1 + math.ceil((lines - first) / others)


def page_furniture(header: str, total: int) -> Furniture:
    """Draws the running header and "Page N of M" on a letter-size page."""

    def draw(canvas: Canvas, number: int) -> None:
        _furniture(canvas, PAGE_WIDTH, PAGE_HEIGHT, header, number, total)

    return draw


def _furniture(canvas, width: float, height: float, header: str, number: int, total: int):
    canvas.setFillGray(0.35)
    draw_text(canvas, 36, height - 24, truncate(header, width - 72, 8), 8)
    footer = _("Page %(number)d of %(total)d", number=number, total=total)
    draw_text(canvas, (width - text_width(footer, 8)) / 2, 18, footer, 8)


def write_title_and_hearing(writer: PageWriter, title: str, cover) -> None:
    """A cover's title, then the hearing with its body, committee, time and place (any cover
    with those fields: the packet's, the addendum's)."""
    writer.paragraph(title, TITLE)
    writer.space(6)
    writer.paragraph(cover.hearing, HEADING)
    writer.space(6)
    for label, value in (
        (_("Body"), cover.body),
        (_("Committee"), cover.committee),
        (_("Hearing"), cover.starts),
        (_("Place"), cover.location),
    ):
        if value:
            writer.field(label, value)


def render_cover(
    path: Path | None,
    cover: PacketCover,
    tallies: Tallies,
    fingerprint: str,
    *,
    title: str,
    attachment_pages: int,
    furniture: Furniture | None = None,
    noted: list | None = None,
) -> int:
    """The cover page(s); with path None only count them. `noted`: the position sign-ins on
    record per measure (roster.Roster.noted), printed apart from the testimony."""
    writer = PageWriter(str(path) if path else None, title=title, furniture=furniture)
    heading = _("Testimony packet")
    if cover.scope:
        heading = _("Testimony packet: %(measure)s", measure=isolated(cover.scope))
    write_title_and_hearing(writer, heading, cover)
    writer.space(8)
    writer.paragraph(_("Measures"), HEADING)
    for measure in cover.measures:
        line = f"{isolated(measure.number)}: {isolated(measure.title)}"
        writer.paragraph(line, BODY, indent=12)
    writer.space(8)
    _tally_table(writer, cover, tallies)
    writer.space(8)
    _bar_chart(writer, cover, tallies)
    writer.space(10)
    if noted:
        write_noted(writer, noted)
        writer.space(10)
    total = tallies.total
    for notice in cover.notices:  # closed early; testimony awaiting review, left out
        writer.paragraph(notice, BODY)
    for line in (
        _(
            "Generated %(when)s by %(who)s.",
            when=cover.generated_at,
            who=isolated(cover.generated_by),
        ),
        ngettext(
            "%(num)d approved testimony",
            "%(num)d approved testimonies",
            total.count,
        )
        + "; "
        + ngettext(
            "%(num)d page of attachments follows its testimony.",
            "%(num)d pages of attachments follow their testimony.",
            attachment_pages,
        ),
        _(
            "Content fingerprint: %(digest)s. Packets with the same fingerprint print the same "
            "testimony, whenever they were made.",
            digest=fingerprint[:16],
        ),
        _(
            "Testimony is printed as submitted, with moderators' redactions shown as [redacted]. "
            "Street and e-mail addresses are never printed."
        ),
    ):
        writer.paragraph(line, SMALL)
    return writer.finish()


def _tally_table(writer: PageWriter, cover: PacketCover, tallies: Tallies) -> None:
    writer.paragraph(_("Approved testimony"), HEADING)
    writer.paragraph(
        _(
            "Residents: from %(jurisdiction)s. To speak: asked to speak at the hearing.",
            jurisdiction=isolated(cover.jurisdiction),
        ),
        SMALL,
    )
    columns = (0.0, 150.0, 240.0, 315.0, 390.0)
    headings = (_("Measure"), _("Position"), _("Testimony"), _("Residents"), _("To speak"))
    writer.cells(columns, headings, LABEL)
    for (measure, position), tally in tallies.in_order([m.number for m in cover.measures]):
        cells = (measure, position, str(tally.count), str(tally.residents), str(tally.speakers))
        writer.cells(columns, cells, BODY)
    total = tallies.total
    cells = (_("All"), "", str(total.count), str(total.residents), str(total.speakers))
    writer.cells(columns, cells, Style(bold=True))


def _bar_chart(writer: PageWriter, cover: PacketCover, tallies: Tallies) -> None:
    if not tallies.rows:
        return
    writer.paragraph(_("Approved testimony by measure and position"), HEADING)
    most = max(t.count for t in tallies.rows.values())
    label_width, bar_space = 170.0, writer.width - 170.0 - 40.0
    colours = {position_label(p): colour for p, colour in BAR_COLOURS.items()}
    for (measure, position), tally in tallies.in_order([m.number for m in cover.measures]):
        writer.ensure(16)
        writer.y -= 16
        label = truncate(f"{isolated(measure)} · {position}", label_width - 6, SMALL.size)
        draw_text(writer.canvas, MARGIN, writer.y + 3, label, SMALL.size)
        length = max(bar_space * tally.count / most, 1.0)
        writer.canvas.setFillColorRGB(*colours.get(position, (0.4, 0.4, 0.45)))
        writer.canvas.rect(MARGIN + label_width, writer.y + 1, length, 10, stroke=0, fill=1)
        writer.canvas.setFillGray(0)
        draw_text(
            writer.canvas,
            MARGIN + label_width + length + 4,
            writer.y + 3,
            str(tally.count),
            SMALL.size,
        )
        writer.blank = False


def render_toc(
    path: Path, lines: list[TocLine], *, title: str, furniture: Furniture, first_number: int
) -> int:
    """Contents, one line per testimony, laid out so toc_page_count() knows the length."""
    writer = PageWriter(str(path), title=title, furniture=furniture)
    writer.number = first_number
    writer.paragraph(_("Contents"), HEADING)
    writer.y = TOP - TOC_TITLE_SPACE
    first, others = toc_capacity()
    room = first
    if not lines:
        writer.paragraph(_("No approved testimony."), TOC_STYLE)
    for line in lines:
        if room == 0:
            writer.new_page()
            room = others
        room -= 1
        writer.y -= TOC_STYLE.leading
        style = Style(size=TOC_STYLE.size, leading=TOC_STYLE.leading, bold=line.heading)
        number = str(line.page) if line.page is not None else ""
        number_width = text_width(number, style.size)
        text = truncate(line.text, writer.width - number_width - 16, style.size, style.bold)
        draw_text(writer.canvas, MARGIN, writer.y + 3, text, style.size, style.bold)
        if number:
            draw_text(
                writer.canvas,
                MARGIN + writer.width - number_width,
                writer.y + 3,
                number,
                style.size,
            )
        writer.blank = False
    return writer.finish()


def render_furniture(
    path: Path, sizes: list[tuple[float, float]], header: str, first: int, total: int
) -> None:
    """Transparent pages carrying the header and page numbers, to lay over attachment pages."""
    fonts()
    canvas = Canvas(str(path), invariant=1, pageCompression=1)
    for number, (width, height) in enumerate(sizes, start=first):
        canvas.setPageSize((width, height))
        _furniture(canvas, width, height, header, number, total)
        canvas.showPage()
    canvas.save()
