"""`/healthz`: whether this process can take testimony safely, for a load balancer or a person.

Each check says what it found; any failure makes the answer 503 so a proxy stops sending
residents to a process that would lose or refuse their testimony. `follow_up` only reports how
much work waits after the answers (placements, e-mail) and for how long, for monitoring.
Nothing personal, no addresses or passwords, is ever shown.
"""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

from flask import Blueprint, Flask, current_app, jsonify
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import SQLAlchemyError

from app.platform.extensions import db, limiter
from app.platform.timezones import utcnow

bp = Blueprint("health", __name__)
log = logging.getLogger("opentestimony")


@cache
def _revisions(directory: str) -> tuple[tuple[str, ...], frozenset[str]]:
    """The code's latest revisions, and every revision it knows."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", directory)
    script = ScriptDirectory.from_config(config)
    known = frozenset(revision.revision for revision in script.walk_revisions())
    return tuple(sorted(script.get_heads())), known


def _migrations(current: tuple[str, ...]) -> dict:
    directory = str(Path(current_app.extensions["migrate"].directory).resolve())
    heads, known = _revisions(directory)
    if current == heads:
        return {"ok": True, "detail": "current"}
    if current and not set(current) <= known:
        # Migrated by a newer release during a rolling upgrade: this process keeps serving
        # until it is replaced (migrations add before they remove).
        return {"ok": True, "detail": "the database is newer than this code"}
    return {"ok": False, "detail": "run `flask --app wsgi db upgrade`"}


def _database() -> dict:
    """Reachable, migrated to the code's head, and set to keep what it acknowledges."""
    try:
        # The request's own session, as every page uses, so the check sees what pages see.
        connection = db.session.connection()
        connection.execute(text("SELECT 1"))
        durability = _durability(connection)
        current = ()  # a database never migrated has no version table yet
        if inspect(connection).has_table("alembic_version"):
            versions = connection.execute(text("SELECT version_num FROM alembic_version"))
            current = tuple(sorted(versions.scalars()))
    except SQLAlchemyError as error:
        return {"database": _failed(type(error).__name__)}
    return {
        "database": {"ok": True, "detail": db.engine.dialect.name},
        "migrations": _migrations(current),
        "durability": durability,
    }


def _durability(connection) -> dict:
    if connection.dialect.name == "sqlite":
        journal = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
        synchronous = connection.exec_driver_sql("PRAGMA synchronous").scalar()
        timeout = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
        # synchronous 2 is FULL: a commit is on disk before the resident is told.
        ok = str(journal).lower() == "wal" and synchronous == 2 and timeout > 0
        detail = f"journal_mode={journal} synchronous={synchronous} busy_timeout={timeout}"
        return {"ok": ok, "detail": detail}
    if connection.dialect.name == "postgresql":
        setting = connection.execute(text("SHOW synchronous_commit")).scalar()
        return {"ok": setting == "on", "detail": f"synchronous_commit={setting}"}
    return {"ok": False, "detail": f"unsupported database {connection.dialect.name}"}


def _queue(app: Flask) -> dict:
    from app.exports import jobs

    how = jobs.runner(app)
    if how != "rq":
        return {"ok": True, "detail": f"exports run in the web process ({how})"}
    from redis import Redis
    from redis.exceptions import RedisError

    try:
        Redis.from_url(app.config["REDIS_URL"], socket_timeout=2).ping()
    except RedisError as error:
        return _failed(type(error).__name__)
    return {"ok": True, "detail": "redis"}


def _follow_up(app: Flask) -> dict:
    """What waits after the answer: campaign placements and unsent e-mail. Never a failure
    (nothing is lost while it waits, and this process takes testimony all the same), but a
    long wait means no follow-up worker runs, or the mail server is down."""
    from app.campaigns.models import PendingPlacement
    from app.platform.outbox import MAX_ATTEMPTS, OutboxMessage

    placements, placement_since = db.session.execute(
        select(func.count(), func.min(PendingPlacement.queued_at))
    ).one()
    mail, mail_since = db.session.execute(
        select(func.count(), func.min(OutboxMessage.created_at)).where(
            OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < MAX_ATTEMPTS
        )
    ).one()
    since = [moment for moment in (placement_since, mail_since) if moment is not None]
    oldest = int((utcnow() - min(since)).total_seconds()) if since else 0
    detail = (
        f"{app.config['FOLLOW_UP']}: {_count(placements, 'placement')} and "
        f"{_count(mail, 'e-mail')} waiting"
    )
    if since:
        detail += f", the oldest for {oldest} s"
    return {"ok": True, "detail": detail, "waiting": placements + mail, "oldest_seconds": oldest}


def _count(number: int, thing: str) -> str:
    return f"{number} {thing}" if number == 1 else f"{number} {thing}s"


def _failed(why: str) -> dict:
    return {"ok": False, "detail": f"unreachable ({why})"}


def checks(app: Flask) -> dict[str, dict]:
    found = _database()
    found["queue"] = _queue(app)
    # Never a failure: without ClamAV uploads are still checked and cleaned, only not scanned.
    from app.testimony import malware

    found["malware_scan"] = malware.health()
    if found["database"]["ok"] and found["migrations"]["ok"]:
        try:
            found["follow_up"] = _follow_up(app)
        except SQLAlchemyError as error:  # only a report: the checks above decide
            db.session.rollback()
            found["follow_up"] = {"ok": True, "detail": f"not known ({type(error).__name__})"}
    return found


def report_at_start(app: Flask) -> None:
    """Say in the log, when a server starts, anything that would make /healthz fail (called by
    gunicorn.conf.py for each worker; not by command-line tools such as `db upgrade`)."""
    if app.extensions.get("sqlalchemy") is not db:
        return  # another application served by the same configuration (bench/_bare_app.py)
    # A worker must start whatever this finds: a problem is logged, never raised.
    try:
        with app.app_context():
            for name, result in checks(app).items():
                if not result["ok"]:
                    log.error("Health check %s failed: %s", name, result["detail"])
                elif result.get("warning"):
                    log.warning("Health check %s: %s", name, result["warning"])
    except Exception:
        log.exception("Health check could not run at start")


@bp.route("/healthz")
@limiter.exempt
def healthz():
    found = checks(current_app)
    healthy = all(result["ok"] for result in found.values())
    response = jsonify(status="ok" if healthy else "failing", checks=found)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response
