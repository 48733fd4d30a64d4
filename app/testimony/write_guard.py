"""Every write to a testimony applies to the row its author saw, or not at all.

A resident's amendment or withdrawal, a moderator's decision or redaction, a campaign
decision: each was prepared from one version of the text in one status, often seconds earlier
(a page read, a slow upload checked). Before writing, `hold` takes the row with a conditional
UPDATE that only matches while the row still has that version (and is not withdrawn, for a
resident's change):

- on PostgreSQL the UPDATE locks the row until commit, so a second writer waits, then sees
  the first one's change, no longer matches, and is refused; nothing half-applies;
- on SQLite one transaction writes at a time already (app/platform/database.py), so the condition,
  read under the write lock, is what refuses the second.

After `hold` the testimony is read again under that lock, so whatever the caller then changes
through the ORM is compared with, and counted from (app/testimony/tallies.py), the row as it
really is: a status set "back" to pending is written even if someone approved it meanwhile.
Decisions, one or many, put the same condition (status and version seen) in the UPDATE that
makes them (app/moderation/services.py).
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import inspect, update

from app.platform.database import begin_writing
from app.platform.extensions import db
from app.testimony.models import ReviewStatus, Testimony

_COLUMNS = [attribute.key for attribute in inspect(Testimony).column_attrs]


def hold(
    testimony: Testimony,
    *,
    version: int,
    not_statuses: Collection[ReviewStatus] = (),
) -> bool:
    """Lock the row for this transaction if it still has `version` (and no status in
    `not_statuses`); read it again either way. False: it changed."""
    # A transaction begun reading (app/platform/database.py) reads SQLite from a snapshot:
    # take the write lock first, so the condition is checked on the latest row.
    begin_writing()
    conditions = [Testimony.id == testimony.id, Testimony.version == version]
    if not_statuses:
        conditions.append(Testimony.status.not_in(list(not_statuses)))
    # Setting the version to itself changes nothing but still takes the row's write lock.
    matched = db.session.execute(
        update(Testimony)
        .where(*conditions)
        .values(version=Testimony.version)
        .execution_options(synchronize_session=False)
    ).rowcount
    # The row's own columns only: its attachments and earlier versions change only with its
    # version, so when the hold succeeds what is loaded of them is still right.
    db.session.refresh(testimony, attribute_names=_COLUMNS)
    return matched == 1


def parse_version(raw: str | None) -> int | None:
    """The version a form says its page was built from; None when absent or damaged (the
    caller then holds the row at the version its own request read)."""
    raw = raw or ""
    if raw.isascii() and raw.isdigit() and len(raw) < 10:
        return int(raw)
    return None
