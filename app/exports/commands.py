"""The export command-line task: `flask export-packet` writes a bundle to a folder."""

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


def export_bundle(
    hearing_id: int, out_dir: Path, *, measure_number: str = ""
) -> tuple[Path, Packet]:
    """Make the bundle here and now, keep it in the history, and copy it into out_dir."""
    hearing = db.session.get(Hearing, hearing_id)
    if hearing is None:
        raise click.ClickException(f"There is no hearing {hearing_id}.")
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
    packet_id = packet.id
    jobs.run_committed()  # here and now: the command waits for it
    packet = db.session.get(Packet, packet_id)
    if packet.status is not ExportStatus.READY:
        raise click.ClickException(packet.error or "The export failed.")
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = packet.created_at.strftime("%Y%m%d-%H%M%S")
    scope = f"-{slugify(measure.number)[:30]}" if measure else ""
    target = out_dir / f"{slugify(hearing.title)[:60]}{scope}-bundle-{stamp}.zip"
    shutil.copyfile(file_store().path(packet.sha256), target)
    return target, packet
