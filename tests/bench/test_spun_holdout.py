"""The held-out spun set: deterministic, the agreed mix of kinds, labels that mean what they say,
and spun copies that really share little text."""

from __future__ import annotations

import csv
import random
import re
from collections import Counter, defaultdict

import pytest

from bench import spun_holdout as holdout
from bench import spun_holdout_templates as templates

pytestmark = pytest.mark.skipif(
    not holdout.DATA.is_dir(), reason="the regulations.gov comments are not on this machine"
)


@pytest.fixture(scope="module")
def full():
    return holdout.build(5000, seed=0)


def trigrams(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9']+", text.lower())
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def mean_pair_jaccard(texts: list[str], pairs: int = 300) -> float:
    grams = [trigrams(text) for text in texts]
    rng = random.Random(0)
    values = [jaccard(*rng.sample(grams, 2)) for _ in range(pairs)]
    return sum(values) / len(values)


def test_the_same_seed_gives_the_same_set_and_another_seed_another():
    assert holdout.build(800, seed=3) == holdout.build(800, seed=3)
    assert holdout.build(800, seed=3) != holdout.build(800, seed=4)


def test_a_set_too_small_for_its_campaigns_is_refused():
    with pytest.raises(ValueError, match="at least 300"):
        holdout.build(299)


@pytest.mark.parametrize("size", [300, 2000, 5000])
def test_kinds_come_in_the_agreed_shares(size):
    kinds = Counter(comment.kind for comment in holdout.build(size))
    assert sum(kinds.values()) == size
    for kind, share in holdout.SHARES.items():
        assert abs(kinds[kind] - share * size) <= 2, (kind, kinds)


def test_labels_hold_one_kind_and_the_sizes_each_kind_promises(full):
    groups = defaultdict(list)
    for comment in full:
        groups[comment.label].append(comment)
    for label, members in groups.items():
        kinds = {m.kind for m in members}
        assert len(kinds) == 1, label
        kind = kinds.pop()
        if kind == "hard_negative":
            assert len(members) == 1, label
        elif kind == "own_two_hearings":
            assert len(members) == 2, label
        else:
            assert len(members) >= 3, label
    spun = Counter(c.label for c in full if c.kind == "spun")
    assert len(spun) == len(templates.CAMPAIGNS)
    assert sum(1 for n in spun.values() if n >= 100) >= 3
    assert sum(1 for n in spun.values() if 5 <= n <= 40) >= 5
    forms = {c.label for c in full if c.kind == "form"}
    assert len(forms) >= 8


def test_spun_copies_share_little_text_while_form_copies_share_much(full):
    by_label = defaultdict(list)
    for comment in full:
        by_label[comment.label].append(comment.text)
    report = {}
    for campaign in templates.CAMPAIGNS:
        texts = by_label[f"spun:{campaign.key}"]
        report[campaign.key] = (len(texts), mean_pair_jaccard(texts))
    for key, (n, value) in sorted(report.items(), key=lambda kv: -kv[1][0]):
        print(f"spun {key:22s} copies={n:4d} mean word-3-gram Jaccard={value:.3f}")
    assert all(value < 0.25 for _, value in report.values())
    assert min(value for _, value in report.values()) < 0.07
    form_labels = {c.label for c in full if c.kind == "form"}
    for label in sorted(form_labels):
        value = mean_pair_jaccard(by_label[label])
        print(f"{label:45s} copies={len(by_label[label]):4d} Jaccard={value:.3f}")
        assert value > 0.4, label


def test_copies_of_a_campaign_are_not_copies_of_each_other(full):
    for campaign in templates.CAMPAIGNS:
        texts = [c.text for c in full if c.label == f"spun:{campaign.key}"]
        assert len(set(texts)) > 0.9 * len(texts), campaign.key


def test_statements_sent_to_two_hearings_name_different_hearings(full):
    pairs = defaultdict(list)
    for comment in full:
        if comment.kind == "own_two_hearings":
            pairs[comment.label].append(comment.text)
    for one, two in pairs.values():
        assert one != two
        named = [
            {h for hs in templates.HEARINGS.values() for h in hs if h in text}
            for text in (one, two)
        ]
        assert named[0] and named[1] and named[0] != named[1]
        assert jaccard(trigrams(one), trigrams(two)) > 0.3


def test_hard_negatives_include_real_comments_and_letters_quoting_a_campaign(full):
    alone = [c.text for c in full if c.kind == "hard_negative"]
    real = {t for texts in holdout.components().values() for t in texts}
    assert 5 <= sum(1 for text in alone if text in real) <= 40
    frames = [frame.split("{quote}")[0] for frame in holdout.QUOTE_FRAMES]
    assert sum(1 for text in alone if any(f and f in text for f in frames)) >= 10
    assert mean_pair_jaccard(alone) < 0.06


def test_every_campaign_spins_each_slot_three_to_eight_ways_in_several_skeletons():
    slots = []
    for campaign in templates.CAMPAIGNS:
        assert len(campaign.skeletons) >= 3, campaign.key
        for name, spec in campaign.sentences.items():
            counts = holdout.alternatives(holdout.parse(spec))
            assert counts, (campaign.key, name)
            slots.extend(counts)
        for skeleton in campaign.skeletons:
            assert set(skeleton) - {"/"} <= set(campaign.sentences)
    assert max(slots) <= 8
    assert sum(1 for n in slots if n >= 3) > 0.85 * len(slots)


def test_the_engine_spins_nested_choices_and_refuses_broken_syntax():
    tree = holdout.parse("[We|I] [[strongly|really] urge|ask] you.")
    assert holdout.render(tree, random.Random(0), spin=0.0) == "We strongly urge you."
    seen = {holdout.render(tree, random.Random(i), spin=1.0) for i in range(200)}
    assert seen == {
        f"{who} {verb} you."
        for who in ("We", "I")
        for verb in ("strongly urge", "really urge", "ask")
    }
    with pytest.raises(ValueError):
        holdout.parse("[a|b")
    with pytest.raises(ValueError):
        holdout.parse("a]b")


def test_reading_the_dockets_leaves_the_csv_field_limit_as_it_was():
    # The limit is process-wide: the agenda importer's tests, in the same process, rely on it.
    before = csv.field_size_limit()
    holdout.components()
    assert csv.field_size_limit() == before
