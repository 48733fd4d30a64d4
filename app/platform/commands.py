"""The `flask files` group and its command that copies stored files into the database, and
`flask outbox deliver`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask

from app.platform import outbox
from app.platform.database_store import copy_folder_into_database


def files_group(app: Flask) -> click.Group:
    """The app's `files` group, made on first use: the platform and testimony both add to it,
    so neither depends on the other having registered first."""
    group = app.cli.commands.get("files")
    if group is None:

        @app.cli.group("files")
        def group() -> None:
            """Stored attachments and exports."""

    return group


def register(app: Flask) -> None:
    @files_group(app).command("copy-to-database")
    def copy_to_database() -> None:
        """Copy every file kept in OPENTESTIMONY_UPLOAD_FOLDER into the database, before
        switching OPENTESTIMONY_FILE_STORE to database. Safe to run again; the folder is left
        as it is."""
        folder = Path(app.config["UPLOAD_FOLDER"])
        if not folder.is_dir():
            raise click.ClickException(f"There is no folder {folder}.")
        found = copy_folder_into_database(folder)
        click.echo(f"Copied {found.copied} file(s) into the database; {found.present} were there.")
        if found.damaged:
            listed = ", ".join(found.damaged)
            raise click.ClickException(
                f"{len(found.damaged)} file(s) do not match their SHA-256 and were not copied "
                f"(restore them from a backup, then run this again): {listed}"
            )

    @app.cli.group("outbox")
    def outbox_group() -> None:
        """E-mail outbox."""

    @outbox_group.command("deliver")
    def deliver() -> None:
        """Send every queued message that has not been sent yet, now.

        Messages whose automatic tries ran out are tried too. Those a stopped process had
        claimed are sent once its claim lapses (within a minute); a live process's are left
        to it. Fails when some could not be sent: run it again once the mail server is back."""
        # One pass: a message that fails now waits for the next run instead of being retried
        # in a tight loop against a mail server that is down.
        delivery = outbox.deliver_all()
        click.echo(f"Delivered {delivery.sent} message(s).")
        if delivery.held:
            click.echo(f"{delivery.held} message(s) are being sent by another process.")
        if delivery.failed:
            raise click.ClickException(
                f"{delivery.failed} message(s) could not be delivered; each keeps its last "
                "error in the outbox and waits for the next run."
            )
