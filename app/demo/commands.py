"""`flask seed-demo`: load the demo hearings and testimony."""

from __future__ import annotations

import click
from flask import Flask
from sqlalchemy import func, select

from app.demo import load_demo
from app.hearings.models import Hearing
from app.platform.extensions import db


def register(app: Flask) -> None:
    @app.cli.command("seed-demo")
    @click.option("--if-empty", is_flag=True, help="Only load when there are no hearings yet.")
    def seed_demo(if_empty: bool) -> None:
        """Load the demo: Boston's face-surveillance ordinance and the state moratorium bills."""
        if if_empty and db.session.scalar(select(func.count(Hearing.id))):
            click.echo("The database already has hearings; demo data not loaded.")
            return
        created = load_demo()
        db.session.commit()
        click.echo(
            f"Demo data loaded: {created} new records." if created else "Demo data already present."
        )
