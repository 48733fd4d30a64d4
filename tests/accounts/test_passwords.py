"""Staff password rules and hashing: Argon2, 12+ characters, no common passwords."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from app.accounts.passwords import (
    MIN_LENGTH,
    common_passwords,
    hash_password,
    needs_rehash,
    password_problems,
    verify_password,
)

GOOD = "correct horse battery staple"
TOP_10000 = FREQUENCY_LISTS["passwords"][:10_000]


def _messages(password: str, **kwargs) -> str:
    return " ".join(str(problem) for problem in password_problems(password, **kwargs))


def test_a_long_uncommon_passphrase_has_no_problems():
    assert password_problems(GOOD) == []
    assert password_problems("x" * 12 + "Q7!") == []


@pytest.mark.parametrize("password", ["", "a", "Tr0ub4dor&3", "k9$Lm2#pQx7"])
def test_fewer_than_twelve_characters_is_refused(password):
    assert len(password) < MIN_LENGTH == 12
    assert "Use at least 12 characters." in _messages(password)


def test_exactly_twelve_uncommon_characters_is_enough():
    assert password_problems("vQ8#mZ2!tL5w") == []


def test_an_absurdly_long_password_is_refused():
    assert "256 characters or fewer" in _messages("long phrase " * 30)


@pytest.mark.parametrize(
    "password",
    [
        "password1234",
        "Password1234",
        "qwertyuiop123",
        "QWERTYUIOP123",
        "qwerty123456",
        "1qaz2wsx3edc",
        "leavemealone",
        "iloveyou1234!",
        "letmein123456",
    ],
)
def test_common_passwords_and_their_digit_suffixed_forms_are_refused(password):
    assert len(password) >= MIN_LENGTH
    assert "one of the most common" in _messages(password)


def test_every_long_enough_password_in_the_top_10000_is_refused():
    long_common = [word for word in TOP_10000 if len(word) >= MIN_LENGTH]
    assert long_common, "the list should contain some 12+ character passwords"
    accepted = [word for word in long_common if not password_problems(word)]
    assert accepted == []


def test_the_common_list_is_the_10000_most_frequent():
    common = common_passwords()
    assert len(common) == 10_000
    assert {"password", "123456", "qwertyuiop", "iloveyou"} <= common
    assert common == frozenset(TOP_10000)


def test_a_password_containing_the_email_name_is_refused():
    assert "e-mail address" in _messages("morgan-reviews-hearings", email="Morgan@example.gov")
    assert password_problems("morgan-reviews-hearings", email="someone@example.gov") == []


def test_several_problems_are_reported_together():
    problems = password_problems("password", email="user@example.gov")
    assert len(problems) == 2  # too short and too common


def test_hash_is_argon2id_and_never_the_password():
    hashed = hash_password(GOOD)
    assert hashed.startswith("$argon2id$")
    assert GOOD not in hashed
    # Salted: the same password hashes differently each time.
    assert hash_password(GOOD) != hashed


def test_verify_accepts_the_right_password_only():
    hashed = hash_password(GOOD)
    assert verify_password(hashed, GOOD)
    assert not verify_password(hashed, GOOD + " ")
    assert not verify_password(hashed, GOOD.upper())
    assert not verify_password(hashed, "")


def test_verify_is_false_for_a_missing_or_broken_hash():
    assert not verify_password(None, GOOD)
    assert not verify_password("", GOOD)
    assert not verify_password("not-a-hash", GOOD)
    assert not verify_password("$2b$12$abcdefghijklmnopqrstuv", GOOD)  # bcrypt-shaped
    # The timing dummy's own password must not sign anyone in.
    assert not verify_password(None, "an unusable password for timing only")


def test_a_hash_made_with_weaker_parameters_needs_rehashing():
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(GOOD)
    assert needs_rehash(weak)
    assert not needs_rehash(hash_password(GOOD))
