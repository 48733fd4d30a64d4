"""The API key a request presents, as `Authorization: Bearer <key>` (RFC 6750), checked for
what the request asks of it.

Every refusal is a problem document: 401 when no usable key came (none, a malformed header, a
key we never issued, revoked, expired, or its organisation archived), with the
`WWW-Authenticate: Bearer` challenge a client library expects; 403 when the key works but not
for this (another body, another kind of item). The key itself is never logged, echoed or
stored: only app/organisations/authentication.py sees it, and it keeps a hash.
"""

from __future__ import annotations

from datetime import datetime

from flask import request

from app.api.problems import Problem
from app.hearings.models import Body
from app.organisations.authentication import authenticate_key, find_key
from app.organisations.errors import KeyRefused
from app.organisations.models import ApiKey, ApiScope

REALM = "OpenTestimony API"
SCHEME = "bearer"
# Longer than any key (app/organisations/keys.py): a header this long is refused unread.
MAX_HEADER = 200


def _challenge(error: str | None = None) -> dict[str, str]:
    """The WWW-Authenticate header: the realm, and RFC 6750's error code when a key came."""
    value = f'Bearer realm="{REALM}"'
    if error is not None:
        value += f', error="{error}"'
    return {"WWW-Authenticate": value}


def presented_key() -> str | None:
    """The key in the Authorization header, or None when there is no header at all.

    A header that is there but not `Bearer <something>` is refused here, so a client that sent
    Basic credentials or an empty token learns what to send instead."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _space, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != SCHEME or not token or len(header) > MAX_HEADER:
        raise Problem(
            401,
            "Send the API key as `Authorization: Bearer <key>`.",
            headers=_challenge("invalid_request"),
        )
    return token


def authenticated(body: Body, scope: ApiScope, *, now: datetime) -> ApiKey:
    """The request's key, when it may do `scope` for `body` now (its use is then recorded on
    the key and in the audit log); otherwise a Problem (401 or 403) saying why."""
    token = presented_key()
    if token is None:
        raise Problem(
            401,
            "This needs an API key: send it as `Authorization: Bearer <key>`.",
            headers=_challenge(),
        )
    try:
        return authenticate_key(token, body=body, scope=scope, now=now)
    except KeyRefused as refused:
        raise refusal(refused) from None


def check_early(body: Body, scope: ApiScope, *, now: datetime) -> ApiKey:
    """The request's key, when authenticated() would take it; otherwise the same Problem,
    raised now. Nothing is written: this is asked before a request's items are read and
    checked, while its transaction only reads, so a key that cannot be used costs nothing
    more. authenticated() still decides, in the writing transaction, and records the use."""
    token = presented_key()
    key = find_key(token) if token is not None else None
    if key is None or not _would_pass(key, body, scope, now):
        # Refused: it raises before writing anything.
        authenticated(body, scope, now=now)
    return key


def _would_pass(key: ApiKey, body: Body, scope: ApiScope, now: datetime) -> bool:
    return (
        not key.organisation.is_archived
        and not key.is_revoked
        and not key.is_expired(now)
        and scope in key.scopes
        and key.allows_body(body.id)
    )


def refusal(refused: KeyRefused) -> Problem:
    """A key's refusal as a problem document (its sentence, never the key)."""
    if refused.status == 401:
        return Problem(401, str(refused), headers=_challenge("invalid_token"))
    return Problem(refused.status, str(refused), headers=_challenge("insufficient_scope"))
