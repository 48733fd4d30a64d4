"""Grouping a whole hearing's texts at once: real form letters with their personalised copies,
and a bot campaign that rewrites every copy from a template of interchangeable phrases."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from app.campaigns.grouping import group_texts
from app.testimony import wording
from tests.campaigns import letters as L

# A bot template in favour of the terminal: every copy picks one phrase per slot, so two copies
# share a few phrases at best, yet all of them are stitched from these 56.
SPINTAX = (
    ("Dear Commissioners,", "To the members of the committee,", "Dear Committee Members,",
     "To whom it may concern at the council,"),
    ("I am writing to", "I would like to", "Please allow me to", "I am contacting you to"),
    ("voice my strong support for", "express my firm backing of", "say that I fully endorse",
     "register my enthusiastic approval of"),
    ("the Bluewater deepwater port.", "the proposed offshore oil terminal.",
     "the new crude loading facility.", "the Bluewater Texas export project."),
    ("This project will bring", "The terminal is going to create",
     "This investment would deliver", "The port promises to provide"),
    ("hundreds of well paid jobs", "many good careers for local workers",
     "steady employment for our families", "a large number of skilled positions"),
    ("to the Coastal Bend region.", "across our part of the coast.",
     "in Nueces and San Patricio counties.", "for the people who live around Corpus Christi."),
    ("Loading tankers offshore", "Filling the ships far from shore",
     "Moving the loading out to sea", "Taking the transfers offshore"),
    ("means fewer lightering operations", "cuts down on ship to ship transfers",
     "removes the need for smaller shuttle vessels", "reduces the number of transfer trips"),
    ("and lowers emissions in the bay.", "which keeps the air in our harbour cleaner.",
     "so there is less pollution near the beaches.", "and that protects the water we fish in."),
    ("Our state needs", "Texas depends on", "The whole country relies on", "Our economy requires"),
    ("reliable energy exports", "a strong oil and gas industry",
     "secure supplies of domestic crude", "modern export infrastructure"),
    ("to recover from the pandemic.", "now more than ever before.",
     "if we want to stay competitive.", "to keep our communities prosperous."),
    ("Please approve the permit without delay.", "I urge you to grant the permit quickly.",
     "Kindly issue the permits as soon as possible.",
     "Do not hold back this important permit any longer."),
)  # fmt: skip


def bot_letters(count: int, seed: int = 7) -> list[str]:
    chooser = random.Random(seed)
    return [" ".join(chooser.choice(phrases) for phrases in SPINTAX) for _ in range(count)]


def spun_letters(count: int, seed: int = 5) -> list[str]:
    """Copies of the hand-written spun letter, in its two skeletons by turns."""
    chooser = random.Random(seed)
    return [
        L.SPUN_SKELETONS[number % 2].format(
            **{slot: chooser.choice(phrases) for slot, phrases in L.SPUN_SLOTS.items()}
        )
        for number in range(count)
    ]


def groups_of(texts: list[str]) -> list[set[str]]:
    """The groups found, as sets of texts, largest first."""
    found: dict[int, set[str]] = {}
    for text, label in zip(texts, group_texts(texts), strict=True):
        found.setdefault(label, set()).add(text)
    return sorted(found.values(), key=len, reverse=True)


def shuffled(texts, seed: int = 3) -> list[str]:
    texts = list(texts)
    random.Random(seed).shuffle(texts)
    return texts


def everything() -> list[str]:
    return shuffled([*(text for campaign in L.CAMPAIGNS for text in campaign), *L.UNRELATED])


# Real letters


def test_every_personalised_copy_is_grouped_with_its_letter():
    found = groups_of(everything())

    for campaign in L.CAMPAIGNS:
        assert set(campaign) in found


def test_comments_on_the_same_topic_stay_alone():
    found = groups_of(everything())

    for other in L.UNRELATED:
        assert {other} in found
    assert len(found) == len(L.CAMPAIGNS) + len(L.UNRELATED)


def test_letters_sharing_an_opening_are_kept_apart_however_many_copies_arrive():
    texts = shuffled([*L.CAMPAIGNS[0] * 15, *L.CAMPAIGNS[1] * 15, L.OPPOSE_PLANS, L.PUBLIC_MEETING])
    labels = group_texts(texts)

    by_letter = {
        number: {labels[i] for i, text in enumerate(texts) if text in campaign}
        for number, campaign in enumerate(L.CAMPAIGNS[:2])
    }
    assert len(by_letter[0]) == 1 and len(by_letter[1]) == 1
    assert by_letter[0] != by_letter[1]
    assert Counter(labels)[labels[texts.index(L.OPPOSE_PLANS)]] == 1
    assert Counter(labels)[labels[texts.index(L.PUBLIC_MEETING)]] == 1


# A bot campaign


def test_the_bot_template_gives_copies_that_are_rarely_alike_pair_by_pair():
    copies = bot_letters(40)
    shingled = [wording.shingles(wording.words(text)) for text in copies]
    pairs = [(a, b) for i, a in enumerate(shingled) for b in shingled[i + 1 :]]

    assert len(set(copies)) == 40
    assert sum(wording.alike(a, b) for a, b in pairs) < len(pairs) / 10


def test_three_hundred_bot_copies_end_up_in_one_campaign_and_nothing_else_joins():
    bots = bot_letters(300)
    texts = shuffled([*bots, *L.UNRELATED, *(campaign[0] for campaign in L.CAMPAIGNS)])

    found = groups_of(texts)

    assert found[0] == set(bots)
    assert all(len(group) == 1 for group in found[1:])
    assert len(found) == 1 + len(L.UNRELATED) + len(L.CAMPAIGNS)


def test_bot_copies_do_not_swallow_real_letters_on_the_same_topic():
    bots = bot_letters(300, seed=11)
    texts = shuffled([*bots, *everything()])

    found = groups_of(texts)

    assert set(bots) in found
    for campaign in L.CAMPAIGNS:
        assert set(campaign) in found
    for other in L.UNRELATED:
        assert {other} in found


# A spun letter: one skeleton (in two variants), a phrase picked for every slot


def test_spun_copies_share_little_wording_pair_by_pair():
    copies = [wording.shingles(wording.words(text)) for text in spun_letters(40)]
    pairs = [(a, b) for i, a in enumerate(copies) for b in copies[i + 1 :]]

    assert sum(wording.alike(a, b) for a, b in pairs) < len(pairs) / 20
    assert min(wording.similarity(a, b) for a, b in pairs) < 0.1


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_spun_copies_in_both_skeletons_are_regrouped_as_one_campaign(seed):
    spun = spun_letters(40, seed)
    texts = shuffled([*spun, *L.FACE_OWN, *L.UNRELATED], seed)

    found = groups_of(texts)

    assert found[0] == set(spun)
    assert all(len(group) == 1 for group in found[1:])


def test_residents_own_letters_on_the_spun_letters_topic_stay_alone():
    texts = [*spun_letters(60), *L.FACE_OWN]

    found = groups_of(texts)

    for own in L.FACE_OWN:
        assert {own} in found


def talking_point_letters(seed: int = 11) -> list[str]:
    """Residents' letters each quoting three of the shared talking points, in its own order;
    no two quote more than one of the same."""
    chooser = random.Random(seed)
    chosen: list[set[str]] = []
    for _ in range(2000):
        points = set(chooser.sample(L.TALKING_POINTS, 3))
        if all(len(points & other) <= 1 for other in chosen):
            chosen.append(points)
    return [
        " ".join(
            (
                chooser.choice(L.TALKING_POINT_GREETINGS),
                *chooser.sample(sorted(points), 3),
                chooser.choice(L.TALKING_POINT_CLOSINGS),
            )
        )
        for points in chosen
    ]


def test_letters_quoting_the_same_talking_points_in_their_own_order_are_not_chained():
    # Every quoted sentence recurs across the hearing and many letters share one, so a test
    # of recurring wording alone chains them into one large group.
    quoting = talking_point_letters()
    spun = spun_letters(60)
    texts = shuffled([*spun, *quoting])

    found = groups_of(texts)

    assert len(quoting) >= 40
    assert found[0] == set(spun)
    # Two letters can happen to hold each other's quotes in the same places; no more.
    assert max(len(group) for group in found[1:]) <= 2
    assert sum(len(group) for group in found[1:] if len(group) > 1) <= len(quoting) / 10


def test_letters_alike_only_pairwise_are_not_chained():
    # Each quotes three talking points, two of them the ones the letter before it quoted.
    texts = [" ".join(L.TALKING_POINTS[start : start + 3]) for start in range(6)]

    labels = group_texts(texts)

    assert labels[0] == labels[1]
    assert labels.count(labels[0]) == 2


def test_texts_known_to_be_together_stay_together_and_the_rest_is_grouped_around_them():
    # Placement put two letters of one resident together; regrouping keeps them so.
    texts = [L.COAL_ASH, L.FACE_OWN[0], L.COAL_ASH_PANDEMICS, L.COAL_ASH_CRIMINAL, L.FACE_OWN[1]]
    known = ["c1", "c2", None, None, "c2"]

    labels = group_texts(texts, known)

    assert labels[1] == labels[4] != labels[0]
    assert labels[0] == labels[2] == labels[3]
    assert group_texts(texts) == [0, 1, 0, 0, 4]


# Edge cases


def test_no_texts_no_labels():
    assert group_texts([]) == []


def test_exact_copies_share_a_label_even_when_short():
    texts = ["I support the ban.", "I SUPPORT the ban!", "I oppose the ban.", "i support  the ban"]

    assert group_texts(texts) == [0, 0, 2, 0]


def test_empty_and_punctuation_only_texts_are_copies_of_each_other_and_nothing_else():
    assert group_texts(["", L.COAL_ASH, "...", L.COAL_ASH_PANDEMICS]) == [0, 1, 0, 1]


def test_a_label_is_the_position_of_the_campaigns_first_text():
    texts = [L.PUBLIC_MEETING, L.COAL_ASH_PANDEMICS, L.CONCERNS, L.COAL_ASH, L.CONCERNS_WARMING]

    assert group_texts(texts) == [0, 1, 2, 1, 2]


def test_labels_are_the_same_on_every_run():
    texts = [*everything(), *bot_letters(60)]

    assert group_texts(texts) == group_texts(list(texts))
    assert group_texts(texts) == group_texts(tuple(texts))
