"""The shape of an API key: made, read back and hashed, with no database.

A key reads `otk_<prefix>_<secret>`: "otk_" lets leaked-secret scanners (and a grep of a log
or a repository) find one; the prefix is 8 hex digits, public, shown to admins to tell keys
apart; the secret is 43 letters and digits drawn from the system's secure random source,
256 bits. The whole key is one "word", so a double click selects it all for copying.

Only SHA-256 of the whole key is stored. A slow, salted password hash (Argon2, as for staff
passwords) guards secrets a person chose, which are few enough to guess through; a 256-bit
random secret cannot be guessed, through its hash or otherwise, so hashing it slowly would buy
nothing. An unsalted fast hash can also be looked up through a unique index, where a salted
one would have to be checked against every key, and it costs the API microseconds a request.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import string
from dataclasses import dataclass

KEY_PREFIX = "otk_"
PREFIX_LENGTH = 8
SECRET_LENGTH = 43  # 62 ** 43 > 2 ** 256
SECRET_ALPHABET = string.ascii_letters + string.digits
KEY_LENGTH = len(KEY_PREFIX) + PREFIX_LENGTH + 1 + SECRET_LENGTH
KEY_PATTERN = re.compile(
    rf"{KEY_PREFIX}(?P<prefix>[0-9a-f]{{{PREFIX_LENGTH}}})_[0-9A-Za-z]{{{SECRET_LENGTH}}}"
)


@dataclass(frozen=True)
class NewKey:
    """A key just made: `plaintext` is handed to the admin once and then forgotten."""

    plaintext: str
    prefix: str
    key_hash: str


def new_key() -> NewKey:
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    secret = "".join(secrets.choice(SECRET_ALPHABET) for _ in range(SECRET_LENGTH))
    plaintext = f"{KEY_PREFIX}{prefix}_{secret}"
    return NewKey(plaintext=plaintext, prefix=prefix, key_hash=hash_key(plaintext))


def hash_key(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode("ascii")).hexdigest()


def parse(presented: object) -> str | None:
    """The hash to look the key up by, or None when `presented` is not shaped like a key.

    The length is checked first, so a megabyte of header costs nothing; anything else (NUL
    bytes, letters outside ASCII, a missing part) fails the pattern, before any query.
    """
    if not isinstance(presented, str) or len(presented) != KEY_LENGTH:
        return None
    if KEY_PATTERN.fullmatch(presented) is None:
        return None
    return hash_key(presented)
