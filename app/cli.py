"""Command-line tasks: each package registers its own; this only calls them in turn."""

from __future__ import annotations

from flask import Flask

from app import retention_commands
from app.accounts import commands as accounts
from app.campaigns import commands as campaigns
from app.demo import commands as demo
from app.exports import commands as exports
from app.hearings import commands as hearings
from app.platform import commands as platform
from app.platform import jobs_commands
from app.testimony import commands as testimony


def register(app: Flask) -> None:
    for package in (
        platform,
        accounts,
        hearings,
        testimony,
        campaigns,
        exports,
        demo,
        retention_commands,
        jobs_commands,
    ):
        package.register(app)
