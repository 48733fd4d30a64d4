"""Single-use recovery codes: a way in for a staff member whose authenticator is lost.

Ten codes are made at a time, shown once and stored only as hashes. How they are hashed:
each code is 60 random bits (12 characters of Crockford's base32), so unlike a password it
cannot be guessed from a list, and a slow hash would buy nothing while costing a lot: a
sign-in would have to try each of the ten Argon2 hashes in turn (about a second and 640 MiB
of memory per attempt, or a stored lookup prefix that gives part of each code away). Each code
is stored instead as HMAC-SHA256 under a key derived from the application's SECRET_KEY, with a
random salt of its own: checking all ten costs microseconds, the table alone (a backup, a
leaked dump) is useless without the key, and even with the key every code must be searched
for separately through 2^60 candidates. The price: changing SECRET_KEY makes every recovery
code stop working (as it ends every session); staff then make new ones, or an admin resets
their second factor (docs/staff-roles.md).

Services here flush and write audit rows; callers commit.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from flask import current_app
from sqlalchemy import delete, func, select, update

from app.accounts.models import RecoveryCode, StaffUser
from app.platform import audit
from app.platform.database import begin_writing
from app.platform.extensions import db

CODES_PER_SET = 10
# Crockford's base32: no I, L, O or U, so nothing read off paper is ambiguous.
ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
CODE_LENGTH = 12
GROUP = 4
# Fewer than this many left, and the person is told to make a new set.
FEW_LEFT = 3
# Letters people write for the digits they look like, read as Crockford's base32 does.
_LOOKALIKES = str.maketrans({"i": "1", "l": "1", "o": "0"})
# What a person might type around a code: spaces, dashes (ASCII and typographic).
_SEPARATORS = str.maketrans("", "", " \t-\u2010\u2011\u2012\u2013\u2014\u2212_")


def new_code() -> str:
    """A fresh code, grouped for reading: `7k3m-q9xa-2bcd`."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + GROUP] for i in range(0, CODE_LENGTH, GROUP))


def normalise(typed: str) -> str | None:
    """The code a person typed, whatever its case, spaces and dashes; None if it cannot be one."""
    code = typed.lower().translate(_SEPARATORS).translate(_LOOKALIKES)
    if len(code) != CODE_LENGTH or any(character not in ALPHABET for character in code):
        return None
    return code


def looks_like_a_code(typed: str) -> bool:
    return normalise(typed) is not None


def _key() -> bytes:
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, b"staff recovery codes", hashlib.sha256).digest()


def _digest(salt: str, code: str) -> str:
    return hmac.new(_key(), f"{salt}:{code}".encode(), hashlib.sha256).hexdigest()


def remaining(user: StaffUser) -> int:
    """How many of the user's codes are still unused."""
    return db.session.scalar(
        select(func.count(RecoveryCode.id)).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
        )
    )


def replace_codes(actor: str, user: StaffUser, *, now: datetime) -> list[str]:
    """Make a new set of codes for `user`, ending the old set; return the codes to show once."""
    had = _delete_codes(user)
    codes = [new_code() for _ in range(CODES_PER_SET)]
    for code in codes:
        salt = secrets.token_hex(16)
        db.session.add(
            RecoveryCode(
                user_id=user.id,
                salt=salt,
                code_hash=_digest(salt, normalise(code)),
                created_at=now,
            )
        )
    db.session.flush()
    audit.record(
        actor, "staff.recovery_codes_generated", user, at=now, count=len(codes), replaced=had
    )
    return codes


def use_code(user: StaffUser, typed: str, *, now: datetime, address: str) -> int | None:
    """Sign-in with a recovery code: mark it used and return how many codes are left, or
    None when it is no unused code of this user's."""
    code_id = find_code(user, typed)
    return None if code_id is None else claim_code(user, code_id, now=now, address=address)


def find_code(user: StaffUser, typed: str) -> int | None:
    """The id of the user's unused code that `typed` is, comparing every one in constant time."""
    code = normalise(typed)
    if code is None:
        return None
    candidates = db.session.execute(
        select(RecoveryCode.id, RecoveryCode.salt, RecoveryCode.code_hash).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
        )
    ).all()
    matched = None
    for row in candidates:
        if hmac.compare_digest(_digest(row.salt, code), row.code_hash):
            matched = row.id
    return matched


def claim_code(user: StaffUser, code_id: int, *, now: datetime, address: str) -> int | None:
    """Use the code found, unless another sign-in used it meanwhile: a conditional UPDATE, so
    of two sign-ins racing with one code exactly one changes the row and succeeds."""
    begin_writing()
    claimed = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.id == code_id,
            RecoveryCode.user_id == user.id,
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        return None
    left = remaining(user)
    audit.record(
        user.audit_name, "login.recovery_code_used", user, at=now, address=address, remaining=left
    )
    return left


def delete_codes(actor: str, user: StaffUser, *, now: datetime, reason: str) -> int:
    """Remove every code of `user` (the second factor went); audited when there were any."""
    deleted = _delete_codes(user)
    if deleted:
        audit.record(
            actor, "staff.recovery_codes_deleted", user, at=now, count=deleted, reason=reason
        )
    return deleted


def _delete_codes(user: StaffUser) -> int:
    return db.session.execute(
        delete(RecoveryCode)
        .where(RecoveryCode.user_id == user.id)
        .execution_options(synchronize_session=False)
    ).rowcount
