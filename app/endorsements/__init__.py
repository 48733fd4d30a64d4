"""Endorsements: organisations standing behind a testimony or a campaign's letter, either
registered ones signing on through the API or names a resident gave on the testimony form."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Hand the packages below this one what they ask of it: the testimony services write the
    names a resident gives through `named`, campaigns that end move their sign-ons through
    `moves`, and the moderators' review page (a sibling package's template) lists a
    testimony's endorsements through a template function."""
    from app.campaigns import endings
    from app.endorsements import moves, named, queries
    from app.testimony import services as testimony_services

    app.extensions[testimony_services.NAMED_ENDORSEMENTS] = named
    app.extensions[endings.SIGN_ONS] = moves
    app.jinja_env.globals["testimony_endorsements"] = lambda testimony_id: (
        queries.endorsements_for_testimony([testimony_id])[testimony_id]
    )
