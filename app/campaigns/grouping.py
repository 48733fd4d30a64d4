"""Group a hearing's texts into campaigns, all at once (the re-cluster command and the
benchmarks). Incremental assignment on submission uses the same wording tests.

The steps (bench/campaigns.py and bench/spun_campaigns.py time them):
1. exact copies (same words after normalisation) collapse to one text; texts the caller knows
   to be together (the campaigns placement found) start in one group;
2. near copies find each other through a few anchor shingles and are joined when `alike`
   (a text joins a group of which it is alike two members, or its only one: no chains);
3. texts still alone that are stitched from earlier texts still alone join them (_Spun, the
   test a spun newcomer gets on arrival, app/campaigns/stitching.py), for the first fifth of
   the hearing, then
4. a grown campaign learns its template: the shingles many of its members use, and in which
   tenth of the letter. A text made mostly of one campaign's template shingles in their
   places joins it, and so does one made mostly of a large campaign's skeleton phrases
   wherever they come (its skeleton variants put them elsewhere); campaigns whose templates
   are largely the same merge. This is what keeps together a bot campaign that rewrites every
   copy by swapping whole phrases for synonyms: two copies share few word sequences, but
   every copy is stitched from phrases the campaign as a whole uses again and again, in
   their places. It is also far cheaper than step 3, which then only tests the rest of the
   hearing's texts still alone, before the templates are learnt again.
Letters that quote the same talking points, each in its own order, share whole sentences in
other places: a small group of them draws in no more, and a large one has no skeleton.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import chain

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
STITCH_SAMPLE = 40  # rarest recurring sequences through which a text's nearest are found
SPUN_FIRST = 2000  # texts tested for spinning before the templates found take in copies ...
SPUN_FIRST_SHARE = 0.2  # ... or this share of the hearing, if more
PLACES = 10  # a template knows in which tenth of the letter each of its shingles comes
_PLACE_BITS = np.uint64(15)
# Groups of at least this many texts have a template of repeated phrases: only theirs match
# wherever in a letter the phrases come. Two or three letters quoting the same talking points
# hold them too, each in its own place.
MERGE_FROM = 8
IN_ONE_PLACE = 0.5  # share of a skeleton phrase's uses within a tenth of one place


class _Sets:
    """Union-find over text positions."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))
        self.size = [1] * size

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
        self.size[first] += self.size[second]
        return True

    def groups(self) -> dict[int, list[int]]:
        found: dict[int, list[int]] = {}
        for item in range(len(self.parent)):
            found.setdefault(self.find(item), []).append(item)
        return found


def group_texts(texts: Sequence[str], together: Sequence[object] | None = None) -> list[int]:
    """A campaign label for every text: equal labels, same campaign; a text in no campaign has
    a label of its own. Labels are the position of the campaign's first text. `together`:
    for each text, the group it is already known to be in (None: none), such as the campaign
    placement put it in; texts known to be together stay together."""
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
    if together is not None:
        first_of: dict[object, int] = {}
        for position, known in enumerate(together):
            if known is not None:
                sets.join(copy_of[position], first_of.setdefault(known, copy_of[position]))
    used_by = _texts_using(shingled)
    _join_near_copies(shingled, sets, used_by)
    templates = _Templates([_placed_keys(text) for text in placed])
    spun = _Spun(placed, used_by)
    # The first texts are tested for spinning, then the templates of the campaigns found take
    # in most later copies, far more cheaply; what is left alone is then tested in turn.
    first = max(SPUN_FIRST, int(SPUN_FIRST_SHARE * len(placed)))
    spun.join(range(min(first, len(placed))), sets)
    if first < len(placed):
        _learn_templates(templates, sets)
        spun.join(range(first, len(placed)), sets)
    del spun, used_by, placed, shingled
    _learn_templates(templates, sets)
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
        # A copy of a letter is alike many of its group's members; letters each quoting two
        # of the same talking points are alike pairwise only, and would chain: a text joins a
        # group of which it is alike two members (or its only one).
        alike = Counter(
            sets.find(other)
            for other, _shared in candidates.most_common(CHECKED)
            if wording.alike(hashes, shingled[other])
        )
        for root, count in alike.items():
            if count >= min(2, sets.size[root]):
                sets.join(index, root)


