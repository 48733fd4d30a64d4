"""Connection settings that make each database safe for this application."""

from __future__ import annotations

import sqlite3
import threading
import time
import weakref

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from app.platform.extensions import db

# Requests that change nothing (pages, downloads); every other method may write.
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# How often a SQLite writer tries again for the write lock another process holds.
WRITE_RETRY_SECONDS = 0.002

# Per SQLite engine: how a connection that has only read so far starts writing (see
# begin_writing), and which connections are in such a reading transaction.
_start_writing: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def init_app(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, app.config.get("SQLITE_BUSY_TIMEOUT_MS", 5000))
    elif engine.dialect.name == "postgresql":
        _configure_postgresql(engine)


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # Let SQLAlchemy, not the driver, open transactions, so SAVEPOINT works.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        # Wait this long for another writer's lock, then give up: the resident gets the busy
        # page (503) with their text, not an endless spinner.
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()
        # SQLite's own lower() only knows ASCII; searches must ignore case in "Núñez" too.
        dbapi_connection.create_function("lower", 1, _lower, deterministic=True)

    # SQLite lets one transaction write at a time and makes the others poll for the lock with
    # growing sleeps, so under a stream of writers an unlucky request can lose every round
    # until its busy timeout (5 s, then the busy page). Writers of this process queue here
    # instead, and are let in one after another; SQLite then only arbitrates between
    # processes. Bounded by the busy timeout, so it can delay a writer but never hang one.
    writers = threading.Lock()
    wait_seconds = busy_timeout_ms / 1000
    # The connections holding the turn (at most one, unless a wait timed out). Kept here,
    # not in connection.info, which cannot be read once a broken connection is invalidated.
    holding: set = set()
    reading: set = set()

    def _begin_writing(connection) -> None:
        deadline = time.monotonic() + wait_seconds
        if writers.acquire(timeout=wait_seconds):
            holding.add(connection)
        try:
            _begin_immediate(connection, deadline)
        except BaseException:
            _end_turn(connection)
            raise

    def _begin_immediate(connection, deadline: float) -> None:
        # Another process's writer is waited for here, at a steady pace: SQLite's own wait
        # sleeps longer and longer (up to 100 ms a time), so a writer that has waited a
        # while oversleeps the lock's release and is overtaken by fresh ones, and the last
        # few of a burst wait far longer than anyone writes.
        raw = connection.connection.driver_connection
        raw.execute("PRAGMA busy_timeout=0")
        try:
            while time.monotonic() < deadline:
                try:
                    raw.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as error:
                    if not sqlite_locked(error):
                        break
                time.sleep(WRITE_RETRY_SECONDS)
            # Out of time (or another fault): once more through SQLAlchemy, so a refusal is
            # its "database is locked", which the app answers with the busy page.
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        finally:
            raw.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _end_turn(connection) -> None:
        reading.discard(connection)
        if connection in holding:
            holding.discard(connection)
            writers.release()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        # A page that only reads (GET) reads alongside a writer, as WAL allows, so a surge of
        # submissions never queues people loading the form. Anything that may write takes the
        # write lock up front: a transaction that reads then writes cannot then fail with
        # "database is locked" when another writer committed in between. A request that
        # checks its input first (see begin_writing) reads alongside writers until it writes.
        checking_first = has_request_context() and _reading_first()
        if checking_first or (has_request_context() and request.method in READ_ONLY_METHODS):
            connection.exec_driver_sql("BEGIN")
            if checking_first:
                reading.add(connection)
        else:
            _begin_writing(connection)

    def _switch_to_writing(connection) -> None:
        if connection in reading:
            reading.discard(connection)
            # Only SQLite's transaction ends (it only read); SQLAlchemy's goes on, so what the
            # session loaded stays loaded instead of being expired and read all over again.
            connection.exec_driver_sql("ROLLBACK")
            _begin_writing(connection)

    _start_writing[engine] = _switch_to_writing


def reads_first(view):
    """Mark a view that checks its input before it writes: until it calls begin_writing(),
    its reads need not wait for another request's writes."""
    view.reads_first = True
    return view


def _reading_first() -> bool:
    view = current_app.view_functions.get(request.endpoint)
    return getattr(view, "reads_first", False) and not g.get("writing", False)


def begin_writing() -> None:
    """End this request's reading and start the transaction that writes.

    On SQLite only one transaction writes at a time, so a submission checks its form (CSRF,
    fields, rate limits) without holding the write lock, and takes the lock just for its
    inserts: its reading transaction ends (it only read: nothing is lost) and a writing one
    begins on the same connection. Objects already loaded are not read again: the caller
    refreshes what a decision rests on (the hearing's deadline) inside the writing transaction.
    On PostgreSQL, where writers lock only the rows they change, nothing needs to change.
    """
    if g.get("writing", False):
        return
    g.writing = True
    session = db.session()
    if session.get_bind().dialect.name == "sqlite" and session.in_transaction():
        connection = session.connection()
        _start_writing[connection.engine](connection)


def _configure_postgresql(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO on")
            cursor.execute("SET TIME ZONE 'UTC'")
        dbapi_connection.commit()


def sqlite_locked(error: sqlite3.OperationalError) -> bool:
    """Whether SQLite refused because another connection holds the lock."""
    message = str(error).lower()
    return "locked" in message or "busy" in message


def _lower(value):
    return value.lower() if isinstance(value, str) else value
