"""Make the file of a background export: the packet PDF, its addendum, the speaker list PDF,
the bundle or a sign-in spreadsheet."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import current_app
from flask_babel import get_locale

from app.exports.bundle import (
    BundleFile,
    approved_attachments,
    attachment_entry_name,
    write_bundle,
)
from app.exports.models import PacketKind
from app.exports.packet.addendum import addendum_cover, build_addendum, changes_since
from app.exports.packet.data import approved_ids, cover_for, entries, packet_items
from app.exports.packet.pdf import PacketJob, build_packet
from app.exports.packet.roster import read_roster
from app.exports.packet.speakers import build_speakers_pdf
from app.exports.spreadsheets.campaigns import ARRIVAL_COLUMNS, CAMPAIGN_COLUMNS, campaign_sheets
from app.exports.spreadsheets.rows import testimony_rows
from app.exports.spreadsheets.signins import SIGN_IN_COLUMNS, has_sign_ins, sign_in_rows
from app.exports.spreadsheets.speakers import SPEAKER_COLUMNS, speaker_rows
from app.exports.spreadsheets.writers import to_csv, to_xlsx, write_csv
from app.hearings.models import Hearing, Measure
from app.platform.file_names import safe_file_name
from app.platform.storage import file_store
from app.testimony.attachment_pages import UnusableAttachment, write_clean_copy


@dataclass(frozen=True)
class Built:
    path: Path
    item_count: int
    page_count: int | None = None
    content_sha256: str | None = None
    # What a whole-hearing packet printed: testimony id → version (see PacketTestimony).
    contents: dict[int, int] | None = None
    # And which sign-ins its roster listed: sign-in id → version (see PacketSignIn).
    sign_ins: dict[int, int] | None = None


@dataclass(frozen=True)
class ExportRequest:
    kind: PacketKind
    hearing: Hearing
    measure: Measure | None
    generated_at: datetime
    generated_by: str
    workdir: Path
    progress: Callable[[int, int], None] = lambda done, total: None
    # Called between batches of reading, when no database object is in use: a background job
    # ends its transaction there, so it never holds a lock while it prints.
    checkpoint: Callable[[], None] = lambda: None
    # For an addendum: the earlier packet it lists the changes since.
    since_packet_id: int | None = None


def build(request: ExportRequest) -> Built:
    if request.kind is PacketKind.PACKET_PDF:
        return _packet(request, request.workdir / "packet.pdf")
    if request.kind is PacketKind.ADDENDUM_PDF:
        return _addendum(request, request.workdir / "addendum.pdf")
    if request.kind is PacketKind.SPEAKERS_PDF:
        return _speakers(request, request.workdir / "speakers.pdf")
    if request.kind is PacketKind.BUNDLE_ZIP:
        return _bundle(request)
    if request.kind in (PacketKind.SIGN_INS_CSV, PacketKind.SIGN_INS_XLSX):
        return _sign_ins(request)
    raise ValueError(f"{request.kind} is not made in the background")


def _language() -> str:
    locale = get_locale()
    return str(locale).replace("_", "-") if locale else "en"


def _packet(request: ExportRequest, out: Path) -> Built:
    hearing, measure = request.hearing, request.measure
    cover = cover_for(
        hearing, measure, generated_at=request.generated_at, generated_by=request.generated_by
    )
    items = packet_items(hearing, measure)  # a campaign is one item, printed once
    total = 2 * len(items)  # read and measured, then printed
    store = file_store()
    job = PacketJob(
        workdir=request.workdir,
        attachment_path=store.path,
        max_attachment_pages=current_app.config["ATTACHMENT_MAX_PAGES"],
        lang=_language(),
        generated_at=request.generated_at,
        progress=lambda done: request.progress(done, total),
    )
    # A whole-hearing packet keeps what it printed, for an addendum to compare with later.
    printed: dict[int, int] | None = (
        {} if request.kind is PacketKind.PACKET_PDF and measure is None else None
    )
    # The sign-ins on record, streamed to a work file in one query, before the testimony.
    roster = read_roster(hearing, measure, request.workdir / "roster.jsonl")
    request.checkpoint()
    records = entries(hearing, items, on_batch=request.checkpoint, printed=printed)
    result = build_packet(out, cover, records, job, roster)
    if printed is not None and len(printed) != result.item_count:
        raise RuntimeError("the packet's record of what it printed does not match its count")
    listed = roster.listed if printed is not None else None
    return Built(out, result.item_count, result.page_count, result.content_sha256, printed, listed)


def _addendum(request: ExportRequest, out: Path) -> Built:
    if request.since_packet_id is None:
        raise ValueError("an addendum needs the earlier packet it lists the changes since")
    changes = changes_since(request.hearing, request.since_packet_id, on_batch=request.checkpoint)
    request.progress(1, 2)  # read; then printed
    cover = addendum_cover(
        request.hearing,
        changes,
        generated_at=request.generated_at,
        generated_by=request.generated_by,
    )
    request.checkpoint()  # everything is read: no transaction stays open while printing
    result = build_addendum(
        out,
        cover,
        changes,
        workdir=request.workdir,
        generated_at=request.generated_at,
        lang=_language(),
    )
    request.progress(2, 2)
    return Built(out, result.item_count, result.page_count, result.content_sha256)


def _speakers(request: ExportRequest, out: Path) -> Built:
    cover = cover_for(
        request.hearing,
        request.measure,
        generated_at=request.generated_at,
        generated_by=request.generated_by,
    )
    rows = list(speaker_rows(request.hearing, request.measure))  # a list of speakers is short
    request.checkpoint()
    count, pages = build_speakers_pdf(
        out,
        cover,
        rows,
        workdir=request.workdir,
        generated_at=request.generated_at,
        lang=_language(),
    )
    return Built(out, count, pages)


def _sign_ins(request: ExportRequest) -> Built:
    """The sign-in spreadsheet, streamed from one query. No progress or checkpoint until it is
    read: either would end the transaction, and PostgreSQL's server-side cursor with it."""
    hearing, measure = request.hearing, request.measure
    rows = sign_in_rows(hearing, measure)
    request.progress(0, 1)
    if request.kind is PacketKind.SIGN_INS_CSV:
        out = request.workdir / "sign-ins.csv"
        count = write_csv(out, rows, SIGN_IN_COLUMNS)
    else:
        out = request.workdir / "sign-ins.xlsx"
        data, count = to_xlsx(
            rows,
            title=hearing.title,
            when=request.generated_at,
            columns=SIGN_IN_COLUMNS,
            sheet_name="Sign-ins",
        )
        out.write_bytes(data)
    request.checkpoint()
    request.progress(1, 1)
    return Built(out, count)


