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
    # Never moved back: requests finishing out of order leave the latest use.
    db.session.execute(
        update(ApiKey)
        .where(ApiKey.id == key.id, or_(ApiKey.last_used_at.is_(None), ApiKey.last_used_at < now))
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
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
