"""What the API asks of a key it is handed: whose it is, and whether it may do this here now.

Every use is recorded: the time on the key (shown to admins) and an audit row whose actor is
the key (`api_key:<id>`). The key itself is never stored, logged or put in the audit log.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import joinedload, selectinload

from app.hearings.models import Body
from app.organisations import keys
from app.organisations.errors import (
    BodyNotAllowed,
    KeyExpired,
    KeyRevoked,
    OrganisationArchived,
    ScopeMissing,
    UnknownKey,
)
from app.organisations.models import ApiKey, ApiScope
from app.platform import audit
from app.platform.extensions import db


def find_key(presented: str) -> ApiKey | None:
    """The key `presented` is, or None; nothing shaped wrongly reaches the database.

    The lookup compares hashes, so how long it takes says nothing about the stored keys: a
    caller can choose what is hashed, never the hash.
    """
    key_hash = keys.parse(presented)
    if key_hash is None:
        return None
    return db.session.scalar(
        select(ApiKey)
        .where(ApiKey.key_hash == key_hash)
        .options(
            joinedload(ApiKey.organisation),
            selectinload(ApiKey.scope_rows),
            selectinload(ApiKey.bodies),
        )
    )


def authenticate_key(presented: str, *, body: Body, scope: ApiScope, now: datetime) -> ApiKey:
    """The key, when it may do `scope` for `body` now; its use is recorded (the time on the
    key, an audit row). Refusals raise a KeyRefused: UnknownKey (malformed or not ours),
    OrganisationArchived, KeyRevoked, KeyExpired, ScopeMissing, BodyNotAllowed."""
    key = find_key(presented)
    if key is None:
        raise UnknownKey()
    if key.organisation.is_archived:
        raise OrganisationArchived()
    if key.is_revoked:
        raise KeyRevoked()
    if key.is_expired(now):
        raise KeyExpired()
    if scope not in key.scopes:
        raise ScopeMissing(scope)
    if not key.allows_body(body.id):
        raise BodyNotAllowed()
    _note_use(key, now)
    db.session.expire(key, ["last_used_at"])
    audit.record(
        key.audit_name,
        "api_key.used",
        key,
        at=now,
        organisation_id=key.organisation_id,
        body_id=body.id,
        scope=scope.value,
    )
    return key


def _note_use(key: ApiKey, now: datetime) -> None:
    """Set the key's last use to `now`, unless a later one is there already (requests finish
    out of order) or another request of the same key holds its row.

    The row stays locked until the request's transaction ends, and a batch's transaction is
    long: waiting for it would make an organisation's parallel requests take turns. So a
    request that finds the row held (PostgreSQL: SKIP LOCKED; SQLite has one writer at a time
    anyway) leaves the time to the one holding it, which is using the key this very moment.
    The audit row, written either way, is the exact record of each use.
    """
    free = (
        select(ApiKey.id)
        .where(ApiKey.id == key.id, or_(ApiKey.last_used_at.is_(None), ApiKey.last_used_at < now))
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    db.session.execute(
        update(ApiKey)
        .where(ApiKey.id == free)
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
