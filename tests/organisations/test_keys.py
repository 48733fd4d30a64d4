"""The shape of a key: made at random, found by scanners, and anything else refused unread."""

from __future__ import annotations

import hashlib
import re

import pytest

from app.organisations import keys

# What a leaked-secret scanner would be given to find our keys.
SCANNER_PATTERN = re.compile(r"\botk_[0-9a-f]{8}_[0-9A-Za-z]{43}\b")


def test_a_new_key_reads_otk_prefix_secret_and_a_scanner_finds_it():
    made = keys.new_key()
    assert SCANNER_PATTERN.fullmatch(made.plaintext)
    assert made.plaintext.startswith(f"otk_{made.prefix}_")
    assert SCANNER_PATTERN.search(f"Authorization: Bearer {made.plaintext}\n")


def test_the_stored_hash_is_sha256_of_the_key_not_the_key():
    made = keys.new_key()
    assert made.key_hash == hashlib.sha256(made.plaintext.encode()).hexdigest()
    assert made.plaintext not in made.key_hash
    assert made.plaintext.split("_")[2] not in made.key_hash
    assert keys.parse(made.plaintext) == made.key_hash


def test_keys_are_different_every_time():
    made = [keys.new_key() for _ in range(200)]
    assert len({key.plaintext for key in made}) == 200
    assert len({key.prefix for key in made}) == 200
    # 43 characters of 62 kinds: every kind turns up across 200 secrets.
    assert set("".join(key.plaintext.split("_")[2] for key in made)) == set(keys.SECRET_ALPHABET)


GOOD = "otk_0123abcd_" + "A" * 43


@pytest.mark.parametrize(
    "presented",
    [
        "",
        "otk_",
        GOOD[:-1],
        GOOD + "A",
        GOOD.replace("otk_", "OTK_"),
        GOOD.replace("0123abcd", "0123ABCD"),
        GOOD.replace("0123abcd", "0123abc_"),
        GOOD[:-1] + "\x00",
        GOOD[:-1] + "é",
        GOOD[:-1] + "\uff21",  # a full-width letter A
        GOOD[:-1] + "\u0663",  # an Arabic-Indic digit 3
        GOOD[:-1] + "-",
        GOOD.replace("_", " ", 1),
        "Bearer " + GOOD,
        GOOD + "\n",
        "x" * 10_000_000,
        None,
        b"otk_0123abcd_" + b"A" * 43,
        12345,
    ],
)
def test_anything_not_shaped_like_a_key_is_refused(presented):
    assert keys.parse(presented) is None


def test_a_well_shaped_key_is_hashed_for_lookup():
    assert keys.parse(GOOD) == hashlib.sha256(GOOD.encode()).hexdigest()
