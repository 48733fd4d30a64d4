"""The spun campaign dev set (bench/spun_corpus.py, bench/spun_templates.py): what its truth
says is what the texts are."""

from __future__ import annotations

import csv
import random
import re
from collections import Counter, defaultdict
from itertools import combinations

import pytest

from bench.spintax import parse
from bench.spun_corpus import DATA, KINDS, SENTENCE, build, jaccard, trigrams, unrelated_pool
from bench.spun_templates import CAMPAIGNS
from bench.talking_points import MAX_JACCARD, TOPICS, all_points

SIZE = 800


# The set mixes in real comments read from ../shared/data, beside the checkout; a clone
# elsewhere (CI's) has none, and the set would lack its unrelated comments.
pytestmark = pytest.mark.skipif(
    not DATA.is_dir(), reason="the regulations.gov comments are not on this machine"
)


@pytest.fixture(scope="module")
def corpus():
    return build(SIZE, seed=3)


@pytest.fixture(scope="module")
def benchmark_corpus():
    """The set at the size the benchmark runs it (bench/spun_campaigns.py)."""
    return build(5000, seed=0)


def by_label(corpus) -> dict[str, list]:
    groups = defaultdict(list)
    for comment in corpus:
        groups[comment.label].append(comment)
    return groups


def test_the_same_seed_builds_the_same_corpus_and_another_seed_another(corpus):
    again, other = build(SIZE, seed=3), build(SIZE, seed=4)
    assert again == corpus
    assert other != corpus

    def letters(texts):
        return [c.text for c in texts if c.kind == "talking_points"]

    assert letters(again) == letters(corpus) != letters(other)


def test_kinds_come_in_the_shares_described(corpus):
    kinds = Counter(c.kind for c in corpus)

    assert len(corpus) == SIZE and set(kinds) == set(KINDS)
    assert kinds["own_two_hearings"] == 40  # 5%, in pairs
    assert kinds["hard_negative"] == 120  # 15%
    assert kinds["talking_points"] == 80  # 10%
    assert 0 < kinds["unrelated"] <= 120 and kinds["unrelated"] == min(120, len(unrelated_pool()))
    assert kinds["spun"] == SIZE - 40 - 120 - 80 - kinds["unrelated"]  # at least 55%, the rest


def test_labels_group_exactly_what_belongs_together(corpus):
    groups = by_label(corpus)
    for label, members in groups.items():
        kinds = {c.kind for c in members}
        assert len(kinds) == 1, label
        kind = kinds.pop()
        if kind == "own_two_hearings":
            assert len(members) == 2
        elif kind in ("hard_negative", "talking_points", "unrelated"):
            assert len(members) == 1
        else:
            assert label.startswith("spun:")
    spun = {label for label, members in groups.items() if members[0].kind == "spun"}
    assert spun == {f"spun:{campaign.name}" for campaign, _ in CAMPAIGNS}
    assert len({c.text for c in corpus}) == len(corpus)  # no text twice


def test_a_letter_sent_to_two_hearings_names_the_other_measure_the_second_time(corpus):
    measures = re.compile(r"Docket #068[34]|H\.1538|S\.1385|ordinance|moratorium bill|ban")
    for label, members in by_label(corpus).items():
        if members[0].kind != "own_two_hearings":
            continue
        first, second = (c.text for c in members)
        assert first != second
        assert Counter(measures.findall(first)) != Counter(measures.findall(second)), label
        assert jaccard(trigrams(first), trigrams(second)) > 0.3  # still much the same letter


def test_big_campaigns_take_hundreds_of_copies_and_small_ones_a_handful(benchmark_corpus):
    sizes = Counter(c.label for c in benchmark_corpus if c.kind == "spun")

    assert max(sizes.values()) > 900
    assert sum(1 for n in sizes.values() if n >= 300) >= 4
    assert sum(1 for n in sizes.values() if 5 <= n <= 40) >= 5


def test_copies_of_a_campaign_share_under_a_fifth_of_their_three_word_sequences(corpus):
    rng = random.Random(0)
    for label, members in by_label(corpus).items():
        if members[0].kind != "spun" or len(members) < 5:
            continue
        sets = [trigrams(c.text) for c in members]
        pairs = [rng.sample(sets, 2) for _ in range(200)]
        mean = sum(jaccard(a, b) for a, b in pairs) / len(pairs)
        assert 0.03 < mean < 0.2, (label, mean)


