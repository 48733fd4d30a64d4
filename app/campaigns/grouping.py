"""Group a hearing's texts into campaigns, all at once (the re-cluster command and the
benchmarks). Incremental assignment on submission uses the same wording tests.

Three steps; 100,000 texts take about half a minute on a 2-core machine (bench/campaigns.py):
1. exact copies (same words after normalisation) collapse to one text;
2. near copies find each other through a few anchor shingles and are joined when `alike`;
   texts still alone that are stitched almost entirely from wording that recurs across the
   hearing are paired on a lower bar (a small bot campaign's copies, see _join_stitched),
   and those stitched from earlier texts still alone join them (_join_spun, the test a spun
   newcomer gets on arrival, app/campaigns/stitching.py);
3. a grown campaign learns its template: the shingles many of its members use. A text made
   mostly of one campaign's template shingles joins it, and campaigns whose templates are
   largely the same merge. This is what keeps together a bot campaign that rewrites every copy
   by swapping whole phrases for synonyms: two copies share few word sequences, but every copy
   is stitched from phrases the campaign as a whole uses again and again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from app.campaigns import stitching
from app.testimony import wording

ANCHORS = 8  # sampled shingles per text used to find candidates
RECENT = 12  # a candidate list keeps only the latest texts per anchor: campaigns chain anyway
CHECKED = 10  # most candidates actually compared per text
TEMPLATE_MIN_MEMBERS = 2  # distinct texts a group needs before it has a template
TEMPLATE_REPEATS_FROM = 8  # from this size on, a template keeps only repeated shingles ...
TEMPLATE_SHARE = 0.03  # ... used by at least this share of the members
# Only a guard against slow counting. A big bot campaign that step 2 left in hundreds of pieces
# has its phrases in every piece's template, and those phrases are what reunite it.
MAX_OWNERS = 5000
FITS_TEMPLATE = 0.5  # share of a text's shingles found in a template for it to join
TEMPLATES_OVERLAP = 0.5  # share of the smaller template inside the larger one to merge them
ROUNDS = 4
STITCH_REPEATS = 3  # a sequence used by at least this many texts recurs ...
STITCHED_SHARE = 0.6  # ... and a text this much made of them looks stitched from a template
STITCH_SHARED = 0.25  # two such texts sharing this share of their sequences are paired
STITCH_RECENT = 50


class _Sets:
    """Union-find over text positions."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        parent = self.parent
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def join(self, first: int, second: int) -> bool:
        first, second = self.find(first), self.find(second)
        if first == second:
            return False
        if first > second:
            first, second = second, first
        self.parent[second] = first
        return True

    def groups(self) -> dict[int, list[int]]:
        found: dict[int, list[int]] = {}
        for item in range(len(self.parent)):
            found.setdefault(self.find(item), []).append(item)
        return found


def group_texts(texts: Sequence[str]) -> list[int]:
    """A campaign label for every text: equal labels, same campaign; a text in no campaign has
    a label of its own. Labels are the position of the campaign's first text."""
    keys: dict[str, int] = {}
    distinct: list[int] = []  # position of the first text with each wording
    copy_of: list[int] = []  # for every text, its index in `distinct`
    tokens: list[list[str]] = []
    for position, text in enumerate(texts):
        words = wording.words(text)
        key = wording.exact_key(words)
        index = keys.get(key)
        if index is None:
            index = keys[key] = len(distinct)
            distinct.append(position)
            tokens.append(words)
        copy_of.append(index)
    shingled = [wording.shingles(words) for words in tokens]
    del tokens
    sets = _Sets(len(distinct))
    used_by = _texts_using(shingled)
    _join_near_copies(shingled, sets, used_by)
    _join_stitched(shingled, sets, used_by)
    _join_spun([texts[position] for position in distinct], shingled, sets, used_by)
    del used_by
    for _ in range(ROUNDS):
        if not _join_by_template(shingled, sets):
            break
    roots = [sets.find(index) for index in range(len(distinct))]
    return [distinct[roots[index]] for index in copy_of]


def _texts_using(shingled: list[np.ndarray]) -> list[np.ndarray]:
    """For each text, how many texts use each of its shingles (its own included).

    One sort of every shingle of every text; counting runs of equal values in sorted order and
    putting the counts back in place is much faster than a lookup per text.
    """
    if not shingled:
        return []
    everything = np.concatenate(shingled)
    order = np.argsort(everything)
    ordered = everything[order]
    del everything
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    del ordered
    run_lengths = np.diff(np.append(starts, len(order))).astype(np.int32)
    per_shingle = np.empty(len(order), dtype=np.int32)
    per_shingle[order] = np.repeat(run_lengths, run_lengths)
    del order
    ends = np.cumsum([len(hashes) for hashes in shingled])
    return np.split(per_shingle, ends[:-1])


def _join_near_copies(shingled: list[np.ndarray], sets: _Sets, used_by: list[np.ndarray]) -> None:
    # Only shingles that some other text also has can lead anywhere; using them as anchors
    # keeps a personal paragraph's shingles from crowding out the letter's.
    postings: dict[int, list[int]] = {}
    for index, hashes in enumerate(shingled):
        if len(hashes) < wording.MIN_SHINGLES:
            continue
        useful = hashes[used_by[index] > 1]
        if not len(useful):
            continue
        candidates: Counter[int] = Counter()
        for anchor in wording.anchors(useful, ANCHORS).tolist():
            listed = postings.setdefault(anchor, [])
            candidates.update(listed[-RECENT:])
            listed.append(index)
            if len(listed) > 4 * RECENT:
                del listed[:-RECENT]
        mine = sets.find(index)
        for other, _shared in candidates.most_common(CHECKED):
            if sets.find(other) == mine:
                continue
            if wording.alike(hashes, shingled[other]):
                sets.join(index, other)
                mine = sets.find(index)


