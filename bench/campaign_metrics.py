"""Pure helpers to score a grouping of comments against a reference grouping (bench/campaigns.py).

Pair counting: two comments in the same reference group are a reference pair. Precision is the
share of the pairs we put together that the reference also has together (low precision = we
merge different campaigns, or swallow unrelated comments into one); recall is the share of the
reference pairs we put together (low recall = we split a campaign). Both come from the
contingency table, the number of items in each (reference group, our group) cell, as sums of
C(n, 2), never by listing pairs, so 100,000 items cost well under a second. The adjusted Rand
index (ARI) corrects the same pair counts for chance: 1 means identical groupings, about 0 means
no better than random.

Also here: how many reference campaigns end up split over several of our groups, a sample of
disagreeing pairs to read, and a baseline, plain MinHash (word 5-gram shingles, MinHashLSH,
union-find over the matches), which bot campaigns defeat because their copies share few exact
5-word sequences.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Hashable, Sequence

import numpy as np

WORD = re.compile(r"\w+")


def _codes(labels: Sequence[Hashable]) -> np.ndarray:
    mapping: dict[Hashable, int] = {}
    return np.array([mapping.setdefault(label, len(mapping)) for label in labels], dtype=np.int64)


def _same_pairs(counts: np.ndarray) -> int:
    return int((counts * (counts - 1) // 2).sum())


def pair_counts(truth: Sequence[Hashable], predicted: Sequence[Hashable]) -> tuple[int, ...]:
    """(pairs together in both, together in truth, together in predicted, all pairs)."""
    if len(truth) != len(predicted):
        raise ValueError(f"{len(truth)} reference labels but {len(predicted)} predicted")
    t, p = _codes(truth), _codes(predicted)
    n = len(t)
    if n == 0:
        return 0, 0, 0, 0
    _, cells = np.unique(t * (int(p.max()) + 1) + p, return_counts=True)
    both = _same_pairs(cells)
    in_truth = _same_pairs(np.bincount(t))
    in_predicted = _same_pairs(np.bincount(p))
    return both, in_truth, in_predicted, n * (n - 1) // 2


def pairwise(truth, predicted) -> tuple[float, float, float]:
    """Pairwise precision, recall and F1 (1.0 where there is no pair to get wrong)."""
    both, in_truth, in_predicted, _ = pair_counts(truth, predicted)
    precision = both / in_predicted if in_predicted else 1.0
    recall = both / in_truth if in_truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def adjusted_rand(truth, predicted) -> float:
    """Adjusted Rand index (Hubert and Arabie), from the same contingency counts."""
    both, in_truth, in_predicted, total = pair_counts(truth, predicted)
    if total == 0:
        return 1.0
    expected = in_truth * in_predicted / total
    maximum = (in_truth + in_predicted) / 2
    if maximum == expected:
        return 1.0
    return (both - expected) / (maximum - expected)


def _groups(labels: Sequence[Hashable]) -> dict[Hashable, list[int]]:
    groups: dict[Hashable, list[int]] = defaultdict(list)
    for i, label in enumerate(labels):
        groups[label].append(i)
    return groups


def split_campaigns(truth, predicted, kinds: Sequence[str] | None = None) -> dict:
    """For each reference group of 2 or more: into how many of our groups its members fall.

    Returns {"total": campaigns, "whole": campaigns in exactly one group, "split": [(label,
    kind, size, groups), ...] for the others, biggest first}.
    """
    rows = []
    for label, members in _groups(truth).items():
        if len(members) >= 2:
            kind = kinds[members[0]] if kinds is not None else ""
            rows.append((label, kind, len(members), len({predicted[i] for i in members})))
    split = sorted((row for row in rows if row[3] > 1), key=lambda row: -row[2])
    return {"total": len(rows), "whole": len(rows) - len(split), "split": split}


def snippet(text: str, width: int = 160) -> str:
    """The start of a text on one line."""
    return " ".join(text.split())[:width]


def _pairs_across(groups, other, n: int, rng: random.Random) -> list[tuple[int, int]]:
    """Up to n pairs, each from a different group where possible, that `other` separates."""
    mixed = [g for g in groups.values() if len({other[i] for i in g}) > 1]
    mixed.sort(key=lambda g: g[0])
    rng.shuffle(mixed)
    pairs: list[tuple[int, int]] = []
    for attempt in range(20 * n if mixed else 0):
        if len(pairs) == n:
            break
        members = mixed[attempt % len(mixed)]
        a = rng.choice(members)
        b = rng.choice([i for i in members if other[i] != other[a]])
        if (a, b) not in pairs and (b, a) not in pairs:
            pairs.append((a, b))
    return pairs


def disagreements(texts, truth, predicted, n: int, rng: random.Random):
    """(merged, split): up to n pairs we group together that the reference keeps apart, and up
    to n the reference groups together that we keep apart; each pair as two one-line snippets.
    """
    merged = _pairs_across(_groups(predicted), truth, n, rng)
    split = _pairs_across(_groups(truth), predicted, n, rng)
    show = [[(snippet(texts[a]), snippet(texts[b])) for a, b in pairs] for pairs in (merged, split)]
    return show[0], show[1]


def plain_minhash_labels(
    texts: Sequence[str], threshold: float = 0.5, shingle: int = 5, num_perm: int = 128
) -> list[int]:
    """Baseline: texts linked when MinHashLSH finds their word-shingle sets similar, then
    grouped by union-find over the links (a group can chain texts that are not similar)."""
    from datasketch import MinHash, MinHashLSH

    sets = []
    for text in texts:
        words = WORD.findall(text.lower())
        grams = {" ".join(words[i : i + shingle]) for i in range(len(words) - shingle + 1)}
        sets.append([gram.encode() for gram in grams or {" ".join(words)}])
    hashes = MinHash.bulk(sets, num_perm=num_perm)
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    with lsh.insertion_session() as session:
        for i, minhash in enumerate(hashes):
            session.insert(i, minhash)
    parent = list(range(len(texts)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, minhash in enumerate(hashes):
        for j in lsh.query(minhash):
            parent[find(i)] = find(j)
    return [find(i) for i in range(len(texts))]
