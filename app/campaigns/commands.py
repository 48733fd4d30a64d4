"""`flask regroup-campaigns` (group a hearing's testimony into campaigns again, at once) and
`flask place-campaigns` (place what waits for its campaign now)."""

from __future__ import annotations

import time

import click
from flask import Flask

from app.campaigns import placement
from app.campaigns.regrouping import regroup
from app.hearings.models import Hearing
from app.platform import audit, jobs
from app.platform.extensions import db
from app.platform.timezones import utcnow


def register(app: Flask) -> None:
    @app.cli.command("regroup-campaigns")
    @click.argument("hearing_id", type=int)
    @click.option(
        "--from-scratch",
        is_flag=True,
        help="Group as if no testimony were in a campaign yet (once after an upgrade, or to "
        "undo what placement on arrival got wrong). Letters a moderator took out stay out.",
    )
    def regroup_campaigns(hearing_id: int, from_scratch: bool) -> None:
        """Group a hearing's testimony into form-letter campaigns again, all at once.

        Submissions join campaigns as they arrive; this keeps what they found and also finds
        campaigns whose copies share little wording (bot templates). Moderators' merges and
        splits are kept."""
        hearing = db.session.get(Hearing, hearing_id)
        if hearing is None:
            raise click.ClickException(f"There is no hearing {hearing_id}.")
        started = time.monotonic()
        result = regroup(hearing, audit.SYSTEM, now=utcnow(), from_scratch=from_scratch)
        db.session.commit()
        click.echo(
            f"{result.grouped} of {result.testimonies} testimonies are in "
            f"{result.campaigns} campaigns ({time.monotonic() - started:.1f} s)."
        )

    @app.cli.command("place-campaigns")
    def place_campaigns() -> None:
        """Put every testimony still waiting for its campaign into it now.

        The app does this right after each submission, and sweeps up what a stopped process
        left within minutes; this does it at once (after an outage, say)."""
        placed = 0
        while outcome := jobs.run(app, kinds=[placement.JOB]):  # a batch per transaction
            placed += outcome.done
            if not outcome.done:
                break
        click.echo(f"Placed {placed} testimonies.")
