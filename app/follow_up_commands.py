"""Command-line tasks for the work that follows requests, by hand: placing testimony in
campaigns and delivering the e-mail outbox (`flask jobs` runs every kind of job)."""

from __future__ import annotations

import click
from flask import Flask

from app.platform import outbox


def register(app: Flask) -> None:
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

    @app.cli.command("place-campaigns")
    def place_campaigns() -> None:
        """Put every testimony still waiting for its campaign into it now.

        The app does this right after each submission, and sweeps up what a stopped process
        left within minutes; this does it at once (after an outage, say)."""
        from app.campaigns import placement
        from app.platform import jobs

        placed = 0
        while outcome := jobs.run(app, kinds=[placement.JOB]):  # a batch per transaction
            placed += outcome.done
            if not outcome.done:
                break
        click.echo(f"Placed {placed} testimonies.")
