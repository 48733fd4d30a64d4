"""The second held-out set for campaign grouping: deterministic, in its shares, with spun
campaigns whose copies share little and hard negatives that are each alone and distinct."""

from __future__ import annotations

import random
import statistics
from collections import Counter, defaultdict
from itertools import combinations

import pytest

from bench import spun_holdout2 as holdout

SIZE = 1000


@pytest.fixture(scope="module")
def corpus():
    return holdout.build(SIZE, seed=0)


def test_same_seed_same_corpus(corpus):
    assert holdout.build(SIZE, seed=0) == corpus
    assert holdout.build(SIZE, seed=1) != corpus


def test_kinds_in_their_shares(corpus):
    assert len(corpus) == SIZE
    assert all(isinstance(c, holdout.Comment) for c in corpus)
    shares = {kind: n / SIZE for kind, n in Counter(c.kind for c in corpus).items()}
    assert set(shares) == {"spun", "form", "own_two_hearings", "hard_negative"}
    assert shares["spun"] == pytest.approx(0.50, abs=0.02)
    assert shares["form"] == pytest.approx(0.10, abs=0.02)
    assert shares["own_two_hearings"] == pytest.approx(0.05, abs=0.01)
    assert shares["hard_negative"] == pytest.approx(0.35, abs=0.03)


def test_arrival_order_is_shuffled(corpus):
    kinds = [c.kind for c in corpus]
    assert len({tuple(kinds[i : i + 50]) for i in range(0, SIZE, 50)}) > 1
    assert kinds[: SIZE // 2].count("spun") < SIZE // 2 * 0.7


def test_labels_do_not_cross_kinds(corpus):
    kinds_of = defaultdict(set)
    for c in corpus:
        kinds_of[c.label].add(c.kind)
    assert all(len(kinds) == 1 for kinds in kinds_of.values())


def test_pairs_and_forms(corpus):
    pairs = Counter(c.label for c in corpus if c.kind == "own_two_hearings")
    assert pairs and set(pairs.values()) == {2}
    texts = defaultdict(set)
    for c in corpus:
        if c.kind == "own_two_hearings":
            texts[c.label].add(c.text)
    assert all(len(t) == 2 for t in texts.values())
    forms = Counter(c.label for c in corpus if c.kind == "form")
    assert 4 <= len(forms) <= 6 and min(forms.values()) >= 3


def test_spun_campaigns_share_little(corpus):
    members = defaultdict(list)
    for c in corpus:
        if c.kind == "spun":
            members[c.label].append(holdout.trigrams(c.text))
    assert 10 <= len(members) <= 14
    sizes = sorted(len(m) for m in members.values())
    assert sizes[-1] >= 100 and sizes[0] >= 5
    rng = random.Random(0)
    for label, sets in members.items():
        pairs = list(combinations(range(len(sets)), 2))
        sample = rng.sample(pairs, min(300, len(pairs)))
        median = statistics.median(holdout.jaccard(sets[i], sets[j]) for i, j in sample)
        assert median < 0.2, (label, median)


def test_campaigns_come_in_several_skeletons(corpus):
    for campaign in holdout.CAMPAIGNS:
        skeletons = campaign.skeletons
        assert 2 <= len(skeletons) <= 4 and len(set(skeletons)) == len(skeletons)
        assert all(set(s) <= set(range(len(campaign.sentences))) for s in skeletons)
        assert all(len(set(s)) == len(s) for s in skeletons)
    # Skeletons that drop a sentence show in the copies: their lengths in sentences vary.
    sentences = defaultdict(set)
    for c in corpus:
        if c.label == "spun:boston_face_ban_yes":
            body = c.text.split("\n\n")[1 if "\n\n" in c.text else 0]
            sentences[c.label].add(body.count(". "))
    assert len(sentences["spun:boston_face_ban_yes"]) >= 3


def test_spinning_reaches_every_phrase():
    rng = random.Random(0)
    seen = {holdout.spin("{a|b|{c|d} e} f", rng) for _ in range(200)}
    assert seen == {"A f", "B f", "C e f", "D e f"}


def test_hard_negatives_are_alone_and_distinct(corpus):
    negatives = [c for c in corpus if c.kind == "hard_negative"]
    labels = Counter(c.label for c in corpus)
    assert all(labels[c.label] == 1 for c in negatives)
    assert len({c.text for c in negatives}) == len(negatives)
    sets = [holdout.trigrams(c.text) for c in negatives]
    worst = max(holdout.jaccard(a, b) for a, b in combinations(sets, 2))
    assert worst <= 0.4


def test_hard_negatives_use_the_campaigns_terms(corpus):
    negatives = " ".join(c.text for c in corpus if c.kind == "hard_negative").lower()
    for term in ("face surveillance", "s.1385", "briefcam", "bike lane", "pipeline"):
        assert term in negatives
    short = [c for c in corpus if c.kind == "hard_negative" and len(c.text.split()) <= 8]
    assert short
