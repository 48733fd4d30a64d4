"""Conditional GET and caching: every read answers with an `ETag` (and `Last-Modified` where
the data carries a time), and a client that sends them back gets `304 Not Modified` with no
body when nothing changed."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from flask import Response, current_app, request


def json_response(document, *, last_modified: datetime | None = None, status: int = 200):
    """The document as JSON with its validators, or 304 when the client has this version."""
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    response = Response(body, status=status, mimetype="application/json")
    return finish(response, hashlib.sha256(body).hexdigest()[:32], last_modified)


def finish(response: Response, version: str, last_modified: datetime | None) -> Response:
    """Set the validators and caching headers, and turn the answer into a 304 when the
    client's copy is current (If-None-Match wins over If-Modified-Since, RFC 9110 13.2.2)."""
    headers(response, version)
    if last_modified is not None:
        response.last_modified = last_modified.replace(microsecond=0)
    if request.method in ("GET", "HEAD"):
        response.make_conditional(request)
    return response


def headers(response: Response, version: str) -> Response:
    """The ETag and the caching rules."""
    response.set_etag(version)
    max_age = current_app.config["API_CACHE_SECONDS"]
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    return response


def fingerprint(*parts) -> str:
    """A version tag made from what identifies the data's state (counts, latest times, ids),
    for answers too large to hash whole (the streamed open-data files)."""
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:32]
