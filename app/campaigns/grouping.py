"""Group a hearing's texts into campaigns, all at once (the re-cluster command and the
benchmarks). Incremental assignment on submission uses the same wording tests.

Three steps (bench/campaigns.py and bench/spun_campaigns.py time them):
1. exact copies (same words after normalisation) collapse to one text;
2. near copies find each other through a few anchor shingles and are joined when `alike`;
   texts still alone that are stitched from earlier texts still alone join them (_join_spun,
   the test a spun newcomer gets on arrival, app/campaigns/stitching.py);
3. a grown campaign learns its template: the shingles many of its members use, and in which
   tenth of the letter. A text made mostly of one campaign's template shingles in their
   places joins it, and so does one made mostly of a large campaign's shingles wherever they
   come (its skeleton variants put them elsewhere); campaigns whose templates are largely the
   same merge. This is what keeps together a bot campaign that rewrites every copy by
   swapping whole phrases for synonyms: two copies share few word sequences, but every copy
   is stitched from phrases the campaign as a whole uses again and again, in their places.
   Letters that quote the same talking points, each in its own order, share whole sentences
   in other places, and a small group of them draws in no more.
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
ROUNDS = 8
STITCH_RECENT = 50
PLACES = 10  # a template knows in which tenth of the letter each of its shingles comes
_PLACE_BITS = np.uint64(15)
# Groups of at least this many texts have a template of repeated phrases: only theirs match
# wherever in a letter the phrases come. Two or three letters quoting the same talking points
# hold them too, each in its own place.
MERGE_FROM = 8
_NONE = np.empty(0, dtype=np.uint64)


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
    placed = [stitching.placed(words) for words in tokens]
    del tokens
    shingled = [text.hashes for text in placed]
    sets = _Sets(len(distinct))
    used_by = _texts_using(shingled)
    _join_near_copies(shingled, sets, used_by)
    _join_spun(placed, sets, used_by)
    del used_by
    keyed = [_placed_keys(text) for text in placed]
    del placed, shingled
    for _ in range(ROUNDS):
        if not _join_by_template(keyed, sets):
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


def _join_spun(placed: list[stitching.Placed], sets: _Sets, used_by: list[np.ndarray]) -> None:
    """Join texts still alone that are stitched from the phrases of earlier texts still alone.

    A bot campaign that spins every phrase rarely has two copies close enough for step 2, so
    step 3 has nothing to learn a template from. Its copies stand out, though: the texts that
    share most sequences with a copy hold nearly all of its sequences between them, each in
    its place, where a resident's own letter is mostly new wording. The test is the one
    placement makes on arrival (app/campaigns/stitching.py), against the CHECKED earlier texts
    sharing most sequences with it; the copies it is stitched with join it. Where sequences
    come in a text is only worked out for the texts this step looks at.
    """
    sizes = Counter(sets.find(i) for i in range(len(placed)))
    postings: dict[int, list[int]] = {}
    held = _HeldInPlace(placed)
    for index, text in enumerate(placed):
        hashes = text.hashes
        if len(hashes) < stitching.MIN_SHINGLES or sizes[sets.find(index)] > 1:
            continue
        recurring = hashes[used_by[index] > 1]
        if len(recurring) < stitching.COVERED * len(hashes):
            continue  # most of its sequences nobody else used: it cannot be stitched
        candidates: Counter[int] = Counter()
        for value in recurring.tolist():
            listed = postings.setdefault(value, [])
            candidates.update(listed[-STITCH_RECENT:])
            listed.append(index)
        nearest = [other for other, _ in candidates.most_common(CHECKED)]
        for other in held.stitched_with(index, nearest):
            sets.join(index, other)


class _HeldInPlace:
    """`stitching.stitched_with` for a whole hearing, by position in `placed`. It compares each
    text with its nearest earlier texts, and those with each other; the same recent texts are
    among the nearest of many, so what one text holds of another in its place is worked out
    once per pair (kept for the latest pairs only)."""

    KEPT = 400_000

    def __init__(self, placed: list[stitching.Placed]) -> None:
        self.placed = placed
        self.pairs: dict[tuple[int, int], tuple[np.ndarray, int]] = {}

    def _held(self, first: int, second: int) -> tuple[np.ndarray, int]:
        """The first text's shingles (their indexes) the second holds in about the same place,
        and how many they have in common."""
        found = self.pairs.get((first, second))
        if found is None:
            one, two = self.placed[first], self.placed[second]
            _common, mine, theirs = np.intersect1d(
                one.hashes, two.hashes, assume_unique=True, return_indices=True
            )
            near = np.abs(one.places[mine] - two.places[theirs]) <= stitching.PLACE
            if len(self.pairs) >= self.KEPT:
                self.pairs.clear()
            found = self.pairs[(first, second)] = (mine[near], len(mine))
            self.pairs[(second, first)] = (theirs[near], len(mine))
        return found

    def _covered(self, text: int, others: list[int]) -> float:
        size = len(self.placed[text].hashes)
        held = np.zeros(size, dtype=bool)
        for other in others:
            held[self._held(text, other)[0]] = True
        return held.sum() / size if size else 0.0

    def stitched_with(self, text: int, nearest: list[int]) -> list[int]:
        placed = self.placed
        if len(placed[text].hashes) < stitching.MIN_SHINGLES or not nearest:
            return []
        if self._covered(text, nearest) < stitching.COVERED:
            return []
        found = []
        for number in nearest:
            size = len(placed[number].hashes)
            if size < stitching.MIN_SHINGLES:
                continue
            smaller = min(size, len(placed[text].hashes))
            if self._held(text, number)[1] < stitching.SHARED * smaller:
                continue
            others = [text, *(other for other in nearest if other != number)]
            if self._covered(number, others) >= stitching.COVERED:
                found.append(number)
        return found


def _placed_keys(text: stitching.Placed) -> np.ndarray:
    """A text's shingles, each tagged with the tenth of the text it comes in (in the low bits
    of its hash): a template keeps its phrases in their places."""
    tenth = np.minimum(PLACES - 1, (text.places * PLACES).astype(np.uint64))
    return (text.hashes & ~_PLACE_BITS) | tenth


def _about_there(keys: np.ndarray) -> np.ndarray:
    """The keys with each shingle also in the tenths on either side: where a copy may have it
    when the phrases before it are spun longer or shorter."""
    base, tenth = keys & ~_PLACE_BITS, keys & _PLACE_BITS
    spread = [keys, base | (tenth + np.uint64(1))]
    spread.append((base | (tenth - np.uint64(1)))[tenth > 0])
    spread[1] = spread[1][tenth < PLACES - 1]
    return np.unique(np.concatenate(spread))


def _template(keyed: list[np.ndarray], members: list[int], *, in_place: bool) -> np.ndarray:
    """The shingles a group's members use again (in the same place, or anywhere): for a small
    group, all of them."""
    used = [keyed[i] if in_place else np.unique(keyed[i] & ~_PLACE_BITS) for i in members]
    values, counts = np.unique(np.concatenate(used), return_counts=True)
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


def _owners(templates: list[np.ndarray]) -> dict[int, tuple[int, ...]]:
    """For each shingle, the templates (by number) holding it; left out when too many do."""
    holders: dict[int, list[int]] = {}
    for number, template in enumerate(templates):
        for value in template.tolist():
            holders.setdefault(value, []).append(number)
    return {value: tuple(held) for value, held in holders.items() if len(held) <= MAX_OWNERS}


def _join_by_template(keyed: list[np.ndarray], sets: _Sets) -> bool:
    """One round of step 3; whether anything changed."""
    groups = sorted(
        (m for m in sets.groups().values() if len(m) >= TEMPLATE_MIN_MEMBERS),
        key=len,
        reverse=True,
    )
    if not groups:
        return False
    templates = [_template(keyed, members, in_place=True) for members in groups]
    owners = _owners([_about_there(template) for template in templates])
    changed = False
    # Groups whose templates are largely the same, wherever in the letter, are the same
    # campaign: the copies of its skeleton variants put its phrases in other places. Only for
    # groups large enough to have a template of repeated phrases: two small groups of letters
    # quoting the same talking points share them too.
    wordings = [_template(keyed, members, in_place=False) for members in groups]
    anywhere = _owners(
        [w if len(m) >= MERGE_FROM else _NONE for w, m in zip(wordings, groups, strict=True)]
    )
    for number in range(len(groups) - 1, 0, -1):
        template = wordings[number].tolist()
        best, held = _best_fit(template, anywhere, number)
        if best != -1 and best < number and held >= TEMPLATES_OVERLAP * len(template):
            changed |= sets.join(groups[number][0], groups[best][0])
    in_group = {member for members in groups for member in members}
    for index, hashes in enumerate(keyed):
        if index in in_group or len(hashes) < wording.MIN_SHINGLES:
            continue
        best, held = _best_fit(hashes.tolist(), owners, -1)
        if best == -1 or held < FITS_TEMPLATE * len(hashes):
            best, held = _best_fit(np.unique(hashes & ~_PLACE_BITS).tolist(), anywhere, -1)
        if best != -1 and held >= FITS_TEMPLATE * len(hashes):
            changed |= sets.join(index, groups[best][0])
    return changed
