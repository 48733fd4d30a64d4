"""The `flask files` group, and its command that copies stored files into the database."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask

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
