"""The packet's roster of position sign-ins ("noted for the record"), after the testimony.

Every sign-in on record (published, and not disputed unless a moderator kept it) is one line
per measure it takes a position on: "Name — City or town — Organization", in two columns, many
to a page. Grouped by measure in agenda order, then support, oppose, neutral, then name (the
stored lower-case name key, in code point order on every database, then the sign-in's id).

A hearing may hold 100,000 sign-ins, so nothing here keeps one object per sign-in: the rows
are streamed from one query (plain tuples, `yield_per`) into a work file, counted as they
pass, and laid out from that file twice, once to count the pages (the packet's page numbers
depend on it) and once to draw them, a chunk of pages per typeset document. The layout is a
pure function of the rows, so both passes break pages at the same places.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
from flask_babel import format_number, ngettext
from flask_babel import gettext as _
from reportlab.lib.pagesizes import LETTER
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import and_, case, select

from app.exports.packet.data import POSITION_ORDER, position_label
from app.exports.pdf.stream import Bookmark, StreamingPdfWriter
from app.exports.pdf.typesetting import (
    BOTTOM,
    HEADING,
    MARGIN,
    PAGE_WIDTH,
    SMALL,
    TOP,
    Furniture,
    PageWriter,
    Style,
    base_direction,
    draw_text,
    fonts,
    isolated,
    text_width,
    wrap,
)
from app.hearings.models import Hearing, Measure, hearing_measures
from app.platform.extensions import db
from app.signins.identity import undisputed
from app.signins.models import SignIn, SignInPosition, SignInStatus
from app.testimony.models import Position

STREAM_BATCH = 2000  # rows fetched from the database at a time
CHUNK_PAGES = 100  # roster pages per typeset document (ReportLab keeps a document in memory)

ENTRY = Style(size=8, leading=10)
GROUP = Style(size=8.5, leading=12, bold=True)
MEASURE = Style(size=12, leading=16, bold=True)
RUNNING = Style(size=8, leading=12, bold=True, grey=True)
COLUMNS = 2
GUTTER = 18.0
COLUMN_WIDTH = (PAGE_WIDTH - 2 * MARGIN - (COLUMNS - 1) * GUTTER) / COLUMNS
HANGING = 8.0  # the second and later lines of a long entry are indented
SEPARATOR = " \u2014 "  # an em dash between name, city or town and organization


@dataclass(frozen=True)
class RosterMeasure:
    number: str
    title: str


@dataclass
class Roster:
    """The sign-ins on record, streamed to a work file, and how many per measure and position."""

    path: Path
    measures: list[RosterMeasure]
    # (measure number, Position) → lines on the roster, for the measures that have any
    counts: dict[tuple[str, Position], int] = field(default_factory=dict)
    digest: str = ""
    # sign-in id → version, of every sign-in listed (a whole-hearing packet records them)
    listed: dict[int, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def noted(self) -> list[tuple[str, dict[Position, int]]]:
        """Per measure in agenda order (those with any sign-in): its count per position."""
        result = []
        for measure in self.measures:
            per = {p: self.counts.get((measure.number, p), 0) for p in POSITION_ORDER}
            if any(per.values()):
                result.append((measure.number, per))
        return result


def _order_by_name():
    """The name key in code point order on both databases (PostgreSQL would otherwise use its
    locale, and a packet must read the same from either)."""
    key = SignIn.name_key
    if db.session.get_bind().dialect.name == "postgresql":
        key = key.collate("C")
    return key


def roster_query(hearing: Hearing, measure: Measure | None = None, *columns):
    """A SELECT of columns for every sign-in position of the hearing (or one measure) on its
    agenda, in roster order. Callers add the status conditions they need."""
    order = case({p: i for i, p in enumerate(POSITION_ORDER)}, value=SignInPosition.position)
    query = (
        select(*columns)
        .select_from(SignInPosition)
        .join(SignIn, SignIn.id == SignInPosition.sign_in_id)
        .join(
            hearing_measures,
            and_(
                hearing_measures.c.hearing_id == SignIn.hearing_id,
                hearing_measures.c.measure_id == SignInPosition.measure_id,
            ),
        )
        .where(SignIn.hearing_id == hearing.id)
        .order_by(
            hearing_measures.c.position,
            SignInPosition.measure_id,
            order,
            _order_by_name(),
            SignIn.id,
        )
    )
    if measure is not None:
        query = query.where(SignInPosition.measure_id == measure.id)
    return query


def on_record_lines(
    hearing: Hearing, measure: Measure | None = None
) -> Iterator[tuple[int, Position, str, str, str, int, int]]:
    """(measure id, position, name, city or town, organization, sign-in id, version) of every
    sign-in on record, in roster order, streamed: a batch of rows in memory at a time, no ORM
    objects."""
    query = roster_query(
        hearing,
        measure,
        SignInPosition.measure_id,
        SignInPosition.position,
        SignIn.full_name,
        SignIn.city,
        SignIn.organization,
        SignIn.id,
        SignIn.version,
    ).where(on_record())
    result = db.session.execute(query.execution_options(yield_per=STREAM_BATCH))
    for measure_id, position, name, city, organization, sign_in_id, version in result:
        yield measure_id, Position(position), name, city, organization or "", sign_in_id, version


def on_record():
    """A condition for queries: the sign-in is on record (published, and not disputed unless
    a moderator kept it), as SignIn.is_on_record says of one."""
    return and_(SignIn.status == SignInStatus.PUBLISHED, undisputed())


def read_roster(hearing: Hearing, measure: Measure | None, path: Path) -> Roster:
    """Stream the roster into a work file at path (one JSON array a line) and count it."""
    measures = [measure] if measure is not None else list(hearing.measures)
    numbers = {m.id: m.number for m in measures}
    roster = Roster(path, [RosterMeasure(m.number, m.title) for m in measures])
    digest = hashlib.sha256()
    with path.open("w", encoding="utf-8") as out:
        for measure_id, position, name, city, organization, sign_in_id, version in on_record_lines(
            hearing, measure
        ):
            roster.listed[sign_in_id] = version
            number = numbers[measure_id]
            line = json.dumps(
                [number, position.value, name, city, organization], ensure_ascii=False
            )
            out.write(line + "\n")
            digest.update(line.encode() + b"\n")
            key = (number, position)
            roster.counts[key] = roster.counts.get(key, 0) + 1
    roster.digest = digest.hexdigest() if roster.counts else ""
    return roster


def _lines(roster: Roster) -> Iterator[tuple[str, Position, str, str, str]]:
    with roster.path.open(encoding="utf-8") as lines:
        for line in lines:
            number, position, name, city, organization = json.loads(line)
            yield number, Position(position), name, city, organization


def entry_text(name: str, city: str, organization: str) -> tuple[str, str]:
    """One roster entry as typed, and its direction: each part isolated, so a right-to-left
    name does not pull in the dashes or the next part; the entry reads in the direction of its
    first strong letter (as `dir="auto"` would), so an Arabic or Hebrew name starts on the
    right and its city follows to its left, right-aligned in the column."""
    parts = [part for part in (name, city, organization) if part]
    base = base_direction(" ".join(parts).translate(_ISOLATES))
    return SEPARATOR.join(isolated(part) for part in parts), base


_ISOLATES = dict.fromkeys(range(0x2066, 0x206A), None)


# -- the cover -------------------------------------------------------------------------------


def noted_line(counts: dict[Position, int]) -> str:
    """ "Noted for the record: 1,204 support, 310 oppose, 12 neutral" (in the packet's
    language, numbers grouped as it writes them)."""
    return _(
        "Noted for the record: %(support)s support, %(oppose)s oppose, %(neutral)s neutral",
        support=format_number(counts[Position.SUPPORT]),
        oppose=format_number(counts[Position.OPPOSE]),
        neutral=format_number(counts[Position.NEUTRAL]),
    )


def write_noted(writer: PageWriter, noted: list[tuple[str, dict[Position, int]]]) -> None:
    """The cover's sign-in counts, apart from the written testimony's tallies."""
    if not noted:
        return
    writer.paragraph(_("Position sign-ins"), HEADING)
    writer.paragraph(
        _(
            "Residents who recorded a position without written testimony. They are not counted "
            "in the testimony above; the roster after the testimony lists them by name."
        ),
        SMALL,
    )
    for number, counts in noted:
        writer.paragraph(f"{isolated(number)}: {noted_line(counts)}", Style(), indent=12)


# -- layout ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Draw:
    x: float  # from the page's left edge
    y: float  # baseline
    text: str
    style: Style
    base: str


@dataclass
class Page:
    draws: list[Draw] = field(default_factory=list)
    # Bookmarks that start on this page: (measure number, position or None for the measure)
    marks: list[tuple[str, Position | None]] = field(default_factory=list)


class _Layout:
    """Places the roster on pages, yielding each page when it is full. Pure: no canvas."""

    def __init__(self, roster: Roster) -> None:
        self.titles = {m.number: m.title for m in roster.measures}
        self.counts = roster.counts
        self.page = Page()
        self.started = False
        self.column = 0
        self.top = TOP
        self.y = TOP
        self.measure = ""
        self.position: Position | None = None
        self.done: list[Page] = []

    # pages and columns
    def _new_page(self, *, continued: bool) -> None:
        if self.started:
            self.done.append(self.page)
        self.started = True
        self.page = Page()
        self.column = 0
        self.y = TOP
        if continued:
            label = _(
                "%(measure)s: %(title)s (continued)",
                measure=isolated(self.measure),
                title=isolated(self.titles.get(self.measure, "")),
            )
            self._full_width(label, RUNNING, truncate_to_one=True)
        self.top = self.y

    def _next_column(self) -> None:
        if self.column + 1 < COLUMNS:
            self.column += 1
            self.y = self.top
        else:
            self._new_page(continued=True)
        if self.position is not None:
            label = _("%(position)s (continued)", position=position_label(self.position))
            self._in_column([(label, "L")], GROUP)

    def _room(self) -> float:
        return self.y - BOTTOM

    def _full_width(self, text: str, style: Style, *, truncate_to_one: bool = False) -> None:
        width = PAGE_WIDTH - 2 * MARGIN
        lines = wrap(text, width, style.size, style.bold)
        if truncate_to_one:
            lines = lines[:1]
        for line, base in lines:
            self.y -= style.leading
            self.page.draws.append(
                Draw(MARGIN, self.y + (style.leading - style.size) / 2, line, style, base)
            )

    def _in_column(self, lines: list[tuple[str, str]], style: Style) -> None:
        left = MARGIN + self.column * (COLUMN_WIDTH + GUTTER)
        for index, (line, base) in enumerate(lines):
            self.y -= style.leading
            indent = HANGING if index else 0.0
            x = left + indent
            if base == "R":
                x = left + COLUMN_WIDTH - indent - text_width(line, style.size, style.bold)
            self.page.draws.append(
                Draw(x, self.y + (style.leading - style.size) / 2, line, style, base)
            )

    def _block(self, lines: list[tuple[str, str]], style: Style, keep_with: float = 0.0) -> None:
        """Lines kept together in a column (with room for keep_with more below them)."""
        if self._room() < len(lines) * style.leading + keep_with:
            self._next_column()
        self._in_column(lines, style)

    # content
    def start_measure(self, number: str, intro: list[str]) -> None:
        self.measure, self.position = number, None
        self._new_page(continued=False)
        for text, style in intro:
            self._full_width(text, style)
        title = f"{isolated(number)}: {isolated(self.titles.get(number, ''))}"
        self._full_width(title, MEASURE)
        counts = {p: self.counts.get((number, p), 0) for p in POSITION_ORDER}
        self._full_width(noted_line(counts), SMALL)
        self.y -= 6
        self.top = self.y
        self.page.marks.append((number, None))

    def start_position(self, position: Position) -> None:
        self.position = None  # a group's own heading is never "continued"
        count = self.counts.get((self.measure, position), 0)
        label = ngettext(
            "%(position)s: %(num)d sign-in",
            "%(position)s: %(num)d sign-ins",
            count,
            position=position_label(position),
        )
        if self.y < self.top:
            self.y -= 4  # a little space above a group that does not start the column
        self._block([(label, "L")], GROUP, keep_with=ENTRY.leading)
        self.position = position
        self.page.marks.append((self.measure, position))

    def entry(self, text: str, base: str) -> None:
        lines = wrap(text, COLUMN_WIDTH - HANGING, ENTRY.size, ENTRY.bold)
        self._block([(line, base) for line, _base in lines], ENTRY)

    def take(self) -> list[Page]:
        pages, self.done = self.done, []
        return pages

    def finish(self) -> list[Page]:
        if self.started:
            self.done.append(self.page)
        self.started = False
        return self.take()


def layout(roster: Roster) -> Iterator[Page]:
    """The roster's pages, in order: a measure starts a new page, with its heading and counts;
    its positions follow in two columns, each group headed by the position and its count."""
    if not roster.counts:
        return
    placer = _Layout(roster)
    intro = [
        (_("Noted for the record"), HEADING),
        (
            _(
                "Position sign-ins: residents who recorded a position without written "
                "testimony, by measure, then position, then name. Street and e-mail addresses "
                "are never printed."
            ),
            SMALL,
        ),
    ]
    measure = position = None
    for number, stance, name, city, organization in _lines(roster):
        if number != measure:
            measure, position = number, None
            placer.start_measure(number, intro)
            intro = []
        if stance != position:
            position = stance
            placer.start_position(stance)
        placer.entry(*entry_text(name, city, organization))
        yield from placer.take()
    yield from placer.finish()


@dataclass(frozen=True)
class RosterPlan:
    """The roster's page count and bookmarks (page indexes from its first page)."""

    pages: int
    marks: list[tuple[int, str, Position | None]]


