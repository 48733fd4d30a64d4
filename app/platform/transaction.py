"""One transaction per request: committed when the view returns, rolled back when it raises.

A view loads what it needs, calls a service and returns; it never commits or rolls back. The
application (`TransactionalFlask`, made by create_app) does, in one place, as indico's
`RH.process` does:

- the view returned a response, whatever its status: the request's work is committed before
  the response goes out (before any `after_request` hook), so work noted for after the commit
  (app/platform/committed.py) is handed over only once it is stored, and nothing is ever said or
  sent for a transaction that did not commit;
- the view raised (a `DomainError` it did not handle, `abort(404)`, a bug): everything the
  request did is rolled back, and the error handlers draw the page (app/platform/errors.py);
- the commit itself failed (a busy database): rolled back, and the busy page says nothing was
  stored; messages flashed for the response that never went out are dropped.

A view that shows the form again with a service's refusal calls the service inside
`attempt()`: a savepoint, rolled back on a `DomainError` so that exactly what the failed call did
is undone (work it noted for after the commit included), while what the view keeps for the
resident (files already checked, say) is still committed with the request. Views never catch
`DomainError` themselves (tests/platform/test_transaction.py checks that).

The request's transaction also says whether it writes (app/platform/database.py): pages (GET)
and views marked `@reads_first` begin reading, which on SQLite reads alongside the writer;
`attempt()`, or a service, switches to writing with `begin_writing()` before it writes. Commands
and background work keep their own transactions and commit for themselves.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass

from flask import Flask, current_app, request, session
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.platform import committed
from app.platform.database import begin_writing, reading
from app.platform.errors import DomainError
from app.platform.extensions import db

log = logging.getLogger("opentestimony.transaction")

# Requests that change nothing (pages, downloads): their transactions begin reading.
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_LATER = "after_commit_pending"
_READY = "after_commit_ready"


class TransactionalFlask(Flask):
    """Flask whose every request runs in one transaction (see the module's docstring)."""

    def full_dispatch_request(self):
        # Said before anything runs (before_request hooks load the signed-in user), so the
        # request's first transaction already knows whether it reads or writes.
        with reading() if _reads_first() else nullcontext():
            return super().full_dispatch_request()

    def dispatch_request(self):
        before = _SessionSnapshot()
        try:
            response = super().dispatch_request()
        except BaseException:
            _roll_back()
            raise
        try:
            db.session.commit()
        except BaseException:
            _roll_back()
            # The response that said "done" never goes out: the browser's session (a sign-in,
            # a sign-out, messages to show) stays as it was before the view.
            before.restore()
            raise
        run_after_commit()
        return response


def reads_first(view):
    """Mark a view that checks its input (a form's files) before it writes: its transaction
    begins reading, and holds no write lock on SQLite until it calls begin_writing()."""
    view.reads_first = True
    return view


def _reads_first() -> bool:
    if request.method in READ_ONLY_METHODS:
        return True
    rule = request.url_rule
    view = current_app.view_functions.get(rule.endpoint) if rule is not None else None
    return getattr(view, "reads_first", False)


class _SessionSnapshot:
    """The browser's session as the view found it, copied without marking it read (which
    would add "Vary: Cookie" to every response)."""

    def __init__(self) -> None:
        self.session = session._get_current_object()
        self.items = dict.copy(self.session)
        self.modified = self.session.modified

    def restore(self) -> None:
        dict.clear(self.session)
        dict.update(self.session, self.items)
        self.session.modified = self.modified


def _roll_back() -> None:
    # On the way to an error page: a connection that broke must not hide the first error.
    try:
        db.session.rollback()
    except Exception as error:
        log.warning("could not roll back (%s)", type(error).__name__)


@dataclass
class Attempt:
    """What happened inside attempt(): `error` is the service's refusal, or None."""

    error: DomainError | None = None


@contextmanager
def attempt() -> Iterator[Attempt]:
    """Run a service call that writes, undoing exactly what it did if it refuses.

        with transaction.attempt() as outcome:
            services.change_role(actor, user, role, now=now)
        if outcome.error:
            form.role.errors.append(str(outcome.error))

    The call runs in a savepoint after the transaction switches to writing (begin_writing()).
    A `DomainError` rolls the savepoint back (and forgets the work the call noted for after the
    commit), is kept in `outcome.error` and goes no further; whatever else the transaction did
    stays, and is committed with the request. Any other exception goes on up and rolls back
    the whole request.
    """
    begin_writing()
    outcome = Attempt()
    current = db.session()
    noted, later = committed.noted(), list(current.info.get(_LATER, []))
    savepoint = current.begin_nested()
    try:
        yield outcome
    except DomainError as error:
        if savepoint.is_active:
            savepoint.rollback()
        # What the page shows next is what is stored, not what the refused call left loaded.
        current.expire_all()
        # Work the refused call noted for after the commit was never done: forget it.
        committed.restore(noted)
        current.info[_LATER] = later
        outcome.error = error
    else:
        if savepoint.is_active:
            savepoint.commit()


def after_commit(callback: Callable[[], object]) -> None:
    """Call `callback` once this transaction has committed (never if it rolls back): for
    what must not happen before the rows that allowed it are gone, such as deleting a stored
    file. It runs in a transaction of its own, committed after it; a failure is logged."""
    db.session.info.setdefault(_LATER, []).append(callback)


def run_after_commit() -> None:
    for callback in db.session.info.pop(_READY, []):
        try:
            callback()
            db.session.commit()
        except Exception as error:  # the request's own work is stored: still answer
            db.session.rollback()
            log.warning("after-commit work failed (%s)", type(error).__name__)


@event.listens_for(Session, "after_commit")
def _ready_after_commit(current: Session) -> None:
    if current.in_nested_transaction():
        return
    pending = current.info.pop(_LATER, None)
    if pending:
        current.info.setdefault(_READY, []).extend(pending)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(current: Session) -> None:
    if current.in_nested_transaction():
        return
    current.info.pop(_LATER, None)
