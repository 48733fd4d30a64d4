"""`flask retention run` and `flask retention set`: residents' personal data past a body's
retention period (app/retention.py does the work)."""

from __future__ import annotations

import click
from flask import Flask
from sqlalchemy import select

from app import retention
from app.hearings.models import Body
from app.platform.extensions import db
from app.platform.timezones import utcnow


def _count(number: int, singular: str, plural: str = "") -> str:
    return f"{number} {singular if number == 1 else plural or singular + 's'}"


def register(app: Flask) -> None:
    @app.cli.group("retention")
    def retention_group() -> None:
        """Removing residents' personal data once a body's retention period is up."""

    @retention_group.command("run")
    @click.option("--apply", "apply_changes", is_flag=True, help="Remove it (default: only show).")
    def retention_run(apply_changes: bool) -> None:
        """Show, per body and hearing, how many testimonies still hold residents' e-mail and
        street address past their body's retention period; with --apply, remove them (the
        public record stays) and record it in the audit log."""
        now = utcnow()
        found = retention.apply(now=now) if apply_changes else retention.plan(now=now)
        if apply_changes:
            db.session.commit()
        for body in found.bodies:
            click.echo(f"{body.name} (kept {_count(body.retention_days, 'day')} after a hearing):")
            for hearing in body.hearings:
                click.echo(
                    f"  hearing {hearing.hearing_id}, over {hearing.over_at:%Y-%m-%d}: "
                    f"{_count(hearing.testimonies, 'testimony', 'testimonies')}, "
                    + (f"{_count(hearing.sign_ins, 'sign-in')}, " if hearing.sign_ins else "")
                    + f"{_count(hearing.messages, 'e-mail message')}"
                )
        totals = (
            f"{_count(found.testimonies, 'testimony', 'testimonies')}"
            + (f" and {_count(found.sign_ins, 'sign-in')}" if found.sign_ins else "")
            + " on "
            f"{_count(found.hearings, 'hearing')} and {_count(found.messages, 'e-mail message')}"
        )
        if apply_changes:
            click.echo(f"Removed e-mail and street addresses from {totals}.")
        elif found.testimonies or found.sign_ins:
            click.echo(f"Would remove e-mail and street addresses from {totals}.")
            click.echo("Nothing was changed. Run again with --apply to remove them.")
        elif not found.followers:
            click.echo("Nothing is due for removal.")
        if found.followers:
            followers = _count(found.followers, "follower address", "follower addresses")
            if apply_changes:
                click.echo(f"Removed {followers} never confirmed or unsubscribed.")
            else:
                click.echo(f"Would remove {followers} never confirmed or unsubscribed.")
        if found.kept_forever:
            click.echo(
                f"{_count(found.kept_forever, 'body', 'bodies')} without a retention period: "
                "nothing is removed there."
            )

    @retention_group.command("set")
    @click.argument("body_slug")
    @click.option("--days", type=int, help="Days after each hearing is over.")
    @click.option("--keep-forever", is_flag=True, help="Remove the period: keep everything.")
    def retention_set(body_slug: str, days: int | None, keep_forever: bool) -> None:
        """Set how many days after a hearing residents' e-mail and street address are kept,
        for every hearing of the body BODY_SLUG (see `retention run`)."""
        if (days is None) == (not keep_forever):
            raise click.UsageError("Give either --days N or --keep-forever.")
        body = db.session.scalar(select(Body).where(Body.slug == body_slug))
        if body is None:
            raise click.ClickException(f"There is no body {body_slug}.")
        try:
            retention.set_period(body, days, now=utcnow())
        except retention.RetentionError as error:
            db.session.rollback()
            raise click.ClickException(str(error)) from error
        db.session.commit()
        kept = f"{_count(days, 'day')} after each hearing" if days else "for ever"
        click.echo(f"{body.name} keeps residents' e-mail and street addresses {kept}.")
