"""Command-line tasks: demo data, staff accounts, mail, retention, exports and campaigns."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click
from flask import Flask
from sqlalchemy import func, select

from app.accounts import services as account_services
from app.accounts.models import Role
from app.platform import audit
from app.platform.errors import DomainError
from app.platform.extensions import db
from app.platform.timezones import utcnow


def _count(number: int, singular: str, plural: str = "") -> str:
    return f"{number} {singular if number == 1 else plural or singular + 's'}"


def register(app: Flask) -> None:
    from app import follow_up_commands

    follow_up_commands.register(app)

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

    @app.cli.command("create-user")
    @click.argument("email")
    @click.option(
        "--role",
        type=click.Choice([role.value for role in Role]),
        required=True,
        help="moderator, clerk or admin",
    )
    @click.option("--name", default="", help="Full name (defaults to the e-mail address).")
    def create_user(email: str, role: str, name: str) -> None:
        """Create a staff user, or update an existing one's role and password.

        The password is asked for at a prompt, or read from standard input when it is not a
        terminal (one line), so it never appears in the shell history or the process list.
        """
        if sys.stdin.isatty():
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        else:
            password = sys.stdin.readline().rstrip("\r\n")
        now = utcnow()
        try:
            user = account_services.find_user(email)
            if user is None:
                account_services.create_user(
                    audit.SYSTEM,
                    email=email,
                    name=name or account_services.normalise_email(email),
                    role=Role(role),
                    password=password,
                    now=now,
                )
                verb = "Created"
            else:
                account_services.set_password(audit.SYSTEM, user, password, now=now)
                account_services.change_role(audit.SYSTEM, user, Role(role), now=now)
                account_services.set_active(audit.SYSTEM, user, True, now=now)
                if name:
                    user.name = name
                verb = "Updated"
        except DomainError as error:
            db.session.rollback()
            raise click.ClickException(str(error)) from error
        db.session.commit()
        click.echo(f"{verb} {account_services.normalise_email(email)} as {role}.")

    @app.cli.group("retention")
    def retention_group() -> None:
        """Removing residents' personal data once a body's retention period is up."""

    @retention_group.command("run")
    @click.option("--apply", "apply_changes", is_flag=True, help="Remove it (default: only show).")
    def retention_run(apply_changes: bool) -> None:
        """Show, per body and hearing, how many testimonies still hold residents' e-mail and
        street address past their body's retention period; with --apply, remove them (the
        public record stays) and record it in the audit log."""
        from app import retention

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
                    f"{_count(hearing.messages, 'e-mail message')}"
                )
        totals = (
            f"{_count(found.testimonies, 'testimony', 'testimonies')} on "
            f"{_count(found.hearings, 'hearing')} and {_count(found.messages, 'e-mail message')}"
        )
        if apply_changes:
            click.echo(f"Removed e-mail and street addresses from {totals}.")
        elif found.testimonies:
            click.echo(f"Would remove e-mail and street addresses from {totals}.")
            click.echo("Nothing was changed. Run again with --apply to remove them.")
        else:
            click.echo("Nothing is due for removal.")
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
        from app import retention
        from app.hearings.models import Body

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
        from app.exports import commands

        path, packet = commands.export_bundle(hearing_id, Path(out_dir), measure_number=measure)
        click.echo(f"Wrote {path}")
        click.echo(
            f"{packet.item_count} approved testimonies, {packet.page_count} packet pages, "
            f"SHA-256 {packet.sha256}"
        )

    @app.cli.command("regroup-campaigns")
    @click.argument("hearing_id", type=int)
    def regroup_campaigns(hearing_id: int) -> None:
        """Group a hearing's testimony into form-letter campaigns again, all at once.

        Submissions join campaigns as they arrive; this also finds campaigns whose copies
        share little wording (bot templates). Moderators' merges and splits are kept."""
        from app.campaigns.regrouping import regroup
        from app.hearings.models import Hearing

        hearing = db.session.get(Hearing, hearing_id)
        if hearing is None:
            raise click.ClickException(f"There is no hearing {hearing_id}.")
        started = time.monotonic()
        result = regroup(hearing, audit.SYSTEM, now=utcnow())
        db.session.commit()
        click.echo(
            f"{result.grouped} of {result.testimonies} testimonies are in "
            f"{result.campaigns} campaigns ({time.monotonic() - started:.1f} s)."
        )

    @app.cli.group("files")
    def files_group() -> None:
        """Stored attachments and exports."""

    @files_group.command("copy-to-database")
    def copy_to_database() -> None:
        """Copy every file kept in OPENTESTIMONY_UPLOAD_FOLDER into the database, before
        switching OPENTESTIMONY_FILE_STORE to database. Safe to run again; the folder is left
        as it is."""
        from app.platform.database_store import copy_folder_into_database

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

    @files_group.command("forget-held")
    def forget_held() -> None:
        """Delete the files kept from testimony forms sent back with an error that were never
        sent, once they expire (3 hours). The app also does some in passing; run this from cron
        to be sure none lingers."""
        from app.testimony import held_uploads

        now = utcnow()
        expired = files = 0
        while digests := held_uploads.sweep_expired(now=now, limit=200):
            db.session.commit()  # a batch at a time; files go only once their rows have
            files += held_uploads.forget_files(digests)
            db.session.commit()
            expired += len(digests)
        click.echo(f"Forgot {expired} expired kept file(s); deleted {files} stored file(s).")
