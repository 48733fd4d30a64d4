"""Command-line tasks for the work that follows requests: the follow-up and export workers,
placing testimony in campaigns, and delivering the e-mail outbox by hand."""

from __future__ import annotations

import os
import signal
import threading

import click
from flask import Flask

from app.platform import outbox
from app.platform.extensions import db


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

    @app.cli.command("export-worker")
    @click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
    def export_worker(burst: bool) -> None:
        """Make queued exports from the Redis queue (needs OPENTESTIMONY_REDIS_URL)."""
        from app.exports import commands

        commands.work(burst=burst)

    @app.cli.command("follow-up-worker")
    @click.option("--burst", is_flag=True, help="Stop once nothing more can be done.")
    def follow_up_worker(burst: bool) -> None:
        """Place new testimony in campaigns and send receipts, as they arrive (FOLLOW_UP=worker).

        Runs at a lower priority than the app (OPENTESTIMONY_FOLLOW_UP_NICE) until stopped
        (SIGTERM or Ctrl-C), finishing the transaction in hand first. Run one or more."""
        from app import follow_up_process

        stop = threading.Event()
        for signal_number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signal_number, lambda *_: stop.set())
        follow_up_process.lower_priority(app)
        click.echo(f"Follow-up worker {os.getpid()} started.")
        follow_up_process.work(app, stop, burst=burst)
        click.echo(f"Follow-up worker {os.getpid()} stopped.")

    @app.cli.command("place-campaigns")
    def place_campaigns() -> None:
        """Put every testimony still waiting for its campaign into it now.

        The app does this right after each submission, and sweeps up what a stopped process
        left within minutes; this does it at once (after an outage, say)."""
        from app.campaigns.placement import place_pending

        placed = 0
        while placed_now := place_pending(limit=20):
            db.session.commit()  # a batch at a time: SQLite's write lock is let go between
            placed += placed_now
        click.echo(f"Placed {placed} testimonies.")