def _join_stitched(shingled: list[np.ndarray], sets: _Sets, used_by: list[np.ndarray]) -> None:
    """Pair up texts still alone that are stitched from phrases other texts use again and again.

    A small bot campaign rarely has two copies close enough for step 2, so step 3 has nothing
    to learn a template from. Its copies stand out, though: nearly every three-word sequence of
    a copy recurs across the hearing, where a resident's own letter is mostly new wording. Such
    texts are paired on a lower bar, counting only the recurring sequences they share.
    """
    sizes = Counter(sets.find(i) for i in range(len(shingled)))
    postings: dict[int, list[int]] = {}
    for index, hashes in enumerate(shingled):
        if len(hashes) < wording.MIN_SHINGLES or sizes[sets.find(index)] > 1:
            continue
        recurring = hashes[used_by[index] >= STITCH_REPEATS]
        if len(recurring) < STITCHED_SHARE * len(hashes):
            continue
        candidates: Counter[int] = Counter()
        for value in recurring.tolist():
            listed = postings.setdefault(value, [])
            candidates.update(listed[-STITCH_RECENT:])
            listed.append(index)
        for other, shared in candidates.most_common(CHECKED):
            smaller = min(len(hashes), len(shingled[other]))
            if shared >= STITCH_SHARED * smaller:
                sets.join(index, other)


def _join_spun(
    texts: list[str], shingled: list[np.ndarray], sets: _Sets, used_by: list[np.ndarray]
) -> None:
    """Join texts still alone that are stitched from the phrases of earlier texts still alone.

    A bot campaign that spins every phrase rarely has two copies close enough for step 2, so
    step 3 has nothing to learn a template from. Its copies stand out, though: the texts that
    share most sequences with a copy hold nearly all of its sequences between them, each in
    its place, where a resident's own letter is mostly new wording. The test is the one
    placement makes on arrival (app/campaigns/stitching.py), against the CHECKED earlier texts
    sharing most sequences with it; the copies it is stitched with join it. Where sequences
    come in a text is only worked out for the texts this step looks at.
    """
    sizes = Counter(sets.find(i) for i in range(len(shingled)))
    postings: dict[int, list[int]] = {}
    placed: dict[int, stitching.Placed] = {}
    for index, hashes in enumerate(shingled):
        if len(hashes) < stitching.MIN_SHINGLES or sizes[sets.find(index)] > 1:
            continue
        recurring = hashes[used_by[index] > 1]
        if len(recurring) < stitching.COVERED * len(hashes):
            continue  # most of its sequences nobody else used: it cannot be stitched
        placed[index] = stitching.placed(wording.words(texts[index]))
        candidates: Counter[int] = Counter()
        for value in recurring.tolist():
            listed = postings.setdefault(value, [])
            candidates.update(listed[-STITCH_RECENT:])
            listed.append(index)
        nearest = {other: placed[other] for other, _ in candidates.most_common(CHECKED)}
        for other in stitching.stitched_with(placed[index], nearest):
            sets.join(index, other)


def _template(shingled: list[np.ndarray], members: list[int]) -> np.ndarray:
    """The shingles a group's members use again: for a small group, all of them."""
    values, counts = np.unique(np.concatenate([shingled[i] for i in members]), return_counts=True)
    if len(members) < TEMPLATE_REPEATS_FROM:
        return values
    return values[counts >= max(2, int(np.ceil(TEMPLATE_SHARE * len(members))))]


def _best_fit(hashes: list[int], owners: dict[int, tuple[int, ...]], skip: int) -> tuple[int, int]:
    """The template holding most of these shingles, and how many it holds."""
    hits: Counter[int] = Counter()
    for value in hashes:
        hits.update(owners.get(value, ()))
    hits.pop(skip, None)
    if not hits:
        return -1, 0
    return hits.most_common(1)[0]


def _join_by_template(shingled: list[np.ndarray], sets: _Sets) -> bool:
    """One round of step 3; whether anything changed."""
    groups = sorted(
        (m for m in sets.groups().values() if len(m) >= TEMPLATE_MIN_MEMBERS),
        key=len,
        reverse=True,
    )
    if not groups:
        return False
    templates = [_template(shingled, members).tolist() for members in groups]
    holders: dict[int, list[int]] = {}
    for number, template in enumerate(templates):
        for value in template:
            holders.setdefault(value, []).append(number)
    owners = {value: tuple(held) for value, held in holders.items() if len(held) <= MAX_OWNERS}
    changed = False
    # Smaller groups whose template is largely inside a larger group's are the same campaign.
    for number in range(len(groups) - 1, 0, -1):
        template = templates[number]
        best, held = _best_fit(template, owners, number)
        if best != -1 and best < number and held >= TEMPLATES_OVERLAP * len(template):
            changed |= sets.join(groups[number][0], groups[best][0])
    in_group = {member for members in groups for member in members}
    for index, hashes in enumerate(shingled):
        if index in in_group or len(hashes) < wording.MIN_SHINGLES:
            continue
        best, held = _best_fit(hashes.tolist(), owners, -1)
        if best != -1 and held >= FITS_TEMPLATE * len(hashes):
            changed |= sets.join(index, groups[best][0])
    return changed
