"""`/healthz`: whether this process can take testimony safely, for a load balancer or a person.

Each check says what it found; any failure makes the answer 503 so a proxy stops sending
residents to a process that would lose or refuse their testimony. `jobs` only reports the
background work (e-mail, placements, exports) by kind and state and how long the oldest has
waited, for monitoring.
Nothing personal, no addresses or passwords, is ever shown.
"""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

from flask import Blueprint, Flask, current_app, jsonify
from sqlalchemy import inspect, text
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
    from app.platform import jobs

    how = jobs.runner_name(app)
    if how != "rq":
        return {"ok": True, "detail": f"jobs run from the database ({how})"}
    from redis import Redis
    from redis.exceptions import RedisError

    try:
        Redis.from_url(app.config["REDIS_URL"], socket_timeout=2).ping()
    except RedisError as error:
        return _failed(type(error).__name__)
    return {"ok": True, "detail": "redis"}


def _jobs() -> dict:
    """Background jobs by kind and state, and how long the oldest queued one has waited. Never
    a failure (nothing is lost while it waits, and this process takes testimony all the same),
    but a long wait means no worker runs or the mail server is down, and a dead job needs a
    staff admin's look (the Background jobs page)."""
    from app.platform import jobs

    found = jobs.summary(now=utcnow())
    waiting = found.total(jobs.QUEUED) + found.total(jobs.RETRYING)
    detail = (
        f"{_count(found.total(jobs.QUEUED), 'queued')}, "
        f"{_count(found.total(jobs.RUNNING), 'running')}, "
        f"{_count(found.total(jobs.RETRYING), 'retrying')}, "
        f"{_count(found.total(jobs.DEAD), 'dead')}"
    )
    if found.oldest_queued_seconds:
        detail += f"; the oldest queued for {found.oldest_queued_seconds} s"
    result = {
        "ok": True,
        "detail": detail,
        "waiting": waiting,
        "oldest_seconds": found.oldest_queued_seconds,
        "counts": found.counts,
    }
    if found.total(jobs.DEAD):
        result["warning"] = f"{_count(found.total(jobs.DEAD), 'dead job')} to look at"
    return result


def _count(number: int, thing: str) -> str:
    if number == 1 or thing in ("queued", "running", "retrying", "dead"):
        return f"{number} {thing}"
    return f"{number} {thing}s"


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
            found["jobs"] = _jobs()
        except SQLAlchemyError as error:  # only a report: the checks above decide
            db.session.rollback()
            found["jobs"] = {"ok": True, "detail": f"not known ({type(error).__name__})"}
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
