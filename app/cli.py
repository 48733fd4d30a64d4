"""Command-line tasks: demo data and mail delivery. Each command commits once."""

from __future__ import annotations

import click
from flask import Flask
from sqlalchemy import func, select

from app import outbox
from app.extensions import db


def register(app: Flask) -> None:
    @app.cli.command("seed-demo")
    @click.option("--if-empty", is_flag=True, help="Only load when there are no hearings yet.")
    def seed_demo(if_empty: bool) -> None:
        """Load the demo: Boston's face-surveillance ordinance and the state moratorium bills."""
        from app.demo import load_demo
        from app.hearings.models import Hearing

        if if_empty and db.session.scalar(select(func.count(Hearing.id))):
            click.echo("The database already has hearings; demo data not loaded.")
            return
        created = load_demo()
        db.session.commit()
        click.echo(
            f"Demo data loaded: {created} new records." if created else "Demo data already present."
        )

    @app.cli.group("outbox")
    def outbox_group() -> None:
        """E-mail outbox."""

    @outbox_group.command("deliver")
    def deliver() -> None:
        """Send every queued message that has not been sent yet."""
        # One pass: a message that fails now waits for the next run instead of being retried
        # in a tight loop against a mail server that is down.
        sent = outbox.deliver_pending(limit=10_000)
        click.echo(f"Delivered {sent} message(s).")