def plan(roster: Roster) -> RosterPlan:
    """Lay the roster out without drawing: how many pages, and where each group starts."""
    pages, marks = 0, []
    for index, page in enumerate(layout(roster)):
        pages += 1
        marks.extend((index, number, position) for number, position in page.marks)
    return RosterPlan(pages, marks)


def bookmarks(roster: Roster, laid: RosterPlan, first_index: int) -> list[Bookmark]:
    """One bookmark for the roster, with one per measure, each with one per position."""
    if not laid.pages:
        return []
    titles = {m.number: m.title for m in roster.measures}
    top = Bookmark(_("Noted for the record"), first_index)
    for index, number, position in laid.marks:
        if position is None:
            top.children.append(
                Bookmark(f"{number}: {titles.get(number, '')}", first_index + index)
            )
        else:
            count = roster.counts.get((number, position), 0)
            title = f"{position_label(position)} ({count})"
            top.children[-1].children.append(Bookmark(title, first_index + index))
    return [top]


def contents_lines(roster: Roster, laid: RosterPlan, first_page: int) -> list[tuple[str, int]]:
    """The contents' lines for the roster: one per measure, with its first page number."""
    lines = []
    for index, number, position in laid.marks:
        if position is None:
            count = sum(roster.counts.get((number, p), 0) for p in POSITION_ORDER)
            text = ngettext(
                "%(measure)s: %(num)d sign-in",
                "%(measure)s: %(num)d sign-ins",
                count,
                measure=isolated(number),
            )
            lines.append((text, first_page + index))
    return lines


