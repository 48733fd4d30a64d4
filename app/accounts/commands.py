"""`flask create-user`: staff accounts from the command line."""

from __future__ import annotations

import sys

import click
from flask import Flask

from app.accounts import services
from app.accounts.models import Role
from app.platform import audit
from app.platform.errors import DomainError
from app.platform.extensions import db
from app.platform.timezones import utcnow


def register(app: Flask) -> None:
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
            user = services.find_user(email)
            if user is None:
                services.create_user(
                    audit.SYSTEM,
                    email=email,
                    name=name or services.normalise_email(email),
                    role=Role(role),
                    password=password,
                    now=now,
                )
                verb = "Created"
            else:
                services.set_password(audit.SYSTEM, user, password, now=now)
                services.change_role(audit.SYSTEM, user, Role(role), now=now)
                services.set_active(audit.SYSTEM, user, True, now=now)
                if name:
                    user.name = name
                verb = "Updated"
        except DomainError as error:
            db.session.rollback()
            raise click.ClickException(str(error)) from error
        db.session.commit()
        click.echo(f"{verb} {services.normalise_email(email)} as {role}.")
