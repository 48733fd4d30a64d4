"""The speaker list as a PDF: the run sheet's speakers in speaking order with what happened
when each was called, or everyone who asked to speak in sign-up order before there is one."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from flask_babel import gettext as _

from app.exports.packet.data import PacketCover, position_label
from app.exports.packet.front import page_furniture
from app.exports.pdf.stream import write_typeset
from app.exports.pdf.typesetting import HEADING, SMALL, TITLE, PageWriter, Style, isolated
from app.exports.spreadsheets.rows import SheetRow
from app.exports.spreadsheets.speakers import SPEAKER_COLUMNS
from app.testimony.models import Position

NAME = Style(size=11, leading=15, bold=True)
_HEADINGS = [heading for heading, _description in SPEAKER_COLUMNS]


def build_speakers_pdf(
    out_path: Path,
    cover: PacketCover,
    rows: Iterable[SheetRow],
    *,
    workdir: Path,
    generated_at: datetime,
    lang: str,
) -> tuple[int, int]:
    """Write the list; returns (speakers, pages). The list is short, so it is held in memory."""
    speakers = [dict(zip(_HEADINGS, row.cells, strict=True)) for row in rows]
    title = _("Speaker list: %(hearing)s", hearing=cover.hearing)
    total = _write(None, cover, speakers, title=title, furniture=None)
    typeset = workdir / "speakers-typeset.pdf"
    furniture = page_furniture(f"{isolated(cover.hearing)} · {isolated(cover.committee)}", total)
    _write(typeset, cover, speakers, title=title, furniture=furniture)
    write_typeset(
        out_path, typeset, title=title, generated_at=generated_at, lang=lang, bookmarks=[]
    )
    return len(speakers), total


def _write(
    path: Path | None, cover: PacketCover, speakers: list[dict[str, str]], *, title, furniture
) -> int:
    writer = PageWriter(str(path) if path else None, title=title, furniture=furniture)
    writer.paragraph(_("Speaker list"), TITLE)
    writer.paragraph(cover.hearing, HEADING)
    writer.paragraph(f"{isolated(cover.committee)} · {cover.starts}", SMALL)
    if cover.location:
        writer.paragraph(cover.location, SMALL)
    on_run_sheet = any(speaker["Outcome"] for speaker in speakers)
    order = (
        _(
            "In speaking order. Generated %(when)s by %(who)s.",
            when=cover.generated_at,
            who=cover.generated_by,
        )
        if on_run_sheet
        else _(
            "In the order they signed up. Generated %(when)s by %(who)s.",
            when=cover.generated_at,
            who=cover.generated_by,
        )
    )
    writer.paragraph(order, SMALL)
    if on_run_sheet:
        writer.paragraph(_summary(speakers), SMALL)
    writer.space(8)
    if not speakers:
        writer.paragraph(_("Nobody has asked to speak."))
    for speaker in speakers:
        writer.ensure(NAME.leading + 4 * 14)  # keep a speaker's name with their details
        writer.rule()
        writer.paragraph(f"{speaker['Order']}.  {isolated(speaker['Name'])}", NAME)
        place = ", ".join(
            isolated(part) for part in (speaker["City or town"], speaker["Organization"]) if part
        )
        if place:
            writer.field(_("From"), place)
        position = position_label(Position(speaker["Position"]))
        writer.field(_("Measure"), f"{isolated(speaker['Measure'])} · {position}")
        how = {"in_person": _("In person"), "remote": _("Remotely")}[speaker["Speaking"]]
        writer.field(_("Speaking"), how)
        if speaker["Interpreter"]:
            writer.field(_("Interpreter"), speaker["Interpreter"])
        if speaker["Accessibility needs"]:
            writer.field(_("Accessibility"), speaker["Accessibility needs"])
        if speaker["Status"] and speaker["Status"] != "approved":
            writer.field(_("Written testimony"), _status_label(speaker["Status"]))
        if speaker["Tracking number"]:
            writer.field(_("Tracking number"), speaker["Tracking number"])
        if speaker["Walk-in"]:
            writer.field(_("Signed up"), _("At the hearing (walk-in)"))
        if speaker["Outcome"]:
            writer.field(_("At the hearing"), _outcome(speaker))
    return writer.finish()


def _outcome(speaker: dict[str, str]) -> str:
    outcome = speaker["Outcome"]
    if outcome == "spoke":
        return _(
            "Spoke at %(time)s for %(used)s",
            time=speaker["Started at"][11:16],
            used=speaker["Time used"],
        )
    return {
        "speaking": _("Speaking"),
        "no_show": _("Did not show"),
        "waiting": _("Not called"),
        "waitlisted": _("On the waitlist, not called"),
        "cancelled": _("Cancelled their place"),
    }.get(outcome, outcome)


def _summary(speakers: list[dict[str, str]]) -> str:
    spoke = sum(1 for s in speakers if s["Outcome"] == "spoke")
    absent = sum(1 for s in speakers if s["Outcome"] == "no_show")
    walk_ins = sum(1 for s in speakers if s["Walk-in"] and s["Outcome"] == "spoke")
    return _(
        "%(spoke)d spoke (%(walk_ins)d of them walk-ins), %(absent)d did not show.",
        spoke=spoke,
        walk_ins=walk_ins,
        absent=absent,
    )


def _status_label(status: str) -> str:
    return {
        "pending": _("Awaiting review"),
        "flagged": _("Under review"),
        "rejected": _("Not published"),
    }.get(status, status)
