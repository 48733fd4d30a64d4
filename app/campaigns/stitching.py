"""Spun bot letters on arrival: a newcomer stitched from the phrases of earlier letters.

A spinning bot keeps one sentence skeleton and draws nearly every phrase from a short list of
equivalent alternatives ("I urge / I ask / I want to encourage" ... "to pass / to adopt").
Two copies can share as little as a tenth of their three-word sequences, so no earlier copy
is `alike` a new one. Yet the copies the newcomer's anchors lead to, taken together, hold
nearly all of its sequences: each of its phrases was picked by many earlier copies. A
resident's own letter, even one on the same topic quoting a line of the campaign, is mostly
wording nobody sent before. So a newcomer is *stitched* when the earlier texts found for it
hold most of its sequences, and the texts it is stitched with are those of them that are
themselves held by the others and the newcomer, and share a little wording with it: the
earlier copies of the same template, including those left alone when they arrived because
too few copies had come in yet.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from app.testimony import wording

# Texts shorter than this many shingles (about 22 words) are never judged stitched: a
# sentence lifted from a campaign is a quote, not a copy.
MIN_SHINGLES = 20
# Share of a text's shingles the other texts must hold for it to be stitched from them.
COVERED = 0.6
# Share of the smaller text's shingles an earlier text must have in common with the newcomer
# to be stitched with it: copies of one template share at least this much (a tenth or more,
# usually), two bot campaigns on one topic much less. Their copies stitch each other, so
# without it a mixed set of earlier texts would join two campaigns.
SHARED = 0.06


def covered(hashes: np.ndarray, others: list[np.ndarray]) -> float:
    """Share of these (sorted, distinct) shingles that at least one of the others has."""
    if not len(hashes) or not others:
        return 0.0
    pooled = np.unique(np.concatenate(others))
    return np.intersect1d(hashes, pooled, assume_unique=True).size / len(hashes)


def stitched_with(hashes: np.ndarray, candidates: Mapping[int, np.ndarray]) -> list[int]:
    """The candidates (by id) a newcomer is stitched together with, in id order; none when the
    newcomer is not stitched from them (see the module's description)."""
    if len(hashes) < MIN_SHINGLES or not candidates:
        return []
    if covered(hashes, list(candidates.values())) < COVERED:
        return []
    found = []
    for number, own in candidates.items():
        if len(own) < MIN_SHINGLES or wording.similarity(hashes, own) < SHARED:
            continue
        others = [hashes, *(other for key, other in candidates.items() if key != number)]
        if covered(own, others) >= COVERED:
            found.append(number)
    return sorted(found)