def _bundle(request: ExportRequest) -> Built:
    hearing, measure, work = request.hearing, request.measure, request.workdir
    packet = _packet(request, work / "packet.pdf")
    packet_steps = 2 * packet.item_count
    speakers = _speakers(request, work / "speakers.pdf")
    sheets = {
        "testimony.csv": to_csv(testimony_rows(hearing, measure))[0],
        "testimony.xlsx": to_xlsx(
            testimony_rows(hearing, measure), title=hearing.title, when=request.generated_at
        )[0],
        "speakers.csv": to_csv(speaker_rows(hearing, measure), SPEAKER_COLUMNS)[0],
    }
    for name, data in sheets.items():
        (work / name).write_bytes(data)
    files = [
        BundleFile("packet.pdf", work / "packet.pdf", "Hearing packet: approved testimony"),
        BundleFile("testimony.csv", work / "testimony.csv", "Every testimony, one row each"),
        BundleFile("testimony.xlsx", work / "testimony.xlsx", "The same rows as an Excel sheet"),
        BundleFile("speakers.csv", work / "speakers.csv", "Speaker list in sign-up order"),
        BundleFile("speakers.pdf", work / "speakers.pdf", "Speaker list, printable"),
    ]
    campaigns = campaign_sheets(hearing, measure)  # one row per campaign, a few queries
    if campaigns.campaigns:
        (work / "campaigns.csv").write_bytes(to_csv(campaigns.campaigns, CAMPAIGN_COLUMNS)[0])
        (work / "campaign_arrivals.csv").write_bytes(to_csv(campaigns.arrivals, ARRIVAL_COLUMNS)[0])
        files += [
            BundleFile(
                "campaigns.csv",
                work / "campaigns.csv",
                "Each form-letter campaign, one row each: letters, confirmed e-mail, residents, "
                "towns, possibly automated, throwaway e-mail and when they arrived",
            ),
            BundleFile(
                "campaign_arrivals.csv",
                work / "campaign_arrivals.csv",
                "Each campaign's letters per hour of arrival, in local time (hours with none "
                "left out)",
            ),
        ]
    if has_sign_ins(hearing, measure):  # streamed to the file: there may be 100,000
        write_csv(work / "sign_ins.csv", sign_in_rows(hearing, measure), SIGN_IN_COLUMNS)
        files.append(
            BundleFile(
                "sign_ins.csv",
                work / "sign_ins.csv",
                "Every position sign-in, one row per sign-in per measure, in the roster's order",
            )
        )
    store = file_store()
    cleaned = work / "attachments"
    cleaned.mkdir(exist_ok=True)
    max_pages = current_app.config["ATTACHMENT_MAX_PAGES"]
    unusable: set[str] = set()
    for tracking, index, attachment in approved_attachments(approved_ids(hearing, measure)):
        # The committee gets the cleaned copy (no scripts, embedded files, forms or links),
        # always as `<n>-<name>.pdf`; a file that cannot be cleaned stays out, as the packet
        # says of it. The same file sent with many testimonies is cleaned once.
        target = cleaned / f"{attachment.sha256}.pdf"
        if attachment.sha256 in unusable:
            continue
        if not target.exists():
            try:
                write_clean_copy(
                    store.path(attachment.sha256), attachment.sha256, target, max_pages=max_pages
                )
            except UnusableAttachment:
                unusable.add(attachment.sha256)
                continue
        files.append(
            BundleFile(
                attachment_entry_name(tracking, index, attachment.original_name),
                target,
                f"Attachment {index} of {tracking}, with scripts, embedded files, forms and "
                "links removed",
            )
        )
    about = {
        "hearing": hearing.title,
        "committee": hearing.committee.name,
        "body": hearing.body.name,
        "measure": measure.number if measure else None,
        "generated_at": request.generated_at.isoformat(),
        "generated_by": request.generated_by,
        "approved_testimony": packet.item_count,
        "speakers": speakers.item_count,
        "content_fingerprint": packet.content_sha256,
    }
    out = work / f"{safe_file_name(hearing.title, fallback='hearing')}.zip"
    request.checkpoint()  # everything is read: no transaction stays open while zipping
    write_bundle(
        out,
        files,
        about=about,
        when=request.generated_at,
        on_file=lambda: request.progress(packet_steps, packet_steps),
    )
    return Built(out, packet.item_count, packet.page_count, packet.content_sha256)