def _learn_templates(templates: _Templates, sets: _Sets) -> None:
    """Rounds of step 4 until one joins next to nothing: later rounds trickle in a few
    texts each, at the cost of a whole round."""
    enough = max(1, len(templates.keyed) // 1000)
    for _ in range(ROUNDS):
        if templates.join(sets) < enough:
            break


class _Spun:
    """Join texts still alone that are stitched from the phrases of earlier texts still alone.

    A bot campaign that spins every phrase rarely has two copies close enough for step 2, so
    step 3 has nothing to learn a template from. Its copies stand out, though: the texts that
    share most sequences with a copy hold nearly all of its sequences between them, each in
    its place, where a resident's own letter is mostly new wording. The test is the one
    placement makes on arrival (app/campaigns/stitching.py), against the CHECKED earlier texts
    (tested here too) sharing most sequences with it; the copies it is stitched with join it.
    """

    def __init__(self, placed: list[stitching.Placed], used_by: list[np.ndarray]) -> None:
        self.placed = placed
        self.used_by = used_by
        self.postings: dict[int, list[int]] = {}
        self.held = _HeldInPlace(placed)

    def join(self, indexes: range, sets: _Sets) -> None:
        """Test these texts in turn, those still alone."""
        sizes = Counter(sets.find(i) for i in range(len(self.placed)))
        postings = self.postings
        for index in indexes:
            hashes = self.placed[index].hashes
            if len(hashes) < stitching.MIN_SHINGLES or sizes[sets.find(index)] > 1:
                continue
            uses = self.used_by[index]
            recurring = hashes[uses > 1]
            if len(recurring) < stitching.COVERED * len(hashes):
                continue  # most of its sequences nobody else used: it cannot be stitched
            # The nearest texts are found through its rarest recurring sequences: they lead
            # to the texts that made the same choices, where a common one leads to hundreds.
            rarest = recurring[np.argsort(uses[uses > 1], kind="stable")[:STITCH_SAMPLE]]
            lists = [postings.setdefault(value, []) for value in rarest.tolist()]
            # One count over every list at once: a count per list costs more than counting.
            candidates = Counter(chain.from_iterable(found[-STITCH_RECENT:] for found in lists))
            for listed in lists:
                listed.append(index)
                if len(listed) > 4 * STITCH_RECENT:
                    del listed[:-STITCH_RECENT]
            nearest = [other for other, _ in candidates.most_common(CHECKED)]
            self.held.join_stitched(index, nearest, sets)


class _HeldInPlace:
    """`stitching.stitched_with` for a whole hearing, by position in `placed`. It compares each
    text with its nearest earlier texts, and those with each other; the same recent texts are
    among the nearest of many, so what one text holds of another in its place is worked out
    once per pair (kept for the latest pairs only)."""

    KEPT = 100_000  # pairs, each way: about 65 MB at most

    def __init__(self, placed: list[stitching.Placed]) -> None:
        self.placed = placed
        self.pairs: dict[tuple[int, int], tuple[np.ndarray, int]] = {}

    def _held(self, first: int, second: int) -> tuple[np.ndarray, int]:
        """The first text's shingles (their indexes) the second holds in about the same place,
        and how many they have in common."""
        found = self.pairs.get((first, second))
        if found is None:
            mine, theirs, common = stitching.held_in_place(self.placed[first], self.placed[second])
            if len(self.pairs) >= self.KEPT:
                self.pairs.clear()
            found = self.pairs[(first, second)] = (mine, common)
            self.pairs[(second, first)] = (theirs, common)
        return found

    def _covered(self, text: int, others: list[int]) -> float:
        size = len(self.placed[text].hashes)
        held = np.zeros(size, dtype=bool)
        for other in others:
            held[self._held(text, other)[0]] = True
        return held.sum() / size if size else 0.0

    def join_stitched(self, text: int, nearest: list[int], sets: _Sets) -> None:
        """Join the text with the nearest texts it is stitched with. One already in its group
        (through another of them) needs no test of its own: joining it changes nothing."""
        placed = self.placed
        if len(placed[text].hashes) < stitching.MIN_SHINGLES or not nearest:
            return
        if self._covered(text, nearest) < stitching.COVERED:
            return
        for number in nearest:
            size = len(placed[number].hashes)
            if size < stitching.MIN_SHINGLES or sets.find(number) == sets.find(text):
                continue
            smaller = min(size, len(placed[text].hashes))
            if self._held(text, number)[1] < stitching.SHARED * smaller:
                continue
            others = [text, *(other for other in nearest if other != number)]
            if self._covered(number, others) >= stitching.COVERED:
                sets.join(text, number)


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
    group, all of them. Anywhere: only those the members mostly use in one place (within a
    tenth either side), the phrases of a skeleton; a group of letters quoting the same
    talking points uses its sentences in every place, and holds them only in place."""
    repeated_from = max(2, int(np.ceil(TEMPLATE_SHARE * len(members))))
    if in_place:
        values, counts = np.unique(np.concatenate([keyed[i] for i in members]), return_counts=True)
        if len(members) < TEMPLATE_REPEATS_FROM:
            return values
        return values[counts >= repeated_from]
    everything = np.concatenate([keyed[i] for i in members])
    values, index = np.unique(everything & ~_PLACE_BITS, return_inverse=True)
    if len(members) < TEMPLATE_REPEATS_FROM:
        return values
    # How many members use each shingle in each tenth (with an empty tenth either end).
    cells = index * (PLACES + 2) + (everything & _PLACE_BITS).astype(np.intp) + 1
    tenths = np.bincount(cells, minlength=len(values) * (PLACES + 2)).reshape(-1, PLACES + 2)
    counts = tenths.sum(axis=1)
    around = (tenths[:, :-2] + tenths[:, 1:-1] + tenths[:, 2:]).max(axis=1)
    return values[(counts >= repeated_from) & (around >= IN_ONE_PLACE * counts)]


def _best_fit(hashes: list[int], owners: dict[int, list[int]], skip: int) -> tuple[int, int]:
    """The template holding most of these shingles, and how many it holds. A shingle more
    than MAX_OWNERS templates hold says nothing, and would only cost counting."""
    held = (owners.get(value, ()) for value in hashes)
    hits = Counter(chain.from_iterable(h for h in held if len(h) <= MAX_OWNERS))
    hits.pop(skip, None)
    if not hits:
        return -1, 0
    return hits.most_common(1)[0]


def _owners(templates: dict[int, np.ndarray]) -> dict[int, list[int]]:
    """For each shingle, the templates (by group) holding it."""
    holders: dict[int, list[int]] = {}
    for root, template in templates.items():
        for value in template.tolist():
            holders.setdefault(value, []).append(root)
    return holders


class _Owners:
    """`_owners` kept up to date from round to round: only the templates that changed (and
    those of groups that merged away) are taken out and put in again."""

    def __init__(self) -> None:
        self.holders: dict[int, list[int]] = {}
        self.values: dict[int, list[int]] = {}

    def put(self, root: int, template: np.ndarray | None) -> None:
        holders = self.holders
        for value in self.values.pop(root, ()):
            held = holders[value]
            held.remove(root)
            if not held:
                del holders[value]
        if template is not None and len(template):
            values = template.tolist()
            self.values[root] = values
            for value in values:
                holders.setdefault(value, []).append(root)

    def keep_only(self, roots: set[int]) -> None:
        for root in [root for root in self.values if root not in roots]:
            self.put(root, None)


class _Templates:
    """Step 4, round after round, by group (its first text). A group's templates are kept
    while its members stay the same (the same first member and size: groups only grow), and
    a text that fitted no template in one round is only tried again on the templates that
    changed since."""

    def __init__(self, keyed: list[np.ndarray]) -> None:
        self.keyed = keyed
        self.kept: dict[int, tuple[int, np.ndarray, np.ndarray]] = {}
        self.tried: set[int] = set()  # texts alone that fitted no template last round
        self.in_place = _Owners()
        self.anywhere = _Owners()  # large groups only

    def _templates(self, members: list[int]) -> tuple[np.ndarray, np.ndarray, bool]:
        """(in place, about there; anywhere) templates of a group, and whether they are new."""
        root = members[0]
        kept = self.kept.get(root)
        if kept is not None and kept[0] == len(members):
            return kept[1], kept[2], False
        in_place = _about_there(_template(self.keyed, members, in_place=True))
        anywhere = _template(self.keyed, members, in_place=False)
        self.kept[root] = (len(members), in_place, anywhere)
        self.in_place.put(root, in_place)
        self.anywhere.put(root, anywhere if len(members) >= MERGE_FROM else None)
        return in_place, anywhere, True

    def join(self, sets: _Sets) -> int:
        """One round; how many joins it made."""
        groups = {
            members[0]: members
            for members in sets.groups().values()
            if len(members) >= TEMPLATE_MIN_MEMBERS
        }
        if not groups:
            return 0
        for owners in (self.in_place, self.anywhere):
            owners.keep_only(set(groups))
        for root in [root for root in self.kept if root not in groups]:
            del self.kept[root]
        found = {root: self._templates(members) for root, members in groups.items()}
        changed = 0
        # Groups whose templates are largely the same, wherever in the letter, are the same
        # campaign: the copies of its skeleton variants put its phrases in other places. Only
        # a group large enough to have a template of repeated phrases draws others in: two
        # small groups of letters quoting the same talking points share them too. The
        # smaller joins the larger. A group whose template has not changed since the last
        # round was tried then on every other: only the templates new since can take it now.
        size = {root: len(members) for root, members in groups.items()}
        fresh = {root for root, (_p, _a, new) in found.items() if new}
        anywhere_new = _owners({r: found[r][1] for r in fresh if size[r] >= MERGE_FROM})
        for root in sorted(groups, key=lambda r: (size[r], -r)):
            template = found[root][1].tolist()
            owners = self.anywhere.holders if root in fresh else anywhere_new
            best, held = _best_fit(template, owners, root)
            if (
                best != -1
                and (size[best], -best) > (size[root], -root)
                and held >= TEMPLATES_OVERLAP * len(template)
            ):
                changed += sets.join(root, best)
        # Texts alone join a template holding most of them in their places, or a large one
        # holding most of them anywhere; those that fitted none before only try new ones.
        in_place_new = _owners({r: found[r][0] for r in fresh})
        in_group = {member for members in groups.values() for member in members}
        tried, self.tried = self.tried, set()
        for index, hashes in enumerate(self.keyed):
            if index in in_group or len(hashes) < wording.MIN_SHINGLES:
                continue
            again = index in tried
            owners = in_place_new if again else self.in_place.holders
            best, held = _best_fit(hashes.tolist(), owners, -1)
            if best == -1 or held < FITS_TEMPLATE * len(hashes):
                plain = np.unique(hashes & ~_PLACE_BITS).tolist()
                owners = anywhere_new if again else self.anywhere.holders
                best, held = _best_fit(plain, owners, -1)
            if best != -1 and held >= FITS_TEMPLATE * len(hashes):
                changed += sets.join(index, best)
            else:
                self.tried.add(index)
        return changed
