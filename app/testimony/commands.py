"""`flask files forget-held`: delete expired files kept from forms sent back with an error."""

from __future__ import annotations

import click
from flask import Flask

from app.platform.commands import files_group
from app.platform.extensions import db
from app.platform.timezones import utcnow
from app.testimony import held_uploads


def register(app: Flask) -> None:
    @files_group(app).command("forget-held")
    def forget_held() -> None:
        """Delete the files kept from testimony forms sent back with an error that were never
        sent, once they expire (3 hours). The app also does some in passing; run this from cron
        to be sure none lingers."""
        now = utcnow()
        expired = files = 0
        while digests := held_uploads.sweep_expired(now=now, limit=200):
            db.session.commit()  # a batch at a time; files go only once their rows have
            files += held_uploads.forget_files(digests)
            db.session.commit()
            expired += len(digests)
        click.echo(f"Forgot {expired} expired kept file(s); deleted {files} stored file(s).")