def write_roster(
    writer: StreamingPdfWriter,
    roster: Roster,
    *,
    workdir: Path,
    furniture: Furniture,
    first_number: int,
    on_chunk: Callable[[], None] = lambda: None,
) -> int:
    """Draw the roster's pages and append them to writer, CHUNK_PAGES at a time; returns how
    many pages were written."""
    fonts()
    written = 0
    chunk: list[Page] = []

    def flush() -> None:
        nonlocal written
        path = workdir / "roster-chunk.pdf"
        canvas = Canvas(str(path), pagesize=LETTER, invariant=1, pageCompression=1)
        canvas.setCreator("OpenTestimony")
        for page in chunk:
            for draw in page.draws:
                canvas.setFillGray(0.35 if draw.style.grey else 0)
                draw_text(
                    canvas,
                    draw.x,
                    draw.y,
                    draw.text,
                    draw.style.size,
                    draw.style.bold,
                    base=draw.base,
                )
            furniture(canvas, first_number + written)
            canvas.showPage()
            written += 1
        canvas.save()
        with pikepdf.open(path) as pdf:
            copier = writer.copier(pdf)
            for pdf_page in pdf.pages:
                copier.copy(pdf_page)
        path.unlink()
        chunk.clear()
        on_chunk()

    for page in layout(roster):
        chunk.append(page)
        if len(chunk) >= CHUNK_PAGES:
            flush()
    if chunk:
        flush()
    return written
