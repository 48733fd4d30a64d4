"""`flask import-agenda FILE [--dry-run]`: import measures and hearings from a CSV or JSON
file (docs/agenda_import.md), printing the same plan the clerks' page previews."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask

from app.hearings.agenda_compare import Action
from app.hearings.agenda_files import MAX_FILE_BYTES
from app.hearings.agenda_import import Operator, PlanHasErrors, import_agenda
from app.hearings.agenda_plan import Plan, plan_agenda
from app.platform.extensions import db
from app.platform.timezones import utcnow

SHOWN = 100  # characters of a long value printed


def register(app: Flask) -> None:
    @app.cli.command("import-agenda")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--dry-run", is_flag=True, help="Print what would change, and change nothing.")
    def import_agenda_command(path: Path, dry_run: bool) -> None:
        """Import measures and hearings from a CSV or JSON file (docs/agenda_import.md).

        Prints each row's plan (create, change with old → new, unchanged, or its errors) and
        applies it in one transaction, unless --dry-run. A file with any error imports
        nothing; importing the same file again changes nothing."""
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)  # one byte more says it is too large
        if dry_run:
            plan = plan_agenda(data, path.name)
            db.session.rollback()
        else:
            try:
                plan = import_agenda(Operator(), data, path.name, now=utcnow())
            except PlanHasErrors as error:
                db.session.rollback()
                plan = error.plan
            else:
                db.session.commit()
        for line in describe(plan):
            click.echo(line)
        if plan.has_errors:
            raise click.ClickException("The file has errors, so nothing was imported.")
        if dry_run:
            click.echo("Dry run: nothing was changed.")
        elif plan.has_changes:
            click.echo("Imported.")
        else:
            click.echo("Nothing to change: everything in the file is already as it says.")


def describe(plan: Plan) -> list[str]:
    """The plan as lines of text: a summary, then each row and what it does."""
    if plan.file_errors:
        return [f"{plan.filename}: {message}" for message in plan.file_errors]
    counts = plan.counts()
    lines = [
        f"{plan.filename} ({plan.format.upper()}): {counts[Action.CREATE]} to create, "
        f"{counts[Action.CHANGE]} to change, {counts[Action.UNCHANGED]} unchanged, "
        f"{counts[Action.ERROR]} with errors"
    ]
    for row in plan.rows:
        lines.append(
            f"{row.where}: {row.kind} {row.external_id or '(no external id)'}: {row.action}"
        )
        lines.extend(f"    {c.field}: {_short(c.old)} → {_short(c.new)}" for c in row.changes)
        lines.extend(f"    {name or 'row'}: {message}" for name, message in row.errors)
    return lines


def _short(value: str) -> str:
    if not value:
        return "(empty)"
    value = " ".join(value.split())
    return value if len(value) <= SHOWN else value[: SHOWN - 1] + "…"
