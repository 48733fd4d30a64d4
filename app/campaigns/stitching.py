"""Spun bot letters: a text stitched, phrase by phrase, from the wording of earlier letters.

A spinning bot keeps one sentence skeleton and draws nearly every phrase from a short list of
equivalent alternatives ("I urge / I ask / I want to encourage" ... "to pass / to adopt").
Two copies can share as little as a tenth of their three-word sequences, so no earlier copy
is `alike` a new one. Yet the copies found for a newcomer (those sharing most sequences with
it), taken together, hold nearly all of its sequences, and each at about the same place in
the letter (the skeleton keeps every phrase in its place): each of its phrases was picked by
many earlier copies. A resident's own letter, even one on the same topic that repeats
talking points or quotes a line of the campaign, is mostly wording nobody sent before, or
the same points made in another order. So a newcomer is *stitched* when the earlier texts
found for it hold most of its sequences in their places, and the texts it is stitched with
are those of them held in the same way by the others and the newcomer, that share a little
wording with it: the earlier copies of the same template, including those left alone when
they arrived because too few copies had come in yet.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import NamedTuple

import numpy as np

from app.testimony import wording

# Texts shorter than this many shingles (about 22 words) are never judged stitched: a
# sentence lifted from a campaign is a quote, not a copy.
MIN_SHINGLES = 20
# Share of a text's shingles the other texts must hold, each within PLACE of where the text
# has it (as a share of the text's length), for it to be stitched from them.
COVERED = 0.7
PLACE = 0.2
# Share of the smaller text's shingles an earlier text must have in common with the newcomer
# to be stitched with it: copies of one template share at least this much (a tenth or more,
# usually), two bot campaigns on one topic much less. Their copies stitch each other, so
# without it a mixed set of earlier texts would join two campaigns.
SHARED = 0.06


class Placed(NamedTuple):
    """A text's shingles (sorted, distinct) and where each first comes (0 start, 1 end)."""

    hashes: np.ndarray
    places: np.ndarray


def placed(tokens: list[str]) -> Placed:
    return Placed(*wording.placed_shingles(tokens))


def common_places(first: np.ndarray, second: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where the values two sorted arrays of distinct values share are in each: a binary
    search of one in the other, cheaper than sorting both together (np.intersect1d)."""
    if not len(first) or not len(second):
        return np.empty(0, dtype=np.intp), np.empty(0, dtype=np.intp)
    found = np.searchsorted(second, first)
    found[found == len(second)] = 0
    mine = np.flatnonzero(second[found] == first)
    return mine, found[mine]


def held_in_place(text: Placed, other: Placed) -> tuple[np.ndarray, np.ndarray, int]:
    """The shingles of the text, and of the other, that both have at about the same place (as
    indexes into each one's `hashes`), and how many they have in common anywhere."""
    mine, theirs = common_places(text.hashes, other.hashes)
    near = np.abs(text.places[mine] - other.places[theirs]) <= PLACE
    return mine[near], theirs[near], len(mine)


def _held(text: Placed, others: list[Placed]) -> np.ndarray:
    """For each shingle of the text, whether at least one of the others has it in its place."""
    held = np.zeros(len(text.hashes), dtype=bool)
    for other in others:
        held[held_in_place(text, other)[0]] = True
    return held


def covered(text: Placed, others: list[Placed]) -> float:
    """Share of the text's shingles that at least one of the others has at about the same
    place."""
    if not len(text.hashes):
        return 0.0
    return _held(text, others).sum() / len(text.hashes)


def words_covered(text: Placed, order: np.ndarray, others: list[Placed]) -> float:
    """Share of the text's words inside a three-word sequence that at least one of the others
    has at about the same place (`order`: for each sequence of the text in turn, its index in
    `text.hashes`). Kinder than `covered` to a heavily spun letter: a sequence across two spun
    phrases is seldom seen even when both phrases are, but each word is inside a sequence of
    its own phrase."""
    if not len(order):
        return 0.0
    starts = np.flatnonzero(_held(text, others)[order])
    words = np.zeros(len(order) + wording.SHINGLE - 1, dtype=bool)
    for offset in range(wording.SHINGLE):
        words[starts + offset] = True
    return words.sum() / len(words)


def order(tokens: list[str], text: Placed) -> np.ndarray:
    """For each three-word sequence of the text in turn, its index in `text.hashes`."""
    if not tokens:
        return np.empty(0, dtype=np.intp)
    return np.searchsorted(text.hashes, wording.ordered_shingles(tokens))


def stitched_with(text: Placed, candidates: Mapping[int, Placed]) -> list[int]:
    """The candidates (by id) a newcomer is stitched together with, in id order; none when the
    newcomer is not stitched from them (see the module's description)."""
    if len(text.hashes) < MIN_SHINGLES or not candidates:
        return []
    if covered(text, list(candidates.values())) < COVERED:
        return []
    found = []
    for number, own in candidates.items():
        if len(own.hashes) < MIN_SHINGLES:
            continue
        if wording.similarity(text.hashes, own.hashes) < SHARED:
            continue
        others = [text, *(other for key, other in candidates.items() if key != number)]
        if covered(own, others) >= COVERED:
            found.append(number)
    return sorted(found)


def choose(
    text: Placed, candidates: Mapping[int, Placed], campaign_of: Mapping[int, int | None]
) -> tuple[int | None, list[int]]:
    """Where a newcomer that no earlier text is `alike` belongs, if it is stitched from the
    candidates: (a candidate whose campaign it joins, the candidates in no campaign yet that
    join it too), or (None, []). The campaign is the one most of the texts it is stitched
    with are in (the smaller number on a tie), and those of them still alone join too if the
    newcomer and that campaign's members hold most of their wording in its place: two
    templates on one topic share a greeting, a closing and a few phrases, and the early copies
    of a small one should not follow a stray copy into a large one. If none is in a campaign,
    the newcomer and those it is stitched with make a new one.
    """
    stitched = stitched_with(text, candidates)
    if not stitched:
        return None, []
    alone = [number for number in stitched if campaign_of.get(number) is None]
    counts = Counter(campaign_of[n] for n in stitched if campaign_of.get(n) is not None)
    if not counts:
        return alone[0], alone[1:]
    chosen = min(counts, key=lambda campaign: (-counts[campaign], campaign))
    mates = [text, *(other for n, other in candidates.items() if campaign_of.get(n) == chosen)]
    joining = [number for number in alone if covered(candidates[number], mates) >= COVERED]
    return min(n for n in stitched if campaign_of.get(n) == chosen), joining
