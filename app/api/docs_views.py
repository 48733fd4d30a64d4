"""The OpenAPI document and the docs page people read, drawn from it on the server (no
scripts, nothing fetched from elsewhere)."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from app.api import conditional, spec
from app.api.problems import SLUGS, TITLES

bp = Blueprint("api_docs", __name__, url_prefix="/api/v1")


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 document of the API."""
    return conditional.json_response(spec.document())


@bp.get("/docs")
def docs():
    """The API's documentation page."""
    document = spec.document()
    return render_template(
        "api/docs.html",
        document=document,
        operations=spec.operations(document),
        problems=[(SLUGS[code], code, TITLES[code]) for code in sorted(SLUGS)],
        base_url=current_app.config["BASE_URL"].rstrip("/"),
    )
