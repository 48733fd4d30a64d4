"""The export command-line tasks: `flask export-packet` writes a bundle to a folder, and
`flask export-addendum` the addendum listing the changes since an earlier packet."""

from __future__ import annotations

import shutil
from pathlib import Path

import click
from flask import Flask

from app.exports import services
from app.exports.models import ExportStatus, Packet, PacketKind
from app.hearings.models import Hearing
from app.hearings.services import slugify
from app.platform import jobs
from app.platform.extensions import db
from app.platform.storage import file_store
from app.platform.timezones import utcnow


def register(app: Flask) -> None:
    @app.cli.command("export-packet")
    @click.argument("hearing_id", type=int)
    @click.option(
        "--out",
        "out_dir",
        required=True,
        type=click.Path(file_okay=False, writable=True),
        help="Folder to write the bundle into (created if missing).",
    )
    @click.option("--measure", default="", help="Only this measure's number, e.g. H.1538.")
    def export_packet(hearing_id: int, out_dir: str, measure: str) -> None:
        """Write a hearing's bundle (packet PDF, spreadsheets, speaker list, attachments and
        manifest) as a ZIP, and record it in the hearing's export history."""
        path, packet = export_bundle(hearing_id, Path(out_dir), measure_number=measure)
        click.echo(f"Wrote {path}")
        click.echo(
            f"{packet.item_count} approved testimonies, {packet.page_count} packet pages, "
            f"SHA-256 {packet.sha256}"
        )

    @app.cli.command("export-addendum")
    @click.argument("hearing_id", type=int)
    @click.option(
        "--since",
        "since_id",
        required=True,
        type=int,
        help="Id of the earlier whole-hearing packet (see the hearing's export history).",
    )
    @click.option(
        "--out",
        "out_dir",
        required=True,
        type=click.Path(file_okay=False, writable=True),
        help="Folder to write the addendum into (created if missing).",
    )
    def export_addendum_command(hearing_id: int, since_id: int, out_dir: str) -> None:
        """Write the addendum PDF listing what changed in a hearing's packet since an earlier
        packet (new, amended, withdrawn, disputed and removed testimony), and record it in the
        hearing's export history."""
        path, packet = export_addendum(hearing_id, since_id, Path(out_dir))
        click.echo(f"Wrote {path}")
        click.echo(
            f"{packet.item_count} changed testimonies, {packet.page_count} pages, "
            f"SHA-256 {packet.sha256}"
        )


def _hearing(hearing_id: int) -> Hearing:
    hearing = db.session.get(Hearing, hearing_id)
    if hearing is None:
        raise click.ClickException(f"There is no hearing {hearing_id}.")
    return hearing


def _run_now(packet: Packet) -> Packet:
    """Run the export just queued (and committed here) in this process; the ready export."""
    packet_id = packet.id
    jobs.run_committed()  # here and now: the command waits for it
    packet = db.session.get(Packet, packet_id)
    if packet.status is not ExportStatus.READY:
        raise click.ClickException(packet.error or "The export failed.")
    return packet


def export_addendum(hearing_id: int, since_id: int, out_dir: Path) -> tuple[Path, Packet]:
    """Make the addendum since an earlier packet here and now, keep it in the history, and
    copy it into out_dir."""
    hearing = _hearing(hearing_id)
    try:
        packet = services.request_export(
            None, hearing, PacketKind.ADDENDUM_PDF, since_id=since_id, now=utcnow()
        )
    except (services.ExportInProgress, services.UnusableBase) as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    packet = _run_now(packet)
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = packet.created_at.strftime("%Y%m%d-%H%M%S")
    target = out_dir / f"{slugify(hearing.title)[:60]}-addendum-{stamp}.pdf"
    shutil.copyfile(file_store().path(packet.sha256), target)
    return target, packet


def export_bundle(
    hearing_id: int, out_dir: Path, *, measure_number: str = ""
) -> tuple[Path, Packet]:
    """Make the bundle here and now, keep it in the history, and copy it into out_dir."""
    hearing = _hearing(hearing_id)
    measure = None
    if measure_number:
        measure = next((m for m in hearing.measures if m.number == measure_number), None)
        if measure is None:
            numbers = ", ".join(m.number for m in hearing.measures) or "none"
            raise click.ClickException(
                f"Measure {measure_number} is not on this hearing's agenda (it has: {numbers})."
            )
    try:
        packet = services.request_export(
            None, hearing, PacketKind.BUNDLE_ZIP, measure=measure, now=utcnow()
        )
    except services.ExportInProgress as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    packet = _run_now(packet)
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = packet.created_at.strftime("%Y%m%d-%H%M%S")
    scope = f"-{slugify(measure.number)[:30]}" if measure else ""
    target = out_dir / f"{slugify(hearing.title)[:60]}{scope}-bundle-{stamp}.zip"
    shutil.copyfile(file_store().path(packet.sha256), target)
    return target, packet
