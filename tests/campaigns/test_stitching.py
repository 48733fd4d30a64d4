"""Whether a newcomer is stitched from the phrases of earlier letters (a spun bot letter), and
which of them it belongs with."""

from __future__ import annotations

from app.campaigns import stitching
from app.testimony import wording
from tests.campaigns import letters as L
from tests.campaigns.test_grouping import spun_letters


def placed(text: str) -> stitching.Placed:
    return stitching.placed(wording.words(text))


def numbered(texts) -> dict[int, stitching.Placed]:
    return {number: placed(text) for number, text in enumerate(texts)}


def test_places_run_from_the_start_to_the_end_of_the_text():
    text = placed("one two three four five six seven")

    assert len(text.hashes) == len(text.places) == 5
    assert sorted(text.places.tolist()) == [0.0, 0.25, 0.5, 0.75, 1.0]


def test_a_spun_copy_is_stitched_from_twenty_earlier_copies():
    earlier = numbered(spun_letters(20, seed=4))
    newcomer = placed(spun_letters(21, seed=4)[-1])

    assert stitching.covered(newcomer, list(earlier.values())) >= stitching.COVERED
    assert len(stitching.stitched_with(newcomer, earlier)) >= 10


def test_one_earlier_copy_is_not_enough():
    first, second = spun_letters(2, seed=4)

    assert stitching.stitched_with(placed(second), {0: placed(first)}) == []


def test_a_residents_own_letter_is_not_stitched_from_the_campaign():
    for own in L.FACE_OWN:
        others = [other for other in L.FACE_OWN if other != own]
        earlier = numbered([*spun_letters(20, seed=4), *others])

        assert stitching.stitched_with(placed(own), earlier) == []


def test_the_same_phrases_in_another_order_are_not_stitched():
    copies = spun_letters(21, seed=4)
    sentences = copies[-1].split(". ")
    reordered = ". ".join(sentences[len(sentences) // 2 :] + sentences[: len(sentences) // 2])

    assert stitching.stitched_with(placed(reordered), numbered(copies[:-1])) == []


def test_short_texts_are_never_stitched():
    earlier = numbered(spun_letters(20, seed=4))
    quote = "Other cities have already banned this technology."

    assert stitching.stitched_with(placed(quote), earlier) == []


def test_the_newcomer_joins_the_campaign_most_of_its_letters_are_in_and_brings_the_rest():
    earlier = numbered(spun_letters(20, seed=4))
    newcomer = placed(spun_letters(21, seed=4)[-1])
    stitched = stitching.stitched_with(newcomer, earlier)
    campaign_of = {n: (7 if n in stitched[: len(stitched) // 2 + 1] else None) for n in earlier}

    match, joining = stitching.choose(newcomer, earlier, campaign_of)

    assert campaign_of[match] == 7
    assert joining and set(joining) <= {n for n in stitched if campaign_of[n] is None}


def test_texts_alone_join_only_if_the_campaign_holds_them_too():
    earlier = numbered(spun_letters(20, seed=4))
    newcomer = placed(spun_letters(21, seed=4)[-1])
    stitched = stitching.stitched_with(newcomer, earlier)
    campaign_of = {n: (7 if n == stitched[0] else None) for n in earlier}

    match, joining = stitching.choose(newcomer, earlier, campaign_of)

    assert match == stitched[0]
    assert joining == []


def test_with_none_in_a_campaign_they_make_one():
    earlier = numbered(spun_letters(20, seed=4))
    newcomer = placed(spun_letters(21, seed=4)[-1])
    stitched = stitching.stitched_with(newcomer, earlier)

    assert stitching.choose(newcomer, earlier, {}) == (stitched[0], stitched[1:])
    assert stitching.choose(placed(L.FACE_OWN[0]), earlier, {}) == (None, [])