def test_every_campaign_has_skeleton_variants_and_spins_every_sentence():
    for campaign, _ in CAMPAIGNS:
        assert 2 <= len(campaign.skeletons) <= 4, campaign.name
        rng = random.Random(1)
        assert len({campaign.render(rng)[0] for _ in range(200)}) == len(campaign.skeletons)
        used = set(re.findall(r"\[\[(\w+)", " ".join(t for _, t in campaign.skeletons)))
        assert {"hello", "bye"} <= used or campaign.name in ("ban-strengthen",), campaign.name
        for name in used:
            variants = campaign.spinner.variants(parse(campaign.definitions[name]))
            assert variants >= 3, (campaign.name, name)


def test_personal_letters_seldom_share_a_sentence(corpus):
    letters = [c.text for c in corpus if c.kind == "hard_negative"]
    sentences = [
        {" ".join(re.findall(r"\w+", s.lower())) for s in SENTENCE.split(text.replace("\n", " "))}
        for text in letters
    ]
    owners = Counter(s for found in sentences for s in found)
    shared_two = sum(
        1 for a, b in combinations(range(len(letters)), 2) if len(sentences[a] & sentences[b]) >= 2
    )
    assert sum(1 for n in owners.values() if n > 1) < 0.05 * len(owners)
    assert shared_two == 0


def quoted_points(corpus) -> list[frozenset[str]]:
    """The talking points each talking-point letter quotes, in the corpus's order."""
    points = all_points()
    return [
        frozenset(p for p in points if p in c.text) for c in corpus if c.kind == "talking_points"
    ]


def test_every_topic_offers_a_menu_of_sixteen_to_twenty_four_distinct_points():
    for topic, spec in TOPICS.items():
        menu = spec["for"] + spec["against"]
        assert 16 <= len(menu) <= 24, topic
        assert len(set(menu)) == len(menu), topic
    points = all_points()
    assert not [(a, b) for a in points for b in points if a != b and a in b]  # none in another


def test_talking_point_letters_quote_two_to_four_points_of_one_measure_and_side(corpus):
    sides = {
        p: (topic, side)
        for topic, spec in TOPICS.items()
        for side in ("for", "against")
        for p in spec[side]
    }
    for quoted in quoted_points(corpus):
        assert 2 <= len(quoted) <= 4
        assert len({sides[p] for p in quoted}) == 1


def test_talking_point_letters_share_whole_sentences_yet_each_is_its_own(corpus):
    letters = [c for c in corpus if c.kind == "talking_points"]
    quoted = quoted_points(corpus)
    owners = Counter(p for found in quoted for p in found)
    sharing = [any(owners[p] > 1 for p in found) for found in quoted]
    pairs = list(combinations(range(len(letters)), 2))
    overlapping = sum(1 for a, b in pairs if quoted[a] & quoted[b])

    assert len({c.label for c in letters}) == len(letters)  # each letter its own label
    # Hard for grouping that trusts recurring wording: a third of the letters (in fact nearly
    # all) share a whole sentence with another, and one pair in twenty shares one.
    assert sum(sharing) >= len(letters) / 3
    assert overlapping >= len(pairs) / 20
    assert max(owners.values()) >= 5
    # ... yet none is a copy of another: at most two points in common, and little wording.
    assert max(len(quoted[a] & quoted[b]) for a, b in pairs) <= 2
    grams = [trigrams(c.text) for c in letters]
    assert max(jaccard(grams[a], grams[b]) for a, b in pairs) <= MAX_JACCARD


def test_talking_point_letters_keep_apart_at_the_benchmarks_size(benchmark_corpus):
    quoted = quoted_points(benchmark_corpus)
    pairs = combinations(range(len(quoted)), 2)

    assert len(quoted) == 500
    assert max(len(quoted[a] & quoted[b]) for a, b in pairs) <= 2


def test_unrelated_comments_are_real_and_far_apart():
    pool = unrelated_pool()
    grams = [trigrams(text) for text in pool]

    assert len(pool) >= 20
    assert all(len(re.findall(r"\w+", text)) >= 20 for text in pool)
    assert max(jaccard(a, b) for a, b in combinations(grams, 2)) <= 0.1


def test_reading_the_dockets_leaves_the_csv_field_limit_as_it_was():
    # The limit is process-wide: the agenda importer's tests, in the same process, rely on it.
    before = csv.field_size_limit()
    unrelated_pool.cache_clear()
    unrelated_pool()
    assert csv.field_size_limit() == before
