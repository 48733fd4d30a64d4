"""Password hashing (Argon2) and the rules a staff password must meet."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l

MIN_LENGTH = 12
MAX_LENGTH = 256
COMMON_COUNT = 10_000

_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified when the e-mail is unknown, so a wrong address costs as long as a wrong
    password. Made on first use: hashing takes 64 MiB, which processes that never check a
    password (export workers, commands) should not pay at start-up."""
    return _hasher.hash("an unusable password for timing only")


@cache
def common_passwords() -> frozenset[str]:
    """The 10,000 most common passwords, most frequent first in zxcvbn's ranked list."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"][:COMMON_COUNT])


def password_problems(password: str, *, email: str = "") -> list[str]:
    """Everything wrong with a proposed password, in words for the person choosing it."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(_l("Use at least %(count)d characters.", count=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        problems.append(_l("Use %(count)d characters or fewer.", count=MAX_LENGTH))
    lowered = password.lower()
    if lowered in common_passwords() or lowered.strip("0123456789!") in common_passwords():
        problems.append(_l("This password is one of the most common ones. Choose another."))
    if email and email.split("@")[0].lower() in lowered and len(email.split("@")[0]) >= 4:
        problems.append(_l("Do not use your e-mail address in your password."))
    return problems


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return (
            _hasher.verify(password_hash or _dummy_hash(), password) and password_hash is not None
        )
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
