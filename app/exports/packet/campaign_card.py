"""A campaign's provenance card as the packet prints it, beside its letter: the numbers, a
small bar chart of when the letters arrived and the table it is drawn from. It counts exactly
the letters the entry prints (see campaigns.packet_card), and says so."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext

from app.campaigns.arrival_chart import bin_arrivals
from app.campaigns.provenance import summary
from app.exports.packet.campaigns import CampaignEntry, packet_card
from app.exports.pdf.typesetting import (
    BODY,
    LABEL,
    MARGIN,
    SMALL,
    PageWriter,
    Style,
    draw_text,
    isolated,
    text_width,
    truncate,
)

CARD_HEADING = Style(size=11, leading=15, bold=True)
SUMMARY = Style(size=10.5, leading=14, bold=True)
CHART_HEIGHT = 60.0
AXIS_WIDTH = 28.0
TABLE_COLUMNS = 3
CARD_LABEL_WIDTH = 170.0


def write_campaign_card(writer: PageWriter, entry: CampaignEntry) -> None:
    card = packet_card(entry)
    writer.space(4)
    writer.paragraph(_("Where these letters came from"), CARD_HEADING)
    writer.paragraph(
        ngettext(
            "Counting the %(num)d approved letter printed here. Nobody was turned away for any "
            "of this.",
            "Counting the %(num)d approved letters printed here. Nobody was turned away for "
            "any of this.",
            card.letters,
        ),
        SMALL,
    )
    writer.paragraph(summary(card), SUMMARY)
    towns = " · ".join(f"{isolated(town.name)}: {town.letters}" for town in card.top_towns)
    if card.towns > len(card.top_towns):
        others = card.towns - len(card.top_towns)
        towns += " · " + ngettext("and %(num)d other town", "and %(num)d other towns", others)
    for label, value in (
        (_("Confirmed their e-mail"), str(card.confirmed)),
        (_("Residents"), _("%(num)d (counted as on the cover)", num=card.residents)),
        (_("Towns"), f"{card.towns} ({towns})" if towns else str(card.towns)),
        (_("Marked possibly automated"), str(card.automated)),
        (_("Throwaway e-mail addresses"), str(card.throwaway)),
    ):
        writer.field(label, value, label_width=CARD_LABEL_WIDTH)
    if card.first is not None:
        writer.field(
            _("Arrived"),
            _(
                "%(first)s to %(last)s, local time",
                first=card.first.strftime("%Y-%m-%d %H:%M"),
                last=card.last.strftime("%Y-%m-%d %H:%M"),
            ),
            label_width=CARD_LABEL_WIDTH,
        )
    arrivals = bin_arrivals(card.arrivals)
    if arrivals.bins:
        _chart(writer, arrivals)
        _table(writer, arrivals)


def _chart(writer: PageWriter, arrivals) -> None:
    """Bars of letters per hour (or day, or week), labelled with the scale and first and last
    times: the table after it gives every count."""
    writer.space(4)
    writer.ensure(LABEL.leading + CHART_HEIGHT + 2 * SMALL.leading)
    writer.paragraph(f"{arrivals.what} ({_('local time')})", LABEL)
    top = writer.y - 4
    bottom = top - CHART_HEIGHT
    left = MARGIN + AXIS_WIDTH
    width = writer.width - AXIS_WIDTH
    canvas = writer.canvas
    most = max(arrivals.most, 1)
    slot = width / len(arrivals.bins)
    gap = min(1.5, slot * 0.2)
    canvas.setFillGray(0)
    canvas.setStrokeGray(0)
    canvas.setLineWidth(0.5)
    canvas.line(left, bottom, left + width, bottom)
    canvas.line(left, bottom, left, top)
    top_label = str(arrivals.most)
    draw_text(canvas, left - 4 - text_width(top_label, SMALL.size), top - 8, top_label, SMALL.size)
    draw_text(canvas, left - 4 - text_width("0", SMALL.size), bottom, "0", SMALL.size)
    canvas.setFillColorRGB(0.04, 0.31, 0.54)
    for n, item in enumerate(arrivals.bins):
        if not item.letters:
            continue
        height = max(CHART_HEIGHT * item.letters / most, 1.0)
        canvas.rect(left + n * slot + gap / 2, bottom, max(slot - gap, 0.5), height, 0, 1)
    canvas.setFillGray(0)
    first, last = arrivals.bins[0].label, arrivals.bins[-1].label
    half = width / 2 - 6
    draw_text(canvas, left, bottom - 11, truncate(first, half, SMALL.size), SMALL.size)
    if len(arrivals.bins) > 1:
        text = truncate(last, half, SMALL.size)
        x = left + width - text_width(text, SMALL.size)
        draw_text(canvas, x, bottom - 11, text, SMALL.size)
    writer.y = bottom - SMALL.leading - 4
    writer.blank = False


def _table(writer: PageWriter, arrivals) -> None:
    """Every period that had letters, with its count, in columns (periods without any are
    drawn in the chart as gaps and left out here)."""
    rows = [item for item in arrivals.bins if item.letters]
    writer.paragraph(
        _("%(heading)s and letters (periods with none left out)", heading=arrivals.heading),
        LABEL,
    )
    column = writer.width / TABLE_COLUMNS
    columns = tuple(n * column for n in range(TABLE_COLUMNS))
    for start in range(0, len(rows), TABLE_COLUMNS):
        chunk = rows[start : start + TABLE_COLUMNS]
        writer.ensure(SMALL.leading)
        writer.y -= SMALL.leading
        writer.blank = False
        for x, item in zip(columns, chunk, strict=False):
            count = str(item.letters)
            label = truncate(item.label, column - text_width(count, SMALL.size) - 18, SMALL.size)
            writer.canvas.setFillGray(0)
            draw_text(writer.canvas, MARGIN + x, writer.y + 3, label, SMALL.size)
            right = MARGIN + x + column - 10 - text_width(count, SMALL.size)
            draw_text(writer.canvas, right, writer.y + 3, count, SMALL.size)
    writer.space(BODY.leading / 2)
