"""Connection settings that make each database safe for this application, and how a SQLite
transaction says whether it will write.

SQLite lets one transaction write at a time. A transaction that will write therefore takes the
write lock when it begins (BEGIN IMMEDIATE), so it cannot fail half-way with "database is
locked" because another writer committed between its reads and its writes; a transaction that
only reads begins plainly and reads alongside the writer (WAL). Which of the two a transaction
is, is said where it starts, never guessed from the request:

- `reading()`: transactions begun inside this block only read, until `begin_writing()`. The
  request transaction (app/platform/transaction.py) opens it for pages (GET) and for views that
  check their input before they write (a submission's files);
- `begin_writing()`: from here on this transaction writes. A reading SQLite transaction is
  ended (it only read: nothing is lost) and a writing one begins on the same connection;
  `transaction.attempt()` calls it before each write, services that write under a condition
  (app/testimony/write_guard.py) call it too. Whatever a decision rests on must be read again
  after it (the intake does: app/testimony/intake.py).

Outside `reading()` (commands, background work, requests that post) every transaction writes.
On PostgreSQL, where writers lock only the rows they change, none of this applies.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from app.platform.extensions import db

# How often a SQLite writer tries again for the write lock another process holds.
WRITE_RETRY_SECONDS = 0.002

# Whether transactions begun now only read. Set by reading(), cleared by begin_writing(); a
# context variable, so each request (thread or greenlet) has its own.
_reading: ContextVar[bool] = ContextVar("sqlite_reading", default=False)


def init_app(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, app.config.get("SQLITE_BUSY_TIMEOUT_MS", 5000))
    elif engine.dialect.name == "postgresql":
        _configure_postgresql(engine)


@contextmanager
def reading() -> Iterator[None]:
    """Transactions begun in this block read alongside SQLite's writer until begin_writing()."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def begin_writing() -> None:
    """From here on, this session's transaction writes.

    On SQLite a transaction begun in reading() ends (it only read: nothing is lost) and one
    that writes begins on the same connection, after this process's other writers and within
    the busy timeout. Objects already loaded are not read again: the caller reads again what a
    decision rests on. Anywhere else (PostgreSQL, a transaction that writes already, none begun
    yet) only the intent is recorded.
    """
    if not _reading.get():
        return
    _reading.set(False)
    session = db.session()
    if session.in_transaction() and session.get_bind().dialect.name == "sqlite":
        connection = session.connection()
        writers = SqliteWriters.of(connection.engine)
        if writers is not None:
            writers.switch_to_writing(connection)


def is_reading() -> bool:
    """Whether transactions begun now only read (inside reading(), before begin_writing())."""
    return _reading.get()


class SqliteWriters:
    """The writers of one SQLite engine in this process, and the transactions that only read.

    SQLite lets one transaction write at a time and makes the others poll for the lock with
    growing sleeps, so under a stream of writers an unlucky request can lose every round until
    its busy timeout (5 s, then the busy page). Writers of this process queue on `turn`
    instead, and are let in one after another; SQLite then only arbitrates between processes.
    Bounded by the busy timeout, so it can delay a writer but never hang one.
    """

    def __init__(self, engine: Engine, busy_timeout_ms: int) -> None:
        self.busy_timeout_ms = int(busy_timeout_ms)
        self.wait_seconds = busy_timeout_ms / 1000
        self.turn = threading.Lock()
        # The connections holding the turn (at most one, unless a wait timed out), and those in
        # a reading transaction. Kept here, not in connection.info, which cannot be read once a
        # broken connection is invalidated.
        self.holding: set = set()
        self.reading: set = set()
        engine.sqlite_writers = self  # found again by begin_writing(), through the connection
        event.listen(engine, "connect", self.on_connect)
        event.listen(engine, "begin", self.on_begin)
        event.listen(engine, "commit", self.end_turn)
        event.listen(engine, "rollback", self.end_turn)

    @staticmethod
    def of(engine: Engine) -> SqliteWriters | None:
        return getattr(engine, "sqlite_writers", None)

    def on_connect(self, dbapi_connection, _record) -> None:
        # Let SQLAlchemy, not the driver, open transactions, so SAVEPOINT works.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        # Wait this long for another writer's lock, then give up: the resident gets the busy
        # page (503) with their text, not an endless spinner.
        cursor.execute(f"PRAGMA busy_timeout={self.busy_timeout_ms}")
        cursor.close()
        # SQLite's own lower() only knows ASCII; searches must ignore case in "Núñez" too.
        dbapi_connection.create_function("lower", 1, _lower, deterministic=True)

    def on_begin(self, connection: Connection) -> None:
        # A transaction said to read (see reading()) reads alongside a writer, as WAL allows, so
        # a surge of submissions never queues people loading the form. Any other takes the
        # write lock up front: reading then writing, it cannot then fail with "database is
        # locked" because another writer committed in between.
        if _reading.get():
            connection.exec_driver_sql("BEGIN")
            self.reading.add(connection)
        else:
            self.begin_writing(connection)

    def switch_to_writing(self, connection: Connection) -> None:
        if connection in self.reading:
            self.reading.discard(connection)
            # Only SQLite's transaction ends (it only read); SQLAlchemy's goes on, so what the
            # session loaded stays loaded instead of being expired and read all over again.
            connection.exec_driver_sql("ROLLBACK")
            self.begin_writing(connection)

    def begin_writing(self, connection: Connection) -> None:
        deadline = time.monotonic() + self.wait_seconds
        if self.turn.acquire(timeout=self.wait_seconds):
            self.holding.add(connection)
        try:
            self._begin_immediate(connection, deadline)
        except BaseException:
            self.end_turn(connection)
            raise

    def _begin_immediate(self, connection: Connection, deadline: float) -> None:
        # Another process's writer is waited for here, at a steady pace: SQLite's own wait
        # sleeps longer and longer (up to 100 ms a time), so a writer that has waited a while
        # oversleeps the lock's release and is overtaken by fresh ones, and the last few of a
        # burst wait far longer than anyone writes.
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
            raw.execute(f"PRAGMA busy_timeout={self.busy_timeout_ms}")

    def end_turn(self, connection: Connection) -> None:
        self.reading.discard(connection)
        if connection in self.holding:
            self.holding.discard(connection)
            self.turn.release()


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    SqliteWriters(engine, busy_timeout_ms)


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
