"""The bare endpoint bench/submissions.py measures the testimony form against.

A plain Flask + Flask-SQLAlchemy app that accepts the same urlencoded testimony form at the same
path and stores the same row in the same `testimonies` table, then answers 303 to a receipt
link, but does nothing else: no CSRF check, no validation, no rate limits, no campaign
placement, no running tallies, no audit row, no outbox mail. What it costs is what any Flask
app pays to store one row; what the real form costs beyond it is the price of its safeguards.

It reads its database from the app's own settings (DATABASE_URL, OPENTESTIMONY_*) and opens its
connections exactly as the app does (same engine options; on SQLite WAL, synchronous=FULL, the
busy timeout and BEGIN IMMEDIATE; on PostgreSQL synchronous_commit=on), so the comparison is
fair where the database is concerned. Served by the same gunicorn command and config:

    .venv/bin/gunicorn -c gunicorn.conf.py bench._bare_app:app
"""

from __future__ import annotations

import hashlib
import os
import secrets
from datetime import UTC, datetime

from flask import Flask, redirect, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Boolean, DateTime, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from app.config import DEFAULTS, from_environment

# The app's own connection set-up, so both endpoints write under the same durability and
# locking rules (private to app.platform.database, hence imported by name: a rename breaks
# this loudly).
from app.platform.database import _configure_postgresql, _configure_sqlite

TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
# Rows stored here are told apart from the form's ("OT-...") by their tracking numbers.
TRACKING_PREFIX = "BA-"

db = SQLAlchemy()


class StoredTestimony(db.Model):
    """The columns of `testimonies` that the form's submission fills in (see
    app.testimony.services.submit_testimony), minus what only campaign placement sets."""

    __tablename__ = "testimonies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hearing_id: Mapped[int] = mapped_column(Integer)
    measure_id: Mapped[int] = mapped_column(Integer)
    tracking_number: Mapped[str] = mapped_column(String(12))
    receipt_token_hash: Mapped[str] = mapped_column(String(64))
    submission_key: Mapped[str] = mapped_column(String(64))
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    # Lower-cased copies the app's model keeps beside them (migration 0013).
    email_key: Mapped[str] = mapped_column(String)
    name_key: Mapped[str] = mapped_column(String)
    street_address: Mapped[str] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(100))
    zip_code: Mapped[str] = mapped_column(String(10))
    organization: Mapped[str | None] = mapped_column(String(200))
    speaks_for_organization: Mapped[bool] = mapped_column(Boolean)
    public_record_acknowledged: Mapped[bool] = mapped_column(Boolean)
    position: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    speaking_request: Mapped[str] = mapped_column(String(20))
    interpreter_language: Mapped[str | None] = mapped_column(String(100))
    accessibility_need: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer)
    kept_apart: Mapped[bool] = mapped_column(Boolean)
    # Naive UTC, as the app's UTCDateTime stores it.
    received_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


def _tracking_number() -> str:
    chars = [secrets.choice(TRACKING_ALPHABET) for _ in range(8)]
    return f"{TRACKING_PREFIX}{''.join(chars[:4])}-{''.join(chars[4:])}"


def _optional(name: str) -> str | None:
    return request.form.get(name, "").strip() or None


def create_app() -> Flask:
    app = Flask(__name__)
    settings = {**DEFAULTS, **from_environment(dict(os.environ))}
    app.config["SQLALCHEMY_DATABASE_URI"] = settings["SQLALCHEMY_DATABASE_URI"]
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = dict(settings["SQLALCHEMY_ENGINE_OPTIONS"])
    db.init_app(app)
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, settings["SQLITE_BUSY_TIMEOUT_MS"])
    elif engine.dialect.name == "postgresql":
        _configure_postgresql(engine)

    @app.post("/hearings/<int:hearing_id>/testimony/new")
    def submit(hearing_id: int):
        form = request.form
        full_name, email = form["full_name"].strip(), form["email"].strip()
        token = secrets.token_hex(20)
        now = datetime.now(UTC).replace(tzinfo=None)
        db.session.add(
            StoredTestimony(
                hearing_id=hearing_id,
                measure_id=int(form["measure_id"]),
                tracking_number=_tracking_number(),
                receipt_token_hash=hashlib.sha256(token.encode()).hexdigest(),
                submission_key=form["submission_key"],
                full_name=full_name,
                email=email,
                name_key=full_name.lower(),
                email_key=email.lower(),
                street_address=form["street_address"].strip(),
                city=form["city"].strip(),
                zip_code=form["zip_code"].strip(),
                organization=_optional("organization"),
                speaks_for_organization="speaks_for_organization" in form,
                public_record_acknowledged="public_record_acknowledged" in form,
                position=form["position"],
                body=form["body"].replace("\r\n", "\n").strip(),
                speaking_request=form.get("speaking_request", "none"),
                interpreter_language=_optional("interpreter_language"),
                accessibility_need=_optional("accessibility_need"),
                status="pending",
                version=1,
                kept_apart=False,
                received_at=now,
                updated_at=now,
            )
        )
        db.session.commit()
        return redirect(f"/receipts/{token}", code=303)

    @app.get("/healthz")
    def healthz():
        db.session.execute(text("SELECT 1"))
        return "ok"

    return app


app = create_app()
