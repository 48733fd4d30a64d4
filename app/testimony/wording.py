"""The wording of a testimony as the campaign grouping sees it: words, three-word sequences
("shingles") hashed to 64-bit numbers, a key for exact copies, and the test for "alike".

Hashes are built from CRC-32 of each word, so they are the same in every process: the anchors
stored for incremental grouping must match the ones computed later by another worker.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from functools import lru_cache

import numpy as np

# Letters and digits in any script; punctuation, case and spacing never make two copies differ.
WORD = re.compile(r"[^\W_]+")
SHINGLE = 3
# Below this many shingles (about eight words) only exact copies are grouped: short texts such
# as "I support this ordinance." say the same thing without being one campaign.
MIN_SHINGLES = 6
# Two texts are alike when at least this share of the smaller one's shingles is in the other
# (a letter with a personal paragraph added still contains the letter) ...
CONTAINED = 0.5
# ... and the shared part is not a small corner of a much longer text ...
OVERLAP = 0.2
# ... and not a stock phrase: short texts must share all of themselves, others this much.
MIN_SHARED = 8

_P1 = np.uint64(0x9E3779B97F4A7C15)
_P2 = np.uint64(0xC2B2AE3D27D4EB4F)
_MIX = np.uint64(0x94D049BB133111EB)


def words(text: str) -> list[str]:
    return WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def exact_key(tokens: list[str]) -> str:
    """The same for copies that differ only in case, punctuation, spacing or line breaks."""
    return hashlib.blake2b(" ".join(tokens).encode(), digest_size=16).hexdigest()


@lru_cache(maxsize=500_000)
def _word_code(word: str) -> int:
    return zlib.crc32(word.encode())


def ordered_shingles(tokens: list[str]) -> np.ndarray:
    """The hash of every run of three words, in the order they come."""
    codes = np.fromiter(map(_word_code, tokens), dtype=np.uint64, count=len(tokens))
    if len(codes) < SHINGLE:
        codes = np.concatenate([codes, np.zeros(SHINGLE - len(codes), dtype=np.uint64)])
    with np.errstate(over="ignore"):
        mixed = codes[:-2] * _P1 + codes[1:-1] * _P2 + codes[2:]
        # Spread the bits so the smallest hashes are a fair sample (used as anchors).
        mixed ^= mixed >> np.uint64(31)
        mixed *= _MIX
        mixed ^= mixed >> np.uint64(29)
    return mixed


def shingles(tokens: list[str]) -> np.ndarray:
    """The sorted, distinct hashes of every run of three words."""
    if not tokens:
        return np.empty(0, dtype=np.uint64)
    return np.unique(ordered_shingles(tokens))


def placed_shingles(tokens: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """`shingles`, and where in the text each first comes: 0 at the start, 1 at the end."""
    if not tokens:
        return np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.float32)
    ordered = ordered_shingles(tokens)
    hashes, first = np.unique(ordered, return_index=True)
    return hashes, (first / max(1, len(ordered) - 1)).astype(np.float32)


def anchors(hashes: np.ndarray, count: int) -> np.ndarray:
    """A fixed-size sample of a text's shingles: the smallest hashes. Two texts sharing most
    shingles almost surely share some of these, so they find each other through an index."""
    if len(hashes) <= count:
        return hashes
    return hashes[:count]  # hashes are sorted


def alike(first: np.ndarray, second: np.ndarray) -> bool:
    """Whether two texts are copies of one letter, allowing edits and personal additions."""
    smaller = min(len(first), len(second))
    if smaller < MIN_SHINGLES:
        return False
    shared = np.intersect1d(first, second, assume_unique=True).size
    union = len(first) + len(second) - shared
    return (
        shared >= CONTAINED * smaller
        and shared >= OVERLAP * union
        and shared >= min(MIN_SHARED, smaller)
    )


def similarity(first: np.ndarray, second: np.ndarray) -> float:
    """Share of the smaller text found in the other: how a member is ranked against others."""
    smaller = min(len(first), len(second))
    if not smaller:
        return 0.0
    return np.intersect1d(first, second, assume_unique=True).size / smaller


def fingerprint(text: str) -> str:
    """The wording digest stored with a new testimony: the same for exact copies."""
    return exact_key(words(text))
